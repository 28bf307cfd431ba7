"""The theme module and the widget wiring, tested without a browser."""

from __future__ import annotations

import json
from itertools import pairwise

import ipywidgets
import ipywidgets as w
import plotly.graph_objects as go
import plotly.io as pio
import pytest

from course.ui import theme
from course.ui.plotly_view import PlotlyView
from course.ui.widgets import LiveFigure


def test_apply_theme_sets_the_default_template() -> None:
    name = theme.apply_theme()
    assert pio.templates.default == name
    assert "course" in name
    layout = pio.templates["course"].layout
    assert list(layout.colorway) == list(theme.PALETTE)
    assert layout.font.size >= 16, "fonts must be legible on a projector"


def test_palette_is_okabe_ito_without_duplicates() -> None:
    assert len(set(theme.PALETTE)) == len(theme.PALETTE) == 8
    assert "#E69F00" in theme.PALETTE and "#0072B2" in theme.PALETTE


def test_option_colours_get_darker_with_the_option_number() -> None:
    def luminance(hex_colour: str) -> float:
        r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    values = [luminance(theme.option_colour(n)) for n in range(1, 8)]
    assert values == sorted(values, reverse=True)


@pytest.mark.parametrize("bad", [0, 8, 2.0, True, "3"])
def test_option_colour_rejects_bad_numbers(bad: object) -> None:
    with pytest.raises(ValueError, match="option"):
        theme.option_colour(bad)  # type: ignore[arg-type]


def _bars(n: int) -> go.Figure:
    if n < 0:
        raise ValueError(f"n: got {n}; allowed: 0 or more")
    return go.Figure(go.Bar(x=list(range(n)), y=[1] * n), layout={"title": f"{n} bars"})


def test_plotly_view_holds_the_figure_as_json_with_its_title_and_alt_text() -> None:
    figure = _bars(3)
    figure.update_layout(meta={"alt": "Three bars of height one"})
    view = PlotlyView(figure)
    assert list(view.shown["data"][0]["x"]) == [0, 1, 2]
    assert view.shown["layout"]["title"]["text"] == "3 bars"
    assert view.shown["layout"]["meta"]["alt"] == "Three bars of height one"
    assert view.config["responsive"] is True
    json.dumps(view.get_state()["figure"])  # what the comm sends must be plain JSON
    with pytest.raises(TypeError, match="figure: got dict"):
        view.show({"data": []})


def test_plotly_view_script_redraws_in_place_and_names_the_plot() -> None:
    """The browser half: one plot per view, redrawn with Plotly.react (never newPlot), an
    accessible name from layout.meta.alt, and a message where plotly.js cannot be had."""
    script = PlotlyView._esm
    assert "Plotly.react(" in script and "newPlot" not in script
    assert 'setAttribute("aria-label"' in script and "meta.alt" in script
    assert 'setAttribute("role", "figure")' in script  # plotly's buttons may sit in a figure
    assert "no_plotly_message" in script
    assert "http" not in script, "the view fetches nothing"


def test_live_figure_follows_its_control_and_reports_bad_input() -> None:
    control = w.IntSlider(value=2, min=-5, max=10)
    live = LiveFigure(_bars, {"n": control}, describe=lambda n: f"<b>{n}</b>")
    control.value = 4  # what a drag does
    assert len(live.figure.data[0].x) == 4
    assert len(live.output.shown["data"][0]["x"]) == 4, "the page gets the new figure"
    assert live.details.value == "<b>4</b>"
    control.value = -1
    assert "allowed: 0 or more" in live.status.value
    assert len(live.figure.data[0].x) == 4, "the last good figure stays"
    assert len(live.output.shown["data"][0]["x"]) == 4
    control.value = 3
    assert live.status.value == ""
    assert len(live.figure.data[0].x) == 3


def test_slider_shows_its_whole_label_and_keeps_whole_numbers_whole() -> None:
    from course.ui.widgets import slider

    control = slider(60, 15, 240, 15, "Minutes per session")
    assert isinstance(control, ipywidgets.IntSlider)
    assert (control.value, control.min, control.max, control.step) == (60, 15, 240, 15)
    assert control.style.description_width == "initial"
    assert isinstance(slider(0.5, 0, 1, 0.05, "Attribution"), ipywidgets.FloatSlider)


def test_multi_select_starts_with_everything_picked_and_shows_labels() -> None:
    from course.ui.widgets import multi_select

    control = multi_select({"small": "Small-scale", "large": "Large-scale"}, "Scale")
    assert control.value == ("small", "large")
    assert [label for label, _code in control.options] == ["Small-scale", "Large-scale"]
    assert control.rows == 2


