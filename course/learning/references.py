"""The course bibliography: load `data/references.csv`, cite works, list them.

Data (`data/references.csv`): key (slug such as ``vandermeer2020``), authors, title, container
(journal, publisher or site), date (``YYYY`` or ``YYYY-MM-DD``), url (may be empty), note.
Authors are separated by ``;``. A person is written ``Last, First``; an organisation without a
comma. An organisation may add a short name in square brackets, used in citations:
``United Nations Group of Governmental Experts [UN GGE]`` cites as "(UN GGE 2015)".

Citation convention (one convention, so a test can check every lesson)
    A lesson cites in CODE cells: ``cite("vandermeer2020")`` for a short in-text form and
    ``reference_list(["vandermeer2020", "maurer2018"])`` for the lesson's "Resources" list.
    Both return a `str` that also renders as markdown when it is the last line of a cell. In
    markdown prose, write the short form printed by `cite` by hand, and make sure the key is in
    the lesson's `reference_list` call. `cited_keys_in_notebook` finds every key used this way
    (string literals only), so a repository test can check they all exist in references.csv.

Short forms follow author-date style: one author "(Maurer 2018)", two "(Kreps and Schneider
2019)", three or more "(Valeriano et al. 2018)". When one author has two works in the same year,
letters in title order tell them apart: "(van der Meer 2020a)", "(van der Meer 2020b)".
"""

from __future__ import annotations

import ast
import difflib
import functools
import json
import re
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path

import pandas as pd

from course.engine.paths import DATA_DIR

REFERENCES_CSV: Path = DATA_DIR / "references.csv"
COLUMNS = ("key", "authors", "title", "container", "date", "url", "note")
KEY_PATTERN = re.compile(r"^[a-z][a-z0-9]*$")
DATE_PATTERN = re.compile(r"^\d{4}(-\d{2}-\d{2})?$")
CITING_FUNCTIONS = frozenset({"cite", "reference_list"})


class MarkdownText(str):
    """A plain `str` that a notebook renders as markdown when it is a cell's last value."""

    def _repr_markdown_(self) -> str:
        return str(self)


def parse_date(value: str) -> date:
    """Parse ``YYYY`` (as 1 January) or ``YYYY-MM-DD``; ValueError names the bad value."""
    if not isinstance(value, str) or not DATE_PATTERN.match(value):
        raise ValueError(f"date: {value!r} must be YYYY or YYYY-MM-DD")
    try:
        return date.fromisoformat(value if len(value) == 10 else f"{value}-01-01")
    except ValueError:
        raise ValueError(f"date: {value!r} is not a real calendar date") from None


def _validate(frame: pd.DataFrame, source: Path) -> None:
    """Schema checks with messages that name the field, the bad value and what is allowed."""
    if tuple(frame.columns) != COLUMNS:
        raise ValueError(
            f"{source.name}: columns are {list(frame.columns)}; expected {list(COLUMNS)}"
        )
    for position, row in enumerate(frame.itertuples(index=False), start=2):
        where = f"{source.name} line {position}"
        for field in ("key", "authors", "title", "container", "date"):
            if not str(getattr(row, field)).strip():
                raise ValueError(f"{where}: {field} is empty")
        if not KEY_PATTERN.match(row.key):
            raise ValueError(
                f"{where}: key {row.key!r} must be lower-case letters and digits, like 'maurer2018'"
            )
        parse_date(row.date)
        if row.url and not row.url.startswith(("https://", "http://")):
            raise ValueError(f"{where}: url {row.url!r} must start with https:// or http://")
    duplicated = sorted(set(frame.loc[frame["key"].duplicated(), "key"]))
    if duplicated:
        raise ValueError(f"{source.name}: key must be unique; duplicated: {duplicated}")


def read_text_table(path: Path, validate: Callable[[pd.DataFrame, Path], None]) -> pd.DataFrame:
    """Read a small course CSV as stripped strings ("" for blanks) and validate it.

    Shared by the references and the glossary, which are plain-text tables with hand-written
    checks (their rules are about text, not types, so a schema library adds nothing there).
    """
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame = frame.apply(lambda column: column.str.strip())
    validate(frame, path)
    return frame


