"""Lesson 04 (option 1: requesting the host state to take action): its figures, tables, the
reply widget and the self-check.

Why this module exists: the brief's first option is the lightest one, a request to the state
from whose territory the attackers work ("Option 1"). The lesson shows, from the course's data,
through which channels such requests travelled, to hosts of which posture, and what followed
them; and it shows, with the diagnosis of lesson 03, what the host's *answer* tells the victim
even when it is a refusal. Everything here is a pure function of the frames the notebook loads
with ``course.engine.data`` (no function reads a file), so the lesson cells are one-line calls
and the tests need no notebook.

- :func:`outcomes_by_posture` / :func:`outcomes_by_posture_figure`: the option-1 responses by the
  host's coded posture and their recorded outcome.
- :func:`request_channels` / :func:`channel_table`: which channels (technical, police, judicial,
  diplomatic) each request's description names. The data has no channel column, so this is the
  course's reading of the ``description`` text by keyword, shown as such; a description that
  names no known channel is counted as ``unclear``, never guessed.
- :func:`requests_table`: the requests, readable (country names, plain labels), optionally only
  those to hosts of some postures, so a slide shows a short table.
- :func:`request_risk_table`: the model's risk for a request, a protest and sanctions against
  each host posture in lesson 03's reference case.
- :func:`reply_figure` / :func:`describe_reply` / :func:`reply_controls`: the reply widget. A
  host's answer to a request is mapped to lesson 03's three questions (:data:`REPLY_ANSWERS`)
  and drawn with :func:`course.lessons.l03_due_diligence.diagnosis_figure`, so both lessons
  give one diagnosis.

The sentences a student reads are in ``content/04_option1_request_host_state.yaml`` under
``texts:`` (:data:`TEXTS`), checked at import.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Final

import ipywidgets as w
import pandas as pd
import plotly.graph_objects as go

from course.engine.countries import country_name
from course.engine.data import HOST_POSTURES, RESPONSE_OUTCOMES
from course.engine.escalation import HOST_STATES, Scenario, assess
from course.engine.labels import (
    HOST_POSTURE_LABELS,
    OPTION_SHORT_LABELS,
    RESPONSE_OUTCOME_LABELS,
)
from course.learning.content import TEXT, LessonTexts, choice_question, placeholders
from course.learning.quiz import MultipleChoice
from course.lessons import l03_due_diligence as l03
from course.ui.tables import TableView
from course.ui.theme import OUTCOME_COLOURS
from course.ui.widgets import dropdown

__all__ = [
    "CHANNELS",
    "COMPARED_OPTIONS",
    "OUTCOME_COLOURS",
    "REPLIES",
    "REPLY_ANSWERS",
    "SELF_CHECK_IDS",
    "TEXTS",
    "channel_table",
    "describe_reply",
    "outcomes_by_posture",
    "outcomes_by_posture_figure",
    "reply_controls",
    "reply_figure",
    "request_channels",
    "request_risk_table",
    "requests",
    "requests_table",
    "self_check_question",
    "table_view",
]

REQUEST: Final = "1"
"""The ``option`` code of a request to the host state to act."""

CHANNELS: Final = ("technical", "police", "judicial", "diplomatic")
"""The channels a request can travel through, from the brief's technical and diplomatic levels
plus the two the data show most often (police and judicial)."""

UNCLEAR: Final = "unclear"
"""The channel of a request whose description names none of :data:`CHANNELS`."""

_CHANNEL_WORDS: Final[Mapping[str, re.Pattern[str]]] = MappingProxyType(
    {
        "technical": re.compile(
            r"\bCERTs?\b|\bCSIRTs?\b|computer emergency|incident response team", re.IGNORECASE
        ),
        "police": re.compile(
            r"police|\binterpol\b|\beuropol\b|\bFBI\b|\bCBI\b|\bFSB\b|investigat|"
            r"law enforcement|agencies|Ministry of Public Security",
            re.IGNORECASE,
        ),
        "judicial": re.compile(
            r"legal[- ]assistance|treaty|extradit|warrant|prosecut|judicial|\beurojust\b",
            re.IGNORECASE,
        ),
        "diplomatic": re.compile(
            r"\bBiden\b|\bPutin\b|president|prime minister|foreign ministry|embassy|"
            r"\bgovernments?\b|\bminister\b|\bWashington\b|diplomat",
            re.IGNORECASE,
        ),
    }
)
"""Words by which a description names a channel. Deliberately narrow: "ambassador" is left out
because descriptions mention ambassadors who complained, not ones who asked."""

REPLIES: Final = ("not_yet", "acted", "needs_help", "refused", "shielded")
"""The answers a host can give to a request, in the order of the widget's drop-down."""

