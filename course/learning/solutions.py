"""Worked solutions of exercise tasks, shown to a student who has tried the task.

Why gated: a solution read before trying teaches little, and the exercise notebooks students
open hold none (``scripts/make_editions.py`` builds the lecturer's solutions edition from the
same content files). After a first check of a task, right or wrong, ``solution("ex01.task2")``
shows the worked code and, where the content file has one, a short discussion.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from course.learning.content import task_text
from course.learning.quiz import tried

__all__ = ["WorkedSolution", "solution"]


@dataclass(frozen=True)
class WorkedSolution:
    """A task's worked solution, or the reason it is not shown yet (``available`` False)."""

    task_id: str
    available: bool
    code: str = ""
    discussion: str = ""
    message: str = ""

    def __str__(self) -> str:
        if not self.available:
            return self.message
        parts = [f"Worked solution of {self.task_id}:", self.code]
        if self.discussion:
            parts.append(self.discussion)
        return "\n\n".join(parts)

    def _repr_markdown_(self) -> str:
        if not self.available:
            return f"**{self.task_id}:** {self.message}"
        parts = [f"**Worked solution of {self.task_id}**", f"```python\n{self.code}\n```"]
        if self.discussion:
            parts.append(self.discussion)
        return "\n\n".join(parts)

    def _repr_html_(self) -> str:
        if not self.available:
            return (
                f"<p><strong>{html.escape(self.task_id)}:</strong> {html.escape(self.message)}</p>"
            )
        discussion = f"<p>{html.escape(self.discussion)}</p>" if self.discussion else ""
        return (
            f"<p><strong>Worked solution of {html.escape(self.task_id)}</strong></p>"
            f"<pre><code>{html.escape(self.code)}</code></pre>{discussion}"
        )


def solution(task_id: str) -> WorkedSolution:
    """The worked solution of exercise task ``task_id`` ("ex01.task2"), once it was tried.

    Unknown ids raise ``ContentError`` naming the known ones. Before a first attempt the result
    says what to do instead of showing the answer.
    """
    text = task_text(task_id)
    if not text.solution:
        return WorkedSolution(
            task_id, False, message="This task has no worked solution; compare with the rubric."
        )
    if not tried(task_id):
        return WorkedSolution(
            task_id,
            False,
            message=(
                "Try the task first: put your answer in its cell and run the check (a wrong "
                f'answer counts). Then run solution("{task_id}") again.'
            ),
        )
    return WorkedSolution(
        task_id, True, code=text.solution.rstrip(), discussion=text.worked_answer.strip()
    )
