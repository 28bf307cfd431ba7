"""Self-checks for lessons and exercises: questions, feedback, and a registry of tasks.

Question types (each has a stable id such as ``"01.q2"`` or ``"ex01.task2"``; the two digits are
the lesson, used by `course.progress`):

- `MultipleChoice`: pick one option, or "select all that apply" when the answer is a set. Every
  choice carries its own feedback, so a student learns why a wrong option is wrong.
- `Numeric`: a number within a tolerance; common wrong values can get targeted feedback.
- `ShortAnswer`: a word or phrase; case, spacing, hyphens and a leading "the"/"a" are ignored.
- `SetAnswer`: a collection whose order and repeats do not matter (e.g. option numbers).
- `TableAnswer`: a pandas DataFrame or Series, compared ignoring row order, column order,
  dtypes and tiny rounding differences.
- `Predicate`: any answer judged by a function (for answers the types above cannot express).
- `OpenQuestion`: "advise the minister". The student writes an answer, ticks the rubric points
  it covers, then sees a model answer. Nobody grades free text automatically.
- `Quiz`: a titled list of questions rendered as one self-check block.

Two ways to use every question
    Interactive: ``q.show()`` or ``display(q)`` (or just ``q`` as the last line of a cell) shows
    ipywidgets: choices + "Check" button + feedback, wired with plain Python callbacks that only
    update the feedback area. Programmatic: ``q.check(answer)`` or ``check("ex01.task2", answer)``
    returns a `Feedback` (status "correct", "incorrect" or "not_answered" plus a plain-words
    message) that renders nicely in a notebook. ``check(None)`` is "not answered yet" and never
    raises, so notebooks run clean top to bottom under nbval with nobody clicking.

How rendering works (static renders included)
    ``_repr_mimebundle_`` returns ONE output holding both the widget view and a ``text/html``
    (and ``text/markdown``) fallback. JupyterLab and Voila show the widget. nbconvert/HTML,
    Jupyter Book and GitHub drop the widget view when no widget state is saved (the course
    commits notebooks without outputs or widget state) and show the fallback instead: the
    question and its choices, with the answer and explanation folded inside ``<details>``. One
    output means no duplicate content in Lab and no empty box in a static page.

Strict mode
    With ``COURSE_STRICT_CHECKS=1`` in the environment, any programmatic check that is not
    "correct" raises AssertionError with the feedback message. Tests run the solutions edition of
    each exercise notebook this way. Widget buttons never raise.

Progress
    Every check with an answer is recorded by `course.progress.record` (never raises).

Malformed definitions (no correct choice, feedback missing for a choice, an unknown option in
the answer key, a bad id...) raise ValueError at construction, naming the field.
"""

from __future__ import annotations

import difflib
import html
import math
import numbers
import os
import re
import unicodedata
from abc import ABC, abstractmethod
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

import ipywidgets as widgets
import numpy as np
import pandas as pd

from course import progress

Status = Literal["correct", "incorrect", "not_answered"]
STATUSES: tuple[Status, ...] = ("correct", "incorrect", "not_answered")
STRICT_ENV = "COURSE_STRICT_CHECKS"
QUESTION_ID_PATTERN = re.compile(r"^(?:ex)?\d{2}\.[a-z0-9][a-z0-9_-]*$")

_LOOK: dict[str, tuple[str, str, str, str]] = {
    # status: (icon, label, accent colour, background colour)
    "correct": ("✓", "Correct", "#1b7837", "#e9f5e6"),
    "incorrect": ("✗", "Not quite", "#b2182b", "#fbecea"),
    "not_answered": ("○", "Not answered yet", "#5a5a5a", "#f1f1f1"),
}
_BLANK_PROGRAMMATIC = "Replace `None` with your answer, then run the cell again."
_BLANK_WIDGET = "Give an answer first, then press Check."


# --------------------------------------------------------------------------- text helpers


