"""Property tests: no answer a student types and no control value crashes a lesson.

Two families, both found by iterating over what exists, so a new lesson is covered without new
test code:

* Self-checks. Every question and task: the lesson modules' and exercise keys' registered
  checks (``course/lessons``, ``course/exercises``) and every question of ``content/*.yaml``
  built through :func:`course.learning.content.choice_question`. Each gets arbitrary answers
  (None, numbers with NaN and infinities, huge texts, lists, dicts, sets, numpy arrays, pandas
  Series and DataFrames keyed with the course's own codes, plain objects). The result must be a
  :class:`~course.learning.quiz.Feedback` whose message a student can read: short, no
  ``Traceback``, and never the last-resort "could not be checked" text, which would mean a
  pandas or numpy error reached the student. Wrong *arguments* (an unknown question id, a quiz
  answered with a list) may raise ValueError/TypeError naming the field.
* Widgets. Every ``LiveFigure`` and explorer a lesson notebook builds is rebuilt from the
  notebook's own code (its imports and the assignments the call needs) and driven the way a
  control change drives it (``refresh()``), with the control values replaced by arbitrary ones.
  ``refresh()`` may only return True (drawn) or False with a message naming the field and what
  is allowed; nothing else may escape. A value outside a control's range or an unknown option
  must be rejected, or (numbers only) visibly used as given, never clamped to the range.

Settings are modest and derandomized (``max_examples`` 25-30, no deadline), so CI is
deterministic and the file runs in well under a minute.
"""

from __future__ import annotations

import ast
import html
import importlib
import inspect
import json
import math
import numbers
import pkgutil
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import ipywidgets as w
import numpy as np
import pandas as pd
import plotly.io as pio
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import course.exercises
import course.lessons
from course.engine import data as course_data
from course.engine.paths import EXERCISES_DIR
from course.learning import content
from course.learning.lesson_map import lesson_paths
from course.learning.quiz import (
    STATUSES,
    STRICT_ENV,
    Feedback,
    OpenQuestion,
    Question,
    Quiz,
    check,
    get_question,
    registered_ids,
)
from course.learning.quiz.base import UNCHECKABLE, _is_blank

SETTINGS = settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
MAX_MESSAGE = 4000
"""Longest feedback a student should get: a huge pasted answer must not be echoed back."""


@pytest.fixture(autouse=True)
def no_strict_checks_nor_progress(monkeypatch: pytest.MonkeyPatch) -> None:
    """Strict mode turns wrong answers into AssertionError on purpose; progress files are
    tested elsewhere (writing thousands of records here would only cost time)."""
    monkeypatch.delenv(STRICT_ENV, raising=False)
    monkeypatch.setenv("COURSE_PROGRESS_FILE", "off")


# =============================================================================== the questions


def _import_all(package: Any) -> list[Any]:
    return [
        importlib.import_module(f"{package.__name__}.{info.name}")
        for info in pkgutil.iter_modules(package.__path__)
    ]


def _all_questions() -> dict[str, Question]:
    """Every self-check the course defines, by id: importing the lesson and exercise modules
    registers theirs; each lesson's ``SELF_CHECK_IDS`` and every content question are built."""
    lessons = _import_all(course.lessons)
    _import_all(course.exercises)
    joined = course_data.responses_with_incidents()
    for module in lessons:
        for qid in getattr(module, "SELF_CHECK_IDS", ()):
            wants_data = "joined" in inspect.signature(module.self_check_question).parameters
            module.self_check_question(qid, joined) if wants_data else module.self_check_question(
                qid
            )
    for lesson in content.lesson_ids():
        for item in content.lesson_content(lesson).questions:
            if get_question_or_none(item.id) is None:
                content.choice_question(item.id)
    return {qid: get_question(qid) for qid in registered_ids()}


def get_question_or_none(qid: str) -> Question | None:
    try:
        return get_question(qid)
    except ValueError:
        return None


QUESTIONS = _all_questions()


