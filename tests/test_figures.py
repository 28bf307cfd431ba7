"""Shared figure builders."""

from __future__ import annotations

import pandas as pd
import pytest

from course.ui.figures import count_bar


@pytest.fixture
def frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "kind": pd.Categorical(["a", "a", "b"], categories=["a", "b", "c"]),
            "size": ["small", "large", "large"],
        }
    )


def test_counts_include_empty_categories(frame: pd.DataFrame) -> None:
    fig = count_bar(frame, "kind")
    assert list(fig.data[0].x) == ["a", "b", "c"]
    assert list(fig.data[0].y) == [2, 1, 0]


def test_stacked_counts_have_one_trace_per_group(frame: pd.DataFrame) -> None:
    fig = count_bar(frame, "kind", colour_by="size", labels={"large": "Large"})
    assert [t.name for t in fig.data] == ["Large", "small"]
    assert list(fig.data[0].y) == [1, 1, 0]
    assert fig.layout.barmode == "stack"


def test_empty_selection_keeps_the_same_traces(frame: pd.DataFrame) -> None:
    groups = {"order": ["a", "b", "c"], "colour_order": ["small", "large"]}
    full = count_bar(frame, "kind", colour_by="size", **groups)
    empty = count_bar(frame.iloc[:0], "kind", colour_by="size", **groups)
    assert [t.name for t in empty.data] == ["small", "large"]
    assert list(empty.data[0].y) == [0, 0, 0]
    assert len(full.data) == 2


def test_unknown_column_is_named(frame: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match="column: got 'colour'; allowed: kind, size"):
        count_bar(frame, "colour")
