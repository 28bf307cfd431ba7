"""Data files are checked once per version: stamps skip the checks, never an edited file's."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from course.engine import data_rules, data_stamps
from course.engine.data import DataValidationError, load_incidents, load_responses
from course.engine.paths import DATA_DIR

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty stamp cache of this test's own, with stamps in use."""
    folder = tmp_path / "cache"
    monkeypatch.setenv(data_stamps.ENV_DIR, str(folder))
    monkeypatch.delenv(data_stamps.ENV_CHECK, raising=False)
    return folder / data_stamps.SUBDIR


@pytest.fixture
def check_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the checks run from now on (each still runs for real)."""
    calls: list[str] = []
    for name in ("incident_problems", "response_problems"):
        real = getattr(data_rules, name)

        def counted(*args: object, _real=real, _name=name) -> object:
            calls.append(_name)
            return _real(*args)

        monkeypatch.setattr(data_rules, name, counted)
    return calls


def copy_data(tmp_path: Path) -> tuple[Path, Path]:
    incidents = tmp_path / "incidents.csv"
    responses = tmp_path / "responses.csv"
    incidents.write_bytes((DATA_DIR / "incidents.csv").read_bytes())
    responses.write_bytes((DATA_DIR / "responses.csv").read_bytes())
    return incidents, responses


def test_a_file_that_passed_is_not_checked_again_and_loads_the_same(
    cache: Path, check_calls: list[str]
) -> None:
    first_incidents = load_incidents()
    first_responses = load_responses(incidents=first_incidents)
    assert check_calls == ["incident_problems", "response_problems"]
    assert len(list(cache.iterdir())) == 2, "one stamp per file that passed"

    again_incidents = load_incidents()
    again_responses = load_responses(incidents=again_incidents)
    assert check_calls == ["incident_problems", "response_problems"], "stamped files re-checked"
    pd.testing.assert_frame_equal(again_incidents, first_incidents)
    pd.testing.assert_frame_equal(again_responses, first_responses)


def test_an_edited_file_is_checked_in_full_despite_the_old_stamp(
    cache: Path, tmp_path: Path
) -> None:
    incidents, _ = copy_data(tmp_path)
    load_incidents(incidents)  # stamps the unedited copy
    text = incidents.read_text(encoding="utf-8")
    incidents.write_text(text.replace(",large,", ",huge,", 1), encoding="utf-8")
    with pytest.raises(DataValidationError) as caught:
        load_incidents(incidents)
    assert "column 'scale': bad value 'huge'" in str(caught.value)
    assert str(incidents) in str(caught.value)


def test_a_failing_file_is_never_stamped(cache: Path, tmp_path: Path) -> None:
    incidents, _ = copy_data(tmp_path)
    incidents.write_text(
        incidents.read_text(encoding="utf-8").replace(",large,", ",huge,", 1), encoding="utf-8"
    )
    for _ in range(2):
        with pytest.raises(DataValidationError, match="huge"):
            load_incidents(incidents)
    assert not cache.exists() or not list(cache.iterdir())


def test_responses_are_checked_again_against_changed_incidents(
    cache: Path, check_calls: list[str]
) -> None:
    incidents = load_incidents()
    load_responses(incidents=incidents)
    moved = incidents.copy()
    moved.loc[moved["id"] == "estonia-2007", "start_year"] = 2020  # after its responses
    with pytest.raises(DataValidationError) as caught:
        load_responses(incidents=moved)
    assert "a date in or after the start_year of its incident" in str(caught.value)
    assert check_calls.count("response_problems") == 2


def test_always_checks_when_asked(
    cache: Path, check_calls: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    load_incidents()
    monkeypatch.setenv(data_stamps.ENV_CHECK, "always")
    load_incidents()
    assert check_calls == ["incident_problems", "incident_problems"]


def test_an_unknown_check_setting_names_the_variable_and_the_allowed_values(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(data_stamps.ENV_CHECK, "sometimes")
    with pytest.raises(ValueError, match=r"COURSE_CHECK_DATA: got 'sometimes'; allowed: .*always"):
        load_incidents()


def test_a_cache_that_cannot_be_written_costs_speed_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, check_calls: list[str]
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv(data_stamps.ENV_DIR, str(blocker))
    monkeypatch.delenv(data_stamps.ENV_CHECK, raising=False)
    assert data_stamps.add_stamp("0" * 64) is False
    for _ in range(2):
        assert len(load_incidents()) > 0
    assert check_calls == ["incident_problems", "incident_problems"]


def test_the_stamp_covers_content_context_rules_and_library_versions(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    base = data_stamps.stamp_for("incidents.csv", b"a,b\n")
    assert data_stamps.stamp_for("incidents.csv", b"a,b\n") == base
    assert data_stamps.stamp_for("incidents.csv", b"a,c\n") != base
    assert data_stamps.stamp_for("responses.csv", b"a,b\n") != base
    assert data_stamps.stamp_for("incidents.csv", b"a,b\n", "estonia-2007,2007") != base
    here = Path(data_stamps.__file__).parent
    assert all((here / name).is_file() for name in data_stamps.RULE_MODULES)
    assert {"codebook.py", "data_rules.py", "data.py"} <= set(data_stamps.RULE_MODULES)
    data_stamps.rules_fingerprint.cache_clear()
    monkeypatch.setattr(pd, "__version__", "0.0.0")
    try:
        assert data_stamps.stamp_for("incidents.csv", b"a,b\n") != base
    finally:
        monkeypatch.undo()
        data_stamps.rules_fingerprint.cache_clear()
    assert data_stamps.stamp_for("incidents.csv", b"a,b\n") == base


def test_a_new_kernel_with_stamps_loads_without_the_checking_library(cache: Path) -> None:
    """What every lesson after the first gains: pandera is not even imported."""
    load_responses(incidents=load_incidents())  # leaves the stamps
    code = (
        "import sys\n"
        "from course.engine.data import responses_with_incidents\n"
        "joined = responses_with_incidents()\n"
        "print(len(joined), 'pandera' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        env={**os.environ},
        capture_output=True,
        text=True,
        check=True,
    )
    rows, imported = done.stdout.split()
    assert int(rows) == len(load_responses()) and imported == "False"


def test_bad_bytes_and_a_missing_file_name_the_file_and_the_line(
    cache: Path, tmp_path: Path
) -> None:
    incidents, _ = copy_data(tmp_path)
    content = incidents.read_bytes()
    lines = content.split(b"\n")
    lines[3] = lines[3][:5] + b"\xff" + lines[3][5:]  # a Latin-1 byte on line 4
    incidents.write_bytes(b"\n".join(lines))
    with pytest.raises(DataValidationError) as caught:
        load_incidents(incidents)
    message = str(caught.value)
    assert "line 4, column '(encoding)'" in message and "allowed: UTF-8 text" in message

    with pytest.raises(DataValidationError, match=r"column '\(file\)'.*a readable CSV file"):
        load_incidents(tmp_path / "missing.csv")


def test_data_module_needs_no_checking_library_to_import() -> None:
    code = "import sys, course.engine.data; print('pandera' in sys.modules)"
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "False"
