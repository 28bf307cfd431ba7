"""The case-study explorer shared by the seven option lessons (04-10).

A student picks a real incident, sees how the escalation model scores the lesson's option for
it, changes what the model is given (how convincing and how public the attribution is, harm to
third parties, whom the measure hits, the host state's posture, the military balance, exit
conditions) and compares the choice with what states actually did and what followed.

Why it is built this way:

- **One pure function of the inputs.** :func:`case_view` turns the control values into a
  :class:`CaseView` (the assessment, the neighbouring options, the real history); the figure and
  the text are drawn from that view by :func:`case_figure` and :func:`case_html`. All three are
  unit-tested without a browser; :class:`CaseStudyExplorer` only wires controls to them.
- **Defaults come from the data.** The controls start at the incident's coded values through the
  same mappings as :func:`course.engine.data.scenario_for`, so the explorer and the exercises
  score a case the same way. Picking another incident resets those controls (and only those).
- **History beside the model.** The responses in ``data/responses.csv`` and their outcomes are
  shown under the figure, so a student can see where the model's reasoning and the record agree
  and where they part.
"""

from __future__ import annotations

import html
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

import ipywidgets as w
import pandas as pd
import plotly.graph_objects as go

from course.engine.countries import country_name
from course.engine.data import (
    ATTRIBUTION_STRENGTH,
    PUBLIC_EVIDENCE_BY_ATTRIBUTION,
    RESPONSE_OPTIONS,
    UNKNOWN,
    load_incidents,
    responses_with_incidents,
)
from course.engine.escalation import (
    FACTOR_LABELS,
    FACTORS,
    HOST_STATES,
    LEGAL_BASIS_TEXT,
    OPTIONS,
    TARGETS,
    WARNING_TEXT,
    Assessment,
    Scenario,
    assess,
)
from course.engine.labels import (
    ATTRIBUTION_LABELS,
    HOST_POSTURE_LABELS,
    RESPONSE_OPTION_LABELS,
    RESPONSE_OUTCOME_LABELS,
    SCALE_LABELS,
)
from course.ui.plotly_view import PlotlyView
from course.ui.theme import BAND_COLOURS, option_colour
from course.ui.widgets import slider

__all__ = [
    "CONTROL_FIELDS",
    "CaseStudyExplorer",
    "CaseView",
    "case_defaults",
    "case_figure",
    "case_html",
    "case_view",
    "incident_choices",
    "starred_choices",
]

CONTROL_FIELDS: Final = (
    "incident",
    "attribution",
    "public_evidence",
    "host_state",
    "target",
    "collateral_damage",
    "exit_conditions",
    "power_ratio",
)
"""The explorer's inputs, in the order of its controls."""

FROM_DATA: Final = ("attribution", "public_evidence", "host_state")
"""Inputs preset from the incident's coded fields (reset when the incident changes)."""

DEFAULTS: Final[Mapping[str, Any]] = {
    "target": "actor",
    "collateral_damage": 0.0,
    "exit_conditions": True,
    "power_ratio": 1.0,
}
"""Inputs the data does not code: the model's own defaults."""

ASSUMED_POSTURE: Final = "able_unwilling"
"""Preset when the data records no host posture. The explorer says it is an assumption: the
model needs a posture, the data does not guess one, so the student must judge it."""

TARGET_LABELS: Final[Mapping[str, str]] = {
    "actor": "The attackers only",
    "host_state": "The host state too",
}


def _require_option(option: object) -> int:
    if isinstance(option, bool) or not isinstance(option, int) or option not in OPTIONS:
        raise ValueError(f"option: {option!r} is not allowed; allowed: the numbers 1-7")
    return option


def _incident_row(incidents: pd.DataFrame, incident_id: object) -> pd.Series:
    if isinstance(incident_id, str):
        rows = incidents.loc[incidents["id"] == incident_id]
    else:  # a list would reach pandas' == and fail with "Lengths must match to compare"
        rows = incidents.iloc[:0]
    if rows.empty:
        raise ValueError(
            f"incident: {incident_id!r} is not an incident id in data/incidents.csv; allowed: "
            "an id such as " + ", ".join(repr(i) for i in incidents["id"].head(3))
        )
    return rows.iloc[0]


def case_defaults(incident_id: str, incidents: pd.DataFrame) -> dict[str, Any]:
    """The control values an incident starts from: its coded attribution, public evidence and
    host posture (through the mappings :func:`course.engine.data.scenario_for` uses), and the
    model's defaults for what the data does not code."""
    row = _incident_row(incidents, incident_id)
    level = str(row["attribution"])
    posture = str(row["host_posture"])
    return {
        "incident": incident_id,
        "attribution": ATTRIBUTION_STRENGTH[level],
        "public_evidence": PUBLIC_EVIDENCE_BY_ATTRIBUTION[level],
        "host_state": posture if posture != UNKNOWN else ASSUMED_POSTURE,
        **DEFAULTS,
    }


