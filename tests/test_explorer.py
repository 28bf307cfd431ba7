"""Lesson 01: the incident explorer (course.lessons.l01_nonstate_actors) and the exercise keys
(course.exercises.ex01)."""

from __future__ import annotations

import html
import inspect
import json
import re
import subprocess
import sys
from collections.abc import Callable
from functools import partial
from pathlib import Path

import pandas as pd
import pytest
import yaml

from course.engine.data import ACTOR_TYPES, RESPONSE_OPTIONS, SCALES
from course.engine.escalation import OPTIONS
from course.engine.labels import ACTOR_TYPE_LABELS, ATTRIBUTION_LABELS, SCALE_LABELS
from course.engine.paths import CONTENT_DIR, NOTEBOOKS_DIR
from course.learning import content
from course.learning.content import ContentError
from course.learning.quiz import check, get_question
from course.lessons import l01_nonstate_actors as explorer
from course.lessons.l01_nonstate_actors import (
    SCALE_COLOURS,
    UNCERTAIN_MARK,
    actor_scale_table,
    classification_questions,
    clear_scale_ids,
    explorer_controls,
    explorer_figure,
    explorer_table,
    filter_incidents,
    responses_by_actor_figure,
    self_check_question,
    year_bounds,
)
from course.ui.theme import PALETTE, option_colour
from course.ui.widgets import LiveFigure


@pytest.fixture(scope="module")
def bounds(incidents: pd.DataFrame) -> tuple[int, int]:
    return year_bounds(incidents)


def _row(incidents: pd.DataFrame, incident_id: str) -> pd.Series:
    return incidents.loc[incidents["id"] == incident_id].iloc[0]


# --------------------------------------------------------------------------- filtering


def test_year_bounds_are_the_first_and_last_start_years(incidents: pd.DataFrame) -> None:
    assert year_bounds(incidents) == (
        int(incidents["start_year"].min()),
        int(incidents["start_year"].max()),
    )
    with pytest.raises(ValueError, match="incidents: the table is empty"):
        year_bounds(incidents.iloc[:0])


def test_defaults_keep_every_incident(incidents: pd.DataFrame) -> None:
    assert len(filter_incidents(incidents)) == len(incidents)


def test_filter_by_actor_scale_and_years(incidents: pd.DataFrame) -> None:
    chosen = filter_incidents(incidents, ["criminal"], ["large"], (2015, 2021))
    expected = incidents[
        (incidents["actor_type"] == "criminal")
        & (incidents["scale"] == "large")
        & incidents["start_year"].between(2015, 2021)
    ]
    assert not expected.empty
    assert chosen["id"].tolist() == expected["id"].tolist()


def test_years_are_inclusive_and_filter_on_the_start_year(
    incidents: pd.DataFrame, bounds: tuple[int, int]
) -> None:
    low, high = bounds
    first = filter_incidents(incidents, years=(low, low))
    assert len(first) == (incidents["start_year"] == low).sum() > 0
    last = filter_incidents(incidents, years=(high, high))
    assert set(last["start_year"]) == {high}


def test_a_single_code_may_be_given_as_text(incidents: pd.DataFrame) -> None:
    assert set(filter_incidents(incidents, "hacktivist")["actor_type"]) == {"hacktivist"}


