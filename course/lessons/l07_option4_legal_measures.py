"""Lesson 07, option 4 of the brief: legal measures (indictments, complaints, warrants, trials).

Why this module exists: the brief says that legal measures send a public signal but are often
symbolic, because the accused can only be arrested when they travel, and that naming a state's
part in a court filing works as naming and shaming (van der Meer 2020, "Option 4"). The course's
data record, for every legal measure, what followed it (``outcome``). This module turns those
rows into what the lesson shows:

- :func:`outcomes_by` and :func:`outcome_figure`: the legal measures by who attacked (or by the
  host's posture, or by who brought them) and by what followed; :func:`outcome_summary` says, per
  bar, how many were followed by arrests or convictions. The lesson's widget wires a drop-down and
  a checkbox (:func:`outcome_controls`) to these pure functions.
- :func:`naming_table`: per incident, the legal steps against attackers who worked for a state,
  the court filings that name a state's officers.
- :func:`arrest_sequence`: the requests, arrests abroad and charges in the cases where someone
  charged was arrested in a third country (:data:`ARREST_CASES`).
- :func:`ladder_table`: where option 4 sits on the legal ladder, read from the escalation model.

Every sentence a student reads is in ``content/07_option4_legal_measures.yaml`` (``texts:``);
functions take the joined frame of ``course.engine.data.responses_with_incidents()`` as an
argument, so nothing here reads files and nothing is hard-coded about how a case is coded.
"""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from types import MappingProxyType
from typing import Final

import ipywidgets as w
import pandas as pd
import plotly.graph_objects as go

from course.engine.countries import country_name
from course.engine.data import ACTOR_TYPES, HOST_POSTURES, RESPONSE_OUTCOMES
from course.engine.escalation import LEGAL_BASES, OPTIONS, Scenario, assess
from course.engine.labels import (
    ACTOR_TYPE_LABELS,
    HOST_POSTURE_LABELS,
    LEGAL_BASIS_LABELS,
    OPTION_SHORT_LABELS,
    RESPONSE_OPTION_LABELS,
    RESPONSE_OUTCOME_LABELS,
)
from course.learning.content import TEXT, LessonTexts, choice_question, placeholders
from course.learning.quiz import MultipleChoice
from course.lessons.l03_due_diligence import table_view
from course.ui.theme import OUTCOME_COLOURS
from course.ui.widgets import dropdown

__all__ = [
    "ARREST_CASES",
    "EXPLORER_START",
    "GROUPINGS",
    "LEGAL",
    "OPTION",
    "OUTCOME_COLOURS",
    "OUTCOME_STACK",
    "REQUESTER",
    "RESPONDER_GROUPS",
    "SELF_CHECK_IDS",
    "STATE_LINKED",
    "TEXTS",
    "arrest_sequence",
    "group_labels",
    "ladder_table",
    "legal_measures",
    "naming_table",
    "option_legal_basis",
    "outcome_builder",
    "outcome_controls",
    "outcome_describer",
    "outcome_figure",
    "outcome_summary",
    "outcomes_by",
    "self_check_question",
    "table_view",
]

OPTION: Final = 4
"""The brief's option this lesson teaches."""

LEGAL: Final = str(OPTION)
"""How option 4 is written in the data's ``option`` column."""

EXPLORER_START: Final = "yahoo-2014"
"""Where the case-study explorer opens: the Yahoo theft, whose indictment named two officers of
Russia's FSB together with two hackers, one of whom was arrested in Canada at US request. It has
requests, charges and sanctions in the record, so students can compare option 4 with both
neighbours."""

ARREST_CASES: Final = MappingProxyType(
    {"yahoo-2014": "CA", "apt41-2014": "MY", "revil-kaseya-2021": "PL", "hafnium-2021": "IT"}
)
"""Incidents in which someone charged by the United States was arrested in a third country on a
US request, with that country (Canada, Malaysia, Poland, Italy). What was done is read from the
rows; tests check that each incident has a US legal measure and an arrest."""

REQUESTER: Final = "US"
"""The state that charged and asked for the arrests in :data:`ARREST_CASES`."""

STATE_LINKED: Final = ("state_disguised", "proxy_contractor")
"""Actor types that worked for a state: its own officers in disguise, or its hired proxies."""

GROUPINGS: Final = ("actor_type", "host_posture", "responder_group")
"""What the figure can group the legal measures by (the options of its drop-down)."""

