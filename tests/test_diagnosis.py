"""Lesson 03's host-state diagnosis (course.lessons.l03_due_diligence) and the keys of
exercise 03 (course.exercises.ex03)."""

from __future__ import annotations

import html
import inspect
import itertools
import json
import re
from collections.abc import Callable
from html import escape as html_escape
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

import course.exercises.ex03 as ex03
from course.engine.data import HOST_POSTURES, scenario_for
from course.engine.escalation import HOST_STATES, LEGAL_BASES, OPTIONS, Scenario, assess
from course.engine.labels import HOST_POSTURE_LABELS, LEGAL_BASIS_LABELS
from course.engine.paths import CONTENT_DIR, NOTEBOOKS_DIR
from course.learning import content
from course.learning.content import ContentError
from course.learning.quiz import check, get_question
from course.lessons import l03_due_diligence as diagnosis
from course.lessons.l03_due_diligence import (
    ANSWER_LABELS,
    ANSWERS,
    DEFAULT_ANSWERS,
    FIELDS,
    LEGAL_BASIS_COLOURS,
    QUESTIONS,
    REFERENCE_CASE,
    SELF_CHECK_IDS,
    STATUSES,
    describe_diagnosis,
    diagnose,
    diagnosis_controls,
    diagnosis_figure,
    legal_ladder_table,
    normalise_answer,
    options_by_posture,
    options_by_posture_figure,
    requests_to_hosts,
    self_check,
    self_check_question,
    table_view,
)
from course.ui.theme import option_colour
from course.ui.widgets import LiveFigure, control_values

ALL_ANSWERS = list(itertools.product(ANSWERS, repeat=3))


def _frame(rows: list[tuple[str, str, str, str]]) -> pd.DataFrame:
    """A tiny joined frame: (incident_id, date, option, host_posture)."""
    frame = pd.DataFrame(rows, columns=["incident_id", "date", "option", "host_posture"])
    for column, extra in (("responder", "US"), ("host_state", "RU"), ("stopped", "unknown")):
        frame[column] = extra
    frame["description"] = "text"
    return frame


# --------------------------------------------------------------------------- answers


@pytest.mark.parametrize(
    ("value", "expected"),
    [(True, "yes"), (False, "no"), (np.bool_(True), "yes"), ("yes", "yes"), ("unknown", "unknown")],
)
def test_answers_accept_bools_and_the_three_words(value: object, expected: str) -> None:
    assert normalise_answer("able", value) == expected


@pytest.mark.parametrize("bad", ["Yes", "maybe", None, 1, 0.0, "", ["yes"]])
@pytest.mark.parametrize("field", FIELDS)
def test_bad_answers_raise_naming_the_field_and_the_allowed_values(field: str, bad: object) -> None:
    answers = dict(DEFAULT_ANSWERS)
    answers[field] = bad
    with pytest.raises(ValueError) as error:
        diagnose(**answers)
    message = str(error.value)
    assert message.startswith(f"{field}: got {bad!r}")
    assert "'yes', 'no', 'unknown'" in message and "True, False" in message


def test_unknown_field_name_is_rejected() -> None:
    with pytest.raises(ValueError, match=r"^field: got 'keen'; allowed: able, willing, involved"):
        normalise_answer("keen", "yes")


# --------------------------------------------------------------------------- postures


@pytest.mark.parametrize(("able", "willing"), list(itertools.product(ANSWERS, repeat=2)))
def test_involvement_trumps_every_other_answer(able: str, willing: str) -> None:
    d = diagnose(able, willing, "yes")
    assert d.posture == "sponsor"
    assert d.next_options == (3, 4, 5)
    assert 1 in d.options_with("conditional")  # a request to a sponsor rarely works


@pytest.mark.parametrize("able", ANSWERS)
@pytest.mark.parametrize("involved", ["no", "unknown"])
def test_unwillingness_is_decisive_whatever_the_means(able: str, involved: str) -> None:
    d = diagnose(able, "no", involved)
    assert d.posture == "able_unwilling"
    assert d.next_options == (1, 3, 4, 5)
    assert d.options_with("conditional") == (6, 7)
    if able == "no":
        assert "no box" in d.reasoning


@pytest.mark.parametrize("willing", ["yes", "unknown"])
def test_willing_but_unable_opens_request_then_capacity_building(willing: str) -> None:
    d = diagnose("no", willing, "no")
    assert d.posture == "willing_unable"
    assert d.next_options == (1, 2)
    assert [s.rank for s in d.next_steps] == [1, 2]


