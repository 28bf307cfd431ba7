"""Lesson 05, option 2 (capacity-building): help to the host or to the victim; reading a host.

Why this module exists: the brief's option 2 is help for a *host* state that is willing but
unable to act against attackers on its territory (van der Meer 2020). Two things are easily
confused with it and the lesson takes them apart with the data and with a widget:

- **Help to the victim state** (the data's ``victim_assistance``: Estonia and Poland helping
  Georgia in 2008, the US helping Costa Rica and Albania) protects the victim and acts on
  neither the attackers nor their host. :func:`help_responses`, :func:`help_outcomes` and
  :func:`help_outcomes_figure` put the two kinds side by side, with what followed each response.
- **A host that will not act** looks, from outside, much like one that cannot. The widget reads
  a host from what it has *done* (the signs in :data:`SIGNS`, ticked by the student) and hands
  the resulting three answers to lesson 03's diagnosis (``course.lessons.l03_due_diligence.
  diagnose``), so the two lessons can never disagree about a posture:

      read_signs(**ticked) -> SignReading(willing, able, involved, diagnosis, mixed)

  How the signs decide an answer: each sign counts for or against willingness, ability or
  involvement (:data:`SIGN_EFFECTS`). An answer is ``"yes"`` when only signs for it are ticked,
  ``"no"`` when only signs against it are, and ``"unknown"`` when none or both kinds are (both
  kinds is reported as *mixed*, because a host that arrests some suspects and ignores other
  requests is the hard case the lesson is about). Involvement has signs for it only: absence of
  evidence of involvement is not evidence of innocence, so it stays ``"unknown"``, which lesson
  03 reads as not involved and marks provisional.

Texts (figure titles, the signs' wording, feedback built from the data) are in
``content/05_option2_capacity_building.yaml`` under ``texts:`` (see :data:`TEXTS`). Data
functions take frames as arguments (``course.engine.data.responses_with_incidents()``); nothing
here reads files.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

import ipywidgets as w
import pandas as pd
import plotly.graph_objects as go

from course.engine.countries import country_name
from course.engine.data import OUTCOMES, RESPONSE_OUTCOMES, VICTIM_ASSISTANCE
from course.engine.labels import (
    HOST_POSTURE_LABELS,
    RESPONSE_OUTCOME_LABELS,
    SCALE_LABELS,
)
from course.learning.content import TEXT, LessonTexts, choice_question, placeholders
from course.learning.quiz import MultipleChoice, Quiz
from course.lessons.l03_due_diligence import POSTURE_TEXT, STATUSES, Diagnosis, diagnose
from course.lessons.l03_due_diligence import TEXTS as L03_TEXTS
from course.ui.figures import legend_below
from course.ui.theme import OFF_LADDER_COLOURS, PALETTE, option_colour

__all__ = [
    "DEFAULT_SIGNS",
    "DIMENSIONS",
    "HELP_KINDS",
    "SELF_CHECK_IDS",
    "SIGNS",
    "SIGN_EFFECTS",
    "TEXTS",
    "SignReading",
    "describe_signs",
    "help_outcomes",
    "help_outcomes_figure",
    "help_responses",
    "help_summary_html",
    "help_table",
    "read_signs",
    "self_check",
    "self_check_question",
    "signs_controls",
    "signs_figure",
]

# --------------------------------------------------------------------------------------------
# Vocabulary and texts
# --------------------------------------------------------------------------------------------

HELP_KINDS: Final = ("2", VICTIM_ASSISTANCE)
"""The two kinds of help the lesson contrasts: option 2 (to the host) and help to the victim."""

DIMENSIONS: Final = ("willing", "able", "involved")
"""The three questions of lesson 03's diagnosis, in the figure's order."""

SIGN_EFFECTS: Final[Mapping[str, Mapping[str, int]]] = MappingProxyType(
    {
        # sign: {dimension: +1 (a sign for it) or -1 (a sign against it)}
        "answered": MappingProxyType({"willing": 1}),
        "own_action": MappingProxyType({"willing": 1, "able": 1}),
        "joint_work": MappingProxyType({"willing": 1}),
        "asked_help": MappingProxyType({"willing": 1, "able": -1}),
        "no_means": MappingProxyType({"able": -1}),
        "ignored": MappingProxyType({"willing": -1}),
        "shielded": MappingProxyType({"involved": 1}),
    }
)
"""What each sign of the host's conduct says. Asking for training both shows will and admits a
lack of means; acting alone shows both will and means; shielding suspects shows involvement."""

SIGNS: Final = tuple(SIGN_EFFECTS)
"""The signs, in the order of the widget's checkboxes."""

