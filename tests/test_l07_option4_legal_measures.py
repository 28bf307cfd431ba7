"""Lesson 07 (option 4, legal measures): course.lessons.l07_option4_legal_measures and the keys
of exercise 07 (course.exercises.ex07)."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest

import course.exercises.ex07 as ex07
from course.engine.data import RESPONSE_OUTCOMES, scenario_for
from course.engine.escalation import assess
from course.engine.labels import RESPONSE_OUTCOME_LABELS
from course.engine.paths import NOTEBOOKS_DIR
from course.learning.content import lesson_content, task_text
from course.learning.quiz import check
from course.lessons import l07_option4_legal_measures as l07
from course.lessons.case_study import CaseStudyExplorer, static_case
from course.ui.widgets import LiveFigure

NOTEBOOK = NOTEBOOKS_DIR / "07_option4_legal_measures.ipynb"


def _tiny() -> pd.DataFrame:
    """A made-up joined frame: three legal measures and one request."""
    rows = [
        ("a-2020", "2020-01-01", "US", "4", "arrested", "criminal", "sponsor"),
        ("a-2020", "2020-02-01", "GB", "4", "unknown", "criminal", "sponsor"),
        ("b-2021", "2021-03-01", "US", "4", "continued", "state_disguised", "sponsor"),
        ("b-2021", "2021-01-01", "US", "1", "refused", "state_disguised", "sponsor"),
    ]
    frame = pd.DataFrame(
        rows,
        columns=[
            "incident_id",
            "date",
            "responder",
            "option",
            "outcome",
            "actor_type",
            "host_posture",
        ],
    )
    return frame.assign(
        description="something <done>",
        name=frame["incident_id"].str.upper(),
        host_state="RU",
    )


# --------------------------------------------------------------------------- the data views


def test_legal_measures_are_the_option_4_rows_oldest_first(joined: pd.DataFrame) -> None:
    rows = l07.legal_measures(joined)
    assert len(rows) == int((joined["option"].astype(str) == "4").sum())
    assert set(rows["option"].astype(str)) == {"4"}
    assert list(rows["date"]) == sorted(rows["date"])
    assert set(rows["responder_group"]) <= set(l07.RESPONDER_GROUPS)
    assert (rows.loc[rows["responder"] == "US", "responder_group"] == "us").all()


@pytest.mark.parametrize("by", l07.GROUPINGS)
def test_outcomes_by_counts_every_legal_measure_once(joined: pd.DataFrame, by: str) -> None:
    table = l07.outcomes_by(joined, by)
    assert list(table.columns) == list(l07.OUTCOME_STACK)
    assert int(table.to_numpy().sum()) == len(l07.legal_measures(joined))
    order = list(l07.group_labels(by))
    assert list(table.index) == [g for g in order if g in table.index]
    known = l07.outcomes_by(joined, by, known_only=True)
    assert int(known["unknown"].sum()) == 0
    assert int(known.to_numpy().sum()) == int(table.drop(columns="unknown").to_numpy().sum())


def test_outcomes_by_on_a_tiny_frame() -> None:
    table = l07.outcomes_by(_tiny(), "actor_type")
    assert list(table.index) == ["criminal", "state_disguised"]
    assert table.loc["criminal", "arrested"] == 1
    assert table.loc["criminal", "unknown"] == 1
    assert table.loc["state_disguised", "continued"] == 1
    assert int(table.to_numpy().sum()) == 3  # the request is not a legal measure
    by_who = l07.outcomes_by(_tiny(), "responder_group")
    assert by_who.loc["us"].sum() == 2 and by_who.loc["others"].sum() == 1


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [({"by": "country"}, "by"), ({"by": "actor_type", "known_only": "yes"}, "known_only")],
)
def test_bad_inputs_name_the_field(joined: pd.DataFrame, kwargs: dict, field: str) -> None:
    with pytest.raises(ValueError, match=field):
        l07.outcomes_by(joined, **kwargs)
    with pytest.raises(ValueError, match=field):
        l07.outcome_controls(**kwargs)


def test_missing_columns_are_named() -> None:
    with pytest.raises(ValueError, match="responses_with_incidents"):
        l07.legal_measures(pd.DataFrame({"option": ["4"]}))


# --------------------------------------------------------------------------- the figure


@pytest.mark.parametrize("by", l07.GROUPINGS)
def test_outcome_figure_reads_without_codes(joined: pd.DataFrame, by: str) -> None:
    fig = l07.outcome_figure(joined, by)
    grouping = l07.TEXTS.get("groupings", by)
    assert grouping.lower() in fig.layout.title.text
    assert fig.layout.xaxis.title.text and fig.layout.yaxis.title.text == grouping
    assert fig.layout.legend.title.text and fig.layout.showlegend is not False
    assert fig.layout.xaxis.tickformat == "d" and float(fig.layout.xaxis.dtick).is_integer()
    labels = set(l07.group_labels(by).values())
    outcome_labels = {RESPONSE_OUTCOME_LABELS[o] for o in RESPONSE_OUTCOMES}
    for trace in fig.data:
        assert trace.name in outcome_labels
        assert set(trace.y) <= labels  # plain labels, never codes such as 'state_disguised'
    table = l07.outcomes_by(joined, by)
    assert sum(sum(t.x) for t in fig.data) == int(table.to_numpy().sum())
    assert len(fig.data) == int((table.sum() > 0).sum())  # only outcomes that occur


def test_known_only_drops_the_unknown_trace(joined: pd.DataFrame) -> None:
    names = {t.name for t in l07.outcome_figure(joined, "actor_type", True).data}
    assert RESPONSE_OUTCOME_LABELS["unknown"] not in names


def test_summary_counts_arrests_per_group_and_escapes_html() -> None:
    text = l07.outcome_summary(_tiny(), "actor_type")
    assert "Criminals: 1 of 2 (50%)" in text
    assert "Disguised states: 0 of 1 (0%)" in text
    assert "of 3 legal measures" in text
    assert "<script" not in text


def test_the_live_figure_follows_its_controls(joined: pd.DataFrame) -> None:
    live = LiveFigure(
        l07.outcome_builder(joined), l07.outcome_controls(), l07.outcome_describer(joined)
    )
    assert live.figure.to_dict() == l07.outcome_figure(joined).to_dict()  # the static fallback
    live.controls["by"].value = "host_posture"
    assert l07.TEXTS.get("groupings", "host_posture").lower() in live.figure.layout.title.text
    live.controls["known_only"].value = True
    assert RESPONSE_OUTCOME_LABELS["unknown"] not in {t.name for t in live.figure.data}
    assert live.status.value == ""


# --------------------------------------------------------------------------- the tables


@pytest.mark.parametrize("actor_type", l07.STATE_LINKED)
def test_naming_table_has_one_row_per_incident(joined: pd.DataFrame, actor_type: str) -> None:
    table = l07.naming_table(joined, actor_type)
    legal = l07.legal_measures(joined)
    legal = legal[legal["actor_type"].astype(str) == actor_type]
    assert len(table) == legal["incident_id"].nunique()
    assert int(table["legal steps"].sum()) == len(legal)
    assert list(table["first legal step"]) == sorted(table["first legal step"])
    assert not table["brought by"].str.fullmatch(r"[A-Z]{2}").any()  # country names, not codes


def test_naming_table_refuses_other_actor_types(joined: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match="actor_type"):
        l07.naming_table(joined, "criminal")


@pytest.mark.parametrize(("incident", "arrester"), list(l07.ARREST_CASES.items()))
def test_each_arrest_case_has_a_charge_and_an_arrest(
    joined: pd.DataFrame, incident: str, arrester: str
) -> None:
    rows = joined[joined["incident_id"] == incident]
    option = rows["option"].astype(str)
    assert ((rows["responder"] == l07.REQUESTER) & (option == "4")).any()
    arrests = rows[rows["outcome"].astype(str) == "arrested"]
    assert (arrests["responder"] == arrester).any() or (arrests["option"].astype(str) == "1").any()
    table = l07.arrest_sequence(joined, [incident])
    assert set(table["incident"]) == {str(rows["name"].iloc[0])}
    assert "4 Legal measures" in set(table["step"])
    assert list(table["date"]) == sorted(table["date"])


def test_arrest_sequence_takes_all_cases_or_some(joined: pd.DataFrame) -> None:
    everything = l07.arrest_sequence(joined)
    first, second = list(l07.ARREST_CASES)[:2], list(l07.ARREST_CASES)[2:]
    parts = [l07.arrest_sequence(joined, first), l07.arrest_sequence(joined, second)]
    assert len(everything) == sum(len(p) for p in parts)
    with pytest.raises(ValueError, match="cases"):
        l07.arrest_sequence(joined, ["dnc-2016"])
    with pytest.raises(ValueError, match="cases"):
        l07.arrest_sequence(joined, {"no-such-incident": "US"})


def test_option_4_is_retorsion_on_the_ladder() -> None:
    table = l07.ladder_table()
    row = table[table["options that need it"].str.contains("4 Legal measures")]
    assert list(row["legal basis"]) == ["Retorsion"] == [l07.option_legal_basis()]


# --------------------------------------------------------------------------- the explorer


def test_the_explorer_opens_on_a_case_with_legal_measures(
    incidents: pd.DataFrame, joined: pd.DataFrame
) -> None:
    legal = l07.legal_measures(joined)
    assert l07.EXPLORER_START in set(legal["incident_id"])
    figure, text = static_case(4, l07.EXPLORER_START, incidents=incidents, joined=joined)
    name = str(incidents.loc[incidents["id"] == l07.EXPLORER_START, "name"].iloc[0])
    assert name in figure.layout.title.subtitle.text and "Legal measures" in text
    explorer = CaseStudyExplorer(4, incidents=incidents, joined=joined, incident=l07.EXPLORER_START)
    assert explorer.controls["incident"].value == l07.EXPLORER_START
    assert explorer.controls["attribution"].description == "Attribution"
    explorer.controls["attribution"].value = 0.2
    assert "weak_attribution" in explorer.view.assessment.warnings


# --------------------------------------------------------------------------- self-check


def test_self_check_questions_come_from_the_content_file() -> None:
    authored = lesson_content("07")
    positions = set()
    for qid in l07.SELF_CHECK_IDS:
        question = l07.self_check_question(qid)
        text = authored.question(qid)
        assert question.choices == tuple(c.text for c in text.choices)
        assert all(c.feedback for c in text.choices)
        positions.add(text.answer)
    assert len(positions) == len(l07.SELF_CHECK_IDS)  # right answers in different positions
    with pytest.raises(ValueError, match="qid"):
        l07.self_check_question("07.q9")


def test_the_notebook_uses_every_self_check_question_and_the_explorer() -> None:
    cells = json.loads(NOTEBOOK.read_text("utf-8"))["cells"]
    code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    assert set(re.findall(r"\"(07\.q\d+)\"", code)) == set(l07.SELF_CHECK_IDS)
    assert code.index("static_case(4") < code.index("CaseStudyExplorer(4")
    assert code.index("CaseStudyExplorer(4") < code.index("Quiz(")


# --------------------------------------------------------------------------- exercise keys


def test_task2_accepts_the_solution_and_its_variants(joined: pd.DataFrame) -> None:
    legal = joined[joined["option"] == "4"]
    crosstab = pd.crosstab(legal["actor_type"], legal["outcome"])
    assert check("ex07.task2", crosstab).status == "correct"
    as_text = pd.crosstab(legal["actor_type"].astype(str), legal["outcome"].astype(str))
    assert check("ex07.task2", as_text).status == "correct"
    stacked = legal.groupby(["actor_type", "outcome"], observed=True).size()
    assert check("ex07.task2", stacked).status == "correct"
    everything = pd.crosstab(joined["actor_type"], joined["outcome"])
    assert check("ex07.task2", everything).status == "incorrect"
    assert check("ex07.task2", [1, 2]).status == "incorrect"
    margins = pd.crosstab(legal["actor_type"], legal["outcome"], margins=True)
    assert check("ex07.task2", margins).status == "incorrect"


def test_task2_key_matches_the_lesson_table(joined: pd.DataFrame) -> None:
    table = l07.outcomes_by(joined, "actor_type")
    from_lesson = {(a, o): int(n) for (a, o), n in table.stack().items() if n}
    assert from_lesson == ex07.EXPECTED_COUNTS


def test_task3_key_and_feedback(joined: pd.DataFrame) -> None:
    legal = l07.legal_measures(joined)
    state_linked = legal[legal["actor_type"].astype(str).isin(l07.STATE_LINKED)]
    expected = set(
        state_linked.loc[state_linked["outcome"].astype(str) == "arrested", "incident_id"]
    )
    assert set(ex07.EXPECTED_ARRESTED_AFTER) == expected
    assert check("ex07.task3", expected).status == "correct"
    for incident, why in ex07._arrests_elsewhere(joined).items():
        assert incident not in expected and "not after a legal" in why


def test_task4_key_is_the_model_difference() -> None:
    coded = assess(scenario_for(ex07.MODEL_INCIDENT, 4))
    weak = assess(scenario_for(ex07.MODEL_INCIDENT, 4, attribution=ex07.WEAK_ATTRIBUTION))
    assert ex07.EXPECTED_RISE == round(weak.risk - coded.risk, 1) > 0
    assert "weak_attribution" in weak.warnings and "weak_attribution" not in coded.warnings
    assert check("ex07.task4", ex07.EXPECTED_RISE).status == "correct"


def test_task1_right_choice_is_the_takedown() -> None:
    task = task_text("ex07.task1")
    right = [c.text for c in task.choices if c.correct]
    assert len(right) == 1 and "seizing" in right[0]
    assert check("ex07.task1", right[0]).status == "correct"


@pytest.mark.parametrize(
    ("task_id", "name"),
    [("ex07.task2", "table"), ("ex07.task3", "arrested_after"), ("ex07.task4", "rise")],
)
def test_worked_solutions_in_the_content_file_pass(
    joined: pd.DataFrame, task_id: str, name: str
) -> None:
    namespace = {"pd": pd, "joined": joined, "assess": assess, "scenario_for": scenario_for}
    exec(task_text(task_id).solution, namespace)  # our own content file
    assert check(task_id, namespace[name]).status == "correct"


def test_open_task_has_a_rubric_and_a_model_answer() -> None:
    task = task_text("ex07.task5")
    assert len(task.rubric) == 5 and task.min_points == 4 and task.model_answer
    namespace: dict = {}
    exec(task.solution, namespace)
    result = check("ex07.task5", {"text": namespace["advice"], "met": namespace["covered"]})
    assert result.status == "correct"
