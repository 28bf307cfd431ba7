"""The static publications: course site (make book), slide decks (make slides) and PDF handouts
(make handouts), built once, offline, for every lesson in the lesson map.

One session fixture runs the four scripts into a temporary folder (execution, then the book and
the decks side by side, then the handouts) and the tests read what a reader gets: pages, decks
and PDFs. Executed copies already in build/executed/ are reused when their fingerprint says
they came from exactly the current notebooks, course code, data and scripts (a fresh clone
runs everything). The browser tests open one site page and one deck in Debian's chromium with
every request that would leave the machine aborted and recorded.
"""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from types import ModuleType
from urllib.parse import urlsplit

import nbformat
import pytest

from course.engine.paths import REPO_ROOT
from course.learning.glossary import load_glossary
from course.learning.lesson_map import load_lessons
from course.learning.references import load_references

SCRIPTS = REPO_ROOT / "scripts"
PLOTLY_MIME = "application/vnd.plotly.v1+json"
LOADED_URL = re.compile(r"""(?:https?:)?//[^\s"'`<>]+?\.(?:m?js|css|woff2?)\b""")

pytestmark = pytest.mark.browser  # the fixture prints the handouts with chromium


def _load(name: str) -> ModuleType:
    """A script module by path (scripts/ is not a package)."""
    if str(SCRIPTS) not in sys.path:
        sys.path.insert(0, str(SCRIPTS))
    spec = importlib.util.spec_from_file_location(name, SCRIPTS / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


publication = _load("publication")
execute_notebooks = _load("execute_notebooks")

SOURCES = publication.publication_sources()
LESSONS = [s for s in SOURCES if s.kind == "lesson"]
EXERCISES = [s for s in SOURCES if s.kind == "exercises"]


@dataclass(frozen=True)
class Built:
    executed: Path
    html: Path
    slides: Path
    handouts: Path
    seconds: dict[str, float]


def _run(*args: str | Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, *map(str, args)],
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _finish(process: subprocess.Popen[str], what: str) -> None:
    output, _ = process.communicate(timeout=900)
    assert process.returncode == 0, f"{what} failed:\n{output[-4000:]}"


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """Everything built once: executed notebooks, site, decks, handouts (with timings)."""
    root = tmp_path_factory.mktemp("publish")
    executed = root / "executed"
    if publication.EXECUTED_DIR.is_dir():  # reused only where the fingerprint still matches
        shutil.copytree(publication.EXECUTED_DIR, executed)
    seconds = {}
    started = time.perf_counter()
    _finish(_run(SCRIPTS / "execute_notebooks.py", "--out", executed), "execute_notebooks")
    seconds["execute"] = time.perf_counter() - started
    started = time.perf_counter()
    book = _run(SCRIPTS / "build_book.py", "--executed", executed, "--out", root / "book")
    decks = _run(SCRIPTS / "build_decks.py", "--executed", executed, "--out", root / "slides")
    _finish(decks, "build_decks")
    _finish(book, "build_book")
    seconds["book and decks"] = time.perf_counter() - started
    started = time.perf_counter()
    html = root / "book" / "_build" / "html"
    handouts = _run(SCRIPTS / "build_handouts.py", "--book", html, "--out", root / "handouts")
    _finish(handouts, "build_handouts")
    seconds["handouts"] = time.perf_counter() - started
    print("publish build times (s):", {step: round(took) for step, took in seconds.items()})
    return Built(executed, html, root / "slides", root / "handouts", seconds)


# --------------------------------------------------------------------------- reading pages


class _Page(HTMLParser):
    """What a test needs from a page: fetched assets (also script, style and font addresses
    written in inline scripts, as a loader would fetch them), figure divs, notes, text,
    sections."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.assets: list[str] = []
        self.figures: list[dict[str, str]] = []
        self.inline_scripts: list[int] = []
        self.sections = 0
        self.notes = 0
        self.text: list[str] = []
        self._script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "script":
            self._script = True
            if values.get("src"):
                self.assets.append(values["src"])
            else:
                self.inline_scripts.append(0)
        if tag == "link" and values.get("href"):
            self.assets.append(values["href"])
        if tag == "img" and values.get("src"):
            self.assets.append(values["src"])
        if tag == "section":
            self.sections += 1
        if tag == "aside" and "notes" in values.get("class", "").split():
            self.notes += 1
        if tag == "div" and "plotly-graph-div" in values.get("class", "").split():
            self.figures.append(values)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._script = False

    def handle_data(self, data: str) -> None:
        if self._script and self.inline_scripts:
            self.inline_scripts[-1] += len(data)
            self.assets += LOADED_URL.findall(data)
        elif not self._script:
            self.text.append(data)


def read_page(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def page_text(path: Path) -> str:
    return " ".join(" ".join(read_page(path).text).split())


def stays_local(url: str) -> bool:
    """Relative, file:, data: or loopback: what an offline page may load."""
    parts = urlsplit(url)
    if parts.scheme in ("", "file", "data") and not url.startswith("//"):
        return True
    return parts.hostname in ("localhost", "127.0.0.1", "::1")


def figure_cells(path: Path) -> int:
    """Code cells that show a figure (``show(...)``, or ``.show()`` outside a quiz)."""
    notebook = nbformat.read(str(path), as_version=4)
    return sum(
        1
        for cell in notebook.cells
        if cell.cell_type == "code"
        and (
            re.search(r"^\s*show\(", cell.source, re.MULTILINE)
            or (".show()" in cell.source and "Quiz(" not in cell.source)
        )
    )


def plotly_outputs(path: Path) -> int:
    notebook = nbformat.read(str(path), as_version=4)
    return sum(
        1
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.outputs
        if PLOTLY_MIME in output.get("data", {})
    )


def plotly_layouts(path: Path) -> list[dict]:
    """The layout of every plotly figure a notebook's cells output, in order."""
    notebook = nbformat.read(str(path), as_version=4)
    return [
        output["data"][PLOTLY_MIME].get("layout", {})
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.outputs
        if PLOTLY_MIME in output.get("data", {})
    ]


def notes_cells(path: Path) -> int:
    notebook = nbformat.read(str(path), as_version=4)
    return sum(
        1
        for cell in notebook.cells
        if cell.metadata.get("slideshow", {}).get("slide_type") == "notes"
    )


def pdf_pages(path: Path) -> int:
    """Page objects in a PDF (chromium writes them uncompressed)."""
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", path.read_bytes()))


def every_page(built: Built) -> Iterator[Path]:
    yield from sorted(built.html.rglob("*.html"))
    yield from sorted(built.slides.glob("*.html"))


# --------------------------------------------------------------------------- unit checks


@pytest.mark.parametrize(
    ("url", "remote"),
    [
        ("https://cdn.jsdelivr.net/npm/x.js", True),
        ("//unpkg.com/reveal.js", True),
        ("http://fonts.googleapis.com/css", True),
        ("http://127.0.0.1:8866/static/x.js", False),
        ("_static/plotly.min.js", False),
        ("../_static/x.css", False),
        ("file:///tmp/x.css", False),
        ("data:font/woff;base64,AAAA", False),
    ],
    ids=str,
)
def test_remote_means_leaving_the_machine(url: str, remote: bool) -> None:
    assert publication.is_remote(url) is remote


def test_figure_alt_prefers_the_course_description_then_titles() -> None:
    described = {"layout": {"meta": {"alt": "Bar chart: option 4 scores 55."}, "title": "T"}}
    assert execute_notebooks.figure_alt(described) == "Bar chart: option 4 scores 55."
    titled = {
        "data": [{"type": "bar", "name": "Criminals"}],
        "layout": {
            "title": {"text": "73 incidents<br><sup>by actor</sup>"},
            "xaxis": {"title": {"text": "Incidents"}},
            "yaxis": {"title": "Actor"},
        },
    }
    alt = execute_notebooks.figure_alt(titled)
    assert alt.startswith("73 incidents by actor. horizontal axis: Incidents. vertical axis: Actor")
    assert "<" not in alt and "Criminals" in alt
    assert execute_notebooks.figure_alt({"data": [{"type": "pie"}]}) == "Interactive pie chart."


def test_a_widget_output_becomes_a_note_and_keeps_its_static_fallback() -> None:
    widget = {"model_id": "x", "version_major": 2, "version_minor": 0}
    notebook = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell(
                "quiz",
                outputs=[
                    nbformat.v4.new_output(
                        "display_data",
                        data={publication.WIDGET_MIME: widget, "text/html": "<p>Q1</p>"},
                    ),
                    nbformat.v4.new_output(
                        "execute_result",
                        data={publication.WIDGET_MIME: widget, "text/plain": "LiveFigure()"},
                        execution_count=1,
                    ),
                ],
            )
        ],
        metadata={"widgets": {"state": {}}},
    )
    assert execute_notebooks.make_static(notebook, "t") == []
    outputs = notebook.cells[0].outputs
    html = [o.get("data", {}).get("text/html", "") for o in outputs]
    assert [("course-live-note" in h) for h in html] == [True, False, True]
    assert html[1] == "<p>Q1</p>"
    assert all(publication.WIDGET_MIME not in o.get("data", {}) for o in outputs)
    assert "widgets" not in notebook.metadata