DEFAULT_SIGNS: Final[Mapping[str, bool]] = MappingProxyType(
    {sign: sign in {"answered", "asked_help"} for sign in SIGNS}
)
"""Where the widget starts: a host that answered the request and asked for help (the brief's
willing but unable host). The static figure shows this reading."""

TEXTS: Final = LessonTexts(
    "05",
    {
        "kinds": dict.fromkeys(HELP_KINDS, TEXT),
        "outcomes_figure": dict.fromkeys(("title", "xaxis", "yaxis", "legend"), TEXT),
        "summary": {
            "host": placeholders("n", "incidents", "helpers", "hosts", "scales", "stopped"),
            "victim": placeholders("n", "incidents", "helpers", "victims", "hosts"),
            "outcomes": placeholders("outcomes"),
            "stopped": dict.fromkeys(OUTCOMES, TEXT),
        },
        "signs": dict.fromkeys(SIGNS, TEXT),
        "dimensions": dict.fromkeys(DIMENSIONS, TEXT),
        "signs_figure": {
            "title": placeholders("posture"),
            "title_provisional": placeholders("posture"),
            "for": TEXT,
            "against": TEXT,
            "xaxis": TEXT,
        },
        "signs_description": {
            "posture": placeholders("posture"),
            "option2": dict.fromkeys(STATUSES, TEXT),
            "mixed": dict.fromkeys(("willing", "able"), TEXT),
            "nothing": TEXT,
        },
        "outcome_feedback": dict.fromkeys(RESPONSE_OUTCOMES, TEXT),
        "outcomes_question": {
            "prompt": placeholders("total"),
            **dict.fromkeys(("right", "wrong"), placeholders("count", "total", "outcome", "why")),
        },
    },
)
"""Lesson 05's texts in ``content/05_option2_capacity_building.yaml`` (``texts:``)."""
TEXTS()

KIND_LABELS: Final = TEXTS.view("kinds")
SIGN_LABELS: Final = TEXTS.view("signs")
DIMENSION_LABELS: Final = TEXTS.view("dimensions")

KIND_COLOURS: Final[Mapping[str, str]] = MappingProxyType(
    {"2": option_colour(2), VICTIM_ASSISTANCE: OFF_LADDER_COLOURS[VICTIM_ASSISTANCE]}
)
"""Option 2 in its place on the blue ladder; help to the victim in the off-ladder green."""

_FOR_COLOUR: Final = PALETTE[0]
_AGAINST_COLOUR: Final = PALETTE[5]

# --------------------------------------------------------------------------------------------
# The data: help to the host and help to the victim
# --------------------------------------------------------------------------------------------

_HELP_COLUMNS: Final = (
    "incident_id",
    "name",
    "date",
    "responder",
    "option",
    "target",
    "victims",
    "host_state",
    "host_posture",
    "scale",
    "stopped",
    "outcome",
    "description",
)


def _require_columns(frame: pd.DataFrame, columns: tuple[str, ...]) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(
            f"joined: missing column(s) {', '.join(missing)}; pass the frame from "
            "course.engine.data.responses_with_incidents()"
        )


def _require_kind(kind: object) -> str:
    if kind not in HELP_KINDS:
        raise ValueError(f"kind: got {kind!r}; allowed: {', '.join(map(repr, HELP_KINDS))}")
    return str(kind)


def help_responses(joined: pd.DataFrame) -> pd.DataFrame:
    """Every response that is help: option 2 (to a host) and help to the victim, oldest first.

    Codes stay codes (``option``, ``outcome``, ISO country codes) so the frame can be counted;
    :func:`help_table` turns one kind into a table for students to read.
    """
    _require_columns(joined, _HELP_COLUMNS)
    rows = joined.loc[joined["option"].astype(str).isin(HELP_KINDS), list(_HELP_COLUMNS)]
    rows = rows.assign(option=rows["option"].astype(str), outcome=rows["outcome"].astype(str))
    return rows.sort_values(["date", "incident_id"], kind="stable").reset_index(drop=True)


def _names(codes: object) -> str:
    """ISO codes (``"CN;VN;XX"`` or one code) as plain names joined by commas."""
    return ", ".join(country_name(c) for c in str(codes).split(";") if c)


