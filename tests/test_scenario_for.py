"""scenario_for: from a coded incident to a model scenario, in one call."""

from __future__ import annotations

import pytest

from course.engine.data import (
    ATTRIBUTION_LEVELS,
    ATTRIBUTION_STRENGTH,
    PUBLIC_EVIDENCE_BY_ATTRIBUTION,
    scenario_for,
)
from course.engine.escalation import assess


def test_every_known_incident_gives_a_scenario_for_every_option(incidents) -> None:
    known = incidents[incidents["host_posture"] != "unknown"]
    assert len(known) >= 20
    for incident_id in known["id"]:
        for option in range(1, 8):
            scenario = scenario_for(incident_id, option, incidents=incidents)
            assert 0 <= assess(scenario).risk <= 100


def test_fields_come_from_the_incident(incidents) -> None:
    row = incidents[incidents["host_posture"] == "sponsor"].iloc[0]
    scenario = scenario_for(row["id"], "sanctions", incidents=incidents)
    assert scenario.option == 5
    assert scenario.attack_scale == row["scale"]
    assert scenario.host_state == "sponsor"
    assert scenario.attribution == ATTRIBUTION_STRENGTH[row["attribution"]]
    assert scenario.public_evidence == PUBLIC_EVIDENCE_BY_ATTRIBUTION[row["attribution"]]
    assert scenario.target == "actor"  # untouched fields keep the Scenario defaults
    assert scenario.collateral_damage == 0.0 and scenario.exit_conditions is True


def test_overrides_replace_coded_fields(incidents) -> None:
    incident_id = incidents["id"].iloc[0]
    scenario = scenario_for(incident_id, 6, incidents=incidents, target="host_state", attribution=1)
    assert scenario.target == "host_state" and scenario.attribution == 1


def test_attribution_mappings_cover_every_level_and_rise_with_strength() -> None:
    assert set(ATTRIBUTION_STRENGTH) == set(ATTRIBUTION_LEVELS)
    assert set(PUBLIC_EVIDENCE_BY_ATTRIBUTION) == set(ATTRIBUTION_LEVELS)
    strengths = [ATTRIBUTION_STRENGTH[level] for level in ATTRIBUTION_LEVELS]
    assert strengths == sorted(strengths), "levels are ordered from weakest to strongest"


def test_unknown_posture_needs_an_explicit_host_state(incidents) -> None:
    incident_id = incidents.loc[incidents["host_posture"] == "unknown", "id"].iloc[0]
    with pytest.raises(ValueError, match=r"host_state: incident .* has host_posture 'unknown'"):
        scenario_for(incident_id, 3, incidents=incidents)
    scenario = scenario_for(incident_id, 3, incidents=incidents, host_state="able_unwilling")
    assert scenario.host_state == "able_unwilling"


def test_unknown_incident_suggests_close_ids(incidents) -> None:
    with pytest.raises(ValueError, match="did you mean sony-2014"):
        scenario_for("sony2014", 3, incidents=incidents)


def test_unknown_override_is_named(incidents) -> None:
    with pytest.raises(ValueError, match=r"unknown field.*colour.*allowed: attack_scale"):
        scenario_for("sony-2014", 3, incidents=incidents, colour="red")


def test_bad_option_is_rejected_by_the_model(incidents) -> None:
    with pytest.raises(ValueError, match="option"):
        scenario_for("sony-2014", 8, incidents=incidents)


@pytest.mark.parametrize("option", ["law_enforcement", "victim_assistance"])
def test_options_off_the_ladder_are_not_scored(incidents, option: str) -> None:
    """Takedowns and help to the victim are in the data but not among the model's options."""
    with pytest.raises(ValueError, match="option"):
        scenario_for("sony-2014", option, incidents=incidents)