def _inline_html(text: str) -> str:
    """Escape `text` and turn the little markdown authors use (`code`, **bold**, *em*) into HTML."""
    out = html.escape(text, quote=False)
    out = re.sub(r"`([^`]+)`", r"<code>\1</code>", out)
    out = re.sub(r"\*\*([^*]+)\*\*", r"<strong>\1</strong>", out)
    out = re.sub(r"(?<![*\w])\*([^*\n]+)\*(?![*\w])", r"<em>\1</em>", out)
    return out.replace("\n", "<br>")


def _md_lines(text: str) -> str:
    """Markdown that keeps the author's line breaks."""
    return "  \n".join(text.splitlines())


def normalise_text(text: str) -> str:
    """Fold a short text answer so trivial differences do not matter.

    Unicode-normalised, case-folded; hyphens, dashes and underscores count as spaces; outer
    punctuation and quotes dropped; a leading "the", "a" or "an" dropped; whitespace collapsed.
    """
    folded = unicodedata.normalize("NFKC", str(text)).casefold()
    folded = re.sub(r"[-‐‑‒–—_]", " ", folded)
    folded = " ".join(folded.split())
    folded = folded.strip(" .,;:!?'\"“”‘’()")
    folded = re.sub(r"^(?:the|a|an) ", "", folded)
    return " ".join(folded.split())


def _fmt_number(value: float) -> str:
    """Print 7.0 as 7 and 0.1+0.2 as 0.3: numbers the way a person writes them."""
    if math.isfinite(value) and float(value).is_integer() and abs(value) < 1e15:
        return f"{int(value):,}"
    return f"{value:.6g}"


def _count(number: int, noun: str) -> str:
    """ "1 option", "2 options"."""
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _verb(items: Iterable[Any]) -> str:
    """ "belongs" for one item, "belong" for several."""
    return "belongs" if len(list(items)) == 1 else "belong"


def _is_blank(answer: Any) -> bool:
    """None, ``...``, empty text and empty plain collections count as "not answered yet"."""
    if answer is None or answer is Ellipsis:
        return True
    if isinstance(answer, str):
        return not answer.strip()
    if isinstance(answer, set | frozenset | list | tuple | dict):
        return len(answer) == 0
    return False


def strict_mode() -> bool:
    """True when ``COURSE_STRICT_CHECKS`` asks every check to pass or raise."""
    return os.environ.get(STRICT_ENV, "").strip().lower() in {"1", "true", "yes", "on"}


def _require_text(field: str, value: Any, *, required: bool = True) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{field}: must be text (str), got {type(value).__name__} {value!r}")
    if required and not value.strip():
        raise ValueError(f"{field}: must not be empty")
    return value


def _require_id(qid: Any) -> str:
    if not isinstance(qid, str) or not QUESTION_ID_PATTERN.match(qid):
        raise ValueError(
            f"qid: {qid!r} is not a valid question id; use '<lesson>.<name>' in lower case, "
            "such as '01.q2' (lesson quiz) or 'ex01.task2' (exercise task)"
        )
    return qid


# --------------------------------------------------------------------------- feedback


@dataclass(frozen=True)
class Feedback:
    """The result of one check: a status and a message that says why, in plain words."""

    status: Status
    message: str
    question_id: str = ""

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"status: {self.status!r} is not one of {list(STATUSES)}")

    @property
    def correct(self) -> bool:
        """True only for a correct answer."""
        return self.status == "correct"

    @property
    def label(self) -> str:
        """Short label such as "Not quite"."""
        return _LOOK[self.status][1]

    def __str__(self) -> str:
        icon, label, _, _ = _LOOK[self.status]
        where = f" ({self.question_id})" if self.question_id else ""
        return f"{icon} {label}{where}: {self.message}"

    def _repr_html_(self) -> str:
        icon, label, accent, background = _LOOK[self.status]
        where = (
            f' <span style="color:#666;font-weight:normal">({html.escape(self.question_id)})</span>'
            if self.question_id
            else ""
        )
        return (
            f'<div class="course-feedback course-feedback-{self.status}" '
            f'style="border-left:4px solid {accent};background:{background};'
            f'padding:6px 10px;margin:4px 0;color:#222">'
            f"<strong>{icon} {label}</strong>{where}<br>{_inline_html(self.message)}</div>"
        )

    def _repr_markdown_(self) -> str:
        icon, label, _, _ = _LOOK[self.status]
        where = f" ({self.question_id})" if self.question_id else ""
        return f"**{icon} {label}**{where}: {_md_lines(self.message)}"


