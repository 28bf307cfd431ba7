"""Questions answered with a number within a tolerance."""

from __future__ import annotations

import math
import numbers
import re
from collections.abc import Mapping
from typing import Any

import ipywidgets as widgets
import numpy as np

from course.learning.quiz.base import Question, Status, _fmt_number, _require_text, shown

# --------------------------------------------------------------------------- numeric


def _as_number(answer: Any, unit: str) -> float | str:
    """A float, or a plain-words reason why `answer` is not a single number."""
    if isinstance(answer, bool):
        return "True/False is not a number"
    if isinstance(answer, np.ndarray) and answer.ndim == 0:
        answer = answer.item()
    if isinstance(answer, numbers.Real):
        try:
            return float(answer)
        except OverflowError:
            return f"{shown(answer)} is too large to be the answer"
    if isinstance(answer, str):
        text = answer.strip()
        if unit and text.lower().endswith(unit.lower()):
            text = text[: -len(unit)].strip()
        text = text.replace(" ", "").replace("_", "")
        if re.fullmatch(r"[-+]?\d{1,3}(,\d{3})+(\.\d+)?", text):
            text = text.replace(",", "")
        elif text.count(",") == 1 and "." not in text:
            text = text.replace(",", ".")
        try:
            return float(text)
        except (ValueError, OverflowError):
            return f"{shown(answer)} is not a number; type digits only, like 3 or 2.5"
    return f"I expected a single number, not a {type(answer).__name__}"


class Numeric(Question):
    """A number, right within `tolerance` (absolute). `mistakes` maps common wrong values to
    targeted feedback, e.g. ``{6: "You forgot the last option (military retaliation)."}``."""

    kind = "Numeric"

    def __init__(
        self,
        qid: str,
        prompt: str = "",
        *,
        answer: float,
        tolerance: float = 0.0,
        unit: str = "",
        mistakes: Mapping[float, str] | None = None,
        explanation: str = "",
        hint: str = "",
    ):
        self.answer = self._finite("answer", answer)
        self.tolerance = self._finite("tolerance", tolerance)
        if self.tolerance < 0:
            raise ValueError(f"tolerance: must be 0 or more, got {tolerance!r}")
        self.unit = _require_text("unit", unit, required=False).strip()
        self.mistakes: dict[float, str] = {}
        for value, text in (mistakes or {}).items():
            wrong = self._finite("mistakes", value)
            _require_text(f"mistakes[{value!r}]", text)
            if self._matches(wrong, self.answer):
                raise ValueError(
                    f"mistakes: {value!r} is within the tolerance of the answer {answer!r}"
                )
            self.mistakes[wrong] = text
        super().__init__(qid, prompt, explanation=explanation, hint=hint)

    @staticmethod
    def _finite(field: str, value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise ValueError(f"{field}: must be a number, got {value!r}")
        if not math.isfinite(float(value)):
            raise ValueError(f"{field}: must be a finite number, got {value!r}")
        return float(value)

    def _matches(self, value: float, target: float) -> bool:
        slack = self.tolerance + 1e-9 * max(1.0, abs(target))
        return abs(value - target) <= slack

    def _with_unit(self, value: float) -> str:
        return f"{_fmt_number(value)} {self.unit}".rstrip()

    def _evaluate(self, answer: Any) -> tuple[Status, str]:
        value = _as_number(answer, self.unit)
        if isinstance(value, str):
            return "incorrect", value + "."
        if math.isnan(value):
            return "incorrect", "Your answer is NaN (not a number): check your calculation."
        if self._matches(value, self.answer):
            message = "That's right."
            if value != self.answer:
                message += f" (The exact value is {self._with_unit(self.answer)}.)"
            return "correct", self._with_explanation(message)
        for wrong, text in self.mistakes.items():
            if self._matches(value, wrong):
                return "incorrect", self._with_hint(text)
        direction = "too high" if value > self.answer else "too low"
        return "incorrect", self._with_hint(f"{self._with_unit(value)} is {direction}.")

    def answer_markdown(self) -> str:
        margin = f" (± {_fmt_number(self.tolerance)})" if self.tolerance else ""
        return f"{self._with_unit(self.answer)}{margin}"

    def _build_widget(self) -> widgets.Widget:
        entry = widgets.Text(
            placeholder=f"a number{f' in {self.unit}' if self.unit else ''}",
            layout=widgets.Layout(width="14em"),
        )
        return self._simple_entry_widget(entry, lambda: entry.value)