RESPONDER_GROUPS: Final = ("us", "others")
"""``responder_group``: the United States, which brought most legal measures, and everyone else."""

OUTCOME_STACK: Final = (
    "arrested",
    "stopped",
    "rebranded",
    "continued",
    "refused",
    "host_retaliated",
    "unknown",
)
"""The outcomes in the order the bars stack them: arrests first, not known last."""

if set(OUTCOME_STACK) != set(RESPONSE_OUTCOMES):
    raise AssertionError("OUTCOME_STACK must hold every outcome of course.engine.data")


SELF_CHECK_IDS: Final = ("07.q1", "07.q2", "07.q3", "07.q4")
"""Ids of lesson 07's self-check questions, in order (texts in the content file)."""

TEXTS: Final = LessonTexts(
    "07",
    {
        "groupings": dict.fromkeys(GROUPINGS, TEXT),
        "responder_groups": dict.fromkeys(RESPONDER_GROUPS, TEXT),
        "controls": {"by": TEXT, "known_only": TEXT},
        "figure": {
            "title": placeholders("grouping"),
            "title_known": placeholders("grouping"),
            "xaxis": TEXT,
            "legend": TEXT,
        },
        "summary": {
            "intro": placeholders("measures"),
            "row": placeholders("group", "arrested", "measures", "share"),
            "note": TEXT,
        },
    },
)
"""Lesson 07's texts in ``content/07_option4_legal_measures.yaml`` (``texts:``), checked at
import."""
TEXTS()

_DATA_COLUMNS: Final = (
    "incident_id",
    "date",
    "responder",
    "option",
    "description",
    "outcome",
    "name",
    "actor_type",
    "host_state",
    "host_posture",
)


def _require_columns(frame: pd.DataFrame, columns: Sequence[str] = _DATA_COLUMNS) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(
            f"joined: missing column(s) {', '.join(missing)}; pass the frame from "
            "course.engine.data.responses_with_incidents()"
        )


def _require_grouping(by: object) -> str:
    if by not in GROUPINGS:
        raise ValueError(f"by: got {by!r}; allowed: {', '.join(GROUPINGS)}")
    return str(by)


# --------------------------------------------------------------------------------------------
# The legal measures and what followed them
# --------------------------------------------------------------------------------------------


def legal_measures(joined: pd.DataFrame) -> pd.DataFrame:
    """Every option-4 response (indictments, complaints, warrants, convictions, injunctions),
    oldest first, with its incident's columns and a ``responder_group`` column ("us"/"others")."""
    return _legal_rows(joined)


def _legal_rows(joined: pd.DataFrame, columns: Sequence[str] | None = None) -> pd.DataFrame:
    """:func:`legal_measures`, keeping only ``columns`` of ``joined`` (all if ``None``) besides
    ``date``, ``incident_id``, ``responder`` and ``responder_group``.

    Why: each view below reads two to six of the joined frame's thirty columns, and filtering
    and sorting a narrow frame costs a fraction of the whole one; the rows, their order and
    their values are those of :func:`legal_measures`. ``columns`` must be among the checked
    :data:`_DATA_COLUMNS` (so a missing column gives the same error as before).
    """
    _require_columns(joined)
    keep = (
        slice(None)
        if columns is None
        else list(dict.fromkeys(("date", "incident_id", "responder", *columns)))
    )
    rows = joined.loc[joined["option"].astype(str) == LEGAL, keep].copy()
    rows["responder_group"] = (rows["responder"].astype(str) == "US").map(
        {True: "us", False: "others"}
    )
    return rows.sort_values(["date", "incident_id"], kind="stable").reset_index(drop=True)


def group_labels(by: str) -> dict[str, str]:
    """Code -> plain label of every group of ``by``, in the vocabulary's order."""
    by = _require_grouping(by)
    if by == "actor_type":
        return {code: ACTOR_TYPE_LABELS[code] for code in ACTOR_TYPES}
    if by == "host_posture":
        return {code: HOST_POSTURE_LABELS[code] for code in HOST_POSTURES}
    return {code: TEXTS.get("responder_groups", code) for code in RESPONDER_GROUPS}


