"""Teaching text of every lesson, read from ``content/NN_slug.yaml``.

Why a content file: a lecturer who wants to reword a question, a piece of feedback, a task or a
rubric point should edit plain text, not Python, and a translator should find every sentence to
translate in the notebooks and in these files. Python keeps the logic only: questions computed
from the data stay computed, but the sentences they are built from can still live here.

One YAML file per lesson, named like the lesson notebook (``content/02_proxies_and_attribution
.yaml`` for ``notebooks/02_proxies_and_attribution.ipynb``); the file of lesson NN also holds
the tasks of its exercise notebook (ids ``exNN.taskK``). Its parts:

``lesson``
    The two-digit lesson id (must match the file name).
``questions``
    Multiple-choice self-check questions: ``id``, ``prompt``, ``choices`` (each with ``text``,
    ``feedback`` and, for the right ones, ``correct: true``), optional ``explanation``,
    ``hint`` and ``style`` (``radio`` or ``toggle``). Two or more correct choices make a
    "select all that apply" question. The correct choices' positions are authored, not
    shuffled, so what a lecturer sees is what students see; a test keeps them spread.
``tasks``
    Exercise tasks: ``id``, ``prompt`` and optional ``hint``, ``explanation``, ``rubric``,
    ``model_answer``, ``min_points`` (open tasks), ``choices`` (multiple-choice tasks),
    ``solution`` (the code of the worked solution, shown by :func:`course.learning.solutions.
    solution` after a first attempt and put into the lecturer's solutions edition) and
    ``worked_answer`` (a short discussion in markdown, shown with it).
``texts``
    Every other sentence a student reads (the diagnosis plans, the evidence descriptions, the
    feedback computed from the data...), as a mapping of names to texts or to nested mappings
    keyed by the data's codes. Each module declares what it reads in a :class:`LessonTexts`
    spec (the exact keys of nested mappings, the placeholders each text may use) and checks it
    at import: a missing or misspelt key, a key it does not know, or an unknown placeholder is an
    error naming the file and the key path. Quote the keys ``'yes'`` and ``'no'``: YAML reads
    them unquoted as true and false.

Texts may contain ``${placeholders}`` that the lesson module fills from the data (for example
``${incident}``); :func:`fill` raises an error naming the field and
the placeholder when a value is missing, so a typo never reaches a student as ``${incidnet}``.

A malformed file raises :class:`ContentError` naming the file, the question or task id and the
field, for example ``content/02_proxies_and_attribution.yaml: question '02.q3', field
'choices[2].feedback': Field required``. Files are re-read when they change on disk, so a
lecturer's edit shows after re-running the cell.
"""

from __future__ import annotations

import contextlib
import datetime
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any, Final, Literal

from course.engine import checked_files
from course.engine.paths import CONTENT_DIR
from course.learning.quiz import MultipleChoice

__all__ = [
    "TEXT",
    "Choice",
    "ChoiceQuestionText",
    "ContentError",
    "LessonContent",
    "LessonTexts",
    "TaskText",
    "choice_question",
    "choice_task",
    "content_file",
    "fill",
    "lesson_content",
    "lesson_ids",
    "load_content_file",
    "placeholders",
    "question_text",
    "task_text",
    "task_words",
    "text",
]

LESSON_ID = re.compile(r"^\d{2}$")


class ContentError(ValueError):
    """A content file is missing, unreadable or breaks the schema; the message names the file,
    the question or task id and the field."""


@dataclass(frozen=True)
class Choice:
    """One choice of a multiple-choice question, with the feedback a student gets for it."""

    text: str
    feedback: str
    correct: bool = False


@dataclass(frozen=True)
class ChoiceQuestionText:
    """A multiple-choice self-check question as authored in a content file."""

    id: str
    prompt: str
    choices: list[Choice]
    explanation: str = ""
    hint: str = ""
    style: Literal["radio", "toggle"] = "radio"

    @property
    def answer(self) -> int | set[int]:
        """The correct option number, or the set of them for "select all that apply"."""
        right = {n for n, choice in enumerate(self.choices, start=1) if choice.correct}
        return right if len(right) > 1 else next(iter(right))


