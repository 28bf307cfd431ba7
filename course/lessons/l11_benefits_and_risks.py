"""Lesson 11: the benefits and risks of the seven options, and the model in full.

Why this module exists: the brief's section "Benefits and risks" (van der Meer 2020) says that
all seven options serve the same ends, that their risks differ, that convincing public evidence
lowers the risk of every response, and that the main risk is a hostile answer from the
attackers or the state behind them. The lesson turns that reasoning into three things a student
can look at and argue with, each a plain function tested without a browser:

- **The record.** :func:`replies_by_option`, :func:`replies_figure` and :func:`replies_summary`
  show what followed each option in ``data/responses.csv``: how often a hostile reply is
  recorded, and how often nobody knows. The sentences are computed, so the prose never goes stale.
- **Sensitivity.** :func:`sensitivity_table` and :func:`sensitivity_figure` swing each input of
  the escalation model over its whole range, one at a time from :data:`REFERENCE_CASE`, and show
  for every option how many points each factor can move the score.
- **The escalation simulator.** :func:`run_simulation`, :func:`simulation_figure` and
  :func:`simulation_html` wrap ``course.engine.simulation`` for the lesson's widget
  (:func:`simulator`, a ``LiveFigure``); :func:`evidence_curve` and :func:`evidence_figure` draw
  the exact escalation shares as the public evidence grows.

Every sentence a student reads is in ``content/11_benefits_and_risks.yaml`` under ``texts:``
(:data:`TEXTS`), checked at import. A model never draws and a widget never reads files: the data
functions take frames as arguments, loaded once by the notebook.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping
from functools import lru_cache
from types import MappingProxyType
from typing import Any, Final

import ipywidgets as w
import numpy as np
import pandas as pd
import plotly.graph_objects as go

from course.engine.escalation import (
    ATTACK_SCALES,
    HOST_STATES,
    OPTIONS,
    TARGETS,
    Scenario,
    assess_many,
)
from course.engine.labels import HOST_POSTURE_LABELS, OPTION_SHORT_LABELS, SCALE_LABELS
from course.engine.simulation import (
    DEFAULT_ROUNDS,
    DEFAULT_RUNS,
    DEFAULT_SEED,
    MAX_ROUNDS,
    OUTCOMES,
    POLICIES,
    Simulation,
    exact_shares_many,
    simulate,
)
from course.learning.content import TEXT, LessonTexts, choice_question, placeholders
from course.learning.quiz import MultipleChoice, Quiz
from course.ui.figures import legend_below, legend_below_layout
from course.ui.theme import option_colour
from course.ui.widgets import LiveFigure, dropdown, multi_select, slider

__all__ = [
    "EVIDENCE_LEVELS",
    "EVIDENCE_OPENINGS",
    "OUTCOME_COLOURS",
    "REFERENCE_CASE",
    "REPLY_GROUPS",
    "RUN_CHOICES",
    "SELF_CHECK_IDS",
    "SENSITIVITY_FACTORS",
    "SENSITIVITY_RANGES",
    "SIMULATOR_DEFAULTS",
    "TEXTS",
    "evidence_curve",
    "evidence_figure",
    "replies_by_option",
    "replies_figure",
    "replies_summary",
    "run_simulation",
    "self_check",
    "self_check_question",
    "sensitivity_figure",
    "sensitivity_table",
    "simulation_figure",
    "simulation_html",
    "simulator",
    "simulator_controls",
    "static_simulation",
    "top_factors",
]

LADDER: Final = tuple(str(n) for n in OPTIONS)
"""The data's codes of the seven options ("1".."7"), in ladder order."""

REPLY_GROUPS: Final = ("hostile", "other", "unknown")
"""What followed a response, in three groups: a hostile reply (outcome ``host_retaliated``),
any other known outcome, or nothing known."""

REFERENCE_CASE: Final[Mapping[str, object]] = MappingProxyType(
    {
        "attack_scale": "large",
        "attribution": 0.8,
        "public_evidence": 0.5,
        "host_state": "able_unwilling",
        "target": "actor",
        "collateral_damage": 0.0,
        "power_ratio": 1.0,
        "exit_conditions": True,
    }
)
"""The situation the sensitivity view and the simulator start from: a large-scale attack,
fairly convincing attribution, half of the evidence public, a host able but unwilling to act, a
response aimed at the attackers (the reference case of ``docs/model.md`` and lessons 03 and 10)."""