# --------------------------------------------------------------------------- registry

_REGISTRY: dict[str, Question] = {}


def _register(question: Question) -> None:
    """Latest definition wins: re-running a notebook cell redefines the same question."""
    _REGISTRY[question.qid] = question


def get_question(question_id: str) -> Question:
    """The question or task registered under `question_id` (ValueError if unknown)."""
    try:
        return _REGISTRY[question_id]
    except KeyError:
        close = difflib.get_close_matches(str(question_id), list(_REGISTRY), n=3)
        hint = f" Did you mean {', '.join(repr(c) for c in close)}?" if close else ""
        known = ", ".join(sorted(_REGISTRY)) or "none yet: run the cell that defines the tasks"
        raise ValueError(
            f"question_id: no question or task {question_id!r} is defined.{hint} Known: {known}"
        ) from None


def registered_ids() -> list[str]:
    """Ids of every question and task defined so far in this session."""
    return sorted(_REGISTRY)


def pick_question(questions: Sequence[Question], question_id: str) -> Question:
    """The question with ``question_id`` from a lesson's list of self-check questions.

    Lessons keep their questions in their ``course`` module (so the answer key is not printed
    above the question) and hand them out one by one; an unknown id names the allowed ones.
    """
    for question in questions:
        if question.qid == question_id:
            return question
    allowed = ", ".join(q.qid for q in questions)
    raise ValueError(f"qid: unknown question {question_id!r}; allowed: {allowed}")


def check(question_id: str, answer: Any) -> Feedback:
    """Check `answer` against the question or task `question_id` (exercise notebooks).

    Example: ``check("ex01.task2", answer)``. Unknown ids raise ValueError (an authoring bug);
    answers never raise, except in strict mode (``COURSE_STRICT_CHECKS=1``).
    """
    return get_question(question_id).check(answer)


# --------------------------------------------------------------------------- widgets helpers


# Radio labels in ipywidgets have a fixed height and do not wrap, so a long choice overlaps the
# next one. Letting them wrap keeps every choice readable on a narrow screen or a projector.
_CARD_CSS = (
    "<style>.course-quiz .widget-radio-box label{white-space:normal;height:auto;"
    "line-height:1.35;align-items:flex-start;margin:2px 0}"
    ".course-quiz .widget-radio-box input{flex:none;margin-top:0.25em}</style>"
)


def _card(children: Sequence[widgets.Widget]) -> widgets.VBox:
    header = children[0] if children else None
    if isinstance(header, widgets.HTML) and _CARD_CSS not in header.value:
        header.value = _CARD_CSS + header.value  # no extra child: cards keep their shape
    card = widgets.VBox(
        list(children),
        layout=widgets.Layout(border="1px solid #d0d0d0", padding="6px 12px", margin="8px 0"),
    )
    card.add_class("course-quiz")
    return card


def _check_button(description: str = "Check") -> widgets.Button:
    return widgets.Button(
        description=description, button_style="primary", layout=widgets.Layout(width="auto")
    )


def _tick_rows(labels: Sequence[str]) -> tuple[list[widgets.Checkbox], widgets.VBox]:
    """Checkboxes with wrapping HTML labels (a Checkbox description would be cut off)."""
    boxes = [
        widgets.Checkbox(value=False, indent=False, layout=widgets.Layout(width="28px"))
        for _ in labels
    ]
    rows = [
        widgets.HBox([box, widgets.HTML(_inline_html(label))])
        for box, label in zip(boxes, labels, strict=True)
    ]
    return boxes, widgets.VBox(rows)


# --------------------------------------------------------------------------- base question


