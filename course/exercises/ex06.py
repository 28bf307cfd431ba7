"""Answer keys for exercises/06_option3_diplomatic_action_exercises.ipynb (ex06.task1-task5).

Importing this module registers the tasks with `course.learning.quiz`; the notebook then calls
``check("ex06.task2", answer)``. Expected values are computed from ``data/`` and from the
escalation model at import, so they follow the data and the model when either changes.
"""

from __future__ import annotations

from typing import Any, Final

import pandas as pd

from course.engine.data import responses_with_incidents, scenario_for
from course.engine.escalation import assess
from course.learning.content import TEXT, LessonTexts, choice_task, placeholders, task_words
from course.learning.quiz import Numeric, OpenQuestion, Predicate, SetAnswer
from course.learning.quiz.counts import as_counts, first_difference

__all__ = [
    "CROWDED_MIN",
    "EXPECTED_CROWDED",
    "EXPECTED_RESPONDER_COUNTS",
    "EXPECTED_RISE",
    "MODEL_INCIDENT",
    "TASKS",
    "WEAK_ATTRIBUTION",
    "crowded_incidents",
    "responder_counts",
    "risk_rise",
]

MODEL_INCIDENT: Final = "albania-2022"
"""The case task 4 scores: Albania 2022, where a state cut diplomatic relations over an attack."""

WEAK_ATTRIBUTION: Final = 0.4
"""Task 4's weaker attribution: the model's value for a case named by security firms only."""

CROWDED_MIN: Final = 3
"""Task 3: incidents with diplomatic responses from at least this many responders."""

_TEXTS: Final = LessonTexts(
    "06",
    {
        "ex06": {
            "task2": {
                "right": placeholders("total", "responders"),
                "wrong_count": placeholders("responder", "got", "want"),
                "differ": TEXT,
                "several_columns": TEXT,
                "not_counts": placeholders("type"),
                "not_a_number": placeholders("responder", "value"),
            },
            "task4": {"attribution_only": TEXT, "risk_itself": TEXT},
        }
    },
)
"""The feedback sentences, in ``content/06_option3_diplomatic_action.yaml`` (``texts: ex06:``)."""
_TEXTS()


def _say(*keys: str, **values: object) -> str:
    return _TEXTS.get("ex06", "task2", *keys, **values)


# --------------------------------------------------------------------------- reference solutions


def _diplomatic(joined: pd.DataFrame) -> pd.DataFrame:
    return joined.loc[joined["option"].astype(str) == "3"]


def responder_counts(joined: pd.DataFrame) -> dict[str, int]:
    """Option-3 responses per responder code (no zeros)."""
    counts = _diplomatic(joined)["responder"].astype(str).value_counts()
    return {code: int(n) for code, n in counts.items() if n > 0}


def crowded_incidents(joined: pd.DataFrame, least: int = CROWDED_MIN) -> set[str]:
    """Incidents with option-3 responses from ``least`` or more different responders."""
    responders = _diplomatic(joined).groupby("incident_id")["responder"].nunique()
    return set(responders[responders >= least].index)


def risk_rise(incident_id: str = MODEL_INCIDENT, attribution: float = WEAK_ATTRIBUTION) -> float:
    """How many points option 3, aimed at the host state, gains when the incident's attribution
    drops to ``attribution`` (everything else as the data code it)."""
    coded = assess(scenario_for(incident_id, 3, target="host_state"))
    weak = assess(scenario_for(incident_id, 3, target="host_state", attribution=attribution))
    return weak.risk - coded.risk


def _mistakes(incident_id: str = MODEL_INCIDENT) -> dict[float, str]:
    """Task 4's common wrong answers: the attribution term's change alone, and the new risk."""
    coded = assess(scenario_for(incident_id, 3, target="host_state"))
    weak = assess(scenario_for(incident_id, 3, target="host_state", attribution=WEAK_ATTRIBUTION))
    term = weak.contributions["attribution"] - coded.contributions["attribution"]
    return {
        round(term, 2): _TEXTS.get("ex06", "task4", "attribution_only"),
        round(weak.risk, 2): _TEXTS.get("ex06", "task4", "risk_itself"),
    }


_JOINED: Final = responses_with_incidents()
EXPECTED_RESPONDER_COUNTS: Final = responder_counts(_JOINED)
EXPECTED_CROWDED: Final = frozenset(crowded_incidents(_JOINED))
EXPECTED_RISE: Final = round(risk_rise(), 2)


# --------------------------------------------------------------------------- task 2 checker


def _as_counts(answer: Any) -> dict[str, int] | str:
    """A Series or dict of responder -> count as {"GB": 15, ...} without zeros, or why not."""
    return as_counts(answer, _say)


def _check_responder_counts(answer: Any) -> tuple[bool, str]:
    counts = _as_counts(answer)
    if isinstance(counts, str):
        return False, counts
    if counts == EXPECTED_RESPONDER_COUNTS:
        return True, _say("right", total=sum(counts.values()), responders=len(counts))
    difference = first_difference(counts, EXPECTED_RESPONDER_COUNTS)
    if difference is None:  # pragma: no cover  (equal counts were handled above)
        return False, _say("differ")
    responder, got, want = difference
    return False, _say("wrong_count", responder=responder, got=got, want=want)


# --------------------------------------------------------------------------- the tasks


TASKS: Final = (
    choice_task("ex06.task1"),
    Predicate(
        "ex06.task2",
        test=_check_responder_counts,
        solution=", ".join(f"{k}: {v}" for k, v in sorted(EXPECTED_RESPONDER_COUNTS.items())),
        **task_words("ex06.task2"),
    ),
    SetAnswer("ex06.task3", expected=sorted(EXPECTED_CROWDED), **task_words("ex06.task3")),
    Numeric(
        "ex06.task4",
        answer=EXPECTED_RISE,
        tolerance=0.05,
        mistakes=_mistakes(),
        unit="points",
        **task_words("ex06.task4", incident=MODEL_INCIDENT),
    ),
    OpenQuestion("ex06.task5", **task_words("ex06.task5", open_task=True)),
)
"""The five tasks, registered with course.learning.quiz on import."""
