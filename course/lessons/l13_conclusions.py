"""Lesson 13, conclusions: the seven options as a ladder, restraint, proportionality, and the
unfinished work on due diligence.

Why this module exists: the closing lesson pulls the course together, and each part it needs
from code is a plain function tested without a browser:

- **The ladder recap.** :func:`ladder_frame` scores all seven options with the course's model
  for one case (host posture, attack scale, attribution, public evidence) and names the legal
  rung each needs; :func:`ladder_figure` draws it, :func:`describe_ladder` says in sentences
  which options the model warns about, and :func:`ladder_controls` are the widget's controls.
- **The record.** :func:`record_by_option` and :func:`record_figure` count the responses in the
  data per option and outcome; :func:`record_summary` says in sentences, computed from the same
  rows, how rare the last two options are.
- **Since the brief.** :func:`developments_table` lists the sourced, dated developments on due
  diligence after June 2020 (the words are in the content file, so a lecturer can update them).
- **The student's results.** :func:`results_overview` and :func:`results_html` summarise what a
  student answered across the course, read from ``course.learning.progress``.

Every sentence a student reads is in ``content/13_conclusions.yaml`` under ``texts:``
(:data:`TEXTS`), checked at import. The data functions take frames as arguments, loaded once by
the notebook.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Final

import ipywidgets as w
import numpy as np
import pandas as pd
import plotly.graph_objects as go

from course.engine.data import RESPONSE_OUTCOMES
from course.engine.escalation import (
    ATTACK_SCALES,
    BAND_LIMITS,
    HOST_STATES,
    OPTIONS,
    WARNING_TEXT,
    Scenario,
    assess,
)
from course.engine.labels import (
    HOST_POSTURE_LABELS,
    LEGAL_BASIS_LABELS,
    OPTION_SHORT_LABELS,
    RESPONSE_OUTCOME_LABELS,
    SCALE_LABELS,
)
from course.learning.content import TEXT, LessonTexts, choice_question, placeholders
from course.learning.quiz import MultipleChoice, Quiz
from course.ui.figures import legend_below
from course.ui.tables import table_view
from course.ui.theme import OUTCOME_COLOURS, PALETTE
from course.ui.widgets import dropdown, slider

__all__ = [
    "DEFAULT_CASE",
    "DEVELOPMENTS",
    "DEVELOPMENT_FIELDS",
    "LADDER_COLUMNS",
    "LEGAL_COLOURS",
    "REVIEW_IDS",
    "SELF_CHECK_IDS",
    "TEXTS",
    "describe_ladder",
    "developments_table",
    "ladder_controls",
    "ladder_figure",
    "ladder_frame",
    "record_by_option",
    "record_figure",
    "record_summary",
    "restraint_gap",
    "results_html",
    "results_overview",
    "review_question",
    "self_check",
    "self_check_question",
    "table_view",
]

SELF_CHECK_IDS: Final = ("13.q1", "13.q2", "13.q3", "13.q4")
"""The lesson's self-check questions, in ``content/13_conclusions.yaml``."""

REVIEW_IDS: Final = tuple(f"13.r{n:02d}" for n in range(1, 13))
"""The final self-assessment's review questions, one per lesson 01-12 (``13.r01`` asks about
lesson 01), in ``content/13_conclusions.yaml``."""

DEFAULT_CASE: Final[Mapping[str, object]] = MappingProxyType(
    {
        "host_state": "able_unwilling",
        "attack_scale": "large",
        "attribution": 0.8,
        "public_evidence": 0.5,
    }
)
"""The case the static ladder shows: the course's reference case (lesson 03, ``docs/model.md``):
a large-scale attack, fairly convincing attribution, half of the evidence public, a host able
but unwilling to act."""

LADDER_COLUMNS: Final = ("option", "rung", "risk", "band", "warnings")
"""Columns of :func:`ladder_frame` (``option`` is the number 1..7)."""

