"""Build the course site with Jupyter Book 1.x, offline, from the executed notebooks.

Usage::

    python scripts/build_book.py [--executed build/executed] [--out build/book]

Run ``scripts/execute_notebooks.py`` first (``make book`` does both). This script lays out a
book source folder in ``<out>`` and builds it into ``<out>/_build/html``:

- ``_config.yml``, ``intro.md`` and ``_static/`` from ``book/`` in the repository;
- ``_static/plotly.min.js`` from the installed plotly package: every page loads it once from
  there, no figure inlines it;
- the executed lesson and exercise notebooks (``notebooks/``, ``exercises/``), never run again;
- pages generated from the course's own data and functions, so they cannot drift from it:
  ``lesson-map.md`` (``course.learning.lesson_map``), ``glossary.md``
  (``course.learning.glossary``, ``data/glossary.csv``) and ``references.md``
  (``course.learning.references``, ``data/references.csv``);
- ``_toc.yml`` from the lesson map: each lesson a chapter, its exercises a section under it. A
  lesson added later appears without touching this script.

After the build every page is checked: a ``<script>``, ``<link>``, ``<img>`` or CSS ``url()``
that points off this machine fails the build, naming the page. Exit status 1 on any failure.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))

from publication import (
    BOOK_DIR,
    BOOK_SOURCE,
    EXECUTED_DIR,
    Source,
    html_files,
    plotly_js,
    publication_sources,
    remote_assets,
    remote_css_urls,
)

from course.learning.glossary import glossary_table, load_glossary
from course.learning.lesson_map import Lesson, lesson_map
from course.learning.references import (
    cite,
    cited_keys_in_notebook,
    format_reference,
    load_references,
    reference_list,
)

COPIED_FROM_BOOK = ("_config.yml", "intro.md", "_static")
MATHJAX_PLACEHOLDER = "mathjax-not-shipped.js"
"""``mathjax_path`` in book/_config.yml: Sphinx needs a value, and adds it only to pages with
math. The course has none; a page that asks for it would show raw TeX, so the build fails."""


def doc_name(source: Source) -> str:
    """A notebook's document name in the book (its path without ``.ipynb``)."""
    return source.relative.with_suffix("").as_posix()


def _cell(text: object) -> str:
    """Text safe inside a markdown table cell."""
    return str(text).replace("|", "\\|").replace("\n", " ")


# --------------------------------------------------------------------------- generated pages


def lesson_map_page(sources: Sequence[Source]) -> str:
    """The lesson map as the course computes it: table, then each lesson's objectives."""
    frame = lesson_map()
    lessons = {s.lesson.id: s.lesson for s in sources if s.kind == "lesson"}
    exercises = {s.lesson.id: s for s in sources if s.kind == "exercises"}
    total = int(frame["minutes"].sum())
    lines = [
        "# Lesson map",
        "",
        f"{len(frame)} lessons, about {total} minutes in all, in the order they build on each "
        f"other; {len(exercises)} of them have an exercise notebook. Both are in this book.",
        "",
        "| Lesson | Title | Minutes | Running total | Builds on | Exercises |",
        "|---|---|--:|--:|---|---|",
    ]
    for row in frame.itertuples(index=False):
        title = f"[{_cell(row.title)}](notebooks/{row.file})"
        extra = exercises.get(row.id)
        extra_link = f"[Exercises {row.id}]({extra.relative.as_posix()})" if extra else "-"
        lines.append(
            f"| {row.id} | {title} | {row.minutes} | {row.cumulative_minutes} | "
            f"{_cell(row.prerequisites)} | {extra_link} |"
        )
    lines += ["", "## Learning objectives", ""]
    for lesson in lessons.values():
        lines += [f"### {lesson.id} {lesson.title}", ""]
        lines += [f"- {objective}" for objective in lesson.objectives]
        lines.append("")
    return "\n".join(lines)


def _lesson_link(lesson: Lesson) -> str:
    return f"[{lesson.id} {lesson.title}](notebooks/{lesson.path.name})"


def glossary_page(sources: Sequence[Source]) -> str:
    """Every glossary term with its definition, the lesson that introduces it and a reference."""
    lessons = {s.lesson.id: s.lesson for s in sources if s.kind == "lesson"}
    source_of = dict(zip(load_glossary()["term"], load_glossary()["source"], strict=True))
    terms = glossary_table()
    lines = [
        "# Glossary",
        "",
        f"{len(terms)} terms in plain words, for readers without a law or IT background. Each "
        "names the lesson that introduces it and a work in the {doc}`references <references>` "
        "to read more.",
        "",
    ]
    for row in terms.itertuples(index=False):
        lesson = lessons.get(row.lesson)
        where = _lesson_link(lesson) if lesson else f"lesson {row.lesson}"
        key = source_of[row.term]
        lines += [
            row.term,
            f": {row.definition}",
            "",
            f"  *Introduced in {where}. Read more:* {{ref}}`{cite(key)[1:-1]} <ref-{key}>`",
            "",
        ]
    return "\n".join(lines)