def outcomes_by(
    joined: pd.DataFrame, by: str = "actor_type", *, known_only: bool = False
) -> pd.DataFrame:
    """Legal measures counted per group of ``by`` (rows) and outcome (columns).

    Rows are the groups with at least one legal measure, in the vocabulary's order; columns are
    every outcome in :data:`OUTCOME_STACK` order, zeros included. ``known_only`` drops the
    measures whose outcome is ``unknown`` (the column stays, all zeros).
    """
    by = _require_grouping(by)
    if not isinstance(known_only, bool):
        raise ValueError(f"known_only: got {known_only!r}; allowed: True or False")
    # responder_group is computed by _legal_rows, not read from joined
    rows = _legal_rows(joined, ("outcome",) if by == "responder_group" else ("outcome", by))
    outcomes = rows["outcome"].astype(str)
    if known_only:
        known = outcomes != "unknown"
        rows, outcomes = rows.loc[known], outcomes.loc[known]
    # A counter of (group, outcome) pairs and one frame built from it: what a crosstab
    # reindexed to the groups present and every outcome gives, for a tenth of its cost here
    # (like a crosstab, a group counts as present only with an outcome that is not missing).
    cells = Counter(zip(rows[by].astype(str).tolist(), outcomes.tolist(), strict=True))
    groups = {group for group, outcome in cells if not pd.isna(outcome)}
    present = [g for g in group_labels(by) if g in groups]
    return pd.DataFrame(
        [[cells[(group, outcome)] for outcome in OUTCOME_STACK] for group in present],
        index=pd.Index(present, dtype="str", name=by),
        columns=pd.Index(OUTCOME_STACK, dtype="str", name="outcome"),
        dtype="int64",
    )


def _count_ticks(top: int) -> dict[str, object]:
    """Whole-number ticks for a count axis: a step of 1, 2, 5 or 10 so labels never crowd."""
    step = next((s for s in (1, 2, 5, 10, 20) if top / s <= 10), 50)
    return {"dtick": step, "tick0": 0, "tickformat": "d", "rangemode": "tozero"}


def outcome_figure(
    joined: pd.DataFrame, by: str = "actor_type", known_only: bool = False
) -> go.Figure:
    """Horizontal stacked bars: for each group, its legal measures coloured by what followed.

    Arrests or convictions stack first (green), "not known" last (pale). Only outcomes that
    occur get a trace, so the legend lists what the bars show.
    """
    table = outcomes_by(joined, by, known_only=known_only)
    labels = group_labels(by)
    y = [labels[g] for g in table.index]
    bars = []
    for outcome in OUTCOME_STACK:
        counts = table[outcome].to_list()
        if not any(counts):
            continue
        label = RESPONSE_OUTCOME_LABELS[outcome]
        bars.append(
            {
                "type": "bar",
                "y": y,
                "x": counts,
                "orientation": "h",
                "name": label,
                "marker": {"color": OUTCOME_COLOURS[outcome]},
                "hovertemplate": f"%{{y}}<br>{html.escape(label)}: %{{x}}<extra></extra>",
            }
        )
    grouping = TEXTS.get("groupings", by)
    title_key = "title_known" if known_only else "title"
    top = int(table.sum(axis=1).max()) if len(table) else 1
    # One Figure call with plain dicts: plotly validates each part once, where add_bar per
    # outcome and update_layout afterwards cost several times as much for the same figure.
    return go.Figure(
        data=bars,
        layout={
            "barmode": "stack",
            "title": TEXTS.get("figure", title_key, grouping=grouping.lower()),
            "xaxis": {"title": {"text": TEXTS.get("figure", "xaxis")}, **_count_ticks(top)},
            "yaxis": {"title": {"text": grouping}, "autorange": "reversed"},
            "legend": {"title": {"text": TEXTS.get("figure", "legend")}, "traceorder": "normal"},
            "height": max(380, 70 * len(table) + 200),
        },
    )


def outcome_summary(joined: pd.DataFrame, by: str = "actor_type", known_only: bool = False) -> str:
    """HTML under the figure: per group, how many legal measures were followed by arrests or
    convictions, and the warning that an outcome follows a measure without proving cause."""
    table = outcomes_by(joined, by, known_only=known_only)
    labels = group_labels(by)
    totals = table.sum(axis=1)
    items = []
    for group in table.index:
        measures = int(totals[group])
        arrested = int(table.loc[group, "arrested"])
        share = round(100 * arrested / measures) if measures else 0
        text = TEXTS.get(
            "summary",
            "row",
            group=labels[group],
            arrested=arrested,
            measures=measures,
            share=share,
        )
        items.append(f"<li>{html.escape(text)}</li>")
    intro = TEXTS.get("summary", "intro", measures=int(totals.sum()))
    note = TEXTS.get("summary", "note")
    return (
        f"<div class='course-legal-outcomes'><p>{html.escape(intro)}</p>"
        f"<ul>{''.join(items)}</ul><p><em>{html.escape(note)}</em></p></div>"
    )