def test_empty_selection_is_an_empty_answer_not_an_error(incidents: pd.DataFrame) -> None:
    assert filter_incidents(incidents, actor_types=[]).empty
    assert filter_incidents(incidents, scales=()).empty


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"actor_types": ["criminals"]}, r"actor_types: unknown value 'criminals'; allowed: crim"),
        ({"scales": ["huge"]}, r"scales: unknown value 'huge'; allowed: small, large, destr"),
        ({"actor_types": 3}, r"actor_types: got 3; allowed: a list of values from criminal"),
        ({"years": (2020, 2010)}, r"years: start 2020 is after end 2010; allowed: two whole"),
        ({"years": (2010,)}, r"years: got \(2010,\); allowed: two whole years"),
        ({"years": "2010-2020"}, r"years: got '2010-2020'; allowed: two whole years"),
        ({"years": (2010.0, 2012)}, r"years: got \(2010.0, 2012\); allowed"),
        ({"years": (True, 2012)}, r"years: got \(True, 2012\); allowed"),
    ],
)
def test_bad_filters_name_the_field_and_what_is_allowed(
    incidents: pd.DataFrame, kwargs: dict, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        filter_incidents(incidents, **kwargs)


def test_years_outside_the_data_are_refused_not_clamped(
    incidents: pd.DataFrame, bounds: tuple[int, int]
) -> None:
    low, high = bounds
    with pytest.raises(ValueError, match=rf"reaches outside the data; allowed: .*{low} <= start"):
        filter_incidents(incidents, years=(low - 1, high))
    with pytest.raises(ValueError, match=rf"end <= {high}"):
        filter_incidents(incidents, years=(low, high + 1))


# --------------------------------------------------------------------------- figure and table


def test_figure_stacks_the_filtered_counts_by_scale(incidents: pd.DataFrame) -> None:
    fig = explorer_figure(incidents, ["criminal", "proxy_contractor"], SCALES, (2010, 2020))
    chosen = filter_incidents(incidents, ["criminal", "proxy_contractor"], SCALES, (2010, 2020))
    assert [t.name for t in fig.data] == [SCALE_LABELS[s] for s in SCALES]
    assert {t.orientation for t in fig.data} == {"h"}
    assert list(fig.data[0].y) == [ACTOR_TYPE_LABELS[a] for a in ("criminal", "proxy_contractor")]
    assert sum(sum(t.x) for t in fig.data) == len(chosen)
    criminal_small = ((chosen["actor_type"] == "criminal") & (chosen["scale"] == "small")).sum()
    assert fig.data[0].x[0] == criminal_small
    assert [t.marker.color for t in fig.data] == [SCALE_COLOURS[s] for s in SCALES]
    assert fig.layout.title.text == f"{len(chosen)} incidents that began in 2010-2020"
    assert fig.layout.barmode == "stack"
    assert fig.layout.yaxis.autorange == "reversed", "first actor type on top"


def test_figure_keeps_three_traces_whatever_the_filter(incidents: pd.DataFrame) -> None:
    full = explorer_figure(incidents)
    empty = explorer_figure(incidents, actor_types=[], scales=["small"])
    assert len(full.data) == len(empty.data) == 3
    assert len(full.data[0].y) == len(ACTOR_TYPES)
    assert "0 incidents" in empty.layout.title.text


def test_figure_rejects_bad_input_like_the_filter(incidents: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match="actor_types: unknown value 'spies'"):
        explorer_figure(incidents, actor_types=["spies"])


def test_table_lists_the_filtered_incidents_sorted_by_start(incidents: pd.DataFrame) -> None:
    table = explorer_table(incidents, ["criminal"], ["small"])
    chosen = filter_incidents(incidents, ["criminal"], ["small"])
    chosen = chosen.sort_values(["start_year", "name"], kind="stable")  # ties: by name
    assert table.count("<tr>") == len(chosen) + 1  # header row
    # Whole cells, not substrings: one incident's name can appear inside another's.
    positions = [table.index(f">{html.escape(name)}</td>") for name in chosen["name"]]
    assert positions == sorted(positions)
    assert f"{len(chosen)} incidents." in table
    assert ACTOR_TYPE_LABELS["proxy_contractor"] not in table


def test_table_marks_uncertain_fields_only(incidents: pd.DataFrame) -> None:
    def row_html(incident_id: str) -> str:
        table = explorer_table(incidents, years=(int(_row(incidents, incident_id).start_year),) * 2)
        name = html.escape(_row(incidents, incident_id)["name"])
        start = table.index(name)
        return table[start : table.index("</tr>", start)]

    goznym = row_html("goznym-2016")  # uncertain: start_year and end_year, one Years cell
    assert _row(incidents, "goznym-2016")["uncertain"] == "start_year;end_year"
    assert goznym.count(UNCERTAIN_MARK) == 1
    assert f'2016-2019 <span title="a judgement call or thin evidence">{UNCERTAIN_MARK}' in goznym
    assert _row(incidents, "wannacry-2017")["uncertain"] == ""
    assert row_html("wannacry-2017").count(UNCERTAIN_MARK) == 0  # nothing uncertain
    assert row_html("notpetya-2017").count(UNCERTAIN_MARK) == 1  # scale
    sony = row_html("sony-2014")  # scale and attribution_year: two cells
    assert _row(incidents, "sony-2014")["uncertain"] == "scale;attribution_year"
    assert sony.count(UNCERTAIN_MARK) == 2


def test_table_shows_open_ended_years_and_attribution_year(incidents: pd.DataFrame) -> None:
    mabna = _row(incidents, "mabna-2013")
    assert pd.isna(mabna["end_year"])
    table = explorer_table(incidents, ["proxy_contractor"], years=(2013, 2013))
    assert "2013-…" in table
    level = str(mabna["attribution"])  # joint since 2018 (the UK spoke beside the US charges)
    assert f"{ATTRIBUTION_LABELS[level]} ({mabna['attribution_year']})" in table


def test_table_escapes_text_and_handles_no_match(incidents: pd.DataFrame) -> None:
    tampered = incidents.copy()
    tampered.loc[tampered.index[0], "name"] = "<b>bold</b> & co"
    table = explorer_table(tampered)
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; co" in table
    assert "<b>bold</b>" not in table
    assert explorer_table(incidents, actor_types=[]) == (
        "<p><em>No incidents match these filters.</em></p>"
    )


def test_actor_scale_table_has_every_category_and_totals(incidents: pd.DataFrame) -> None:
    table = actor_scale_table(incidents)
    assert list(table.index) == [ACTOR_TYPE_LABELS[a] for a in ACTOR_TYPES] + ["Total"]
    assert list(table.columns) == [SCALE_LABELS[s] for s in SCALES] + ["Total"]
    assert table.loc["Total", "Total"] == len(incidents)
    small_criminals = (incidents["actor_type"] == "criminal") & (incidents["scale"] == "small")
    assert table.loc["Criminals", "Small-scale"] == small_criminals.sum()
    assert (table.iloc[:-1, -1] == table.iloc[:-1, :-1].sum(axis=1)).all()


# --------------------------------------------------------------------------- the widget


def test_widget_starts_unfiltered_and_updates_chart_and_table_together(
    incidents: pd.DataFrame, bounds: tuple[int, int]
) -> None:
    live = LiveFigure(  # wired exactly as in the lesson
        partial(explorer_figure, incidents),
        explorer_controls(incidents),
        describe=partial(explorer_table, incidents),
    )
    assert live.controls["years"].value == bounds
    assert set(live.controls["actor_types"].value) == set(ACTOR_TYPES)
    static = explorer_figure(incidents)
    assert [list(t.x) for t in live.figure.data] == [list(t.x) for t in static.data]

    live.controls["actor_types"].value = ("non_state_armed_group",)
    armed = filter_incidents(incidents, ["non_state_armed_group"])
    assert list(live.figure.data[0].y) == [ACTOR_TYPE_LABELS["non_state_armed_group"]]
    assert sum(sum(t.x) for t in live.figure.data) == len(armed)
    assert all(html.escape(name) in live.details.value for name in armed["name"])
    assert html.escape(_row(incidents, "sony-2014")["name"]) not in live.details.value

    live.controls["years"].value = (bounds[1], bounds[1])
    assert f"began in {bounds[1]}-{bounds[1]}" in live.figure.layout.title.text
    assert live.status.value == ""


def test_controls_are_keyed_by_the_figure_and_table_parameters(incidents: pd.DataFrame) -> None:
    controls = explorer_controls(incidents)
    for function in (explorer_figure, explorer_table):
        parameters = list(inspect.signature(function).parameters)
        assert list(controls) == parameters[1:]  # all but the data frame
    assert controls["scales"].value == SCALES
    assert [label for label, _ in controls["actor_types"].options] == [
        ACTOR_TYPE_LABELS[a] for a in ACTOR_TYPES
    ]


# --------------------------------------------------------------------------- responses figure


def test_responses_figure_counts_every_response_by_option(joined: pd.DataFrame) -> None:
    fig = responses_by_actor_figure(joined)
    assert len(fig.data) == len(RESPONSE_OPTIONS)  # the ladder, police takedowns, help to victims
    assert sum(sum(t.y) for t in fig.data) == len(joined)
    assert [t.marker.color for t in fig.data[:7]] == [option_colour(n) for n in range(1, 8)]
    assert fig.data[7].marker.color == PALETTE[1]
    assert fig.data[7].name == "Police takedown or seizure"
    armed = list(fig.data[0].x).index(ACTOR_TYPE_LABELS["non_state_armed_group"])
    strikes = ((joined["actor_type"] == "non_state_armed_group") & (joined["option"] == "7")).sum()
    assert fig.data[6].y[armed] == strikes


# --------------------------------------------------------------------------- questions


def test_clear_scale_ids_leave_out_uncertain_scales(incidents: pd.DataFrame) -> None:
    clear = clear_scale_ids(incidents)
    assert "goznym-2016" in clear and "notpetya-2017" not in clear
    assert len(clear) == (~incidents["uncertain"].str.contains("scale")).sum()


def test_classification_questions_are_built_from_the_data(incidents: pd.DataFrame) -> None:
    ids = ["goznym-2016", "colonial-2021"]
    goznym, colonial = classification_questions(incidents, ids, qid_prefix="99.scale")
    assert (goznym.qid, colonial.qid) == ("99.scale1", "99.scale2")  # ids do not name the case
    assert "goznym" not in goznym.prompt.lower()
    assert goznym.prompt.startswith(_row(incidents, "goznym-2016")["effects"])
    assert "GozNym" not in goznym.prompt, "the prompt must not give the incident away"
    assert goznym.choices == tuple(SCALE_LABELS[s] for s in SCALES)
    assert goznym.correct_options == {1}
    assert colonial.correct_options == {2}
    assert check("99.scale1", "Small-scale").correct
    wrong = check("99.scale1", 2)
    assert not wrong.correct
    assert "GozNym banking malware network is coded small-scale" in wrong.message
    assert "however large the sums" in wrong.message
    for number in (1, 2, 3):
        assert _row(incidents, "colonial-2021")["name"] in colonial.choice_feedback[number]


@pytest.mark.parametrize(
    ("ids", "message"),
    [
        ([], r"ids: got \[\]; allowed: a non-empty list"),
        ("goznym-2016", r"ids: got 'goznym-2016'; allowed: a non-empty list"),
        (["goznym-2016", "goznym-2016"], r"ids: 'goznym-2016' is listed twice"),
        (["nope-2020"], r"ids: no incident 'nope-2020' in the data; allowed: .*goznym-2016"),
        (["notpetya-2017"], r"ids: 'notpetya-2017' has an uncertain scale .*allowed: .*goznym"),
    ],
)
def test_classification_questions_reject_bad_ids(
    incidents: pd.DataFrame, ids: object, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        classification_questions(incidents, ids)  # type: ignore[arg-type]


def test_self_check_has_numbered_ids_and_explains_every_choice() -> None:
    questions = [self_check_question(qid) for qid in explorer.SELF_CHECK_IDS]
    assert [q.qid for q in questions] == [f"01.q{n}" for n in range(1, len(questions) + 1)]
    assert len(questions) >= 3
    for question in questions:
        assert len(question.choice_feedback) == len(question.choices) >= 3
        assert all(len(text) > 40 for text in question.choice_feedback.values())
        assert max(len(choice) for choice in question.choices) <= 90, "long choices overlap"
    assert check("01.q2", 1).correct and not check("01.q2", 4).correct
    with pytest.raises(ValueError, match=r"qid: unknown question '01.q9'; allowed: 01.q1, "):
        self_check_question("01.q9")


def test_self_check_cell_lists_every_question_id() -> None:
    notebook = json.loads((NOTEBOOKS_DIR / "01_nonstate_actors.ipynb").read_text("utf-8"))
    cells = ["".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "code"]
    quiz = next(c for c in cells if c.startswith('Quiz(\n    "Self-check"'))
    assert tuple(re.findall(r'"(01\.q\d+)"', quiz)) == explorer.SELF_CHECK_IDS
    assert "explorer.self_check_question(q)" in quiz


def test_scale_texts_cover_every_scale() -> None:
    for mapping in (SCALE_LABELS, explorer.SCALE_RULES, explorer.SCALE_TOOLS):
        assert tuple(mapping) == SCALES
    assert tuple(ACTOR_TYPE_LABELS) == ACTOR_TYPES


# --------------------------------------------------------------------------- exercise keys


@pytest.fixture(scope="module")
def ex01():
    from course.exercises import ex01 as module

    return module


def test_ex01_registers_five_tasks(ex01) -> None:
    assert sorted(ex01.TASKS) == [f"ex01.task{n}" for n in range(1, 6)]
    for qid, task in ex01.TASKS.items():
        assert get_question(qid) is task


def test_incidents_per_actor_type_lists_empty_types() -> None:
    from course.exercises.ex01 import incidents_per_actor_type

    frame = pd.DataFrame({"actor_type": ["criminal", "criminal", "hacktivist"]})
    counts = incidents_per_actor_type(frame)
    assert list(counts.index) == list(ACTOR_TYPES)
    assert counts["criminal"] == 2 and counts["proxy_contractor"] == 0


def test_options_used_against_keeps_the_ladder_only() -> None:
    from course.exercises.ex01 import options_used_against

    frame = pd.DataFrame(
        {
            "actor_type": ["criminal", "criminal", "criminal", "hacktivist"],
            "option": ["4", "law_enforcement", "5", "1"],
        }
    )
    assert options_used_against(frame, "criminal") == {4, 5}
    with pytest.raises(ValueError, match="actor_type: unknown value 'gang'; allowed: criminal"):
        options_used_against(frame, "gang")


def test_share_percent() -> None:
    from course.exercises.ex01 import share_percent

    frame = pd.DataFrame({"scale": ["small", "large", "large", "large"]})
    assert share_percent(frame, "small") == 25.0
    with pytest.raises(ValueError, match="incidents: the table is empty"):
        share_percent(frame.iloc[:0], "small")


def test_options_without_warning_follow_the_model(incidents: pd.DataFrame) -> None:
    from course.exercises.ex01 import options_without_warning

    assert options_without_warning("goznym-2016", "small_scale_crime", incidents) == {1, 2, 3, 4}
    assert options_without_warning("colonial-2021", "small_scale_crime", incidents) == set(OPTIONS)
    with pytest.raises(ValueError, match="warning: unknown value 'rude'; allowed: disprop"):
        options_without_warning("goznym-2016", "rude", incidents)


def test_model_incident_must_stay_small_scale_crime(ex01, incidents: pd.DataFrame) -> None:
    assert ex01._model_incident_row(incidents)["id"] == ex01.MODEL_INCIDENT
    changed = incidents.copy()
    changed["scale"] = changed["scale"].astype(str)
    changed.loc[changed["id"] == ex01.MODEL_INCIDENT, "scale"] = "large"
    with pytest.raises(ValueError, match="MODEL_INCIDENT: 'goznym-2016' is coded criminal/large"):
        ex01._model_incident_row(changed)


def test_ex01_keys_accept_the_solutions_and_reject_common_mistakes(
    ex01, incidents: pd.DataFrame, joined: pd.DataFrame
) -> None:
    assert check("ex01.task1", incidents["actor_type"].value_counts()).correct
    assert not check("ex01.task1", incidents["scale"].value_counts()).correct

    criminal = joined[
        (joined["actor_type"] == "criminal") & joined["option"].isin(RESPONSE_OPTIONS[:7])
    ]
    used = set(criminal["option"].astype(str).astype(int))
    assert check("ex01.task2", used).correct
    missing_one = check("ex01.task2", used - {min(used)})
    assert not missing_one.correct and "You left out 1 item" in missing_one.message
    assert (
        "not one of the brief's seven options"
        in check("ex01.task2", used | {"law_enforcement"}).message
    )

    share = (incidents["scale"] == "small").mean() * 100
    assert check("ex01.task3", share).correct
    assert "give a percentage" in check("ex01.task3", share / 100).message

    assert check("ex01.task4", {1, 2, 3, 4}).correct
    assert "The model warns for option 5" in check("ex01.task4", {1, 2, 3, 4, 5}).message

    advice = check("ex01.task5", {"text": "Use the police first.", "met": {1, 2, 3}})
    assert advice.correct
    assert not check("ex01.task5", {"text": "Sanction them.", "met": {1}}).correct


# --------------------------------------------------------------------------- lesson texts


def edited_copy(tmp_path: Path, name: str, edit: Callable[[dict], object]) -> Path:
    """A folder ``content`` under ``tmp_path`` holding the content file ``name`` with its
    ``texts:`` changed by ``edit`` (the other lessons' files are left out)."""
    folder = tmp_path / "content"
    folder.mkdir(exist_ok=True)
    raw = yaml.safe_load((CONTENT_DIR / name).read_text("utf-8"))
    edit(raw["texts"])
    (folder / name).write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), "utf-8")
    return folder


