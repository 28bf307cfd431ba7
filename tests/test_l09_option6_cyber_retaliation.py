"""Lesson 09, option 6 (course.lessons.l09_option6_cyber_retaliation), and the keys of exercise 09
(course.exercises.ex09)."""

from __future__ import annotations

import re

import pandas as pd
import plotly.graph_objects as go
import pytest

import course.exercises.ex09 as ex09
from course.engine.data import is_uncertain, responses_with_incidents, scenario_for
from course.engine.escalation import HOST_STATES, assess
from course.engine.labels import HOST_POSTURE_LABELS
from course.learning.content import lesson_content
from course.learning.quiz import check
from course.lessons import l09_option6_cyber_retaliation as l09
from course.ui.widgets import LiveFigure, control_values

CODE_LIKE = re.compile(
    r"\b(able_unwilling|willing_able|willing_unable|host_state|link_uncertain)\b"
)


@pytest.fixture(scope="module")
def joined() -> pd.DataFrame:
    return responses_with_incidents()


def _rows(rows: list[dict]) -> pd.DataFrame:
    """A tiny joined frame with the columns the module needs."""
    base = {
        "incident_id": "x-2020",
        "date": "2020-01-01",
        "responder": "US",
        "option": "6",
        "target": "actor",
        "description": "Something was done.",
        "outcome": "unknown",
        "uncertain": "",
        "name": "X",
        "start_year": 2020,
    }
    return pd.DataFrame([{**base, **row} for row in rows])


# --------------------------------------------------------------------------- confirmation status


def test_status_follows_the_data_cards_marks() -> None:
    frame = _rows(
        [
            {"description": "Officials said so."},
            {"description": "Reported, not confirmed: hackers hacked.", "uncertain": "option"},
            {"description": "A minister announced an operation.", "uncertain": "option"},
            {"description": "A general spoke of it.", "uncertain": "incident_id;outcome"},
            {"description": "Confirmed, outcome unclear.", "uncertain": "outcome;date"},
        ]
    )
    assert list(l09.confirmation_status(frame)) == [
        "confirmed",
        "reported",
        "link_uncertain",
        "link_uncertain",
        "confirmed",
    ]


def test_status_needs_the_two_columns() -> None:
    with pytest.raises(ValueError, match=r"^responses: missing column 'uncertain'"):
        l09.confirmation_status(pd.DataFrame({"description": ["x"]}))


def test_every_reported_row_in_the_data_names_option_as_uncertain(joined: pd.DataFrame) -> None:
    rows = l09.option6_responses(joined)
    reported = rows[rows["status"] == "reported"]
    assert is_uncertain(reported, "option").all()


def test_option6_rows_are_all_and_only_option6_oldest_first(joined: pd.DataFrame) -> None:
    rows = l09.option6_responses(joined)
    assert len(rows) == int((joined["option"].astype(str) == "6").sum())
    assert set(rows["option"].astype(str)) == {"6"}
    assert list(rows["date"]) == sorted(rows["date"])
    assert set(rows["status"]) <= set(l09.STATUSES)


def test_missing_columns_are_named() -> None:
    with pytest.raises(ValueError, match=r"^joined: missing column\(s\) .*start_year"):
        l09.option6_responses(_rows([{}]).drop(columns="start_year"))


def test_counts_add_up_and_follow_the_first_option6_date(joined: pd.DataFrame) -> None:
    counts = l09.confirmation_counts(joined)
    rows = l09.option6_responses(joined)
    assert int(counts[list(l09.STATUSES)].to_numpy().sum()) == len(rows)
    first = rows.groupby("incident_id")["date"].min()
    assert list(counts.index) == list(first.sort_values(kind="stable").index)
    assert all("(" in label for label in counts["label"])


# --------------------------------------------------------------------------- figures and tables


def test_confirmation_figure_has_every_status_whole_ticks_and_titles(joined: pd.DataFrame) -> None:
    fig = l09.confirmation_figure(joined)
    assert isinstance(fig, go.Figure)
    assert [t.name for t in fig.data] == [l09.STATUS_LABELS[s] for s in l09.STATUSES]
    assert fig.layout.title.text and fig.layout.xaxis.title.text
    assert fig.layout.xaxis.dtick == 1
    assert fig.layout.legend.title.text
    total = sum(sum(t.x) for t in fig.data)
    assert total == len(l09.option6_responses(joined))


