"""The two-command set-up, CI entry point and Binder files say what the README promises."""

from __future__ import annotations

import os
import re
import secrets
import signal
import socket
import subprocess
import time
import tomllib
import urllib.request
from pathlib import Path

import pytest

from course.engine.paths import REPO_ROOT


def _read(name: str) -> str:
    return (REPO_ROOT / name).read_text(encoding="utf-8")


def test_readme_starts_with_the_two_commands() -> None:
    head = "\n".join(_read("README.md").splitlines()[:30])
    assert re.search(r"^make lab\s+#", head, re.M), "README must show `make lab` near the top"
    assert re.search(r"^make test\s+#", head, re.M), "README must show `make test` near the top"


def test_ci_runs_exactly_make_test() -> None:
    lines = [
        line.strip()
        for line in _read(".ci/run").splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    commands = [line for line in lines if not line.startswith(("set ", "cd "))]
    assert commands == ["exec make test"]


def test_make_test_runs_one_pytest_over_tests_notebooks_and_exercises() -> None:
    makefile = _read("Makefile")
    target = makefile.split("\ntest:", 1)[1].split("\n\n", 1)[0]
    pytest_lines = [line for line in target.splitlines() if "pytest" in line]
    assert len(pytest_lines) == 1
    assert "--nbval" in target and "--nbval-current-env" in target
    assert "tests notebooks exercises" in target
    assert "$(CHROMIUM)" in target.splitlines()[0], "make test installs chromium first"
    recipe_lines = [line for line in makefile.splitlines() if not line.lstrip().startswith("#")]
    assert not any("playwright install" in line for line in recipe_lines), "it downloads a browser"


def test_lab_opens_the_start_page_and_allows_root() -> None:
    makefile = _read("Makefile")
    assert "--LabApp.default_url=/lab/tree/notebooks/00_start_here.ipynb" in makefile
    assert "--allow-root" in makefile


def test_make_stops_with_one_clear_line_without_venv_support(tmp_path: Path) -> None:
    fake_python = tmp_path / "python3"
    fake_python.write_text("#!/bin/sh\nexit 1\n")
    fake_python.chmod(0o755)
    result = subprocess.run(
        ["make", "-s", "--no-print-directory", "venv-check", f"PYTHON={fake_python}"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    message = [line for line in result.stdout.splitlines() if line.strip()]
    assert len(message) == 1 and "python3-venv" in message[0]


def test_every_runtime_dependency_is_pinned_in_constraints() -> None:
    project = tomllib.loads(_read("pyproject.toml"))["project"]
    wanted = project["dependencies"] + project["optional-dependencies"]["test"]
    pinned = {
        line.split("==")[0].lower().replace("_", "-")
        for line in _read("constraints.txt").splitlines()
        if "==" in line
    }
    for requirement in wanted:
        name = re.split(r"[<>=!~\[ ]", requirement, maxsplit=1)[0].lower().replace("_", "-")
        assert name in pinned, f"{name} is not pinned in constraints.txt"


def test_binder_installs_the_course_and_badge_opens_the_start_page() -> None:
    post_build = _read("binder/postBuild")
    assert "-c constraints.txt -e ." in post_build
    assert os.access(REPO_ROOT / "binder" / "postBuild", os.X_OK)
    assert _read("binder/runtime.txt").strip().startswith("python-3.")
    badge = re.search(r"https://mybinder\.org/v2/gh/\S+?\)", _read("README.md"))
    assert badge and "urlpath=lab/tree/notebooks/00_start_here.ipynb" in badge.group(0)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.browser
def test_make_lab_serves_the_first_lesson() -> None:
    """`make lab` really starts JupyterLab on 00_start_here (headless: fetch it, then stop)."""
    port, token = _free_port(), secrets.token_hex(8)
    args = f"--no-browser --ServerApp.ip=127.0.0.1 --IdentityProvider.token={token}"
    server = subprocess.Popen(
        ["make", "-s", "lab", f"PORT={port}", f"LAB_ARGS={args}"],
        cwd=REPO_ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}/?token={token}"  # the default URL redirects to the lesson
    api = f"http://127.0.0.1:{port}/api/contents/notebooks/00_start_here.ipynb?token={token}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(url, timeout=2) as page:
                    assert page.status == 200 and "JupyterLab" in page.read().decode()
                    assert page.url.split("?")[0].endswith(
                        "/lab/tree/notebooks/00_start_here.ipynb"
                    )
                with urllib.request.urlopen(api, timeout=2) as reply:
                    assert reply.status == 200
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("make lab did not serve the start page")
                time.sleep(0.5)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
