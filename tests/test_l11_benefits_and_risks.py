"""Lesson 11, benefits and risks (course.lessons.l11_benefits_and_risks), and the keys of
exercise 11 (course.exercises.ex11)."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

import course.exercises.ex11 as ex11
from course.engine.data import scenario_for
from course.engine.escalation import Scenario, assess
from course.engine.paths import NOTEBOOKS_DIR
from course.engine.simulation import OUTCOMES, simulate
from course.learning.content import lesson_content
from course.learning.lesson_map import read_lesson
from course.learning.quiz import check
from course.lessons import l11_benefits_and_risks as l11

CODE_LIKE = re.compile(
    r"\b(able_unwilling|willing_able|host_retaliated|public_evidence|willing_unable)\b"
)


def _rows(rows: list[dict]) -> pd.DataFrame:
    base = {
        "incident_id": "x-2020",
        "name": "X",
        "option": "3",
        "outcome": "continued",
        "host_posture": "sponsor",
    }
    return pd.DataFrame([{**base, **row} for row in rows])


# --------------------------------------------------------------------------- the record


def test_replies_cover_every_ladder_response_once(joined: pd.DataFrame) -> None:
    table = l11.replies_by_option(joined)
    assert list(table.index) == [str(n) for n in range(1, 8)]
    assert list(table.columns) == list(l11.REPLY_GROUPS)
    ladder = joined["option"].astype(str).isin(l11.LADDER)
    assert int(table.to_numpy().sum()) == int(ladder.sum())
    hostile = (joined["outcome"].astype(str) == "host_retaliated") & ladder
    assert int(table["hostile"].sum()) == int(hostile.sum())


def test_replies_on_a_tiny_frame_keep_zero_rows_and_skip_off_ladder() -> None:
    frame = _rows(
        [
            {"outcome": "host_retaliated"},
            {"option": "5", "outcome": "unknown"},
            {"option": "law_enforcement", "outcome": "host_retaliated"},
        ]
    )
    table = l11.replies_by_option(frame)
    assert table.loc["3", "hostile"] == 1 and table.loc["5", "unknown"] == 1
    assert table.loc["7"].sum() == 0 and int(table.to_numpy().sum()) == 2


def test_missing_columns_are_named() -> None:
    with pytest.raises(ValueError, match=r"^joined: missing column\(s\) outcome"):
        l11.replies_by_option(_rows([{}]).drop(columns="outcome"))


def test_replies_figure_has_legend_titles_and_whole_ticks(joined: pd.DataFrame) -> None:
    fig = l11.replies_figure(joined)
    assert [t.name for t in fig.data] == [
        l11.TEXTS.get("reply_groups", g) for g in l11.REPLY_GROUPS
    ]
    assert fig.layout.title.text and fig.layout.legend.title.text
    assert fig.layout.xaxis.title.text and fig.layout.yaxis.title.text
    assert fig.layout.xaxis.tickformat == "d" and float(fig.layout.xaxis.dtick).is_integer()
    labels = " ".join(str(y) for t in fig.data for y in t.y)
    assert not CODE_LIKE.search(labels)
    hostile = l11.replies_by_option(joined)["hostile"]
    notes = [a.text for a in fig.layout.annotations]
    assert notes == [l11.TEXTS.get("replies_figure", "hostile_note", count=n) for n in hostile if n]


def test_replies_summary_is_computed_from_the_data(joined: pd.DataFrame) -> None:
    text = l11.replies_summary(joined)
    table = l11.replies_by_option(joined)
    assert f"Of the {int(table.to_numpy().sum())} responses" in text
    assert f"{int(table['hostile'].sum())} were followed by a hostile reply" in text
    assert not CODE_LIKE.search(text)
    none = l11.replies_summary(_rows([{}]))
    assert l11.TEXTS.get("replies", "none") in none


# --------------------------------------------------------------------------- sensitivity


def test_sensitivity_matches_the_model_by_hand() -> None:
    table = l11.sensitivity_table()
    assert list(table.index) == list(range(1, 8))
    assert list(table.columns) == list(l11.SENSITIVITY_FACTORS)
    case = Scenario(option=7, **l11.REFERENCE_CASE)
    worst = assess(case.replace(attribution=0.0)).risk
    best = assess(case.replace(attribution=1.0)).risk
    assert table.loc[7, "attribution"] == pytest.approx(worst - best)
    # Factors that only touch some options are zero elsewhere.
    assert (table.loc[1:6, "power_ratio"] == 0).all() and table.loc[7, "power_ratio"] > 0
    assert table.loc[5, "exit_conditions"] == 6.0 and table["exit_conditions"].sum() == 6.0
    assert (table.loc[1:4, "collateral_damage"] == 0).all()
    assert (table.to_numpy() >= 0).all()


def test_every_factor_matters_more_the_stronger_the_option() -> None:
    table = l11.sensitivity_table()
    for factor in ("attribution", "public_evidence", "host_state"):
        assert (np.diff(table[factor].to_numpy()) >= 0).all()


def test_top_factors_and_a_changed_base() -> None:
    assert list(l11.top_factors()) == ["attribution"] * 7  # the lesson's prose says so
    table = l11.sensitivity_table({"public_evidence": 0.0})
    assert table.loc[7, "attribution"] < l11.sensitivity_table().loc[7, "attribution"]
    with pytest.raises(ValueError, match=r"^base: unknown field 'colour'"):
        l11.sensitivity_table({"colour": "red"})
    with pytest.raises(ValueError, match=r"^attribution="):
        l11.sensitivity_table({"attribution": 2.0})


def test_sensitivity_figure_labels_and_bold_maximum() -> None:
    fig = l11.sensitivity_figure()
    heat = fig.data[0]
    assert isinstance(heat, go.Heatmap)
    assert list(heat.x) == [l11.TEXTS.get("factors", f) for f in l11.SENSITIVITY_FACTORS]
    assert fig.layout.title.text and heat.colorbar.title.text
    assert all(sum("<b>" in cell for cell in row) >= 1 for row in heat.text)
    assert not CODE_LIKE.search(" ".join(heat.x) + " ".join(heat.y))


# --------------------------------------------------------------------------- evidence curve


def test_evidence_curve_never_rises_and_stronger_openings_sit_higher() -> None:
    curve = l11.evidence_curve()
    wide = curve.pivot(index="public_evidence", columns="opening", values="escalation")
    assert list(wide.columns) == list(l11.EVIDENCE_OPENINGS)
    assert (np.diff(wide.to_numpy(), axis=0) <= 1e-12).all()
    assert (np.diff(wide.to_numpy(), axis=1) >= 0).all()
    fig = l11.evidence_figure()
    assert len(fig.data) == len(l11.EVIDENCE_OPENINGS)
    assert fig.layout.legend.title.text and fig.layout.yaxis.title.text


# --------------------------------------------------------------------------- simulator widget


def test_static_simulation_shows_every_outcome_and_the_assumptions() -> None:
    fig, text = l11.static_simulation()
    assert [t.name for t in fig.data] == [l11.TEXTS.get("outcomes", o) for o in OUTCOMES]
    assert "not a forecast" in fig.layout.title.text
    assert "10,000 runs" in fig.layout.title.text and "seed 2020" in fig.layout.title.text
    assert fig.layout.legend.title.text and fig.layout.xaxis.title.text
    assert "risk / 100" in text and "not a forecast" in text
    assert text.count("<tr>") == 8  # a header and one row per opening
    for trace in fig.data:
        assert len(trace.x) == 7


def test_run_simulation_matches_the_engine_and_caches() -> None:
    result = l11.run_simulation(public_evidence=0.9, openings=(3, 6), seed=4)
    scenario = Scenario(option=1, **{**l11.REFERENCE_CASE, "public_evidence": 0.9})
    direct = simulate(scenario, openings=(3, 6), seed=4)
    pd.testing.assert_frame_equal(result.counts, direct.counts)
    assert l11.run_simulation(public_evidence=0.9, openings=[3, 6], seed=4) is result


def test_run_simulation_rejects_bad_input_naming_the_field() -> None:
    with pytest.raises(ValueError, match=r"^openings="):
        l11.run_simulation(openings=())
    with pytest.raises(ValueError, match=r"^colour: not a simulator control"):
        l11.run_simulation(colour="red")


def test_simulator_widget_redraws_when_public_evidence_moves() -> None:
    widget = l11.simulator()
    labels = {name: c.description for name, c in widget.controls.items()}
    assert labels["public_evidence"] == "Public evidence"  # the notebook's interaction label
    before = [list(t.x) for t in widget.figure.data]
    widget.controls["public_evidence"].value = 1.0
    after = [list(t.x) for t in widget.figure.data]
    assert before != after
    assert "public evidence 1.00" in widget.details.value
    widget.controls["openings"].value = ()
    assert widget.refresh() is False and "openings" in widget.status.value


def test_notebook_interaction_names_a_simulator_control() -> None:
    lesson = read_lesson(NOTEBOOKS_DIR / "11_benefits_and_risks.ipynb")
    kind, label, _ = lesson.interaction
    assert kind == "slider_end"
    controls = l11.simulator_controls()
    assert label in {c.description for c in controls.values()}
    notebook = json.loads((NOTEBOOKS_DIR / "11_benefits_and_risks.ipynb").read_text("utf-8"))
    assert notebook["metadata"]["course"]["prerequisites"] == ["03", "10"]


# --------------------------------------------------------------------------- self-check


def test_self_check_questions_come_from_the_content_file() -> None:
    ids = [q.id for q in lesson_content("11").questions]
    assert ids == list(l11.SELF_CHECK_IDS)
    assert len(l11.self_check().questions) == len(ids)
    with pytest.raises(ValueError, match=r"^qid: unknown question '11.q9'"):
        l11.self_check_question("11.q9")


# --------------------------------------------------------------------------- exercise keys


def test_task2_key_is_the_known_outcome_share(joined: pd.DataFrame) -> None:
    ladder = joined[joined["option"].astype(str).isin(l11.LADDER)]
    known = ladder[ladder["outcome"].astype(str) != "unknown"]
    share = (known["outcome"].astype(str) == "host_retaliated").mean()
    assert pytest.approx(share) == ex11.EXPECTED_HOSTILE_SHARE
    assert check("ex11.task2", share).status == "correct"
    assert check("ex11.task2", 100 * share).status == "incorrect"


def test_task3_key_is_the_evidence_points() -> None:
    coded = assess(scenario_for("albania-2022", 6))
    published = assess(scenario_for("albania-2022", 6, public_evidence=1.0))
    saved = coded.risk - published.risk
    # 10 x strength x attribution x (1 - coded public evidence), the model's public term
    s = coded.scenario
    assert saved == pytest.approx(10 * 0.9 * s.attribution * (1 - s.public_evidence))
    assert check("ex11.task3", saved).status == "correct"
    assert check("ex11.task3", coded.risk).status == "incorrect"


def test_task4_key_is_deterministic_under_its_seed() -> None:
    result = simulate(scenario_for("albania-2022", 3), openings=[3, 6], seed=11)
    assert result.escalation_share[6] == ex11.EXPECTED_ESCALATION_SHARE
    assert check("ex11.task4", float(result.escalation_share[6])).status == "correct"
    assert check("ex11.task4", float(result.escalation_share[3])).status == "incorrect"


def test_task1_and_task5_are_registered() -> None:
    task = lesson_content("11").task("ex11.task1")
    right = next(c.text for c in task.choices if c.correct)
    assert check("ex11.task1", right).status == "correct"
    assert check("ex11.task5", None).status == "not_answered"
