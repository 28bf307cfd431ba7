"""Lesson 08's module (course.lessons.l08_option5_sanctions) and the keys of exercise 08
(course.exercises.ex08)."""

from __future__ import annotations

import json
import re
from functools import partial

import pandas as pd
import pytest

import course.exercises.ex08 as ex08
from course.engine.data import RESPONSE_OUTCOMES, load_incidents, responses_with_incidents
from course.engine.escalation import STRENGTH
from course.engine.labels import RESPONSE_OUTCOME_LABELS
from course.engine.paths import NOTEBOOKS_DIR
from course.learning.quiz import check
from course.lessons import l08_option5_sanctions as l08
from course.ui.widgets import LiveFigure

RAW_CODE = re.compile(r"^(?:[A-Z]{2}|EU|host_state|able_unwilling|[a-z]+_[a-z_]+)$")


@pytest.fixture(scope="module")
def incidents() -> pd.DataFrame:
    return load_incidents()


@pytest.fixture(scope="module")
def joined(incidents: pd.DataFrame) -> pd.DataFrame:
    return responses_with_incidents(incidents=incidents)


def _frame(rows: list[tuple[str, str, str, str, str]]) -> pd.DataFrame:
    """A tiny joined frame: (incident_id, date, responder, target, outcome), all option 5."""
    frame = pd.DataFrame(rows, columns=["incident_id", "date", "responder", "target", "outcome"])
    frame["option"] = "5"
    frame["name"] = frame["incident_id"].str.upper()
    frame["description"] = "text"
    return frame


# --------------------------------------------------------------------------- the data


def test_sanction_rows_keep_option_5_only_with_plain_names(joined: pd.DataFrame) -> None:
    rows = l08.sanction_rows(joined)
    assert len(rows) == int((joined["option"].astype(str) == "5").sum()) > 0
    assert set(rows["option"].astype(str)) == {"5"}
    assert rows["date"].is_monotonic_increasing
    assert not any(RAW_CODE.match(name) for name in rows["responder_name"])
    assert set(rows["outcome_label"]) <= set(RESPONSE_OUTCOME_LABELS.values())


def test_missing_columns_are_named() -> None:
    with pytest.raises(ValueError, match=r"joined: missing column\(s\) .*outcome"):
        l08.sanction_rows(pd.DataFrame({"option": ["5"]}))


@pytest.mark.parametrize("by", l08.COLOUR_BY)
@pytest.mark.parametrize("target", l08.TARGET_FILTERS)
def test_counts_per_year_add_up_and_fill_missing_years(
    joined: pd.DataFrame, by: str, target: str
) -> None:
    table = l08.sanctions_by_year(joined, by, target)
    rows = l08.sanction_rows(joined)
    if target != "all":
        rows = rows[rows["target"].astype(str) == target]
    assert int(table.to_numpy().sum()) == len(rows)
    assert list(table.index) == list(range(table.index.min(), table.index.max() + 1))


def test_counts_order_responders_by_frequency() -> None:
    frame = _frame(
        [
            ("a", "2019-01-01", "GB", "actor", "continued"),
            ("a", "2021-01-01", "US", "actor", "unknown"),
            ("b", "2021-02-01", "US", "host_state", "stopped"),
        ]
    )
    table = l08.sanctions_by_year(frame)
    assert list(table.columns) == ["US", "GB"]
    assert table.loc[2020].sum() == 0  # the empty year is kept
    by_outcome = l08.sanctions_by_year(frame, "outcome")
    assert list(by_outcome.columns) == [o for o in RESPONSE_OUTCOMES if o in by_outcome.columns]


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [({"colour_by": "country"}, "colour_by"), ({"target": "victim_state"}, "target")],
)
def test_bad_widget_values_raise_naming_the_field(
    joined: pd.DataFrame, kwargs: dict, field: str
) -> None:
    with pytest.raises(ValueError, match=rf"^{field}: got .*; allowed: "):
        l08.sanctions_figure(joined, **kwargs)


@pytest.mark.parametrize("colour_by", l08.COLOUR_BY)
def test_figure_has_titles_plain_legend_and_whole_number_ticks(
    joined: pd.DataFrame, colour_by: str
) -> None:
    fig = l08.sanctions_figure(joined, colour_by=colour_by)
    assert fig.layout.title.text and fig.layout.xaxis.title.text and fig.layout.yaxis.title.text
    assert fig.layout.legend.title.text
    assert fig.layout.yaxis.tickformat == "d" and fig.layout.xaxis.dtick == 1
    names = [trace.name for trace in fig.data]
    assert names and not any(RAW_CODE.match(name) for name in names)
    assert fig.layout.barmode == "stack"
    total = sum(sum(trace.y) for trace in fig.data)
    assert total == len(l08.sanction_rows(joined))