def test_nothing_known_means_ask_first_and_a_provisional_diagnosis() -> None:
    d = diagnose(**DEFAULT_ANSWERS)
    assert d.posture == "willing_able"
    assert d.next_options == (1,)
    assert d.provisional and len(d.assumptions) == 3
    assert "Involvement is not presumed" in d.assumptions[0]


def test_full_answers_are_not_provisional() -> None:
    d = diagnose(True, True, False)
    assert d.posture == "willing_able" and not d.provisional
    assert d.options_with("not_indicated") == (2, 3, 5, 6, 7)


@pytest.mark.parametrize("answers", ALL_ANSWERS, ids="-".join)
def test_every_combination_gives_a_known_posture_and_a_complete_plan(
    answers: tuple[str, str, str],
) -> None:
    d = diagnose(*answers)
    assert d.posture in HOST_STATES
    assert d.posture in HOST_POSTURES  # the data's vocabulary, minus "unknown"
    assert [s.option for s in d.steps] == list(OPTIONS)
    assert all(s.status in STATUSES and s.reason for s in d.steps)
    able, willing, involved = answers
    mattered = involved == "unknown" or (
        involved == "no" and (willing == "unknown" or (willing != "no" and able == "unknown"))
    )
    assert d.provisional == mattered  # an unknown that the rules never reach changes nothing
    # The next steps come in ladder order, ranked 1..n; the others have no rank.
    assert list(d.next_options) == sorted(d.next_options)
    assert [s.rank for s in d.next_steps] == list(range(1, len(d.next_steps) + 1))
    assert all(s.rank is None for s in d.steps if s.status != "next")
    # The brief's order: a request first unless the host is involved; help only for a willing
    # but unable host; force never opened outright.
    assert (d.next_options[0] == 1) == (d.posture != "sponsor")
    assert (2 in d.next_options) == (d.posture == "willing_unable")
    assert 7 not in d.next_options and 6 not in d.next_options
    for step in d.next_steps:
        assert re.search(r'\("Option \d', step.reason), step.reason


def test_legal_basis_and_risk_come_from_the_escalation_model() -> None:
    d = diagnose("yes", "no", "no")
    for step in d.steps:
        expected = assess(Scenario(option=step.option, host_state=d.posture, **REFERENCE_CASE))
        assert step.legal_basis == expected.legal_basis
        assert step.risk == expected.risk
    assert [s.legal_basis for s in d.steps].count("countermeasure") == 1
    assert d.steps[5].legal_basis == "countermeasure"


def test_a_more_hostile_host_raises_every_reference_risk() -> None:
    friendly, sponsor = diagnose(True, True, False), diagnose(True, True, True)
    assert all(s.risk > f.risk for f, s in zip(friendly.steps, sponsor.steps, strict=True))


def test_options_with_rejects_unknown_status() -> None:
    with pytest.raises(ValueError, match=r"^status: got 'open'; allowed: next, conditional"):
        diagnose(**DEFAULT_ANSWERS).options_with("open")


# --------------------------------------------------------------------------- figure, description


@pytest.mark.parametrize("answers", ALL_ANSWERS, ids="-".join)
def test_figure_always_has_the_same_traces(answers: tuple[str, str, str]) -> None:
    fig = diagnosis_figure(*answers)
    names = [LEGAL_BASIS_LABELS[b] for b in LEGAL_BASES]
    assert [t.name for t in fig.data] == names * 2
    assert [t.type for t in fig.data] == ["bar"] * 4 + ["scatter"] * 4
    assert sum(len(t.y) for t in fig.data[:4]) == 7
    assert [t.showlegend for t in fig.data] == [False] * 4 + [None] * 4


def test_figure_shows_status_by_opacity_and_colour_by_legal_basis() -> None:
    fig = diagnosis_figure("no", "yes", "no")  # willing but unable
    first = fig.data[0]  # no legal basis needed: options 1 and 2, both opened next
    assert list(first.y) == ["1 Request to the host", "2 Capacity-building"]
    assert list(first.marker.opacity) == [1.0, 1.0]
    assert list(first.text) == ["next: 1st", "next: 2nd"]
    assert first.marker.color == LEGAL_BASIS_COLOURS["none_needed"]
    retorsion = fig.data[1]  # options 3 (not indicated), 4 and 5 (conditional)
    assert list(retorsion.marker.opacity) == [0.12, 0.45, 0.45]
    assert list(retorsion.marker.pattern.shape) == ["", "/", "/"]
    label = HOST_POSTURE_LABELS["willing_unable"]
    assert fig.layout.title.text.startswith(f"Host state: {label}<br>")