def _vocabulary() -> list[Any]:
    """Codes a real answer is keyed by (options, outcomes, actor types, responders...), so dicts
    and Series reach the checks' deeper branches instead of failing on the first key."""
    words: set[Any] = set()
    for name in dir(course_data):
        value = getattr(course_data, name)
        if name.isupper() and isinstance(value, tuple | frozenset):
            words |= {v for v in value if isinstance(v, str)}
    joined = course_data.responses_with_incidents()
    for column in ("responder", "option", "outcome", "host_state"):
        if column in joined:
            words |= set(joined[column].astype(str).unique()[:40])
    return sorted(words)


VOCABULARY = _vocabulary()

keys = st.one_of(
    st.sampled_from(VOCABULARY), st.integers(-2, 9), st.text(max_size=6), st.floats(0, 9)
)
cells = st.one_of(
    st.integers(-3, 60),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(VOCABULARY),
    st.text(max_size=6),
    st.none(),
    st.booleans(),
)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(-3, 60),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=40),
    st.sampled_from(VOCABULARY),
    st.sampled_from(["1", " 2 ", "3,5", "1,000", "50 %", "nan", "inf", "1e400", "²", "0x1"]),
    st.binary(max_size=8),
    st.complex_numbers(allow_nan=True),
    st.decimals(allow_nan=True),
    st.fractions(),
    st.dates(),
    st.builds(np.int64, st.integers(-(2**63), 2**63 - 1)),
    st.builds(np.float64, st.floats(allow_nan=True, allow_infinity=True)),
    st.sampled_from([np.bool_(True), pd.NA, pd.NaT, Ellipsis, 10**400, -(10**400)]),
)
HUGE = ["x" * 200_000, "9" * 10_000, 10**5000, list(range(50_000)), set(range(5_000))]


@st.composite
def frames(draw: st.DrawFn) -> pd.DataFrame:
    """Small tables with odd shapes: duplicate or numeric column names, NaN, mixed types,
    a meaningful or a plain index."""
    n_rows, n_cols = draw(st.integers(0, 4)), draw(st.integers(0, 3))
    columns = draw(st.lists(keys, min_size=n_cols, max_size=n_cols))
    data = [draw(st.lists(cells, min_size=n_cols, max_size=n_cols)) for _ in range(n_rows)]
    frame = pd.DataFrame(data, columns=pd.Index(columns, dtype=object))
    if n_rows and draw(st.booleans()):
        frame.index = pd.Index(draw(st.lists(keys, min_size=n_rows, max_size=n_rows)))
    return frame


@st.composite
def series(draw: st.DrawFn) -> pd.Series:
    mapping = draw(st.dictionaries(keys, cells, max_size=6))
    values = pd.Series(list(mapping.values()), index=pd.Index(list(mapping), dtype=object))
    return values.rename(draw(st.one_of(st.none(), keys)))


class Plain:
    """An ordinary object of a class no check knows."""


class Hostile:
    """An object whose repr, str, iteration, equality and hash all fail."""

    def __repr__(self) -> str:
        raise RuntimeError("no repr")

    def __str__(self) -> str:
        raise RuntimeError("no str")

    def __iter__(self) -> Iterator[Any]:
        raise RuntimeError("no iteration")

    def __eq__(self, other: object) -> bool:
        raise RuntimeError("no equality")

    __hash__ = None  # type: ignore[assignment]


answers = st.recursive(
    st.one_of(
        scalars,
        frames(),
        series(),
        st.builds(np.array, st.lists(cells, max_size=4)),
        st.sampled_from([np.array(2.5), np.zeros((2, 2)), np.array([]), object(), Plain()]),
        st.sampled_from([range(3), b"1", lambda x: x, print]),
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.lists(inner, max_size=4).map(tuple),
        st.frozensets(st.one_of(st.integers(-2, 9), st.text(max_size=4)), max_size=5),
        st.sets(st.one_of(st.integers(-2, 9), st.sampled_from(VOCABULARY)), max_size=5),
        st.dictionaries(keys, inner, max_size=4),
        st.fixed_dictionaries({"text": inner, "met": inner}),
    ),
    max_leaves=8,
)


