"""Reading (YAML) and checking (pydantic) a content file, only for a file not checked before.

Why pydantic: the rules of a content file (these fields and no others, a question needs two
choices and at least one right one, ids of the form ``02.q1``) read as declarations, and its
errors carry the location of every bad field, which :func:`format_errors` turns into lines a
lecturer can act on ("question '02.q3', field 'choices[2].feedback': Field required").

:mod:`course.learning.content` calls :func:`checked` only for a file whose exact bytes have not
passed before (:mod:`course.engine.checked_files`); it keeps the normalised result, so later
kernels build the lesson's content without importing YAML or pydantic (about 60 ms per kernel).
"""

from __future__ import annotations

import re
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from course.learning.content import LESSON_ID

__all__ = ["ContentSchemaError", "checked", "format_errors", "read_yaml"]

QUESTION_ID = re.compile(r"^\d{2}\.[a-z0-9][a-z0-9_-]*$")
TASK_ID = re.compile(r"^ex\d{2}\.task\d+$")


class ContentSchemaError(ValueError):
    """A content file breaks the schema; the message has one line per bad field."""


# --- reading YAML ------------------------------------------------------------------------------

#: libyaml's parser where PyYAML was built with it (the PyPI wheels are): it reads the content
#: files several times faster than the pure-Python one.
_SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _UniqueKeyLoader(_SafeLoader):
    """PyYAML keeps the last of two equal keys silently; a content file must not."""


def _mapping_without_duplicates(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict:
    keys: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        if key in keys:
            raise yaml.constructor.ConstructorError(
                None, None, f"key {key!r} appears twice", key_node.start_mark
            )
        keys.add(key)
    return loader.construct_mapping(node)


_UniqueKeyLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_without_duplicates
)


def read_yaml(source: str) -> Any:
    """The parsed file; :class:`ContentSchemaError` saying where YAML could not read it."""
    try:
        return yaml.load(source, Loader=_UniqueKeyLoader)
    except yaml.YAMLError as error:
        raise ContentSchemaError(f"not valid YAML: {error}") from None


# --- the schema --------------------------------------------------------------------------------


class _Strict(BaseModel):
    # extra="forbid": a misspelt field ("feedbak") is an error naming it, not silently ignored.
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class ChoiceSchema(_Strict):
    """One choice of a multiple-choice question, with the feedback a student gets for it."""

    text: str = Field(min_length=1)
    feedback: str = Field(min_length=1)
    correct: bool = False


class ChoiceQuestionSchema(_Strict):
    """A multiple-choice self-check question as authored in a content file."""

    id: str
    prompt: str = Field(min_length=1)
    choices: list[ChoiceSchema] = Field(min_length=2)
    explanation: str = ""
    hint: str = ""
    style: Literal["radio", "toggle"] = "radio"

    @field_validator("id")
    @classmethod
    def _id_shape(cls, value: str) -> str:
        if not QUESTION_ID.match(value):
            raise ValueError(f"{value!r} is not a question id; allowed: NN.name, e.g. '02.q1'")
        return value

    @model_validator(mode="after")
    def _one_correct_at_least(self) -> ChoiceQuestionSchema:
        if not any(choice.correct for choice in self.choices):
            raise ValueError("no choice is marked 'correct: true'; mark at least one")
        texts = [choice.text.casefold() for choice in self.choices]
        if len(set(texts)) != len(texts):
            raise ValueError("the same choice text appears twice")
        return self


