"""Lesson map and study planner on the real notebooks and on made-up ones."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from course.learning.lesson_map import (
    lesson_map,
    lesson_map_figure,
    lesson_map_html,
    load_lessons,
    next_lesson,
    progress_overview,
    progress_overview_html,
    study_plan,
    study_plan_figure,
)


def _lesson(folder: Path, lesson_id: str, minutes: int) -> None:
    meta = {
        "id": lesson_id,
        "title": f"Lesson {lesson_id}",
        "objectives": ["x"],
        "minutes": minutes,
        "prerequisites": [],
    }
    nb = {"cells": [], "metadata": {"course": meta}, "nbformat": 4, "nbformat_minor": 5}
    (folder / f"{lesson_id}_l{lesson_id}.ipynb").write_text(json.dumps(nb))


@pytest.fixture
def course_folder(tmp_path: Path) -> Path:
    for lesson_id, minutes in [("00", 15), ("01", 40), ("02", 30), ("03", 50)]:
        _lesson(tmp_path, lesson_id, minutes)
    (tmp_path / "scratch.ipynb").write_text("{}")  # not a lesson: ignored
    return tmp_path


def test_lesson_map_is_in_order_with_running_total(course_folder: Path) -> None:
    frame = lesson_map(course_folder)
    assert list(frame["id"]) == ["00", "01", "02", "03"]
    assert list(frame["cumulative_minutes"]) == [15, 55, 85, 135]


def test_lesson_map_html_links_every_lesson(course_folder: Path) -> None:
    page = lesson_map_html(course_folder)
    for lesson in load_lessons(course_folder):
        assert f'href="{lesson.filename}"' in page
    assert "<b>135</b>" in page


def test_lesson_map_figure_has_one_bar_per_lesson(course_folder: Path) -> None:
    fig = lesson_map_figure(course_folder)
    assert list(fig.data[0].x) == [15, 40, 30, 50]
    assert "135" in fig.layout.title.text


def test_next_lesson(course_folder: Path) -> None:
    assert next_lesson("01", course_folder).id == "02"
    assert next_lesson("03", course_folder) is None
    with pytest.raises(ValueError, match="lesson_id: got '09'"):
        next_lesson("09", course_folder)


def test_study_plan_never_splits_a_lesson(course_folder: Path) -> None:
    plan = study_plan(60, course_folder)
    assert list(plan["session"]) == [1, 1, 2, 3]
    per_session = plan.groupby("session")["minutes"].sum()
    assert (per_session <= 60).all()


def test_study_plan_gives_a_long_lesson_its_own_session(course_folder: Path) -> None:
    plan = study_plan(30, course_folder)
    assert list(plan["session"]) == [1, 2, 3, 4]


@pytest.mark.parametrize("bad", [0, 14, 241, 30.5, True, "60"])
def test_study_plan_rejects_bad_session_length(bad: object, course_folder: Path) -> None:
    with pytest.raises(ValueError, match="minutes_per_session: got"):
        study_plan(bad, course_folder)  # type: ignore[arg-type]


def test_study_plan_figure_has_stable_traces(course_folder: Path) -> None:
    a, b = study_plan_figure(60, course_folder), study_plan_figure(120, course_folder)
    assert len(a.data) == len(b.data) == 4, "one trace per lesson, so the widget updates in place"
    assert "3 sessions" in a.layout.title.text and "2 sessions" in b.layout.title.text


def test_progress_overview_joins_results_and_fills_zeros(course_folder: Path) -> None:
    results = pd.DataFrame(
        {
            "lesson": ["01"],
            "attempted": [3],
            "correct": [2],
            "last_activity": [pd.Timestamp("2026-01-02 10:00", tz="UTC")],
        }
    )
    frame = progress_overview(course_folder, results)
    assert list(frame["attempted"]) == [0, 3, 0, 0]
    assert list(frame["correct"]) == [0, 2, 0, 0]
    page = progress_overview_html(course_folder, results)
    assert "2026-01-02 10:00" in page and "No answers recorded yet" not in page


def test_progress_overview_says_when_nothing_is_recorded(course_folder: Path) -> None:
    from course.learning.progress import progress_table

    empty = progress_table(course_folder / "missing.json")
    page = progress_overview_html(course_folder, empty)
    assert "No answers recorded yet" in page
    assert page.count("<tr>") == 1 + 4  # header + one row per lesson


def test_interaction_metadata_is_checked(tmp_path: Path) -> None:
    """The browser test reads each lesson's main control from its metadata: a typo is named."""
    import json

    from course.engine.paths import NOTEBOOKS_DIR
    from course.learning.lesson_map import LessonMetadataError, read_lesson

    for lesson in load_lessons(NOTEBOOKS_DIR):
        if lesson.id != "00":
            assert lesson.interaction is not None, f"{lesson.filename} has no interaction"
    book = json.loads((NOTEBOOKS_DIR / "00_start_here.ipynb").read_text("utf-8"))
    book["metadata"]["course"]["interaction"] = {"kind": "drag", "label": "Minutes"}
    bad = tmp_path / "00_start_here.ipynb"
    bad.write_text(json.dumps(book), "utf-8")
    with pytest.raises(LessonMetadataError, match=r"'interaction' is .*allowed: \{'kind': one of"):
        read_lesson(bad)


def test_study_plan_title_counts_in_correct_english(course_folder: Path) -> None:
    """The planner said "1 sessions": one session is singular, and a bar above the session
    length is explained in the title instead of looking like a mistake."""
    from course.learning.lesson_map import plural, study_plan_title

    one = study_plan_figure(240, course_folder)  # 135 minutes: one session
    assert one.layout.title.text.startswith("1 session of up to 240 minutes")
    assert "1 sessions" not in one.layout.title.text
    two = study_plan_figure(90, course_folder)
    assert two.layout.title.text.startswith("2 sessions of up to 90 minutes")
    longer = study_plan_figure(45, course_folder)  # the 50-minute lesson gets its own session
    assert "1 lesson is longer than that and gets a session" in longer.layout.title.text
    assert [plural(n, "session") for n in (0, 1, 2)] == ["0 sessions", "1 session", "2 sessions"]
    assert study_plan_title(1, 15) == "1 session of up to 15 minutes"


def test_study_plan_figure_marks_the_session_length(course_folder: Path) -> None:
    fig = study_plan_figure(60, course_folder)
    (line,) = fig.layout.shapes
    assert (line.y0, line.y1) == (60, 60)


def test_lesson_map_titles_read_left_aligned(course_folder: Path) -> None:
    page = lesson_map_html(course_folder)
    assert "<th style='text-align:left'>Title</th>" in page
    assert page.count("<td style='text-align:left'><a href=") == 4


def test_progress_titles_read_left_aligned(course_folder: Path) -> None:
    from course.learning.progress import progress_table

    page = progress_overview_html(course_folder, progress_table(course_folder / "none.json"))
    assert "<th style='text-align:left'>Title</th>" in page
    assert page.count("<td style='text-align:left'>Lesson ") == 4
