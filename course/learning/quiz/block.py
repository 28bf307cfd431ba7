"""A titled block of self-check questions shown together."""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from typing import Any

import ipywidgets as widgets

from course.learning.quiz.base import Feedback, Question, _require_text, shown

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
        if not isinstance(answers, Mapping):
            raise TypeError(
                f"answers: must be a dict of question id -> answer, such as "
                f"{{{next(iter(known))!r}: 2}}, got {type(answers).__name__} {shown(answers)}"
            )
        unknown = [qid for qid in answers if qid not in known]
        if unknown:
            raise ValueError(
                f"answers: unknown question id {shown(unknown[0])}; known: {list(known)}"
            )
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
