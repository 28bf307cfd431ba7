"""Tests for course.learning.quiz: judging answers, feedback, strict mode, rendering and widgets."""

from __future__ import annotations

import json
import re
from pathlib import Path

import ipywidgets as widgets
import nbformat
import numpy as np
import pandas as pd
import pytest
from nbconvert import HTMLExporter

from course.learning import quiz
from course.learning.quiz import (
    Feedback,
    MultipleChoice,
    Numeric,
    OpenQuestion,
    Predicate,
    Quiz,
    SetAnswer,
    ShortAnswer,
    TableAnswer,
    check,
    normalise_text,
)

WIDGET_MIME = "application/vnd.jupyter.widget-view+json"


@pytest.fixture(autouse=True)
def private_progress(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test records progress in its own temporary file, never in the user's home."""
    path = tmp_path / "progress.json"
    monkeypatch.setenv("COURSE_PROGRESS_FILE", str(path))
    monkeypatch.delenv("COURSE_STRICT_CHECKS", raising=False)
    return path


def options_question(**overrides: object) -> MultipleChoice:
    arguments: dict[str, object] = {
        "qid": "01.q1",
        "prompt": "Which response carries the least risk of escalation?",
        "choices": ["Ask the host state to act", "Sanctions", "A military strike"],
        "answer": 1,
        "feedback": [
            "Right: a request accuses nobody, so there is little to answer with hostility.",
            "Sanctions punish, and the target may hit back.",
            "This is the riskiest option of all seven.",
        ],
    }
    arguments.update(overrides)
    return MultipleChoice(**arguments)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- feedback


def test_feedback_rejects_unknown_status() -> None:
    with pytest.raises(ValueError, match=r"status"):
        Feedback("maybe", "text")  # type: ignore[arg-type]


def test_feedback_renders_in_three_ways() -> None:
    feedback = Feedback("incorrect", "Sanctions punish *hard*.", "01.q1")
    assert str(feedback) == "✗ Not quite (01.q1): Sanctions punish *hard*."
    assert "<em>hard</em>" in feedback._repr_html_()
    assert "course-feedback-incorrect" in feedback._repr_html_()
    assert feedback._repr_markdown_().startswith("**✗ Not quite** (01.q1)")
    assert not feedback.correct
    assert Feedback("correct", "ok").correct


def test_feedback_html_escapes_student_text() -> None:
    html = Feedback("incorrect", "'<script>' is not a number.")._repr_html_()
    assert "<script>" not in html
    assert "&lt;script&gt;" in html


# --------------------------------------------------------------------------- multiple choice


def test_multiple_choice_gives_each_choice_its_own_feedback() -> None:
    question = options_question()
    right = question.check(1)
    wrong = question.check(2)
    worst = question.check(3)
    assert right.status == "correct" and "accuses nobody" in right.message
    assert wrong.status == "incorrect" and wrong.message.startswith("Sanctions punish")
    assert worst.status == "incorrect" and "riskiest" in worst.message


@pytest.mark.parametrize("blank", [None, "", "   ", ..., set(), []])
def test_blank_answers_are_not_answered_and_never_raise(blank: object) -> None:
    feedback = options_question().check(blank)
    assert feedback.status == "not_answered"
    assert "None" in feedback.message


def test_multiple_choice_accepts_choice_text_and_number_strings() -> None:
    question = options_question()
    assert question.check("  ask THE host-state to act. ").correct
    assert question.check("1").correct
    assert question.check(np.int64(1)).correct


@pytest.mark.parametrize("answer", [9, 0, "a drone", [1, 2], object()])
def test_multiple_choice_odd_answers_are_incorrect_not_errors(answer: object) -> None:
    feedback = options_question().check(answer)
    assert feedback.status == "incorrect"
    assert feedback.message


def test_select_all_that_apply_explains_chosen_options_and_counts_missed_ones() -> None:
    question = MultipleChoice(
        "11.q3",
        "Which options carry hardly any risk of a hostile response?",
        ["Request to the host state", "Capacity-building", "Sanctions"],
        answer={1, 2},
        feedback={1: "Non-accusatory.", 2: "Help, not blame.", 3: "Sanctions punish."},
    )
    assert question.multiple
    assert question.check({2, 1}).correct
    partial = question.check([1])
    assert partial.status == "incorrect"
    assert "Option 1 (Request to the host state): Non-accusatory." in partial.message
    assert "You missed 1 option that also belongs." in partial.message
    extra = question.check({1, 2, 3})
    assert extra.status == "incorrect" and "Sanctions punish." in extra.message


@pytest.mark.parametrize(
    ("overrides", "field", "detail"),
    [
        ({"answer": None}, "answer", "no correct choice"),
        ({"answer": set()}, "answer", "no correct choice"),
        ({"answer": 4}, "answer", "unknown option 4"),
        ({"answer": {1, 5}}, "answer", "unknown option 5"),
        ({"answer": True}, "answer", "not an option number"),
        ({"feedback": ["only one", "only two"]}, "feedback", "missing for choice 3"),
        ({"feedback": {1: "a", 2: "b"}}, "feedback", "'A military strike'"),
        ({"feedback": {1: "a", 2: "b", 3: "c", 7: "d"}}, "feedback", "unknown option 7"),
        ({"feedback": ["a", "b", "  "]}, "feedback", "missing for choice 3"),
        ({"choices": ["Only one"]}, "choices", "at least 2"),
        ({"choices": ["Same", "same ", "Other"]}, "choices", "twice"),
        ({"qid": "1.q1"}, "qid", "not a valid question id"),
        ({"qid": "01"}, "qid", "not a valid question id"),
        ({"prompt": ""}, "prompt", "empty"),
        ({"style": "dropdown"}, "style", "dropdown"),
        ({"answer": {1}, "style": "toggle"}, "style", "single answer"),
    ],
)
def test_malformed_multiple_choice_raises_naming_the_field(
    overrides: dict[str, object], field: str, detail: str
) -> None:
    with pytest.raises(ValueError) as error:
        options_question(**overrides)
    assert str(error.value).startswith(field)
    assert detail in str(error.value)


# --------------------------------------------------------------------------- numeric


def test_numeric_tolerance_direction_and_targeted_mistakes() -> None:
    question = Numeric(
        "ex01.task1",
        "How many options?",
        answer=7,
        mistakes={6: "The closing list numbers the last option 6 by mistake."},
        hint="Count the headings.",
    )
    assert question.check(7).correct
    assert question.check(" 7.0 ").correct
    assert question.check(np.float64(7)).correct
    mistake = question.check(6)
    assert mistake.status == "incorrect" and "by mistake" in mistake.message
    assert "Count the headings." in mistake.message
    assert "too high" in question.check(9).message
    assert "too low" in question.check(2).message


def test_numeric_parses_people_style_numbers_and_rejects_non_numbers() -> None:
    question = Numeric("ex01.task5", answer=2.5, tolerance=0.05, unit="%")
    assert question.check("2,5").correct
    assert question.check("2.52 %").correct
    assert "exact value is 2.5 %" in question.check(2.52).message
    assert question.check(2.6).status == "incorrect"
    assert "not a number" in question.check("two").message
    assert "not a number" in question.check(True).message
    assert "NaN" in question.check(float("nan")).message
    assert "single number" in question.check([2.5]).message
    assert Numeric("ex01.task6", answer=1000).check("1,000").correct


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"answer": "7"}, "answer"),
        ({"answer": float("inf")}, "answer"),
        ({"answer": 7, "tolerance": -1}, "tolerance"),
        ({"answer": 7, "tolerance": 1, "mistakes": {7.5: "close"}}, "mistakes"),
        ({"answer": 7, "mistakes": {6: ""}}, "mistakes[6]"),
    ],
)
def test_malformed_numeric_raises_naming_the_field(kwargs: dict[str, object], field: str) -> None:
    with pytest.raises(ValueError, match=rf"^{re.escape(field)}"):
        Numeric("ex01.task1", **kwargs)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- short answer


