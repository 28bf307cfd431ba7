"""Answer keys for exercises/03_due_diligence_exercises.ipynb (tasks ex03.task1-ex03.task5).

Importing this module registers the tasks with `course.learning.quiz`; the notebook then calls
``check("ex03.task2", answer)``. Expected values are computed from ``data/`` and from the
escalation model at import, so they follow the data and the model when either changes.
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping
from typing import Any, Final

import pandas as pd

from course.engine.data import RESPONSE_OPTIONS, responses_with_incidents, scenario_for
from course.engine.escalation import LEGAL_BASES, OPTIONS, Scenario, assess
from course.engine.labels import LEGAL_BASIS_LABELS
from course.learning.quiz import MultipleChoice, Numeric, OpenQuestion, Predicate, SetAnswer

__all__ = [
    "COUNTERMEASURE_INCIDENT",
    "EXPECTED_FIRST_REQUESTS",
    "EXPECTED_LIGHTEST_COUNTERMEASURE",
    "EXPECTED_SPONSOR_COUNTS",
    "TASKS",
    "first_responses",
    "sponsor_option_counts",
]

COUNTERMEASURE_INCIDENT: Final = "colonial-2021"
"""The able-but-unwilling case the model task scores (Colonial Pipeline, 2021)."""


# --------------------------------------------------------------------------- reference solutions


def sponsor_option_counts(joined: pd.DataFrame) -> dict[str, int]:
    """Responses per option against incidents whose host posture is ``sponsor`` (no zeros)."""
    sponsor = joined[joined["host_posture"].astype(str) == "sponsor"]
    counts = sponsor["option"].astype(str).value_counts()
    return {option: int(n) for option, n in counts.items() if n > 0}


def first_responses(joined: pd.DataFrame) -> pd.DataFrame:
    """The responses on each incident's earliest date (several when they share that date).

    Dates are compared as text: ``YYYY``, ``YYYY-MM`` and ``YYYY-MM-DD`` sort correctly that way,
    a date known only to the month or year counting as the start of that month or year.
    """
    earliest = joined.groupby("incident_id")["date"].transform("min")
    return joined.loc[joined["date"] == earliest]


def _lightest_countermeasure(incident_id: str) -> int:
    for number in OPTIONS:
        if assess(scenario_for(incident_id, number)).legal_basis == "countermeasure":
            return number
    raise AssertionError("no option needs a countermeasure")  # pragma: no cover


_JOINED: Final = responses_with_incidents()
EXPECTED_SPONSOR_COUNTS: Final = sponsor_option_counts(_JOINED)
_FIRST: Final = first_responses(_JOINED)
EXPECTED_FIRST_REQUESTS: Final = frozenset(
    _FIRST.loc[_FIRST["option"].astype(str) == "1", "incident_id"]
)
EXPECTED_LIGHTEST_COUNTERMEASURE: Final = _lightest_countermeasure(COUNTERMEASURE_INCIDENT)
_EXPULSION_BASIS: Final = assess(
    Scenario(
        option=3,
        attack_scale="large",
        attribution=0.8,
        public_evidence=0.5,
        host_state="able_unwilling",
    )
).legal_basis


# --------------------------------------------------------------------------- task 2 checker


def _as_counts(answer: Any) -> dict[str, int] | str:
    """A Series or dict of option -> count as {"3": 13, ...} without zeros, or why not."""
    if isinstance(answer, pd.DataFrame):
        if answer.shape[1] != 1:
            return "I expected one column of counts (a Series), not a table with several."
        answer = answer.iloc[:, 0]
    if isinstance(answer, pd.Series):
        answer = answer.to_dict()
    if not isinstance(answer, Mapping):
        return f"I expected a Series (or dict) of counts per option, got a {type(answer).__name__}."
    counts: dict[str, int] = {}
    for key, value in answer.items():
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            return f"The count for option {key!r} is {value!r}, not a number."
        option = str(int(key)) if isinstance(key, numbers.Integral) else str(key)
        if option not in RESPONSE_OPTIONS:
            return f"{key!r} is not an option; options are {', '.join(RESPONSE_OPTIONS)}."
        if value:
            counts[option] = counts.get(option, 0) + int(value)
    return counts


def _check_sponsor_counts(answer: Any) -> tuple[bool, str]:
    counts = _as_counts(answer)
    if isinstance(counts, str):
        return False, counts
    if counts == EXPECTED_SPONSOR_COUNTS:
        total = sum(counts.values())
        return True, (
            f"That's right: {total} responses against sponsoring hosts, none of them a "
            "capacity-building offer."
        )
    for option in RESPONSE_OPTIONS:
        got, want = counts.get(option, 0), EXPECTED_SPONSOR_COUNTS.get(option, 0)
        if got != want:
            return False, (
                f"Option {option}: you counted {got}, I expected {want}. Did you keep only the "
                "rows whose host_posture is 'sponsor'?"
            )
    return False, "The counts differ."  # pragma: no cover


# --------------------------------------------------------------------------- task 3 feedback


def _late_request_feedback() -> dict[str, str]:
    """Why incidents with a later request do not count: what came first there."""
    requested = set(_JOINED.loc[_JOINED["option"].astype(str) == "1", "incident_id"])
    why: dict[str, str] = {}
    for incident in sorted(requested - EXPECTED_FIRST_REQUESTS):
        first = _FIRST[_FIRST["incident_id"] == incident]
        options = ", ".join(sorted(set(first["option"].astype(str))))
        why[incident] = (
            f"Its earliest response ({first['date'].iloc[0]}) was option {options}; the request "
            "came later."
        )
    return why


# --------------------------------------------------------------------------- the tasks

_BASIS_CHOICES: Final = [LEGAL_BASIS_LABELS[b] for b in LEGAL_BASES]

TASKS: Final = (
    MultipleChoice(
        "ex03.task1",
        "A host state ignores your requests, and your minister wants to expel two of its "
        "diplomats. Which rung of the legal ladder does the expulsion need?",
        _BASIS_CHOICES,
        answer=LEGAL_BASES.index(_EXPULSION_BASIS) + 1,
        feedback=[
            "No: a request or an offer of help needs no justification, but an expulsion is an "
            "unfriendly act aimed at the host state.",
            "Right: expelling diplomats is unfriendly but lawful in itself (retorsion), so it "
            "needs no wrongful act by the host.",
            "No: a countermeasure is an act that would be unlawful on its own. A state may send "
            "foreign diplomats home without breaking any rule.",
            "No: self-defence is for an armed attack and involves force; an expulsion is neither.",
        ],
    ),
    Predicate(
        "ex03.task2",
        "Count the responses per option against incidents whose host state is a sponsor.",
        test=_check_sponsor_counts,
        solution=", ".join(f"option {k}: {v}" for k, v in sorted(EXPECTED_SPONSOR_COUNTS.items())),
        hint="Filter `joined` on `host_posture == 'sponsor'`, then `value_counts()` the option.",
    ),
    SetAnswer(
        "ex03.task3",
        "For which incidents was a request to act (option 1) among the responses on the "
        "incident's earliest response date?",
        expected=sorted(EXPECTED_FIRST_REQUESTS),
        feedback=_late_request_feedback(),
        hint="Per incident, find the earliest `date` (groupby + transform('min')), keep the rows "
        "on that date, then the incidents where one of them is option '1'.",
    ),
    Numeric(
        "ex03.task4",
        f"Score the {COUNTERMEASURE_INCIDENT} incident with each option 1-7 "
        "(scenario_for + assess). What is the lightest option whose legal basis is a "
        "countermeasure?",
        answer=EXPECTED_LIGHTEST_COUNTERMEASURE,
        mistakes={
            5: "Sanctions (option 5) are retorsion in the model: lawful in themselves.",
            7: "Option 7 needs self-defence, a higher rung. Is there a lighter option that "
            "needs a countermeasure?",
        },
        explanation="Retaliation in cyberspace would be unlawful on its own, so it needs a "
        "wrongful act by the host; for an able but unwilling host that means a breach of due "
        "diligence, which is contested.",
    ),
    OpenQuestion(
        "ex03.task5",
        "Ransomware run from country H has shut down the computer systems of your hospitals. "
        "H has capable police but did not answer a message from your CERT. Advise the "
        "minister in about 150 words: what should you ask H, and what do you do if it refuses?",
        rubric=[
            "Makes a formal request at a higher level (police/legal channel or diplomatic), "
            "with evidence, and names concrete asks: investigate, seize the servers, arrest or "
            "prosecute, share information.",
            "Treats H as able but unwilling only once the request is refused, and does not "
            "accuse H of sponsoring the gang without evidence.",
            "Escalates step by step after a refusal: private then public protest, charges "
            "against the gang, sanctions with clear exit conditions, ideally with allies.",
            "Names the legal limits: these steps are retorsion; a hack-back would need a "
            "countermeasure, contested because due diligence may not bind; force is out "
            "without an armed attack.",
            "Keeps the response proportionate and says what H must do to end the pressure.",
        ],
        model_answer=(
            "Ask H formally, through the police and legal-assistance channel and at ministerial "
            "level, to investigate the gang, take its servers offline, arrest or prosecute its "
            "members and share what it finds; attach the evidence. That request costs nothing, "
            "accuses nobody, and means H can no longer say it did not know. If H refuses or "
            "stalls, treat it as able but unwilling (not as a sponsor unless evidence shows "
            "involvement): protest in private, then in public with partners; indict the gang's "
            "members; sanction them, and H's officials only if the refusal continues, stating "
            "what would lift the sanctions. All of this is retorsion and lawful. Do not hack "
            "back into H's networks: it would need a countermeasure, and whether H's inaction "
            "is a wrongful act is disputed. Force is out: no armed attack has occurred. Keep "
            "every step proportionate and keep the door open for H to act."
        ),
        min_points=4,
    ),
)
"""The five tasks, registered with course.learning.quiz on import."""
