"""Attribution for lesson 02: from kinds of evidence to a public attribution level and the
responses it can carry; plus the builder's controls, the lesson's tables and figures of proxies
and false flags, and its self-check questions.

Why this module exists: the brief's central claim about attribution is that the more
convincingly an attack is attributed, and the more of the evidence the world can see, the less
risky a response becomes, and that the strong responses need much public evidence. Students
meet that claim best by *building* an attribution: tick the kinds of evidence a government has,
decide whether to publish its own, and see what that buys. So that the builder teaches the
course's model and not a second one, it goes through the same two steps as
:func:`course.engine.data.scenario_for`:

1. evidence -> an attribution **level** in the dataset's vocabulary
   (:data:`course.engine.data.ATTRIBUTION_LEVELS`: none < industry < claimed < government <
   government_evidence < joint);
2. level -> the model's ``attribution`` and ``public_evidence`` inputs through
   :data:`course.engine.data.ATTRIBUTION_STRENGTH` and
   :data:`course.engine.data.PUBLIC_EVIDENCE_BY_ATTRIBUTION`, then
   :func:`course.engine.escalation.assess` for each of the seven options.

An option is **carried** when its assessment has neither the ``weak_attribution`` nor the
``little_public_evidence`` warning: the evidence is then strong and public enough for that
response by the model's own thresholds. Other warnings (a disproportionate response, hitting the
host state) are reported but are not about attribution, so they do not decide "carried".

The evidence vocabulary (:data:`EVIDENCE`, in the order the widget shows it):

=======================  ====================  =============================================
kind                     level once public     public by nature?
=======================  ====================  =============================================
technical_indicators     government_evidence   no: the government's own forensic findings
intelligence             government            no: secret sources; "public" means the
                                               government states its conclusion
industry_report          industry              yes: a security firm publishes it
claim_by_attackers       claimed               yes: the attackers announce it
indictment               government_evidence   yes: charges are a public court document
joint_statement          joint                 yes: several governments speak together
=======================  ====================  =============================================

How the pieces combine (all rules use the existing mappings; nothing is re-scaled):

- ``level``: the strongest level among the evidence that is public (the kinds public by nature
  plus what the government chose to publish); ``none`` when nothing is public. This is what the
  dataset would record.
- ``level_if_published``: the strongest level among *all* the evidence, as if everything were
  made public. Its :data:`~course.engine.data.ATTRIBUTION_STRENGTH` is the ``attribution`` input:
  how convincingly the attackers are identified, whether or not the proof is shown.
- ``public_evidence``: the largest :data:`~course.engine.data.PUBLIC_EVIDENCE_BY_ATTRIBUTION` value
  among the public pieces (0 when nothing is public). The largest, because evidence that is out
  stays out: an indictment's detail does not become secret when allies later sign a joint
  statement. With a single public piece every number equals ``scenario_for``'s for that level;
  with several, ``scenario_for`` (which sees only the coded strongest level) may show less public
  evidence than the builder does.

So adding evidence or publishing more never lowers ``attribution`` or ``public_evidence``, and
(by the model's rule 2, docs/model.md) never raises any option's risk.

The evidence labels and meanings, the builder's sentences and the lesson's other texts are in
``content/02_proxies_and_attribution.yaml`` under ``texts:`` (see :data:`TEXTS`).

Typical use::

    from course.lessons.l02_proxies_and_attribution import attribution_from
    r = attribution_from({"technical_indicators", "intelligence"}, published=set())
    r.level, r.level_if_published, r.attribution, r.public_evidence, r.carried
    # ('none', 'government_evidence', 0.85, 0.0, (1, 2, 3, 4))
"""

from __future__ import annotations

import html
import textwrap
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final, NamedTuple

import ipywidgets as w
import pandas as pd
import plotly.graph_objects as go

from course.engine.countries import country_name
from course.engine.data import (
    ACTOR_TYPES,
    ATTRIBUTION_LEVELS,
    ATTRIBUTION_STRENGTH,
    HOST_POSTURES,
    PUBLIC_EVIDENCE_BY_ATTRIBUTION,
)
from course.engine.escalation import (
    ATTACK_SCALES,
    BANDS,
    HOST_STATES,
    OPTIONS,
    TARGETS,
    WARNING_TEXT,
    WARNINGS,
    Scenario,
    assess,
)
from course.engine.labels import (
    ACTOR_TYPE_LABELS,
    ATTRIBUTION_LABELS,
    HOST_POSTURE_LABELS,
    OPTION_SHORT_LABELS,
    SCALE_LABELS,
)
from course.learning.content import TEXT, LessonTexts, choice_question, placeholders
from course.learning.quiz import MultipleChoice
from course.ui.figures import count_bar, legend_below, level_ticks
from course.ui.tables import TableView, table_view
from course.ui.theme import BAND_COLOURS, PALETTE
from course.ui.widgets import dropdown

