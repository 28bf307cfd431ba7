"""Host-state diagnosis for lesson 03: from three answers to a posture and the next options.

Why this module exists: the policy brief (van der Meer 2020) ties its first options to the
conduct of the *host state*, the state from whose territory the attackers work. A request comes
first; help follows if the host is willing but unable; diplomatic pressure if it is able but
unwilling; and a host that directs or shields the attackers is an opponent, not a partner. This
module turns that reasoning into a pure, tested function, so the lesson's widget only wires three
drop-downs (:func:`diagnosis_controls`) to it:

    diagnose(able, willing, involved) -> Diagnosis

Each answer is ``True``/``False`` or ``"yes"``, ``"no"``, ``"unknown"``. The result names one of
the four postures of ``course.engine.escalation.HOST_STATES`` (the data's ``host_posture`` values
minus ``unknown``) and gives, for each of the seven options, whether the brief's reasoning opens it
*next*, only under a *condition*, or *not* for this host, with the reason and the brief's
section in quotation marks.

How the answers decide the posture (first rule that applies wins):

1. ``involved == "yes"`` -> ``sponsor``. Involvement trumps everything: a state that directs
   or shields the attackers cannot be counted on to stop them, whatever it says.
2. ``willing == "no"`` -> ``able_unwilling``. Unwillingness is decisive: help offered to a
   state that will not act changes nothing. The brief has no box for a host that is both
   unwilling and unable; it lands here, and the reasoning says so.
3. ``able == "no"`` -> ``willing_unable``.
4. otherwise -> ``willing_able``.

How ``"unknown"`` is handled: as the most cooperative reading, never as a guess of guilt, and
the diagnosis is marked *provisional* with one sentence per assumption. Involvement is not
presumed without evidence (the data card, too, never infers a posture from a country's
reputation). Willingness and ability are presumed until a request shows otherwise, because the
request (option 1) is how a victim finds out: it accuses nobody, and in many cases the host
then acts ("Option 1"). So with every answer unknown the diagnosis is ``willing_able`` and the
first step is the request.

The legal basis of each option is not decided here: ``assess`` in ``course.engine.escalation`` gives
it (the one legal ladder of the course, see ``docs/model.md``), together with the option's
escalation risk in a fixed reference case (:data:`REFERENCE_CASE`) for the figure.

Which options each posture opens is decided here (``_PLANS``); the sentences, from the reason
for each option to the feedback of the self-check built from the data, are in
``content/03_due_diligence.yaml`` under ``texts:`` (see :data:`TEXTS`).

Also here: the lesson's figures built from ``data/`` (which options states used against which
host posture; the requests made to host states) and the static table of the legal ladder.
A model never draws and a widget never reads files: the data functions take frames as
arguments, loaded by the notebook with ``course.engine.data``.
"""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

import ipywidgets as w
import numpy as np
import pandas as pd
import plotly.graph_objects as go

from course.engine.countries import country_name
from course.engine.data import HOST_POSTURES, RESPONSE_OPTIONS
from course.engine.escalation import (
    HOST_STATES,
    LEGAL_BASES,
    LEGAL_BASIS_TEXT,
    OPTIONS,
    Scenario,
    assess,
)
from course.engine.labels import (
    HOST_POSTURE_LABELS,
    LEGAL_BASIS_LABELS,
    OPTION_SHORT_LABELS,
    RESPONSE_OPTION_LABELS,
)
from course.learning.content import TEXT, LessonTexts, choice_question, placeholders
from course.learning.quiz import MultipleChoice, Quiz
from course.ui.figures import count_axis, legend_below, level_ticks
from course.ui.tables import TableView, table_view  # re-exported: lessons 04-09 use it
from course.ui.theme import PALETTE, option_colour
from course.ui.widgets import dropdown

