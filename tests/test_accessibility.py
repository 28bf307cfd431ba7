"""Accessibility: WCAG 2.1 AA checks on what students and lecturers see, with axe-core.

Why: a course taught to a whole class must work for the student who uses a screen reader or
only a keyboard, and for the one in ten men with a red-green colour-vision deficiency.

- The case-study lab as a Voila app (lesson 12, template ``course-app``) is scanned with axe-core
  (axe-playwright-python ships axe.min.js and injects it into the page: nothing is fetched, and
  the test fails if the page requests any other host while it is scanned).
- A keyboard user can reach the lab's first control with Tab and change it with the arrow keys,
  and the figure follows.
- The course palettes come from published colour-blind-safe palettes (viridis, Okabe-Ito), and
  every pair within a palette stays apart under simulated deuteranopia and protanopia (Machado,
  Oliveira & Fernandes 2009), measured with CIEDE2000.
- The built static site (another step builds it) is scanned page by page when the session
  calls `scan_site` on every page of the site it builds (the build runs once per session there).

Figures in JupyterLab's dark theme and the lesson output area are checked in test_browser.py,
which already runs JupyterLab.

Only serious and critical violations of the WCAG 2.0/2.1 A and AA rules fail a test (axe tags
wcag2a, wcag2aa, wcag21a, wcag21aa), and none is allowed. (The first scan found three in the
course's own output, all fixed: slider handles without a name, now named after their label by
course/ui/plotly_view.py; role=img around plotly's buttons, now role=figure; a scrolling table
box the keyboard could not reach in lesson 01, now a focusable named region.)
"""

from __future__ import annotations

import functools
import http.server
import itertools
import os
import re
import socket
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import numpy as np
import pytest
import servers
from playwright.sync_api import Browser, Page

from course.engine.paths import NOTEBOOKS_DIR

REPO = Path(__file__).resolve().parents[1]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SERIOUS = {"serious", "critical"}
LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}
PORTS = range(8900, 8950)
LAB_NOTEBOOK = NOTEBOOKS_DIR / "12_case_study_lab.ipynb"
TEMPLATES = REPO / "jupyter"  # holds voila/templates/course-app, found through JUPYTER_PATH
LAB_FIGURES_JS = """() => [...document.querySelectorAll(
    '.course-case-study-lab .js-plotly-plot .main-svg')].map(svg => svg.innerHTML).join('|')"""

# --- axe ---------------------------------------------------------------------------------------


def axe_violations(
    page: Page, include: list[str] | None = None, exclude: list[str] | None = None
) -> list[dict[str, Any]]:
    """Serious and critical WCAG 2.1 A/AA violations on `page` (optionally in a part of it).

    axe-core comes from the axe-playwright-python package (axe.min.js in its folder) and is
    injected with page.evaluate; it fetches only stylesheets the page links and cannot read.
    """
    from axe_playwright_python.sync_playwright import Axe

    context: dict[str, Any] = {}
    if include:
        context["include"] = [[selector] for selector in include]
    if exclude:
        context["exclude"] = [[selector] for selector in exclude]
    options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
    results = Axe().run(page, context=context or None, options=options)
    return [v for v in results.response["violations"] if v["impact"] in SERIOUS]


def describe(violations: list[dict[str, Any]]) -> str:
    """One line per violation and up to five selectors, for a failure message."""
    lines = []
    for violation in violations:
        targets = [" ".join(map(str, node["target"])) for node in violation["nodes"]]
        lines.append(
            f"{violation['id']} ({violation['impact']}, {len(targets)} nodes): "
            f"{violation['help']}; e.g. {targets[:5]}"
        )
    return "\n".join(lines)


def _free_port() -> int:
    """A free loopback port in this test file's range (8900-8949); each pytest-xdist worker
    starts its search elsewhere in the range, so two workers never pick the same port at once."""
    worker = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
    start = (worker * 10) % len(PORTS)
    for port in [*PORTS[start:], *PORTS[:start]]:
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {PORTS.start}-{PORTS.stop - 1}")


