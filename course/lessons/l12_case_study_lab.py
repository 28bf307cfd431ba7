"""Lesson 12, the case-study lab: from a real incident to a decision brief.

Why this module exists: the lab is the course's capstone. A student (or a team) picks a real
incident, judges the situation (how large the attack was, how convincing and how public the
attribution is, the host state's posture), assembles a response of one option or a package,
sees the package's risk, warnings and legal basis, reads a debrief of what states actually did
and what followed, and downloads the decision as a one-page brief to hand in. It runs in
JupyterLab and in Voila (no code visible).

How it is built, so that it can be tested without a browser:

- **Pure functions of a :class:`Decision`.** :func:`lab_view` scores the package with
  :func:`course.engine.packages.combine` and collects the incident's history;
  :func:`lab_figure`, :func:`result_html`, :func:`debrief_html`, :func:`brief_markdown`,
  :func:`brief_html` and :func:`download_links` draw from that view. The debrief reuses the
  shared explorer's :func:`course.lessons.case_study.compare_with_history` for the strongest
  option of the package; the presets come from :func:`course.lessons.case_study.case_defaults`.
- **One app per instance.** :class:`CaseStudyLab` keeps every control and result on the
  instance; the module holds constants only (tuples and read-only mappings). Teams working in
  separate kernels, or two labs in one notebook, never see each other's choices.
- **A download that works offline and in Voila.** The brief is an HTML link whose ``href`` is a
  ``data:`` URI (base64) with a ``download`` attribute: no file is written on the server, no
  ``FileLink``, nothing fetched from the network.
- **The data as a figure.** :func:`package_counts`, :func:`packages_figure` and
  :func:`combinations_table` show how states combined the brief's options in the course's
  incidents; :func:`rule_figure` shows the combination rule on three made-up measures.

Every sentence a student reads is in ``content/12_case_study_lab.yaml`` under ``texts:``
(:data:`TEXTS`), checked at import.
"""

from __future__ import annotations

import base64
import html
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import Any, Final

import ipywidgets as w
import pandas as pd
import plotly.graph_objects as go

from course.engine.countries import country_name
from course.engine.data import RESPONSE_OPTIONS, UNKNOWN, load_incidents, responses_with_incidents
from course.engine.escalation import (
    ATTACK_SCALES,
    BAND_LIMITS,
    HOST_STATES,
    LEGAL_BASIS_TEXT,
    OPTIONS,
    TARGETS,
    WARNING_TEXT,
    Scenario,
    assess,
)
from course.engine.labels import (
    ATTRIBUTION_LABELS,
    HOST_POSTURE_LABELS,
    LEGAL_BASIS_LABELS,
    OPTION_SHORT_LABELS,
    RESPONSE_OPTION_LABELS,
    RESPONSE_OUTCOME_LABELS,
    SCALE_LABELS,
)
from course.engine.packages import (
    ADD_ON_ABOVE,
    ADD_ON_SHARE,
    MAX_RISK,
    PackageAssessment,
    combine,
    package_risk,
)
from course.learning.content import TEXT, LessonTexts, choice_question, placeholders
from course.learning.quiz import MultipleChoice, Quiz
from course.learning.quiz.base import shown
from course.lessons.case_study import (
    TARGET_LABELS,
    case_defaults,
    case_view,
    compare_with_history,
    starred_choices,
)
from course.ui.plotly_view import PlotlyView
from course.ui.tables import table_view
from course.ui.theme import BAND_COLOURS, option_colour
from course.ui.widgets import slider

__all__ = [
    "LADDER",
    "OPENING_PACKAGE",
    "RULE_DEFAULTS",
    "SELF_CHECK_IDS",
    "TEXTS",
    "CaseStudyLab",
    "Decision",
    "LabView",
    "brief_filename",
    "brief_html",
    "brief_markdown",
    "combinations_table",
    "debrief_html",
    "decision_defaults",
    "describe_rule",
    "download_links",
    "lab_choices",
    "lab_figure",
    "lab_view",
    "ladder_options_by_incident",
    "opening_incident",
    "package_counts",
    "packages_figure",
    "result_html",
    "rule_controls",
    "rule_figure",
    "self_check",
    "self_check_question",
    "static_lab",
    "table_view",
]

LADDER: Final = tuple(OPTIONS)
"""The brief's seven options, 1..7."""

OPENING_PACKAGE: Final = (1, 5)
"""The package the lab opens with: a request to the host plus sanctions on the attackers
themselves, the issue's own example of a package."""

RULE_DEFAULTS: Final[Mapping[str, float]] = MappingProxyType(
    {"first": 42.0, "second": 30.0, "third": 8.0}
)
"""The rule widget's opening risks: roughly a cyber counter-attack, sanctions and a request."""

OUTCOME_WORDS: Final = ("yes", "no", "unknown")
"""Values of the incident-level ``stopped`` and ``escalated`` columns."""