def test_outcome_colours_cover_every_outcome() -> None:
    assert set(l08.OUTCOME_COLOURS) == set(RESPONSE_OUTCOMES)


def test_empty_selection_draws_a_note_not_an_error() -> None:
    frame = _frame([("a", "2020-01-01", "US", "actor", "continued")])
    fig = l08.sanctions_figure(frame, target="host_state")
    assert not fig.data and fig.layout.annotations
    assert "No sanctions" in l08.describe_sanctions(frame, target="host_state")


def test_description_reports_the_counts(joined: pd.DataFrame) -> None:
    text = l08.describe_sanctions(joined)
    rows = l08.sanction_rows(joined)
    assert f"record {len(rows)} sanctions" in text
    assert "${" not in text and "United States" in text


def test_the_widget_redraws_when_a_control_changes(joined: pd.DataFrame) -> None:
    widget = LiveFigure(
        partial(l08.sanctions_figure, joined),
        l08.sanctions_controls(),
        describe=partial(l08.describe_sanctions, joined),
    )
    before = [t.name for t in widget.figure.data]
    widget.controls["colour_by"].value = "outcome"
    after = [t.name for t in widget.figure.data]
    assert before != after and set(after) <= set(RESPONSE_OUTCOME_LABELS.values())
    widget.controls["target"].value = "host_state"
    assert "aimed at the host state" in widget.details.value


def test_first_sanctions_are_each_responders_earliest(joined: pd.DataFrame) -> None:
    table = l08.first_sanctions(joined)
    rows = l08.sanction_rows(joined)
    assert len(table) == rows["responder"].nunique()
    earliest = rows.groupby("responder_name")["date"].min()
    for row in table.itertuples(index=False):
        assert row.date == earliest[row.responder]


def test_coordinated_rounds_group_responders_within_the_window() -> None:
    frame = _frame(
        [
            ("a", "2024-01-23", "AU", "actor", "arrested"),
            ("a", "2024-01-23", "US", "actor", "arrested"),
            ("a", "2024-01-29", "GB", "actor", "unknown"),
            ("a", "2024-06-01", "US", "actor", "continued"),  # a later round, alone
            ("b", "2024-02-01", "US", "actor", "continued"),
            ("b", "2024-02-01", "US", "actor", "continued"),  # one responder twice
            ("c", "2024-03", "US", "actor", "unknown"),  # month only: left out
            ("c", "2024-03-01", "GB", "actor", "unknown"),
        ]
    )
    table = l08.coordinated_sanctions(frame)
    assert table.to_dict("records") == [
        {
            "date": "2024-01-23",
            "incident": "A",
            "responders": "Australia, United States, United Kingdom",
            "outcome": "Arrests or convictions; Not known",
        }
    ]
    assert l08.coordinated_sanctions(frame, window_days=0)["responders"].tolist() == [
        "Australia, United States"
    ]
    with pytest.raises(ValueError, match="window_days"):
        l08.coordinated_sanctions(frame, window_days=-1)


def test_coordinated_rounds_in_the_data_name_several_responders(joined: pd.DataFrame) -> None:
    table = l08.coordinated_sanctions(joined)
    assert not table.empty
    assert all("," in responders for responders in table["responders"])
    assert any("Medibank" in incident for incident in table["incident"])


# --------------------------------------------------------------------------- the model


def test_designs_add_the_target_and_exit_points(incidents: pd.DataFrame) -> None:
    table = l08.sanction_designs(l08.CASE_STUDY, incidents)
    assert len(table) == len(l08.DESIGNS) == 4
    mild, no_exit, state, harsh = table["risk"]
    assert no_exit - mild == pytest.approx(6.0, abs=0.11)
    assert state - mild == pytest.approx(5 * STRENGTH[5 - 1], abs=0.11)
    assert harsh == max(table["risk"])
    assert "nobody is told" in table["warnings"].iloc[3]


def test_designs_refuse_an_unknown_host_posture(incidents: pd.DataFrame) -> None:
    unknown = incidents.loc[incidents["host_posture"] == "unknown", "id"].iloc[0]
    with pytest.raises(ValueError, match="host_state"):
        l08.sanction_designs(unknown, incidents)


def test_design_figure_has_two_groups_and_titles(incidents: pd.DataFrame) -> None:
    fig = l08.design_figure(l08.CASE_STUDY, incidents)
    assert len(fig.data) == 2 and fig.layout.barmode == "group"
    assert "Medibank" in fig.layout.title.text
    assert fig.layout.yaxis.title.text and fig.layout.legend.title.text


def test_measure_table_compares_the_two_kinds() -> None:
    table = l08.measure_types_table()
    assert table.shape == (len(l08.MEASURE_ASPECTS), 2)
    assert table.notna().all().all()


# --------------------------------------------------------------------------- self-check


