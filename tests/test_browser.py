"""Browser smoke test: each lesson runs in real JupyterLab in Debian's chromium.

nbval proves the kernel side runs; only a browser shows whether widgets and plotly figures
actually render (a missing front-end extension, an anywidget mismatch or a CDN request blocked
offline pass nbval but leave the student with "Loading widget..." or an empty box).

`make test` installs chromium with apt-get (never `playwright install`, which downloads a browser
and fails offline). JupyterLab runs on a free loopback port over a temporary copy of the
notebooks, so running cells never autosaves outputs into the repository.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, WebSocket, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from course.lessons import lesson_paths
from course.paths import EXERCISES_DIR, NOTEBOOKS_DIR

pytestmark = pytest.mark.browser

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
RUN_TIMEOUT_S = 120
FAILURE_SHOTS = Path(__file__).resolve().parent.parent / "build" / "browser-failures"
#: Lessons whose widgets the smoke test also drives (a control change must redraw the figure).
INTERACTIONS = {"00_start_here.ipynb": ("Minutes per session", "sessions of up to 240 minutes")}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """A JupyterLab server on loopback over a copy of the course; yields (base_url, token)."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs it with apt-get install chromium")
    root = tmp_path_factory.mktemp("lab-root")
    shutil.copytree(NOTEBOOKS_DIR, root / "notebooks")
    if EXERCISES_DIR.exists():
        shutil.copytree(EXERCISES_DIR, root / "exercises")
    settings = root / ".settings" / "@jupyterlab" / "notebook-extension"
    settings.mkdir(parents=True)
    # Keep every cell in the DOM so the test can inspect all outputs.
    (settings / "tracker.jupyterlab-settings").write_text(json.dumps({"windowingMode": "none"}))
    port, token = _free_port(), secrets.token_hex(16)
    command = [
        str(Path(sys.executable).parent / "jupyter"),
        "lab",
        "--no-browser",
        f"--port={port}",
        "--ServerApp.port_retries=0",
        "--ServerApp.ip=127.0.0.1",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}",
        f"--LabApp.user_settings_dir={root / '.settings'}",
        f"--LabApp.workspaces_dir={root / '.workspaces'}",
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]
    if os.geteuid() == 0:
        command.append("--allow-root")
    log = (root / "lab.log").open("w")
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(root / ".runtime")}
    server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2) as reply:
                if reply.status == 200:
                    break
        except OSError:
            pass
        if server.poll() is not None or time.monotonic() > deadline:
            server.kill()
            pytest.fail("JupyterLab did not start:\n" + (root / "lab.log").read_text()[-3000:])
        time.sleep(0.3)
    try:
        yield base, token
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as driver:
        instance = driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


PROMPT_STATE_JS = """() => {
    const prompts = [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')]
        .map(p => p.textContent.trim());
    return {total: prompts.length, prompts: prompts.join(' '),
            started: prompts.filter(t => t !== '[ ]:' && t !== '').length,
            done: prompts.filter(t => /^\\[\\d+\\]:$/.test(t)).length};
}"""


def _run_all_and_wait(page: Page, notebook: str) -> None:
    """Run every cell through the Run menu and wait until each has an execution count.

    The kernel may still be connecting when the page looks ready; if nothing starts within a
    few seconds the menu command is given again (running a cell twice is harmless here, as the
    lessons are deterministic).
    """
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
    page.wait_for_function(
        "() => /\\|\\s*Idle/.test(document.querySelector('#jp-main-statusbar')?.textContent)",
        timeout=60_000,
    )
    state: dict = {}
    for _attempt in range(3):
        page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
        page.locator("li.lm-Menu-item[data-command='runmenu:run-all']").click()
        deadline = time.monotonic() + RUN_TIMEOUT_S
        while time.monotonic() < deadline:
            state = page.evaluate(PROMPT_STATE_JS)
            if state["total"] and state["done"] == state["total"]:
                return
            if state["started"] == 0 and time.monotonic() > deadline - RUN_TIMEOUT_S + 5:
                break  # the command did not take: give it again
            time.sleep(0.5)
        else:
            break
    FAILURE_SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(FAILURE_SHOTS / f"{notebook}-timeout.png"), full_page=True)
    pytest.fail(f"{notebook}: cells did not all run within {RUN_TIMEOUT_S} s ({state})")


