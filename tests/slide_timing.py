"""Timing a live figure on a Voila slide: from the student's input to the redrawn figure.

Shared by tests/test_slides.py (a few moves per lesson: does every move redraw, and how fast?)
and benchmarks/bench_browser_latency.py (40 moves per lesson), so both time the same thing.

One move's latency is the time from its input event (the first widget message the page sends
after arming, recorded by :data:`SEND_CLOCK_JS`, which wraps ``WebSocket.send``) to the first
animation frame in which the plotly SVG of the slide changed. Before each move the page is left
quiet (nothing sent for 300 ms), so a move never times the updates of the one before.
"""

from __future__ import annotations

from typing import Any

#: Installed in every page before it loads: the time of each widget message the page sends to
#: the kernel. A control sends its new value in the handler of the input event that changed it
#: (a pointer move on a slider, a change on a menu), so the first send after arming is when the
#: student's input happened; the drag Playwright performs around it is not counted.
SEND_CLOCK_JS = """() => {
  window.__sent = [];
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (data) {
    if (typeof data !== 'string' || data.includes('comm_msg'))
      window.__sent.push(performance.now());
    return send.call(this, data);
  };
}"""

#: The drawn plotly figures of the slide shown now, as one string (changes when one redraws).
FIGURES_JS = """() => [...document.querySelectorAll(
      'section.present .jupyter-widgets .js-plotly-plot')]
    .map(n => [...n.querySelectorAll('.main-svg')].map(svg => svg.innerHTML).join('')).join('|')"""

#: Arms one move: remembers the figure, then checks it every animation frame until it changes
#: (NaN after 15 s without a change).
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

#: Waits until the page has sent nothing for 300 ms, so the next move starts from a quiet page
#: (the updates of the last drag's later positions must not be timed as the next move's).
QUIET_JS = """() => new Promise(done => {
  const check = () => {
    const last = window.__sent.length ? window.__sent[window.__sent.length - 1] : 0;
    if (performance.now() - last > 300) done(true); else setTimeout(check, 50);
  };
  setTimeout(check, 300);
})"""

#: The reveal.js address ('#/h/v') of the slide holding the control labelled ``label``, or null.
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

#: The kinds of control a lesson's metadata may name (``course.interaction``); ``slider_end``
#: is the metadata's name for a slider moved between its ends.
KINDS = ("slider", "slider_end", "checkbox", "select")


def go_to_control(page: Any, label: str) -> str | None:
    """Show the slide holding the control ``label``; its address, or None if no slide has it."""
    where = page.evaluate(FIND_SLIDE_JS, label)
    if where is not None:
        page.evaluate("hash => { location.hash = hash; }", where)
        page.wait_for_timeout(800)
    return where


def click_track(page: Any, label: str, where: float) -> None:
    """Drag a slider's handle to a point of its track, as with a mouse. (Not the Home/End keys:
    reveal.js takes those too and jumps to the first or last slide; and ipywidgets' sliders do
    not move on a click of the track.)"""
    slider = page.locator("section.present .widget-slider", has_text=label).first
    track = slider.locator(".noUi-base").first.bounding_box(timeout=10_000)
    handle = slider.locator(".noUi-handle").first.bounding_box(timeout=10_000)
    if not track or not handle:
        raise RuntimeError(f"the slider {label!r} is not shown")
    y = handle["y"] + handle["height"] / 2
    page.mouse.move(handle["x"] + handle["width"] / 2, y)
    page.mouse.down()
    page.mouse.move(track["x"] + track["width"] * where, y, steps=4)
    page.mouse.up()


def _menu(page: Any, label: str) -> Any:
    scope = page.locator("section.present")
    return scope.locator(".widget-dropdown, .widget-select-multiple", has_text=label).first


def change(page: Any, kind: str, label: str, value: str, number: int) -> None:
    """Move ``number`` of the control: a slider to its start or end in turn, a checkbox
    toggled, a menu switched between ``value`` and another choice in turn."""
    if kind not in KINDS:
        raise ValueError(f"kind: got {kind!r}; allowed: {', '.join(KINDS)}")
    if kind in ("slider", "slider_end"):
        click_track(page, label, 0.02 if number % 2 == 0 else 0.98)
    elif kind == "checkbox":
        box = page.locator("section.present .widget-checkbox", has_text=label).first
        box.locator("input").click(timeout=10_000)
    else:
        menu = _menu(page, label)
        other = next(o for o in menu.locator("select option").all_inner_texts() if o != value)
        menu.locator("select").select_option(label=other if number % 2 == 0 else value)


def latencies(
    page: Any, kind: str, label: str, value: str, moves: int, *, warm_up: int = 0
) -> list[float]:
    """Milliseconds from input to figure change for each of ``moves`` changes of the control on
    the slide shown now, after ``warm_up`` untimed ones; stops at the first move that did not
    redraw (its entry is NaN)."""
    page.evaluate("() => { window.__lat = []; }")
    for number in range(warm_up + moves):
        page.evaluate(ARM_JS)
        change(page, kind, label, value, number)
        page.wait_for_function("n => window.__lat.length >= n", arg=number + 1, timeout=20_000)
        page.evaluate(QUIET_JS)
        if page.evaluate("() => Number.isNaN(window.__lat[window.__lat.length - 1])"):
            break
    return page.evaluate("() => window.__lat")[warm_up:]