TEXTS: Final = LessonTexts(
    "12",
    {
        "steps": dict.fromkeys(
            ("incident", "situation", "response", "result", "debrief", "hand_in"), TEXT
        ),
        "controls": dict.fromkeys(
            (
                "incident",
                "attack_scale",
                "attribution",
                "public_evidence",
                "host_state",
                "power_ratio",
                "target",
                "collateral_damage",
                "exit_conditions",
                "team",
                "reasoning",
                "reasoning_placeholder",
            ),
            TEXT,
        ),
        "case": placeholders("name", "year", "scale", "attribution", "host", "posture"),
        "host_not_established": TEXT,
        "assumed": TEXT,
        "no_options": TEXT,
        "figure": {
            "title": placeholders("incident", "risk", "band"),
            "alone": TEXT,
            "riskiest": TEXT,
            "added": TEXT,
            "package": TEXT,
            "x": TEXT,
        },
        "result": {
            "risk": placeholders("risk", "band", "riskiest", "added"),
            "warnings": TEXT,
            "no_warnings": TEXT,
            "legal": placeholders("basis"),
        },
        "debrief": {
            "used_all": placeholders("used"),
            "used_some": placeholders("used", "unused"),
            "used_none": placeholders("unused"),
            "no_ladder": TEXT,
            "incident": placeholders("stopped", "escalated"),
            "history": TEXT,
            "no_history": TEXT,
            "caveat": TEXT,
            "more": placeholders("count"),
        },
        "outcome_words": dict.fromkeys(OUTCOME_WORDS, TEXT),
        "history_columns": dict.fromkeys(("date", "by", "response", "what", "followed"), TEXT),
        "brief": {
            "title": placeholders("incident", "year"),
            "prepared": placeholders("team"),
            "no_team": TEXT,
            "situation": TEXT,
            "attack": placeholders("judged", "coded"),
            "attribution": placeholders("strength", "public", "coded"),
            "host": placeholders("host", "judged", "coded"),
            "response": TEXT,
            "part": placeholders("option", "risk", "band", "basis"),
            "settings": placeholders("target", "collateral", "exit", "power"),
            "exit_yes": TEXT,
            "exit_no": TEXT,
            "risk": TEXT,
            "reasons": TEXT,
            "no_reasons": TEXT,
            "debrief": TEXT,
            "caveat": TEXT,
            "download_md": TEXT,
            "download_html": TEXT,
        },
        "rule_figure": {
            "title": placeholders("risk"),
            "x": TEXT,
            "alone": TEXT,
            "riskiest": TEXT,
            "added": TEXT,
            "sum": TEXT,
            "measures": dict.fromkeys(("first", "second", "third"), TEXT),
            "package": TEXT,
            "describe": placeholders("top", "parts", "risk", "total"),
        },
        "packages_figure": dict.fromkeys(("title", "x", "y", "legend"), TEXT),
        "combination_columns": dict.fromkeys(("options", "incidents", "examples"), TEXT),
    },
)
"""Lesson 12's texts in ``content/12_case_study_lab.yaml`` (``texts:``)."""
TEXTS()


def _t(*keys: str, **values: object) -> str:
    return TEXTS.get(*keys, **values)


def _esc(value: object) -> str:
    return html.escape(str(value))


# --------------------------------------------------------------------------------------------
# The record: how states combined the brief's options
# --------------------------------------------------------------------------------------------


def _require_columns(frame: pd.DataFrame, needed: Sequence[str], name: str) -> None:
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        raise ValueError(
            f"{name}: missing column(s) {', '.join(missing)}; pass the frame from "
            "course.engine.data.responses_with_incidents()"
        )


_LADDER_CODES: Final = frozenset(RESPONSE_OPTIONS[:7])
"""The ``option`` codes of the brief's seven options ("1".."7"), not police or victim help."""


def ladder_options_by_incident(joined: pd.DataFrame) -> pd.Series:
    """For every incident with at least one response on the brief's ladder, the options used
    (a sorted tuple of ints), indexed by incident id in id order."""
    _require_columns(joined, ("incident_id", "option"), "joined")
    ids = joined["incident_id"].astype(str)
    options = joined["option"].astype(str)
    on_ladder = options.isin(_LADDER_CODES) & ids.notna()
    if not on_ladder.any():  # no group: keep the empty Series groupby gives (its dtypes too)
        return _ladder_options_groupby(joined.loc[on_ladder])
    # One pass over the rows in Python: a groupby with a Python function per incident cost
    # some twenty times more, and the lesson asks for this on every figure and control.
    used: dict[str, set[int]] = {}
    for incident, option in zip(ids[on_ladder], options[on_ladder], strict=True):
        used.setdefault(incident, set()).add(int(option))
    keys = sorted(used)
    return pd.Series(
        [tuple(sorted(used[k])) for k in keys],
        index=pd.Index(keys, dtype=ids.dtype, name="incident_id"),
        dtype=object,
        name="options",
    )


def _ladder_options_groupby(ladder: pd.DataFrame) -> pd.Series:
    """:func:`ladder_options_by_incident` as a pandas groupby (used for an empty selection)."""
    used = ladder.groupby(ladder["incident_id"].astype(str))["option"].agg(
        lambda s: tuple(sorted({int(o) for o in s.astype(str)}))
    )
    used.name = "options"
    return used.sort_index()


def package_counts(joined: pd.DataFrame) -> pd.DataFrame:
    """Incidents by how many of the brief's options states used (rows, 1 up to the most seen)
    and by the strongest option among them (columns 1..7): whole-number counts."""
    used = ladder_options_by_incident(joined)
    # Counted in Python: what crosstab + reindex gave (int64, zeros kept), without the cost of
    # crosstab's pivot table on a few dozen incidents.
    counts = Counter((len(options), max(options)) for options in used)
    most = max((n for n, _ in counts), default=1)
    return pd.DataFrame(
        [[counts[(n, option)] for option in LADDER] for n in range(1, most + 1)],
        index=pd.RangeIndex(1, most + 1, name="n"),
        columns=pd.Index(list(LADDER), name="strongest"),
        dtype="int64",
    )


def packages_figure(joined: pd.DataFrame) -> go.Figure:
    """Bars: how many incidents states answered with one, two, three... of the brief's options,
    each bar split by the strongest option used (the option colours, pale to dark)."""
    table = package_counts(joined)
    texts = TEXTS.view("packages_figure")
    # Plain dicts, not go.Bar objects: go.Figure validates a dict once, a go.Bar twice.
    traces = [
        {
            "type": "bar",
            "x": [str(n) for n in table.index],
            "y": table[option].tolist(),
            "name": OPTION_SHORT_LABELS[option],
            "marker": {"color": option_colour(option)},
            "hovertemplate": f"{OPTION_SHORT_LABELS[option]}: %{{y}} incidents<extra></extra>",
        }
        for option in LADDER
        if table[option].sum() > 0
    ]
    tallest = int(table.sum(axis=1).max()) if len(table) else 1
    return go.Figure(
        data=traces,
        layout={
            "title": {"text": texts["title"]},
            "barmode": "stack",
            "height": 460,
            "xaxis": {"title": {"text": texts["x"]}, "type": "category"},
            "yaxis": {
                "title": {"text": texts["y"]},
                "tickformat": "d",
                "dtick": max(1, round(tallest / 6)),
                "rangemode": "tozero",
            },
            "legend": {"title": {"text": texts["legend"]}, "traceorder": "normal"},
            "meta": {"alt": _packages_alt(table)},
        },
    )


def _packages_alt(table: pd.DataFrame) -> str:
    parts = ", ".join(f"{int(table.loc[n].sum())} with {n}" for n in table.index)
    return f"Bar chart of incidents by the number of the brief's options states used: {parts}."