__all__ = [
    "ANSWERS",
    "ANSWER_LABELS",
    "DEFAULT_ANSWERS",
    "FIELDS",
    "LEGAL_BASIS_COLOURS",
    "POSTURE_TEXT",
    "QUESTIONS",
    "REFERENCE_CASE",
    "SELF_CHECK_IDS",
    "STATUSES",
    "STATUS_LABELS",
    "TEXTS",
    "Diagnosis",
    "Step",
    "describe_diagnosis",
    "diagnose",
    "diagnosis_controls",
    "diagnosis_figure",
    "legal_ladder_table",
    "legal_ladder_view",
    "normalise_answer",
    "options_by_posture",
    "options_by_posture_figure",
    "requests_to_hosts",
    "requests_view",
    "self_check",
    "self_check_question",
    "table_view",
]

# --------------------------------------------------------------------------------------------
# Vocabulary
# --------------------------------------------------------------------------------------------

ANSWERS: Final = ("yes", "no", "unknown")
"""Allowed text answers; ``True``/``False`` are accepted as ``"yes"``/``"no"``."""

FIELDS: Final = ("able", "willing", "involved")
"""The three questions, in the order the widget asks them."""

DEFAULT_ANSWERS: Final[Mapping[str, str]] = MappingProxyType(
    {"able": "unknown", "willing": "unknown", "involved": "unknown"}
)
"""Where a victim starts: nothing known yet about the host."""

STATUSES: Final = ("next", "conditional", "not_indicated")
"""What the brief's reasoning says about an option for this host, most open first."""

_N, _C, _X = STATUSES
_PLANS: Final[Mapping[str, Mapping[int, str]]] = MappingProxyType(
    {
        posture: MappingProxyType(dict(zip(OPTIONS, statuses, strict=True)))
        for posture, statuses in {
            # posture: (status of option 1, of option 2, ..., of option 7)
            "willing_able": (_N, _X, _X, _C, _X, _X, _X),
            "willing_unable": (_N, _N, _X, _C, _C, _C, _X),
            "able_unwilling": (_N, _X, _N, _N, _N, _C, _C),
            "sponsor": (_C, _X, _N, _N, _N, _C, _C),
        }.items()
    }
)
"""The brief's reasoning per posture: for each option, whether it is opened next, only under a
condition or not indicated. The reason for each is in the content file (``texts: plans:``)."""

if set(_PLANS) != set(HOST_STATES):
    raise AssertionError("every host posture needs a status for each of the seven options")

TEXTS: Final = LessonTexts(
    "03",
    {
        "questions": dict.fromkeys(FIELDS, TEXT),
        "answers": dict.fromkeys(ANSWERS, TEXT),
        "postures": dict.fromkeys(HOST_STATES, TEXT),
        "statuses": dict.fromkeys(STATUSES, TEXT),
        "plans": {posture: dict.fromkeys(OPTIONS, TEXT) for posture in HOST_STATES},
        "legal_ladder": {
            "requires": dict.fromkeys(LEGAL_BASES, TEXT),
            "tallinn": dict.fromkeys(LEGAL_BASES, TEXT),
        },
        "request_feedback": dict.fromkeys(HOST_POSTURES, TEXT),
        "reasoning": dict.fromkeys(
            (
                "sponsor",
                "unwilling",
                "unwilling_and_unable",
                "unwilling_ability_unknown",
                "unable_willing",
                "unable_willing_presumed",
                "able_willing",
                "able_willing_presumed",
            ),
            TEXT,
        ),
        "assumptions": dict.fromkeys(("involved", "willing", "able"), TEXT),
        "figure": {
            "title": placeholders("posture"),
            "title_provisional": placeholders("posture"),
            "key": TEXT,
            "bar": {**dict.fromkeys(STATUSES, TEXT), "next": placeholders("rank")},
        },
        "description": {
            "posture": placeholders("posture"),
            "provisional": TEXT,
            "next": TEXT,
            "conditional": TEXT,
            "closed": placeholders("options"),
        },
        "options_by_posture_title": TEXT,
        "q4": {
            "prompt": placeholders("total"),
            **dict.fromkeys(("right", "wrong"), placeholders("count", "total", "posture", "why")),
        },
    },
)
"""Lesson 03's texts in ``content/03_due_diligence.yaml`` (``texts:``), checked at import."""
TEXTS()