def _record_outside_requests(page: Page, into: list[str]) -> None:
    def watch(request: Any) -> None:
        url = urlparse(request.url)
        if url.scheme in ("http", "https", "ws", "wss") and url.hostname not in LOOPBACK:
            into.append(request.url)

    page.on("request", watch)


# --- the case-study lab in Voila ---------------------------------------------------------------


@pytest.fixture(scope="module")
def voila_lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Voila serving lesson 12 with the course-app template on loopback; stopped by PID."""
    root = tmp_path_factory.mktemp("a11y-voila")
    with servers.voila(
        LAB_NOTEBOOK, template="course-app", templates=TEMPLATES, root=root, port=_free_port()
    ) as base:
        yield base


class LabApp:
    """The lab loaded once in the browser; tests share it (loading runs the whole notebook)."""

    def __init__(self, page: Page, outside: list[str]) -> None:
        self.page = page
        self.outside = outside


@pytest.fixture(scope="module")
def lab_app(voila_lab: str, browser: Browser) -> Iterator[LabApp]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    app = LabApp(page, [])
    _record_outside_requests(page, app.outside)
    try:
        page.goto(voila_lab, timeout=180_000)
        page.locator(".course-case-study-lab").wait_for(timeout=180_000)
        page.wait_for_function(f"() => ({LAB_FIGURES_JS})().length > 0", timeout=60_000)
        yield app
    finally:
        context.close()


@pytest.fixture(scope="module")
def lab_violations(lab_app: LabApp) -> list[dict[str, Any]]:
    requested = len(lab_app.outside)
    violations = axe_violations(lab_app.page)
    assert lab_app.outside[requested:] == [], "axe fetched from another host"
    return violations


@pytest.mark.browser
def test_the_lab_app_has_no_serious_wcag_violation(
    lab_violations: list[dict[str, Any]], lab_app: LabApp
) -> None:
    assert lab_violations == [], describe(lab_violations)
    assert lab_app.outside == [], "the app requested other hosts"


FOCUS_JS = """() => {
    const e = document.activeElement;
    const box = e.closest('.widget-dropdown, .widget-slider');
    return {inLab: !!e.closest('.course-case-study-lab'), tag: e.tagName,
            role: e.getAttribute('role'), value: e.value ?? e.getAttribute('aria-valuenow'),
            label: box ? (box.querySelector('.widget-label')?.textContent ?? '') : null};
}"""


@pytest.mark.browser
def test_the_lab_works_with_the_keyboard_alone(lab_app: LabApp) -> None:
    """Tab to the lab's first dropdown or slider, change it with an arrow key: the figure moves."""
    page = lab_app.page
    page.evaluate("() => document.activeElement?.blur()")
    focus: dict[str, Any] = {}
    presses = 0
    while not (focus.get("inLab") and focus.get("label") is not None):
        if presses == 300:
            pytest.fail(
                f"300 presses of Tab never reached a dropdown or slider of the lab ({focus})"
            )
        page.keyboard.press("Tab")
        presses += 1
        focus = page.evaluate(FOCUS_JS)
    print(f"\nkeyboard: {presses} Tab presses to reach '{focus['label']}' ({focus['tag']})")
    before = page.evaluate(LAB_FIGURES_JS)
    page.keyboard.press("ArrowDown" if focus["tag"] == "SELECT" else "ArrowRight")
    page.wait_for_function(f"b => ({LAB_FIGURES_JS})() !== b", arg=before, timeout=15_000)
    after = page.evaluate(FOCUS_JS)
    assert after["value"] != focus["value"], "the arrow key did not change the control"
    assert after["inLab"], "the change moved the focus out of the lab"


# --- palettes ----------------------------------------------------------------------------------

