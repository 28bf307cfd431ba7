"""Lesson 09, option 6 of the brief: retaliation in cyberspace.

Why this module exists: the policy brief (van der Meer 2020) describes two choices inside its
sixth option. Whom to hit: the attackers' own systems, or, further reaching, the government
systems of a host state that could act but does not. And how: damage the attackers' computers
(which they can replace) or intrude quietly, learn their methods and sabotage them unseen. The
lesson needs three things from code, each a plain function tested without a browser:

- **The record, with its uncertainty.** States rarely confirm such operations. The data mark
  this in two ways (``data/README.md``): a response known only from anonymous officials has a
  ``description`` starting "Reported, not confirmed" (and names ``option`` in ``uncertain``);
  a response that officials did confirm, but whose link to this incident or whose coding as
  option 6 rests on thin evidence, names ``incident_id`` or ``option`` in ``uncertain``.
  :func:`confirmation_status` turns that into one of :data:`STATUSES`, and
  :func:`confirmation_figure` counts the option-6 responses per incident by status.
- **Attackers or state?** :func:`target_figure` scores option 6 with the course's escalation
  model twice, aimed at the attackers and at the host state, for a host posture and an amount
  of public evidence and harm to bystanders; :func:`describe_target` says which wrongful act a
  countermeasure could answer for that host. The lesson wires them into a ``LiveFigure``
  (:func:`target_controls`).
- **Two ways to hit the attackers.** :func:`approaches_table`, a static comparison.

Every sentence a student reads is in ``content/09_option6_cyber_retaliation.yaml`` under
``texts:`` (:data:`TEXTS`), checked at import. A model never draws and a widget never reads
files: the data functions take frames as arguments, loaded once by the notebook.
"""

from __future__ import annotations

import html
import textwrap
from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

import ipywidgets as w
import numpy as np
import pandas as pd
import plotly.graph_objects as go

from course.engine.countries import country_name
from course.engine.data import is_uncertain
from course.engine.escalation import (
    FACTOR_LABELS,
    HOST_STATES,
    WARNING_TEXT,
    Assessment,
    Scenario,
    assess,
)
from course.engine.labels import HOST_POSTURE_LABELS, RESPONSE_OUTCOME_LABELS
from course.learning.content import TEXT, LessonTexts, choice_question, placeholders
from course.learning.quiz import MultipleChoice, Quiz
from course.ui.figures import legend_below, legend_below_layout
from course.ui.tables import table_view
from course.ui.theme import PALETTE
from course.ui.widgets import dropdown, slider

__all__ = [
    "APPROACHES",
    "APPROACH_FIELDS",
    "OPTION",
    "REFERENCE_CASE",
    "REPORTED_PREFIX",
    "SELF_CHECK_IDS",
    "STATUSES",
    "STATUS_COLOURS",
    "STATUS_LABELS",
    "TARGET_DEFAULTS",
    "TEXTS",
    "approaches_table",
    "confirmation_counts",
    "confirmation_figure",
    "confirmation_status",
    "describe_target",
    "option6_responses",
    "record_summary",
    "reported_table",
    "responses_table",
    "self_check",
    "self_check_question",
    "table_view",
    "target_assessments",
    "target_controls",
    "target_figure",
]

OPTION: Final = 6
"""The brief's option this lesson teaches."""

STATUSES: Final = ("confirmed", "link_uncertain", "reported")
"""How sure the record is that a state carried out an option-6 response, surest first."""

REPORTED_PREFIX: Final = "Reported, not confirmed"
"""How the data card marks a response known only from anonymous officials."""

APPROACHES: Final = ("damage", "quiet", "state")
"""The three ways of retaliating the brief describes: damage the attackers' computers, intrude
quietly and sabotage them unseen, or hit the host state's own government systems."""

APPROACH_FIELDS: Final = ("name", "does", "costs", "signal", "risk")
"""Columns of :func:`approaches_table`."""

_TARGET_ROWS: Final = ("actor", "host_state")
_CONTROL_FIELDS: Final = ("host_state", "public_evidence", "collateral_damage")

