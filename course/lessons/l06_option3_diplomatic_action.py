"""Lesson 06, option 3 of the brief: diplomatic action (protests, attributions, expulsions).

Why this module exists: the brief (van der Meer 2020) describes diplomatic action as a protest,
in confidence or in public, that can be strengthened by expelling diplomats, aimed at a host
state that does little after a request although it could act. The lesson shows what states
actually did with this option in the course's data, and the data's most striking pattern is
that public attributions come in *waves*: several governments, the EU or NATO speaking about
the same incident within a day or two. This module computes those views from
``course.engine.data.responses_with_incidents()`` so the lesson's prose never hard-codes a
count that would go stale:

- :func:`responses_by_year` / :func:`responses_by_year_figure`: option-3 responses per year,
  stacked by responder (country names, the most active responders each with a colour);
- :func:`attribution_waves` / :func:`waves_summary`: statements on one incident by several
  responders within a few days of each other;
- :func:`what_came_next`: for each incident, the charges and sanctions that followed the first
  statement, and whether the attackers stopped;
- :func:`outcomes_table` / :func:`outcomes_summary` / :func:`hostile_replies`: what followed the
  responses, answers in kind included;
- :func:`statement_timeline` (with :func:`timeline_controls` and :func:`timeline_functions`):
  the lesson's widget, the statements on one incident in time;
- :func:`forms_table` and :func:`risk_table`: the forms of diplomatic action from quiet to loud,
  and option 3 scored by the escalation model for each host posture and attribution level.

Every sentence a student reads is in ``content/06_option3_diplomatic_action.yaml``
(:data:`TEXTS`); the self-check questions too (:func:`self_check_question`). A model never
draws and a widget never reads files: every function takes the frames as arguments.
"""

from __future__ import annotations

import html
import textwrap
from collections import Counter
from collections.abc import Callable, Sequence
from functools import partial
from typing import Final

import ipywidgets as w
import pandas as pd
import plotly.graph_objects as go

from course.engine.countries import country_name
from course.engine.data import (
    ATTRIBUTION_STRENGTH,
    HOST_POSTURES,
    PUBLIC_EVIDENCE_BY_ATTRIBUTION,
    RESPONSE_OUTCOMES,
)
from course.engine.escalation import HOST_STATES, Scenario, assess
from course.engine.labels import (
    ATTRIBUTION_LABELS,
    HOST_POSTURE_LABELS,
    LEGAL_BASIS_LABELS,
    RESPONSE_OUTCOME_LABELS,
)
from course.learning.content import TEXT, LessonTexts, choice_question, placeholders
from course.learning.quiz import MultipleChoice
from course.ui.theme import PALETTE
from course.ui.widgets import dropdown

__all__ = [
    "CASE_START",
    "FORMS",
    "OPTION",
    "OTHERS_COLOUR",
    "RISK_LEVELS",
    "SELF_CHECK_IDS",
    "TEXTS",
    "TOP_RESPONDERS",
    "WAVE_DAYS",
    "Note",
    "attribution_waves",
    "by_posture",
    "describe_timeline",
    "diplomatic_responses",
    "forms_table",
    "hostile_replies",
    "legal_basis",
    "outcomes_summary",
    "outcomes_table",
    "responses_by_year",
    "responses_by_year_figure",
    "risk_caption",
    "risk_table",
    "self_check_question",
    "statement_timeline",
    "timeline_choices",
    "timeline_controls",
    "timeline_functions",
    "timeline_start",
    "waves_summary",
    "waves_table",
    "what_came_next",
]

OPTION: Final = 3
"""The brief's option this lesson teaches."""

CASE_START: Final = "albania-2022"
"""The incident the case-study explorer opens on: Albania cut relations with Iran over it, the
strongest diplomatic step in the data (a test checks that option 3 was used there)."""

WAVE_DAYS: Final = 3
"""Statements on one incident within this many days of a wave's first statement form one wave:
coordinated statements fall on one day, or a day apart across time zones (Canberra and
Wellington speak the morning after Washington)."""

TOP_RESPONDERS: Final = 8
"""Responders shown each with its own colour in the per-year figure (the course palette has
eight colours); the rest share a grey bar."""

OTHERS_COLOUR: Final = "#BBBBBB"
"""Grey for the responders grouped together, apart from the eight palette colours."""