def assert_readable(feedback: Any, qid: str, *, allow_last_resort: bool = False) -> None:
    """What a student sees is a Feedback with a short message in plain words."""
    assert isinstance(feedback, Feedback), f"{qid}: returned {type(feedback).__name__}"
    assert feedback.question_id == qid
    assert feedback.status in STATUSES
    message = feedback.message
    assert isinstance(message, str) and message.strip(), f"{qid}: empty feedback"
    assert len(message) <= MAX_MESSAGE, f"{qid}: {len(message)} characters of feedback"
    assert "Traceback" not in message
    assert "This check is broken" not in message, f"{qid}: {message}"
    if not allow_last_resort:
        assert UNCHECKABLE not in message, f"{qid}: an error leaked to the student: {message}"
    assert str(feedback) and feedback._repr_html_() and feedback._repr_markdown_()


QUESTION_IDS = sorted(QUESTIONS)


def test_every_authored_question_and_task_is_covered() -> None:
    """The content files' questions and tasks are all among the checks tested here, so a new
    lesson or exercise module is picked up (a task whose module was never imported fails)."""
    authored = {
        item.id
        for lesson in content.lesson_ids()
        for item in (
            *content.lesson_content(lesson).questions,
            *content.lesson_content(lesson).tasks,
        )
    }
    assert authored <= set(QUESTIONS), sorted(authored - set(QUESTIONS))
    kinds = {type(q).__name__ for q in QUESTIONS.values()}
    assert {"MultipleChoice", "Numeric", "SetAnswer", "OpenQuestion", "Predicate"} <= kinds


KINDS = sorted({type(q).__name__ for q in QUESTIONS.values()})


@pytest.mark.parametrize("kind", KINDS)
@settings(SETTINGS, max_examples=40)
@given(answer=answers)
def test_any_answer_gets_readable_feedback(kind: str, answer: Any) -> None:
    """Each drawn answer goes to every question of one kind (one check function), so every
    question sees every example at the cost of generating it once."""
    for qid, question in QUESTIONS.items():
        if type(question).__name__ == kind:
            feedback = question.check(answer)
            assert_readable(feedback, qid)
            if feedback.status == "not_answered":
                assert _is_blank(answer) or isinstance(question, OpenQuestion), qid


@pytest.mark.parametrize("qid", QUESTION_IDS)
def test_huge_and_hostile_answers_get_feedback(qid: str) -> None:
    """A pasted novel is not echoed back; an object that breaks on every operation still gets
    feedback (the last-resort message is allowed only for it)."""
    question = QUESTIONS[qid]
    for answer in HUGE:
        assert_readable(question.check(answer), qid)
        assert_readable(check(qid, {"text": "advice", "met": answer}), qid)
    feedback = question.check(Hostile())
    assert_readable(feedback, qid, allow_last_resort=True)
    assert feedback.status == "incorrect" or isinstance(question, OpenQuestion)


@SETTINGS
@given(text=answers, met=answers)
def test_open_questions_accept_any_rubric_ticks(text: Any, met: Any) -> None:
    for qid, question in QUESTIONS.items():
        if isinstance(question, OpenQuestion):
            assert_readable(question.check(text, met=met), qid)


@SETTINGS
@given(question_id=st.one_of(answers, st.sampled_from(QUESTION_IDS)), answer=answers)
def test_check_by_id_gives_feedback_or_names_question_id(question_id: Any, answer: Any) -> None:
    try:
        feedback = check(question_id, answer)
    except (ValueError, TypeError) as error:
        assert str(error).startswith("question_id: "), error
        assert len(str(error)) < MAX_MESSAGE + 20 * len(QUESTIONS)
    else:
        assert_readable(feedback, question_id)


