"""Slides test: every lesson presented with Voila's reveal template ("course-slides"), offline.

What a lecturer sees, checked in Debian's chromium (never `playwright install`):
- the deck opens on slide 1, and the space bar walks every slide and fragment;
- no slide shows a widget's text repr (`LiveFigure(children=...`), "Loading widget" or an error;
- every widget output the kernel sent is rendered, and every live figure has a drawn plotly SVG;
- no slide shows code;
- no legend covers an axis label or runs off the bottom of its figure (tests/figure_layout.py);
- one control per lesson moves and the figure in the same widget redraws;
- the speaker view (key S) shows the notes of a slide that has notes;
- nothing is requested from a host other than loopback, and the notebook on disk is unchanged.

The template lives in `jupyter/voila/templates/course-slides` (found through JUPYTER_PATH, as
`make present` finds the copy the set-up installs). SLIDES_TEMPLATE / SLIDES_VOILA_ARGS exist to
show that each check fails on the broken set-ups it guards against (e.g. SLIDES_TEMPLATE=reveal
fails on CDN requests). The control each lesson moves is read from its notebook metadata
(`course.interaction`), so a new lesson is covered without new test code. Median and p95 of the
latency from the input event to the figure's change over MOVES moves are printed per lesson (`-s`
shows them) and written to build/slides-report.json; the benchmark with more moves and the
target is benchmarks/bench_browser_latency.py (`make bench`).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest
import servers
import slide_timing
from figure_layout import CROWDED_FIGURES_JS
from playwright.sync_api import Browser, Page
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from course.engine.paths import NOTEBOOKS_DIR
from course.learning.lesson_map import lesson_paths, load_lessons

FIGURES_JS = slide_timing.FIGURES_JS
SEND_CLOCK_JS = slide_timing.SEND_CLOCK_JS

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = NOTEBOOKS_DIR
TEMPLATE_ROOT = Path(os.environ.get("SLIDES_TEMPLATE_ROOT", REPO / "jupyter"))  # voila/templates/
TEMPLATE = os.environ.get("SLIDES_TEMPLATE", "course-slides")
EXTRA_ARGS = os.environ.get("SLIDES_VOILA_ARGS", "").split()
LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}
#: The control each lesson's browser test moves (notebook metadata), with the slider kind renamed.
INTERACTIONS = {
    lesson.filename: ("slider" if kind == "slider_end" else kind, label, value)
    for lesson in load_lessons(NOTEBOOKS_DIR)
    if lesson.interaction is not None
    for kind, label, value in [lesson.interaction]
}
#: Page errors known to be harmless, each with its reason; anything else fails the test.
KNOWN_PAGE_ERRORS = {
    # jupyterlab-plotly caches a PNG of each drawn figure in the output model; Voila's output
    # models have no setData, so caching fails after the figure is drawn (the figure is fine).
    "r.setData is not a function",
}
REPR = re.compile(r"^\s*[A-Z]\w*\((children|value|options)=|Loading widget|Error displaying widget")


@pytest.fixture(scope="session")
def voila(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Voila over a copy of the lessons, on loopback; yields the base URL."""
    root = tmp_path_factory.mktemp("slides-root")
    shutil.copytree(NOTEBOOKS, root / "notebooks")
    with servers.voila(
        root / "notebooks",
        template=TEMPLATE,
        templates=TEMPLATE_ROOT,
        root=root,
        extra_args=EXTRA_ARGS,
    ) as base:
        yield base


