"""Open "advise the minister" tasks: a written answer, a rubric and a model answer."""

from __future__ import annotations

import numbers
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import ipywidgets as widgets

from course.learning.quiz.base import (
    Feedback,
    Question,
    Status,
    _card,
    _check_button,
    _inline_html,
    _is_blank,
    _md_lines,
    _require_text,
    _tick_rows,
    shown,
)
from course.learning.quiz.sets import _as_items

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
                points = len(self.rubric)
                return "incorrect", f"{shown(item)} is not a rubric point number (1-{points})."
            if not 1 <= int(item) <= len(self.rubric):
                return (
                    "incorrect",
                    f"The rubric has points 1-{len(self.rubric)}; you ticked {shown(item)}.",
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
            if _is_blank(text.value):  # the model answer is for comparing, not for copying
                feedback.value = ""
                return
            met = {n for n, box in enumerate(boxes, start=1) if box.value}
            feedback.value = self._check_from_widget({"text": text.value, "met": met})._repr_html_()
            if "Model answer" not in feedback.value:
                feedback.value += (
                    f'<div style="margin-top:4px"><strong>Model answer:</strong> '
                    f"{_inline_html(self.model_answer)}</div>"
                )

        def on_text(_: Any) -> None:
            # The button appears only once something is written.
            button.layout.display = "none" if _is_blank(text.value) else None

        on_text(None)
        text.observe(on_text, names="value")
        button.on_click(on_show)
        intro = widgets.HTML("Then tick each point your advice covers:")
        return _card([self._header(), text, intro, rubric, widgets.HBox([button]), feedback])
