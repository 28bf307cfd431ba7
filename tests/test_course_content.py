"""What every lesson must contain, checked on the notebooks themselves.

The lesson issues ask for the same parts in every lesson (prose length, a figure from the data, a
widget with a static fallback, a self-check of three or more questions, references, slide
metadata, short code cells, an exercise notebook). Checking them here keeps later lessons honest
without anyone re-reading the issue.
"""

from __future__ import annotations

import io
import json
import re
import tokenize
from pathlib import Path

import pytest

from course.engine.paths import EXERCISES_DIR, NOTEBOOKS_DIR
from course.learning.content import task_text
from course.learning.glossary import glossary_terms_missing_from, load_glossary
from course.learning.lesson_map import SLIDE_TYPES, lesson_paths, read_lesson
from course.learning.references import cited_keys_in_notebook, load_references

CONTENT_LESSONS = [p for p in lesson_paths(NOTEBOOKS_DIR) if read_lesson(p).id != "00"]
MIN_PROSE_WORDS = 1200
MAX_CODE_LINES = 15
FSTRING_PARTS = ("FSTRING_START", "FSTRING_MIDDLE", "FSTRING_END")
DATA_CALLS = re.compile(
    r"\b(load_incidents|load_responses|responses_with_incidents|scenario_for)\("
)


