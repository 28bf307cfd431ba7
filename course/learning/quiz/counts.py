"""Reading a student's "count per key" answer (a Series, a one-column DataFrame or a dict).

Several exercises ask for counts per responder ("how many option-6 responses per state?"). The
answer can come in any of pandas' shapes; this turns it into ``{key: count}`` without zero rows,
or says in the exercise's own words (``problem``) why it cannot be read, so every task checks
counts the same way.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Collection, Iterable, Mapping
from typing import Any

import pandas as pd

from course.learning.quiz.base import shown

__all__ = ["as_counts", "first_difference"]

Problem = Callable[..., str]


def as_counts(
    answer: Any, problem: Problem, *, known: Collection[str] | None = None
) -> dict[str, int] | str:
    """``{key: count}`` (zeros dropped, keys as text, repeats added), or the message explaining
    why ``answer`` is not counts. ``problem(name, **values)`` words the message; the names are
    ``several_columns``, ``not_counts`` (``type``), ``not_a_number`` (``responder``,
    ``value``) and, when ``known`` keys are given, ``not_a_responder`` (``key``, ``examples``)."""
    if isinstance(answer, pd.DataFrame):
        if answer.shape[1] != 1:
            return problem("several_columns")
        answer = answer.iloc[:, 0]
    if isinstance(answer, pd.Series):
        answer = answer.to_dict()
    if not isinstance(answer, Mapping):
        return problem("not_counts", type=type(answer).__name__)
    counts: dict[str, int] = {}
    for key, value in answer.items():
        if not _whole(value):
            return problem("not_a_number", responder=shown(key), value=shown(value))
        code = str(key)
        if known is not None and code not in known:
            examples = ", ".join(repr(k) for k in sorted(known)[:3])
            return problem("not_a_responder", key=shown(key), examples=examples)
        if value:
            counts[code] = counts.get(code, 0) + int(value)
    return counts


def first_difference(
    counts: Mapping[Any, int], expected: Mapping[Any, int], order: Iterable[Any] = ()
) -> tuple[Any, int, int] | None:
    """The first key whose count differs, as ``(key, got, want)`` (a missing key counts 0), or
    None when the two agree. Keys in ``order`` come first (an exercise's own order, such as
    the ladder's), then every other key sorted: so None means exactly ``counts == expected``
    and the student hears about the first mismatch in the order the task uses."""
    ordered = list(order)
    rest = sorted((set(counts) | set(expected)) - set(ordered))
    for key in [*ordered, *rest]:
        got, want = counts.get(key, 0), expected.get(key, 0)
        if got != want:
            return key, got, want
    return None


def _whole(value: Any) -> bool:
    """A count: 3, 3.0 or np.int64(3); not True, 2.5, NaN, an infinity or a text."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return False
    if isinstance(value, numbers.Integral):
        return True
    try:
        return float(value).is_integer()
    except (OverflowError, ValueError):
        return False
