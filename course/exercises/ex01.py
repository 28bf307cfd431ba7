"""Answer keys for exercises/01_nonstate_actors_exercises.ipynb (tasks ex01.task1-ex01.task5).

Importing this module registers the tasks with `course.learning.quiz`, so the notebook can call
``check("ex01.task2", answer)``. Every expected value is computed here from ``data/`` when the
module is imported, with the small functions below (tested in tests/test_explorer.py), so the
keys follow the data when a row is added or corrected.
"""

from __future__ import annotations

from typing import Final

import pandas as pd

from course.engine.data import (
    ACTOR_TYPES,
    RESPONSE_OPTIONS,
    load_incidents,
    responses_with_incidents,
    scenario_for,
)
from course.engine.escalation import OPTIONS, WARNING_TEXT, WARNINGS, assess
from course.learning.content import TEXT, LessonTexts, placeholders, task_words
from course.learning.quiz import Numeric, OpenQuestion, Question, SetAnswer, TableAnswer

__all__ = [
    "MODEL_INCIDENT",
    "TASKS",
    "incidents_per_actor_type",
    "options_used_against",
    "options_without_warning",
    "share_percent",
]

_TEXTS: Final = LessonTexts(
    "01",
    {
        "ex01": {
            "unused_option": placeholders("option"),
            "police_takedown": TEXT,
            "fraction": TEXT,
            "count": TEXT,
            "warned": placeholders("option", "warning"),
        }
    },
)
"""The feedback sentences, in ``content/01_nonstate_actors.yaml`` (``texts: ex01:``)."""

MODEL_INCIDENT: Final = "goznym-2016"
"""The small-scale criminal incident of task 4 (clear scale, host state that acted)."""


def incidents_per_actor_type(incidents: pd.DataFrame) -> pd.Series:
    """Number of incidents per actor type, every type listed (task 1)."""
    return incidents["actor_type"].value_counts().reindex(list(ACTOR_TYPES), fill_value=0)


def options_used_against(joined: pd.DataFrame, actor_type: str) -> set[int]:
    """The brief's options (1-7) used in public responses to incidents by ``actor_type``
    (task 2). Police takedowns are left out: they are not on the brief's ladder."""
    if actor_type not in ACTOR_TYPES:
        raise ValueError(
            f"actor_type: unknown value {actor_type!r}; allowed: {', '.join(ACTOR_TYPES)}"
        )
    rows = joined.loc[
        (joined["actor_type"] == actor_type) & joined["option"].isin(RESPONSE_OPTIONS[:7])
    ]
    return {int(option) for option in rows["option"].astype(str)}


def share_percent(incidents: pd.DataFrame, scale: str) -> float:
    """Percentage of incidents coded ``scale`` (task 3)."""
    if incidents.empty:
        raise ValueError("incidents: the table is empty")
    return float((incidents["scale"] == scale).mean() * 100)


def options_without_warning(
    incident_id: str, warning: str, incidents: pd.DataFrame | None = None
) -> set[int]:
    """Options whose model assessment of the real incident carries no ``warning`` (task 4)."""
    if warning not in WARNINGS:
        raise ValueError(f"warning: unknown value {warning!r}; allowed: {', '.join(WARNINGS)}")
    return {
        number
        for number in OPTIONS
        if warning not in assess(scenario_for(incident_id, number, incidents)).warnings
    }


def _model_incident_row(incidents: pd.DataFrame) -> pd.Series:
    """The task-4 incident, checked to still be small-scale crime (or the task makes no sense)."""
    rows = incidents.loc[incidents["id"] == MODEL_INCIDENT]
    if rows.empty:
        raise ValueError(f"MODEL_INCIDENT: {MODEL_INCIDENT!r} is no longer in the data")
    row = rows.iloc[0]
    if str(row["scale"]) != "small" or str(row["actor_type"]) != "criminal":
        raise ValueError(
            f"MODEL_INCIDENT: {MODEL_INCIDENT!r} is coded {row['actor_type']}/{row['scale']}; "
            "allowed: a criminal incident coded small"
        )
    return row


def _build_tasks() -> dict[str, Question]:
    incidents = load_incidents()
    joined = responses_with_incidents(incidents=incidents)
    option_labels = {n: option.title for n, option in OPTIONS.items()}

    used = options_used_against(joined, "criminal")
    unused_feedback: dict[object, str] = {
        n: _TEXTS.get("ex01", "unused_option", option=n) for n in OPTIONS if n not in used
    }
    unused_feedback["law_enforcement"] = _TEXTS.get("ex01", "police_takedown")

    counts = (
        joined.loc[
            (joined["actor_type"] == "criminal") & joined["option"].isin(RESPONSE_OPTIONS[:7]),
            "option",
        ]
        .astype(str)
        .value_counts()
    )
    top_two = " and ".join(f"{n} ({OPTIONS[int(n)].title.lower()})" for n in counts.index[:2])

    small = share_percent(incidents, "small")
    n_small = float((incidents["scale"] == "small").sum())
    mistakes = {
        value: text
        for value, text in {
            round(small / 100, 4): _TEXTS.get("ex01", "fraction"),
            n_small: _TEXTS.get("ex01", "count"),
        }.items()
        if abs(value - small) > 0.5
    }

    model_row = _model_incident_row(incidents)
    quiet = options_without_warning(MODEL_INCIDENT, "small_scale_crime", incidents)
    warned_feedback = {
        n: _TEXTS.get("ex01", "warned", option=n, warning=WARNING_TEXT["small_scale_crime"])
        for n in OPTIONS
        if n not in quiet
    }

    tasks: list[Question] = [
        TableAnswer(
            "ex01.task1", expected=incidents_per_actor_type(incidents), **task_words("ex01.task1")
        ),
        SetAnswer(
            "ex01.task2",
            expected=sorted(used),
            labels=option_labels,
            feedback=unused_feedback,
            **task_words("ex01.task2", top_two=top_two),
        ),
        Numeric(
            "ex01.task3",
            answer=round(small, 1),
            tolerance=0.5,
            unit="%",
            mistakes=mistakes,
            **task_words("ex01.task3"),
        ),
        SetAnswer(
            "ex01.task4",
            expected=sorted(quiet),
            labels=option_labels,
            feedback=warned_feedback,
            **task_words("ex01.task4", incident=MODEL_INCIDENT, name=model_row["name"]),
        ),
        OpenQuestion("ex01.task5", **task_words("ex01.task5", open_task=True)),
    ]
    return {task.qid: task for task in tasks}


TASKS: Final[dict[str, Question]] = _build_tasks()
"""The registered tasks by id; ``TASKS["ex01.task5"]`` shows the open question's widget."""
