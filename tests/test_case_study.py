"""The case-study explorer of the option lessons (course.lessons.case_study), without a browser:
every control changes what it should and only that, the history and the comparison follow the
data, bad input is named, reset returns to the data."""

from __future__ import annotations

import re

import pandas as pd
import plotly.graph_objects as go
import pytest

from course.engine.data import (
    RESPONSE_OPTIONS,
    UNKNOWN,
    load_incidents,
    responses_with_incidents,
    scenario_for,
)
from course.engine.escalation import FACTORS
from course.lessons import case_study
from course.lessons.case_study import (
    CaseStudyExplorer,
    case_defaults,
    case_figure,
    case_html,
    case_view,
    compare_with_history,
    incident_choices,
    static_case,
)


@pytest.fixture(scope="module")
def incidents() -> pd.DataFrame:
    return load_incidents()


@pytest.fixture(scope="module")
def joined(incidents: pd.DataFrame) -> pd.DataFrame:
    return responses_with_incidents(incidents=incidents)


def _known_posture(incidents: pd.DataFrame, joined: pd.DataFrame, option: int) -> str:
    used = set(joined.loc[joined["option"].astype(str) == str(option), "incident_id"])
    rows = incidents.loc[incidents["id"].isin(used) & (incidents["host_posture"] != UNKNOWN)]
    return str(rows["id"].iloc[0])


def test_defaults_match_scenario_for(incidents: pd.DataFrame, joined: pd.DataFrame) -> None:
    incident = _known_posture(incidents, joined, 5)
    defaults = case_defaults(incident, incidents)
    scenario = scenario_for(incident, 5, incidents)
    assert defaults["attribution"] == scenario.attribution
    assert defaults["public_evidence"] == scenario.public_evidence
    assert defaults["host_state"] == scenario.host_state
    view = case_view(5, incidents=incidents, joined=joined, **defaults)
    assert view.assessment.scenario == scenario


@pytest.mark.parametrize("option", range(1, 8))
def test_incidents_where_the_option_was_used_come_first(
    option: int, incidents: pd.DataFrame, joined: pd.DataFrame
) -> None:
    choices = incident_choices(option, joined, incidents)
    used = set(case_study.options_used(joined, option))
    flags = [incident in used for _, incident in choices]
    assert flags == sorted(flags, reverse=True), "used incidents must lead the list"
    assert all(
        label.startswith("★ ") == flag for (label, _), flag in zip(choices, flags, strict=True)
    )
    assert len(choices) == len(incidents)


@pytest.mark.parametrize(
    ("option", "field", "value", "factors"),
    [
        # The public case is attribution x public evidence, so attribution moves both terms.
        (5, "attribution", 0.2, {"attribution", "public_evidence"}),
        (5, "public_evidence", 0.0, {"public_evidence"}),
        (5, "host_state", "willing_able", {"host_state"}),
        (5, "target", "host_state", {"target"}),
        (5, "collateral_damage", 0.9, {"collateral_damage"}),
        (5, "exit_conditions", False, {"exit_conditions"}),
        (7, "power_ratio", 0.25, {"power_ratio"}),
    ],
)
def test_each_control_changes_its_factor_and_only_that(
    option: int,
    field: str,
    value: object,
    factors: set[str],
    incidents: pd.DataFrame,
    joined: pd.DataFrame,
) -> None:
    explorer = CaseStudyExplorer(
        option, incidents=incidents, joined=joined, incident=_known_posture(incidents, joined, 5)
    )
    before = dict(explorer.view.assessment.contributions)
    title_before = explorer.figure.layout.title.text
    if field == "host_state" and explorer.controls[field].value == value:
        value = "sponsor"
    explorer.controls[field].value = value
    after = explorer.view.assessment.contributions
    changed = {f for f in FACTORS if abs(after[f] - before[f]) > 1e-9}
    assert changed == factors
    assert explorer.figure.layout.title.text != title_before  # the score in the title moved
    assert explorer.values()[field] == value


def test_changing_the_incident_resets_what_comes_from_the_data_and_only_that(
    incidents: pd.DataFrame, joined: pd.DataFrame
) -> None:
    explorer = CaseStudyExplorer(5, incidents=incidents, joined=joined)
    explorer.controls["collateral_damage"].value = 0.5
    explorer.controls["attribution"].value = 0.1
    other = next(i for _, i in incident_choices(5, joined, incidents)[1:] if i)
    explorer.controls["incident"].value = other
    defaults = case_defaults(other, incidents)
    assert explorer.values()["attribution"] == defaults["attribution"]
    assert explorer.values()["host_state"] == defaults["host_state"]
    assert explorer.values()["collateral_damage"] == 0.5  # the student's own assumption stays
    assert set(explorer.view.history["incident_id"]) <= {other}
    assert str(explorer.view.incident["name"]) in _heading(explorer.figure)


def _heading(figure: go.Figure) -> str:
    """A figure's title and subtitle as one line of words: tags and line breaks gone."""
    title = figure.layout.title
    text = f"{title.text} {title.subtitle.text or ''}"
    return " ".join(re.sub(r"<[^>]+>", " ", text).split())