def incident_choices(option: int, joined: pd.DataFrame, incidents: pd.DataFrame) -> list[tuple]:
    """Dropdown entries ``(label, id)``: incidents where ``option`` was used come first (newest
    first), then the rest, so a lesson opens on its own option's real cases."""
    option = _require_option(option)
    used = set(joined.loc[joined["option"].astype(str) == str(option), "incident_id"])
    return starred_choices(incidents, used)


def starred_choices(incidents: pd.DataFrame, starred: set[str]) -> list[tuple[str, str]]:
    """Dropdown entries ``(label, id)``, the ``starred`` incidents first (marked ★), each group
    newest first: the one ordering the explorer and the case-study lab share."""
    frame = incidents.assign(starred=incidents["id"].isin(starred))
    frame = frame.sort_values(["starred", "start_year", "id"], ascending=[False, False, True])
    return [
        (f"{'★ ' if r.starred else ''}{r.name} ({r.start_year})", r.id)
        for r in frame.itertuples(index=False)
    ]


@dataclass(frozen=True)
class CaseView:
    """Everything the explorer shows for one set of inputs (a pure function's result)."""

    option: int
    incident: pd.Series
    assumed_posture: bool
    assessment: Assessment
    neighbours: dict[int, Assessment]
    history: pd.DataFrame

    @property
    def used_options(self) -> list[int]:
        """The brief's options the responding states used in this incident, in ladder order."""
        ladder = self.history.loc[self.history["option"].isin(RESPONSE_OPTIONS[:7]), "option"]
        return sorted({int(o) for o in ladder.astype(str)})


def case_view(
    option: int,
    *,
    incidents: pd.DataFrame,
    joined: pd.DataFrame,
    incident: str,
    attribution: float,
    public_evidence: float,
    host_state: str,
    target: str = "actor",
    collateral_damage: float = 0.0,
    exit_conditions: bool = True,
    power_ratio: float = 1.0,
) -> CaseView:
    """Score ``option`` for the incident with these inputs, its neighbours on the ladder, and
    collect what states really did. Bad input raises ValueError naming the field."""
    option = _require_option(option)
    row = _incident_row(incidents, incident)
    scenario = Scenario(
        option,
        attack_scale=str(row["scale"]),
        attribution=attribution,
        public_evidence=public_evidence,
        host_state=host_state,
        target=target,
        collateral_damage=collateral_damage,
        power_ratio=power_ratio,
        exit_conditions=exit_conditions,
    )
    neighbours = {
        n: assess(scenario.replace(option=n)) for n in (option - 1, option + 1) if n in OPTIONS
    }
    history = joined.loc[joined["incident_id"] == incident].sort_values("date", kind="stable")
    return CaseView(
        option=option,
        incident=row,
        assumed_posture=str(row["host_posture"]) == UNKNOWN,
        assessment=assess(scenario),
        neighbours=neighbours,
        history=history,
    )


# --- the figure ----------------------------------------------------------------------------------


