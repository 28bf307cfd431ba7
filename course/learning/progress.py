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

Several writers, one file
    A student may have two notebooks (two kernels) open, or a Voila app and a lesson, each
    recording into the same file. :func:`record` holds an exclusive lock while it reads,
    changes and writes the file, so no result is lost: on POSIX ``fcntl.flock`` on the file's
    folder (no lock file is left next to the student's progress), on Windows ``msvcrt.locking``
    on a sidecar ``progress.json.lock``. Writes are atomic (temporary file in the same folder +
    ``os.replace``), so a reader never sees half a file and needs no lock.

Failure never reaches the notebook
    A missing file is an empty record. A damaged file (truncated or not JSON, the wrong shape,
    some bad records) is kept as ``progress.json.corrupt-<timestamp>`` next to it (never
    deleted or overwritten), every record that can still be read is kept, and a warning names
    both files and says how many records were kept. If the file cannot be written (read-only
    home, full disk, a lock that is never released), :func:`record` warns once and carries on:
    a self-check must never crash a lesson.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import time
import warnings
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
from platformdirs import user_data_dir

if os.name != "nt":  # pragma: no branch
    import fcntl

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


# --------------------------------------------------------------------------- reading and repair


def _entry_problem(qid: str, entry: Any) -> str | None:
    """Why one record cannot be used, or None when it can."""
    if not isinstance(entry, dict):
        return f"the entry for {qid!r} is not an object"
    if entry.get("status") not in RECORDED_STATUSES:
        return f"the entry for {qid!r} has an unknown status {entry.get('status')!r}"
    attempts = entry.get("attempts")
    if not isinstance(attempts, int) or isinstance(attempts, bool) or attempts < 1:
        return f"the entry for {qid!r} has no whole-number 'attempts'"
    for field in ("first_attempt", "last_attempt"):
        try:
            moment = datetime.fromisoformat(str(entry.get(field)))
            pd.Timestamp(moment)  # the progress table reads it with pandas
        except (ValueError, TypeError, OverflowError):
            return f"the entry for {qid!r} has an unreadable {field!r}"
    return None


def _entries_of_broken_json(text: str) -> dict[str, Any]:
    """The complete ``"id": {...}`` records at the start of a truncated or damaged file.

    Atomic writes make a half-written file unlikely, but a copy cut short, a sync tool or an
    editor can still leave one; every record before the damage is worth keeping.
    """
    start = re.search(r'"questions"\s*:\s*\{', text)
    if start is None:
        return {}
    decoder = json.JSONDecoder()
    separator = re.compile(r"\s*:\s*")
    between = re.compile(r"[\s,]*")
    found: dict[str, Any] = {}
    position = start.end()
    while True:
        position = between.match(text, position).end()  # type: ignore[union-attr]
        try:
            key, position = decoder.raw_decode(text, position)
            colon = separator.match(text, position)
            if not isinstance(key, str) or colon is None:
                break
            value, position = decoder.raw_decode(text, colon.end())
        except ValueError:
            break
        found[key] = value
    return found


def _read(text: str) -> tuple[dict[str, Any], list[str]]:
    """The usable record in ``text`` and the problems found (empty when the file is sound)."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        problems = [f"it is not valid JSON: {error.msg} at line {error.lineno}"]
        questions = _entries_of_broken_json(text)
    else:
        problems = []
        if not isinstance(data, dict):
            problems.append("the top level is not a JSON object")
            questions = {}
        elif not isinstance(data.get("questions"), dict):
            problems.append("it has no 'questions' object")
            questions = {}
        else:
            questions = data["questions"]
    kept: dict[str, Any] = {}
    for qid, entry in questions.items():
        problem = _entry_problem(qid, entry)
        if problem is None:
            kept[qid] = entry
        else:
            problems.append(problem)
    return {"version": FORMAT_VERSION, "questions": kept}, problems


def _repair(path: Path, raw: bytes, data: dict[str, Any], problems: list[str]) -> None:
    """Keep the damaged file next to the original, put the readable records back, and warn.

    The caller holds the lock. The damaged file is never deleted or overwritten: a student (or
    a lecturer helping) can still open it.
    """
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    aside = path.with_name(f"{path.name}.corrupt-{stamp}")
    reason = problems[0] + (
        f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""
    )
    kept = len(data["questions"])
    try:
        if path.read_bytes() != raw:
            return  # another kernel repaired or rewrote it meanwhile: nothing to do
        os.replace(path, aside)
        if kept:
            _write_atomically(path, data)
    except OSError as error:
        _warn_once(
            f"Your progress file {path} could not be read fully ({reason}) and could not be "
            f"repaired ({error}). Progress is not being saved."
        )
        return
    saved = (
        f"The {_records(kept)} that could be read were kept in {path}"
        if kept
        else "No record could be read, so a fresh record was started"
    )
    _warn_once(
        f"Your progress file {path} could not be read fully ({reason}). The damaged file was "
        f"kept as {aside}. {saved}."
    )


def _records(number: int) -> str:
    return f"{number} record{'' if number == 1 else 's'}"


def _load(path: Path, *, locked: bool) -> dict[str, Any]:
    """Read ``path``; a damaged file is repaired (under the lock, taken here unless the caller
    already holds it)."""
    if not path.exists():
        return _empty()
    try:
        raw = path.read_bytes()
    except OSError as error:
        _warn_once(f"Your progress file {path} could not be read ({error}).")
        return _empty()
    text = raw.decode("utf-8", errors="replace")  # bad bytes: a problem found below, not a crash
    data, problems = _read(text)
    if not problems:
        return data
    if locked:
        _repair(path, raw, data, problems)
        return data
    try:
        with _locked(path):
            return _load(path, locked=True)  # read again: another kernel may have written
    except OSError:
        _repair(path, raw, data, problems)  # no lock to be had (read-only folder): try anyway
        return data


def load_progress(path: Path | None = None) -> dict[str, Any]:
    """Read the progress record; a missing file is an empty record and a damaged one keeps what
    can be read (see the module docstring). Never raises."""
    if path is None:
        try:
            path = progress_path()
        except ValueError as error:
            _warn_once(str(error))
            return _empty()
    if path is None:
        return _empty()
    return _load(path, locked=False)


# --------------------------------------------------------------------------- locking and writing

LOCK_TIMEOUT = 20.0
"""Seconds :func:`record` waits for another kernel's write before giving up with a warning."""
_LOCK_POLL = 0.005


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    """Hold an exclusive, cross-process lock for ``path`` (not re-entrant).

    POSIX: ``flock`` on the folder, so no lock file is left beside the student's progress (if
    the file system refuses, a sidecar ``<name>.lock``). Windows: ``msvcrt.locking`` on the
    sidecar. Raises OSError (TimeoutError) when the lock is not free within
    :data:`LOCK_TIMEOUT`; the OS releases it if the holder dies.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    if os.name == "nt":  # pragma: no cover - exercised on Windows only
        with _windows_lock(path.with_name(path.name + ".lock")):
            yield
        return
    handle = os.open(path.parent, os.O_RDONLY)
    try:
        try:
            _wait_for(lambda: fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB), path)
        except TimeoutError:
            raise
        except OSError:  # a file system without directory locks: lock a sidecar file instead
            os.close(handle)
            handle = os.open(path.with_name(path.name + ".lock"), os.O_RDWR | os.O_CREAT, 0o600)
            _wait_for(lambda: fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB), path)
        yield
    finally:
        os.close(handle)  # closing the descriptor releases the lock


@contextmanager
def _windows_lock(lock_path: Path) -> Iterator[None]:  # pragma: no cover - Windows only
    import msvcrt

    handle = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        _wait_for(lambda: msvcrt.locking(handle, msvcrt.LK_NBLCK, 1), lock_path)
        try:
            yield
        finally:
            os.lseek(handle, 0, os.SEEK_SET)
            msvcrt.locking(handle, msvcrt.LK_UNLCK, 1)
    finally:
        os.close(handle)


def _wait_for(take: Callable[[], object], path: Path) -> None:
    """Call ``take`` until it stops failing with "busy" or :data:`LOCK_TIMEOUT` passes."""
    deadline = time.monotonic() + LOCK_TIMEOUT
    while True:
        try:
            take()
            return
        except (BlockingIOError, PermissionError) as error:
            if time.monotonic() > deadline:
                raise TimeoutError(
                    f"another program kept {path} locked for over {LOCK_TIMEOUT:g} s"
                ) from error
            time.sleep(_LOCK_POLL)


def _write_atomically(path: Path, data: Mapping[str, Any]) -> None:
    """Write JSON so a crash mid-write leaves either the old or the new file, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            json.dump(data, stream, indent=1, sort_keys=True)
            stream.flush()
            os.fsync(stream.fileno())
        _replace(temp_name, path)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise


def _replace(source: str, target: Path) -> None:
    """``os.replace``, retried briefly on Windows, where a reader holding the file open makes
    it fail with PermissionError."""
    for attempt in range(50):
        try:
            os.replace(source, target)
            return
        except PermissionError:
            if os.name != "nt" or attempt == 49:
                raise
            time.sleep(0.02)  # pragma: no cover - Windows only


def record(question_id: str, status: str, *, when: datetime | None = None) -> bool:
    """Store one check result. Returns True when it was saved; never raises.

    Only "correct" and "incorrect" are stored: a blank answer is not an attempt. The read,
    change and write happen under the lock, so two kernels recording at once lose nothing.
    """
    if status not in RECORDED_STATUSES:
        return False
    try:
        path = progress_path()
        if path is None:
            return False
        moment = (when or datetime.now(UTC)).astimezone(UTC).isoformat(timespec="seconds")
        with _locked(path):
            data = _load(path, locked=True)
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