class Question(ABC):
    """A self-check with a stable id; subclasses define how an answer is judged and shown."""

    kind: ClassVar[str] = "Question"
    needs_prompt: ClassVar[bool] = False

    def __init__(self, qid: str, prompt: str = "", *, explanation: str = "", hint: str = ""):
        self.qid = _require_id(qid)
        self.prompt = _require_text("prompt", prompt, required=self.needs_prompt)
        self.explanation = _require_text("explanation", explanation, required=False)
        self.hint = _require_text("hint", hint, required=False)
        self._widget: widgets.Widget | None = None
        _register(self)

    @property
    def lesson(self) -> str:
        """Lesson id the question belongs to ("01" for "01.q2" and "ex01.task2")."""
        return progress.lesson_of(self.qid)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.qid!r})"

    # -- judging ---------------------------------------------------------------------------

    @abstractmethod
    def _evaluate(self, answer: Any) -> tuple[Status, str]:
        """Judge a non-blank answer: (status, message explaining why)."""

    def _feedback(self, answer: Any, *, blank_message: str) -> Feedback:
        if _is_blank(answer):
            return Feedback("not_answered", blank_message, self.qid)
        try:
            status, message = self._evaluate(answer)
        except Exception as error:  # a student's odd answer must never crash the lesson
            status, message = (
                "incorrect",
                f"Your answer could not be checked ({type(error).__name__}: {error}). "
                "Check that it has the expected type.",
            )
        return Feedback(status, message, self.qid)

    def check(self, answer: Any) -> Feedback:
        """Judge `answer` and say why. Blank answers are "not answered yet"; never raises,
        except in strict mode where anything but "correct" raises AssertionError."""
        feedback = self._feedback(answer, blank_message=_BLANK_PROGRAMMATIC)
        progress.record(self.qid, feedback.status)
        if strict_mode() and not feedback.correct:
            raise AssertionError(str(feedback))
        return feedback

    def _check_from_widget(self, answer: Any) -> Feedback:
        """What a Check button does: judge, record, never raise (even in strict mode)."""
        feedback = self._feedback(answer, blank_message=_BLANK_WIDGET)
        progress.record(self.qid, feedback.status)
        return feedback

    def _with_hint(self, message: str) -> str:
        return f"{message} Hint: {self.hint}" if self.hint else message

    def _with_explanation(self, message: str) -> str:
        return f"{message} {self.explanation}" if self.explanation else message

    # -- static rendering ---------------------------------------------------------------------

    @abstractmethod
    def answer_markdown(self) -> str:
        """The expected answer in words (shown inside the static <details> block)."""

    def _body_markdown(self) -> str:
        """Visible part under the prompt (e.g. numbered choices); empty by default."""
        return ""

    def _details_extra_markdown(self) -> str:
        """Extra text inside <details> after the explanation (e.g. feedback per choice)."""
        return ""

    def _title(self) -> str:
        return f"Self-check {self.qid}"

    def _repr_markdown_(self) -> str:
        parts = [f"**{self._title()}.** {self.prompt}".rstrip()]
        body = self._body_markdown()
        if body:
            parts.append(body)
        details = [f"**Answer:** {self.answer_markdown()}"]
        if self.explanation:
            details.append(self.explanation)
        extra = self._details_extra_markdown()
        if extra:
            details.append(extra)
        parts.append(
            "<details><summary>Show answer</summary>\n\n" + "\n\n".join(details) + "\n\n</details>"
        )
        return "\n\n".join(parts)

    def _body_html(self) -> str:
        return ""

    def _details_extra_html(self) -> str:
        return ""

    def _repr_html_(self) -> str:
        details = [f"<p><strong>Answer:</strong> {self.answer_html()}</p>"]
        if self.explanation:
            details.append(f"<p>{_inline_html(self.explanation)}</p>")
        details.append(self._details_extra_html())
        return (
            f'<div class="course-question" data-question-id="{html.escape(self.qid)}">'
            f"<p><strong>{html.escape(self._title())}.</strong> {_inline_html(self.prompt)}</p>"
            f"{self._body_html()}"
            f"<details><summary>Show answer</summary>{''.join(details)}</details></div>"
        )

    def answer_html(self) -> str:
        """The expected answer as HTML (defaults to the markdown answer, escaped)."""
        return _inline_html(self.answer_markdown())

    def _plain_text(self) -> str:
        return f"{self._title()}: {self.prompt} (run q.check(answer) or q.show() to answer)"

    # -- interactive rendering ----------------------------------------------------------------

    def _header(self) -> widgets.HTML:
        return widgets.HTML(
            f"<strong>{html.escape(self.qid)}</strong> · {_inline_html(self.prompt)}"
            if self.prompt
            else f"<strong>{html.escape(self.qid)}</strong>"
        )

    @abstractmethod
    def _build_widget(self) -> widgets.Widget:
        """Controls + Check button + feedback area, wired with Python callbacks."""

    def widget(self) -> widgets.Widget:
        """The interactive view (built once; displaying it twice shows linked copies)."""
        if self._widget is None:
            self._widget = self._build_widget()
        return self._widget

    def show(self) -> None:
        """Display the question: widget in Lab/Voila, static fallback in HTML exports."""
        from IPython.display import display

        display(self)

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        bundle = dict(self.widget()._repr_mimebundle_() or {})
        bundle["text/html"] = self._repr_html_()
        bundle["text/markdown"] = self._repr_markdown_()
        bundle["text/plain"] = self._plain_text()
        return bundle

    def _simple_entry_widget(self, entry: widgets.Widget, read: Callable[[], Any]) -> widgets.VBox:
        """Entry control + Check + feedback: the shape shared by text and number questions."""
        button = _check_button()
        feedback = widgets.HTML()

        def on_check(_: Any) -> None:
            feedback.value = self._check_from_widget(read())._repr_html_()

        def on_change(_: Any) -> None:
            feedback.value = ""

        button.on_click(on_check)
        entry.observe(on_change, names="value")
        return _card([self._header(), widgets.HBox([entry, button]), feedback])


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
        if isinstance(item, numbers.Real) and float(item).is_integer():
            number = int(item)
        elif isinstance(item, str) and item.strip().isdigit():
            number = int(item.strip())
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
            return "incorrect", f"{answer!r} is not one of the options; {self._allowed()}."
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
                return "incorrect", f"{item!r} is not one of the options; {self._allowed()}."
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