FORMS: Final = ("demarche", "summons", "statement", "joint", "expulsion", "break")
"""The forms of diplomatic action, quietest first (rows of :func:`forms_table`)."""

RISK_LEVELS: Final = ("industry", "government", "government_evidence", "joint")
"""Attribution levels scored in :func:`risk_table`, weakest first."""

SELF_CHECK_IDS: Final = ("06.q1", "06.q2", "06.q3", "06.q4")
"""Ids of lesson 06's self-check questions, in order."""

TEXTS: Final = LessonTexts(
    "06",
    {
        "by_year": {
            "title": TEXT,
            "x": TEXT,
            "y": TEXT,
            "legend": TEXT,
            "others": placeholders("count"),
        },
        "waves": {
            "summary": placeholders(
                "statements", "in_waves", "waves", "days", "largest", "incident", "date"
            )
        },
        "forms": {form: dict.fromkeys(("step", "who", "seen_by", "adds"), TEXT) for form in FORMS},
        "outcomes": {
            "summary": placeholders("total", "known", "continued", "hostile", "cases"),
            "no_hostile": placeholders("total", "known", "continued"),
        },
        "timeline": {
            "title": placeholders("incident"),
            "x": TEXT,
            "y": TEXT,
            "control": TEXT,
            "option_label": placeholders("incident", "count"),
            "describe": placeholders("count", "first", "last"),
            "month_only": TEXT,
        },
        "risk_table": {"caption": TEXT},
    },
)
"""Lesson 06's texts in ``content/06_option3_diplomatic_action.yaml`` (``texts:``), checked at
import."""
TEXTS()


class Note(str):
    """A sentence computed from the data: a plain ``str`` that a notebook shows as one HTML
    paragraph when it is a cell's last value (escaped, so a "$" in an incident's name is not
    read as mathematics)."""

    def _repr_html_(self) -> str:
        return f"<p>{html.escape(str(self))}</p>"


_COLUMNS: Final = ("incident_id", "date", "responder", "option", "description", "outcome", "name")


def _require_columns(frame: pd.DataFrame, columns: tuple[str, ...] = _COLUMNS) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(
            f"joined: missing column(s) {', '.join(missing)}; pass the frame from "
            "course.engine.data.responses_with_incidents()"
        )


# --------------------------------------------------------------------------------------------
# The option's responses
# --------------------------------------------------------------------------------------------


def diplomatic_responses(joined: pd.DataFrame) -> pd.DataFrame:
    """Every option-3 response, oldest first, with ``year`` (int) and ``responder_name``.

    ``joined`` is ``course.engine.data.responses_with_incidents()``. Dates keep the data's form
    (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``) and sort as text.
    """
    return _option_rows(joined)


_SORT_KEYS: Final = ("date", "incident_id", "responder")
"""The columns :func:`diplomatic_responses` sorts by (every narrowed frame keeps them)."""


def _option_rows(joined: pd.DataFrame, columns: Sequence[str] | None = None) -> pd.DataFrame:
    """:func:`diplomatic_responses`, keeping only ``columns`` of ``joined`` (all if ``None``)
    besides the sort keys, ``year`` and ``responder_name``.

    Why: each view below reads three to six of the joined frame's thirty columns, and filtering
    and sorting a narrow frame costs a fraction of the whole one; the rows, their order and
    their values are those of :func:`diplomatic_responses`. ``columns`` must be among the
    checked :data:`_COLUMNS` (so a missing column gives the same error as before).
    """
    _require_columns(joined)
    keep = slice(None) if columns is None else list(dict.fromkeys((*_SORT_KEYS, *columns)))
    rows = joined.loc[joined["option"].astype(str) == str(OPTION), keep].copy()
    rows["year"] = rows["date"].str[:4].astype(int)
    rows["responder_name"] = rows["responder"].map(country_name)
    return rows.sort_values(list(_SORT_KEYS), kind="stable").reset_index(drop=True)