def case_figure(view: CaseView) -> go.Figure:
    """Left: where the chosen option's risk comes from (points per factor). Right: the same
    case scored for the option one step down and one step up the ladder.

    Two panels laid out by hand (axis domains) rather than with ``make_subplots``: the figure is
    rebuilt on every slider move, and this keeps a redraw to about a millisecond."""
    result = view.assessment
    factors = [f for f in FACTORS if result.contributions[f] >= 0.05]
    scored = sorted({view.option: result, **view.neighbours}.items())
    left = go.Bar(
        x=[round(result.contributions[f], 1) for f in factors],
        y=[FACTOR_LABELS[f] for f in factors],
        orientation="h",
        marker_color=option_colour(view.option),
        text=[f"{result.contributions[f]:.1f}" for f in factors],
        textposition="outside",
        textfont={"size": 15},
        cliponaxis=False,
        hovertemplate="%{y}: %{x:.1f} points<extra></extra>",
        showlegend=False,
    )
    right = go.Bar(
        x=[_wrapped(OPTIONS[n].title, 12) for n, _ in scored],
        y=[round(a.risk, 1) for _, a in scored],
        marker={
            "color": [BAND_COLOURS[a.band] for _, a in scored],
            "line": {"width": [3 if n == view.option else 0 for n, _ in scored], "color": "#222"},
        },
        # two lines at full size: on one line plotly shrank a label wider than its bar
        # ("31 (moderate)" in 9 px beside "22 (low)" in 15 px)
        text=[f"{a.risk:.0f}<br>({a.band})" for _, a in scored],
        textposition="outside",
        textfont={"size": 15},
        constraintext="none",
        cliponaxis=False,
        hovertemplate="%{x}: %{y:.1f} of 100<extra></extra>",
        showlegend=False,
        xaxis="x2",
        yaxis="y2",
    )
    top = max(result.contributions[f] for f in factors)
    panel_title = {"xref": "paper", "yref": "paper", "y": 1.02, "yanchor": "bottom"}
    heading, case = _title_lines(view)
    # Room above the plot for the title, the subtitle's lines and the two-line panel titles,
    # below it for option names of up to three lines: the figure grows, the plot keeps 270 px.
    margin_top = 16 + _TITLE_LINE_PX + _CASE_LINE_PX * len(case) + 56
    return go.Figure(
        data=[left, right],
        layout={
            "title": {
                "text": heading,
                "subtitle": {"text": "<br>".join(case), "font": {"size": 16}},
                "y": 1.0,
                "yref": "container",
                "yanchor": "top",
                "pad": {"t": 16},
            },
            "height": margin_top + 270 + 90,
            "margin": {"l": 230, "r": 40, "t": margin_top, "b": 90},
            "bargap": 0.35,
            "meta": {"alt": _alt_text(view)},
            "xaxis": {
                "domain": [0.0, 0.5],
                "title": {"text": "Points of risk"},
                "range": [0, top * 1.25 + 1],
            },
            "yaxis": {"autorange": "reversed", "automargin": True},
            # level option names (plotly slants labels it finds too wide for the narrow panel)
            "xaxis2": {"domain": [0.64, 1.0], "anchor": "y2", "tickangle": 0},
            "yaxis2": {
                "anchor": "x2",
                # room above 100 for a two-line score over the tallest bar
                "range": [0, 122],
                "tickvals": [0, 25, 50, 75, 100],
                "title": {"text": "Risk (0-100)"},
            },
            "annotations": [
                {
                    **panel_title,
                    "x": 0.25,
                    "text": "Where the risk<br>comes from",
                    "showarrow": False,
                },
                {
                    **panel_title,
                    "x": 0.82,
                    "text": "One step down,<br>this, one step up",
                    "showarrow": False,
                },
            ],
        },
    )


#: Height of the title's line at the theme's title size, and of a subtitle line (16 px).
_TITLE_LINE_PX = 30
_CASE_LINE_PX = 21


def _title_lines(view: CaseView) -> tuple[str, list[str]]:
    """The option's score (the title, one line), then the option and the case (the subtitle,
    smaller, in short lines).

    On one line with the incident's name the title ran past the figure's right edge for long
    names (up to 88 characters) and was cut off; short lines also fit the static site's column.
    The title stays one line: plotly cuts off the first line of a multi-line title anchored to
    the top of the figure.
    """
    result = view.assessment
    heading = f"Option {view.option}: risk {result.risk:.0f} of 100 ({result.band})"
    case = textwrap.wrap(
        f"{OPTIONS[view.option].title}, for {view.incident['name']}", 64, break_on_hyphens=False
    )
    return heading, case


def _wrapped(text: str, width: int) -> str:
    """``text`` broken into lines of about ``width`` characters (plotly's ``<br>``), so bar
    labels stay horizontal and readable where the figure is narrow (the site, a handout)."""
    return "<br>".join(textwrap.wrap(text, width)) or text


def _alt_text(view: CaseView) -> str:
    result = view.assessment
    parts = ", ".join(
        f"{FACTOR_LABELS[f]} {result.contributions[f]:.1f}"
        for f in FACTORS
        if result.contributions[f] >= 0.05
    )
    others = "; ".join(f"option {n} scores {a.risk:.0f}" for n, a in view.neighbours.items())
    return (
        f"Bar charts: option {view.option} scores {result.risk:.0f} of 100 ({result.band}) for "
        f"{view.incident['name']}; points by factor: {parts}. {others}."
    )


# --- the text under the figure ----------------------------------------------------------------


_CELL: Final = "text-align:left;vertical-align:top;padding:2px 8px"
"""Table cells read left to right, top-aligned (JupyterLab right-aligns cells by default)."""


def _esc(value: object) -> str:
    return html.escape(str(value))


