"""Execute every lesson and exercise notebook once, for the static publications.

Usage::

    python scripts/execute_notebooks.py [--out build/executed] [--jobs 2] [--force]

Which notebooks
    Every lesson in the lesson map (``course.learning.lesson_map``) and the exercise notebook
    next to it, as committed in ``exercises/`` (the student edition: task cells hold a
    placeholder and still run). The copies keep the repository layout
    (``<out>/notebooks/``, ``<out>/exercises/``) so links between them still resolve.

How
    nbclient, in this Python's ``python3`` kernel, at most ``--jobs`` kernels at a time (the
    machine has 2 cores), each notebook from its own folder as the working directory, with
    ``COURSE_PROGRESS_FILE=off`` so no self-check answer lands in anyone's progress file. A
    notebook whose inputs (its own file, ``course/``, ``content/``, ``data/``) have not changed
    since its executed copy was made is not run again (``--force`` runs it anyway): ``make
    book``, ``make slides`` and ``make handouts`` share one execution pass.

What the copies get for static use (the notebooks in the repository never change)
    - every plotly figure (``application/vnd.plotly.v1+json``) also gets a ``text/html``
      rendering made by ``plotly.io.to_html(..., include_plotlyjs=False)``: the page that shows
      it ships plotly.js once; the figure ``<div>`` carries ``role="figure"`` and an
      ``aria-label``: the figure's own alt text (``layout.meta.alt``, as the case-study figures
      set it) or one made from its title and axis titles;
    - ipywidgets outputs are dropped (a static page has no kernel; no widget state is kept)
      and replaced by a short note that the control is live in JupyterLab, on Binder and with
      ``make present``; a widget's own static fallback (the quizzes' HTML) stays;
    - any output that would load a script, stylesheet or font from the internet fails the run,
      naming the notebook and the cell.

Exit status 1 when a notebook fails to run or breaks the offline rule, after reporting all.
"""

from __future__ import annotations

import argparse
import hashlib
import html
import json
import os
import re
import sys
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError
from nbformat import NotebookNode

sys.path.insert(0, str(Path(__file__).resolve().parent))

from publication import (
    EXECUTED_DIR,
    PLOTLY_MIME,
    REPO_ROOT,
    WIDGET_MIME,
    Source,
    publication_sources,
    remote_assets,
)

INPUT_FOLDERS = ("course", "content", "data")
"""What a notebook's outputs depend on besides its own file (plus the scripts below)."""
SCRIPTS = ("execute_notebooks.py", "publication.py")
"""The post-processing is part of the copy: a change to it makes every copy stale."""
CELL_TIMEOUT = 600
FINGERPRINT_KEY = "course_publish"
DEFAULT_FIGURE_HEIGHT = 450
LIVE_NOTE = (
    "Interactive control: it works when the lesson runs live, in JupyterLab, on Binder or "
    "with <code>make present</code>. This page shows the lesson without a running kernel."
)
_TAGS = re.compile(r"<[^>]+>")


# --------------------------------------------------------------------------- fingerprints


def _inputs_digest() -> str:
    """One hash over every file the lessons read (course code, teaching text, data) and the
    scripts that post-process the executed copies."""
    digest = hashlib.sha256()
    for folder in INPUT_FOLDERS:
        for path in sorted((REPO_ROOT / folder).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(REPO_ROOT)).encode())
                digest.update(path.read_bytes())
    for name in SCRIPTS:
        digest.update((Path(__file__).resolve().parent / name).read_bytes())
    return digest.hexdigest()


def fingerprint(source: Path, inputs_digest: str) -> str:
    """The notebook file plus the shared inputs: equal fingerprints, equal outputs."""
    return hashlib.sha256(source.read_bytes() + inputs_digest.encode()).hexdigest()


def is_current(target: Path, wanted: str) -> bool:
    """True when ``target`` was executed from exactly these inputs."""
    if not target.is_file():
        return False
    try:
        meta = json.loads(target.read_text(encoding="utf-8")).get("metadata", {})
    except (OSError, json.JSONDecodeError):
        return False
    return meta.get(FINGERPRINT_KEY, {}).get("fingerprint") == wanted


# --------------------------------------------------------------------------- figures


def _text(value: Any) -> str:
    """A plotly title (a string or ``{"text": ...}``) as plain text, without markup."""
    if isinstance(value, dict):
        value = value.get("text", "")
    text = _TAGS.sub(" ", str(value or "")).replace("&nbsp;", " ")
    return " ".join(html.unescape(text).split())


def figure_alt(figure: dict[str, Any]) -> str:
    """Alt text for a figure: the course's own description (``layout.meta.alt``), else its
    title and axis titles, else what its series are."""
    layout = figure.get("layout", {}) or {}
    meta = layout.get("meta")
    if isinstance(meta, dict) and isinstance(meta.get("alt"), str) and meta["alt"].strip():
        return meta["alt"].strip()
    parts = []
    title = _text(layout.get("title"))
    if title:
        parts.append(title)
    for key in sorted(k for k in layout if re.fullmatch(r"[xy]axis\d*", k)):
        axis_title = _text((layout[key] or {}).get("title"))
        if axis_title:
            direction = "horizontal" if key.startswith("x") else "vertical"
            parts.append(f"{direction} axis: {axis_title}")
    traces = figure.get("data", []) or []
    kinds = sorted({str(t.get("type", "scatter")) for t in traces})
    names = [str(t["name"]) for t in traces if t.get("name")]
    chart = f"{' and '.join(kinds) or 'empty'} chart"
    if names:
        shown = ", ".join(names[:8]) + (f" and {len(names) - 8} more" if len(names) > 8 else "")
        chart += f" of {shown}"
    if not parts:
        return f"Interactive {chart}."
    return f"{'. '.join(parts)} ({chart})."