def test_figure_title_flags_a_provisional_diagnosis() -> None:
    assert "(provisional)<br>" in diagnosis_figure(**DEFAULT_ANSWERS).layout.title.text
    with pytest.raises(ValueError, match=r"^involved"):
        diagnosis_figure("yes", "yes", "perhaps")


def test_description_lists_the_next_steps_in_order_and_the_assumptions() -> None:
    text = describe_diagnosis("yes", "no", "unknown")
    assert f"Posture: {HOST_POSTURE_LABELS['able_unwilling']}." in text
    assert "Provisional" in text and "Involvement is not presumed" in text
    positions = [text.index(f"<strong>{n} {OPTIONS[n].title}</strong>") for n in (1, 3, 4, 5)]
    assert positions == sorted(positions)
    assert "Only under a condition" in text and "Not indicated for this host: options 2." in text
    settled = describe_diagnosis(True, True, True)
    assert "Provisional" not in settled and f"Posture: {HOST_POSTURE_LABELS['sponsor']}." in settled


def test_controls_start_where_the_static_figure_does() -> None:
    start = DEFAULT_ANSWERS  # as in the lesson: the static figure, then the widget
    controls = diagnosis_controls(start)
    for function in (diagnosis_figure, describe_diagnosis):
        assert list(controls) == list(inspect.signature(function).parameters) == list(FIELDS)
    assert control_values(controls) == dict(DEFAULT_ANSWERS)
    assert control_values(diagnosis_controls()) == dict(DEFAULT_ANSWERS)
    static = diagnosis_figure(**start).to_plotly_json()
    assert diagnosis_figure(**control_values(controls)).to_plotly_json() == static
    for field, control in controls.items():
        assert control.description == QUESTIONS[field]
        assert dict(control.options) == {label: a for a, label in ANSWER_LABELS.items()}


def test_controls_take_any_valid_start_and_refuse_bad_ones() -> None:
    controls = diagnosis_controls({"able": True, "willing": "no", "involved": False})
    assert control_values(controls) == {"able": "yes", "willing": "no", "involved": "no"}
    with pytest.raises(ValueError, match=r"^start: got \['able', 'willing'\]; allowed: a mapping "):
        diagnosis_controls({"able": "yes", "willing": "yes"})
    with pytest.raises(ValueError, match=r"^start: got 'yes'; allowed: a mapping with exactly"):
        diagnosis_controls("yes")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"^willing: got 'maybe'; allowed: True, False"):
        diagnosis_controls({**DEFAULT_ANSWERS, "willing": "maybe"})


def test_live_figure_redraws_in_place_when_an_answer_changes() -> None:
    controls = diagnosis_controls(DEFAULT_ANSWERS)  # wired exactly as in the lesson
    live = LiveFigure(diagnosis_figure, controls, describe=describe_diagnosis, layout_columns=1)
    traces = [(t.type, t.name) for t in live.figure.data]
    controls["involved"].value = "yes"
    sponsor = HOST_POSTURE_LABELS["sponsor"]
    assert live.figure.layout.title.text.startswith(f"Host state: {sponsor}<br>")
    assert [(t.type, t.name) for t in live.figure.data] == traces  # same traces, new values
    assert live.output.shown["layout"]["title"]["text"].startswith(f"Host state: {sponsor}<br>")
    assert f"Posture: {sponsor}." in live.details.value


# --------------------------------------------------------------------------- legal ladder


def test_legal_ladder_table_is_read_from_the_model() -> None:
    table = legal_ladder_table()
    assert list(table.index) == [1, 2, 3, 4]
    assert list(table["legal basis"]) == [LEGAL_BASIS_LABELS[b] for b in LEGAL_BASES]
    rows = dict(zip(LEGAL_BASES, table["options that need it"], strict=True))
    assert rows["countermeasure"] == "6 Retaliation in cyberspace"
    assert rows["retorsion"].count(";") == 2 and rows["retorsion"].startswith("3 ")
    assert "Rules 20-25" in table.loc[3, "Tallinn Manual 2.0"]


# --------------------------------------------------------------------------- data views


