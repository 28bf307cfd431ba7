"""Questions judged by a function, for answers no other type expresses."""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

import ipywidgets as widgets
import numpy as np

from course.learning.quiz.base import Question, Status, _card, _require_text

# --------------------------------------------------------------------------- predicate


class Predicate(Question):
    """An answer judged by `test(answer)`, which returns True (right), False (wrong: the hint
    is shown), a text (wrong, with that explanation) or ``(bool, text)``. `solution` describes
    the expected answer for the static page."""

    kind = "Predicate"

    def __init__(
        self,
        qid: str,
        prompt: str = "",
        *,
        test: Callable[[Any], bool | str | tuple[bool, str]],
        solution: str = "",
        explanation: str = "",
        hint: str = "",
    ):
        if not callable(test):
            raise ValueError(f"test: must be a function of the answer, got {test!r}")
        self.test = test
        self.solution = _require_text("solution", solution, required=False)
        super().__init__(qid, prompt, explanation=explanation, hint=hint)

    def _evaluate(self, answer: Any) -> tuple[Status, str]:
        result = self.test(answer)
        if isinstance(result, tuple) and len(result) == 2:
            ok, text = result
            if bool(ok):
                return "correct", self._with_explanation(str(text) or "That's right.")
            return "incorrect", self._with_hint(str(text) or "That's not it yet.")
        if isinstance(result, str):
            return "incorrect", self._with_hint(result)
        if isinstance(result, bool | np.bool_):
            if result:
                return "correct", self._with_explanation("That's right.")
            return "incorrect", self._with_hint("That's not it yet.")
        return "incorrect", f"This check is broken: its test returned {result!r}. Please report it."

    def answer_markdown(self) -> str:
        return self.solution or "(checked in code)"

    def _build_widget(self) -> widgets.Widget:
        note = widgets.HTML(
            "<em>Answer this one in code: "
            f"<code>check({html.escape(repr(self.qid))}, your_answer)</code>.</em>"
        )
        return _card([self._header(), note])