@dataclass(frozen=True)
class TaskText:
    """The words of one exercise task; its expected answer is computed in Python."""

    id: str
    prompt: str
    hint: str = ""
    explanation: str = ""
    choices: list[Choice] = field(default_factory=list)
    rubric: list[str] = field(default_factory=list)
    model_answer: str = ""
    min_points: int | None = None
    solution: str = ""
    worked_answer: str = ""

    @property
    def answer(self) -> int | set[int]:
        """For a multiple-choice task: the correct option number (or set of numbers)."""
        right = {n for n, choice in enumerate(self.choices, start=1) if choice.correct}
        if not right:
            raise ContentError(f"task {self.id!r}: field 'choices': not a multiple-choice task")
        return right if len(right) > 1 else next(iter(right))


@dataclass(frozen=True)
class LessonContent:
    """Everything a content file holds for one lesson (and its exercises), as checked by
    :mod:`course.learning.content_schema` (the rules live there)."""

    lesson: str
    questions: list[ChoiceQuestionText] = field(default_factory=list)
    tasks: list[TaskText] = field(default_factory=list)
    texts: dict[str, Any] = field(default_factory=dict)

    def question(self, qid: str) -> ChoiceQuestionText:
        """The question ``qid`` (ContentError naming the known ids if there is none)."""
        for question in self.questions:
            if question.id == qid:
                return question
        known = ", ".join(q.id for q in self.questions) or "none"
        raise ContentError(f"lesson {self.lesson}: no question {qid!r}; known: {known}")

    def task(self, task_id: str) -> TaskText:
        """The task ``task_id`` (ContentError naming the known ids if there is none)."""
        for task in self.tasks:
            if task.id == task_id:
                return task
        known = ", ".join(t.id for t in self.tasks) or "none"
        raise ContentError(f"lesson {self.lesson}: no task {task_id!r}; known: {known}")


def _content(checked: Mapping[str, Any]) -> LessonContent:
    """The dataclasses from a checked, normalised file (what the schema returns)."""

    def choices(items: list[Mapping[str, Any]]) -> list[Choice]:
        return [Choice(**item) for item in items]

    return LessonContent(
        lesson=checked["lesson"],
        questions=[
            ChoiceQuestionText(**{**q, "choices": choices(q["choices"])})
            for q in checked["questions"]
        ],
        tasks=[TaskText(**{**t, "choices": choices(t["choices"])}) for t in checked["tasks"]],
        texts=checked["texts"],
    )


# --- reading the files ---------------------------------------------------------------------------


def _display(path: Path) -> str:
    try:
        return str(path.relative_to(CONTENT_DIR.parent))
    except ValueError:
        return str(path)


def content_file(lesson_id: str, folder: Path | None = None) -> Path:
    """The content file of lesson ``lesson_id`` (``content/NN_*.yaml``)."""
    folder = CONTENT_DIR if folder is None else Path(folder)
    if not LESSON_ID.match(str(lesson_id)):
        raise ContentError(f"lesson_id: {lesson_id!r} is not a lesson id; allowed: two digits")
    matches = sorted(folder.glob(f"{lesson_id}_*.yaml"))
    if len(matches) != 1:
        found = ", ".join(p.name for p in sorted(folder.glob("*.yaml"))) or "none"
        raise ContentError(
            f"lesson_id: expected exactly one file {lesson_id}_*.yaml in {folder}, "
            f"found {len(matches)}; files there: {found}"
        )
    return matches[0]


#: The modules whose source decides what a content file may hold, and the libraries that read
#: and check it: an edit to any of them makes every file be checked again.
RULE_MODULES: Final = ("content.py", "content_schema.py")
CHECK_LIBRARIES: Final = ("yaml", "pydantic")


@cache
def _rules() -> str:
    here = Path(__file__).resolve().parent
    return checked_files.fingerprint((here / name for name in RULE_MODULES), CHECK_LIBRARIES)