SLIDE_STATE_JS = """() => {
  const s = [...document.querySelectorAll('.reveal .slides section.present')].pop();
  const shown = n => { const r = n.getBoundingClientRect(); const c = getComputedStyle(n);
                       return r.width > 0 && r.height > 0 && c.display !== 'none' && c.visibility !== 'hidden'; };
  const outputs = [...s.querySelectorAll('.jp-OutputArea-output')];
  return {
    hash: location.hash,
    widgets: s.querySelectorAll('.jp-OutputArea-output > .jupyter-widgets').length,
    texts: outputs.filter(n => !n.querySelector('.jupyter-widgets')).map(n => n.textContent.slice(0, 200)),
    code: [...s.querySelectorAll('.jp-CodeCell .jp-InputArea, .jp-InputArea-editor, .cm-editor, .CodeMirror')]
            .filter(shown).map(n => n.textContent.slice(0, 80)),
    // a live figure (course.ui.plotly_view.PlotlyView) must hold a drawn plotly figure
    // a figure narrower than 90% of its output area was drawn while hidden and never resized
    narrow: [...s.querySelectorAll('.jp-OutputArea-output .js-plotly-plot')].filter(shown).filter(p =>
            p.querySelector('.main-svg').getBoundingClientRect().width
              < 0.9 * p.closest('.jp-OutputArea-output').getBoundingClientRect().width).length,
    figureless: [...s.querySelectorAll('.course-plotly-view')]
            .filter(v => !v.querySelector('.js-plotly-plot .main-svg')).length,
    // a table wider than the slide: its last columns are cut off on the projector
    cut: [...s.querySelectorAll('.jp-OutputArea-output table')].filter(shown).filter(t =>
            t.getBoundingClientRect().right > Math.min(window.innerWidth,
              s.getBoundingClientRect().right) + 2).map(t =>
            [...t.querySelectorAll('th')].map(h => h.textContent.trim()).join(' | ').slice(0, 80)),
  };
}"""


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _drive(page: Page, kind: str, label: str, value: str) -> str | None:
    """Go to the slide holding the control, change it, return a problem or None."""
    found = slide_timing.go_to_control(page, label)
    if found is None:
        return f"no control labelled {label!r} on any slide"
    before = page.evaluate(FIGURES_JS)
    if not before:
        return f"the slide with {label!r} ({found}) shows no figure"
    try:
        slide_timing.change(page, kind, label, value, 1)  # slider to its end, menu to ``value``
    except PlaywrightTimeout:
        return f"the control {label!r} on {found} cannot be used (hidden or off the slide)"
    try:
        page.wait_for_function(f"before => ({FIGURES_JS})() !== before", arg=before, timeout=15_000)
    except PlaywrightTimeout:
        return f"changing {label!r} did not redraw the figure"
    return None


#: Moves per lesson: enough to show every move redraws (the test), not a benchmark.
MOVES = 6


REPORT = REPO / "build" / "slides-report.json"


def _report(notebook: str, entry: dict) -> None:
    """Figures for the closing note: slides, widget slides, latency (build/, not committed)."""
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    data = json.loads(REPORT.read_text()) if REPORT.exists() else {}
    data[notebook] = entry
    REPORT.write_text(json.dumps(data, indent=1, sort_keys=True))


LESSONS = [p.name for p in lesson_paths(NOTEBOOKS_DIR)]


