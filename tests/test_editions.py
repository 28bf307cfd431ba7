"""Tests for scripts/make_editions.py, and execution of both editions of exercise notebooks.

The fixture notebook (tests/fixtures/editions/) always runs. Every real exercise notebook in
exercises/ gets the same treatment: its solutions edition must pass every check in strict mode
and its student edition must run top to bottom without error.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import nbformat
import pytest
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from course.engine.paths import EXERCISES_DIR, REPO_ROOT

FIXTURE = Path(__file__).parent / "fixtures" / "editions" / "ex99_fixture_exercises.ipynb"
EXERCISE_NOTEBOOKS = sorted(EXERCISES_DIR.glob("*.ipynb"))


def _load_script() -> ModuleType:
    path = REPO_ROOT / "scripts" / "make_editions.py"
    spec = importlib.util.spec_from_file_location("make_editions", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


make_editions = _load_script()


@pytest.fixture(autouse=True)
def private_progress(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Kernels inherit this environment: nothing is written to the user's home."""
    path = tmp_path / "progress.json"
    monkeypatch.setenv("COURSE_PROGRESS_FILE", str(path))
    monkeypatch.delenv("COURSE_STRICT_CHECKS", raising=False)
    return path


def code_of(notebook: nbformat.NotebookNode) -> str:
    return "\n".join(c.source for c in notebook.cells if c.cell_type == "code")


def markdown_of(notebook: nbformat.NotebookNode) -> str:
    return "\n".join(c.source for c in notebook.cells if c.cell_type == "markdown")


def run(notebook: nbformat.NotebookNode, workdir: Path) -> nbformat.NotebookNode:
    """Execute top to bottom in a fresh kernel; CellExecutionError propagates on failure."""
    client = NotebookClient(
        notebook,
        timeout=120,
        kernel_name="python3",
        resources={"metadata": {"path": str(workdir)}},
    )
    client.execute()
    return notebook


def output_text(notebook: nbformat.NotebookNode) -> str:
    texts = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            texts.append(output.get("text", ""))
            texts.extend(str(v) for v in output.get("data", {}).values())
    return "\n".join(texts)


# --------------------------------------------------------------------------- splitting


@pytest.fixture
def fixture_editions() -> dict[str, nbformat.NotebookNode]:
    return make_editions.split_notebook(nbformat.read(str(FIXTURE), as_version=4), FIXTURE.name)


def test_student_edition_has_placeholders_instead_of_solutions(
    fixture_editions: dict[str, nbformat.NotebookNode],
) -> None:
    student = code_of(fixture_editions["student"])
    for solution_code in ("answer = 7", "low_risk = {2, 1}", "groupby", "covered = {1, 2}"):
        assert solution_code not in student
    assert "SOLUTION" not in student
    assert student.count("# YOUR CODE HERE") == 4
    assert "\n    # YOUR CODE HERE\n" in student  # indentation of the marker is kept
    assert "answer = None\n# YOUR CODE HERE\ncheck(" in student


def test_solutions_edition_keeps_code_and_drops_markers(
    fixture_editions: dict[str, nbformat.NotebookNode],
) -> None:
    solutions = code_of(fixture_editions["solutions"])
    for solution_code in ("answer = 7", "low_risk = {2, 1}", "groupby", "covered = {1, 2}"):
        assert solution_code in solutions
    assert "SOLUTION" not in solutions
    assert "YOUR CODE HERE" not in solutions


def test_solution_tagged_markdown_only_in_solutions(
    fixture_editions: dict[str, nbformat.NotebookNode],
) -> None:
    assert "Worked answer" not in markdown_of(fixture_editions["student"])
    assert "Worked answer" in markdown_of(fixture_editions["solutions"])
    source_cells = len(nbformat.read(str(FIXTURE), as_version=4).cells)
    assert len(fixture_editions["solutions"].cells) == source_cells
    assert len(fixture_editions["student"].cells) == source_cells - 1


