"""Tests for the escalation-risk teaching model (course.engine.escalation).

The nine properties the brief implies (issue 4) each have at least one test named
``test_p<N>_...``. Sampled properties use hypothesis; the ones that must hold for *every*
combination of inputs (option monotonicity, the bounds) are also checked on the exhaustive grid
of categorical values times the corners of the numeric inputs: within one option and one
combination of categories the risk is multilinear in (attribution, public_evidence,
collateral_damage, 1 / (1 + power_ratio)), so its extremes, and the extremes of any difference
between two options, lie on those corners.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from course.engine.escalation import (
    ATTACK_SCALES,
    ATTRIBUTION_POINTS,
    BAND_LIMITS,
    BANDS,
    BASE_POINTS,
    COLLATERAL_POINTS,
    COLLATERAL_WARNING_ABOVE,
    EXIT_CONDITIONS_POINTS,
    FACTORS,
    HOST_STATE_POINTS,
    HOST_STATES,
    LEGAL_BASES,
    LITTLE_PUBLIC_EVIDENCE_BELOW,
    OPTIONS,
    POWER_RATIO_POINTS,
    PROPORTIONALITY_POINTS,
    PUBLIC_EVIDENCE_POINTS,
    SCENARIO_DEFAULTS,
    SCENARIO_FIELDS,
    STRENGTH,
    TARGET_STATE_POINTS,
    TARGETS,
    WARNING_TEXT,
    WARNINGS,
    WEAK_ATTRIBUTION_BELOW,
    Assessment,
    Option,
    Scenario,
    ScenarioError,
    assess,
    assess_many,
    band_for,
    option_by,
)
from course.engine.paths import DOCS_DIR

FAST = settings(max_examples=150, deadline=None)
SLOW = settings(max_examples=25, deadline=None)

# ---------------------------------------------------------------------------------------------
# Strategies and helpers
# ---------------------------------------------------------------------------------------------

units = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)
ratios = st.floats(min_value=0.0, exclude_min=True, max_value=1e12, allow_nan=False)
option_numbers = st.integers(min_value=1, max_value=7)
option_keys = st.sampled_from([o.key for o in OPTIONS.values()])

scenarios = st.builds(
    Scenario,
    option=option_numbers | option_keys,
    attack_scale=st.sampled_from(ATTACK_SCALES),
    attribution=units,
    public_evidence=units,
    host_state=st.sampled_from(HOST_STATES),
    target=st.sampled_from(TARGETS),
    collateral_damage=units,
    power_ratio=ratios,
    exit_conditions=st.booleans(),
)


def risk(s: Scenario, **changes: object) -> float:
    return assess(s.replace(**changes) if changes else s).risk


def as_frame(items: list[Scenario]) -> pd.DataFrame:
    return pd.DataFrame([dataclasses.asdict(s) for s in items])


EXAMPLE = Scenario(
    option=5,
    attack_scale="large",
    attribution=0.8,
    public_evidence=0.5,
    host_state="able_unwilling",
)


@pytest.fixture(scope="module")
def grid() -> pd.DataFrame:
    """Every option x category combination x the corners (and middles) of the numeric inputs.

    power_ratio 1e-12 and 1e12 stand in for the open ends of (0, inf), where 1 / (1 + ratio)
    reaches 1 and 0. Rows are ordered so that the option varies fastest (reshape to (-1, 7)).
    """
    numeric = (0.0, 0.5, 1.0)
    rows = itertools.product(
        ATTACK_SCALES,
        HOST_STATES,
        TARGETS,
        (True, False),
        numeric,
        numeric,
        numeric,
        (1e-12, 1.0, 1e12),
        range(1, 8),
    )
    cols = (
        "attack_scale",
        "host_state",
        "target",
        "exit_conditions",
        "attribution",
        "public_evidence",
        "collateral_damage",
        "power_ratio",
        "option",
    )
    return assess_many(pd.DataFrame(list(rows), columns=list(cols)), contributions=True)


# ---------------------------------------------------------------------------------------------
# Property 1: risk never falls as the option number rises; options 1-2 stay below 25
# ---------------------------------------------------------------------------------------------


@FAST
@given(scenarios)
def test_p1_risk_never_falls_as_option_rises(s: Scenario) -> None:
    risks = [risk(s, option=k) for k in range(1, 8)]
    assert all(lo <= hi for lo, hi in itertools.pairwise(risks)), risks


def test_p1_risk_rises_with_option_on_the_whole_grid(grid: pd.DataFrame) -> None:
    by_option = grid["risk"].to_numpy().reshape(-1, 7)
    steps = np.diff(by_option, axis=1)
    # Strictly rising, by at least 2 points (the smallest base gap, 2 -> 4, and 22 + 6 -> 32).
    assert steps.min() >= 2.0 - 1e-9, steps.min()


@FAST
@given(scenarios)
def test_p1_options_1_and_2_stay_below_25(s: Scenario) -> None:
    assert risk(s, option=1) < 25
    assert risk(s, option=2) < 25


def test_p1_options_1_and_2_stay_below_25_on_the_whole_grid(grid: pd.DataFrame) -> None:
    assert grid.loc[grid["option"] <= 2, "risk"].max() < 25
    assert set(grid.loc[grid["option"] <= 2, "band"]) <= {"negligible", "low"}


# ---------------------------------------------------------------------------------------------
# Property 2: attribution and public evidence never raise risk, and matter more when stronger
# ---------------------------------------------------------------------------------------------


@FAST
@given(scenarios, units, units)
def test_p2_better_attribution_never_raises_risk(s: Scenario, x: float, y: float) -> None:
    lo, hi = sorted((x, y))
    assert risk(s, attribution=hi) <= risk(s, attribution=lo)


@FAST
@given(scenarios, units, units)
def test_p2_more_public_evidence_never_raises_risk(s: Scenario, x: float, y: float) -> None:
    lo, hi = sorted((x, y))
    assert risk(s, public_evidence=hi) <= risk(s, public_evidence=lo)


@FAST
@given(scenarios)
def test_p2_attribution_and_evidence_matter_more_for_stronger_options(s: Scenario) -> None:
    def attribution_drop(k: int) -> float:
        return risk(s, option=k, attribution=0.0) - risk(s, option=k, attribution=1.0)

    def evidence_drop(k: int) -> float:
        return risk(s, option=k, public_evidence=0.0) - risk(s, option=k, public_evidence=1.0)

    assert attribution_drop(7) >= attribution_drop(3) > 0
    assert evidence_drop(7) >= evidence_drop(3) >= 0
    drops = [attribution_drop(k) for k in range(1, 8)]
    assert all(lo <= hi + 1e-9 for lo, hi in itertools.pairwise(drops)), drops


def test_p2_full_public_case_removes_the_evidence_points() -> None:
    a = assess(EXAMPLE.replace(attribution=1.0, public_evidence=1.0))
    assert a.contributions["attribution"] == 0.0
    assert a.contributions["public_evidence"] == 0.0


# ---------------------------------------------------------------------------------------------
# Property 3: proportionality
# ---------------------------------------------------------------------------------------------


@FAST
@given(scenarios, st.sampled_from(["small", "large"]))
def test_p3_option_7_without_physical_harm_scores_higher_and_warns(s: Scenario, scale: str) -> None:
    harmless = assess(s.replace(option=7, attack_scale=scale))
    destructive = assess(s.replace(option=7, attack_scale="destructive"))
    assert harmless.risk > destructive.risk
    assert "disproportionate" in harmless.warnings
    assert "disproportionate" not in destructive.warnings


@FAST
@given(scenarios)
def test_p3_small_scale_crime_warnings(s: Scenario) -> None:
    for k in range(1, 8):
        w = assess(s.replace(option=k, attack_scale="small")).warnings
        assert ("small_scale_crime" in w) == (k >= 5), (k, w)
        assert ("disproportionate" in w) == (k >= 6), (k, w)


@FAST
@given(scenarios)
def test_p3_no_disproportionate_warning_against_a_destructive_attack(s: Scenario) -> None:
    a = assess(s.replace(attack_scale="destructive"))
    assert "disproportionate" not in a.warnings
    assert "small_scale_crime" not in a.warnings
    assert a.contributions["proportionality"] == 0.0


# ---------------------------------------------------------------------------------------------
# Property 4: collateral damage
# ---------------------------------------------------------------------------------------------


@FAST
@given(scenarios, units, units)
def test_p4_collateral_damage_never_lowers_risk(s: Scenario, x: float, y: float) -> None:
    lo, hi = sorted((x, y))
    assert risk(s, collateral_damage=hi) >= risk(s, collateral_damage=lo)


@FAST
@given(scenarios, st.floats(0.0, 0.99), st.floats(0.01, 1.0))
def test_p4_collateral_damage_raises_risk_for_options_5_to_7(
    s: Scenario, lo: float, gap: float
) -> None:
    hi = min(1.0, lo + gap)
    for k in (5, 6, 7):
        assert risk(s, option=k, collateral_damage=hi) > risk(s, option=k, collateral_damage=lo)
    for k in (1, 2, 3, 4):  # a request, help, a protest or an indictment harm no bystanders
        assert risk(s, option=k, collateral_damage=hi) == risk(s, option=k, collateral_damage=lo)


@FAST
@given(scenarios)
def test_p4_collateral_damage_warning(s: Scenario) -> None:
    a = assess(s)
    expected = s.option >= 5 and s.collateral_damage > COLLATERAL_WARNING_ABOVE
    assert ("collateral_damage" in a.warnings) == expected


# ---------------------------------------------------------------------------------------------
# Property 5: hitting the host state
# ---------------------------------------------------------------------------------------------


@FAST
@given(scenarios, st.integers(3, 7))
def test_p5_hitting_host_state_never_less_risky_and_warns(s: Scenario, k: int) -> None:
    on_actor = assess(s.replace(option=k, target="actor"))
    on_state = assess(s.replace(option=k, target="host_state"))
    assert on_state.risk >= on_actor.risk
    assert "targets_state" in on_state.warnings
    assert "targets_state" not in on_actor.warnings


@FAST
@given(scenarios, st.integers(1, 2))
def test_p5_options_1_and_2_hit_nobody(s: Scenario, k: int) -> None:
    on_state = assess(s.replace(option=k, target="host_state"))
    assert on_state.risk == risk(s, option=k, target="actor")
    assert "targets_state" not in on_state.warnings


# ---------------------------------------------------------------------------------------------
# Property 6: a sponsoring host state is the riskiest posture
# ---------------------------------------------------------------------------------------------


@FAST
@given(scenarios, st.integers(3, 7), st.sampled_from(HOST_STATES))
def test_p6_sponsor_host_is_at_least_as_risky_as_any_posture(
    s: Scenario, k: int, other: str
) -> None:
    assert risk(s, option=k, host_state="sponsor") >= risk(s, option=k, host_state=other)


def test_p6_sponsor_is_strictly_riskiest_for_options_3_to_7() -> None:
    for k in range(3, 8):
        by_host = {h: risk(EXAMPLE, option=k, host_state=h) for h in HOST_STATES}
        assert max(by_host, key=by_host.__getitem__) == "sponsor"
        assert by_host["sponsor"] > by_host["able_unwilling"]


# ---------------------------------------------------------------------------------------------
# Property 7: power ratio (option 7) and option 7's floor
# ---------------------------------------------------------------------------------------------


@FAST
@given(scenarios, ratios, ratios)
def test_p7_stronger_victim_never_raises_option_7_risk(s: Scenario, x: float, y: float) -> None:
    weak, strong = sorted((x, y))
    assert risk(s, option=7, power_ratio=strong) <= risk(s, option=7, power_ratio=weak)


def test_p7_much_stronger_victim_lowers_option_7_risk() -> None:
    assert risk(EXAMPLE, option=7, power_ratio=10.0) < risk(EXAMPLE, option=7, power_ratio=1.0)
    # Only option 7 reads the power ratio (the brief raises it for military retaliation only).
    for k in range(1, 7):
        assert risk(EXAMPLE, option=k, power_ratio=10.0) == risk(EXAMPLE, option=k)


@FAST
@given(scenarios)
def test_p7_option_7_never_below_40(s: Scenario) -> None:
    assert risk(s, option=7) >= 40


def test_p7_option_7_never_below_40_on_the_whole_grid(grid: pd.DataFrame) -> None:
    assert grid.loc[grid["option"] == 7, "risk"].min() >= 40


# ---------------------------------------------------------------------------------------------
# Property 8: sanctions without exit conditions
# ---------------------------------------------------------------------------------------------


@FAST
@given(scenarios)
def test_p8_sanctions_without_exit_conditions_warn_and_are_never_less_risky(s: Scenario) -> None:
    without = assess(s.replace(option=5, exit_conditions=False))
    with_ = assess(s.replace(option=5, exit_conditions=True))
    assert without.risk >= with_.risk
    assert "no_exit_conditions" in without.warnings
    assert "no_exit_conditions" not in with_.warnings


@FAST
@given(scenarios, st.sampled_from([1, 2, 3, 4, 6, 7]))
def test_p8_exit_conditions_matter_only_for_sanctions(s: Scenario, k: int) -> None:
    a = assess(s.replace(option=k, exit_conditions=False))
    assert a.risk == risk(s, option=k, exit_conditions=True)
    assert "no_exit_conditions" not in a.warnings


# ---------------------------------------------------------------------------------------------
# Property 9: deterministic, finite, bounded, contributions sum to the risk
# ---------------------------------------------------------------------------------------------


@FAST
@given(scenarios)
def test_p9_deterministic_finite_bounded_and_contributions_sum(s: Scenario) -> None:
    a = assess(s)
    assert a == assess(s)
    assert math.isfinite(a.risk)
    assert 0.0 <= a.risk <= 100.0
    assert tuple(a.contributions) == FACTORS
    assert all(v >= 0.0 and math.isfinite(v) for v in a.contributions.values())
    assert abs(math.fsum(a.contributions.values()) - a.risk) <= 0.01
    assert a.band == band_for(a.risk)
    assert a.warnings == tuple(w for w in WARNINGS if w in a.warnings)  # fixed order


def test_p9_the_maximum_possible_total_is_at_most_100(grid: pd.DataFrame) -> None:
    assert grid["risk"].max() <= 100.0
    assert grid["risk"].max() > 95.0  # the scale is used: the worst case is near 100
    points = grid[[f"points_{f}" for f in FACTORS]].to_numpy()
    assert np.allclose(points.sum(axis=1), grid["risk"].to_numpy(), atol=1e-9)
    # The worst option-7 case with the strongest possible host stays <= 100 without clamping.
    worst = Scenario(7, "small", 0.0, 0.0, "sponsor", "host_state", 1.0, 5e-324, False)
    assert assess(worst).risk <= 100.0


def test_p9_band_limits() -> None:
    assert [band_for(x) for x in (0, 9.99, 10, 24.99, 25, 49.99, 50, 74.99, 75, 100)] == [
        "negligible",
        "negligible",
        "low",
        "low",
        "moderate",
        "moderate",
        "high",
        "high",
        "severe",
        "severe",
    ]
    assert BAND_LIMITS == (10.0, 25.0, 50.0, 75.0)
    for bad in (-0.1, 100.1, math.nan, True, "50"):
        with pytest.raises(ValueError, match="risk"):
            band_for(bad)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------
# Legal basis, options, vocabulary
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("option", "expected"),
    [
        (1, "none_needed"),
        (2, "none_needed"),
        (3, "retorsion"),
        (4, "retorsion"),
        (5, "retorsion"),
        (6, "countermeasure"),
        (7, "self_defence"),
    ],
)
def test_legal_basis_follows_the_tallinn_ladder(option: int, expected: str) -> None:
    for scale, target in itertools.product(ATTACK_SCALES, TARGETS):
        a = assess(EXAMPLE.replace(option=option, attack_scale=scale, target=target))
        assert a.legal_basis == expected
    assert LEGAL_BASES.index(expected) == (0, 0, 1, 1, 1, 2, 3)[option - 1]


def test_options_are_ordered_and_looked_up_by_number_or_key() -> None:
    assert list(OPTIONS) == [1, 2, 3, 4, 5, 6, 7]
    assert [o.key for o in OPTIONS.values()] == [
        "request",
        "capacity_building",
        "diplomatic",
        "legal",
        "sanctions",
        "cyber_retaliation",
        "military",
    ]
    assert all(o.number == n for n, o in OPTIONS.items())
    assert option_by(5) == option_by("sanctions") == Option(5, "sanctions", "Sanctions")
    assert option_by("military").title == "Conventional military retaliation"
    with pytest.raises(TypeError):
        OPTIONS[8] = Option(8, "x", "x")  # type: ignore[index]
    for bad in (0, 8, "Sanctions", True, 5.0):
        with pytest.raises(ValueError, match="option"):
            option_by(bad)  # type: ignore[arg-type]


def test_vocabularies() -> None:
    assert ATTACK_SCALES == ("small", "large", "destructive")
    assert HOST_STATES == ("willing_able", "willing_unable", "able_unwilling", "sponsor")
    assert TARGETS == ("actor", "host_state")
    assert BANDS == ("negligible", "low", "moderate", "high", "severe")
    assert LEGAL_BASES == ("none_needed", "retorsion", "countermeasure", "self_defence")
    assert WARNINGS == (
        "disproportionate",
        "small_scale_crime",
        "weak_attribution",
        "little_public_evidence",
        "collateral_damage",
        "no_exit_conditions",
        "targets_state",
    )
    assert set(WARNING_TEXT) == set(WARNINGS)


@FAST
@given(scenarios)
def test_evidence_warnings_follow_their_thresholds(s: Scenario) -> None:
    w = assess(s).warnings
    assert ("weak_attribution" in w) == (s.option >= 3 and s.attribution < WEAK_ATTRIBUTION_BELOW)
    assert ("little_public_evidence" in w) == (
        s.option >= 5 and s.public_evidence < LITTLE_PUBLIC_EVIDENCE_BELOW
    )


# ---------------------------------------------------------------------------------------------
# Scenario: construction, immutability, replace, bad input
# ---------------------------------------------------------------------------------------------


def test_scenario_defaults_keys_and_immutability() -> None:
    s = Scenario("sanctions", "large", 0.8, 0.5, "able_unwilling")
    assert s.option == 5 and isinstance(s.option, int)
    assert s == EXAMPLE
    assert {f: getattr(s, f) for f in SCENARIO_DEFAULTS} == dict(SCENARIO_DEFAULTS)
    assert tuple(f.name for f in dataclasses.fields(Scenario)) == SCENARIO_FIELDS
    assert s.option_info.key == "sanctions"
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.attribution = 0.1  # type: ignore[misc]
    assert hash(s) == hash(Scenario(5, "large", 0.8, 0.5, "able_unwilling"))
    t = s.replace(option="military", power_ratio=3)
    assert (t.option, t.power_ratio, s.option) == (7, 3.0, 5)
    assert isinstance(t.power_ratio, float)


BAD_FIELDS = [
    ("option", 0),
    ("option", 8),
    ("option", "nuke"),
    ("option", True),
    ("option", 5.0),
    ("option", None),
    ("attack_scale", "huge"),
    ("attack_scale", 1),
    ("host_state", "hostile"),
    ("target", "both"),
    ("target", None),
    ("attribution", -0.01),
    ("attribution", 1.01),
    ("attribution", math.nan),
    ("attribution", True),
    ("attribution", "0.5"),
    ("attribution", None),
    ("public_evidence", math.inf),
    ("public_evidence", 2),
    ("collateral_damage", -1),
    ("collateral_damage", False),
    ("power_ratio", 0),
    ("power_ratio", -2.0),
    ("power_ratio", math.inf),
    ("power_ratio", math.nan),
    ("power_ratio", "1"),
    ("power_ratio", 10**400),
    ("exit_conditions", 1),
    ("exit_conditions", "yes"),
    ("exit_conditions", None),
]


@pytest.mark.parametrize(("field", "value"), BAD_FIELDS)
def test_bad_input_names_field_value_and_what_is_allowed(field: str, value: object) -> None:
    with pytest.raises(ValueError) as info:
        EXAMPLE.replace(**{field: value})
    message = str(info.value)
    assert message.startswith(f"{field}={value!r} is not allowed; expected ")
    assert isinstance(info.value, ScenarioError) and info.value.field == field
    allowed = message.split("expected ", 1)[1]
    assert len(allowed) > 8  # says what would be accepted


def test_bad_input_at_construction_and_unknown_replace_field() -> None:
    with pytest.raises(ValueError, match=r"host_state='rogue'.*'sponsor'"):
        Scenario(3, "large", 0.5, 0.5, "rogue")
    with pytest.raises(ValueError, match=r"replace='colour'.*'attribution'"):
        EXAMPLE.replace(colour="red")
    with pytest.raises(ValueError, match="scenario"):
        assess({"option": 5})  # type: ignore[arg-type]


def test_numpy_scalars_are_accepted() -> None:
    s = Scenario(np.int64(6), np.str_("large"), np.float64(0.5), np.float32(0.25), "sponsor")
    assert s.option == 6 and type(s.option) is int
    assert assess(s).risk == risk(
        EXAMPLE.replace(option=6, attribution=0.5, host_state="sponsor"), public_evidence=0.25
    )
    with pytest.raises(ValueError, match="exit_conditions"):
        EXAMPLE.replace(exit_conditions=np.int64(1))
    assert EXAMPLE.replace(exit_conditions=np.bool_(False)).exit_conditions is False


# ---------------------------------------------------------------------------------------------
# assess_many
# ---------------------------------------------------------------------------------------------


def assert_rows_match(out: pd.DataFrame, items: list[Scenario]) -> None:
    assert len(out) == len(items)
    for (_, row), s in zip(out.iterrows(), items, strict=True):
        a = assess(s)
        assert row["risk"] == a.risk  # the same arithmetic: bit for bit
        assert row["band"] == a.band
        assert row["legal_basis"] == a.legal_basis
        assert row["warnings"] == a.warnings
        for f in FACTORS:
            assert row[f"points_{f}"] == a.contributions[f]


@SLOW
@given(st.lists(scenarios, min_size=1, max_size=40))
def test_assess_many_equals_assess_row_by_row(items: list[Scenario]) -> None:
    assert_rows_match(assess_many(as_frame(items), contributions=True), items)


def test_assess_many_equals_assess_on_500_random_rows() -> None:
    rng = np.random.default_rng(2020)
    n = 500
    df = pd.DataFrame(
        {
            # Mixed ints and keys in one (object) column are allowed, as in Scenario.
            "option": [
                int(k) if i % 2 else OPTIONS[int(k)].key
                for i, k in enumerate(rng.integers(1, 8, n))
            ],
            "attack_scale": rng.choice(ATTACK_SCALES, n),
            "attribution": rng.random(n),
            "public_evidence": rng.choice([0.0, 0.3, 0.5, 1.0], n),
            "host_state": rng.choice(HOST_STATES, n),
            "target": rng.choice(TARGETS, n),
            "collateral_damage": rng.random(n) ** 3,
            "power_ratio": np.exp(rng.normal(0.0, 2.0, n)),
            "exit_conditions": rng.random(n) < 0.5,
        },
        index=pd.RangeIndex(1000, 1000 + n),
    )
    items = [Scenario(**{f: row[f] for f in SCENARIO_FIELDS}) for _, row in df.iterrows()]
    out = assess_many(df, contributions=True)
    assert out.index.equals(df.index)
    assert_rows_match(out, items)
    assert len(set(out["band"])) >= 4  # the sample spans the scale


def test_assess_many_output_shape_and_types() -> None:
    df = as_frame([EXAMPLE, EXAMPLE.replace(option=7)])
    df["case"] = ["a", "b"]
    out = assess_many(df)
    assert list(out.columns) == [*df.columns, "risk", "band", "legal_basis", "warnings"]
    assert out["risk"].dtype == float
    assert list(out["band"].cat.categories) == list(BANDS) and out["band"].cat.ordered
    assert list(out["legal_basis"].cat.categories) == list(LEGAL_BASES)
    assert out["warnings"].tolist() == [(), ("disproportionate",)]
    assert out["case"].tolist() == ["a", "b"]
    assert "risk" not in df.columns  # the input is not modified
    again = assess_many(out)  # re-scoring a scored frame replaces the outputs
    assert again["risk"].tolist() == out["risk"].tolist()


def test_assess_many_defaults_missing_optional_columns() -> None:
    df = pd.DataFrame(
        {
            "option": [5, 7],
            "attack_scale": ["large", "destructive"],
            "attribution": [0.8, 1.0],
            "public_evidence": [0.5, 1.0],
            "host_state": ["able_unwilling", "sponsor"],
        }
    )
    out = assess_many(df)
    expected = [assess(Scenario(**r)).risk for r in df.to_dict("records")]
    assert out["risk"].tolist() == expected


def test_assess_many_names_a_missing_required_column() -> None:
    df = as_frame([EXAMPLE]).drop(columns=["host_state", "attribution"])
    with pytest.raises(ValueError, match=r"columns=\['attribution', 'host_state'\]"):
        assess_many(df)
    with pytest.raises(ValueError, match="DataFrame"):
        assess_many([dataclasses.asdict(EXAMPLE)])  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("field", "bad", "dtype"),
    [
        ("attribution", math.nan, None),
        ("attribution", 1.5, None),
        ("attribution", True, object),
        ("attribution", "0.5", object),
        ("public_evidence", -0.5, None),
        ("collateral_damage", None, object),
        ("power_ratio", 0.0, None),
        ("power_ratio", math.inf, None),
        ("option", 8, None),
        ("option", "nuke", object),
        ("option", True, object),
        ("option", 5.0, object),
        ("attack_scale", "huge", None),
        ("attack_scale", None, None),
        ("host_state", 3, object),
        ("target", "both", None),
        ("exit_conditions", 1, object),
        ("exit_conditions", None, object),
    ],
)
def test_assess_many_names_the_first_bad_row_and_field(
    field: str, bad: object, dtype: object
) -> None:
    items = [EXAMPLE.replace(option=k) for k in (1, 3, 5, 6, 7)]
    df = as_frame(items)
    df.index = pd.Index(["r1", "r3", "r5", "r6", "r7"], name="case")
    if dtype is not None:
        df[field] = df[field].astype(dtype)
    # Two bad rows: the first (by position) must be named.
    df.loc["r5", field] = bad
    df.loc["r7", field] = bad
    with pytest.raises(ScenarioError) as info:
        assess_many(df)
    assert info.value.row == "r5"
    assert info.value.field == field
    assert str(info.value).startswith(f"row 'r5': {field}=")


def test_assess_many_rejects_wrongly_typed_whole_columns() -> None:
    df = as_frame([EXAMPLE, EXAMPLE])
    cases = {
        "option": df["option"].astype(float),  # 5.0 is not an option number
        "attribution": df["attribution"].astype(str),
        "exit_conditions": df["exit_conditions"].astype(int),
        "collateral_damage": df["collateral_damage"].astype(bool),
    }
    for field, col in cases.items():
        bad = df.assign(**{field: col})
        with pytest.raises(ValueError, match=f"row 0: {field}="):
            assess_many(bad)


def test_assess_many_accepts_categorical_nullable_and_string_columns() -> None:
    items = [EXAMPLE.replace(option=k, host_state=h) for k in (2, 5, 7) for h in HOST_STATES]
    df = as_frame(items)
    df["option"] = df["option"].map(lambda k: OPTIONS[k].key).astype("category")
    df["host_state"] = df["host_state"].astype("category")
    df["attack_scale"] = df["attack_scale"].astype("string")
    df["attribution"] = df["attribution"].astype("Float64")
    df["collateral_damage"] = df["collateral_damage"].astype("category")
    df["exit_conditions"] = df["exit_conditions"].astype("boolean")
    assert_rows_match(assess_many(df, contributions=True), items)
    df.loc[3, "attribution"] = pd.NA
    with pytest.raises(ValueError, match="row 3: attribution="):
        assess_many(df)


def test_assess_many_empty_frame() -> None:
    out = assess_many(as_frame([EXAMPLE]).iloc[:0])
    assert len(out) == 0
    assert {"risk", "band", "legal_basis", "warnings"} <= set(out.columns)


# ---------------------------------------------------------------------------------------------
# explain()
# ---------------------------------------------------------------------------------------------


def test_explain_names_the_score_band_and_driving_factors() -> None:
    a = assess(EXAMPLE.replace(option=7))
    text = a.explain()
    assert text.startswith("Conventional military retaliation (option 7) scores 64.1 out of 100")
    assert "a high risk" in text
    assert "option itself accounts for 40.0 points" in text
    # Drivers listed largest first, each with its points.
    order = [
        "military force against an attack without physical harm (+8.0)",
        "evidence not shown in public",
        "(power ratio 1, yours over theirs) (+4.5)",
        "a host state able but unwilling to act (+4.0)",
        "attribution short of certain (0.80) (+1.6)",
    ]
    positions = [text.index(part) for part in order]
    assert positions == sorted(positions)
    assert WARNING_TEXT["disproportionate"] in text
    assert "self-defence" in text
    assert "not a forecast" in text
    assert len(text) < 900  # a short paragraph


def test_explain_without_drivers_or_warnings() -> None:
    s = Scenario(1, "destructive", 1.0, 1.0, "willing_able")
    text = assess(s).explain()
    assert "Request the host state to act (option 1) scores 2.0 out of 100" in text
    assert "a negligible risk" in text
    assert "no other factor adds to it" in text
    assert "Warnings" not in text
    assert "none (" in text


@FAST
@given(scenarios)
def test_explain_mentions_every_warning_and_every_sizeable_factor(s: Scenario) -> None:
    a = assess(s)
    text = a.explain()
    assert f"{a.risk:.1f} out of 100" in text and a.band in text
    for w in a.warnings:
        assert WARNING_TEXT[w] in text
    for f, pts in a.contributions.items():
        if f != "option" and pts >= 0.05:
            assert f"(+{pts:.1f})" in text


# ---------------------------------------------------------------------------------------------
# docs/model.md stays in step with the code
# ---------------------------------------------------------------------------------------------


def test_worked_example_in_docs_matches_the_model() -> None:
    base = assess(EXAMPLE)
    assert round(base.risk, 2) == 30.12 and base.band == "moderate" and base.warnings == ()
    assert {f: round(v, 2) for f, v in base.contributions.items() if v} == {
        "option": 22.0,
        "attribution": 1.12,
        "public_evidence": 4.2,
        "host_state": 2.8,
    }
    harder = assess(EXAMPLE.replace(target="host_state", exit_conditions=False))
    assert round(harder.risk, 2) == 39.62
    assert harder.warnings == ("no_exit_conditions", "targets_state")
    military = assess(EXAMPLE.replace(option=7))
    assert round(military.risk, 2) == 64.1 and military.band == "high"
    text = (DOCS_DIR / "model.md").read_text(encoding="utf-8")
    for number in ("30.12", "39.62", "64.10", "1.12", "4.20", "2.80"):
        assert number in text, number


def _fmt(x: float) -> str:
    return f"{x:g}"


def test_docs_weights_table_quotes_the_code() -> None:
    text = (DOCS_DIR / "model.md").read_text(encoding="utf-8")
    rows = {
        line.split("|")[1].strip(): line
        for line in text.splitlines()
        if re.match(r"^\|\s*`[A-Z_]+", line)
    }
    expected = {
        "`BASE_POINTS`": ", ".join(_fmt(x) for x in BASE_POINTS),
        "`STRENGTH`": ", ".join(_fmt(x) for x in STRENGTH),
        "`ATTRIBUTION_POINTS`": _fmt(ATTRIBUTION_POINTS),
        "`PUBLIC_EVIDENCE_POINTS`": _fmt(PUBLIC_EVIDENCE_POINTS),
        "`HOST_STATE_POINTS`": ", ".join(_fmt(HOST_STATE_POINTS[h]) for h in HOST_STATES),
        "`TARGET_STATE_POINTS`": _fmt(TARGET_STATE_POINTS),
        "`COLLATERAL_POINTS`": _fmt(COLLATERAL_POINTS),
        "`PROPORTIONALITY_POINTS` small": ", ".join(
            _fmt(x) for x in PROPORTIONALITY_POINTS["small"]
        ),
        "`PROPORTIONALITY_POINTS` large": ", ".join(
            _fmt(x) for x in PROPORTIONALITY_POINTS["large"]
        ),
        "`EXIT_CONDITIONS_POINTS`": _fmt(EXIT_CONDITIONS_POINTS),
        "`POWER_RATIO_POINTS`": _fmt(POWER_RATIO_POINTS),
        "`WEAK_ATTRIBUTION_BELOW`": _fmt(WEAK_ATTRIBUTION_BELOW),
        "`LITTLE_PUBLIC_EVIDENCE_BELOW`": _fmt(LITTLE_PUBLIC_EVIDENCE_BELOW),
        "`COLLATERAL_WARNING_ABOVE`": _fmt(COLLATERAL_WARNING_ABOVE),
        "`BAND_LIMITS`": ", ".join(_fmt(x) for x in BAND_LIMITS),
    }
    for name, value in expected.items():
        assert name in rows, f"docs/model.md weights table lacks a row for {name}"
        assert f"| {value} |" in rows[name], (name, value, rows[name])


def test_assessment_is_a_plain_record() -> None:
    a = assess(EXAMPLE)
    assert isinstance(a, Assessment)
    assert a.scenario is EXAMPLE
    assert isinstance(a.contributions, dict)
