"""The escalation simulator (course.engine.simulation).

Properties that must hold for every input are checked with hypothesis; the comparison with the
closed form (``exact_shares``) checks that the vectorised counting is right, not only consistent.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from course.engine.escalation import (
    ATTACK_SCALES,
    HOST_STATES,
    TARGETS,
    Scenario,
    ScenarioError,
    assess,
)
from course.engine.simulation import (
    DEFAULT_ROUNDS,
    DEFAULT_RUNS,
    DEFAULT_SEED,
    ESCALATED,
    HOSTILE_PER_POINT,
    MAX_ROUNDS,
    MAX_RUNS,
    OUTCOME_LABELS,
    OUTCOMES,
    POLICIES,
    SimulationError,
    exact_shares,
    exact_shares_many,
    hostile_probabilities,
    rung_path,
    simulate,
)

REFERENCE = Scenario(3, "large", 0.8, 0.5, "able_unwilling")
ALL = tuple(range(1, 8))

unit = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)
scenarios = st.builds(
    Scenario,
    option=st.integers(1, 7),
    attack_scale=st.sampled_from(ATTACK_SCALES),
    attribution=unit,
    public_evidence=unit,
    host_state=st.sampled_from(HOST_STATES),
    target=st.sampled_from(TARGETS),
    collateral_damage=unit,
    power_ratio=st.floats(min_value=0.05, max_value=20.0, allow_nan=False),
    exit_conditions=st.booleans(),
)
settings_ = st.fixed_dictionaries(
    {
        "rounds": st.integers(1, MAX_ROUNDS),
        "runs": st.integers(1, 400),
        "seed": st.integers(0, 2**32 - 1),
        "policy": st.sampled_from(POLICIES),
    }
)


def _escalation(result) -> np.ndarray:
    return result.escalation_share.to_numpy()


# --------------------------------------------------------------------------- the building blocks


def test_hostile_probability_is_the_model_risk_over_100() -> None:
    p = hostile_probabilities(REFERENCE)
    assert HOSTILE_PER_POINT == 0.01
    assert list(p) == list(ALL)
    for option, chance in p.items():
        assert chance == pytest.approx(assess(REFERENCE.replace(option=option)).risk / 100)
    assert list(p.values()) == sorted(p.values())  # the model's rule 1: risk rises with option


@pytest.mark.parametrize(
    ("opening", "rounds", "policy", "path"),
    [
        (5, 4, "climb", (5, 6, 7, 7)),
        (5, 4, "hold", (5, 5, 5, 5)),
        (1, 3, "climb", (1, 2, 3)),
        (7, 2, "climb", (7, 7)),
        ("sanctions", 1, "climb", (5,)),
    ],
)
def test_rung_path(opening, rounds, policy, path) -> None:
    assert rung_path(opening, rounds, policy) == path


def test_outcome_vocabulary() -> None:
    assert OUTCOMES == ("quiet", "contained", "spiral", "force")
    assert set(ESCALATED) < set(OUTCOMES)
    assert list(OUTCOME_LABELS) == list(OUTCOMES)


# --------------------------------------------------------------------------- the simulation


def test_defaults_and_shape() -> None:
    result = simulate(REFERENCE, openings=ALL)
    assert (result.rounds, result.runs, result.seed, result.policy) == (
        DEFAULT_ROUNDS,
        DEFAULT_RUNS,
        DEFAULT_SEED,
        "climb",
    )
    assert list(result.counts.index) == list(ALL)
    assert list(result.counts.columns) == list(OUTCOMES)
    assert (result.counts.sum(axis=1) == DEFAULT_RUNS).all()
    assert result.shares.sum(axis=1).to_numpy() == pytest.approx(np.ones(7))


def test_openings_default_to_the_scenarios_option_and_are_sorted() -> None:
    assert simulate(REFERENCE, runs=10).openings == (3,)
    assert simulate(REFERENCE, openings=["military", 2, "diplomatic"], runs=10).openings == (
        2,
        3,
        7,
    )


def test_the_same_seed_gives_the_same_result_and_another_seed_another() -> None:
    a = simulate(REFERENCE, openings=ALL, seed=7)
    b = simulate(REFERENCE, openings=ALL, seed=7)
    c = simulate(REFERENCE, openings=ALL, seed=8)
    pd.testing.assert_frame_equal(a.counts, b.counts)
    assert not a.counts.equals(c.counts)


def test_every_opening_meets_the_same_draws() -> None:
    """Simulating an opening alone or among others gives the same counts for it."""
    together = simulate(REFERENCE, openings=ALL, seed=3)
    for opening in ALL:
        alone = simulate(REFERENCE, openings=[opening], seed=3)
        assert alone.counts.loc[opening].equals(together.counts.loc[opening])


def test_rules_by_hand() -> None:
    """A strike is answered or not in round 1; holding never reaches force from below it; one
    round leaves no room for a contained exchange."""
    result = simulate(REFERENCE, openings=ALL)
    assert result.counts.loc[7, "contained"] == 0 and result.counts.loc[7, "spiral"] == 0
    hold = simulate(REFERENCE, openings=ALL, policy="hold")
    assert (hold.counts.loc[1:6, "force"] == 0).all()
    assert hold.counts.loc[7].equals(result.counts.loc[7])
    one_round = simulate(REFERENCE, openings=ALL, rounds=1)
    assert (one_round.counts["contained"] == 0).all()


def test_simulation_agrees_with_the_closed_form() -> None:
    for policy in POLICIES:
        for scenario in (REFERENCE, REFERENCE.replace(host_state="sponsor", public_evidence=0.1)):
            result = simulate(scenario, openings=ALL, runs=MAX_RUNS, policy=policy)
            exact = exact_shares(scenario, openings=ALL, policy=policy)
            # four standard errors of a share estimated from MAX_RUNS runs, at most
            tolerance = 4 * math.sqrt(0.25 / MAX_RUNS)
            assert np.abs(result.shares.to_numpy() - exact.to_numpy()).max() < tolerance


def test_exact_shares_by_hand() -> None:
    p = hostile_probabilities(REFERENCE)
    exact = exact_shares(REFERENCE, openings=[6], rounds=3)
    assert exact.loc[6, "quiet"] == pytest.approx(1 - p[6])
    assert exact.loc[6, "force"] == pytest.approx(p[6] * p[7])
    assert exact.loc[6, "spiral"] == 0.0
    hold = exact_shares(REFERENCE, openings=[4], rounds=3, policy="hold")
    assert hold.loc[4, "spiral"] == pytest.approx(p[4] ** 3)
    assert hold.loc[4, "contained"] == pytest.approx(p[4] - p[4] ** 3)


def test_assumptions_name_the_mapping_the_seed_and_the_disclaimer() -> None:
    text = " ".join(simulate(REFERENCE, openings=ALL, seed=99, runs=1234).assumptions())
    assert "not a forecast" in text
    assert "risk / 100" in text
    assert "seed 99" in text and "1,234 runs" in text


# --------------------------------------------------------------------------- validation


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"rounds": 0}, "rounds"),
        ({"rounds": MAX_ROUNDS + 1}, "rounds"),
        ({"rounds": 2.0}, "rounds"),
        ({"rounds": True}, "rounds"),
        ({"runs": 0}, "runs"),
        ({"runs": MAX_RUNS + 1}, "runs"),
        ({"runs": "100"}, "runs"),
        ({"seed": -1}, "seed"),
        ({"seed": 1.5}, "seed"),
        ({"policy": "stop"}, "policy"),
        ({"openings": []}, "openings"),
        ({"openings": [8]}, "openings"),
        ({"openings": [3, 3]}, "openings"),
        ({"openings": "3"}, "openings"),
        ({"openings": [True]}, "openings"),
    ],
)
def test_bad_input_names_the_field(kwargs: dict, field: str) -> None:
    with pytest.raises(SimulationError) as err:
        simulate(REFERENCE, **kwargs)
    assert err.value.field == field
    assert str(err.value).startswith(f"{field}=")
    assert "expected" in str(err.value)
    assert isinstance(err.value, ValueError) and isinstance(err.value, ScenarioError)


def test_a_scenario_is_required() -> None:
    with pytest.raises(SimulationError, match=r"^scenario="):
        simulate({"option": 3})  # type: ignore[arg-type]


# --------------------------------------------------------------------------- properties


@settings(max_examples=60, deadline=None)
@given(scenarios, settings_, unit, unit)
def test_more_convincing_attribution_never_raises_escalation(
    scenario: Scenario, knobs: dict, a: float, b: float
) -> None:
    low, high = sorted((a, b))
    weak = simulate(scenario.replace(attribution=low), openings=ALL, **knobs)
    strong = simulate(scenario.replace(attribution=high), openings=ALL, **knobs)
    assert (_escalation(strong) <= _escalation(weak)).all()
    assert (strong.counts["force"] <= weak.counts["force"]).all()
    assert (strong.counts["quiet"] >= weak.counts["quiet"]).all()


@settings(max_examples=60, deadline=None)
@given(scenarios, settings_, unit, unit)
def test_more_public_evidence_never_raises_escalation(
    scenario: Scenario, knobs: dict, a: float, b: float
) -> None:
    low, high = sorted((a, b))
    hidden = simulate(scenario.replace(public_evidence=low), openings=ALL, **knobs)
    shown = simulate(scenario.replace(public_evidence=high), openings=ALL, **knobs)
    assert (_escalation(shown) <= _escalation(hidden)).all()
    assert (shown.counts["force"] <= hidden.counts["force"]).all()
    assert (shown.counts["quiet"] >= hidden.counts["quiet"]).all()


@settings(max_examples=60, deadline=None)
@given(scenarios, settings_)
def test_a_stronger_opening_never_lowers_escalation(scenario: Scenario, knobs: dict) -> None:
    shares = _escalation(simulate(scenario, openings=ALL, **knobs))
    assert (np.diff(shares) >= 0).all()


@settings(max_examples=40, deadline=None)
@given(scenarios, settings_)
def test_same_seed_same_result_and_counts_add_up(scenario: Scenario, knobs: dict) -> None:
    a = simulate(scenario, openings=ALL, **knobs)
    b = simulate(scenario, openings=ALL, **knobs)
    pd.testing.assert_frame_equal(a.counts, b.counts)
    assert (a.counts.sum(axis=1) == knobs["runs"]).all()
    assert (a.counts.to_numpy() >= 0).all()


@settings(max_examples=40, deadline=None)
@given(scenarios, st.integers(1, MAX_ROUNDS - 1), st.integers(0, 10_000))
def test_more_rounds_never_lower_the_force_share(
    scenario: Scenario, rounds: int, seed: int
) -> None:
    fewer = simulate(scenario, openings=ALL, rounds=rounds, runs=300, seed=seed)
    more = simulate(scenario, openings=ALL, rounds=rounds + 1, runs=300, seed=seed)
    assert (more.counts["force"] >= fewer.counts["force"]).all()


@settings(max_examples=40, deadline=None)
@given(scenarios, st.integers(1, MAX_ROUNDS), st.sampled_from(POLICIES))
def test_exact_shares_are_probabilities(scenario: Scenario, rounds: int, policy: str) -> None:
    exact = exact_shares(scenario, openings=ALL, rounds=rounds, policy=policy)
    assert (exact.to_numpy() >= 0).all()
    assert exact.sum(axis=1).to_numpy() == pytest.approx(np.ones(7))


# --------------------------------------------------------------------------- many scenarios at once


@settings(max_examples=40, deadline=None)
@given(
    st.lists(scenarios, min_size=1, max_size=6),
    st.lists(st.integers(1, 7), min_size=1, max_size=7, unique=True),
    st.integers(1, MAX_ROUNDS),
    st.sampled_from(POLICIES),
)
def test_many_scenarios_at_once_give_each_scenarios_shares_to_the_last_bit(
    many: list[Scenario], openings: list[int], rounds: int, policy: str
) -> None:
    """Lesson 11's evidence curve scores 21 situations in one call; its numbers must be the
    ones exact_shares gives for each situation alone."""
    together = exact_shares_many(many, openings=openings, rounds=rounds, policy=policy)
    assert together.index.names == ["scenario", "opening"]
    assert list(together.columns) == list(OUTCOMES)
    for position, scenario in enumerate(many):
        alone = exact_shares(scenario, openings=openings, rounds=rounds, policy=policy)
        part = together.xs(position, level="scenario")
        assert part.index.tolist() == alone.index.tolist() == sorted(openings)
        assert np.array_equal(part.to_numpy(), alone.to_numpy())


@pytest.mark.parametrize(
    ("scenarios_", "openings", "field"),
    [
        ([], (1,), "scenarios"),
        (REFERENCE, (1,), "scenarios"),
        ([REFERENCE, "not a scenario"], (1,), "scenario"),
        ([REFERENCE], None, "openings"),
        ([REFERENCE], (8,), "openings"),
    ],
)
def test_many_scenarios_reject_bad_input_naming_the_field(
    scenarios_: object, openings: object, field: str
) -> None:
    with pytest.raises(SimulationError, match=rf"^{field}="):
        exact_shares_many(scenarios_, openings=openings)  # type: ignore[arg-type]
