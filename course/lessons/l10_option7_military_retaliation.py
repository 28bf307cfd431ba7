"""Lesson 10, option 7 of the brief: conventional military retaliation.

Why this module exists: the policy brief (van der Meer 2020) calls force its "most robust"
option, expects it to be considered only after destructive attacks or against a much weaker
state, and knows one case, which it calls pre-emption rather than retaliation. The lesson needs
three things from code, each a plain function tested without a browser:

- **The record.** :func:`option7_responses` and :func:`strikes_table` list the strikes the data
  code as option 7; :func:`force_counts` and :func:`force_record_figure` set the incidents that
  met force against all incidents, by who attacked and by the attack's scale, so a student sees
  how few they are and what kind; :func:`record_summary` says it in sentences computed from the
  data, so the prose never goes stale.
- **Force among other responses.** :func:`timeline_frame` and :func:`force_timeline_figure` put
  every response in the incidents that met force on one time axis: the strikes sat inside wider
  campaigns, next to cyber operations, requests and charges.
- **The model's view.** :func:`power_curve` and :func:`power_curve_figure` score option 7 over
  the military balance for each attack scale in a fixed case, showing that the scale of the
  attack (proportionality) weighs more than being stronger; :func:`conditions_table` sets the
  brief's conditions beside what the model does with them.

Every sentence a student reads is in ``content/10_option7_military_retaliation.yaml`` under
``texts:`` (:data:`TEXTS`), checked at import. A model never draws and a widget never reads
files: the data functions take frames as arguments, loaded once by the notebook.
"""

from __future__ import annotations

import html
import re
import textwrap
from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from course.engine.countries import country_name
from course.engine.data import ACTOR_TYPES, RESPONSE_OPTIONS, SCALES
from course.engine.escalation import BAND_LIMITS, Scenario, assess
from course.engine.labels import (
    ACTOR_TYPE_LABELS,
    RESPONSE_OPTION_LABELS,
    RESPONSE_OUTCOME_LABELS,
    SCALE_LABELS,
)
from course.learning.content import TEXT, LessonTexts, choice_question, placeholders
from course.learning.quiz import MultipleChoice, Quiz
from course.ui.figures import legend_below
from course.ui.tables import table_view
from course.ui.theme import OFF_LADDER_COLOURS, PALETTE, option_colour

__all__ = [
    "CONDITIONS",
    "FORCE_GROUPS",
    "OPTION",
    "POWER_RATIOS",
    "REFERENCE_CASE",
    "SELF_CHECK_IDS",
    "STRIKE_FIELDS",
    "TEXTS",
    "conditions_table",
    "force_counts",
    "force_incident_ids",
    "force_record_figure",
    "force_timeline_figure",
    "option7_responses",
    "power_curve",
    "power_curve_figure",
    "record_summary",
    "self_check",
    "self_check_question",
    "strikes_table",
    "table_view",
    "timeline_frame",
]

OPTION: Final = 7
"""The brief's option this lesson teaches."""

FORCE_GROUPS: Final = ("force", "no_force")
"""Incidents answered with at least one option-7 response, and all the others."""

CONDITIONS: Final = ("destructive", "weaker", "evidence", "restraint")
"""The brief's conditions for considering force, in the order the lesson discusses them."""

STRIKE_FIELDS: Final = ("date", "by", "incident", "actor", "scale", "what", "followed")
"""Columns of :func:`strikes_table`."""

POWER_RATIOS: Final = tuple(float(r) for r in np.round(np.geomspace(0.25, 8.0, 41), 4))
"""The military balances :func:`power_curve` scores: a quarter of the host's strength up to
eight times it, evenly spaced on a log scale (parity, 1.0, is one of them)."""

REFERENCE_CASE: Final[Mapping[str, object]] = MappingProxyType(
    {"attribution": 0.8, "public_evidence": 0.5, "host_state": "able_unwilling", "target": "actor"}
)
"""The fixed part of the case :func:`power_curve` scores: fairly convincing attribution, half
of the evidence public, a host able but unwilling to act, a strike on the attackers only (the
reference case of lesson 03 and ``docs/model.md``)."""

