"""Make the student and solutions editions of the exercise notebooks.

Usage::

    python scripts/make_editions.py [--out build/editions] [--check] [notebooks...]

Without notebook arguments every ``exercises/*.ipynb`` is processed. Writes
``<out>/student/<name>.ipynb`` and ``<out>/solutions/<name>.ipynb``, both without outputs,
execution counts or widget state. ``--check`` writes nothing and fails when a notebook in
``exercises/`` differs from the student edition it would produce (the drift test uses the same
functions).

Where the solutions live
    The notebooks in ``exercises/`` are what students open (``make lab``, Binder, a hub): they
    hold no solutions. Each task cell has a runnable default, a placeholder line and a check::

        answer = None
        # YOUR CODE HERE
        check("ex01.task2", answer)

    The worked solution of task ``exNN.taskK`` is the ``solution`` field of that task in
    ``content/NN_*.yaml`` (with an optional ``worked_answer`` in markdown). The solutions edition
    puts the solution where the placeholder stands and the worked answer in a markdown cell after
    the task. Building the editions first turns each placeholder into a marked block::

        # BEGIN SOLUTION
        answer = {1, 2}
        # END SOLUTION

    and then splits that one source into two editions: the student edition replaces each block,
    markers included, with ``# YOUR CODE HERE`` (so it equals the notebook in ``exercises/``), the
    solutions edition keeps the code and drops the markers. A notebook may also carry the markers
    itself (an author's draft); then no content file is needed. Inside a function, keep a
    statement outside the block (``result = None`` before it, ``return result`` after it),
    because a body that is only a comment is not valid Python. Markdown (or raw) cells tagged
    ``solution`` are removed from the student edition and kept in the solutions edition. A code
    cell tagged ``solution`` is an error: use markers, so the student edition keeps a runnable
    cell.

Errors name the notebook and the cell index: unbalanced or nested markers, a marker spelled
differently (``# begin solution``), a placeholder with no task id in its cell or no solution in
the content file, and a cell whose student or solutions edition is not valid Python. Exit
status 1 on any error, after reporting it.
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
PLACEHOLDER_LINE = re.compile(r"^(?P<indent>[ \t]*)# YOUR CODE HERE[ \t]*$")
TASK_CALL = re.compile(r"""check\(\s*["'](?P<task>ex\d{2}\.task\d+)["']""")

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


def with_solutions(notebook: NotebookNode, name: str) -> NotebookNode:
    """A copy of a student notebook with each placeholder turned into a marked solution block
    from the content files, and each worked answer as a ``solution``-tagged markdown cell."""
    from course.learning.content import ContentError, task_text

    book = copy.deepcopy(notebook)
    cells: list[NotebookNode] = []
    for index, cell in enumerate(notebook.cells):
        where = f"{name}, cell {index}"
        cell = copy.deepcopy(cell)
        cells.append(cell)
        if cell.cell_type != "code":
            continue
        lines = cell.source.splitlines()
        spots = [i for i, line in enumerate(lines) if PLACEHOLDER_LINE.match(line)]
        if not spots:
            continue
        tasks = TASK_CALL.findall(cell.source)
        if len(spots) != 1 or len(set(tasks)) != 1:
            raise EditionError(
                f"{where}: a task cell needs exactly one '{PLACEHOLDER}' line and one "
                f'check("exNN.taskK", ...) call; found {len(spots)} and {sorted(set(tasks))}'
            )
        try:
            task = task_text(tasks[0])
        except ContentError as error:
            raise EditionError(f"{where}: {error}") from None
        if not task.solution:
            raise EditionError(
                f"{where}: task {task.id!r} has no 'solution' in its content file; allowed: "
                "the code that replaces the placeholder"
            )
        indent = PLACEHOLDER_LINE.match(lines[spots[0]]).group("indent")
        block = [f"{indent}# BEGIN SOLUTION"]
        block += [f"{indent}{line}" if line else "" for line in task.solution.rstrip().splitlines()]
        block.append(f"{indent}# END SOLUTION")
        cell.source = "\n".join(lines[: spots[0]] + block + lines[spots[0] + 1 :])
        if task.worked_answer:
            worked = nbformat.v4.new_markdown_cell(f"**Worked answer.** {task.worked_answer}")
            worked.metadata = {"slideshow": {"slide_type": "-"}, "tags": [SOLUTION_TAG]}
            worked.id = "worked-" + task.id.replace(".", "-")
            cells.append(worked)
    book.cells = cells
    return book


def drift(path: Path) -> list[str]:
    """Cells where ``exercises/<path>`` differs from the student edition it produces (empty
    when they agree): the student notebook must be the solutions minus the solution blocks."""
    notebook = nbformat.read(str(path), as_version=4)
    student = split_notebook(with_solutions(notebook, path.name), path.name)["student"]
    problems = []
    if len(student.cells) != len(notebook.cells):
        problems.append(
            f"{path.name}: {len(notebook.cells)} cells, student edition has {len(student.cells)}"
        )
    for index, cell in enumerate(notebook.cells):
        lines = cell.source.splitlines()
        task_cell = cell.cell_type == "code" and TASK_CALL.search(cell.source)
        if task_cell and not any(PLACEHOLDER_LINE.match(line) for line in lines):
            problems.append(
                f"{path.name}, cell {index}: a task cell without '{PLACEHOLDER}' (a solution "
                "left in the student notebook?)"
            )
    for index, (mine, theirs) in enumerate(zip(notebook.cells, student.cells, strict=False)):
        if (mine.cell_type, mine.source) != (theirs.cell_type, theirs.source):
            problems.append(f"{path.name}, cell {index}: differs from the student edition")
    return problems


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
        notebook = with_solutions(nbformat.read(str(path), as_version=4), path.name)
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
    parser.add_argument(
        "--check", action="store_true", help="write nothing; fail if exercises/ has drifted"
    )
    args = parser.parse_args(argv)
    paths = list(args.notebooks) or sorted(EXERCISES_DIR.glob("*.ipynb"))
    missing = [str(p) for p in paths if not p.is_file()]
    if missing:
        print(f"make_editions: no such notebook: {', '.join(missing)}", file=sys.stderr)
        return 1
    if args.check:
        try:
            problems = [problem for path in paths for problem in drift(path)]
        except EditionError as error:
            problems = [str(error)]
        for problem in problems:
            print(f"make_editions: {problem}", file=sys.stderr)
        return 1 if problems else 0
    try:
        written = write_editions(paths, args.out)
    except EditionError as error:
        print(f"make_editions: {error}", file=sys.stderr)
        return 1
    print(f"make_editions: wrote {len(written)} notebooks for {len(paths)} source(s) to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
