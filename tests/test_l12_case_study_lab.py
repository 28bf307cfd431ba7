"""Lesson 12, the case-study lab (course.lessons.l12_case_study_lab), and the keys of
exercise 12 (course.exercises.ex12)."""

from __future__ import annotations

import base64
import json
import re
from urllib.parse import unquote

import pandas as pd
import plotly.graph_objects as go
import pytest

import course.exercises.ex12 as ex12
from course.engine.data import RESPONSE_OPTIONS, scenario_for
from course.engine.escalation import assess
from course.engine.packages import assess_package
from course.learning.content import lesson_content
from course.learning.quiz import check
from course.lessons import l12_case_study_lab as l12

CODE_LIKE = re.compile(
    r"\b(able_unwilling|willing_able|government_evidence|host_state|none_needed)\b"
)


@pytest.fixture(scope="module")
def start(incidents: pd.DataFrame, joined: pd.DataFrame) -> str:
    return l12.opening_incident(joined, incidents)


@pytest.fixture(scope="module")
def view(incidents: pd.DataFrame, joined: pd.DataFrame, start: str) -> l12.LabView:
    decision = l12.Decision(
        **{**l12.decision_defaults(start, incidents), "options": (1, 3, 5)},
        team="Team Blue",
        reasoning="Ask first, then name and sanction.\n\nKeep force off the table.",
    )
    return l12.lab_view(decision, incidents=incidents, joined=joined)


# --------------------------------------------------------------------------- the record


def test_ladder_options_are_the_distinct_ladder_options_per_incident(joined: pd.DataFrame) -> None:
    used = l12.ladder_options_by_incident(joined)
    ladder = joined[joined["option"].astype(str).isin(RESPONSE_OPTIONS[:7])]
    assert set(used.index) == set(ladder["incident_id"].astype(str))
    for incident, options in used.items():
        rows = ladder[ladder["incident_id"] == incident]
        assert options == tuple(sorted({int(o) for o in rows["option"].astype(str)}))


def test_package_counts_cover_every_incident_on_the_ladder_once(joined: pd.DataFrame) -> None:
    table = l12.package_counts(joined)
    used = l12.ladder_options_by_incident(joined)
    assert list(table.columns) == list(range(1, 8))
    assert int(table.to_numpy().sum()) == len(used)
    assert list(table.index) == list(range(1, int(used.map(len).max()) + 1))
    assert (table.dtypes == "int64").all()


def test_packages_figure_has_titles_legend_and_whole_counts(joined: pd.DataFrame) -> None:
    fig = l12.packages_figure(joined)
    assert isinstance(fig, go.Figure)
    assert fig.layout.title.text and fig.layout.xaxis.title.text and fig.layout.yaxis.title.text
    assert fig.layout.yaxis.tickformat == "d" and fig.layout.barmode == "stack"
    names = [t.name for t in fig.data]
    assert names and all(re.match(r"^\d ", n) for n in names)  # "5 Sanctions", not a code
    assert sum(sum(t.y) for t in fig.data) == len(l12.ladder_options_by_incident(joined))


def test_combinations_table_lists_packages_most_frequent_first(joined: pd.DataFrame) -> None:
    table = l12.combinations_table(joined, top=3)
    counts = table.iloc[:, 1].tolist()
    assert len(table) <= 3 and counts == sorted(counts, reverse=True)
    assert all(" + " in text for text in table.iloc[:, 0])
    assert not any(CODE_LIKE.search(str(v)) for v in table.to_numpy().ravel())
    with pytest.raises(ValueError, match=r"^top: bad value 0"):
        l12.combinations_table(joined, top=0)


def test_missing_columns_are_named(joined: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match=r"^joined: missing column\(s\) option"):
        l12.ladder_options_by_incident(joined.drop(columns="option"))


# --------------------------------------------------------------------------- the rule widget


def test_rule_figure_and_text_follow_the_package_rule() -> None:
    fig = l12.rule_figure(42, 30, 8)
    assert "47.0" in fig.layout.title.text  # 42 + 0.25 x 20 + 0
    package = [t for t in fig.data if t.type == "bar"][1:]
    assert sum(t.x[0] for t in package) == pytest.approx(47.0)
    text = l12.describe_rule(42, 30, 8)
    assert "47.0" in text and "80" in text and "is not above 10" in text
    controls = l12.rule_controls()
    assert [c.value for c in controls.values()] == list(l12.RULE_DEFAULTS.values())
    with pytest.raises(ValueError, match="bad value 120"):
        l12.rule_figure(120, 0, 0)


# --------------------------------------------------------------------------- decisions and views