def _to_json(value: Any) -> Any:
    """Checked content as JSON that keeps its Python types: YAML gives mappings with number keys
    (lesson 03's plans are keyed by option number) and dates, which plain JSON would turn into
    text. TypeError for anything else (the file is then simply checked again next time)."""
    if isinstance(value, dict):
        return {"__mapping__": [[_to_json(k), _to_json(v)] for k, v in value.items()]}
    if isinstance(value, list):
        return [_to_json(item) for item in value]
    if isinstance(value, datetime.datetime):
        return {"__datetime__": value.isoformat()}
    if isinstance(value, datetime.date):
        return {"__date__": value.isoformat()}
    if value is None or isinstance(value, str | int | float | bool):
        return value
    raise TypeError(f"cannot record a {type(value).__name__} in the checked-content cache")


def _from_json(value: Any) -> Any:
    """The inverse of :func:`_to_json`."""
    if isinstance(value, list):
        return [_from_json(item) for item in value]
    if isinstance(value, dict):
        if "__mapping__" in value:
            return {_from_json(k): _from_json(v) for k, v in value["__mapping__"]}
        if "__datetime__" in value:
            return datetime.datetime.fromisoformat(value["__datetime__"])
        if "__date__" in value:
            return datetime.date.fromisoformat(value["__date__"])
        raise ValueError("a mapping without its tag in the checked-content cache")
    return value


@lru_cache(maxsize=64)
def _parse(path: Path, mtime_ns: int) -> LessonContent:
    del mtime_ns  # part of the cache key only: an edited file is read again
    try:
        content = path.read_bytes()
    except OSError as error:
        raise ContentError(f"{_display(path)}: cannot be read ({error})") from None
    stamp = _stamp(path, content)
    recorded = checked_files.read_checked(stamp)
    if recorded is not None:
        try:
            return _content(_from_json(recorded))
        except (KeyError, TypeError, ValueError):
            pass  # a record from another shape of the code: check the file again
    checked = _check_and_record(path, content, stamp)
    _check_the_other_files(path)
    return _content(checked)


def _stamp(path: Path, content: bytes) -> str:
    """The record key of a content file: its bytes, the rules, and the lesson id of its name
    (part of what is checked: "lesson" must match it)."""
    return checked_files.stamp_for(_rules(), "content", content, path.name[:2])


def _check_and_record(path: Path, content: bytes, stamp: str) -> dict[str, Any]:
    """Every check of one content file (UTF-8, complete, YAML, the schema); the checked mapping,
    also recorded under ``stamp``. Raises :class:`ContentError` naming the file and the field."""
    try:
        source = content.decode("utf-8")
    except UnicodeDecodeError as error:
        line = content[: error.start].count(b"\n") + 1
        raise ContentError(
            f"{_display(path)}: line {line}: not UTF-8 text ({error.reason}); save the file as "
            "UTF-8 (allowed: UTF-8 only)"
        ) from None
    if source.strip() and not source.endswith("\n"):
        # Every editor and yaml.dump end a file with a line break; a file without one was most
        # likely cut short (a half-written save or copy), and YAML would read the rest silently.
        last = source.count("\n") + 1
        raise ContentError(
            f"{_display(path)}: line {last}: the file does not end with a line break, so it may "
            "be cut short (a half-written save?); check its end against the repository's copy, "
            "then end it with a newline"
        )
    from course.learning import content_schema  # YAML and pydantic: only for a new file

    try:
        raw = content_schema.read_yaml(source)
    except content_schema.ContentSchemaError as error:
        raise ContentError(f"{_display(path)}: {error}") from None
    if not isinstance(raw, dict):
        raise ContentError(f"{_display(path)}: the file must be a mapping with 'lesson' at the top")
    expected = path.name[:2]
    if "lesson" in raw and str(raw["lesson"]) != expected:
        # Checked first: a wrong lesson id would otherwise be reported as every question id
        # "not belonging to" it.
        raise ContentError(
            f"{_display(path)}: field 'lesson': {str(raw['lesson'])!r} does not match the file "
            f"name; allowed: {expected!r}"
            + ("" if isinstance(raw["lesson"], str) else f" (in quotes: lesson: '{expected}')")
        )
    try:
        checked = content_schema.checked(raw, _display(path))
    except content_schema.ContentSchemaError as error:
        raise ContentError(str(error)) from None
    with contextlib.suppress(TypeError):  # a value the record cannot hold: check it next time
        checked_files.write_checked(stamp, _to_json(checked))
    return checked


