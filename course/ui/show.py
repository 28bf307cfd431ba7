"""Show a plotly figure in a lesson: ``show(figure)``, the course's ``figure.show()``.

It sends the same output as plotly's ``plotly_mimetype`` renderer (the renderer plotly picks in
a Jupyter kernel): the figure as ``application/vnd.plotly.v1+json``, drawn by the plotly
extension of JupyterLab, Notebook 7 and Voila, and turned into a static page by
``scripts/execute_notebooks.py``.

Why not ``figure.show()``: plotly's renderer module imports ``nbformat``, whose ``jsonschema``
imports ``rfc3987-syntax``, which compiles about 35 Earley grammars when it is imported
(jsonschema issue #1428). That cost 0.9 s in every lesson's kernel before its first figure
appeared, for a check (IRI formats) no lesson uses. ``figure.show()`` still works in a lesson;
it is only slower the first time.
"""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go
from IPython.display import display

from course.ui.plotly_view import figure_json

PLOTLY_MIME = "application/vnd.plotly.v1+json"

#: Plotly's options for a static figure: follow the width of the lesson (a figure drawn while
#: hidden, on a slide not shown yet, would otherwise keep plotly's 700 px fallback; the slides
#: template sends a resize event on every slide change).
STATIC_CONFIG: dict[str, Any] = {"responsive": True}


def figure_bundle(figure: go.Figure) -> dict[str, Any]:
    """The MIME bundle :func:`show` displays: plotly JSON with its config."""
    if not isinstance(figure, go.Figure):
        raise TypeError(f"figure: got {type(figure).__name__}; expected a plotly go.Figure")
    return {PLOTLY_MIME: {**figure_json(figure), "config": dict(STATIC_CONFIG)}}


def show(figure: go.Figure) -> None:
    """Display ``figure`` under the cell, as plotly's own ``figure.show()`` does in a kernel."""
    display(figure_bundle(figure), raw=True)
