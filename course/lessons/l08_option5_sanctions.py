"""Option 5, sanctions: the lesson's figures and tables from the data and the model.

Why this module exists: the policy brief (van der Meer 2020) names two kinds of sanctions, the
listing of the people and firms behind an attack (travel bans, frozen assets) and economic
measures against the host state (limits on trade and financial services). It adds two
conditions: sanctions bite when the target depends on what is cut off, and they should always
say what would end them. Lesson 08 shows what states did with this option in the course's data
and what the escalation model makes of the brief's conditions. The notebook only calls the
functions below:

- :func:`sanction_rows`: every option-5 response with its year, plain responder name and
  outcome label; :func:`sanctions_by_year` counts them per year by responder or by outcome.
- :func:`sanctions_figure` (the lesson's widget, with :func:`sanctions_controls` and
  :func:`describe_sanctions`): the counts as stacked bars, coloured by who imposed the sanctions
  or by what followed, optionally only those aimed at the attackers or at the host state.
- :func:`first_sanctions` and :func:`coordinated_sanctions`: each responder's first sanction in
  the data, and the rounds in which several responders listed the same attackers within a week.
- :func:`sanction_designs` and :func:`design_figure`: the model's risk for four designs of the
  same sanction (attackers only or the host state too, with or without a public way out).
- :func:`measure_types_table`: listings versus economic measures, side by side.

A model never draws and a widget never reads files: the data functions take frames loaded by
the notebook with ``course.engine.data``. Sentences students read (titles, the table of
measures, the text under the widget) are in ``content/08_option5_sanctions.yaml`` under
``texts:`` (see :data:`TEXTS`).
"""

from __future__ import annotations

import html
from typing import Final

import ipywidgets as w
import numpy as np
import pandas as pd
import plotly.graph_objects as go

from course.engine.countries import country_name
from course.engine.data import RESPONSE_OUTCOMES, scenario_for
from course.engine.escalation import WARNING_TEXT, assess
from course.engine.labels import RESPONSE_OUTCOME_LABELS
from course.learning.content import TEXT, LessonTexts, choice_question, placeholders
from course.learning.quiz import MultipleChoice
from course.ui.tables import table_view
from course.ui.theme import BAND_COLOURS, OUTCOME_COLOURS, PALETTE
from course.ui.widgets import dropdown

__all__ = [
    "CASE_STUDY",
    "COLOUR_BY",
    "DESIGNS",
    "OPTION",
    "OUTCOME_COLOURS",
    "SELF_CHECK_IDS",
    "TARGET_FILTERS",
    "TEXTS",
    "coordinated_sanctions",
    "describe_sanctions",
    "design_figure",
    "first_sanctions",
    "measure_types_table",
    "sanction_designs",
    "sanction_rows",
    "sanctions_by_year",
    "sanctions_controls",
    "sanctions_figure",
    "self_check_question",
    "table_view",
]

CASE_STUDY: Final = "medibank-2022"
"""The incident the lesson's design figure and case-study explorer open on: the Medibank data
theft, answered with Australia's first cyber sanction on the same day as the US and the UK."""

OPTION: Final = "5"
"""The brief's option 5 as the data codes it (``responses.csv``, column ``option``)."""

COLOUR_BY: Final = ("responder", "outcome")
"""What the bars of :func:`sanctions_figure` are split by."""

TARGET_FILTERS: Final = ("all", "actor", "host_state")
"""Which sanctions :func:`sanctions_figure` counts: all, those naming the attackers, or those
addressed to the host state as such (ministries, intelligence services)."""

DESIGNS: Final = (
    ("actor", True),
    ("actor", False),
    ("host_state", True),
    ("host_state", False),
)
"""The four designs :func:`sanction_designs` scores: (whom it hits, exit conditions public)."""

MEASURE_KINDS: Final = ("listing", "economic")
MEASURE_ASPECTS: Final = ("what", "hits", "bites", "risk", "ladder", "record")

SELF_CHECK_IDS: Final = ("08.q1", "08.q2", "08.q3", "08.q4")
"""Ids of lesson 08's self-check questions, in order (texts in the content file)."""