def test_options_by_posture_counts_ladder_options_and_keeps_zeros() -> None:
    frame = _frame(
        [
            ("a", "2020", "1", "willing_able"),
            ("a", "2021", "1", "willing_able"),
            ("b", "2020", "5", "sponsor"),
            ("b", "2020", "law_enforcement", "sponsor"),
        ]
    )
    table = options_by_posture(frame)
    assert list(table.index) == ["1", "2", "3", "4", "5", "6", "7"]
    assert list(table.columns) == list(HOST_POSTURES)
    assert table.loc["1", "willing_able"] == 2 and table.loc["5", "sponsor"] == 1
    assert int(table.to_numpy().sum()) == 3  # the takedown is not on the ladder


def test_options_by_posture_on_the_real_data(joined: pd.DataFrame) -> None:
    table = options_by_posture(joined)
    on_ladder = joined["option"].astype(str).isin([str(n) for n in OPTIONS])
    assert int(table.to_numpy().sum()) == int(on_ladder.sum())
    assert table.loc["1"].idxmax() == "willing_able"
    # Option 2 is help to a willing but unable host, and that is where the data records it.
    assert (
        table.loc["2"].idxmax() == "willing_unable"
        and table.loc["2"].sum() == table.loc["2", "willing_unable"]
    )


def test_options_by_posture_needs_the_joined_columns() -> None:
    with pytest.raises(ValueError, match=r"^joined: missing column"):
        options_by_posture(pd.DataFrame({"option": ["1"]}))


def test_posture_figure_uses_the_option_ladder_colours(joined: pd.DataFrame) -> None:
    fig = options_by_posture_figure(joined)
    assert len(fig.data) == 7
    assert [t.marker.color for t in fig.data] == [option_colour(n) for n in OPTIONS]
    assert list(fig.data[0].x) == [HOST_POSTURE_LABELS[p] for p in HOST_POSTURES]
    assert fig.layout.barmode == "stack"


def test_requests_to_hosts_keeps_option_one_oldest_first(joined: pd.DataFrame) -> None:
    table = requests_to_hosts(joined)
    assert len(table) == int((joined["option"].astype(str) == "1").sum())
    assert list(table["date"]) == sorted(table["date"])
    assert "description" in table.columns and "option" not in table.columns


# --------------------------------------------------------------------------- self-check


def _wrong_choices(question) -> list[int]:
    return [n for n in range(1, len(question.choices) + 1) if n not in question.correct_options]


def test_self_check_has_four_questions_with_working_feedback(joined: pd.DataFrame) -> None:
    quiz = self_check(joined)
    assert [q.qid for q in quiz.questions] == ["03.q1", "03.q2", "03.q3", "03.q4"]
    for question in quiz.questions:
        for number in question.correct_options:
            assert question.check(number).correct
        for number in _wrong_choices(question):
            feedback = question.check(number)
            assert not feedback.correct and len(feedback.message) > 40
    assert quiz.questions[0].check("Paragraph 13(c)").correct


def test_data_question_follows_the_data() -> None:
    frame = _frame(
        [
            ("a", "2020", "1", "sponsor"),
            ("b", "2020", "1", "sponsor"),
            ("c", "2020", "1", "able_unwilling"),
        ]
    )
    question = self_check(frame).questions[3]
    assert "3 requests" in question.prompt
    sponsor = list(HOST_POSTURES).index("sponsor") + 1
    assert question.correct_options == {sponsor}
    assert question.check(sponsor).message.startswith("Right: 2 of the 3 requests")


# --------------------------------------------------------------------------- exercise keys


def test_exercise_tasks_are_registered() -> None:
    assert [t.qid for t in ex03.TASKS] == [f"ex03.task{n}" for n in range(1, 6)]
    for task in ex03.TASKS:
        assert get_question(task.qid) is task


def test_task1_expulsion_is_retorsion() -> None:
    assert check("ex03.task1", "Retorsion").correct
    assert not check("ex03.task1", "Countermeasure").correct


def test_task2_accepts_series_dicts_and_zeros(joined: pd.DataFrame) -> None:
    sponsor = joined[joined["host_posture"] == "sponsor"]
    counts = sponsor["option"].value_counts()  # categorical: includes zero rows
    assert (counts == 0).any()
    assert check("ex03.task2", counts).correct
    as_ints = {int(k) if str(k).isdigit() else str(k): v for k, v in counts.items()}
    assert check("ex03.task2", as_ints).correct
    everything = joined["option"].value_counts()
    feedback = check("ex03.task2", everything)
    assert not feedback.correct and "host_posture" in feedback.message
    assert not check("ex03.task2", "3: 13").correct


