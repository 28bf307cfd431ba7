"""Lesson 10, option 7 (course.lessons.l10_option7_military_retaliation), and the keys of
exercise 10 (course.exercises.ex10)."""

from __future__ import annotations

import re

import pandas as pd
import plotly.graph_objects as go
import pytest

import course.exercises.ex10 as ex10
from course.engine.data import ACTOR_TYPES, SCALES, scenario_for
from course.engine.escalation import assess
from course.learning.content import lesson_content
from course.learning.quiz import check
from course.lessons import l10_option7_military_retaliation as l10

CODE_LIKE = re.compile(
    r"\b(non_state_armed_group|state_disguised|proxy_contractor|destructive|willing_able)\b"
)


def _rows(rows: list[dict]) -> pd.DataFrame:
    """A tiny joined frame with the columns the module needs."""
    base = {
        "incident_id": "x-2020",
        "date": "2020-01-01",
        "responder": "US",
        "option": "7",
        "description": "A strike.",
        "outcome": "unknown",
        "name": "X",
        "start_year": 2020,
        "actor_type": "non_state_armed_group",
        "scale": "large",
    }
    return pd.DataFrame([{**base, **row} for row in rows])


def _incidents(rows: list[dict]) -> pd.DataFrame:
    base = {"id": "x-2020", "actor_type": "criminal", "scale": "small"}
    return pd.DataFrame([{**base, **row} for row in rows])


# --------------------------------------------------------------------------- the record


def test_option7_rows_are_all_and_only_option7_oldest_first(joined: pd.DataFrame) -> None:
    rows = l10.option7_responses(joined)
    assert len(rows) == int((joined["option"].astype(str) == "7").sum())
    assert set(rows["option"].astype(str)) == {"7"}
    assert list(rows["date"]) == sorted(rows["date"])


def test_missing_columns_are_named() -> None:
    with pytest.raises(ValueError, match=r"^joined: missing column\(s\) .*scale"):
        l10.option7_responses(_rows([{}]).drop(columns="scale"))


def test_force_incidents_follow_the_first_strike(joined: pd.DataFrame) -> None:
    ids = l10.force_incident_ids(joined)
    rows = l10.option7_responses(joined)
    assert set(ids) == set(rows["incident_id"]) and len(ids) == len(set(ids))
    first = rows.groupby("incident_id")["date"].min()
    assert list(first.loc[ids]) == sorted(first)


@pytest.mark.parametrize(("by", "order"), [("actor_type", ACTOR_TYPES), ("scale", SCALES)])
def test_force_counts_cover_every_incident_once(
    joined: pd.DataFrame, incidents: pd.DataFrame, by: str, order: tuple
) -> None:
    table = l10.force_counts(joined, incidents, by)
    assert list(table.index) == list(order)
    assert list(table.columns) == list(l10.FORCE_GROUPS)
    assert int(table.to_numpy().sum()) == len(incidents)
    assert int(table["force"].sum()) == len(l10.force_incident_ids(joined))


def test_force_counts_reject_an_unknown_grouping(
    joined: pd.DataFrame, incidents: pd.DataFrame
) -> None:
    with pytest.raises(ValueError, match=r"^by: 'victims' is not allowed"):
        l10.force_counts(joined, incidents, "victims")


def test_force_counts_on_tiny_frames_keep_zero_rows() -> None:
    joined = _rows([{"incident_id": "a-2020"}, {"incident_id": "b-2020", "option": "3"}])
    incidents = _incidents(
        [
            {"id": "a-2020", "actor_type": "non_state_armed_group", "scale": "large"},
            {"id": "b-2020", "actor_type": "criminal", "scale": "destructive"},
        ]
    )
    table = l10.force_counts(joined, incidents, "scale")
    assert table.loc["large", "force"] == 1 and table.loc["destructive", "no_force"] == 1
    assert table.loc["small"].sum() == 0