DEVELOPMENTS: Final = (
    "gge2021",
    "oewg2021",
    "oewg2025",
    "netherlands2019",
    "france2019",
    "africanunion2024",
    "eu2023",
    "cri2021",
)
"""The developments on due diligence after June 2020 (and the national positions the brief
could not yet weigh), in the order the lesson's table shows them."""

DEVELOPMENT_FIELDS: Final = ("when", "who", "document", "what")
"""Columns of :func:`developments_table`."""

LEGAL_COLOURS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "none_needed": PALETTE[2],
        "retorsion": PALETTE[4],
        "countermeasure": PALETTE[1],
        "self_defence": PALETTE[5],
    }
)
"""One colour per rung of the legal ladder (Okabe-Ito: green, sky blue, orange, vermillion)."""

TEXTS: Final = LessonTexts(
    "13",
    {
        "ladder_figure": dict.fromkeys(("title", "x", "y", "band_line", "warned"), TEXT),
        "ladder_describe": {
            "case": placeholders("host", "scale", "attribution", "public"),
            "rungs": placeholders("rungs"),
            "warned": placeholders("options"),
            "none_warned": TEXT,
            "last_two": placeholders("gap"),
        },
        "ladder_controls": dict.fromkeys(
            ("host_state", "attack_scale", "attribution", "public_evidence"), TEXT
        ),
        "record_figure": dict.fromkeys(("title", "x", "y", "legend"), TEXT),
        "record": {
            "total": placeholders("total", "incidents"),
            "last_two": placeholders("last_two", "share", "incidents"),
            "hostile": placeholders("hostile"),
        },
        "development_columns": dict.fromkeys(DEVELOPMENT_FIELDS, TEXT),
        "developments": {key: dict.fromkeys(DEVELOPMENT_FIELDS, TEXT) for key in DEVELOPMENTS},
        "results": {
            "columns": dict.fromkeys(("lesson", "title", "attempted", "correct"), TEXT),
            "none": TEXT,
            "some": placeholders("correct", "attempted", "lessons"),
            "review": placeholders("correct", "total"),
            "next": placeholders("lessons"),
            "all_done": TEXT,
        },
    },
)
"""Lesson 13's texts in ``content/13_conclusions.yaml`` (``texts:``)."""
TEXTS()


def _say(*keys: str, **values: object) -> str:
    return TEXTS.get(*keys, **values)


# --------------------------------------------------------------------------------------------
# The ladder recap: all seven options scored in one case
# --------------------------------------------------------------------------------------------


def ladder_frame(
    host_state: str = "able_unwilling",
    attack_scale: str = "large",
    attribution: float = 0.8,
    public_evidence: float = 0.5,
) -> pd.DataFrame:
    """The seven options scored in one case: option number, legal rung (code), risk, band and
    the model's warnings (codes). Bad input raises the model's ``ValueError`` naming the field."""
    rows = []
    for number in OPTIONS:
        result = assess(
            Scenario(
                option=number,
                attack_scale=attack_scale,
                attribution=attribution,
                public_evidence=public_evidence,
                host_state=host_state,
            )
        )
        rows.append(
            {
                "option": number,
                "rung": result.legal_basis,
                "risk": round(result.risk, 2),
                "band": result.band,
                "warnings": tuple(result.warnings),
            }
        )
    return pd.DataFrame(rows, columns=list(LADDER_COLUMNS))


def restraint_gap(
    host_state: str = "able_unwilling",
    attack_scale: str = "large",
    attribution: float = 0.8,
    public_evidence: float = 0.5,
) -> float:
    """Points of risk between option 5 (sanctions) and option 6 (cyber retaliation) in one case:
    the step where the means change from coercion to attack, and the brief asks for restraint."""
    return _gap(ladder_frame(host_state, attack_scale, attribution, public_evidence))


