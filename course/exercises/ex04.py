"""Answer keys for exercises/04_option1_request_host_state_exercises.ipynb (ex04.task1-task5).

Importing this module registers the tasks with `course.learning.quiz`; the notebook then calls
``check("ex04.task2", answer)``. Expected values are computed from ``data/`` and from the
escalation model at import, so they follow the data and the model when either changes.
"""

from __future__ import annotations

from typing import Any, Final

import pandas as pd

from course.engine.data import RESPONSE_OUTCOMES, responses_with_incidents, scenario_for
from course.engine.escalation import assess
from course.engine.labels import HOST_POSTURE_LABELS
from course.learning.content import TEXT, LessonTexts, choice_task, placeholders, task_words
from course.learning.quiz import Numeric, OpenQuestion, Predicate, SetAnswer
from course.learning.quiz.counts import as_counts, first_difference

__all__ = [
    "EXPECTED_AGAINST_THE_ODDS",
    "EXPECTED_OUTCOME_COUNTS",
    "EXPECTED_RISE",
    "HOSTILE_POSTURES",
    "MODEL_INCIDENT",
    "TASKS",
    "hostile_requests_with_arrests",
    "request_outcome_counts",
    "risk_rise",
]

MODEL_INCIDENT: Final = "estonia-2007"
"""The incident the model task scores (the DDoS campaign against Estonia, 2007)."""

HOSTILE_POSTURES: Final = ("able_unwilling", "sponsor")
"""Task 3: the host postures under which a request is least likely to work."""

_TEXTS: Final = LessonTexts(
    "04",
    {
        "ex04": {
            "task2": {
                "right": placeholders("total", "arrested"),
                "wrong_count": placeholders("outcome", "got", "want"),
                "differ": TEXT,
                "several_columns": TEXT,
                "not_counts": placeholders("type"),
                "not_a_number": placeholders("outcome", "value"),
                "not_an_outcome": placeholders("key", "outcomes"),
            },
            "task3": {
                "friendly_host": placeholders("posture"),
                "no_arrests": placeholders("outcome"),
            },
            "task4": {"option_5": TEXT, "able_unwilling": TEXT},
        }
    },
)
"""The feedback sentences, in ``content/04_option1_request_host_state.yaml`` (``texts: ex04:``)."""
_TEXTS()


def _say(*keys: str, **values: object) -> str:
    return _TEXTS.get("ex04", *keys, **values)


# --------------------------------------------------------------------------- reference solutions


def _requests(joined: pd.DataFrame) -> pd.DataFrame:
    return joined.loc[joined["option"].astype(str) == "1"]


def request_outcome_counts(joined: pd.DataFrame) -> dict[str, int]:
    """Requests to act (option 1) per recorded outcome, without zeros."""
    counts = _requests(joined)["outcome"].astype(str).value_counts()
    return {outcome: int(n) for outcome, n in counts.items() if n > 0}


def hostile_requests_with_arrests(joined: pd.DataFrame) -> frozenset[str]:
    """Incidents where a request to act was followed by arrests although the attackers' host is
    coded as able but unwilling or as a sponsor."""
    rows = _requests(joined)
    rows = rows.loc[rows["host_posture"].astype(str).isin(HOSTILE_POSTURES)]
    return frozenset(rows.loc[rows["outcome"].astype(str) == "arrested", "incident_id"])


def risk_rise(incident_id: str, option: int, to_posture: str = "sponsor") -> float:
    """How much the model's risk of ``option`` for the incident rises when its host goes from
    willing and able to ``to_posture``."""
    friendly = assess(scenario_for(incident_id, option, host_state="willing_able")).risk
    hostile = assess(scenario_for(incident_id, option, host_state=to_posture)).risk
    return round(hostile - friendly, 6)


_JOINED: Final = responses_with_incidents()
EXPECTED_OUTCOME_COUNTS: Final = request_outcome_counts(_JOINED)
EXPECTED_AGAINST_THE_ODDS: Final = hostile_requests_with_arrests(_JOINED)
EXPECTED_RISE: Final = risk_rise(MODEL_INCIDENT, 1)
_WRONG_RISES: Final = {
    risk_rise(MODEL_INCIDENT, 5): _say("task4", "option_5"),
    risk_rise(MODEL_INCIDENT, 1, "able_unwilling"): _say("task4", "able_unwilling"),
}


# --------------------------------------------------------------------------- task 2 checker


def _as_counts(answer: Any) -> dict[str, int] | str:
    """A Series or dict of outcome -> count as {"arrested": 29, ...} without zeros, or why not."""

    def problem(name: str, **values: Any) -> str:
        if name == "not_a_number":  # this task words the key as an outcome
            return _say("task2", name, outcome=values["responder"], value=values["value"])
        if name == "not_a_responder":
            outcomes = ", ".join(RESPONSE_OUTCOMES)
            return _say("task2", "not_an_outcome", key=values["key"], outcomes=outcomes)
        return _say("task2", name, **values)

    return as_counts(answer, problem, known=RESPONSE_OUTCOMES)


def _check_outcome_counts(answer: Any) -> tuple[bool, str]:
    counts = _as_counts(answer)
    if isinstance(counts, str):
        return False, counts
    if counts == EXPECTED_OUTCOME_COUNTS:
        return True, _say(
            "task2",
            "right",
            total=sum(counts.values()),
            arrested=counts.get("arrested", 0),
        )
    difference = first_difference(counts, EXPECTED_OUTCOME_COUNTS, RESPONSE_OUTCOMES)
    if difference is None:  # pragma: no cover  (equal counts were handled above)
        return False, _say("task2", "differ")
    outcome, got, want = difference
    return False, _say("task2", "wrong_count", outcome=outcome, got=got, want=want)


# --------------------------------------------------------------------------- task 3 feedback


def _not_against_the_odds() -> dict[str, str]:
    """Why an incident with a request does not belong: a friendly host, or no arrests."""
    why: dict[str, str] = {}
    rows = _requests(_JOINED)
    for incident, group in rows.groupby("incident_id", observed=True):
        if incident in EXPECTED_AGAINST_THE_ODDS:
            continue
        posture = str(group["host_posture"].iloc[0])
        if posture in HOSTILE_POSTURES:
            outcomes = ", ".join(sorted(set(group["outcome"].astype(str))))
            why[str(incident)] = _say("task3", "no_arrests", outcome=outcomes)
        else:
            why[str(incident)] = _say(
                "task3", "friendly_host", posture=HOST_POSTURE_LABELS[posture].lower()
            )
    return why


# --------------------------------------------------------------------------- the tasks

TASKS: Final = (
    choice_task("ex04.task1"),
    Predicate(
        "ex04.task2",
        test=_check_outcome_counts,
        solution=", ".join(f"{k}: {v}" for k, v in sorted(EXPECTED_OUTCOME_COUNTS.items())),
        **task_words("ex04.task2"),
    ),
    SetAnswer(
        "ex04.task3",
        expected=sorted(EXPECTED_AGAINST_THE_ODDS),
        feedback=_not_against_the_odds(),
        **task_words("ex04.task3"),
    ),
    Numeric(
        "ex04.task4",
        answer=EXPECTED_RISE,
        tolerance=0.01,
        mistakes=_WRONG_RISES,
        **task_words("ex04.task4", incident=MODEL_INCIDENT),
    ),
    OpenQuestion("ex04.task5", **task_words("ex04.task5", open_task=True)),
)
"""The five tasks, registered with course.learning.quiz on import."""