def _figure_height(figure: dict[str, Any]) -> int:
    layout = figure.get("layout", {}) or {}
    template = (layout.get("template") or {}).get("layout", {}) or {}
    height = layout.get("height") or template.get("height") or DEFAULT_FIGURE_HEIGHT
    return int(height)


def figure_html(figure: dict[str, Any], div_id: str) -> str:
    """The figure as an HTML fragment that needs plotly.js on the page (not inlined), with its
    alt text on the figure ``<div>`` (``role="figure"``, ``aria-label``)."""
    import plotly.io as pio

    fragment = pio.to_html(
        figure,
        config=figure.get("config") or {"responsive": True},
        include_plotlyjs=False,
        full_html=False,
        default_height=f"{_figure_height(figure)}px",
        validate=False,
        div_id=div_id,
    )
    label = html.escape(figure_alt(figure), quote=True)
    named = f'class="plotly-graph-div" role="figure" aria-label="{label}"'
    marked = fragment.replace('class="plotly-graph-div"', named, 1)
    if marked == fragment:
        raise ValueError(f"plotly.io.to_html gave no plotly-graph-div for {div_id}")
    return marked


# --------------------------------------------------------------------------- post-processing


def _live_note() -> NotebookNode:
    return nbformat.v4.new_output(
        "display_data",
        data={
            "text/html": f'<p class="course-live-note">{LIVE_NOTE}</p>',
            "text/plain": _TAGS.sub("", LIVE_NOTE),
        },
    )


def _static_output(output: NotebookNode, div_id: str) -> list[NotebookNode]:
    """One output as a static page shows it (a list: a widget may become note + fallback)."""
    data = output.get("data", {})
    if PLOTLY_MIME in data:
        data["text/html"] = figure_html(data[PLOTLY_MIME], div_id)
        return [output]
    if WIDGET_MIME in data:
        del data[WIDGET_MIME]
        output.get("metadata", {}).pop(WIDGET_MIME, None)
        has_fallback = any(mime in data for mime in ("text/html", "text/markdown", "image/png"))
        return [_live_note(), output] if has_fallback else [_live_note()]
    return [output]


def make_static(notebook: NotebookNode, name: str) -> list[str]:
    """Turn an executed notebook into one a static page can show (see the module doc); return
    the outputs that would still load something from the internet."""
    notebook.metadata.pop("widgets", None)
    problems = []
    prefix = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "code":
            continue
        outputs: list[NotebookNode] = []
        for number, output in enumerate(cell.outputs):
            outputs += _static_output(output, f"fig-{prefix}-{index}-{number}")
        cell.outputs = outputs
        for output in outputs:
            for mime in ("text/html", "text/markdown"):
                text = output.get("data", {}).get(mime)
                for remote in remote_assets(text) if isinstance(text, str) else []:
                    problems.append(f"{name}, cell {index}: an output loads {remote}")
    return problems


# --------------------------------------------------------------------------- execution


def execute_one(source: Source, target: Path, wanted: str) -> float:
    """Run one notebook into ``target``; return the seconds it took. Raises with the notebook
    name on a failing cell or an output that would reach the internet."""
    started = time.perf_counter()
    notebook = nbformat.read(str(source.path), as_version=4)
    client = NotebookClient(
        notebook,
        timeout=CELL_TIMEOUT,
        kernel_name="python3",
        resources={"metadata": {"path": str(source.path.parent)}},
    )
    try:
        client.execute(env={**os.environ, "COURSE_PROGRESS_FILE": "off"})
    except CellExecutionError as error:
        raise RuntimeError(f"{source.relative}: a cell failed\n{error}") from None
    problems = make_static(notebook, source.stem)
    if problems:
        raise RuntimeError("\n".join(problems))
    notebook.metadata[FINGERPRINT_KEY] = {"fingerprint": wanted, "source": str(source.relative)}
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, str(target))
    return time.perf_counter() - started


def execute_all(out: Path, jobs: int = 2, force: bool = False) -> list[str]:
    """Execute every publication source that is not current into ``out``; return errors."""
    digest = _inputs_digest()
    todo = []
    for source in publication_sources():
        target = out / source.relative
        wanted = fingerprint(source.path, digest)
        if force or not is_current(target, wanted):
            todo.append((source, target, wanted))
    skipped = len(publication_sources()) - len(todo)
    if skipped:
        print(f"execute_notebooks: {skipped} notebook(s) unchanged since their last run")
    errors: list[str] = []

    def run(item: tuple[Source, Path, str]) -> None:
        source, target, wanted = item
        try:
            seconds = execute_one(source, target, wanted)
            print(f"execute_notebooks: {source.relative} ({seconds:.1f} s)", flush=True)
        except Exception as error:  # reported together at the end, with the notebook name
            errors.append(f"{source.relative}: {error}")

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        list(pool.map(run, todo))
    return errors


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--out", type=Path, default=EXECUTED_DIR, help="default: build/executed")
    parser.add_argument("--jobs", type=int, default=2, help="kernels at a time (default 2)")
    parser.add_argument("--force", action="store_true", help="run even unchanged notebooks")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    errors = execute_all(args.out, jobs=args.jobs, force=args.force)
    for error in errors:
        print(f"execute_notebooks: {error}", file=sys.stderr)
    print(f"execute_notebooks: done in {time.perf_counter() - started:.0f} s into {args.out}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