TEXTS: Final = LessonTexts(
    "09",
    {
        "status": dict.fromkeys(STATUSES, TEXT),
        "status_help": dict.fromkeys(STATUSES, TEXT),
        "confirmation_figure": {"title": TEXT, "x": TEXT, "legend": TEXT},
        "approach_columns": dict.fromkeys(APPROACH_FIELDS, TEXT),
        "approaches": {a: dict.fromkeys(APPROACH_FIELDS, TEXT) for a in APPROACHES},
        "controls": dict.fromkeys(_CONTROL_FIELDS, TEXT),
        "target_rows": dict.fromkeys(_TARGET_ROWS, TEXT),
        "target_figure": {
            "title": placeholders("posture", "actor", "state"),
            "x": TEXT,
            "legend": TEXT,
        },
        "legal_route": dict.fromkeys(HOST_STATES, TEXT),
        "target_description": {
            "scores": placeholders("actor", "state", "extra"),
            "warnings": TEXT,
            "no_warnings": TEXT,
            "legal": TEXT,
        },
        "record": {
            "targets": placeholders("total", "actor", "state"),
            "outcomes": placeholders("hostile", "unknown", "total"),
        },
    },
)
"""Lesson 09's texts in ``content/09_option6_cyber_retaliation.yaml`` (``texts:``)."""
TEXTS()

STATUS_LABELS: Final = TEXTS.view("status")
"""One short label per status, for legends and tables."""

STATUS_COLOURS: Final[Mapping[str, str]] = MappingProxyType(
    {"confirmed": PALETTE[0], "link_uncertain": PALETTE[4], "reported": PALETTE[1]}
)
"""Blue for confirmed, sky blue for confirmed with a doubtful link, orange for only reported."""

_PATTERNS: Final[Mapping[str, str]] = MappingProxyType(
    {"confirmed": "", "link_uncertain": "/", "reported": "x"}
)
"""Hatching as well as colour, so the statuses stay apart in greyscale and on a projector."""

REFERENCE_CASE: Final[Mapping[str, object]] = MappingProxyType(
    {"attack_scale": "large", "attribution": 0.8}
)
"""The fixed part of the case the target widget scores: a large-scale attack whose attackers
are fairly convincingly identified (the reference case of lesson 03 and ``docs/model.md``)."""

TARGET_DEFAULTS: Final[Mapping[str, object]] = MappingProxyType(
    {"host_state": "able_unwilling", "public_evidence": 0.5, "collateral_damage": 0.0}
)
"""Where the widget starts: the host the brief has in mind for the further-reaching variant
(capable but unwilling), half of the evidence public, no harm to bystanders."""

# Factors that can score for option 6 (exit conditions and the military balance never do),
# one trace each in a fixed order, so the widget's figure keeps its traces and colours.
_FACTORS: Final = (
    "option",
    "attribution",
    "public_evidence",
    "host_state",
    "target",
    "proportionality",
    "collateral_damage",
)
_FACTOR_COLOURS: Final = MappingProxyType(
    dict(
        zip(
            _FACTORS,
            ("#BBBBBB", *PALETTE[4:6], PALETTE[3], PALETTE[1], "#000000", PALETTE[2]),
            strict=True,
        )
    )
)


# --------------------------------------------------------------------------------------------
# The record: option-6 responses and how sure we are about them
# --------------------------------------------------------------------------------------------

_NEEDED: Final = (
    "incident_id",
    "date",
    "responder",
    "option",
    "target",
    "description",
    "outcome",
    "uncertain",
    "name",
    "start_year",
)


_SORT_KEYS: Final = ("date", "incident_id", "responder")
"""How :func:`option6_responses` orders its rows: oldest first, then by incident and responder."""


def _require_columns(frame: pd.DataFrame) -> None:
    missing = [c for c in _NEEDED if c not in frame.columns]
    if missing:
        raise ValueError(
            f"joined: missing column(s) {', '.join(missing)}; pass the frame from "
            "course.engine.data.responses_with_incidents()"
        )


def confirmation_status(responses: pd.DataFrame) -> pd.Series:
    """One of :data:`STATUSES` per response row, following the data card's marks.

    ``reported``: the description starts with :data:`REPORTED_PREFIX` (known only from
    anonymous officials). ``link_uncertain``: otherwise, when ``uncertain`` names ``option`` or
    ``incident_id`` (officials confirmed an operation, but whether it was this kind of response,
    or aimed at this incident, rests on thin evidence). ``confirmed``: everything else.
    """
    for column in ("description", "uncertain"):
        if column not in responses.columns:
            raise ValueError(f"responses: missing column {column!r}; pass the response rows")
    reported = responses["description"].astype(str).str.startswith(REPORTED_PREFIX)
    doubtful = is_uncertain(responses, "option") | is_uncertain(responses, "incident_id")
    # One np.select instead of two masked assignments to a Series (a third of the time), as
    # this runs on every call of option6_responses.
    values = np.select(
        [np.asarray(reported, dtype=bool), np.asarray(doubtful, dtype=bool)],
        ["reported", "link_uncertain"],
        "confirmed",
    )
    return pd.Series(values, index=responses.index, name="status", dtype="str")