def test_self_check_questions_come_from_the_content_file() -> None:
    positions = set()
    for qid in l08.SELF_CHECK_IDS:
        question = l08.self_check_question(qid)
        assert question.qid == qid
        assert len(question.choice_feedback) == len(question.choices) >= 3
        positions |= set(question.correct_options)
    assert len(positions) > 1
    with pytest.raises(ValueError, match="qid: unknown question"):
        l08.self_check_question("08.q9")


# --------------------------------------------------------------------------- facts the prose uses


def _outcome(joined: pd.DataFrame, incident: str, date: str) -> set[str]:
    rows = joined[
        (joined["incident_id"] == incident)
        & (joined["option"].astype(str) == "5")
        & (joined["date"] == date)
    ]
    return set(rows["outcome"].astype(str))


def test_the_cases_the_prose_names_are_still_coded_as_it_says(joined: pd.DataFrame) -> None:
    assert _outcome(joined, "evil-corp-2014", "2019-12-05") == {"rebranded"}
    assert _outcome(joined, "dnc-2016", "2016-12-29") == {"host_retaliated"}
    assert _outcome(joined, "medibank-2022", "2024-01-23") == {"arrested"}
    assert set(joined.loc[joined["incident_id"] == "medibank-2022", "host_posture"]) == {
        "able_unwilling"
    }


def test_the_patterns_the_prose_describes_hold(joined: pd.DataFrame) -> None:
    rows = l08.sanction_rows(joined)
    known = rows.loc[rows["outcome"].astype(str) != "unknown", "outcome"].astype(str)
    assert known.value_counts().index[0] == "continued"  # "the group usually carried on"
    assert (known == "arrested").sum() < (known == "continued").sum() / 2  # "arrests are rare"
    state = rows.loc[rows["target"].astype(str) == "host_state", "description"]
    assert len(state) < len(rows) / 2  # "most ... are listings"
    assert not state.str.contains(r"\b(?:trade|export|import|embargo)", case=False).any()
    early = rows.loc[rows["year"] < 2020, "responder"].astype(str)
    assert set(early) == {"US"}  # "one country dominates the early years"


def test_the_lesson_opens_the_explorer_on_its_case_study() -> None:
    notebook = json.loads((NOTEBOOKS_DIR / "08_option5_sanctions.ipynb").read_text("utf-8"))
    code = "\n".join("".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "code")
    assert "CaseStudyExplorer(5," in code and "static_case(5," in code
    assert notebook["metadata"]["course"]["interaction"] == {
        "kind": "slider_end",
        "label": "Attribution",
    }


# --------------------------------------------------------------------------- exercise 08


def test_exercise_keys_follow_the_data(joined: pd.DataFrame) -> None:
    counts = joined.loc[joined["option"].astype(str) == "5", "responder"].value_counts()
    assert {str(k): int(v) for k, v in counts.items()} == ex08.EXPECTED_BY_RESPONDER
    per = joined[joined["option"].astype(str) == "5"].groupby("incident_id")["responder"]
    assert set(per.nunique()[lambda s: s >= 3].index) == ex08.EXPECTED_WIDELY_SANCTIONED
    assert pytest.approx(6 + 5 * STRENGTH[5 - 1], abs=0.01) == ex08.EXPECTED_RISE


def test_task2_accepts_a_series_and_explains_mistakes(joined: pd.DataFrame) -> None:
    series = joined[joined["option"] == "5"]["responder"].value_counts()
    assert check("ex08.task2", series).correct
    assert check("ex08.task2", series.to_frame()).correct
    wrong = series.to_dict()
    wrong["US"] += 1
    feedback = check("ex08.task2", wrong)
    assert not feedback.correct and "US" in feedback.message
    assert "not a responder" in check("ex08.task2", {"Narnia": 1}).message
    assert "several" in check("ex08.task2", pd.DataFrame({"a": [1], "b": [2]})).message
    assert not check("ex08.task2", 5).correct


def test_task3_explains_incidents_with_too_few_responders() -> None:
    assert check("ex08.task3", set(ex08.EXPECTED_WIDELY_SANCTIONED)).correct
    feedback = check("ex08.task3", {*ex08.EXPECTED_WIDELY_SANCTIONED, "sony-2014"})
    assert not feedback.correct and "responder(s) only" in feedback.message


def test_task4_names_the_partial_answers() -> None:
    assert check("ex08.task4", ex08.EXPECTED_RISE).correct
    assert "exit-conditions factor alone" in check("ex08.task4", 6).message
    assert "target factor alone" in check("ex08.task4", 3.5).message


def test_task1_and_task5_are_registered() -> None:
    right = "A ban on exporting certain goods or financial services to the host state"
    assert check("ex08.task1", right).correct
    assert not check("ex08.task1", 1).correct
    assert check("ex08.task5", {"text": "x " * 120, "met": {1, 2, 3, 4, 5}}).correct
