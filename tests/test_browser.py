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
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, WebSocket
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from course.engine.paths import EXERCISES_DIR, NOTEBOOKS_DIR
from course.learning.lesson_map import lesson_paths, load_lessons

pytestmark = pytest.mark.browser

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
RUN_TIMEOUT_S = 120
FAILURE_SHOTS = Path(__file__).resolve().parent.parent / "build" / "browser-failures"
#: One control per lesson that the smoke test moves, as a student would; the figure inside the
#: same widget must then redraw. Read from each notebook's ``course.interaction`` metadata, so a
#: new lesson is covered without new test code: (kind, label of the control, value to pick).
INTERACTIONS: dict[str, tuple[str, str, str]] = {
    lesson.filename: lesson.interaction
    for lesson in load_lessons(NOTEBOOKS_DIR)
    if lesson.interaction is not None
}


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
    page.wait_for_timeout(500)
    dialog = page.locator(".jp-Dialog")
    if dialog.count():
        pytest.fail(f"{notebook}: JupyterLab showed a dialog: {dialog.first.inner_text()[:500]}")
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


@dataclass
class KernelOutputs:
    """What the kernel sent, read off the websocket: errors and rich outputs to expect.

    JupyterLab does not mark widget or plotly outputs with their MIME type in the page, so the
    number of outputs that *should* render is counted from the kernel's messages instead.
    """

    errors: list[str] = field(default_factory=list)
    widget_views: int = 0
    plotly_figures: int = 0

    def read(self, payload: str | bytes) -> None:
        data = payload.encode() if isinstance(payload, str) else payload
        if re.search(rb'"msg_type":\s*"error"', data):
            match = re.search(rb'"evalue":\s*"([^"]{0,200})', data)
            self.errors.append(match.group(1).decode() if match else "(no message)")
        elif re.search(rb'"msg_type":\s*"(display_data|execute_result)"', data):
            if b"application/vnd.jupyter.widget-view+json" in data:
                self.widget_views += 1
            elif b"application/vnd.plotly.v1+json" in data:
                self.plotly_figures += 1


RENDERED_JS = """() => {
    const outputs = [...document.querySelectorAll('.jp-OutputArea-output')];
    return {
        widgets: outputs.filter(n => n.querySelector(':scope > .jupyter-widgets')).length,
        plots: outputs.filter(n => n.classList.contains('jp-RenderedPlotly')
                                   && n.querySelector('.main-svg')).length,
        undrawn: [...document.querySelectorAll('.jupyter-widgets .js-plotly-plot')]
                     .filter(n => !n.querySelector('.main-svg')).length,
        broken: outputs.map(n => n.textContent)
                     .filter(t => /Error displaying widget|Loading widget/.test(t))
                     .map(t => t.slice(0, 200)),
    };
}"""


def _problems_on_page(page: Page, notebook: str, sent: KernelOutputs) -> list[str]:
    problems = [f"{notebook}: kernel reported an error: {e}" for e in sent.errors]
    stderr = page.eval_on_selector_all(
        ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']",
        "nodes => nodes.map(n => n.textContent)",
    )
    problems += [f"{notebook}: error output: {t[:300]}" for t in stderr if "Error" in t]
    if sent.widget_views + sent.plotly_figures == 0:
        return problems
    deadline = time.monotonic() + 30
    while True:  # widget views and figures draw asynchronously after the cell finishes
        shown = page.evaluate(RENDERED_JS)
        complete = (
            shown["widgets"] >= sent.widget_views
            and shown["plots"] >= sent.plotly_figures
            and shown["undrawn"] == 0
            and not shown["broken"]
        )
        if complete or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    if shown["widgets"] < sent.widget_views:
        problems.append(
            f"{notebook}: {sent.widget_views - shown['widgets']} of {sent.widget_views} "
            "widget outputs did not render"
        )
    if shown["plots"] < sent.plotly_figures:
        problems.append(
            f"{notebook}: {sent.plotly_figures - shown['plots']} of {sent.plotly_figures} "
            "plotly figures did not draw"
        )
    if shown["undrawn"]:
        problems.append(f"{notebook}: {shown['undrawn']} figure(s) inside widgets did not draw")
    problems += [f"{notebook}: widget failed: {text}" for text in shown["broken"]]
    return problems


def test_kernel_output_counter_reads_protocol_frames() -> None:
    """The counter behind the render check must see what the kernel sends (so it can fail)."""
    sent = KernelOutputs()
    sent.read(b'{"msg_type": "display_data"} {"data": {"application/vnd.jupyter.widget-view+json"')
    sent.read('{"msg_type": "execute_result", "data": {"application/vnd.plotly.v1+json": {}}}')
    sent.read(b'{"msg_type": "status"} {"application/vnd.plotly.v1+json"}')
    sent.read(b'{"msg_type": "error", "content": {"evalue": "boom"}}')
    assert (sent.widget_views, sent.plotly_figures, sent.errors) == (1, 1, ["boom"])


FIGURES_IN_WIDGETS_JS = """() => [...document.querySelectorAll('.jupyter-widgets .js-plotly-plot')]
    .map(n => [...n.querySelectorAll('.main-svg')].map(svg => svg.innerHTML).join(''))"""


def _drive_control(page: Page, kind: str, label: str, value: str) -> str | None:
    """Change one control as a student would; return a problem, or None if a figure redrew."""
    before = page.evaluate(FIGURES_IN_WIDGETS_JS)
    if kind == "slider_end":
        control = page.locator(".widget-slider", has_text=label).first
        control.locator(".noUi-handle, .ui-slider-handle").first.focus()
        page.keyboard.press("End")
    elif kind == "checkbox":
        page.locator(".widget-checkbox", has_text=label).first.locator("input").click()
    elif kind == "select":
        box = page.locator(".widget-dropdown, .widget-select-multiple", has_text=label).first
        box.locator("select").select_option(label=value)
    else:
        raise ValueError(f"kind: got {kind!r}; allowed: slider_end, checkbox, select")
    try:
        page.wait_for_function(
            f"before => JSON.stringify(({FIGURES_IN_WIDGETS_JS})()) !== JSON.stringify(before)",
            arg=before,
            timeout=15_000,
        )
    except PlaywrightTimeout:
        return f"changing '{label}' did not redraw the figure"
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
    sent = KernelOutputs()

    def watch_socket(socket_: WebSocket) -> None:
        socket_.on("framereceived", sent.read)

    page.on("websocket", watch_socket)
    try:
        # A fresh workspace per lesson, so tabs of earlier lessons are not restored beside it.
        workspace = notebook.removesuffix(".ipynb").replace("_", "-")
        url = f"{base}/lab/workspaces/{workspace}/tree/notebooks/{notebook}?reset&token={token}"
        page.goto(url, timeout=60_000)
        _run_all_and_wait(page, notebook)
        problems = _problems_on_page(page, notebook, sent)
        if notebook in INTERACTIONS and not problems:
            problem = _drive_control(page, *INTERACTIONS[notebook])
            if problem:
                problems.append(f"{notebook}: {problem}")
        if problems:
            FAILURE_SHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(FAILURE_SHOTS / f"{notebook}.png"), full_page=True)
        assert problems == []
    finally:
        context.close()
