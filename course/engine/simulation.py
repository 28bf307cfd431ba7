"""Escalation simulator: several rounds of response and hostile answer, run many times.

Why this module exists: the escalation model (``course.engine.escalation``) scores one response
in one situation. The brief's worry is a *sequence*: the victim responds, the attackers or the
state behind them answer with hostile action, and the victim answers that in turn, until the
exchange calms down or ends in force (van der Meer 2020, "Benefits and risks"; "Option 7").
This module plays that sequence out, so that a student can see how the model's scores add up
over rounds, and how more convincing public evidence or a milder opening changes the picture.

It is an **illustration of the brief's reasoning, not a forecast**: every rule below is a
teaching assumption, stated in ``docs/simulator.md`` and beside every result
(:meth:`Simulation.assumptions`).

The rules, kept small on purpose:

1. **Round 1.** The victim opens with one of the seven options.
2. **The adversary answers.** The adversary (the non-state actor, or the state that hosts or
   sponsors it) answers the victim's current response with hostile action with probability
   ``p = HOSTILE_PER_POINT x risk``, the model's risk score for that response in the fixed
   situation divided by 100. The adversary has no memory: ``p`` depends on the current response
   only.
3. **The victim reacts.** If the answer was not hostile, the exchange ends there. If it was
   hostile, the victim responds again in the next round: under policy ``"climb"`` one rung higher
   on the ladder (option 7 stays 7), under ``"hold"`` with the same option.
4. **The end.** A hostile answer to a military strike (option 7) ends the run as *escalated to
   force*, the military spiral the brief warns of. Otherwise the run ends when an answer is not
   hostile, or at the round limit.

Each run ends in one of :data:`OUTCOMES`: ``quiet`` (the opening response drew no hostile
answer), ``contained`` (one or more hostile answers, then an answer that was not hostile),
``spiral`` (still hostile at the round limit, without force) or ``force``. The *escalation share*
is the share of runs ending in ``spiral`` or ``force``: the exchange did not calm down.

How it is computed: one ``numpy.random.default_rng(seed)`` draws a ``runs x MAX_ROUNDS`` table
of uniform numbers once; the answer in round ``k`` of run ``i`` is hostile when
``u[i, k] < p``. Every opening option, and every setting of the sliders, reads the *same* table
(common random numbers). That makes the result deterministic under its seed, lets a student
compare openings without noise between them, and makes the monotonicity rules below hold run by
run, not only on average. Everything is vectorised over openings, runs and rounds; 10,000 runs
of all seven openings take milliseconds (``benchmarks/bench_simulation.py``).

What holds for every input (``tests/test_simulation.py`` checks it with hypothesis):

- more convincing attribution or more public evidence never raises the escalation share, the
  force share or the hostile share, and never lowers the quiet share (the model's risk never
  rises with either, and each run's outcome only improves as ``p`` falls);
- a stronger opening never lowers the escalation share;
- the same inputs and seed give the same result; the counts add up to ``runs``;
- :func:`exact_shares` gives the probabilities the simulation estimates, in closed form.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

import numpy as np
import pandas as pd

from course.engine.escalation import (
    OPTIONS,
    SCENARIO_FIELDS,
    Scenario,
    ScenarioError,
    assess_many,
    option_by,
)

__all__ = [
    "DEFAULT_ROUNDS",
    "DEFAULT_RUNS",
    "DEFAULT_SEED",
    "ESCALATED",
    "HOSTILE_PER_POINT",
    "MAX_ROUNDS",
    "MAX_RUNS",
    "OUTCOMES",
    "OUTCOME_LABELS",
    "POLICIES",
    "POLICY_LABELS",
    "Simulation",
    "SimulationError",
    "exact_shares",
    "exact_shares_many",
    "hostile_probabilities",
    "rung_path",
    "simulate",
]

OUTCOMES: Final = ("quiet", "contained", "spiral", "force")
"""How a run ends, mildest first (see the module docstring)."""

ESCALATED: Final = ("spiral", "force")
"""The outcomes counted in the escalation share: the exchange did not calm down."""

OUTCOME_LABELS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "quiet": "Ended quietly",
        "contained": "Contained after hostile answers",
        "spiral": "Still escalating at the round limit",
        "force": "Escalated to force",
    }
)
"""Plain labels for charts and tables."""

POLICIES: Final = ("climb", "hold")
"""What the victim does after a hostile answer: one rung up the ladder, or the same option."""

POLICY_LABELS: Final[Mapping[str, str]] = MappingProxyType(
    {"climb": "Climbs one rung", "hold": "Holds the same response"}
)

HOSTILE_PER_POINT: Final = 0.01
"""Probability of a hostile answer per point of model risk: p = risk / 100. The simplest
mapping that keeps the model's order and its bands' meaning (a negligible score, below 10, gives
a hostile answer in fewer than one exchange in ten; a severe one, 75 or more, in three of four).
It is a teaching assumption, not a measured rate."""

MAX_ROUNDS: Final = 10
"""Most rounds a run may have (the random table always has this many columns, so adding a
round never changes the draws of the earlier ones)."""

MAX_RUNS: Final = 200_000
"""Most runs per call: enough for shares accurate to about 0.1 percentage point, small enough
to keep a slider responsive."""

DEFAULT_ROUNDS: Final = 5
"""Enough rounds for a diplomatic protest (option 3) to climb to force under ``"climb"``."""

DEFAULT_RUNS: Final = 10_000
DEFAULT_SEED: Final = 2020
"""The year of the brief; any fixed number would do."""

_FORCE: Final = 7


class SimulationError(ScenarioError):
    """Bad simulator input; names the field, the value and what is allowed (a ValueError)."""


# --------------------------------------------------------------------------------------------
# Validation
# --------------------------------------------------------------------------------------------


def _check_int(field: str, value: object, low: int, high: int) -> int:
    allowed = f"a whole number from {low:,} to {high:,} (not a bool, float or str)"
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Integral):
        raise SimulationError(field, value, allowed)
    if not low <= int(value) <= high:
        raise SimulationError(field, value, allowed)
    return int(value)


def _check_seed(value: object) -> int:
    allowed = "a whole number >= 0 (not a bool, float or str)"
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Integral):
        raise SimulationError("seed", value, allowed)
    if int(value) < 0:
        raise SimulationError("seed", value, allowed)
    return int(value)


def _check_policy(value: object) -> str:
    if isinstance(value, str) and value in POLICIES:
        return value
    raise SimulationError("policy", value, "one of " + ", ".join(repr(p) for p in POLICIES))


def _check_openings(value: object, scenario: Scenario) -> tuple[int, ...]:
    """Option numbers in ladder order, no repeats; None means the scenario's own option."""
    if value is None:
        return (scenario.option,)
    allowed = "a non-empty list of options (1..7 or keys such as 'sanctions'), each at most once"
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        raise SimulationError("openings", value, allowed)
    items = list(value)
    if not items:
        raise SimulationError("openings", value, allowed)
    numbers_: list[int] = []
    for item in items:
        try:
            numbers_.append(option_by(item).number)
        except ScenarioError:
            raise SimulationError("openings", item, allowed) from None
    if len(set(numbers_)) != len(numbers_):
        raise SimulationError("openings", value, allowed)
    return tuple(sorted(numbers_))


