"""The case-study lab (lesson 12) served by Voila, as a class would use it: no code visible.

A test starts Voila on loopback for the lab's notebook, loads the app in Debian's chromium (never
`playwright install`), completes one decision (another incident, a package of three options, the
attribution moved, a team name and reasons typed), downloads the brief through the page's own
link and checks its content, then stops Voila by its PID. Nothing is requested from a host other
than loopback (the page is loaded offline and other hosts are refused; the course's `course-app`
template, which `make app` uses too, links nothing from a CDN), and the notebook on disk is
unchanged.
"""

from __future__ import annotations

import hashlib
import html
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
import servers
from playwright.sync_api import Browser

from course.engine.data import load_incidents, responses_with_incidents
from course.engine.paths import NOTEBOOKS_DIR
from course.learning.lesson_map import read_lesson
from course.lessons import l12_case_study_lab as l12

pytestmark = pytest.mark.browser

NOTEBOOK = NOTEBOOKS_DIR / "12_case_study_lab.ipynb"
LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}
KNOWN_PAGE_ERRORS = {
    # jupyterlab-plotly caches a PNG of each drawn figure in the output model; Voila's output
    # models have no setData, so caching fails after the figure is drawn (the figure is fine).
    "r.setData is not a function",
}
KNOWN_EXTERNAL: set[str] = set()
"""Nothing: the course's `course-app` template drops the Font Awesome CDN links of Voila's
default "lab" template (Voila's bundled JavaScript ships the icons)."""
REPO = Path(__file__).resolve().parents[1]
TEMPLATES = REPO / "jupyter"  # holds voila/templates/course-app
FIGURE_JS = """() => [...document.querySelectorAll(
    '.course-case-study-lab .js-plotly-plot .main-svg')].map(svg => svg.innerHTML).join('|')"""


