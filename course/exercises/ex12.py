"""Answer keys for exercises/12_case_study_lab_exercises.ipynb (ex12.task1-task5).

Importing this module registers the tasks with `course.learning.quiz`; the notebook then calls
``check("ex12.task2", answer)``. Expected values are computed from ``data/`` and from the
escalation model and its package rule at import, so they follow the data and the model when
either changes.
"""

from __future__ import annotations

from typing import Final

import pandas as pd

from course.engine.data import load_incidents, responses_with_incidents, scenario_for
from course.engine.escalation import OPTIONS, Scenario
from course.engine.labels import LEGAL_BASIS_LABELS
from course.engine.packages import assess_package
from course.learning.content import LessonTexts, choice_task, placeholders, task_words
from course.learning.quiz import MultipleChoice, Numeric, OpenQuestion, SetAnswer
from course.lessons.l12_case_study_lab import ladder_options_by_incident

__all__ = [
    "EXPECTED_COMBINED",
    "EXPECTED_MOST_COMMON",
    "EXPECTED_PACKAGE_RISK",
    "MODEL_INCIDENT",
    "MODEL_PACKAGE",
    "TASKS",
    "combined_incidents",
    "most_common_combination",
    "package_risk_for",
]

MODEL_INCIDENT: Final = "medibank-2022"
"""The incident the model task scores (the Medibank data theft, the lab's opening case)."""

MODEL_PACKAGE: Final = (1, 3, 5)
"""The package task 4 scores: a request, diplomatic action and sanctions on the attackers."""

TASK1_PACKAGE: Final = (1, 5, 6)
"""The package of task 1: a request, sanctions and a cyber operation."""

_TEXTS: Final = LessonTexts(
    "12",
    {"ex12": {"task4": {"sum": placeholders("value"), "riskiest": placeholders("value")}}},
)
"""The feedback sentences, in ``content/12_case_study_lab.yaml`` (``texts: ex12:``)."""
_TEXTS()


# --------------------------------------------------------------------------- reference solutions


def combined_incidents(joined: pd.DataFrame) -> int:
    """Incidents in which states used two or more of the brief's seven options."""
    return int((ladder_options_by_incident(joined).map(len) >= 2).sum())


def most_common_combination(joined: pd.DataFrame) -> frozenset[int]:
    """The combination of two or more options found in the most incidents (ties: the one
    with the lowest options first, so the key is deterministic)."""
    used = ladder_options_by_incident(joined)
    counts = used[used.map(len) >= 2].value_counts()
    top = counts.max()
    return frozenset(min(c for c, n in counts.items() if n == top))


def package_risk_for(incident_id: str, options: tuple[int, ...], incidents: pd.DataFrame):
    """The package of ``options`` for a real incident, every part filled by ``scenario_for``."""
    return assess_package(scenario_for(incident_id, o, incidents) for o in options)


_INCIDENTS: Final = load_incidents()
_JOINED: Final = responses_with_incidents(incidents=_INCIDENTS)
EXPECTED_COMBINED: Final = combined_incidents(_JOINED)
EXPECTED_MOST_COMMON: Final = most_common_combination(_JOINED)
_PACKAGE: Final = package_risk_for(MODEL_INCIDENT, MODEL_PACKAGE, _INCIDENTS)
EXPECTED_PACKAGE_RISK: Final = _PACKAGE.risk
_PLAIN_SUM: Final = sum(p.risk for p in _PACKAGE.parts)
_TASK1_BASIS: Final = assess_package(
    Scenario(o, "large", 0.8, 0.5, "able_unwilling") for o in TASK1_PACKAGE
).legal_basis


# --------------------------------------------------------------------------- the tasks


def _legal_basis_task() -> MultipleChoice:
    """Task 1 as authored, checked against the package rule: the choice marked right must be
    the rung the model gives the package."""
    task = choice_task("ex12.task1")
    right = {task.choices[n - 1] for n in task.correct_options}
    expected = LEGAL_BASIS_LABELS[_TASK1_BASIS]
    if right != {expected}:
        raise ValueError(
            "content/12_case_study_lab.yaml: task 'ex12.task1', field 'choices': the choice "
            f"marked correct is {sorted(right)}; the package rule says {expected!r}"
        )
    return task


def _model_mistakes() -> dict[float, str]:
    """Targeted feedback for the plain sum and for the riskiest part alone."""
    mistakes = {
        round(_PLAIN_SUM, 2): _TEXTS.get("ex12", "task4", "sum", value=f"{_PLAIN_SUM:.2f}"),
        round(_PACKAGE.riskiest.risk, 2): _TEXTS.get(
            "ex12", "task4", "riskiest", value=f"{_PACKAGE.riskiest.risk:.2f}"
        ),
    }
    return {v: t for v, t in mistakes.items() if abs(v - EXPECTED_PACKAGE_RISK) > 0.05}


TASKS: Final = (
    _legal_basis_task(),
    Numeric("ex12.task2", answer=EXPECTED_COMBINED, unit="incidents", **task_words("ex12.task2")),
    SetAnswer(
        "ex12.task3",
        expected=sorted(EXPECTED_MOST_COMMON),
        labels={n: o.title for n, o in OPTIONS.items()},
        **task_words("ex12.task3"),
    ),
    Numeric(
        "ex12.task4",
        answer=round(EXPECTED_PACKAGE_RISK, 4),
        tolerance=0.05,
        unit="points",
        mistakes=_model_mistakes(),
        **task_words("ex12.task4", incident=MODEL_INCIDENT),
    ),
    OpenQuestion("ex12.task5", **task_words("ex12.task5", open_task=True)),
)
"""The five tasks, registered with course.learning.quiz on import."""
