"""Tests for the incident and response datasets and their loaders (``course.engine.data``).

Two kinds of test: properties the shipped data must keep (every response points at an incident,
every option of the brief is illustrated, years are plausible, ...), and the promise that a
malformed file stops with a message a contributor can act on (file, line, column, bad value,
what is allowed). The broken files live in ``tests/fixtures/data``.
"""

from __future__ import annotations

import csv
import re
import string
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from course.engine.data import (
    ACTOR_TYPES,
    ATTRIBUTION_LEVELS,
    HOST_POSTURES,
    INCIDENT_COLUMNS,
    ISO_ALPHA2,
    MANY_STATES,
    OUTCOMES,
    RESPONSE_COLUMNS,
    RESPONSE_OPTIONS,
    SCALES,
    TARGETS,
    YEAR_RANGE,
    DataValidationError,
    is_uncertain,
    load_incidents,
    load_responses,
    responses_with_incidents,
    victim_codes,
)

FIXTURES = Path(__file__).parent / "fixtures" / "data"
SOURCE = re.compile(r'[^",|]+, "[^"|]+", \d{4}-\d{2}-\d{2}')


@pytest.fixture(scope="module")
def fixture_incidents() -> pd.DataFrame:
    return load_incidents(FIXTURES / "incidents_valid.csv")


# --- Schema and types ---------------------------------------------------------------------------


def test_incidents_have_the_documented_columns_and_types(incidents: pd.DataFrame) -> None:
    assert tuple(incidents.columns) == INCIDENT_COLUMNS
    for column in ("start_year", "end_year", "attribution_year"):
        assert incidents[column].dtype == "Int64"
    expected = {
        "actor_type": (ACTOR_TYPES, False),
        "host_posture": (HOST_POSTURES, False),
        "scale": (SCALES, True),
        "attribution": (ATTRIBUTION_LEVELS, True),
        "stopped": (OUTCOMES, False),
        "escalated": (OUTCOMES, False),
    }
    for column, (categories, ordered) in expected.items():
        dtype = incidents[column].dtype
        assert isinstance(dtype, pd.CategoricalDtype), column
        assert tuple(dtype.categories) == categories, column
        assert dtype.ordered is ordered, column
        assert incidents[column].notna().all(), column


def test_ordered_categoricals_compare_as_the_brief_ranks_them(incidents: pd.DataFrame) -> None:
    at_least_large = incidents[incidents["scale"] >= "large"]
    assert set(at_least_large["scale"]) <= {"large", "destructive"}
    assert (incidents["attribution"] > "none").all()


def test_responses_have_the_documented_columns_and_types(responses: pd.DataFrame) -> None:
    assert tuple(responses.columns) == RESPONSE_COLUMNS
    option = responses["option"].dtype
    assert isinstance(option, pd.CategoricalDtype)
    assert tuple(option.categories) == RESPONSE_OPTIONS
    assert not option.ordered
    assert tuple(responses["target"].dtype.categories) == TARGETS


def test_dataset_meets_the_issue_targets(incidents: pd.DataFrame, responses: pd.DataFrame) -> None:
    assert len(incidents) >= 32
    assert len(responses) >= 60
    disguised = incidents[incidents["actor_type"] == "state_disguised"]
    assert len(disguised) >= 3


# --- Dataset properties ---------------------------------------------------------------------------


def test_ids_are_unique_lowercase_slugs(incidents: pd.DataFrame) -> None:
    assert incidents["id"].is_unique
    assert incidents["id"].str.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*").all()


def test_every_response_points_at_an_existing_incident(
    incidents: pd.DataFrame, responses: pd.DataFrame
) -> None:
    assert set(responses["incident_id"]) <= set(incidents["id"])


def test_every_row_has_at_least_one_dated_source(
    incidents: pd.DataFrame, responses: pd.DataFrame
) -> None:
    for column, frame in (("sources", incidents), ("source", responses)):
        for cell in frame[column]:
            parts = cell.split(" | ")
            assert parts and all(SOURCE.fullmatch(p) for p in parts), cell


