"""Lesson metadata: read it, check it, and render the lesson map from it.

Why the map is generated: a course whose start page lists lessons by hand drifts from the
lessons themselves. Each lesson notebook carries its own ``course`` metadata (id, title,
objectives, minutes, prerequisites); the start page and the tests read that, so there is one
source of truth (the approach of Project Pythia's cookbook template).

The conventions checked here are enforced by ``tests/test_notebook_conventions.py``.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from course.engine.paths import NOTEBOOKS_DIR

REQUIRED_KEYS: tuple[str, ...] = ("id", "title", "objectives", "minutes", "prerequisites")
INTERACTION_KINDS: tuple[str, ...] = ("slider_end", "checkbox", "select")
"""How the browser test moves a lesson's main control (``course`` key ``interaction``)."""
LESSON_FILE = re.compile(r"^(?P<id>\d{2})_(?P<slug>[a-z0-9_]+)\.ipynb$")
SLIDE_TYPES: tuple[str, ...] = ("slide", "subslide", "fragment", "skip", "notes", "-")
SPEAKER_NOTES_MARK = "> **For the lecturer.**"
"""How a speaker-notes cell starts: a labelled blockquote, so in the notebook view it reads as a
note for the lecturer, not as lesson text (on slides it goes to the speaker view)."""


class LessonMetadataError(ValueError):
    """A lesson notebook's ``course`` metadata is missing or malformed."""


@dataclass(frozen=True)
class Lesson:
    """One lesson as described by its notebook metadata."""

    id: str
    slug: str
    title: str
    objectives: tuple[str, ...]
    minutes: int
    prerequisites: tuple[str, ...]
    path: Path
    interaction: tuple[str, str, str] | None = None
    """The lesson's main control as the browser test moves it: (kind, control label, value to
    pick; empty for sliders and checkboxes). ``None`` for a lesson without a live widget."""

    @property
    def filename(self) -> str:
        return self.path.name


def _read_notebook(path: Path) -> dict[str, Any]:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as err:
        raise LessonMetadataError(f"{path.name}: cannot be read as a notebook ({err})") from err


def read_lesson(path: str | Path) -> Lesson:
    """Read and check one lesson's metadata; errors name the notebook and the key."""
    path = Path(path)
    match = LESSON_FILE.match(path.name)
    if match is None:
        raise LessonMetadataError(
            f"{path.name}: lesson files are named NN_slug.ipynb "
            "(two digits, underscore, lowercase slug)"
        )
    meta = _read_notebook(path).get("metadata", {}).get("course")
    if not isinstance(meta, dict):
        raise LessonMetadataError(f"{path.name}: notebook metadata has no 'course' section")
    for key in REQUIRED_KEYS:
        if key not in meta:
            raise LessonMetadataError(f"{path.name}: 'course' metadata is missing the key {key!r}")
    lesson_id = meta["id"]
    if lesson_id != match["id"]:
        raise LessonMetadataError(
            f"{path.name}: 'course' key 'id' is {lesson_id!r}; it must match the file "
            f"name prefix {match['id']!r}"
        )
    title = meta["title"]
    if not isinstance(title, str) or not title.strip():
        raise LessonMetadataError(f"{path.name}: 'course' key 'title' must be a non-empty string")
    objectives = meta["objectives"]
    if (
        not isinstance(objectives, list)
        or not objectives
        or not all(isinstance(o, str) and o.strip() for o in objectives)
    ):
        raise LessonMetadataError(
            f"{path.name}: 'course' key 'objectives' must be a non-empty list of strings"
        )
    minutes = meta["minutes"]
    if isinstance(minutes, bool) or not isinstance(minutes, int) or not 1 <= minutes <= 240:
        raise LessonMetadataError(
            f"{path.name}: 'course' key 'minutes' is {minutes!r}; allowed: an integer 1..240"
        )
    prereqs = meta["prerequisites"]
    if not isinstance(prereqs, list) or not all(
        isinstance(p, str) and re.fullmatch(r"\d{2}", p) for p in prereqs
    ):
        raise LessonMetadataError(
            f"{path.name}: 'course' key 'prerequisites' must be a list of two-digit lesson ids"
        )
    interaction = meta.get("interaction")
    if interaction is not None:
        if (
            not isinstance(interaction, dict)
            or interaction.get("kind") not in INTERACTION_KINDS
            or not isinstance(interaction.get("label"), str)
            or not interaction["label"].strip()
            or not isinstance(interaction.get("value", ""), str)
        ):
            raise LessonMetadataError(
                f"{path.name}: 'course' key 'interaction' is {interaction!r}; allowed: "
                f"{{'kind': one of {', '.join(INTERACTION_KINDS)}, 'label': the control's "
                "label, 'value': the option to pick (select only)}"
            )
        interaction = (interaction["kind"], interaction["label"], interaction.get("value", ""))
    return Lesson(
        id=lesson_id,
        slug=match["slug"],
        title=title.strip(),
        objectives=tuple(o.strip() for o in objectives),
        minutes=minutes,
        prerequisites=tuple(prereqs),
        path=path,
        interaction=interaction,
    )