def test_an_output_that_loads_a_remote_script_fails_the_run() -> None:
    output = nbformat.v4.new_output(
        "display_data", data={"text/html": '<script src="https://cdn.example/x.js"></script>'}
    )
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x", outputs=[output])])
    problems = execute_notebooks.make_static(notebook, "03_x")
    assert problems == ["03_x, cell 0: an output loads script: https://cdn.example/x.js"]


def test_every_exercise_notebook_is_published() -> None:
    committed = {p.name for p in (REPO_ROOT / "exercises").glob("*.ipynb")}
    assert committed == {s.path.name for s in EXERCISES}, "an exercise no lesson claims"


# --------------------------------------------------------------------------- the site


@pytest.mark.parametrize("source", LESSONS, ids=lambda s: s.stem)
def test_lesson_page_shows_every_figure_with_alt_text(built: Built, source) -> None:
    page = read_page(built.html / source.relative.with_suffix(".html"))
    outputs = plotly_outputs(built.executed / source.relative)
    assert outputs >= figure_cells(source.path), "a figure cell gave no plotly figure"
    assert len(page.figures) >= outputs
    for figure in page.figures:
        assert figure.get("role") == "figure"
        assert len(figure.get("aria-label", "").strip()) > 15, figure


@pytest.mark.parametrize("source", LESSONS, ids=lambda s: s.stem)
def test_every_static_figure_sets_its_own_height(built: Built, source) -> None:
    """JupyterLab draws a static figure without a height of its own 360 px tall (the template's
    480 px does not count there), while its live twin is 480 px: lesson 02's builder, shorter
    than planned, had its legend over the option labels."""
    layouts = plotly_layouts(built.executed / source.relative)
    untitled = {"text": "untitled"}
    missing = [
        (layout.get("title") or untitled).get("text", "untitled")
        for layout in layouts
        if not layout.get("height")
    ]
    assert layouts and missing == []


