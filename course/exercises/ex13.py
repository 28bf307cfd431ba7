"""Answer keys for exercises/13_conclusions_exercises.ipynb, the final self-assessment
(ex13.task1-task6).

Importing this module registers the tasks with `course.learning.quiz`; the notebook then calls
``check("ex13.task2", answer)``. Expected values are computed from ``data/`` and from the
escalation model at import, so they follow the data and the model when either changes. The
review questions of the same notebook (one per lesson, ``13.r01``-``13.r12``) are handed out by
``course.lessons.l13_conclusions.review_question``.
"""

from __future__ import annotations

from typing import Final

import pandas as pd

from course.engine.data import responses_with_incidents
from course.engine.escalation import Scenario, assess
from course.engine.labels import LEGAL_BASIS_LABELS
from course.learning.content import LessonTexts, choice_task, placeholders, task_words
from course.learning.quiz import MultipleChoice, Numeric, OpenQuestion
from course.lessons.l13_conclusions import DEFAULT_CASE, restraint_gap

__all__ = [
    "EXPECTED_LAST_TWO_PERCENT",
    "EXPECTED_RESTRAINT_GAP",
    "EXPECTED_SPONSOR_OPTION",
    "LADDER_OPTIONS",
    "TASKS",
    "last_two_percent",
    "most_used_against_sponsors",
]

LADDER_OPTIONS: Final = tuple(str(n) for n in range(1, 8))
"""The option codes on the brief's ladder (police takedowns and help to the victim are not)."""

_TEXTS: Final = LessonTexts(
    "13",
    {
        "ex13": {
            "task2": {"fraction": placeholders("value"), "all_rows": placeholders("value")},
            "task4": {"reversed": placeholders("value")},
        }
    },
)
"""The feedback sentences, in ``content/13_conclusions.yaml`` (``texts: ex13:``)."""
_TEXTS()


def _say(*keys: str, **values: object) -> str:
    return _TEXTS.get("ex13", *keys, **values)


def _on_ladder(joined: pd.DataFrame) -> pd.DataFrame:
    return joined.loc[joined["option"].astype(str).isin(LADDER_OPTIONS)]


def last_two_percent(joined: pd.DataFrame) -> float:
    """Percentage of the ladder responses that used option 6 or 7."""
    rows = _on_ladder(joined)
    return 100.0 * float(rows["option"].astype(str).isin(("6", "7")).mean())


def _last_two_of_all_rows(joined: pd.DataFrame) -> float:
    """The same share over every response, police takedowns included (a likely slip)."""
    return 100.0 * float(joined["option"].astype(str).isin(("6", "7")).mean())


def most_used_against_sponsors(joined: pd.DataFrame) -> int:
    """The option used most often, on the ladder, in incidents whose host is a sponsor."""
    rows = _on_ladder(joined)
    counts = rows.loc[rows["host_posture"].astype(str) == "sponsor", "option"].value_counts()
    return int(counts.idxmax())


_JOINED: Final = responses_with_incidents()
EXPECTED_LAST_TWO_PERCENT: Final = last_two_percent(_JOINED)
EXPECTED_SPONSOR_OPTION: Final = most_used_against_sponsors(_JOINED)
EXPECTED_RESTRAINT_GAP: Final = restraint_gap(**DEFAULT_CASE)


def _ladder_task() -> MultipleChoice:
    """Task 1 as authored, checked against the model: the choice marked right must name the one
    option whose legal basis the model gives as a countermeasure."""
    task = choice_task("ex13.task1")
    countermeasure = [
        n
        for n in range(1, 8)
        if assess(Scenario(option=n, **DEFAULT_CASE)).legal_basis == "countermeasure"
    ]
    right = [task.choices[n - 1] for n in task.correct_options]
    if (
        len(countermeasure) != 1
        or len(right) != 1
        or f"Option {countermeasure[0]}," not in right[0]
    ):
        raise ValueError(
            "content/13_conclusions.yaml: task 'ex13.task1', field 'choices': the choice marked "
            f"correct is {right}; the model's {LEGAL_BASIS_LABELS['countermeasure']} options are "
            f"{countermeasure}"
        )
    return task


def _percent_mistakes() -> dict[float, str]:
    fraction = round(EXPECTED_LAST_TWO_PERCENT / 100, 4)
    all_rows = round(_last_two_of_all_rows(_JOINED), 2)
    mistakes = {
        fraction: _say("task2", "fraction", value=f"{fraction:.3f}"),
        all_rows: _say("task2", "all_rows", value=f"{all_rows:.1f}"),
    }
    return {v: t for v, t in mistakes.items() if abs(v - EXPECTED_LAST_TWO_PERCENT) > 0.1}


TASKS: Final = (
    _ladder_task(),
    Numeric(
        "ex13.task2",
        answer=round(EXPECTED_LAST_TWO_PERCENT, 4),
        tolerance=0.1,
        unit="%",
        mistakes=_percent_mistakes(),
        **task_words("ex13.task2"),
    ),
    Numeric(
        "ex13.task3",
        answer=EXPECTED_SPONSOR_OPTION,
        tolerance=0,
        **task_words("ex13.task3"),
    ),
    Numeric(
        "ex13.task4",
        answer=round(EXPECTED_RESTRAINT_GAP, 4),
        tolerance=0.05,
        unit="points",
        mistakes={
            round(-EXPECTED_RESTRAINT_GAP, 2): _say(
                "task4", "reversed", value=f"{-EXPECTED_RESTRAINT_GAP:.2f}"
            )
        },
        **task_words("ex13.task4"),
    ),
    choice_task("ex13.task5"),
    OpenQuestion("ex13.task6", **task_words("ex13.task6", open_task=True)),
)
"""The six tasks, registered with course.learning.quiz on import."""