def _load(path: Path) -> pd.DataFrame:
    # Cached per file version: an author who edits the CSV in a running session sees the change.
    return _load_version(path, path.stat().st_mtime_ns)


@functools.lru_cache(maxsize=4)
def _load_version(path: Path, _mtime_ns: int) -> pd.DataFrame:
    return read_text_table(path, _validate)


def load_references(path: Path | None = None) -> pd.DataFrame:
    """All references as a DataFrame (string columns, empty strings for missing values)."""
    return _load(Path(path or REFERENCES_CSV)).copy()


# --------------------------------------------------------------------------- names


def _authors(authors: str) -> list[str]:
    return [a.strip() for a in authors.split(";") if a.strip()]


def _short_name(author: str) -> str:
    """Surname of a person ("van der Meer"), or an organisation's short name."""
    bracket = re.search(r"\[([^\]]+)\]", author)
    if bracket:
        return bracket.group(1).strip()
    author = re.sub(r"\s*\((?:ed|eds)\.\)\s*$", "", author)
    return author.split(",", 1)[0].strip() if "," in author else author.strip()


def _full_name(author: str) -> str:
    """Name as listed: "van der Meer, S." for a person, the full name for an organisation."""
    editor = " (ed.)" if re.search(r"\((?:ed|eds)\.\)\s*$", author) else ""
    author = re.sub(r"\s*\((?:ed|eds)\.\)\s*$", "", author)
    author = re.sub(r"\s*\[[^\]]+\]", "", author).strip()
    if "," not in author:
        return author + editor
    last, first = (part.strip() for part in author.split(",", 1))
    initials = " ".join(f"{p[0]}." for p in re.split(r"[\s.]+", first) if p)
    return f"{last}, {initials}{editor}"


def _in_text_names(authors: str) -> str:
    names = [_short_name(a) for a in _authors(authors)]
    if len(names) == 1:
        return names[0]
    if len(names) == 2:
        return f"{names[0]} and {names[1]}"
    return f"{names[0]} et al."


def _listed_names(authors: str) -> str:
    names = [_full_name(a) for a in _authors(authors)]
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " & " + names[-1]


def _labels(path: Path) -> dict[str, tuple[str, str]]:
    """Key -> (in-text names, year with a/b suffix when the same names share a year)."""
    return _labels_version(path, path.stat().st_mtime_ns)


@functools.lru_cache(maxsize=4)
def _labels_version(path: Path, _mtime_ns: int) -> dict[str, tuple[str, str]]:
    frame = _load(path)
    groups: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for row in frame.itertuples(index=False):
        names = _in_text_names(row.authors)
        groups.setdefault((names, row.date[:4]), []).append((row.title.casefold(), row.key))
    labels: dict[str, tuple[str, str]] = {}
    for (names, year), members in groups.items():
        members.sort()
        for index, (_, key) in enumerate(members):
            suffix = "abcdefghijklmnopqrstuvwxyz"[index] if len(members) > 1 else ""
            labels[key] = (names, f"{year}{suffix}")
    return labels


def _row(key: str, path: Path) -> pd.Series:
    frame = _load(path)
    match = frame.loc[frame["key"] == key]
    if match.empty:
        close = difflib.get_close_matches(str(key), frame["key"].tolist(), n=3, cutoff=0.5)
        hint = f" Did you mean {', '.join(repr(c) for c in close)}?" if close else ""
        raise ValueError(f"key: {key!r} is not in {path.name}.{hint}")
    return match.iloc[0]


# --------------------------------------------------------------------------- public API


def cite(key: str, *, path: Path | None = None) -> MarkdownText:
    """Short in-text form, e.g. ``cite("maurer2018")`` -> "(Maurer 2018)"."""
    source = Path(path or REFERENCES_CSV)
    _row(key, source)
    names, year = _labels(source)[key]
    return MarkdownText(f"({names} {year})")


