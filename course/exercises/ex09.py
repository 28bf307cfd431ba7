"""Answer keys for exercises/09_option6_cyber_retaliation_exercises.ipynb (ex09.task1-task5).

Importing this module registers the tasks with `course.learning.quiz`; the notebook then calls
``check("ex09.task2", answer)``. Expected values are computed from ``data/`` and from the
escalation model at import, so they follow the data and the model when either changes.
"""

from __future__ import annotations

from typing import Any, Final

import pandas as pd

from course.engine.data import responses_with_incidents, scenario_for
from course.engine.escalation import Scenario, assess
from course.engine.labels import LEGAL_BASIS_LABELS
from course.learning.content import TEXT, LessonTexts, choice_task, placeholders, task_words
from course.learning.quiz import MultipleChoice, Numeric, OpenQuestion, Predicate, SetAnswer
from course.learning.quiz.counts import as_counts, first_difference
from course.lessons.l09_option6_cyber_retaliation import OPTION, option6_responses

__all__ = [
    "EXPECTED_BY_RESPONDER",
    "EXPECTED_EXTRA_POINTS",
    "EXPECTED_REPORTED",
    "MODEL_INCIDENT",
    "TASKS",
    "option6_by_responder",
    "reported_incidents",
    "state_target_points",
]

MODEL_INCIDENT: Final = "trickbot-2016"
"""The incident the model task scores (Trickbot: a host coded able but unwilling)."""

_TEXTS: Final = LessonTexts(
    "09",
    {
        "ex09": {
            "task2": {
                "right": placeholders("total", "responders"),
                "wrong_count": placeholders("responder", "got", "want"),
                "differ": TEXT,
                "several_columns": TEXT,
                "not_counts": placeholders("type"),
                "not_a_number": placeholders("responder", "value"),
            },
            "task3": {"not_reported": TEXT, "no_option6": TEXT},
            "task4": {"actor": placeholders("value"), "state": placeholders("value")},
        }
    },
)
"""The feedback sentences, in ``content/09_option6_cyber_retaliation.yaml`` (``texts: ex09:``)."""
_TEXTS()


def _say(*keys: str, **values: object) -> str:
    return _TEXTS.get("ex09", *keys, **values)


# --------------------------------------------------------------------------- reference solutions


def option6_by_responder(joined: pd.DataFrame) -> dict[str, int]:
    """Option-6 responses per responding state (codes as in the data), no zeros."""
    counts = option6_responses(joined)["responder"].astype(str).value_counts()
    return {responder: int(n) for responder, n in counts.items() if n > 0}


def reported_incidents(joined: pd.DataFrame) -> frozenset[str]:
    """Incidents with an option-6 response known only from anonymous officials."""
    rows = option6_responses(joined)
    return frozenset(rows.loc[rows["status"] == "reported", "incident_id"])


def state_target_points(incident_id: str) -> tuple[float, float]:
    """Option 6's risk for ``incident_id`` aimed at the attackers and at the host state."""
    actor = assess(scenario_for(incident_id, OPTION, target="actor")).risk
    state = assess(scenario_for(incident_id, OPTION, target="host_state")).risk
    return actor, state


_JOINED: Final = responses_with_incidents()
EXPECTED_BY_RESPONDER: Final = option6_by_responder(_JOINED)
EXPECTED_REPORTED: Final = reported_incidents(_JOINED)
_RISK_ACTOR, _RISK_STATE = state_target_points(MODEL_INCIDENT)
EXPECTED_EXTRA_POINTS: Final = _RISK_STATE - _RISK_ACTOR
_HACK_BACK_BASIS: Final = assess(
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
    """A Series or dict of responder -> count as {"US": 6, ...} without zeros, or why not."""
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


# --------------------------------------------------------------------------- task 3 feedback


def _reported_feedback() -> dict[str, str]:
    """Why an incident does not belong in the set: no option-6 response, or none merely reported."""
    used = set(option6_responses(_JOINED)["incident_id"])
    why = {
        incident: _say("task3", "no_option6") for incident in sorted(set(_JOINED["incident_id"]))
    }
    why.update({i: _say("task3", "not_reported") for i in sorted(used - EXPECTED_REPORTED)})
    for incident in EXPECTED_REPORTED:
        why.pop(incident, None)
    return why


# --------------------------------------------------------------------------- the tasks


def _legal_ladder_task() -> MultipleChoice:
    """Task 1 as authored, checked against the model's legal ladder: the choice marked right
    must be the rung the model gives option 6."""
    task = choice_task("ex09.task1")
    right = {task.choices[n - 1] for n in task.correct_options}
    expected = LEGAL_BASIS_LABELS[_HACK_BACK_BASIS]
    if right != {expected}:
        raise ValueError(
            "content/09_option6_cyber_retaliation.yaml: task 'ex09.task1', field 'choices': the "
            f"choice marked correct is {sorted(right)}; the model says {expected!r}"
        )
    return task


def _model_mistakes() -> dict[float, str]:
    """Targeted feedback when a student answers one of the two risks instead of the difference."""
    mistakes = {
        round(_RISK_ACTOR, 2): _say("task4", "actor", value=f"{_RISK_ACTOR:.2f}"),
        round(_RISK_STATE, 2): _say("task4", "state", value=f"{_RISK_STATE:.2f}"),
    }
    return {v: t for v, t in mistakes.items() if abs(v - EXPECTED_EXTRA_POINTS) > 0.05}


TASKS: Final = (
    _legal_ladder_task(),
    Predicate(
        "ex09.task2",
        test=_check_by_responder,
        solution=", ".join(f"{k}: {v}" for k, v in sorted(EXPECTED_BY_RESPONDER.items())),
        **task_words("ex09.task2"),
    ),
    SetAnswer(
        "ex09.task3",
        expected=sorted(EXPECTED_REPORTED),
        feedback=_reported_feedback(),
        **task_words("ex09.task3"),
    ),
    Numeric(
        "ex09.task4",
        answer=round(EXPECTED_EXTRA_POINTS, 4),
        tolerance=0.05,
        unit="points",
        mistakes=_model_mistakes(),
        **task_words("ex09.task4", incident=MODEL_INCIDENT),
    ),
    OpenQuestion("ex09.task5", **task_words("ex09.task5", open_task=True)),
)
"""The five tasks, registered with course.learning.quiz on import."""
