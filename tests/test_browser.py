"""Browser smoke test: each lesson and each exercise notebook runs in real JupyterLab.

nbval proves the kernel side runs; only a browser shows whether widgets and plotly figures
actually render (a missing front-end extension, an anywidget mismatch or a CDN request blocked
offline pass nbval but leave the student with "Loading widget..." or an empty box).

Exercise notebooks run as committed, with their `# YOUR CODE HERE` blanks: a student who runs them
before answering must see no error, every quiz widget drawn and one "Not answered yet" card per
`check(...)` call.

`make test` installs chromium with apt-get (never `playwright install`, which downloads a browser
and fails offline). One JupyterLab (module scope) runs on a free loopback port over a temporary
copy of the notebooks and exercises, so running cells never autosaves outputs into the
repository; each notebook's kernel is shut down after its test. A page that requests anything
from a host other than loopback fails its test (the offline guard in conftest.py covers the
server and kernels; this covers what the page itself fetches). A failing test leaves a
full-page screenshot under build/screenshots/ (conftest.py).

Every drawn figure is also checked for a legend that covers an axis label or is cut off
(tests/figure_layout.py).

Last, one lesson runs in JupyterLab's dark theme: its figures' text must still contrast with what
is behind it, and axe-core (test_accessibility.py) scans the lesson's output area, not
JupyterLab's own interface, for serious WCAG 2.1 AA violations.
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
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import pytest
from figure_layout import CROWDED_FIGURES_JS
from playwright.sync_api import Browser, Page, Request, WebSocket
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from test_accessibility import (
    axe_violations,
    contrast_ratio,
    describe,
)

from course.engine.paths import EXERCISES_DIR, NOTEBOOKS_DIR
from course.learning.lesson_map import lesson_paths, load_lessons

pytestmark = pytest.mark.browser

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
RUN_TIMEOUT_S = 120
LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}
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


@pytest.fixture(scope="module")
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
        # window.jupyterapp, so the exercise tests open notebooks in one running JupyterLab
        # instead of starting the whole application again for each (about 5 s each).
        "--LabApp.expose_app_in_browser=True",
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
        // a live figure (PlotlyView) that got no plotly.js shows a message, not a plot
        undrawn: [...document.querySelectorAll(
                         '.jupyter-widgets .js-plotly-plot, .course-plotly-view')]
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
    problems += [f"{notebook}: {p}" for p in page.evaluate(CROWDED_FIGURES_JS, ".jp-Notebook")]
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
#: Every exercise notebook students get (tests/test_course_content.py checks that each lesson
#: after the start page has one).
EXERCISE_NAMES = sorted(p.name for p in EXERCISES_DIR.glob("*.ipynb"))
CHECK_CALL = re.compile(r"^\s*check\(", re.MULTILINE)


@dataclass
class OpenNotebook:
    """A notebook open in JupyterLab, with what its page received and requested meanwhile."""

    page: Page
    sent: KernelOutputs
    external: list[str]


@contextmanager
def _open_notebook(
    lab: tuple[str, str], browser: Browser, folder: str, notebook: str
) -> Iterator[OpenNotebook]:
    """Open `folder/notebook` in a fresh JupyterLab workspace; shut its kernel down afterwards."""
    base, token = lab
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    opened = OpenNotebook(page, KernelOutputs(), [])

    def watch_socket(socket_: WebSocket) -> None:
        socket_.on("framereceived", opened.sent.read)

    def watch_request(request: Request) -> None:
        url = urlparse(request.url)
        if url.scheme in ("http", "https", "ws", "wss") and url.hostname not in LOOPBACK:
            opened.external.append(request.url)

    page.on("websocket", watch_socket)
    page.on("request", watch_request)
    try:
        # A fresh workspace per notebook, so tabs of earlier notebooks are not restored beside it.
        workspace = notebook.removesuffix(".ipynb").replace("_", "-")
        url = f"{base}/lab/workspaces/{workspace}/tree/{folder}/{notebook}?reset&token={token}"
        page.goto(url, timeout=60_000)
        yield opened
    finally:
        context.close()
        _shut_down_kernels(lab, f"{folder}/{notebook}")


def _shut_down_kernels(lab: tuple[str, str], path: str) -> None:
    """Stop the notebook's kernel, so the 26 notebooks do not keep 26 kernels in memory."""
    base, token = lab
    headers = {"Authorization": f"token {token}"}
    with urllib.request.urlopen(
        urllib.request.Request(f"{base}/api/sessions", headers=headers)
    ) as r:
        sessions = json.load(r)
    for session in sessions:
        if session.get("path") == path:
            request = urllib.request.Request(
                f"{base}/api/sessions/{session['id']}", headers=headers, method="DELETE"
            )
            urllib.request.urlopen(request, timeout=10).close()