def help_table(joined: pd.DataFrame, kind: str) -> pd.DataFrame:
    """One kind of help (``"2"`` or ``"victim_assistance"``) as a table in plain words."""
    kind = _require_kind(kind)
    rows = help_responses(joined)
    rows = rows[rows["option"] == kind]
    helped = rows["host_state"] if kind == "2" else rows["victims"]
    return pd.DataFrame(
        {
            "Date": rows["date"].astype(str),
            "Incident": rows["name"].astype(str),
            "Helper": rows["responder"].map(_names),
            "Helped": helped.map(_names),
            "What was done": rows["description"].astype(str),
            "What followed": rows["outcome"].map(RESPONSE_OUTCOME_LABELS),
        }
    ).reset_index(drop=True)


def help_outcomes(joined: pd.DataFrame) -> pd.DataFrame:
    """Responses per kind of help (rows, :data:`HELP_KINDS`) and outcome (columns, in the
    order of ``RESPONSE_OUTCOMES``), zeros included."""
    rows = help_responses(joined)
    table = pd.crosstab(rows["option"], rows["outcome"])
    table = table.reindex(index=list(HELP_KINDS), columns=list(RESPONSE_OUTCOMES), fill_value=0)
    table.index.name, table.columns.name = "kind", "outcome"
    return table.astype(int)


def help_outcomes_figure(joined: pd.DataFrame) -> go.Figure:
    """Grouped bars: for each outcome that occurs, how many responses of each kind it followed.

    Outcomes that follow neither kind are left out so the bars stay readable; the order is that
    of the data card. Counts are whole numbers, so the axis ticks are too.
    """
    table = help_outcomes(joined)
    shown = [o for o in table.columns if table[o].sum() > 0]
    x = [RESPONSE_OUTCOME_LABELS[o] for o in shown]
    fig = go.Figure()
    for kind in HELP_KINDS:
        fig.add_bar(
            x=x,
            y=[int(table.loc[kind, o]) for o in shown],
            name=KIND_LABELS[kind],
            marker={"color": KIND_COLOURS[kind], "line": {"color": "#444", "width": 1}},
            hovertemplate=f"{KIND_LABELS[kind]}<br>%{{x}}: %{{y}} responses<extra></extra>",
        )
    say = TEXTS.view("outcomes_figure")
    fig.update_layout(
        barmode="group",
        title=say["title"],
        xaxis_title=say["xaxis"],
        yaxis={"title": say["yaxis"], "dtick": 1, "tick0": 0, "rangemode": "tozero"},
        legend={"title": {"text": say["legend"]}},
    )
    return legend_below(fig, plot_height=320, below_axis_px=70)


def _listing(values: list[str]) -> str:
    if not values:
        return "none"
    if len(values) == 1:
        return values[0]
    return ", ".join(values[:-1]) + " and " + values[-1]


def _counted(series: pd.Series, label: Mapping[str, str] | None = None) -> str:
    """ "China (5), Vietnam (2)": values by frequency, then alphabetically."""
    counts = series.value_counts()
    items = sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0])))
    return _listing([f"{label[k] if label else k} ({n})" for k, n in items])


def help_summary_html(joined: pd.DataFrame) -> str:
    """Two short paragraphs computed from the data: who helped whom, and what followed.

    The prose of the lesson stays true as the data grows; the numbers live here.
    """
    rows = help_responses(joined)
    esc = html.escape
    parts = []
    for kind in HELP_KINDS:
        part = rows[rows["option"] == kind]
        helpers = part["responder"].map(country_name)
        hosts = part.drop_duplicates("incident_id")["host_state"].map(country_name)
        values = {
            "n": len(part),
            "incidents": part["incident_id"].nunique(),
            "helpers": _counted(helpers),
        }
        if kind == "2":
            first = part.drop_duplicates("incident_id")
            values |= {
                "hosts": _counted(hosts),
                "scales": _counted(
                    first["scale"].astype(str), {k: v.lower() for k, v in SCALE_LABELS.items()}
                ),
                "stopped": _counted(first["stopped"].astype(str), TEXTS.view("summary", "stopped")),
            }
            text = TEXTS.get("summary", "host", **values)
        else:
            victims = part.drop_duplicates("incident_id")["victims"].map(_names)
            values |= {"victims": _listing(sorted(set(victims))), "hosts": _counted(hosts)}
            text = TEXTS.get("summary", "victim", **values)
        outcome_words = {k: v.lower() for k, v in RESPONSE_OUTCOME_LABELS.items()}
        outcomes = TEXTS.get(
            "summary", "outcomes", outcomes=_counted(part["outcome"], outcome_words)
        )
        parts.append(f"<p>{esc(text)} {esc(outcomes)}</p>")
    return "<div class='course-summary'>" + "".join(parts) + "</div>"