def _gap(frame: pd.DataFrame) -> float:
    """:func:`restraint_gap` of a :func:`ladder_frame` already built (describe_ladder has one)."""
    risk = frame.set_index("option")["risk"]
    return float(risk.loc[6] - risk.loc[5])


def _rung_bar(rung: str, label: str, frame: pd.DataFrame, labels: list[str]) -> go.Bar:
    """One legal rung's bars, so each rung has one colour and one legend entry."""
    part = frame["rung"] == rung
    risks = frame.loc[part, "risk"]
    return go.Bar(
        x=risks,
        y=[labels[i] for i in frame.index[part]],
        orientation="h",
        name=label,
        marker_color=LEGAL_COLOURS[rung],
        text=[
            f"{risk:.0f}  {'⚠' if warned else ''}".strip()
            for risk, warned in zip(risks, frame.loc[part, "warnings"], strict=True)
        ],
        textposition="outside",
        cliponaxis=False,
        hovertemplate="%{y}: %{x:.1f}<extra>" + html.escape(label) + "</extra>",
    )


def _band_lines() -> list[dict[str, object]]:
    """The band limits as dotted lines: the shapes plotly's ``add_vline`` makes, written out
    (``add_vline`` searches the subplots each time: a third of this widget's redraw)."""
    return [
        {
            "type": "line",
            "x0": limit,
            "x1": limit,
            "xref": "x",
            "y0": 0,
            "y1": 1,
            "yref": "y domain",
            "line": {"color": "#888888", "dash": "dot", "width": 1},
        }
        for limit in BAND_LIMITS
    ]


def ladder_figure(
    host_state: str = "able_unwilling",
    attack_scale: str = "large",
    attribution: float = 0.8,
    public_evidence: float = 0.5,
) -> go.Figure:
    """Horizontal bars: the seven options bottom to top, length = risk, colour = legal rung; a
    warning sign marks options the model warns about; dotted lines mark the band limits.

    Built in one ``go.Figure(data, layout)`` call: the widget redraws it on every slider move,
    and plotly validates the whole figure again on each ``add_bar`` or ``update_layout``."""
    frame = ladder_frame(host_state, attack_scale, attribution, public_evidence)
    labels = [OPTION_SHORT_LABELS[int(n)] for n in frame["option"]]
    bars = [_rung_bar(rung, label, frame, labels) for rung, label in LEGAL_BASIS_LABELS.items()]
    layout = {
        "shapes": _band_lines(),
        "title": _say("ladder_figure", "title"),
        "xaxis": {"title": _say("ladder_figure", "x"), "range": [0, 100], "dtick": 25},
        "yaxis": {
            "title": _say("ladder_figure", "y"),
            "categoryorder": "array",
            "categoryarray": labels,
        },
        "barmode": "overlay",
        "legend": {"title": {"text": "Legal rung needed"}},
    }
    # The legend under the axis with the room it needs (a fraction of the plot's height put it
    # over the axis title in the live view).
    return legend_below(go.Figure(data=bars, layout=layout), plot_height=330, below_axis_px=70)


def describe_ladder(
    host_state: str = "able_unwilling",
    attack_scale: str = "large",
    attribution: float = 0.8,
    public_evidence: float = 0.5,
) -> str:
    """HTML under the ladder: the case in words, the rungs, the options the model warns about
    and why, and the gap between options 5 and 6."""
    frame = ladder_frame(host_state, attack_scale, attribution, public_evidence)
    by_rung: dict[object, list[object]] = {}  # plain lists: seven rows need no pandas filters
    for rung, number in zip(frame["rung"], frame["option"], strict=True):
        by_rung.setdefault(rung, []).append(number)
    rungs = "; ".join(
        f"{LEGAL_BASIS_LABELS[rung]}: {_numbers(by_rung[rung])}"
        for rung in LEGAL_BASIS_LABELS
        if rung in by_rung
    )
    warned = [
        f"{OPTION_SHORT_LABELS[int(row.option)]} ("
        + "; ".join(WARNING_TEXT[code] for code in row.warnings)
        + ")"
        for row in frame.itertuples(index=False)
        if row.warnings
    ]
    parts = [
        _say(
            "ladder_describe",
            "case",
            host=HOST_POSTURE_LABELS[host_state].lower(),
            scale=SCALE_LABELS[attack_scale].lower(),
            attribution=f"{attribution:.2f}",
            public=f"{public_evidence:.2f}",
        ),
        _say("ladder_describe", "rungs", rungs=rungs),
        _say("ladder_describe", "warned", options="; ".join(warned))
        if warned
        else _say("ladder_describe", "none_warned"),
        _say(
            "ladder_describe",
            "last_two",
            gap=f"{_gap(frame):.1f}",
        ),
    ]
    return "".join(f"<p>{html.escape(p)}</p>" for p in parts)