def _check_scenario(value: object) -> Scenario:
    if not isinstance(value, Scenario):
        raise SimulationError("scenario", value, "a course.engine.escalation.Scenario")
    return value


# --------------------------------------------------------------------------------------------
# Building blocks
# --------------------------------------------------------------------------------------------


def hostile_probabilities(scenario: Scenario) -> dict[int, float]:
    """For each option 1..7: the chance of a hostile answer to it in ``scenario``'s situation,
    ``HOSTILE_PER_POINT x risk`` (the scenario's own option is ignored; every option is scored
    with the scenario's other fields, in one ``assess_many`` call)."""
    table = _hostile_table([_check_scenario(scenario)])[0]
    return {number: float(p) for number, p in zip(OPTIONS, table, strict=True)}


def _hostile_table(scenarios: list[Scenario]) -> np.ndarray:
    """Shape (scenarios, 7): the chance of a hostile answer to each option 1..7 in each
    scenario's situation, every option of every scenario scored in one ``assess_many`` call."""
    rows = [{f: getattr(s, f) for f in SCENARIO_FIELDS} for s in scenarios]
    frame = pd.DataFrame([{**row, "option": number} for row in rows for number in OPTIONS])
    risks = assess_many(frame)["risk"].to_numpy().reshape(len(scenarios), len(OPTIONS))
    return HOSTILE_PER_POINT * risks


def rung_path(opening: int | str, rounds: int, policy: str = "climb") -> tuple[int, ...]:
    """The option the victim uses in each round, if every earlier answer was hostile.

    The path is fixed in advance, because the exchange only goes on after a hostile answer:
    ``rung_path(5, 4) == (5, 6, 7, 7)``; ``rung_path(5, 4, "hold") == (5, 5, 5, 5)``.
    """
    start = option_by(opening).number
    rounds = _check_int("rounds", rounds, 1, MAX_ROUNDS)
    policy = _check_policy(policy)
    if policy == "hold":
        return (start,) * rounds
    return tuple(min(start + k, _FORCE) for k in range(rounds))