def _per_incident(rows: pd.DataFrame, *, sort: bool) -> pd.DataFrame:
    """Per incident of option-3 ``rows``: its name (``incident``), first date (``first``) and
    number of different responders (``responders``), indexed by ``incident_id`` (sorted, or in
    order of first appearance). Three single-column reductions: a fraction of the cost of one
    ``agg`` with named aggregations, same values. ``rows`` are sorted by date, so each
    incident's first date is its earliest (``first`` is a fast reduction; ``min`` on text
    falls back to a Python loop)."""
    grouped = rows.groupby("incident_id", sort=sort)
    return pd.DataFrame(
        {
            "incident": grouped["name"].first(),
            "first": grouped["date"].first(),
            "responders": grouped["responder"].nunique(),
        }
    )


def _top_responders(rows: pd.DataFrame, top: int) -> list[str]:
    """Responder codes with the most option-3 responses; ties broken by name, then code, so
    stable. Counted in plain Python: a few dozen codes, where a groupby costs milliseconds."""
    counts = Counter(rows["responder"])
    ranked = sorted(sorted(counts), key=lambda code: (-counts[code], country_name(code)))
    return ranked[:top]


def responses_by_year(joined: pd.DataFrame, top: int = TOP_RESPONDERS) -> pd.DataFrame:
    """Option-3 responses per year (rows, every year from the first to the last, zeros kept)
    and responder (columns: the ``top`` most active by name, then one column for the others).

    The others' column is labelled with how many responders it holds (``Others (10 more)``);
    it is left out when there are no others.
    """
    if isinstance(top, bool) or not isinstance(top, int) or top < 1:
        raise ValueError(f"top: got {top!r}; allowed: a whole number of 1 or more")
    rows = _option_rows(joined, ())
    if rows.empty:
        raise ValueError("joined: no option-3 responses to count")
    keep = _top_responders(rows, top)
    others = sorted(set(rows["responder"]) - set(keep))
    other_label = TEXTS.get("by_year", "others", count=len(others))
    who = [country_name(code) if code in keep else other_label for code in rows["responder"]]
    years = range(int(rows["year"].min()), int(rows["year"].max()) + 1)
    columns = [country_name(code) for code in keep] + ([other_label] if others else [])
    # A counter of (year, who) pairs and one frame built from it: what a crosstab reindexed to
    # every year and column gives, for a tenth of its cost on these few hundred rows.
    cells = Counter(zip(rows["year"].tolist(), who, strict=True))
    return pd.DataFrame(
        [[cells[(year, column)] for column in columns] for year in years],
        index=pd.RangeIndex(years.start, years.stop, name="year"),
        columns=pd.Index(columns, name="responder"),
        dtype="int64",
    )


def _count_step(largest: int) -> int:
    """A whole-number tick step giving about five to eight ticks up to ``largest``."""
    for step in (1, 2, 5, 10, 20, 50, 100):
        if largest / step <= 8:
            return step
    return 200


def responses_by_year_figure(joined: pd.DataFrame, top: int = TOP_RESPONDERS) -> go.Figure:
    """Stacked bars: option-3 responses per year, one colour per responder.

    A year whose bar has many colours is a year in which several governments spoke, most often
    together about the same incident (see :func:`attribution_waves`). Whole-number ticks; the
    responders not among the ``top`` share one grey segment.
    """
    table = responses_by_year(joined, top)
    years = table.index.tolist()
    bars = [
        {
            "type": "bar",
            "x": years,
            "y": table[who].tolist(),
            "name": who,
            "marker": {
                "color": PALETTE[position] if position < min(top, len(PALETTE)) else OTHERS_COLOUR
            },
            "hovertemplate": f"{html.escape(who)}<br>%{{x}}: %{{y}} responses<extra></extra>",
        }
        for position, who in enumerate(table.columns)
    ]
    largest = int(table.sum(axis=1).max())
    # One Figure call with plain dicts: plotly validates each part once, where add_bar per
    # responder and update_layout afterwards cost several times as much for the same figure.
    return go.Figure(
        data=bars,
        layout={
            "barmode": "stack",
            "title": TEXTS.get("by_year", "title"),
            "xaxis": {"title": TEXTS.get("by_year", "x"), "dtick": 1, "tickangle": -45},
            "yaxis": {
                "title": TEXTS.get("by_year", "y"),
                "dtick": _count_step(largest),
                "tickformat": "d",
                "rangemode": "tozero",
            },
            "legend": {"title": {"text": TEXTS.get("by_year", "legend")}, "traceorder": "normal"},
            "height": 520,
        },
    )


# --------------------------------------------------------------------------------------------
# Waves of statements
# --------------------------------------------------------------------------------------------


