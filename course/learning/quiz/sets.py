"""Questions answered with a collection whose order and repeats do not matter."""

from __future__ import annotations

import numbers
import re
from collections.abc import Hashable, Iterable, Mapping
from typing import Any

import ipywidgets as widgets
import numpy as np
import pandas as pd

from course.learning.quiz.base import (
    Question,
    Status,
    _count,
    _require_text,
    _verb,
    normalise_text,
    shown,
)

# --------------------------------------------------------------------------- sets


def _item_key(item: Any) -> Hashable:
    """Compare 2, 2.0 and np.int64(2) as equal, and texts after `normalise_text`."""
    if isinstance(item, np.generic):
        item = item.item()
    if isinstance(item, bool):
        return item
    if isinstance(item, numbers.Integral):
        return int(item)
    if isinstance(item, numbers.Real) and _is_whole(item):
        return int(item)
    if isinstance(item, str):
        return normalise_text(item)
    return item


MAX_NAMED = 8
"""Wrong items named one by one in the feedback; the rest are counted, so a whole column pasted
by mistake gives a short message."""


def _is_whole(value: numbers.Real) -> bool:
    """2.0 is the whole number 2; NaN, infinities and numbers too large for a float are not."""
    try:
        return float(value).is_integer()
    except (OverflowError, ValueError):
        return False


def _hashable(key: Any) -> bool:
    try:
        hash(key)
    except TypeError:
        return False
    return True


def _as_items(answer: Any) -> list[Any] | str:
    """The items of a collection answer, or a plain-words reason it is not one."""
    if isinstance(answer, str):
        return "I expected a collection such as {1, 2}, not text"
    if isinstance(answer, pd.DataFrame):
        return "I expected a collection such as {1, 2}, not a table"
    if isinstance(answer, Mapping):
        return list(answer.keys())
    if isinstance(answer, pd.Series | pd.Index | np.ndarray):
        return list(np.asarray(answer).ravel())
    if isinstance(answer, Iterable):
        return list(answer)
    return [answer]


class SetAnswer(Question):
    """A collection where order and repeats don't matter, e.g. a set of option numbers.

    `labels` names items in feedback ("2 (capacity-building)"); `feedback` explains why an item
    does not belong. Missing items are counted, not named, unless ``reveal_missing=True``.
    """

    kind = "SetAnswer"

    def __init__(
        self,
        qid: str,
        prompt: str = "",
        *,
        expected: Iterable[Hashable],
        labels: Mapping[Hashable, str] | None = None,
        feedback: Mapping[Hashable, str] | None = None,
        reveal_missing: bool = False,
        explanation: str = "",
        hint: str = "",
    ):
        if isinstance(expected, str) or not isinstance(expected, Iterable):
            raise ValueError(f"expected: must be a collection such as {{1, 2}}, got {expected!r}")
        items = list(expected)
        if not items:
            raise ValueError("expected: must contain at least one item")
        self.expected = tuple(dict.fromkeys(items))
        self._expected = {_item_key(i): i for i in reversed(self.expected)}
        self._labels = {_item_key(k): str(v) for k, v in (labels or {}).items()}
        self._why = {
            _item_key(k): _require_text(f"feedback[{k!r}]", v) for k, v in (feedback or {}).items()
        }
        self.reveal_missing = bool(reveal_missing)
        super().__init__(qid, prompt, explanation=explanation, hint=hint)

    def _describe(self, key: Hashable, original: Any = None) -> str:
        item = original if original is not None else key
        text = item if isinstance(item, str) and len(item) <= 60 else shown(item)
        label = self._labels.get(key)
        return f"{text} ({label})" if label else f"{text}"

    def _evaluate(self, answer: Any) -> tuple[Status, str]:
        items = _as_items(answer)
        if isinstance(items, str):
            return "incorrect", items + "."
        given: dict[Hashable, Any] = {}
        for item in items:
            key = _item_key(item)
            if not _hashable(key):
                return "incorrect", (
                    f"{shown(item)} is itself a collection; list single items, such as {{1, 2}}."
                )
            given.setdefault(key, item)
        extra = [k for k in given if k not in self._expected]
        missing = [k for k in dict.fromkeys(_item_key(i) for i in self.expected) if k not in given]
        if not extra and not missing:
            listed = ", ".join(self._describe(_item_key(i), i) for i in self.expected)
            return "correct", self._with_explanation(f"That's right: {listed}.")
        lines = []
        for key in extra[:MAX_NAMED]:
            why = self._why.get(key, "")
            lines.append(f"{self._describe(key, given[key])} does not belong. {why}".rstrip())
        if len(extra) > MAX_NAMED:
            more = len(extra) - MAX_NAMED
            does = "does" if more == 1 else "do"
            lines.append(f"... and {_count(more, 'more item')} that {does} not belong.")
        if missing:
            if self.reveal_missing:
                names = ", ".join(self._describe(k, self._expected[k]) for k in missing)
                lines.append(f"You left out {names}.")
            else:
                lines.append(f"You left out {_count(len(missing), 'item')} that {_verb(missing)}.")
        return "incorrect", self._with_hint("\n".join(lines))

    def answer_markdown(self) -> str:
        return ", ".join(self._describe(_item_key(i), i) for i in self.expected)

    def _build_widget(self) -> widgets.Widget:
        entry = widgets.Text(
            placeholder="items separated by commas, e.g. 1, 2",
            layout=widgets.Layout(width="24em"),
        )

        def read() -> Any:
            parts = [p.strip() for p in entry.value.split(",") if p.strip()]
            return [int(p) if re.fullmatch(r"[-+]?\d+", p) else p for p in parts]

        return self._simple_entry_widget(entry, read)
