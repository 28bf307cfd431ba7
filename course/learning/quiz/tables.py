"""Questions answered with a pandas DataFrame or Series."""

from __future__ import annotations

import html
import math
import numbers
from typing import Any

import ipywidgets as widgets
import numpy as np
import pandas as pd

from course.learning.quiz.base import Question, Status, _card, normalise_text

# --------------------------------------------------------------------------- tables


def _meaningful_index(index: pd.Index) -> bool:
    """An index holds data (a key) when it is named or not plain integers.

    An unnamed integer index is row numbering (0..n-1, or what is left after filtering rows),
    so it is dropped rather than compared.
    """
    if isinstance(index, pd.MultiIndex):
        return True
    return index.name is not None or not pd.api.types.is_integer_dtype(index.dtype)


def _canonical_frame(data: pd.DataFrame | pd.Series) -> pd.DataFrame:
    """A frame whose meaningful index became columns; Series get positional column names."""
    keep = _meaningful_index(data.index)
    if isinstance(data, pd.Series):
        frame = data.reset_index() if keep else data.reset_index(drop=True).to_frame()
        frame.columns = [f"column {i + 1}" for i in range(frame.shape[1])]
        return frame
    frame = data.reset_index() if keep else data.reset_index(drop=True)
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame


def _sort_key(value: Any) -> tuple[int, Any]:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return (2, "")
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        return (0, round(float(value), 6))
    return (1, normalise_text(str(value)))


def _sorted_rows(frame: pd.DataFrame) -> pd.DataFrame:
    order = sorted(
        range(len(frame)),
        key=lambda i: tuple(_sort_key(v) for v in frame.iloc[i].tolist()),
    )
    return frame.iloc[order].reset_index(drop=True)


def _columns_match(got: pd.Series, want: pd.Series, rtol: float) -> np.ndarray:
    """Element-wise equality: numbers within `rtol`, texts after folding, NaN equals NaN."""
    got_num = pd.to_numeric(got, errors="coerce")
    want_num = pd.to_numeric(want, errors="coerce")
    numeric = want_num.notna() | want.isna()
    if numeric.all() and (got_num.notna() | got.isna()).all():
        a = got_num.to_numpy(dtype=float)
        b = want_num.to_numpy(dtype=float)
        return np.isclose(a, b, rtol=rtol, atol=1e-9, equal_nan=True)
    return np.array(
        [
            (pd.isna(x) and pd.isna(y)) or normalise_text(str(x)) == normalise_text(str(y))
            for x, y in zip(got.tolist(), want.tolist(), strict=True)
        ]
    )


class TableAnswer(Question):
    """A pandas DataFrame or Series, compared robustly.

    Ignored: row order (unless ``check_order=True``), column order, dtypes (3 == 3.0), tiny
    rounding (`rtol`), case and spacing of text, and whether a key sits in the index or in a
    column. Series names are ignored. Feedback names the first difference in plain words.
    """

    kind = "TableAnswer"

    def __init__(
        self,
        qid: str,
        prompt: str = "",
        *,
        expected: pd.DataFrame | pd.Series,
        check_order: bool = False,
        rtol: float = 1e-6,
        explanation: str = "",
        hint: str = "",
    ):
        if not isinstance(expected, pd.DataFrame | pd.Series):
            raise ValueError(
                f"expected: must be a pandas DataFrame or Series, got {type(expected).__name__}"
            )
        if not (isinstance(rtol, numbers.Real) and 0 <= rtol < 1):
            raise ValueError(f"rtol: must be a number from 0 up to 1, got {rtol!r}")
        self.expected = expected.copy()
        self.check_order = bool(check_order)
        self.rtol = float(rtol)
        super().__init__(qid, prompt, explanation=explanation, hint=hint)

    def _evaluate(self, answer: Any) -> tuple[Status, str]:
        want_series = isinstance(self.expected, pd.Series)
        if not isinstance(answer, pd.DataFrame | pd.Series):
            kind = "a Series (one column)" if want_series else "a DataFrame (table)"
            return "incorrect", f"I expected {kind}, got a {type(answer).__name__}."
        want = _canonical_frame(self.expected)
        if want_series and isinstance(answer, pd.DataFrame):
            got = _canonical_frame(answer)
            got.columns = [f"column {i + 1}" for i in range(got.shape[1])]
        else:
            got = _canonical_frame(answer)
        message = self._shape_problem(got, want)
        if message:
            return "incorrect", self._with_hint(message)
        got = got.loc[:, list(want.columns)] if not want_series else got
        if not self.check_order:
            got, want = _sorted_rows(got), _sorted_rows(want)
        for column in want.columns:
            same = _columns_match(got[column], want[column], self.rtol)
            if not same.all():
                wrong = int((~same).sum())
                where = f"column {column!r}" if not want_series else "the values"
                order = "" if self.check_order else " (row order is ignored)"
                return "incorrect", self._with_hint(
                    f"{wrong} of {len(want)} rows differ in {where}{order}."
                )
        return "correct", self._with_explanation("That's right: your table matches.")

    def _shape_problem(self, got: pd.DataFrame, want: pd.DataFrame) -> str:
        if list(got.columns) != list(want.columns) and isinstance(self.expected, pd.Series):
            return (
                f"I expected {want.shape[1]} column(s) (index and values), you gave {got.shape[1]}."
            )
        missing = [c for c in want.columns if c not in got.columns]
        extra = [c for c in got.columns if c not in want.columns]
        if missing or extra:
            parts = []
            if missing:
                parts.append(f"missing column(s) {missing}")
            if extra:
                parts.append(f"unexpected column(s) {extra}")
            return f"Your table has {' and '.join(parts)}; I expected {list(want.columns)}."
        if len(got) != len(want):
            return f"Your table has {len(got)} rows; I expected {len(want)}."
        return ""

    def answer_markdown(self) -> str:
        return "\n\n```\n" + self.expected.to_string() + "\n```"

    def answer_html(self) -> str:
        frame = self.expected.to_frame() if isinstance(self.expected, pd.Series) else self.expected
        return frame.to_html(border=0)

    def _build_widget(self) -> widgets.Widget:
        note = widgets.HTML(
            "<em>Answer this one in code: "
            f"<code>check({html.escape(repr(self.qid))}, your_table)</code>.</em>"
        )
        return _card([self._header(), note])
