"""Answer keys for ``exercises/02_proxies_and_attribution_exercises.ipynb``.

Importing this module registers the tasks ``ex02.task1`` ... ``ex02.task6`` with
:mod:`course.learning.quiz`; the notebook then calls ``check("ex02.task2", answer)``. Every
expected value that depends on the data is computed from ``data/`` here, at import, so the keys
follow the data when a row is added or corrected (the notebook never shows them).

Tasks
    1. Concept check: which of Maurer's three relationships fits a tolerated ransomware gang.
    2. pandas: the ids of the state operations disguised as criminal or hacktivist ones.
    3. pandas: median years from an incident's start to its strongest public attribution, per
       actor type.
    4. Builder: which single extra piece of evidence lets a government holding secret
       intelligence carry option 5 (sanctions).
    5. Model: how much publishing more evidence lowers the risk of sanctions over TV5Monde.
    6. Open: advise the minister whether, and how, to go public with an attribution.
"""

from __future__ import annotations

from typing import Final

import pandas as pd

from course.engine.data import ACTOR_TYPES, load_incidents, scenario_for
from course.engine.escalation import PUBLIC_EVIDENCE_POINTS, STRENGTH, assess
from course.learning.content import TEXT, LessonTexts, choice_task, placeholders, task_words
from course.learning.quiz import (
    Numeric,
    OpenQuestion,
    Question,
    SetAnswer,
    TableAnswer,
)
from course.lessons.l02_proxies_and_attribution import (
    EVIDENCE,
    EVIDENCE_KINDS,
    attribution_from,
    years_to_attribution,
)

__all__ = [
    "BUILDER_BASE",
    "DISGUISED_IDS",
    "MEDIAN_YEARS",
    "MODEL_CASE",
    "OPTION5_ENABLERS",
    "PUBLIC_EVIDENCE_TO",
    "RISK_DROP",
    "TASKS",
]

_INCIDENTS: Final = load_incidents()

# --- Task 2: state operations in disguise -------------------------------------------------------

DISGUISED_IDS: Final = tuple(
    sorted(_INCIDENTS.loc[_INCIDENTS["actor_type"] == "state_disguised", "id"])
)
"""Incident ids coded ``state_disguised``."""

_NOT_DISGUISED: Final = tuple(t for t in ACTOR_TYPES if t != "state_disguised")

# --- Task 3: median years to the strongest attribution ------------------------------------------

_YEARS: Final = years_to_attribution(_INCIDENTS)
MEDIAN_YEARS: Final = (
    pd.DataFrame(
        {
            "actor_type": _INCIDENTS.set_index("id").loc[_YEARS.index, "actor_type"].astype(str),
            "years": _YEARS.to_numpy(),
        }
    )
    .groupby("actor_type")["years"]
    .median()
    .rename("years")
)
"""Median of ``attribution_year - start_year`` per actor type (attributed incidents only)."""

# --- Task 4: what lets secret intelligence carry sanctions --------------------------------------

BUILDER_BASE: Final = frozenset({"intelligence"})
"""The government's starting evidence, kept secret."""


def _carries_sanctions(extra: str) -> bool:
    evidence = BUILDER_BASE | {extra}
    return 5 in attribution_from(evidence, published=frozenset()).carried


OPTION5_ENABLERS: Final = tuple(
    k for k in EVIDENCE_KINDS if k not in BUILDER_BASE and _carries_sanctions(k)
)
"""Evidence kinds that, added to secret intelligence (nothing published), carry option 5."""

# --- The feedback sentences: content/02_proxies_and_attribution.yaml, texts: ex02: -------------

_TEXTS: Final = LessonTexts(
    "02",
    {
        "ex02": {
            # Task 2: why an incident of another actor type is not a state in disguise.
            "near_miss": dict.fromkeys(_NOT_DISGUISED, placeholders("code")),
            # Task 4: why each kind of evidence that does not carry option 5 does not.
            "why_not": {k: TEXT for k in EVIDENCE_KINDS if k not in OPTION5_ENABLERS},
            "negative_drop": TEXT,
            "forgot_attribution": placeholders("attribution"),
        }
    },
)
_TEXTS()

_NEAR_MISSES: Final = {
    i: _TEXTS.get("ex02", "near_miss", t, code=t)
    for i, t in zip(_INCIDENTS["id"], _INCIDENTS["actor_type"].astype(str), strict=True)
    if t != "state_disguised"
}
_WHY_NOT: Final = {k: _TEXTS.get("ex02", "why_not", k) for k in _TEXTS.spec["ex02"]["why_not"]}

# --- Task 5: publishing more evidence and the risk of sanctions ---------------------------------

MODEL_CASE: Final = "tv5monde-2015"
"""A disguised operation coded ``government``: little public evidence (0.3) by the mapping."""

PUBLIC_EVIDENCE_TO: Final = 0.8
_OPTION: Final = 5
_BEFORE: Final = assess(scenario_for(MODEL_CASE, _OPTION, incidents=_INCIDENTS))
_AFTER: Final = assess(
    scenario_for(MODEL_CASE, _OPTION, incidents=_INCIDENTS, public_evidence=PUBLIC_EVIDENCE_TO)
)
RISK_DROP: Final = round(_BEFORE.risk - _AFTER.risk, 4)
"""Points by which option 5's risk falls when public evidence rises to PUBLIC_EVIDENCE_TO."""
_A: Final = _BEFORE.scenario.attribution
_E0: Final = _BEFORE.scenario.public_evidence
_WEIGHT: Final = PUBLIC_EVIDENCE_POINTS * STRENGTH[_OPTION - 1]  # 10 x 0.7 for sanctions

# --- The tasks ---------------------------------------------------------------------------------

TASKS: Final[tuple[Question, ...]] = (
    choice_task("ex02.task1"),
    SetAnswer(
        "ex02.task2", expected=DISGUISED_IDS, feedback=_NEAR_MISSES, **task_words("ex02.task2")
    ),
    TableAnswer("ex02.task3", expected=MEDIAN_YEARS, **task_words("ex02.task3")),
    SetAnswer(
        "ex02.task4",
        expected=OPTION5_ENABLERS,
        labels={k: EVIDENCE[k].label for k in EVIDENCE_KINDS},
        feedback=_WHY_NOT,
        **task_words("ex02.task4"),
    ),
    Numeric(
        "ex02.task5",
        answer=RISK_DROP,
        tolerance=0.01,
        unit="points",
        mistakes={
            round(-RISK_DROP, 4): _TEXTS.get("ex02", "negative_drop"),
            round(_WEIGHT * (PUBLIC_EVIDENCE_TO - _E0), 4): _TEXTS.get(
                "ex02", "forgot_attribution", attribution=_A
            ),
        },
        **task_words(
            "ex02.task5",
            case=MODEL_CASE,
            evidence_to=PUBLIC_EVIDENCE_TO,
            weight=f"{_WEIGHT:g}",
            attribution=_A,
            evidence_from=_E0,
            step=f"{PUBLIC_EVIDENCE_TO - _E0:.1f}",
            drop=f"{RISK_DROP:g}",
        ),
    ),
    OpenQuestion("ex02.task6", **task_words("ex02.task6", open_task=True)),
)
"""The six tasks, in notebook order."""
