"""Lesson 02's builder, tables and figures (course.lessons.l02_proxies_and_attribution)
and the keys of exercise 02 (course.exercises.ex02)."""

from __future__ import annotations

import html
import itertools
import json
import re
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from course.engine.data import (
    ACTOR_TYPES,
    ATTRIBUTION_LEVELS,
    ATTRIBUTION_STRENGTH,
    PUBLIC_EVIDENCE_BY_ATTRIBUTION,
    scenario_for,
)
from course.engine.escalation import ATTACK_SCALES, HOST_STATES, Scenario, assess
from course.engine.labels import (
    ACTOR_TYPE_LABELS,
    ATTRIBUTION_LABELS,
    HOST_POSTURE_LABELS,
    OPTION_SHORT_LABELS,
    SCALE_LABELS,
)
from course.engine.paths import CONTENT_DIR, NOTEBOOKS_DIR
from course.learning import content
from course.learning.content import ContentError
from course.learning.quiz import check, registered_ids
from course.lessons import l02_proxies_and_attribution as attr
from course.lessons.l02_proxies_and_attribution import (
    BUILDER_DEFAULTS,
    EVIDENCE,
    EVIDENCE_KINDS,
    attribution_by_actor_figure,
    attribution_from,
    builder_controls,
    builder_description,
    builder_figure,
    builder_result,
    convincingness,
    false_flag_figure,
    false_flag_summary,
    false_flags,
    level_table,
    posture_by_actor_table,
    self_check_question,
    years_to_attribution,
)
from course.ui.widgets import LiveFigure, control_values


def _one_kind_for(level: str) -> list[str]:
    """The first evidence kind that reaches ``level`` once public (empty for ``none``)."""
    return [k for k, e in EVIDENCE.items() if e.level == level][:1]


# --- vocabulary ------------------------------------------------------------------------------


def test_every_level_but_none_is_reached_by_some_evidence() -> None:
    reached = {e.level for e in EVIDENCE.values()}
    assert reached == set(ATTRIBUTION_LEVELS) - {"none"}


def test_only_the_governments_own_evidence_can_be_kept_secret() -> None:
    secret = {k for k, e in EVIDENCE.items() if not e.public_by_nature}
    assert secret == {"technical_indicators", "intelligence"}
    table = attr.evidence_table()
    assert table["evidence"].tolist() == list(EVIDENCE_KINDS)
    kept = table.loc[table["can be kept secret"] == "yes", "evidence"]
    assert set(kept) == secret


# --- attribution_from: the numbers come from course.engine.data's mappings ---------------


@pytest.mark.parametrize("kind", EVIDENCE_KINDS)
def test_one_public_piece_gives_exactly_its_levels_mapping(kind: str) -> None:
    level = EVIDENCE[kind].level
    r = attribution_from({kind}, {kind})
    assert r.level == r.level_if_published == level
    assert r.attribution == ATTRIBUTION_STRENGTH[level]
    assert r.public_evidence == PUBLIC_EVIDENCE_BY_ATTRIBUTION[level]


def test_no_evidence_is_level_none_and_carries_only_the_non_accusing_options() -> None:
    r = attribution_from(set())
    assert (r.level, r.attribution, r.public_evidence) == ("none", 0.0, 0.0)
    assert r.carried == (1, 2)
    assert r.convincingness == "nothing public"


def test_secret_evidence_is_strong_but_not_public() -> None:
    r = attribution_from({"technical_indicators", "intelligence"}, set())
    assert r.level == "none"
    assert r.level_if_published == "government_evidence"
    assert r.attribution == ATTRIBUTION_STRENGTH["government_evidence"]
    assert r.public_evidence == 0.0
    assert r.carried == (1, 2, 3, 4)
    blocked = {v.option: v.gaps for v in r.verdicts if not v.carried}
    assert blocked == {n: ("little_public_evidence",) for n in (5, 6, 7)}


