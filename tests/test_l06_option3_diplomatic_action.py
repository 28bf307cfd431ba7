"""Lesson 06, diplomatic action (course.lessons.l06_option3_diplomatic_action), and the keys of
exercise 06 (course.exercises.ex06)."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest

import course.exercises.ex06 as ex06
from course.engine.countries import country_name
from course.engine.data import HOST_POSTURES, RESPONSE_OUTCOMES, scenario_for
from course.engine.escalation import HOST_STATES, assess
from course.engine.labels import RESPONSE_OUTCOME_LABELS
from course.engine.paths import NOTEBOOKS_DIR
from course.learning.content import lesson_content
from course.learning.quiz import check, get_question
from course.lessons import l06_option3_diplomatic_action as l06
from course.lessons.case_study import options_used
from course.ui.widgets import LiveFigure

NOTEBOOK = NOTEBOOKS_DIR / "06_option3_diplomatic_action.ipynb"


def _frame(rows: list[tuple[str, str, str, str]], **extra: object) -> pd.DataFrame:
    """A tiny joined frame: (incident_id, date, responder, option)."""
    frame = pd.DataFrame(rows, columns=["incident_id", "date", "responder", "option"])
    frame["description"] = "said something"
    frame["outcome"] = extra.get("outcome", "continued")
    frame["name"] = frame["incident_id"].str.upper()
    frame["stopped"] = "no"
    frame["host_posture"] = "sponsor"
    frame["target"] = "host_state"
    return frame


@pytest.fixture(scope="module")
def diplomatic(joined: pd.DataFrame) -> pd.DataFrame:
    return joined.loc[joined["option"].astype(str) == "3"]


# --------------------------------------------------------------------------- the responses


def test_diplomatic_responses_keep_option_3_oldest_first(
    joined: pd.DataFrame, diplomatic: pd.DataFrame
) -> None:
    rows = l06.diplomatic_responses(joined)
    assert len(rows) == len(diplomatic)
    assert rows["date"].tolist() == sorted(rows["date"])
    assert set(rows["option"].astype(str)) == {"3"}
    assert (rows["responder_name"] == rows["responder"].map(country_name)).all()


def test_views_need_the_joined_columns() -> None:
    with pytest.raises(ValueError, match="joined: missing column"):
        l06.diplomatic_responses(pd.DataFrame({"option": ["3"]}))


def test_responses_by_year_counts_every_response_and_keeps_empty_years(
    joined: pd.DataFrame, diplomatic: pd.DataFrame
) -> None:
    table = l06.responses_by_year(joined)
    assert int(table.to_numpy().sum()) == len(diplomatic)
    years = table.index.tolist()
    assert years == list(range(years[0], years[-1] + 1))
    assert table.shape[1] <= l06.TOP_RESPONDERS + 1
    codes = set(diplomatic["responder"])
    assert not codes & set(table.columns), "columns must be names, not codes"


def test_responses_by_year_groups_the_rest_and_checks_top() -> None:
    frame = _frame(
        [
            ("a-2018", "2018-01-01", "GB", "3"),
            ("a-2018", "2018-01-01", "US", "3"),
            ("a-2018", "2020-05-01", "GB", "3"),
            ("b-2019", "2019-01-01", "JP", "4"),
        ]
    )
    table = l06.responses_by_year(frame, top=1)
    assert list(table.columns) == ["United Kingdom", "Others (1 more)"]
    assert table.loc[2019].sum() == 0 and table.loc[2018].tolist() == [1, 1]
    assert list(l06.responses_by_year(frame, top=5).columns) == ["United Kingdom", "United States"]
    for bad in (0, -1, True, 2.0):
        with pytest.raises(ValueError, match="top: got"):
            l06.responses_by_year(frame, top=bad)


def test_by_year_figure_is_plain_stacked_and_counts_in_whole_numbers(joined: pd.DataFrame) -> None:
    fig = l06.responses_by_year_figure(joined)
    table = l06.responses_by_year(joined)
    assert [t.name for t in fig.data] == list(table.columns)
    assert fig.layout.barmode == "stack"
    assert fig.layout.title.text and fig.layout.xaxis.title.text and fig.layout.yaxis.title.text
    assert fig.layout.showlegend is not False and fig.layout.legend.title.text
    assert isinstance(fig.layout.yaxis.dtick, int) and fig.layout.yaxis.tickformat == "d"
    assert len({t.marker.color for t in fig.data}) == len(fig.data)


# --------------------------------------------------------------------------- waves


def test_waves_chain_within_the_window_from_the_first_day() -> None:
    frame = _frame(
        [
            ("a-2017", "2017-12-19", "GB", "3"),
            ("a-2017", "2017-12-19", "US", "3"),
            ("a-2017", "2017-12-20", "AU", "3"),
            ("a-2017", "2017-12-23", "NZ", "3"),  # 4 days after the first: a new wave
            ("a-2017", "2017-12", "DK", "3"),  # month only: left out
            ("a-2017", "2017-10-27", "GB", "3"),  # alone: not a wave
            ("a-2017", "2017-12-19", "CA", "4"),  # not option 3
        ]
    )
    waves = l06.attribution_waves(frame)
    assert len(waves) == 1
    wave = waves.iloc[0]
    assert (wave["first"], wave["last"], wave["responders"]) == ("2017-12-19", "2017-12-20", 3)
    assert wave["who"] == "United Kingdom, United States, Australia"
    assert len(l06.attribution_waves(frame, days=5)) == 1
    assert l06.attribution_waves(frame, days=5).iloc[0]["responders"] == 4
    assert l06.attribution_waves(frame, min_responders=4).empty
    for bad in ({"days": -1}, {"days": 1.5}, {"min_responders": 1}, {"min_responders": True}):
        with pytest.raises(ValueError):
            l06.attribution_waves(frame, **bad)


def test_waves_on_the_real_data(joined: pd.DataFrame, diplomatic: pd.DataFrame) -> None:
    waves = l06.attribution_waves(joined)
    assert (waves["responders"] >= 2).all()
    assert int(waves["statements"].sum()) <= len(diplomatic)
    wannacry = waves.loc[waves["incident_id"] == "wannacry-2017"].iloc[0]
    assert wannacry["first"] == "2017-12-19"
    assert {"United Kingdom", "United States"} <= set(wannacry["who"].split(", "))
    summary = l06.waves_summary(joined)
    assert f"{int(waves['statements'].sum())} of the {len(diplomatic)}" in summary
    assert f"one of {len(waves)} waves" in summary
    table = l06.waves_table(joined)
    assert list(table.columns) == ["First day", "Incident", "Responders", "Who spoke"]
    assert (table["Responders"] >= 3).all()


def test_notes_render_as_escaped_html() -> None:
    note = l06.Note("Theft of $1.5 billion by 'X' <b>")
    assert note == "Theft of $1.5 billion by 'X' <b>"
    assert note._repr_html_() == "<p>Theft of $1.5 billion by &#x27;X&#x27; &lt;b&gt;</p>"


# --------------------------------------------------------------------------- what followed


def test_what_came_next_counts_charges_and_sanctions_from_the_first_statement() -> None:
    frame = _frame(
        [
            ("a-2018", "2018-02-15", "GB", "3"),
            ("a-2018", "2018-02-16", "AU", "3"),
            ("a-2018", "2018-02", "US", "4"),  # month of the statement: counts from its start
            ("a-2018", "2018-03-15", "US", "5"),
            ("a-2018", "2017-05-01", "US", "5"),  # before the first statement
            ("b-2019", "2019-01-01", "JP", "3"),
        ]
    )
    table = l06.what_came_next(frame)
    a = table.loc[table["Incident"] == "A-2018"].iloc[0]
    assert (a["First statement"], a["Responders"], a["Sanctions after"]) == ("2018-02-15", 2, 1)
    assert a["Charges after"] == 0  # "2018-02" sorts before "2018-02-15"
    assert a["Attackers stopped"] == "No"
    assert l06.what_came_next(frame, min_responders=2)["Incident"].tolist() == ["A-2018"]


def test_what_came_next_on_the_real_data(joined: pd.DataFrame) -> None:
    table = l06.what_came_next(joined, min_responders=3)
    assert (table["Responders"] >= 3).all()
    apt10 = table.loc[table["Incident"].str.contains("APT10")].iloc[0]
    assert apt10["Charges after"] >= 1  # the indictment unsealed with the statements
    assert set(table["Attackers stopped"]) <= {"Yes", "No", "Not known"}


def test_outcomes_table_and_summary_follow_the_data(
    joined: pd.DataFrame, diplomatic: pd.DataFrame
) -> None:
    table = l06.outcomes_table(joined)
    assert list(table.index) == [RESPONSE_OUTCOME_LABELS[o] for o in RESPONSE_OUTCOMES]
    assert int(table.sum()) == len(diplomatic)
    summary = l06.outcomes_summary(joined)
    assert f"Of the {len(diplomatic)} diplomatic responses" in summary
    hostile = l06.hostile_replies(joined)
    assert len(hostile) == int(table[RESPONSE_OUTCOME_LABELS["host_retaliated"]])
    for name in set(hostile["Incident"]):
        assert name in summary
    quiet = _frame([("a-2018", "2018-01-01", "GB", "3")])
    assert "none was followed by a hostile reply" in l06.outcomes_summary(quiet)


def test_the_answers_in_kind_the_lesson_names_are_in_the_data(diplomatic: pd.DataFrame) -> None:
    """The prose and 06.q3 speak of the 2016 expulsions and Albania's break with Iran."""
    expulsion = diplomatic.loc[
        (diplomatic["incident_id"] == "dnc-2016") & (diplomatic["date"] == "2016-12-29")
    ]
    assert "35 Russian diplomats" in expulsion["description"].iloc[0]
    assert expulsion["outcome"].astype(str).iloc[0] == "host_retaliated"
    assert "755" in expulsion["notes"].iloc[0]
    albania = diplomatic.loc[
        (diplomatic["incident_id"] == "albania-2022") & (diplomatic["responder"] == "AL")
    ]
    assert "cut diplomatic relations" in albania["description"].iloc[0]


