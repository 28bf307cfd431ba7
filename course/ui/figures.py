"""Figure builders shared by several lessons.

Lesson-specific figures live with their lesson's module
(``course.lessons.l01_nonstate_actors``, ...); what more than one lesson draws lives here, so
no lesson re-implements a bar chart of counts.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go


def count_bar(
    frame: pd.DataFrame,
    by: str,
    *,
    colour_by: str | None = None,
    order: Sequence[str] | None = None,
    colour_order: Sequence[str] | None = None,
    title: str = "",
    labels: dict[str, str] | None = None,
) -> go.Figure:
    """Bars counting rows of ``frame`` per value of ``by``, optionally stacked by ``colour_by``.

    Categories with no rows still get a (zero) bar when ``order``/``colour_order`` or a
    categorical dtype lists them: an empty category is information ("no option-7 responses
    against criminals").
    Traces are one per ``colour_by`` value (or one), so a widget can update them in place.
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
    fig = go.Figure()
    if colour_by is None:
        counts = frame[by].astype(str).value_counts().reindex(order, fill_value=0)
        fig.add_bar(x=[labels.get(v, v) for v in order], y=counts.to_list(), name="count")
    else:
        dtype = frame[colour_by].dtype
        if colour_order is not None:
            groups = list(colour_order)
        elif isinstance(dtype, pd.CategoricalDtype):
            groups = list(dtype.categories)
        else:
            groups = sorted(frame[colour_by].dropna().astype(str).unique())
        table = pd.crosstab(frame[by].astype(str), frame[colour_by].astype(str))
        table = table.reindex(index=order, columns=[str(g) for g in groups], fill_value=0)
        for group in table.columns:
            fig.add_bar(
                x=[labels.get(v, v) for v in order],
                y=table[group].to_list(),
                name=labels.get(group, group),
            )
        fig.update_layout(barmode="stack", legend_title_text=labels.get(colour_by, colour_by))
    fig.update_layout(title=title, yaxis_title="Number", xaxis_title=labels.get(by, by))
    return fig
