"""Progress for self-learners: which self-checks they tried and got right.

Every check in `course.learning.quiz` calls :func:`record`, which keeps one small JSON file per
user.
Why a file and not notebook state: a student restarts kernels and reopens notebooks, and the
start page (``00_start_here``) should still show what they have done.

Where the file lives
    ``platformdirs.user_data_dir("nonstate-cyber-course")/progress.json`` (on Linux
    ``~/.local/share/nonstate-cyber-course/progress.json``). The environment variable
    ``COURSE_PROGRESS_FILE`` overrides it (tests and CI point it at a temporary file);
    ``COURSE_PROGRESS_FILE=off`` switches recording off. The file never lives inside the
    repository, so nobody commits their progress: an override inside the repository is refused,
    and when the default would fall inside it (on Binder the home folder *is* the repository) the
    file goes to the system temporary folder instead.

What is stored
    Per question id: the last status, whether it was ever correct, the number of attempts and
    the first and last attempt times (UTC). A blank answer ("not_answered") is not an attempt and
    is not stored, so running a notebook top to bottom never overwrites an earlier result.

Failure never reaches the notebook
    Writes are atomic (temporary file + ``os.replace``). A missing file is an empty record. A
    corrupt file is moved aside as ``progress.json.corrupt-<timestamp>`` (never deleted) with a
    warning naming both files. If the file cannot be written (read-only home, full disk),
    :func:`record` warns once and carries on: a self-check must never crash a lesson.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import warnings
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
from platformdirs import user_data_dir

from course.engine.paths import REPO_ROOT

APP_NAME = "nonstate-cyber-course"
ENV_FILE = "COURSE_PROGRESS_FILE"
OFF_VALUE = "off"
FILE_NAME = "progress.json"
FORMAT_VERSION = 1
RECORDED_STATUSES = frozenset({"correct", "incorrect"})
TABLE_COLUMNS = ("lesson", "attempted", "correct", "last_activity")

_LESSON_PATTERN = re.compile(r"^(?:ex)?(?P<lesson>\d{2})\.")
_WARNED: set[str] = set()


class ProgressWarning(UserWarning):
    """A progress problem the student should know about; the lesson itself carries on."""


def _warn_once(message: str) -> None:
    """Warn about a progress problem once per session, not on every check."""
    if message in _WARNED:
        return
    _WARNED.add(message)
    warnings.warn(message, ProgressWarning, stacklevel=3)


def _inside_repo(path: Path) -> bool:
    """True when `path` is inside the course repository (where it could get committed)."""
    try:
        return path.resolve().is_relative_to(REPO_ROOT.resolve())
    except OSError:
        return False


def progress_path() -> Path | None:
    """The progress file in use, or None when recording is switched off.

    Raises ValueError when ``COURSE_PROGRESS_FILE`` points inside the repository.
    """
    override = os.environ.get(ENV_FILE)
    if override is not None and override.strip():
        if override.strip().lower() == OFF_VALUE:
            return None
        path = Path(override.strip()).expanduser().resolve()
        if _inside_repo(path):
            raise ValueError(
                f"{ENV_FILE}: {str(path)!r} is inside the course repository {str(REPO_ROOT)!r}; "
                "progress must live outside it so it is never committed. "
                f"Allowed: any path outside the repository, or {OFF_VALUE!r} to switch "
                "recording off."
            )
        return path
    default = Path(user_data_dir(APP_NAME, appauthor=False)) / FILE_NAME
    if _inside_repo(default):
        # Binder and some containers use the repository as the home folder.
        default = Path(tempfile.gettempdir()) / APP_NAME / FILE_NAME
    return default


def lesson_of(question_id: str) -> str:
    """Lesson id of a question or task id: ``"01.q2"`` and ``"ex01.task2"`` both give ``"01"``."""
    match = _LESSON_PATTERN.match(question_id)
    if match:
        return match.group("lesson")
    return question_id.split(".", 1)[0]


def _empty() -> dict[str, Any]:
    return {"version": FORMAT_VERSION, "questions": {}}


def _problem_with(data: Any) -> str | None:
    """Why `data` is not a valid progress record, or None when it is."""
    if not isinstance(data, dict):
        return "the top level is not a JSON object"
    questions = data.get("questions")
    if not isinstance(questions, dict):
        return "it has no 'questions' object"
    for qid, entry in questions.items():
        if not isinstance(entry, dict):
            return f"the entry for {qid!r} is not an object"
        if entry.get("status") not in RECORDED_STATUSES:
            return f"the entry for {qid!r} has an unknown status {entry.get('status')!r}"
        if not isinstance(entry.get("attempts"), int) or isinstance(entry.get("attempts"), bool):
            return f"the entry for {qid!r} has no whole-number 'attempts'"
        for field in ("first_attempt", "last_attempt"):
            try:
                datetime.fromisoformat(str(entry.get(field)))
            except ValueError:
                return f"the entry for {qid!r} has an unreadable {field!r}"
    return None


def _move_aside(path: Path, reason: str) -> None:
    """Keep a corrupt file for inspection under a new name and warn, naming both files."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    aside = path.with_name(f"{path.name}.corrupt-{stamp}")
    try:
        os.replace(path, aside)
    except OSError as error:
        _warn_once(
            f"Your progress file {path} could not be read ({reason}) and could not be moved "
            f"aside ({error}). Progress is not being saved."
        )
        return
    _warn_once(
        f"Your progress file {path} could not be read ({reason}). It was moved to {aside} and "
        "a fresh record was started."
    )