ANSWER_LABELS: Final = TEXTS.view("answers")
"""How the answers read in a drop-down."""

QUESTIONS: Final = TEXTS.view("questions")
"""Short question labels for the widget's controls."""

POSTURE_TEXT: Final = TEXTS.view("postures")
"""One sentence per posture the diagnosis can give."""

STATUS_LABELS: Final = TEXTS.view("statuses")

LEGAL_BASIS_COLOURS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "none_needed": PALETTE[2],  # bluish green: nothing to justify
        "retorsion": PALETTE[0],  # blue
        "countermeasure": PALETTE[1],  # orange
        "self_defence": PALETTE[5],  # vermillion: force
    }
)
"""One theme colour per rung, calm to alarming (taken from the course palette)."""

REFERENCE_CASE: Final[Mapping[str, object]] = MappingProxyType(
    {"attack_scale": "large", "attribution": 0.8, "public_evidence": 0.5, "target": "actor"}
)
"""The fixed case in which the figure scores each option (the worked example of
``docs/model.md``): a large-scale attack, attribution 0.8, half the evidence public, response
aimed at the attackers. Only the host posture changes with the answers."""

_TALLINN_RULES: Final = TEXTS.view("legal_ladder", "tallinn")
_PRECONDITION: Final = TEXTS.view("legal_ladder", "requires")

# --------------------------------------------------------------------------------------------
# Diagnosis
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Step:
    """What the diagnosis says about one option for this host."""

    option: int
    title: str
    status: str
    reason: str
    legal_basis: str
    risk: float
    rank: int | None
    """Position among the options opened next (1 = first), None for the others."""


@dataclass(frozen=True, slots=True)
class Diagnosis:
    """A host state's posture from three answers, and what it means for the seven options."""

    able: str
    willing: str
    involved: str
    posture: str
    reasoning: str
    assumptions: tuple[str, ...]
    steps: tuple[Step, ...]
    """All seven options, in ladder order 1..7."""

    @property
    def provisional(self) -> bool:
        """True when an "unknown" answer decided the posture, so it rests on an assumption.

        An unknown that the rules never reach (ability, once the host is known to be involved
        or unwilling) changes nothing and does not make the diagnosis provisional.
        """
        return bool(self.assumptions)

    @property
    def next_steps(self) -> tuple[Step, ...]:
        """The options opened next, in the order to try them (lightest first)."""
        return tuple(s for s in self.steps if s.status == "next")

    @property
    def next_options(self) -> tuple[int, ...]:
        """Option numbers opened next, in order."""
        return tuple(s.option for s in self.next_steps)

    def options_with(self, status: str) -> tuple[int, ...]:
        """Option numbers with the given status ("next", "conditional", "not_indicated")."""
        if status not in STATUSES:
            raise ValueError(f"status: got {status!r}; allowed: {', '.join(STATUSES)}")
        return tuple(s.option for s in self.steps if s.status == status)


def normalise_answer(field: str, value: object) -> str:
    """``True``/``False``/"yes"/"no"/"unknown" -> "yes"/"no"/"unknown"; anything else raises.

    Strict on purpose: "Yes", "maybe", ``None`` or ``1`` would be a guess about what the
    student meant, and a diagnosis built on a guess teaches the wrong thing.
    """
    if field not in FIELDS:
        raise ValueError(f"field: got {field!r}; allowed: {', '.join(FIELDS)}")
    if isinstance(value, bool | np.bool_):
        return "yes" if value else "no"
    if isinstance(value, str) and value in ANSWERS:
        return value
    raise ValueError(f"{field}: got {value!r}; allowed: True, False, 'yes', 'no', 'unknown'")


