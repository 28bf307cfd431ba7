"""The lesson explorers in the browser: from the student's input to the redrawn figure.

For each lesson whose notebook metadata names a main control (``course.interaction``, the same
control tests/test_slides.py moves), Voila serves the lesson with the course's slides template
on loopback and Debian's chromium (driven by Playwright, never `playwright install`) moves that
control ``--moves`` times. One move's latency is the time from its input event (the first
widget message the page sends after arming, recorded by an init script that wraps
``WebSocket.send``) to the first animation frame in which the plotly SVG of the slide changed;
before each move the page is left quiet (nothing sent for 300 ms), so a move never times the
updates of the one before. The timing code is tests/slide_timing.py, the same as
tests/test_slides.py uses, run here with more moves.
Target: p95 <= 150 ms per lesson.

    .venv/bin/python benchmarks/bench_browser_latency.py [--moves 40] [--lessons 04,08] [--check]

Uses ports 8870.. (one per lesson, stopped by PID after it). Writes
build/bench/browser_latency.json (see benchmarks/report.py).
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, sync_playwright
from report import measure, write_result

from course.learning.lesson_map import Lesson, load_lessons

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
import servers  # noqa: E402  (tests/servers.py: Voila on loopback, stopped by its PID)
import slide_timing  # noqa: E402  (tests/slide_timing.py: what tests/test_slides.py times)

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu"]
P95_TARGET_MS = 150.0


def open_lesson(page: Page, base: str, label: str) -> None:
    """Load the deck, wait for every widget, go to the slide that holds the control."""
    response = page.goto(f"{base}/", timeout=180_000)
    assert response is not None
    sent = response.text().count("application/vnd.jupyter.widget-view+json")
    page.wait_for_selector(".reveal .slides section.present", timeout=180_000)
    page.wait_for_function(
        "n => document.querySelectorAll('.jp-OutputArea-output > .jupyter-widgets').length >= n"
        " && !/Loading widget/.test(document.body.innerText)",
        arg=sent,
        timeout=60_000,
    )
    where = slide_timing.go_to_control(page, label)
    if where is None:
        raise RuntimeError(f"no control labelled {label!r} on any slide")
    if not page.evaluate(slide_timing.FIGURES_JS):
        raise RuntimeError(f"the slide with {label!r} ({where}) shows no figure")


def percentile(values: list[float], q: float) -> float:
    """The q-quantile as tests/test_slides.py takes it (an observed value, no interpolation)."""
    ordered = sorted(values)
    return ordered[int(q * (len(ordered) - 1))]


def measure_lesson(browser: Any, lesson: Lesson, port: int, moves: int) -> list[float]:
    """Serve one lesson, move its control ``moves`` times, stop the server."""
    assert lesson.interaction is not None
    kind, label, value = lesson.interaction
    with tempfile.TemporaryDirectory(prefix="bench-latency-") as tmp:
        work = Path(tmp)
        with servers.voila(
            lesson.path,
            template="course-slides",
            templates=ROOT / "jupyter",
            root=work,
            port=port,
            env={"COURSE_PROGRESS_FILE": str(work / "progress.json")},
        ) as base:
            context = browser.new_context(viewport={"width": 1280, "height": 720})
            try:
                context.add_init_script(f"({slide_timing.SEND_CLOCK_JS})()")
                page = context.new_page()
                open_lesson(page, base, label)
                # Set the control to the lesson's own value first, untimed, as the slides test
                # does: the timed moves then go between that value and another, so each one
                # changes the figure (from a lesson's start state the first other choice can
                # draw the same figure: lesson 03's "No" and "Don't know" with nothing else
                # known).
                slide_timing.change(page, kind, label, value, 1)
                page.evaluate(slide_timing.QUIET_JS)
                # The first move warms up the kernel and the page and is not timed.
                return slide_timing.latencies(page, kind, label, value, moves, warm_up=1)
            finally:
                context.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--moves", type=int, default=40, help="timed moves per lesson")
    parser.add_argument("--lessons", default="", help="comma-separated lesson ids (default all)")
    parser.add_argument("--port", type=int, default=8870, help="first port (one per lesson)")
    parser.add_argument("--check", action="store_true", help="exit 1 if the target is missed")
    args = parser.parse_args(argv)
    wanted = {x.strip() for x in args.lessons.split(",") if x.strip()}
    lessons = [
        lesson
        for lesson in load_lessons()
        if lesson.interaction is not None and (not wanted or lesson.id in wanted)
    ]
    if not Path(CHROMIUM).exists():
        print(f"bench_browser_latency: {CHROMIUM} is missing (apt-get install chromium)")
        return 2
    rows: dict[str, dict[str, Any]] = {}
    pooled: list[float] = []
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for k, lesson in enumerate(lessons):
                times = measure_lesson(browser, lesson, args.port + k % 30, args.moves)
                done = [t for t in times if not math.isnan(t)]
                rows[lesson.id] = {
                    "lesson": lesson.path.stem,
                    "control": f"{lesson.interaction[0]} {lesson.interaction[1]!r}",
                    "moves": len(times),
                    "no_redraw": len(times) - len(done),
                    "median_ms": round(statistics.median(done), 1) if done else None,
                    "p95_ms": round(percentile(done, 0.95), 1) if done else None,
                    "loadavg_1min": round(os.getloadavg()[0], 2),  # the machine is shared
                    "ms": [round(t, 1) for t in times],
                }
                pooled += done
                r = rows[lesson.id]
                print(
                    f"{r['lesson']:<34} median {r['median_ms'] or math.nan:6.1f} ms  "
                    f"p95 {r['p95_ms'] or math.nan:6.1f} ms  "
                    f"({r['moves']} moves, {r['no_redraw']} without redraw; "
                    f"load {r['loadavg_1min']:.1f})",
                    flush=True,
                )
        finally:
            browser.close()
    if not pooled:
        print("bench_browser_latency: no move redrew a figure")
        return 1
    median, p95 = statistics.median(pooled), percentile(pooled, 0.95)
    worst = max(rows.values(), key=lambda r: r["p95_ms"] or 0.0)
    missing = sum(r["no_redraw"] for r in rows.values())
    print(f"overall: median {median:.1f} ms, p95 {p95:.1f} ms over {len(pooled)} moves")
    ok = worst["p95_ms"] <= P95_TARGET_MS and missing == 0
    within = sum(
        1 for r in rows.values() if r["p95_ms"] is not None and r["p95_ms"] <= P95_TARGET_MS
    )
    write_result(
        "browser_latency",
        [
            measure(
                "Explorer in the browser (Voila slides): input event to figure change, p95",
                p95,
                "ms",
                target=f"<= {P95_TARGET_MS:g} ms per lesson",
                met=ok,
                shown=(
                    f"{p95:.0f} ms overall (median {median:.0f} ms; {within} of {len(rows)} "
                    f"lessons within target, worst {worst['lesson'][:2]}: "
                    f"{worst['p95_ms']:.0f} ms; "
                    f"{args.moves} moves each"
                    + (f"; {missing} moves without redraw)" if missing else ")")
                ),
            )
        ],
        {"moves_per_lesson": args.moves, "median_ms": median, "p95_ms": p95, "lessons": rows},
        loads=[r["loadavg_1min"] for r in rows.values()],
    )
    return 0 if ok or not args.check else 1


if __name__ == "__main__":
    sys.exit(main())