def test_editions_have_no_outputs_or_widget_state() -> None:
    cell = new_code_cell("answer = None\n# BEGIN SOLUTION\nanswer = 1\n# END SOLUTION\nanswer")
    cell.outputs = [new_output("execute_result", data={"text/plain": "1"}, execution_count=3)]
    cell.execution_count = 3
    cell.metadata["execution"] = {"iopub.status.busy": "2025-01-01T00:00:00Z"}
    notebook = new_notebook(cells=[cell])
    notebook.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    for edition, book in make_editions.split_notebook(notebook, "x.ipynb").items():
        assert book.cells[0].outputs == [] and book.cells[0].execution_count is None, edition
        assert "execution" not in book.cells[0].metadata
        assert "widgets" not in book.metadata
        assert book.metadata["course_edition"] == edition
    assert notebook.cells[0].outputs  # the source notebook is not modified


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("# BEGIN SOLUTION\nx = 1\n", "cell 1: '# BEGIN SOLUTION' on line 1 has no matching"),
        ("x = 1\n# END SOLUTION\n", "cell 1: '# END SOLUTION' on line 2 has no '# BEGIN"),
        (
            "# BEGIN SOLUTION\n# BEGIN SOLUTION\nx = 1\n# END SOLUTION\n",
            "cell 1: '# BEGIN SOLUTION' on line 2 is inside the block opened on line 1",
        ),
        ("# begin solution\nx = 1\n# end solution\n", "cell 1: line 1 '# begin solution' looks"),
        (
            "def f():\n    # BEGIN SOLUTION\n    return 1\n    # END SOLUTION\n",
            "cell 1: the student edition of this cell is not valid Python",
        ),
    ],
)
def test_bad_markers_fail_naming_notebook_and_cell(source: str, message: str) -> None:
    notebook = new_notebook(cells=[new_markdown_cell("# Title"), new_code_cell(source)])
    with pytest.raises(make_editions.EditionError) as error:
        make_editions.split_notebook(notebook, "07_legal_exercises.ipynb")
    assert str(error.value).startswith("07_legal_exercises.ipynb, cell 1")
    assert message in str(error.value)


def test_code_cell_tagged_solution_is_an_error() -> None:
    cell = new_code_cell("x = 1")
    cell.metadata["tags"] = ["solution"]
    with pytest.raises(make_editions.EditionError, match="cell 0: a code cell is tagged"):
        make_editions.split_notebook(new_notebook(cells=[cell]), "n.ipynb")


def test_magics_do_not_break_the_python_check() -> None:
    cell = new_code_cell("%matplotlib inline\nx = None\n# BEGIN SOLUTION\nx = 1\n# END SOLUTION")
    editions = make_editions.split_notebook(new_notebook(cells=[cell]), "n.ipynb")
    assert editions["student"].cells[0].source == "%matplotlib inline\nx = None\n# YOUR CODE HERE"


def test_command_line_writes_both_editions(tmp_path: Path) -> None:
    out = tmp_path / "editions"
    assert make_editions.main(["--out", str(out), str(FIXTURE)]) == 0
    for edition in ("student", "solutions"):
        written = nbformat.read(str(out / edition / FIXTURE.name), as_version=4)
        nbformat.validate(written)


def test_command_line_reports_errors_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "broken.ipynb"
    nbformat.write(new_notebook(cells=[new_code_cell("# BEGIN SOLUTION\nx = 1")]), str(broken))
    assert make_editions.main(["--out", str(tmp_path / "out"), str(broken)]) == 1
    assert "broken.ipynb, cell 0" in capsys.readouterr().err
    assert make_editions.main(["--out", str(tmp_path / "out"), str(tmp_path / "nope.ipynb")]) == 1


# --------------------------------------------------------------------------- execution


