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

from course.engine.data import load_incidents, scenario_for
from course.engine.escalation import PUBLIC_EVIDENCE_POINTS, STRENGTH, assess
from course.learning.quiz import (
    MultipleChoice,
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

_NEAR_MISSES: Final = {
    i: (
        f"Coded `{t}`: "
        + (
            "people working for a state at arm's length (contractors, front companies), not a "
            "state body wearing a mask."
            if t == "proxy_contractor"
            else "the attackers are what they appear to be in the data, not a state in disguise."
        )
    )
    for i, t in zip(_INCIDENTS["id"], _INCIDENTS["actor_type"].astype(str), strict=True)
    if t != "state_disguised"
}

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

_WHY_NOT: Final = {
    "technical_indicators": (
        "Kept secret, your own technical indicators make the case stronger (attribution 0.85) "
        "but show nothing in public: option 5 still has the `little_public_evidence` warning."
    ),
    "claim_by_attackers": (
        "A claim is public, but the course's mapping gives it only 0.3 of the evidence shown, "
        "below the 0.5 the model asks for sanctions."
    ),
    "intelligence": "You already hold intelligence; the task asks what to add to it.",
}

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
    MultipleChoice(
        "ex02.task1",
        "A ransomware gang works from your neighbour's territory. Its government never orders "
        "an attack and gives the gang no money or tools, but its police leave the gang alone as "
        "long as it hits only foreign victims. Which of Maurer's relationships fits best?",
        [
            "Delegation",
            "Orchestration",
            "Sanctioning",
            "None: it is a purely criminal matter",
        ],
        answer=3,
        feedback=[
            "Delegation means the state tasks the proxy and keeps control over what it does, "
            "like an employer or a client. Here nobody gives the gang orders.",
            "Orchestration means the state actively backs groups that share its aims, with "
            "money, tools or guidance, while steering them loosely. Here the state gives nothing.",
            "Right: the state knowingly lets the gang operate and benefits from it (or at least "
            "does not mind), without directing or equipping it. That passive tolerance is what "
            "Maurer calls sanctioning.",
            "The gang is criminal, but the state's conduct is not neutral: it knows and chooses "
            "not to act while the gang hurts other states. That choice is what makes the gang a "
            "(loose) proxy.",
        ],
    ),
    SetAnswer(
        "ex02.task2",
        "Which incidents in the course's data were state operations disguised as criminal or "
        "hacktivist ones? Give their ids.",
        expected=DISGUISED_IDS,
        feedback=_NEAR_MISSES,
        hint="Filter `incidents` on the `actor_type` column; the data card explains its codes.",
        explanation=(
            "In each, a state body acted itself while wearing another identity; the data card "
            "codes them `state_disguised`, always with a sponsoring host."
        ),
    ),
    TableAnswer(
        "ex02.task3",
        "For each actor type, the median number of years from an incident's start "
        "(`start_year`) to the year its strongest public attribution was reached "
        "(`attribution_year`). Answer with a Series indexed by actor type.",
        expected=MEDIAN_YEARS,
        hint=(
            "Compute `attribution_year - start_year`, then group by `actor_type` (pass "
            "`observed=True` so empty categories are dropped) and take the median."
        ),
        explanation=(
            "Cases against contractors working for a state take longest: the strongest level is "
            "often an indictment, which takes years of investigation."
        ),
    ),
    SetAnswer(
        "ex02.task4",
        "Your government holds intelligence (kept secret) tying an attack to a foreign state. "
        "Which single extra piece of evidence, with nothing of your own published, would let "
        "the attribution carry option 5 (sanctions) against a large-scale attack from a "
        "sponsoring host? Give the evidence names (use `attribution_from` of "
        "`course.lessons.l02_proxies_and_attribution`).",
        expected=OPTION5_ENABLERS,
        labels={k: EVIDENCE[k].label for k in EVIDENCE_KINDS},
        feedback=_WHY_NOT,
        hint=(
            "Loop over `EVIDENCE_KINDS`: `attribution_from({'intelligence', kind}, set())`, and "
            "keep the kinds whose result has 5 in `.carried`."
        ),
        explanation=(
            "Each of them puts evidence in public view. Secret certainty is not enough for "
            "sanctions: the model, like the brief, asks for public evidence."
        ),
    ),
    Numeric(
        "ex02.task5",
        f"Score option 5 (sanctions) for `{MODEL_CASE}` with `scenario_for`, then again with "
        f"`public_evidence={PUBLIC_EVIDENCE_TO}`. By how many points does the risk fall?",
        answer=RISK_DROP,
        tolerance=0.01,
        unit="points",
        mistakes={
            round(-RISK_DROP, 4): "The risk falls, so give the drop as a positive number.",
            round(_WEIGHT * (PUBLIC_EVIDENCE_TO - _E0), 4): (
                "The public-evidence term counts attribution x public evidence: the share of a "
                f"full case shown. Multiply by the attribution ({_A}) too."
            ),
        },
        explanation=(
            f"The public-evidence term is {_WEIGHT:g} x (1 - {_A} x public evidence) for "
            f"sanctions, so raising public evidence from {_E0} to {PUBLIC_EVIDENCE_TO} saves "
            f"{_WEIGHT:g} x {_A} x {PUBLIC_EVIDENCE_TO - _E0:.1f} = {RISK_DROP:g} points, and the "
            "`little_public_evidence` warning disappears."
        ),
    ),
    OpenQuestion(
        "ex02.task6",
        "A group calling itself 'Free Net Brigade' has wiped the servers of your ministry of "
        "health and claimed the attack as a protest. Your intelligence service is confident, "
        "from intercepts and from malware your experts analysed, that the group is a cover for "
        "a neighbouring state's military intelligence. Two allies have seen the evidence but "
        "not yet decided to speak. In about 150 words, advise the minister: go public or not, "
        "how, and with which response?",
        rubric=[
            "Separates what is known privately (technical findings, intelligence) from what can "
            "be shown in public, and names the risk of a false flag either way",
            "Explains why going public matters for the stronger responses: without public "
            "evidence they invite denial, counter-retaliation and condemnation (the brief)",
            "Proposes a way to go public that keeps sources safe: publish technical indicators, "
            "seek charges, and/or coordinate a joint attribution with the allies",
            "Matches the response to the evidence and to the attack: starts with options the "
            "attribution can carry and keeps stronger ones for later, proportionately",
            "Says what to do next if the neighbour denies or the attacks continue",
        ],
        model_answer=(
            "Go public, but in steps. Privately we are confident; publicly there is only the "
            "attackers' claim, and it names a mask. A bare accusation would be easy to deny, so "
            "first declassify the malware indicators (they reveal no human sources) and ask the "
            "two allies to join a public attribution: a joint statement with technical detail "
            "is far harder to dismiss. With that in hand, a diplomatic protest and charges "
            "against identified officers are well supported and carry little risk of "
            "escalation. Targeted sanctions become defensible once the evidence is public, with "
            "clear conditions for lifting them. Keep cyber or military retaliation off the "
            "table: the attack destroyed data, not lives, so they would be out of proportion. "
            "If the neighbour denies and attacks go on, widen the sanctions with the allies."
        ),
        min_points=4,
    ),
)
"""The six tasks, in notebook order."""
