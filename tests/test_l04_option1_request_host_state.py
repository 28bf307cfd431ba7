"""Lesson 04 (option 1, requesting the host state to act): the module
course.lessons.l04_option1_request_host_state, the keys of exercise 04 (course.exercises.ex04),
and the facts the lesson's prose states about the data."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest

import course.exercises.ex04 as ex04
from course.engine.data import HOST_POSTURES, RESPONSE_OUTCOMES, responses_with_incidents
from course.engine.escalation import HOST_STATES
from course.engine.labels import HOST_POSTURE_LABELS, RESPONSE_OUTCOME_LABELS
from course.engine.paths import EXERCISES_DIR, NOTEBOOKS_DIR
from course.learning.lesson_map import read_lesson
from course.learning.quiz import check, get_question
from course.lessons import l03_due_diligence as l03
from course.lessons import l04_option1_request_host_state as l04
from course.ui.widgets import LiveFigure

NOTEBOOK = NOTEBOOKS_DIR / "04_option1_request_host_state.ipynb"
EXERCISES = EXERCISES_DIR / "04_option1_request_host_state_exercises.ipynb"


@pytest.fixture(scope="module")
def joined() -> pd.DataFrame:
    return responses_with_incidents()


def _frame(rows: list[tuple[str, str, str, str, str]]) -> pd.DataFrame:
    """A tiny joined frame: (incident_id, date, option, host_posture, outcome)."""
    frame = pd.DataFrame(rows, columns=["incident_id", "date", "option", "host_posture", "outcome"])
    frame["responder"] = "US"
    frame["host_state"] = "RU"
    frame["description"] = "Police arrested a suspect."
    return frame


TINY = _frame(
    [
        ("a-2020", "2020-01", "1", "willing_able", "arrested"),
        ("a-2020", "2020-02", "1", "willing_able", "arrested"),
        ("b-2021", "2021", "1", "able_unwilling", "refused"),
        ("b-2021", "2021-05", "3", "able_unwilling", "unknown"),
        ("c-2022", "2022", "law_enforcement", "sponsor", "arrested"),
    ]
)


# --------------------------------------------------------------------------- the data views


def test_requests_keeps_option_1_only_oldest_first() -> None:
    rows = l04.requests(TINY)
    assert list(rows["option"]) == ["1", "1", "1"]
    assert list(rows["date"]) == sorted(rows["date"])


def test_outcomes_by_posture_keeps_zeros_and_counts_every_request() -> None:
    table = l04.outcomes_by_posture(TINY)
    assert list(table.index) == list(HOST_POSTURES)
    assert list(table.columns) == list(RESPONSE_OUTCOMES)
    assert table.loc["willing_able", "arrested"] == 2
    assert table.loc["able_unwilling", "refused"] == 1
    assert int(table.to_numpy().sum()) == 3  # the protest and the takedown are not requests


def test_outcomes_by_posture_on_the_data_counts_every_request(joined: pd.DataFrame) -> None:
    table = l04.outcomes_by_posture(joined)
    assert int(table.to_numpy().sum()) == len(l04.requests(joined))


def test_missing_columns_are_named() -> None:
    with pytest.raises(ValueError, match=r"missing column.*outcome"):
        l04.outcomes_by_posture(TINY.drop(columns=["outcome"]))


def test_figure_has_plain_labels_whole_number_ticks_and_a_legend(joined: pd.DataFrame) -> None:
    fig = l04.outcomes_by_posture_figure(joined)
    assert fig.layout.title.text and fig.layout.xaxis.title.text and fig.layout.yaxis.title.text
    assert fig.layout.yaxis.dtick >= 1 and float(fig.layout.yaxis.dtick).is_integer()
    assert fig.layout.showlegend is not False and fig.layout.legend.title.text
    names = {trace.name for trace in fig.data}
    assert names <= set(RESPONSE_OUTCOME_LABELS.values())
    assert list(fig.data[0].x) == [HOST_POSTURE_LABELS[p] for p in HOST_POSTURES]
    total = sum(sum(trace.y) for trace in fig.data)
    assert total == len(l04.requests(joined))
    for trace in fig.data:  # no raw code such as able_unwilling in what students read
        assert not any("_" in str(x) for x in trace.x)


def test_figure_leaves_out_outcomes_that_never_followed_a_request() -> None:
    fig = l04.outcomes_by_posture_figure(TINY)
    assert {t.name for t in fig.data} == {
        RESPONSE_OUTCOME_LABELS["arrested"],
        RESPONSE_OUTCOME_LABELS["refused"],
    }
    assert fig.layout.yaxis.dtick == 1


@pytest.mark.parametrize(
    ("description", "expected"),
    [
        ("Estonian prosecutors asked under the legal-assistance treaty.", ("judicial",)),
        ("The AFP passed details to Russian police through Interpol.", ("police",)),
        ("In a phone call Biden told Putin to act.", ("diplomatic",)),
        ("Our CERT asked its counterpart to take the servers down.", ("technical",)),
        (
            "Backed by its foreign ministry, the Ministry of Public Security sent a team.",
            ("police", "diplomatic"),
        ),
        ("Canadian police arrested him pending extradition.", ("police", "judicial")),
        ("Something happened.", ("unclear",)),
    ],
)
def test_request_channels_reads_the_description(description: str, expected: tuple) -> None:
    assert l04.request_channels(description) == expected


def test_an_ambassador_who_complains_is_not_a_diplomatic_request() -> None:
    text = "After the ambassador complained, the police passed the data through Interpol."
    assert l04.request_channels(text) == ("police",)


def test_request_channels_rejects_non_text() -> None:
    with pytest.raises(ValueError, match="description"):
        l04.request_channels(None)  # type: ignore[arg-type]


def test_channel_table_counts_and_shows_unclear_only_when_needed(joined: pd.DataFrame) -> None:
    table = l04.channel_table(TINY)
    assert list(table.columns) == ["Channel", "How it works", "Requests naming it"]
    assert len(table) == len(l04.CHANNELS)
    assert table["Requests naming it"].tolist() == [0, 3, 0, 0]
    vague = TINY.assign(description="Something happened.")
    assert len(l04.channel_table(vague)) == len(l04.CHANNELS) + 1
    real = l04.channel_table(joined)
    assert real["Requests naming it"].sum() >= len(l04.requests(joined))


def test_requests_table_is_readable_and_filters_by_posture(joined: pd.DataFrame) -> None:
    table = l04.requests_table(joined)
    assert len(table) == len(l04.requests(joined))
    assert "Russia" in set(table["Attackers' host"])
    assert not set(table["Host's posture"]) & set(HOST_POSTURES)  # labels, not codes
    hard = l04.requests_table(joined, ("able_unwilling", "sponsor"), short=True)
    assert "What was done" not in hard.columns
    assert set(hard["Host's posture"]) <= {
        HOST_POSTURE_LABELS["able_unwilling"],
        HOST_POSTURE_LABELS["sponsor"],
    }
    assert len(l04.requests_table(joined, "able_unwilling")) >= 1
    with pytest.raises(ValueError, match="postures: 'friendly' is not a host posture"):
        l04.requests_table(joined, ("friendly",))


def test_table_view_keeps_dates_on_one_line(joined: pd.DataFrame) -> None:
    html = l04.table_view(l04.requests_table(joined, short=True), index=False).to_html()
    assert "white-space: nowrap" in html


def test_request_risk_barely_depends_on_the_host() -> None:
    table = l04.request_risk_table()
    assert len(table) == len(HOST_STATES)
    request, protest, sanctions = (table[c] for c in table.columns)
    assert (request < 10).all()  # negligible band for every host
    assert request.is_monotonic_increasing and sanctions.is_monotonic_increasing
    spread = {name: col.max() - col.min() for name, col in table.items()}
    assert spread[table.columns[0]] < spread[table.columns[1]] < spread[table.columns[2]]
    assert (protest > request).all()


# --------------------------------------------------------------------------- the reply widget


@pytest.mark.parametrize(
    ("reply", "posture", "opens"),
    [
        ("not_yet", "willing_able", 1),
        ("acted", "willing_able", 1),
        ("needs_help", "willing_unable", 2),
        ("refused", "able_unwilling", 3),
        ("shielded", "sponsor", 5),
    ],
)
def test_each_reply_gives_lesson_03s_diagnosis(reply: str, posture: str, opens: int) -> None:
    diagnosis = l03.diagnose(**l04.REPLY_ANSWERS[reply])
    assert diagnosis.posture == posture
    assert opens in diagnosis.next_options
    fig = l04.reply_figure(reply)
    title = fig.layout.title.text
    assert l04.TEXTS.get("replies", reply) in title
    assert HOST_POSTURE_LABELS[posture].lower() in title
    assert "&quot;" not in title
    text = l04.describe_reply(reply)
    assert l04.TEXTS.get("reply_meanings", reply)[:30] in text
    assert "course-diagnosis" in text


def test_only_the_reply_without_evidence_of_goodwill_stays_provisional() -> None:
    provisional = {r for r in l04.REPLIES if l03.diagnose(**l04.REPLY_ANSWERS[r]).provisional}
    assert provisional == {"not_yet", "refused"}
    assert "(provisional)" in l04.reply_figure("refused").layout.title.text


def test_a_bad_reply_is_named() -> None:
    with pytest.raises(ValueError, match="reply: got 'maybe'; allowed: not_yet"):
        l04.reply_figure("maybe")
    with pytest.raises(ValueError, match="reply"):
        l04.reply_controls("maybe")


def test_the_widget_redraws_when_the_answer_changes() -> None:
    controls = l04.reply_controls("not_yet")
    live = LiveFigure(l04.reply_figure, controls, describe=l04.describe_reply, layout_columns=1)
    before = live.figure.layout.title.text
    controls["reply"].value = "refused"
    assert live.figure.layout.title.text != before
    assert "Able but unwilling" in live.details.value
    assert list(controls["reply"].options.values()) == list(l04.REPLIES)


# --------------------------------------------------------------------------- self-check


def test_self_check_questions_have_feedback_for_every_choice_and_spread_answers() -> None:
    positions = set()
    for qid in l04.SELF_CHECK_IDS:
        question = l04.self_check_question(qid)
        assert len(question.choice_feedback) == len(question.choices) >= 3
        assert all(str(text).strip() for text in question.choice_feedback.values())
        positions |= set(question.correct_options)
    assert len(positions) > 1
    with pytest.raises(ValueError, match=r"unknown question '04\.q9'"):
        l04.self_check_question("04.q9")


# --------------------------------------------------------------------------- exercise 04


def test_exercise_keys_follow_the_data_and_the_model(joined: pd.DataFrame) -> None:
    assert sum(ex04.EXPECTED_OUTCOME_COUNTS.values()) == len(l04.requests(joined))
    assert pytest.approx(0.8) == ex04.EXPECTED_RISE  # 8 host points x strength 0.1
    assert ex04.risk_rise("estonia-2007", 5) > 5 * ex04.EXPECTED_RISE
    for incident in ex04.EXPECTED_AGAINST_THE_ODDS:
        rows = l04.requests(joined)
        rows = rows[rows["incident_id"] == incident]
        assert set(rows["host_posture"].astype(str)) <= set(ex04.HOSTILE_POSTURES)
        assert "arrested" in set(rows["outcome"].astype(str))


def test_exercise_checks_accept_the_reference_answers_and_explain_mistakes(
    joined: pd.DataFrame,
) -> None:
    assert check("ex04.task1", "Paragraph 13(h)").correct
    assert not check("ex04.task1", "Paragraph 13(c)").correct
    requests = joined[joined["option"] == "1"]
    assert check("ex04.task2", requests["outcome"].value_counts()).correct
    wrong = check("ex04.task2", joined["outcome"].value_counts())
    assert not wrong.correct and "only the rows whose option is '1'" in wrong.message
    assert not check("ex04.task2", "arrested").correct
    assert check("ex04.task3", set(ex04.EXPECTED_AGAINST_THE_ODDS)).correct
    extra = check("ex04.task3", {*ex04.EXPECTED_AGAINST_THE_ODDS, "revil-kaseya-2021"})
    assert not extra.correct and "willing and able" in extra.message
    assert check("ex04.task4", ex04.EXPECTED_RISE).correct
    option_5 = check("ex04.task4", ex04.risk_rise("estonia-2007", 5))
    assert not option_5.correct and "option 5" in option_5.message
    assert get_question("ex04.task5").rubric


# --------------------------------------------------------------------------- the notebooks


def _code(path) -> str:
    cells = json.loads(path.read_text("utf-8"))["cells"]
    return "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")


def _prose(path) -> str:
    cells = json.loads(path.read_text("utf-8"))["cells"]
    return "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")


def test_lesson_ends_its_teaching_part_with_the_explorer_on_a_request() -> None:
    lesson = read_lesson(NOTEBOOK)
    assert lesson.id == "04" and list(lesson.prerequisites) == ["03"]
    assert lesson.interaction == ("slider_end", "Attribution", "")
    code = _code(NOTEBOOK)
    static = code.index("static_case(1, ")
    live = code.index("CaseStudyExplorer(1, ")
    assert static < live < code.index("Quiz(")
    assert all(f'"{qid}"' in code for qid in l04.SELF_CHECK_IDS)


def test_the_cases_the_prose_tells_are_coded_as_it_says(joined: pd.DataFrame) -> None:
    """The lesson tells these stories in words; if a re-check recodes one, this fails first."""
    rows = l04.requests(joined)

    def outcomes(incident: str) -> set[str]:
        return set(rows.loc[rows["incident_id"] == incident, "outcome"].astype(str))

    def posture(incident: str) -> str:
        return str(joined.loc[joined["incident_id"] == incident, "host_posture"].iloc[0])

    assert outcomes("estonia-2007") == {"refused"} and posture("estonia-2007") == "able_unwilling"
    assert "refused" in outcomes("medibank-2022")
    assert posture("revil-kaseya-2021") == "willing_able"
    assert outcomes("revil-kaseya-2021") == {"arrested"}
    assert posture("kokang-scam-families-2015") == "able_unwilling"
    assert "arrested" in outcomes("kokang-scam-families-2015")
    assert {"apt41-2014", "yahoo-2014"} <= ex04.EXPECTED_AGAINST_THE_ODDS
    estonia = rows[rows["incident_id"] == "estonia-2007"]
    assert estonia["date"].iloc[0].startswith("2007-05")
    assert "28 June 2007" in estonia["description"].iloc[0]
    prose = _prose(NOTEBOOK)
    assert "28 June 2007" in prose and "Interpol" in prose
    willing = rows[rows["host_posture"].astype(str) == "willing_able"]
    hosts = set(willing["host_state"].astype(str))
    assert {"UA", "IN", "MY", "PH"} <= hosts  # the police named in the prose


def test_exercise_notebook_checks_five_tasks_without_solutions() -> None:
    code = _code(EXERCISES)
    tasks = re.findall(r'check\("(ex04\.task\d)"', code)
    assert tasks == [f"ex04.task{n}" for n in range(1, 6)]
    assert code.count("# YOUR CODE HERE") == 5
    assert "13(h)" not in code.replace("#", "")
