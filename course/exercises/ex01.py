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
from course.learning.quiz import Numeric, OpenQuestion, Question, SetAnswer, TableAnswer

__all__ = [
    "MODEL_INCIDENT",
    "TASKS",
    "incidents_per_actor_type",
    "options_used_against",
    "options_without_warning",
    "share_percent",
]

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
        n: f"No public response to a criminal incident in the data is coded option {n}."
        for n in OPTIONS
        if n not in used
    }
    unused_feedback["law_enforcement"] = (
        "Police takedowns are in the data but are not one of the brief's seven options; "
        "give option numbers 1-7 only."
    )

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
            round(small / 100, 4): "That is a fraction; give a percentage (multiply by 100).",
            n_small: "That is the number of small-scale incidents; divide it by the number of "
            "incidents and multiply by 100.",
        }.items()
        if abs(value - small) > 0.5
    }

    model_row = _model_incident_row(incidents)
    quiet = options_without_warning(MODEL_INCIDENT, "small_scale_crime", incidents)
    warned_feedback = {
        n: f"The model warns for option {n}: {WARNING_TEXT['small_scale_crime']}."
        for n in OPTIONS
        if n not in quiet
    }

    tasks: list[Question] = [
        TableAnswer(
            "ex01.task1",
            "Count the incidents per actor type (a Series: actor type -> number of incidents).",
            expected=incidents_per_actor_type(incidents),
            hint="`incidents['actor_type'].value_counts()` counts the rows per value.",
            explanation="Compare the counts with the brief's claim that criminals launch most "
            "attacks: here states working through others (proxies, disguised operations, "
            "patriotic hackers) fill much of the table, because the data leans towards "
            "incidents that governments answered in public.",
        ),
        SetAnswer(
            "ex01.task2",
            "Which of the brief's seven options (numbers 1-7) have states used against "
            "criminal groups?",
            expected=sorted(used),
            labels=option_labels,
            feedback=unused_feedback,
            hint="Filter the joined table on `actor_type == 'criminal'`, keep options 1-7 "
            "(`option.isin(RESPONSE_OPTIONS[:7])`) and collect them as whole numbers "
            "(`.astype(str).astype(int)`: the codes are text).",
            explanation=f"Against criminals the most frequent options were {top_two}; police "
            "takedowns, which are not on the brief's ladder, come on top of these. The options "
            "never used against them say as much as the ones used.",
        ),
        Numeric(
            "ex01.task3",
            "What percentage of the incidents in the data are coded small-scale?",
            answer=round(small, 1),
            tolerance=0.5,
            unit="%",
            mistakes=mistakes,
            explanation="The brief (and reports such as Verizon's) say that most attacks are "
            "small criminal ones, yet only a small share of this dataset is. That is selection: "
            "the data holds only incidents with a public response, and states seldom respond in "
            "public to everyday crime.",
        ),
        SetAnswer(
            "ex01.task4",
            f"For the incident '{MODEL_INCIDENT}' ({model_row['name']}), which options does the "
            "escalation model assess without a 'small_scale_crime' warning?",
            expected=sorted(quiet),
            labels=option_labels,
            feedback=warned_feedback,
            hint=f"Loop over the options 1-7: `assess(scenario_for('{MODEL_INCIDENT}', n))"
            ".warnings` lists the warnings of option `n`.",
            explanation="The warning starts at sanctions: the model, like the brief, leaves "
            "requests, help, diplomacy and prosecution open against crime, and flags the "
            "coercive options as the wrong tools.",
        ),
        OpenQuestion(
            "ex01.task5",
            "A criminal gang working from abroad has stolen online-banking logins from "
            "thousands of your citizens and emptied some of their accounts. Hospitals, "
            "ministries and other public services were not affected. A fellow minister wants "
            "economic sanctions on the country the gang works from. In about 150 words, advise "
            "the minister.",
            rubric=[
                "Places the attack on the brief's scale: small-scale crime, because public "
                "services and national interests were not harmed, however large the losses.",
                "Recommends the tools that fit crime first: a request to the host state to act, "
                "police and judicial cooperation, indictments of the gang members.",
                "Explains why sanctions on the host state are out of proportion and add "
                "escalation risk for little gain.",
                "Says what would change the advice: public services disrupted, a host state "
                "that refuses to act, or evidence that the state directs the gang.",
            ],
            model_answer="This is serious crime, but small-scale in the brief's sense: it robs "
            "people and firms without disrupting public services or threatening national "
            "interests. The brief treats such crime as a different category from the "
            "large-scale attacks its state-level options are meant for. Start with the tools "
            "that fit crime: ask the host state, through police and legal-assistance channels, "
            "to arrest the gang; work with partner police forces to take down its servers; "
            "indict the members so they cannot travel safely. Economic sanctions on the host "
            "state would hit a whole country for a gang's crimes, would be out of proportion, "
            "and would invite hostile answers while doing little to stop the theft. Reconsider "
            "if the gang starts disrupting public services, if the host state refuses to act "
            "although it could, or if evidence shows that the state directs the gang: then it "
            "is no longer ordinary crime.",
            min_points=3,
        ),
    ]
    return {task.qid: task for task in tasks}


TASKS: Final[dict[str, Question]] = _build_tasks()
"""The registered tasks by id; ``TASKS["ex01.task5"]`` shows the open question's widget."""
