"""Print every lesson and exercise page of the course site to an A4 PDF handout.

Usage::

    python scripts/build_handouts.py [--book build/book/_build/html] [--out build/handouts]

Run ``scripts/build_book.py`` first (``make handouts`` runs the whole chain). Each page of the
book that holds a lesson or an exercise notebook (student edition), as the lesson map lists
them, is opened from ``file://`` in Debian's Chromium (``$CHROMIUM``, default
``/usr/bin/chromium``) through Playwright and printed with ``page.pdf`` to
``<out>/NN_slug.pdf`` / ``<out>/NN_slug_exercises.pdf``.

Why the book's pages: they are already offline, carry the course's print stylesheet
(``book/_static/course-book.css``: no navigation, full width, figures kept whole) and show code
and outputs as a student reads them. The browser window is as wide as the printed column at
the print scale (PRINT_SCALE), so plotly draws each figure at the width it is printed; the PDF
is made only once every figure has drawn its SVG. Every request that would leave the machine is
blocked and fails the run.
Exit status 1 on any failure.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from collections.abc import Sequence
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

sys.path.insert(0, str(Path(__file__).resolve().parent))

from publication import BOOK_DIR, HANDOUTS_DIR, Source, is_remote, publication_sources

if TYPE_CHECKING:
    from playwright.async_api import Page

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
MARGIN_MM = 14
PRINT_SCALE = 0.75
"""Pages print at 75%: the window is a third wider than the printed column, so figures made for
a projector (two panels side by side) are drawn at about 930 px and keep their horizontal labels
instead of being squeezed into the 680 px of an A4 column; text prints at about 9 pt."""
PRINT_WIDTH_PX = round((210 - 2 * MARGIN_MM) / 25.4 * 96 / PRINT_SCALE)
"""The printed column of an A4 page in CSS pixels at PRINT_SCALE: the window gets this width."""
FIGURES_DRAWN = """() => {
  const figures = [...document.querySelectorAll('.plotly-graph-div')];
  return figures.every(f => f.querySelector('svg.main-svg'));
}"""
FOOTER = (
    '<div style="font-size:8px;width:100%;padding:0 14mm;display:flex;'
    'justify-content:space-between;color:#555"><span>{title}</span>'
    '<span><span class="pageNumber"></span> / <span class="totalPages"></span></span></div>'
)


def handout_name(source: Source) -> str:
    return f"{source.stem}.pdf"


def page_of(source: Source, html_dir: Path) -> Path:
    """The book page that shows a notebook (same path, ``.html``)."""
    return html_dir / source.relative.with_suffix(".html")


async def _print_one(page: Page, source: Source, html_dir: Path, out: Path) -> Path:
    """Open one book page, wait for its figures and fonts, print it."""
    await page.goto(page_of(source, html_dir).as_uri(), wait_until="load")
    await page.wait_for_function(FIGURES_DRAWN, timeout=60_000)
    await page.evaluate("document.fonts.ready")
    target = out / handout_name(source)
    await page.pdf(
        path=str(target),
        format="A4",
        scale=PRINT_SCALE,
        print_background=True,
        margin={side: f"{MARGIN_MM}mm" for side in ("top", "bottom", "left", "right")},
        display_header_footer=True,
        header_template="<span></span>",
        footer_template=FOOTER.format(title=escape(source.title)),
        outline=True,
        tagged=True,
    )
    return target


async def _print_all(html_dir: Path, out: Path, sources: Sequence[Source], jobs: int) -> list[Path]:
    from playwright.async_api import Route, async_playwright

    blocked: list[str] = []

    async def guard(route: Route) -> None:
        if is_remote(route.request.url):
            blocked.append(route.request.url)
            await route.abort()
        else:
            await route.continue_()

    queue: asyncio.Queue[Source] = asyncio.Queue()
    for source in sources:
        queue.put_nowait(source)
    written: list[Path] = []

    async def worker(page: Page) -> None:
        while not queue.empty():
            written.append(await _print_one(page, queue.get_nowait(), html_dir, out))

    async with async_playwright() as driver:
        browser = await driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = await browser.new_context(viewport={"width": PRINT_WIDTH_PX, "height": 1100})
        await context.route("**/*", guard)
        pages = [await context.new_page() for _ in range(max(1, jobs))]
        await asyncio.gather(*(worker(page) for page in pages))
        await browser.close()
    if blocked:
        raise RuntimeError("pages asked for the internet: " + ", ".join(sorted(set(blocked))))
    return sorted(written)


def print_all(html_dir: Path, out: Path, sources: Sequence[Source], jobs: int = 2) -> list[Path]:
    """Print each source's book page to a PDF, ``jobs`` pages at a time; raise on a missing
    page, a figure that never draws or a request that would leave the machine."""
    missing = [str(page_of(s, html_dir)) for s in sources if not page_of(s, html_dir).is_file()]
    if missing:
        raise FileNotFoundError(
            f"no book page {', '.join(missing)}: run scripts/build_book.py first "
            "(make handouts does)"
        )
    out.mkdir(parents=True, exist_ok=True)
    return asyncio.run(_print_all(html_dir, out, sources, jobs))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--book", type=Path, default=BOOK_DIR / "_build" / "html")
    parser.add_argument("--out", type=Path, default=HANDOUTS_DIR)
    parser.add_argument("--jobs", type=int, default=2, help="pages printed at a time")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    try:
        written = print_all(args.book, args.out, publication_sources(), args.jobs)
    except (OSError, RuntimeError) as error:
        print(f"build_handouts: {error}", file=sys.stderr)
        return 1
    except Exception as error:  # Playwright's timeouts and browser errors, with the cause
        print(f"build_handouts: {type(error).__name__}: {error}", file=sys.stderr)
        return 1
    seconds = time.perf_counter() - started
    print(f"build_handouts: {len(written)} PDFs in {args.out} ({seconds:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