def _problems_on_page(page: Page, notebook: str, kernel_errors: list[str]) -> list[str]:
    problems = [f"{notebook}: kernel reported an error: {e}" for e in kernel_errors]
    stderr = page.eval_on_selector_all(
        ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']",
        "nodes => nodes.map(n => n.textContent)",
    )
    problems += [f"{notebook}: error output: {t[:300]}" for t in stderr if "Error" in t]
    widgets = page.eval_on_selector_all(
        ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.widget-view+json']",
        "nodes => nodes.map(n => ({text: n.textContent.slice(0, 200),"
        " rendered: n.querySelector('.jupyter-widgets, .widget-box, .js-plotly-plot') !== null}))",
    )
    for index, widget in enumerate(widgets):
        if not widget["rendered"] or "Error displaying widget" in widget["text"]:
            problems.append(f"{notebook}: widget output {index} did not render: {widget['text']}")
    plot_outputs = page.locator(
        ".jp-OutputArea-output[data-mime-type='application/vnd.plotly.v1+json']"
    ).count()
    drawn = page.locator(
        ".jp-OutputArea-output[data-mime-type='application/vnd.plotly.v1+json'] .js-plotly-plot"
    ).count()
    if drawn < plot_outputs:
        problems.append(f"{notebook}: {plot_outputs - drawn} plotly figure(s) did not draw")
    return problems


def _drive_slider(page: Page, label: str, expected_text: str) -> str | None:
    """Move a slider to its maximum with the keyboard; return a problem or None."""
    control = page.locator(".widget-slider", has_text=label).first
    control.locator(".noUi-handle, .ui-slider-handle").first.focus()
    page.keyboard.press("End")
    try:
        page.wait_for_function(
            "text => [...document.querySelectorAll('.js-plotly-plot .gtitle')]"
            ".some(t => t.textContent.includes(text))",
            arg=expected_text,
            timeout=15_000,
        )
    except PlaywrightTimeout:
        return f"moving '{label}' did not redraw the figure (expected '{expected_text}')"
    return None


LESSON_NAMES = [p.name for p in lesson_paths(NOTEBOOKS_DIR)]


@pytest.mark.parametrize("notebook", LESSON_NAMES)
def test_lesson_runs_and_renders_in_jupyterlab(
    lab: tuple[str, str],
    browser: Browser,
    notebook: str,
) -> None:
    base, token = lab
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    kernel_errors: list[str] = []

    def watch_socket(socket_: WebSocket) -> None:
        def on_frame(payload: str | bytes) -> None:
            data = payload.encode() if isinstance(payload, str) else payload
            if re.search(rb'"msg_type":\s*"error"', data):
                match = re.search(rb'"evalue":\s*"([^"]{0,200})', data)
                kernel_errors.append(match.group(1).decode() if match else "(no message)")

        socket_.on("framereceived", on_frame)

    page.on("websocket", watch_socket)
    try:
        page.goto(f"{base}/lab/tree/notebooks/{notebook}?token={token}", timeout=60_000)
        _run_all_and_wait(page, notebook)
        page.wait_for_timeout(1500)  # let widget views and figures finish drawing
        problems = _problems_on_page(page, notebook, kernel_errors)
        if notebook in INTERACTIONS and not problems:
            problem = _drive_slider(page, *INTERACTIONS[notebook])
            if problem:
                problems.append(f"{notebook}: {problem}")
        if problems:
            FAILURE_SHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(FAILURE_SHOTS / f"{notebook}.png"), full_page=True)
        assert problems == []
    finally:
        context.close()