def outcome_builder(joined: pd.DataFrame) -> Callable[..., go.Figure]:
    """``build(by, known_only)`` for ``LiveFigure``: :func:`outcome_figure` on these data."""
    _require_columns(joined)

    def build(by: str, known_only: bool) -> go.Figure:
        return outcome_figure(joined, by, known_only)

    return build


def outcome_describer(joined: pd.DataFrame) -> Callable[..., str]:
    """``describe(by, known_only)`` for ``LiveFigure``: :func:`outcome_summary` on these data."""
    _require_columns(joined)

    def describe(by: str, known_only: bool) -> str:
        return outcome_summary(joined, by, known_only)

    return describe


def outcome_controls(by: str = "actor_type", known_only: bool = False) -> dict[str, w.ValueWidget]:
    """A drop-down of :data:`GROUPINGS` and a checkbox, keyed like :func:`outcome_figure`'s
    parameters and set to the values of the static figure shown before the widget."""
    by = _require_grouping(by)
    if not isinstance(known_only, bool):
        raise ValueError(f"known_only: got {known_only!r}; allowed: True or False")
    choices = {TEXTS.get("groupings", g): g for g in GROUPINGS}
    return {
        "by": dropdown(choices, by, TEXTS.get("controls", "by")),
        "known_only": w.Checkbox(
            value=known_only, description=TEXTS.get("controls", "known_only"), indent=False
        ),
    }


# --------------------------------------------------------------------------------------------
# Tables: naming a state in court, and arrests abroad
# --------------------------------------------------------------------------------------------


def _outcome_list(outcomes: Iterable[object]) -> str:
    present = {str(o) for o in outcomes}
    return "; ".join(RESPONSE_OUTCOME_LABELS[o] for o in OUTCOME_STACK if o in present)


def _responders(codes: Iterable[object]) -> str:
    return ", ".join(dict.fromkeys(country_name(str(c)) for c in codes))


def naming_table(joined: pd.DataFrame, actor_type: str) -> pd.DataFrame:
    """One row per incident of ``actor_type`` with a legal measure: the court filings that name
    people who worked for a state, oldest first.

    Columns: the incident, the state the attackers worked from, the first legal step's date, who
    brought the legal steps, how many there were, and what followed them (outcome labels).
    """
    if actor_type not in STATE_LINKED:
        raise ValueError(f"actor_type: got {actor_type!r}; allowed: {', '.join(STATE_LINKED)}")
    rows = _legal_rows(joined, ("name", "host_state", "outcome", "actor_type"))
    rows = rows.loc[(rows["actor_type"].astype(str) == actor_type) & rows["incident_id"].notna()]
    # Each incident's rows, grouped in plain Python in order of first appearance (what
    # groupby(sort=False) gives): a dozen small groups, where iterating a groupby costs more.
    column = {name: rows[name].tolist() for name in rows.columns}
    groups: dict[object, list[int]] = {}
    for position, incident in enumerate(column["incident_id"]):
        groups.setdefault(incident, []).append(position)
    records = []
    for positions in groups.values():
        first = positions[0]
        records.append(
            {
                "incident": str(column["name"][first]),
                "attackers worked from": country_name(str(column["host_state"][first])),
                "first legal step": str(column["date"][first]),
                "brought by": _responders(column["responder"][p] for p in positions),
                "legal steps": len(positions),
                "what followed": _outcome_list(column["outcome"][p] for p in positions),
            }
        )
    columns = [
        "incident",
        "attackers worked from",
        "first legal step",
        "brought by",
        "legal steps",
        "what followed",
    ]
    frame = pd.DataFrame.from_records(records, columns=columns)
    return frame.sort_values(["first legal step", "incident"], kind="stable").reset_index(drop=True)


_ARREST_COLUMNS: Final = (
    "incident_id",
    "date",
    "responder",
    "option",
    "description",
    "outcome",
    "name",
)
"""The columns :func:`arrest_sequence` reads (all checked by :func:`_require_columns`)."""