__all__ = [
    "ATTRIBUTION_WARNINGS",
    "BUILDER_DEFAULTS",
    "EVIDENCE",
    "EVIDENCE_KINDS",
    "LEVEL_COLOURS",
    "SELF_CHECK_IDS",
    "TEXTS",
    "AttributionResult",
    "Evidence",
    "OptionVerdict",
    "attribution_by_actor_figure",
    "attribution_from",
    "builder_controls",
    "builder_description",
    "builder_figure",
    "builder_result",
    "convincingness",
    "evidence_table",
    "evidence_view",
    "false_flag_figure",
    "false_flag_summary",
    "false_flag_view",
    "false_flags",
    "level_table",
    "level_view",
    "posture_by_actor_table",
    "self_check_question",
    "table_view",
    "years_to_attribution",
]

# --- Vocabulary --------------------------------------------------------------------------------


class Evidence(NamedTuple):
    """One kind of evidence the builder offers; its label and meaning are in the content file."""

    key: str
    level: str
    """The attribution level this evidence supports once it is public."""
    public_by_nature: bool
    """True for evidence that exists only as a public act (a claim, a report, charges)."""

    @property
    def label(self) -> str:
        """Its name in the builder ("Security-firm report")."""
        return TEXTS.get("evidence", self.key, "label")

    @property
    def meaning(self) -> str:
        """What it is, in a sentence or two (for the lesson's table)."""
        return TEXTS.get("evidence", self.key, "meaning")


EVIDENCE: Final[Mapping[str, Evidence]] = MappingProxyType(
    {
        e.key: e
        for e in (
            Evidence("technical_indicators", "government_evidence", False),
            Evidence("intelligence", "government", False),
            Evidence("industry_report", "industry", True),
            Evidence("claim_by_attackers", "claimed", True),
            Evidence("indictment", "government_evidence", True),
            Evidence("joint_statement", "joint", True),
        )
    }
)
"""The builder's evidence kinds, keyed by name, in the order the widget shows them."""

EVIDENCE_KINDS: Final = tuple(EVIDENCE)
"""The allowed evidence names."""

CONVINCINGNESS: Final = ("nothing", "weak", "moderate", "strong")
"""The readings of :func:`convincingness`, weakest first (their words are in the content file)."""

_ONE_MANY: Final = ("one", "many")

TEXTS: Final = LessonTexts(
    "02",
    {
        "evidence": {k: {"label": TEXT, "meaning": TEXT} for k in EVIDENCE_KINDS},
        "convincingness": dict.fromkeys(CONVINCINGNESS, TEXT),
        "builder": {
            "level": placeholders("level", "code", "public"),
            "nothing_public": TEXT,
            "secret": placeholders("secret", "level_if_published"),
            "strength": placeholders("attribution", "public_evidence", "public_case", "convincing"),
            "can_carry": placeholders("options"),
            "cannot_carry": placeholders("options"),
            "other_warnings": placeholders("notes"),
            "claim_only": TEXT,
            "figure_title": placeholders("level", "options"),
            "hover_carried": TEXT,
            "hover_not_carried": placeholders("gaps"),
        },
        "options_phrase": dict.fromkeys(_ONE_MANY, placeholders("options")),
        "reached_by_nothing": TEXT,
        "years": dict.fromkeys(_ONE_MANY, placeholders("count")),
        "false_flag_summary": dict.fromkeys(
            _ONE_MANY, placeholders("count", "median", "longest", "name")
        ),
        "false_flag_figure": {
            "title": TEXT,
            "starts": TEXT,
            "attribution": placeholders("level"),
            "response": TEXT,
        },
        "attribution_by_actor_title": TEXT,
    },
)
"""Lesson 02's texts in ``content/02_proxies_and_attribution.yaml`` (``texts:``)."""
TEXTS()

ATTRIBUTION_WARNINGS: Final = ("weak_attribution", "little_public_evidence")
"""The model's warnings that say the evidence is too weak or too hidden for an option."""

LEVEL_COLOURS: Final[Mapping[str, str]] = MappingProxyType(
    dict(zip(ATTRIBUTION_LEVELS, PALETTE, strict=False))
)
"""One palette colour per level, in the order the theme cycles (as ``count_bar`` uses them)."""

_RANK: Final = {level: i for i, level in enumerate(ATTRIBUTION_LEVELS)}

if set(ATTRIBUTION_WARNINGS) - set(WARNINGS):  # pragma: no cover - guards a rename in the model
    raise ImportError(
        "course.engine.escalation no longer has the attribution warnings this module uses"
    )