def test_record_figure_explains_both_groups_with_whole_ticks(
    joined: pd.DataFrame, incidents: pd.DataFrame
) -> None:
    fig = l10.force_record_figure(joined, incidents)
    assert isinstance(fig, go.Figure)
    legend = [t.name for t in fig.data if t.showlegend is not False]
    assert legend == [l10.FORCE_LABELS[g] for g in l10.FORCE_GROUPS]
    assert fig.layout.title.text and fig.layout.legend.title.text
    for axis in (fig.layout.xaxis, fig.layout.xaxis2):
        assert axis.title.text and axis.tickformat == "d" and float(axis.dtick).is_integer()
    force_bars = [t for t in fig.data if t.name == l10.FORCE_LABELS["force"]]
    # Each panel counts every incident that met force once.
    for bars in force_bars:
        assert sum(bars.x) == len(l10.force_incident_ids(joined))
    labels = " ".join(str(y) for t in fig.data for y in t.y)
    assert not CODE_LIKE.search(labels)


def test_strikes_table_shows_labels_not_codes(joined: pd.DataFrame) -> None:
    table = l10.strikes_table(joined)
    assert len(table) == len(l10.option7_responses(joined))
    shown = table.drop(columns=l10.TEXTS.get("strike_columns", "what")).to_string()
    assert not CODE_LIKE.search(shown)
    assert "United States" in shown or "Israel" in shown or table.empty


def test_record_summary_is_computed_from_the_data(
    joined: pd.DataFrame, incidents: pd.DataFrame
) -> None:
    text = l10.record_summary(joined, incidents)
    total = len(l10.option7_responses(joined))
    assert f"{total} responses" in text
    assert f"of the {len(incidents)} incidents" in text


def test_record_summary_branches_on_tiny_frames() -> None:
    joined = _rows(
        [
            {"incident_id": "a-2020"},
            {"incident_id": "b-2020", "actor_type": "criminal", "scale": "destructive"},
        ]
    )
    incidents = _incidents(
        [
            {"id": "a-2020", "actor_type": "non_state_armed_group", "scale": "large"},
            {"id": "b-2020", "actor_type": "criminal", "scale": "destructive"},
            {"id": "c-2020", "actor_type": "criminal", "scale": "destructive"},
        ]
    )
    text = l10.record_summary(joined, incidents)
    assert "In 1 of those 2 incidents" in text
    assert "1 of the 2 incidents coded as destructive" in text


# --------------------------------------------------------------------------- the timeline


@pytest.mark.parametrize(
    ("value", "precision", "day"),
    [
        ("2016-02-29", "day", "2016-02-29"),
        ("2016-11", "month", "2016-11-15"),
        ("2016", "year", "2016-07-01"),
    ],
)
def test_dates_of_every_precision_are_placed(value: str, precision: str, day: str) -> None:
    frame = l10.timeline_frame(_rows([{"date": value}]))
    assert frame.loc[0, "precision"] == precision
    assert frame.loc[0, "when"] == pd.Timestamp(day)


def test_a_bad_date_is_named() -> None:
    with pytest.raises(ValueError, match=r"^date: '20-1' is not"):
        l10.timeline_frame(_rows([{"date": "20-1"}]))


def test_timeline_holds_every_response_of_the_force_incidents(joined: pd.DataFrame) -> None:
    frame = l10.timeline_frame(joined)
    ids = l10.force_incident_ids(joined)
    assert len(frame) == int(joined["incident_id"].isin(ids).sum())
    fig = l10.force_timeline_figure(joined)
    assert fig.layout.title.text and fig.layout.xaxis.title.text and fig.layout.legend.title.text
    assert sum(len(t.x) for t in fig.data) == len(frame)
    force = [t for t in fig.data if t.name.startswith("7 ")]
    assert len(force) == 1 and force[0].marker.symbol == "star"


# --------------------------------------------------------------------------- the model's view