#: Machado, Oliveira & Fernandes (2009), "A physiologically-based model for simulation of color
#: vision deficiency", severity 1.0, applied to linear RGB.
MACHADO = {
    "deuteranopia": np.array(
        [
            [0.367322, 0.860646, -0.227968],
            [0.280085, 0.672501, 0.047413],
            [-0.011820, 0.042940, 0.968881],
        ]
    ),
    "protanopia": np.array(
        [
            [0.152286, 1.052583, -0.204868],
            [0.114503, 0.786281, 0.099216],
            [-0.003882, -0.048116, 1.051998],
        ]
    ),
}
#: Okabe & Ito (2008), "Color Universal Design": the eight colours.
OKABE_ITO = {"#000000", "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7"}
#: Pairs closer than this (CIEDE2000) are hard to tell apart in a chart legend; the just
#: noticeable difference is about 1, so 6 leaves room for a projector's washed-out colours.
MIN_DELTA_E = 6.0


def _linear_rgb(hex_colour: str) -> np.ndarray:
    srgb = np.array([int(hex_colour[i : i + 2], 16) for i in (1, 3, 5)]) / 255
    return np.where(srgb <= 0.04045, srgb / 12.92, ((srgb + 0.055) / 1.055) ** 2.4)


def _lab(linear: np.ndarray) -> np.ndarray:
    """CIELAB (D65) of a linear-RGB colour, clipped to the displayable range."""
    rgb_to_xyz = np.array(
        [[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]]
    )
    xyz = rgb_to_xyz @ np.clip(linear, 0, 1) / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > 216 / 24389, np.cbrt(xyz), (24389 / 27 * xyz + 16) / 116)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def delta_e_2000(lab1: np.ndarray, lab2: np.ndarray) -> float:
    """CIEDE2000 colour difference (Sharma, Wu & Dalal 2005, with kL = kC = kH = 1)."""
    (l1, a1, b1), (l2, a2, b2) = lab1, lab2
    c_mean = (np.hypot(a1, b1) + np.hypot(a2, b2)) / 2
    g = 0.5 * (1 - np.sqrt(c_mean**7 / (c_mean**7 + 25**7)))
    a1, a2 = a1 * (1 + g), a2 * (1 + g)
    c1, c2 = np.hypot(a1, b1), np.hypot(a2, b2)
    h1, h2 = np.degrees(np.arctan2(b1, a1)) % 360, np.degrees(np.arctan2(b2, a2)) % 360
    dh = 0.0 if c1 * c2 == 0 else (h2 - h1 + 180) % 360 - 180
    d_big_h = 2 * np.sqrt(c1 * c2) * np.sin(np.radians(dh / 2))
    l_mean, c_mean = (l1 + l2) / 2, (c1 + c2) / 2
    if c1 * c2 == 0:
        h_mean = h1 + h2
    elif abs(h1 - h2) <= 180:
        h_mean = (h1 + h2) / 2
    else:
        h_mean = (h1 + h2 + 360) / 2 if h1 + h2 < 360 else (h1 + h2 - 360) / 2
    t = (
        1
        - 0.17 * np.cos(np.radians(h_mean - 30))
        + 0.24 * np.cos(np.radians(2 * h_mean))
        + 0.32 * np.cos(np.radians(3 * h_mean + 6))
        - 0.20 * np.cos(np.radians(4 * h_mean - 63))
    )
    s_l = 1 + 0.015 * (l_mean - 50) ** 2 / np.sqrt(20 + (l_mean - 50) ** 2)
    s_c, s_h = 1 + 0.045 * c_mean, 1 + 0.015 * c_mean * t
    r_t = (
        -2
        * np.sqrt(c_mean**7 / (c_mean**7 + 25**7))
        * np.sin(np.radians(60 * np.exp(-(((h_mean - 275) / 25) ** 2))))
    )
    terms = ((l2 - l1) / s_l, (c2 - c1) / s_c, d_big_h / s_h)
    return float(np.sqrt(sum(x**2 for x in terms) + r_t * terms[1] * terms[2]))