def test_publishing_the_same_evidence_lets_it_carry_every_option() -> None:
    kept = attribution_from({"technical_indicators"}, set())
    shown = attribution_from({"technical_indicators"}, {"technical_indicators"})
    assert shown.level == "government_evidence"
    assert shown.carried == (1, 2, 3, 4, 5, 6, 7)
    assert all(s.risk < k.risk for s, k in zip(shown.verdicts[2:], kept.verdicts[2:], strict=True))


def test_public_by_nature_evidence_counts_as_public_without_being_listed() -> None:
    assert attribution_from({"indictment"}).level == "government_evidence"
    assert attribution_from({"claim_by_attackers"}).public == {"claim_by_attackers"}


def test_level_is_the_strongest_public_piece() -> None:
    r = attribution_from({"industry_report", "claim_by_attackers", "joint_statement"})
    assert r.level == "joint"


def test_public_evidence_keeps_the_most_public_piece() -> None:
    # An indictment's detail stays public when allies later sign a joint statement; the
    # dataset (and scenario_for) record only the strongest level, joint, with its typical 0.5.
    r = attribution_from({"indictment", "joint_statement"})
    assert r.level == "joint"
    assert r.attribution == ATTRIBUTION_STRENGTH["joint"]
    assert r.public_evidence == PUBLIC_EVIDENCE_BY_ATTRIBUTION["government_evidence"]
    assert r.public_evidence > PUBLIC_EVIDENCE_BY_ATTRIBUTION["joint"]


def scenario_for_like(r: attr.AttributionResult, option: int, **context: str) -> Scenario:
    """The model scenario the builder scored for ``option``."""
    return Scenario(
        option=option,
        attribution=r.attribution,
        public_evidence=r.public_evidence,
        **context,  # type: ignore[arg-type]
    )


def test_carried_means_no_attribution_warning_in_the_model() -> None:
    for evidence in (set(), {"claim_by_attackers"}, {"intelligence"}, {"joint_statement"}):
        r = attribution_from(evidence, attack_scale="small", host_state="able_unwilling")
        for v in r.verdicts:
            a = assess(
                scenario_for_like(r, v.option, attack_scale="small", host_state="able_unwilling")
            )
            attribution_warnings = {"weak_attribution", "little_public_evidence"}
            assert v.carried == (not attribution_warnings & set(a.warnings))
            assert v.risk == a.risk and v.band == a.band
            assert set(v.gaps) | set(v.other_warnings) == set(a.warnings)


def test_options_1_and_2_are_always_carried() -> None:
    for size in range(len(EVIDENCE_KINDS) + 1):
        for combo in itertools.combinations(EVIDENCE_KINDS, size):
            assert {1, 2} <= set(attribution_from(set(combo)).carried)


def test_builder_agrees_with_scenario_for_on_every_incident(incidents: pd.DataFrame) -> None:
    """A real incident's coded level, rebuilt from one public piece, scores exactly as
    scenario_for scores it: the builder adds no second scale."""
    for row in incidents.itertuples(index=False):
        host = row.host_posture if row.host_posture != "unknown" else "able_unwilling"
        kinds = _one_kind_for(str(row.attribution))
        r = attribution_from(kinds, kinds, attack_scale=str(row.scale), host_state=host)
        assert r.level == row.attribution
        for v in r.verdicts:
            expected = assess(scenario_for(row.id, v.option, incidents=incidents, host_state=host))
            assert v.risk == pytest.approx(expected.risk, abs=1e-12), (row.id, v.option)


kinds_strategy = st.frozensets(st.sampled_from(EVIDENCE_KINDS))


@settings(max_examples=200, deadline=None)
@given(
    small=kinds_strategy,
    extra=kinds_strategy,
    scale=st.sampled_from(ATTACK_SCALES),
    host=st.sampled_from(HOST_STATES),
    publish_small=st.booleans(),
)
def test_more_evidence_never_raises_risk_nor_drops_an_option(
    small: frozenset[str], extra: frozenset[str], scale: str, host: str, publish_small: bool
) -> None:
    big = small | extra
    shown_small = small if publish_small else frozenset()
    a = attribution_from(small, shown_small, attack_scale=scale, host_state=host)
    b = attribution_from(big, shown_small | big, attack_scale=scale, host_state=host)
    assert b.attribution >= a.attribution and b.public_evidence >= a.public_evidence
    assert set(a.carried) <= set(b.carried)
    for va, vb in zip(a.verdicts, b.verdicts, strict=True):
        assert vb.risk <= va.risk + 1e-12