def split_and_run(
    source: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> dict[str, nbformat.NotebookNode]:
    """Write both editions, run solutions in strict mode and the student edition normally."""
    out = tmp_path / "editions"
    make_editions.write_editions([source], out)
    monkeypatch.setenv("COURSE_STRICT_CHECKS", "1")
    solutions = run(nbformat.read(str(out / "solutions" / source.name), as_version=4), out)
    monkeypatch.delenv("COURSE_STRICT_CHECKS")
    student = run(nbformat.read(str(out / "student" / source.name), as_version=4), out)
    return {"solutions": solutions, "student": student}


def test_fixture_solutions_pass_strict_checks_and_student_edition_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, private_progress: Path
) -> None:
    executed = split_and_run(FIXTURE, tmp_path, monkeypatch)
    stored = json.loads(private_progress.read_text())["questions"]
    assert sorted(stored) == ["ex99.task1", "ex99.task2", "ex99.task3", "ex99.task4"]
    assert all(entry["status"] == "correct" for entry in stored.values())
    student_output = output_text(executed["student"])
    assert student_output.count("status='not_answered'") == 4  # one per task, as text/plain
    assert "Error" not in student_output


@pytest.mark.parametrize("notebook", EXERCISE_NOTEBOOKS, ids=[p.name for p in EXERCISE_NOTEBOOKS])
def test_exercise_notebook_editions_run(
    notebook: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    split_and_run(notebook, tmp_path, monkeypatch)


def test_relative_links_still_reach_their_files_from_the_edition_folder(tmp_path: Path) -> None:
    book = new_notebook(
        cells=[
            new_markdown_cell(
                "See [the lesson](../notebooks/01_nonstate_actors.ipynb), "
                "[a site](https://example.org/x) and [a section](#task-1)."
            )
        ]
    )
    out = tmp_path / "editions" / "student"
    out.mkdir(parents=True)
    make_editions.relink(book, EXERCISES_DIR, out)
    source = book.cells[0].source
    link = source.split("](", 1)[1].split(")", 1)[0]
    assert (out / link).resolve() == (REPO_ROOT / "notebooks" / "01_nonstate_actors.ipynb")
    assert "](https://example.org/x)" in source and "](#task-1)" in source


# --------------------------------------------------------------------------- spoiler-free exercises


@pytest.mark.parametrize("notebook", EXERCISE_NOTEBOOKS, ids=[p.name for p in EXERCISE_NOTEBOOKS])
def test_exercise_notebook_is_the_solutions_minus_the_solution_blocks(notebook: Path) -> None:
    """What students open equals the student edition of the lecturer's solutions: no drift."""
    assert make_editions.drift(notebook) == []
    book = nbformat.read(str(notebook), as_version=4)
    assert "# BEGIN SOLUTION" not in code_of(book)
    assert not any("solution" in c.metadata.get("tags", []) for c in book.cells)
    solutions = make_editions.split_notebook(
        make_editions.with_solutions(book, notebook.name), notebook.name
    )["solutions"]
    assert "# YOUR CODE HERE" not in code_of(solutions)
    assert len(solutions.cells) >= len(book.cells)


def test_drift_is_reported_cell_by_cell(tmp_path: Path) -> None:
    source = EXERCISE_NOTEBOOKS[0]
    book = nbformat.read(str(source), as_version=4)
    cell = next(c for c in book.cells if "# YOUR CODE HERE" in c.source)
    cell.source = cell.source.replace("# YOUR CODE HERE", "answer = 42  # a solution left in")
    changed = tmp_path / source.name
    nbformat.write(book, str(changed))
    problems = make_editions.drift(changed)
    assert len(problems) == 1 and "a solution left in the student notebook?" in problems[0]
    assert make_editions.main(["--check", str(changed)]) == 1


def test_a_task_without_a_solution_in_its_content_file_is_named() -> None:
    book = new_notebook(
        cells=[new_code_cell('answer = None\n# YOUR CODE HERE\ncheck("ex01.task9", answer)')]
    )
    with pytest.raises(make_editions.EditionError, match=r"x.ipynb, cell 0: .*ex01.task9"):
        make_editions.with_solutions(book, "x.ipynb")