def citation_label(key: str, *, path: Path | None = None) -> str:
    """The author-year label of ``key`` as lesson prose writes it ("van der Meer 2020b"): the
    same names and year (with its a/b suffix) that :func:`reference_list` shows."""
    source = Path(path or REFERENCES_CSV)
    _row(key, source)
    names, year = _labels(source)[key]
    return f"{names} {year}"


def citations_in_text(text: str, *, path: Path | None = None) -> list[str]:
    """Every author-year label in ``text`` whose names are an author of the reference list
    ("van der Meer 2020b", "Harnisch et al. 2021"), in order; used to check that a lesson's
    prose cites only what its reference list shows."""
    source = Path(path or REFERENCES_CSV)
    names = sorted({n for n, _ in _labels(source).values()}, key=len, reverse=True)
    pattern = re.compile(
        r"(?<![\w-])(" + "|".join(re.escape(n) for n in names) + r"),? (\d{4}[a-z]?)\b"
    )
    return [f"{m.group(1)} {m.group(2)}" for m in pattern.finditer(text)]


def format_reference(key: str, *, path: Path | None = None) -> str:
    """One reference in the course style: Names (Year). *Title*. Container. <url>"""
    source = Path(path or REFERENCES_CSV)
    row = _row(key, source)
    _, year = _labels(source)[key]
    title = row["title"].rstrip(".")
    end = "" if title.endswith(("?", "!")) else "."
    entry = f"{_listed_names(row['authors'])} ({year}). *{title}*{end} {row['container']}."
    if row["url"]:
        entry += f" <{row['url']}>"
    return entry


def reference_list(keys: Iterable[str], *, path: Path | None = None) -> MarkdownText:
    """A markdown list of the given works, sorted by author then year, one entry per line."""
    if isinstance(keys, str):
        raise ValueError(f"keys: give a list of keys, not a single string {keys!r}")
    source = Path(path or REFERENCES_CSV)
    unique = list(dict.fromkeys(keys))
    for key in unique:
        _row(key, source)
    labels = _labels(source)

    def order(key: str) -> tuple[str, str, str]:
        names, year = labels[key]
        return (names.casefold(), year, key)

    return MarkdownText(
        "\n".join(f"- {format_reference(k, path=source)}" for k in sorted(unique, key=order))
    )


# --------------------------------------------------------------------------- finding citations


def _python_source(cell_source: str) -> str:
    """Cell source as plain Python (IPython magics turned into function calls)."""
    try:
        from IPython.core.inputtransformer2 import TransformerManager

        return TransformerManager().transform_cell(cell_source)
    except Exception:
        return cell_source


def _string_literals(node: ast.AST) -> set[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.List | ast.Tuple | ast.Set):
        return {
            e.value for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)
        }
    return set()


def _called_name(func: ast.AST) -> str:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


_CALL_FALLBACK = re.compile(r"\b(?:cite|reference_list)\(\s*(\[[^\]]*\]|\"[^\"]*\"|'[^']*')")


def cited_keys_in_source(source: str) -> set[str]:
    """Keys passed as string literals to `cite(...)` or `reference_list([...])` in code."""
    try:
        tree = ast.parse(_python_source(source))
    except SyntaxError:
        return {
            k
            for match in _CALL_FALLBACK.findall(source)
            for k in re.findall(r"[\"']([^\"']+)[\"']", match)
        }
    keys: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _called_name(node.func) in CITING_FUNCTIONS:
            if node.args:
                keys |= _string_literals(node.args[0])
            for keyword in node.keywords:
                if keyword.arg in {"key", "keys"}:
                    keys |= _string_literals(keyword.value)
    return keys


def cited_keys_in_notebook(path: str | Path) -> set[str]:
    """Every reference key a notebook cites, following the convention in this module's doc."""
    # Plain JSON, as course.learning.lesson_map reads lessons: nbformat would cost every lesson
    # kernel 0.9 s on import (its jsonschema loads rfc3987-syntax, see course.ui.show).
    notebook = json.loads(Path(path).read_text(encoding="utf-8"))
    keys: set[str] = set()
    for cell in notebook.get("cells", []):
        if cell.get("cell_type") == "code":
            source = cell.get("source", "")
            keys |= cited_keys_in_source("".join(source) if isinstance(source, list) else source)
    return keys
