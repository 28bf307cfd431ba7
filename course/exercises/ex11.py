"""Answer keys for exercises/11_benefits_and_risks_exercises.ipynb (ex11.task1-task5).

Importing this module registers the tasks with `course.learning.quiz`; the notebook then calls
``check("ex11.task2", answer)``. Expected values are computed from ``data/``, the escalation
model and the simulator at import, so they follow the data and the model when either changes.
"""

from __future__ import annotations

from typing import Final

import pandas as pd

from course.engine.data import responses_with_incidents, scenario_for
from course.engine.escalation import assess
from course.engine.simulation import simulate
from course.learning.content import TEXT, LessonTexts, choice_task, placeholders, task_words
from course.learning.quiz import Numeric, OpenQuestion
from course.lessons.l11_benefits_and_risks import LADDER

__all__ = [
    "EXPECTED_ESCALATION_SHARE",
    "EXPECTED_EVIDENCE_POINTS",
    "EXPECTED_HOSTILE_SHARE",
    "MODEL_INCIDENT",
    "SIMULATION_OPENINGS",
    "SIMULATION_SEED",
    "TASKS",
    "evidence_points",
    "hostile_share",
    "simulated_escalation",
]

MODEL_INCIDENT: Final = "albania-2022"
"""The incident of tasks 3 and 4: the 2022 attack on Albania's government services, which the
data code as large-scale, jointly attributed and sponsored by the host state."""

SIMULATION_OPENINGS: Final = (3, 6)
SIMULATION_SEED: Final = 11

_TEXTS: Final = LessonTexts(
    "11",
    {
        "ex11": {
            "task2": {"all_rows": placeholders("value"), "percent": TEXT},
            "task3": {"coded": placeholders("value"), "published": placeholders("value")},
            "task4": {"force_only": placeholders("value"), "opening3": placeholders("value")},
        }
    },
)
"""The feedback sentences, in ``content/11_benefits_and_risks.yaml`` (``texts: ex11:``)."""
_TEXTS()


def _say(*keys: str, **values: object) -> str:
    return _TEXTS.get("ex11", *keys, **values)


# --------------------------------------------------------------------------- reference solutions


def _ladder(joined: pd.DataFrame) -> pd.DataFrame:
    return joined.loc[joined["option"].astype(str).isin(LADDER)]


def hostile_share(joined: pd.DataFrame, *, known_only: bool = True) -> float:
    """Share of ladder responses followed by a hostile reply, among those with a known outcome
    (or among all of them with ``known_only=False``)."""
    rows = _ladder(joined)
    if known_only:
        rows = rows.loc[rows["outcome"].astype(str) != "unknown"]
    return float((rows["outcome"].astype(str) == "host_retaliated").mean())


def evidence_points(incident_id: str = MODEL_INCIDENT, option: int = 6) -> tuple[float, float]:
    """The option's risk for the incident as coded and with all the evidence public."""
    coded = assess(scenario_for(incident_id, option)).risk
    published = assess(scenario_for(incident_id, option, public_evidence=1.0)).risk
    return coded, published


def simulated_escalation(incident_id: str = MODEL_INCIDENT) -> tuple[float, float, float]:
    """Task 4's run: escalation share of opening 6, its force-only share, and opening 3's."""
    result = simulate(
        scenario_for(incident_id, 3), openings=SIMULATION_OPENINGS, seed=SIMULATION_SEED
    )
    return (
        float(result.escalation_share[6]),
        float(result.shares.loc[6, "force"]),
        float(result.escalation_share[3]),
    )


_JOINED: Final = responses_with_incidents()
EXPECTED_HOSTILE_SHARE: Final = hostile_share(_JOINED)
_ALL_ROWS_SHARE: Final = hostile_share(_JOINED, known_only=False)
_CODED, _PUBLISHED = evidence_points()
EXPECTED_EVIDENCE_POINTS: Final = _CODED - _PUBLISHED
EXPECTED_ESCALATION_SHARE, _FORCE_ONLY, _OPENING3 = simulated_escalation()


def _mistakes(answer: float, tolerance: float, wrong: dict[float, str]) -> dict[float, str]:
    """Targeted feedback for common wrong values, minus any that would match the answer."""
    return {v: t for v, t in wrong.items() if abs(v - answer) > tolerance}


_SHARE_TOLERANCE: Final = 0.0005

TASKS: Final = (
    choice_task("ex11.task1"),
    Numeric(
        "ex11.task2",
        answer=round(EXPECTED_HOSTILE_SHARE, 6),
        tolerance=_SHARE_TOLERANCE,
        mistakes=_mistakes(
            EXPECTED_HOSTILE_SHARE,
            _SHARE_TOLERANCE,
            {
                round(_ALL_ROWS_SHARE, 6): _say(
                    "task2", "all_rows", value=f"{_ALL_ROWS_SHARE:.4f}"
                ),
                round(100 * EXPECTED_HOSTILE_SHARE, 4): _say("task2", "percent"),
            },
        ),
        **task_words("ex11.task2"),
    ),
    Numeric(
        "ex11.task3",
        answer=round(EXPECTED_EVIDENCE_POINTS, 4),
        tolerance=0.05,
        unit="points",
        mistakes=_mistakes(
            EXPECTED_EVIDENCE_POINTS,
            0.05,
            {
                round(_CODED, 2): _say("task3", "coded", value=f"{_CODED:.2f}"),
                round(_PUBLISHED, 2): _say("task3", "published", value=f"{_PUBLISHED:.2f}"),
            },
        ),
        **task_words("ex11.task3"),
    ),
    Numeric(
        "ex11.task4",
        answer=EXPECTED_ESCALATION_SHARE,
        tolerance=_SHARE_TOLERANCE,
        mistakes=_mistakes(
            EXPECTED_ESCALATION_SHARE,
            _SHARE_TOLERANCE,
            {
                _FORCE_ONLY: _say("task4", "force_only", value=f"{_FORCE_ONLY:.4f}"),
                _OPENING3: _say("task4", "opening3", value=f"{_OPENING3:.4f}"),
            },
        ),
        **task_words("ex11.task4"),
    ),
    OpenQuestion("ex11.task5", **task_words("ex11.task5", open_task=True)),
)
"""The five tasks, registered with course.learning.quiz on import."""
