"""The lesson explorers in the browser: from the student's input to the redrawn figure.

For each lesson whose notebook metadata names a main control (``course.interaction``, the same
control tests/test_slides.py moves), Voila serves the lesson with the course's slides template
on loopback and Debian's chromium (driven by Playwright, never `playwright install`) moves that
control ``--moves`` times. One move's latency is the time from its input event (the first
widget message the page sends after arming, recorded by an init script that wraps
``WebSocket.send``) to the first animation frame in which the plotly SVG of the slide changed;
before each move the page is left quiet (nothing sent for 300 ms), so a move never times the
updates of the one before. This is the approach of tests/test_slides.py, run with more moves.
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
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, sync_playwright
from report import measure, write_result

from course.learning.lesson_map import Lesson, load_lessons

ROOT = Path(__file__).resolve().parents[1]
VOILA = Path(sys.executable).parent / "voila"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu"]
P95_TARGET_MS = 150.0

#: Installed in the page before it loads: the time of each widget message sent to the kernel.
#: A control sends its new value in the handler of the input event that changed it, so the first
#: send after arming is when the student's input happened.
SEND_CLOCK_JS = """() => {
  window.__sent = [];
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (data) {
    if (typeof data !== 'string' || data.includes('comm_msg'))
      window.__sent.push(performance.now());
    return send.call(this, data);
  };
}"""
FIGURES_JS = """() => [...document.querySelectorAll(
      'section.present .jupyter-widgets .js-plotly-plot')]
    .map(n => [...n.querySelectorAll('.main-svg')].map(svg => svg.innerHTML).join('')).join('|')"""
#: Arms one move: remembers the figure, then checks it every animation frame until it changes.
ARM_JS = (
    """() => {
  const fig = """
    + FIGURES_JS
    + """;
  window.__lat = window.__lat || [];
  window.__sent = [];
  const t0 = performance.now(), before = fig();
  const tick = () => {
    if (fig() !== before) {
      window.__lat.push(performance.now() - (window.__sent.length ? window.__sent[0] : t0));
      return;
    }
    if (performance.now() - t0 < 15000) requestAnimationFrame(tick); else window.__lat.push(NaN);
  };
  requestAnimationFrame(tick);
}"""
)
QUIET_JS = """() => new Promise(done => {
  const check = () => {
    const last = window.__sent.length ? window.__sent[window.__sent.length - 1] : 0;
    if (performance.now() - last > 300) done(true); else setTimeout(check, 50);
  };
  setTimeout(check, 300);
})"""
FIND_SLIDE_JS = """(label) => {
  const controls = '.widget-slider, .widget-checkbox, .widget-dropdown, .widget-select-multiple';
  const H = [...document.querySelectorAll('.reveal .slides > section')];
  for (let h = 0; h < H.length; h++) {
    const V = H[h].querySelectorAll(':scope > section');
    const list = V.length ? [...V] : [H[h]];
    for (let v = 0; v < list.length; v++)
      if ([...list[v].querySelectorAll(controls)].some(n => n.textContent.includes(label)))
        return '#/' + h + '/' + v;
  }
  return null; }"""


@contextmanager
def voila(notebook: Path, port: int, work: Path) -> Iterator[str]:
    """Voila serving one lesson as slides on 127.0.0.1:port; yields its URL; stops it by PID."""
    env = {
        **os.environ,
        "JUPYTER_PATH": str(ROOT / "jupyter"),
        "JUPYTER_RUNTIME_DIR": str(work / "runtime"),
        "COURSE_PROGRESS_FILE": str(work / "progress.json"),
    }
    command = [
        str(VOILA),
        str(notebook),
        "--template=course-slides",
        "--no-browser",
        f"--port={port}",
        "--Voila.ip=127.0.0.1",
        "--Voila.port_retries=0",
    ]
    log_path = work / f"voila-{port}.log"
    with log_path.open("w") as log:
        server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=work)
        try:
            base = f"http://127.0.0.1:{port}"
            wait_up(base, server, log_path)
            yield base
        finally:
            server.terminate()
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()


def wait_up(base: str, server: subprocess.Popen[bytes], log: Path, timeout: float = 60) -> None:
    """Until the server answers (an HTTP error is an answer; the API is not the page)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(f"{base}/voila/api/shutdown", timeout=2):
                return
        except urllib.error.HTTPError:
            return
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("Voila did not start:\n" + log.read_text()[-3000:]) from None
            time.sleep(0.3)


