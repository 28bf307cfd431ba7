"""Shared figure builders."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import pytest

from course.ui.figures import (
    count_axis,
    count_bar,
    legend_below,
    legend_below_layout,
    level_ticks,
    show_empty,
)


@pytest.fixture
def frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "kind": pd.Categorical(["a", "a", "b"], categories=["a", "b", "c"]),
            "size": ["small", "large", "large"],
        }
    )


def test_counts_include_empty_categories(frame: pd.DataFrame) -> None:
    fig = count_bar(frame, "kind")
    assert list(fig.data[0].x) == ["a", "b", "c"]
    assert list(fig.data[0].y) == [2, 1, 0]


def test_stacked_counts_have_one_trace_per_group(frame: pd.DataFrame) -> None:
    fig = count_bar(frame, "kind", colour_by="size", labels={"large": "Large"})
    assert [t.name for t in fig.data] == ["Large", "small"]
    assert list(fig.data[0].y) == [1, 1, 0]
    assert fig.layout.barmode == "stack"


def test_empty_selection_keeps_the_same_traces(frame: pd.DataFrame) -> None:
    groups = {"order": ["a", "b", "c"], "colour_order": ["small", "large"]}
    full = count_bar(frame, "kind", colour_by="size", **groups)
    empty = count_bar(frame.iloc[:0], "kind", colour_by="size", **groups)
    assert [t.name for t in empty.data] == ["small", "large"]
    assert list(empty.data[0].y) == [0, 0, 0]
    assert len(full.data) == 2


def test_unknown_column_is_named(frame: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match="column: got 'colour'; allowed: kind, size"):
        count_bar(frame, "colour")


@pytest.mark.parametrize(
    ("biggest", "step"), [(0, 1), (1, 1), (3, 1), (8, 1), (9, 2), (17, 5), (30, 5), (47, 10),
                          (160, 20), (339, 50)]
)  # fmt: skip
def test_count_axis_has_whole_number_ticks(biggest: int, step: int) -> None:
    """Plotly's automatic ticks show 0, 0.5, 1, 1.5 for small counts: counts get whole steps."""
    axis = count_axis(biggest)
    assert axis["dtick"] == step and isinstance(axis["dtick"], int)
    assert axis["tickformat"] == ",d" and axis["tick0"] == 0
    assert biggest / step <= 8


def test_count_axis_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match="max_count: got -1"):
        count_axis(-1)


def test_count_bar_counts_on_a_whole_number_axis(frame: pd.DataFrame) -> None:
    fig = count_bar(frame, "kind")
    assert fig.layout.yaxis.dtick == 1 and fig.layout.yaxis.tickformat == ",d"
    flat = count_bar(frame, "kind", horizontal=True)
    assert flat.data[0].orientation == "h" and list(flat.data[0].x) == [2, 1, 0]
    assert flat.layout.xaxis.dtick == 1 and flat.layout.yaxis.autorange == "reversed"


def test_long_category_labels_stay_level(frame: pd.DataFrame) -> None:
    ticks = level_ticks(["Proxies for a state", "Criminals"])
    assert ticks["ticktext"] == ["Proxies for<br>a state", "Criminals"]
    assert ticks["tickangle"] == 0
    fig = count_bar(frame, "kind", labels={"a": "Proxies for a state"})
    assert fig.layout.xaxis.ticktext[0] == "Proxies for<br>a state"


def test_stacked_legend_sits_below_with_room_made_for_it(frame: pd.DataFrame) -> None:
    """A legend at the side squashed the plot; one below that overflowed was clipped. Below,
    anchored to the figure's bottom edge, with the height grown by the rows it needs."""
    short = count_bar(frame, "kind", colour_by="size")
    legend = short.layout.legend
    assert (legend.orientation, legend.yref, legend.yanchor, legend.y) == (
        "h",
        "container",
        "bottom",
        0,
    )
    many = frame.assign(size=[f"a rather long legend label number {i}" for i in range(3)])
    tall = count_bar(many, "kind", colour_by="size")
    assert tall.layout.height > short.layout.height
    assert tall.layout.margin.b > short.layout.margin.b
    figure = legend_below(count_bar(many, "kind", colour_by="size"), width_px=300)
    assert figure.layout.height > tall.layout.height, "a narrower plot needs more legend rows"


def test_legend_below_layout_is_what_legend_below_sets() -> None:
    """Figures built in one constructor call use the layout alone; both ways must agree, and
    the legend's title must survive (it explains the colours)."""
    names = ["Confirmed", "Reported, not confirmed", "Claimed by the attackers only"]
    built = go.Figure(
        data=[go.Bar(x=[1], y=["a"], name=n, orientation="h") for n in names],
        layout={"legend": {"title": {"text": "What officials said"}}, "margin": {"t": 90}},
    )
    legend_below(built, plot_height=300, below_axis_px=70)
    layout = legend_below_layout(
        names, title="What officials said", top=90, plot_height=300, below_axis_px=70
    )
    in_one_call = go.Figure(data=built.data, layout=layout)
    assert in_one_call.layout.legend == built.layout.legend
    assert (in_one_call.layout.height, in_one_call.layout.margin) == (
        built.layout.height,
        built.layout.margin,
    )
    assert in_one_call.layout.legend.title.text == "What officials said"
    assert in_one_call.layout.height == 90 + 300 + 70 + in_one_call.layout.margin.b - 70


def test_an_empty_selection_says_so_in_words(frame: pd.DataFrame) -> None:
    """Blank axes from -1 to 6 looked broken: an empty figure says what happened instead."""
    groups = {"order": ["a", "b", "c"], "colour_order": ["small", "large"]}
    empty = count_bar(frame.iloc[:0], "kind", colour_by="size", empty_message="Nothing here",
                      **groups)  # fmt: skip
    assert [a.text for a in empty.layout.annotations] == ["Nothing here"]
    assert empty.layout.xaxis.visible is False and empty.layout.yaxis.visible is False
    assert empty.layout.showlegend is False
    assert len(empty.data) == 2, "the same traces, so a live figure updates in place"
    full = count_bar(frame, "kind", colour_by="size", empty_message="Nothing here", **groups)
    assert not full.layout.annotations and full.layout.xaxis.visible is not False
    assert show_empty(count_bar(frame, "kind"), "x").layout.annotations[0].text == "x"
