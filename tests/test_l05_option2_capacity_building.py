"""Lesson 05 (option 2, capacity-building): course.lessons.l05_option2_capacity_building and the
keys of exercise 05 (course.exercises.ex05)."""

from __future__ import annotations

import itertools
import json
import re

import pandas as pd
import pytest

import course.exercises.ex05 as ex05
from course.engine.data import RESPONSE_OUTCOMES, VICTIM_ASSISTANCE, scenario_for
from course.engine.escalation import HOST_STATES, assess
from course.engine.labels import HOST_POSTURE_LABELS, RESPONSE_OUTCOME_LABELS
from course.engine.paths import NOTEBOOKS_DIR
from course.learning.content import task_text
from course.learning.quiz import check
from course.lessons import l03_due_diligence as l03
from course.lessons import l05_option2_capacity_building as l05
from course.lessons.case_study import CaseStudyExplorer, incident_choices, static_case
from course.lessons.l05_option2_capacity_building import (
    DEFAULT_SIGNS,
    DIMENSIONS,
    HELP_KINDS,
    SELF_CHECK_IDS,
    SIGN_EFFECTS,
    SIGNS,
    describe_signs,
    help_outcomes,
    help_outcomes_figure,
    help_responses,
    help_summary_html,
    help_table,
    read_signs,
    self_check,
    self_check_question,
    signs_controls,
    signs_figure,
)
from course.ui.widgets import LiveFigure

NOTEBOOK = NOTEBOOKS_DIR / "05_option2_capacity_building.ipynb"
ALL_TICKS = [
    dict(zip(SIGNS, combo, strict=True))
    for combo in itertools.product((False, True), repeat=len(SIGNS))
]
RAW_CODES = re.compile(
    r"\b(willing_unable|able_unwilling|willing_able|victim_assistance|host_state)\b"
)


def _tiny(rows: list[tuple[str, str, str, str]]) -> pd.DataFrame:
    """A joined-like frame: (incident_id, date, option, outcome), other columns filled in."""
    frame = pd.DataFrame(rows, columns=["incident_id", "date", "option", "outcome"])
    return frame.assign(
        name=frame["incident_id"].str.upper(),
        responder="CN",
        target="host_state",
        victims="CN",
        host_state="LA",
        host_posture="willing_unable",
        scale="small",
        stopped="no",
        description="joint raid",
    )


# --------------------------------------------------------------------------- the data


def test_help_responses_hold_both_kinds_of_help_and_nothing_else(joined: pd.DataFrame) -> None:
    rows = help_responses(joined)
    assert set(rows["option"]) <= set(HELP_KINDS)
    expected = joined["option"].astype(str).isin(HELP_KINDS).sum()
    assert len(rows) == expected > 0
    # The data card's rule: option 2 goes to the host, victim assistance to the victim.
    assert set(rows.loc[rows["option"] == "2", "target"].astype(str)) == {"host_state"}
    assert set(rows.loc[rows["option"] == VICTIM_ASSISTANCE, "target"].astype(str)) == {
        "victim_state"
    }
    assert list(rows["date"]) == sorted(rows["date"])


def test_help_outcomes_count_every_help_response_once(joined: pd.DataFrame) -> None:
    table = help_outcomes(joined)
    assert list(table.index) == list(HELP_KINDS)
    assert list(table.columns) == list(RESPONSE_OUTCOMES)
    rows = help_responses(joined)
    for kind in HELP_KINDS:
        assert table.loc[kind].sum() == (rows["option"] == kind).sum()


def test_help_outcomes_on_a_tiny_frame() -> None:
    frame = _tiny(
        [
            ("a", "2020", "2", "arrested"),
            ("a", "2021", "2", "arrested"),
            ("b", "2022", "victim_assistance", "unknown"),
            ("c", "2022", "3", "continued"),
        ]
    )
    table = help_outcomes(frame)
    assert table.loc["2", "arrested"] == 2
    assert table.loc["victim_assistance", "unknown"] == 1
    assert table.to_numpy().sum() == 3  # option 3 is not help


def test_outcome_figure_is_readable(joined: pd.DataFrame) -> None:
    fig = help_outcomes_figure(joined)
    assert [t.name for t in fig.data] == [l05.KIND_LABELS[k] for k in HELP_KINDS]
    assert fig.layout.title.text and fig.layout.xaxis.title.text and fig.layout.yaxis.title.text
    assert fig.layout.yaxis.dtick == 1  # counts: whole-number ticks
    assert fig.layout.legend.title.text
    labels = set(fig.data[0].x)
    assert labels <= set(RESPONSE_OUTCOME_LABELS.values())
    for trace in fig.data:
        assert all(isinstance(v, int) for v in trace.y)