def test_picked_rows_of_a_multi_select_look_picked_not_disabled() -> None:
    """Chromium greys out the picked rows of an unfocused list, which read as disabled. A
    LiveFigure with a pick-several list carries one CSS rule giving picked rows the course's
    blue with white text (the gradient is what Chromium honours there)."""
    from course.ui.widgets import MULTI_SELECT_CSS, multi_select

    control = multi_select({"small": "Small-scale", "large": "Large-scale"}, "Scale")
    assert "course-multi-select" in control._dom_classes
    live = LiveFigure(lambda scale: _bars(len(scale)), {"scale": control})
    styles = [c for c in live.children if isinstance(c, w.HTML) and "<style>" in c.value]
    assert len(styles) == 1, "the rule is injected once per widget"
    css = styles[0].value
    assert css == MULTI_SELECT_CSS
    assert ".widget-select-multiple select option:checked" in css
    assert "background: #0072B2 linear-gradient" in css and "color: #FFFFFF" in css
    assert styles[0].layout.display == "none", "the style widget takes no room"
    plain = LiveFigure(_bars, {"n": w.IntSlider(value=2)})
    assert not any(isinstance(c, w.HTML) and "<style>" in c.value for c in plain.children)


# --- the option palette: ordered, colour-blind safe, neighbours told apart --------------------

# Machado, Oliveira & Fernandes (2009), severity 1.0, applied to linear RGB.
_CVD = {
    "deuteranopia": (
        (0.367322, 0.860646, -0.227968),
        (0.280085, 0.672501, 0.047413),
        (-0.011820, 0.042940, 0.968881),
    ),
    "protanopia": (
        (0.152286, 1.052583, -0.204868),
        (0.114503, 0.786281, 0.099216),
        (-0.003882, -0.048116, 1.051998),
    ),
}


def _linear(hex_colour: str) -> tuple[float, ...]:
    rgb = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    return tuple(c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb)


def _lab(linear: tuple[float, ...]) -> tuple[float, float, float]:
    r, g, b = (min(max(c, 0.0), 1.0) for c in linear)
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116

    return 116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))


