"""One pick or select-all-that-apply questions, with feedback for every choice."""

from __future__ import annotations

import numbers
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal

import ipywidgets as widgets

from course.learning.quiz.base import (
    Question,
    Status,
    _card,
    _check_button,
    _count,
    _inline_html,
    _require_text,
    _tick_rows,
    _verb,
    normalise_text,
    shown,
)
from course.learning.quiz.sets import _is_whole

# --------------------------------------------------------------------------- multiple choice


class MultipleChoice(Question):
    """Pick the right option(s); every choice explains itself.

    `answer` is an option number (1-based) for "pick one", or a set of numbers for "select all
    that apply". `feedback` gives one explanation per choice (list in choice order, or a dict
    keyed by option number). Students answer with the number, the choice text, or (select-all)
    a set of numbers.
    """

    kind = "MultipleChoice"
    needs_prompt = True

    def __init__(
        self,
        qid: str,
        prompt: str,
        choices: Sequence[str],
        answer: int | Iterable[int],
        feedback: Sequence[str] | Mapping[int, str],
        *,
        explanation: str = "",
        hint: str = "",
        style: Literal["radio", "toggle"] = "radio",
    ):
        self.choices = self._validate_choices(choices)
        self.multiple = not isinstance(answer, numbers.Integral) and answer is not None
        self.correct_options = self._validate_answer(answer)
        self.choice_feedback = self._validate_feedback(feedback)
        if style not in ("radio", "toggle"):
            raise ValueError(f"style: {style!r} is not one of ['radio', 'toggle']")
        if style == "toggle" and self.multiple:
            raise ValueError("style: 'toggle' works only with a single answer, not a set")
        self.style = style
        super().__init__(qid, prompt, explanation=explanation, hint=hint)

    @staticmethod
    def _validate_choices(choices: Any) -> tuple[str, ...]:
        if isinstance(choices, str) or not isinstance(choices, Sequence):
            raise ValueError(f"choices: must be a list of texts, got {type(choices).__name__}")
        if len(choices) < 2:
            raise ValueError(f"choices: need at least 2 choices, got {len(choices)}")
        for number, text in enumerate(choices, start=1):
            _require_text(f"choices[{number}]", text)
        folded = [normalise_text(c) for c in choices]
        duplicates = sorted({c for c in folded if folded.count(c) > 1})
        if duplicates:
            raise ValueError(f"choices: the same choice appears twice: {duplicates}")
        return tuple(choices)

    def _allowed(self) -> str:
        return f"allowed options are 1-{len(self.choices)}"

    def _validate_answer(self, answer: Any) -> frozenset[int]:
        if answer is None:
            raise ValueError(f"answer: no correct choice given; {self._allowed()}")
        raw = [answer] if not self.multiple else answer
        if self.multiple and (isinstance(answer, str) or not isinstance(answer, Iterable)):
            raise ValueError(
                f"answer: must be an option number or a set of option numbers, got {answer!r}"
            )
        options = list(raw)
        if not options:
            raise ValueError(f"answer: no correct choice given; {self._allowed()}")
        for option in options:
            if not isinstance(option, numbers.Integral) or isinstance(option, bool):
                raise ValueError(f"answer: {option!r} is not an option number; {self._allowed()}")
            if not 1 <= int(option) <= len(self.choices):
                raise ValueError(f"answer: unknown option {option!r}; {self._allowed()}")
        return frozenset(int(o) for o in options)

    def _validate_feedback(self, feedback: Any) -> dict[int, str]:
        if isinstance(feedback, Mapping):
            unknown = [k for k in feedback if k not in range(1, len(self.choices) + 1)]
            if unknown:
                raise ValueError(f"feedback: unknown option {unknown[0]!r}; {self._allowed()}")
            given = dict(feedback)
        elif isinstance(feedback, Sequence) and not isinstance(feedback, str):
            if len(feedback) > len(self.choices):
                raise ValueError(
                    f"feedback: {len(feedback)} entries for {len(self.choices)} choices; "
                    "give exactly one per choice"
                )
            given = dict(enumerate(feedback, start=1))
        else:
            raise ValueError(
                "feedback: must be a list (one text per choice) or a dict keyed by option number"
            )
        for number, text in enumerate(self.choices, start=1):
            if (
                number not in given
                or not isinstance(given[number], str)
                or not given[number].strip()
            ):
                raise ValueError(
                    f"feedback: missing for choice {number} ({text!r}); every choice needs "
                    "feedback that explains why it is right or wrong"
                )
        return {number: given[number] for number in range(1, len(self.choices) + 1)}

    # -- judging ---------------------------------------------------------------------------

    def _option_of(self, item: Any) -> int | None:
        """Option number for an answer item: 2, "2", or the choice text; None if unknown."""
        if isinstance(item, bool):
            return None
        whole = isinstance(item, numbers.Real) and _is_whole(item)
        if isinstance(item, numbers.Integral) or whole:
            number = int(item)
        elif isinstance(item, str) and item.strip().isascii() and item.strip().isdigit():
            number = int(item.strip()) if len(item.strip()) < 10 else 0
        elif isinstance(item, str):
            folded = normalise_text(item)
            matches = [i for i, c in enumerate(self.choices, 1) if normalise_text(c) == folded]
            return matches[0] if matches else None
        else:
            return None
        return number if 1 <= number <= len(self.choices) else None

    def _describe(self, number: int) -> str:
        return f"Option {number} ({self.choices[number - 1]})"

    def _evaluate(self, answer: Any) -> tuple[Status, str]:
        if self.multiple:
            return self._evaluate_many(answer)
        if isinstance(answer, set | frozenset | list | tuple):
            return "incorrect", "Pick just one option, for example `2`."
        number = self._option_of(answer)
        if number is None:
            return "incorrect", f"{shown(answer)} is not one of the options; {self._allowed()}."
        message = self.choice_feedback[number]
        if number in self.correct_options:
            return "correct", message
        return "incorrect", self._with_hint(message)

    def _evaluate_many(self, answer: Any) -> tuple[Status, str]:
        items = [answer] if isinstance(answer, str | numbers.Number) else list(answer)
        chosen: set[int] = set()
        for item in items:
            number = self._option_of(item)
            if number is None:
                return "incorrect", f"{shown(item)} is not one of the options; {self._allowed()}."
            chosen.add(number)
        lines = [f"{self._describe(n)}: {self.choice_feedback[n]}" for n in sorted(chosen)]
        missing = self.correct_options - chosen
        if chosen == self.correct_options:
            return "correct", "\n".join(lines)
        if missing:
            lines.append(f"You missed {_count(len(missing), 'option')} that also {_verb(missing)}.")
        return "incorrect", self._with_hint("\n".join(lines))

    # -- static rendering ---------------------------------------------------------------------

    def answer_markdown(self) -> str:
        return "; ".join(f"{n}. {self.choices[n - 1]}" for n in sorted(self.correct_options))

    def _body_markdown(self) -> str:
        lead = "*Select all that apply.*\n\n" if self.multiple else ""
        return lead + "\n".join(f"{n}. {c}" for n, c in enumerate(self.choices, start=1))

    def _details_extra_markdown(self) -> str:
        return "Why each choice is right or wrong:\n\n" + "\n".join(
            f"- **{n}.** {self.choice_feedback[n]}" for n in range(1, len(self.choices) + 1)
        )

    def _body_html(self) -> str:
        lead = "<p><em>Select all that apply.</em></p>" if self.multiple else ""
        items = "".join(f"<li>{_inline_html(c)}</li>" for c in self.choices)
        return f"{lead}<ol>{items}</ol>"

    def _details_extra_html(self) -> str:
        items = "".join(
            f"<li><strong>{n}.</strong> {_inline_html(self.choice_feedback[n])}</li>"
            for n in range(1, len(self.choices) + 1)
        )
        return f"<p>Why each choice is right or wrong:</p><ul>{items}</ul>"

    # -- interactive rendering ----------------------------------------------------------------

    def _build_widget(self) -> widgets.Widget:
        feedback = widgets.HTML()
        button = _check_button()

        def clear(_: Any) -> None:
            feedback.value = ""

        if self.multiple:
            boxes, picker = _tick_rows([f"{n}. {c}" for n, c in enumerate(self.choices, 1)])

            def read() -> Any:
                return {n for n, box in enumerate(boxes, start=1) if box.value}

            for box in boxes:
                box.observe(clear, names="value")
        else:
            control = widgets.ToggleButtons if self.style == "toggle" else widgets.RadioButtons
            labels = (
                list(self.choices)
                if self.style == "toggle"
                else [f"{n}. {c}" for n, c in enumerate(self.choices, start=1)]
            )
            picker = control(
                options=list(zip(labels, range(1, len(self.choices) + 1), strict=True)),
                value=None,
                layout=widgets.Layout(width="auto"),
            )

            def read() -> Any:
                return picker.value

            picker.observe(clear, names="value")

        def on_check(_: Any) -> None:
            feedback.value = self._check_from_widget(read())._repr_html_()

        button.on_click(on_check)
        return _card([self._header(), picker, widgets.HBox([button]), feedback])