def test_normalise_text_ignores_case_spacing_hyphens_and_articles() -> None:
    assert normalise_text("  The  Host-State. ") == "host state"
    assert normalise_text("CAPACITY–building") == "capacity building"
    assert normalise_text("Due diligence!") == "due diligence"


def test_short_answer_variants_and_tempting_mistakes() -> None:
    question = ShortAnswer(
        "02.q4",
        "What is the name for disguising an attack as someone else's?",
        accepted=["false flag", "false-flag operation"],
        mistakes={"attribution": "Attribution is finding out who did it, not hiding it."},
    )
    assert question.check("False Flag").correct
    assert question.check("a false flag operation").correct
    assert "finding out who did it" in question.check(" Attribution ").message
    wrong = question.check("spoofing")
    assert wrong.status == "incorrect" and "'spoofing'" in wrong.message
    with pytest.raises(ValueError, match=r"^mistakes"):
        ShortAnswer("02.q5", accepted="false flag", mistakes={"False-flag": "x"})
    with pytest.raises(ValueError, match=r"^accepted"):
        ShortAnswer("02.q5", accepted=[])


# --------------------------------------------------------------------------- sets


def test_set_answer_ignores_order_repeats_and_number_types() -> None:
    question = SetAnswer(
        "ex01.task2",
        expected={1, 2},
        labels={1: "request host state", 2: "capacity-building", 5: "sanctions"},
        feedback={5: "Sanctions punish, so the target may hit back."},
    )
    for answer in ({2, 1}, [1, 2, 2], (2.0, 1), np.array([1, 2]), pd.Series([2, 1])):
        assert question.check(answer).correct, answer
    wrong = question.check({1, 5})
    assert wrong.status == "incorrect"
    assert "5 (sanctions) does not belong. Sanctions punish" in wrong.message
    assert "You left out 1 item that belongs." in wrong.message
    assert "capacity" not in wrong.message  # missing items are counted, not revealed
    assert "not text" in question.check("1, 2").message