def _numbers(options: Iterable[object]) -> str:
    """ "option 6" or "options 3, 4 and 5"."""
    numbers = [str(int(n)) for n in options]
    if len(numbers) == 1:
        return f"option {numbers[0]}"
    return f"options {', '.join(numbers[:-1])} and {numbers[-1]}"


def ladder_controls(case: Mapping[str, object] = DEFAULT_CASE) -> dict[str, w.ValueWidget]:
    """The widget's controls, keyed by :func:`ladder_figure`'s arguments, preset to ``case``.
    The attribution slider's label is the one the browser test moves (``Attribution``)."""
    labels = TEXTS.view("ladder_controls")
    return {
        "host_state": dropdown(
            [(HOST_POSTURE_LABELS[h], h) for h in HOST_STATES],
            case["host_state"],
            labels["host_state"],
        ),
        "attack_scale": dropdown(
            [(SCALE_LABELS[s], s) for s in ATTACK_SCALES],
            case["attack_scale"],
            labels["attack_scale"],
        ),
        "attribution": slider(float(case["attribution"]), 0.0, 1.0, 0.05, labels["attribution"]),
        "public_evidence": slider(
            float(case["public_evidence"]), 0.0, 1.0, 0.05, labels["public_evidence"]
        ),
    }


# --------------------------------------------------------------------------------------------
# The record: what states did at each rung, and what followed
# --------------------------------------------------------------------------------------------

_LADDER_OPTIONS: Final = tuple(str(n) for n in OPTIONS)


_RECORD_COLUMNS: Final = ("incident_id", "option", "outcome")


def _ladder_rows(joined: pd.DataFrame) -> pd.DataFrame:
    """The ladder's responses, with only the columns the record functions read (copying every
    column of the joined frame took most of their time)."""
    for column in _RECORD_COLUMNS:
        if column not in joined.columns:
            raise ValueError(
                f"joined: missing column {column!r}; pass the frame from "
                "course.engine.data.responses_with_incidents()"
            )
    return joined.loc[joined["option"].astype(str).isin(_LADDER_OPTIONS), list(_RECORD_COLUMNS)]


def record_by_option(joined: pd.DataFrame) -> pd.DataFrame:
    """Responses on the brief's ladder per option (rows "1".."7", zeros kept) and outcome
    (columns in the data card's order). Police takedowns and help to the victim are left out:
    they sit on no rung of the ladder.

    Counted with one ``bincount`` over (option, outcome) codes rather than ``pd.crosstab``,
    which costs several milliseconds of grouping machinery for a 7 x 7 table."""
    rows = _ladder_rows(joined)
    option = pd.Index(_LADDER_OPTIONS).get_indexer(rows["option"].astype(str))
    outcome = pd.Index(RESPONSE_OUTCOMES).get_indexer(rows["outcome"].astype(str))
    known = outcome >= 0  # an outcome outside the data card's list has no column
    width = len(RESPONSE_OUTCOMES)
    counts = np.bincount(
        option[known] * width + outcome[known], minlength=len(_LADDER_OPTIONS) * width
    )
    return pd.DataFrame(
        counts.reshape(len(_LADDER_OPTIONS), width).astype(int),
        index=pd.Index(list(_LADDER_OPTIONS), name="option"),
        columns=list(RESPONSE_OUTCOMES),
    )