def test_opening_incident_combined_a_request_with_sanctions(
    joined: pd.DataFrame, start: str
) -> None:
    assert set(l12.OPENING_PACKAGE) <= set(l12.ladder_options_by_incident(joined)[start])


def test_defaults_come_from_the_data_like_scenario_for(incidents: pd.DataFrame, start: str) -> None:
    decision = l12.Decision(**l12.decision_defaults(start, incidents))
    for scenario in decision.scenarios():
        assert scenario == scenario_for(start, scenario.option, incidents)
    assert decision.options == l12.OPENING_PACKAGE


def test_the_view_scores_the_package_with_the_package_rule(
    view: l12.LabView, incidents: pd.DataFrame
) -> None:
    expected = assess_package(scenario_for(view.decision.incident, o, incidents) for o in (1, 3, 5))
    assert view.package.risk == expected.risk
    assert view.package.options == (1, 3, 5)
    assert set(view.used_options) >= set(l12.OPENING_PACKAGE)
    assert view.comparison  # the shared explorer's compare_with_history


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"options": ()}, r"^options: nothing picked"),
        ({"options": (0, 5)}, r"^options: bad value 0"),
        ({"options": "15"}, r"^options: bad value '15'"),
        ({"attribution": 1.5}, r"attribution"),
        ({"incident": "atlantis-2099"}, r"^incident: 'atlantis-2099'"),
    ],
)
def test_bad_decisions_are_named(
    incidents: pd.DataFrame, joined: pd.DataFrame, start: str, change: dict, message: str
) -> None:
    values = {**l12.decision_defaults(start, incidents), **change}
    with pytest.raises(ValueError, match=message):
        l12.lab_view(l12.Decision(**values), incidents=incidents, joined=joined)


def test_lab_figure_shows_each_part_and_the_package(view: l12.LabView) -> None:
    fig = l12.lab_figure(view)
    alone, riskiest, added = fig.data
    assert list(alone.y) == ["1 Request to the host", "3 Diplomatic action", "5 Sanctions"]
    assert riskiest.x[0] + added.x[0] == pytest.approx(view.package.risk, abs=0.02)
    assert fig.layout.title.text and fig.layout.xaxis.title.text
    assert all(t.name for t in fig.data) and fig.layout.legend.orientation == "h"
    assert list(fig.layout.xaxis.tickvals) == [0, 10, 25, 50, 75, 100]


def test_result_and_debrief_html_speak_plainly(view: l12.LabView) -> None:
    result = l12.result_html(view)
    assert f"{view.package.risk:.1f}" in result and "Legal basis" in result
    debrief = l12.debrief_html(view)
    assert "What followed" in debrief and "not proof" in debrief
    text = re.sub(r"<[^>]+>", " ", result + debrief + l12.case_summary_html(view))
    assert not CODE_LIKE.search(text)


# --------------------------------------------------------------------------- the brief


def test_brief_markdown_holds_the_whole_decision(view: l12.LabView) -> None:
    brief = l12.brief_markdown(view)
    assert brief.startswith(f"# Decision brief: {view.incident['name']}")
    for needle in (
        "Prepared by: Team Blue",
        "## Our response",
        "1 Request to the host",
        "5 Sanctions",
        f"Package risk {view.package.risk:.1f} of 100",
        "Legal basis the package needs: retorsion",
        "Ask first, then name and sanction.",
        "## Debrief",
        "| Date | By |",
        "not a forecast",
    ):
        assert needle in brief, needle
    assert not CODE_LIKE.search(brief)
    assert len(brief.splitlines()) < 70  # one page


def test_brief_html_is_a_self_contained_page(view: l12.LabView) -> None:
    page = l12.brief_html(view)
    assert page.startswith("<!DOCTYPE html>") and page.endswith("</html>")
    assert "<script" not in page and "http" not in page
    assert "Team Blue" in page and "<p>Keep force off the table.</p>" in page


def test_brief_escapes_what_a_team_types(incidents: pd.DataFrame, joined: pd.DataFrame) -> None:
    start = l12.opening_incident(joined, incidents)
    decision = l12.Decision(
        **l12.decision_defaults(start, incidents), team="<b>x</b>", reasoning="a | b <script>"
    )
    view = l12.lab_view(decision, incidents=incidents, joined=joined)
    assert "<script>" not in l12.brief_html(view)
    assert "&lt;script&gt;" in l12.brief_html(view)


