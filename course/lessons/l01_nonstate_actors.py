"""Lesson 01 (non-state actors): the incident explorer, its figures, and the lesson's questions.

Why this module exists: lesson 01 lets students filter the incident data by who attacked, how
big the attack was and when it began, and see a chart and a table change together. Both are
pure functions of the filter values (``explorer_figure``, ``explorer_table``), tested without a
browser; the lesson only wires ``explorer_controls`` to them with `course.ui.widgets.LiveFigure`.

The lesson also asks students to apply the brief's line between small-scale crime and
large-scale attacks to real incidents. Those questions are *built from the data*
(``classification_questions``): the prompt is the incident's coded ``effects`` and the feedback
explains its coded ``scale`` with the coding rule of ``data/README.md``. Only incidents whose
scale is not flagged as uncertain may be used, because a question needs one defensible answer.

Data flows one way: the functions take the frames loaded by `course.engine.data`; none reads a file.

The sentences a student reads (the coding rules, the feedback, titles and captions) are in
``content/01_nonstate_actors.yaml`` under ``texts:``, where a lecturer edits them. They are read
through :class:`LessonTexts`, defined here and used by every lesson and exercise module: it
checks at import that the file holds every text a module needs.
"""

from __future__ import annotations

import html
import numbers
from collections.abc import Iterable, Mapping, Sequence
from types import MappingProxyType
from typing import Any, Final

import ipywidgets as w
import pandas as pd
import plotly.graph_objects as go

from course.engine.data import ACTOR_TYPES, RESPONSE_OPTIONS, SCALES, is_uncertain
from course.engine.labels import (
    ACTOR_TYPE_LABELS,
    ATTRIBUTION_LABELS,
    RESPONSE_OPTION_LABELS,
    SCALE_LABELS,
)
from course.learning.content import (
    TEXT,
    LessonTexts,
    choice_question,
    placeholders,
)
from course.learning.quiz import MultipleChoice
from course.ui.figures import count_bar, legend_below
from course.ui.theme import OFF_LADDER_COLOURS, PALETTE, option_colour
from course.ui.widgets import multi_select

__all__ = [
    "SCALE_COLOURS",
    "SCALE_RULES",
    "SCALE_TOOLS",
    "SELF_CHECK_IDS",
    "TEXTS",
    "UNCERTAIN_MARK",
    "actor_scale_table",
    "classification_questions",
    "clear_scale_ids",
    "explorer_controls",
    "explorer_figure",
    "explorer_table",
    "filter_incidents",
    "responses_by_actor_figure",
    "self_check_question",
    "year_bounds",
]

# --- Colours and texts of the lesson (labels of the data's codes: course.engine.labels) ------

SCALE_COLOURS: Final[Mapping[str, str]] = MappingProxyType(
    {"small": PALETTE[4], "large": PALETTE[1], "destructive": PALETTE[5]}
)
"""Sky blue, orange, vermillion from the course palette: calm to alarming, colour-blind safe."""

TEXTS: Final = LessonTexts(
    "01",
    {
        "scale_rules": dict.fromkeys(SCALES, TEXT),
        "scale_tools": dict.fromkeys(SCALES, TEXT),
        "scale_question": placeholders("effects"),
        "scale_feedback": {
            "right": placeholders("name", "scale", "rule", "tools"),
            "wrong": placeholders("chosen", "chosen_rule", "name", "scale", "rule", "tools"),
        },
        "explorer_title": dict.fromkeys(("one", "many"), placeholders("count", "start", "end")),
        "table_caption": dict.fromkeys(("one", "many"), placeholders("count", "mark")),
        "table_empty": TEXT,
        "figure_empty": TEXT,
        "uncertain_tooltip": TEXT,
        "responses_title": TEXT,
    },
)
"""Lesson 01's texts in ``content/01_nonstate_actors.yaml`` (``texts:``), checked at import."""
TEXTS()

SCALE_RULES: Final = TEXTS.view("scale_rules")
"""The course's coding rule for each scale (paraphrasing the ``scale`` rule in data/README.md)."""

SCALE_TOOLS: Final = TEXTS.view("scale_tools")
"""Why the scale matters for the choice of response, in the brief's terms."""

UNCERTAIN_MARK: Final = "†"
"""Mark put after a table cell whose value the data flags as a judgement call."""

#: Table columns and the data columns whose ``uncertain`` flag marks them.
_TABLE_FLAGS: Final[Mapping[str, tuple[str, ...]]] = MappingProxyType(
    {
        "Years": ("start_year", "end_year"),
        "Actor type": ("actor_type", "actor"),
        "Scale": ("scale",),
        "Attribution": ("attribution", "attribution_year"),
    }
)


# --- Filtering ---------------------------------------------------------------------------------


