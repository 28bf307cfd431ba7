"""Wiring between controls and the pure functions that compute what a widget shows.

Why this shape: a widget's behaviour must be testable without a browser. So every widget in the
course is a *pure function* of its inputs (``build(**values) -> figure``, ``describe(**values) ->
HTML``) that lives in a ``course`` module with unit tests; this module only connects controls to
it and hands each new figure to one :class:`~course.ui.plotly_view.PlotlyView`, which the
browser redraws in place (no flicker, no figure piling up under the cell).

Errors from the pure function (a ValueError naming the field) are shown in the widget's status
line instead of crashing the lesson.

Every widget also needs a static fallback beside it: call the same ``build`` with the default
values and show that plain figure, so the lesson reads in a static render and on a projector
before anyone touches a control.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import ipywidgets as w
import plotly.graph_objects as go

from course.ui.plotly_view import PlotlyView

Build = Callable[..., go.Figure]
Describe = Callable[..., str]


def control_values(controls: Mapping[str, w.ValueWidget]) -> dict[str, Any]:
    """Current values of the controls, keyed as the pure function expects them."""
    return {name: control.value for name, control in controls.items()}


class LiveFigure(w.VBox):
    """Controls + a figure (+ optional HTML description) kept in step with a pure function.

    ``LiveFigure(build, controls, describe=None)`` shows the controls above the figure. Each
    control change calls ``build(**values)`` and the page redraws its one figure in place
    (``Plotly.react``: no flicker, nothing piling up); ``describe`` (optional)
    returns HTML shown under the figure (a table, an explanation). ``figure`` is the figure now
    shown. ``refresh()`` is what a control change runs, public so tests and lessons can drive
    the widget from code.
    """

    def __init__(
        self,
        build: Build,
        controls: Mapping[str, w.ValueWidget],
        describe: Describe | None = None,
        *,
        layout_columns: int = 2,
    ) -> None:
        self.build = build
        self.describe = describe
        self.controls = dict(controls)
        self.status = w.HTML()
        self.details = w.HTML()
        self.figure = build(**control_values(self.controls))
        self.output = PlotlyView(self.figure)
        if describe is not None:
            self.details.value = describe(**control_values(self.controls))
        for control in self.controls.values():
            control.observe(self._on_change, names="value")
        boxes = list(self.controls.values())
        grid = w.GridBox(
            boxes,
            layout=w.Layout(grid_template_columns=f"repeat({layout_columns}, minmax(0, 1fr))"),
        )
        children: list[w.Widget] = [grid, self.status, self.output, self.details]
        if any(isinstance(c, w.SelectMultiple) for c in self.controls.values()):
            children.insert(0, multi_select_style())
        super().__init__(children)

    def _on_change(self, _change: dict[str, Any]) -> None:
        self.refresh()

    def refresh(self) -> bool:
        """Recompute and redraw; return False (and show why) if the inputs are rejected."""
        values = control_values(self.controls)
        try:
            figure = self.build(**values)
            details = self.describe(**values) if self.describe is not None else ""
        except ValueError as err:
            self.status.value = f"<span style='color:#D55E00'>&#9888; {err}</span>"
            return False
        self.status.value = ""
        self.figure = figure
        self.output.show(figure)
        self.details.value = details
        return True


def dropdown(options: Mapping[str, Any] | list[Any], value: Any, description: str) -> w.Dropdown:
    """A dropdown sized for the projector (wide label, no truncation)."""
    return w.Dropdown(
        options=options,
        value=value,
        description=description,
        style={"description_width": "initial"},
        layout=w.Layout(width="auto"),
    )


MULTI_SELECT_CLASS = "course-multi-select"
#: Picked rows of a pick-several list in the course's blue with white text, focused or not.
#: Chromium greys out the picked rows of a list that does not have the focus, which reads as
#: "disabled"; the gradient is needed because Chromium ignores a plain background colour there.
MULTI_SELECT_CSS = (
    "<style>"
    ".widget-select-multiple select option:checked,"
    ".widget-select-multiple select:focus option:checked,"
    ".widget-select-multiple select:not(:focus) option:checked {"
    "background: #0072B2 linear-gradient(0deg, #0072B2 0%, #0072B2 100%) !important;"
    "color: #FFFFFF !important; -webkit-text-fill-color: #FFFFFF;}"
    ".widget-select-multiple select option { padding: 2px 6px; }"
    "</style>"
)


def multi_select_style() -> w.HTML:
    """An invisible HTML widget holding :data:`MULTI_SELECT_CSS`; :class:`LiveFigure` shows it
    (once per widget) whenever one of its controls is a pick-several list."""
    return w.HTML(MULTI_SELECT_CSS, layout=w.Layout(display="none"))


def multi_select(labels: Mapping[str, str], description: str) -> w.SelectMultiple:
    """A list to pick several codes from, showing their labels; everything picked at first (the
    static figure's view) and every row visible, so nothing hides behind a scroll bar. Picked
    rows look picked (blue, white text: :data:`MULTI_SELECT_CSS`, added by the LiveFigure that
    shows the list), not greyed out as if disabled."""
    control = w.SelectMultiple(
        options=[(label, code) for code, label in labels.items()],
        value=tuple(labels),
        rows=len(labels),
        description=description,
        style={"description_width": "initial"},
        layout=w.Layout(width="auto"),
    )
    control.add_class(MULTI_SELECT_CLASS)
    return control


def slider(
    value: float, low: float, high: float, step: float, description: str
) -> w.IntSlider | w.FloatSlider:
    """A slider that updates while dragging (the pure functions are fast enough), with its whole
    label visible and room to drag on a projector; whole numbers give an integer slider."""
    whole = all(isinstance(v, int) and not isinstance(v, bool) for v in (value, low, high, step))
    kind = w.IntSlider if whole else w.FloatSlider
    extra = {} if whole else {"readout_format": ".2f"}
    return kind(
        value=value,
        min=low,
        max=high,
        step=step,
        description=description,
        continuous_update=True,
        style={"description_width": "initial"},
        layout=w.Layout(width="min(100%, 40em)"),
        **extra,
    )