def _cells(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def _text(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def prose_words(path: Path) -> int:
    """Words in markdown cells, without code spans, links' targets and HTML tags."""
    words = 0
    for cell in _cells(path):
        if cell["cell_type"] != "markdown":
            continue
        text = re.sub(r"`[^`]*`", " ", _text(cell))
        text = re.sub(r"\]\([^)]*\)", "]", text)
        text = re.sub(r"<[^>]+>", " ", text)
        words += len(re.findall(r"[A-Za-z][A-Za-z'’-]*", text))
    return words


def code_lines(source: str) -> int:
    """Lines that hold code, not counting lines that only continue a string or a bracket.

    Question texts and feedback are prose that happens to sit in a code cell; the rule "short
    cells" is about logic, so a line made only of strings and punctuation does not count.
    """
    lines: set[int] = set()
    skip = {tokenize.STRING, tokenize.NL, tokenize.NEWLINE, tokenize.COMMENT, tokenize.INDENT}
    skip |= {tokenize.DEDENT, tokenize.ENDMARKER}
    # Python 3.12+ splits f-strings into parts; 3.11 has one STRING token.
    skip |= {getattr(tokenize, name, tokenize.STRING) for name in FSTRING_PARTS}
    try:
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            if token.type in skip or (token.type == tokenize.OP and token.string in "()[]{},"):
                continue
            lines.add(token.start[0])
    except (tokenize.TokenError, SyntaxError):
        return len([line for line in source.splitlines() if line.strip()])
    return len(lines)


def _code(path: Path) -> str:
    return "\n".join(_text(c) for c in _cells(path) if c["cell_type"] == "code")


@pytest.mark.parametrize("path", CONTENT_LESSONS, ids=lambda p: p.name)
def test_lesson_has_enough_prose(path: Path) -> None:
    assert prose_words(path) >= MIN_PROSE_WORDS


@pytest.mark.parametrize("path", CONTENT_LESSONS, ids=lambda p: p.name)
def test_lesson_has_data_figure_widget_selfcheck_and_references(path: Path) -> None:
    code = _code(path)
    lesson_id = read_lesson(path).id
    assert DATA_CALLS.search(code), "no figure or table built from data/"
    assert "LiveFigure(" in code or "CaseStudyExplorer(" in code, "no interactive widget"
    assert re.search(r"^\s*show\(", code, re.MULTILINE) or "display(" in code, (
        "no static figure beside the widget"
    )
    questions = set(re.findall(rf"[\"']({lesson_id}\.q\d+)[\"']", code))
    assert len(questions) >= 3, f"self-check has {len(questions)} questions; needs 3 or more"
    assert "Quiz(" in code
    markdown = "\n".join(_text(c) for c in _cells(path) if c["cell_type"] == "markdown")
    assert re.search(r"^## References", markdown, re.M) and "reference_list(" in code


@pytest.mark.parametrize("path", lesson_paths(NOTEBOOKS_DIR), ids=lambda p: p.name)
def test_every_cell_has_slide_metadata_and_code_cells_are_short(path: Path) -> None:
    for index, cell in enumerate(_cells(path)):
        slide = cell.get("metadata", {}).get("slideshow", {}).get("slide_type")
        assert slide in SLIDE_TYPES, f"cell {index} has no slide type"
        if cell["cell_type"] == "code":
            count = code_lines(_text(cell))
            assert count <= MAX_CODE_LINES, f"cell {index} has {count} lines of code"


@pytest.mark.parametrize("path", lesson_paths(NOTEBOOKS_DIR), ids=lambda p: p.name)
def test_every_cited_key_exists(path: Path) -> None:
    known = set(load_references()["key"])
    assert cited_keys_in_notebook(path) - known == set()


@pytest.mark.parametrize("path", CONTENT_LESSONS, ids=lambda p: p.name)
def test_lesson_uses_the_glossary_terms_it_introduces(path: Path) -> None:
    markdown = [_text(c) for c in _cells(path) if c["cell_type"] == "markdown"]
    assert glossary_terms_missing_from(markdown, lesson=read_lesson(path).id) == []


def test_every_glossary_term_of_an_existing_lesson_is_used() -> None:
    existing = {read_lesson(p).id for p in lesson_paths(NOTEBOOKS_DIR)}
    glossary = load_glossary()
    assert set(glossary["lesson"]) >= {"01", "02", "03"}
    texts = [
        _text(c)
        for p in lesson_paths(NOTEBOOKS_DIR)
        for c in _cells(p)
        if c["cell_type"] == "markdown"
    ]
    missing = glossary_terms_missing_from(texts)
    introduced_by_existing = set(glossary.loc[glossary["lesson"].isin(existing), "term"])
    assert sorted(set(missing) & introduced_by_existing) == []


@pytest.mark.parametrize("path", CONTENT_LESSONS, ids=lambda p: p.name)
def test_lesson_has_an_exercise_notebook_with_3_to_6_checked_tasks(path: Path) -> None:
    exercises = EXERCISES_DIR / f"{path.stem}_exercises.ipynb"
    assert exercises.exists(), f"missing {exercises.name}"
    code = _code(exercises)
    lesson_id = read_lesson(path).id
    tasks = set(re.findall(rf"check\(\s*[\"'](ex{lesson_id}\.task\d+)[\"']", code))
    assert 3 <= len(tasks) <= 6, f"{exercises.name} checks {len(tasks)} tasks"
    # Students open this notebook: it holds placeholders, never the solutions, and every task
    # has a worked solution in the lesson's content file (the solutions edition is built from it).
    assert "# BEGIN SOLUTION" not in code and "# END SOLUTION" not in code
    assert code.count("# YOUR CODE HERE") == len(tasks)
    for task in tasks:
        assert task_text(task).solution.strip(), f"{task} has no solution in its content file"


def test_code_line_counter_skips_prose_lines() -> None:
    source = 'q = Question(\n    "id",\n    "a long prompt",\n    answer=2,\n)\nprint(q)'
    assert code_lines(source) == 3  # q = Question(, answer=2, print(q)


def test_prose_counter_ignores_code_and_markup(tmp_path: Path) -> None:
    nb = {
        "cells": [
            {"cell_type": "markdown", "source": "Two words `not counted` [link](x.ipynb) <b>"},
            {"cell_type": "code", "source": "many words in code are not prose"},
        ]
    }
    path = tmp_path / "x.ipynb"
    path.write_text(json.dumps(nb))
    assert prose_words(path) == 3  # "Two", "words", "link"
