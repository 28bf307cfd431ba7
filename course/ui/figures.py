"""Figure builders shared by several lessons.

Lesson-specific figures live with their lesson's module
(``course.lessons.l01_nonstate_actors``, ...); what more than one lesson draws lives here, so
no lesson re-implements a bar chart of counts, and every count axis, legend and empty selection
looks the same in every lesson:

- :func:`count_axis`: whole-number ticks for counts (plotly's automatic ticks show 0.5 steps
  when the largest count is small, and "2.5 incidents" makes no sense);
- :func:`legend_below`: a horizontal legend under the plot, with room made for it, so long
  labels are neither clipped nor squeeze the plot at a 1280 px screen or on a projector;
- :func:`show_empty`: an empty selection says so in words instead of drawing blank axes.
"""

from __future__ import annotations

import textwrap
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd
import plotly.graph_objects as go

__all__ = [
    "count_axis",
    "count_bar",
    "legend_below",
    "legend_below_layout",
    "level_ticks",
    "show_empty",
]

#: Width (px) of the plot a legend is laid out for: a lesson's output area at 1280 px with the
#: file browser open, and a 16:9 slide.
LEGEND_WIDTH_PX = 760
#: Height of one legend row, and the width of a legend entry's symbol and gap, at the theme's
#: legend font (16 px), measured in Chromium.
_LEGEND_ROW_PX = 26
_LEGEND_SYMBOL_PX = 48
_CHAR_PX = 8.6


def count_axis(max_count: float) -> dict[str, object]:
    """Axis settings for a count: whole-number ticks from 0, never 0.5 steps.

    The step is 1, 2 or 5 times a power of ten, the smallest that keeps at most eight ticks;
    ``tickformat ",d"`` prints whole numbers with a thousands separator.
    """
    if isinstance(max_count, bool) or not isinstance(max_count, int | float) or max_count < 0:
        raise ValueError(f"max_count: got {max_count!r}; allowed: a number 0 or more")
    step = 1
    while max_count / step > 8:
        for factor in (2, 2.5, 2):  # 1 -> 2 -> 5 -> 10 -> 20 -> 50 -> 100 ...
            step = int(step * factor)
            if max_count / step <= 8:
                break
    return {"tick0": 0, "dtick": step, "tickformat": ",d", "rangemode": "tozero"}


def level_ticks(labels: Sequence[str], width: int = 12) -> dict[str, object]:
    """Category-axis settings that keep long labels level: each label wrapped onto lines of at
    most ``width`` characters ("Proxies for a state" -> "Proxies for<br>a state"), never slanted
    into the legend or overlapping its neighbour."""
    labels = [str(v) for v in labels]
    return {
        "tickmode": "array",
        "tickvals": labels,
        "ticktext": ["<br>".join(textwrap.wrap(v, width=width)) or v for v in labels],
        "tickangle": 0,
    }


def _legend_rows(labels: Iterable[str], width_px: int, title: str = "") -> int:
    """How many rows plotly needs for a horizontal legend of ``labels`` in ``width_px``."""
    rows, used = 1, len(title) * _CHAR_PX + (12 if title else 0)
    for label in labels:
        entry = _LEGEND_SYMBOL_PX + len(str(label)) * _CHAR_PX
        if used and used + entry > width_px:
            rows, used = rows + 1, 0
        used += entry
    return rows


def legend_below(
    fig: go.Figure, *, plot_height: int = 380, below_axis_px: int = 60, width_px: int | None = None
) -> go.Figure:
    """Put ``fig``'s legend under the plot, left-aligned, and make the figure tall enough for it.

    A legend at the side takes the plot's width (long labels squash the bars); one below that
    overflows the figure's height is clipped; one placed at a fraction of the plot's height
    (``y=-0.3``) covers the axis labels wherever the figure is drawn shorter than planned (a
    slide fits a figure to the slide). So the legend goes below, anchored to the bottom of the
    figure (``yref="container"``), and the figure's height and bottom margin grow by the rows
    the legend needs at ``width_px`` (default :data:`LEGEND_WIDTH_PX`). ``below_axis_px`` is
    the room the x axis needs under the plot (tick labels and title).
    """
    shown = [
        t.name
        for t in fig.data
        if t.name and t.showlegend is not False and t.visible in (None, True, "legendonly")
    ]
    top = fig.layout.margin.t if fig.layout.margin.t is not None else 70
    fig.update_layout(
        legend_below_layout(
            shown,
            title=fig.layout.legend.title.text or "",
            top=top,
            plot_height=plot_height,
            below_axis_px=below_axis_px,
            width_px=width_px,
        )
    )
    return fig