# --- errors name the field and the allowed values ------------------------------------------------


def test_unknown_evidence_names_field_and_allowed_values() -> None:
    with pytest.raises(ValueError) as err:
        attribution_from({"indictment", "rumour"})
    message = str(err.value)
    assert message.startswith("evidence: unknown evidence 'rumour'")
    assert all(kind in message for kind in EVIDENCE_KINDS)


def test_a_single_string_is_refused() -> None:
    with pytest.raises(ValueError, match=r"^evidence: give a collection"):
        attribution_from("indictment")


def test_cannot_publish_what_you_do_not_have() -> None:
    with pytest.raises(ValueError, match=r"^published: technical_indicators is not in"):
        attribution_from({"intelligence"}, {"technical_indicators"})
    with pytest.raises(ValueError, match=r"^published: unknown evidence 'leak'"):
        attribution_from({"intelligence"}, {"leak"})


@pytest.mark.parametrize(
    ("field", "value"),
    [("attack_scale", "huge"), ("host_state", "unknown"), ("target", "victim_state")],
)
def test_bad_scenario_context_is_named(field: str, value: str) -> None:
    with pytest.raises(ValueError, match=rf"^{field}: bad value '{value}'; allowed: one of"):
        attribution_from(set(), **{field: value})


# --- convincingness and the static table ----------------------------------------------------


@pytest.mark.parametrize(
    ("case", "words"),
    [(0.0, "nothing public"), (0.15, "weak"), (0.29, "weak"), (0.3, "moderate"), (0.68, "strong")],
)
def test_convincingness_words(case: float, words: str) -> None:
    assert convincingness(case) == words


@pytest.mark.parametrize("bad", [-0.1, 1.5, True, "high"])
def test_convincingness_rejects_bad_input(bad: object) -> None:
    with pytest.raises(ValueError, match=r"^public_case: bad value"):
        convincingness(bad)  # type: ignore[arg-type]


def test_level_table_lists_each_level_with_its_mapping() -> None:
    table = level_table()
    assert table["level"].tolist() == list(ATTRIBUTION_LEVELS)
    assert table["attribution"].tolist() == [ATTRIBUTION_STRENGTH[lv] for lv in ATTRIBUTION_LEVELS]
    assert table["public evidence"].tolist() == [
        PUBLIC_EVIDENCE_BY_ATTRIBUTION[lv] for lv in ATTRIBUTION_LEVELS
    ]
    carried = dict(zip(table["level"], table["options carried"], strict=True))
    assert carried == {
        "none": "1, 2",
        "industry": "1, 2",
        "claimed": "1-4",
        "government": "1-4",
        "government_evidence": "1-7",
        "joint": "1-7",
    }


# --- the widget's pure functions ------------------------------------------------------------


def test_builder_defaults_are_secret_evidence() -> None:
    r = builder_result()
    assert r.evidence == {"technical_indicators", "intelligence"}
    assert r.public == frozenset()


def test_make_public_publishes_only_the_governments_own_evidence() -> None:
    r = builder_result(make_public=True, claim_by_attackers=True)
    assert r.public == {"technical_indicators", "intelligence", "claim_by_attackers"}
    r = builder_result(make_public=True, technical_indicators=False, intelligence=False)
    assert r.public == frozenset() and r.level == "none"


def test_builder_controls_are_checked() -> None:
    with pytest.raises(ValueError, match=r"^controls: unknown colour"):
        builder_result(colour="red")
    with pytest.raises(ValueError, match=r"^indictment: bad value 'yes'; allowed: True or False"):
        builder_result(indictment="yes")
    with pytest.raises(ValueError, match=r"^host_state: bad value"):
        builder_figure(host_state="enemy")


