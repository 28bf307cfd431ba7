"""Shared test set-up.

Progress records written while tests run (unit tests and the nbval kernels, which inherit this
process's environment) go to a throw-away file, never to the user's data directory.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pandas as pd
import pytest

collect_ignore_glob = ["fixtures/*"]

if not os.environ.get("COURSE_PROGRESS_FILE"):
    _progress_dir = Path(tempfile.mkdtemp(prefix="course-test-progress-"))
    os.environ["COURSE_PROGRESS_FILE"] = str(_progress_dir / "progress.json")


# The course data, loaded once per test session and shared by every test file. Tests must not
# change these frames in place (pandas operations return new frames).


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
def browser():
    """Debian's chromium driven by Playwright (never `playwright install`: it downloads)."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs it with apt-get install chromium")
    with sync_playwright() as driver:
        instance = driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()
