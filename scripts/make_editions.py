"""Make the student and solutions editions of the exercise notebooks from one source.

Usage::

    python scripts/make_editions.py [--out build/editions] [notebooks...]

Without notebook arguments every ``exercises/*.ipynb`` is processed. Writes
``<out>/student/<name>.ipynb`` and ``<out>/solutions/<name>.ipynb``, both without outputs,
execution counts or widget state.

Convention (one source, two editions)
    Inside a code cell, the lines between ``# BEGIN SOLUTION`` and ``# END SOLUTION`` are the
    solution. The student edition replaces the whole block, markers included, with one line
    ``# YOUR CODE HERE`` at the indentation of the BEGIN marker; the solutions edition keeps the
    code and drops only the two marker lines. Put a runnable default on the line before the
    block (typically ``answer = None``) so the student edition runs top to bottom and the
    check says "not answered yet"::

        answer = None
        # BEGIN SOLUTION
        answer = {1, 2}
        # END SOLUTION
        check("ex01.task2", answer)

    Inside a function, keep a statement outside the block (``result = None`` before it,
    ``return result`` after it), because a body that is only a comment is not valid Python.
    Markdown (or raw) cells tagged ``solution`` in their cell metadata (worked model answers)
    are removed from the student edition and kept in the solutions edition. A code cell tagged
    ``solution`` is an error: use markers, so the student edition keeps a runnable cell.

Errors name the notebook and the cell index: unbalanced or nested markers, a marker spelled
differently (``# begin solution``), and a cell whose student or solutions edition is not valid
Python. Exit status 1 on any error, after reporting it.
"""

from __future__ import annotations

import argparse
import ast
import copy
import os
import re
import sys
from collections.abc import Sequence
from pathlib import Path

import nbformat
from nbformat import NotebookNode

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO_ROOT / "build" / "editions"
EXERCISES_DIR = REPO_ROOT / "exercises"
EDITIONS = ("student", "solutions")
SOLUTION_TAG = "solution"
PLACEHOLDER = "# YOUR CODE HERE"

BEGIN = re.compile(r"^(?P<indent>[ \t]*)#+ ?BEGIN SOLUTION[ \t]*$")
END = re.compile(r"^[ \t]*#+ ?END SOLUTION[ \t]*$")
LOOKALIKE = re.compile(r"^[ \t]*#+\s*(?:BEGIN|END)\s*SOLUTIONS?\b", re.IGNORECASE)


class EditionError(ValueError):
    """A notebook breaks the edition convention; the message names notebook and cell."""


def split_source(source: str, *, where: str) -> tuple[str, str]:
    """Split one code cell's source into (student source, solutions source)."""
    student: list[str] = []
    solutions: list[str] = []
    open_line: int | None = None
    for number, line in enumerate(source.splitlines(), start=1):
        begin, end = BEGIN.match(line), END.match(line)
        if begin:
            if open_line is not None:
                raise EditionError(
                    f"{where}: '# BEGIN SOLUTION' on line {number} is inside the block opened "
                    f"on line {open_line}; close it with '# END SOLUTION' first"
                )
            open_line = number
            student.append(f"{begin.group('indent')}{PLACEHOLDER}")
        elif end:
            if open_line is None:
                raise EditionError(
                    f"{where}: '# END SOLUTION' on line {number} has no '# BEGIN SOLUTION' "
                    "before it"
                )
            open_line = None
        elif LOOKALIKE.match(line):
            raise EditionError(
                f"{where}: line {number} {line.strip()!r} looks like a solution marker; write "
                "it exactly '# BEGIN SOLUTION' or '# END SOLUTION'"
            )
        else:
            solutions.append(line)
            if open_line is None:
                student.append(line)
    if open_line is not None:
        raise EditionError(
            f"{where}: '# BEGIN SOLUTION' on line {open_line} has no matching '# END SOLUTION'"
        )
    return "\n".join(student), "\n".join(solutions)