@pytest.mark.parametrize("notebook", LESSONS)
def test_lesson_presents_as_live_slides(voila: str, browser: Browser, notebook: str) -> None:
    on_disk = _sha(NOTEBOOKS / notebook)
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    external: list[str] = []
    errors: list[str] = []
    context.on(
        "request",
        lambda r: (
            urlparse(r.url).hostname not in LOOPBACK
            and urlparse(r.url).scheme in ("http", "https", "ws", "wss")
            and external.append(r.url)
        ),
    )
    context.add_init_script(f"({SEND_CLOCK_JS})()")
    page = context.new_page()
    page.on("pageerror", lambda e: errors.append(str(e)))
    problems: list[str] = []
    try:
        response = page.goto(f"{voila}/voila/render/{notebook}", timeout=180_000)
        sent_widgets = response.text().count("application/vnd.jupyter.widget-view+json")
        page.wait_for_selector(".reveal .slides section.present", timeout=180_000)
        try:
            page.wait_for_function(
                "n => document.querySelectorAll('.jp-OutputArea-output > .jupyter-widgets').length >= n"
                " && !/Loading widget/.test(document.body.innerText)",
                arg=sent_widgets,
                timeout=60_000,
            )
        except PlaywrightTimeout:
            shown = page.evaluate(
                "() => document.querySelectorAll('.jp-OutputArea-output > .jupyter-widgets').length"
            )
            problems.append(f"{shown} of {sent_widgets} widget outputs rendered")
        first = page.evaluate("() => location.hash")
        if first not in ("", "#/", "#/0", "#/0/0"):
            problems.append(f"the deck opened at {first}, not on slide 1")
        page.locator(".reveal").click(position={"x": 640, "y": 4})
        seen: dict[str, dict] = {}
        for _ in range(200):  # space: next slide or fragment, in reading order
            state = page.evaluate(SLIDE_STATE_JS)
            if state["hash"] in seen:
                break
            state["crowded"] = page.evaluate(CROWDED_FIGURES_JS, ".reveal .slides section.present")
            seen[state["hash"]] = state
            page.keyboard.press("Space")
            page.wait_for_timeout(250)
        for where, state in seen.items():
            problems += [
                f"{where}: raw widget text {t!r}" for t in state["texts"] if REPR.search(t)
            ]
            problems += [f"{where}: code on the slide {c!r}" for c in state["code"]]
            if state["narrow"]:
                problems.append(f"{where}: {state['narrow']} figure(s) narrower than the slide")
            problems += [f"{where}: a table wider than the slide ({t})" for t in state["cut"]]
            problems += [f"{where}: {p}" for p in state["crowded"]]
            if state["figureless"]:
                problems.append(
                    f"{where}: {state['figureless']} live figure(s) without a drawn figure"
                )
        problems += [f"request to a non-loopback host: {u}" for u in sorted(set(external))]
        entry = {
            "slides": len(seen),
            "widget_slides": sum(1 for state in seen.values() if state["widgets"]),
        }
        if notebook in INTERACTIONS:
            problem = _drive(page, *INTERACTIONS[notebook])
            if problem:
                problems.append(problem)
            else:
                times = slide_timing.latencies(page, *INTERACTIONS[notebook], MOVES)
                if any(t != t for t in times):  # NaN: a move that never redrew
                    problems.append(
                        f"a change of {INTERACTIONS[notebook][1]!r} did not redraw (move "
                        f"{len(times)} of {MOVES}; earlier moves took {times[:-1]} ms)"
                    )
                else:
                    times = sorted(times)
                    entry["median_ms"] = round(times[len(times) // 2], 1)
                    entry["p95_ms"] = round(times[int(0.95 * (len(times) - 1))], 1)
        print(f"{notebook}: {entry}")
        _report(notebook, entry)
        problems += [f"page error: {e}" for e in sorted(set(errors)) if e not in KNOWN_PAGE_ERRORS]
        if _sha(NOTEBOOKS / notebook) != on_disk:
            problems.append("presenting changed the notebook on disk")
        assert problems == [], "\n".join(problems)
    finally:
        context.close()


def test_speaker_view_shows_notes(voila: str, browser: Browser) -> None:
    """Key S opens reveal.js' speaker view; a slide with a notes cell shows its notes there.
    (The speaker view loads the deck twice more in iframes: two more kernels while it is open.)"""
    notebook = "02_proxies_and_attribution.ipynb"
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    try:
        page = context.new_page()
        page.goto(f"{voila}/voila/render/{notebook}", timeout=180_000)
        page.wait_for_selector(".reveal .slides section.present", timeout=180_000)
        target = page.evaluate("""() => { const H = [...document.querySelectorAll('.reveal .slides > section')];
            for (let h = 0; h < H.length; h++) { const V = H[h].querySelectorAll(':scope > section');
              const list = V.length ? [...V] : [H[h]];
              for (let v = 0; v < list.length; v++) if (list[v].querySelector('aside.notes')) return [h, v]; }
            return null; }""")
        assert target, f"{notebook}: no slide carries speaker notes"
        with context.expect_page(timeout=15_000) as popup:
            page.locator(".reveal").click(position={"x": 640, "y": 4})
            page.keyboard.press("s")
        speaker = popup.value
        speaker.wait_for_selector(".speaker-controls-notes", state="attached", timeout=30_000)
        page.wait_for_timeout(15_000)  # the speaker view's previews execute the lesson first
        page.evaluate("([h, v]) => { location.hash = '#/' + h + '/' + v; }", target)
        speaker.wait_for_function(
            "() => (document.querySelector('.speaker-controls-notes .value')?.innerText || '').trim().length > 0",
            timeout=60_000,
        )
    finally:
        context.close()
