"""Tests for lesson 13 (course.lessons.l13_conclusions) and its final self-assessment
(course.exercises.ex13)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from course.engine.escalation import OPTIONS, Scenario, assess
from course.engine.paths import EXERCISES_DIR, NOTEBOOKS_DIR
from course.learning.content import lesson_content
from course.learning.lesson_map import lesson_map, read_lesson
from course.lessons import l13_conclusions as conclusions

LESSON = NOTEBOOKS_DIR / "13_conclusions.ipynb"
EXERCISES = EXERCISES_DIR / "13_conclusions_exercises.ipynb"


def test_ladder_frame_scores_every_option_with_the_model() -> None:
    frame = conclusions.ladder_frame(**conclusions.DEFAULT_CASE)
    assert list(frame.columns) == list(conclusions.LADDER_COLUMNS)
    assert list(frame["option"]) == list(OPTIONS)
    for row in frame.itertuples(index=False):
        expected = assess(Scenario(option=row.option, **conclusions.DEFAULT_CASE))
        assert row.risk == pytest.approx(expected.risk, abs=0.01)
        assert row.rung == expected.legal_basis
    assert frame["risk"].is_monotonic_increasing


def test_ladder_rungs_follow_lesson_03() -> None:
    rungs = conclusions.ladder_frame().set_index("option")["rung"].to_dict()
    assert rungs == {
        1: "none_needed",
        2: "none_needed",
        3: "retorsion",
        4: "retorsion",
        5: "retorsion",
        6: "countermeasure",
        7: "self_defence",
    }


def test_worse_attribution_never_lowers_any_option() -> None:
    good = conclusions.ladder_frame(attribution=0.9)["risk"]
    poor = conclusions.ladder_frame(attribution=0.3)["risk"]
    assert (poor >= good).all()


def test_restraint_gap_is_option_6_minus_option_5() -> None:
    frame = conclusions.ladder_frame().set_index("option")
    assert conclusions.restraint_gap() == pytest.approx(frame.loc[6, "risk"] - frame.loc[5, "risk"])
    assert conclusions.restraint_gap() > 0


def test_bad_input_names_the_field() -> None:
    with pytest.raises(ValueError, match="host_state"):
        conclusions.ladder_frame(host_state="friendly")
    with pytest.raises(ValueError, match="attribution"):
        conclusions.ladder_figure(attribution=2.0)


def test_ladder_figure_has_plain_labels_and_a_visible_legend() -> None:
    fig = conclusions.ladder_figure()
    assert fig.layout.title.text and fig.layout.xaxis.title.text and fig.layout.yaxis.title.text
    names = {trace.name for trace in fig.data}
    assert names <= {"No legal basis needed", "Retorsion", "Countermeasure", "Self-defence"}
    assert fig.layout.showlegend is not False
    labels = [y for trace in fig.data for y in trace.y]
    assert "7 Military retaliation" in labels and not any("_" in y for y in labels)


def test_every_control_changes_the_figure() -> None:
    controls = conclusions.ladder_controls()
    assert set(controls) == {"host_state", "attack_scale", "attribution", "public_evidence"}
    assert controls["attribution"].description == "Attribution"
    base = conclusions.ladder_figure(**conclusions.DEFAULT_CASE).to_json()
    changes = {
        "host_state": "sponsor",
        "attack_scale": "small",
        "attribution": 1.0,
        "public_evidence": 0.9,
    }
    for name, value in changes.items():
        case = {**conclusions.DEFAULT_CASE, name: value}
        assert conclusions.ladder_figure(**case).to_json() != base, name


def test_describe_ladder_names_warnings_in_words() -> None:
    text = conclusions.describe_ladder(attack_scale="small")
    assert "6 Cyber retaliation" in text and "out of proportion" in text
    assert "option 6" in conclusions.describe_ladder()
    assert "_" not in text


def test_record_counts_only_ladder_options(joined: pd.DataFrame) -> None:
    table = conclusions.record_by_option(joined)
    assert list(table.index) == [str(n) for n in OPTIONS]
    ladder = joined["option"].astype(str).isin([str(n) for n in OPTIONS])
    assert int(table.to_numpy().sum()) == int(ladder.sum())
    fig = conclusions.record_figure(joined)
    assert fig.layout.yaxis.dtick >= 1 and fig.layout.barmode == "stack"


def test_record_summary_is_computed_from_the_rows(joined: pd.DataFrame) -> None:
    text = conclusions.record_summary(joined)
    ladder = joined.loc[joined["option"].astype(str).isin([str(n) for n in OPTIONS])]
    assert f"{len(ladder)} responses" in text
    last_two = int(ladder["option"].astype(str).isin(["6", "7"]).sum())
    assert f"Only {last_two} of them" in text


def test_record_needs_the_joined_frame() -> None:
    with pytest.raises(ValueError, match="joined: missing column"):
        conclusions.record_by_option(pd.DataFrame({"option": ["1"]}))


def test_developments_table_has_every_entry_with_dates() -> None:
    table = conclusions.developments_table()
    assert len(table) == len(conclusions.DEVELOPMENTS)
    assert list(table.columns) == ["When", "Who", "Document", "What it says on due diligence"]
    assert table.notna().all().all()
    documents = " ".join(table["Document"])
    for number in ("A/76/135", "A/75/816", "A/AC.292/2025/CRP.1", "10289/23"):
        assert number in documents
    with pytest.raises(ValueError, match="keys: unknown"):
        conclusions.developments_table(("nowhere",))


def test_results_overview_counts_per_lesson() -> None:
    lessons = pd.DataFrame({"id": ["00", "01", "02", "13"], "title": ["S", "A", "B", "C"]})
    progress = pd.DataFrame({"lesson": ["01", "13"], "attempted": [4, 2], "correct": [1, 2]})
    frame = conclusions.results_overview(progress, lessons)
    assert list(frame["id"]) == ["01", "02", "13"]
    assert list(frame["attempted"]) == [4, 0, 2]
    html = conclusions.results_html(progress, lessons, {"13.r01": {"ever_correct": True}})
    assert "1 of 12" in html and "lessons 01, 02" in html


def test_results_with_no_progress_says_so() -> None:
    empty = pd.DataFrame({"lesson": [], "attempted": [], "correct": []})
    html = conclusions.results_html(empty, lesson_map(), {})
    assert "No answers are recorded yet" in html


def test_self_check_and_review_questions_exist() -> None:
    for qid in conclusions.SELF_CHECK_IDS:
        assert conclusions.self_check_question(qid).qid == qid
    for qid in conclusions.REVIEW_IDS:
        assert conclusions.review_question(qid).qid == qid
    assert len(conclusions.REVIEW_IDS) == 12
    with pytest.raises(ValueError, match="allowed"):
        conclusions.self_check_question("13.q9")
    with pytest.raises(ValueError, match="allowed"):
        conclusions.review_question("13.q1")


def test_review_questions_cover_lessons_01_to_12_in_order() -> None:
    content = lesson_content("13")
    for number, qid in enumerate(conclusions.REVIEW_IDS, start=1):
        assert content.question(qid).prompt.startswith(f"Lesson {number:02d}.")


def test_exercise_keys_follow_the_data_and_model(joined: pd.DataFrame) -> None:
    from course.exercises import ex13

    ladder = joined.loc[joined["option"].astype(str).isin(ex13.LADDER_OPTIONS)]
    share = 100 * ladder["option"].astype(str).isin(["6", "7"]).mean()
    assert pytest.approx(share) == ex13.EXPECTED_LAST_TWO_PERCENT
    sponsor = ladder.loc[ladder["host_posture"] == "sponsor", "option"].value_counts()
    assert int(sponsor.idxmax()) == ex13.EXPECTED_SPONSOR_OPTION
    assert pytest.approx(conclusions.restraint_gap()) == ex13.EXPECTED_RESTRAINT_GAP
    ids = [task.qid for task in ex13.TASKS]
    assert ids == [f"ex13.task{n}" for n in range(1, 7)]


def test_exercise_checks_accept_the_worked_answers(joined: pd.DataFrame) -> None:
    from course.exercises import ex13
    from course.learning.quiz import check

    assert check("ex13.task1", 3).correct
    assert check("ex13.task2", ex13.EXPECTED_LAST_TWO_PERCENT).correct
    assert not check("ex13.task2", ex13.EXPECTED_LAST_TWO_PERCENT / 100).correct
    assert check("ex13.task3", ex13.EXPECTED_SPONSOR_OPTION).correct
    assert check("ex13.task4", ex13.EXPECTED_RESTRAINT_GAP).correct
    assert not check("ex13.task4", -ex13.EXPECTED_RESTRAINT_GAP).correct
    assert check("ex13.task5", 4).correct


def test_notebook_metadata_and_links() -> None:
    lesson = read_lesson(LESSON)
    assert lesson.id == "13" and lesson.prerequisites == ("11", "12")
    assert lesson.interaction == ("slider_end", "Attribution", "")
    cells = json.loads(Path(LESSON).read_text(encoding="utf-8"))["cells"]
    last = "".join(cells[-1]["source"])
    assert "](00_start_here.ipynb)" in last
    assert EXERCISES.exists()