def combinations_table(joined: pd.DataFrame, top: int = 6) -> pd.DataFrame:
    """The most frequent combinations of two or more options in one incident, with up to two
    example incidents each (newest first)."""
    if isinstance(top, bool) or not isinstance(top, int) or top < 1:
        raise ValueError(f"top: bad value {top!r}; allowed: a whole number of 1 or more")
    _require_columns(joined, ("incident_id", "option", "name", "start_year"), "joined")
    by_combo: dict[tuple[int, ...], list[str]] = {}
    for incident, combo in ladder_options_by_incident(joined).items():
        if len(combo) >= 2:
            by_combo.setdefault(combo, []).append(incident)
    # Plain dicts and one read of the column titles: a .loc per example and a content-file
    # lookup per row made this table cost some fifteen times more.
    first = joined[["incident_id", "name", "start_year"]].drop_duplicates("incident_id")
    keys = first["incident_id"].astype(str)
    name = dict(zip(keys, first["name"], strict=True))
    year = dict(zip(keys, first["start_year"], strict=True))
    columns = dict(TEXTS.view("combination_columns"))
    rows = []
    for combo, ids in sorted(by_combo.items(), key=lambda item: (-len(item[1]), item[0]))[:top]:
        ids = sorted(ids, key=lambda i: (-int(year[i]), i))
        rows.append(
            {
                columns["options"]: " + ".join(OPTION_SHORT_LABELS[o] for o in combo),
                columns["incidents"]: len(ids),
                columns["examples"]: "; ".join(f"{name[i]} ({year[i]})" for i in ids[:2]),
            }
        )
    return pd.DataFrame(rows, columns=list(columns.values()))


# --------------------------------------------------------------------------------------------
# The combination rule on three made-up measures (a LiveFigure)
# --------------------------------------------------------------------------------------------


def _rule_risks(first: float, second: float, third: float) -> dict[str, float]:
    """The three made-up risks, each checked and named by its slider (not "risks[0]")."""
    risks = {"first": first, "second": second, "third": third}
    for name, value in risks.items():
        try:
            package_risk([value])
        except ValueError:
            raise ValueError(
                f"{name}: bad value {shown(value)}; allowed: a number from 0 to {MAX_RISK:g}"
            ) from None
    return {name: float(value) for name, value in risks.items()}


def rule_figure(first: float, second: float, third: float) -> go.Figure:
    """Three measures' own risks and the package they make: the riskiest part plus a quarter of
    each other part's risk above 10, against what a plain sum would give."""
    risks = _rule_risks(first, second, third)
    total = package_risk(list(risks.values()))
    texts = TEXTS.view("rule_figure")
    names = TEXTS.view("rule_figure", "measures")
    top_key = max(risks, key=lambda k: risks[k])
    added = total - risks[top_key]
    labels = [names[k] for k in risks]
    plain_sum = sum(risks.values())
    package_label = texts["package"]
    return go.Figure(
        data=[  # plain dicts: go.Figure validates a dict once, a go.Bar twice
            {
                "type": "bar",
                "y": labels,
                "x": list(risks.values()),
                "orientation": "h",
                "name": texts["alone"],
                "marker": {"color": "#9AA5B1"},
                "text": [f"{v:.0f}" for v in risks.values()],
                "textposition": "outside",
                "cliponaxis": False,
            },
            {
                "type": "bar",
                "y": [package_label],
                "x": [risks[top_key]],
                "orientation": "h",
                "name": texts["riskiest"],
                "marker": {"color": option_colour(6)},
            },
            {
                "type": "bar",
                "y": [package_label],
                "x": [added],
                "orientation": "h",
                "name": texts["added"],
                "marker": {"color": option_colour(3)},
                "text": [f"{total:.1f}"],
                "textposition": "outside",
                "cliponaxis": False,
            },
            {
                "type": "scatter",
                "y": [package_label],
                "x": [min(plain_sum, 300.0)],
                "mode": "markers",
                "name": texts["sum"],
                "marker": {
                    "symbol": "line-ns-open",
                    "size": 28,
                    "line": {"width": 3},
                    "color": "#D55E00",
                },
                "hovertemplate": f"{texts['sum']}: {plain_sum:.0f}<extra></extra>",
            },
        ],
        layout={
            "title": {"text": _t("rule_figure", "title", risk=f"{total:.1f}")},
            "barmode": "stack",
            "height": 420,
            "margin": {"l": 170, "r": 40, "t": 120},
            "xaxis": {"title": {"text": texts["x"]}, "range": [0, max(105.0, plain_sum + 5)]},
            "yaxis": {
                "autorange": "reversed",
                "categoryorder": "array",
                "categoryarray": [*labels, package_label],
            },
            "legend": {
                "orientation": "h",
                "x": 0,
                "y": 1.0,
                "yanchor": "bottom",
                "traceorder": "normal",
            },
        },
    )


def describe_rule(first: float, second: float, third: float) -> str:
    """The sum behind :func:`rule_figure`, in one sentence of HTML."""
    risks = sorted(_rule_risks(first, second, third).values(), reverse=True)
    total = package_risk(risks)
    parts = " + ".join(
        f"{ADD_ON_SHARE:g} × ({r:.0f} − {ADD_ON_ABOVE:g})"
        if r > ADD_ON_ABOVE
        else f"0 ({r:.0f} is not above {ADD_ON_ABOVE:g})"
        for r in risks[1:]
    )
    return (
        "<p>"
        + _t(
            "rule_figure",
            "describe",
            top=f"{risks[0]:.0f}",
            parts=parts,
            risk=f"{total:.1f}",
            total=f"{sum(risks):.0f}",
        )
        + "</p>"
    )


def rule_controls(values: Mapping[str, float] = RULE_DEFAULTS) -> dict[str, w.FloatSlider]:
    """Three sliders, one per made-up measure, for the rule's LiveFigure."""
    names = TEXTS.view("rule_figure", "measures")
    return {
        key: slider(float(values[key]), 0.0, 100.0, 1.0, names[key])
        for key in ("first", "second", "third")
    }