def _check_the_other_files(path: Path) -> None:
    """Check and record the other lessons' content files next to ``path`` that have no record.

    Why: the checker (YAML and pydantic) takes about 70 ms to load, in every kernel that meets a
    file without a record, and checking a file once it is loaded takes 2-3 ms. On a student's
    first day each lesson would otherwise load it again for its own file; checking them all in
    the first kernel lets the later lessons open from their records. A file that fails is left
    without a record and reported by its own lesson, not here, so one lesson's typo never stops
    another lesson. Skipped when records are off (``COURSE_CHECK_DATA=always``).
    """
    if checked_files.checks_forced():
        return
    for other in sorted(path.parent.glob("*.yaml")):
        if other == path or not LESSON_ID.match(other.name[:2]):
            continue
        try:
            content = other.read_bytes()
        except OSError:
            continue
        stamp = _stamp(other, content)
        if checked_files.read_checked(stamp) is None:
            with contextlib.suppress(ContentError):
                _check_and_record(other, content, stamp)


def load_content_file(path: str | Path) -> LessonContent:
    """Read and validate one content file (re-read only when it changed on disk)."""
    path = Path(path).resolve()
    try:
        mtime = path.stat().st_mtime_ns
    except OSError as error:
        raise ContentError(f"{_display(path)}: cannot be read ({error})") from None
    return _parse(path, mtime)


def lesson_content(lesson_id: str, folder: Path | None = None) -> LessonContent:
    """The validated content of lesson ``lesson_id`` ("02")."""
    return load_content_file(content_file(lesson_id, folder))


def lesson_ids(folder: Path | None = None) -> list[str]:
    """Lesson ids that have a content file, in order."""
    folder = CONTENT_DIR if folder is None else Path(folder)
    return sorted({p.name[:2] for p in folder.glob("*.yaml") if LESSON_ID.match(p.name[:2])})


def _lesson_of(item_id: str) -> str:
    return str(item_id).removeprefix("ex")[:2]


def question_text(qid: str) -> ChoiceQuestionText:
    """The authored text of self-check question ``qid`` ("02.q1")."""
    path = content_file(_lesson_of(qid))
    lesson = load_content_file(path)
    try:
        return lesson.question(qid)
    except ContentError as error:
        raise ContentError(f"{_display(path)}: field 'questions': {error}") from None


def task_text(task_id: str) -> TaskText:
    """The authored text of exercise task ``task_id`` ("ex02.task1")."""
    path = content_file(_lesson_of(task_id))
    lesson = load_content_file(path)
    try:
        return lesson.task(task_id)
    except ContentError as error:
        raise ContentError(f"{_display(path)}: field 'tasks': {error}") from None


def text(lesson_id: str, key: str) -> Any:
    """The lesson text stored under ``texts: key:`` (a string, mapping or list)."""
    content = lesson_content(lesson_id)
    if key not in content.texts:
        known = ", ".join(sorted(content.texts)) or "none"
        raise ContentError(
            f"{_display(content_file(lesson_id))}: texts: no key {key!r}; known: {known}"
        )
    return content.texts[key]


PLACEHOLDER = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
"""``${name}``: the only placeholder form, so ``$81 million`` and ``{1, 3}`` stay as written."""