def test_the_title_fits_even_for_the_longest_incident_name(
    incidents: pd.DataFrame, joined: pd.DataFrame
) -> None:
    """On one line with the name, the title ran past the figure's right edge and was cut off
    (lesson 05's scam compounds, lesson 10's Hussain case). Now the score is the title, the
    option and the case a subtitle in short lines, and the top margin grows with them."""
    longest = str(incidents.loc[incidents["name"].str.len().idxmax(), "id"])
    short = str(incidents.loc[incidents["name"].str.len().idxmin(), "id"])
    figures = {}
    for incident in (longest, short):
        explorer = CaseStudyExplorer(1, incidents=incidents, joined=joined)
        explorer.controls["incident"].value = incident
        figure = figures[incident] = explorer.figure
        title = figure.layout.title
        assert title.text == f"Option 1: risk {explorer.view.assessment.risk:.0f} of 100 " + (
            f"({explorer.view.assessment.band})"
        )
        assert "<br>" not in title.text, "plotly cuts off the first of several title lines"
        assert str(explorer.view.incident["name"]) in _heading(figure)
        assert all(len(line) <= 64 for line in title.subtitle.text.split("<br>"))
    lines = {i: f.layout.title.subtitle.text.count("<br>") + 1 for i, f in figures.items()}
    assert (lines[longest], lines[short]) == (2, 1)
    assert figures[longest].layout.margin.t > figures[short].layout.margin.t
    assert figures[longest].layout.height - figures[longest].layout.margin.t == (
        figures[short].layout.height - figures[short].layout.margin.t
    ), "the plot keeps its height"


def test_reset_returns_to_the_data(incidents: pd.DataFrame, joined: pd.DataFrame) -> None:
    explorer = CaseStudyExplorer(5, incidents=incidents, joined=joined)
    start = explorer.values()
    explorer.controls["public_evidence"].value = 0.0
    explorer.controls["target"].value = "host_state"
    explorer.reset_button.click()
    assert explorer.values() == start


def test_neighbours_are_one_step_down_and_up(incidents: pd.DataFrame, joined: pd.DataFrame) -> None:
    for option, expected in ((1, [2]), (4, [3, 5]), (7, [6])):
        view = CaseStudyExplorer(option, incidents=incidents, joined=joined).view
        assert sorted(view.neighbours) == expected
        bars = case_figure(view).data[1]
        assert len(bars.x) == len(expected) + 1


def test_only_relevant_controls_are_shown(incidents: pd.DataFrame, joined: pd.DataFrame) -> None:
    def shown(option: int) -> set[str]:
        explorer = CaseStudyExplorer(option, incidents=incidents, joined=joined)
        grid = explorer.children[1].children
        return {name for name, control in explorer.controls.items() if control in grid}

    assert "exit_conditions" in shown(5) and "power_ratio" not in shown(5)
    assert "power_ratio" in shown(7) and "exit_conditions" not in shown(7)


def test_history_lists_the_real_responses_with_outcomes(
    incidents: pd.DataFrame, joined: pd.DataFrame
) -> None:
    explorer = CaseStudyExplorer(5, incidents=incidents, joined=joined)
    view = explorer.view
    real = joined.loc[joined["incident_id"] == view.incident["id"]]
    assert len(view.history) == len(real) > 0
    page = case_html(view)
    assert page.count("<tr>") == len(real) + 1
    assert "Compare with history." in page and "What followed" in page
    for code in real["responder"].astype(str):
        assert f"<td>{code}</td>" not in page, "country names, not codes"
    ladder = {int(o) for o in real["option"].astype(str) if o in RESPONSE_OPTIONS[:7]}
    assert view.used_options == sorted(ladder)


def test_compare_with_history_says_whether_the_choice_went_further(
    incidents: pd.DataFrame, joined: pd.DataFrame
) -> None:
    incident = _known_posture(incidents, joined, 5)
    defaults = case_defaults(incident, incidents)
    for option in (5, 7):
        view = case_view(option, incidents=incidents, joined=joined, **defaults)
        text = compare_with_history(view)
        strongest = max(view.used_options)
        if option > strongest:
            assert "goes further than any state went here" in text
        else:
            assert f"option {option}" in text


def test_an_unknown_host_posture_is_shown_as_an_assumption(
    incidents: pd.DataFrame, joined: pd.DataFrame
) -> None:
    incident = str(incidents.loc[incidents["host_posture"] == UNKNOWN, "id"].iloc[0])
    view = case_view(3, incidents=incidents, joined=joined, **case_defaults(incident, incidents))
    assert view.assumed_posture
    assert "your assumption" in case_html(view)


def test_bad_input_is_named_and_keeps_the_last_figure(
    incidents: pd.DataFrame, joined: pd.DataFrame
) -> None:
    explorer = CaseStudyExplorer(5, incidents=incidents, joined=joined)
    figure = explorer.figure
    explorer.controls["host_state"].options = [("Nonsense", "nonsense"), ("Sponsor", "sponsor")]
    explorer.controls["host_state"].value = "nonsense"
    assert "host_state" in explorer.status.value and explorer.figure is figure
    with pytest.raises(ValueError, match=r"option: 9 is not allowed; allowed: the numbers 1-7"):
        CaseStudyExplorer(9, incidents=incidents, joined=joined)
    with pytest.raises(ValueError, match=r"incident: 'nope-2000' is not an incident id"):
        case_defaults("nope-2000", incidents)


def test_the_figure_reads_without_the_widget(incidents: pd.DataFrame, joined: pd.DataFrame) -> None:
    figure, page = static_case(6, incidents=incidents, joined=joined)
    explorer = CaseStudyExplorer(6, incidents=incidents, joined=joined)
    assert figure.layout.title.text == explorer.figure.layout.title.text
    assert page == explorer.details.value
    assert figure.layout.xaxis.title.text and figure.layout.yaxis2.title.text
    assert "scores" in figure.layout.meta["alt"]
    assert [a.text.replace("<br>", " ") for a in figure.layout.annotations] == [
        "Where the risk comes from",
        "One step down, this, one step up",
    ]
    # Bar labels and panel titles are broken into short lines: the figure also has to read in
    # the narrow column of the static site and on an A4 handout.
    assert all(len(line) <= 18 for a in figure.layout.annotations for line in a.text.split("<br>"))
    assert all(len(line) <= 14 for x in figure.data[1].x for line in x.split("<br>"))