def test_the_joint_statements_the_lesson_names_are_in_the_data(
    joined: pd.DataFrame, diplomatic: pd.DataFrame
) -> None:
    """06.q1 (Exchange, one day in July 2021) and ex06.task1 (EU listings of July 2020)."""
    exchange = diplomatic.loc[
        (diplomatic["incident_id"] == "hafnium-2021") & (diplomatic["date"] == "2021-07-19")
    ]
    assert {"US", "GB", "AU", "CA", "NZ", "EU", "NATO"} <= set(exchange["responder"])
    listings = joined.loc[
        (joined["option"].astype(str) == "5")
        & (joined["responder"] == "EU")
        & (joined["date"] == "2020-07-30")
    ]
    assert {"wannacry-2017", "notpetya-2017", "apt10-cloud-hopper-2006"} <= set(
        listings["incident_id"]
    )


def test_by_posture_counts_every_response(joined: pd.DataFrame, diplomatic: pd.DataFrame) -> None:
    table = l06.by_posture(joined)
    assert len(table) == len(HOST_POSTURES)
    assert int(table["All"].sum()) == len(diplomatic)
    assert (table["All"] == table["Aimed at the state"] + table["Aimed at the attackers"]).all()
    # The lesson says almost all concern sponsors.
    assert table["All"].idxmax() == "Sponsor (involved)"


