"""A whole class on JupyterHub: three students log in, pull the course and run lesson 01.

Why: a lecturer hands out one nbgitpuller link and every student must end up with their own
copy of the notebooks, a working lesson and their own progress file. The test starts a real
JupyterHub (``jupyter/hub/jupyterhub_config.py``: dummy login with a password, one home folder
per student, configurable-http-proxy) on 127.0.0.1:8950, and drives it as three browsers would
(``jupyter/hub/classroom.py``): the login form, the nbgitpuller link to a local bare clone of
this repository (no network), then the Jupyter REST API and kernel websocket that JupyterLab
uses to run a notebook. Each student answers a self-check differently; each progress file must
hold that student's answer only. Every process is stopped by PID, also when the test fails.
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from course.learning.lesson_map import load_lessons

ROOT = Path(__file__).resolve().parents[1]
PORT = 8950
BUDGET_SECONDS = 90
LESSON = "01"
# name -> (question, answer it right?)
STUDENTS: dict[str, tuple[str, bool]] = {
    "ada": ("01.q1", True),
    "ben": ("01.q1", False),
    "chloe": ("01.q2", True),
}
GUARD_VARIABLES = ("PYTHONPATH", "COURSE_OFFLINE_GUARD", "COURSE_OFFLINE_GUARD_LOG")
PROGRESS = Path(".local/share/nonstate-cyber-course/progress.json")

# Run in the student's kernel after the lesson: answer one self-check as a student would (the
# right choice, or a wrong one) and report where the answer was recorded.
ANSWER = """
import json, os
from course.learning import progress
from course.learning.content import question_text
from course.learning.quiz import check
choices = question_text({qid!r}).choices
right = [n for n, choice in enumerate(choices, 1) if choice.correct]
wrong = [n for n, choice in enumerate(choices, 1) if not choice.correct]
pick = right if {right!r} else wrong[:1]
feedback = check({qid!r}, pick[0] if len(right) == 1 else set(pick))
print(json.dumps({{
    "status": feedback.status,
    "file": str(progress.progress_path()),
    "env": os.environ.get("COURSE_PROGRESS_FILE"),
    "cwd": os.getcwd(),
}}))
"""


def _classroom() -> ModuleType:
    """jupyter/hub/classroom.py (a script folder, not a package), loaded by path."""
    name = "course_hub_classroom"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, ROOT / "jupyter/hub/classroom.py")
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


@dataclass
class Outcome:
    """What one student saw and left behind."""

    name: str
    home: Path
    link_url: str
    link_page: str
    pull_events: list[dict[str, Any]]
    lesson_errors: list[str]
    lesson_cells: int
    answer: dict[str, Any]
    answer_error: str


@dataclass
class ClassRun:
    hub_url: str
    outcomes: dict[str, Outcome]
    seconds: dict[str, float]
    leftover_pids: list[int]


def _one_student(hub: Any, student: Any, repo: str, lesson_path: str) -> Outcome:
    classroom = _classroom()
    student.wait_ready()
    link = classroom.pull_link(hub.url, repo, open_path=f"notebooks/{Path(lesson_path).name}")
    page = student.open_link(link)
    events = student.pull(page.text) if page.status_code == 200 else []
    student.wait_for_file(lesson_path)
    run = student.run_notebook(lesson_path)
    qid, right = STUDENTS[student.name]
    answered = student.execute(run.kernel_id, ANSWER.format(qid=qid, right=right))
    answer = json.loads(answered.text.strip().splitlines()[-1]) if answered.status == "ok" else {}
    return Outcome(
        student.name,
        hub.state / "home" / student.name,
        page.url,
        page.text,
        events,
        run.errors,
        run.cells,
        answer,
        answered.error,
    )


@pytest.fixture(scope="module")
def class_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ClassRun]:
    classroom = _classroom()
    proxy = classroom.find_proxy()
    if proxy is None:
        pytest.fail(
            "configurable-http-proxy is missing: run `make hub-proxy` (installs it from npm "
            "into .venv/node)"
        )
    lesson = next(lesson for lesson in load_lessons() if lesson.id == LESSON)
    lesson_path = f"{classroom.COURSE_FOLDER}/notebooks/{lesson.filename}"
    work = tmp_path_factory.mktemp("hub")
    started = time.monotonic()
    seconds: dict[str, float] = {}
    repo = classroom.bare_clone(ROOT, work / "remote")
    # The offline guard of tests/conftest.py reaches the students' servers and kernels too.
    guard = tuple(name for name in GUARD_VARIABLES if name in os.environ)
    hub = classroom.start_hub(work / "state", port=PORT, proxy=proxy, env_keep=guard)
    seconds["hub_up"] = time.monotonic() - started
    leftover: list[int] = []
    try:
        students = [classroom.Student(hub, name) for name in STUDENTS]
        for student in students:
            student.log_in()
            student.start_server()
        with ThreadPoolExecutor(len(students)) as pool:
            outcomes = list(pool.map(lambda s: _one_student(hub, s, repo, lesson_path), students))
        seconds["class_done"] = time.monotonic() - started
    except Exception as error:
        raise AssertionError(f"{error}\n--- hub log ---\n{hub.log_tail()}") from error
    finally:
        stop_started = time.monotonic()
        leftover = hub.stop()
        seconds["stop"] = time.monotonic() - stop_started
        seconds["total"] = time.monotonic() - started
        print(f"\ntest_hub timings (s): {json.dumps({k: round(v, 1) for k, v in seconds.items()})}")
    yield ClassRun(hub.url, {o.name: o for o in outcomes}, seconds, leftover)


def test_the_link_logs_in_starts_the_server_and_pulls_the_course(class_run: ClassRun) -> None:
    for name, outcome in class_run.outcomes.items():
        # The hub sent the student to their own server's nbgitpuller page...
        assert outcome.link_url.startswith(f"{class_run.hub_url}/user/{name}/git-pull?")
        assert "Synchronizing" in outcome.link_page
        # ...whose pull finished, leaving the course in the student's home folder.
        phases = [event.get("phase") for event in outcome.pull_events]
        assert phases[-1:] == ["finished"], outcome.pull_events[-3:]
        pulled = outcome.home / "nonstate-cyber-course"
        assert sorted(p.name for p in (pulled / "notebooks").glob("*.ipynb")) == sorted(
            p.name for p in (ROOT / "notebooks").glob("*.ipynb")
        )


def test_every_student_runs_lesson_01_in_their_own_kernel(class_run: ClassRun) -> None:
    for name, outcome in class_run.outcomes.items():
        assert outcome.lesson_cells > 5
        assert outcome.lesson_errors == [], f"{name}: {outcome.lesson_errors}"
        assert outcome.answer_error == ""
        # The kernel ran in the student's pulled notebooks folder.
        assert Path(outcome.answer["cwd"]) == outcome.home / "nonstate-cyber-course" / "notebooks"


def test_each_student_has_their_own_progress_file_with_only_their_answer(
    class_run: ClassRun,
) -> None:
    files = set()
    for name, outcome in class_run.outcomes.items():
        qid, right = STUDENTS[name]
        assert outcome.answer["env"] is None, "COURSE_PROGRESS_FILE leaked into the server"
        assert outcome.answer["status"] == ("correct" if right else "incorrect")
        path = Path(outcome.answer["file"])
        assert path == outcome.home / PROGRESS
        record = json.loads(path.read_text(encoding="utf-8"))
        assert list(record["questions"]) == [qid], f"{name}: {record}"
        assert record["questions"][qid]["status"] == outcome.answer["status"]
        files.add(path)
    assert len(files) == len(STUDENTS)


def test_the_class_fits_the_time_budget_and_leaves_no_process(class_run: ClassRun) -> None:
    assert class_run.seconds["total"] < BUDGET_SECONDS, class_run.seconds
    # The hub stops the proxy, the servers and their kernels itself; nothing is left to kill.
    assert class_run.leftover_pids == [], class_run.leftover_pids