TEXTS: Final = LessonTexts(
    "10",
    {
        "force": dict.fromkeys(FORCE_GROUPS, TEXT),
        "record_figure": dict.fromkeys(("title", "by_actor", "by_scale", "x", "legend"), TEXT),
        "timeline_figure": dict.fromkeys(("title", "x", "legend", "month_only", "year_only"), TEXT),
        "power_figure": dict.fromkeys(
            ("title", "x", "y", "legend", "high", "severe", "parity"), TEXT
        ),
        "condition_columns": dict.fromkeys(("condition", "why", "model"), TEXT),
        "conditions": {c: dict.fromkeys(("condition", "why", "model"), TEXT) for c in CONDITIONS},
        "strike_columns": dict.fromkeys(STRIKE_FIELDS, TEXT),
        "record": {
            "count": placeholders("total", "states", "incidents", "all_incidents"),
            "actors": placeholders("armed", "incidents"),
            "actors_all": TEXT,
            "destructive": placeholders("destructive"),
            "destructive_some": placeholders("met", "destructive"),
        },
    },
)
"""Lesson 10's texts in ``content/10_option7_military_retaliation.yaml`` (``texts:``)."""
TEXTS()

FORCE_LABELS: Final = TEXTS.view("force")
"""One label per group of :data:`FORCE_GROUPS`, for legends."""

_FORCE_COLOURS: Final[Mapping[str, str]] = MappingProxyType(
    {"force": option_colour(OPTION), "no_force": "#BBBBBB"}
)
"""The option's own dark blue for incidents that met force, grey for the rest."""

_SCALE_COLOURS: Final[Mapping[str, str]] = MappingProxyType(
    dict(zip(SCALES, (PALETTE[4], PALETTE[1], PALETTE[5]), strict=True))
)
_SCALE_DASHES: Final[Mapping[str, str]] = MappingProxyType(
    dict(zip(SCALES, ("dot", "dash", "solid"), strict=True))
)

_SYMBOLS: Final = ("circle", "square", "diamond", "triangle-up", "pentagon", "hexagon", "star")
"""One marker symbol per ladder option, so the pale blue ramp stays readable; force is a star."""


# --------------------------------------------------------------------------------------------
# The record: option-7 responses
# --------------------------------------------------------------------------------------------

_NEEDED: Final = (
    "incident_id",
    "date",
    "responder",
    "option",
    "description",
    "outcome",
    "name",
    "start_year",
    "actor_type",
    "scale",
)


def _require_columns(frame: pd.DataFrame, needed: tuple[str, ...] = _NEEDED) -> None:
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        raise ValueError(
            f"joined: missing column(s) {', '.join(missing)}; pass the frame from "
            "course.engine.data.responses_with_incidents()"
        )


def option7_responses(joined: pd.DataFrame) -> pd.DataFrame:
    """The option-7 rows of ``joined`` (``responses_with_incidents()``), oldest first."""
    _require_columns(joined)
    rows = joined.loc[joined["option"].astype(str) == str(OPTION)]
    return rows.sort_values(["date", "incident_id", "responder"], kind="stable").reset_index(
        drop=True
    )


def force_incident_ids(joined: pd.DataFrame) -> list[str]:
    """Ids of the incidents with at least one option-7 response, by the date of the first."""
    rows = option7_responses(joined)
    return list(rows.drop_duplicates("incident_id")["incident_id"])


def force_counts(joined: pd.DataFrame, incidents: pd.DataFrame, by: str) -> pd.DataFrame:
    """Incidents per ``by`` (``"actor_type"`` or ``"scale"``; rows in the data card's order,
    zeros included) and :data:`FORCE_GROUPS` (columns): how many met force, how many did not."""
    order = {"actor_type": ACTOR_TYPES, "scale": SCALES}
    if by not in order:
        raise ValueError(f"by: {by!r} is not allowed; allowed: 'actor_type', 'scale'")
    for column in ("id", by):
        if column not in incidents.columns:
            raise ValueError(f"incidents: missing column {column!r}; pass load_incidents()")
    met = incidents["id"].isin(force_incident_ids(joined))
    group = pd.Series(np.where(met, "force", "no_force"), index=incidents.index)
    table = pd.crosstab(incidents[by].astype(str), group)
    table = table.reindex(index=list(order[by]), columns=list(FORCE_GROUPS), fill_value=0)
    table.index.name, table.columns.name = by, None
    return table.astype(int)


def _whole_ticks(most: int) -> dict[str, object]:
    """Axis settings with whole-number ticks for counts up to ``most``."""
    step = 1 if most <= 10 else 5 if most <= 40 else 10
    return {"dtick": step, "tick0": 0, "tickformat": "d", "range": [0, most + step * 0.5]}


#: Where the two panels of :func:`force_record_figure` sit across the figure (paper fractions).
_PANEL_DOMAINS = ((0.0, 0.39), (0.61, 1.0))