def record_figure(joined: pd.DataFrame) -> go.Figure:
    """Stacked bars: responses per option, one colour per outcome, whole-number ticks. Built in
    one ``go.Figure(data, layout)`` call, so plotly validates the figure once."""
    table = record_by_option(joined)
    labels = [OPTION_SHORT_LABELS[int(n)] for n in table.index]
    bars = [
        go.Bar(
            x=labels,
            y=table[outcome],
            name=RESPONSE_OUTCOME_LABELS[outcome],
            marker_color=OUTCOME_COLOURS[outcome],
            hovertemplate="%{x}: %{y}<extra>" + RESPONSE_OUTCOME_LABELS[outcome] + "</extra>",
        )
        for outcome in table.columns
        if int(table[outcome].sum()) != 0
    ]
    most = int(table.sum(axis=1).max()) if len(table) else 0
    step = max(1, -(-most // 8))
    layout = {
        "barmode": "stack",
        "title": _say("record_figure", "title"),
        "xaxis": {"title": _say("record_figure", "x"), "tickangle": -30},
        "yaxis": {
            "title": _say("record_figure", "y"),
            "tick0": 0,
            "dtick": step,
            "rangemode": "tozero",
            "tickformat": "d",
        },
        "legend": {"title": {"text": _say("record_figure", "legend")}},
        "height": 540,
    }
    return go.Figure(data=bars, layout=layout)


def record_summary(joined: pd.DataFrame) -> str:
    """Sentences (HTML) computed from the ladder responses: how many there are, how few used the
    last two options, and how many met a hostile reply."""
    rows = _ladder_rows(joined)
    total = len(rows)
    last_two = rows["option"].astype(str).isin(("6", "7"))
    share = 100 * int(last_two.sum()) / total if total else 0.0
    hostile = int((rows["outcome"].astype(str) == "host_retaliated").sum())
    parts = [
        _say("record", "total", total=total, incidents=rows["incident_id"].nunique()),
        _say(
            "record",
            "last_two",
            last_two=int(last_two.sum()),
            share=f"{share:.0f}",
            incidents=rows.loc[last_two, "incident_id"].nunique(),
        ),
        _say("record", "hostile", hostile=hostile),
    ]
    return "".join(f"<p>{html.escape(p)}</p>" for p in parts)


# --------------------------------------------------------------------------------------------
# Since the brief: sourced developments on due diligence
# --------------------------------------------------------------------------------------------


def developments_table(keys: tuple[str, ...] = DEVELOPMENTS) -> pd.DataFrame:
    """The developments ``keys`` (a subset of :data:`DEVELOPMENTS`, in that order) as a table
    with plain column headers: when, who, document, what it says on due diligence."""
    unknown = [k for k in keys if k not in DEVELOPMENTS]
    if unknown:
        raise ValueError(f"keys: unknown {unknown}; allowed: {', '.join(DEVELOPMENTS)}")
    headers = TEXTS.view("development_columns")
    return pd.DataFrame(
        [{headers[f]: _say("developments", k, f) for f in DEVELOPMENT_FIELDS} for k in keys],
        columns=[headers[f] for f in DEVELOPMENT_FIELDS],
    )


# --------------------------------------------------------------------------------------------
# Self-check, review questions and the student's results
# --------------------------------------------------------------------------------------------


def self_check_question(qid: str) -> MultipleChoice:
    """Lesson 13's self-check question ``qid`` (one of :data:`SELF_CHECK_IDS`), built from the
    content file so no answer key is printed above it."""
    if qid not in SELF_CHECK_IDS:
        raise ValueError(f"qid: unknown question {qid!r}; allowed: {', '.join(SELF_CHECK_IDS)}")
    return choice_question(qid)


def self_check() -> Quiz:
    """The whole self-check (:data:`SELF_CHECK_IDS`) as one Quiz."""
    return Quiz("Self-check", [self_check_question(q) for q in SELF_CHECK_IDS])


def review_question(qid: str) -> MultipleChoice:
    """One review question of the final self-assessment (one of :data:`REVIEW_IDS`)."""
    if qid not in REVIEW_IDS:
        raise ValueError(f"qid: unknown review question {qid!r}; allowed: {', '.join(REVIEW_IDS)}")
    return choice_question(qid)


def results_overview(progress: pd.DataFrame, lessons: pd.DataFrame) -> pd.DataFrame:
    """One row per lesson of ``lessons`` (``course.learning.lesson_map.lesson_map()``): questions
    tried and answered correctly, from ``progress`` (``progress_table()``); the final
    self-assessment's own questions count under lesson 13. Zeros where nothing was tried."""
    for frame, needed, name in (
        (progress, ("lesson", "attempted", "correct"), "progress"),
        (lessons, ("id", "title"), "lessons"),
    ):
        missing = [c for c in needed if c not in frame.columns]
        if missing:
            raise ValueError(f"{name}: missing column(s) {', '.join(missing)}")
    merged = lessons[["id", "title"]].merge(
        progress[["lesson", "attempted", "correct"]], how="left", left_on="id", right_on="lesson"
    )
    merged = merged.drop(columns="lesson")
    for column in ("attempted", "correct"):
        merged[column] = merged[column].fillna(0).astype("int64")
    return merged.loc[merged["id"] != "00"].reset_index(drop=True)


def results_html(
    progress: pd.DataFrame, lessons: pd.DataFrame, review: Mapping[str, object]
) -> str:
    """The student's results as HTML: a table per lesson, a sentence on the whole course, the
    score on the review questions (``review``: question id -> progress entry, or absent) and
    the lessons worth revisiting (tried, but under half right; or not tried)."""
    frame = results_overview(progress, lessons)
    headers = TEXTS.view("results", "columns")
    head = "".join(f"<th>{html.escape(headers[c])}</th>" for c in ("lesson", "title"))
    head += "".join(
        f"<th style='text-align:right'>{html.escape(headers[c])}</th>"
        for c in ("attempted", "correct")
    )
    body = "".join(
        f"<tr><td>{row.id}</td><td>{html.escape(row.title)}</td>"
        f"<td style='text-align:right'>{row.attempted}</td>"
        f"<td style='text-align:right'>{row.correct}</td></tr>"
        for row in frame.itertuples(index=False)
    )
    attempted, correct = int(frame["attempted"].sum()), int(frame["correct"].sum())
    if attempted == 0:
        lines = [_say("results", "none")]
    else:
        tried = int((frame["attempted"] > 0).sum())
        lines = [_say("results", "some", correct=correct, attempted=attempted, lessons=tried)]
    review_right = sum(1 for q in REVIEW_IDS if _ever_correct(review.get(q)))
    lines.append(_say("results", "review", correct=review_right, total=len(REVIEW_IDS)))
    weak = frame.loc[(frame["attempted"] == 0) | (2 * frame["correct"] < frame["attempted"])]
    weak = weak.loc[weak["id"] != "13"]
    if len(weak):
        lines.append(_say("results", "next", lessons=", ".join(weak["id"])))
    else:
        lines.append(_say("results", "all_done"))
    return (
        f"<table class='course-progress'><thead><tr>{head}</tr></thead><tbody>{body}</tbody>"
        "</table>" + "".join(f"<p>{html.escape(line)}</p>" for line in lines)
    )


def _ever_correct(entry: object) -> bool:
    return isinstance(entry, Mapping) and bool(entry.get("ever_correct"))