@pytest.mark.parametrize("option", RESPONSE_OPTIONS[:7])
def test_every_option_of_the_brief_appears_at_least_twice(
    responses: pd.DataFrame, option: str
) -> None:
    assert (responses["option"] == option).sum() >= 2


def test_uncertain_names_only_real_columns(incidents: pd.DataFrame) -> None:
    for cell in incidents["uncertain"]:
        names = [n for n in cell.split(";") if n]
        assert set(names) <= set(INCIDENT_COLUMNS) - {"id", "uncertain"}, cell
        assert len(names) == len(set(names)), cell


def test_years_are_plausible(incidents: pd.DataFrame, responses: pd.DataFrame) -> None:
    low, high = YEAR_RANGE
    assert incidents["start_year"].between(low, high).all()
    ended = incidents.dropna(subset=["end_year"])
    assert (ended["end_year"] >= ended["start_year"]).all()
    attributed = incidents.dropna(subset=["attribution_year"])
    assert (attributed["attribution_year"] >= attributed["start_year"]).all()
    joined = responses_with_incidents(responses, incidents)
    assert (joined["date"].str[:4].astype(int) >= joined["start_year"]).all()


def test_coding_rules_for_states_and_codes_hold(
    incidents: pd.DataFrame, responses: pd.DataFrame
) -> None:
    disguised = incidents[incidents["actor_type"] == "state_disguised"]
    assert (disguised["host_posture"] == "sponsor").all()
    unknown_host = incidents[incidents["host_state"] == "unknown"]
    assert (unknown_host["host_posture"] == "unknown").all()
    assert set(incidents["host_state"]) <= ISO_ALPHA2 | {"unknown"}
    assert set(victim_codes(incidents)["victim"]) <= ISO_ALPHA2 | {MANY_STATES}
    assistance = responses[responses["target"] == "victim_state"]
    assert (assistance["option"] == "2").all()


# --- Helpers ---------------------------------------------------------------------------------


def test_responses_with_incidents_keeps_one_row_per_response(
    incidents: pd.DataFrame, responses: pd.DataFrame
) -> None:
    joined = responses_with_incidents(responses, incidents)
    assert len(joined) == len(responses)
    assert "id" not in joined.columns
    assert joined["scale"].notna().all()
    assert joined["scale"].dtype.ordered
    row = joined[joined["incident_id"] == "albania-2022"].iloc[0]
    assert row["host_state"] == "IR"


def test_responses_with_incidents_loads_what_is_not_given() -> None:
    joined = responses_with_incidents()
    assert len(joined) == len(load_responses())


def test_victim_codes_gives_one_row_per_code(incidents: pd.DataFrame) -> None:
    codes = victim_codes(incidents)
    assert len(codes) == incidents["victims"].str.count(";").sum() + len(incidents)
    apt40 = codes[codes["id"] == "apt40-2011"]["victim"].tolist()
    assert apt40[:2] == ["US", "AT"]
    assert len(apt40) == 12


def test_is_uncertain_flags_listed_columns(incidents: pd.DataFrame) -> None:
    flags = is_uncertain(incidents, "attribution")
    assert flags[incidents["id"] == "tv5monde-2015"].all()
    assert not flags[incidents["id"] == "estonia-2007"].any()
    with pytest.raises(ValueError, match=r"'colour'.*allowed: one of id"):
        is_uncertain(incidents, "colour")


def test_loaders_read_the_file_again_on_each_call(tmp_path: Path) -> None:
    copy = tmp_path / "incidents.csv"
    original = (FIXTURES / "incidents_valid.csv").read_text(encoding="utf-8")
    copy.write_text(original, encoding="utf-8")
    assert load_incidents(copy).loc[0, "scale"] == "large"
    copy.write_text(original.replace(",large,", ",small,", 1), encoding="utf-8")
    assert load_incidents(copy).loc[0, "scale"] == "small"


# --- Broken files give a clear error -------------------------------------------------------------