# --- Validation --------------------------------------------------------------------------------


def _kinds(field: str, values: object) -> frozenset[str]:
    """A collection of evidence names as a frozenset; bad input names the field and the choices."""
    allowed = ", ".join(EVIDENCE_KINDS)
    if isinstance(values, str) or not isinstance(values, Iterable):
        raise ValueError(
            f"{field}: give a collection of evidence names such as {{'indictment'}}, not "
            f"{values!r}; allowed: {allowed}"
        )
    items = list(values)
    unknown = sorted({repr(v) for v in items if not isinstance(v, str) or v not in EVIDENCE})
    if unknown:
        raise ValueError(f"{field}: unknown evidence {', '.join(unknown)}; allowed: {allowed}")
    return frozenset(items)


def _choice(field: str, value: object, allowed: tuple[str, ...]) -> str:
    if isinstance(value, str) and value in allowed:
        return value
    raise ValueError(f"{field}: bad value {value!r}; allowed: one of {', '.join(allowed)}")


def _flag(field: str, value: object) -> bool:
    if isinstance(value, bool):
        return value
    raise ValueError(f"{field}: bad value {value!r}; allowed: True or False")


# --- The builder's logic -----------------------------------------------------------------------


class OptionVerdict(NamedTuple):
    """What one of the seven options scores with this attribution, and whether it is carried."""

    option: int
    title: str
    risk: float
    band: str
    carried: bool
    gaps: tuple[str, ...]
    """The attribution warnings that stop the option (empty when carried)."""
    other_warnings: tuple[str, ...]
    """The model's other warnings (proportionality, target...), for information."""


@dataclass(frozen=True, slots=True)
class AttributionResult:
    """The outcome of :func:`attribution_from`. See the module docstring for the rules."""

    evidence: frozenset[str]
    public: frozenset[str]
    level: str
    level_if_published: str
    attribution: float
    public_evidence: float
    verdicts: tuple[OptionVerdict, ...]

    @property
    def public_case(self) -> float:
        """``attribution x public_evidence``: the share of a full public case actually shown.

        The same product the escalation model's public-evidence term uses.
        """
        return self.attribution * self.public_evidence

    @property
    def carried(self) -> tuple[int, ...]:
        """Numbers of the options this attribution can carry (always includes 1 and 2)."""
        return tuple(v.option for v in self.verdicts if v.carried)

    @property
    def convincingness(self) -> str:
        """How convincing the case would be in public, in words (see :func:`convincingness`)."""
        return convincingness(self.public_case)


def _strongest(kinds: Iterable[str]) -> str:
    levels = [EVIDENCE[k].level for k in kinds]
    return max(levels, key=_RANK.__getitem__) if levels else "none"


def attribution_from(
    evidence: Collection[str],
    published: Collection[str] = frozenset(),
    *,
    attack_scale: str = "large",
    host_state: str = "sponsor",
    target: str = "actor",
) -> AttributionResult:
    """Combine kinds of evidence into an attribution and score the seven options with it.

    ``evidence``: the kinds the victim government has or that exist (names from
    :data:`EVIDENCE_KINDS`). ``published``: which of them the government makes public; it must
    be a subset of ``evidence``. Kinds that are public by nature (claims, industry reports,
    indictments, joint statements) count as public whether listed or not.

    ``attack_scale``, ``host_state`` and ``target`` complete the model scenario used to score
    the options (defaults: a large-scale attack by a sponsoring host, response aimed at the
    attackers). Bad input raises ``ValueError`` naming the field and the allowed values.
    """
    have = _kinds("evidence", evidence)
    shown = _kinds("published", published)
    if not shown <= have:
        missing = ", ".join(sorted(shown - have))
        raise ValueError(
            f"published: {missing} is not in the evidence; allowed: a subset of the evidence "
            f"given ({', '.join(sorted(have)) or 'none'})"
        )
    attack_scale = _choice("attack_scale", attack_scale, ATTACK_SCALES)
    host_state = _choice("host_state", host_state, HOST_STATES)
    target = _choice("target", target, TARGETS)
    public = frozenset(k for k in have if EVIDENCE[k].public_by_nature) | shown
    level_if_published = _strongest(have)
    strength = ATTRIBUTION_STRENGTH[level_if_published]
    shares = [PUBLIC_EVIDENCE_BY_ATTRIBUTION[EVIDENCE[k].level] for k in public]
    share = max(shares, default=PUBLIC_EVIDENCE_BY_ATTRIBUTION["none"])
    verdicts = tuple(
        _verdict(
            Scenario(
                option=number,
                attack_scale=attack_scale,
                attribution=strength,
                public_evidence=share,
                host_state=host_state,
                target=target,
            )
        )
        for number in OPTIONS
    )
    return AttributionResult(
        evidence=have,
        public=public,
        level=_strongest(public),
        level_if_published=level_if_published,
        attribution=strength,
        public_evidence=share,
        verdicts=verdicts,
    )