def _posture(able: str, willing: str, involved: str) -> tuple[str, str, tuple[str, ...]]:
    """The posture, a sentence of reasoning and the assumptions made for "unknown" answers."""

    def why(key: str) -> str:
        return TEXTS.get("reasoning", key)

    assumptions: list[str] = []
    if involved == "unknown":
        assumptions.append(TEXTS.get("assumptions", "involved"))
    if involved == "yes":
        return "sponsor", why("sponsor"), ()
    if willing == "unknown":
        assumptions.append(TEXTS.get("assumptions", "willing"))
    if willing == "no":
        text = why("unwilling")
        if able == "no":
            text += " " + why("unwilling_and_unable")
        elif able == "unknown":
            text += " " + why("unwilling_ability_unknown")
        return "able_unwilling", text, tuple(assumptions)
    presumed = "" if willing == "yes" else "_presumed"
    if able == "no":
        return "willing_unable", why("unable_willing" + presumed), tuple(assumptions)
    if able == "unknown":
        assumptions.append(TEXTS.get("assumptions", "able"))
    settled = "" if (able, willing) == ("yes", "yes") else "_presumed"
    return "willing_able", why("able_willing" + settled), tuple(assumptions)


def diagnose(able: bool | str, willing: bool | str, involved: bool | str) -> Diagnosis:
    """Diagnose a host state from three answers (see the module docstring for the rules).

    Each answer is ``True``, ``False``, ``"yes"``, ``"no"`` or ``"unknown"``; anything else
    raises ``ValueError`` naming the field and the allowed values. Legal bases and reference
    risks come from ``course.engine.escalation.assess``.
    """
    answers = {
        f: normalise_answer(f, v) for f, v in zip(FIELDS, (able, willing, involved), strict=True)
    }
    posture, reasoning, assumptions = _posture(**answers)
    plan = _PLANS[posture]
    reasons = TEXTS()["plans"][posture]
    steps: list[Step] = []
    rank = 0
    for number, option in OPTIONS.items():
        status, reason = plan[number], reasons[number]
        assessment = assess(Scenario(option=number, host_state=posture, **REFERENCE_CASE))
        if status == "next":
            rank += 1
        steps.append(
            Step(
                option=number,
                title=option.title,
                status=status,
                reason=reason,
                legal_basis=assessment.legal_basis,
                risk=assessment.risk,
                rank=rank if status == "next" else None,
            )
        )
    return Diagnosis(
        posture=posture,
        reasoning=reasoning,
        assumptions=assumptions,
        steps=tuple(steps),
        **answers,
    )


# --------------------------------------------------------------------------------------------
# Widget: figure and description (pure functions of the three answers)
# --------------------------------------------------------------------------------------------

_OPACITY: Final[Mapping[str, float]] = MappingProxyType(
    {"next": 1.0, "conditional": 0.45, "not_indicated": 0.12}
)
_PATTERN: Final[Mapping[str, str]] = MappingProxyType(
    {"next": "", "conditional": "/", "not_indicated": ""}
)


def _ordinal(n: int) -> str:
    return {1: "1st", 2: "2nd", 3: "3rd"}.get(n, f"{n}th")


def _bar_text(step: Step) -> str:
    return TEXTS.get("figure", "bar", step.status, rank=_ordinal(step.rank or 0))


def _option_label(number: int) -> str:
    """The option's number and full title ("3 Diplomatic action"), as in course.engine.labels."""
    return RESPONSE_OPTION_LABELS[str(number)]


