"""How a package of options combines into one risk (course.engine.packages), property-tested.

The two rules the issue asks for, for every package: adding an option never lowers the risk,
and a package is at least as risky as its riskiest part. Plus the rule's other promises in
docs/model.md ("Packages of options") and its worked example.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from course.engine.escalation import (
    ATTACK_SCALES,
    HOST_STATES,
    LEGAL_BASES,
    OPTIONS,
    TARGETS,
    WARNINGS,
    Scenario,
    assess,
)
from course.engine.packages import (
    ADD_ON_ABOVE,
    ADD_ON_SHARE,
    MAX_RISK,
    add_on_points,
    assess_package,
    combine,
    package_risk,
)
from course.engine.paths import DOCS_DIR

unit = st.floats(0.0, 1.0, allow_nan=False)
risks = st.floats(0.0, 100.0, allow_nan=False)


@st.composite
def situations(draw: st.DrawFn) -> Scenario:
    """A random situation (option 1 as a placeholder; parts replace it)."""
    return Scenario(
        option=1,
        attack_scale=draw(st.sampled_from(ATTACK_SCALES)),
        attribution=draw(unit),
        public_evidence=draw(unit),
        host_state=draw(st.sampled_from(HOST_STATES)),
        power_ratio=draw(st.floats(0.05, 20.0, allow_nan=False)),
    )


@st.composite
def parts(draw: st.DrawFn, situation: Scenario) -> Scenario:
    """One measure in ``situation``: an option with its own target, harm and exit conditions."""
    return situation.replace(
        option=draw(st.sampled_from(tuple(OPTIONS))),
        target=draw(st.sampled_from(TARGETS)),
        collateral_damage=draw(unit),
        exit_conditions=draw(st.booleans()),
    )


@st.composite
def packages(draw: st.DrawFn) -> tuple[list[Scenario], Scenario]:
    """A non-empty package and one more part, all in the same random situation."""
    situation = draw(situations())
    package = draw(st.lists(parts(situation), min_size=1, max_size=7))
    return package, draw(parts(situation))


# --- the two rules of the issue ---------------------------------------------------------------


@settings(max_examples=400, deadline=None)
@given(packages())
def test_adding_an_option_never_lowers_the_risk(drawn: tuple[list[Scenario], Scenario]) -> None:
    package, extra = drawn
    before = assess_package(package)
    after = assess_package([*package, extra])
    assert after.risk >= before.risk
    assert set(before.warnings) <= set(after.warnings)
    assert LEGAL_BASES.index(after.legal_basis) >= LEGAL_BASES.index(before.legal_basis)


@settings(max_examples=400, deadline=None)
@given(packages())
def test_a_package_is_at_least_as_risky_as_its_riskiest_part(
    drawn: tuple[list[Scenario], Scenario],
) -> None:
    package, _ = drawn
    result = assess_package(package)
    riskiest = max(assess(s).risk for s in package)
    assert riskiest <= result.risk <= MAX_RISK
    assert result.riskiest.risk == riskiest
    assert result.band in ("negligible", "low", "moderate", "high", "severe")


@settings(max_examples=300, deadline=None)
@given(st.lists(risks, min_size=1, max_size=10), risks)
def test_the_rule_on_bare_numbers(values: list[float], extra: float) -> None:
    assert package_risk([*values, extra]) >= package_risk(values)
    assert package_risk(values) >= max(values)
    assert package_risk(values) == package_risk(list(reversed(values)))


# --- the rule's other promises ----------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(situations(), st.data())
def test_one_option_alone_scores_as_it_does_alone(situation: Scenario, data: st.DataObject) -> None:
    part = data.draw(parts(situation))
    alone = assess(part)
    package = assess_package([part])
    assert package.risk == alone.risk
    assert package.warnings == alone.warnings and package.legal_basis == alone.legal_basis
    assert package.added == 0.0 and not package.capped


@settings(max_examples=200, deadline=None)
@given(packages(), st.sampled_from((1, 2)))
def test_requests_and_capacity_building_add_nothing(
    drawn: tuple[list[Scenario], Scenario], light: int
) -> None:
    package, _ = drawn
    extra = package[0].replace(option=light, target="actor")
    with_light = [*package, extra]
    # A light option adds no points of its own (it stays under the threshold); the package is
    # only ever as risky as before or, if the light option is itself the riskiest part, as it.
    expected = max(assess_package(package).risk, assess(extra).risk)
    assert assess_package(with_light).risk == expected


@settings(max_examples=200, deadline=None)
@given(packages())
def test_warnings_are_the_union_in_model_order(drawn: tuple[list[Scenario], Scenario]) -> None:
    package, _ = drawn
    result = assess_package(package)
    expected = {w for s in package for w in assess(s).warnings}
    assert set(result.warnings) == expected
    assert list(result.warnings) == sorted(result.warnings, key=WARNINGS.index)
    assert result.legal_basis == max(
        (assess(s).legal_basis for s in package), key=LEGAL_BASES.index
    )


def test_add_on_is_a_quarter_of_the_risk_above_the_negligible_band() -> None:
    assert (ADD_ON_SHARE, ADD_ON_ABOVE) == (0.25, 10.0)
    assert add_on_points(30.0) == 5.0
    assert add_on_points(6.6) == 0.0
    assert package_risk([80.0, 90.0, 100.0, 100.0]) == MAX_RISK


def test_parts_in_different_situations_are_refused() -> None:
    a = assess(Scenario(5, "large", 0.8, 0.5, "able_unwilling"))
    b = assess(Scenario(3, "large", 0.4, 0.5, "able_unwilling"))
    with pytest.raises(ValueError, match=r"^parts\[1\]\.attribution: bad value 0\.4"):
        combine([a, b])


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ([], r"^parts: an empty package"),
        (["sanctions"], r"^parts\[0\]: bad value 'sanctions'"),
    ],
)
def test_bad_packages_are_named(bad: list, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        combine(bad)


@pytest.mark.parametrize("bad", [-1.0, 100.5, float("nan"), True, "30"])
def test_bad_risks_are_named(bad: object) -> None:
    with pytest.raises(ValueError, match=r"^risks\[0\]: bad value"):
        package_risk([bad])  # type: ignore[list-item]


def test_explain_names_the_riskiest_part_and_the_legal_basis() -> None:
    situation = Scenario(1, "large", 0.8, 0.5, "able_unwilling")
    text = assess_package(situation.replace(option=o) for o in (1, 5, 6)).explain()
    assert "Its riskiest part, retaliation in cyberspace (option 6)" in text
    assert "a countermeasure" in text and "not a forecast" in text
    single = assess_package([situation.replace(option=5)]).explain()
    assert single.startswith("A single measure. Sanctions (option 5) scores")


# --- docs/model.md stays in step ----------------------------------------------------------------


def test_worked_example_in_the_docs_matches_the_code() -> None:
    situation = Scenario(1, "large", 0.8, 0.5, "able_unwilling")

    def risk(*options: int) -> float:
        return round(assess_package(situation.replace(option=o) for o in options).risk, 2)

    assert risk(5) == 30.12 and risk(1, 5) == 30.12
    assert risk(1, 3, 4, 5) == 34.73
    assert risk(3, 4, 5, 6) == 52.08
    text = (DOCS_DIR / "model.md").read_text(encoding="utf-8")
    section = text.split("## Packages of options", 1)[1]
    for number in ("34.73", "52.08", "1.66", "2.95", "5.03", "8.98", "10.77"):
        assert number in section, number
    assert re.search(r"\| `ADD_ON_SHARE` \| 0\.25 \|", section)
    assert re.search(r"\| `ADD_ON_ABOVE` \| 10 \|", section)
    # "Why a quarter": diplomatic and legal measures at their highest add under 10 to sanctions.
    assert add_on_points(24.4) + add_on_points(31.5) < 10.0
    assert 0.3 * (14.4 + 21.5) > 10.0