# --------------------------------------------------------------------------------------------
# Reading a host from its conduct (the widget)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SignReading:
    """What the ticked signs say about a host, and lesson 03's diagnosis from it."""

    ticked: tuple[str, ...]
    counts: Mapping[str, tuple[int, int]]
    """Per dimension: (signs for, signs against). No sign argues against involvement, so its
    answer is "yes" or "unknown", never "no"."""
    willing: str
    able: str
    involved: str
    mixed: tuple[str, ...]
    """Dimensions on which signs point both ways."""
    diagnosis: Diagnosis

    @property
    def option2_status(self) -> str:
        """What lesson 03's reasoning says about option 2 for this host."""
        return self.diagnosis.steps[1].status


def _require_signs(signs: Mapping[str, object]) -> dict[str, bool]:
    unknown = sorted(set(signs) - set(SIGNS))
    if unknown:
        raise ValueError(
            f"signs: unknown sign(s) {', '.join(unknown)}; allowed: {', '.join(SIGNS)}"
        )
    values = {sign: signs.get(sign, False) for sign in SIGNS}
    for sign, value in values.items():
        if not isinstance(value, bool):
            raise ValueError(f"{sign}: got {value!r}; allowed: True or False")
    return values


def _answer(for_: int, against: int) -> str:
    if for_ and not against:
        return "yes"
    if against and not for_:
        return "no"
    return "unknown"


def read_signs(**signs: bool) -> SignReading:
    """Read a host from the signs ticked (keyword per sign in :data:`SIGNS`, missing = False).

    See the module docstring for the rules. Unknown signs or non-bool values raise
    ``ValueError`` naming them and what is allowed.
    """
    values = _require_signs(signs)
    ticked = tuple(s for s in SIGNS if values[s])
    counts: dict[str, tuple[int, int]] = {}
    for dimension in DIMENSIONS:
        effects = [SIGN_EFFECTS[s].get(dimension, 0) for s in ticked]
        counts[dimension] = (effects.count(1), effects.count(-1))
    answers = {d: _answer(*counts[d]) for d in DIMENSIONS}
    mixed = tuple(d for d in DIMENSIONS if all(counts[d]))
    return SignReading(
        ticked=ticked,
        counts=MappingProxyType(counts),
        mixed=mixed,
        diagnosis=diagnose(answers["able"], answers["willing"], answers["involved"]),
        **answers,
    )


def signs_figure(**signs: bool) -> go.Figure:
    """Diverging bars: signs for (right) and against (left) each of the three questions.

    Always the same two traces with three bars each, so the widget redraws in place; the title
    gives lesson 03's posture for the reading (marked provisional when it rests on assumptions).
    """
    reading = read_signs(**signs)
    y = [DIMENSION_LABELS[d] for d in DIMENSIONS]
    say = TEXTS.view("signs_figure")
    fig = go.Figure()
    fig.add_bar(
        y=y,
        x=[reading.counts[d][0] for d in DIMENSIONS],
        orientation="h",
        name=say["for"],
        marker_color=_FOR_COLOUR,
        hovertemplate="%{y}: %{x} sign(s) for<extra></extra>",
    )
    fig.add_bar(
        y=y,
        x=[-reading.counts[d][1] for d in DIMENSIONS],
        orientation="h",
        name=say["against"],
        marker_color=_AGAINST_COLOUR,
        customdata=[reading.counts[d][1] for d in DIMENSIONS],
        hovertemplate="%{y}: %{customdata} sign(s) against<extra></extra>",
    )
    posture = HOST_POSTURE_LABELS[reading.diagnosis.posture]
    key = "title_provisional" if reading.diagnosis.provisional else "title"
    limit = max(3, *(max(c) for c in reading.counts.values()))
    fig.update_layout(
        title=TEXTS.get("signs_figure", key, posture=posture),
        barmode="relative",
        xaxis={
            "title": say["xaxis"],
            "range": [-limit - 0.5, limit + 0.5],
            "dtick": 1,
            "tickvals": list(range(-limit, limit + 1)),
            "ticktext": [str(abs(v)) for v in range(-limit, limit + 1)],
            "zeroline": True,
            "zerolinecolor": "#444",
        },
        yaxis={"autorange": "reversed", "title": ""},
    )
    return legend_below(fig, plot_height=240, below_axis_px=70)