def option6_responses(joined: pd.DataFrame) -> pd.DataFrame:
    """The option-6 rows of ``joined``, oldest first, with a ``status`` column added.

    ``joined`` is ``course.engine.data.responses_with_incidents()``.
    """
    _require_columns(joined)
    # Sort only the three key columns of the few option-6 rows, then take the wide joined
    # frame's rows once, in that order: every take, copy or sort of all ~30 columns costs about
    # half a millisecond, and a lesson calls this four times.
    chosen = np.flatnonzero(joined["option"].astype(str).to_numpy() == str(OPTION))
    keys = joined[list(_SORT_KEYS)].iloc[chosen].reset_index(drop=True)
    order = keys.sort_values(list(_SORT_KEYS), kind="stable").index.to_numpy()
    rows = joined.iloc[chosen[order]].reset_index(drop=True)
    rows["status"] = confirmation_status(rows)
    return rows


def _incident_label(name: str, year: object, width: int = 32) -> str:
    """The label "Name (year)", wrapped at about ``width`` characters for a chart axis."""
    return "<br>".join(textwrap.wrap(f"{name} ({year})", width=width))


def confirmation_counts(joined: pd.DataFrame) -> pd.DataFrame:
    """Option-6 responses per incident (rows, by first option-6 date) and status (columns).

    Zeros included; the index is the incident id, with the incident's label in ``label``.
    """
    rows = option6_responses(joined)
    # The rows are sorted by date, then incident: each incident's first row holds its earliest
    # option-6 date, so the first rows are already in the table's order (ties by incident id,
    # missing dates last). Counting with numpy avoids pd.crosstab, a reindex and a groupby,
    # which took about 4 ms for this handful of rows.
    ids = rows["incident_id"]
    first = rows.loc[ids.notna()].drop_duplicates("incident_id")
    index = pd.Index(first["incident_id"], name="incident_id")
    at = index.get_indexer(ids)
    known = at >= 0
    counts = np.zeros((len(index), len(STATUSES)), dtype=np.int64)
    status_at = pd.Index(STATUSES).get_indexer(rows["status"])
    np.add.at(counts, (at[known], status_at[known]), 1)
    table = pd.DataFrame(counts, index=index, columns=list(STATUSES))
    table.insert(
        0,
        "label",
        [
            _incident_label(name, year)
            for name, year in zip(first["name"], first["start_year"], strict=True)
        ],
    )
    return table


def confirmation_figure(joined: pd.DataFrame) -> go.Figure:
    """Horizontal stacked bars: the option-6 responses of each incident, by what officials said.

    One trace per status, always all three (so the legend always explains every colour),
    incidents from the earliest option-6 response at the top; whole-number ticks.
    """
    table = confirmation_counts(joined)
    # NumPy arrays, not the Series: plotly turns both into the same arrays, but for a Series it
    # first imports narwhals' pandas backend, about 8 ms that no other cell of the lesson needs.
    labels = table["label"].to_numpy()
    bars = [
        go.Bar(
            y=labels,
            x=table[status].to_numpy(),
            orientation="h",
            name=STATUS_LABELS[status],
            marker={
                "color": STATUS_COLOURS[status],
                "pattern": {"shape": _PATTERNS[status], "fgcolor": "#333333"},
                "line": {"color": "#333333", "width": 1},
            },
            customdata=[TEXTS.get("status_help", status)] * len(table),
            hovertemplate="%{y}<br>%{x} response(s): %{customdata}<extra></extra>",
        )
        for status in STATUSES
    ]
    most = int(table[list(STATUSES)].sum(axis=1).max()) if len(table) else 1
    # Traces and layout in one constructor call: add_bar and update_layout re-validate the
    # whole figure on every call and cost several times as much.
    return go.Figure(
        data=bars,
        layout={
            "barmode": "stack",
            "title": TEXTS.get("confirmation_figure", "title"),
            "xaxis": {
                "title": TEXTS.get("confirmation_figure", "x"),
                "dtick": 1,
                "tick0": 0,
                "range": [0, most + 0.5],
            },
            "yaxis": {"title": "", "autorange": "reversed"},
            **legend_below_layout(
                [STATUS_LABELS[status] for status in STATUSES],
                title=TEXTS.get("confirmation_figure", "legend"),
                plot_height=300,
                below_axis_px=70,
            ),
        },
    )