def test_download_links_hold_the_brief_as_data_uris(view: l12.LabView) -> None:
    links = l12.download_links(view)
    found = dict(
        re.findall(r"download='([^']+)' href='data:[^;]+;charset=utf-8;base64,([^']+)'", links)
    )
    md_name = f"decision-brief-{view.decision.incident}-team-blue.md"
    assert set(found) == {md_name, md_name.replace(".md", ".html")}
    assert base64.b64decode(found[md_name]).decode("utf-8") == l12.brief_markdown(view)
    assert unquote(links).count("http") == 0
    with pytest.raises(ValueError, match=r"^extension: bad value 'pdf'"):
        l12.brief_filename(view, "pdf")


# --------------------------------------------------------------------------- the app


def test_two_labs_never_share_state(incidents: pd.DataFrame, joined: pd.DataFrame) -> None:
    red = l12.CaseStudyLab(incidents=incidents, joined=joined)
    blue = l12.CaseStudyLab(incidents=incidents, joined=joined)
    before = blue.view
    red.option_boxes[6].value = True
    red.controls["attribution"].value = 0.3
    red.team.value = "Red"
    assert red.view.package.options == (1, 5, 6)
    assert blue.view is before and blue.decision().options == l12.OPENING_PACKAGE
    assert blue.controls["attribution"].value != 0.3 and blue.team.value == ""
    assert "Red" not in blue.download.value


def test_the_lab_redraws_and_keeps_the_brief_current(
    incidents: pd.DataFrame, joined: pd.DataFrame
) -> None:
    app = l12.CaseStudyLab(incidents=incidents, joined=joined)
    first = app.figure
    app.controls["attribution"].value = 1.0
    assert app.figure is not first
    assert app.output.shown == json.loads(app.figure.to_json()), "the page gets the new figure"
    app.reasoning.value = "Because the host refused."
    assert "Because the host refused." in l12.brief_markdown(app.view)
    for box in app.option_boxes.values():
        box.value = False
    assert "options: nothing picked" in app.status.value
    assert "download=" not in app.download.value
    app.reset()
    assert app.decision().options == l12.OPENING_PACKAGE and app.status.value == ""


def test_picking_an_incident_presets_the_situation(
    incidents: pd.DataFrame, joined: pd.DataFrame
) -> None:
    app = l12.CaseStudyLab(incidents=incidents, joined=joined)
    other = next(i for _, i in l12.lab_choices(joined, incidents) if i != app.decision().incident)
    app.controls["incident"].value = other
    expected = l12.decision_defaults(other, incidents)
    for name in l12.SITUATION_FIELDS:
        assert app.controls[name].value == expected[name]
    assert app.view.decision.incident == other


def test_the_app_labels_the_control_the_browser_test_moves(
    incidents: pd.DataFrame, joined: pd.DataFrame
) -> None:
    app = l12.CaseStudyLab(incidents=incidents, joined=joined)
    assert app.controls["attribution"].description == "Attribution"
    assert app.controls["attribution"].value < 1.0  # moving it to the end changes the figure


# --------------------------------------------------------------------------- self-check, exercises


def test_self_check_questions_come_from_the_content_file() -> None:
    authored = {q.id for q in lesson_content("12").questions}
    assert set(l12.SELF_CHECK_IDS) <= authored
    for qid in l12.SELF_CHECK_IDS:
        assert l12.self_check_question(qid).qid == qid
    with pytest.raises(ValueError, match=r"^qid: unknown question"):
        l12.self_check_question("12.q9")


def test_exercise_keys_follow_the_data_and_the_model(joined: pd.DataFrame) -> None:
    used = l12.ladder_options_by_incident(joined)
    assert int((used.map(len) >= 2).sum()) == ex12.EXPECTED_COMBINED
    assert ex12.EXPECTED_MOST_COMMON in set(used.map(frozenset))
    package = assess_package(scenario_for(ex12.MODEL_INCIDENT, o) for o in ex12.MODEL_PACKAGE)
    assert package.risk == ex12.EXPECTED_PACKAGE_RISK
    assert package.risk >= assess(scenario_for(ex12.MODEL_INCIDENT, 5)).risk


def test_exercise_checks_accept_the_solutions_and_reject_common_mistakes() -> None:
    assert check("ex12.task1", "Countermeasure").status == "correct"
    assert check("ex12.task2", ex12.EXPECTED_COMBINED).status == "correct"
    assert check("ex12.task3", set(ex12.EXPECTED_MOST_COMMON)).status == "correct"
    assert check("ex12.task4", ex12.EXPECTED_PACKAGE_RISK).status == "correct"
    plain_sum = check("ex12.task4", round(ex12._PLAIN_SUM, 2))
    assert plain_sum.status == "incorrect" and "plain sum" in plain_sum.message