def attribution_waves(
    joined: pd.DataFrame, days: int = WAVE_DAYS, min_responders: int = 2
) -> pd.DataFrame:
    """Waves of option-3 statements: on one incident, by ``min_responders`` or more different
    responders, each within ``days`` days of the wave's first statement. Oldest first.

    Statements dated only to the month or year cannot be placed in a wave and are left out.
    Columns: ``incident_id``, ``incident`` (name), ``first``, ``last`` (dates), ``responders``
    (count), ``who`` (names, in the order they spoke), ``statements`` (rows in the wave).
    """
    _require_wave_arguments(days, min_responders)
    return _waves(_option_rows(joined, _WAVE_COLUMNS), days, min_responders)


_WAVE_COLUMNS: Final = ("name",)
"""The columns :func:`_waves` reads besides the sort keys, ``year`` and ``responder_name``."""


def _require_wave_arguments(days: object, min_responders: object) -> None:
    if isinstance(days, bool) or not isinstance(days, int) or days < 0:
        raise ValueError(f"days: got {days!r}; allowed: a whole number of 0 or more")
    if (
        isinstance(min_responders, bool)
        or not isinstance(min_responders, int)
        or min_responders < 2
    ):
        raise ValueError(f"min_responders: got {min_responders!r}; allowed: a whole number >= 2")


def _waves(rows: pd.DataFrame, days: int, min_responders: int) -> pd.DataFrame:
    """:func:`attribution_waves` on the option-3 ``rows`` already taken, so that
    :func:`waves_summary` filters and sorts the joined frame once, not twice."""
    rows = rows.loc[rows["date"].str.len() == 10].copy()
    rows["day"] = pd.to_datetime(rows["date"], format="%Y-%m-%d")
    # One pass over the statements sorted by incident, then day: a wave ends at the first
    # statement of another incident or more than ``days`` after the wave's first statement.
    rows = rows.sort_values(["incident_id", "day", "responder"], kind="stable")
    waves = []
    incident_id, start, members = None, None, []
    for row in [*rows.itertuples(index=False), None]:
        if row is not None and row.incident_id == incident_id and (row.day - start).days <= days:
            members.append(row)
            continue
        if members:
            waves.append(_wave(incident_id, members))
        if row is not None:
            incident_id, start, members = row.incident_id, row.day, [row]
    frame = pd.DataFrame(
        waves,
        columns=["incident_id", "incident", "first", "last", "responders", "who", "statements"],
    )
    frame = frame.loc[frame["responders"] >= min_responders]
    return frame.sort_values(["first", "incident_id"], kind="stable").reset_index(drop=True)


def _wave(incident_id: str, members: list) -> tuple:
    names = list(dict.fromkeys(m.responder_name for m in members))
    return (
        incident_id,
        members[0].name,
        members[0].date,
        members[-1].date,
        len(names),
        ", ".join(names),
        len(members),
    )


def waves_summary(joined: pd.DataFrame, days: int = WAVE_DAYS) -> Note:
    """One sentence: how many option-3 responses belong to a wave, and the largest wave."""
    _require_wave_arguments(days, 2)
    rows = _option_rows(joined, _WAVE_COLUMNS)
    waves = _waves(rows, days, 2)
    statements = len(rows)
    if waves.empty:
        raise ValueError("joined: no wave of statements to summarise")
    largest = waves.sort_values(["responders", "first"], ascending=[False, True]).iloc[0]
    return Note(
        TEXTS.get(
            "waves",
            "summary",
            statements=statements,
            in_waves=int(waves["statements"].sum()),
            waves=len(waves),
            days=days,
            largest=int(largest["responders"]),
            incident=largest["incident"],
            date=largest["first"],
        )
    )


def waves_table(joined: pd.DataFrame, min_responders: int = 3) -> pd.DataFrame:
    """The waves with ``min_responders`` or more responders, with plain column names, for the
    lesson (a short table that fits a slide)."""
    waves = attribution_waves(joined, min_responders=min_responders)
    return waves.rename(
        columns={
            "first": "First day",
            "incident": "Incident",
            "responders": "Responders",
            "who": "Who spoke",
        }
    )[["First day", "Incident", "Responders", "Who spoke"]]


