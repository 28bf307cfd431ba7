"""Answer keys for exercises/03_due_diligence_exercises.ipynb (tasks ex03.task1-ex03.task5).

Importing this module registers the tasks with `course.learning.quiz`; the notebook then calls
``check("ex03.task2", answer)``. Expected values are computed from ``data/`` and from the
escalation model at import, so they follow the data and the model when either changes.
"""

from __future__ import annotations

from typing import Any, Final

import pandas as pd

from course.engine.data import RESPONSE_OPTIONS, responses_with_incidents, scenario_for
from course.engine.escalation import OPTIONS, Scenario, assess
from course.engine.labels import LEGAL_BASIS_LABELS
from course.learning.content import TEXT, LessonTexts, choice_task, placeholders, task_words
from course.learning.quiz import MultipleChoice, Numeric, OpenQuestion, Predicate, SetAnswer
from course.learning.quiz.counts import as_counts, first_difference

__all__ = [
    "COUNTERMEASURE_INCIDENT",
    "EXPECTED_FIRST_REQUESTS",
    "EXPECTED_LIGHTEST_COUNTERMEASURE",
    "EXPECTED_SPONSOR_COUNTS",
    "TASKS",
    "first_responses",
    "sponsor_option_counts",
]

COUNTERMEASURE_INCIDENT: Final = "colonial-2021"
"""The able-but-unwilling case the model task scores (Colonial Pipeline, 2021)."""

_WRONG_OPTIONS: Final = (5, 7)
"""Task 4: the wrong option numbers with their own feedback."""

_TEXTS: Final = LessonTexts(
    "03",
    {
        "ex03": {
            "task2": {
                "right": placeholders("total"),
                "wrong_count": placeholders("option", "got", "want"),
                "differ": TEXT,
                "several_columns": TEXT,
                "not_counts": placeholders("type"),
                "not_a_number": placeholders("option", "value"),
                "not_an_option": placeholders("key", "options"),
            },
            "late_request": placeholders("date", "options"),
            "task4": dict.fromkeys(_WRONG_OPTIONS, TEXT),
        }
    },
)
"""The feedback sentences, in ``content/03_due_diligence.yaml`` (``texts: ex03:``)."""
_TEXTS()


def _say(*keys: str, **values: object) -> str:
    return _TEXTS.get("ex03", "task2", *keys, **values)


# --------------------------------------------------------------------------- reference solutions


def sponsor_option_counts(joined: pd.DataFrame) -> dict[str, int]:
    """Responses per option against incidents whose host posture is ``sponsor`` (no zeros)."""
    sponsor = joined[joined["host_posture"].astype(str) == "sponsor"]
    counts = sponsor["option"].astype(str).value_counts()
    return {option: int(n) for option, n in counts.items() if n > 0}


def first_responses(joined: pd.DataFrame) -> pd.DataFrame:
    """The responses on each incident's earliest date (several when they share that date).

    Dates are compared as text: ``YYYY``, ``YYYY-MM`` and ``YYYY-MM-DD`` sort correctly that way,
    a date known only to the month or year counting as the start of that month or year.
    """
    earliest = joined.groupby("incident_id")["date"].transform("min")
    return joined.loc[joined["date"] == earliest]


def _lightest_countermeasure(incident_id: str) -> int:
    for number in OPTIONS:
        if assess(scenario_for(incident_id, number)).legal_basis == "countermeasure":
            return number
    raise AssertionError("no option needs a countermeasure")  # pragma: no cover


_JOINED: Final = responses_with_incidents()
EXPECTED_SPONSOR_COUNTS: Final = sponsor_option_counts(_JOINED)
_FIRST: Final = first_responses(_JOINED)
EXPECTED_FIRST_REQUESTS: Final = frozenset(
    _FIRST.loc[_FIRST["option"].astype(str) == "1", "incident_id"]
)
EXPECTED_LIGHTEST_COUNTERMEASURE: Final = _lightest_countermeasure(COUNTERMEASURE_INCIDENT)
_EXPULSION_BASIS: Final = assess(
    Scenario(
        option=3,
        attack_scale="large",
        attribution=0.8,
        public_evidence=0.5,
        host_state="able_unwilling",
    )
).legal_basis