def seen_as(hex_colour: str, vision: str) -> np.ndarray:
    """CIELAB of a colour as seen with normal vision or a simulated deficiency."""
    linear = _linear_rgb(hex_colour)
    return _lab(linear if vision == "normal" else MACHADO[vision] @ linear)


def closest_pair(colours: Iterable[str], vision: str) -> tuple[float, str, str]:
    return min(
        (delta_e_2000(seen_as(a, vision), seen_as(b, vision)), a, b)
        for a, b in itertools.combinations(colours, 2)
    )


def test_colour_difference_matches_sharmas_reference_pairs() -> None:
    """CIEDE2000 against pairs from Sharma, Wu & Dalal's test data (so the check can fail)."""
    pairs = [
        ((50.0, 2.6772, -79.7751), (50.0, 0.0, -82.7485), 2.0425),
        ((50.0, 2.5, 0.0), (73.0, 25.0, -18.0), 27.1492),
        ((60.2574, -34.0099, 36.2677), (60.4626, -34.1751, 39.4387), 1.2644),
        ((22.7233, 20.0904, -46.6940), (23.0331, 14.9730, -42.5619), 2.0373),
    ]
    for lab1, lab2, expected in pairs:
        assert delta_e_2000(np.array(lab1), np.array(lab2)) == pytest.approx(expected, abs=1e-4)


def test_palettes_come_from_published_colour_blind_safe_palettes() -> None:
    from plotly.colors import sample_colorscale

    from course.ui.theme import BAND_COLOURS, OFF_LADDER_COLOURS, OPTION_COLOURS, OUTCOME_COLOURS

    viridis = [
        tuple(round(float(v)) for v in c[4:-1].split(","))
        for c in sample_colorscale("Viridis", list(np.linspace(0, 1, 501)))
    ]
    for colour in OPTION_COLOURS:
        rgb = np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)])
        off_by = min(int(np.abs(rgb - np.array(v)).max()) for v in viridis)
        assert off_by <= 2, f"{colour} is not a sample of viridis (off by {off_by}/255)"
    categorical = {**OUTCOME_COLOURS, **OFF_LADDER_COLOURS, **BAND_COLOURS}
    for name, colour in categorical.items():
        grey = colour[1:3] == colour[3:5] == colour[5:7]  # greys look the same to everyone
        assert colour.upper() in OKABE_ITO or grey, f"{name}: {colour} is not Okabe-Ito"


def _palettes() -> dict[str, list[str]]:
    from course.ui.theme import (
        BAND_COLOURS,
        OFF_LADDER_COLOURS,
        OPTION_COLOURS,
        OUTCOME_COLOURS,
        PALETTE,
    )

    return {
        "OPTION_COLOURS": list(OPTION_COLOURS),
        "OUTCOME_COLOURS": list(OUTCOME_COLOURS.values()),
        "OFF_LADDER_COLOURS": list(OFF_LADDER_COLOURS.values()),
        # lesson 01 draws the options and the responses off the ladder in one figure
        "OPTION_COLOURS + OFF_LADDER_COLOURS": [*OPTION_COLOURS, *OFF_LADDER_COLOURS.values()],
        "BAND_COLOURS": list(BAND_COLOURS.values()),
        "PALETTE": list(PALETTE),
    }


@pytest.mark.parametrize("vision", ["normal", "deuteranopia", "protanopia"])
@pytest.mark.parametrize("palette", list(_palettes()))
def test_every_pair_in_a_palette_stays_distinguishable(palette: str, vision: str) -> None:
    distance, first, second = closest_pair(_palettes()[palette], vision)
    print(f"\n{palette}, {vision}: closest pair {first} / {second}, CIEDE2000 {distance:.1f}")
    assert distance >= MIN_DELTA_E, f"{palette} ({vision}): {first} and {second} {distance:.1f}"


