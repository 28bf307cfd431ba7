"""Self-checks for lessons and exercises: questions, feedback, and a registry of tasks.

Question types (each has a stable id such as ``"01.q2"`` or ``"ex01.task2"``; the two digits are
the lesson, used by `course.learning.progress`):

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

from course.learning.quiz.base import (
    QUESTION_ID_PATTERN,
    STATUSES,
    STRICT_ENV,
    Feedback,
    Question,
    Status,
    check,
    get_question,
    normalise_text,
    pick_question,
    registered_ids,
    strict_mode,
    tried,
)
from course.learning.quiz.block import Quiz
from course.learning.quiz.choice import MultipleChoice
from course.learning.quiz.numeric import Numeric
from course.learning.quiz.open_question import OpenQuestion
from course.learning.quiz.predicate import Predicate
from course.learning.quiz.sets import SetAnswer
from course.learning.quiz.short_answer import ShortAnswer
from course.learning.quiz.tables import TableAnswer

__all__ = [
    "QUESTION_ID_PATTERN",
    "STATUSES",
    "STRICT_ENV",
    "Feedback",
    "MultipleChoice",
    "Numeric",
    "OpenQuestion",
    "Predicate",
    "Question",
    "Quiz",
    "SetAnswer",
    "ShortAnswer",
    "Status",
    "TableAnswer",
    "check",
    "get_question",
    "normalise_text",
    "pick_question",
    "registered_ids",
    "strict_mode",
    "tried",
]
