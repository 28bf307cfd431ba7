"""Answer keys for exercises/08_option5_sanctions_exercises.ipynb (tasks ex08.task1-ex08.task5).

Importing this module registers the tasks with `course.learning.quiz`; the notebook then calls
``check("ex08.task2", answer)``. Expected values are computed from ``data/`` and from the
escalation model at import, so they follow the data and the model when either changes.
"""

from __future__ import annotations

from typing import Any, Final

import pandas as pd

from course.engine.countries import country_name
from course.engine.data import load_incidents, responses_with_incidents, scenario_for
from course.engine.escalation import assess
from course.learning.content import TEXT, LessonTexts, choice_task, placeholders, task_words
from course.learning.quiz import Numeric, OpenQuestion, Predicate, SetAnswer
from course.learning.quiz.counts import as_counts, first_difference
from course.lessons.l08_option5_sanctions import CASE_STUDY, OPTION

__all__ = [
    "EXPECTED_BY_RESPONDER",
    "EXPECTED_RISE",
    "EXPECTED_WIDELY_SANCTIONED",
    "MIN_RESPONDERS",
    "TASKS",
    "design_rise",
    "responders_per_incident",
    "sanctions_by_responder",
]

MIN_RESPONDERS: Final = 3
"""Task 3: an incident counts when at least this many different responders sanctioned it."""

_TEXTS: Final = LessonTexts(
    "08",
    {
        "ex08": {
            "task2": {
                "right": placeholders("total", "responders"),
                "wrong_count": placeholders("responder", "got", "want"),
                "differ": TEXT,
                "several_columns": TEXT,
                "not_counts": placeholders("type"),
                "not_a_number": placeholders("responder", "value"),
                "not_a_responder": placeholders("key", "examples"),
            },
            "too_few": placeholders("n", "names"),
            "not_sanctioned": TEXT,
            "task4": dict.fromkeys(("exit_only", "target_only"), TEXT),
        }
    },
)
"""The feedback sentences, in ``content/08_option5_sanctions.yaml`` (``texts: ex08:``)."""
_TEXTS()


def _say(*keys: str, **values: object) -> str:
    return _TEXTS.get("ex08", *keys, **values)


# --------------------------------------------------------------------------- reference solutions


def _sanctions(joined: pd.DataFrame) -> pd.DataFrame:
    return joined.loc[joined["option"].astype(str) == OPTION]


def sanctions_by_responder(joined: pd.DataFrame) -> dict[str, int]:
    """Option-5 responses per responder code (no zeros)."""
    counts = _sanctions(joined)["responder"].astype(str).value_counts()
    return {code: int(n) for code, n in counts.items() if n > 0}


def responders_per_incident(joined: pd.DataFrame) -> pd.Series:
    """How many different responders sanctioned each incident that drew sanctions."""
    return _sanctions(joined).groupby("incident_id")["responder"].nunique()


def design_rise(incident_id: str, incidents: pd.DataFrame | None = None) -> dict[str, float]:
    """Task 4: the model's risk for option 5 in the default design, the harsh design (host state
    hit, no exit conditions) and each change alone; ``rise`` is harsh minus default."""

    def risk(**overrides: object) -> float:
        return assess(scenario_for(incident_id, 5, incidents, **overrides)).risk

    default = risk()
    harsh = risk(target="host_state", exit_conditions=False)
    return {
        "default": default,
        "harsh": harsh,
        "rise": harsh - default,
        "exit_only": risk(exit_conditions=False) - default,
        "target_only": risk(target="host_state") - default,
    }


_INCIDENTS: Final = load_incidents()
_JOINED: Final = responses_with_incidents(incidents=_INCIDENTS)
EXPECTED_BY_RESPONDER: Final = sanctions_by_responder(_JOINED)
_PER_INCIDENT: Final = responders_per_incident(_JOINED)
EXPECTED_WIDELY_SANCTIONED: Final = frozenset(
    _PER_INCIDENT[_PER_INCIDENT >= MIN_RESPONDERS].index.astype(str)
)
_RISES: Final = design_rise(CASE_STUDY, _INCIDENTS)
EXPECTED_RISE: Final = round(_RISES["rise"], 2)


# --------------------------------------------------------------------------- task 2 checker


def _as_counts(answer: Any) -> dict[str, int] | str:
    """A Series or dict of responder -> count as {"US": 33, ...} without zeros, or why not."""
    known = set(_JOINED["responder"].astype(str))
    return as_counts(answer, lambda name, **values: _say("task2", name, **values), known=known)


def _check_counts(answer: Any) -> tuple[bool, str]:
    counts = _as_counts(answer)
    if isinstance(counts, str):
        return False, counts
    if counts == EXPECTED_BY_RESPONDER:
        total = sum(counts.values())
        return True, _say("task2", "right", total=total, responders=len(counts))
    difference = first_difference(counts, EXPECTED_BY_RESPONDER)
    if difference is None:  # pragma: no cover  (equal counts were handled above)
        return False, _say("task2", "differ")
    code, got, want = difference
    return False, _say("task2", "wrong_count", responder=code, got=got, want=want)


# --------------------------------------------------------------------------- task 3 feedback


def _too_few_feedback() -> dict[str, str]:
    """Why an incident does not count: how many responders sanctioned it (or none did)."""
    why: dict[str, str] = {}
    sanctions = _sanctions(_JOINED)
    # One pass over the sanctions, not one filter per incident (about 70 of them at import).
    responders: dict[str, dict[str, None]] = {}
    for incident, code in zip(sanctions["incident_id"], sanctions["responder"], strict=True):
        responders.setdefault(str(incident), {})[str(code)] = None
    for incident, n in _PER_INCIDENT.items():
        if n >= MIN_RESPONDERS:
            continue
        names = ", ".join(country_name(c) for c in responders.get(str(incident), {}))
        why[str(incident)] = _say("too_few", n=int(n), names=names)
    for incident in sorted(set(_INCIDENTS["id"]) - set(_PER_INCIDENT.index)):
        why[str(incident)] = _say("not_sanctioned")
    return why


# --------------------------------------------------------------------------- the tasks

TASKS: Final = (
    choice_task("ex08.task1"),
    Predicate(
        "ex08.task2",
        test=_check_counts,
        solution=", ".join(f"{k}: {v}" for k, v in EXPECTED_BY_RESPONDER.items()),
        **task_words("ex08.task2"),
    ),
    SetAnswer(
        "ex08.task3",
        expected=sorted(EXPECTED_WIDELY_SANCTIONED),
        feedback=_too_few_feedback(),
        **task_words("ex08.task3"),
    ),
    Numeric(
        "ex08.task4",
        answer=EXPECTED_RISE,
        tolerance=0.05,
        mistakes={
            round(_RISES["exit_only"], 2): _say("task4", "exit_only"),
            round(_RISES["target_only"], 2): _say("task4", "target_only"),
        },
        **task_words("ex08.task4", incident=CASE_STUDY),
    ),
    OpenQuestion("ex08.task5", **task_words("ex08.task5", open_task=True)),
)
"""The five tasks, registered with course.learning.quiz on import."""