# --------------------------------------------------------------------------------------------
# What followed
# --------------------------------------------------------------------------------------------


def what_came_next(joined: pd.DataFrame, min_responders: int = 1) -> pd.DataFrame:
    """For every incident with diplomatic responses from ``min_responders`` or more responders:
    the first response, how many responders spoke, how many indictments (option 4) and
    sanctions (option 5) came on or after that date, and whether the attackers stopped (the
    incident's ``stopped``). Oldest first.

    Dates compare as text, so a response dated only to a month counts from that month's start.
    """
    _require_columns(joined, (*_COLUMNS, "stopped"))
    first = _per_incident(_option_rows(joined, ("name",)), sort=False)
    # Every response on or after its incident's first statement, counted per incident and
    # option in one vectorised pass (not one scan of the joined frame per incident).
    after = joined["date"] >= joined["incident_id"].map(first["first"])
    options = joined["option"].astype(str)
    charges = (after & (options == "4")).groupby(joined["incident_id"]).sum().to_dict()
    sanctions = (after & (options == "5")).groupby(joined["incident_id"]).sum().to_dict()
    stopped = (
        joined[["incident_id", "stopped"]]
        .drop_duplicates("incident_id")
        .set_index("incident_id")["stopped"]
        .astype(str)
        .to_dict()
    )
    records = [
        {
            "First statement": row.first,
            "Incident": row.incident,
            "Responders": int(row.responders),
            "Charges after": int(charges[row.Index]),
            "Sanctions after": int(sanctions[row.Index]),
            "Attackers stopped": {"yes": "Yes", "no": "No"}.get(stopped[row.Index], "Not known"),
        }
        for row in first.itertuples()
    ]
    frame = pd.DataFrame(records)
    frame = frame.loc[frame["Responders"] >= min_responders]
    return frame.sort_values(["First statement", "Incident"], kind="stable").reset_index(drop=True)


def outcomes_table(joined: pd.DataFrame) -> pd.Series:
    """Option-3 responses per recorded outcome (plain labels, every outcome, zeros kept)."""
    rows = _option_rows(joined, ("outcome",))
    counts = rows["outcome"].astype(str).value_counts()
    table = pd.Series(
        [int(counts.get(code, 0)) for code in RESPONSE_OUTCOMES],
        index=[RESPONSE_OUTCOME_LABELS[code] for code in RESPONSE_OUTCOMES],
        name="Diplomatic responses",
    )
    table.index.name = "What followed"
    return table


def hostile_replies(joined: pd.DataFrame) -> pd.DataFrame:
    """The option-3 responses followed by a hostile reply (an answer in kind), oldest first."""
    rows = _option_rows(joined, ("name", "description", "outcome"))
    rows = rows.loc[rows["outcome"].astype(str) == "host_retaliated"]
    return pd.DataFrame(
        {
            "Date": rows["date"],
            "By": rows["responder_name"],
            "Incident": rows["name"],
            "What was done": rows["description"],
        }
    ).reset_index(drop=True)


def outcomes_summary(joined: pd.DataFrame) -> Note:
    """One sentence on what followed the option-3 responses, counted from the data."""
    rows = _option_rows(joined, ("name", "outcome"))
    outcome = rows["outcome"].astype(str)
    known = int((outcome != "unknown").sum())
    hostile = rows.loc[outcome == "host_retaliated"]
    values = {
        "total": len(rows),
        "known": known,
        "continued": int((outcome == "continued").sum()),
    }
    if hostile.empty:
        return Note(TEXTS.get("outcomes", "no_hostile", **values))
    cases = "; ".join(dict.fromkeys(hostile["name"]))
    return Note(TEXTS.get("outcomes", "summary", hostile=len(hostile), cases=cases, **values))


def by_posture(joined: pd.DataFrame) -> pd.DataFrame:
    """Option-3 responses per host posture of the incident (plain labels, zeros kept), split by
    whom they were aimed at: the state as such, or the attackers by name."""
    rows = diplomatic_responses(joined)
    table = pd.crosstab(rows["host_posture"].astype(str), rows["target"].astype(str))
    table = table.reindex(index=list(HOST_POSTURES), columns=["host_state", "actor"], fill_value=0)
    table.index = [HOST_POSTURE_LABELS[p] for p in table.index]
    table.index.name = "Host state's posture"
    table.columns = ["Aimed at the state", "Aimed at the attackers"]
    table["All"] = table.sum(axis=1)
    return table