def _two_panel_layout(titles: tuple[str, str]) -> dict[str, object]:
    """Axes and panel titles for two side-by-side panels, as ``make_subplots(rows=1, cols=2,
    horizontal_spacing=0.22)`` lays them out.

    Why by hand: ``make_subplots`` costs about 50 ms the first time a kernel calls it (its
    module and the subplot grid's objects), for a layout of four axes and two titles.
    """
    layout: dict[str, object] = {"annotations": []}
    for number, ((start, end), title) in enumerate(zip(_PANEL_DOMAINS, titles, strict=True), 1):
        suffix = "" if number == 1 else str(number)
        layout[f"xaxis{suffix}"] = {"anchor": f"y{suffix}", "domain": [start, end]}
        layout[f"yaxis{suffix}"] = {"anchor": f"x{suffix}", "domain": [0.0, 1.0]}
        layout["annotations"].append(  # type: ignore[attr-defined]
            {
                "text": title,
                "x": (start + end) / 2,
                "xanchor": "center",
                "xref": "paper",
                "y": 1.0,
                "yanchor": "bottom",
                "yref": "paper",
                "showarrow": False,
                "font": {"size": 16},
            }
        )
    return layout


def force_record_figure(joined: pd.DataFrame, incidents: pd.DataFrame) -> go.Figure:
    """Two panels of horizontal stacked bars: all incidents by who attacked and by the attack's
    scale, the ones answered with force in the option's dark blue. Both groups always appear in
    the legend, so every colour is explained even if force were never used."""
    panels = (("actor_type", ACTOR_TYPE_LABELS), ("scale", SCALE_LABELS))
    fig = go.Figure(
        layout=_two_panel_layout(
            (TEXTS.get("record_figure", "by_actor"), TEXTS.get("record_figure", "by_scale"))
        )
    )
    most = 0
    for col, (by, labels) in enumerate(panels, start=1):
        table = force_counts(joined, incidents, by)
        most = max(most, int(table.sum(axis=1).max()))
        for group in FORCE_GROUPS:
            fig.add_bar(
                y=[labels[code] for code in table.index],
                x=table[group],
                orientation="h",
                name=FORCE_LABELS[group],
                legendgroup=group,
                showlegend=col == 1,
                marker={"color": _FORCE_COLOURS[group], "line": {"color": "#333333", "width": 1}},
                text=[str(n) if n and group == "force" else "" for n in table[group]],
                textposition="outside",
                cliponaxis=False,
                hovertemplate=f"%{{y}}: %{{x}} incident(s), {FORCE_LABELS[group].lower()}"
                "<extra></extra>",
                xaxis="x" if col == 1 else f"x{col}",
                yaxis="y" if col == 1 else f"y{col}",
            )
    ticks = _whole_ticks(most)
    fig.update_xaxes(title_text=TEXTS.get("record_figure", "x"), **ticks)
    fig.update_yaxes(autorange="reversed", title_text="")
    fig.update_layout(
        barmode="stack",
        title=TEXTS.get("record_figure", "title"),
        legend={"title": {"text": TEXTS.get("record_figure", "legend")}},
        margin={"t": 100},
    )
    return legend_below(fig, plot_height=270, below_axis_px=60)


def strikes_table(joined: pd.DataFrame) -> pd.DataFrame:
    """The option-7 responses as a table for students: plain labels, no codes."""
    rows = option7_responses(joined)
    names = TEXTS.view("strike_columns")
    return pd.DataFrame(
        {
            names["date"]: rows["date"],
            names["by"]: rows["responder"].map(lambda c: country_name(str(c))),
            names["incident"]: rows["name"],
            names["actor"]: rows["actor_type"].astype(str).map(ACTOR_TYPE_LABELS.__getitem__),
            names["scale"]: rows["scale"].astype(str).map(SCALE_LABELS.__getitem__),
            names["what"]: rows["description"],
            names["followed"]: rows["outcome"].astype(str).map(RESPONSE_OUTCOME_LABELS.__getitem__),
        }
    )


def record_summary(joined: pd.DataFrame, incidents: pd.DataFrame) -> str:
    """Sentences computed from the data: how many strikes, by how many states, in how many
    incidents; how many of those incidents were attacks by armed groups; and how many of the
    incidents coded destructive met force."""
    rows = option7_responses(joined)
    ids = force_incident_ids(joined)
    met = incidents.loc[incidents["id"].isin(ids)]
    destructive = incidents.loc[incidents["scale"].astype(str) == "destructive", "id"]
    met_destructive = int(destructive.isin(ids).sum())
    armed = int((met["actor_type"].astype(str) == "non_state_armed_group").sum())
    parts = [
        TEXTS.get(
            "record",
            "count",
            total=len(rows),
            states=rows["responder"].nunique(),
            incidents=len(ids),
            all_incidents=len(incidents),
        ),
        TEXTS.get("record", "actors_all")
        if armed == len(ids)
        else TEXTS.get("record", "actors", armed=armed, incidents=len(ids)),
        TEXTS.get("record", "destructive", destructive=len(destructive))
        if met_destructive == 0
        else TEXTS.get(
            "record", "destructive_some", met=met_destructive, destructive=len(destructive)
        ),
    ]
    return f"<p>{html.escape(' '.join(parts))}</p>"