def _basis_bars(d: Diagnosis, basis: str) -> dict[str, object]:
    """The bar trace (as a plain dict) of the options that need legal basis ``basis``."""
    steps = [s for s in d.steps if s.legal_basis == basis]
    return {
        "type": "bar",
        "y": [OPTION_SHORT_LABELS[s.option] for s in steps],
        "x": [round(s.risk, 1) for s in steps],
        "orientation": "h",
        "name": LEGAL_BASIS_LABELS[basis],
        "showlegend": False,
        "text": [_bar_text(s) for s in steps],
        "textposition": "outside",
        "cliponaxis": False,
        "marker": {
            "color": LEGAL_BASIS_COLOURS[basis],
            "opacity": [_OPACITY[s.status] for s in steps],
            "pattern": {"shape": [_PATTERN[s.status] for s in steps]},
        },
        "customdata": [[STATUS_LABELS[s.status], s.reason] for s in steps],
        "hovertemplate": "%{y}<br>risk %{x} (reference case)<br>%{customdata[0]}<extra></extra>",
    }


def _legend_marker(basis: str) -> dict[str, object]:
    """A legend-only marker in ``basis``'s solid colour (whatever the bars' opacity)."""
    return {
        "type": "scatter",
        "x": [None],
        "y": [None],
        "mode": "markers",
        "name": LEGAL_BASIS_LABELS[basis],
        "marker": {"color": LEGAL_BASIS_COLOURS[basis], "symbol": "square", "size": 14},
        "hoverinfo": "skip",
    }


def diagnosis_figure(able: bool | str, willing: bool | str, involved: bool | str) -> go.Figure:
    """The seven options as a ladder (1 at the bottom), coloured by the legal basis they need.

    Bar length is each option's escalation risk in :data:`REFERENCE_CASE` against this host;
    opened options are solid, conditional ones hatched and pale, the rest faint. One bar trace
    per legal basis, always the same four, plus four legend-only markers (so the legend shows
    solid colours whatever the first bar's status): eight traces for every input, so a widget
    updates the figure in place.
    """
    d = diagnose(able, willing, involved)
    title = TEXTS.get(
        "figure",
        "title_provisional" if d.provisional else "title",
        posture=HOST_POSTURE_LABELS[d.posture],
    )
    # One go.Figure call with plain dicts: plotly validates each trace once, where add_bar and
    # update_layout validated (and copied) every trace again on each call.
    return go.Figure(
        data=[
            *(_basis_bars(d, basis) for basis in LEGAL_BASES),
            *(_legend_marker(basis) for basis in LEGAL_BASES),
        ],
        layout={
            "title": {"text": f"{title}<br><sup>{TEXTS.get('figure', 'key')}</sup>"},
            "xaxis": {
                "title": {"text": "Escalation risk in the reference case (0-100)"},
                "range": [0, 100],
            },
            "yaxis": {
                "categoryorder": "array",
                "categoryarray": [OPTION_SHORT_LABELS[n] for n in OPTIONS],
                "title": {"text": ""},
            },
            "legend": {
                "title": {"text": "Legal basis needed"},
                "traceorder": "normal",
                "x": 0.99,
                "xanchor": "right",
                "y": 0.01,
                "yanchor": "bottom",
                "bgcolor": "rgba(255,255,255,0.85)",
            },
            "margin": {"t": 100},
            "barmode": "overlay",
            "bargap": 0.25,
            "height": 560,
        },
    )


def diagnosis_controls(start: Mapping[str, object] = DEFAULT_ANSWERS) -> dict[str, w.Dropdown]:
    """One drop-down per question (:data:`FIELDS`), set to the answers in ``start``.

    Keyed by the parameter names of :func:`diagnosis_figure` and :func:`describe_diagnosis`,
    so the lesson wires them with ``LiveFigure(diagnosis_figure, diagnosis_controls(start),
    describe=describe_diagnosis)``, ``start`` being the answers of the static figure shown
    before it. The drop-downs show :data:`ANSWER_LABELS` and pass ``"yes"``, ``"no"`` or
    ``"unknown"``. ``start`` must answer exactly the three questions; a missing or extra key
    or a bad answer raises ``ValueError`` naming it and what is allowed.
    """
    if not isinstance(start, Mapping) or set(start) != set(FIELDS):
        given = sorted(start) if isinstance(start, Mapping) else start
        raise ValueError(
            f"start: got {given!r}; allowed: a mapping with exactly the keys {', '.join(FIELDS)}"
        )
    choices = {label: answer for answer, label in ANSWER_LABELS.items()}
    return {
        field: dropdown(choices, normalise_answer(field, start[field]), QUESTIONS[field])
        for field in FIELDS
    }


