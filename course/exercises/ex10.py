"""Answer keys for exercises/10_option7_military_retaliation_exercises.ipynb (ex10.task1-task5).

Importing this module registers the tasks with `course.learning.quiz`; the notebook then calls
``check("ex10.task2", answer)``. Expected values are computed from ``data/`` and from the
escalation model at import, so they follow the data and the model when either changes.
"""

from __future__ import annotations

from typing import Any, Final

import pandas as pd

from course.engine.data import ACTOR_TYPES, responses_with_incidents, scenario_for
from course.engine.escalation import Scenario, assess
from course.engine.labels import ACTOR_TYPE_LABELS, LEGAL_BASIS_LABELS
from course.learning.content import TEXT, LessonTexts, choice_task, placeholders, task_words
from course.learning.quiz import MultipleChoice, Numeric, OpenQuestion, Predicate, SetAnswer
from course.learning.quiz.counts import as_counts, first_difference
from course.lessons.l10_option7_military_retaliation import OPTION, option7_responses

__all__ = [
    "EXPECTED_ACTOR_TYPES",
    "EXPECTED_BY_RESPONDER",
    "EXPECTED_SAVED_POINTS",
    "MODEL_INCIDENT",
    "STRONGER_RATIO",
    "TASKS",
    "actor_types_met_with_force",
    "option7_by_responder",
    "power_points_saved",
]

MODEL_INCIDENT: Final = "isis-hit-list-2015"
"""The incident the model task scores (the ISIS 'hit list': a large-scale attack whose host state,
Malaysia, is coded willing and able)."""

STRONGER_RATIO: Final = 8.0
"""The military balance the model task compares with parity: the victim eight times stronger."""

_TEXTS: Final = LessonTexts(
    "10",
    {
        "ex10": {
            "task2": {
                "right": placeholders("total", "responders"),
                "wrong_count": placeholders("responder", "got", "want"),
                "differ": TEXT,
                "several_columns": TEXT,
                "not_counts": placeholders("type"),
                "not_a_number": placeholders("responder", "value"),
            },
            "task3": {"no_force": TEXT},
            "task4": {"parity": placeholders("value"), "stronger": placeholders("value")},
        }
    },
)
"""The feedback sentences, in ``content/10_option7_military_retaliation.yaml``
(``texts: ex10:``)."""
_TEXTS()


def _say(*keys: str, **values: object) -> str:
    return _TEXTS.get("ex10", *keys, **values)


# --------------------------------------------------------------------------- reference solutions


def option7_by_responder(joined: pd.DataFrame) -> dict[str, int]:
    """Option-7 responses per responding state (codes as in the data), no zeros."""
    counts = option7_responses(joined)["responder"].astype(str).value_counts()
    return {responder: int(n) for responder, n in counts.items() if n > 0}


def actor_types_met_with_force(joined: pd.DataFrame) -> frozenset[str]:
    """Actor-type codes of the incidents with at least one option-7 response."""
    return frozenset(option7_responses(joined)["actor_type"].astype(str))


def power_points_saved(incident_id: str, ratio: float = STRONGER_RATIO) -> tuple[float, float]:
    """Option 7's risk for ``incident_id`` at parity and with the victim ``ratio`` times
    stronger (every other input from the data, as ``scenario_for`` fills it)."""
    parity = assess(scenario_for(incident_id, OPTION, power_ratio=1.0)).risk
    stronger = assess(scenario_for(incident_id, OPTION, power_ratio=ratio)).risk
    return parity, stronger


_JOINED: Final = responses_with_incidents()
EXPECTED_BY_RESPONDER: Final = option7_by_responder(_JOINED)
EXPECTED_ACTOR_TYPES: Final = actor_types_met_with_force(_JOINED)
_RISK_PARITY, _RISK_STRONGER = power_points_saved(MODEL_INCIDENT)
EXPECTED_SAVED_POINTS: Final = _RISK_PARITY - _RISK_STRONGER
_STRIKE_BASIS: Final = assess(
    Scenario(
        option=OPTION,
        attack_scale="large",
        attribution=0.8,
        public_evidence=0.5,
        host_state="able_unwilling",
    )
).legal_basis


# --------------------------------------------------------------------------- task 2 checker


def _as_counts(answer: Any) -> dict[str, int] | str:
    """A Series or dict of responder -> count as {"US": 2, ...} without zeros, or why not."""
    return as_counts(answer, lambda name, **values: _say("task2", name, **values))


def _check_by_responder(answer: Any) -> tuple[bool, str]:
    counts = _as_counts(answer)
    if isinstance(counts, str):
        return False, counts
    if counts == EXPECTED_BY_RESPONDER:
        total = sum(counts.values())
        return True, _say("task2", "right", total=total, responders=len(counts))
    difference = first_difference(counts, EXPECTED_BY_RESPONDER)
    if difference is None:  # pragma: no cover  (equal counts were handled above)
        return False, _say("task2", "differ")
    responder, got, want = difference
    return False, _say("task2", "wrong_count", responder=responder, got=got, want=want)


# --------------------------------------------------------------------------- the tasks


def _legal_ladder_task() -> MultipleChoice:
    """Task 1 as authored, checked against the model's legal ladder: the choice marked right
    must be the rung the model gives option 7."""
    task = choice_task("ex10.task1")
    right = {task.choices[n - 1] for n in task.correct_options}
    expected = LEGAL_BASIS_LABELS[_STRIKE_BASIS]
    if right != {expected}:
        raise ValueError(
            "content/10_option7_military_retaliation.yaml: task 'ex10.task1', field 'choices': "
            f"the choice marked correct is {sorted(right)}; the model says {expected!r}"
        )
    return task


def _model_mistakes() -> dict[float, str]:
    """Targeted feedback when a student answers one of the two risks instead of the difference."""
    mistakes = {
        round(_RISK_PARITY, 2): _say("task4", "parity", value=f"{_RISK_PARITY:.2f}"),
        round(_RISK_STRONGER, 2): _say("task4", "stronger", value=f"{_RISK_STRONGER:.2f}"),
    }
    return {v: t for v, t in mistakes.items() if abs(v - EXPECTED_SAVED_POINTS) > 0.05}


TASKS: Final = (
    _legal_ladder_task(),
    Predicate(
        "ex10.task2",
        test=_check_by_responder,
        solution=", ".join(f"{k}: {v}" for k, v in sorted(EXPECTED_BY_RESPONDER.items())),
        **task_words("ex10.task2"),
    ),
    SetAnswer(
        "ex10.task3",
        expected=sorted(EXPECTED_ACTOR_TYPES),
        labels=dict(ACTOR_TYPE_LABELS),
        feedback={
            code: _say("task3", "no_force")
            for code in ACTOR_TYPES
            if code not in EXPECTED_ACTOR_TYPES
        },
        **task_words("ex10.task3"),
    ),
    Numeric(
        "ex10.task4",
        answer=round(EXPECTED_SAVED_POINTS, 4),
        tolerance=0.05,
        unit="points",
        mistakes=_model_mistakes(),
        **task_words("ex10.task4", incident=MODEL_INCIDENT),
    ),
    OpenQuestion("ex10.task5", **task_words("ex10.task5", open_task=True)),
)
"""The five tasks, registered with course.learning.quiz on import."""