def load_progress(path: Path | None = None) -> dict[str, Any]:
    """Read the progress record; missing or corrupt files give an empty record, never an error."""
    if path is None:
        try:
            path = progress_path()
        except ValueError as error:
            _warn_once(str(error))
            return _empty()
    if path is None or not path.exists():
        return _empty()
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        _warn_once(f"Your progress file {path} could not be read ({error}).")
        return _empty()
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        _move_aside(path, f"it is not valid JSON: {error.msg} at line {error.lineno}")
        return _empty()
    problem = _problem_with(data)
    if problem is not None:
        _move_aside(path, problem)
        return _empty()
    return data


def _write_atomically(path: Path, data: Mapping[str, Any]) -> None:
    """Write JSON so a crash mid-write leaves either the old or the new file, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            json.dump(data, stream, indent=1, sort_keys=True)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temp_name, path)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise


def record(question_id: str, status: str, *, when: datetime | None = None) -> bool:
    """Store one check result. Returns True when it was saved; never raises.

    Only "correct" and "incorrect" are stored: a blank answer is not an attempt.
    """
    if status not in RECORDED_STATUSES:
        return False
    try:
        path = progress_path()
        if path is None:
            return False
        moment = (when or datetime.now(UTC)).astimezone(UTC).isoformat(timespec="seconds")
        data = load_progress(path)
        entry = data["questions"].get(question_id)
        if entry is None:
            entry = {"attempts": 0, "ever_correct": False, "first_attempt": moment}
        entry["attempts"] = int(entry["attempts"]) + 1
        entry["status"] = status
        entry["ever_correct"] = bool(entry.get("ever_correct")) or status == "correct"
        entry["last_attempt"] = moment
        data["questions"][question_id] = entry
        data["version"] = FORMAT_VERSION
        _write_atomically(path, data)
        return True
    except Exception as error:  # a self-check must never crash a lesson
        _warn_once(f"Your progress could not be saved ({type(error).__name__}: {error}).")
        return False


def progress_table(path: Path | None = None) -> pd.DataFrame:
    """One row per lesson: questions attempted, questions answered correctly, last activity.

    "correct" counts questions answered correctly at least once. Columns: lesson (str, "01"),
    attempted (int), correct (int), last_activity (UTC timestamp). Sorted by lesson.
    """
    questions = load_progress(path)["questions"]
    rows = [
        {
            "lesson": lesson_of(qid),
            "correct": bool(entry.get("ever_correct")),
            "last_activity": pd.Timestamp(entry["last_attempt"]),
        }
        for qid, entry in questions.items()
    ]
    if not rows:
        return pd.DataFrame(
            {
                "lesson": pd.Series(dtype="str"),
                "attempted": pd.Series(dtype="int64"),
                "correct": pd.Series(dtype="int64"),
                "last_activity": pd.Series(dtype="datetime64[ns, UTC]"),
            }
        )
    frame = pd.DataFrame(rows)
    frame["last_activity"] = pd.to_datetime(frame["last_activity"], utc=True)
    table = (
        frame.groupby("lesson", sort=True)
        .agg(
            attempted=("correct", "size"),
            correct=("correct", "sum"),
            last_activity=("last_activity", "max"),
        )
        .reset_index()
    )
    table["attempted"] = table["attempted"].astype("int64")
    table["correct"] = table["correct"].astype("int64")
    return table.loc[:, list(TABLE_COLUMNS)]


def reset_progress(path: Path | None = None) -> Path | None:
    """Forget all progress by removing the file. Returns the path removed, or None."""
    if path is None:
        path = progress_path()
    if path is None or not path.exists():
        return None
    path.unlink()
    return path