def responses_table(joined: pd.DataFrame) -> pd.DataFrame:
    """The option-6 responses as a short table for students: plain labels, no codes."""
    rows = option6_responses(joined)
    return pd.DataFrame(
        {
            "Incident": rows["name"],
            "Date": rows["date"],
            "By": rows["responder"].map(lambda c: country_name(str(c))),
            "What officials said": rows["status"].map(STATUS_LABELS.__getitem__),
            "What followed": rows["outcome"].astype(str).map(RESPONSE_OUTCOME_LABELS.__getitem__),
        }
    )


def reported_table(joined: pd.DataFrame) -> pd.DataFrame:
    """The responses known only from anonymous officials, with what was reported."""
    rows = option6_responses(joined)
    rows = rows.loc[rows["status"] == "reported"]
    return pd.DataFrame(
        {
            "Incident": rows["name"],
            "Date": rows["date"],
            "By": rows["responder"].map(lambda c: country_name(str(c))),
            "What was reported": rows["description"],
        }
    ).reset_index(drop=True)


def record_summary(joined: pd.DataFrame) -> str:
    """Two sentences computed from the data: whom the option-6 responses hit, and what followed
    (how many drew a hostile reply, how many have no known outcome)."""
    rows = option6_responses(joined)
    targets = rows["target"].astype(str)
    outcomes = rows["outcome"].astype(str)
    total = len(rows)
    first = TEXTS.get(
        "record",
        "targets",
        total=total,
        actor=int((targets == "actor").sum()),
        state=int((targets == "host_state").sum()),
    )
    second = TEXTS.get(
        "record",
        "outcomes",
        hostile=int((outcomes == "host_retaliated").sum()),
        unknown=int((outcomes == "unknown").sum()),
        total=total,
    )
    return f"<p>{html.escape(first)} {html.escape(second)}</p>"


# --------------------------------------------------------------------------------------------
# Two ways to hit the attackers (and the third, the state)
# --------------------------------------------------------------------------------------------


def approaches_table() -> pd.DataFrame:
    """The brief's ways of retaliating in cyberspace, side by side (texts from the content
    file): what each does, what it costs the attackers, what it tells others, its main risk."""
    columns = TEXTS.view("approach_columns")
    frame = pd.DataFrame(
        [[TEXTS.get("approaches", a, f) for f in APPROACH_FIELDS] for a in APPROACHES],
        columns=[columns[f] for f in APPROACH_FIELDS],
    )
    return frame.set_index(columns["name"])


# --------------------------------------------------------------------------------------------
# Attackers or state? (the widget: pure functions of three inputs)
# --------------------------------------------------------------------------------------------


def target_assessments(
    host_state: str, public_evidence: float, collateral_damage: float
) -> dict[str, Assessment]:
    """Option 6 scored by the course's model against the attackers and against the host state,
    in :data:`REFERENCE_CASE` with these inputs. Bad input raises ``ValueError`` naming the
    field (from ``course.engine.escalation.Scenario``)."""
    base = Scenario(
        OPTION,
        host_state=host_state,
        public_evidence=public_evidence,
        collateral_damage=collateral_damage,
        **REFERENCE_CASE,
    )
    return {target: assess(base.replace(target=target)) for target in _TARGET_ROWS}


def target_figure(host_state: str, public_evidence: float, collateral_damage: float) -> go.Figure:
    """Two stacked bars, the attackers' servers and the host state's government systems as the
    target, each split into the points every factor adds. Seven traces for every input (one per
    factor that can score for option 6), so a widget redraws the same figure."""
    scored = target_assessments(host_state, public_evidence, collateral_damage)
    rows = [TEXTS.get("target_rows", t) for t in _TARGET_ROWS]
    actor, state = (scored[t] for t in _TARGET_ROWS)
    traces: list[go.Bar | go.Scatter] = [
        go.Bar(
            y=rows,
            x=[round(scored[t].contributions[factor], 2) for t in _TARGET_ROWS],
            orientation="h",
            name=FACTOR_LABELS[factor],
            marker_color=_FACTOR_COLOURS[factor],
            hovertemplate=f"{FACTOR_LABELS[factor]}: %{{x:.1f}} points<extra>%{{y}}</extra>",
        )
        for factor in _FACTORS
    ]
    traces.append(
        go.Scatter(
            y=rows,
            x=[actor.risk, state.risk],
            mode="text",
            text=[f"{a.risk:.0f} ({a.band})" for a in (actor, state)],
            textposition="middle right",
            showlegend=False,
            hoverinfo="skip",
        )
    )
    title = TEXTS.get(
        "target_figure",
        "title",
        posture=HOST_POSTURE_LABELS[host_state],
        actor=f"{actor.risk:.0f}",
        state=f"{state.risk:.0f}",
    )
    # One constructor call (the widget redraws on every slider move): add_bar and
    # update_layout re-validate the figure each time and cost several times as much.
    figure = go.Figure(
        data=traces,
        layout={
            "barmode": "stack",
            "title": title,
            "xaxis": {"title": TEXTS.get("target_figure", "x"), "range": [0, 100], "dtick": 10},
            "yaxis": {"title": "", "autorange": "reversed"},
            "legend": {"title": {"text": TEXTS.get("target_figure", "legend")}},
        },
    )
    # The legend of seven factors takes several rows: placed under the axis with the room it
    # needs, not at a fraction of the plot's height (which the live view drew over the ticks).
    return legend_below(figure, plot_height=240, below_axis_px=70)