def test_set_answer_can_reveal_missing_items_and_folds_text() -> None:
    question = SetAnswer("ex02.task1", expected=["Russia", "China"], reveal_missing=True)
    assert question.check(["china", " RUSSIA"]).correct
    assert "You left out Russia." in question.check({"China"}).message


# --------------------------------------------------------------------------- tables


@pytest.fixture
def per_option() -> pd.DataFrame:
    return pd.DataFrame({"option": [3, 4, 5], "incidents": [2, 1, 2]})


def test_table_answer_ignores_row_order_column_order_dtypes_and_index(
    per_option: pd.DataFrame,
) -> None:
    question = TableAnswer("ex03.task1", expected=per_option)
    shuffled = per_option.iloc[[2, 0, 1]][["incidents", "option"]].astype(float)
    assert question.check(shuffled).correct
    grouped = pd.DataFrame({"option": [5, 3, 4, 3, 5]}).groupby("option").size()
    assert question.check(grouped.rename("incidents").to_frame()).correct  # key in the index
    filtered = pd.concat([per_option, per_option.assign(option=9)]).query("option != 9")
    assert question.check(filtered).correct  # leftover row numbers are not a column


def test_table_answer_says_what_differs(per_option: pd.DataFrame) -> None:
    question = TableAnswer("ex03.task1", expected=per_option, hint="Use groupby.")
    values = question.check(per_option.assign(incidents=[2, 2, 2]))
    assert values.status == "incorrect"
    assert "1 of 3 rows differ in column 'incidents'" in values.message
    assert "Use groupby." in values.message
    columns = question.check(per_option.rename(columns={"incidents": "count"}))
    assert "missing column(s) ['incidents']" in columns.message
    assert "unexpected column(s) ['count']" in columns.message
    assert "2 rows; I expected 3" in question.check(per_option.head(2)).message
    assert "DataFrame" in question.check([1, 2]).message