def fill(template: str, where: str, /, **values: Any) -> str:
    """``template`` with its ``${placeholders}`` filled from ``values``.

    Only the braced ``${name}`` form is a placeholder, because teaching text quotes Python code
    full of braces (``{1, 3}``) and sums in dollars (``$81 million``). ``where`` names the text
    for the error message ("task 'ex01.task4', field 'prompt'"). A placeholder without a value is
    an error naming it and the allowed names; a value without a placeholder is fine (a lecturer
    may drop a number from a sentence).
    """
    missing = sorted({name for name in PLACEHOLDER.findall(template) if name not in values})
    if missing:
        allowed = ", ".join("${" + k + "}" for k in sorted(values)) or "none"
        raise ContentError(
            f"{where}: unknown placeholder ${{{missing[0]}}}; allowed placeholders: {allowed}"
        )
    return PLACEHOLDER.sub(lambda match: str(values[match.group(1)]), template)


def _filled(item: ChoiceQuestionText | TaskText, values: Mapping[str, Any]) -> dict[str, Any]:
    """Prompt, choices, feedback, explanation and hint of ``item`` with placeholders filled."""
    kind = "question" if isinstance(item, ChoiceQuestionText) else "task"

    def one(field: str, template: str) -> str:
        return fill(template, f"{kind} {item.id!r}, field {field!r}", **values)

    return {
        "prompt": one("prompt", item.prompt),
        "choices": [one(f"choices[{n}].text", c.text) for n, c in enumerate(item.choices, 1)],
        "feedback": [
            one(f"choices[{n}].feedback", c.feedback) for n, c in enumerate(item.choices, 1)
        ],
        "explanation": one("explanation", item.explanation),
        "hint": one("hint", item.hint),
    }


def choice_question(qid: str, /, **values: Any) -> MultipleChoice:
    """The self-check question ``qid`` as a ready :class:`MultipleChoice` (registered).

    ``values`` fill the ``{placeholders}`` of its texts, for questions whose wording depends on
    the data."""
    item = question_text(qid)
    parts = _filled(item, values)
    return MultipleChoice(qid, answer=item.answer, style=item.style, **parts)


def task_words(task_id: str, /, *, open_task: bool = False, **values: Any) -> dict[str, Any]:
    """Keyword arguments with the words of exercise task ``task_id`` for a question class.

    ``prompt``, ``hint`` and ``explanation`` for every task, plus ``rubric``, ``model_answer``
    and ``min_points`` when ``open_task`` (an :class:`OpenQuestion`, which takes no hint). The
    task module adds what it computes (the expected answer, feedback built from the data).
    """
    item = task_text(task_id)
    where = f"task {task_id!r}"
    words: dict[str, Any] = {
        "prompt": fill(item.prompt, f"{where}, field 'prompt'", **values),
        "explanation": fill(item.explanation, f"{where}, field 'explanation'", **values),
    }
    if open_task:
        if not item.rubric:
            raise ContentError(f"{where}: field 'rubric': an open task needs a rubric")
        words["rubric"] = [
            fill(point, f"{where}, field 'rubric[{n}]'", **values)
            for n, point in enumerate(item.rubric, start=1)
        ]
        words["model_answer"] = fill(item.model_answer, f"{where}, field 'model_answer'", **values)
        words["min_points"] = item.min_points
    else:
        words["hint"] = fill(item.hint, f"{where}, field 'hint'", **values)
    return words


def choice_task(task_id: str, /, **values: Any) -> MultipleChoice:
    """A multiple-choice exercise task as a ready :class:`MultipleChoice` (registered)."""
    item = task_text(task_id)
    parts = _filled(item, values)
    return MultipleChoice(task_id, answer=item.answer, **parts)


# --- texts: the other sentences of a lesson ------------------------------------------------

TEXT: Final[frozenset[str]] = frozenset()
"""In a text spec: a text without ``${placeholders}``."""


def placeholders(*names: str) -> frozenset[str]:
    """In a text spec: a text that may use these ``${placeholders}`` (and no others)."""
    return frozenset(names)