def year_bounds(incidents: pd.DataFrame) -> tuple[int, int]:
    """First and last ``start_year`` in the data: the range the year filter may cover."""
    if incidents.empty:
        raise ValueError(
            "incidents: the table is empty; load it with course.engine.data.load_incidents"
        )
    years = incidents["start_year"].dropna()
    return int(years.min()), int(years.max())


def _codes(field: str, values: Any, allowed: Sequence[str]) -> list[str]:
    """The selected codes as a list, in the vocabulary's order; unknown codes are refused."""
    if isinstance(values, str):
        values = [values]
    if not isinstance(values, Iterable):
        raise ValueError(
            f"{field}: got {values!r}; allowed: a list of values from {', '.join(allowed)}"
        )
    chosen = list(values)
    for value in chosen:
        if value not in allowed:
            raise ValueError(f"{field}: unknown value {value!r}; allowed: {', '.join(allowed)}")
    return [code for code in allowed if code in chosen]


def _year_range(years: Any, bounds: tuple[int, int]) -> tuple[int, int]:
    """Check a (start, end) pair of whole years inside ``bounds``; nothing is clamped."""
    low, high = bounds
    allowed = f"two whole years (start, end) with {low} <= start <= end <= {high}"
    if isinstance(years, str) or not isinstance(years, Sequence) or len(years) != 2:
        raise ValueError(f"years: got {years!r}; allowed: {allowed}")
    for year in years:
        if isinstance(year, bool) or not isinstance(year, numbers.Integral):
            raise ValueError(f"years: got {years!r}; allowed: {allowed}")
    start, end = int(years[0]), int(years[1])
    if start > end:
        raise ValueError(f"years: start {start} is after end {end}; allowed: {allowed}")
    if start < low or end > high:
        raise ValueError(f"years: {start}-{end} reaches outside the data; allowed: {allowed}")
    return start, end


def filter_incidents(
    incidents: pd.DataFrame,
    actor_types: Iterable[str] = ACTOR_TYPES,
    scales: Iterable[str] = SCALES,
    years: Sequence[int] | None = None,
) -> pd.DataFrame:
    """The incidents of the chosen actor types and scales that *began* within ``years``.

    ``years`` is an inclusive (start, end) pair inside :func:`year_bounds` (``None``: all
    years). Filtering on the start year keeps the rule simple to state ("began between"), since
    many campaigns have no recorded end. An empty selection of actor types or scales is allowed
    and gives an empty table: that is an answer, not an error. Unknown codes and years outside
    the data raise ``ValueError`` naming the field and what is allowed.
    """
    kinds = _codes("actor_types", actor_types, ACTOR_TYPES)
    sizes = _codes("scales", scales, SCALES)
    bounds = year_bounds(incidents)
    start, end = _year_range(years, bounds) if years is not None else bounds
    keep = (
        incidents["actor_type"].isin(kinds)
        & incidents["scale"].isin(sizes)
        & incidents["start_year"].between(start, end)
    )
    return incidents.loc[keep.fillna(False).astype(bool)]


# --- The explorer's figure and table ----------------------------------------------------------


def explorer_figure(
    incidents: pd.DataFrame,
    actor_types: Iterable[str] = ACTOR_TYPES,
    scales: Iterable[str] = SCALES,
    years: Sequence[int] | None = None,
) -> go.Figure:
    """Horizontal bars: incidents per actor type, stacked by scale, for the current filter.

    Always three traces (one per scale, in a fixed colour), so the widget updates in place; the
    bars list the selected actor types only, in the data's order from the top. Horizontal, so
    the labels stay readable however narrow the widget is.
    """
    kinds = _codes("actor_types", actor_types, ACTOR_TYPES)
    chosen = filter_incidents(incidents, kinds, scales, years)
    start, end = _year_range(years, year_bounds(incidents)) if years else year_bounds(incidents)
    fig = count_bar(
        chosen,
        "actor_type",
        colour_by="scale",
        order=kinds,
        colour_order=SCALES,
        title=_counted("explorer_title", len(chosen), start=start, end=end),
        labels={**ACTOR_TYPE_LABELS, **SCALE_LABELS, "scale": "Scale"},
        horizontal=True,
        empty_message=TEXTS.get("figure_empty"),
    )
    for trace, scale in zip(fig.data, SCALES, strict=True):
        trace.update(
            marker_color=SCALE_COLOURS[scale],
            hovertemplate=f"%{{y}}: %{{x}} {SCALE_LABELS[scale].lower()}<extra></extra>",
        )
    fig.update_layout(xaxis_title="Incidents", yaxis_title="")
    return fig


def _counted(key: str, count: int, **values: Any) -> str:
    """The text ``key`` in its singular form ("one") for 1, else its plural form ("many")."""
    return TEXTS.get(key, "one" if count == 1 else "many", count=count, **values)