def test_table_answer_compares_series_by_values_not_names() -> None:
    counts = pd.Series({"RU": 3, "CN": 2, "KP": 1}, name="count")
    question = TableAnswer("ex03.task2", expected=counts)
    assert question.check(pd.Series({"CN": 2, "KP": 1, "RU": 3}, name="n")).correct
    assert question.check(pd.DataFrame({"state": ["RU", "CN", "KP"], "n": [3, 2, 1]})).correct
    assert question.check(pd.Series({"RU": 3, "CN": 2, "KP": 2})).status == "incorrect"


def test_table_answer_can_require_row_order(per_option: pd.DataFrame) -> None:
    question = TableAnswer("ex03.task3", expected=per_option, check_order=True)
    assert question.check(per_option).correct
    assert question.check(per_option.iloc[::-1]).status == "incorrect"


def test_table_answer_rejects_non_tables_at_construction() -> None:
    with pytest.raises(ValueError, match=r"^expected"):
        TableAnswer("ex03.task4", expected=[1, 2])  # type: ignore[arg-type]


# --------------------------------------------------------------------------- predicate


def test_predicate_accepts_bool_text_and_pairs_and_survives_errors() -> None:
    question = Predicate(
        "ex04.task1",
        test=lambda a: (True, "Nice.") if a == "ok" else len(a) > 10 or "Too short.",
    )
    assert question.check("ok").message == "Nice."
    assert question.check("long enough answer").correct
    assert question.check("short").message == "Too short."
    crashed = question.check(12345)  # len() of an int raises inside the test
    assert crashed.status == "incorrect" and "TypeError" in crashed.message
    broken = Predicate("ex04.task2", test=lambda a: None)
    assert "broken" in broken.check("x").message
    with pytest.raises(ValueError, match=r"^test"):
        Predicate("ex04.task3", test="not callable")  # type: ignore[arg-type]


# --------------------------------------------------------------------------- open question


@pytest.fixture
def advice() -> OpenQuestion:
    return OpenQuestion(
        "11.q5",
        "Advise the minister how to respond.",
        rubric=[
            "Starts low on the ladder",
            "Says what evidence is public",
            "Names exit conditions",
        ],
        model_answer="Ask the host state first, publish evidence, and say what ends the sanctions.",
    )


def test_open_question_is_scored_by_the_students_own_rubric(advice: OpenQuestion) -> None:
    assert advice.check(None).status == "not_answered"
    assert advice.check("My advice.").status == "not_answered"  # rubric not applied yet
    full = advice.check("My advice.", met={1, 2, 3})
    assert full.correct and "Model answer: Ask the host state first" in full.message
    partial = advice.check("My advice.", met=[1])
    assert partial.status == "incorrect"
    assert "covers 1 of 3" in partial.message
    assert "(3) Names exit conditions" in partial.message
    assert check("11.q5", {"text": "x", "met": {1, 2, 3}}).correct
    assert "points 1-3" in advice.check("x", met={4}).message


def test_open_question_min_points_and_validation() -> None:
    lenient = OpenQuestion(
        "11.q6", "Advise.", rubric=["a", "b", "c"], model_answer="m", min_points=2
    )
    assert lenient.check("x", met={1, 3}).correct
    with pytest.raises(ValueError, match=r"^min_points"):
        OpenQuestion("11.q7", "Advise.", rubric=["a"], model_answer="m", min_points=2)
    with pytest.raises(ValueError, match=r"^rubric"):
        OpenQuestion("11.q7", "Advise.", rubric=[], model_answer="m")
    with pytest.raises(ValueError, match=r"^model_answer"):
        OpenQuestion("11.q7", "Advise.", rubric=["a"], model_answer=" ")


# --------------------------------------------------------------------------- registry, strict


def test_check_by_id_uses_the_latest_definition() -> None:
    Numeric("ex05.task1", answer=1)
    Numeric("ex05.task1", answer=2)  # re-running the cell redefines the task
    assert check("ex05.task1", 2).correct
    assert "ex05.task1" in quiz.registered_ids()