def test_help_table_speaks_in_words(joined: pd.DataFrame) -> None:
    for kind in HELP_KINDS:
        table = help_table(joined, kind)
        assert len(table) == (help_responses(joined)["option"] == kind).sum()
        assert not table["Helper"].str.fullmatch(r"[A-Z]{2}").any()
        assert not table["Helped"].str.fullmatch(r"[A-Z]{2}").any()
        assert set(table["What followed"]) <= set(RESPONSE_OUTCOME_LABELS.values())


def test_summary_counts_follow_the_data(joined: pd.DataFrame) -> None:
    text = help_summary_html(joined)
    for kind in HELP_KINDS:
        n = int((help_responses(joined)["option"] == kind).sum())
        assert f"{n} responses" in text
    assert not RAW_CODES.search(text)


@pytest.mark.parametrize(
    "call",
    [
        lambda f: help_responses(f),
        lambda f: help_outcomes(f),
        lambda f: help_table(f, "2"),
        lambda f: help_summary_html(f),
    ],
)
def test_a_frame_without_the_joined_columns_is_refused(call) -> None:
    with pytest.raises(ValueError, match="joined: missing column"):
        call(pd.DataFrame({"option": ["2"]}))


def test_help_table_refuses_another_kind(joined: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match="kind: got '3'"):
        help_table(joined, "3")


# --------------------------------------------------------------------------- reading a host


def test_default_signs_read_as_willing_but_unable_and_open_option_2() -> None:
    reading = read_signs(**DEFAULT_SIGNS)
    assert (reading.willing, reading.able, reading.involved) == ("yes", "no", "unknown")
    assert reading.diagnosis.posture == "willing_unable"
    assert reading.option2_status == "next"


@pytest.mark.parametrize(
    ("ticked", "posture", "status"),
    [
        ((), "willing_able", "not_indicated"),
        (("ignored",), "able_unwilling", "not_indicated"),
        (("ignored", "no_means"), "able_unwilling", "not_indicated"),
        (("asked_help", "shielded"), "sponsor", "not_indicated"),
        (("own_action", "answered"), "willing_able", "not_indicated"),
        (("joint_work", "no_means"), "willing_unable", "next"),
    ],
)
def test_readings_follow_lesson_03(ticked: tuple[str, ...], posture: str, status: str) -> None:
    reading = read_signs(**dict.fromkeys(ticked, True))
    assert reading.diagnosis.posture == posture
    assert reading.option2_status == status


def test_every_combination_gives_a_posture_and_never_clears_involvement() -> None:
    for ticks in ALL_TICKS:
        reading = read_signs(**ticks)
        assert reading.diagnosis.posture in HOST_STATES
        assert reading.involved in {"yes", "unknown"}
        for dimension in DIMENSIONS:
            for_, against = reading.counts[dimension]
            expected = sum(SIGN_EFFECTS[s].get(dimension, 0) == 1 for s in reading.ticked)
            assert for_ == expected
            assert (dimension in reading.mixed) == bool(for_ and against)


def test_mixed_willingness_is_reported_instead_of_lesson_03s_presumption() -> None:
    ticks = {"answered": True, "ignored": True}
    reading = read_signs(**ticks)
    assert reading.mixed == ("willing",)
    html = describe_signs(**ticks)
    assert l05.TEXTS.get("signs_description", "mixed", "willing").split(".")[0] in html
    presumed = l03.TEXTS.get("assumptions", "willing")
    assert presumed not in html.replace("&#x27;", "'")


