"""Shared machinery of every self-check: `Feedback`, the question registry, `check`, the
`Question` base class and the small text and widget helpers the question types share."""

from __future__ import annotations

import difflib
import html
import math
import os
import re
import reprlib
import unicodedata
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

import ipywidgets as widgets

from course.learning import progress

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
UNCHECKABLE = "Your answer could not be checked"
"""Start of the last-resort feedback for an answer no check foresaw (an object whose ``repr``
or iteration fails). The property tests make sure ordinary values never get it."""


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


_SHOWN = reprlib.Repr()
_SHOWN.maxstring = _SHOWN.maxother = 60
_SHOWN.maxlist = _SHOWN.maxtuple = _SHOWN.maxset = _SHOWN.maxfrozenset = _SHOWN.maxdict = 6


def shown(value: object) -> str:
    """A short ``repr`` of a student's answer for a feedback message.

    Why: feedback quotes what the student gave ("'x' is not one of the options"), and a huge
    string or table pasted by mistake must not turn the feedback into pages of text.
    """
    try:
        return _SHOWN.repr(value)
    except Exception:  # an object whose repr fails still gets feedback
        return f"<{type(value).__name__} object>"


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
_TRIED: set[str] = set()
"""Ids answered (right or wrong) in this session, so a worked solution can open even when the
progress file is switched off or cannot be written."""


def _register(question: Question) -> None:
    """Latest definition wins: re-running a notebook cell redefines the same question."""
    _REGISTRY[question.qid] = question


def get_question(question_id: str) -> Question:
    """The question or task registered under `question_id` (ValueError if unknown, TypeError
    if it is not text)."""
    if not isinstance(question_id, str):
        raise TypeError(
            f"question_id: must be text such as 'ex01.task2', got {type(question_id).__name__} "
            f"{shown(question_id)}"
        )
    try:
        return _REGISTRY[question_id]
    except KeyError:
        close = difflib.get_close_matches(question_id, list(_REGISTRY), n=3)
        hint = f" Did you mean {', '.join(repr(c) for c in close)}?" if close else ""
        known = ", ".join(sorted(_REGISTRY)) or "none yet: run the cell that defines the tasks"
        raise ValueError(
            f"question_id: no question or task {shown(question_id)} is defined.{hint} "
            f"Known: {known}"
        ) from None


def registered_ids() -> list[str]:
    """Ids of every question and task defined so far in this session."""
    return sorted(_REGISTRY)


def tried(question_id: str) -> bool:
    """True once the student has answered ``question_id`` (right or wrong), in this session or
    in an earlier one recorded in the progress file. A blank answer is not an attempt."""
    if question_id in _TRIED:
        return True
    try:
        return question_id in progress.load_progress().get("questions", {})
    except Exception:  # an unreadable progress file must not hide the session's own attempts
        return False


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
            reason = str(error)
            reason = reason if len(reason) <= 120 else reason[:117] + "..."
            status, message = (
                "incorrect",
                f"{UNCHECKABLE} (a {type(answer).__name__}: {type(error).__name__}: {reason}). "
                "Check that it has the expected type.",
            )
        return Feedback(status, message, self.qid)

    def check(self, answer: Any) -> Feedback:
        """Judge `answer` and say why. Blank answers are "not answered yet"; never raises,
        except in strict mode where anything but "correct" raises AssertionError."""
        feedback = self._feedback(answer, blank_message=_BLANK_PROGRAMMATIC)
        self._remember(feedback)
        if strict_mode() and not feedback.correct:
            raise AssertionError(str(feedback))
        return feedback

    def _check_from_widget(self, answer: Any) -> Feedback:
        """What a Check button does: judge, record, never raise (even in strict mode)."""
        feedback = self._feedback(answer, blank_message=_BLANK_WIDGET)
        self._remember(feedback)
        return feedback

    def _remember(self, feedback: Feedback) -> None:
        """Record a real attempt (right or wrong) in the progress file and in this session."""
        if feedback.status != "not_answered":
            _TRIED.add(self.qid)
        progress.record(self.qid, feedback.status)

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