def _history_rows(history: pd.DataFrame) -> str:
    rows = []
    for r in history.itertuples(index=False):
        rows.append(
            "<tr>"
            f"<td style='{_CELL};white-space:nowrap'>{_esc(r.date)}</td>"
            f"<td style='{_CELL}'>{_esc(country_name(str(r.responder)))}</td>"
            f"<td style='{_CELL}'>{_esc(RESPONSE_OPTION_LABELS[str(r.option)])}</td>"
            f"<td style='{_CELL}'>{_esc(r.description)}</td>"
            f"<td style='{_CELL}'>{_esc(RESPONSE_OUTCOME_LABELS[str(r.outcome)])}</td>"
            "</tr>"
        )
    return "".join(rows)


def compare_with_history(view: CaseView) -> str:
    """One paragraph contrasting the student's option with the real sequence of responses."""
    used = view.used_options
    if not used:
        return (
            "No response on the brief's ladder is recorded for this incident (only police "
            "action or help to the victim), so there is no real choice to compare with."
        )
    first = view.history.iloc[0]
    strongest = max(used)
    if view.option > strongest:
        verdict = (
            f"Your option {view.option} goes further than any state went here: the strongest "
            f"real response was option {strongest}."
        )
    elif view.option in used:
        verdict = f"States did use option {view.option} here."
    else:
        verdict = (
            f"No state used option {view.option} here; they stayed at or below option {strongest}."
        )
    outcomes = sorted({RESPONSE_OUTCOME_LABELS[str(o)] for o in view.history["outcome"]})
    return (
        f"{verdict} Real responses used options {', '.join(map(str, used))}; the first came on "
        f"{first['date']} ({RESPONSE_OPTION_LABELS[str(first['option'])].lower()}, by "
        f"{country_name(str(first['responder']))}). What followed, as recorded: "
        f"{', '.join(outcomes).lower()}. The model scores choices; the record shows what "
        "states actually chose, for reasons the model leaves out."
    )


def case_html(view: CaseView) -> str:
    """Warnings, legal basis, the incident's coding and its real history, as HTML."""
    result = view.assessment
    row = view.incident
    warnings = (
        "".join(f"<li>{_esc(WARNING_TEXT[w].capitalize())}.</li>" for w in result.warnings)
        or "<li>None: the model sees nothing in these inputs that argues against it.</li>"
    )
    posture = HOST_POSTURE_LABELS[str(row["host_posture"])]
    assumed = (
        " <em>The data does not record how the host behaved: the posture set above is your "
        "assumption.</em>"
        if view.assumed_posture
        else ""
    )
    coded = (
        f"<p><strong>{_esc(row['name'])}</strong> ({_esc(row['start_year'])}): "
        f"{_esc(SCALE_LABELS[str(row['scale'])].lower())}; "
        f"{_esc(ATTRIBUTION_LABELS[str(row['attribution'])].lower())}; host state "
        f"{_esc(country_name(str(row['host_state'])))}, {_esc(posture.lower())}.{assumed}</p>"
    )
    table = (
        "<table style='border-collapse:collapse;width:100%'>"
        "<thead><tr>"
        + "".join(
            f"<th style='{_CELL}'>{h}</th>"
            for h in ("Date", "By", "Response", "What was done", "What followed")
        )
        + "</tr></thead>"
        f"<tbody>{_history_rows(view.history)}</tbody></table>"
        if not view.history.empty
        else "<p>No public response is recorded.</p>"
    )
    return (
        f"{coded}"
        f"<p><strong>Warnings</strong></p><ul>{warnings}</ul>"
        f"<p><strong>Legal basis this option needs:</strong> "
        f"{_esc(LEGAL_BASIS_TEXT[result.legal_basis])}.</p>"
        f"<p><strong>Compare with history.</strong> {_esc(compare_with_history(view))}</p>"
        f"<details open><summary><strong>What states did, and what followed</strong></summary>"
        f"{table}</details>"
    )


# --- the widget ---------------------------------------------------------------------------------


