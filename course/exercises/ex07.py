"""Answer keys for exercises/07_option4_legal_measures_exercises.ipynb (ex07.task1-ex07.task5).

Importing this module registers the tasks with `course.learning.quiz`; the notebook then calls
``check("ex07.task2", table)``. Expected values are computed from ``data/`` and from the
escalation model at import, so they follow the data and the model when either changes.
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping
from typing import Any, Final

import pandas as pd

from course.engine.data import (
    ACTOR_TYPES,
    RESPONSE_OUTCOMES,
    responses_with_incidents,
    scenario_for,
)
from course.engine.escalation import assess
from course.engine.labels import RESPONSE_OPTION_LABELS
from course.learning.content import LessonTexts, choice_task, placeholders, task_words
from course.learning.quiz import Numeric, OpenQuestion, Predicate, SetAnswer
from course.learning.quiz.counts import first_difference
from course.lessons.l07_option4_legal_measures import LEGAL, STATE_LINKED

__all__ = [
    "EXPECTED_ARRESTED_AFTER",
    "EXPECTED_COUNTS",
    "EXPECTED_RISE",
    "MODEL_INCIDENT",
    "TASKS",
    "WEAK_ATTRIBUTION",
    "actor_outcome_counts",
    "arrested_after_state_linked_charges",
    "risk_rise",
]

MODEL_INCIDENT: Final = "dnc-2016"
"""Task 4's case: the Democratic Party hack, charged against GRU officers in 2018."""

WEAK_ATTRIBUTION: Final = 0.3
"""Task 4: the attribution the student lowers the case to (below the model's warning line)."""

_TEXTS: Final = LessonTexts(
    "07",
    {
        "ex07": {
            "task2": {
                "right": placeholders("total"),
                "wrong_count": placeholders("actor", "outcome", "got", "want"),
                "not_a_table": placeholders("type"),
                "not_a_number": placeholders("actor", "outcome", "value"),
                "unknown_label": placeholders("label"),
            },
            "arrest_elsewhere": placeholders("options"),
        }
    },
)
"""The feedback sentences, in ``content/07_option4_legal_measures.yaml`` (``texts: ex07:``)."""
_TEXTS()


def _say(key: str, **values: object) -> str:
    return _TEXTS.get("ex07", "task2", key, **values)


# --------------------------------------------------------------------------- reference solutions


def _legal(joined: pd.DataFrame) -> pd.DataFrame:
    return joined.loc[joined["option"].astype(str) == LEGAL]


def actor_outcome_counts(joined: pd.DataFrame) -> dict[tuple[str, str], int]:
    """Legal measures per (actor_type, outcome), without zeros."""
    legal = _legal(joined)
    pairs = zip(legal["actor_type"].astype(str), legal["outcome"].astype(str), strict=True)
    counts: dict[tuple[str, str], int] = {}
    for pair in pairs:
        counts[pair] = counts.get(pair, 0) + 1
    return counts


def arrested_after_state_linked_charges(joined: pd.DataFrame) -> frozenset[str]:
    """Incidents where a legal measure against state-linked attackers had the outcome
    ``arrested``."""
    legal = _legal(joined)
    legal = legal.loc[legal["actor_type"].astype(str).isin(STATE_LINKED)]
    return frozenset(legal.loc[legal["outcome"].astype(str) == "arrested", "incident_id"])


def risk_rise(incident: str = MODEL_INCIDENT, weak: float = WEAK_ATTRIBUTION) -> float:
    """How many points option 4's risk rises when the case's attribution drops to ``weak``."""
    coded = assess(scenario_for(incident, int(LEGAL)))
    lowered = assess(scenario_for(incident, int(LEGAL), attribution=weak))
    return round(lowered.risk - coded.risk, 1)


_JOINED: Final = responses_with_incidents()
EXPECTED_COUNTS: Final = actor_outcome_counts(_JOINED)
EXPECTED_ARRESTED_AFTER: Final = arrested_after_state_linked_charges(_JOINED)
EXPECTED_RISE: Final = risk_rise()


# --------------------------------------------------------------------------- task 2 checker


def _as_counts(answer: Any) -> dict[tuple[str, str], int] | str:
    """A crosstab (actor types x outcomes) as {(actor, outcome): n} without zeros, or why not."""
    if isinstance(answer, pd.Series) and isinstance(answer.index, pd.MultiIndex):
        answer = answer.unstack(fill_value=0)
    if not isinstance(answer, pd.DataFrame):
        return _say("not_a_table", type=type(answer).__name__)
    counts: dict[tuple[str, str], int] = {}
    for actor, row in answer.iterrows():
        if str(actor) not in ACTOR_TYPES:
            return _say("unknown_label", label=repr(actor))
        for outcome, value in row.items():
            if str(outcome) not in RESPONSE_OUTCOMES:
                return _say("unknown_label", label=repr(outcome))
            if isinstance(value, bool) or not isinstance(value, numbers.Real):
                return _say("not_a_number", actor=actor, outcome=outcome, value=repr(value))
            if value:
                counts[(str(actor), str(outcome))] = int(value)
    return counts


def _check_counts(answer: Any) -> tuple[bool, str]:
    counts = _as_counts(answer)
    if isinstance(counts, str):
        return False, counts
    if counts == EXPECTED_COUNTS:
        return True, _say("right", total=sum(counts.values()))
    difference = first_difference(counts, EXPECTED_COUNTS)
    if difference is None:  # pragma: no cover  (equal counts were handled above)
        return False, _say("wrong_count", actor="-", outcome="-", got="?", want="?")
    key, got, want = difference
    return False, _say("wrong_count", actor=key[0], outcome=key[1], got=got, want=want)


# --------------------------------------------------------------------------- task 3 feedback


def _arrests_elsewhere(joined: pd.DataFrame) -> Mapping[str, str]:
    """Why state-linked incidents with arrests on other rows do not count."""
    state_linked = joined.loc[joined["actor_type"].astype(str).isin(STATE_LINKED)]
    arrested = state_linked.loc[state_linked["outcome"].astype(str) == "arrested"]
    why: dict[str, str] = {}
    for incident, rows in arrested.groupby("incident_id"):
        if incident in EXPECTED_ARRESTED_AFTER:
            continue
        options = sorted({RESPONSE_OPTION_LABELS[str(o)] for o in rows["option"]})
        why[str(incident)] = _TEXTS.get("ex07", "arrest_elsewhere", options=" / ".join(options))
    return why


TASKS: Final = (
    choice_task("ex07.task1"),
    Predicate(
        "ex07.task2",
        test=_check_counts,
        solution="; ".join(f"{a} / {o}: {n}" for (a, o), n in sorted(EXPECTED_COUNTS.items())),
        **task_words("ex07.task2"),
    ),
    SetAnswer(
        "ex07.task3",
        expected=sorted(EXPECTED_ARRESTED_AFTER),
        feedback=_arrests_elsewhere(_JOINED),
        **task_words("ex07.task3"),
    ),
    Numeric(
        "ex07.task4",
        answer=EXPECTED_RISE,
        tolerance=0.05,
        unit="points",
        **task_words("ex07.task4", incident=MODEL_INCIDENT, weak=WEAK_ATTRIBUTION),
    ),
    OpenQuestion("ex07.task5", **task_words("ex07.task5", open_task=True)),
)
"""The five tasks, registered with course.learning.quiz on import."""