# --------------------------------------------------------------------------------------------
# A decision and what the lab shows for it (pure)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Decision:
    """Everything a team decides in the lab: the situation as judged, the package, the reasons.

    ``options`` is the package (distinct option numbers 1..7, stored sorted). ``target``,
    ``collateral_damage`` and ``exit_conditions`` apply to the measures the model scores them
    for (see docs/model.md); ``power_ratio`` is part of the situation.
    """

    incident: str
    attack_scale: str
    attribution: float
    public_evidence: float
    host_state: str
    options: tuple[int, ...]
    target: str = "actor"
    collateral_damage: float = 0.0
    exit_conditions: bool = True
    power_ratio: float = 1.0
    team: str = ""
    reasoning: str = ""

    def __post_init__(self) -> None:
        options = self.options
        if isinstance(options, str | bytes) or not isinstance(options, Sequence | set | frozenset):
            raise ValueError(
                f"options: bad value {options!r}; allowed: a collection of option numbers 1..7"
            )
        for option in options:
            if isinstance(option, bool) or not isinstance(option, int) or option not in OPTIONS:
                raise ValueError(f"options: bad value {option!r}; allowed: the numbers 1-7")
        object.__setattr__(self, "options", tuple(sorted(set(options))))
        for name in ("team", "reasoning"):
            if not isinstance(getattr(self, name), str):
                raise ValueError(f"{name}: bad value {getattr(self, name)!r}; allowed: text")

    def scenarios(self) -> list[Scenario]:
        """One validated model Scenario per option of the package (same situation)."""
        return [
            Scenario(
                option,
                attack_scale=self.attack_scale,
                attribution=self.attribution,
                public_evidence=self.public_evidence,
                host_state=self.host_state,
                target=self.target,
                collateral_damage=self.collateral_damage,
                power_ratio=self.power_ratio,
                exit_conditions=self.exit_conditions,
            )
            for option in self.options
        ]


def decision_defaults(incident_id: str, incidents: pd.DataFrame) -> dict[str, Any]:
    """The values a lab opens with for an incident: its coded scale, attribution, public
    evidence and host posture (through the explorer's :func:`case_defaults`), the model's
    defaults for the rest, and :data:`OPENING_PACKAGE`."""
    defaults = case_defaults(incident_id, incidents)
    row = incidents.loc[incidents["id"] == incident_id].iloc[0]
    return {
        "incident": incident_id,
        "attack_scale": str(row["scale"]),
        "attribution": defaults["attribution"],
        "public_evidence": defaults["public_evidence"],
        "host_state": defaults["host_state"],
        "options": OPENING_PACKAGE,
        "target": defaults["target"],
        "collateral_damage": defaults["collateral_damage"],
        "exit_conditions": defaults["exit_conditions"],
        "power_ratio": defaults["power_ratio"],
    }


def opening_incident(joined: pd.DataFrame, incidents: pd.DataFrame) -> str:
    """The incident the lab opens on: the newest one in which states combined a request to the
    host with sanctions (the opening package); failing that, the newest with most options."""
    used = ladder_options_by_incident(joined)
    years = incidents.set_index("id")["start_year"]
    both = [i for i, opts in used.items() if set(OPENING_PACKAGE) <= set(opts)]
    pool = both or list(used.index)
    if not pool:
        raise ValueError("joined: no response on the brief's ladder; the lab needs one")
    return max(pool, key=lambda i: (len(used[i]) if not both else 0, int(years[i]), i))


def lab_choices(joined: pd.DataFrame, incidents: pd.DataFrame) -> list[tuple[str, str]]:
    """Dropdown entries ``(label, id)``: incidents where states combined two or more options
    first (starred), newest first, then all the others, newest first."""
    used = ladder_options_by_incident(joined)
    return starred_choices(incidents, set(used[used.map(len) >= 2].index))


@dataclass(frozen=True)
class LabView:
    """Everything the lab shows for one decision (a pure function's result)."""

    decision: Decision
    incident: pd.Series
    package: PackageAssessment
    history: pd.DataFrame
    used_options: tuple[int, ...]
    comparison: str

    @property
    def assumed_posture(self) -> bool:
        """True when the data records no host posture, so the posture is the team's assumption."""
        return str(self.incident["host_posture"]) == UNKNOWN

    @property
    def coded(self) -> dict[str, str]:
        """The incident's coded situation, in plain words (for "as coded in the data")."""
        row = self.incident
        return {
            "attack_scale": SCALE_LABELS[str(row["scale"])],
            "attribution": ATTRIBUTION_LABELS[str(row["attribution"])],
            "host_state": HOST_POSTURE_LABELS[str(row["host_posture"])],
        }


def lab_view(decision: Decision, *, incidents: pd.DataFrame, joined: pd.DataFrame) -> LabView:
    """Score the decision's package and collect the incident's real history. Bad input (no
    option picked, an unknown incident, a value the model refuses) raises ValueError naming the
    field."""
    if not isinstance(decision, Decision):
        raise ValueError(f"decision: bad value {decision!r}; allowed: a Decision")
    if not decision.options:
        raise ValueError("options: nothing picked; allowed: one or more of the options 1-7")
    rows = (
        incidents.loc[incidents["id"] == decision.incident]
        if isinstance(decision.incident, str)
        else incidents.iloc[:0]
    )
    if rows.empty:
        raise ValueError(
            f"incident: {shown(decision.incident)} is not an incident id in data/incidents.csv; "
            f"allowed: an id from its 'id' column, such as {incidents['id'].iloc[0]!r}"
        )
    package = combine(assess(s) for s in decision.scenarios())
    history = joined.loc[joined["incident_id"] == decision.incident].sort_values(
        "date", kind="stable"
    )
    used = ladder_options_by_incident(history)
    strongest = max(decision.options)
    view = case_view(
        strongest,
        incidents=incidents,
        joined=joined,
        incident=decision.incident,
        attribution=decision.attribution,
        public_evidence=decision.public_evidence,
        host_state=decision.host_state,
    )
    return LabView(
        decision=decision,
        incident=rows.iloc[0],
        package=package,
        history=history,
        used_options=tuple(used.iloc[0]) if len(used) else (),
        comparison=compare_with_history(view),
    )


# --- the figure --------------------------------------------------------------------------------