def test_builder_figure_shows_each_options_risk_and_marks_what_is_not_carried() -> None:
    r = builder_result()
    fig = builder_figure()
    bars, marks = fig.data[0], fig.data[1]
    assert list(bars.y) == pytest.approx([v.risk for v in r.verdicts])
    assert list(bars.marker.pattern.shape) == ["", "", "", "", "/", "/", "/"]
    assert [t.endswith("✗") for t in marks.text] == [False] * 4 + [True] * 3
    assert "carries options 1-4" in fig.layout.title.text
    assert list(bars.x) == list(OPTION_SHORT_LABELS.values())
    assert fig.layout.yaxis.range == (0, 100)


def test_builder_figure_keeps_the_same_traces_for_every_input() -> None:
    shapes = set()
    for values in (
        {},
        {"make_public": True},
        {"technical_indicators": False, "intelligence": False},
        {"joint_statement": True, "attack_scale": "destructive", "host_state": "willing_able"},
    ):
        fig = builder_figure(**values)
        shapes.add(tuple(t.type for t in fig.data))
    assert shapes == {("bar", "scatter", "scatter", "scatter", "scatter", "scatter", "scatter")}


def test_builder_description_reports_level_convincingness_and_options() -> None:
    text = builder_description()
    assert f"{ATTRIBUTION_LABELS['none']} (<code>none</code>)" in text
    assert "Kept secret:</b> Technical indicators" in text
    assert "convincing in public? <b>nothing public</b>" in text
    assert "<b>Can carry:</b> 1 Request the host state to act" in text
    assert "<b>Cannot carry:</b> 5 Sanctions" in text
    public = builder_description(make_public=True, joint_statement=True)
    assert "Cannot carry" not in public and "Kept secret" not in public
    assert "out of proportion" in public and "(option 7)" in public


def test_a_claim_alone_comes_with_a_warning_about_masks() -> None:
    text = builder_description(technical_indicators=False, intelligence=False,
                               claim_by_attackers=True)  # fmt: skip
    assert "names the name they chose" in text
    assert "names the name" not in builder_description(claim_by_attackers=True, make_public=True)


def test_builder_controls_start_where_the_static_figure_does() -> None:
    controls = builder_controls()
    assert list(controls) == list(BUILDER_DEFAULTS)  # the keywords builder_figure accepts
    assert control_values(controls) == dict(BUILDER_DEFAULTS)
    static = builder_figure(**BUILDER_DEFAULTS)
    assert builder_figure(**control_values(controls)).to_plotly_json() == static.to_plotly_json()
    assert [controls[k].description for k in EVIDENCE_KINDS] == [
        EVIDENCE[k].label for k in EVIDENCE_KINDS
    ]
    assert dict(controls["attack_scale"].options) == {SCALE_LABELS[s]: s for s in ATTACK_SCALES}
    assert dict(controls["host_state"].options) == {HOST_POSTURE_LABELS[h]: h for h in HOST_STATES}


def test_livefigure_redraws_when_a_box_is_ticked() -> None:
    controls = builder_controls()  # wired exactly as in the lesson
    live = LiveFigure(builder_figure, controls, builder_description, layout_columns=3)
    assert ATTRIBUTION_LABELS["none"] in live.figure.layout.title.text
    controls["make_public"].value = True
    assert ATTRIBUTION_LABELS["government_evidence"] in live.figure.layout.title.text
    assert "Cannot carry" not in live.details.value
    controls["host_state"].value = "willing_able"
    assert live.status.value == ""


# --- tables and figures from the data ----------------------------------------------------------


def test_false_flags_are_the_disguised_state_operations(
    incidents: pd.DataFrame, responses: pd.DataFrame
) -> None:
    table = false_flags(incidents, responses)
    disguised = set(incidents.loc[incidents["actor_type"] == "state_disguised", "id"])
    assert set(table["id"]) == disguised and len(table) == len(disguised)
    assert (table["years"] == table["attribution_year"] - table["start_year"]).all()
    assert table["start_year"].is_monotonic_increasing