# --------------------------------------------------------------------------- numeric


def _as_number(answer: Any, unit: str) -> float | str:
    """A float, or a plain-words reason why `answer` is not a single number."""
    if isinstance(answer, bool):
        return "True/False is not a number"
    if isinstance(answer, np.ndarray) and answer.ndim == 0:
        answer = answer.item()
    if isinstance(answer, numbers.Real):
        return float(answer)
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
        except ValueError:
            return f"{answer!r} is not a number; type digits only, like 3 or 2.5"
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
            f"{str(answer).strip()!r} is not what I expected. Capitals and extra spaces don't "
            "matter, so check the word itself."
        )

    def answer_markdown(self) -> str:
        others = self.accepted[1:]
        also = f" (also accepted: {', '.join(others)})" if others else ""
        return f"{self.accepted[0]}{also}"

    def _build_widget(self) -> widgets.Widget:
        entry = widgets.Text(placeholder="your answer", layout=widgets.Layout(width="24em"))
        return self._simple_entry_widget(entry, lambda: entry.value)


# --------------------------------------------------------------------------- sets


def _item_key(item: Any) -> Hashable:
    """Compare 2, 2.0 and np.int64(2) as equal, and texts after `normalise_text`."""
    if isinstance(item, np.generic):
        item = item.item()
    if isinstance(item, bool):
        return item
    if isinstance(item, numbers.Real) and float(item).is_integer():
        return int(item)
    if isinstance(item, str):
        return normalise_text(item)
    return item


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
        shown = original if original is not None else key
        label = self._labels.get(key)
        return f"{shown} ({label})" if label else f"{shown}"

    def _evaluate(self, answer: Any) -> tuple[Status, str]:
        items = _as_items(answer)
        if isinstance(items, str):
            return "incorrect", items + "."
        given: dict[Hashable, Any] = {}
        for item in items:
            given.setdefault(_item_key(item), item)
        extra = [k for k in given if k not in self._expected]
        missing = [k for k in dict.fromkeys(_item_key(i) for i in self.expected) if k not in given]
        if not extra and not missing:
            listed = ", ".join(self._describe(_item_key(i), i) for i in self.expected)
            return "correct", self._with_explanation(f"That's right: {listed}.")
        lines = []
        for key in extra:
            why = self._why.get(key, "")
            lines.append(f"{self._describe(key, given[key])} does not belong. {why}".rstrip())
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