def lab_figure(view: LabView) -> go.Figure:
    """Each measure's own risk (option colours) and the package's risk: the riskiest measure
    plus what the others add. Tick marks at the band limits."""
    package = view.package
    texts = TEXTS.view("figure")
    labels = [OPTION_SHORT_LABELS[o] for o in package.options]
    package_label = texts["package"]
    top = package.riskiest
    added = package.risk - top.risk
    # Plain dicts, not go.Bar objects: go.Figure validates a dict once, a go.Bar twice.
    alone = {
        "type": "bar",
        "y": labels,
        "x": [round(p.risk, 2) for p in package.parts],
        "orientation": "h",
        "name": texts["alone"],
        "marker": {"color": [option_colour(o) for o in package.options]},
        "text": [f"{p.risk:.1f}" for p in package.parts],
        "textposition": "outside",
        "cliponaxis": False,
        "hovertemplate": "%{y}: %{x:.1f} of 100<extra></extra>",
    }
    riskiest = {
        "type": "bar",
        "y": [package_label],
        "x": [round(top.risk, 2)],
        "orientation": "h",
        "name": texts["riskiest"],
        "marker": {
            "color": option_colour(top.scenario.option),
            "line": {"color": "#222", "width": 2},
        },
        "hovertemplate": f"{OPTION_SHORT_LABELS[top.scenario.option]}: %{{x:.1f}}<extra></extra>",
    }
    extra = {
        "type": "bar",
        "y": [package_label],
        "x": [round(added, 2)],
        "orientation": "h",
        "name": texts["added"],
        "marker": {"color": BAND_COLOURS[package.band], "line": {"color": "#222", "width": 2}},
        "text": [f"{package.risk:.1f} ({package.band})"],
        "textposition": "outside",
        "cliponaxis": False,
        "hovertemplate": "%{x:.1f} points added<extra></extra>",
    }
    name = str(view.incident["name"])
    short = name if len(name) <= 48 else name[:46].rstrip() + "…"
    return go.Figure(
        data=[alone, riskiest, extra],
        layout={
            "title": {
                "text": _t(
                    "figure",
                    "title",
                    incident=_esc(short),
                    risk=f"{package.risk:.0f}",
                    band=package.band,
                )
            },
            "barmode": "stack",
            "height": 300 + 34 * len(labels),
            "margin": {"l": 200, "r": 60, "t": 120, "b": 70},
            "xaxis": {
                "title": {"text": texts["x"]},
                "range": [0, 108],
                "tickvals": [0, *BAND_LIMITS, 100],
                "showgrid": True,
            },
            "yaxis": {
                "autorange": "reversed",
                "categoryorder": "array",
                "categoryarray": [*labels, package_label],
            },
            "legend": {
                "orientation": "h",
                "x": 0,
                "y": 1.0,
                "yanchor": "bottom",
                "traceorder": "normal",
            },
            "meta": {"alt": package.explain()},
        },
    )


# --- the text beside the figure ----------------------------------------------------------------


def case_summary_html(view: LabView) -> str:
    """The incident as the data code it (step 1)."""
    row = view.incident
    host = str(row["host_state"])
    host_name = country_name(host) if host != UNKNOWN else _t("host_not_established")
    text = _t(
        "case",
        name=f"<strong>{_esc(row['name'])}</strong>",
        year=_esc(row["start_year"]),
        scale=_esc(SCALE_LABELS[str(row["scale"])].lower()),
        attribution=_esc(ATTRIBUTION_LABELS[str(row["attribution"])].lower()),
        host=_esc(host_name),
        posture=_esc(HOST_POSTURE_LABELS[str(row["host_posture"])].lower()),
    )
    assumed = f" <em>{_esc(_t('assumed'))}</em>" if view.assumed_posture else ""
    return f"<p>{text}{assumed}</p>"


def result_html(view: LabView) -> str:
    """Step 4 under the figure: the package's risk, its warnings and its legal basis."""
    package = view.package
    top = package.riskiest
    risk = _t(
        "result",
        "risk",
        risk=f"{package.risk:.1f}",
        band=package.band,
        riskiest=_esc(OPTION_SHORT_LABELS[top.scenario.option]),
        added=f"{package.risk - top.risk:.1f}",
    )
    warnings = "".join(f"<li>{_esc(WARNING_TEXT[x].capitalize())}.</li>" for x in package.warnings)
    warnings = warnings or f"<li>{_esc(_t('result', 'no_warnings'))}</li>"
    legal = _t("result", "legal", basis=_esc(LEGAL_BASIS_TEXT[package.legal_basis]))
    return (
        f"<p>{risk}</p><p><strong>{_esc(_t('result', 'warnings'))}</strong></p>"
        f"<ul>{warnings}</ul><p>{legal}</p>"
    )


def _used_sentence(view: LabView) -> str:
    chosen = set(view.decision.options)
    used = set(view.used_options)
    if not used:
        return _t("debrief", "no_ladder")

    def names(options: set[int]) -> str:
        return ", ".join(OPTION_SHORT_LABELS[o] for o in sorted(options))

    if chosen <= used:
        return _t("debrief", "used_all", used=names(chosen))
    if chosen & used:
        return _t("debrief", "used_some", used=names(chosen & used), unused=names(chosen - used))
    return _t("debrief", "used_none", unused=names(chosen))


def _incident_outcome(view: LabView) -> str:
    words = TEXTS.view("outcome_words")
    return _t(
        "debrief",
        "incident",
        stopped=words[str(view.incident["stopped"])],
        escalated=words[str(view.incident["escalated"])],
    )


def _history_frame(history: pd.DataFrame) -> pd.DataFrame:
    columns = TEXTS.view("history_columns")
    return pd.DataFrame(
        {
            columns["date"]: history["date"].astype(str).to_list(),
            columns["by"]: [country_name(str(r)) for r in history["responder"]],
            columns["response"]: [RESPONSE_OPTION_LABELS[str(o)] for o in history["option"]],
            columns["what"]: history["description"].astype(str).to_list(),
            columns["followed"]: [RESPONSE_OUTCOME_LABELS[str(o)] for o in history["outcome"]],
        }
    )


_CELL: Final = "text-align:left;vertical-align:top;padding:2px 8px"