REPLY_ANSWERS: Final[Mapping[str, Mapping[str, str]]] = MappingProxyType(
    {
        "not_yet": MappingProxyType(dict(l03.DEFAULT_ANSWERS)),
        "acted": MappingProxyType({"able": "yes", "willing": "yes", "involved": "no"}),
        "needs_help": MappingProxyType({"able": "no", "willing": "yes", "involved": "no"}),
        "refused": MappingProxyType({"able": "unknown", "willing": "no", "involved": "unknown"}),
        "shielded": MappingProxyType({"able": "unknown", "willing": "no", "involved": "yes"}),
    }
)
"""What each reply answers of lesson 03's three questions (able, willing, involved). A reply
never proves more than it shows: a refusal says nothing about ability or involvement, so those
stay unknown and the diagnosis stays provisional."""

COMPARED_OPTIONS: Final = (1, 3, 5)
"""Options compared in :func:`request_risk_table`: the request, a protest, sanctions."""


SELF_CHECK_IDS: Final = ("04.q1", "04.q2", "04.q3", "04.q4")
"""Ids of lesson 04's self-check questions, in order."""

TEXTS: Final = LessonTexts(
    "04",
    {
        "channels": dict.fromkeys((*CHANNELS, UNCLEAR), TEXT),
        "channel_meanings": dict.fromkeys((*CHANNELS, UNCLEAR), TEXT),
        "outcomes_by_posture_title": TEXT,
        "replies": dict.fromkeys(REPLIES, TEXT),
        "reply_meanings": dict.fromkeys(REPLIES, TEXT),
        "reply_title": placeholders("reply", "posture"),
        "reply_lead": TEXT,
    },
)
"""Lesson 04's texts in ``content/04_option1_request_host_state.yaml`` (``texts:``)."""
TEXTS()


def table_view(frame: pd.DataFrame, *, index: bool = True) -> TableView:
    """A table as lesson 03 shows it (full cell text, left-aligned, optionally without the
    index), with a ``Date`` column kept on one line so "2007-05-10" does not break."""
    nowrap = {"Date": {"white-space": "nowrap"}} if "Date" in frame.columns else None
    return l03.table_view(frame, index=index, column_styles=nowrap)


# --------------------------------------------------------------------------------------------
# The requests in the data
# --------------------------------------------------------------------------------------------


def _require_columns(frame: pd.DataFrame, columns: Sequence[str]) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(
            f"joined: missing column(s) {', '.join(missing)}; pass the frame from "
            "course.engine.data.responses_with_incidents()"
        )


def requests(joined: pd.DataFrame) -> pd.DataFrame:
    """The option-1 responses (requests to act), oldest first."""
    _require_columns(joined, ("option", "date", "incident_id"))
    rows = joined.loc[joined["option"].astype(str) == REQUEST]
    return rows.sort_values(["date", "incident_id"], kind="stable").reset_index(drop=True)


