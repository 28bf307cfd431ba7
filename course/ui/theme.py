"""One look for every figure in the course, applied with one call.

Why a module and not per-lesson styling: lecturers project these figures in rooms where the back
row must read them, and some students see colours differently. Fixing palette, fonts and sizes in
one place (as d2l and Neuromatch do) keeps every lesson consistent and lets no lesson pick its own
colours.

The palette is Okabe & Ito's eight-colour set ("Color Universal Design", 2008), chosen because it
stays distinguishable under the common forms of colour-vision deficiency. The seven policy options
get a sequential scale instead (viridis, light to dark), because they are ordered by escalation
risk and the colour should say so.

Usage in a lesson::

    from course.ui.theme import apply_theme
    apply_theme()
"""

from __future__ import annotations

import copy
import json
import pkgutil
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

#: One colour per policy option, light to dark as the escalation risk rises: seven evenly spaced
#: samples of viridis (van der Walt & Smith, matplotlib 2015), a published sequential palette
#: designed to stay ordered and distinguishable with the common colour-vision deficiencies and in
#: greyscale. The palest end of viridis (yellow) is left out so option 1 shows on white; a test
#: checks that neighbours differ visibly, also under simulated deuteranopia and protanopia.
OPTION_COLOURS: tuple[str, ...] = (
    "#bcdf2a",
    "#65ca5d",
    "#2cac80",
    "#248b8c",
    "#306a8e",
    "#404286",
    "#450f61",
)

#: Colours for the two kinds of response outside the ladder, from the Okabe-Ito palette so they
#: stand apart from the option ramp: police takedowns orange, help to the victim state reddish
#: purple.
OFF_LADDER_COLOURS = MappingProxyType(
    {"law_enforcement": PALETTE[1], "victim_assistance": PALETTE[3]}
)

#: What followed a response (``course.engine.data.RESPONSE_OUTCOMES``), one colour each across the
#: course: good news green and blue, bad news vermillion and orange, grey for "not known".
OUTCOME_COLOURS = MappingProxyType(
    {
        "stopped": "#009E73",
        "arrested": "#0072B2",
        "refused": "#CC79A7",
        "rebranded": "#E69F00",
        "continued": "#D55E00",
        "host_retaliated": "#000000",
        "unknown": "#B8B8B8",
    }
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


#: The plotly trace types the course draws. The template carries plotly_white's defaults for these
#: only: plotly_white holds defaults for 24 trace types, and validating all of them cost about
#: 0.3 s in every kernel; a ``"plotly_white+course"`` default also re-merged both templates for
#: every figure (17 ms each, against under 1 ms now). ``tests/test_theme_and_widgets.py`` checks
#: that every lesson figure uses only these types.
TRACE_TYPES: tuple[str, ...] = ("bar", "scatter", "heatmap")


def _course_layout() -> dict[str, object]:
    """The course's own layout settings, laid over plotly_white's."""
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
    return {
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


def _laid_over(base: dict[str, object], top: dict[str, object]) -> dict[str, object]:
    """``base`` with ``top`` laid over it, nested dictionaries merged key by key (copies)."""
    merged = copy.deepcopy(base)
    for key, value in top.items():
        below = merged.get(key)
        if isinstance(value, dict) and isinstance(below, dict):
            merged[key] = _laid_over(below, value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def _plotly_white() -> dict[str, dict]:
    """plotly_white as plotly ships it (package data), read as plain JSON.

    Why not ``pio.templates["plotly_white"]``: that builds a Template object for all 24 trace
    types, which the course would only turn back into a dictionary.
    """
    raw = pkgutil.get_data("plotly", "package_data/templates/plotly_white.json")
    if raw is None:  # pragma: no cover - plotly installed without its package data
        raise RuntimeError("plotly's plotly_white template is missing from its package data")
    return json.loads(raw)


def _template() -> go.layout.Template:
    """Build the course template: plotly_white with the course's layout laid over it.

    The same result as plotly's ``"plotly_white+course"`` merge for the trace types in
    :data:`TRACE_TYPES`, built once as one template (a function so tests can inspect a fresh
    copy). Built without plotly's per-property validation, as plotly builds its own templates
    from package data: both parts are fixed in code, and ``tests/test_theme_and_widgets.py``
    checks the result against plotly's validated merge.
    """
    white = _plotly_white()
    return go.layout.Template(
        {
            "layout": _laid_over(white["layout"], _course_layout()),
            "data": {kind: white["data"][kind] for kind in TRACE_TYPES},
        },
        _validate=False,
    )


def _register_as_default(
    name: str, template: go.layout.Template, registry: object | None = None
) -> None:
    """Register ``template`` under ``name`` and make it plotly's default.

    Why not only ``pio.templates[name] = template; pio.templates.default = name``: both setters
    validate a deep copy of the template, property by property: about 45 ms, of which the
    first figure pays part back (plotly loads its validators then), so a lesson kernel saves
    25-35 ms, for a template built from fixed code. plotly's registry stores its own package
    templates unvalidated in the same mapping; this does that too. If a plotly release renames
    those attributes, the public setters are used and only speed is lost (a test checks that
    figures get the template either way).
    """
    registry = pio.templates if registry is None else registry
    store = getattr(registry, "_templates", None)
    if isinstance(store, dict) and hasattr(registry, "_default"):
        store[name] = template
        registry._default = name
    else:
        registry[name] = template  # type: ignore[index]
        registry.default = name  # type: ignore[attr-defined]


def apply_theme() -> str:
    """Register the course template and make it plotly's default; return its name.

    Calling it twice is harmless: the template is rebuilt and re-registered.
    """
    _register_as_default(TEMPLATE_NAME, _template())
    # Not touched here: plotly's renderers (``pio.renderers``), whose import costs 0.9 s; the
    # lessons show figures with ``course.ui.show.show``, which sends the responsive config itself.
    return pio.templates.default


def option_colour(number: int) -> str:
    """Colour for policy option ``number`` (1..7), darker for riskier options."""
    if isinstance(number, bool) or not isinstance(number, int) or not 1 <= number <= 7:
        raise ValueError(f"option: got {number!r}; allowed: an integer from 1 to 7")
    return OPTION_COLOURS[number - 1]