def test_lesson_texts_come_from_the_content_file(
    incidents: pd.DataFrame, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def reword(texts: dict) -> None:
        texts["scale_rules"]["small"] = "a reworded rule for small incidents"
        texts["scale_feedback"]["wrong"] = "Not ${chosen}. ${name}: ${scale}, ${rule}."
        texts["table_empty"] = "Nothing <left>."

    folder = edited_copy(tmp_path, "01_nonstate_actors.yaml", reword)
    monkeypatch.setattr(content, "CONTENT_DIR", folder)
    assert explorer.SCALE_RULES["small"] == "a reworded rule for small incidents"
    (goznym,) = classification_questions(incidents, ["goznym-2016"], qid_prefix="99.edited")
    name = _row(incidents, "goznym-2016")["name"]
    assert goznym.choice_feedback[2] == (
        f"Not Large-scale. {name}: small-scale, a reworded rule for small incidents."
    )
    assert "a reworded rule for small incidents" in goznym.choice_feedback[1]
    assert explorer_table(incidents, scales=[]) == "<p><em>Nothing &lt;left&gt;.</em></p>"


def _drop(*keys: object) -> Callable[[dict], object]:
    def edit(texts: dict) -> None:
        for key in keys[:-1]:
            texts = texts[key]
        del texts[keys[-1]]

    return edit


def _set(value: object, *keys: object) -> Callable[[dict], object]:
    def edit(texts: dict) -> None:
        for key in keys[:-1]:
            texts = texts[key]
        texts[keys[-1]] = value

    return edit


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (_drop("scale_tools"), r"no key 'scale_tools'; needed: scale_rules, scale_tools, "),
        (_drop("scale_rules", "large"), r"scale_rules: no key 'large'; needed: small, large, "),
        (_set("x", "scale_rules", "huge"), r"scale_rules: unknown key 'huge' \(a typo\?\); "),
        (
            _set("${efects}: how big?", "scale_question"),
            r"scale_question: unknown placeholder \$\{efects\}; allowed placeholders: "
            r"\$\{effects\}$",
        ),
        (
            _set(None, "scale_feedback", "right"),
            r"scale_feedback: right: expected a text, got None",
        ),
        (
            _set("one text", "explorer_title"),
            r"explorer_title: expected a mapping with the keys one",
        ),
    ],
)
def test_a_missing_or_misspelt_text_is_named(
    tmp_path: Path, edit: Callable[[dict], object], message: str
) -> None:
    folder = edited_copy(tmp_path, "01_nonstate_actors.yaml", edit)
    with pytest.raises(ContentError, match=rf"^content/01_nonstate_actors.yaml: texts: {message}"):
        explorer.TEXTS(folder)