def debrief_html(view: LabView) -> str:
    """Step 5: the package beside what states did, the record's outcomes, and a caution."""
    frame = _history_frame(view.history)
    if frame.empty:
        table = f"<p>{_esc(_t('debrief', 'no_history'))}</p>"
    else:
        head = "".join(f"<th style='{_CELL}'>{_esc(c)}</th>" for c in frame.columns)
        body = "".join(
            f"<tr><td style='{_CELL};white-space:nowrap'>{_esc(row[0])}</td>"
            + "".join(f"<td style='{_CELL}'>{_esc(v)}</td>" for v in row[1:])
            + "</tr>"
            for row in frame.itertuples(index=False)
        )
        table = (
            "<table style='border-collapse:collapse;width:100%'>"
            f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
        )
    return (
        f"<p>{_esc(_used_sentence(view))} {_esc(view.comparison)}</p>"
        f"<p>{_esc(_incident_outcome(view))}</p>"
        f"<details open><summary><strong>{_esc(_t('debrief', 'history'))}</strong></summary>"
        f"{table}</details><p><em>{_esc(_t('debrief', 'caveat'))}</em></p>"
    )


# --- the brief to hand in ----------------------------------------------------------------------

BRIEF_HISTORY_ROWS: Final = 10
"""Responses listed in the brief (the newest are dropped first), so it stays one page."""


def _brief_parts(view: LabView) -> dict[str, Any]:
    """The brief's content, once, for both renderings (Markdown and HTML)."""
    d = view.decision
    row = view.incident
    package = view.package
    coded = view.coded
    host = str(row["host_state"])
    host_name = country_name(host) if host != UNKNOWN else _t("host_not_established")
    team = d.team.strip()
    parts = [
        _t(
            "brief",
            "part",
            option=OPTION_SHORT_LABELS[p.scenario.option],
            risk=f"{p.risk:.1f}",
            band=p.band,
            basis=LEGAL_BASIS_LABELS[p.legal_basis].lower(),
        )
        for p in package.parts
    ]
    settings = _t(
        "brief",
        "settings",
        target=TARGET_LABELS[d.target].lower(),
        collateral=f"{d.collateral_damage:.2f}",
        exit=_t("brief", "exit_yes" if d.exit_conditions else "exit_no"),
        power=f"{d.power_ratio:g}",
    )
    warnings = [WARNING_TEXT[x].capitalize() + "." for x in package.warnings] or [
        _t("result", "no_warnings")
    ]
    history = _history_frame(view.history)
    shown = history.head(BRIEF_HISTORY_ROWS)
    more = len(history) - len(shown)
    return {
        "title": _t("brief", "title", incident=str(row["name"]), year=str(row["start_year"])),
        "prepared": _t("brief", "prepared", team=team) if team else _t("brief", "no_team"),
        "situation": [
            _t(
                "brief",
                "attack",
                judged=SCALE_LABELS[d.attack_scale],
                coded=coded["attack_scale"],
            ),
            _t(
                "brief",
                "attribution",
                strength=f"{d.attribution:.2f}",
                public=f"{d.public_evidence:.2f}",
                coded=coded["attribution"],
            ),
            _t(
                "brief",
                "host",
                host=host_name,
                judged=HOST_POSTURE_LABELS[d.host_state],
                coded=coded["host_state"],
            )
            + (" " + _t("assumed") if view.assumed_posture else ""),
        ],
        "parts": parts,
        "settings": settings,
        "risk": [
            _t(
                "result",
                "risk",
                risk=f"{package.risk:.1f}",
                band=package.band,
                riskiest=OPTION_SHORT_LABELS[package.riskiest.scenario.option],
                added=f"{package.risk - package.riskiest.risk:.1f}",
            ),
            _t("result", "legal", basis=LEGAL_BASIS_TEXT[package.legal_basis]),
        ],
        "warnings": warnings,
        "reasons": d.reasoning.strip() or _t("brief", "no_reasons"),
        "debrief": [_used_sentence(view) + " " + view.comparison, _incident_outcome(view)],
        "history": shown,
        "more": _t("debrief", "more", count=more) if more > 0 else "",
        "caveat": _t("brief", "caveat"),
    }


def _md_cell(value: object) -> str:
    return re.sub(r"\s+", " ", str(value)).replace("|", "\\|").strip()


def brief_markdown(view: LabView) -> str:
    """The decision as a one-page brief in Markdown: situation, response, risk, reasons and the
    debrief. A pure function of the view (what the download link holds)."""
    return _markdown_brief(_brief_parts(view))


def _markdown_brief(b: Mapping[str, Any]) -> str:
    """:func:`brief_markdown` from the brief's parts (computed once for both downloads)."""
    lines = [f"# {b['title']}", "", b["prepared"], "", f"## {_t('brief', 'situation')}", ""]
    lines += [f"- {x}" for x in b["situation"]]
    lines += ["", f"## {_t('brief', 'response')}", ""]
    lines += [f"- {x}" for x in b["parts"]]
    lines += ["", b["settings"], "", f"## {_t('brief', 'risk')}", ""]
    lines += [f"- {x}" for x in b["risk"]]
    lines += [f"- {_t('result', 'warnings')} " + " ".join(b["warnings"])]
    lines += ["", f"## {_t('brief', 'reasons')}", "", b["reasons"], ""]
    lines += [f"## {_t('brief', 'debrief')}", ""]
    lines += [*b["debrief"], ""]
    history: pd.DataFrame = b["history"]
    if not history.empty:
        lines.append("| " + " | ".join(history.columns) + " |")
        lines.append("|" + "---|" * len(history.columns))
        lines += [
            "| " + " | ".join(_md_cell(v) for v in row) + " |"
            for row in history.itertuples(index=False)
        ]
        lines.append("")
    if b["more"]:
        lines += [b["more"], ""]
    lines += [f"*{b['caveat']}*", ""]
    return "\n".join(lines)


def brief_html(view: LabView) -> str:
    """The same brief as a self-contained HTML page (no scripts, no external files)."""
    return _html_brief(_brief_parts(view))