def test_first_response_year_is_the_earliest_response() -> None:
    incidents = pd.DataFrame(
        {
            "id": ["a-2010", "b-2012"],
            "name": ["A", "B"],
            "actor": ["x", "y"],
            "actor_type": ["state_disguised", "state_disguised"],
            "host_state": ["RU", "KP"],
            "start_year": pd.array([2010, 2012], dtype="Int64"),
            "attribution": ["joint", "government"],
            "attribution_year": pd.array([2015, 2012], dtype="Int64"),
        }
    )
    responses = pd.DataFrame({"incident_id": ["a-2010", "a-2010"], "date": ["2014-05", "2013"]})
    table = false_flags(incidents, responses)
    assert table["first_response_year"].tolist() == [2013, pd.NA]
    assert table["years"].tolist() == [5, 0]


def test_false_flag_figure_has_one_start_marker_per_operation(
    incidents: pd.DataFrame, responses: pd.DataFrame
) -> None:
    table = false_flags(incidents, responses)
    fig = false_flag_figure(table)
    starts = next(t for t in fig.data if t.name == "operation starts")
    assert sorted(starts.y) == sorted(table["name"])
    level_points = sum(len(t.x) for t in fig.data if str(t.name).startswith("strongest"))
    assert level_points == len(table)
    with pytest.raises(ValueError, match=r"^table: missing column\(s\) attribution_year"):
        false_flag_figure(table.drop(columns="attribution_year"))


def test_false_flag_summary_counts_and_times_the_unmasking() -> None:
    flags = pd.DataFrame({"name": ["A", "B", "C", "D"], "years": [1, 4, 2, None]})
    assert false_flag_summary(flags) == (
        "4 disguised operations. Median time from start to the strongest attribution: "
        "2 years; longest: 4 years (B)."
    )
    one = false_flag_summary(flags.iloc[:1])
    assert one.startswith("1 disguised operation. ") and "1 year; longest: 1 year (A)." in one
    assert "1.5 years;" in false_flag_summary(flags.iloc[:2].assign(years=[1, 2]))


def test_false_flag_summary_on_the_data(incidents: pd.DataFrame, responses: pd.DataFrame) -> None:
    flags = false_flags(incidents, responses)
    longest = flags.loc[flags["years"].idxmax()]
    text = false_flag_summary(flags)
    assert text.startswith(f"{len(flags)} disguised operations.")
    assert f"attribution: {flags['years'].median():g} year" in text
    assert f"longest: {longest['years']:g} year" in text
    assert text.endswith(f"({longest['name']}).")


def test_false_flag_summary_rejects_a_wrong_table() -> None:
    with pytest.raises(ValueError, match=r"^flags: missing column\(s\) years; use false_flags"):
        false_flag_summary(pd.DataFrame({"name": ["A"]}))
    with pytest.raises(ValueError, match=r"^flags: no operation with a time to attribution"):
        false_flag_summary(pd.DataFrame({"name": ["A"], "years": [None]}))


def test_attribution_by_actor_counts_every_incident(incidents: pd.DataFrame) -> None:
    fig = attribution_by_actor_figure(incidents)
    assert isinstance(fig, go.Figure)
    assert len(fig.data) == len(ATTRIBUTION_LEVELS)
    assert sum(sum(t.y) for t in fig.data) == len(incidents)
    assert len(fig.data[0].x) == len(ACTOR_TYPES)


def test_posture_table_counts_every_incident(incidents: pd.DataFrame) -> None:
    table = posture_by_actor_table(incidents)
    assert int(table.to_numpy().sum()) == len(incidents)
    disguised = ACTOR_TYPE_LABELS["state_disguised"]
    assert list(table.index) == [ACTOR_TYPE_LABELS[a] for a in ACTOR_TYPES]
    assert (
        table.loc[disguised, HOST_POSTURE_LABELS["sponsor"]]
        == (incidents["actor_type"] == "state_disguised").sum()
    )


def test_years_to_attribution(incidents: pd.DataFrame) -> None:
    years = years_to_attribution(incidents)
    assert (years >= 0).all()
    assert len(years) == incidents["attribution_year"].notna().sum()
    with pytest.raises(ValueError, match=r"^incidents: missing column 'start_year'"):
        years_to_attribution(incidents.drop(columns="start_year"))