# --------------------------------------------------------------------------------------------
# Force among the other responses: a timeline
# --------------------------------------------------------------------------------------------


def _when(value: str) -> tuple[pd.Timestamp, str]:
    """A plotting date for a ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY`` date, and how precise it is
    ("day", "month" or "year"): a month is drawn on its 15th, a year on 1 July."""
    text = str(value)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return pd.Timestamp(text), "day"
    if re.fullmatch(r"\d{4}-\d{2}", text):
        return pd.Timestamp(f"{text}-15"), "month"
    if re.fullmatch(r"\d{4}", text):
        return pd.Timestamp(f"{text}-07-01"), "year"
    raise ValueError(f"date: {value!r} is not YYYY-MM-DD, YYYY-MM or YYYY")


def _incident_label(name: str, year: object, width: int = 26) -> str:
    """The label "Name (year)", wrapped at about ``width`` characters for a chart axis."""
    return "<br>".join(textwrap.wrap(f"{name} ({year})", width=width))


def timeline_frame(joined: pd.DataFrame) -> pd.DataFrame:
    """Every response in the incidents that met force, oldest first, with a plotting date
    (``when``), its precision, the incident's label and the option's label."""
    ids = force_incident_ids(joined)
    rows = joined.loc[joined["incident_id"].isin(ids)].copy()
    parsed = [_when(d) for d in rows["date"]]
    rows["when"] = [p[0] for p in parsed]
    rows["precision"] = [p[1] for p in parsed]
    rows["label"] = [
        _incident_label(n, y) for n, y in zip(rows["name"], rows["start_year"], strict=True)
    ]
    rows["option_label"] = rows["option"].astype(str).map(RESPONSE_OPTION_LABELS.__getitem__)
    order = {incident: i for i, incident in enumerate(ids)}
    rows["incident_order"] = rows["incident_id"].map(order)
    return rows.sort_values(["incident_order", "when"], kind="stable").reset_index(drop=True)


def _option_style(option: str) -> tuple[str, str, int]:
    """Colour, marker symbol and size for a response option (force is a large star)."""
    if option in OFF_LADDER_COLOURS:
        return OFF_LADDER_COLOURS[option], "x", 12
    number = int(option)
    return option_colour(number), _SYMBOLS[number - 1], 22 if number == OPTION else 14


def force_timeline_figure(joined: pd.DataFrame) -> go.Figure:
    """Every response in the incidents that met force, on one time axis: one row per incident
    (first strike at the top), one trace per option present, force drawn as large stars."""
    rows = timeline_frame(joined)
    labels = list(dict.fromkeys(rows["label"]))
    precision_note = {
        "day": "",
        "month": f" ({TEXTS.get('timeline_figure', 'month_only')})",
        "year": f" ({TEXTS.get('timeline_figure', 'year_only')})",
    }
    fig = go.Figure()
    present = [o for o in RESPONSE_OPTIONS if o in set(rows["option"].astype(str))]
    for option in present:
        part = rows.loc[rows["option"].astype(str) == option]
        colour, symbol, size = _option_style(option)
        fig.add_scatter(
            x=part["when"],
            y=part["label"],
            mode="markers",
            name=RESPONSE_OPTION_LABELS[option],
            marker={
                "color": colour,
                "symbol": symbol,
                "size": size,
                "line": {"color": "#222222", "width": 1},
            },
            customdata=np.stack(
                [
                    part["date"].astype(str) + part["precision"].map(precision_note),
                    part["responder"].map(lambda c: country_name(str(c))),
                ],
                axis=-1,
            ),
            hovertemplate="%{customdata[0]}, %{customdata[1]}<br>"
            f"{RESPONSE_OPTION_LABELS[option]}<extra></extra>",
        )
    fig.update_layout(
        title=TEXTS.get("timeline_figure", "title"),
        xaxis={"title": TEXTS.get("timeline_figure", "x"), "type": "date"},
        yaxis={
            "title": "",
            "categoryorder": "array",
            "categoryarray": labels[::-1],
        },
        legend={"title": {"text": TEXTS.get("timeline_figure", "legend")}},
    )
    return legend_below(fig, plot_height=300, below_axis_px=70)