TEXTS: Final = LessonTexts(
    "08",
    {
        "colour_by": dict.fromkeys(COLOUR_BY, TEXT),
        "targets": dict.fromkeys(TARGET_FILTERS, TEXT),
        "controls": dict.fromkeys(("colour_by", "target"), TEXT),
        "figure": {
            "title": placeholders("what"),
            "legend": dict.fromkeys(COLOUR_BY, TEXT),
            "empty": TEXT,
        },
        "describe": {
            "total": placeholders("count", "what", "incidents", "first", "last"),
            "top": placeholders("names"),
            "known": placeholders("known", "count"),
            "most_common": placeholders("outcome", "n"),
            "none_known": TEXT,
            "caution": TEXT,
        },
        "designs": {
            "targets": dict.fromkeys(("actor", "host_state"), TEXT),
            "exit": dict.fromkeys(("yes", "no"), TEXT),
            "title": placeholders("incident"),
        },
        "measures": {
            "aspects": dict.fromkeys(MEASURE_ASPECTS, TEXT),
            "kinds": {
                kind: dict.fromkeys(("name", *MEASURE_ASPECTS), TEXT) for kind in MEASURE_KINDS
            },
        },
    },
)
"""Lesson 08's texts in ``content/08_option5_sanctions.yaml`` (``texts:``), checked at import."""
TEXTS()

_COLUMNS: Final = ("incident_id", "name", "date", "responder", "option", "target", "outcome")
_SORT_KEYS: Final = ("date", "incident_id", "responder")
"""How :func:`sanction_rows` orders its rows: oldest first, then by incident and responder."""


def _require_columns(frame: pd.DataFrame, columns: tuple[str, ...]) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(
            f"joined: missing column(s) {', '.join(missing)}; pass the frame from "
            "course.engine.data.responses_with_incidents()"
        )


def _require(field: str, value: object, allowed: tuple[str, ...]) -> str:
    if not isinstance(value, str) or value not in allowed:
        raise ValueError(f"{field}: got {value!r}; allowed: {', '.join(allowed)}")
    return value


# --------------------------------------------------------------------------------------------
# What the data record
# --------------------------------------------------------------------------------------------


def sanction_rows(joined: pd.DataFrame) -> pd.DataFrame:
    """Every option-5 response, oldest first, with ``year`` (int), ``responder_name`` and
    ``outcome_label`` added for display. ``joined`` is ``responses_with_incidents()``."""
    _require_columns(joined, _COLUMNS)
    # Sort only the key columns of the option-5 rows, then take the wide joined frame's rows
    # once, in that order: every take, copy or sort of all ~30 columns costs about half a
    # millisecond, and a lesson calls this six times.
    chosen = np.flatnonzero(joined["option"].astype(str).to_numpy() == OPTION)
    keys = joined[list(_SORT_KEYS)].iloc[chosen].reset_index(drop=True)
    order = keys.sort_values(list(_SORT_KEYS), kind="stable").index.to_numpy()
    rows = joined.iloc[chosen[order]].reset_index(drop=True)
    rows["year"] = rows["date"].astype(str).str[:4].astype(int)
    rows["responder_name"] = rows["responder"].astype(str).map(country_name)
    rows["outcome_label"] = rows["outcome"].astype(str).map(RESPONSE_OUTCOME_LABELS)
    return rows


def _filtered(joined: pd.DataFrame, target: str) -> pd.DataFrame:
    target = _require("target", target, TARGET_FILTERS)
    rows = sanction_rows(joined)
    return rows if target == "all" else rows.loc[rows["target"].astype(str) == target]


def _category_order(rows: pd.DataFrame, colour_by: str) -> list[str]:
    """Responders most frequent first (ties by name); outcomes in the data card's order."""
    if colour_by == "outcome":
        present = set(rows["outcome"].astype(str))
        return [o for o in RESPONSE_OUTCOMES if o in present]
    counts = rows["responder"].astype(str).value_counts()
    return sorted(counts.index, key=lambda code: (-int(counts[code]), country_name(code)))


def sanctions_by_year(
    joined: pd.DataFrame, by: str = "responder", target: str = "all"
) -> pd.DataFrame:
    """Option-5 responses per year (rows, every year between the first and the last, zeros
    included) and responder code or outcome code (columns, most frequent responder first)."""
    by = _require("by", by, COLOUR_BY)
    rows = _filtered(joined, target)
    if rows.empty:
        return pd.DataFrame(index=pd.Index([], name="year", dtype=int))
    # Counted with numpy straight into the final shape: pd.crosstab and a reindex took about
    # 3 ms for these few dozen rows. Codes outside the column order (missing values, unknown
    # outcome codes) are left out, as the reindex left them out.
    years = rows["year"].to_numpy()
    first, last = int(years.min()), int(years.max())
    columns = pd.Index(_category_order(rows, by), name=by, dtype="str")
    at = columns.get_indexer(rows[by].astype(str))
    counted = at >= 0
    counts = np.zeros((last - first + 1, len(columns)), dtype=np.int64)
    np.add.at(counts, (years[counted] - first, at[counted]), 1)
    return pd.DataFrame(counts, index=pd.RangeIndex(first, last + 1, name="year"), columns=columns)