def lesson_paths(folder: str | Path = NOTEBOOKS_DIR) -> list[Path]:
    """Lesson notebooks in course order (by their two-digit prefix)."""
    return sorted(p for p in Path(folder).glob("*.ipynb") if LESSON_FILE.match(p.name))


def load_lessons(folder: str | Path = NOTEBOOKS_DIR) -> list[Lesson]:
    """Every lesson in ``folder``, in order, with checked metadata."""
    return [read_lesson(p) for p in lesson_paths(folder)]


def next_lesson(lesson_id: str, folder: str | Path = NOTEBOOKS_DIR) -> Lesson | None:
    """The lesson after ``lesson_id`` in course order, or None for the last one."""
    lessons = load_lessons(folder)
    ids = [lesson.id for lesson in lessons]
    if lesson_id not in ids:
        raise ValueError(f"lesson_id: got {lesson_id!r}; allowed: {', '.join(ids)}")
    position = ids.index(lesson_id)
    return lessons[position + 1] if position + 1 < len(lessons) else None


def lesson_map(folder: str | Path = NOTEBOOKS_DIR) -> pd.DataFrame:
    """The lesson map as a table: one row per lesson, with running total of time."""
    lessons = load_lessons(folder)
    frame = pd.DataFrame(
        {
            "id": [lesson.id for lesson in lessons],
            "title": [lesson.title for lesson in lessons],
            "minutes": [lesson.minutes for lesson in lessons],
            "prerequisites": [", ".join(lesson.prerequisites) or "-" for lesson in lessons],
            "objectives": [len(lesson.objectives) for lesson in lessons],
            "file": [lesson.filename for lesson in lessons],
        }
    )
    frame["cumulative_minutes"] = frame["minutes"].cumsum()
    return frame


def lesson_map_html(folder: str | Path = NOTEBOOKS_DIR) -> str:
    """The lesson map as an HTML table whose titles link to the notebooks.

    Links are relative, so they work in JupyterLab, on Binder and in an HTML export alike.
    """
    frame = lesson_map(folder)
    rows = []
    for row in frame.itertuples(index=False):
        link = f'<a href="{html.escape(row.file)}">{html.escape(row.title)}</a>'
        rows.append(
            f"<tr><td>{row.id}</td><td style='text-align:left'>{link}</td>"
            f"<td style='text-align:right'>{row.minutes}</td>"
            f"<td style='text-align:right'>{row.cumulative_minutes}</td>"
            f"<td>{html.escape(row.prerequisites)}</td></tr>"
        )
    total = int(frame["minutes"].sum()) if len(frame) else 0
    return (
        "<table class='course-lesson-map'>"
        "<thead><tr><th>Lesson</th><th style='text-align:left'>Title</th><th>Minutes</th>"
        "<th>Running total</th>"
        "<th>Builds on</th></tr></thead><tbody>"
        + "".join(rows)
        + f"</tbody><tfoot><tr><td></td><td><b>Total</b></td>"
        f"<td style='text-align:right'><b>{total}</b></td><td></td><td></td></tr></tfoot></table>"
    )


def lesson_map_figure(folder: str | Path = NOTEBOOKS_DIR):
    """A horizontal bar chart of minutes per lesson, read top to bottom in course order."""
    import plotly.graph_objects as go

    frame = lesson_map(folder)
    labels = [f"{i} {t}" for i, t in zip(frame["id"], frame["title"], strict=True)]
    fig = go.Figure(
        go.Bar(
            x=frame["minutes"],
            y=labels,
            orientation="h",
            text=[f"{m} min" for m in frame["minutes"]],
            textposition="auto",
            hovertemplate="%{y}<br>%{x} minutes<extra></extra>",
        )
    )
    fig.update_layout(
        title=f"Lessons and estimated time (total {int(frame['minutes'].sum())} minutes)",
        xaxis_title="Estimated minutes",
        yaxis={"autorange": "reversed"},
        height=max(300, 60 * len(frame) + 120),
    )
    return fig


# --- convention checks (used by the tests and by authors before committing) ---------------