# --------------------------------------------------------------------------- open question


class OpenQuestion(Question):
    """An open task ("advise the minister") the student scores against a rubric themselves.

    Interactive: write in the text box, tick the rubric points the answer covers, press "Show
    model answer". In code: ``q.check(text, met={1, 3})`` (or
    ``check(qid, {"text": text, "met": {1, 3}})``). Correct means at least `min_points` rubric
    points ticked (default: all).
    """

    kind = "OpenQuestion"
    needs_prompt = True

    def __init__(
        self,
        qid: str,
        prompt: str,
        *,
        rubric: Sequence[str],
        model_answer: str,
        min_points: int | None = None,
        explanation: str = "",
    ):
        if isinstance(rubric, str) or not isinstance(rubric, Sequence) or not rubric:
            raise ValueError("rubric: must be a non-empty list of points to check")
        for number, point in enumerate(rubric, start=1):
            _require_text(f"rubric[{number}]", point)
        self.rubric = tuple(rubric)
        self.model_answer = _require_text("model_answer", model_answer)
        if min_points is None:
            min_points = len(self.rubric)
        if (
            not isinstance(min_points, numbers.Integral)
            or isinstance(min_points, bool)
            or not 1 <= min_points <= len(self.rubric)
        ):
            raise ValueError(
                f"min_points: must be a whole number from 1 to {len(self.rubric)}, "
                f"got {min_points!r}"
            )
        self.min_points = int(min_points)
        super().__init__(qid, prompt, explanation=explanation)

    def check(self, answer: Any, met: Iterable[int] | None = None) -> Feedback:
        """Judge the written `answer` with the rubric points `met` the student ticked."""
        if met is not None and not _is_blank(answer):
            answer = {"text": answer, "met": met}
        return super().check(answer)

    def _evaluate(self, answer: Any) -> tuple[Status, str]:
        if isinstance(answer, Mapping):
            text, met = answer.get("text"), answer.get("met")
        elif isinstance(answer, tuple) and len(answer) == 2:
            text, met = answer
        else:
            text, met = answer, None
        if _is_blank(text):
            return "not_answered", "Write your advice first, then compare it with the rubric."
        if met is None:
            return "not_answered", (
                "Now compare your advice with the rubric: tick the points it covers "
                "(checkboxes above), or in code `check(answer, met={1, 2})`."
            )
        items = _as_items(met)
        if isinstance(items, str):
            return "incorrect", "`met` should list rubric point numbers, like {1, 3}."
        ticked: set[int] = set()
        for item in items:
            if isinstance(item, bool) or not isinstance(item, numbers.Integral):
                return "incorrect", f"{item!r} is not a rubric point number (1-{len(self.rubric)})."
            if not 1 <= int(item) <= len(self.rubric):
                return (
                    "incorrect",
                    f"The rubric has points 1-{len(self.rubric)}; you ticked {item}.",
                )
            ticked.add(int(item))
        total = len(self.rubric)
        open_points = [n for n in range(1, total + 1) if n not in ticked]
        summary = f"Your advice covers {len(ticked)} of {total} rubric points."
        model = f"Model answer: {self.model_answer}"
        if len(ticked) >= self.min_points:
            return "correct", f"{summary} Compare it with the model answer.\n{model}"
        todo = "\n".join(f"- ({n}) {self.rubric[n - 1]}" for n in open_points)
        need = f" Aim for at least {self.min_points}." if self.min_points < total else ""
        return "incorrect", f"{summary}{need} Still to cover:\n{todo}\n{model}"

    def answer_markdown(self) -> str:
        return _md_lines(self.model_answer)

    def _title(self) -> str:
        return f"Your advice {self.qid}"

    def _body_markdown(self) -> str:
        return "Check your answer against this rubric:\n\n" + "\n".join(
            f"{n}. {p}" for n, p in enumerate(self.rubric, start=1)
        )

    def _body_html(self) -> str:
        items = "".join(f"<li>{_inline_html(p)}</li>" for p in self.rubric)
        return f"<p>Check your answer against this rubric:</p><ol>{items}</ol>"

    def _repr_markdown_(self) -> str:
        return super()._repr_markdown_().replace("Show answer", "Show model answer", 1)

    def _repr_html_(self) -> str:
        return super()._repr_html_().replace("Show answer", "Show model answer", 1)

    def _build_widget(self) -> widgets.Widget:
        text = widgets.Textarea(
            placeholder="Write your advice to the minister here…",
            rows=6,
            layout=widgets.Layout(width="100%"),
        )
        boxes, rubric = _tick_rows([f"{n}. {p}" for n, p in enumerate(self.rubric, 1)])
        button = _check_button("Show model answer")
        feedback = widgets.HTML()

        def on_show(_: Any) -> None:
            met = {n for n, box in enumerate(boxes, start=1) if box.value}
            feedback.value = self._check_from_widget({"text": text.value, "met": met})._repr_html_()
            if feedback.value and "Model answer" not in feedback.value:
                feedback.value += (
                    f'<div style="margin-top:4px"><strong>Model answer:</strong> '
                    f"{_inline_html(self.model_answer)}</div>"
                )

        button.on_click(on_show)
        intro = widgets.HTML("Then tick each point your advice covers:")
        return _card([self._header(), text, intro, rubric, widgets.HBox([button]), feedback])