def _label(by: str, code: str) -> str:
    return RESPONSE_OUTCOME_LABELS[code] if by == "outcome" else country_name(code)


def _colour(by: str, code: str, position: int) -> str:
    return OUTCOME_COLOURS[code] if by == "outcome" else PALETTE[position % len(PALETTE)]


def sanctions_figure(
    joined: pd.DataFrame, colour_by: str = "responder", target: str = "all"
) -> go.Figure:
    """Stacked bars: option-5 responses per year, split by responder or by what followed.

    Always a bar per year from the first to the last sanction in the selection, whole-number
    ticks on both axes, and a legend titled for what the colours mean.
    """
    colour_by = _require("colour_by", colour_by, COLOUR_BY)
    table = sanctions_by_year(joined, colour_by, target)
    bars: list[go.Bar] = []
    for position, code in enumerate(table.columns):
        label = _label(colour_by, str(code))
        bars.append(
            go.Bar(
                x=list(table.index),
                y=table[code].to_list(),
                name=label,
                marker_color=_colour(colour_by, str(code), position),
                hovertemplate=f"{html.escape(label)}<br>%{{x}}: %{{y}} sanctions<extra></extra>",
            )
        )
    what = TEXTS.get("targets", target).lower()
    yaxis: dict[str, object] = {
        "title": "Sanctions recorded",
        "tickformat": "d",
        "rangemode": "tozero",
    }
    if not table.empty and int(table.sum(axis=1).max()) <= 10:
        yaxis["dtick"] = 1
    layout: dict[str, object] = {
        "barmode": "stack",
        "title": TEXTS.get("figure", "title", what=what),
        "xaxis": {"title": "Year", "dtick": 1, "tickformat": "d"},
        "yaxis": yaxis,
        "legend": {"title": {"text": TEXTS.get("figure", "legend", colour_by)}},
        "height": 520,
    }
    if table.empty:
        layout["annotations"] = [
            {
                "text": TEXTS.get("figure", "empty"),
                "showarrow": False,
                "x": 0.5,
                "y": 0.5,
                "xref": "paper",
            }
        ]
    # Traces and layout in one constructor call (the widget redraws on every change):
    # add_bar, add_annotation and update_layout re-validate the figure each time.
    return go.Figure(data=bars, layout=layout)


def sanctions_controls(colour_by: str = "responder", target: str = "all") -> dict[str, w.Dropdown]:
    """Two drop-downs keyed like :func:`sanctions_figure`'s parameters (after ``joined``)."""
    _require("colour_by", colour_by, COLOUR_BY)
    _require("target", target, TARGET_FILTERS)
    return {
        "colour_by": dropdown(
            {TEXTS.get("colour_by", c): c for c in COLOUR_BY},
            colour_by,
            TEXTS.get("controls", "colour_by"),
        ),
        "target": dropdown(
            {TEXTS.get("targets", t): t for t in TARGET_FILTERS},
            target,
            TEXTS.get("controls", "target"),
        ),
    }


def describe_sanctions(
    joined: pd.DataFrame, colour_by: str = "responder", target: str = "all"
) -> str:
    """HTML under the figure: how many sanctions, by whom, and what followed where known.

    ``colour_by`` only changes the figure; it is accepted so that the widget can pass all its
    control values to both functions.
    """
    _require("colour_by", colour_by, COLOUR_BY)
    rows = _filtered(joined, target)
    if rows.empty:
        return f"<p>{html.escape(TEXTS.get('figure', 'empty'))}</p>"
    say = TEXTS.get
    counts = rows["responder"].astype(str).value_counts()
    top = sorted(counts.index, key=lambda code: (-int(counts[code]), country_name(code)))[:3]
    names = ", ".join(f"{country_name(c)} ({int(counts[c])})" for c in top)
    outcome = rows["outcome"].astype(str)
    known = outcome[outcome != "unknown"]  # only the column: a take of every column is slower
    parts = [
        say(
            "describe",
            "total",
            count=len(rows),
            what=say("targets", target).lower(),
            incidents=rows["incident_id"].nunique(),
            first=int(rows["year"].min()),
            last=int(rows["year"].max()),
        ),
        say("describe", "top", names=names),
        say("describe", "known", known=len(known), count=len(rows)),
    ]
    if known.empty:
        parts.append(say("describe", "none_known"))
    else:
        outcomes = known.value_counts()
        best = sorted(outcomes.index, key=lambda o: (-int(outcomes[o]), RESPONSE_OUTCOMES.index(o)))
        parts.append(
            say(
                "describe",
                "most_common",
                outcome=RESPONSE_OUTCOME_LABELS[best[0]].lower(),
                n=int(outcomes[best[0]]),
            )
        )
    parts.append(say("describe", "caution"))
    return "<p>" + " ".join(html.escape(p) for p in parts) + "</p>"