def test_confirmation_figure_on_a_tiny_frame() -> None:
    frame = _rows(
        [
            {"incident_id": "a-2019", "name": "A", "start_year": 2019, "date": "2019-05"},
            {
                "incident_id": "b-2018",
                "name": "B",
                "start_year": 2018,
                "date": "2020-01-02",
                "description": "Reported, not confirmed: x",
                "uncertain": "option",
            },
            {"incident_id": "a-2019", "name": "A", "start_year": 2019, "date": "2021"},
        ]
    )
    fig = l09.confirmation_figure(frame)
    by_status = {t.name: list(t.x) for t in fig.data}
    assert by_status[l09.STATUS_LABELS["confirmed"]] == [2, 0]
    assert by_status[l09.STATUS_LABELS["reported"]] == [0, 1]
    assert list(fig.data[0].y) == ["A (2019)", "B (2018)"]


def test_tables_show_labels_not_codes(joined: pd.DataFrame) -> None:
    table = l09.responses_table(joined)
    assert list(table.columns) == ["Incident", "Date", "By", "What officials said", "What followed"]
    text = table.to_string()
    assert not CODE_LIKE.search(text)
    assert not re.search(r"\b(US|GB|AU)\b", text)
    reported = l09.reported_table(joined)
    assert reported["What was reported"].str.startswith(l09.REPORTED_PREFIX).all()


def test_record_summary_counts_targets_and_outcomes(joined: pd.DataFrame) -> None:
    rows = l09.option6_responses(joined)
    summary = l09.record_summary(joined)
    assert f"hold {len(rows)} responses" in summary
    hostile = int((rows["outcome"].astype(str) == "host_retaliated").sum())
    assert f"followed {hostile} of the {len(rows)}" in summary


def test_approaches_table_has_three_rows_and_five_columns() -> None:
    table = l09.approaches_table()
    assert len(table) == len(l09.APPROACHES)
    assert len(table.columns) == len(l09.APPROACH_FIELDS) - 1  # the name is the index
    assert table.notna().all().all()


# --------------------------------------------------------------------------- the target widget


@pytest.mark.parametrize("host", HOST_STATES)
def test_hitting_the_state_always_costs_more_and_warns(host: str) -> None:
    scored = l09.target_assessments(host, 0.5, 0.0)
    assert scored["host_state"].risk > scored["actor"].risk
    assert "targets_state" in scored["host_state"].warnings
    assert "targets_state" not in scored["actor"].warnings
    assert {a.legal_basis for a in scored.values()} == {"countermeasure"}


@pytest.mark.parametrize("host", HOST_STATES)
@pytest.mark.parametrize(("evidence", "harm"), [(0.0, 0.0), (0.5, 0.3), (1.0, 1.0)])
def test_target_figure_keeps_its_traces_and_adds_up(
    host: str, evidence: float, harm: float
) -> None:
    fig = l09.target_figure(host, evidence, harm)
    bars = [t for t in fig.data if t.type == "bar"]
    assert len(bars) == 7
    scored = l09.target_assessments(host, evidence, harm)
    for row, target in enumerate(("actor", "host_state")):
        assert sum(t.x[row] for t in bars) == pytest.approx(scored[target].risk, abs=0.05)
    assert HOST_POSTURE_LABELS[host] in fig.layout.title.text
    assert fig.layout.xaxis.title.text and fig.layout.legend.title.text


@pytest.mark.parametrize("host", HOST_STATES)
def test_description_names_the_legal_route_of_each_host(host: str) -> None:
    text = l09.describe_target(host, 0.2, 0.5)
    assert l09.TEXTS.get("legal_route", host)[:30].replace("'", "&#x27;") in text
    assert "Little of the evidence is public" in text
    assert "Third parties are expected to be harmed" in text


def test_bad_widget_input_raises_naming_the_field() -> None:
    with pytest.raises(ValueError, match="host_state"):
        l09.target_figure("friendly", 0.5, 0.0)
    with pytest.raises(ValueError, match="public_evidence"):
        l09.describe_target("sponsor", 1.5, 0.0)


