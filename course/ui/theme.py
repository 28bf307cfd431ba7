"""One look for every figure in the course, applied with one call.

Why a module and not per-lesson styling: lecturers project these figures in rooms where the back
row must read them, and some students see colours differently. Fixing palette, fonts and sizes in
one place (as d2l and Neuromatch do) keeps every lesson consistent and lets no lesson pick its own
colours.

The palette is Okabe & Ito's eight-colour set ("Color Universal Design", 2008), chosen because it
stays distinguishable under the common forms of colour-vision deficiency. The seven policy options
get a sequential scale instead (light to dark), because they are ordered by escalation risk and
the colour should say so.

Usage in a lesson::

    from course.ui.theme import apply_theme
    apply_theme()
"""

from __future__ import annotations

from types import MappingProxyType

import plotly.graph_objects as go
import plotly.io as pio

TEMPLATE_NAME = "course"

#: Okabe-Ito palette, in the order plotly cycles through it (black moved last).
PALETTE: tuple[str, ...] = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#D55E00",  # vermillion
    "#F0E442",  # yellow
    "#000000",  # black
)

#: Seven steps from pale to dark (a single-hue ramp readable in greyscale), one per policy option.
OPTION_COLOURS: tuple[str, ...] = (
    "#c6dbef",
    "#9ecae1",
    "#6baed6",
    "#4292c6",
    "#2171b5",
    "#08519c",
    "#08306b",
)

#: Colours for the risk bands of the escalation model, from calm to alarming.
BAND_COLOURS = MappingProxyType(
    {
        "negligible": "#009E73",
        "low": "#56B4E9",
        "moderate": "#F0E442",
        "high": "#E69F00",
        "severe": "#D55E00",
    }
)

#: Font sizes chosen for a projector: body text readable from about ten metres.
FONT_FAMILY = "Source Sans Pro, Segoe UI, Helvetica, Arial, sans-serif"
BASE_FONT_SIZE = 18
TITLE_FONT_SIZE = 24
FIGURE_HEIGHT = 480


def _template() -> go.layout.Template:
    """Build the course template (a function so tests can inspect a fresh copy)."""
    axis = {
        "showgrid": True,
        "gridcolor": "#e5e5e5",
        "zeroline": False,
        "linecolor": "#444444",
        "ticks": "outside",
        "title": {"font": {"size": BASE_FONT_SIZE}},
        "tickfont": {"size": BASE_FONT_SIZE - 2},
        "automargin": True,
    }
    return go.layout.Template(
        layout={
            "colorway": list(PALETTE),
            "font": {"family": FONT_FAMILY, "size": BASE_FONT_SIZE, "color": "#222222"},
            "title": {"font": {"size": TITLE_FONT_SIZE}, "x": 0.0, "xanchor": "left"},
            "paper_bgcolor": "white",
            "plot_bgcolor": "white",
            "height": FIGURE_HEIGHT,
            "margin": {"l": 60, "r": 30, "t": 70, "b": 60},
            "xaxis": axis,
            "yaxis": axis,
            "legend": {"font": {"size": BASE_FONT_SIZE - 2}},
            "hoverlabel": {"font": {"size": BASE_FONT_SIZE - 2}},
        }
    )


def apply_theme() -> str:
    """Register the course template and make it plotly's default; return its name.

    Calling it twice is harmless: the template is rebuilt and re-registered.
    """
    pio.templates[TEMPLATE_NAME] = _template()
    pio.templates.default = f"plotly_white+{TEMPLATE_NAME}"
    return pio.templates.default


def option_colour(number: int) -> str:
    """Colour for policy option ``number`` (1..7), darker for riskier options."""
    if isinstance(number, bool) or not isinstance(number, int) or not 1 <= number <= 7:
        raise ValueError(f"option: got {number!r}; allowed: an integer from 1 to 7")
    return OPTION_COLOURS[number - 1]
