"""Tables as students read them: whole sentences, left-aligned, without an index of row numbers.

pandas cuts long text to 50 characters and right-aligns cells, which turns a table of reasons or
descriptions into fragments; every lesson table goes through :func:`table_view` instead.

Why an HTML writer of our own and not pandas' ``Styler`` (what the course used first): the
Styler keeps its look in a ``<style>`` block keyed by cell ids, which Voila drops from outputs,
so the slides lost the alignment and wrapping until the styles were copied onto every cell; it
also costs each kernel 35 ms to import (jinja2) and several milliseconds per table to render.
A lesson table needs one thing: every cell's text, escaped, with its style on the cell itself.
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping
from typing import Any

import pandas as pd

__all__ = ["CELL_STYLE", "HEADER_STYLE", "TableView", "table_view"]

#: The look of every body cell: left-aligned, top-aligned, text wrapping inside the cell.
CELL_STYLE: Mapping[str, str] = {
    "text-align": "left",
    "vertical-align": "top",
    "white-space": "normal",
}
#: The look of every header cell.
HEADER_STYLE: Mapping[str, str] = {"text-align": "left", "vertical-align": "top"}

#: Decimals shown for a float when the table does not say (pandas' Styler showed six).
DEFAULT_PRECISION = 6

#: A column whose every cell is at most this many characters (dates, codes, numbers) stays on
#: one line: wrapping it only breaks "2017-12-19" into "2017-12-" and "19".
SHORT_CELL = 12


def _css(props: Mapping[str, str]) -> str:
    return " ".join(f"{name}: {value};" for name, value in props.items())


def _cell_text(value: Any, precision: int) -> str:
    """A cell's value as escaped text: floats with ``precision`` decimals, missing as pandas
    writes it, text exactly as written (``<`` shows as itself; quotes stay quotes)."""
    if isinstance(value, float) and not math.isnan(value):
        text = f"{value:.{precision}f}"
    elif value is pd.NA:
        text = "<NA>"
    else:
        text = str(value)
    return html.escape(text, quote=False)


class TableView:
    """``frame`` as an HTML table whose cells carry their own style (see the module doc).

    ``column_styles`` adds CSS to the body cells of named columns, e.g. ``{"Date":
    {"white-space": "nowrap"}}``; an unknown column name is an error naming the columns there are.
    A column of short cells (:data:`SHORT_CELL`) stays on one line without being asked.
    """

    def __init__(
        self,
        frame: pd.DataFrame,
        *,
        index: bool = True,
        precision: int = DEFAULT_PRECISION,
        column_styles: Mapping[str, Mapping[str, str]] | None = None,
    ) -> None:
        if not isinstance(frame, pd.DataFrame):
            raise TypeError(f"frame: got {type(frame).__name__}; expected a pandas DataFrame")
        if isinstance(precision, bool) or not isinstance(precision, int) or precision < 0:
            raise ValueError(f"precision: got {precision!r}; allowed: a whole number >= 0")
        styles = dict(column_styles or {})
        unknown = [name for name in styles if name not in frame.columns]
        if unknown:
            raise ValueError(
                f"column_styles: unknown column(s) {', '.join(map(repr, unknown))}; allowed: "
                + ", ".join(map(repr, map(str, frame.columns)))
            )
        self.data = frame
        self.index = index
        self.precision = precision
        self.column_styles = styles

    def _header(self) -> str:
        style = _css(HEADER_STYLE)
        corner = [self.data.index.name or ""] if self.index else []
        names = [*corner, *map(str, self.data.columns)]
        cells = "".join(
            f'<th style="{style}">{html.escape(str(name), quote=False)}</th>' for name in names
        )
        return f"<thead><tr>{cells}</tr></thead>"

    def _column_style(self, column: Any, texts: list[str]) -> str:
        short = {"white-space": "nowrap"} if all(len(t) <= SHORT_CELL for t in texts) else {}
        return _css({**CELL_STYLE, **short, **self.column_styles.get(column, {})})

    def _body(self) -> str:
        texts = [
            [html.unescape(_cell_text(v, self.precision)) for v in self.data[column]]
            for column in self.data.columns
        ]
        styles = [
            self._column_style(column, column_texts)
            for column, column_texts in zip(self.data.columns, texts, strict=True)
        ]
        index_style = _css(CELL_STYLE)
        rows = []
        for label, values in zip(self.data.index, self.data.itertuples(index=False), strict=True):
            head = (
                f'<th style="{index_style}">{_cell_text(label, self.precision)}</th>'
                if self.index
                else ""
            )
            cells = "".join(
                f'<td style="{style}">{_cell_text(value, self.precision)}</td>'
                for style, value in zip(styles, values, strict=True)
            )
            rows.append(f"<tr>{head}{cells}</tr>")
        return f"<tbody>{''.join(rows)}</tbody>"

    def to_html(self) -> str:
        """The table as one HTML fragment (what the notebook, Voila and the site show)."""
        return f'<table class="course-table">{self._header()}{self._body()}</table>'

    def _repr_html_(self) -> str:
        return self.to_html()

    def __repr__(self) -> str:
        return f"TableView({len(self.data)} rows x {len(self.data.columns)} columns)"


def table_view(
    frame: pd.DataFrame,
    *,
    index: bool = True,
    precision: int = DEFAULT_PRECISION,
    column_styles: Mapping[str, Mapping[str, str]] | None = None,
) -> TableView:
    """``frame`` for the notebook: full cell text (HTML-escaped, so a ``<`` in a description
    shows as itself), left-aligned and top-aligned, text wrapping inside the cells, optionally
    without the index; floats with ``precision`` decimals."""
    return TableView(frame, index=index, precision=precision, column_styles=column_styles)
