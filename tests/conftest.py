"""Shared test set-up.

Progress records and data stamps written while tests run (unit tests and the nbval kernels,
which inherit this process's environment) go to throw-away places, never to the user's data or
cache directory.

The tests run offline by proof: the offline guard (tests/offline_guard/sitecustomize.py) is
installed in this process and, through PYTHONPATH, in every Python process the tests start
(JupyterLab, Voila, kernels); a connection to another host fails with an error naming it, and any
refused attempt (even one the code caught) fails the run at the end (see tests/test_offline.py).

Every page a browser test opens through the ``browser`` fixture is tracked: when the test fails,
each open page is saved as a full-page screenshot under build/screenshots/ and the failure
message names the file.
"""

from __future__ import annotations

import contextlib
import functools
import importlib.util
import json
import os
import re
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

collect_ignore_glob = ["fixtures/*"]

REPO = Path(__file__).resolve().parents[1]
SCREENSHOTS = REPO / "build" / "screenshots"
OFFLINE_GUARD_DIR = Path(__file__).resolve().parent / "offline_guard"

# One throw-away progress file per pytest process: with pytest-xdist each worker gets its own
# (workers inherit the controller's environment, so the worker's id is added to the name), and
# what one worker's tests record never changes what another worker's tests read.
_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
if not os.environ.get("COURSE_PROGRESS_FILE") or os.environ.get("COURSE_TEST_PROGRESS_SET"):
    _progress_dir = Path(tempfile.mkdtemp(prefix=f"course-test-progress-{_WORKER}-"))
    os.environ["COURSE_PROGRESS_FILE"] = str(_progress_dir / "progress.json")
    os.environ["COURSE_TEST_PROGRESS_SET"] = "1"

# Stamps of data files that passed their checks (course.engine.data_stamps) go to one throw-away
# folder per pytest process, never the user's cache: the first load in a run checks the data in
# full, later loads (tests, kernels, servers) reuse the stamp as a student's kernels do.
if not os.environ.get("COURSE_CACHE_DIR") or os.environ.get("COURSE_TEST_CACHE_SET"):
    os.environ["COURSE_CACHE_DIR"] = tempfile.mkdtemp(prefix=f"course-test-cache-{_WORKER}-")
    os.environ["COURSE_TEST_CACHE_SET"] = "1"


def _install_offline_guard() -> Any:
    """Guard this process and (through the environment) every process started after this."""
    os.environ["COURSE_OFFLINE_GUARD"] = "1"
    os.environ["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"  # pip asks PyPI for its latest version
    if not os.environ.get("COURSE_OFFLINE_GUARD_LOG"):
        log_dir = Path(tempfile.mkdtemp(prefix="course-offline-guard-"))
        os.environ["COURSE_OFFLINE_GUARD_LOG"] = str(log_dir / "refused.jsonl")
    paths = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    if str(OFFLINE_GUARD_DIR) not in paths:
        os.environ["PYTHONPATH"] = os.pathsep.join([str(OFFLINE_GUARD_DIR), *paths])
    spec = importlib.util.spec_from_file_location(
        "course_offline_guard", OFFLINE_GUARD_DIR / "sitecustomize.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # installs itself: COURSE_OFFLINE_GUARD is set above
    return module


offline_guard = _install_offline_guard()


def refused_attempts() -> list[dict[str, Any]]:
    """Connections the guard refused so far in this run, in any process (one dict each)."""
    log = Path(os.environ["COURSE_OFFLINE_GUARD_LOG"])
    if not log.exists():
        return []
    return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines() if line]


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """A refused attempt the code caught and survived still means it needs a network: fail."""
    if refused_attempts() and exitstatus == 0:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: Any) -> None:
    attempts = refused_attempts()
    if attempts:
        terminalreporter.section("offline guard: network attempts refused", red=True)
        for attempt in attempts:
            terminalreporter.line(json.dumps(attempt))


# The course data, loaded once per test session and shared by every test file. Tests must not
# change these frames in place (pandas operations return new frames).


@functools.cache
def _import_exercise_keys() -> None:
    import importlib
    import pkgutil

    import course.exercises

    for module in pkgutil.iter_modules(course.exercises.__path__):
        importlib.import_module(f"course.exercises.{module.name}")


@pytest.fixture(autouse=True)
def _question_registry_restored() -> Iterator[None]:
    """Each test leaves the registry of self-check questions, and the session's record of
    tried questions, as it found them.

    Questions register themselves by id when built; a test that builds one under a real id
    (``Numeric("ex01.task1", ...)``) would otherwise replace the exercise's task for every later
    test in the same process, so results would depend on which tests ran before (as they do
    when pytest-xdist spreads the files over workers).

    Every exercise key module is imported first, so the tasks they register on import belong to
    the state restored: a test that imports one inside its body would otherwise see the tasks
    dropped after it, and a later test importing the (cached) module would find none."""
    from course.learning.quiz import base

    _import_exercise_keys()
    saved, tried = dict(base._REGISTRY), set(base._TRIED)
    yield
    base._REGISTRY.clear()
    base._REGISTRY.update(saved)
    base._TRIED.clear()  # the session's own attempts too (they open worked solutions)
    base._TRIED.update(tried)