@SETTINGS
@given(answers_given=st.one_of(answers, st.dictionaries(st.sampled_from(QUESTION_IDS), answers)))
def test_a_quiz_checks_a_dict_of_answers_or_names_answers(answers_given: Any) -> None:
    quiz = Quiz("Self-check", [QUESTIONS[q] for q in QUESTION_IDS[:3]])
    try:
        results = quiz.check(answers_given)
    except (ValueError, TypeError) as error:
        assert str(error).startswith("answers: "), error
    else:
        assert len(results) == len(answers_given)
        for qid, feedback in zip(answers_given, results, strict=True):
            assert_readable(feedback, qid)


# =============================================================================== the widgets


@dataclass
class FoundWidget:
    """One widget a lesson notebook shows, rebuilt from the notebook's own code."""

    label: str
    widget: Any


def _notebook_paths() -> list[Path]:
    return [*lesson_paths(), *sorted(EXERCISES_DIR.glob("*.ipynb"))]


def _code_cells(path: Path) -> Iterator[ast.Module]:
    notebook = json.loads(path.read_text(encoding="utf-8"))
    for cell in notebook["cells"]:
        source = "".join(cell["source"])
        if cell["cell_type"] == "code" and not source.lstrip().startswith(("%", "!")):
            yield ast.parse(source)