class LessonTexts:
    """The ``texts:`` of one lesson's content file, checked against what a module reads.

    ``spec`` maps each name the module reads to what it must hold: a mapping whose keys must be
    exactly those of the spec (for instance the data's codes, in their order) or, for a single
    text, the set of ``${placeholders}`` the text may use (:data:`TEXT` for none). Calling the
    object returns the ``texts:`` section, re-read when the file changed on disk. A missing or
    misspelt key, a key the module does not know inside a nested mapping, a value that is not a
    text, or a placeholder the module does not fill raises
    :class:`~course.learning.content.ContentError` naming the file and the key, for example
    ``content/01_nonstate_actors.yaml: texts: scale_rules: no key 'large'``. At the top level
    the section may hold other names too (a lesson module and its exercise module share the
    file, each with its own spec). Modules call it once at import, so a broken file stops the
    import, not a student's click; a lecturer's later edit shows when the cell is run again.
    """

    def __init__(self, lesson_id: str, spec: Mapping[str, Any]) -> None:
        self.lesson_id = lesson_id
        self.spec = spec
        self._checked: object = None
        self._where = f"content/{lesson_id}_*.yaml: texts"

    def __call__(self, folder: Path | None = None) -> Mapping[str, Any]:
        """The checked ``texts:`` section (of the file in ``folder``; default ``content/``)."""
        content = lesson_content(self.lesson_id, folder)
        if content is not self._checked:
            path = content_file(self.lesson_id, folder)
            where = f"{path.parent.name}/{path.name}: texts"
            _check_texts(content.texts, self.spec, where)
            self._checked, self._where = content, where
        return MappingProxyType(content.texts)

    def get(self, *keys: Any, folder: Path | None = None, **values: Any) -> str:
        """The text at ``keys`` (``"scale_rules", "small"``), its placeholders filled."""
        found: Any = self(folder)
        for key in keys:
            found = found[key]
        return fill(found, f"{self._where}: {': '.join(map(str, keys))}", **values)

    def view(self, *keys: str) -> Mapping[Any, str]:
        """A read-only mapping of the texts under ``keys``, read afresh at every lookup."""
        return _TextView(self, keys)


class _TextView(Mapping[Any, str]):
    """Code -> text, read from the content file at every lookup; keys in the spec's order."""

    def __init__(self, texts: LessonTexts, keys: tuple[str, ...]) -> None:
        spec: Any = texts.spec
        for key in keys:
            spec = spec[key]
        self._texts, self._keys, self._codes = texts, keys, tuple(spec)

    def __getitem__(self, code: Any) -> str:
        if code not in self._codes:
            raise KeyError(code)
        return self._texts.get(*self._keys, code)

    def __iter__(self) -> Iterator[Any]:
        return iter(self._codes)

    def __len__(self) -> int:
        return len(self._codes)

    def __repr__(self) -> str:
        return f"<texts {'.'.join(self._keys)} of lesson {self._texts.lesson_id}: {dict(self)!r}>"


def _check_texts(value: Any, spec: Any, where: str, *, exact: bool = False) -> None:
    """Raise ContentError naming ``where`` and the key when ``value`` does not fit ``spec``."""
    if isinstance(spec, frozenset):
        if not isinstance(value, str) or not value.strip():
            raise ContentError(f"{where}: expected a text, got {value!r}")
        unknown = sorted(set(PLACEHOLDER.findall(value)) - spec)
        if unknown:
            allowed = ", ".join("${" + name + "}" for name in sorted(spec)) or "none"
            raise ContentError(
                f"{where}: unknown placeholder ${{{unknown[0]}}}; allowed placeholders: {allowed}"
            )
        return
    allowed = ", ".join(map(str, spec))
    if not isinstance(value, Mapping):
        raise ContentError(f"{where}: expected a mapping with the keys {allowed}")
    for key in spec:
        if key not in value:
            raise ContentError(f"{where}: no key {key!r}; needed: {allowed}")
    extra = [key for key in value if key not in spec]
    if exact and extra:
        raise ContentError(f"{where}: unknown key {extra[0]!r} (a typo?); allowed: {allowed}")
    for key, part in spec.items():
        _check_texts(value[key], part, f"{where}: {key}", exact=True)