# --- the lesson's self-check ----------------------------------------------------------------


def test_self_check_has_numbered_ids_and_explains_every_choice() -> None:
    questions = [self_check_question(qid) for qid in attr.SELF_CHECK_IDS]
    assert [q.qid for q in questions] == [f"02.q{n}" for n in range(1, len(questions) + 1)]
    assert len(questions) >= 3
    for question in questions:
        assert len(question.choice_feedback) == len(question.choices) >= 3
        assert all(len(text) > 40 for text in question.choice_feedback.values())
    assert check("02.q2", 1).correct and not check("02.q2", 2).correct
    assert check("02.q4", "Delegation").correct
    with pytest.raises(ValueError, match=r"^qid: unknown question '02.q9'; allowed: 02.q1, 02.q2"):
        self_check_question("02.q9")


def test_self_check_cell_lists_every_question_id() -> None:
    notebook = json.loads((NOTEBOOKS_DIR / "02_proxies_and_attribution.ipynb").read_text("utf-8"))
    cells = ["".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "code"]
    quiz = next(c for c in cells if c.startswith('Quiz(\n    "Self-check"'))
    assert tuple(re.findall(r'"(02\.q\d+)"', quiz)) == attr.SELF_CHECK_IDS
    assert "MultipleChoice" not in quiz, (
        "the answer key belongs in course.lessons.l02_proxies_and_attribution"
    )


# --- course.exercises.ex02 ------------------------------------------------------------------------


def test_ex02_registers_six_tasks() -> None:
    from course.exercises import ex02

    assert [t.qid for t in ex02.TASKS] == [f"ex02.task{n}" for n in range(1, 7)]
    assert {f"ex02.task{n}" for n in range(1, 7)} <= set(registered_ids())


def test_ex02_keys_follow_the_data(incidents: pd.DataFrame) -> None:
    from course.exercises import ex02

    assert set(ex02.DISGUISED_IDS) == set(
        incidents.loc[incidents["actor_type"] == "state_disguised", "id"]
    )
    years = incidents["attribution_year"] - incidents["start_year"]
    medians = years.groupby(incidents["actor_type"], observed=True).median()
    assert check("ex02.task3", medians).correct
    assert check("ex02.task3", medians + 1).status == "incorrect"


def test_ex02_builder_task_needs_public_evidence() -> None:
    from course.exercises import ex02

    assert set(ex02.OPTION5_ENABLERS) == {"industry_report", "indictment", "joint_statement"}
    assert check("ex02.task4", set(ex02.OPTION5_ENABLERS)).correct
    wrong = check("ex02.task4", {"technical_indicators", "indictment"})
    assert wrong.status == "incorrect" and "show nothing in public" in wrong.message


def test_ex02_model_task_matches_the_model_by_hand(incidents: pd.DataFrame) -> None:
    from course.exercises import ex02

    before = assess(scenario_for(ex02.MODEL_CASE, 5, incidents=incidents))
    after = assess(scenario_for(ex02.MODEL_CASE, 5, incidents=incidents, public_evidence=0.8))
    assert "little_public_evidence" in before.warnings
    assert "little_public_evidence" not in after.warnings
    assert abs(ex02.RISK_DROP - 7 * 0.7 * (0.8 - 0.3)) < 1e-9
    assert check("ex02.task5", round(before.risk - after.risk, 2)).correct
    forgot = check("ex02.task5", 3.5)
    assert forgot.status == "incorrect" and "Multiply by the attribution" in forgot.message


def test_ex02_concept_and_open_tasks() -> None:
    assert check("ex02.task1", 1).correct
    assert check("ex02.task1", "Delegation").status == "incorrect"
    assert check("ex02.task6", {"text": "Go public in steps.", "met": {1, 2, 3, 4}}).correct
    assert check("ex02.task6", {"text": "Strike back.", "met": {4}}).status == "incorrect"
    assert check("ex02.task6", None).status == "not_answered"


