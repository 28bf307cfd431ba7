"""Tables as students read them: whole sentences, left-aligned, without an index of row numbers.

pandas cuts long text to 50 characters and right-aligns cells, which turns a table of reasons or
descriptions into fragments; every lesson table goes through :func:`table_view` instead.
"""

from __future__ import annotations

import html
import re

import pandas as pd
from pandas.io.formats.style import Styler

__all__ = ["TableView", "table_view"]

_STYLE_BLOCK = re.compile(r"<style[^>]*>(.*?)</style>", re.S)
_RULE = re.compile(r"([^{}]+)\{([^}]*)\}")
_CELL_WITH_ID = re.compile(r'<(td|th)([^>]*?) id="([^"]+)"')


def inline_styles(page: str) -> str:
    """Copy a Styler's CSS rules onto the cells they style, as ``style`` attributes.

    Voila (``make present``) drops ``<style>`` blocks and ``id`` attributes from outputs, so a
    Styler's left alignment and wrapping vanished on the slides; inline styles survive.
    """
    found = _STYLE_BLOCK.search(page)
    if not found:
        return page
    by_id: dict[str, str] = {}
    header = ""
    for selectors, body in _RULE.findall(found.group(1)):
        props = " ".join(body.split())
        for selector in (s.strip() for s in selectors.split(",")):
            if selector.endswith(" th"):
                header += props
            elif selector.startswith("#"):
                by_id[selector[1:]] = by_id.get(selector[1:], "") + props

    def cell(match: re.Match[str]) -> str:
        tag, attributes, ident = match.groups()
        style = (header if tag == "th" else "") + by_id.get(ident, "")
        return f'<{tag}{attributes} id="{ident}" style="{style}"'

    rest = _CELL_WITH_ID.sub(cell, page[found.end() :])
    rest = re.sub(r"<th(?=[\s>])(?![^>]*style=)", f'<th style="{header}"', rest)
    return page[: found.end()] + rest


class TableView(Styler):
    """A Styler whose notebook HTML carries its styles inline too (see :func:`inline_styles`),
    so tables look the same in JupyterLab and on Voila slides."""

    def _repr_html_(self) -> str:
        return inline_styles(self.to_html())


def table_view(frame: pd.DataFrame, *, index: bool = True) -> Styler:
    """``frame`` for the notebook: full cell text (HTML-escaped, so a ``<`` in a description
    shows as itself), left-aligned and top-aligned, text wrapping inside the cells, optionally
    without the index."""
    shown = frame.apply(
        lambda column: column.map(
            lambda v: html.escape(v, quote=False) if isinstance(v, str) else v
        )
    )
    styler = TableView(shown).set_properties(
        **{"text-align": "left", "vertical-align": "top", "white-space": "normal"}
    )
    styler = styler.set_table_styles([{"selector": "th", "props": [("text-align", "left")]}])
    return styler if index else styler.hide(axis="index")