def click_track(page: Page, label: str, where: float) -> None:
    """Drag a slider's handle to a point of its track, as with a mouse (tests/test_slides.py)."""
    slider = page.locator("section.present .widget-slider", has_text=label).first
    track = slider.locator(".noUi-base").first.bounding_box(timeout=10_000)
    handle = slider.locator(".noUi-handle").first.bounding_box(timeout=10_000)
    assert track and handle, f"the slider {label!r} is not shown"
    y = handle["y"] + handle["height"] / 2
    page.mouse.move(handle["x"] + handle["width"] / 2, y)
    page.mouse.down()
    page.mouse.move(track["x"] + track["width"] * where, y, steps=4)
    page.mouse.up()


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
    where = page.evaluate(FIND_SLIDE_JS, label)
    if where is None:
        raise RuntimeError(f"no control labelled {label!r} on any slide")
    page.evaluate("hash => { location.hash = hash; }", where)
    page.wait_for_timeout(800)
    if not page.evaluate(FIGURES_JS):
        raise RuntimeError(f"the slide with {label!r} ({where}) shows no figure")


def move(page: Page, kind: str, label: str, values: tuple[str, str], number: int) -> None:
    """One change of the control: slider to either end, checkbox toggled, menu switched."""
    scope = page.locator("section.present")
    if kind == "slider_end":
        click_track(page, label, 0.02 if number % 2 == 0 else 0.98)
    elif kind == "checkbox":
        scope.locator(".widget-checkbox", has_text=label).first.locator("input").click()
    else:
        box = scope.locator(".widget-dropdown, .widget-select-multiple", has_text=label).first
        box.locator("select").select_option(label=values[number % 2])


def latencies(page: Page, interaction: tuple[str, str, str], moves: int) -> list[float]:
    """Milliseconds from input to figure change for each move (NaN: no redraw in 15 s)."""
    kind, label, value = interaction
    values = (value, value)
    if kind == "select":
        box = page.locator(
            "section.present .widget-dropdown, section.present .widget-select-multiple",
            has_text=label,
        ).first
        options = box.locator("select option").all_inner_texts()
        values = (next(o for o in options if o != value), value)
    page.evaluate("() => { window.__lat = []; }")
    for number in range(moves + 1):  # the first move warms up the kernel and the page
        page.evaluate(ARM_JS)
        move(page, kind, label, values, number)
        page.wait_for_function("n => window.__lat.length >= n", arg=number + 1, timeout=20_000)
        page.evaluate(QUIET_JS)
    return page.evaluate("() => window.__lat")[1:]


def percentile(values: list[float], q: float) -> float:
    """The q-quantile as tests/test_slides.py takes it (an observed value, no interpolation)."""
    ordered = sorted(values)
    return ordered[int(q * (len(ordered) - 1))]


def measure_lesson(browser: Any, lesson: Lesson, port: int, moves: int) -> list[float]:
    """Serve one lesson, move its control ``moves`` times, stop the server."""
    assert lesson.interaction is not None
    with (
        tempfile.TemporaryDirectory(prefix="bench-latency-") as tmp,
        voila(lesson.path, port, Path(tmp)) as base,
    ):
        context = browser.new_context(viewport={"width": 1280, "height": 720})
        try:
            context.add_init_script(f"({SEND_CLOCK_JS})()")
            page = context.new_page()
            open_lesson(page, base, lesson.interaction[1])
            return latencies(page, lesson.interaction, moves)
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