@pytest.fixture(scope="module")
def voila(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Voila serving the lab's notebook on loopback; yields the base URL, stops it by PID."""
    root = tmp_path_factory.mktemp("lab-voila")
    with servers.voila(NOTEBOOK, template="course-app", templates=TEMPLATES, root=root) as base:
        yield base


def test_a_team_completes_a_decision_and_downloads_its_brief(
    voila: str, browser: Browser, tmp_path: Path
) -> None:
    on_disk = hashlib.sha256(NOTEBOOK.read_bytes()).hexdigest()
    incidents = load_incidents()
    joined = responses_with_incidents(incidents=incidents)
    opening = l12.opening_incident(joined, incidents)
    label, incident = next(
        (lab, i)
        for lab, i in l12.lab_choices(joined, incidents)
        if lab.startswith("★ ") and i != opening
    )
    name = str(incidents.loc[incidents["id"] == incident, "name"].iloc[0])
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    external: list[str] = []
    errors: list[str] = []
    # Offline, as in a classroom without a network: every request to another host is refused.
    context.route(
        lambda url: (
            urlparse(url).hostname not in LOOPBACK and urlparse(url).scheme in ("http", "https")
        ),
        lambda route: (external.append(route.request.url), route.abort()),
    )
    page = context.new_page()
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(voila, timeout=180_000)
        app = page.locator(".course-case-study-lab")
        app.wait_for(timeout=180_000)
        page.wait_for_function(f"() => ({FIGURE_JS})().length > 0", timeout=60_000)
        code = page.locator(".jp-CodeCell .jp-InputArea, .cm-editor, .CodeMirror")
        assert code.count() == 0 or not any(c.is_visible() for c in code.all()), "code is shown"

        # Step 1: another incident; step 3: add diplomatic action; step 2: full attribution.
        before = page.evaluate(FIGURE_JS)
        app.locator(".widget-dropdown", has_text="Incident").first.locator("select").select_option(
            label=label
        )
        app.locator("strong", has_text=name[:30]).first.wait_for(timeout=15_000)  # step 1's text
        page.wait_for_function(f"b => ({FIGURE_JS})() !== b", arg=before, timeout=15_000)
        app.locator(".widget-checkbox", has_text="3 Diplomatic action").locator("input").click()
        before = page.evaluate(FIGURE_JS)
        handle = app.locator(".widget-slider", has_text="Attribution").first.locator(".noUi-handle")
        handle.first.focus()
        page.keyboard.press("End")
        page.wait_for_function(f"b => ({FIGURE_JS})() !== b", arg=before, timeout=15_000)

        # Step 6: team name and reasons, then the brief.
        app.locator(".widget-text", has_text="Team").locator("input").fill("Team Voila")
        reasons = "We name and protest first, then sanction named people."
        app.locator(".widget-textarea", has_text="Your reasons").locator("textarea").fill(reasons)
        page.keyboard.press("Tab")
        link = app.locator("a.course-brief-download", has_text="Markdown")
        page.wait_for_function(
            "() => (document.querySelector('a.course-brief-download')?.download || '')"
            ".includes('team-voila')",
            timeout=15_000,
        )
        with page.expect_download(timeout=15_000) as caught:
            link.click()
        download = caught.value
        assert download.suggested_filename == f"decision-brief-{incident}-team-voila.md"
        saved = tmp_path / download.suggested_filename
        download.save_as(saved)
        brief = saved.read_text(encoding="utf-8")
        for needle in (
            f"# Decision brief: {name}",
            "Prepared by: Team Voila",
            "Attribution: 1.00",
            "3 Diplomatic action",
            "1 Request to the host",
            "5 Sanctions",
            "Package risk",
            "Legal basis the package needs",
            reasons,
            "## Debrief",
        ):
            assert needle in brief, needle
    finally:
        context.close()
    assert sorted(set(external) - KNOWN_EXTERNAL) == []
    assert [e for e in sorted(set(errors)) if e not in KNOWN_PAGE_ERRORS] == []
    assert hashlib.sha256(NOTEBOOK.read_bytes()).hexdigest() == on_disk


def test_the_readme_app_badge_opens_the_lab_in_the_course_app_template(
    tmp_path: Path,
) -> None:
    """The README's second Binder badge opens the lab through the Voila server extension of a
    plain Jupyter server (what Binder runs): the path in the badge must render lesson 12 with the
    course's `course-app` template (its assets, no Font Awesome CDN links), not Voila's default."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    found = re.search(r"\?urlpath=(voila/render/[^)\s]+)\)", readme)
    assert found, (
        "README.md has no Binder badge opening the lab in Voila (urlpath=voila/render/...)"
    )
    path = unquote(found.group(1))
    assert path.startswith(f"voila/render/notebooks/{NOTEBOOK.name}?"), path
    port = servers.free_port()
    runtime = str(tmp_path / ".runtime")
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": runtime, "JUPYTER_PATH": str(TEMPLATES)}
    command = [
        str(Path(sys.executable).parent / "jupyter"),
        "server",
        "--no-browser",
        f"--port={port}",
        "--ServerApp.ip=127.0.0.1",
        "--ServerApp.port_retries=0",
        "--IdentityProvider.token=badge",
        f"--ServerApp.root_dir={REPO}",
    ]
    if os.geteuid() == 0:
        command.append("--allow-root")
    log = (tmp_path / "server.log").open("w")
    server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=tmp_path)
    try:
        url = f"http://127.0.0.1:{port}/{path}&token=badge"
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(url, timeout=120) as response:
                    page = response.read().decode("utf-8")
                break
            except (urllib.error.URLError, ConnectionError):
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(
                        "the server did not answer:\n"
                        + (tmp_path / "server.log").read_text()[-3000:]
                    )
                time.sleep(0.5)
    finally:
        servers.stop(server)
        log.close()
    assert "voila/templates/course-app/static/" in page, "not rendered with the course-app template"
    assert "fontawesome" not in page.lower(), "Voila's default template (Font Awesome from a CDN)"
    assert html.escape(read_lesson(NOTEBOOK).title) in page, "the lesson did not render"
    assert "application/vnd.jupyter.widget-view+json" in page, "the lab's widgets are missing"