@pytest.mark.parametrize("notebook", LESSON_NAMES)
def test_lesson_runs_and_renders_in_jupyterlab(
    lab: tuple[str, str],
    browser: Browser,
    notebook: str,
) -> None:
    with _open_notebook(lab, browser, "notebooks", notebook) as opened:
        page = opened.page
        _run_all_and_wait(page, notebook)
        problems = _problems_on_page(page, notebook, opened.sent)
        if notebook in INTERACTIONS and not problems:
            problem = _drive_control(page, *INTERACTIONS[notebook])
            if problem:
                problems.append(f"{notebook}: {problem}")
        assert problems == []
        assert opened.external == [], f"{notebook}: requests to other hosts"


FEEDBACK_JS = """() => [...document.querySelectorAll('.jp-OutputArea-output .course-feedback')]
    .map(n => [n.className, n.textContent.trim().slice(0, 120)])"""
OPEN_JS = """async path => {
    const app = window.jupyterapp;
    await app.commands.execute('docmanager:open', {path});
}"""
CLOSE_ALL_JS = """async () => {
    const app = window.jupyterapp;
    for (const widget of app.shell.widgets('main')) {
        if (widget.context) { widget.context.model.dirty = false; }  // no "save?" dialog
    }
    await app.commands.execute('application:close-all');
}"""


class SharedLab:
    """One JupyterLab page for all exercise notebooks, opened one after another in it.

    The browser's share of the work per notebook is mostly starting JupyterLab itself; the
    exercises open as a student opens the next notebook in a running JupyterLab. Kernel frames
    and outside requests are credited to the notebook currently under test.
    """

    def __init__(self, lab: tuple[str, str], browser: Browser) -> None:
        base, token = lab
        self.lab = lab
        self.context = browser.new_context(viewport={"width": 1400, "height": 1000})
        self.page = self.context.new_page()
        self.current = OpenNotebook(self.page, KernelOutputs(), [])
        self.page.on("websocket", lambda ws: ws.on("framereceived", self._frame))
        self.page.on("request", self._request)
        url = f"{base}/lab/workspaces/exercises/tree/exercises?reset&token={token}"
        self.page.goto(url, timeout=60_000)
        self.page.wait_for_function("() => window.jupyterapp?.shell", timeout=60_000)
        self.page.wait_for_selector(".jp-DirListing-item", timeout=60_000)

    def _frame(self, payload: str | bytes) -> None:
        self.current.sent.read(payload)

    def _request(self, request: Request) -> None:
        url = urlparse(request.url)
        if url.scheme in ("http", "https", "ws", "wss") and url.hostname not in LOOPBACK:
            self.current.external.append(request.url)

    @contextmanager
    def open(self, path: str) -> Iterator[OpenNotebook]:
        """Open `path` as the only tab; close it and shut its kernel down afterwards."""
        self.current = OpenNotebook(self.page, KernelOutputs(), [])
        try:
            self.page.evaluate(OPEN_JS, path)
            notebooks = self.page.locator(".jp-Notebook")
            notebooks.first.wait_for(timeout=60_000)
            assert notebooks.count() == 1, "an earlier notebook is still open"
            yield self.current
        finally:
            self.page.evaluate(CLOSE_ALL_JS)
            self.page.wait_for_function(
                "() => !document.querySelector('.jp-Notebook')", timeout=15_000
            )
            _shut_down_kernels(self.lab, path)


@pytest.fixture(scope="module")
def shared_lab(lab: tuple[str, str], browser: Browser) -> Iterator[SharedLab]:
    shared = SharedLab(lab, browser)
    try:
        yield shared
    finally:
        shared.context.close()


@pytest.mark.parametrize("notebook", EXERCISE_NAMES)
def test_exercise_notebook_runs_blank_and_renders_in_jupyterlab(
    shared_lab: SharedLab, notebook: str
) -> None:
    source = json.loads((EXERCISES_DIR / notebook).read_text(encoding="utf-8"))
    checks = sum(
        len(CHECK_CALL.findall("".join(cell["source"])))
        for cell in source["cells"]
        if cell["cell_type"] == "code"
    )
    assert checks, f"{notebook} calls check(...) nowhere: nothing to see rendered"
    with shared_lab.open(f"exercises/{notebook}") as opened:
        page = opened.page
        _run_all_and_wait(page, notebook)
        problems = _problems_on_page(page, notebook, opened.sent)
        assert problems == []
        cards = page.evaluate(FEEDBACK_JS)
        assert len(cards) == checks, f"{notebook}: {checks} check(...) calls, feedback {cards}"
        wrong = [text for cls, text in cards if "course-feedback-not_answered" not in cls]
        assert wrong == [], f"{notebook}: a blank answer must read 'Not answered yet'"
        assert all(text.startswith("○ Not answered yet") for _, text in cards), cards
        assert opened.external == [], f"{notebook}: requests to other hosts"


# --- the dark theme and the output area's accessibility ----------------------------------------