SENSITIVITY_FACTORS: Final = (
    "attack_scale",
    "attribution",
    "public_evidence",
    "host_state",
    "target",
    "collateral_damage",
    "power_ratio",
    "exit_conditions",
)
"""The model's inputs other than the option, in the order the sensitivity view shows them."""

SENSITIVITY_RANGES: Final[Mapping[str, tuple[object, ...]]] = MappingProxyType(
    {
        "attack_scale": ATTACK_SCALES,
        "attribution": (0.0, 1.0),
        "public_evidence": (0.0, 1.0),
        "host_state": HOST_STATES,
        "target": TARGETS,
        "collateral_damage": (0.0, 1.0),
        "power_ratio": (0.25, 8.0),
        "exit_conditions": (True, False),
    }
)
"""The values each factor is swung over. The model's score moves in one direction along every
numeric input, so the two ends of a range give its whole swing; the military balance is taken
from a quarter of the host's strength to eight times it (the range of lesson 10)."""

EVIDENCE_OPENINGS: Final = (3, 5, 6, 7)
"""The openings :func:`evidence_figure` draws: the options that accuse or coerce."""

EVIDENCE_LEVELS: Final = tuple(float(x) for x in np.round(np.linspace(0.0, 1.0, 21), 2))
"""Public evidence from none to all of it, in steps of 0.05."""

RUN_CHOICES: Final = (1_000, 10_000, 100_000)
"""How many runs per opening the widget offers."""

SIMULATOR_DEFAULTS: Final[Mapping[str, Any]] = MappingProxyType(
    {
        "openings": tuple(OPTIONS),
        "attack_scale": REFERENCE_CASE["attack_scale"],
        "attribution": REFERENCE_CASE["attribution"],
        "public_evidence": REFERENCE_CASE["public_evidence"],
        "host_state": REFERENCE_CASE["host_state"],
        "policy": "climb",
        "rounds": DEFAULT_ROUNDS,
        "runs": DEFAULT_RUNS,
        "seed": DEFAULT_SEED,
    }
)
"""What the simulator widget and its static fallback show first."""

OUTCOME_COLOURS: Final[Mapping[str, str]] = MappingProxyType(
    {"quiet": "#009E73", "contained": "#56B4E9", "spiral": "#E69F00", "force": "#D55E00"}
)
"""Okabe-Ito colours, calm to alarming, as the model's risk bands use them."""

_REPLY_COLOURS: Final[Mapping[str, str]] = MappingProxyType(
    {"hostile": "#D55E00", "other": "#0072B2", "unknown": "#BBBBBB"}
)

TEXTS: Final = LessonTexts(
    "11",
    {
        "reply_groups": dict.fromkeys(REPLY_GROUPS, TEXT),
        "replies_figure": {
            **dict.fromkeys(("title", "x", "y", "legend"), TEXT),
            "hostile_note": placeholders("count"),
        },
        "replies": {
            "count": placeholders("total", "hostile", "unknown"),
            "none": TEXT,
            "where": placeholders("options", "incidents", "postures"),
        },
        "factors": dict.fromkeys(SENSITIVITY_FACTORS, TEXT),
        "sensitivity_figure": dict.fromkeys(("title", "x", "y", "colour"), TEXT),
        "evidence_figure": dict.fromkeys(("title", "x", "y", "legend"), TEXT),
        "outcomes": dict.fromkeys(OUTCOMES, TEXT),
        "policies": dict.fromkeys(POLICIES, TEXT),
        "simulation_figure": {
            "title": TEXT,
            "x": TEXT,
            "y": TEXT,
            "legend": TEXT,
            "note": placeholders("runs", "seed", "rounds"),
        },
        "controls": dict.fromkeys(
            (
                "openings",
                "attack_scale",
                "attribution",
                "public_evidence",
                "host_state",
                "policy",
                "rounds",
                "runs",
                "seed",
            ),
            TEXT,
        ),
        "simulation_html": {
            "heading": TEXT,
            "table_heading": TEXT,
            "opening": TEXT,
            "first_answer": TEXT,
            "escalation": TEXT,
            "path": TEXT,
        },
    },
)
"""Lesson 11's texts in ``content/11_benefits_and_risks.yaml`` (``texts:``)."""
TEXTS()