# --------------------------------------------------------------------------- static tables


def test_forms_table_runs_from_quiet_to_loud_with_text_from_content() -> None:
    table = l06.forms_table()
    texts = lesson_content("06").texts["forms"]
    assert table["Step"].tolist() == [texts[f]["step"] for f in l06.FORMS]
    assert table.index.tolist() == list(range(1, len(l06.FORMS) + 1))
    assert table.notna().all().all()


def test_risk_table_scores_option_3_with_the_model() -> None:
    table = l06.risk_table()
    assert table.shape == (len(l06.RISK_LEVELS), len(HOST_STATES))
    assert ((table >= 12) & (table <= 24.4)).all().all()  # option 3's range (docs/model.md)
    # A more hostile host never lowers the risk.
    assert (table.diff(axis=1).iloc[:, 1:] >= 0).all().all()
    assert l06.risk_caption()


def test_legal_basis_is_retorsion_as_the_self_check_says() -> None:
    assert l06.legal_basis() == "Retorsion"
    question = lesson_content("06").question("06.q4")
    right = [c.text for c in question.choices if c.correct]
    assert len(right) == 1 and "retorsion" in right[0].lower()


def test_case_study_opens_where_option_3_was_used(joined: pd.DataFrame) -> None:
    assert l06.CASE_START in options_used(joined, 3)


# --------------------------------------------------------------------------- the widget


def test_timeline_choices_have_two_or_more_responders_most_first(
    joined: pd.DataFrame, diplomatic: pd.DataFrame
) -> None:
    choices = l06.timeline_choices(joined)
    counts = diplomatic.groupby("incident_id")["responder"].nunique()
    ids = [i for _, i in choices]
    assert ids and all(counts[i] >= 2 for i in ids)
    assert [counts[i] for i in ids] == sorted((counts[i] for i in ids), reverse=True)
    assert l06.timeline_start(joined) == ids[0]
    assert all(f"({counts[i]} responders)" in label for label, i in choices)


def test_timeline_figure_has_two_traces_and_every_statement(
    joined: pd.DataFrame, diplomatic: pd.DataFrame
) -> None:
    for _, incident in l06.timeline_choices(joined):
        fig = l06.statement_timeline(incident, joined)
        assert len(fig.data) == 2
        assert sum(len(t.x) for t in fig.data) == int((diplomatic["incident_id"] == incident).sum())
        assert fig.layout.title.text and fig.layout.xaxis.title.text
    denmark = l06.statement_timeline("notpetya-2017", joined)
    assert "2018-02-01" in denmark.data[1].x  # a month-only date, drawn hollow on the 1st