def describe_diagnosis(able: bool | str, willing: bool | str, involved: bool | str) -> str:
    """HTML under the widget's figure: posture, reasoning, assumptions, the steps in order."""
    d = diagnose(able, willing, involved)
    esc = html.escape

    def say(key: str, **values: object) -> str:
        return esc(TEXTS.get("description", key, **values))

    posture = say("posture", posture=HOST_POSTURE_LABELS[d.posture])
    parts = [f"<p><strong>{posture}</strong> {esc(POSTURE_TEXT[d.posture])} {esc(d.reasoning)}</p>"]
    if d.assumptions:
        items = "".join(f"<li>{esc(a)}</li>" for a in d.assumptions)
        parts.append(f"<p><em>{say('provisional')}</em></p><ul>{items}</ul>")
    nexts = "".join(
        f"<li><strong>{esc(_option_label(s.option))}</strong> "
        f"({esc(LEGAL_BASIS_LABELS[s.legal_basis]).lower()}): {esc(s.reason)}</li>"
        for s in d.next_steps
    )
    parts.append(f"<p><strong>{say('next')}</strong></p><ol>{nexts}</ol>")
    conditional = [s for s in d.steps if s.status == "conditional"]
    if conditional:
        items = "".join(
            f"<li><strong>{esc(_option_label(s.option))}</strong>: {esc(s.reason)}</li>"
            for s in conditional
        )
        parts.append(f"<p><strong>{say('conditional')}</strong></p><ul>{items}</ul>")
    closed = ", ".join(str(n) for n in d.options_with("not_indicated")) or "-"
    parts.append(f"<p>{say('closed', options=closed)}</p>")
    return "<div class='course-diagnosis'>" + "".join(parts) + "</div>"


# --------------------------------------------------------------------------------------------
# Static views: the legal ladder, and what the data show
# --------------------------------------------------------------------------------------------


def legal_ladder_table() -> pd.DataFrame:
    """The legal ladder as a table, lightest rung first, with the options that need each rung.

    Which option needs which rung is read from ``course.engine.escalation.assess`` (any scenario
    will do: the rule depends on the option alone), so this table cannot drift from the model.
    """
    needed: dict[str, list[str]] = {basis: [] for basis in LEGAL_BASES}
    for number in OPTIONS:
        basis = assess(Scenario(option=number, host_state="willing_able", **REFERENCE_CASE))
        needed[basis.legal_basis].append(_option_label(number))
    return pd.DataFrame(
        {
            "rung": range(1, len(LEGAL_BASES) + 1),
            "legal basis": [LEGAL_BASIS_LABELS[b] for b in LEGAL_BASES],
            "what it means": [LEGAL_BASIS_TEXT[b] for b in LEGAL_BASES],
            "it requires": [_PRECONDITION[b] for b in LEGAL_BASES],
            "options that need it": ["; ".join(needed[b]) for b in LEGAL_BASES],
            "Tallinn Manual 2.0": [_TALLINN_RULES[b] for b in LEGAL_BASES],
        }
    ).set_index("rung")


def legal_ladder_view() -> TableView:
    """:func:`legal_ladder_table` as the lesson shows it: headers in plain capitals, every cell
    whole and wrapped."""
    table = legal_ladder_table()
    table.columns = [c[:1].upper() + c[1:] for c in table.columns]
    table.index.name = "Rung"
    return table_view(table)


_LADDER: Final = RESPONSE_OPTIONS[:7]


def _require_columns(frame: pd.DataFrame, columns: tuple[str, ...]) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(
            f"joined: missing column(s) {', '.join(missing)}; pass the frame from "
            "course.engine.data.responses_with_incidents()"
        )