# --------------------------------------------------------------------------------------------
# The record: what followed each option
# --------------------------------------------------------------------------------------------

_NEEDED: Final = ("option", "outcome", "incident_id", "name", "host_posture")


def _require_columns(joined: pd.DataFrame) -> None:
    missing = [c for c in _NEEDED if c not in joined.columns]
    if missing:
        raise ValueError(
            f"joined: missing column(s) {', '.join(missing)}; pass the frame from "
            "course.engine.data.responses_with_incidents()"
        )


def _reply_codes(outcome: pd.Series) -> np.ndarray:
    """Position in :data:`REPLY_GROUPS` of each outcome: 0 hostile, 1 other, 2 unknown."""
    text = outcome.astype(str).to_numpy()
    return np.select([text == "host_retaliated", text == "unknown"], [0, 2], 1)


def replies_by_option(joined: pd.DataFrame) -> pd.DataFrame:
    """Responses per option 1..7 (rows, ladder order, zeros kept) and :data:`REPLY_GROUPS`
    (columns): followed by a hostile reply, by another known outcome, or by nothing known.
    Police takedowns and help to the victim are left out: they are not on the ladder.

    Counted with one ``bincount`` over (option, group) codes rather than ``pd.crosstab``, which
    costs several milliseconds of grouping machinery for a 7 x 3 table."""
    _require_columns(joined)
    option = pd.Index(LADDER).get_indexer(joined["option"].astype(str))
    ladder = option >= 0
    group = _reply_codes(joined["outcome"].loc[ladder])
    width = len(REPLY_GROUPS)
    counts = np.bincount(option[ladder] * width + group, minlength=len(LADDER) * width)
    return pd.DataFrame(
        counts.reshape(len(LADDER), width).astype(int),
        index=pd.Index(list(LADDER), name="option"),
        columns=list(REPLY_GROUPS),
    )


def _whole_ticks(most: int) -> dict[str, object]:
    step = 1 if most <= 10 else 5 if most <= 40 else 10 if most <= 100 else 20
    return {"dtick": step, "tick0": 0, "tickformat": "d", "range": [0, most + step * 2.5]}


def _reply_bar(group: str, labels: list[str], counts: pd.Series, name: str) -> go.Bar:
    """One reply group across the options (one colour and legend entry per group)."""
    return go.Bar(
        y=labels,
        x=counts,
        orientation="h",
        name=name,
        marker={"color": _REPLY_COLOURS[group], "line": {"color": "#333333", "width": 1}},
        hovertemplate=f"%{{y}}: %{{x}} response(s), {name.lower()}<extra></extra>",
    )


def replies_figure(joined: pd.DataFrame) -> go.Figure:
    """Horizontal stacked bars: responses per option, split by what followed them. Every group
    stays in the legend, so each colour is explained even where its count is zero.

    Built in one ``go.Figure(data, layout)`` call: plotly validates the whole figure again on
    every ``add_bar``/``add_annotation``/``update_layout``, which made up most of its time."""
    table = replies_by_option(joined)
    labels = [OPTION_SHORT_LABELS[int(code)] for code in table.index]
    names = TEXTS.view("reply_groups")
    totals = table.sum(axis=1)
    notes = [
        {
            "x": int(totals[code]),
            "y": label,
            "text": TEXTS.get("replies_figure", "hostile_note", count=table.loc[code, "hostile"]),
            "showarrow": False,
            "xanchor": "left",
            "xshift": 8,
            "font": {"color": _REPLY_COLOURS["hostile"]},
        }
        for label, code in zip(labels, table.index, strict=True)
        if table.loc[code, "hostile"]
    ]
    layout = {
        "annotations": notes,
        "barmode": "stack",
        "title": TEXTS.get("replies_figure", "title"),
        "xaxis": {"title": TEXTS.get("replies_figure", "x"), **_whole_ticks(int(totals.max()))},
        "yaxis": {"title": TEXTS.get("replies_figure", "y"), "autorange": "reversed"},
        **legend_below_layout(
            [names[g] for g in REPLY_GROUPS],
            title=TEXTS.get("replies_figure", "legend"),
            plot_height=320,
            below_axis_px=70,
        ),
    }
    bars = [_reply_bar(g, labels, table[g], names[g]) for g in REPLY_GROUPS]
    return go.Figure(data=bars, layout=layout)