def first_sanctions(joined: pd.DataFrame) -> pd.DataFrame:
    """Each responder's earliest option-5 response in the data: date, incident, whom it hit and
    what it was (oldest first). The first *in the data*, not necessarily the first ever."""
    rows = sanction_rows(joined)
    first = rows.drop_duplicates("responder", keep="first")
    return pd.DataFrame(
        {
            "date": first["date"].astype(str).to_list(),
            "responder": first["responder_name"].to_list(),
            "incident": first["name"].astype(str).to_list(),
            "what was done": first["description"].astype(str).to_list(),
        }
    )


def coordinated_sanctions(joined: pd.DataFrame, window_days: int = 7) -> pd.DataFrame:
    """Rounds of sanctions on the same incident by two or more responders within
    ``window_days`` of each other (full dates only), oldest first.

    A round starts at a sanction and takes in every later sanction on the same incident that
    falls within ``window_days`` of the previous one. Columns: ``date`` (of the first sanction
    in the round), ``incident``, ``responders`` (plain names, in the order they acted) and
    ``outcome`` (what followed, as recorded for the round's sanctions).
    """
    if isinstance(window_days, bool) or not isinstance(window_days, int) or window_days < 0:
        raise ValueError(f"window_days: got {window_days!r}; allowed: a whole number >= 0")
    rows = sanction_rows(joined)
    rows = rows.loc[rows["date"].astype(str).str.fullmatch(r"\d{4}-\d{2}-\d{2}")]
    days = pd.to_datetime(rows["date"].astype(str)).to_numpy().astype("datetime64[D]")
    # Plain lists in day order (a stable sort, as before), walked in Python: iterrows over the
    # same rows took about 20 ms, this well under 1 ms.
    order = np.argsort(days, kind="stable")
    day_numbers = days[order].astype(np.int64).tolist()
    fields = {
        c: rows[c].to_numpy()[order].tolist()
        for c in ("incident_id", "date", "name", "responder", "outcome")
    }
    by_incident: dict[object, list[int]] = {}
    for position, incident in enumerate(fields["incident_id"]):
        if not pd.isna(incident):
            by_incident.setdefault(incident, []).append(position)
    found: list[dict[str, object]] = []
    for positions in by_incident.values():
        round_rows: list[int] = []
        for position in positions:
            if round_rows and day_numbers[position] - day_numbers[round_rows[-1]] > window_days:
                found.append(_round(fields, round_rows))
                round_rows = []
            round_rows.append(position)
        if round_rows:
            found.append(_round(fields, round_rows))
    table = pd.DataFrame(found, columns=["date", "incident", "responders", "outcome", "n"])
    table = table.loc[table["n"] >= 2].drop(columns="n")
    return table.sort_values(["date", "incident"], kind="stable").reset_index(drop=True)


def _round(fields: dict[str, list[object]], positions: list[int]) -> dict[str, object]:
    """One round's row of :func:`coordinated_sanctions`, from the column lists at ``positions``
    (oldest first)."""
    responders = list(dict.fromkeys(str(fields["responder"][p]) for p in positions))
    outcomes = sorted({str(fields["outcome"][p]) for p in positions}, key=RESPONSE_OUTCOMES.index)
    first = positions[0]
    return {
        "date": str(fields["date"][first]),
        "incident": str(fields["name"][first]),
        "responders": ", ".join(country_name(code) for code in responders),
        "outcome": "; ".join(RESPONSE_OUTCOME_LABELS[o] for o in outcomes),
        "n": len(responders),
    }


# --------------------------------------------------------------------------------------------
# What the model makes of the brief's conditions
# --------------------------------------------------------------------------------------------