def test_power_curve_follows_the_brief(incidents: pd.DataFrame) -> None:
    curve = l10.power_curve()
    assert len(curve) == len(SCALES) * len(l10.POWER_RATIOS)
    assert 1.0 in l10.POWER_RATIOS
    for scale, part in curve.groupby("scale"):
        assert part["risk"].is_monotonic_decreasing, scale
        assert (part["risk"] >= 40).all()
    at = curve.set_index(["scale", "power_ratio"])["risk"]
    for ratio in l10.POWER_RATIOS:
        assert at[("small", ratio)] > at[("large", ratio)] > at[("destructive", ratio)]
    points = curve.groupby("scale")["proportionality"].first()
    assert points.to_dict() == {"small": 12.0, "large": 8.0, "destructive": 0.0}


def test_power_curve_figure_has_one_line_per_scale() -> None:
    fig = l10.power_curve_figure()
    assert len(fig.data) == len(SCALES)
    assert fig.layout.xaxis.type == "log"
    assert fig.layout.title.text and fig.layout.yaxis.title.text and fig.layout.legend.title.text


def test_bad_ratio_raises_naming_the_field() -> None:
    with pytest.raises(ValueError, match="power_ratio"):
        l10.power_curve((0.0,))


def test_conditions_table_has_four_rows_and_two_columns() -> None:
    table = l10.conditions_table()
    assert table.shape == (len(l10.CONDITIONS), 2)
    assert table.notna().all().all()


# --------------------------------------------------------------------------- self-check


def test_self_check_questions_build_and_unknown_ids_are_named() -> None:
    for qid in l10.SELF_CHECK_IDS:
        assert l10.self_check_question(qid).choices
    with pytest.raises(ValueError, match=r"^qid: unknown question '10.q9'"):
        l10.self_check_question("10.q9")


def test_right_answers_are_not_all_in_one_position() -> None:
    content = lesson_content("10")
    spots = {
        n
        for item in [*content.questions, *(t for t in content.tasks if t.choices)]
        for n, choice in enumerate(item.choices, start=1)
        if choice.correct
    }
    assert len(spots) > 1


# --------------------------------------------------------------------------- exercise keys


def test_exercise_keys_follow_the_data(joined: pd.DataFrame) -> None:
    counts = joined.loc[joined["option"].astype(str) == "7", "responder"].astype(str)
    expected = ex10.EXPECTED_BY_RESPONDER
    assert expected == counts.value_counts().to_dict()
    rows = joined.loc[joined["option"].astype(str) == "7"]
    assert set(ex10.EXPECTED_ACTOR_TYPES) == set(rows["actor_type"].astype(str))


def test_saved_points_are_the_military_balance_term() -> None:
    parity = assess(scenario_for(ex10.MODEL_INCIDENT, 7, power_ratio=1)).risk
    stronger = assess(scenario_for(ex10.MODEL_INCIDENT, 7, power_ratio=8)).risk
    saved = ex10.EXPECTED_SAVED_POINTS
    assert saved == pytest.approx(parity - stronger)
    assert saved == pytest.approx(9 / 2 - 9 / 9)


def test_task_answers_are_accepted(joined: pd.DataFrame) -> None:
    force = joined[joined["option"] == "7"]
    assert check("ex10.task1", "Self-defence").status == "correct"
    assert check("ex10.task1", "Countermeasure").status == "incorrect"
    assert check("ex10.task2", force["responder"].value_counts()).status == "correct"
    assert check("ex10.task3", set(force["actor_type"].astype(str))).status == "correct"
    assert check("ex10.task4", ex10.EXPECTED_SAVED_POINTS).status == "correct"


def test_task_feedback_names_the_mistake(joined: pd.DataFrame) -> None:
    responder, count = sorted(ex10.EXPECTED_BY_RESPONDER.items())[0]
    wrong = check("ex10.task2", {**ex10.EXPECTED_BY_RESPONDER, responder: count + 1})
    assert wrong.status == "incorrect" and responder in wrong.message
    parity, _ = ex10.power_points_saved(ex10.MODEL_INCIDENT)
    mistake = check("ex10.task4", parity)
    assert mistake.status == "incorrect" and "parity" in mistake.message
    extra = check("ex10.task3", {"criminal", *ex10.EXPECTED_ACTOR_TYPES})
    assert extra.status == "incorrect" and "criminal" in extra.message