def references_page(sources: Sequence[Source]) -> str:
    """The course bibliography in the course's citation style, each entry with the notebooks
    that cite it."""
    keys = list(load_references()["key"])
    entry_key = {format_reference(key): key for key in keys}
    cited_in: dict[str, list[Source]] = {key: [] for key in keys}
    for source in sources:
        for key in sorted(cited_keys_in_notebook(source.path)):
            cited_in.setdefault(key, []).append(source)
    lines = [
        "# References",
        "",
        f"{len(keys)} works the course cites, by author and year, in the form its lessons cite "
        "them. Under each: the lessons and exercises that cite it.",
        "",
    ]
    for line in reference_list(keys).splitlines():
        entry = line.removeprefix("- ")
        key = entry_key[entry]
        users = ", ".join(
            f"[{'exercises' if s.kind == 'exercises' else 'lesson'} {s.lesson.id}]"
            f"({s.relative.as_posix()})"
            for s in cited_in.get(key, [])
        )
        lines += [f"(ref-{key})=", entry, ""]
        if users:
            lines += [f"<small>Cited in: {users}</small>", ""]
    return "\n".join(lines)


def toc(sources: Sequence[Source]) -> dict:
    """The table of contents: lesson map first, lessons with their exercises, then reference."""
    chapters = []
    for source in sources:
        if source.kind == "lesson":
            chapters.append({"file": doc_name(source)})
        else:
            chapters[-1].setdefault("sections", []).append({"file": doc_name(source)})
    return {
        "format": "jb-book",
        "root": "intro",
        "parts": [
            {"caption": "Course", "chapters": [{"file": "lesson-map"}]},
            {"caption": "Lessons and exercises", "chapters": chapters},
            {"caption": "Reference", "chapters": [{"file": "glossary"}, {"file": "references"}]},
        ],
    }


# --------------------------------------------------------------------------- build


def lay_out(executed: Path, out: Path, sources: Sequence[Source]) -> None:
    """Write the book's source folder (``out``), replacing what was there."""
    missing = [str(s.relative) for s in sources if not (executed / s.relative).is_file()]
    if missing:
        raise FileNotFoundError(
            f"no executed copy of {', '.join(missing)} in {executed}: run "
            "scripts/execute_notebooks.py first (make book does)"
        )
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    for name in COPIED_FROM_BOOK:
        source = BOOK_SOURCE / name
        if source.is_dir():
            shutil.copytree(source, out / name)
        else:
            shutil.copy2(source, out / name)
    shutil.copy2(plotly_js(), out / "_static" / "plotly.min.js")
    for source in sources:
        target = out / source.relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(executed / source.relative, target)
    pages = {
        "lesson-map.md": lesson_map_page(sources),
        "glossary.md": glossary_page(sources),
        "references.md": references_page(sources),
    }
    for name, text in pages.items():
        (out / name).write_text(text + "\n", encoding="utf-8")
    (out / "_toc.yml").write_text(yaml.safe_dump(toc(sources), sort_keys=False), encoding="utf-8")


def offline_problems(html_dir: Path) -> list[str]:
    """Every page or stylesheet of the built site that would fetch from the internet."""
    problems = []
    for page in html_files(html_dir):
        text = page.read_text(encoding="utf-8", errors="replace")
        for remote in remote_assets(text):
            problems.append(f"{page.relative_to(html_dir)}: {remote}")
        if MATHJAX_PLACEHOLDER in text:
            problems.append(
                f"{page.relative_to(html_dir)}: has math, and the book ships no MathJax (copy "
                "one into book/_static/ and point mathjax_path in book/_config.yml at it)"
            )
    for sheet in sorted(html_dir.rglob("*.css")):
        for url in remote_css_urls(sheet.read_text(encoding="utf-8", errors="replace")):
            problems.append(f"{sheet.relative_to(html_dir)}: url({url})")
    return problems


def build(executed: Path, out: Path) -> Path:
    """Lay out and build the book; return the HTML folder. Raises on any failure."""
    sources = publication_sources()
    lay_out(executed, out, sources)
    jupyter_book = Path(sys.executable).with_name("jupyter-book")
    # -W: a warning (a broken link between lessons, an output with nothing to show) fails the
    # build; --keep-going reports all of them first.
    command = [str(jupyter_book), "build", str(out), "--builder", "html", "-W", "--keep-going"]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    log = out / "build.log"
    log.write_text(result.stdout + result.stderr, encoding="utf-8")
    if result.returncode != 0:
        warnings = [line for line in log.read_text().splitlines() if "WARNING" in line]
        raise RuntimeError(
            f"jupyter-book failed (exit {result.returncode}); see {log}\n" + "\n".join(warnings)
        )
    html_dir = out / "_build" / "html"
    problems = offline_problems(html_dir)
    if problems:
        raise RuntimeError("pages that do not work offline:\n" + "\n".join(problems))
    return html_dir


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--executed", type=Path, default=EXECUTED_DIR)
    parser.add_argument("--out", type=Path, default=BOOK_DIR)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    try:
        html_dir = build(args.executed, args.out)
    except (OSError, RuntimeError) as error:
        print(f"build_book: {error}", file=sys.stderr)
        return 1
    seconds = time.perf_counter() - started
    print(f"build_book: {html_dir / 'index.html'} ({seconds:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