def test_task2_reference_counts_match_a_hand_count() -> None:
    frame = _frame(
        [
            ("a", "2020", "3", "sponsor"),
            ("a", "2021", "3", "sponsor"),
            ("b", "2020", "1", "willing_able"),
        ]
    )
    assert ex03.sponsor_option_counts(frame) == {"3": 2}


def test_first_responses_keep_ties_and_compare_partial_dates() -> None:
    frame = _frame(
        [
            ("a", "2021-05", "1", "able_unwilling"),
            ("a", "2021-06-07", "law_enforcement", "able_unwilling"),
            ("b", "2019-05-16", "1", "willing_able"),
            ("b", "2019-05-16", "4", "willing_able"),
            ("c", "2015-08-24", "7", "willing_able"),
            ("c", "2015-09-15", "1", "willing_able"),
        ]
    )
    first = ex03.first_responses(frame)
    assert sorted(first.loc[first["option"] == "1", "incident_id"]) == ["a", "b"]
    assert len(first) == 4


def test_task3_expected_set_and_feedback_for_a_late_request() -> None:
    expected = ex03.EXPECTED_FIRST_REQUESTS
    assert check("ex03.task3", set(expected)).correct
    wrong = check("ex03.task3", {*expected, "isis-hit-list-2015"})
    assert not wrong.correct and "the request came later" in wrong.message


def test_task4_lightest_countermeasure_is_cyber_retaliation() -> None:
    assert ex03.EXPECTED_LIGHTEST_COUNTERMEASURE == 6
    assert scenario_for(ex03.COUNTERMEASURE_INCIDENT, 1).host_state == "able_unwilling"
    assert check("ex03.task4", 6).correct
    assert "retorsion" in check("ex03.task4", 5).message


def test_task5_needs_four_rubric_points() -> None:
    advice = "Ask H formally, then protest, charge and sanction step by step."
    assert check("ex03.task5", {"text": advice, "met": {1, 2, 3, 4}}).correct
    assert not check("ex03.task5", {"text": advice, "met": {1, 2}}).correct
    assert check("ex03.task5", None).status == "not_answered"


def test_single_questions_and_their_errors(joined: pd.DataFrame) -> None:
    assert self_check_question("03.q2").qid == "03.q2"
    assert self_check_question("03.q4", joined).qid == "03.q4"
    with pytest.raises(ValueError, match=r"^joined: question '03.q4'"):
        self_check_question("03.q4")
    with pytest.raises(ValueError, match=r"^qid: unknown question '03.q9'; allowed: 03.q1, 03.q2"):
        self_check_question("03.q9")
    with pytest.raises(ValueError, match=r"^qid: unknown question '03.q9'; allowed: 03.q1"):
        self_check_question("03.q9", joined)


def test_self_check_has_numbered_ids_and_explains_every_choice(joined: pd.DataFrame) -> None:
    questions = [self_check_question(qid, joined) for qid in SELF_CHECK_IDS]
    assert [q.qid for q in questions] == [f"03.q{n}" for n in range(1, len(questions) + 1)]
    assert len(questions) >= 3
    for question in questions:
        assert len(question.choice_feedback) == len(question.choices) >= 3
        assert all(len(text) > 40 for text in question.choice_feedback.values())
    assert [q.qid for q in self_check(joined).questions] == list(SELF_CHECK_IDS)


def test_self_check_cell_lists_every_question_id() -> None:
    notebook = json.loads((NOTEBOOKS_DIR / "03_due_diligence.ipynb").read_text("utf-8"))
    cells = ["".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "code"]
    quiz = next(c for c in cells if c.startswith('Quiz(\n    "Self-check"'))
    assert tuple(re.findall(r'"(03\.q\d+)"', quiz)) == SELF_CHECK_IDS
    assert "diagnosis.self_check_question(q, joined)" in quiz


def test_table_view_keeps_long_text_whole(joined: pd.DataFrame) -> None:
    table = requests_to_hosts(joined)
    longest = max(table["description"], key=len)
    assert len(longest) > 50
    rendered = table_view(table, index=False).to_html()
    # Text as it is (markup escaped, quotes kept): the whole sentence must be there.
    assert html_escape(longest, quote=False) in rendered and "text-align: left" in rendered