class CaseStudyExplorer(w.VBox):
    """The explorer for one option lesson: controls, the figure and the text, kept in step.

    ``CaseStudyExplorer(5)`` opens on a real incident where option 5 was used. ``values()`` are
    the current inputs, ``view`` the current :class:`CaseView`, ``refresh()`` what a control
    change runs, ``reset()`` what the reset button does; tests drive it from code.
    """

    def __init__(
        self,
        option: int,
        *,
        incidents: pd.DataFrame | None = None,
        joined: pd.DataFrame | None = None,
        incident: str | None = None,
    ) -> None:
        self.option = _require_option(option)
        self.incidents = incidents if incidents is not None else load_incidents()
        self.joined = (
            joined if joined is not None else responses_with_incidents(incidents=self.incidents)
        )
        choices = incident_choices(self.option, self.joined, self.incidents)
        start = incident if incident is not None else choices[0][1]
        defaults = case_defaults(start, self.incidents)
        style = {"description_width": "11em"}
        wide = w.Layout(width="98%")
        self.controls: dict[str, w.ValueWidget] = {
            "incident": w.Dropdown(
                options=choices, value=start, description="Incident", style=style, layout=wide
            ),
            "attribution": slider(defaults["attribution"], 0.0, 1.0, 0.05, "Attribution"),
            "public_evidence": slider(
                defaults["public_evidence"], 0.0, 1.0, 0.05, "Evidence in public"
            ),
            "host_state": w.Dropdown(
                options=[(HOST_POSTURE_LABELS[h], h) for h in HOST_STATES],
                value=defaults["host_state"],
                description="Host state",
                style=style,
                layout=wide,
            ),
            "target": w.ToggleButtons(
                options=[(TARGET_LABELS[t], t) for t in TARGETS],
                value=defaults["target"],
                description="Measure hits",
                style={**style, "button_width": "auto"},
            ),
            "collateral_damage": slider(0.0, 0.0, 1.0, 0.05, "Harm to third parties"),
            "exit_conditions": w.Checkbox(
                value=True, description="Sanctions say what ends them", indent=False
            ),
            "power_ratio": slider(1.0, 0.25, 8.0, 0.25, "Your strength ÷ theirs"),
        }
        self._holding = False
        self.reset_button = w.Button(
            description="Reset to the data", icon="undo", layout=w.Layout(width="auto")
        )
        self.reset_button.on_click(lambda _: self.reset())
        self.status = w.HTML()
        self.output = PlotlyView()
        self.details = w.HTML()
        for name, control in self.controls.items():
            control.observe(self._on_incident if name == "incident" else self._on_change, "value")
        relevant = [self.controls[n] for n in CONTROL_FIELDS if self._relevant(n)]
        grid = w.GridBox(
            relevant[1:],
            layout=w.Layout(grid_template_columns="repeat(2, minmax(0, 1fr))", width="100%"),
        )
        super().__init__(
            [relevant[0], grid, w.HBox([self.reset_button]), self.status, self.output, self.details]
        )
        self.add_class("course-case-study")
        self.refresh()

    def _relevant(self, name: str) -> bool:
        """Exit conditions matter only for sanctions, the power balance only for force."""
        return {"exit_conditions": self.option == 5, "power_ratio": self.option == 7}.get(
            name, True
        )

    def values(self) -> dict[str, Any]:
        """The current inputs, keyed as :func:`case_view` takes them."""
        return {name: control.value for name, control in self.controls.items()}

    def _set(self, values: Mapping[str, Any]) -> None:
        self._holding = True  # one redraw for many control changes
        try:
            for name, value in values.items():
                self.controls[name].value = value
        finally:
            self._holding = False
        self.refresh()

    def _on_incident(self, change: dict[str, Any]) -> None:
        defaults = case_defaults(change["new"], self.incidents)
        self._set({name: defaults[name] for name in FROM_DATA})

    def _on_change(self, _change: dict[str, Any]) -> None:
        if not self._holding:
            self.refresh()

    def reset(self) -> None:
        """Back to the incident's coded values and the model's defaults."""
        defaults = case_defaults(self.controls["incident"].value, self.incidents)
        self._set({k: v for k, v in defaults.items() if k != "incident"})

    def refresh(self) -> bool:
        """Recompute and redraw; on bad input show why and keep the last figure."""
        try:
            self.view = case_view(
                self.option, incidents=self.incidents, joined=self.joined, **self.values()
            )
        except ValueError as error:
            self.status.value = f"<span style='color:#D55E00'>&#9888; {_esc(error)}</span>"
            return False
        self.status.value = ""
        self.figure = case_figure(self.view)
        self.output.show(self.figure)
        self.details.value = case_html(self.view)
        return True


def static_case(
    option: int, incident: str | None = None, *, incidents: pd.DataFrame, joined: pd.DataFrame
) -> tuple[go.Figure, str]:
    """The explorer's opening state as a plain figure and HTML: the static fallback a lesson
    shows before the live widget (and what a static page or a slide shows)."""
    option = _require_option(option)
    start = incident or incident_choices(option, joined, incidents)[0][1]
    view = case_view(option, incidents=incidents, joined=joined, **case_defaults(start, incidents))
    return case_figure(view), case_html(view)


def options_used(joined: pd.DataFrame, option: int) -> Sequence[str]:
    """Ids of incidents in which ``option`` was used (the explorer's starred entries)."""
    option = _require_option(option)
    return sorted(set(joined.loc[joined["option"].astype(str) == str(option), "incident_id"]))