def describe_signs(**signs: bool) -> str:
    """HTML under the widget's figure: the reading, what it means for option 2, and caveats."""
    reading = read_signs(**signs)
    d = reading.diagnosis
    esc = html.escape
    say = TEXTS.view("signs_description")
    posture = TEXTS.get("signs_description", "posture", posture=HOST_POSTURE_LABELS[d.posture])
    status = TEXTS.get("signs_description", "option2", reading.option2_status)
    step = d.steps[1]
    parts = [
        f"<p><strong>{esc(posture)}.</strong> {esc(POSTURE_TEXT[d.posture])}</p>",
        f"<p><strong>{esc(step.title)} (option 2): {esc(status)}</strong> {esc(step.reason)}</p>",
    ]
    notes = [TEXTS.get("signs_description", "mixed", m) for m in reading.mixed]
    # Where the signs are mixed, lesson 03's "presumed until ..." would contradict what the
    # student ticked: the mixed note replaces it.
    replaced = {L03_TEXTS.get("assumptions", m) for m in reading.mixed}
    notes += [a for a in d.assumptions if a not in replaced]
    if not reading.ticked:
        notes.insert(0, say["nothing"])
    if notes:
        parts.append("<ul>" + "".join(f"<li>{esc(n)}</li>" for n in notes) + "</ul>")
    return "<div class='course-signs'>" + "".join(parts) + "</div>"


def signs_controls(start: Mapping[str, bool] = DEFAULT_SIGNS) -> dict[str, w.Checkbox]:
    """One checkbox per sign, keyed by the parameter names of :func:`signs_figure` and
    :func:`describe_signs`, set as in ``start`` (by default :data:`DEFAULT_SIGNS`)."""
    values = _require_signs(start)
    return {
        sign: w.Checkbox(
            value=values[sign],
            description=SIGN_LABELS[sign],
            indent=False,
            layout=w.Layout(width="auto"),
        )
        for sign in SIGNS
    }


# --------------------------------------------------------------------------------------------
# Self-check (05.outcomes is built from the data)
# --------------------------------------------------------------------------------------------

SELF_CHECK_IDS: Final = ("05.q1", "05.q2", "05.q3", "05.q4", "05.outcomes")
"""Ids of lesson 05's self-check questions, in order. The question built from the data is named
``05.outcomes``, not ``05.q5``: an ``NN.qK`` id that a notebook names must be authored in its
content file (``tests/test_content.py``)."""

_Q4_CHOICES: Final = ("stopped", "continued", "arrested", "refused", "unknown")
"""The outcomes offered in 05.outcomes (the most frequent one is added if it is not among them)."""


def _q4(joined: pd.DataFrame) -> MultipleChoice:
    """Built from the data: the outcome recorded most often after option 2."""
    counts = help_outcomes(joined).loc["2"]
    total = int(counts.sum())
    if total == 0:
        raise ValueError("joined: no capacity-building (option 2) responses to ask about")
    most = int(counts.max())
    choices = list(_Q4_CHOICES)
    choices += [o for o in RESPONSE_OUTCOMES if int(counts[o]) == most and o not in choices]
    feedback = [
        TEXTS.get(
            "outcomes_question",
            "right" if int(counts[o]) == most else "wrong",
            count=int(counts[o]),
            total=total,
            outcome=RESPONSE_OUTCOME_LABELS[o],
            why=TEXTS.get("outcome_feedback", o),
        )
        for o in choices
    ]
    correct = {i for i, o in enumerate(choices, start=1) if int(counts[o]) == most}
    return MultipleChoice(
        "05.outcomes",
        TEXTS.get("outcomes_question", "prompt", total=total),
        [RESPONSE_OUTCOME_LABELS[o] for o in choices],
        answer=next(iter(correct)) if len(correct) == 1 else correct,
        feedback=feedback,
    )


def self_check_question(qid: str, joined: pd.DataFrame | None = None) -> MultipleChoice:
    """Lesson 05's self-check question ``qid`` (one of :data:`SELF_CHECK_IDS`).

    The texts live in ``content/05_option2_capacity_building.yaml``. ``"05.outcomes"`` counts the
    outcomes after option 2 in ``joined`` (``course.engine.data.responses_with_incidents()``),
    so it follows the data; the others ignore ``joined``. Unknown ids, and ``"05.outcomes"`` without
    ``joined``, raise ``ValueError``.
    """
    if qid not in SELF_CHECK_IDS:
        raise ValueError(f"qid: unknown question {qid!r}; allowed: {', '.join(SELF_CHECK_IDS)}")
    if qid == "05.outcomes":
        if joined is None:
            raise ValueError(
                "joined: question '05.outcomes' is built from the data; pass "
                "course.engine.data.responses_with_incidents()"
            )
        return _q4(joined)
    return choice_question(qid)


def self_check(joined: pd.DataFrame) -> Quiz:
    """The whole self-check (:data:`SELF_CHECK_IDS`) as one Quiz."""
    return Quiz("Self-check", [self_check_question(q, joined) for q in SELF_CHECK_IDS])
