"""Tests for course.learning.progress: where the file lives, atomic writes, corruption, table."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest

from course.engine.paths import REPO_ROOT
from course.learning import progress
from course.learning.progress import (
    ProgressWarning,
    lesson_of,
    load_progress,
    progress_path,
    progress_table,
    record,
    reset_progress,
)


@pytest.fixture(autouse=True)
def fresh_warnings(monkeypatch: pytest.MonkeyPatch) -> None:
    """Warnings are shown once per session; each test starts with a clean memory of them."""
    monkeypatch.setattr(progress, "_WARNED", set())


@pytest.fixture
def progress_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "store" / "progress.json"
    monkeypatch.setenv("COURSE_PROGRESS_FILE", str(path))
    return path


def at(day: int, hour: int = 12) -> datetime:
    return datetime(2025, 3, day, hour, tzinfo=UTC)


# --------------------------------------------------------------------------- location


def test_default_location_is_the_user_data_dir_outside_the_repo(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("COURSE_PROGRESS_FILE", raising=False)
    monkeypatch.setattr(progress, "user_data_dir", lambda app, appauthor: str(tmp_path / app))
    path = progress_path()
    assert path == tmp_path / "nonstate-cyber-course" / "progress.json"


def test_default_inside_the_repo_falls_back_to_temp(monkeypatch: pytest.MonkeyPatch) -> None:
    """On Binder the home folder is the repository: never write progress there."""
    monkeypatch.delenv("COURSE_PROGRESS_FILE", raising=False)
    monkeypatch.setattr(progress, "user_data_dir", lambda app, appauthor: str(REPO_ROOT / app))
    path = progress_path()
    assert path is not None
    assert not path.resolve().is_relative_to(REPO_ROOT.resolve())
    assert path.name == "progress.json"


def test_override_inside_the_repo_is_refused_and_recording_warns(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    inside = REPO_ROOT / "progress-test-should-not-exist.json"
    monkeypatch.setenv("COURSE_PROGRESS_FILE", str(inside))
    with pytest.raises(ValueError, match=r"^COURSE_PROGRESS_FILE") as error:
        progress_path()
    assert "inside the course repository" in str(error.value)
    with pytest.warns(ProgressWarning, match=r"inside the course repository"):
        assert record("01.q1", "correct") is False
    assert not inside.exists()


def test_off_switches_recording_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COURSE_PROGRESS_FILE", "off")
    assert progress_path() is None
    assert record("01.q1", "correct") is False


def test_lesson_of_pools_quiz_and_exercise_ids() -> None:
    assert lesson_of("01.q2") == "01"
    assert lesson_of("ex01.task2") == "01"
    assert lesson_of("11.q1") == "11"
    assert lesson_of("odd.id") == "odd"


# --------------------------------------------------------------------------- recording


def test_record_counts_attempts_and_remembers_success(progress_file: Path) -> None:
    assert record("03.q1", "incorrect", when=at(1)) is True
    assert record("03.q1", "correct", when=at(2)) is True
    assert record("03.q1", "incorrect", when=at(3)) is True
    entry = json.loads(progress_file.read_text())["questions"]["03.q1"]
    assert entry["attempts"] == 3
    assert entry["status"] == "incorrect"
    assert entry["ever_correct"] is True
    assert entry["first_attempt"].startswith("2025-03-01T12:00")
    assert entry["last_attempt"].startswith("2025-03-03T12:00")


def test_blank_answers_are_not_recorded(progress_file: Path) -> None:
    assert record("03.q1", "not_answered") is False
    assert not progress_file.exists()


def test_writes_are_atomic_and_leave_no_temporary_files(progress_file: Path) -> None:
    for number in range(5):
        record(f"04.q{number}", "correct")
    assert sorted(p.name for p in progress_file.parent.iterdir()) == ["progress.json"]
    assert len(json.loads(progress_file.read_text())["questions"]) == 5


def test_failed_write_keeps_the_old_file_and_warns(
    progress_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    record("04.q1", "correct")
    before = progress_file.read_text()

    def broken_replace(source: object, target: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(progress.os, "replace", broken_replace)
    with pytest.warns(ProgressWarning, match=r"disk full"):
        assert record("04.q2", "correct") is False
    assert progress_file.read_text() == before
    assert sorted(p.name for p in progress_file.parent.iterdir()) == ["progress.json"]


def test_unwritable_location_warns_instead_of_crashing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("COURSE_PROGRESS_FILE", str(blocker / "progress.json"))
    with pytest.warns(ProgressWarning, match=r"could not be saved"):
        assert record("01.q1", "correct") is False


# --------------------------------------------------------------------------- corruption


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("{not json", "not valid JSON"),
        ("[1, 2, 3]", "not a JSON object"),
        ('{"questions": {"01.q1": {"status": "great", "attempts": 1}}}', "unknown status"),
    ],
)
def test_corrupt_file_is_moved_aside_not_deleted(
    progress_file: Path, content: str, reason: str
) -> None:
    progress_file.parent.mkdir(parents=True)
    progress_file.write_text(content)
    with pytest.warns(ProgressWarning, match=reason) as caught:
        data = load_progress()
    assert data["questions"] == {}
    aside = list(progress_file.parent.glob("progress.json.corrupt-*"))
    assert len(aside) == 1
    assert aside[0].read_text() == content
    message = str(caught[0].message)
    assert str(progress_file) in message and str(aside[0]) in message
    assert record("01.q1", "correct") is True  # a fresh record starts
    assert json.loads(progress_file.read_text())["questions"]["01.q1"]["status"] == "correct"


def test_missing_file_is_an_empty_record(progress_file: Path) -> None:
    assert load_progress() == {"version": 1, "questions": {}}


# --------------------------------------------------------------------------- table and reset


def test_progress_table_per_lesson(progress_file: Path) -> None:
    record("01.q1", "correct", when=at(1))
    record("01.q2", "incorrect", when=at(2))
    record("ex01.task1", "correct", when=at(5))
    record("03.q1", "incorrect", when=at(3))
    record("03.q1", "correct", when=at(4))
    table = progress_table()
    assert list(table.columns) == ["lesson", "attempted", "correct", "last_activity"]
    assert table["lesson"].tolist() == ["01", "03"]
    assert table["attempted"].tolist() == [3, 1]
    assert table["correct"].tolist() == [2, 1]
    assert table.loc[0, "last_activity"] == pd.Timestamp("2025-03-05T12:00", tz="UTC")
    assert table.loc[1, "last_activity"] == pd.Timestamp("2025-03-04T12:00", tz="UTC")


def test_empty_progress_table_has_the_same_columns(progress_file: Path) -> None:
    table = progress_table()
    assert table.empty
    assert list(table.columns) == ["lesson", "attempted", "correct", "last_activity"]
    assert str(table["last_activity"].dtype) == "datetime64[ns, UTC]"


def test_reset_progress_removes_the_file(progress_file: Path) -> None:
    record("01.q1", "correct")
    assert reset_progress() == progress_file
    assert not progress_file.exists()
    assert reset_progress() is None
    assert progress_table().empty
