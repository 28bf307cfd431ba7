"""The theme module and the widget wiring, tested without a browser."""

from __future__ import annotations

import ipywidgets as w
import plotly.graph_objects as go
import plotly.io as pio
import pytest

from course import theme
from course.widgets import LiveFigure, update_figure_in_place


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


def test_update_in_place_changes_data_and_keeps_the_widget() -> None:
    target = go.FigureWidget(_bars(2))
    update_figure_in_place(target, _bars(5))
    assert len(target.data[0].x) == 5
    assert target.layout.title.text == "5 bars"


def test_update_in_place_replaces_traces_when_their_number_changes() -> None:
    target = go.FigureWidget(_bars(2))
    source = _bars(3)
    source.add_scatter(x=[0], y=[1])
    update_figure_in_place(target, source)
    assert [t.type for t in target.data] == ["bar", "scatter"]


def test_live_figure_follows_its_control_and_reports_bad_input() -> None:
    control = w.IntSlider(value=2, min=-5, max=10)
    live = LiveFigure(_bars, {"n": control}, describe=lambda n: f"<b>{n}</b>")
    control.value = 4  # what a drag does
    assert len(live.figure.data[0].x) == 4
    assert live.details.value == "<b>4</b>"
    control.value = -1
    assert "allowed: 0 or more" in live.status.value
    assert len(live.figure.data[0].x) == 4, "the last good figure stays"
    control.value = 3
    assert live.status.value == ""
    assert len(live.figure.data[0].x) == 3


def test_int_slider_shows_its_whole_label() -> None:
    from course.widgets import int_slider

    control = int_slider(60, 15, 240, 15, "Minutes per session")
    assert (control.value, control.min, control.max, control.step) == (60, 15, 240, 15)
    assert control.style.description_width == "initial"