@pytest.fixture(scope="session")
def incidents() -> pd.DataFrame:
    from course.engine.data import load_incidents

    return load_incidents()


@pytest.fixture(scope="session")
def responses(incidents: pd.DataFrame) -> pd.DataFrame:
    from course.engine.data import load_responses

    return load_responses(incidents=incidents)


@pytest.fixture(scope="session")
def joined(incidents: pd.DataFrame, responses: pd.DataFrame) -> pd.DataFrame:
    """One row per response with its incident's columns (``responses_with_incidents``)."""
    from course.engine.data import responses_with_incidents

    return responses_with_incidents(responses, incidents)


# One Chromium for every browser test file (JupyterLab, slides): Playwright's sync API allows one
# driver per process, so two session fixtures each starting one would clash.
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's chromium driven by Playwright (never `playwright install`: it downloads).

    Contexts and pages it opens are tracked for the failure screenshots (see `_PageTracker`).
    """
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs it with apt-get install chromium")
    with sync_playwright() as driver:
        instance = driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        _TRACKER.watch(instance)
        yield instance
        _TRACKER.close_deferred()
        instance.close()


class _PageTracker:
    """Keeps a failing test's pages open until its report is made, then screenshots them.

    Browser tests close their context in a ``finally`` block (and some assert after that), so a
    screenshot taken when the report is made would find nothing to show. The tracker wraps
    ``new_context``/``new_page`` of the session browser and the ``close`` of what they return:
    a close asked for during a test is carried out after the test's report, by which time a
    failure has been photographed.
    """

    def __init__(self) -> None:
        self.browser: Any = None
        self.contexts: list[Any] = []
        self.deferred: list[Callable[[], None]] = []

    def watch(self, browser: Any) -> None:
        self.browser = browser
        new_context, new_page = browser.new_context, browser.new_page

        def tracked_context(*args: Any, **kwargs: Any) -> Any:
            return self._track(new_context(*args, **kwargs))

        def tracked_page(*args: Any, **kwargs: Any) -> Any:
            page = new_page(*args, **kwargs)  # a page in a context of its own
            self._track(page.context)
            page.close = self._defer(page.close)
            return page

        browser.new_context, browser.new_page = tracked_context, tracked_page

    def _track(self, context: Any) -> Any:
        self.contexts.append(context)
        context.close = self._defer(context.close)
        return context

    def _defer(self, close: Callable[..., None]) -> Callable[..., None]:
        def deferred(*args: Any, **kwargs: Any) -> None:
            self.deferred.append(lambda: close(*args, **kwargs))

        return deferred

    def screenshot(self, test_id: str) -> list[Path]:
        """Save every open page in full; return the files written."""
        name = re.sub(r"[^A-Za-z0-9._-]+", "_", test_id).strip("_")[:180]
        pages = [page for context in self.contexts for page in context.pages]
        saved = []
        for number, page in enumerate(pages, start=1):
            path = SCREENSHOTS / (f"{name}.png" if number == 1 else f"{name}-{number}.png")
            try:
                SCREENSHOTS.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(path), full_page=True, timeout=15_000)
            except Exception:  # a crashed page must not hide the test's own failure
                continue
            saved.append(path)
        return saved

    def close_deferred(self) -> None:
        """Carry out the closes tests asked for; forget contexts that are gone."""
        deferred, self.deferred = self.deferred, []
        for close in deferred:
            with contextlib.suppress(Exception):  # already closed, or the browser went away
                close()
        try:
            still_open = self.browser.contexts if self.browser else []
        except Exception:
            still_open = []
        self.contexts = [c for c in self.contexts if c in still_open]


_TRACKER = _PageTracker()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """On a failed phase, photograph the test's open pages and name the files in the report."""
    outcome = yield
    report = outcome.get_result()
    if report.failed and _TRACKER.contexts:
        test_id = item.nodeid if report.when == "call" else f"{item.nodeid}-{report.when}"
        saved = _TRACKER.screenshot(test_id)
        if saved:
            text = "full-page screenshot(s): " + ", ".join(str(p) for p in saved)
            longrepr = report.longrepr
            if hasattr(longrepr, "addsection"):
                longrepr.addsection("browser screenshots", text)
            else:
                report.sections.append(("browser screenshots", text))
    _TRACKER.close_deferred()