def legend_below_layout(
    names: Sequence[str],
    *,
    title: str = "",
    top: int = 70,
    plot_height: int = 380,
    below_axis_px: int = 60,
    width_px: int | None = None,
) -> dict[str, Any]:
    """The layout :func:`legend_below` sets, for a figure built in one ``go.Figure(data,
    layout)`` call (each ``update_layout`` re-validates the whole figure).

    ``names`` are the legend's entries, ``title`` its title, ``top`` the figure's top margin.
    Returns ``legend`` (title included), ``margin`` (``t`` and ``b``) and ``height``.
    """
    rows = _legend_rows(names, width_px or LEGEND_WIDTH_PX, title)
    legend_px = rows * _LEGEND_ROW_PX + 16
    legend: dict[str, Any] = {
        "orientation": "h",
        "x": 0,
        "xanchor": "left",
        "y": 0,
        "yanchor": "bottom",
        "yref": "container",
        "traceorder": "normal",
    }
    if title:
        legend["title"] = {"text": title}
    return {
        "legend": legend,
        "margin": {"t": top, "b": below_axis_px + legend_px},
        "height": top + plot_height + below_axis_px + legend_px,
    }


def show_empty(fig: go.Figure, message: str) -> go.Figure:
    """Say ``message`` in the middle of ``fig`` and hide its axes and legend.

    For a selection with nothing in it: blank axes running from -1 to 6 look like a broken
    chart, a sentence tells the student what happened. The traces stay (a live figure keeps the
    same traces for every input).
    """
    fig.update_layout(
        xaxis={"visible": False},
        yaxis={"visible": False},
        showlegend=False,
        annotations=[
            {
                "text": message,
                "xref": "paper",
                "yref": "paper",
                "x": 0.5,
                "y": 0.5,
                "showarrow": False,
                "font": {"size": 20, "color": "#555555"},
            }
        ],
    )
    return fig


def count_bar(
    frame: pd.DataFrame,
    by: str,
    *,
    colour_by: str | None = None,
    order: Sequence[str] | None = None,
    colour_order: Sequence[str] | None = None,
    title: str = "",
    labels: dict[str, str] | None = None,
    horizontal: bool = False,
    empty_message: str | None = None,
) -> go.Figure:
    """Bars counting rows of ``frame`` per value of ``by``, optionally stacked by ``colour_by``.

    Categories with no rows still get a (zero) bar when ``order``/``colour_order`` or a
    categorical dtype lists them: an empty category is information ("no option-7 responses
    against criminals").
    Traces are one per ``colour_by`` value (or one), so a widget can update them in place.
    The count axis has whole-number ticks (:func:`count_axis`); a stacked chart gets its legend
    below the plot (:func:`legend_below`). ``horizontal`` draws the bars from the left, the
    categories top to bottom. When nothing is counted and ``empty_message`` is given, the
    figure says so instead of showing blank axes (:func:`show_empty`).
    """
    for column in (by, colour_by):
        if column is not None and column not in frame.columns:
            raise ValueError(
                f"column: got {column!r}; allowed: {', '.join(map(str, frame.columns))}"
            )
    labels = labels or {}
    if order is None:
        dtype = frame[by].dtype
        order = (
            list(dtype.categories)
            if isinstance(dtype, pd.CategoricalDtype)
            else sorted(frame[by].dropna().astype(str).unique())
        )
    order = [str(v) for v in order]
    names = [labels.get(v, v) for v in order]

    def bar(counts: list[int], name: str) -> None:
        if horizontal:
            fig.add_bar(x=counts, y=names, name=name, orientation="h")
        else:
            fig.add_bar(x=names, y=counts, name=name)

    fig = go.Figure()
    # Counted with a Counter over the text values: the same numbers as value_counts or crosstab
    # reindexed to ``order``, without their grouping machinery (the explorer redraws on every
    # click).
    if colour_by is None:
        counted = Counter(frame[by].astype(str))
        totals = [counted[value] for value in order]
        bar(totals, "count")
    else:
        dtype = frame[colour_by].dtype
        if colour_order is not None:
            groups = list(colour_order)
        elif isinstance(dtype, pd.CategoricalDtype):
            groups = list(dtype.categories)
        else:
            groups = sorted(frame[colour_by].dropna().astype(str).unique())
        pairs = Counter(zip(frame[by].astype(str), frame[colour_by].astype(str), strict=True))
        for group in map(str, groups):
            bar([pairs[(value, group)] for value in order], labels.get(group, group))
        totals = [sum(pairs[(value, str(group))] for group in groups) for value in order]
        fig.update_layout(barmode="stack", legend_title_text=labels.get(colour_by, colour_by))
    count_title, category_title = "Number", labels.get(by, by)
    biggest = max(totals, default=0)
    if horizontal:
        fig.update_layout(
            xaxis={"title": count_title, **count_axis(biggest)},
            yaxis={"title": category_title, "autorange": "reversed"},
        )
    else:
        fig.update_layout(
            xaxis={"title": category_title, **level_ticks(names)},
            yaxis={"title": count_title, **count_axis(biggest)},
        )
    fig.update_layout(title=title)
    if colour_by is not None:
        legend_below(fig, below_axis_px=60 if horizontal else 90)
    if empty_message is not None and biggest == 0:
        show_empty(fig, empty_message)
    return fig
