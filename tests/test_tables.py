"""Lesson tables (course.ui.tables): what a student sees in each cell, and what a bad call says."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from course.ui.tables import TableView, table_view


def cells(page: str, tag: str = "td") -> list[str]:
    return re.findall(rf"<{tag}(?:\s[^>]*)?>(.*?)</{tag}>", page)


def test_every_cell_shows_its_whole_text_escaped_with_its_style_on_the_cell() -> None:
    sentence = "A long description of what was asked <and> what the host did & said, " * 3
    frame = pd.DataFrame({"Description": [sentence], "Count": [3]})
    page = table_view(frame, index=False).to_html()
    assert cells(page) == [
        sentence.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"),
        "3",
    ]
    assert cells(page, "th") == ["Description", "Count"]
    assert "<style" not in page and " id=" not in page  # nothing Voila would drop
    first, second = re.findall(r"<td ([^>]*)>", page)
    assert "white-space: normal" in first and "text-align: left" in first
    assert "white-space: nowrap" in second  # a short column never breaks


def test_floats_use_the_tables_precision_and_missing_values_show_as_pandas_shows_them() -> None:
    frame = pd.DataFrame({"risk": [2.8, np.nan], "n": pd.array([1, None], dtype="Int64")})
    assert cells(table_view(frame, index=False, precision=1).to_html()) == [
        "2.8", "1", "nan", "&lt;NA&gt;",
    ]  # fmt: skip
    assert cells(table_view(frame, index=False).to_html())[0] == "2.800000"


def test_the_index_name_heads_the_index_column() -> None:
    frame = pd.DataFrame({"Risk": [1.5]}, index=pd.Index(["Willing and able"], name="Host state"))
    page = table_view(frame, precision=1).to_html()
    assert cells(page, "th") == ["Host state", "Risk", "Willing and able"]
    assert cells(page) == ["1.5"]


def test_column_styles_reach_only_their_column() -> None:
    frame = pd.DataFrame({"Date": ["2007-05-10 and later"], "What": ["x" * 40]})
    page = table_view(frame, index=False, column_styles={"Date": {"min-width": "8em"}}).to_html()
    date, what = re.findall(r"<td ([^>]*)>", page)
    assert "min-width: 8em" in date and "min-width" not in what


def test_bad_calls_name_the_argument_and_what_is_allowed() -> None:
    frame = pd.DataFrame({"A": [1]})
    with pytest.raises(ValueError, match=r"column_styles: unknown column\(s\) 'B'; allowed: 'A'"):
        table_view(frame, column_styles={"B": {"white-space": "nowrap"}})
    with pytest.raises(ValueError, match=r"precision: got -1; allowed: a whole number >= 0"):
        table_view(frame, precision=-1)
    with pytest.raises(TypeError, match="frame: got list; expected a pandas DataFrame"):
        TableView([1, 2])  # type: ignore[arg-type]


def test_the_notebook_shows_the_same_html() -> None:
    view = table_view(pd.DataFrame({"A": ["x"]}), index=False)
    assert view._repr_html_() == view.to_html()
    assert repr(view) == "TableView(1 rows x 1 columns)"