#: A lesson with a live figure, opened in JupyterLab's dark theme (the first in the lesson map).
DARK_LESSON = next(name for name in LESSON_NAMES if name in INTERACTIONS)
FIGURE_TEXT_JS = """() => [...document.querySelectorAll('.jp-OutputArea-output .js-plotly-plot')]
  .filter(plot => plot.querySelector('.main-svg')).map(plot => {
    const clear = c => c === 'transparent' || /^rgba\\(.*,\\s*0\\)$/.test(c);
    let behind = getComputedStyle(document.body).backgroundColor;
    for (let n = plot.parentElement; n; n = n.parentElement) {
      const c = getComputedStyle(n).backgroundColor;
      if (!clear(c)) { behind = c; break; }
    }
    const texts = [...plot.querySelectorAll(
        '.gtitle, .g-xtitle text, .g-ytitle text, .xtick text, .ytick text, .legendtext')]
      .filter(t => t.textContent.trim())
      .map(t => [t.textContent.trim().slice(0, 40), getComputedStyle(t).fill]);
    return {paper: getComputedStyle(plot.querySelector('.main-svg')).backgroundColor,
            behind, texts};
  })"""


def _rgba(css: str) -> tuple[float, float, float, float]:
    """'rgb(1, 2, 3)' or 'rgba(1, 2, 3, 0.5)' as numbers (alpha 1 when not given)."""
    numbers = [float(n) for n in re.findall(r"[\d.]+", css)]
    if len(numbers) not in (3, 4):
        raise ValueError(f"colour: got {css!r}; allowed: rgb(...) or rgba(...)")
    return (*numbers[:3], numbers[3] if len(numbers) == 4 else 1.0)  # type: ignore[return-value]


def _over(top: tuple[float, ...], below: tuple[float, ...]) -> tuple[float, float, float]:
    """`top` painted over the opaque colour `below` (what the eye sees through a clear paper)."""
    alpha = top[3]
    return tuple(alpha * t + (1 - alpha) * b for t, b in zip(top[:3], below[:3], strict=True))


@dataclass
class DarkLesson:
    """What lesson DARK_LESSON showed in the dark theme: figure text colours and axe's verdict."""

    figures: list[dict]
    violations: list[dict]
    notebook_background: str


@pytest.fixture(scope="module")
def dark_lesson(shared_lab: SharedLab) -> Iterator[DarkLesson]:
    page = shared_lab.page
    change = "t => window.jupyterapp.commands.execute('apputils:change-theme', {theme: t})"
    page.evaluate(change, "JupyterLab Dark")
    try:
        page.wait_for_function(
            "() => document.body.dataset.jpThemeLight === 'false'", timeout=15_000
        )
        with shared_lab.open(f"notebooks/{DARK_LESSON}") as opened:
            _run_all_and_wait(page, DARK_LESSON)
            problems = _problems_on_page(page, DARK_LESSON, opened.sent)
            assert problems == []
            yield DarkLesson(
                figures=page.evaluate(FIGURE_TEXT_JS),
                violations=axe_violations(page, include=[".jp-Notebook .jp-OutputArea-output"]),
                notebook_background=page.evaluate(
                    "() => getComputedStyle(document.querySelector('.jp-Notebook')).backgroundColor"
                ),
            )
    finally:
        page.evaluate(change, "JupyterLab Light")  # the setting is saved on the server


def test_contrast_check_fails_dark_text_on_a_clear_figure_in_the_dark_theme() -> None:
    """The check below can fail: course text (#222) on a transparent paper over JupyterLab Dark."""
    seen = _over(_rgba("rgba(255, 255, 255, 0)"), _rgba("rgb(17, 17, 17)"))
    assert contrast_ratio(_rgba("rgb(34, 34, 34)")[:3], seen) < 1.5
    assert contrast_ratio(_rgba("rgb(34, 34, 34)")[:3], (255, 255, 255)) > 15


def test_figures_stay_readable_in_the_dark_theme(dark_lesson: DarkLesson) -> None:
    """Figure text must contrast (WCAG AA, 4.5:1) with what is behind it in the dark theme."""
    assert sum(_rgba(dark_lesson.notebook_background)[:3]) < 3 * 60, "the dark theme is not on"
    assert dark_lesson.figures, f"{DARK_LESSON} drew no figure"
    worst = (99.0, "")
    for figure in dark_lesson.figures:
        background = _over(_rgba(figure["paper"]), _rgba(figure["behind"]))
        assert figure["texts"], "a figure without title or axis text"
        for text, fill in figure["texts"]:
            ratio = contrast_ratio(_rgba(fill)[:3], background)
            worst = min(worst, (ratio, f"'{text}' {fill} on {background}"))
    print(f"\ndark theme: lowest figure-text contrast {worst[0]:.1f}:1 ({worst[1]})")
    assert worst[0] >= 4.5, f"figure text hard to read in the dark theme: {worst}"


def test_lesson_output_has_no_serious_wcag_violation(dark_lesson: DarkLesson) -> None:
    assert dark_lesson.violations == [], describe(dark_lesson.violations)