def contrast_ratio(first: tuple[float, ...], second: tuple[float, ...]) -> float:
    """WCAG 2 contrast ratio of two sRGB colours given as 0-255 triples."""

    def luminance(rgb: tuple[float, ...]) -> float:
        c = np.array(rgb[:3]) / 255
        linear = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
        return float(linear @ np.array([0.2126, 0.7152, 0.0722]))

    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_figure_text_contrasts_with_the_opaque_figure_background() -> None:
    """The course template paints figures on opaque white, so the dark theme cannot show through
    it (test_browser.py checks the drawn figure in JupyterLab's dark theme)."""
    from plotly.colors import hex_to_rgb

    from course.ui.theme import _template

    layout = _template().layout
    assert layout.paper_bgcolor == "white" and layout.plot_bgcolor == "white"
    ratio = contrast_ratio(hex_to_rgb(layout.font.color), (255, 255, 255))
    assert ratio >= 4.5, f"text {layout.font.color} on white: {ratio:.1f}:1"


# --- the static site ----------------------------------------------------------------------------


def _serve(folder: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", _free_port()), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


REDIRECT = re.compile(r"<meta[^>]+http-equiv=[\"']?refresh", re.IGNORECASE)


def scan_site(
    browser: Browser, html_files: Iterable[Path], root: Path | None = None
) -> dict[str, list[dict[str, Any]]]:
    """axe on every page of a built static site, served from loopback as a web host would.

    Returns {page path relative to root: serious/critical WCAG 2.1 AA violations}; a page that
    requests another host gets a pseudo-violation "outside-request" listing the URLs (the site
    must work offline). `root` defaults to the pages' common folder.
    """
    files = sorted(Path(f).resolve() for f in html_files)
    # A redirect stub (Jupyter Book's index.html sends the reader on to the first page) has no
    # content of its own, and axe would run into the navigation; its target is scanned anyway.
    files = [f for f in files if not REDIRECT.search(f.read_text("utf-8", errors="ignore"))]
    if not files:
        return {}
    root = (root or Path(os.path.commonpath([f.parent for f in files]))).resolve()
    server, base = _serve(root)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    results: dict[str, list[dict[str, Any]]] = {}
    try:
        for file in files:
            name = file.relative_to(root).as_posix()
            page = context.new_page()
            outside: list[str] = []
            _record_outside_requests(page, outside)
            page.route(
                lambda url: urlparse(url).hostname not in LOOPBACK,
                lambda route: route.abort(),
            )
            page.goto(f"{base}/{name}", wait_until="load", timeout=60_000)
            violations = axe_violations(page)
            if outside:
                violations.append(
                    {"id": "outside-request", "impact": "serious", "help": "offline site",
                     "nodes": [{"target": [url]} for url in sorted(set(outside))]}
                )  # fmt: skip
            results[name] = violations
            page.close()
    finally:
        context.close()
        server.shutdown()
        server.server_close()
    return results


@pytest.mark.browser
def test_scan_site_reports_violations_by_page(browser: Browser, tmp_path: Path) -> None:
    """The site scanner finds a known violation on a small page (so its silence means something)."""
    (tmp_path / "good.html").write_text(
        '<!doctype html><html lang="en"><head><title>Good</title></head>'
        "<body><main><h1>Good</h1><p>Readable.</p></main></body></html>"
    )
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "bad.html").write_text(
        '<!doctype html><html lang="en"><head><title>Bad</title></head>'
        '<body><main><h1>Bad</h1><img src="x.png"></main></body></html>'
    )
    results = scan_site(browser, [tmp_path / "good.html", tmp_path / "sub" / "bad.html"])
    assert results["good.html"] == []
    assert [v["id"] for v in results["sub/bad.html"]] == ["image-alt"]
