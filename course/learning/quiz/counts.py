"""Reading a student's "count per key" answer (a Series, a one-column DataFrame or a dict).

Several exercises ask for counts per responder ("how many option-6 responses per state?"). The
answer can come in any of pandas' shapes; this turns it into ``{key: count}`` without zero rows,
or says in the exercise's own words (``problem``) why it cannot be read, so every task checks
counts the same way.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Collection, Mapping
from typing import Any

import pandas as pd

__all__ = ["as_counts"]

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
        whole = isinstance(value, numbers.Real) and not isinstance(value, bool)
        if not whole or float(value) != int(value):
            return problem("not_a_number", responder=repr(key), value=repr(value))
        code = str(key)
        if known is not None and code not in known:
            examples = ", ".join(repr(k) for k in sorted(known)[:3])
            return problem("not_a_responder", key=repr(key), examples=examples)
        if value:
            counts[code] = counts.get(code, 0) + int(value)
    return counts