def _html_brief(b: Mapping[str, Any]) -> str:
    """:func:`brief_html` from the brief's parts (computed once for both downloads)."""

    def items(values: Sequence[str]) -> str:
        return "<ul>" + "".join(f"<li>{_esc(v)}</li>" for v in values) + "</ul>"

    history: pd.DataFrame = b["history"]
    table = ""
    if not history.empty:
        head = "".join(f"<th>{_esc(c)}</th>" for c in history.columns)
        body = "".join(
            "<tr>" + "".join(f"<td>{_esc(v)}</td>" for v in row) + "</tr>"
            for row in history.itertuples(index=False)
        )
        table = f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    reasons = "".join(f"<p>{_esc(p)}</p>" for p in b["reasons"].split("\n\n"))
    style = (
        "body{font-family:Helvetica,Arial,sans-serif;max-width:48em;margin:2em auto;"
        "font-size:11pt;line-height:1.35}table{border-collapse:collapse;font-size:9pt}"
        "td,th{border:1px solid #bbb;padding:2px 5px;text-align:left;vertical-align:top}"
    )
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{_esc(b['title'])}</title><style>{style}</style></head><body>"
        f"<h1>{_esc(b['title'])}</h1><p>{_esc(b['prepared'])}</p>"
        f"<h2>{_esc(_t('brief', 'situation'))}</h2>{items(b['situation'])}"
        f"<h2>{_esc(_t('brief', 'response'))}</h2>{items(b['parts'])}<p>{_esc(b['settings'])}</p>"
        f"<h2>{_esc(_t('brief', 'risk'))}</h2>{items(b['risk'])}"
        f"<p><strong>{_esc(_t('result', 'warnings'))}</strong></p>{items(b['warnings'])}"
        f"<h2>{_esc(_t('brief', 'reasons'))}</h2>{reasons}"
        f"<h2>{_esc(_t('brief', 'debrief'))}</h2>"
        + "".join(f"<p>{_esc(x)}</p>" for x in b["debrief"])
        + table
        + (f"<p>{_esc(b['more'])}</p>" if b["more"] else "")
        + f"<p><em>{_esc(b['caveat'])}</em></p></body></html>"
    )


def brief_filename(view: LabView, extension: str) -> str:
    """``decision-brief-<incident>[-<team>].<extension>``, safe as a file name."""
    if extension not in ("md", "html"):
        raise ValueError(f"extension: bad value {extension!r}; allowed: md, html")
    team = re.sub(r"[^a-z0-9]+", "-", view.decision.team.lower()).strip("-")[:30]
    stem = f"decision-brief-{view.decision.incident}" + (f"-{team}" if team else "")
    return f"{stem}.{extension}"


def _data_uri(text: str, mime: str) -> str:
    payload = base64.b64encode(text.encode("utf-8")).decode("ascii")
    return f"data:{mime};charset=utf-8;base64,{payload}"


def download_links(view: LabView) -> str:
    """Two download links (Markdown and HTML) whose ``href`` holds the brief itself as a
    base64 ``data:`` URI: nothing is written on the server and nothing is fetched, so it works
    in JupyterLab, in Voila and offline."""
    parts = _brief_parts(view)  # once for both: it is most of the cost, and runs per keystroke
    links = []
    for extension, mime, key, text in (
        ("md", "text/markdown", "download_md", _markdown_brief(parts)),
        ("html", "text/html", "download_html", _html_brief(parts)),
    ):
        links.append(
            f"<a class='course-brief-download' download='{brief_filename(view, extension)}' "
            f"href='{_data_uri(text, mime)}' style='margin-right:1.5em;font-weight:bold'>"
            f"&#11015; {_esc(_t('brief', key))}</a>"
        )
    return "<p>" + "".join(links) + "</p>"


def static_lab(
    incident: str | None = None, *, incidents: pd.DataFrame, joined: pd.DataFrame
) -> tuple[go.Figure, str]:
    """The lab's opening state as a plain figure and HTML (the static fallback before the app)."""
    start = incident or opening_incident(joined, incidents)
    view = lab_view(
        Decision(**decision_defaults(start, incidents)), incidents=incidents, joined=joined
    )
    return lab_figure(view), case_summary_html(view) + result_html(view) + debrief_html(view)


# --------------------------------------------------------------------------------------------
# The app
# --------------------------------------------------------------------------------------------

SITUATION_FIELDS: Final = (
    "attack_scale",
    "attribution",
    "public_evidence",
    "host_state",
    "power_ratio",
)
"""Controls of step 2, preset from the incident (power ratio from the model's default)."""

MEASURE_FIELDS: Final = ("target", "collateral_damage", "exit_conditions")
"""Controls of step 3 beside the option checkboxes."""