def _years_text(start: Any, end: Any) -> str:
    if pd.isna(end):
        return f"{start}-…"
    return f"{start}" if int(start) == int(end) else f"{start}-{end}"


def _mark(text: str, flagged: bool) -> str:
    """Escape a cell; add the uncertainty mark with a tooltip when flagged."""
    cell = html.escape(text)
    if flagged:
        tooltip = html.escape(TEXTS.get("uncertain_tooltip"))
        cell += f' <span title="{tooltip}">{UNCERTAIN_MARK}</span>'
    return cell


def explorer_table(
    incidents: pd.DataFrame,
    actor_types: Iterable[str] = ACTOR_TYPES,
    scales: Iterable[str] = SCALES,
    years: Sequence[int] | None = None,
) -> str:
    """HTML table of the filtered incidents: name, years, actor type, scale, attribution.

    A cell whose value the data flags in its ``uncertain`` column gets a † mark, so students
    see which codings another coder might have made differently. Sorted by start year.
    """
    chosen = filter_incidents(incidents, actor_types, scales, years)
    if chosen.empty:
        return f"<p><em>{html.escape(TEXTS.get('table_empty'))}</em></p>"
    chosen = chosen.sort_values(["start_year", "name"], kind="stable")
    flags = {
        label: pd.concat([is_uncertain(chosen, col) for col in cols], axis=1).any(axis=1)
        for label, cols in _TABLE_FLAGS.items()
    }
    head = "".join(
        f"<th style='text-align:left;padding:2px 8px'>{name}</th>"
        for name in ("Incident", *_TABLE_FLAGS)
    )
    rows = []
    for index, row in chosen.iterrows():
        attribution = ATTRIBUTION_LABELS[str(row["attribution"])]
        if not pd.isna(row["attribution_year"]):
            attribution += f" ({row['attribution_year']})"
        cells = [
            html.escape(str(row["name"])),
            _mark(_years_text(row["start_year"], row["end_year"]), flags["Years"][index]),
            _mark(ACTOR_TYPE_LABELS[str(row["actor_type"])], flags["Actor type"][index]),
            _mark(SCALE_LABELS[str(row["scale"])], flags["Scale"][index]),
            _mark(attribution, flags["Attribution"][index]),
        ]
        styles = ["padding:2px 8px", "padding:2px 8px;white-space:nowrap"] + ["padding:2px 8px"] * 3
        rows.append(
            "<tr>"
            + "".join(f"<td style='{st}'>{c}</td>" for st, c in zip(styles, cells, strict=True))
            + "</tr>"
        )
    caption = _counted("table_caption", len(chosen), mark=UNCERTAIN_MARK)
    return (
        # A scrolling box must be reachable by keyboard (tabindex) and named for screen readers.
        "<div class='course-explorer-table' style='max-height:420px;overflow-y:auto' "
        "tabindex='0' role='region' aria-label='Incidents in the selection'>"
        f"<table style='border-collapse:collapse;font-size:15px'><caption style="
        f"'caption-side:bottom;text-align:left;padding-top:4px'>{caption}</caption>"
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
    )


def actor_scale_table(incidents: pd.DataFrame) -> pd.DataFrame:
    """Incidents per actor type (rows) and scale (columns), with totals, in plain-words labels.

    Every actor type and scale gets a row or column even when empty, so the table shows what
    the data lacks as well as what it has.
    """
    table = pd.crosstab(
        pd.Categorical(incidents["actor_type"].astype(str), categories=list(ACTOR_TYPES)),
        pd.Categorical(incidents["scale"].astype(str), categories=list(SCALES)),
        dropna=False,
    )
    table.index = [ACTOR_TYPE_LABELS[code] for code in ACTOR_TYPES]
    table.columns = [SCALE_LABELS[code] for code in SCALES]
    table["Total"] = table.sum(axis=1)
    table.loc["Total"] = table.sum(axis=0)
    table.index.name = "Who attacked"
    return table.astype(int)


# --- The widget --------------------------------------------------------------------------------


def explorer_controls(incidents: pd.DataFrame) -> dict[str, w.ValueWidget]:
    """The explorer's controls, set to show everything (the static figure's view).

    Keyed by the parameter names of :func:`explorer_figure` and :func:`explorer_table`, so the
    lesson wires them with ``LiveFigure(partial(explorer_figure, incidents), controls,
    describe=partial(explorer_table, incidents))``.
    """
    low, high = year_bounds(incidents)
    wide = {"description_width": "initial"}
    return {
        "actor_types": multi_select(ACTOR_TYPE_LABELS, "Who attacked"),
        "scales": multi_select(SCALE_LABELS, "Scale"),
        "years": w.IntRangeSlider(
            value=(low, high),
            min=low,
            max=high,
            step=1,
            description="Began between",
            continuous_update=False,
            style=wide,
            layout=w.Layout(width="auto"),
        ),
    }