@pytest.mark.parametrize("source", EXERCISES, ids=lambda s: s.stem)
def test_exercise_page_is_the_student_edition(built: Built, source) -> None:
    text = page_text(built.html / source.relative.with_suffix(".html"))
    assert source.lesson.title in text
    assert "# YOUR CODE HERE" in text


def test_no_page_or_deck_loads_anything_from_the_internet(built: Built) -> None:
    remote = {}
    for path in every_page(built):
        bad = [url for url in read_page(path).assets if not stays_local(url)]
        if bad:
            remote[path.name] = bad
    assert remote == {}
    sheets = [*built.html.rglob("*.css"), *built.slides.rglob("*.css")]
    css_remote = [
        (sheet.name, url)
        for sheet in sheets
        for url in re.findall(r"url\(\s*['\"]?(https?:|//)", sheet.read_text(errors="replace"))
    ]
    assert css_remote == []


def test_plotly_js_is_shipped_once_and_never_inlined(built: Built) -> None:
    shipped = built.html / "_static" / "plotly.min.js"
    assert shipped.read_bytes() == publication.plotly_js().read_bytes()
    assert len(list(built.html.rglob("plotly*.js"))) == 1
    for source in LESSONS:
        page = read_page(built.html / source.relative.with_suffix(".html"))
        scripts = [urlsplit(a).path for a in page.assets]
        assert [a for a in scripts if a.endswith("plotly.min.js")] == ["../_static/plotly.min.js"]
        assert max(page.inline_scripts, default=0) < 200_000, "plotly.js inlined?"


def test_glossary_references_and_lesson_map_pages_come_from_the_data(built: Built) -> None:
    glossary = page_text(built.html / "glossary.html")
    for row in load_glossary().itertuples(index=False):
        assert row.term in glossary and " ".join(row.definition.split()) in glossary
    references = page_text(built.html / "references.html")
    for row in load_references().itertuples(index=False):
        assert row.title.rstrip(".") in references, row.key
    lesson_map = page_text(built.html / "lesson-map.html")
    for lesson in load_lessons():
        assert lesson.title in lesson_map
        assert all(objective in lesson_map for objective in lesson.objectives)