BROKEN = [
    # file, line, column, bad value, a fragment of what is allowed
    ("incidents_bad_code.csv", 3, "actor_type", "cyber_terrorist", "state_disguised"),
    ("incidents_missing_source.csv", 4, "sources", "", 'Publisher, "Title or description"'),
    ("incidents_bad_year.csv", 2, "start_year", "1985", "1990..2026"),
    ("incidents_end_before_start.csv", 4, "end_year", "2019", "a year >= start_year"),
    ("incidents_non_numeric_year.csv", 3, "attribution_year", "late 2018", "four-digit year"),
    ("responses_unknown_incident.csv", 4, "incident_id", "atlantis-2099", "estonia-2007"),
    ("responses_bad_option.csv", 3, "option", "8", "law_enforcement"),
]


@pytest.mark.parametrize(("name", "line", "column", "value", "allowed"), BROKEN)
def test_broken_fixture_gives_a_clear_error(
    fixture_incidents: pd.DataFrame, name: str, line: int, column: str, value: str, allowed: str
) -> None:
    path = FIXTURES / name
    with pytest.raises(DataValidationError) as caught:
        if name.startswith("incidents"):
            load_incidents(path)
        else:
            load_responses(path, incidents=fixture_incidents)
    message = str(caught.value)
    assert isinstance(caught.value, ValueError)
    assert name in message
    assert "header = line 1" in message
    assert f"line {line}, column '{column}'" in message
    assert f"bad value {value!r}" in message
    assert allowed in message
    assert caught.value.problems == (caught.value.problems[0],)


def test_valid_fixtures_load(fixture_incidents: pd.DataFrame) -> None:
    responses = load_responses(FIXTURES / "responses_valid.csv", incidents=fixture_incidents)
    assert len(fixture_incidents) == 3
    assert len(responses) == 5


def _write(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    return path


def _fixture_rows() -> list[list[str]]:
    with (FIXTURES / "incidents_valid.csv").open(newline="", encoding="utf-8") as fh:
        return list(csv.reader(fh))


def test_all_problems_are_reported_at_once(tmp_path: Path) -> None:
    rows = _fixture_rows()
    rows[1][INCIDENT_COLUMNS.index("scale")] = "huge"
    rows[3][INCIDENT_COLUMNS.index("victims")] = "USA"
    with pytest.raises(DataValidationError) as caught:
        load_incidents(_write(tmp_path / "two.csv", rows))
    assert [(p.line, p.column) for p in caught.value.problems] == [(2, "scale"), (4, "victims")]


def test_a_missing_column_is_reported_on_the_header_line(tmp_path: Path) -> None:
    rows = [row[:-1] for row in _fixture_rows()]
    with pytest.raises(DataValidationError, match=r"line 1, column 'uncertain'.*missing column"):
        load_incidents(_write(tmp_path / "short.csv", rows))


def test_a_record_with_too_many_fields_is_reported(tmp_path: Path) -> None:
    rows = _fixture_rows()
    rows[2] = [*rows[2], "stray"]
    with pytest.raises(DataValidationError, match=r"line 3, column '\(record\)'.*19 fields"):
        load_incidents(_write(tmp_path / "long.csv", rows))


def test_state_disguised_without_sponsor_is_rejected(tmp_path: Path) -> None:
    rows = _fixture_rows()
    rows[1][INCIDENT_COLUMNS.index("actor_type")] = "state_disguised"
    with pytest.raises(DataValidationError, match=r"line 2, column 'host_posture'.*sponsor"):
        load_incidents(_write(tmp_path / "disguised.csv", rows))


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(word=st.text(alphabet=string.ascii_letters + "_ -", min_size=1, max_size=12))
def test_any_unknown_scale_is_named_in_the_error(tmp_path: Path, word: str) -> None:
    rows = _fixture_rows()
    rows[1][INCIDENT_COLUMNS.index("scale")] = word
    path = _write(tmp_path / "scale.csv", rows)
    if word in SCALES:
        assert load_incidents(path).loc[0, "scale"] == word
    else:
        with pytest.raises(DataValidationError, match=re.escape(f"bad value {word!r}")):
            load_incidents(path)