class TaskSchema(_Strict):
    """The words of one exercise task; its expected answer is computed in Python."""

    id: str
    prompt: str = Field(min_length=1)
    hint: str = ""
    explanation: str = ""
    choices: list[ChoiceSchema] = Field(default_factory=list)
    rubric: list[str] = Field(default_factory=list)
    model_answer: str = ""
    min_points: int | None = None
    solution: str = ""
    worked_answer: str = ""

    @field_validator("id")
    @classmethod
    def _id_shape(cls, value: str) -> str:
        if not TASK_ID.match(value):
            raise ValueError(f"{value!r} is not a task id; allowed: exNN.taskK, e.g. 'ex02.task1'")
        return value

    @model_validator(mode="after")
    def _open_task_complete(self) -> TaskSchema:
        if self.rubric and not self.model_answer:
            raise ValueError("a task with a rubric needs a model_answer")
        if self.min_points is not None and not 1 <= self.min_points <= len(self.rubric):
            raise ValueError(f"min_points must be 1-{len(self.rubric)} (the rubric's length)")
        if self.choices and not any(choice.correct for choice in self.choices):
            raise ValueError("no choice is marked 'correct: true'; mark at least one")
        return self


class LessonSchema(_Strict):
    """Everything a content file holds for one lesson (and its exercises)."""

    lesson: str
    questions: list[ChoiceQuestionSchema] = Field(default_factory=list)
    tasks: list[TaskSchema] = Field(default_factory=list)
    texts: dict[str, Any] = Field(default_factory=dict)

    @field_validator("lesson", mode="before")
    @classmethod
    def _lesson_shape(cls, value: Any) -> str:
        value = str(value)
        if not LESSON_ID.match(value):
            raise ValueError(f"{value!r} is not a lesson id; allowed: two digits such as '02'")
        return value

    @model_validator(mode="after")
    def _ids_belong_and_are_unique(self) -> LessonSchema:
        seen: set[str] = set()
        for item in [*self.questions, *self.tasks]:
            if item.id in seen:
                raise ValueError(f"id {item.id!r} appears twice")
            seen.add(item.id)
            digits = item.id.removeprefix("ex")[:2]
            if digits != self.lesson:
                raise ValueError(f"id {item.id!r} does not belong to lesson {self.lesson}")
        return self


# --- error messages ---------------------------------------------------------------------------


def _where(raw: Any, loc: tuple[Any, ...]) -> tuple[str, str]:
    """("question '02.q3'", "choices[2].feedback") for a pydantic error location."""
    owner = "file"
    rest = list(loc)
    if len(rest) >= 2 and rest[0] in ("questions", "tasks") and isinstance(rest[1], int):
        section, index = rest[0], rest[1]
        try:
            item_id = raw[section][index].get("id", f"#{index + 1}")
        except (KeyError, IndexError, TypeError, AttributeError):
            item_id = f"#{index + 1}"
        owner = f"{section[:-1]} {item_id!r}"
        rest = rest[2:]
    field = ""
    for part in rest:
        if isinstance(part, int):
            field += f"[{part + 1}]"
        else:
            field += ("." if field else "") + str(part)
    return owner, field or "(whole entry)"


def _allowed_fields(loc: tuple[Any, ...]) -> list[str]:
    """Field names allowed where an unknown field was found (for the error message)."""
    model: type[BaseModel] = LessonSchema
    sections = {"questions": ChoiceQuestionSchema, "tasks": TaskSchema}
    for part in loc[:-1]:
        if model is LessonSchema and part in sections:
            model = sections[part]
        elif part == "choices":
            model = ChoiceSchema
    return list(model.model_fields)


def format_errors(where: str, raw: Any, error: ValidationError) -> str:
    lines = []
    for problem in error.errors():
        owner, field = _where(raw, tuple(problem["loc"]))
        message = problem["msg"].removeprefix("Value error, ")
        if problem["type"] == "extra_forbidden":
            message = (
                f"unknown field (a typo?); allowed: {', '.join(_allowed_fields(problem['loc']))}"
            )
        lines.append(f"{where}: {owner}, field '{field}': {message}")
    return "\n".join(lines)


def checked(raw: Any, where: str) -> dict[str, Any]:
    """``raw`` (a parsed content file) checked and normalised (whitespace stripped, defaults
    filled), as plain dictionaries and lists; :class:`ContentSchemaError` naming every bad
    field."""
    try:
        return LessonSchema.model_validate(raw).model_dump()
    except ValidationError as error:
        raise ContentSchemaError(format_errors(where, raw, error)) from None