def _delta_e(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    return sum((p - q) ** 2 for p, q in zip(a, b, strict=True)) ** 0.5


def _simulate(kind: str, linear: tuple[float, ...]) -> tuple[float, ...]:
    return tuple(sum(m * c for m, c in zip(row, linear, strict=True)) for row in _CVD[kind])


def test_option_colours_are_viridis_samples_ordered_light_to_dark() -> None:
    from plotly.colors import sample_colorscale

    from course.ui.theme import OPTION_COLOURS

    published = sample_colorscale("Viridis", [0.9, 0.76, 0.62, 0.48, 0.34, 0.2, 0.04])
    for ours, theirs in zip(OPTION_COLOURS, published, strict=True):
        rgb = tuple(int(ours[i : i + 2], 16) for i in (1, 3, 5))
        want = tuple(round(float(v)) for v in theirs[4:-1].split(","))
        assert max(abs(p - q) for p, q in zip(rgb, want, strict=True)) <= 1
    lightness = [_lab(_linear(c))[0] for c in OPTION_COLOURS]
    assert lightness == sorted(lightness, reverse=True), "riskier options must be darker"


@pytest.mark.parametrize("vision", ["normal", "deuteranopia", "protanopia"])
def test_neighbouring_options_differ_visibly(vision: str) -> None:
    from course.ui.theme import OPTION_COLOURS

    seen = [_linear(c) for c in OPTION_COLOURS]
    if vision != "normal":
        seen = [_simulate(vision, c) for c in seen]
    labs = [_lab(c) for c in seen]
    gaps = [_delta_e(a, b) for a, b in pairwise(labs)]
    assert min(gaps) >= 12, f"{vision}: neighbours only {min(gaps):.1f} apart (CIE76 delta E)"


def test_every_outcome_and_off_ladder_response_has_its_own_colour() -> None:
    from course.engine.data import RESPONSE_OPTIONS, RESPONSE_OUTCOMES
    from course.ui.theme import OFF_LADDER_COLOURS, OPTION_COLOURS, OUTCOME_COLOURS

    assert set(OUTCOME_COLOURS) == set(RESPONSE_OUTCOMES)
    assert set(OFF_LADDER_COLOURS) == set(RESPONSE_OPTIONS[7:])
    assert not set(OFF_LADDER_COLOURS.values()) & set(OPTION_COLOURS)


def test_course_template_is_plotly_white_under_the_course_layout() -> None:
    """Built once instead of plotly's "plotly_white+course" merge, and drawing the same."""
    merged = pio.templates.merge_templates(
        pio.templates["plotly_white"], go.layout.Template(layout=theme._course_layout())
    ).to_plotly_json()
    built = theme._template().to_plotly_json()
    assert built["layout"] == merged["layout"]
    for kind in theme.TRACE_TYPES:
        assert built["data"][kind] == merged["data"][kind], kind
    assert set(built["data"]) == set(theme.TRACE_TYPES)


def test_the_unvalidated_template_passes_plotlys_validation_unchanged() -> None:
    """The template is built without per-property checks; plotly's checks must agree."""
    built = theme._template().to_plotly_json()
    assert go.layout.Template(built).to_plotly_json() == built


def test_figures_get_the_course_template_as_the_public_setters_would_give_it() -> None:
    theme.apply_theme()
    fast = go.Figure(go.Bar(x=[1], y=[2])).to_plotly_json()["layout"]["template"]
    saved_default = pio.templates.default
    pio.templates["course-public"] = theme._template()
    pio.templates.default = "course-public"
    try:
        public = go.Figure(go.Bar(x=[1], y=[2])).to_plotly_json()["layout"]["template"]
    finally:
        pio.templates.default = saved_default
        del pio.templates["course-public"]
    assert fast == public
    assert fast["layout"]["font"]["size"] == theme.BASE_FONT_SIZE


def test_registration_falls_back_to_plotlys_public_setters() -> None:
    """If a plotly release renames its registry's internals, only speed may be lost."""

    class PublicOnly:
        def __init__(self) -> None:
            self.stored: dict[str, object] = {}
            self.default = ""

        def __setitem__(self, name: str, value: object) -> None:
            self.stored[name] = value

    registry = PublicOnly()
    template = theme._template()
    theme._register_as_default("course", template, registry)
    assert registry.stored == {"course": template} and registry.default == "course"


def test_every_trace_the_course_draws_has_its_template_defaults() -> None:
    """A trace type outside TRACE_TYPES would miss plotly_white's defaults: add it there."""
    import ast
    from pathlib import Path

    from plotly.basedatatypes import BaseTraceType

    drawn: dict[str, str] = {}
    for path in sorted(Path(theme.__file__).resolve().parents[1].rglob("*.py")):
        if "_shipped" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "go"
            ):
                cls = getattr(go, node.func.attr, None)
                if isinstance(cls, type) and issubclass(cls, BaseTraceType):
                    drawn[cls().type] = f"{path.name}:{node.lineno}"
            elif isinstance(node, ast.Dict):  # a trace given as a dict: {"type": "bar", ...}
                for key, value in zip(node.keys, node.values, strict=True):
                    if (
                        isinstance(key, ast.Constant)
                        and key.value == "type"
                        and isinstance(value, ast.Constant)
                        and isinstance(
                            kind := getattr(go, str(value.value).capitalize(), None), type
                        )
                        and issubclass(kind, BaseTraceType)
                    ):
                        drawn[str(value.value)] = f"{path.name}:{node.lineno}"
    assert {"bar", "scatter", "heatmap"} <= set(drawn), drawn
    missing = {kind: where for kind, where in drawn.items() if kind not in theme.TRACE_TYPES}
    assert not missing, f"trace types drawn without template defaults: {missing}"


def test_apply_theme_leaves_plotly_renderers_unloaded() -> None:
    """Lessons show figures with course.ui.show; plotly's renderer module costs 0.9 s to load."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from course.ui.show import show\n"
        "from course.ui.theme import apply_theme\n"
        "import plotly.graph_objects as go\n"
        "apply_theme()\n"
        "show(go.Figure(go.Bar(x=[1], y=[2])))\n"
        "print('plotly.io._renderers' in sys.modules, 'rfc3987_syntax' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split()[-2:] == ["False", "False"]


def test_show_sends_what_plotlys_kernel_renderer_sends() -> None:
    from course.ui.show import PLOTLY_MIME, figure_bundle

    figure = _bars(2)
    figure.update_layout(meta={"alt": "Two bars"})
    renderer = pio.renderers["plotly_mimetype"]
    saved = renderer.config
    renderer.config = {"responsive": True}
    try:
        expected = pio.renderers._build_mime_bundle(
            figure.to_dict(), renderers_string="plotly_mimetype"
        )
    finally:
        renderer.config = saved
    assert json.loads(json.dumps(figure_bundle(figure))) == json.loads(json.dumps(expected))
    assert figure_bundle(figure)[PLOTLY_MIME]["layout"]["meta"]["alt"] == "Two bars"
    with pytest.raises(TypeError, match="figure: got dict"):
        figure_bundle({"data": []})  # type: ignore[arg-type]