def _names(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


def _is_dotted(node: ast.AST) -> bool:
    return isinstance(node, ast.Name) or (
        isinstance(node, ast.Attribute) and _is_dotted(node.value)
    )


def _run(nodes: list[ast.stmt], path: Path) -> dict[str, Any]:
    namespace: dict[str, Any] = {}
    exec(compile(ast.Module(body=nodes, type_ignores=[]), str(path), "exec"), namespace)
    return namespace


def _needed(statements: list[ast.stmt], call: ast.Call) -> list[ast.stmt]:
    """The imports and the assignments (transitively) that the widget call's names need."""
    need = _names(call)
    keep: list[ast.stmt] = []
    for node in reversed(statements):
        if isinstance(node, ast.Import | ast.ImportFrom):
            keep.append(node)
        elif isinstance(node, ast.Assign):
            targets = set().union(*(_names(t) for t in node.targets))
            if targets & need:
                keep.append(node)
                need |= _names(node.value)
    return keep[::-1]


def _widgets_in(path: Path) -> Iterator[FoundWidget]:
    """Every call in the notebook that constructs a widget with ``controls`` and ``refresh()``
    (LiveFigure, the case-study explorer, the lab...), built as the notebook builds it."""
    statements: list[ast.stmt] = []
    calls: list[tuple[list[ast.stmt], ast.Call]] = []
    for tree in _code_cells(path):
        for node in tree.body:
            calls += [
                (list(statements), call)
                for call in ast.walk(node)
                if isinstance(call, ast.Call) and _is_dotted(call.func)
            ]
            statements.append(node)
    imports = _run([s for s in statements if isinstance(s, ast.Import | ast.ImportFrom)], path)
    for number, (before, call) in enumerate(calls):
        try:
            target = eval(compile(ast.Expression(call.func), str(path), "eval"), dict(imports))
        except Exception:
            continue  # a call on a value the notebook computes: not a widget class
        if isinstance(target, type) and issubclass(target, w.Widget) and hasattr(target, "refresh"):
            namespace = _run(_needed(before, call), path)
            widget = eval(compile(ast.Expression(call), str(path), "eval"), namespace)
            yield FoundWidget(f"{path.stem}:{target.__name__}#{number}", widget)


WIDGETS = {found.label: found for path in _notebook_paths() for found in _widgets_in(path)}


def test_every_lesson_widget_is_found() -> None:
    """The notebooks' LiveFigures and explorers are all rebuilt (so all are tested below)."""
    sources = "".join(p.read_text(encoding="utf-8") for p in _notebook_paths())
    assert len([k for k in WIDGETS if ":LiveFigure#" in k]) == sources.count("LiveFigure(")
    assert len(WIDGETS) >= len(lesson_paths())
    for found in WIDGETS.values():
        assert found.widget.controls and found.widget.refresh() is True, found.label


# --- what each control allows --------------------------------------------------------------------


_CHOICES = (w.Dropdown, w.ToggleButtons, w.RadioButtons, w.Select, w.SelectMultiple)


def _options(control: w.Widget) -> list[Any]:
    return list(control._options_values)


def _numeric(values: list[Any]) -> bool:
    return all(isinstance(v, numbers.Real) and not isinstance(v, bool) for v in values)


def _bounds(control: w.Widget) -> tuple[float, float] | None:
    """(low, high) of a control whose values are numbers, else None."""
    if isinstance(control, _CHOICES):
        values = _options(control)
        return (min(values), max(values)) if values and _numeric(values) else None
    if hasattr(control, "min") and hasattr(control, "max"):
        return control.min, control.max
    return None


def valid_values(control: w.Widget) -> st.SearchStrategy[Any]:
    """What the control itself can produce."""
    if isinstance(control, w.SelectMultiple):
        return st.lists(st.sampled_from(_options(control)), unique=True).map(tuple)
    if isinstance(control, _CHOICES):
        return st.sampled_from(_options(control))
    if isinstance(control, w.Checkbox):
        return st.booleans()
    low, high = control.min, control.max
    if isinstance(control, w.IntRangeSlider | w.FloatRangeSlider):
        inner = (
            st.integers(low, high)
            if isinstance(control, w.IntRangeSlider)
            else st.floats(low, high)
        )
        return st.tuples(inner, inner).map(lambda pair: tuple(sorted(pair)))
    if isinstance(control.value, int):
        return st.integers(low, high)
    return st.floats(low, high)


def out_of_range(control: w.Widget) -> list[tuple[Any, Any]]:
    """Values outside what the control allows, each with the bound it could be clamped to
    (None: must be rejected outright: an unknown option, NaN)."""
    if isinstance(control, w.SelectMultiple):
        return [(("no-such-option",), None), ((*_options(control)[:1], "bogus"), None)]
    bounds = _bounds(control)
    if isinstance(control, _CHOICES) and bounds is None:
        return [("no-such-option", None), ("", None)]
    if bounds is None:
        return []  # a checkbox has no range
    low, high = bounds
    if isinstance(control, w.IntRangeSlider | w.FloatRangeSlider):
        step = getattr(control, "step", 1) or 1
        return [((low - step, high), (low, high)), ((low, high + step), (low, high))]
    step = getattr(control, "step", None) or max(1, (high - low) / 10)
    whole = isinstance(low, int) and isinstance(high, int) and isinstance(step, int)
    probes = [(high + step, high), (low - step, low), (high * 1000 + 10**6, high)]
    if not whole:
        probes += [(math.nan, None), (math.inf, high), (-math.inf, low)]
    return probes


# --- driving a widget with stand-in controls ---------------------------------------------------


def refresh_with(found: FoundWidget, values: Mapping[str, Any]) -> tuple[bool, str]:
    """``refresh()`` with the controls reading ``values`` (stand-ins: real controls would
    refuse or clamp the value before the lesson's function sees it)."""
    widget = found.widget
    real = widget.controls
    widget.controls = {name: SimpleNamespace(value=values[name]) for name in real}
    try:
        drawn = widget.refresh()
    finally:
        widget.controls = real
    assert drawn in (True, False), f"{found.label}: refresh() returned {drawn!r}"
    return drawn, html.unescape(widget.status.value)


def snapshot(widget: Any) -> str:
    """What the student sees after a refresh: the figure and every text panel."""
    panels = [v.value for k, v in vars(widget).items() if isinstance(v, w.HTML) and k != "status"]
    return pio.to_json(widget.figure, validate=False) + "".join(panels)


def assert_names_field(found: FoundWidget, message: str, fields: list[str]) -> None:
    """The status line names the control (``field: ...`` or ``field=...``, the model's own
    wording) and says what is allowed (or expected)."""
    named = any(re.search(rf"\b{re.escape(field)}\s*[:=]", message) for field in fields)
    assert named, f"{found.label}: the message does not name the field {fields}: {message!r}"
    words = message.lower()
    assert "allowed" in words or "expected" in words, (
        f"{found.label}: no word on what is allowed: {message!r}"
    )


def defaults(found: FoundWidget) -> dict[str, Any]:
    return {name: control.value for name, control in found.widget.controls.items()}


WIDGET_IDS = sorted(WIDGETS)


@pytest.mark.parametrize("label", WIDGET_IDS)
@SETTINGS
@given(data=st.data())
def test_any_control_values_draw_or_say_why(label: str, data: st.DataObject) -> None:
    """In-range values for every control, then maybe one control set to anything at all: the
    widget draws, or rejects the value with a message naming that control and what it allows.
    A describe function is called directly too (a rejecting build would hide it)."""
    found = WIDGETS[label]
    controls = found.widget.controls
    values = {name: data.draw(valid_values(c), label=name) for name, c in controls.items()}
    changed = data.draw(st.sampled_from([None, *controls]), label="changed")
    if changed is not None:
        values[changed] = data.draw(answers, label=f"{changed} (arbitrary)")
    # A message may name the control set to anything, or a pick-several list left empty: the
    # control can produce that, and a widget that needs at least one pick says so by name.
    empty = [n for n, c in controls.items() if isinstance(c, w.SelectMultiple) and not values[n]]
    blamed = [changed, *empty] if changed else list(controls)
    drawn, message = refresh_with(found, values)
    if not drawn:
        assert_names_field(found, message, blamed)
    describe = getattr(found.widget, "describe", None)
    if callable(describe):
        try:
            text = describe(**values)
        except ValueError as error:
            assert_names_field(found, str(error), blamed)
        else:
            assert isinstance(text, str)


def _far(value: Any, bound: Any) -> Any:
    """A value as far past ``bound`` as ``value`` is, a million times over: if the widget used
    it as given, the student sees a difference (a small step past the end can vanish in the
    rounding of what is shown)."""
    if isinstance(value, tuple):
        return tuple(_far(v, b) for v, b in zip(value, bound, strict=True))
    if math.isfinite(value) and value != bound:
        return bound + (value - bound) * 10**6
    return value


def assert_not_clamped(
    found: FoundWidget, base: dict[str, Any], name: str, value: Any, bound: Any
) -> None:
    """An accepted out-of-range value must not show what the bound shows, unless the control
    changes nothing in this widget (e.g. the power balance, which only option 7 uses)."""

    def seen(setting: Any) -> str:
        assert refresh_with(found, {**base, name: setting})[0] is True
        return snapshot(found.widget)

    control = found.widget.controls[name]
    low, high = _bounds(control) or (bound, bound)
    other = low if bound == high else high
    far = _far(value, bound)
    if refresh_with(found, {**base, name: far})[0] is False:
        return  # rejected further out: the value is used, not clamped
    used, at_bound, at_other = snapshot(found.widget), seen(bound), seen(other)
    assert used != at_bound or at_bound == at_other, (
        f"{found.label}: {name}={far!r} shows exactly what {bound!r} shows: clamped"
    )


@pytest.mark.parametrize("label", WIDGET_IDS)
def test_out_of_range_values_are_rejected_not_clamped(label: str) -> None:
    """Past a slider's end, an unknown option, NaN: rejected with a message naming the control,
    or (a number the model can take) used as given, never quietly replaced by the bound."""
    found = WIDGETS[label]
    base = defaults(found)
    probed = 0
    for name, control in found.widget.controls.items():
        for value, bound in out_of_range(control):
            probed += 1
            drawn, message = refresh_with(found, {**base, name: value})
            if not drawn:
                assert_names_field(found, message, [name])
                continue
            assert bound is not None, f"{label}: {name}={value!r} was accepted"
            assert_not_clamped(found, base, name, value, bound)
    assert probed or all(isinstance(c, w.Checkbox) for c in found.widget.controls.values())
    assert refresh_with(found, base)[0] is True  # the widget still works afterwards