# --- the lesson's texts live in content/02_proxies_and_attribution.yaml ----------------------


def _edited_copy(tmp_path: Path, name: str, edit: Callable[[dict], object]) -> Path:
    """A folder ``content`` under ``tmp_path`` holding the content file ``name`` with its
    ``texts:`` changed by ``edit`` (as in tests/test_explorer.py)."""
    folder = tmp_path / "content"
    folder.mkdir(exist_ok=True)
    raw = yaml.safe_load((CONTENT_DIR / name).read_text("utf-8"))
    edit(raw["texts"])
    (folder / name).write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), "utf-8")
    return folder


def test_evidence_words_and_builder_sentences_come_from_the_content_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def reword(texts: dict) -> None:
        texts["evidence"]["indictment"]["label"] = "Charges in court"
        texts["evidence"]["indictment"]["meaning"] = "Prosecutors name people."
        texts["builder"]["can_carry"] = "<b>Enough for:</b> ${options}."
        texts["convincingness"]["nothing"] = "nothing shown"

    folder = _edited_copy(tmp_path, "02_proxies_and_attribution.yaml", reword)
    monkeypatch.setattr(content, "CONTENT_DIR", folder)
    assert EVIDENCE["indictment"].label == "Charges in court"
    assert builder_controls()["indictment"].description == "Charges in court"
    assert "Prosecutors name people." in attr.evidence_table()["meaning"].tolist()
    text = builder_description(indictment=True)
    assert "Public: Charges in court." in text
    assert "<b>Enough for:</b> 1 Request" in text and "Can carry" not in text
    assert convincingness(0.0) == "nothing shown"


def test_a_missing_evidence_text_or_feedback_is_named(tmp_path: Path) -> None:
    from course.exercises import ex02

    def drop_meaning(texts: dict) -> None:
        del texts["evidence"]["indictment"]["meaning"]

    folder = _edited_copy(tmp_path, "02_proxies_and_attribution.yaml", drop_meaning)
    with pytest.raises(
        ContentError,
        match=r"^content/02_proxies_and_attribution.yaml: texts: evidence: indictment: no key "
        r"'meaning'; needed: label, meaning$",
    ):
        attr.TEXTS(folder)

    def why_an_enabler_fails(texts: dict) -> None:
        texts["ex02"]["why_not"]["indictment"] = "An indictment is not enough."

    folder = _edited_copy(tmp_path, "02_proxies_and_attribution.yaml", why_an_enabler_fails)
    with pytest.raises(ContentError, match=r"texts: ex02: why_not: unknown key 'indictment'"):
        ex02._TEXTS(folder)


# --- what students see: labels, whole cells, legends --------------------------------------------


def _markdown(notebook: str) -> str:
    book = json.loads((NOTEBOOKS_DIR / notebook).read_text("utf-8"))
    return "\n".join(
        "".join(c["source"]) for c in book["cells"] if c["cell_type"] == "markdown"
    ).replace("\n", " ")


def _code(notebook: str) -> str:
    book = json.loads((NOTEBOOKS_DIR / notebook).read_text("utf-8"))
    return "\n".join("".join(c["source"]) for c in book["cells"] if c["cell_type"] == "code")


def test_false_flag_view_shows_whole_masks_and_plain_words(
    incidents: pd.DataFrame, responses: pd.DataFrame
) -> None:
    """The masks are the table's point: whole, never cut with "..."; countries and levels in
    words, no raw codes, plain headers."""

    flags = false_flags(incidents, responses)
    page = html.unescape(attr.false_flag_view(flags).to_html())
    for actor in flags["actor"]:
        assert f">{actor}</td>" in page, f"mask cut off: {actor[:40]}"
    assert "...</td>" not in page and "white-space: normal" in page
    assert ">Who really acted, and the mask</th>" in page and ">actor</th>" not in page
    assert ">North Korea</td>" in page and ">KP</td>" not in page
    assert ">Named by several governments</td>" in page and ">joint</td>" not in page
    assert "row_heading" not in page
    with pytest.raises(ValueError, match=r"^flags: missing column\(s\) actor"):
        attr.false_flag_view(flags.drop(columns="actor"))