def _paths(
    openings: tuple[int, ...], rounds: int, policy: str, p: Mapping[int, float]
) -> tuple[np.ndarray, np.ndarray]:
    """(probability of a hostile answer, is-a-strike) per opening and round, each (O, R)."""
    path = np.array([rung_path(o, rounds, policy) for o in openings], dtype=np.intp)
    table = np.array([p[number] for number in OPTIONS])
    return table[path - 1], path == _FORCE


def _outcome_counts(probability: np.ndarray, strike: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Counts of OUTCOMES per opening, shape (O, 4), from the (O, R) paths and the (N, R) draws.

    ``alive[o, i, k]``: every answer up to round k was hostile, so the exchange was still going.
    Force is a hostile answer to a strike while the exchange was going; the path stays at 7 once
    it gets there, so the first such round decides it.
    """
    hostile = u[np.newaxis, :, :] < probability[:, np.newaxis, :]
    alive = np.logical_and.accumulate(hostile, axis=2)
    force = (alive & strike[:, np.newaxis, :]).any(axis=2)
    quiet = ~hostile[:, :, 0]
    spiral = alive[:, :, -1] & ~force
    contained = ~(quiet | force | spiral)
    return np.stack([quiet, contained, spiral, force], axis=2).sum(axis=1)


def exact_shares(
    scenario: Scenario,
    *,
    openings: Iterable[int | str] | None = None,
    rounds: int = DEFAULT_ROUNDS,
    policy: str = "climb",
) -> pd.DataFrame:
    """The probabilities the simulation estimates, in closed form (rows: openings; columns:
    OUTCOMES; each row adds up to 1).

    With p_1, p_2, ... the chances of a hostile answer along the opening's path (rung_path):
    quiet = 1 - p_1; force = p_1 x ... x p_m when round m is the first strike (m <= rounds);
    spiral = p_1 x ... x p_rounds when no strike comes within the limit; contained = the rest.
    """
    scenario = _check_scenario(scenario)
    chosen = _check_openings(openings, scenario)
    rounds = _check_int("rounds", rounds, 1, MAX_ROUNDS)
    policy = _check_policy(policy)
    shares = _closed_form(_hostile_table([scenario]), chosen, rounds, policy)[0]
    return pd.DataFrame(shares, index=pd.Index(chosen, name="opening"), columns=list(OUTCOMES))


def exact_shares_many(
    scenarios: Iterable[Scenario],
    *,
    openings: Iterable[int | str],
    rounds: int = DEFAULT_ROUNDS,
    policy: str = "climb",
) -> pd.DataFrame:
    """:func:`exact_shares` for several scenarios and the same openings at once.

    Rows: one per scenario (its position, ``scenario``) and opening (``opening``), scenario by
    scenario; columns: OUTCOMES. The same numbers as calling :func:`exact_shares` on each
    scenario, to the last bit (a test checks it). Why: a curve over many situations (lesson
    11 scores 21 levels of evidence) would otherwise pay one ``assess_many`` call and one frame
    per point, most of the curve's time.
    """
    if isinstance(scenarios, Scenario) or not isinstance(scenarios, Iterable):
        raise SimulationError("scenarios", scenarios, "a list of course.engine.escalation.Scenario")
    checked = [_check_scenario(s) for s in scenarios]
    if not checked:
        raise SimulationError("scenarios", scenarios, "a non-empty list of Scenario")
    if openings is None:
        raise SimulationError("openings", openings, "the options to open with, for every scenario")
    chosen = _check_openings(openings, checked[0])
    rounds = _check_int("rounds", rounds, 1, MAX_ROUNDS)
    policy = _check_policy(policy)
    shares = _closed_form(_hostile_table(checked), chosen, rounds, policy)
    index = pd.MultiIndex.from_product([range(len(checked)), chosen], names=["scenario", "opening"])
    return pd.DataFrame(shares.reshape(-1, len(OUTCOMES)), index=index, columns=list(OUTCOMES))


def _closed_form(
    hostile: np.ndarray, openings: tuple[int, ...], rounds: int, policy: str
) -> np.ndarray:
    """The exact shares of OUTCOMES, shape (scenarios, openings, 4), from the (scenarios, 7)
    chances of a hostile answer (see :func:`exact_shares` for the formula)."""
    path = np.array([rung_path(o, rounds, policy) for o in openings], dtype=np.intp)
    probability = hostile[:, path - 1]  # (scenarios, openings, rounds)
    strike = path == _FORCE
    alive = np.cumprod(probability, axis=2)
    first_strike = np.where(strike.any(axis=1), strike.argmax(axis=1), -1)
    reached = alive[:, np.arange(len(openings)), first_strike]  # the strike round, or the last
    quiet = 1.0 - probability[:, :, 0]
    force = np.where(first_strike >= 0, reached, 0.0)
    spiral = np.where(first_strike < 0, reached, 0.0)
    contained = 1.0 - quiet - force - spiral
    # clip only ever removes a -1e-17 of rounding in "contained"
    return np.clip(np.stack([quiet, contained, spiral, force], axis=2), 0.0, None)


# --------------------------------------------------------------------------------------------
# The simulation
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Simulation:
    """The result of :func:`simulate`: the inputs, the chances used and the counted outcomes.

    ``counts`` has one row per opening option (ladder order) and one column per outcome in
    :data:`OUTCOMES`; each row adds up to ``runs``.
    """

    scenario: Scenario
    openings: tuple[int, ...]
    rounds: int
    runs: int
    seed: int
    policy: str
    probabilities: Mapping[int, float]
    counts: pd.DataFrame

    @property
    def shares(self) -> pd.DataFrame:
        """``counts`` divided by ``runs``: the share of runs ending in each outcome."""
        return self.counts / self.runs

    @property
    def escalation_share(self) -> pd.Series:
        """Per opening, the share of runs that did not calm down (``spiral`` or ``force``)."""
        return self.counts[list(ESCALATED)].sum(axis=1) / self.runs

    def path(self, opening: int | str) -> tuple[int, ...]:
        """The options the victim uses, round by round, after this opening (rung_path)."""
        return rung_path(opening, self.rounds, self.policy)

    def assumptions(self) -> list[str]:
        """The rules behind this result, in plain words, to show beside it."""
        s = self.scenario
        chances = ", ".join(
            f"option {number} {100 * self.probabilities[number]:.0f}%" for number in OPTIONS
        )
        climb = (
            "climbs one rung on the ladder (a strike, option 7, stays a strike)"
            if self.policy == "climb"
            else "holds: it repeats the same response"
        )
        return [
            "An illustration of the brief's reasoning, not a forecast: the rules and numbers are "
            "teaching assumptions.",
            "Each round the adversary (the attackers or the state behind them) answers the "
            "victim's current response with hostile action with probability risk / 100, the "
            "escalation model's score for that response in this situation: " + chances + ".",
            "The adversary has no memory, and the situation stays fixed: attribution "
            f"{s.attribution:.2f}, public evidence {s.public_evidence:.2f}, the same host state "
            "and attack in every round.",
            f"After a hostile answer the victim {climb}; after an answer that is not hostile "
            "the exchange ends.",
            "A hostile answer to a military strike counts as escalated to force and ends the run; "
            f"a run still hostile after {self.rounds} round(s) counts as still escalating.",
            f"{self.runs:,} runs per opening with seed {self.seed}; every opening meets the same "
            "random draws, and the same inputs always give the same result.",
        ]


def simulate(
    scenario: Scenario,
    *,
    openings: Iterable[int | str] | None = None,
    rounds: int = DEFAULT_ROUNDS,
    runs: int = DEFAULT_RUNS,
    seed: int = DEFAULT_SEED,
    policy: str = "climb",
) -> Simulation:
    """Play out ``runs`` exchanges for each opening option in ``scenario``'s situation.

    ``openings`` defaults to the scenario's own option; pass several (``range(1, 8)``) to compare
    them. Bad input raises :class:`SimulationError` (a ``ValueError``) naming the field, the value
    and what is allowed; nothing is clamped.
    """
    scenario = _check_scenario(scenario)
    chosen = _check_openings(openings, scenario)
    rounds = _check_int("rounds", rounds, 1, MAX_ROUNDS)
    runs = _check_int("runs", runs, 1, MAX_RUNS)
    seed = _check_seed(seed)
    policy = _check_policy(policy)
    p = hostile_probabilities(scenario)
    probability, strike = _paths(chosen, rounds, policy, p)
    u = np.random.default_rng(seed).random((runs, MAX_ROUNDS))[:, :rounds]
    counts = pd.DataFrame(
        _outcome_counts(probability, strike, u),
        index=pd.Index(chosen, name="opening"),
        columns=list(OUTCOMES),
    )
    return Simulation(
        scenario=scenario,
        openings=chosen,
        rounds=rounds,
        runs=runs,
        seed=seed,
        policy=policy,
        probabilities=MappingProxyType(p),
        counts=counts,
    )