def _count_pairs(
    rows: pd.Series, columns: pd.Series, index: Sequence[str], header: Sequence[str]
) -> pd.DataFrame:
    """Rows ``index`` x columns ``header``: how often each (row, column) code pair occurs.

    What ``pd.crosstab(...).reindex(..., fill_value=0)`` gives (int64 counts, pairs outside the
    codes left out), counted in Python: for a few hundred responses that is some twenty times
    faster than crosstab's pivot-table machinery, and the lesson counts on every run.
    """
    counts = Counter(zip(rows.astype(str), columns.astype(str), strict=True))
    return pd.DataFrame(
        [[counts[(row, column)] for column in header] for row in index],
        index=pd.Index(list(index), name=rows.name),
        columns=pd.Index(list(header), name=columns.name),
        dtype="int64",
    )


def options_by_posture(joined: pd.DataFrame) -> pd.DataFrame:
    """Responses per option (rows "1".."7") and host posture (columns), zeros included.

    ``joined`` is ``course.engine.data.responses_with_incidents()``. Police takedowns
    (``law_enforcement``) are left out: they have no place on the brief's ladder.
    """
    _require_columns(joined, ("option", "host_posture"))
    return _count_pairs(joined["option"], joined["host_posture"], _LADDER, HOST_POSTURES)


def options_by_posture_figure(joined: pd.DataFrame) -> go.Figure:
    """Stacked bars: for each host posture, the responses states chose, by option.

    Colours follow the option ladder (pale = request, dark = force), so a bar that is pale
    at the bottom shows a posture met mostly with light options.
    """
    table = options_by_posture(joined)
    x = [HOST_POSTURE_LABELS[p] for p in table.columns]
    biggest = int(table.sum(axis=0).max()) if table.size else 0
    # Built in one call (plain dicts, validated once) rather than bar by bar.
    fig = go.Figure(
        data=[
            {
                "type": "bar",
                "x": x,
                "y": table.loc[option].to_list(),
                "name": _option_label(int(option)),
                "marker": {"color": option_colour(int(option))},
                "hovertemplate": (
                    f"{_option_label(int(option))}<br>%{{x}}: %{{y}} responses<extra></extra>"
                ),
            }
            for option in table.index
        ],
        layout={
            "barmode": "stack",
            "title": {"text": TEXTS.get("options_by_posture_title")},
            "xaxis": {
                "title": {"text": "Host state's posture towards the incident"},
                **level_ticks(x),
            },
            "yaxis": {"title": {"text": "Responses"}, **count_axis(biggest)},
            "legend": {"title": {"text": "Option"}},
        },
    )
    return legend_below(fig, plot_height=400, below_axis_px=110)


def requests_to_hosts(joined: pd.DataFrame) -> pd.DataFrame:
    """Every option-1 response (a request to act), oldest first, with the host and outcome.

    Shows to whom requests went and whether the attackers' activity stopped afterwards (which
    is not proof that the request stopped it; see the data card).
    """
    columns = (
        "incident_id",
        "date",
        "responder",
        "host_state",
        "host_posture",
        "stopped",
        "description",
    )
    _require_columns(joined, ("option", *columns))
    requests = joined.loc[joined["option"].astype(str) == "1", list(columns)]
    return requests.sort_values(["date", "incident_id"]).reset_index(drop=True)


_STOPPED_WORDS: Final[Mapping[str, str]] = MappingProxyType(
    {"yes": "Yes", "no": "No", "unknown": "Not known"}
)


def _countries(codes: object) -> str:
    """ "US" -> "United States"; several codes joined by ";" -> their names joined by ", "."""
    return ", ".join(country_name(c.strip()) for c in str(codes).split(";") if c.strip())