def _source(cell: dict[str, Any]) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def convention_problems(path: str | Path, folder: str | Path | None = None) -> list[str]:
    """Everything in a lesson notebook that breaks the course conventions.

    Returns human-readable problems (empty when the lesson is fine) rather than raising, so a
    test can report all of them at once.
    """
    path = Path(path)
    folder = Path(folder) if folder is not None else path.parent
    problems: list[str] = []
    try:
        lesson = read_lesson(path)
    except LessonMetadataError as err:
        return [str(err)]
    nb = _read_notebook(path)
    cells = nb.get("cells", [])
    if not cells:
        return [f"{path.name}: has no cells"]

    first, last = cells[0], cells[-1]
    if first.get("cell_type") != "markdown":
        problems.append(f"{path.name}: the first cell must be markdown (title and objectives)")
    else:
        text = _source(first)
        if lesson.title not in text:
            problems.append(f"{path.name}: the first cell does not show the title {lesson.title!r}")
        for objective in lesson.objectives:
            if objective not in text:
                problems.append(
                    f"{path.name}: the first cell does not list the objective {objective!r}"
                )
        if str(lesson.minutes) not in text or "minute" not in text.lower():
            problems.append(
                f"{path.name}: the first cell does not state the time ({lesson.minutes} minutes)"
            )
    if last.get("cell_type") != "markdown" or "summary" not in _source(last).lower():
        problems.append(f"{path.name}: the last cell must be a markdown summary")
    else:
        successor = None
        lessons = load_lessons(folder)
        ids = [les.id for les in lessons]
        if lesson.id in ids and ids.index(lesson.id) + 1 < len(lessons):
            successor = lessons[ids.index(lesson.id) + 1].filename
        # The last lesson points back to the start page; the start page alone needs no link.
        expected = successor or ("00_start_here.ipynb" if lesson.id != "00" else None)
        if expected is not None and f"]({expected})" not in _source(last):
            problems.append(
                f"{path.name}: the summary must link to the next lesson as ]({expected})"
            )
    for index, cell in enumerate(cells):
        slide = cell.get("metadata", {}).get("slideshow", {}).get("slide_type")
        if slide is not None and slide not in SLIDE_TYPES:
            problems.append(
                f"{path.name}: cell {index} has slide_type {slide!r}; "
                f"allowed: {', '.join(SLIDE_TYPES)}"
            )
        text = _source(cell)
        if slide == "notes" and not text.startswith(SPEAKER_NOTES_MARK):
            problems.append(
                f"{path.name}: cell {index} is a speaker note that does not start with "
                f"{SPEAKER_NOTES_MARK!r} (a blockquote marks it as a note for the lecturer)"
            )
        elif slide != "notes" and "for the lecturer." in text.lower()[:40]:
            problems.append(
                f"{path.name}: cell {index} reads as a speaker note but its slide type is "
                f"{slide!r}; allowed: 'notes'"
            )
    return problems


def cleanliness_problems(path: str | Path) -> list[str]:
    """Outputs, execution counts or widget state left in a notebook (any notebook)."""
    path = Path(path)
    nb = _read_notebook(path)
    problems = []
    for index, cell in enumerate(nb.get("cells", [])):
        if cell.get("cell_type") != "code":
            continue
        if cell.get("outputs"):
            problems.append(f"{path.name}: cell {index} has stored outputs")
        if cell.get("execution_count") is not None:
            problems.append(f"{path.name}: cell {index} has an execution count")
    if "widgets" in nb.get("metadata", {}):
        problems.append(f"{path.name}: notebook metadata stores widget state")
    return problems


def study_plan(minutes_per_session: int, folder: str | Path = NOTEBOOKS_DIR) -> pd.DataFrame:
    """Split the course into study sessions of at most ``minutes_per_session`` minutes.

    Lessons are never split across sessions (a lesson is one sitting); a lesson longer than a
    session gets a session of its own. Drives the planning widget on the start page.
    """
    if (
        isinstance(minutes_per_session, bool)
        or not isinstance(minutes_per_session, int)
        or not 15 <= minutes_per_session <= 240
    ):
        raise ValueError(
            f"minutes_per_session: got {minutes_per_session!r}; allowed: an integer 15..240"
        )
    frame = lesson_map(folder)[["id", "title", "minutes"]].copy()
    sessions, session, used = [], 1, 0
    for minutes in frame["minutes"]:
        if used and used + minutes > minutes_per_session:
            session, used = session + 1, 0
        sessions.append(session)
        used += minutes
    frame["session"] = sessions
    return frame