def _verdict(scenario: Scenario) -> OptionVerdict:
    a = assess(scenario)
    gaps = tuple(w for w in a.warnings if w in ATTRIBUTION_WARNINGS)
    others = tuple(w for w in a.warnings if w not in ATTRIBUTION_WARNINGS)
    return OptionVerdict(
        option=scenario.option,
        title=OPTIONS[scenario.option].title,
        risk=a.risk,
        band=a.band,
        carried=not gaps,
        gaps=gaps,
        other_warnings=others,
    )


def convincingness(public_case: float) -> str:
    """A plain reading of the public case (attribution x public evidence, 0..1).

    Words for discussion, not a new scale: 0 is "nothing public"; below 0.3 "weak" (easy to
    deny); below 0.6 "moderate" (contestable); otherwise "strong". The cut-offs fall between the
    dataset levels' own products (0.15 to 0.24 for a claim, a firm's report or a bare statement;
    0.45 for a joint statement; 0.68 for a government case with evidence).
    """
    if isinstance(public_case, bool) or not isinstance(public_case, int | float):
        raise ValueError(f"public_case: bad value {public_case!r}; allowed: a number from 0 to 1")
    if not 0.0 <= public_case <= 1.0:
        raise ValueError(f"public_case: bad value {public_case!r}; allowed: a number from 0 to 1")
    if public_case == 0.0:
        reading = "nothing"
    elif public_case < 0.3:
        reading = "weak"
    elif public_case < 0.6:
        reading = "moderate"
    else:
        reading = "strong"
    return TEXTS.get("convincingness", reading)


def _span(numbers: Iterable[int]) -> str:
    """(1, 2, 3, 5) -> "1-3, 5": option numbers as a short list."""
    runs: list[list[int]] = []
    for n in sorted(numbers):
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    return ", ".join(f"{r[0]}-{r[-1]}" if len(r) > 2 else ", ".join(map(str, r)) for r in runs)


def evidence_table() -> pd.DataFrame:
    """The builder's evidence kinds as a table: name, label, level once public, whether the
    government can keep it secret, and what it means (for the lesson's text)."""
    return pd.DataFrame(
        {
            "evidence": list(EVIDENCE),
            "what it is": [e.label for e in EVIDENCE.values()],
            "level once public": [e.level for e in EVIDENCE.values()],
            "can be kept secret": [
                "yes" if not e.public_by_nature else "no" for e in EVIDENCE.values()
            ],
            "meaning": [e.meaning for e in EVIDENCE.values()],
        }
    )


def _options_phrase(numbers: Iterable[int]) -> str:
    """(7,) -> "option 7"; (5, 6, 7) -> "options 5-7"."""
    chosen = sorted(numbers)
    return TEXTS.get("options_phrase", "one" if len(chosen) == 1 else "many", options=_span(chosen))


def level_table(*, attack_scale: str = "large", host_state: str = "sponsor") -> pd.DataFrame:
    """One row per attribution level: the evidence that reaches it, the model's numbers for it
    and the options it carries. The static companion of the builder (and of ``scenario_for``:
    each row uses a single public piece of evidence, so its numbers are that level's mapping).
    """
    rows = []
    for level in ATTRIBUTION_LEVELS:
        kinds = [k for k, e in EVIDENCE.items() if e.level == level]
        chosen = kinds[:1]
        r = attribution_from(chosen, chosen, attack_scale=attack_scale, host_state=host_state)
        rows.append(
            {
                "level": level,
                "reached by": " or ".join(EVIDENCE[k].label for k in kinds)
                or TEXTS.get("reached_by_nothing"),
                "attribution": r.attribution,
                "public evidence": r.public_evidence,
                "public case": round(r.public_case, 3),
                "in public": r.convincingness,
                "options carried": _span(r.carried),
            }
        )
    return pd.DataFrame(rows)


def evidence_view() -> TableView:
    """:func:`evidence_table` as the lesson shows it: plain headers, the level in words, whole
    meanings (the evidence codes stay in :func:`evidence_table` for code and tests)."""
    table = evidence_table()
    shown = pd.DataFrame(
        {
            "Evidence": table["what it is"],
            "Level once public": [ATTRIBUTION_LABELS[v] for v in table["level once public"]],
            "Can be kept secret": table["can be kept secret"],
            "What it means": table["meaning"],
        }
    )
    return table_view(shown, index=False)