def test_evidence_and_level_views_keep_whole_text_and_labels() -> None:

    evidence = html.unescape(attr.evidence_view().to_html())
    for meaning in attr.evidence_table()["meaning"]:
        assert f">{meaning}</td>" in evidence
    assert ">Named by a government, with evidence</td>" in evidence
    assert ">technical_indicators</td>" not in evidence and ">government_evidence<" not in evidence
    levels = html.unescape(attr.level_view().to_html())
    assert ">Named by security firms</td>" in levels and ">Code in the data</th>" in levels
    for reached in level_table()["reached by"]:
        assert f">{reached}</td>" in levels
    assert "white-space: normal" in levels and "row_heading" not in levels


def test_lesson_02_shows_its_tables_through_the_views() -> None:
    code = _code("02_proxies_and_attribution.ipynb")
    for call in ("false_flag_view(flags)", "evidence_view()", "level_view()"):
        assert call in code
    assert 'flags[["name"' not in code and "evidence_table()" not in code


def test_attribution_chart_keeps_its_legend_whole_and_the_plot_wide(
    incidents: pd.DataFrame,
) -> None:
    fig = attr.attribution_by_actor_figure(incidents)
    legend = fig.layout.legend
    assert (legend.orientation, legend.yref, legend.yanchor) == ("h", "container", "bottom")
    assert fig.layout.height > 480 and fig.layout.margin.b >= 90 + 2 * 26
    assert fig.layout.yaxis.dtick == 5 and fig.layout.yaxis.tickformat == ",d"
    assert fig.layout.yaxis.title.text == "Incidents"
    assert fig.layout.xaxis.tickangle == 0


def test_false_flag_figure_wraps_names_and_counts_whole_years(
    incidents: pd.DataFrame, responses: pd.DataFrame
) -> None:
    fig = false_flag_figure(false_flags(incidents, responses))
    assert all(len(line) <= 34 for t in fig.layout.yaxis.ticktext for line in t.split("<br>"))
    assert fig.layout.xaxis.tickformat == "d" and fig.layout.xaxis.dtick in (1, 2)
    assert fig.layout.legend.yref == "container"


def test_lesson_02_prose_matches_the_data(incidents: pd.DataFrame) -> None:
    text = _markdown("02_proxies_and_attribution.ipynb")
    posture = pd.crosstab(incidents["actor_type"], incidents["host_posture"])
    # "Almost all contractors, and every disguised state operation, came from a sponsoring host."
    assert posture.loc["proxy_contractor", "sponsor"] >= 0.8 * posture.loc["proxy_contractor"].sum()
    assert posture.loc["state_disguised", "sponsor"] == posture.loc["state_disguised"].sum()
    # "Criminals are spread across the columns"; patriotic hackers and armed groups: often unknown
    assert (posture.loc["criminal"] > 0).sum() >= 4
    for kind in ("patriotic_hackers", "non_state_armed_group"):
        assert 2 * posture.loc[kind, "unknown"] >= posture.loc[kind].sum()
    assert "The patriotic hackers worked from a state that could have stopped them" not in text
    # "Nearly every incident reached at least a government statement"
    assert (
        incidents["attribution"].isin(["government", "government_evidence", "joint"])
    ).mean() > 0.9
    # "disguised state operations are the ones most often named by several governments at once"
    joint = (incidents["attribution"] == "joint").groupby(incidents["actor_type"]).mean()
    assert joint.idxmax() == "state_disguised" and "most often named by several governments" in text
    evidence = (
        (incidents["attribution"] == "government_evidence").groupby(incidents["actor_type"]).mean()
    )
    assert evidence["criminal"] > evidence["state_disguised"]


def test_false_flag_summary_reads_as_text_not_console_output() -> None:
    """print() showed the sentence in monospace, broken mid-word at the edge of the cell."""
    code = _code("02_proxies_and_attribution.ipynb")
    assert "display(Markdown(attribution.false_flag_summary(flags)))" in code
    assert "print(attribution.false_flag_summary" not in code