# --------------------------------------------------------------------------- task 2 checker


def _as_counts(answer: Any) -> dict[str, int] | str:
    """A Series or dict of option -> count as {"3": 13, ...} without zeros, or why not."""

    def problem(name: str, **values: Any) -> str:
        if name == "not_a_number":  # this task words the key as an option
            return _say(name, option=values["responder"], value=values["value"])
        if name == "not_a_responder":
            return _say("not_an_option", key=values["key"], options=", ".join(RESPONSE_OPTIONS))
        return _say(name, **values)

    return as_counts(answer, problem, known=RESPONSE_OPTIONS)


def _check_sponsor_counts(answer: Any) -> tuple[bool, str]:
    counts = _as_counts(answer)
    if isinstance(counts, str):
        return False, counts
    if counts == EXPECTED_SPONSOR_COUNTS:
        return True, _say("right", total=sum(counts.values()))
    difference = first_difference(counts, EXPECTED_SPONSOR_COUNTS, RESPONSE_OPTIONS)
    if difference is None:  # pragma: no cover  (equal counts were handled above)
        return False, _say("differ")
    option, got, want = difference
    return False, _say("wrong_count", option=option, got=got, want=want)


# --------------------------------------------------------------------------- task 3 feedback


def _late_request_feedback() -> dict[str, str]:
    """Why incidents with a later request do not count: what came first there."""
    requested = set(_JOINED.loc[_JOINED["option"].astype(str) == "1", "incident_id"])
    why: dict[str, str] = {}
    for incident in sorted(requested - EXPECTED_FIRST_REQUESTS):
        first = _FIRST[_FIRST["incident_id"] == incident]
        options = ", ".join(sorted(set(first["option"].astype(str))))
        why[incident] = _TEXTS.get(
            "ex03", "late_request", date=first["date"].iloc[0], options=options
        )
    return why


# --------------------------------------------------------------------------- the tasks


def _legal_ladder_task() -> MultipleChoice:
    """Task 1 as authored in the content file, checked against the model's legal ladder: the
    choice marked right must be the rung the model gives an expulsion (diplomatic action)."""
    task = choice_task("ex03.task1")
    right = {task.choices[n - 1] for n in task.correct_options}
    expected = LEGAL_BASIS_LABELS[_EXPULSION_BASIS]
    if right != {expected}:
        raise ValueError(
            f"content/03_due_diligence.yaml: task 'ex03.task1', field 'choices': the choice "
            f"marked correct is {sorted(right)}; the model says {expected!r}"
        )
    return task


TASKS: Final = (
    _legal_ladder_task(),
    Predicate(
        "ex03.task2",
        test=_check_sponsor_counts,
        solution=", ".join(f"option {k}: {v}" for k, v in sorted(EXPECTED_SPONSOR_COUNTS.items())),
        **task_words("ex03.task2"),
    ),
    SetAnswer(
        "ex03.task3",
        expected=sorted(EXPECTED_FIRST_REQUESTS),
        feedback=_late_request_feedback(),
        **task_words("ex03.task3"),
    ),
    Numeric(
        "ex03.task4",
        answer=EXPECTED_LIGHTEST_COUNTERMEASURE,
        mistakes={n: _TEXTS.get("ex03", "task4", n) for n in _WRONG_OPTIONS},
        **task_words("ex03.task4", incident=COUNTERMEASURE_INCIDENT),
    ),
    OpenQuestion("ex03.task5", **task_words("ex03.task5", open_task=True)),
)
"""The five tasks, registered with course.learning.quiz on import."""