def level_view(*, attack_scale: str = "large", host_state: str = "sponsor") -> TableView:
    """:func:`level_table` as the lesson shows it: each level in words with its code in the data
    (the lesson teaches the codes), plain headers, whole cells."""
    table = level_table(attack_scale=attack_scale, host_state=host_state)
    shown = pd.DataFrame(
        {
            "Level": [ATTRIBUTION_LABELS[v] for v in table["level"]],
            "Code in the data": table["level"],
            "Reached by": table["reached by"],
            "Attribution": table["attribution"],
            "Public evidence": table["public evidence"],
            "Public case": table["public case"],
            "In public": table["in public"],
            "Options carried": table["options carried"],
        }
    )
    return table_view(shown, index=False, precision=2)


# --- The widget: controls in, figure and HTML out ------------------------------------------------

BUILDER_DEFAULTS: Final[Mapping[str, object]] = MappingProxyType(
    {
        "technical_indicators": True,
        "intelligence": True,
        "industry_report": False,
        "claim_by_attackers": False,
        "indictment": False,
        "joint_statement": False,
        "make_public": False,
        "attack_scale": "large",
        "host_state": "sponsor",
    }
)
"""The builder's starting point: strong evidence, all of it still secret."""


def builder_result(**values: object) -> AttributionResult:
    """The widget's controls (see :data:`BUILDER_DEFAULTS`) turned into an attribution.

    One checkbox per evidence kind; ``make_public`` publishes the government's own evidence
    (technical indicators and intelligence, when ticked). Missing controls take the defaults;
    unknown ones raise ``ValueError``.
    """
    unknown = sorted(set(values) - set(BUILDER_DEFAULTS))
    if unknown:
        raise ValueError(
            f"controls: unknown {', '.join(unknown)}; allowed: {', '.join(BUILDER_DEFAULTS)}"
        )
    merged = {**BUILDER_DEFAULTS, **values}
    have = {k for k in EVIDENCE_KINDS if _flag(k, merged[k])}
    publish = _flag("make_public", merged["make_public"])
    shown = {k for k in have if not EVIDENCE[k].public_by_nature} if publish else set()
    return attribution_from(
        have,
        shown,
        attack_scale=merged["attack_scale"],  # type: ignore[arg-type]  (validated there)
        host_state=merged["host_state"],  # type: ignore[arg-type]
    )


def builder_figure(**values: object) -> go.Figure:
    """Bars of risk for options 1-7 coloured by band; hatched bars and a cross mark the options
    this attribution cannot carry. Always the same seven traces (bars, marks, five band keys),
    so the live figure updates in place.
    """
    r = builder_result(**values)
    labels = [OPTION_SHORT_LABELS[v.option] for v in r.verdicts]
    hover = [
        f"Option {v.option}: {html.escape(v.title)}<br>risk {v.risk:.1f} ({v.band})<br>"
        + (
            TEXTS.get("builder", "hover_carried")
            if v.carried
            else TEXTS.get(
                "builder", "hover_not_carried", gaps="; ".join(WARNING_TEXT[w] for w in v.gaps)
            )
        )
        for v in r.verdicts
    ]
    fig = go.Figure()
    fig.add_bar(
        x=labels,
        y=[v.risk for v in r.verdicts],
        marker={
            "color": [BAND_COLOURS[v.band] for v in r.verdicts],
            "line": {"color": "#444444", "width": 1},
            "pattern": {
                "shape": ["" if v.carried else "/" for v in r.verdicts],
                "fgcolor": "#444444",
                "solidity": 0.25,
            },
        },
        hovertext=hover,
        hoverinfo="text",
        name="risk",
        showlegend=False,
    )
    fig.add_scatter(
        x=labels,
        y=[v.risk + 6 for v in r.verdicts],
        mode="text",
        text=[f"{v.risk:.0f} ✓" if v.carried else f"{v.risk:.0f} ✗" for v in r.verdicts],
        textfont={
            "color": ["#1b7837" if v.carried else "#b2182b" for v in r.verdicts],
            "size": 16,
        },
        hoverinfo="skip",
        name="carried",
        showlegend=False,
    )
    for band in BANDS:
        fig.add_scatter(
            x=[None],
            y=[None],
            mode="markers",
            marker={"symbol": "square", "size": 14, "color": BAND_COLOURS[band]},
            name=band,
            showlegend=True,
        )
    carried = _span(r.carried)
    fig.update_layout(
        title=TEXTS.get(
            "builder", "figure_title", level=ATTRIBUTION_LABELS[r.level], options=carried
        ),
        yaxis={"title": "Escalation risk (0-100)", "range": [0, 100]},
        xaxis={
            "title": "",
            "tickvals": labels,
            "ticktext": [_two_lines(label) for label in labels],
            "tickangle": 0,
        },
        legend={"title": {"text": "Risk band "}},
        bargap=0.25,
    )
    # Below the two-line option labels at any figure height: a legend at a fraction of the
    # plot's height covered the labels' second line in the static figure, drawn 360 px tall.
    return legend_below(fig, plot_height=300, below_axis_px=60)