# --- Responses per kind of attacker ------------------------------------------------------------


def responses_by_actor_figure(joined: pd.DataFrame) -> go.Figure:
    """Bars: public responses per kind of attacker, stacked by the brief's option.

    ``joined`` is `course.engine.data.responses_with_incidents()`. The seven options run from pale
    to dark (rising escalation risk); police takedowns, which sit outside the brief's ladder, get
    their own contrasting colour.
    """
    labels = {**ACTOR_TYPE_LABELS, **RESPONSE_OPTION_LABELS, "actor_type": "", "option": "Option"}
    fig = count_bar(
        joined,
        "actor_type",
        colour_by="option",
        order=ACTOR_TYPES,
        colour_order=RESPONSE_OPTIONS,
        title=TEXTS.get("responses_title"),
        labels=labels,
    )
    for trace, code in zip(fig.data, RESPONSE_OPTIONS, strict=True):
        on_ladder = code.isdigit()
        trace.marker.color = option_colour(int(code)) if on_ladder else OFF_LADDER_COLOURS[code]
    fig.update_layout(yaxis_title="Responses")
    return legend_below(fig, plot_height=420, below_axis_px=70)


# --- Classification questions built from the data ----------------------------------------------


def clear_scale_ids(incidents: pd.DataFrame) -> list[str]:
    """Ids of incidents whose ``scale`` is not flagged uncertain: fair material for a quiz."""
    return incidents.loc[~is_uncertain(incidents, "scale"), "id"].astype(str).tolist()


def _scale_feedback(row: pd.Series, chosen: str) -> str:
    coded = str(row["scale"])
    return TEXTS.get(
        "scale_feedback",
        "right" if chosen == coded else "wrong",
        chosen=SCALE_LABELS[chosen],
        chosen_rule=SCALE_RULES[chosen],
        name=str(row["name"]),
        scale=SCALE_LABELS[coded].lower(),
        rule=SCALE_RULES[coded],
        tools=SCALE_TOOLS[coded],
    )


def classification_questions(
    incidents: pd.DataFrame, ids: Sequence[str], *, qid_prefix: str = "01.scale"
) -> list[MultipleChoice]:
    """One "small, large or destructive?" question per incident id, built from the data.

    The prompt is the incident's ``effects`` (what happened, without its name or scale); the
    feedback for every choice names the incident, gives its coded scale and the coding rule,
    and says why the scale matters for the response. Question ids are ``qid_prefix`` plus the
    position (``01.scale1``, ...): the id is shown above the question, so it must not give the
    incident away.

    Raises ``ValueError`` for an empty or repeated list, an unknown id, or an incident whose
    scale the data flags as uncertain (a quiz needs one defensible answer).
    """
    if isinstance(ids, str) or not isinstance(ids, Sequence) or not ids:
        raise ValueError(f"ids: got {ids!r}; allowed: a non-empty list of incident ids")
    repeated = sorted({i for i in ids if list(ids).count(i) > 1})
    if repeated:
        raise ValueError(f"ids: {repeated[0]!r} is listed twice; allowed: each id once")
    clear = clear_scale_ids(incidents)
    by_id = incidents.set_index(incidents["id"].astype(str))
    questions = []
    for position, incident_id in enumerate(ids, start=1):
        if incident_id not in by_id.index:
            raise ValueError(
                f"ids: no incident {incident_id!r} in the data; allowed: {', '.join(clear)}"
            )
        if incident_id not in clear:
            raise ValueError(
                f"ids: {incident_id!r} has an uncertain scale (a judgement call), so it has no "
                f"single right answer; allowed: {', '.join(clear)}"
            )
        row = by_id.loc[incident_id]
        questions.append(
            MultipleChoice(
                f"{qid_prefix}{position}",
                TEXTS.get("scale_question", effects=row["effects"]),
                [SCALE_LABELS[s] for s in SCALES],
                answer=SCALES.index(str(row["scale"])) + 1,
                feedback=[_scale_feedback(row, s) for s in SCALES],
                style="toggle",
            )
        )
    return questions


# --- The lesson's self-check -------------------------------------------------------------------


SELF_CHECK_IDS: Final = ("01.q1", "01.q2", "01.q3", "01.q4", "01.q5")
"""Ids of lesson 01's self-check questions, in order."""


def self_check_question(qid: str) -> MultipleChoice:
    """Lesson 01's self-check question ``qid`` (one of :data:`SELF_CHECK_IDS`).

    The text lives in ``content/01_nonstate_actors.yaml`` (a lecturer edits it there), not in a
    notebook cell, so the answer key is not printed above the question.
    """
    if qid not in SELF_CHECK_IDS:
        raise ValueError(f"qid: unknown question {qid!r}; allowed: {', '.join(SELF_CHECK_IDS)}")
    return choice_question(qid)