# --------------------------------------------------------------------------- lesson texts


def _edited_copy(tmp_path: Path, name: str, edit: Callable[[dict], object]) -> Path:
    """A folder ``content`` under ``tmp_path`` holding the content file ``name`` with its
    ``texts:`` changed by ``edit`` (as in tests/test_explorer.py)."""
    folder = tmp_path / "content"
    folder.mkdir(exist_ok=True)
    raw = yaml.safe_load((CONTENT_DIR / name).read_text("utf-8"))
    edit(raw["texts"])
    (folder / name).write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), "utf-8")
    return folder


def test_plans_and_labels_come_from_the_content_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def reword(texts: dict) -> None:
        texts["plans"]["sponsor"][3] = 'Protest loudly ("Option 3").'
        texts["answers"]["unknown"] = "Not sure"
        texts["description"]["next"] = "First try:"

    folder = _edited_copy(tmp_path, "03_due_diligence.yaml", reword)
    monkeypatch.setattr(content, "CONTENT_DIR", folder)
    d = diagnose("yes", "yes", "yes")
    assert d.steps[2].reason == 'Protest loudly ("Option 3").'
    text = describe_diagnosis("yes", "yes", "yes")
    assert "Protest loudly (&quot;Option 3&quot;)." in text and "First try:" in text
    assert ANSWER_LABELS["unknown"] == "Not sure"
    assert "Not sure" in dict(diagnosis_controls()["able"].options)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda t: t["plans"]["sponsor"].pop(7), r"plans: sponsor: no key 7; needed: 1, 2, "),
        (lambda t: t["plans"].pop("sponsor"), r"plans: no key 'sponsor'; needed: willing_able, "),
        (  # a lecturer who writes `yes:` without quotes gets the key True from YAML
            lambda t: t.update(answers={True: "Yes", False: "No", "unknown": "Don't know"}),
            r"answers: no key 'yes'; needed: yes, no, unknown",
        ),
        (
            lambda t: t["request_feedback"].pop("unknown"),
            r"request_feedback: no key 'unknown'; needed: willing_able, .*, unknown$",
        ),
        (
            lambda t: t["q4"].update(right="Right: ${count} of ${totl}"),
            r"q4: right: unknown placeholder \$\{totl\}",
        ),
    ],
)
def test_a_missing_or_misspelt_diagnosis_text_is_named(
    tmp_path: Path, edit: Callable[[dict], object], message: str
) -> None:
    folder = _edited_copy(tmp_path, "03_due_diligence.yaml", edit)
    with pytest.raises(ContentError, match=rf"^content/03_due_diligence.yaml: texts: {message}"):
        diagnosis.TEXTS(folder)


def test_exercise_03_texts_are_checked(tmp_path: Path) -> None:
    folder = _edited_copy(tmp_path, "03_due_diligence.yaml", lambda t: t["ex03"]["task4"].pop(7))
    with pytest.raises(ContentError, match=r"texts: ex03: task4: no key 7; needed: 5, 7$"):
        ex03._TEXTS(folder)


# --------------------------------------------------------------------------- what students see


def _markdown(notebook: str) -> str:
    book = json.loads((NOTEBOOKS_DIR / notebook).read_text("utf-8"))
    return "\n".join(
        "".join(c["source"]) for c in book["cells"] if c["cell_type"] == "markdown"
    ).replace("\n", " ")


def test_requests_view_shows_names_and_words_not_codes(joined: pd.DataFrame) -> None:
    from course.lessons.l03_due_diligence import requests_view

    requests = requests_to_hosts(joined)
    page = html.unescape(requests_view(joined).to_html())
    assert ">DDoS campaign against Estonia</td>" in page and ">estonia-2007</td>" not in page
    assert ">Estonia</td>" in page and ">Russia</td>" in page
    assert ">EE</td>" not in page and ">RU</td>" not in page
    assert ">Able but unwilling</td>" in page and ">able_unwilling</td>" not in page
    assert ">incident_id</th>" not in page and ">Who asked</th>" in page
    for description in requests["description"]:
        assert f">{description}</td>" in page, "descriptions must be whole"
    assert "white-space: normal" in page and "row_heading" not in page