def _two_lines(label: str) -> str:
    """ "6 Cyber retaliation" -> "6 Cyber<br>retaliation": seven labels side by side stay level
    and readable on a narrow screen instead of being slanted into the legend."""
    return "<br>".join(textwrap.wrap(label, width=12))


def builder_description(**values: object) -> str:
    """HTML under the live figure: the level, how convincing it is in public, what it carries."""
    r = builder_result(**values)
    esc = html.escape

    def say(key: str, **filled: object) -> str:
        return TEXTS.get("builder", key, **filled)

    public = ", ".join(EVIDENCE[k].label for k in EVIDENCE_KINDS if k in r.public)
    secret = ", ".join(
        EVIDENCE[k].label for k in EVIDENCE_KINDS if k in r.evidence and k not in r.public
    )
    lines = [
        say(
            "level",
            level=esc(ATTRIBUTION_LABELS[r.level]),
            code=r.level,
            public=esc(public or say("nothing_public")),
        )
    ]
    if secret:
        lines.append(
            say(
                "secret",
                secret=esc(secret),
                level_if_published=esc(ATTRIBUTION_LABELS[r.level_if_published]),
            )
        )
    lines.append(
        say(
            "strength",
            attribution=f"{r.attribution:.2f}",
            public_evidence=f"{r.public_evidence:.2f}",
            public_case=f"{r.public_case:.2f}",
            convincing=esc(r.convincingness),
        )
    )
    carried = [f"{v.option} {esc(v.title)}" for v in r.verdicts if v.carried]
    lines.append(say("can_carry", options="; ".join(carried)))
    blocked = [
        f"{v.option} {esc(v.title)} ({esc('; '.join(WARNING_TEXT[w] for w in v.gaps))})"
        for v in r.verdicts
        if not v.carried
    ]
    if blocked:
        lines.append(say("cannot_carry", options="; ".join(blocked)))
    other = sorted({w for v in r.verdicts for w in v.other_warnings}, key=WARNINGS.index)
    if other:
        affected = {w: [v.option for v in r.verdicts if w in v.other_warnings] for w in other}
        notes = "; ".join(
            f"{esc(WARNING_TEXT[w])} ({esc(_options_phrase(affected[w]))})" for w in other
        )
        lines.append(say("other_warnings", notes=notes))
    if r.public == {"claim_by_attackers"}:
        lines.append(say("claim_only"))
    items = "".join(f"<li>{line}</li>" for line in lines)
    return f"<ul style='margin:0;padding-left:1.2em;line-height:1.5'>{items}</ul>"


def builder_controls() -> dict[str, w.ValueWidget]:
    """The builder's controls, set to :data:`BUILDER_DEFAULTS` (the static figure's view).

    Keyed like :data:`BUILDER_DEFAULTS`, the keyword arguments :func:`builder_figure` and
    :func:`builder_description` accept, so the lesson wires them with ``LiveFigure(
    builder_figure, builder_controls(), builder_description, layout_columns=3)``. Built here,
    not in the notebook, so the starting values cannot drift from the static figure's and the
    drop-downs show the course's labels while passing the model's codes.
    """
    controls: dict[str, w.ValueWidget] = {
        key: w.Checkbox(value=BUILDER_DEFAULTS[key], description=evidence.label, indent=False)
        for key, evidence in EVIDENCE.items()
    }
    controls["make_public"] = w.Checkbox(
        value=BUILDER_DEFAULTS["make_public"], description="Publish own evidence", indent=False
    )
    controls["attack_scale"] = dropdown(
        {SCALE_LABELS[s]: s for s in ATTACK_SCALES},
        BUILDER_DEFAULTS["attack_scale"],
        "Attack scale",
    )
    controls["host_state"] = dropdown(
        {HOST_POSTURE_LABELS[h]: h for h in HOST_STATES},
        BUILDER_DEFAULTS["host_state"],
        "Host state",
    )
    return controls


# --- Tables and figures from the data ----------------------------------------------------------