def test_exercise_texts_are_checked_too(ex01, tmp_path: Path) -> None:
    folder = edited_copy(tmp_path, "01_nonstate_actors.yaml", _drop("ex01", "fraction"))
    with pytest.raises(ContentError, match=r"yaml: texts: ex01: no key 'fraction'; needed: "):
        ex01._TEXTS(folder)
    assert "scale_rules" in explorer.TEXTS(folder)  # the lesson's own texts are still complete


def test_a_broken_content_file_stops_the_import(tmp_path: Path) -> None:
    folder = edited_copy(tmp_path, "01_nonstate_actors.yaml", _drop("scale_rules", "small"))
    code = (
        "from pathlib import Path; import course.learning.content as c; "
        f"c.CONTENT_DIR = Path({str(folder)!r}); import course.lessons.l01_nonstate_actors"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert run.returncode != 0
    assert "texts: scale_rules: no key 'small'" in run.stderr.strip().splitlines()[-1]


# --------------------------------------------------------------------------- what students see


def test_an_empty_filter_says_so_instead_of_blank_axes(incidents: pd.DataFrame) -> None:
    fig = explorer_figure(incidents, actor_types=[])
    assert [a.text for a in fig.layout.annotations] == ["No incident matches these filters"]
    assert fig.layout.xaxis.visible is False and fig.layout.yaxis.visible is False
    assert len(fig.data) == 3
    nothing_small = explorer_figure(incidents, ["proxy_contractor"], ["small"])
    assert nothing_small.layout.annotations[0].text == "No incident matches these filters"
    assert not explorer_figure(incidents).layout.annotations


def test_explorer_counts_whole_incidents(incidents: pd.DataFrame) -> None:
    """A filter with a handful of incidents showed ticks at 0.5 steps."""
    fig = explorer_figure(incidents, ["non_state_armed_group"], ["small"])
    assert fig.layout.xaxis.dtick == 1 and fig.layout.xaxis.tickformat == ",d"
    assert fig.layout.xaxis.title.text == "Incidents"


def test_responses_legend_is_below_and_whole(joined: pd.DataFrame) -> None:
    fig = responses_by_actor_figure(joined)
    assert fig.layout.legend.orientation == "h" and fig.layout.legend.yref == "container"
    assert fig.layout.height >= 420 + 70 + 4 * 26, "room for the plot, the labels and 4+ rows"
    assert fig.layout.yaxis.tickformat == ",d"
    assert "Proxies for<br>a state" in fig.layout.xaxis.ticktext


def _markdown(notebook: str) -> str:
    book = json.loads((NOTEBOOKS_DIR / notebook).read_text("utf-8"))
    return "\n".join(
        "".join(c["source"]) for c in book["cells"] if c["cell_type"] == "markdown"
    ).replace("\n", " ")


def test_lesson_01_prose_matches_the_data(incidents: pd.DataFrame, joined: pd.DataFrame) -> None:
    """The data was re-verified; what the lesson says about it must still hold (or be general)."""
    text = _markdown("01_nonstate_actors.ipynb")
    # "Small-scale crime ... is only a minority of these incidents; most were coded large-scale."
    assert "only a minority of these incidents" in text
    scales = incidents["scale"].value_counts()
    assert 2 * scales["small"] < len(incidents) and scales["large"] > scales["small"]
    assert "thin sliver" not in text and "two thirds" not in text
    # "the United States alone behind more responses than any other state"
    top = joined["responder"].value_counts()
    assert top.index[0] == "US" and "more responses than any other state" in text
    # Against criminals: police takedowns, indictments and requests lead; disguised states:
    # diplomacy and sanctions; military strikes only against armed groups.
    criminal = joined.loc[joined["actor_type"] == "criminal", "option"].value_counts()
    assert set(criminal.index[:3]) == {"law_enforcement", "4", "1"}
    disguised = joined.loc[joined["actor_type"] == "state_disguised", "option"].value_counts()
    assert set(disguised.index[:2]) == {"3", "5"}
    assert set(joined.loc[joined["option"] == "7", "actor_type"]) == {"non_state_armed_group"}
    # Lecturer's note: most large-scale criminal incidents are ransomware.
    large = incidents.loc[(incidents["actor_type"] == "criminal") & (incidents["scale"] == "large")]
    ransom = (large["name"] + " " + large["effects"]).str.contains("ransom", case=False)
    assert 2 * ransom.sum() > len(large)
    # The four classification questions and the note about the first two.
    assert "four real incidents" in text
    cell = next(
        "".join(c["source"])
        for c in json.loads((NOTEBOOKS_DIR / "01_nonstate_actors.ipynb").read_text("utf-8"))[
            "cells"
        ]
        if "scale_ids = " in "".join(c["source"])
    )
    ids = re.search(r"scale_ids = (\[.*?\])", cell).group(1)
    ids = json.loads(ids)
    assert len(ids) == 4 and set(ids) <= set(clear_scale_ids(incidents))
    first, second = (_row(incidents, i) for i in ids[:2])
    assert (first["actor_type"], second["actor_type"]) == ("criminal", "criminal")
    assert (first["scale"], second["scale"]) == ("small", "large")