def describe_target(host_state: str, public_evidence: float, collateral_damage: float) -> str:
    """HTML under the widget's figure: both scores, the warnings for hitting the state, and
    the wrongful act (if any) a countermeasure could answer for this host."""
    scored = target_assessments(host_state, public_evidence, collateral_damage)
    actor, state = scored["actor"], scored["host_state"]
    esc = html.escape
    scores = TEXTS.get(
        "target_description",
        "scores",
        actor=f"{actor.risk:.1f}",
        state=f"{state.risk:.1f}",
        extra=f"{state.risk - actor.risk:.1f}",
    )
    if state.warnings:
        items = "".join(
            f"<li>{esc(WARNING_TEXT[code].capitalize())}.</li>" for code in state.warnings
        )
        warnings = f"<p>{esc(TEXTS.get('target_description', 'warnings'))}</p><ul>{items}</ul>"
    else:
        warnings = f"<p>{esc(TEXTS.get('target_description', 'no_warnings'))}</p>"
    legal = (
        f"<p><strong>{esc(TEXTS.get('target_description', 'legal'))}</strong> "
        f"{esc(TEXTS.get('legal_route', host_state))}</p>"
    )
    return f"<div class='course-target'><p>{esc(scores)}</p>{warnings}{legal}</div>"


def target_controls(
    start: Mapping[str, object] = TARGET_DEFAULTS,
) -> dict[str, w.ValueWidget]:
    """The widget's three controls, keyed as :func:`target_figure` takes its inputs.

    None is labelled with the word "attribution": the browser test moves the case-study
    explorer's "Attribution" slider, and a second control of that name would catch it first.
    A missing or extra key in ``start`` raises ``ValueError`` naming the allowed keys.
    """
    if not isinstance(start, Mapping) or set(start) != set(_CONTROL_FIELDS):
        given = sorted(start) if isinstance(start, Mapping) else start
        raise ValueError(
            f"start: got {given!r}; allowed: a mapping with exactly the keys "
            f"{', '.join(_CONTROL_FIELDS)}"
        )
    labels = TEXTS.view("controls")
    return {
        "host_state": dropdown(
            {HOST_POSTURE_LABELS[h]: h for h in HOST_STATES},
            start["host_state"],
            labels["host_state"],
        ),
        "public_evidence": slider(
            float(start["public_evidence"]), 0.0, 1.0, 0.05, labels["public_evidence"]
        ),
        "collateral_damage": slider(
            float(start["collateral_damage"]), 0.0, 1.0, 0.05, labels["collateral_damage"]
        ),
    }


# --------------------------------------------------------------------------------------------
# Self-check
# --------------------------------------------------------------------------------------------

SELF_CHECK_IDS: Final = ("09.q1", "09.q2", "09.q3", "09.q4")
"""Ids of lesson 09's self-check questions, in order (texts in the content file)."""


def self_check_question(qid: str) -> MultipleChoice:
    """Lesson 09's self-check question ``qid`` (one of :data:`SELF_CHECK_IDS`), with feedback for
    every choice, built from ``content/09_option6_cyber_retaliation.yaml`` so no answer key is
    printed above it. An unknown id raises ``ValueError`` naming the allowed ones."""
    if qid not in SELF_CHECK_IDS:
        raise ValueError(f"qid: unknown question {qid!r}; allowed: {', '.join(SELF_CHECK_IDS)}")
    return choice_question(qid)


def self_check() -> Quiz:
    """The whole self-check (:data:`SELF_CHECK_IDS`) as one Quiz."""
    return Quiz("Self-check", [self_check_question(q) for q in SELF_CHECK_IDS])
