"""The course glossary: plain-words definitions for students without a law or IT background.

Data (`data/glossary.csv`): term, definition (our own words), lesson (two-digit id of the lesson
that introduces the term: 01 non-state actors, 02 proxies and attribution, 03 due diligence,
04-10 the seven response options in order, 11 benefits and risks), source (a key in
`data/references.csv` where a student can read more).

`define("attribution")` gives a one-line markdown definition to drop into a lesson;
`glossary_table(lesson="02")` gives the terms a lesson introduces (for its summary);
`glossary_terms_missing_from(texts)` lets a repository test check that every term is really
used in the lessons that claim to introduce it.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from course.engine.paths import DATA_DIR
from course.learning.references import MarkdownText, cite, load_references, read_text_table
from course.ui.tables import TableView, table_view

GLOSSARY_CSV: Path = DATA_DIR / "glossary.csv"
COLUMNS = ("term", "definition", "lesson", "source")
# Lesson ids 01-13 of the course map (00 is the start page, which introduces no terms).
LESSONS = tuple(f"{n:02d}" for n in range(1, 14))


def _fold(term: str) -> str:
    """Compare terms ignoring case, hyphens and extra spaces."""
    return " ".join(re.sub(r"[-‐‑–—_]", " ", str(term)).casefold().split())


def _validate(frame: pd.DataFrame, source: Path) -> None:
    if tuple(frame.columns) != COLUMNS:
        raise ValueError(
            f"{source.name}: columns are {list(frame.columns)}; expected {list(COLUMNS)}"
        )
    known_sources = set(load_references()["key"])
    for position, row in enumerate(frame.itertuples(index=False), start=2):
        where = f"{source.name} line {position}"
        for field in COLUMNS:
            if not str(getattr(row, field)).strip():
                raise ValueError(f"{where}: {field} is empty")
        if row.lesson not in LESSONS:
            raise ValueError(f"{where}: lesson {row.lesson!r} is not one of {list(LESSONS)}")
        if row.source not in known_sources:
            raise ValueError(f"{where}: source {row.source!r} is not a key in references.csv")
    folded = frame["term"].map(_fold)
    duplicated = sorted(set(frame.loc[folded.duplicated(), "term"]))
    if duplicated:
        raise ValueError(f"{source.name}: term must be unique; duplicated: {duplicated}")


def _load(path: Path) -> pd.DataFrame:
    # Cached per file version: an author who edits the CSV in a running session sees the change.
    return _load_version(path, path.stat().st_mtime_ns)


@functools.lru_cache(maxsize=4)
def _load_version(path: Path, _mtime_ns: int) -> pd.DataFrame:
    return read_text_table(path, _validate)


def load_glossary(path: Path | None = None) -> pd.DataFrame:
    """All glossary entries as a DataFrame of strings, in file order."""
    return _load(Path(path or GLOSSARY_CSV)).copy()


def _entry(term: str) -> pd.Series:
    frame = _load(GLOSSARY_CSV)
    match = frame.loc[frame["term"].map(_fold) == _fold(term)]
    if match.empty:
        close = difflib.get_close_matches(_fold(term), frame["term"].map(_fold).tolist(), n=3)
        hint = f" Did you mean {', '.join(repr(c) for c in close)}?" if close else ""
        raise ValueError(f"term: {term!r} is not in the glossary.{hint}")
    return match.iloc[0]


def define(term: str) -> MarkdownText:
    """One-line markdown definition, e.g. ``define("due diligence")``."""
    row = _entry(term)
    return MarkdownText(
        f"**{row['term']}**: {row['definition']} *(Read more: {cite(row['source'])[1:-1]}.)*"
    )


def _lesson_id(lesson: str | int) -> str:
    text = (
        f"{lesson:02d}" if isinstance(lesson, int) and not isinstance(lesson, bool) else str(lesson)
    )
    text = text.split("_", 1)[0]
    if text not in LESSONS:
        raise ValueError(f"lesson: {lesson!r} is not one of {list(LESSONS)}")
    return text


def glossary_table(lesson: str | int | None = None) -> pd.DataFrame:
    """Terms and definitions, all of them or those a lesson introduces ("02", 2 or
    "02_proxies_and_attribution"), sorted by term, with a fresh 0..n-1 index."""
    frame = load_glossary()
    if lesson is not None:
        frame = frame.loc[frame["lesson"] == _lesson_id(lesson)]
    frame = frame.sort_values("term", key=lambda s: s.str.casefold())
    return frame.loc[:, ["term", "definition", "lesson"]].reset_index(drop=True)


def glossary_view(lesson: str | int | None = None) -> TableView:
    """:func:`glossary_table` as a lesson shows it: whole definitions (pandas would cut them
    after 50 characters with "..."), wrapped, left-aligned, plain headers, no row numbers."""
    frame = glossary_table(lesson).rename(
        columns={"term": "Term", "definition": "Definition", "lesson": "Lesson"}
    )
    return table_view(frame, index=False)


def _term_pattern(term: str) -> re.Pattern[str]:
    """Whole-word match that tolerates case, hyphen/space variants and simple plurals."""
    words = [re.escape(w) for w in _fold(term).split()]
    last = words[-1]
    last = f"(?:{last}|{last[:-1]}ies)" if last.endswith("y") else f"{last}(?:s|es)?"
    body = r"[\s\-‐‑–—_]+".join([*words[:-1], last])
    return re.compile(rf"(?<![\w-]){body}(?![\w-])", re.IGNORECASE)


def glossary_terms_missing_from(
    texts: Iterable[str], *, lesson: str | int | None = None
) -> list[str]:
    """Glossary terms that appear in none of `texts` (glossary order).

    With `lesson`, only the terms that lesson introduces are checked: pass that lesson's
    markdown cells to make sure it really uses the terms it claims to introduce.
    """
    if isinstance(texts, str):
        texts = [texts]
    corpus = "\n".join(texts)
    frame = load_glossary()
    if lesson is not None:
        frame = frame.loc[frame["lesson"] == _lesson_id(lesson)]
    return [term for term in frame["term"] if not _term_pattern(term).search(corpus)]