def arrest_sequence(
    joined: pd.DataFrame, cases: Mapping[str, str] | Sequence[str] | None = None
) -> pd.DataFrame:
    """How a charge in one country became an arrest in another, for each incident of ``cases``
    (incident id -> code of the arresting country; default :data:`ARREST_CASES`; a list of ids
    of :data:`ARREST_CASES` picks some of them, so a slide can show two at a time).

    Rows: the requests (option 1) and legal measures (option 4) of :data:`REQUESTER` up to its
    first legal measure in the incident, and every response of the arresting country, by date,
    each with what was done and what followed as the data record them.
    """
    _require_columns(joined)
    if cases is None:
        cases = ARREST_CASES
    elif not isinstance(cases, Mapping):
        if isinstance(cases, str) or any(c not in ARREST_CASES for c in cases):
            raise ValueError(
                f"cases: got {cases!r}; allowed: a mapping of incident id to the arresting "
                f"country, or a list of ids from {', '.join(ARREST_CASES)}"
            )
        cases = {c: ARREST_CASES[c] for c in cases}
    # Only the columns the table shows: taking each incident's rows from a narrow frame costs a
    # fraction of taking them from all thirty columns.
    narrow = joined[list(_ARREST_COLUMNS)]
    frames = []
    for incident, arrester in cases.items():
        rows = narrow.loc[narrow["incident_id"] == incident]
        if rows.empty:
            raise ValueError(f"cases: {incident!r} is not an incident id in the data")
        option = rows["option"].astype(str)
        by_requester = rows["responder"].astype(str) == REQUESTER
        charges = rows.loc[by_requester & (option == LEGAL), "date"]
        if charges.empty:
            raise ValueError(f"cases: {incident!r} has no legal measure by {REQUESTER}")
        first_charge = str(charges.min())
        requester_steps = by_requester & option.isin(["1", LEGAL])
        requester_steps &= rows["date"].astype(str) <= first_charge
        arrester_steps = rows["responder"].astype(str) == arrester
        frames.append(rows.loc[requester_steps | arrester_steps].sort_values("date", kind="stable"))
    rows = pd.concat(frames)
    return pd.DataFrame(
        {
            "incident": rows["name"].astype(str),
            "date": rows["date"].astype(str),
            "by": [country_name(str(c)) for c in rows["responder"]],
            "step": [RESPONSE_OPTION_LABELS[str(o)] for o in rows["option"]],
            "what was done": rows["description"].astype(str),
            "what followed": [RESPONSE_OUTCOME_LABELS[str(o)] for o in rows["outcome"]],
        }
    ).reset_index(drop=True)


# --------------------------------------------------------------------------------------------
# The legal ladder, read from the model
# --------------------------------------------------------------------------------------------

_LADDER_CASE: Final = {
    "attack_scale": "large",
    "attribution": 0.8,
    "public_evidence": 0.5,
    "host_state": "able_unwilling",
}


def ladder_table() -> pd.DataFrame:
    """The rungs of the legal ladder with the options that need each, from the model's
    ``assess`` (the rule depends on the option alone), so the table cannot drift from it."""
    needed: dict[str, list[str]] = {basis: [] for basis in LEGAL_BASES}
    for number in OPTIONS:
        basis = assess(Scenario(option=number, **_LADDER_CASE)).legal_basis
        needed[basis].append(OPTION_SHORT_LABELS[number])
    return pd.DataFrame(
        {
            "rung": range(1, len(LEGAL_BASES) + 1),
            "legal basis": [LEGAL_BASIS_LABELS[b] for b in LEGAL_BASES],
            "options that need it": ["; ".join(needed[b]) for b in LEGAL_BASES],
        }
    ).set_index("rung")


def option_legal_basis(option: int = OPTION) -> str:
    """The plain label of the rung ``option`` needs in the model ("Retorsion" for option 4)."""
    return LEGAL_BASIS_LABELS[assess(Scenario(option=option, **_LADDER_CASE)).legal_basis]


# --------------------------------------------------------------------------------------------
# Self-check
# --------------------------------------------------------------------------------------------


def self_check_question(qid: str) -> MultipleChoice:
    """Lesson 07's self-check question ``qid`` (one of :data:`SELF_CHECK_IDS`), with its texts
    from the content file, so no answer key is printed above it."""
    if qid not in SELF_CHECK_IDS:
        raise ValueError(f"qid: unknown question {qid!r}; allowed: {', '.join(SELF_CHECK_IDS)}")
    return choice_question(qid)
