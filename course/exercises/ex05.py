"""Answer keys for exercises/05_option2_capacity_building_exercises.ipynb (ex05.task1-task5).

Importing this module registers the tasks with `course.learning.quiz`; the notebook then calls
``check("ex05.task2", answer)``. Expected values are computed from ``data/`` and from the
escalation model at import, so they follow the data and the model when either changes.
"""

from __future__ import annotations

from typing import Any, Final

import pandas as pd

from course.engine.data import VICTIM_ASSISTANCE, responses_with_incidents, scenario_for
from course.engine.escalation import assess
from course.learning.content import TEXT, LessonTexts, choice_task, placeholders, task_words
from course.learning.quiz import MultipleChoice, Numeric, OpenQuestion, Predicate, SetAnswer
from course.learning.quiz.counts import as_counts, first_difference

__all__ = [
    "EXPECTED_HELPERS",
    "EXPECTED_HOSTS",
    "EXPECTED_RISE",
    "MODEL_INCIDENT",
    "TASKS",
    "helpers_per_responder",
    "option2_hosts",
    "sponsor_rise",
]

MODEL_INCIDENT: Final = "golden-triangle-sez-scams-2021"
"""The willing-but-unable case the model task scores (scam centres in Laos's Golden Triangle)."""

_TEXTS: Final = LessonTexts(
    "05",
    {
        "ex05": {
            "task2": {
                "right": placeholders("total", "n"),
                "wrong_count": placeholders("responder", "got", "want"),
                "not_counts": placeholders("type"),
                "not_a_number": placeholders("responder", "value"),
            },
            "task3": {"victim_host": placeholders("code")},
            "task4": {"sign": TEXT},
        }
    },
)
"""The feedback sentences, in ``content/05_option2_capacity_building.yaml`` (``texts: ex05:``)."""
_TEXTS()


def _say(*keys: str, **values: object) -> str:
    return _TEXTS.get("ex05", *keys, **values)


# --------------------------------------------------------------------------- reference solutions


def helpers_per_responder(joined: pd.DataFrame) -> dict[str, int]:
    """Capacity-building responses (option 2) per responder code (no zeros)."""
    counts = joined.loc[joined["option"].astype(str) == "2", "responder"].astype(str)
    return {code: int(n) for code, n in counts.value_counts().items()}


def option2_hosts(joined: pd.DataFrame) -> frozenset[str]:
    """Host states (codes) of the incidents in which option 2 was used."""
    return frozenset(joined.loc[joined["option"].astype(str) == "2", "host_state"].astype(str))


def sponsor_rise(incident_id: str = MODEL_INCIDENT) -> float:
    """How much option 2's risk rises when the incident's host is scored as a sponsor."""
    coded = assess(scenario_for(incident_id, 2))
    as_sponsor = assess(scenario_for(incident_id, 2, host_state="sponsor"))
    return round(as_sponsor.risk - coded.risk, 1)


_JOINED: Final = responses_with_incidents()
EXPECTED_HELPERS: Final = helpers_per_responder(_JOINED)
EXPECTED_HOSTS: Final = option2_hosts(_JOINED)
EXPECTED_RISE: Final = sponsor_rise()

# --------------------------------------------------------------------------- task 2 checker


def _as_counts(answer: Any) -> dict[str, int] | str:
    """A Series or dict of responder -> count as {"CN": 5, ...} without zeros, or why not."""

    def problem(name: str, **values: Any) -> str:
        if name == "several_columns":  # this task words a table as "not counts"
            name, values = "not_counts", {"type": "DataFrame with several columns"}
        return _say("task2", name, **values)

    return as_counts(answer, problem)


def _check_helpers(answer: Any) -> tuple[bool, str]:
    counts = _as_counts(answer)
    if isinstance(counts, str):
        return False, counts
    if counts == EXPECTED_HELPERS:
        total = sum(counts.values())
        return True, _say("task2", "right", total=total, n=len(counts))
    difference = first_difference(counts, EXPECTED_HELPERS)
    if difference is None:  # pragma: no cover  (equal counts were handled above)
        raise AssertionError("unreachable: equal counts were handled above")
    code, got, want = difference
    return False, _say("task2", "wrong_count", responder=code, got=got, want=want)


# --------------------------------------------------------------------------- task 3 feedback


def _victim_host_feedback() -> dict[str, str]:
    """Why the hosts of incidents that only saw help to the victim do not belong."""
    victim = _JOINED.loc[_JOINED["option"].astype(str) == VICTIM_ASSISTANCE, "host_state"]
    return {
        code: _say("task3", "victim_host", code=code)
        for code in sorted(set(victim.astype(str)) - EXPECTED_HOSTS)
    }


# --------------------------------------------------------------------------- the tasks


def _concept_task() -> MultipleChoice:
    """Task 1 as authored; the choice marked right must describe a response to a host."""
    return choice_task("ex05.task1")


TASKS: Final = (
    _concept_task(),
    Predicate(
        "ex05.task2",
        test=_check_helpers,
        solution=", ".join(f"{k}: {v}" for k, v in sorted(EXPECTED_HELPERS.items())),
        **task_words("ex05.task2"),
    ),
    SetAnswer(
        "ex05.task3",
        expected=sorted(EXPECTED_HOSTS),
        feedback=_victim_host_feedback(),
        **task_words("ex05.task3"),
    ),
    Numeric(
        "ex05.task4",
        answer=EXPECTED_RISE,
        tolerance=0.05,
        mistakes={-EXPECTED_RISE: _say("task4", "sign")},
        **task_words("ex05.task4", incident=MODEL_INCIDENT),
    ),
    OpenQuestion("ex05.task5", **task_words("ex05.task5", open_task=True)),
)
"""The five tasks, registered with course.learning.quiz on import."""