def years_to_attribution(incidents: pd.DataFrame) -> pd.Series:
    """Years from an incident's start to the year its strongest public attribution was reached,
    indexed by incident id; incidents never attributed (level ``none``) are left out.

    ``attribution_year`` records when the *strongest* level was first reached (data/README.md),
    so an earlier, weaker attribution may exist: this is the time to the strongest one.
    """
    for column in ("id", "start_year", "attribution_year"):
        if column not in incidents.columns:
            raise ValueError(
                f"incidents: missing column {column!r}; use course.engine.data.load_incidents"
            )
    known = incidents.dropna(subset=["attribution_year"])
    years = (known["attribution_year"] - known["start_year"]).astype(int)
    return pd.Series(years.to_numpy(), index=known["id"].to_numpy(), name="years")


def false_flags(incidents: pd.DataFrame, responses: pd.DataFrame) -> pd.DataFrame:
    """The state operations disguised as criminal or hacktivist ones (``state_disguised``).

    Columns: id, name, actor (who it really was and the mask it wore, as coded), host_state,
    start_year, first_response_year (the year of the earliest public response by any state in
    ``responses``), attribution, attribution_year and years (start to strongest attribution).
    Sorted by start year, then id.
    """
    disguised = incidents.loc[incidents["actor_type"] == "state_disguised"].copy()
    first = (
        responses.assign(year=responses["date"].str[:4].astype(int))
        .groupby("incident_id")["year"]
        .min()
    )
    disguised["first_response_year"] = disguised["id"].map(first).astype("Int64")
    disguised["years"] = years_to_attribution(disguised).reindex(disguised["id"]).to_numpy()
    columns = [
        "id",
        "name",
        "actor",
        "host_state",
        "start_year",
        "first_response_year",
        "attribution",
        "attribution_year",
        "years",
    ]
    return disguised.sort_values(["start_year", "id"])[columns].reset_index(drop=True)


def false_flag_view(flags: pd.DataFrame) -> TableView:
    """The table of :func:`false_flags` as the lesson shows it: the operation, who really acted
    and the mask it wore (whole, as that is the point of the table), the host country by name,
    the years, and the strongest attribution in words."""
    missing = sorted(
        {"name", "actor", "host_state", "start_year", "first_response_year", "attribution",
         "attribution_year"} - set(flags.columns)
    )  # fmt: skip
    if missing:
        raise ValueError(f"flags: missing column(s) {', '.join(missing)}; use false_flags()")

    def year(value: object) -> str:
        return "-" if pd.isna(value) else str(int(value))  # type: ignore[arg-type]

    shown = pd.DataFrame(
        {
            "Operation": flags["name"],
            "Who really acted, and the mask": flags["actor"],
            "From": [country_name(str(c)) for c in flags["host_state"]],
            "Started": [year(v) for v in flags["start_year"]],
            "First response by a state": [year(v) for v in flags["first_response_year"]],
            "Strongest public attribution": [
                ATTRIBUTION_LABELS[str(v)] for v in flags["attribution"]
            ],
            "Reached in": [year(v) for v in flags["attribution_year"]],
        }
    )
    return table_view(shown, index=False)


def false_flag_figure(table: pd.DataFrame) -> go.Figure:
    """A timeline per disguised operation: start, first public response by a state, and the
    year the strongest attribution was reached (coloured by that level). ``table`` comes from
    :func:`false_flags`.
    """
    required = {"name", "start_year", "first_response_year", "attribution", "attribution_year"}
    missing = sorted(required - set(table.columns))
    if missing:
        raise ValueError(f"table: missing column(s) {', '.join(missing)}; use false_flags()")
    rows = table.sort_values(["start_year", "name"], ascending=[False, False])
    names = rows["name"].tolist()
    starts = rows["start_year"].astype(int).tolist()
    ends = rows["attribution_year"].astype(int).tolist()
    fig = go.Figure()
    line_x: list[float | None] = []
    line_y: list[str | None] = []
    for name, start, end in zip(names, starts, ends, strict=True):
        line_x += [start, end, None]
        line_y += [name, name, None]
    fig.add_scatter(
        x=line_x,
        y=line_y,
        mode="lines",
        line={"color": "#999999", "width": 3},
        hoverinfo="skip",
        showlegend=False,
    )
    fig.add_scatter(
        x=starts,
        y=names,
        mode="markers",
        marker={"symbol": "circle-open", "size": 13, "color": "#444444", "line": {"width": 2}},
        name=TEXTS.get("false_flag_figure", "starts"),
        hovertemplate="%{y}<br>started %{x}<extra></extra>",
    )
    for level in ATTRIBUTION_LEVELS:
        part = rows.loc[rows["attribution"] == level]
        fig.add_scatter(
            x=part["attribution_year"].astype(int).tolist(),
            y=part["name"].tolist(),
            mode="markers",
            marker={"symbol": "circle", "size": 15, "color": LEVEL_COLOURS[level]},
            name=TEXTS.get("false_flag_figure", "attribution", level=ATTRIBUTION_LABELS[level]),
            hovertemplate="%{y}<br>" + ATTRIBUTION_LABELS[level] + " in %{x}<extra></extra>",
            visible=True if len(part) else "legendonly",
            showlegend=bool(len(part)),
        )
    has_response = rows["first_response_year"].notna()
    fig.add_scatter(
        x=rows.loc[has_response, "first_response_year"].astype(int).tolist(),
        y=rows.loc[has_response, "name"].tolist(),
        mode="markers",
        marker={"symbol": "diamond", "size": 9, "color": "#000000"},
        name=TEXTS.get("false_flag_figure", "response"),
        hovertemplate="%{y}<br>first response %{x}<extra></extra>",
    )
    span = max(ends + starts) - min(ends + starts)
    fig.update_layout(
        title=TEXTS.get("false_flag_figure", "title"),
        xaxis={"title": "Year", "dtick": 1 if span <= 8 else 2, "tickformat": "d"},
        yaxis={"title": "", **level_ticks(names, width=34)},
    )
    # Names wrap onto up to three lines, so each operation gets a row tall enough for them.
    lines = max(len(textwrap.wrap(n, width=34)) for n in names) if names else 1
    return legend_below(fig, plot_height=max(300, (18 * lines + 16) * len(names)))