# --------------------------------------------------------------------------------------------
# Static tables: the forms of diplomatic action, the model's risk, the legal basis
# --------------------------------------------------------------------------------------------


def forms_table() -> pd.DataFrame:
    """The forms of diplomatic action from the quietest to the loudest (texts from the content
    file), numbered from 1."""
    forms = TEXTS()["forms"]
    frame = pd.DataFrame(
        {
            "Step": [forms[f]["step"] for f in FORMS],
            "Who acts": [forms[f]["who"] for f in FORMS],
            "Who sees it": [forms[f]["seen_by"] for f in FORMS],
            "What it adds": [forms[f]["adds"] for f in FORMS],
        },
        index=range(1, len(FORMS) + 1),
    )
    frame.index.name = "#"
    return frame


def risk_table(scale: str = "large", target: str = "host_state") -> pd.DataFrame:
    """Option 3's risk (0-100, one decimal) for each host posture (columns) and attribution level
    (rows, weakest first), with the data's mappings from level to attribution strength and
    public evidence (as ``course.engine.data.scenario_for`` uses them)."""
    values = {
        ATTRIBUTION_LABELS[level]: {
            HOST_POSTURE_LABELS[posture]: round(
                assess(
                    Scenario(
                        option=OPTION,
                        attack_scale=scale,
                        attribution=ATTRIBUTION_STRENGTH[level],
                        public_evidence=PUBLIC_EVIDENCE_BY_ATTRIBUTION[level],
                        host_state=posture,
                        target=target,
                    )
                ).risk,
                1,
            )
            for posture in HOST_STATES
        }
        for level in RISK_LEVELS
    }
    frame = pd.DataFrame(values).T
    frame.index.name = "Attribution"
    return frame


def risk_caption() -> str:
    """The caption of :func:`risk_table`."""
    return TEXTS.get("risk_table", "caption")


def legal_basis() -> str:
    """The rung of the legal ladder option 3 needs, as the model gives it ("Retorsion")."""
    scenario = Scenario(
        option=OPTION,
        attack_scale="large",
        attribution=0.9,
        public_evidence=0.5,
        host_state="able_unwilling",
    )
    return LEGAL_BASIS_LABELS[assess(scenario).legal_basis]


# --------------------------------------------------------------------------------------------
# The widget: who spoke, and when, about one incident
# --------------------------------------------------------------------------------------------


def timeline_choices(joined: pd.DataFrame, min_responders: int = 2) -> list[tuple[str, str]]:
    """Drop-down entries ``(label, incident_id)``: incidents with option-3 responses from
    ``min_responders`` or more responders, the most responders first (then oldest first)."""
    counts = _per_incident(_option_rows(joined, ("name",)), sort=True)
    counts = counts.loc[counts["responders"] >= min_responders]
    counts = counts.sort_values(["responders", "first"], ascending=[False, True])
    return [
        (
            TEXTS.get("timeline", "option_label", incident=r.incident, count=r.responders),
            r.Index,
        )
        for r in counts.itertuples()
    ]


def _statements(incident: str, joined: pd.DataFrame) -> pd.DataFrame:
    rows = _option_rows(joined, ("name", "description"))
    rows = rows.loc[rows["incident_id"] == incident] if isinstance(incident, str) else rows[:0]
    if rows.empty:
        allowed = ", ".join(repr(i) for _, i in timeline_choices(joined)[:3])
        raise ValueError(
            f"incident: {incident!r} has no diplomatic response in the data; allowed: an "
            f"incident id with one, such as {allowed}"
        )
    return rows


def _day(date: str) -> str:
    """A plottable day: ``YYYY-MM`` and ``YYYY`` become the first day of that month or year."""
    return {4: f"{date}-01-01", 7: f"{date}-01"}.get(len(date), date)