def test_timeline_refuses_an_incident_without_statements(joined: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match="incident: 'estonia-2007' has no diplomatic"):
        l06.statement_timeline("estonia-2007", joined)
    with pytest.raises(ValueError, match="start: "):
        l06.timeline_controls(joined, "estonia-2007")


def test_describe_lists_each_statement(joined: pd.DataFrame) -> None:
    text = l06.describe_timeline("wannacry-2017", joined)
    assert text.count("<li>") == int(
        ((joined["option"].astype(str) == "3") & (joined["incident_id"] == "wannacry-2017")).sum()
    )
    assert "2017-10-27, United Kingdom" in text


def test_live_figure_redraws_when_the_incident_changes(joined: pd.DataFrame) -> None:
    build, describe = l06.timeline_functions(joined)
    start = l06.timeline_start(joined)
    controls = l06.timeline_controls(joined, start)
    widget = LiveFigure(build, controls, describe=describe)
    before = widget.figure.layout.title.text
    other = next(i for _, i in l06.timeline_choices(joined) if i != start)
    controls["incident"].value = other
    assert widget.figure.layout.title.text != before
    assert widget.status.value == ""


# --------------------------------------------------------------------------- self-check


def test_self_check_questions_come_from_content_with_feedback_for_every_choice() -> None:
    positions = set()
    for qid in l06.SELF_CHECK_IDS:
        question = l06.self_check_question(qid)
        authored = lesson_content("06").question(qid)
        assert question.choices == tuple(c.text for c in authored.choices)
        assert all(c.feedback for c in authored.choices)
        positions |= set(question.correct_options)
    assert len(positions) > 1
    with pytest.raises(ValueError, match="qid: unknown question"):
        l06.self_check_question("06.q9")


def test_notebook_uses_every_self_check_question_and_the_explorer() -> None:
    cells = json.loads(NOTEBOOK.read_text("utf-8"))["cells"]
    code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    assert set(re.findall(r'"(06\.q\d+)"', code)) == set(l06.SELF_CHECK_IDS)
    assert code.index("static_case(3") < code.index("CaseStudyExplorer(3")


# --------------------------------------------------------------------------- exercise 06


def test_exercise_tasks_are_registered() -> None:
    for task in ex06.TASKS:
        assert get_question(task.qid) is task
    assert [t.qid for t in ex06.TASKS] == [f"ex06.task{k}" for k in range(1, 6)]


def test_task1_right_choice() -> None:
    assert check("ex06.task1", 3).status == "correct"
    assert check("ex06.task1", 1).status == "incorrect"


def test_task2_accepts_series_dicts_and_single_column_frames(diplomatic: pd.DataFrame) -> None:
    counts = diplomatic["responder"].value_counts()
    assert check("ex06.task2", counts).status == "correct"
    assert check("ex06.task2", counts.to_dict()).status == "correct"
    assert check("ex06.task2", counts.to_frame()).status == "correct"
    with_zero = {**counts.to_dict(), "FR": counts.get("FR", 0), "ZZ": 0}
    assert check("ex06.task2", with_zero).status == "correct"
    wrong = counts.to_dict()
    wrong["GB"] += 1
    feedback = check("ex06.task2", wrong)
    assert feedback.status == "incorrect" and "For GB you counted" in feedback.message
    assert "Series" in check("ex06.task2", [1, 2]).message


def test_task3_expected_set_matches_a_hand_count(diplomatic: pd.DataFrame) -> None:
    hand = {
        incident
        for incident, group in diplomatic.groupby("incident_id")
        if len(set(group["responder"])) >= 3
    }
    assert set(ex06.EXPECTED_CROWDED) == hand
    assert check("ex06.task3", hand).status == "correct"


def test_task4_rise_follows_the_model_formula() -> None:
    coded = scenario_for(ex06.MODEL_INCIDENT, 3, target="host_state")
    change = coded.attribution - ex06.WEAK_ATTRIBUTION
    # option 3 has strength 0.4: 8 points per unit of attribution, 10 per unit of public case
    expected = 0.4 * (8 * change + 10 * coded.public_evidence * change)
    assert abs(ex06.EXPECTED_RISE - expected) < 0.01
    weak = assess(coded.replace(attribution=ex06.WEAK_ATTRIBUTION))
    assert "weak_attribution" in weak.warnings
    assert check("ex06.task4", expected).status == "correct"
    assert "only the attribution term" in check("ex06.task4", 0.4 * 8 * change).message


def test_task5_is_an_open_question_with_a_rubric() -> None:
    question = get_question("ex06.task5")
    assert len(question.rubric) == 5 and question.min_points == 4
    assert check("ex06.task5", {"text": "Protest first.", "met": {1, 2, 3, 4}}).status == (
        "correct"
    )
