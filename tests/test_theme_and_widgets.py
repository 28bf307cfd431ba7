"""The theme module and the widget wiring, tested without a browser."""

from __future__ import annotations

import ipywidgets
import ipywidgets as w
import plotly.graph_objects as go
import plotly.io as pio
import pytest

from course.ui import theme
from course.ui.widgets import LiveFigure, figure_output


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


def test_figure_output_is_one_plotly_display() -> None:
    output = figure_output(_bars(3))
    assert output["output_type"] == "display_data"
    plot = output["data"]["application/vnd.plotly.v1+json"]
    assert list(plot["data"][0]["x"]) == [0, 1, 2]
    assert plot["layout"]["title"]["text"] == "3 bars"
    assert output["data"]["text/plain"] == "<plotly figure: 3 bars>"


def test_live_figure_follows_its_control_and_reports_bad_input() -> None:
    control = w.IntSlider(value=2, min=-5, max=10)
    live = LiveFigure(_bars, {"n": control}, describe=lambda n: f"<b>{n}</b>")
    control.value = 4  # what a drag does
    assert len(live.figure.data[0].x) == 4
    assert len(live.output.outputs) == 1, "one figure, swapped in place, never piling up"
    shown = live.output.outputs[0]["data"]["application/vnd.plotly.v1+json"]
    assert len(shown["data"][0]["x"]) == 4
    assert live.details.value == "<b>4</b>"
    control.value = -1
    assert "allowed: 0 or more" in live.status.value
    assert len(live.figure.data[0].x) == 4, "the last good figure stays"
    assert (
        len(live.output.outputs[0]["data"]["application/vnd.plotly.v1+json"]["data"][0]["x"]) == 4
    )
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