def test_legal_ladder_view_has_plain_headers_and_whole_cells() -> None:
    from course.lessons.l03_due_diligence import legal_ladder_view

    page = html.unescape(legal_ladder_view().to_html())
    assert ">Legal basis</th>" in page and ">Options that need it</th>" in page
    assert ">Rung</th>" in page and "white-space: normal" in page
    for text in legal_ladder_table()["what it means"]:
        assert f">{text}</td>" in page


def test_lesson_03_shows_its_tables_through_the_views() -> None:
    book = json.loads((NOTEBOOKS_DIR / "03_due_diligence.ipynb").read_text("utf-8"))
    code = "\n".join("".join(c["source"]) for c in book["cells"] if c["cell_type"] == "code")
    assert "diagnosis.requests_view(joined)" in code and "diagnosis.legal_ladder_view()" in code
    assert "requests_to_hosts(joined)" not in code


def test_posture_figure_legend_below_and_whole_number_ticks(joined: pd.DataFrame) -> None:
    fig = options_by_posture_figure(joined)
    assert fig.layout.legend.orientation == "h" and fig.layout.legend.yref == "container"
    assert fig.layout.yaxis.tickformat == ",d" and fig.layout.xaxis.tickangle == 0
    assert "Unknown (no<br>conduct to<br>judge)" in fig.layout.xaxis.ticktext


def test_lesson_03_prose_matches_the_data(joined: pd.DataFrame) -> None:
    text = _markdown("03_due_diligence.ipynb")
    table = options_by_posture(joined)
    # "Requests (option 1) appear mainly where the host cooperated"
    assert table.loc["1"].idxmax() == "willing_able"
    # "the responses to sponsoring states are almost all protests, indictments and sanctions"
    sponsor = table["sponsor"]
    assert sponsor[["3", "4", "5"]].sum() >= 0.9 * sponsor.sum()
    # "Only a few incidents could be coded as willing but unable ... the offers of help appear"
    incidents = joined.drop_duplicates("incident_id")
    unable = (incidents["host_posture"] == "willing_unable").sum()
    assert 0 < unable <= 0.1 * len(incidents)
    assert table.loc["2"].idxmax() == "willing_unable"
    assert "No incident could be coded as willing but unable" not in text
    # "Police take-downs and help to the victim state are left out"
    assert set(table.index) == {str(n) for n in OPTIONS}
    # "Where the host was coded unwilling, most requests met a refusal or no visible reply"
    requests = requests_to_hosts(joined)
    unwilling = requests.loc[requests["host_posture"] == "able_unwilling", "stopped"]
    assert 2 * (unwilling != "yes").sum() > len(unwilling)
    # "as the Estonian case in the table shows, between prosecutors"
    assert "Estonian case" in text and "estonia-2007" in set(requests["incident_id"])
    # Self-check 03.q4's feedback for "unknown" must not claim there are no such requests.
    why = yaml.safe_load((CONTENT_DIR / "03_due_diligence.yaml").read_text("utf-8"))["texts"][
        "request_feedback"
    ]["unknown"]
    if (requests["host_posture"] == "unknown").any():
        assert "cannot appear" not in why


def test_table_view_escapes_markup_but_keeps_quotes() -> None:
    frame = pd.DataFrame({"text": ["<b>bold</b> & 'quoted'"], "n": [3]})
    page = table_view(frame, index=False).to_html()
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; 'quoted'" in page and "<b>bold</b>" not in page


def test_requests_view_keeps_dates_on_one_line(joined: pd.DataFrame) -> None:
    from course.lessons.l03_due_diligence import requests_view

    page = requests_view(joined).to_html()
    assert "white-space: nowrap" in page and "min-width: 20em" in page


def test_table_view_keeps_its_look_on_voila_slides() -> None:
    """Voila drops <style> blocks and ids from outputs: the notebook HTML carries the alignment
    and wrapping on every cell as well, so the slides show the same left-aligned, wrapped table."""
    frame = pd.DataFrame({"text": ["a long sentence that wraps"], "n": [3]})
    page = table_view(frame, index=False)._repr_html_()
    assert "<style" not in page and " id=" not in page  # nothing Voila would drop
    body = page
    cells = re.findall(r"<td[^>]*>", body)
    assert len(cells) == 2
    assert all('style="text-align: left; vertical-align: top; white-space: ' in c for c in cells)
    assert "white-space: normal;" in cells[0]  # the sentence wraps; the short number need not
    assert all("text-align: left" in h for h in re.findall(r"<th[\s>][^>]*>|<th [^>]*>", body))
    assert "<thead>" in body