def test_unknown_task_id_raises_with_suggestions() -> None:
    Numeric("ex05.task2", answer=1)
    with pytest.raises(ValueError, match=r"'ex05.task2'") as error:
        check("ex05.taks2", 1)
    assert str(error.value).startswith("question_id")


def test_strict_mode_raises_on_anything_but_correct(monkeypatch: pytest.MonkeyPatch) -> None:
    question = options_question()
    monkeypatch.setenv("COURSE_STRICT_CHECKS", "1")
    assert question.check(1).correct
    with pytest.raises(AssertionError, match=r"Sanctions punish"):
        question.check(2)
    with pytest.raises(AssertionError, match=r"Not answered yet"):
        check("01.q1", None)
    feedback = question._check_from_widget(2)  # a Check button never raises
    assert feedback.status == "incorrect"


def test_checks_are_recorded_as_progress(private_progress: Path) -> None:
    question = options_question(qid="06.q1")
    question.check(None)
    assert not private_progress.exists()  # a blank answer is not an attempt
    question.check(2)
    question.check(1)
    stored = json.loads(private_progress.read_text())["questions"]["06.q1"]
    assert stored["attempts"] == 2
    assert stored["status"] == "correct" and stored["ever_correct"] is True


# --------------------------------------------------------------------------- rendering


def test_static_fallback_hides_answer_and_every_explanation_in_details() -> None:
    question = options_question(explanation="Requests are non-accusatory.")
    for text in (question._repr_html_(), question._repr_markdown_()):
        visible, hidden = text.split("<details>", 1)
        for choice in question.choices:
            assert choice in visible
        for explanation in question.choice_feedback.values():
            assert explanation not in visible
            assert explanation in hidden
        assert "Requests are non-accusatory." in hidden
        assert "</details>" in hidden


def test_mimebundle_holds_widget_view_and_static_fallback() -> None:
    question = options_question()
    bundle = question._repr_mimebundle_()
    assert WIDGET_MIME in bundle
    assert bundle[WIDGET_MIME]["model_id"] == question.widget().model_id
    assert "<details>" in bundle["text/html"]
    assert "<details>" in bundle["text/markdown"]


def test_static_html_export_shows_question_without_widget_state() -> None:
    question = options_question()
    cell = nbformat.v4.new_code_cell("q.show()")
    cell.outputs = [nbformat.v4.new_output("display_data", data=question._repr_mimebundle_())]
    notebook = nbformat.v4.new_notebook(cells=[cell])
    body, _ = HTMLExporter().from_notebook_node(notebook)
    assert "Which response carries the least risk of escalation?" in body
    assert "<details>" in body
    assert "Ask the host state to act" in body


def test_quiz_renders_all_questions_and_rejects_duplicates() -> None:
    first = options_question(qid="04.q1")
    second = Numeric("04.q2", "How many options?", answer=7)
    block = Quiz("Self-check", [first, second])
    html = block._repr_html_()
    assert html.index("04.q1") < html.index("04.q2") and "<h3>Self-check</h3>" in html
    assert WIDGET_MIME in block._repr_mimebundle_()
    assert [f.status for f in block.check({"04.q1": 1, "04.q2": 6})] == ["correct", "incorrect"]
    with pytest.raises(ValueError, match=r"duplicate id '04.q1'"):
        Quiz("Self-check", [first, first])
    with pytest.raises(ValueError, match=r"^questions\[2\]"):
        Quiz("Self-check", [first, "not a question"])  # type: ignore[list-item]
    with pytest.raises(ValueError, match=r"^answers"):
        block.check({"04.q9": 1})


# --------------------------------------------------------------------------- widgets