@pytest.mark.parametrize(
    ("signs", "message"),
    [({"bribed": True}, "unknown sign"), ({"ignored": "yes"}, "ignored: got 'yes'")],
)
def test_bad_signs_are_refused(signs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        read_signs(**signs)


def test_signs_figure_keeps_its_shape_and_titles_the_posture() -> None:
    for ticks in (DEFAULT_SIGNS, {}, {"shielded": True}, dict.fromkeys(SIGNS, True)):
        fig = signs_figure(**ticks)
        assert len(fig.data) == 2 and all(len(t.x) == len(DIMENSIONS) for t in fig.data)
        posture = HOST_POSTURE_LABELS[read_signs(**ticks).diagnosis.posture]
        assert posture in fig.layout.title.text
        assert fig.layout.xaxis.dtick == 1 and fig.layout.xaxis.title.text
        assert all(v <= 0 for v in fig.data[1].x)


def test_widget_redraws_when_a_sign_is_ticked() -> None:
    widget = LiveFigure(signs_figure, signs_controls(), describe=describe_signs)
    before = widget.figure.layout.title.text
    widget.controls["shielded"].value = True
    assert widget.figure.layout.title.text != before
    assert HOST_POSTURE_LABELS["sponsor"] in widget.figure.layout.title.text
    assert set(widget.controls) == set(SIGNS)


def test_no_raw_codes_in_what_students_read() -> None:
    for ticks in ALL_TICKS[::9]:
        assert not RAW_CODES.search(describe_signs(**ticks))
        assert not RAW_CODES.search(signs_figure(**ticks).layout.title.text)


# --------------------------------------------------------------------------- self-check


def test_every_self_check_question_builds_with_feedback_for_each_choice(
    joined: pd.DataFrame,
) -> None:
    for qid in SELF_CHECK_IDS:
        q = self_check_question(qid, joined)
        assert len(q.choice_feedback) == len(q.choices)
    assert len(self_check(joined).questions) == len(SELF_CHECK_IDS)


def test_q4_names_the_most_frequent_outcome(joined: pd.DataFrame) -> None:
    q = self_check_question("05.outcomes", joined)
    counts = help_outcomes(joined).loc["2"]
    most = {RESPONSE_OUTCOME_LABELS[o] for o in RESPONSE_OUTCOMES if counts[o] == counts.max()}
    assert {q.choices[n - 1] for n in q.correct_options} == most


def test_q4_on_a_tiny_frame() -> None:
    frame = _tiny([("a", "2020", "2", "refused"), ("b", "2021", "2", "refused")])
    q = self_check_question("05.outcomes", frame)
    assert [q.choices[n - 1] for n in q.correct_options] == [RESPONSE_OUTCOME_LABELS["refused"]]


def test_self_check_refuses_bad_calls() -> None:
    with pytest.raises(ValueError, match="unknown question"):
        self_check_question("05.q9")
    with pytest.raises(ValueError, match="built from the data"):
        self_check_question("05.outcomes")


def test_the_notebook_asks_every_self_check_question_and_opens_the_explorer_on_option_2() -> None:
    cells = json.loads(NOTEBOOK.read_text("utf-8"))["cells"]
    code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    assert set(re.findall(r'"(05\.(?:q\d|outcomes))"', code)) == set(SELF_CHECK_IDS)
    assert "CaseStudyExplorer(2," in code and "static_case(2," in code
    meta = json.loads(NOTEBOOK.read_text("utf-8"))["metadata"]["course"]
    assert meta["interaction"] == {"kind": "slider_end", "label": "Attribution"}


def test_explorer_opens_on_a_case_of_option_2(
    incidents: pd.DataFrame, joined: pd.DataFrame
) -> None:
    first = incident_choices(2, joined, incidents)[0][1]
    assert first in set(joined.loc[joined["option"].astype(str) == "2", "incident_id"])
    explorer = CaseStudyExplorer(2, incidents=incidents, joined=joined)
    assert explorer.values()["incident"] == first
    figure, details = static_case(2, incidents=incidents, joined=joined)
    assert figure.layout.title.text.startswith("Option 2")
    assert details


# --------------------------------------------------------------------------- exercise 05


def test_exercise_keys_follow_the_data_and_the_model(joined: pd.DataFrame) -> None:
    option2 = joined[joined["option"].astype(str) == "2"]
    assert option2["responder"].astype(str).value_counts().to_dict() == ex05.EXPECTED_HELPERS
    assert set(option2["host_state"].astype(str)) == ex05.EXPECTED_HOSTS
    coded = assess(scenario_for(ex05.MODEL_INCIDENT, 2)).risk
    sponsor = assess(scenario_for(ex05.MODEL_INCIDENT, 2, host_state="sponsor")).risk
    assert ex05.EXPECTED_RISE == round(sponsor - coded, 1) > 0


@pytest.mark.parametrize("task", ["ex05.task1", "ex05.task2", "ex05.task3", "ex05.task4"])
def test_worked_solutions_pass_their_checks(task: str, joined: pd.DataFrame) -> None:
    namespace = {"joined": joined, "scenario_for": scenario_for, "assess": assess, "pd": pd}
    exec(task_text(task).solution, namespace)
    name = {"ex05.task1": "answer", "ex05.task2": "helpers", "ex05.task3": "hosts"}.get(
        task, "rise"
    )
    assert check(task, namespace[name]).correct


def test_task_checks_explain_common_mistakes() -> None:
    wrong_sign = check("ex05.task4", -ex05.EXPECTED_RISE)
    assert not wrong_sign.correct and "sign" in wrong_sign.message
    host_of_victim = sorted(ex05._victim_host_feedback())
    assert host_of_victim, "victim-assistance incidents have hosts of their own"
    feedback = check("ex05.task3", set(ex05.EXPECTED_HOSTS) | {host_of_victim[0]})
    assert not feedback.correct and "victim" in feedback.message
    counts = check("ex05.task2", {"CN": 1})
    assert not counts.correct and "expected" in counts.message
    assert not check("ex05.task2", "China").correct


def test_task1_right_choice_is_help_to_a_host() -> None:
    task = task_text("ex05.task1")
    right = [c.text for c in task.choices if c.correct]
    assert len(right) == 1 and "Lao police" in right[0]