def statement_timeline(incident: str, joined: pd.DataFrame) -> go.Figure:
    """The diplomatic responses about one incident: one marker per response, by date (x) and
    responder (y, in the order they first spoke, top down). Hover shows what was done.

    Always two traces (dated to the day; dated only to the month or year, hollow), so a widget
    can redraw it in place.
    """
    rows = _statements(incident, joined)
    order = list(dict.fromkeys(rows["responder_name"]))
    exact = rows["date"].str.len() == 10
    markers = [
        _timeline_trace(rows.loc[exact], "circle", ""),
        _timeline_trace(rows.loc[~exact], "circle-open", " " + TEXTS.get("timeline", "month_only")),
    ]
    name = str(rows["name"].iloc[0])
    # One Figure call with plain dicts: plotly validates each part once, where add_scatter and
    # update_layout afterwards cost several times as much for the same figure.
    return go.Figure(
        data=markers,
        layout={
            "title": {"text": TEXTS.get("timeline", "title", incident=html.escape(name))},
            "xaxis": {"title": TEXTS.get("timeline", "x"), "type": "date"},
            "yaxis": {
                "title": TEXTS.get("timeline", "y"),
                "categoryorder": "array",
                "categoryarray": order[::-1],
            },
            "height": max(360, 42 * len(order) + 220),
        },
    )


def _timeline_trace(part: pd.DataFrame, symbol: str, note: str) -> dict[str, object]:
    """One marker trace of :func:`statement_timeline` (as a dict for ``go.Figure``): the
    responses in ``part``, hover text wrapped at 60 characters and ending with ``note``."""
    return {
        "type": "scatter",
        "x": [_day(d) for d in part["date"]],
        "y": part["responder_name"].tolist(),
        "mode": "markers",
        "marker": {"symbol": symbol, "size": 16, "color": PALETTE[0], "line": {"width": 2}},
        "customdata": [
            [d, "<br>".join(textwrap.wrap(text, 60)) + note]
            for d, text in zip(part["date"], part["description"], strict=True)
        ],
        "hovertemplate": "%{y}, %{customdata[0]}<br>%{customdata[1]}<extra></extra>",
        "showlegend": False,
    }


def describe_timeline(incident: str, joined: pd.DataFrame) -> str:
    """HTML under the timeline: how many spoke and over what span, then each response."""
    rows = _statements(incident, joined)
    intro = TEXTS.get(
        "timeline",
        "describe",
        count=rows["responder"].nunique(),
        first=rows["date"].min(),
        last=rows["date"].max(),
    )
    items = "".join(
        f"<li><strong>{html.escape(r.date)}, {html.escape(r.responder_name)}:</strong> "
        f"{html.escape(r.description)}</li>"
        for r in rows.itertuples(index=False)
    )
    return f"<p>{html.escape(intro)}</p><ul>{items}</ul>"


def timeline_start(joined: pd.DataFrame) -> str:
    """The incident the widget and its static figure open on: the one with most responders."""
    return timeline_choices(joined)[0][1]


def timeline_controls(joined: pd.DataFrame, start: str | None = None) -> dict[str, w.Dropdown]:
    """The widget's one control, keyed as :func:`statement_timeline` takes it: a drop-down of the
    incidents from :func:`timeline_choices`, set to ``start`` (default :func:`timeline_start`)."""
    choices = timeline_choices(joined)
    value = start if start is not None else choices[0][1]
    if value not in {incident for _, incident in choices}:
        raise ValueError(
            f"start: {value!r} is not an incident with diplomatic responses from two or more "
            f"responders; allowed: {', '.join(i for _, i in choices)}"
        )
    return {"incident": dropdown(choices, value, TEXTS.get("timeline", "control"))}


def timeline_functions(
    joined: pd.DataFrame,
) -> tuple[Callable[..., go.Figure], Callable[..., str]]:
    """``(build, describe)`` for ``LiveFigure``: :func:`statement_timeline` and
    :func:`describe_timeline` with the data bound, so they take the control values only."""
    return partial(statement_timeline, joined=joined), partial(describe_timeline, joined=joined)


# --------------------------------------------------------------------------------------------
# Self-check
# --------------------------------------------------------------------------------------------


def self_check_question(qid: str) -> MultipleChoice:
    """Lesson 06's self-check question ``qid`` (one of :data:`SELF_CHECK_IDS`), with feedback for
    every choice, from ``content/06_option3_diplomatic_action.yaml``. Unknown ids raise
    ``ValueError``."""
    if qid not in SELF_CHECK_IDS:
        raise ValueError(f"qid: unknown question {qid!r}; allowed: {', '.join(SELF_CHECK_IDS)}")
    return choice_question(qid)
