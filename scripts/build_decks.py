"""Build one reveal.js slide deck per lesson from the executed notebooks, for ``file://`` use.

Usage::

    python scripts/build_decks.py [--executed build/executed] [--out build/slides]

Run ``scripts/execute_notebooks.py`` first (``make slides`` does both). For every lesson in the
lesson map this writes ``<out>/NN_slug.slides.html`` with nbconvert's SlidesExporter and the
course template ``book/templates/course-deck``: the cells' ``slideshow`` metadata makes the
slides, *notes* cells become speaker notes (key S), code is not shown (as in ``make
present``), figures stay interactive. ``<out>/index.html`` lists the decks.

Nothing is fetched from the internet: reveal.js 4 (``book/vendor/reveal.js``, MIT) and
plotly.js (from the installed plotly package) are copied next to the decks, once. Unlike
``make present`` there is no kernel, so sliders and menus are replaced by a note (see
``scripts/execute_notebooks.py``). Exit status 1 on a missing executed notebook or a deck
that would load something from the internet.
"""

from __future__ import annotations

import argparse
import html
import re
import shutil
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import nbformat
from nbconvert import SlidesExporter

sys.path.insert(0, str(Path(__file__).resolve().parent))

from publication import (
    BOOK_SOURCE,
    EXECUTED_DIR,
    REVEAL_DIR,
    SLIDES_DIR,
    Source,
    plotly_js,
    publication_sources,
    remote_assets,
)

TEMPLATE = "course-deck"
LESSON_LINK = re.compile(r'href="(?P<stem>\d{2}_[a-z0-9_]+)\.ipynb(?P<anchor>#[^"]*)?"')
REVEAL_FOLDER = "reveal.js"
PLOTLY_FILE = "plotly.min.js"
#: The Voila templates (``make present``), whose slides stylesheet the decks share.
VOILA_TEMPLATES = BOOK_SOURCE.parent / "jupyter" / "voila" / "templates"


def deck_name(source: Source) -> str:
    """``NN_slug.slides.html``, the name nbconvert itself gives a deck."""
    return f"{source.stem}.slides.html"


def exporter() -> SlidesExporter:
    """nbconvert's slides exporter with the course template, sized for a 1280x720 projector."""
    return SlidesExporter(
        template_name=TEMPLATE,
        extra_template_basedirs=[str(BOOK_SOURCE / "templates")],
        # The Voila templates too: a deck takes its look from the live slides' stylesheet.
        extra_template_paths=[str(VOILA_TEMPLATES)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        reveal_url_prefix=REVEAL_FOLDER,
        reveal_theme="white",
        reveal_transition="none",
        reveal_width="1280",
        reveal_height="720",
    )


def build_deck(
    slides: SlidesExporter, source: Source, executed: Path, out: Path, decks: set[str]
) -> Path:
    """Write one lesson's deck (links to the lessons in ``decks`` go to their decks); raise if
    it would load anything from the internet."""
    notebook = nbformat.read(str(executed / source.relative), as_version=4)
    notebook.metadata["title"] = source.title
    body, _ = slides.from_notebook_node(
        notebook, resources={"course_plotly_js": PLOTLY_FILE, "metadata": {"name": source.stem}}
    )
    body = link_decks(body, decks)
    remote = remote_assets(body)
    if remote:
        raise RuntimeError(f"{deck_name(source)} loads from the internet: {', '.join(remote)}")
    target = out / deck_name(source)
    target.write_text(body, encoding="utf-8")
    return target


def link_decks(body: str, decks: set[str]) -> str:
    """Point a lesson's links to other lessons (``01_slug.ipynb``) at their decks."""

    def swap(match: re.Match[str]) -> str:
        if match["stem"] not in decks:
            return match.group(0)
        return f'href="{match["stem"]}.slides.html{match["anchor"] or ""}"'

    return LESSON_LINK.sub(swap, body)


def index_page(lessons: Sequence[Source]) -> str:
    """A plain page that lists the decks in course order (lesson map order)."""
    items = "\n".join(
        f'<li><a href="{html.escape(deck_name(s))}">{html.escape(s.lesson.id)} '
        f"{html.escape(s.title)}</a> ({s.lesson.minutes} min)</li>"
        for s in lessons
    )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        "<title>Course slides</title>"
        "<style>body{font:18px/1.5 system-ui,sans-serif;max-width:48em;margin:2em auto}</style>"
        "</head><body><h1>Course slides</h1>"
        "<p>One deck per lesson. Space or the arrow keys move on, <b>F</b> is full screen, "
        "<b>Esc</b> the overview, <b>S</b> the speaker view with the notes. Sliders and menus "
        "work only in the live slides (<code>make present</code>).</p>"
        f"<ol start=0>\n{items}\n</ol></body></html>\n"
    )


def build_all(executed: Path, out: Path) -> list[Path]:
    """Every lesson's deck plus the shared assets and the index; return the decks."""
    lessons = [s for s in publication_sources() if s.kind == "lesson"]
    missing = [str(s.relative) for s in lessons if not (executed / s.relative).is_file()]
    if missing:
        raise FileNotFoundError(
            f"no executed copy of {', '.join(missing)} in {executed}: run "
            "scripts/execute_notebooks.py first (make slides does)"
        )
    out.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(out / REVEAL_FOLDER, ignore_errors=True)
    shutil.copytree(REVEAL_DIR, out / REVEAL_FOLDER)
    shutil.copy2(plotly_js(), out / PLOTLY_FILE)
    slides = exporter()
    stems = {source.stem for source in lessons}
    decks = [build_deck(slides, source, executed, out, stems) for source in lessons]
    (out / "index.html").write_text(index_page(lessons), encoding="utf-8")
    return decks


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--executed", type=Path, default=EXECUTED_DIR)
    parser.add_argument("--out", type=Path, default=SLIDES_DIR)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    try:
        decks = build_all(args.executed, args.out)
    except (OSError, RuntimeError) as error:
        print(f"build_decks: {error}", file=sys.stderr)
        return 1
    seconds = time.perf_counter() - started
    print(f"build_decks: {len(decks)} decks in {args.out} ({seconds:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