def test_radio_widget_checks_on_click_and_clears_on_change() -> None:
    question = options_question(qid="05.q1")
    card = question.widget()
    _header, picker, button_row, feedback = card.children
    button = button_row.children[0]
    assert isinstance(picker, widgets.RadioButtons) and picker.value is None
    button.click()
    assert "Give an answer first" in feedback.value
    picker.value = 2
    button.click()
    assert "Not quite" in feedback.value and "Sanctions punish" in feedback.value
    picker.value = 1
    assert feedback.value == ""  # stale feedback disappears when the choice changes
    button.click()
    assert "Correct" in feedback.value


def test_toggle_and_checkbox_widgets() -> None:
    toggle = options_question(qid="05.q2", style="toggle").widget().children[1]
    assert isinstance(toggle, widgets.ToggleButtons) and toggle.value is None
    multi = options_question(qid="05.q3", answer={1, 2}, feedback=["a", "b", "c"])
    card = multi.widget()
    rows, button, feedback = card.children[1], card.children[2].children[0], card.children[3]
    rows.children[0].children[0].value = True
    button.click()
    assert "You missed 1 option" in feedback.value


def test_text_entry_and_open_question_widgets(advice: OpenQuestion) -> None:
    number = Numeric("05.q4", "How many options?", answer=7)
    _, (entry, button), feedback = (
        number.widget().children[0],
        number.widget().children[1].children,
        number.widget().children[2],
    )
    entry.value = "7"
    button.click()
    assert "Correct" in feedback.value
    card = advice.widget()
    text, rubric, show, result = (
        card.children[1],
        card.children[3],
        card.children[4].children[0],
        card.children[5],
    )
    # Nothing written yet: no "Show model answer" button, and no model answer to copy.
    assert show.layout.display == "none"
    show.click()
    assert "Model answer" not in result.value
    text.value = "Ask first, publish evidence, set exit conditions."
    assert show.layout.display != "none"
    for row in rubric.children:
        row.children[0].value = True
    show.click()
    assert "Correct" in result.value and "covers 3 of 3" in result.value


def test_pick_question_finds_by_id_and_names_the_allowed_ids() -> None:
    from course.learning.quiz import pick_question

    questions = [
        MultipleChoice("98.q1", "One?", ["a", "b"], answer=1, feedback=["yes", "no"]),
        MultipleChoice("98.q2", "Two?", ["a", "b"], answer=2, feedback=["no", "yes"]),
    ]
    assert pick_question(questions, "98.q2") is questions[1]
    with pytest.raises(ValueError, match=r"qid: unknown question '98.q3'; allowed: 98.q1, 98.q2"):
        pick_question(questions, "98.q3")


def test_as_counts_reads_every_shape_and_names_what_is_wrong() -> None:
    from course.learning.quiz.counts import as_counts

    def problem(name: str, **values: object) -> str:
        return f"{name} {sorted(values.items())}"

    series = pd.Series({"US": 3, "GB": 0, "AU": 2})
    assert as_counts(series, problem) == {"US": 3, "AU": 2}
    assert as_counts(series.to_frame("n"), problem) == {"US": 3, "AU": 2}
    assert as_counts({"US": 1.0}, problem) == {"US": 1}
    assert as_counts(pd.DataFrame({"a": [1], "b": [2]}), problem).startswith("several_columns")
    assert as_counts([1, 2], problem) == "not_counts [('type', 'list')]"
    assert as_counts({"US": 1.5}, problem).startswith("not_a_number")
    assert as_counts({"US": True}, problem).startswith("not_a_number")
    named = as_counts({"XX": 1}, problem, known={"US", "GB"})
    assert named.startswith("not_a_responder") and "'GB', 'US'" in named


def test_first_difference_names_the_first_mismatch_in_the_task_order() -> None:
    from course.learning.quiz.counts import first_difference

    expected = {"US": 3, "GB": 1}
    assert first_difference({"US": 3, "GB": 1}, expected) is None
    assert first_difference({"US": 3}, expected) == ("GB", 0, 1)  # a missing key counts 0
    assert first_difference({"US": 2, "GB": 2}, expected, order=["US"]) == ("US", 2, 3)
    assert first_difference({"US": 3, "GB": 1, "FR": 1}, expected) == ("FR", 1, 0)
