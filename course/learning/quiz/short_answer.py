"""Questions answered with a word or short phrase."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import ipywidgets as widgets

from course.learning.quiz.base import Question, Status, _require_text, normalise_text, shown

# --------------------------------------------------------------------------- short answer


class ShortAnswer(Question):
    """A word or short phrase; any of `accepted` is right after `normalise_text` folding.
    `mistakes` maps tempting wrong answers to feedback explaining why they are wrong."""

    kind = "ShortAnswer"

    def __init__(
        self,
        qid: str,
        prompt: str = "",
        *,
        accepted: str | Sequence[str],
        mistakes: Mapping[str, str] | None = None,
        explanation: str = "",
        hint: str = "",
    ):
        variants = [accepted] if isinstance(accepted, str) else list(accepted)
        if not variants:
            raise ValueError("accepted: give at least one accepted answer")
        for index, text in enumerate(variants):
            _require_text(f"accepted[{index}]", text)
        self.accepted = tuple(variants)
        self._accepted = {normalise_text(v) for v in variants}
        self.mistakes: dict[str, str] = {}
        for wrong, text in (mistakes or {}).items():
            _require_text(f"mistakes key {wrong!r}", wrong)
            _require_text(f"mistakes[{wrong!r}]", text)
            if normalise_text(wrong) in self._accepted:
                raise ValueError(f"mistakes: {wrong!r} is also an accepted answer")
            self.mistakes[normalise_text(wrong)] = text
        super().__init__(qid, prompt, explanation=explanation, hint=hint)

    def _evaluate(self, answer: Any) -> tuple[Status, str]:
        folded = normalise_text(str(answer))
        if folded in self._accepted:
            return "correct", self._with_explanation("That's right.")
        if folded in self.mistakes:
            return "incorrect", self._with_hint(self.mistakes[folded])
        return "incorrect", self._with_hint(
            f"{shown(str(answer).strip())} is not what I expected. Capitals and extra spaces don't "
            "matter, so check the word itself."
        )

    def answer_markdown(self) -> str:
        others = self.accepted[1:]
        also = f" (also accepted: {', '.join(others)})" if others else ""
        return f"{self.accepted[0]}{also}"

    def _build_widget(self) -> widgets.Widget:
        entry = widgets.Text(placeholder="your answer", layout=widgets.Layout(width="24em"))
        return self._simple_entry_widget(entry, lambda: entry.value)