def requests_view(joined: pd.DataFrame) -> TableView:
    """:func:`requests_to_hosts` as the lesson shows it: the incident by name, countries by
    name, the host's posture and whether the activity stopped in words, every description
    whole (it is where students find what was asked and of whom)."""
    _require_columns(joined, ("name",))
    requests = requests_to_hosts(joined)
    names = joined.drop_duplicates("incident_id").set_index("incident_id")["name"]
    shown = pd.DataFrame(
        {
            "Incident": [names[i] for i in requests["incident_id"]],
            "Date": requests["date"],
            "Who asked": [_countries(c) for c in requests["responder"]],
            "Host state": [_countries(c) for c in requests["host_state"]],
            "Host's posture": [HOST_POSTURE_LABELS[str(p)] for p in requests["host_posture"]],
            "Activity stopped": [_STOPPED_WORDS[str(v)] for v in requests["stopped"]],
            "What was asked, and what happened": requests["description"],
        }
    )
    # Dates stay on one line; the description gets the room, so rows stay short, but no more
    # than lets the table fit a 1280-pixel slide (tests/test_slides.py checks it).
    return table_view(
        shown,
        index=False,
        column_styles={
            "Date": {"white-space": "nowrap"},
            "What was asked, and what happened": {"min-width": "20em"},
        },
    )


# --------------------------------------------------------------------------------------------
# Self-check (the lesson's quiz; question 4 is built from the data)
# --------------------------------------------------------------------------------------------

_REQUEST_FEEDBACK: Final = TEXTS.view("request_feedback")
"""Self-check 03.q4: what the data show about requests to a host of each posture."""


SELF_CHECK_IDS: Final = ("03.q1", "03.q2", "03.q3", "03.q4")
COMPUTED_QUESTION_IDS: Final = ("03.q4",)
"""Self-check questions built from the data here rather than authored in the content file."""
"""Ids of lesson 03's self-check questions, in order."""


def _q4(joined: pd.DataFrame) -> MultipleChoice:
    """Built from the data: the posture most requests were recorded for."""
    table = options_by_posture(joined)
    requests = table.loc["1"]
    total = int(requests.sum())
    most = int(requests.max())
    postures = list(table.columns)
    correct = {i for i, p in enumerate(postures, start=1) if int(requests[p]) == most}
    feedback = [
        TEXTS.get(
            "q4",
            "right" if int(requests[posture]) == most else "wrong",
            count=int(requests[posture]),
            total=total,
            posture=HOST_POSTURE_LABELS[posture],
            why=_REQUEST_FEEDBACK[posture],
        )
        for posture in postures
    ]
    return MultipleChoice(
        "03.q4",
        TEXTS.get("q4", "prompt", total=total),
        [HOST_POSTURE_LABELS[p] for p in postures],
        answer=next(iter(correct)) if len(correct) == 1 else correct,
        feedback=feedback,
    )


def self_check_question(qid: str, joined: pd.DataFrame | None = None) -> MultipleChoice:
    """Lesson 03's self-check question ``qid`` (one of :data:`SELF_CHECK_IDS`), with feedback
    for every choice.

    The texts of 03.q1-03.q3 live in ``content/03_due_diligence.yaml`` (a lecturer edits them
    there), not in a notebook cell, so the answer key is not printed above the question.
    ``"03.q4"`` counts the option-1 responses per host posture in ``joined``
    (``course.engine.data.responses_with_incidents()``), so it follows the data; the others
    ignore ``joined``. Unknown ids, and ``"03.q4"`` without ``joined``, raise ``ValueError``.
    """
    if qid not in SELF_CHECK_IDS:
        raise ValueError(f"qid: unknown question {qid!r}; allowed: {', '.join(SELF_CHECK_IDS)}")
    if qid == "03.q4":
        if joined is None:
            raise ValueError(
                "joined: question '03.q4' is built from the data; pass "
                "course.engine.data.responses_with_incidents()"
            )
        return _q4(joined)
    return choice_question(qid)


def self_check(joined: pd.DataFrame) -> Quiz:
    """The whole self-check (:data:`SELF_CHECK_IDS`) as one Quiz."""
    return Quiz("Self-check", [self_check_question(q, joined) for q in SELF_CHECK_IDS])