# --------------------------------------------------------------------------- quiz


class Quiz:
    """A lesson's self-check block: ``Quiz("Self-check", [q1, q2, q3]).show()``."""

    def __init__(self, title: str, questions: Sequence[Question]):
        self.title = _require_text("title", title)
        if isinstance(questions, Question) or not isinstance(questions, Sequence) or not questions:
            raise ValueError("questions: must be a non-empty list of questions")
        seen: set[str] = set()
        for position, question in enumerate(questions, start=1):
            if not isinstance(question, Question):
                raise ValueError(
                    f"questions[{position}]: {question!r} is not a question "
                    "(MultipleChoice, Numeric, ShortAnswer, ...)"
                )
            if question.qid in seen:
                raise ValueError(f"questions: duplicate id {question.qid!r}")
            seen.add(question.qid)
        self.questions = tuple(questions)
        self._widget: widgets.Widget | None = None

    def __repr__(self) -> str:
        return f"Quiz({self.title!r}, {[q.qid for q in self.questions]})"

    def check(self, answers: Mapping[str, Any]) -> list[Feedback]:
        """Check several answers at once, keyed by question id."""
        known = {q.qid: q for q in self.questions}
        unknown = [qid for qid in answers if qid not in known]
        if unknown:
            raise ValueError(f"answers: unknown question id {unknown[0]!r}; known: {list(known)}")
        return [known[qid].check(answer) for qid, answer in answers.items()]

    def widget(self) -> widgets.Widget:
        """All questions stacked under the title (built once)."""
        if self._widget is None:
            title = widgets.HTML(f"<h3>{html.escape(self.title)}</h3>")
            self._widget = widgets.VBox([title, *(q.widget() for q in self.questions)])
        return self._widget

    def show(self) -> None:
        """Display the quiz: widgets in Lab/Voila, static fallback in HTML exports."""
        from IPython.display import display

        display(self)

    def _repr_markdown_(self) -> str:
        return f"### {self.title}\n\n" + "\n\n---\n\n".join(
            q._repr_markdown_() for q in self.questions
        )

    def _repr_html_(self) -> str:
        return (
            f'<div class="course-quiz"><h3>{html.escape(self.title)}</h3>'
            + "<hr>".join(q._repr_html_() for q in self.questions)
            + "</div>"
        )

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        bundle = dict(self.widget()._repr_mimebundle_() or {})
        bundle["text/html"] = self._repr_html_()
        bundle["text/markdown"] = self._repr_markdown_()
        bundle["text/plain"] = f"{self.title}: {len(self.questions)} questions"
        return bundle
