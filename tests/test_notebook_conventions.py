"""The course's notebook conventions, checked on every lesson and exercise notebook."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from course.engine.paths import EXERCISES_DIR, NOTEBOOKS_DIR
from course.learning.lesson_map import (
    REQUIRED_KEYS,
    LessonMetadataError,
    cleanliness_problems,
    convention_problems,
    lesson_paths,
    load_lessons,
    read_lesson,
)

LESSONS = lesson_paths(NOTEBOOKS_DIR)
ALL_NOTEBOOKS = sorted(NOTEBOOKS_DIR.glob("*.ipynb")) + sorted(EXERCISES_DIR.glob("*.ipynb"))


def test_start_page_exists() -> None:
    assert (NOTEBOOKS_DIR / "00_start_here.ipynb") in LESSONS


@pytest.mark.parametrize("path", ALL_NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_committed_clean(path: Path) -> None:
    assert cleanliness_problems(path) == []


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_lesson_follows_conventions(path: Path) -> None:
    assert convention_problems(path) == []


def test_every_notebook_in_notebooks_is_a_lesson() -> None:
    strays = [p.name for p in NOTEBOOKS_DIR.glob("*.ipynb") if p not in LESSONS]
    assert strays == [], "notebooks/ holds only NN_slug.ipynb lessons"


def test_prerequisites_point_backwards_to_existing_lessons() -> None:
    lessons = load_lessons()
    ids = [lesson.id for lesson in lessons]
    assert ids == sorted(ids)
    assert len(set(ids)) == len(ids), "two lessons share an id"
    for lesson in lessons:
        for prereq in lesson.prerequisites:
            assert prereq in ids, f"{lesson.filename}: unknown prerequisite {prereq}"
            assert prereq < lesson.id, f"{lesson.filename}: prerequisite {prereq} comes later"


# --- the checks themselves must be able to fail -------------------------------------------


def _write_notebook(folder: Path, name: str, meta: dict | None, cells: list[dict]) -> Path:
    nb = {
        "cells": cells,
        "metadata": {"course": meta} if meta is not None else {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path = folder / name
    path.write_text(json.dumps(nb), encoding="utf-8")
    return path


def _good_meta() -> dict:
    return {
        "id": "01",
        "title": "A lesson",
        "objectives": ["Do a thing"],
        "minutes": 20,
        "prerequisites": ["00"],
    }


def _md(text: str) -> dict:
    return {"cell_type": "markdown", "metadata": {}, "source": text}


GOOD_FIRST = _md("# A lesson\n\n20 minutes\n\n- Do a thing")
GOOD_LAST = _md("## Summary\n\nBack to [start](00_start_here.ipynb)")


@pytest.mark.parametrize("missing", REQUIRED_KEYS)
def test_missing_metadata_key_is_named(tmp_path: Path, missing: str) -> None:
    meta = _good_meta()
    del meta[missing]
    path = _write_notebook(tmp_path, "01_a_lesson.ipynb", meta, [GOOD_FIRST, GOOD_LAST])
    with pytest.raises(LessonMetadataError) as err:
        read_lesson(path)
    assert "01_a_lesson.ipynb" in str(err.value)
    assert repr(missing) in str(err.value)


def test_good_fixture_lesson_passes(tmp_path: Path) -> None:
    path = _write_notebook(tmp_path, "01_a_lesson.ipynb", _good_meta(), [GOOD_FIRST, GOOD_LAST])
    assert convention_problems(path) == []


def test_missing_summary_link_and_objective_are_reported(tmp_path: Path) -> None:
    first = _md("# A lesson\n\n20 minutes")
    last = _md("## Summary\n\nThat's all.")
    path = _write_notebook(tmp_path, "01_a_lesson.ipynb", _good_meta(), [first, last])
    problems = "\n".join(convention_problems(path))
    assert "objective 'Do a thing'" in problems
    assert "](00_start_here.ipynb)" in problems


def test_summary_must_link_to_the_next_existing_lesson(tmp_path: Path) -> None:
    _write_notebook(tmp_path, "01_a_lesson.ipynb", _good_meta(), [GOOD_FIRST, GOOD_LAST])
    second = {**_good_meta(), "id": "02", "title": "B lesson"}
    _write_notebook(
        tmp_path,
        "02_b_lesson.ipynb",
        second,
        [_md("# B lesson\n20 minutes\n- Do a thing"), GOOD_LAST],
    )
    problems = convention_problems(tmp_path / "01_a_lesson.ipynb")
    assert problems == [
        "01_a_lesson.ipynb: the summary must link to the next lesson as ](02_b_lesson.ipynb)"
    ]


def test_outputs_and_widget_state_are_reported(tmp_path: Path) -> None:
    cell = {
        "cell_type": "code",
        "execution_count": 3,
        "metadata": {},
        "outputs": [{"output_type": "stream", "name": "stdout", "text": "hi"}],
        "source": "print('hi')",
    }
    path = _write_notebook(tmp_path, "x.ipynb", None, [cell])
    data = json.loads(path.read_text())
    data["metadata"]["widgets"] = {"application/vnd.jupyter.widget-state+json": {}}
    path.write_text(json.dumps(data))
    problems = cleanliness_problems(path)
    assert len(problems) == 3


def test_minutes_must_be_a_positive_integer(tmp_path: Path) -> None:
    meta = {**_good_meta(), "minutes": "twenty"}
    path = _write_notebook(tmp_path, "01_a_lesson.ipynb", meta, [GOOD_FIRST, GOOD_LAST])
    with pytest.raises(LessonMetadataError, match="'minutes'"):
        read_lesson(path)


def test_speaker_notes_must_be_marked_for_the_lecturer(tmp_path: Path) -> None:
    def notes(text: str, slide: str = "notes") -> dict:
        return {
            "cell_type": "markdown",
            "metadata": {"slideshow": {"slide_type": slide}},
            "source": text,
        }

    good = notes("> **For the lecturer.** Ask the room first.")
    path = _write_notebook(
        tmp_path, "01_a_lesson.ipynb", _good_meta(), [GOOD_FIRST, good, GOOD_LAST]
    )
    assert convention_problems(path) == []
    for cell, message in (
        (notes("Speaker notes: ask the room."), "does not start with"),
        (notes("> **For the lecturer.** Hidden in the lesson.", "-"), "reads as a speaker note"),
    ):
        path = _write_notebook(
            tmp_path, "01_a_lesson.ipynb", _good_meta(), [GOOD_FIRST, cell, GOOD_LAST]
        )
        problems = convention_problems(path)
        assert len(problems) == 1 and message in problems[0] and "cell 1" in problems[0]