class CaseStudyLab(w.VBox):
    """The whole lab as one widget: pick, judge, assemble, see, debrief, hand in.

    Every control and result lives on the instance (no module-level state), so two labs never
    interfere. ``decision()`` is the current :class:`Decision`, ``view`` the current
    :class:`LabView`, ``refresh()`` what a control change runs, ``reset()`` what the reset
    button does; tests drive it from code.
    """

    def __init__(
        self,
        *,
        incidents: pd.DataFrame | None = None,
        joined: pd.DataFrame | None = None,
        incident: str | None = None,
    ) -> None:
        self.incidents = incidents if incidents is not None else load_incidents()
        self.joined = (
            joined if joined is not None else responses_with_incidents(incidents=self.incidents)
        )
        start = incident or opening_incident(self.joined, self.incidents)
        d = decision_defaults(start, self.incidents)
        label = TEXTS.view("controls")
        style = {"description_width": "initial"}
        wide = w.Layout(width="98%")
        self.controls: dict[str, w.ValueWidget] = {
            "incident": w.Dropdown(
                options=lab_choices(self.joined, self.incidents),
                value=start,
                description=label["incident"],
                style=style,
                layout=wide,
            ),
            "attack_scale": w.Dropdown(
                options=[(SCALE_LABELS[s], s) for s in ATTACK_SCALES],
                value=d["attack_scale"],
                description=label["attack_scale"],
                style=style,
                layout=w.Layout(width="auto"),  # whole labels, not "Large·"
            ),
            "attribution": slider(d["attribution"], 0.0, 1.0, 0.05, label["attribution"]),
            "public_evidence": slider(
                d["public_evidence"], 0.0, 1.0, 0.05, label["public_evidence"]
            ),
            "host_state": w.Dropdown(
                options=[(HOST_POSTURE_LABELS[h], h) for h in HOST_STATES],
                value=d["host_state"],
                description=label["host_state"],
                style=style,
                layout=w.Layout(width="auto"),
            ),
            "power_ratio": slider(d["power_ratio"], 0.25, 8.0, 0.25, label["power_ratio"]),
            "target": w.ToggleButtons(
                options=[(TARGET_LABELS[t], t) for t in TARGETS],
                value=d["target"],
                description=label["target"],
                style={**style, "button_width": "auto"},
            ),
            "collateral_damage": slider(0.0, 0.0, 1.0, 0.05, label["collateral_damage"]),
            "exit_conditions": w.Checkbox(
                value=True, description=label["exit_conditions"], indent=False
            ),
        }
        self.option_boxes: dict[int, w.Checkbox] = {
            o: w.Checkbox(
                value=o in d["options"],
                description=RESPONSE_OPTION_LABELS[str(o)],
                indent=False,
                layout=w.Layout(width="auto"),
            )
            for o in LADDER
        }
        self.team = w.Text(description=label["team"], style=style, layout=w.Layout(width="60%"))
        self.reasoning = w.Textarea(
            description=label["reasoning"],
            placeholder=label["reasoning_placeholder"],
            style=style,
            layout=w.Layout(width="98%", height="8em"),
        )
        self._holding = False
        self.view: LabView | None = None
        self.figure: go.Figure | None = None
        self.reset_button = w.Button(  # no icon: works offline; auto width: the label fits
            description="Reset to the data", layout=w.Layout(width="auto")
        )
        self.reset_button.on_click(lambda _: self.reset())
        self.case = w.HTML()
        self.status = w.HTML()
        self.output = PlotlyView()
        self.result = w.HTML()
        self.debrief = w.HTML()
        self.download = w.HTML()
        self.controls["incident"].observe(self._on_incident, "value")
        for name, control in self.controls.items():
            if name != "incident":
                control.observe(self._on_change, "value")
        for box in self.option_boxes.values():
            box.observe(self._on_change, "value")
        for text in (self.team, self.reasoning):
            text.observe(self._on_words, "value")
        super().__init__(self._layout())
        self.add_class("course-case-study-lab")
        self.refresh()

    # --- layout --------------------------------------------------------------------------

    def _layout(self) -> list[w.Widget]:
        steps = TEXTS.view("steps")
        c = self.controls

        def heading(key: str) -> w.HTML:
            return w.HTML(f"<h3 style='margin:0.8em 0 0.2em'>{_esc(steps[key])}</h3>")

        def grid(children: list[w.Widget], columns: int = 2) -> w.GridBox:
            return w.GridBox(
                children,
                layout=w.Layout(
                    grid_template_columns=f"repeat({columns}, minmax(0, 1fr))", width="100%"
                ),
            )

        return [
            heading("incident"),
            c["incident"],
            self.case,
            heading("situation"),
            grid([c[f] for f in SITUATION_FIELDS] + [self.reset_button]),
            heading("response"),
            grid(list(self.option_boxes.values())),
            grid([c["target"], c["collateral_damage"], c["exit_conditions"]], columns=1),
            heading("result"),
            self.status,
            self.output,
            self.result,
            heading("debrief"),
            self.debrief,
            heading("hand_in"),
            self.team,
            self.reasoning,
            self.download,
        ]

    # --- state -----------------------------------------------------------------------------

    def decision(self) -> Decision:
        """The team's current decision, read from the controls."""
        values = {name: control.value for name, control in self.controls.items()}
        options = tuple(o for o, box in self.option_boxes.items() if box.value)
        return Decision(
            **values, options=options, team=self.team.value, reasoning=self.reasoning.value
        )

    def _set(self, values: Mapping[str, Any]) -> None:
        self._holding = True  # one redraw for many control changes
        try:
            for name, value in values.items():
                if name == "options":
                    for option, box in self.option_boxes.items():
                        box.value = option in value
                elif name in self.controls:
                    self.controls[name].value = value
        finally:
            self._holding = False
        self.refresh()

    def _on_incident(self, change: dict[str, Any]) -> None:
        defaults = decision_defaults(change["new"], self.incidents)
        self._set({name: defaults[name] for name in SITUATION_FIELDS})

    def _on_change(self, _change: dict[str, Any]) -> None:
        if not self._holding:
            self.refresh()

    def _on_words(self, _change: dict[str, Any]) -> None:
        if self.view is not None:
            self.view = replace(self.view, decision=self.decision())
            self.download.value = download_links(self.view)

    def reset(self) -> None:
        """Back to the incident's coded situation, the model's defaults and the opening package
        (the team's name and reasons are kept)."""
        defaults = decision_defaults(self.controls["incident"].value, self.incidents)
        self._set({k: v for k, v in defaults.items() if k != "incident"})

    def refresh(self) -> bool:
        """Recompute and redraw; on bad input (no option picked) say why and keep the figure."""
        try:
            view = lab_view(self.decision(), incidents=self.incidents, joined=self.joined)
        except ValueError as error:
            self.status.value = f"<p style='color:#D55E00'>&#9888; {_esc(error)}</p>"
            self.download.value = f"<p><em>{_esc(_t('no_options'))}</em></p>"
            return False
        self.view = view
        self.status.value = ""
        self.case.value = case_summary_html(view)
        self.figure = lab_figure(view)
        self.output.show(self.figure)
        self.result.value = result_html(view)
        self.debrief.value = debrief_html(view)
        self.download.value = download_links(view)
        return True


# --------------------------------------------------------------------------------------------
# Self-check
# --------------------------------------------------------------------------------------------

SELF_CHECK_IDS: Final = ("12.q1", "12.q2", "12.q3", "12.q4")
"""Ids of lesson 12's self-check questions, in order (texts in the content file)."""


def self_check_question(qid: str) -> MultipleChoice:
    """Lesson 12's self-check question ``qid`` (one of :data:`SELF_CHECK_IDS`), built from
    ``content/12_case_study_lab.yaml`` so no answer key is printed above it."""
    if qid not in SELF_CHECK_IDS:
        raise ValueError(f"qid: unknown question {qid!r}; allowed: {', '.join(SELF_CHECK_IDS)}")
    return choice_question(qid)


def self_check() -> Quiz:
    """The whole self-check (:data:`SELF_CHECK_IDS`) as one Quiz."""
    return Quiz("Self-check", [self_check_question(q) for q in SELF_CHECK_IDS])
