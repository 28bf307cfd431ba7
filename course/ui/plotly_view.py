"""A live plotly figure that redraws in place: the figure of every course widget.

Why not an ``Output`` widget holding plotly's MIME output (what the course did first): every
change replaced the output, so JupyterLab built a new renderer, plotly drew the figure from
scratch, then redrew it once more on the renderer's first update and rasterised it to a PNG
(the renderer keeps one for notebooks saved without plotly.js). Three draws per change put the
browser at 150-300 ms per slider move on a projector laptop. Here the front-end keeps one plot
and hands each new figure to ``Plotly.react``, which changes only what differs.

Why not plotly's own ``go.FigureWidget``: it ships a second copy of plotly.js (4.8 MB) inside
every widget, and draws before JupyterLab attaches it to the page, so it keeps plotly's
fallback width of 700 px instead of filling the lesson.

Where plotly.js comes from: the plotly extension that JupyterLab, Notebook 7 and Voila already
load for plotly's MIME outputs (``jupyterlab-plotly``, installed with the ``plotly`` package).
The view asks that extension to load plotly.js if no figure on the page has done so yet. In a
front-end without it, the view says so in one line; every widget in the course has a static
figure beside it, so nothing is lost.
"""

from __future__ import annotations

import json
from typing import Any

import anywidget
import plotly.graph_objects as go
import traitlets

#: Plotly's options for every live figure: follow the width of the lesson (a figure drawn
#: while hidden, on a slide not shown yet, would otherwise keep plotly's 700 px fallback).
#: No mode bar: its eleven buttons per figure were tab stops a keyboard user had to pass before
#: reaching the next control; hover, zoom by drag and double-click reset still work.
PLOTLY_CONFIG: dict[str, Any] = {"responsive": True, "displaylogo": False, "displayModeBar": False}

#: Shown instead of the figure where no plotly.js can be had (a front-end without the plotly
#: extension). Every widget in the course has a static figure beside it.
NO_PLOTLY_MESSAGE = (
    "This front-end cannot draw live plotly figures; the static figure beside this control "
    "shows the same view with the default values."
)

_ESM = """
const PLOTLY_MIME = "application/vnd.plotly.v1+json";
let loading = null;

// plotly.js as loaded by the plotly extension of JupyterLab, Notebook 7 and Voila: already on
// the page once any plotly output was drawn; otherwise ask the extension's renderer to load it.
async function getPlotly() {
  if (window.Plotly) return window.Plotly;
  if (!loading) {
    loading = (async () => {
      const container = window._JUPYTERLAB && window._JUPYTERLAB["jupyterlab-plotly"];
      if (!container) return null;
      const factory = await container.get("./mimeExtension");
      const mod = factory();
      const Renderer = mod.RenderedPlotly;
      if (!Renderer) return null;
      if (!Renderer.Plotly) {
        const probe = new Renderer({ mimeType: PLOTLY_MIME });
        const empty = { data: { [PLOTLY_MIME]: { data: [], layout: {} } }, setData() {} };
        await probe.renderModel(empty);
        probe.dispose();
      }
      return Renderer.Plotly || window.Plotly || null;
    })().catch(() => null);
  }
  return loading;
}

function describe(el, figure) {
  const layout = figure.layout || {};
  const t = layout.title;
  const title = t && (typeof t === "string" ? t : t.text);
  const alt = (layout.meta && layout.meta.alt) || title || "figure";
  // "figure", not "img": plotly's mode bar inside the plot holds buttons, and an image may not.
  el.setAttribute("role", "figure");
  el.setAttribute("aria-label", String(alt).replace(/<[^>]+>/g, ""));
}

// ipywidgets draws sliders with noUiSlider, whose handle (the element with role "slider" that
// takes the keyboard) has no accessible name: name each handle after its slider's visible label.
// Installed once per page by the first live figure; every slider in the course sits in a
// widget with a live figure, and the observer also names sliders drawn later.
function nameSliderHandles() {
  if (window.__courseSliderNames) return;
  window.__courseSliderNames = true;
  const name = () => {
    const unnamed = ".widget-slider .noUi-handle:not([aria-label])";
    for (const handle of document.querySelectorAll(unnamed)) {
      const slider = handle.closest(".widget-slider");
      const label = slider && slider.querySelector(".widget-label");
      const text = label && label.textContent.trim();
      if (text) handle.setAttribute("aria-label", text);
    }
  };
  new MutationObserver(name).observe(document.body, { childList: true, subtree: true });
  name();
}

export default {
  async render({ model, el }) {
    nameSliderHandles();
    el.classList.add("course-plotly-view");
    const plot = document.createElement("div");
    plot.style.width = "100%";
    el.appendChild(plot);
    const Plotly = await getPlotly();
    if (!Plotly) {
      plot.textContent = model.get("no_plotly_message");
      return;
    }
    let pending = null;
    let busy = false;
    // One draw at a time; a figure that arrives meanwhile waits, and only the newest is drawn.
    const draw = async () => {
      pending = model.get("figure");
      if (busy) return;
      busy = true;
      try {
        while (pending) {
          const figure = pending;
          pending = null;
          describe(plot, figure);
          await Plotly.react(plot, figure.data || [], figure.layout || {}, model.get("config"));
        }
      } catch (error) {
        console.error("course: a figure could not be drawn", error);
      } finally {
        busy = false;  // a figure that failed must not stop the next one from being drawn
      }
    };
    model.on("change:figure", draw);
    await draw();
    const resize = new ResizeObserver(() => {
      if (plot.offsetWidth > 0 && plot.offsetHeight > 0) Plotly.Plots.resize(plot);
    });
    resize.observe(el);
    return () => {
      resize.disconnect();
      model.off("change:figure", draw);
      Plotly.purge(plot);
    };
  },
};
"""


def figure_json(figure: go.Figure) -> dict[str, Any]:
    """``figure`` as plain JSON (numpy arrays and dates as plotly serialises them)."""
    return json.loads(figure.to_json())


class PlotlyView(anywidget.AnyWidget):
    """One plotly figure in the page, redrawn in place by ``show(new_figure)``.

    ``shown`` is the figure (as JSON) the page holds now: what a test checks instead of the
    pixels. The figure's ``layout.meta.alt`` (or its title) becomes the plot's accessible name.
    """

    _esm = _ESM
    figure = traitlets.Dict().tag(sync=True)
    config = traitlets.Dict(PLOTLY_CONFIG).tag(sync=True)
    no_plotly_message = traitlets.Unicode(NO_PLOTLY_MESSAGE).tag(sync=True)

    def __init__(self, figure: go.Figure | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.layout.width = "100%"
        if figure is not None:
            self.show(figure)

    def show(self, figure: go.Figure) -> None:
        """Send ``figure`` to the page, which redraws the plot it already has."""
        if not isinstance(figure, go.Figure):
            raise TypeError(f"figure: got {type(figure).__name__}; expected a plotly go.Figure")
        self.figure = figure_json(figure)

    @property
    def shown(self) -> dict[str, Any]:
        """The figure the page shows now, as plotly JSON (``data`` and ``layout``)."""
        return self.figure