def sanction_designs(incident_id: str, incidents: pd.DataFrame | None = None) -> pd.DataFrame:
    """The model's risk for option 5 in one real incident, for the four :data:`DESIGNS`.

    Columns: ``hits``, ``exit conditions`` (plain words), ``risk`` (rounded to 0.1), ``band``,
    ``warnings`` (plain words) and the two points that move: ``points for hitting the state``
    and ``points for no way out``. The incident's coded fields (scale, attribution, host posture)
    come from the data through ``course.engine.data.scenario_for``; an incident whose host
    posture is unknown raises its ValueError, as the model does not guess.
    """
    records = []
    for target, exit_conditions in DESIGNS:
        scenario = scenario_for(
            incident_id, 5, incidents, target=target, exit_conditions=exit_conditions
        )
        result = assess(scenario)
        records.append(
            {
                "hits": TEXTS.get("designs", "targets", target),
                "exit conditions": TEXTS.get("designs", "exit", "yes" if exit_conditions else "no"),
                "risk": round(result.risk, 1),
                "band": result.band,
                "warnings": "; ".join(WARNING_TEXT[code] for code in result.warnings) or "none",
                "points for hitting the state": round(result.contributions["target"], 1),
                "points for no way out": round(result.contributions["exit_conditions"], 1),
            }
        )
    return pd.DataFrame(records)


def design_figure(incident_id: str, incidents: pd.DataFrame) -> go.Figure:
    """Grouped bars of :func:`sanction_designs`: whom the sanction hits on the x axis, with and
    without public exit conditions side by side, each bar coloured by its risk band."""
    table = sanction_designs(incident_id, incidents)
    name = str(incidents.loc[incidents["id"] == incident_id, "name"].iloc[0])
    patterns = {TEXTS.get("designs", "exit", "yes"): "", TEXTS.get("designs", "exit", "no"): "/"}
    bars: list[go.Bar] = []
    for exit_label, pattern in patterns.items():
        part = table.loc[table["exit conditions"] == exit_label]
        bars.append(
            go.Bar(
                x=part["hits"].to_list(),
                y=part["risk"].to_list(),
                name=exit_label,
                marker={
                    "color": [BAND_COLOURS[b] for b in part["band"]],
                    "pattern": {"shape": pattern},
                    "line": {"color": "#222222", "width": 1},
                },
                text=[f"{r:.1f} ({b})" for r, b in zip(part["risk"], part["band"], strict=True)],
                textposition="outside",
                cliponaxis=False,
                hovertemplate="%{x}<br>" + exit_label + ": risk %{y:.1f} of 100<extra></extra>",
            )
        )
    top = float(table["risk"].max())
    # One constructor call: add_bar and update_layout re-validate the figure each time.
    return go.Figure(
        data=bars,
        layout={
            "barmode": "group",
            "title": TEXTS.get("designs", "title", incident=name),
            "xaxis": {"title": "Whom the sanctions hit"},
            "yaxis": {
                "title": "Escalation risk (0-100)",
                "range": [0, top * 1.25],
                "tickformat": "d",
            },
            "legend": {"title": {"text": "Exit conditions"}},
            "height": 500,
        },
    )


# --------------------------------------------------------------------------------------------
# Static tables and the self-check
# --------------------------------------------------------------------------------------------


def measure_types_table() -> pd.DataFrame:
    """Listing people and firms versus economic measures against the host state, one row per
    aspect (what it is, whom it hits, when it bites, its risks, its rung on the legal ladder,
    what the data record). Texts from the content file."""
    aspects = TEXTS.view("measures", "aspects")
    columns = {
        TEXTS.get("measures", "kinds", kind, "name"): [
            TEXTS.get("measures", "kinds", kind, aspect) for aspect in MEASURE_ASPECTS
        ]
        for kind in MEASURE_KINDS
    }
    return pd.DataFrame(columns, index=pd.Index([aspects[a] for a in MEASURE_ASPECTS], name=""))


def self_check_question(qid: str) -> MultipleChoice:
    """Lesson 08's self-check question ``qid`` (one of :data:`SELF_CHECK_IDS`), with feedback for
    every choice, from ``content/08_option5_sanctions.yaml``. Unknown ids raise ValueError."""
    if qid not in SELF_CHECK_IDS:
        raise ValueError(f"qid: unknown question {qid!r}; allowed: {', '.join(SELF_CHECK_IDS)}")
    return choice_question(qid)