def _check_python(source: str, *, where: str, edition: str) -> None:
    """Fail clearly when an edition of a cell is not valid Python (IPython magics allowed)."""
    try:
        from IPython.core.inputtransformer2 import TransformerManager

        python = TransformerManager().transform_cell(source)
    except Exception:
        python = source
    try:
        ast.parse(python)
    except SyntaxError as error:
        raise EditionError(
            f"{where}: the {edition} edition of this cell is not valid Python "
            f"({error.msg}, line {error.lineno}). Inside a function keep a statement outside "
            "the solution block, e.g. 'result = None' before it and 'return result' after it"
        ) from None


def _strip_outputs(notebook: NotebookNode) -> None:
    """No outputs, execution counts, timing or widget state: editions start clean."""
    notebook.metadata.pop("widgets", None)
    for cell in notebook.cells:
        cell.metadata.pop("execution", None)
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None


def split_notebook(notebook: NotebookNode, name: str) -> dict[str, NotebookNode]:
    """Return ``{"student": ..., "solutions": ...}`` editions of `notebook` (not modified)."""
    editions = {edition: copy.deepcopy(notebook) for edition in EDITIONS}
    student_cells = []
    solution_cells = []
    for index, cell in enumerate(notebook.cells):
        where = f"{name}, cell {index}"
        tags = set(cell.get("metadata", {}).get("tags", []))
        student_cell = copy.deepcopy(cell)
        solution_cell = copy.deepcopy(cell)
        if cell.cell_type == "code":
            if SOLUTION_TAG in tags:
                raise EditionError(
                    f"{where}: a code cell is tagged {SOLUTION_TAG!r}; use '# BEGIN SOLUTION' / "
                    "'# END SOLUTION' markers instead so the student edition keeps a runnable cell"
                )
            student_source, solution_source = split_source(cell.source, where=where)
            if student_source != solution_source:
                _check_python(student_source, where=where, edition="student")
                _check_python(solution_source, where=where, edition="solutions")
            student_cell.source = student_source
            solution_cell.source = solution_source
            student_cells.append(student_cell)
        elif SOLUTION_TAG not in tags:
            student_cells.append(student_cell)
        solution_cells.append(solution_cell)
    editions["student"].cells = student_cells
    editions["solutions"].cells = solution_cells
    for edition, book in editions.items():
        _strip_outputs(book)
        book.metadata["course_edition"] = edition
    return editions


RELATIVE_LINK = re.compile(r"\]\((?!(?:[a-z]+:|#|/))([^)\s]+)\)")


def relink(book: NotebookNode, source_dir: Path, target_dir: Path) -> None:
    """Point relative markdown links at the same files from the edition's new folder.

    An exercise links its lesson as ``../notebooks/NN_slug.ipynb``; written to
    ``build/editions/student/`` that link would break, so it is rewritten relative to there.
    """

    def moved(match: re.Match[str]) -> str:
        target = (source_dir / match.group(1)).resolve()
        return f"]({Path(os.path.relpath(target, target_dir.resolve())).as_posix()})"

    for cell in book.cells:
        if cell.cell_type == "markdown":
            cell.source = RELATIVE_LINK.sub(moved, cell.source)


def write_editions(paths: Sequence[Path], out: Path) -> list[Path]:
    """Split every notebook in `paths` and write both editions under `out`; return the files."""
    written: list[Path] = []
    for path in paths:
        notebook = nbformat.read(str(path), as_version=4)
        editions = split_notebook(notebook, path.name)
        for edition, book in editions.items():
            target = out / edition / path.name
            relink(book, path.parent, target.parent)
            target.parent.mkdir(parents=True, exist_ok=True)
            nbformat.validate(book)
            nbformat.write(book, str(target))
            written.append(target)
    return written


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, help="output folder (default: build/editions)"
    )
    parser.add_argument(
        "notebooks", nargs="*", type=Path, help="notebooks to split (default: exercises/*.ipynb)"
    )
    args = parser.parse_args(argv)
    paths = list(args.notebooks) or sorted(EXERCISES_DIR.glob("*.ipynb"))
    missing = [str(p) for p in paths if not p.is_file()]
    if missing:
        print(f"make_editions: no such notebook: {', '.join(missing)}", file=sys.stderr)
        return 1
    try:
        written = write_editions(paths, args.out)
    except EditionError as error:
        print(f"make_editions: {error}", file=sys.stderr)
        return 1
    print(f"make_editions: wrote {len(written)} notebooks for {len(paths)} source(s) to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