def test_controls_start_at_the_static_figure_and_avoid_the_explorers_label() -> None:
    controls = l09.target_controls()
    assert control_values(controls) == dict(l09.TARGET_DEFAULTS)
    for control in controls.values():
        assert "attribution" not in control.description.lower()
    with pytest.raises(ValueError, match=r"^start: "):
        l09.target_controls({"host_state": "sponsor"})


def test_live_widget_redraws_when_a_control_moves() -> None:
    widget = LiveFigure(l09.target_figure, l09.target_controls(), describe=l09.describe_target)
    before = widget.figure.layout.title.text
    widget.controls["host_state"].value = "sponsor"
    assert widget.figure.layout.title.text != before
    assert "sponsor" in widget.details.value.lower()


# --------------------------------------------------------------------------- self-check


def test_self_check_comes_from_content_with_feedback_for_every_choice() -> None:
    authored = lesson_content("09")
    for qid in l09.SELF_CHECK_IDS:
        question = l09.self_check_question(qid)
        text = authored.question(qid)
        assert question.choices == tuple(c.text for c in text.choices)
        assert all(c.feedback for c in text.choices)
    positions = {min(l09.self_check_question(q).correct_options) for q in l09.SELF_CHECK_IDS}
    assert len(positions) == len(l09.SELF_CHECK_IDS)
    assert len(l09.self_check().questions) == len(l09.SELF_CHECK_IDS)


def test_unknown_self_check_id_is_named() -> None:
    with pytest.raises(ValueError, match=r"^qid: unknown question '09.q9'"):
        l09.self_check_question("09.q9")


# --------------------------------------------------------------------------- exercise keys


@pytest.fixture(autouse=True)
def _no_progress_file(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COURSE_PROGRESS_FILE", "off")


def test_exercise_keys_follow_the_data(joined: pd.DataFrame) -> None:
    cyber = joined[joined["option"].astype(str) == "6"]
    assert cyber["responder"].value_counts().to_dict() == ex09.EXPECTED_BY_RESPONDER
    reported = cyber[cyber["description"].str.startswith("Reported, not confirmed")]
    assert set(reported["incident_id"]) == ex09.EXPECTED_REPORTED


def test_model_key_is_the_state_penalty() -> None:
    actor = assess(scenario_for(ex09.MODEL_INCIDENT, 6, target="actor")).risk
    state = assess(scenario_for(ex09.MODEL_INCIDENT, 6, target="host_state")).risk
    assert pytest.approx(state - actor) == ex09.EXPECTED_EXTRA_POINTS
    assert check("ex09.task4", round(state - actor, 2)).status == "correct"
    wrong = check("ex09.task4", round(state, 2))
    assert wrong.status == "incorrect" and "subtract" in wrong.message


def test_task_checks_accept_the_solutions_and_explain_mistakes(joined: pd.DataFrame) -> None:
    cyber = joined[joined["option"] == "6"]
    assert check("ex09.task1", "Countermeasure").status == "correct"
    assert check("ex09.task1", "Retorsion").status == "incorrect"
    assert check("ex09.task2", cyber["responder"].value_counts()).status == "correct"
    assert check("ex09.task2", dict(ex09.EXPECTED_BY_RESPONDER)).status == "correct"
    wrong = check("ex09.task2", joined["responder"].value_counts())
    assert wrong.status == "incorrect" and "expected" in wrong.message
    assert check("ex09.task2", [1, 2]).status == "incorrect"
    assert check("ex09.task3", set(ex09.EXPECTED_REPORTED)).status == "correct"
    flagged = set(cyber.loc[is_uncertain(cyber, "option"), "incident_id"])
    extra = sorted(flagged - ex09.EXPECTED_REPORTED)
    if extra:
        wrong = check("ex09.task3", set(ex09.EXPECTED_REPORTED) | {extra[0]})
        assert wrong.status == "incorrect" and "officials did announce" in wrong.message


def test_open_task_has_a_rubric_and_model_answer() -> None:
    task = lesson_content("09").task("ex09.task5")
    assert len(task.rubric) == 5 and task.model_answer and task.min_points == 3
    assert check("ex09.task5", {"text": "Prefer the quiet intrusion.", "met": {1, 2, 3}}).status