# --------------------------------------------------------------------------------------------
# The model's view: scale against military balance
# --------------------------------------------------------------------------------------------


def power_curve(ratios: tuple[float, ...] = POWER_RATIOS) -> pd.DataFrame:
    """Option 7's risk in :data:`REFERENCE_CASE` for every attack scale and power ratio.

    Columns ``scale``, ``power_ratio``, ``risk``, ``band``, ``proportionality`` and
    ``power_ratio_points`` (the two factors' contributions). Bad ratios raise ``ValueError``
    from ``course.engine.escalation.Scenario``, naming the field.
    """
    records = []
    for scale in SCALES:
        for ratio in ratios:
            result = assess(
                Scenario(OPTION, attack_scale=scale, power_ratio=ratio, **REFERENCE_CASE)
            )
            records.append(
                {
                    "scale": scale,
                    "power_ratio": float(ratio),
                    "risk": result.risk,
                    "band": result.band,
                    "proportionality": result.contributions["proportionality"],
                    "power_ratio_points": result.contributions["power_ratio"],
                }
            )
    return pd.DataFrame.from_records(records)


def power_curve_figure(ratios: tuple[float, ...] = POWER_RATIOS) -> go.Figure:
    """One line per attack scale: option 7's risk as the victim grows stronger than the host,
    with the model's band limits for "high" and "severe" drawn across."""
    curve = power_curve(ratios)
    fig = go.Figure()
    for scale in SCALES:
        part = curve.loc[curve["scale"] == scale]
        fig.add_scatter(
            x=part["power_ratio"],
            y=part["risk"].round(2),
            mode="lines",
            name=SCALE_LABELS[scale],
            line={"color": _SCALE_COLOURS[scale], "dash": _SCALE_DASHES[scale], "width": 4},
            hovertemplate="ratio %{x:.2f}: risk %{y:.1f}<extra>" + SCALE_LABELS[scale] + "</extra>",
        )
    lower_high, lower_severe = BAND_LIMITS[2], BAND_LIMITS[3]
    for level, key in ((lower_high, "high"), (lower_severe, "severe")):
        fig.add_hline(
            y=level,
            line={"color": "#777777", "dash": "dot", "width": 1},
            annotation_text=TEXTS.get("power_figure", key),
            annotation_position="top left",
        )
    fig.add_vline(
        x=1.0,
        line={"color": "#777777", "dash": "dot", "width": 1},
        annotation_text=TEXTS.get("power_figure", "parity"),
        annotation_position="top right",
    )
    ticks = [0.25, 0.5, 1, 2, 4, 8]
    fig.update_layout(
        title=TEXTS.get("power_figure", "title"),
        xaxis={
            "title": TEXTS.get("power_figure", "x"),
            "type": "log",
            "tickvals": ticks,
            "ticktext": [f"{t:g}" for t in ticks],
        },
        yaxis={"title": TEXTS.get("power_figure", "y"), "range": [0, 100], "dtick": 25},
        legend={"title": {"text": TEXTS.get("power_figure", "legend")}, "traceorder": "normal"},
        height=480,
    )
    return fig


def conditions_table() -> pd.DataFrame:
    """The brief's conditions for considering force, why each matters and what the course's
    model does with it (texts from the content file)."""
    columns = TEXTS.view("condition_columns")
    fields = ("condition", "why", "model")
    frame = pd.DataFrame(
        [[TEXTS.get("conditions", c, f) for f in fields] for c in CONDITIONS],
        columns=[columns[f] for f in fields],
    )
    return frame.set_index(columns["condition"])


# --------------------------------------------------------------------------------------------
# Self-check
# --------------------------------------------------------------------------------------------

SELF_CHECK_IDS: Final = ("10.q1", "10.q2", "10.q3", "10.q4")
"""Ids of lesson 10's self-check questions, in order (texts in the content file)."""


def self_check_question(qid: str) -> MultipleChoice:
    """Lesson 10's self-check question ``qid`` (one of :data:`SELF_CHECK_IDS`), with feedback
    for every choice, built from ``content/10_option7_military_retaliation.yaml`` so no answer
    key is printed above it. An unknown id raises ``ValueError`` naming the allowed ones."""
    if qid not in SELF_CHECK_IDS:
        raise ValueError(f"qid: unknown question {qid!r}; allowed: {', '.join(SELF_CHECK_IDS)}")
    return choice_question(qid)


def self_check() -> Quiz:
    """The whole self-check (:data:`SELF_CHECK_IDS`) as one Quiz."""
    return Quiz("Self-check", [self_check_question(q) for q in SELF_CHECK_IDS])
