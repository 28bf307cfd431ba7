"""Tables as students read them: whole sentences, left-aligned, without an index of row numbers.

pandas cuts long text to 50 characters and right-aligns cells, which turns a table of reasons or
descriptions into fragments; every lesson table goes through :func:`table_view` instead.
"""

from __future__ import annotations

import pandas as pd
from pandas.io.formats.style import Styler

__all__ = ["table_view"]


def table_view(frame: pd.DataFrame, *, index: bool = True) -> Styler:
    """``frame`` for the notebook: full cell text, left-aligned and top-aligned, text wrapping
    inside the cells, optionally without the index."""
    styler = frame.style.set_properties(
        **{"text-align": "left", "vertical-align": "top", "white-space": "normal"}
    )
    styler = styler.set_table_styles([{"selector": "th", "props": [("text-align", "left")]}])
    return styler if index else styler.hide(axis="index")