def false_flag_summary(flags: pd.DataFrame) -> str:
    """One sentence under the false-flag timeline: how many operations, and how long the
    unmasking took (median and longest time from start to the strongest attribution).

    ``flags`` comes from :func:`false_flags`. Operations never attributed have no time and do
    not count in the median. Raises ``ValueError`` for a table without those columns or
    without any attributed operation.
    """
    missing = sorted({"name", "years"} - set(flags.columns))
    if missing:
        raise ValueError(f"flags: missing column(s) {', '.join(missing)}; use false_flags()")
    years = flags["years"].dropna()
    if years.empty:
        raise ValueError(
            "flags: no operation with a time to attribution; allowed: the table of false_flags()"
        )
    longest = flags.loc[years.idxmax()]
    return TEXTS.get(
        "false_flag_summary",
        "one" if len(flags) == 1 else "many",
        count=len(flags),
        median=_years(years.median()),
        longest=_years(longest["years"]),
        name=longest["name"],
    )


def _years(number: float) -> str:
    """2 -> "2 years", 1 -> "1 year", 1.5 -> "1.5 years"."""
    return TEXTS.get("years", "one" if number == 1 else "many", count=f"{number:g}")


def attribution_by_actor_figure(incidents: pd.DataFrame) -> go.Figure:
    """Stacked bars: incidents per actor type, split by the strongest public attribution."""
    return count_bar(
        incidents,
        "actor_type",
        colour_by="attribution",
        order=list(ACTOR_TYPES),
        colour_order=list(ATTRIBUTION_LEVELS),
        title=TEXTS.get("attribution_by_actor_title"),
        labels={**ACTOR_TYPE_LABELS, **ATTRIBUTION_LABELS, "actor_type": "",
                "attribution": "Strongest attribution"},
    ).update_layout(yaxis_title="Incidents")  # fmt: skip


def posture_by_actor_table(incidents: pd.DataFrame) -> pd.DataFrame:
    """Incidents per actor type (rows) and host-state posture (columns), with plain labels.

    Read with Maurer's relationships in mind: a sponsoring host directs or supports the
    attackers; an able but unwilling one tolerates them.
    """
    table = pd.crosstab(incidents["actor_type"], incidents["host_posture"])
    table = table.reindex(index=list(ACTOR_TYPES), columns=list(HOST_POSTURES), fill_value=0)
    table.index = [ACTOR_TYPE_LABELS[a] for a in table.index]
    table.columns = [HOST_POSTURE_LABELS[p] for p in table.columns]
    table.index.name = "Who attacked"
    table.columns.name = "How the host state behaved"
    return table


# --- The lesson's self-check -------------------------------------------------------------------


SELF_CHECK_IDS: Final = ("02.q1", "02.q2", "02.q3", "02.q4")
"""Ids of lesson 02's self-check questions, in order."""


def self_check_question(qid: str) -> MultipleChoice:
    """Lesson 02's self-check question ``qid`` (one of :data:`SELF_CHECK_IDS`).

    The text lives in ``content/02_proxies_and_attribution.yaml`` (a lecturer edits it there),
    not in a notebook cell, so the answer key is not printed above the question.
    """
    if qid not in SELF_CHECK_IDS:
        raise ValueError(f"qid: unknown question {qid!r}; allowed: {', '.join(SELF_CHECK_IDS)}")
    return choice_question(qid)