def study_plan_figure(minutes_per_session: int, folder: str | Path = NOTEBOOKS_DIR):
    """Stacked bars: one bar per study session, one segment per lesson."""
    import plotly.graph_objects as go

    from course.ui.theme import FIGURE_HEIGHT

    plan = study_plan(minutes_per_session, folder)
    fig = go.Figure()
    for row in plan.itertuples(index=False):
        fig.add_bar(
            x=[f"Session {row.session}"],
            y=[row.minutes],
            name=f"{row.id} {row.title}",
            text=[row.id],
            textposition="inside",
            hovertemplate=f"{row.id} {html.escape(row.title)}<br>{row.minutes} min<extra></extra>",
        )
    n_sessions = int(plan["session"].max()) if len(plan) else 0
    longer = int((plan["minutes"] > minutes_per_session).sum())
    fig.update_layout(
        barmode="stack",
        # its own height: without one, JupyterLab draws the static planner 360 px tall and the
        # live one below it 480 px (the template's height), so the two did not look the same
        height=FIGURE_HEIGHT,
        title=study_plan_title(n_sessions, minutes_per_session, longer),
        yaxis_title="Minutes",
        showlegend=False,
        xaxis={"tickangle": 0} if n_sessions <= 8 else {},
        shapes=[
            {
                "type": "line",
                "xref": "paper",
                "x0": 0,
                "x1": 1,
                "y0": minutes_per_session,
                "y1": minutes_per_session,
                "line": {"color": "#555555", "dash": "dash", "width": 2},
            }
        ],
    )
    return fig


def plural(count: int, one: str, many: str | None = None) -> str:
    """``plural(1, "session")`` -> "1 session"; ``plural(2, "session")`` -> "2 sessions"."""
    return f"{count} {one if count == 1 else (many or one + 's')}"


def study_plan_title(sessions: int, minutes_per_session: int, longer: int = 0) -> str:
    """The planner's title, in correct English for any count ("1 session", "2 sessions"), and
    saying why a bar may rise above the session length (a lesson is never split)."""
    title = f"{plural(sessions, 'session')} of up to {plural(minutes_per_session, 'minute')}"
    if longer:
        who = "1 lesson is" if longer == 1 else f"{longer} lessons are"
        gets = "gets a session" if longer == 1 else "get a session each"
        title += f"<br><sup>{who} longer than that and {gets} (a lesson is never split)</sup>"
    return title


def progress_overview(
    folder: str | Path = NOTEBOOKS_DIR, progress: pd.DataFrame | None = None
) -> pd.DataFrame:
    """The lesson map joined with the learner's self-check results, one row per lesson.

    ``progress`` is `course.learning.progress.progress_table()` (read when not given). Lessons
    without any answer show zeros, so the table doubles as a to-do list.
    """
    from course.learning.progress import progress_table

    results = progress if progress is not None else progress_table()
    frame = lesson_map(folder)[["id", "title", "minutes"]]
    merged = frame.merge(results, how="left", left_on="id", right_on="lesson").drop(
        columns="lesson"
    )
    for column in ("attempted", "correct"):
        merged[column] = merged[column].fillna(0).astype("int64")
    return merged


def progress_overview_html(
    folder: str | Path = NOTEBOOKS_DIR, progress: pd.DataFrame | None = None
) -> str:
    """The progress overview as an HTML table, with a line saying where results are kept."""
    from course.learning.progress import progress_path

    frame = progress_overview(folder, progress)
    rows = []
    for row in frame.itertuples(index=False):
        last = "-" if pd.isna(row.last_activity) else f"{row.last_activity:%Y-%m-%d %H:%M}"
        rows.append(
            f"<tr><td>{row.id}</td><td style='text-align:left'>{html.escape(row.title)}</td>"
            f"<td style='text-align:right'>{row.attempted}</td>"
            f"<td style='text-align:right'>{row.correct}</td><td>{last}</td></tr>"
        )
    where = progress_path()
    note = (
        f"Results are kept on this computer in <code>{html.escape(str(where))}</code>."
        if where is not None
        else "Progress recording is switched off (COURSE_PROGRESS_FILE=off)."
    )
    if int(frame["attempted"].sum()) == 0:
        note = "No answers recorded yet. " + note
    return (
        "<table class='course-progress'><thead><tr><th>Lesson</th>"
        "<th style='text-align:left'>Title</th>"
        "<th>Questions tried</th><th>Answered correctly</th><th>Last activity (UTC)</th>"
        f"</tr></thead><tbody>{''.join(rows)}</tbody></table><p>{note}</p>"
    )
