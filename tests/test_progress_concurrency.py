"""Several kernels recording self-check results into ONE progress file at the same time.

A student may have two lesson notebooks open (two kernels), or a Voila app next to JupyterLab;
each check writes the same ``progress.json``. These tests start real separate Python processes
(``subprocess``) that record at full speed while this process keeps reading the file, and check
what a student would notice: no result is lost, every attempt is counted, and the file is valid
JSON at every moment. Without the lock in :mod:`course.learning.progress` the shared counter
comes out short (two writers read the same old file and the second write drops the first's
result).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from course.engine.paths import REPO_ROOT
from course.learning import progress
from course.learning.progress import ProgressWarning, load_progress, record

pytestmark = pytest.mark.skipif(os.name == "nt", reason="POSIX processes and signals")

WRITER = textwrap.dedent(
    """
    import sys, time, warnings
    from pathlib import Path
    from course.learning.progress import ProgressWarning, record

    warnings.simplefilter("error", ProgressWarning)  # any progress problem fails the writer
    writer, count, go = int(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3])
    while not go.exists():  # start together, so the writes really overlap
        time.sleep(0.001)
    saved = 0
    for number in range(count):
        saved += record(f"0{writer}.w{writer}-{number}", "correct")
        saved += record("01.shared", "incorrect" if number % 2 else "correct")
    print(saved)
    """
)


@pytest.fixture(autouse=True)
def fresh_warnings(monkeypatch: pytest.MonkeyPatch) -> None:
    """Warnings are shown once per session; each test starts with a clean memory of them."""
    monkeypatch.setattr(progress, "_WARNED", set())


@pytest.fixture
def progress_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "shared" / "progress.json"
    monkeypatch.setenv("COURSE_PROGRESS_FILE", str(path))
    return path


def _start_writers(count: int, per_writer: int, go: Path) -> list[subprocess.Popen[str]]:
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    return [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(writer), str(per_writer), str(go)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for writer in range(1, count + 1)
    ]


def _watch_while_running(path: Path, writers: list[subprocess.Popen[str]]) -> int:
    """Read the file over and over until the writers end: it must parse every time and never
    lose a record it already showed. Returns the number of reads."""
    reads, seen = 0, 0
    deadline = time.monotonic() + 120
    while any(w.poll() is None for w in writers) and time.monotonic() < deadline:
        if path.exists():
            data = json.loads(path.read_text(encoding="utf-8"))  # raises on half a file
            count = len(data["questions"])
            assert count >= seen, f"a reader saw {seen} records, then only {count}"
            seen = count
            reads += 1
        time.sleep(0.002)
    return reads


@pytest.mark.parametrize(("writers", "per_writer"), [(2, 100), (4, 30)])
def test_concurrent_writers_lose_nothing(
    progress_file: Path, tmp_path: Path, writers: int, per_writer: int
) -> None:
    go = tmp_path / "go"
    processes = _start_writers(writers, per_writer, go)
    try:
        time.sleep(1.0)  # let every writer import the course and wait at the start line
        go.touch()
        reads = _watch_while_running(progress_file, processes)
        results = [p.communicate(timeout=120) for p in processes]
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
    for process, (out, err) in zip(processes, results, strict=True):
        assert process.returncode == 0, err
        assert out.split() == [str(2 * per_writer)], err  # every record() said "saved"
    assert reads > 0
    questions = load_progress()["questions"]
    for writer in range(1, writers + 1):
        mine = [q for q in questions if q.startswith(f"0{writer}.w{writer}-")]
        assert len(mine) == per_writer, f"writer {writer} lost {per_writer - len(mine)} results"
    shared = questions["01.shared"]
    assert shared["attempts"] == writers * per_writer  # no attempt overwritten by another
    assert shared["ever_correct"] is True
    assert len(questions) == writers * per_writer + 1
    leftovers = sorted(p.name for p in progress_file.parent.iterdir())
    assert leftovers == ["progress.json"]  # no temporary or lock files left behind


def test_a_lock_never_released_gives_a_warning_not_a_hang(
    progress_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If another kernel hangs while holding the lock, the check still returns (with a
    warning) instead of freezing the lesson."""
    record("01.q1", "correct")
    monkeypatch.setattr(progress, "LOCK_TIMEOUT", 0.2)
    started = time.monotonic()
    holding = progress._locked(progress_file)  # another "kernel" holds the lock
    with holding, pytest.warns(ProgressWarning, match=r"could not be saved.*locked"):
        assert record("01.q2", "correct") is False
    assert time.monotonic() - started < 5
    assert record("01.q2", "correct") is True  # free again: saved
    assert set(load_progress()["questions"]) == {"01.q1", "01.q2"}


def test_a_writer_killed_while_holding_the_lock_does_not_block_the_others(
    progress_file: Path, tmp_path: Path
) -> None:
    """A kernel killed mid-write (the student restarts it) leaves no stale lock behind."""
    record("01.q1", "correct")
    ready = tmp_path / "ready"
    holder = textwrap.dedent(
        f"""
        import time
        from pathlib import Path
        from course.learning import progress
        with progress._locked(Path({str(progress_file)!r})):
            Path({str(ready)!r}).touch()
            time.sleep(60)
        """
    )
    process = subprocess.Popen(
        [sys.executable, "-c", holder], env={**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    )
    try:
        deadline = time.monotonic() + 30
        while not ready.exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        assert ready.exists(), "the lock holder did not start"
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
    started = time.monotonic()
    assert record("01.q2", "incorrect") is True
    assert time.monotonic() - started < 2
    assert set(load_progress()["questions"]) == {"01.q1", "01.q2"}