def _join_words(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def replies_summary(joined: pd.DataFrame) -> str:
    """Sentences computed from the data: how many ladder responses were followed by a hostile
    reply and how many by nothing known; after which options the hostile replies came, in which
    incidents, and how the data code those incidents' host states."""
    table = replies_by_option(joined)
    total, hostile = int(table.to_numpy().sum()), int(table["hostile"].sum())
    parts = [
        TEXTS.get(
            "replies", "count", total=total, hostile=hostile, unknown=int(table["unknown"].sum())
        )
    ]
    if hostile == 0:
        parts.append(TEXTS.get("replies", "none"))
    else:
        rows = joined.loc[
            joined["option"].astype(str).isin(LADDER)
            & (joined["outcome"].astype(str) == "host_retaliated"),
            ["option", "name", "host_posture"],  # only the columns the sentence needs
        ]
        options = [
            OPTION_SHORT_LABELS[int(c)][2:].lower()
            for c in LADDER
            if c in set(rows["option"].astype(str))
        ]
        incidents = list(dict.fromkeys(rows["name"].astype(str)))
        postures = [
            f"“{HOST_POSTURE_LABELS[p]}”" for p in dict.fromkeys(rows["host_posture"].astype(str))
        ]
        parts.append(
            TEXTS.get(
                "replies",
                "where",
                options=_join_words(options),
                incidents=_join_words([f"“{n}”" for n in incidents]),
                postures=_join_words(postures),
            )
        )
    return f"<p>{html.escape(' '.join(parts), quote=False)}</p>"


# --------------------------------------------------------------------------------------------
# Sensitivity: which factor moves the score most, per option
# --------------------------------------------------------------------------------------------


def _base(base: Mapping[str, object] | None) -> dict[str, object]:
    merged = {**REFERENCE_CASE, **(base or {})}
    unknown = sorted(set(merged) - set(REFERENCE_CASE))
    if unknown:
        raise ValueError(
            f"base: unknown field {unknown[0]!r}; allowed: {', '.join(REFERENCE_CASE)}"
        )
    Scenario(option=1, **merged)  # validates every value, naming the field
    return merged


def sensitivity_table(base: Mapping[str, object] | None = None) -> pd.DataFrame:
    """Points each factor can move each option's score (rows: options 1..7; columns:
    :data:`SENSITIVITY_FACTORS`), swinging one factor at a time over
    :data:`SENSITIVITY_RANGES` while the others stay at ``base`` (default
    :data:`REFERENCE_CASE`; give only the fields to change). A zero means the factor does not
    touch that option in the model."""
    fixed = _base(base)
    rows = [
        {**fixed, "option": number, "factor": factor, factor: value}
        for number in OPTIONS
        for factor in SENSITIVITY_FACTORS
        for value in SENSITIVITY_RANGES[factor]
    ]
    scored = assess_many(pd.DataFrame(rows))
    groups = scored.groupby(["option", "factor"], sort=False)["risk"]
    swing = groups.max() - groups.min()  # built-in reductions: no Python call per group
    table = swing.unstack("factor").reindex(columns=list(SENSITIVITY_FACTORS))
    table.index.name, table.columns.name = "option", None
    return table.round(10)  # exact ties stay ties (0.7 x 8 vs 0.8 x 7 in floating point)


def top_factors(table: pd.DataFrame | None = None) -> pd.Series:
    """Per option, the factor with the largest swing in ``table`` (default: the reference
    case's :func:`sensitivity_table`); a tie goes to the factor listed first."""
    table = sensitivity_table() if table is None else table
    return table.idxmax(axis=1)


def sensitivity_figure(base: Mapping[str, object] | None = None) -> go.Figure:
    """A heat map of :func:`sensitivity_table`: options down, factors across, the points in
    each cell, the largest of each row in bold."""
    table = sensitivity_table(base)
    values = table.to_numpy()
    best = values.max(axis=1, keepdims=True)
    text = [
        [
            (f"<b>{v:.1f}</b>" if v == b and v > 0 else f"{v:.1f}")
            for v, b in zip(row, np.repeat(brow, len(row)), strict=True)
        ]
        for row, brow in zip(values, best, strict=True)
    ]
    factor_names = TEXTS.view("factors")
    heatmap = go.Heatmap(
        z=values,
        x=[factor_names[f] for f in table.columns],
        y=[OPTION_SHORT_LABELS[n] for n in table.index],
        text=text,
        texttemplate="%{text}",
        textfont={"size": 15},
        colorscale="Blues",
        zmin=0,
        colorbar={"title": {"text": TEXTS.get("sensitivity_figure", "colour")}},
        hovertemplate="%{y}, %{x}: %{z:.1f} points<extra></extra>",
        xgap=2,
        ygap=2,
    )
    layout = {
        "title": TEXTS.get("sensitivity_figure", "title"),
        "xaxis": {
            "title": TEXTS.get("sensitivity_figure", "x"),
            "side": "bottom",
            "showgrid": False,
        },
        "yaxis": {
            "title": TEXTS.get("sensitivity_figure", "y"),
            "autorange": "reversed",
            "showgrid": False,
        },
        "height": 560,
    }
    return go.Figure(data=[heatmap], layout=layout)


# --------------------------------------------------------------------------------------------
# Evidence and escalation, exactly
# --------------------------------------------------------------------------------------------


def _evidence_scenario(level: float, attribution: float, host_state: str) -> Scenario:
    """The reference case at one level of public evidence (validated by Scenario)."""
    return Scenario(
        option=1,
        **{
            **REFERENCE_CASE,
            "attribution": attribution,
            "public_evidence": level,
            "host_state": host_state,
        },
    )


def evidence_curve(
    openings: Iterable[int] = EVIDENCE_OPENINGS,
    *,
    attribution: float = 0.9,
    host_state: str = "sponsor",
    rounds: int = DEFAULT_ROUNDS,
    levels: Iterable[float] = EVIDENCE_LEVELS,
) -> pd.DataFrame:
    """The exact escalation share (``spiral`` + ``force``, from ``exact_shares``) of each
    opening as the public evidence grows, the rest of :data:`REFERENCE_CASE` fixed. Columns
    ``opening``, ``public_evidence``, ``escalation``. Bad input raises ``ValueError`` naming the
    field.

    All levels are scored in one call (``exact_shares_many``), not one ``exact_shares`` per
    level."""
    scenarios = [_evidence_scenario(level, attribution, host_state) for level in levels]
    if not scenarios:
        return pd.DataFrame.from_records([])
    shares = exact_shares_many(scenarios, openings=openings, rounds=rounds)
    steps = [float(s.public_evidence) for s in scenarios]
    chosen = shares.index.get_level_values("opening")
    return pd.DataFrame(
        {
            "opening": chosen.to_numpy(dtype=np.int64),
            "public_evidence": np.repeat(
                np.array(steps, dtype=np.float64), len(chosen) // len(steps)
            ),
            "escalation": (shares["spiral"] + shares["force"]).to_numpy(),
        }
    )


def _evidence_line(opening: int, part: pd.DataFrame) -> go.Scatter:
    """One opening's line, in its ladder colour, the escalation share in per cent."""
    name = OPTION_SHORT_LABELS[opening]
    return go.Scatter(
        x=part["public_evidence"],
        y=(100 * part["escalation"]).round(2),
        mode="lines+markers",
        name=name,
        line={"color": option_colour(opening), "width": 4},
        marker={"size": 7},
        hovertemplate="public evidence %{x:.2f}: %{y:.1f}%<extra>" + name + "</extra>",
    )


def evidence_figure(**kwargs: Any) -> go.Figure:
    """One line per opening: the share of exchanges that escalate, in per cent, as more of the
    evidence is made public (arguments as :func:`evidence_curve`). Built in one
    ``go.Figure(data, layout)`` call, so plotly validates the figure once."""
    curve = evidence_curve(**kwargs)
    lines = [
        _evidence_line(int(opening), part) for opening, part in curve.groupby("opening", sort=True)
    ]
    layout = {
        "title": TEXTS.get("evidence_figure", "title"),
        "xaxis": {
            "title": TEXTS.get("evidence_figure", "x"),
            "range": [-0.02, 1.02],
            "dtick": 0.25,
        },
        "yaxis": {"title": TEXTS.get("evidence_figure", "y"), "rangemode": "tozero"},
        "legend": {
            "title": {"text": TEXTS.get("evidence_figure", "legend")},
            "traceorder": "normal",
        },
        "height": 480,
    }
    return go.Figure(data=lines, layout=layout)


# --------------------------------------------------------------------------------------------
# The simulator widget
# --------------------------------------------------------------------------------------------


def _openings_key(openings: object) -> tuple[object, ...]:
    if isinstance(openings, str | bytes) or not isinstance(openings, Iterable):
        return (openings,)
    return tuple(openings)


@lru_cache(maxsize=64)
def _cached(
    openings: tuple[object, ...],
    attack_scale: object,
    attribution: object,
    public_evidence: object,
    host_state: object,
    policy: object,
    rounds: object,
    runs: object,
    seed: object,
) -> Simulation:
    scenario = Scenario(
        option=1,
        **{
            **REFERENCE_CASE,
            "attack_scale": attack_scale,
            "attribution": attribution,
            "public_evidence": public_evidence,
            "host_state": host_state,
        },
    )
    return simulate(scenario, openings=openings, rounds=rounds, runs=runs, seed=seed, policy=policy)


def run_simulation(**values: Any) -> Simulation:
    """The simulation the widget shows for these control values (missing ones take
    :data:`SIMULATOR_DEFAULTS`). The other model inputs stay at :data:`REFERENCE_CASE`. Results
    are cached, so the figure and the text beside it come from one run; bad input raises
    ``ValueError`` naming the field."""
    unknown = sorted(set(values) - set(SIMULATOR_DEFAULTS))
    if unknown:
        raise ValueError(
            f"{unknown[0]}: not a simulator control; allowed: {', '.join(SIMULATOR_DEFAULTS)}"
        )
    merged = {**SIMULATOR_DEFAULTS, **values}
    merged["openings"] = _openings_key(merged["openings"])
    try:
        hash(tuple(merged.values()))
    except TypeError:  # a list where a plain value belongs: run uncached, so the model's own
        return _cached.__wrapped__(**merged)  # checks name the field and the allowed values
    return _cached(**merged)


def _outcome_bar(outcome: str, labels: list[str], column: pd.Series, name: str) -> go.Bar:
    """One outcome across the openings, labelled inside the bar where it is 5% or more."""
    return go.Bar(
        y=labels,
        x=column.round(2),
        orientation="h",
        name=name,
        marker={"color": OUTCOME_COLOURS[outcome], "line": {"color": "#333333", "width": 1}},
        text=[f"{v:.0f}%" if v >= 5 else "" for v in column],
        textposition="inside",
        insidetextanchor="middle",
        hovertemplate=f"%{{y}}: %{{x:.1f}}% {name.lower()}<extra></extra>",
    )


def simulation_figure(**values: Any) -> go.Figure:
    """Stacked horizontal bars, one per opening: the share of runs ending in each outcome, in
    per cent, with the number of runs, the seed and the round limit under the title. Built in
    one ``go.Figure(data, layout)`` call: the widget redraws it on every slider move."""
    result = run_simulation(**values)
    shares = 100 * result.shares
    labels = [OPTION_SHORT_LABELS[n] for n in shares.index]
    names = TEXTS.view("outcomes")
    bars = [_outcome_bar(o, labels, shares[o], names[o]) for o in OUTCOMES]
    note = TEXTS.get(
        "simulation_figure",
        "note",
        runs=f"{result.runs:,}",
        seed=result.seed,
        rounds=result.rounds,
    )
    layout = {
        "barmode": "stack",
        "title": {"text": f"{TEXTS.get('simulation_figure', 'title')}<br><sup>{note}</sup>"},
        "xaxis": {"title": TEXTS.get("simulation_figure", "x"), "range": [0, 100], "dtick": 20},
        "yaxis": {"title": TEXTS.get("simulation_figure", "y"), "autorange": "reversed"},
        "legend": {"title": {"text": TEXTS.get("simulation_figure", "legend")}},
        "margin": {"t": 100},
    }
    # The legend under the axis with the room it needs (see course.ui.figures.legend_below).
    figure = go.Figure(data=bars, layout=layout)
    plot_height = max(360, 130 + 55 * len(labels)) - 160
    return legend_below(figure, plot_height=plot_height, below_axis_px=70)


_LEFT: Final = "style='text-align:left'"


def simulation_html(**values: Any) -> str:
    """The assumptions behind the result, and per opening its path up the ladder, the chance of
    a hostile answer to it and its escalation share: the text shown beside the figure."""
    result = run_simulation(**values)
    say = TEXTS.view("simulation_html")
    items = "".join(f"<li>{html.escape(a)}</li>" for a in result.assumptions())
    head = "".join(
        f"<th {_LEFT}>{html.escape(say[k])}</th>"
        for k in ("opening", "path", "first_answer", "escalation")
    )
    rows = []
    escalation = result.escalation_share
    for opening in result.openings:
        path = " → ".join(str(n) for n in result.path(opening))
        cells = (
            html.escape(OPTION_SHORT_LABELS[opening]),
            path,
            f"{100 * result.probabilities[opening]:.1f}%",
            f"{100 * escalation[opening]:.1f}%",
        )
        rows.append("<tr>" + "".join(f"<td {_LEFT}>{c}</td>" for c in cells) + "</tr>")
    return (
        f"<div><h4>{html.escape(say['heading'])}</h4><ul>{items}</ul>"
        f"<h4>{html.escape(say['table_heading'])}</h4>"
        f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
    )


def static_simulation() -> tuple[go.Figure, str]:
    """The widget's default view as a plain figure and HTML: the static fallback."""
    return simulation_figure(), simulation_html()


def simulator_controls() -> dict[str, w.ValueWidget]:
    """The simulator's controls at :data:`SIMULATOR_DEFAULTS`, labelled from the content file."""
    label = TEXTS.view("controls")
    d = SIMULATOR_DEFAULTS
    return {
        "openings": multi_select(OPTION_SHORT_LABELS, label["openings"]),
        "attribution": slider(d["attribution"], 0.0, 1.0, 0.05, label["attribution"]),
        "public_evidence": slider(d["public_evidence"], 0.0, 1.0, 0.05, label["public_evidence"]),
        "host_state": dropdown(
            {HOST_POSTURE_LABELS[h]: h for h in HOST_STATES}, d["host_state"], label["host_state"]
        ),
        "attack_scale": dropdown(
            {SCALE_LABELS[s]: s for s in ATTACK_SCALES}, d["attack_scale"], label["attack_scale"]
        ),
        "policy": dropdown(
            {TEXTS.get("policies", p): p for p in POLICIES}, d["policy"], label["policy"]
        ),
        "rounds": slider(d["rounds"], 1, MAX_ROUNDS, 1, label["rounds"]),
        "runs": dropdown({f"{n:,}": n for n in RUN_CHOICES}, d["runs"], label["runs"]),
        "seed": w.BoundedIntText(
            value=d["seed"],
            min=0,
            max=2**31 - 1,
            description=label["seed"],
            style={"description_width": "initial"},
            layout=w.Layout(width="auto"),
        ),
    }


def simulator() -> LiveFigure:
    """The live escalation simulator: controls, the figure, and the assumptions beside it."""
    return LiveFigure(simulation_figure, simulator_controls(), describe=simulation_html)


# --------------------------------------------------------------------------------------------
# Self-check
# --------------------------------------------------------------------------------------------

SELF_CHECK_IDS: Final = ("11.q1", "11.q2", "11.q3", "11.q4")
"""Ids of lesson 11's self-check questions, in order (texts in the content file)."""


def self_check_question(qid: str) -> MultipleChoice:
    """Lesson 11's self-check question ``qid`` (one of :data:`SELF_CHECK_IDS`), built from
    ``content/11_benefits_and_risks.yaml`` so no answer key is printed above it. An unknown id
    raises ``ValueError`` naming the allowed ones."""
    if qid not in SELF_CHECK_IDS:
        raise ValueError(f"qid: unknown question {qid!r}; allowed: {', '.join(SELF_CHECK_IDS)}")
    return choice_question(qid)


def self_check() -> Quiz:
    """The whole self-check (:data:`SELF_CHECK_IDS`) as one Quiz."""
    return Quiz("Self-check", [self_check_question(q) for q in SELF_CHECK_IDS])