def _request_rows(joined: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """``columns`` of the option-1 rows, in the frame's order, for counting them.

    A count does not depend on the order, so this skips what :func:`requests` does for a
    reader (copying and sorting all thirty columns); it checks the same columns, so a frame
    :func:`requests` refuses is refused here too.
    """
    _require_columns(joined, ("option", "date", "incident_id"))
    return joined.loc[joined["option"].astype(str) == REQUEST, list(columns)]


def outcomes_by_posture(joined: pd.DataFrame) -> pd.DataFrame:
    """Requests per host posture (rows, in the data's order) and outcome (columns), zeros kept.

    The posture is that of the attackers' host state as coded for the incident; a request may
    have gone to a third country where a suspect lived (the description says so)."""
    _require_columns(joined, ("option", "host_posture", "outcome"))
    rows = _request_rows(joined, ("host_posture", "outcome"))
    # Counted in Python: what pd.crosstab(...).reindex(..., fill_value=0) gives (int64, codes
    # outside the lists left out), without crosstab's pivot-table cost on a few dozen rows.
    counts = Counter(
        zip(rows["host_posture"].astype(str), rows["outcome"].astype(str), strict=True)
    )
    return pd.DataFrame(
        [
            [counts[(posture, outcome)] for outcome in RESPONSE_OUTCOMES]
            for posture in HOST_POSTURES
        ],
        index=pd.Index(list(HOST_POSTURES), name="host_posture"),
        columns=pd.Index(list(RESPONSE_OUTCOMES), name="outcome"),
        dtype="int64",
    )


def _count_ticks(top: int) -> int:
    """A whole-number tick step that gives at most about ten ticks up to ``top``."""
    for step in (1, 2, 5, 10, 20, 50):
        if top <= step * 10:
            return step
    return 100


def outcomes_by_posture_figure(joined: pd.DataFrame) -> go.Figure:
    """Stacked bars: for each host posture, the requests made and what followed them.

    Only outcomes that followed at least one request get a trace (and a legend entry); the
    postures are all shown, so an empty bar says "no request recorded" rather than vanishing."""
    table = outcomes_by_posture(joined)
    x = [HOST_POSTURE_LABELS[p] for p in table.index]
    top = int(table.sum(axis=1).max()) if not table.empty else 0
    # One go.Figure call with plain dicts: each trace is validated once, not once per add_bar.
    return go.Figure(
        data=[
            {
                "type": "bar",
                "x": x,
                "y": table[outcome].to_list(),
                "name": RESPONSE_OUTCOME_LABELS[outcome],
                "marker": {"color": OUTCOME_COLOURS[outcome]},
                "hovertemplate": (
                    f"{RESPONSE_OUTCOME_LABELS[outcome]}<br>%{{x}}: %{{y}} requests<extra></extra>"
                ),
            }
            for outcome in table.columns
            if int(table[outcome].sum()) > 0
        ],
        layout={
            "barmode": "stack",
            "title": {"text": TEXTS.get("outcomes_by_posture_title")},
            "xaxis": {"title": {"text": "Posture of the attackers' host state"}},
            "yaxis": {
                "title": {"text": "Requests to act (option 1)"},
                "dtick": _count_ticks(top),
                "tickformat": "d",
                "rangemode": "tozero",
            },
            "legend": {"title": {"text": "What followed"}},
            "height": 520,
        },
    )


def request_channels(description: str) -> tuple[str, ...]:
    """The channels a request's description names, in :data:`CHANNELS` order, or
    ``("unclear",)`` when it names none. A reading of the text, not a coded field."""
    if not isinstance(description, str):
        raise ValueError(f"description: got {description!r}; allowed: the text of a response")
    found = tuple(c for c in CHANNELS if _CHANNEL_WORDS[c].search(description))
    return found or (UNCLEAR,)


def channel_table(joined: pd.DataFrame) -> pd.DataFrame:
    """One row per channel: its name, what it means, and how many requests name it.

    A request that names two channels (a police hand-over backed by a minister) counts for
    both, so the counts can add up to more than the number of requests. The ``unclear`` row
    appears only when some description names no channel."""
    _require_columns(joined, ("option", "description"))
    counts = Counter(
        channel
        for description in _request_rows(joined, ("description",))["description"]
        for channel in request_channels(description)
    )
    rows = [c for c in (*CHANNELS, UNCLEAR) if c != UNCLEAR or counts[UNCLEAR]]
    return pd.DataFrame(
        {
            "Channel": [TEXTS.get("channels", c) for c in rows],
            "How it works": [TEXTS.get("channel_meanings", c) for c in rows],
            "Requests naming it": [counts[c] for c in rows],
        }
    )


def requests_table(
    joined: pd.DataFrame, postures: Sequence[str] | None = None, *, short: bool = False
) -> pd.DataFrame:
    """The requests as students read them: date, who asked, the attackers' host, its posture,
    what followed and what was done. ``postures`` keeps only hosts of those postures (codes of
    ``course.engine.data.HOST_POSTURES``); ``short`` drops the description for a slide."""
    _require_columns(
        joined,
        ("option", "date", "responder", "host_state", "host_posture", "outcome", "description"),
    )
    rows = requests(joined)
    if postures is not None:
        if isinstance(postures, str):
            postures = (postures,)
        bad = [p for p in postures if p not in HOST_POSTURES]
        if bad:
            raise ValueError(
                f"postures: {bad[0]!r} is not a host posture; allowed: {', '.join(HOST_POSTURES)}"
            )
        rows = rows.loc[rows["host_posture"].astype(str).isin(postures)]
    table = pd.DataFrame(
        {
            "Date": rows["date"].astype(str),
            "Incident": rows["name"].astype(str) if "name" in rows else rows["incident_id"],
            "Asked by": rows["responder"].astype(str).map(country_name),
            "Attackers' host": rows["host_state"].astype(str).map(country_name),
            "Host's posture": rows["host_posture"].astype(str).map(HOST_POSTURE_LABELS),
            "What followed": rows["outcome"].astype(str).map(RESPONSE_OUTCOME_LABELS),
            "What was done": rows["description"].astype(str),
        }
    ).reset_index(drop=True)
    return table.drop(columns=["What was done"]) if short else table


def request_risk_table() -> pd.DataFrame:
    """The model's risk (0-100) of a request, a protest and sanctions against each host
    posture, in lesson 03's reference case (large attack, attribution 0.8, half the evidence
    public, aimed at the attackers). Shows how little a hostile host adds to a request."""
    frame = pd.DataFrame(
        {
            OPTION_SHORT_LABELS[option]: [
                round(assess(Scenario(option=option, host_state=h, **l03.REFERENCE_CASE)).risk, 1)
                for h in HOST_STATES
            ]
            for option in COMPARED_OPTIONS
        },
        index=pd.Index([HOST_POSTURE_LABELS[h] for h in HOST_STATES], name="Host state"),
    )
    return frame


# --------------------------------------------------------------------------------------------
# The reply widget: what the host's answer tells you (lesson 03's diagnosis)
# --------------------------------------------------------------------------------------------


def _reply(reply: str) -> Mapping[str, str]:
    if not isinstance(reply, str) or reply not in REPLY_ANSWERS:
        raise ValueError(f"reply: got {reply!r}; allowed: {', '.join(REPLIES)}")
    return REPLY_ANSWERS[reply]


def reply_figure(reply: str) -> go.Figure:
    """Lesson 03's diagnosis figure for the host's answer to a request, titled with it."""
    answers = _reply(reply)
    fig = l03.diagnosis_figure(**answers)
    diagnosis = l03.diagnose(**answers)
    posture = HOST_POSTURE_LABELS[diagnosis.posture].lower()
    if diagnosis.provisional:
        posture += " (provisional)"
    key = l03.TEXTS.get("figure", "key")
    title = TEXTS.get("reply_title", reply=TEXTS.get("replies", reply), posture=posture)
    fig.update_layout(title={"text": f"{html.escape(title, quote=False)}<br><sup>{key}</sup>"})
    return fig


def describe_reply(reply: str) -> str:
    """HTML under the widget's figure: what the reply tells you, then lesson 03's diagnosis."""
    answers = _reply(reply)
    lead = html.escape(TEXTS.get("reply_lead"))
    meaning = html.escape(TEXTS.get("reply_meanings", reply))
    return f"<p><strong>{lead}</strong> {meaning}</p>" + l03.describe_diagnosis(**answers)


def reply_controls(start: str = "not_yet") -> dict[str, w.Dropdown]:
    """The widget's one drop-down, keyed ``reply`` like :func:`reply_figure`'s parameter."""
    _reply(start)
    choices = {TEXTS.get("replies", r): r for r in REPLIES}
    return {"reply": dropdown(choices, start, "The host state's answer")}


# --------------------------------------------------------------------------------------------
# Self-check
# --------------------------------------------------------------------------------------------


def self_check_question(qid: str) -> MultipleChoice:
    """Lesson 04's self-check question ``qid`` (one of :data:`SELF_CHECK_IDS`), with feedback
    for every choice; the words are in the content file, so no answer key shows in a cell."""
    if qid not in SELF_CHECK_IDS:
        raise ValueError(f"qid: unknown question {qid!r}; allowed: {', '.join(SELF_CHECK_IDS)}")
    return choice_question(qid)