# --------------------------------------------------------------------------- decks and PDFs


@pytest.mark.parametrize("source", LESSONS, ids=lambda s: s.stem)
def test_deck_has_slides_notes_and_figures(built: Built, source) -> None:
    deck = read_page(built.slides / f"{source.stem}.slides.html")
    assert deck.sections > 1
    assert deck.notes == notes_cells(source.path)
    assert len(deck.figures) >= plotly_outputs(built.executed / source.relative)
    assert all(f.get("aria-label") for f in deck.figures)
    assert "reveal.js/dist/reveal.js" in deck.assets and "plotly.min.js" in deck.assets
    assert (built.slides / "reveal.js" / "dist" / "reveal.js").is_file()


@pytest.mark.parametrize("source", SOURCES, ids=lambda s: s.stem)
def test_handout_pdf_has_pages(built: Built, source) -> None:
    pdf = built.handouts / f"{source.stem}.pdf"
    assert pdf.read_bytes().startswith(b"%PDF-")
    assert pdf_pages(pdf) >= 1


def test_a_second_run_reuses_the_executed_copies(built: Built) -> None:
    """make book, make slides and make handouts share one execution pass."""
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, str(SCRIPTS / "execute_notebooks.py"), "--out", str(built.executed)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert f"{len(SOURCES)} notebook(s) unchanged" in result.stdout
    assert ".ipynb (" not in result.stdout, "a current notebook was run again"
    assert time.perf_counter() - started < 30


# --------------------------------------------------------------------------- in the browser


def _offline_page(browser):
    """A page whose every non-local request is aborted and recorded."""
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    failed: list[str] = []
    errors: list[str] = []

    def guard(route) -> None:
        if stays_local(route.request.url) or route.request.url.startswith("blob:"):
            route.continue_()
        else:
            failed.append(route.request.url)
            route.abort()

    page.route("**/*", guard)
    page.on("requestfailed", lambda request: failed.append(request.url))
    page.on("pageerror", lambda error: errors.append(str(error)))
    return page, failed, errors


def test_site_page_draws_its_figure_offline_also_in_dark_mode(built: Built, browser) -> None:
    source = next(s for s in LESSONS if figure_cells(s.path))
    page, failed, errors = _offline_page(browser)
    try:
        page.add_init_script("localStorage.setItem('mode', 'dark')")  # the theme's switch
        page.goto((built.html / source.relative.with_suffix(".html")).as_uri())
        page.wait_for_selector(".plotly-graph-div svg.main-svg", timeout=30_000)
        assert page.evaluate("document.documentElement.dataset.theme") == "dark"
        background = page.evaluate(
            "getComputedStyle(document.querySelector('.plotly-graph-div')).backgroundColor"
        )
        assert background == "rgb(255, 255, 255)", "figures keep their white card in dark mode"
    finally:
        page.close()
    assert failed == [] and errors == []


def test_deck_draws_its_figure_offline(built: Built, browser) -> None:
    source = next(s for s in LESSONS if figure_cells(s.path))
    page, failed, errors = _offline_page(browser)
    try:
        page.goto((built.slides / f"{source.stem}.slides.html").as_uri())
        page.wait_for_function("window.Reveal && Reveal.isReady()", timeout=30_000)
        assert page.evaluate("Reveal.getTotalSlides()") > 1
        page.evaluate(
            """() => {
              const slide = document.querySelector('.plotly-graph-div').closest('section');
              const at = Reveal.getIndices(slide);
              Reveal.slide(at.h, at.v);
            }"""
        )
        page.wait_for_selector("section.present .plotly-graph-div svg.main-svg", timeout=30_000)
    finally:
        page.close()
    assert failed == [] and errors == []


def test_every_site_page_passes_axe(built: Built, browser) -> None:
    """axe-core (WCAG 2.1 A/AA, serious and critical) on every page of the built site, served
    from loopback; a page that asks another host for anything fails too."""
    from test_accessibility import describe, scan_site

    files = [  # pages, not the theme's template fragments in _static or the sources
        page
        for page in sorted(built.html.rglob("*.html"))
        if not {"_static", "_sources"} & set(page.relative_to(built.html).parts)
    ]
    assert len(files) >= len(SOURCES), f"only {len(files)} pages in {built.html}"
    results = scan_site(browser, files, built.html)
    failing = {page: describe(found) for page, found in results.items() if found}
    assert failing == {}, "\n".join(f"{page}:\n{text}" for page, text in failing.items())
