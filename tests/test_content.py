"""Content files (content/*.yaml): every file loads, every id a notebook uses exists, a broken
file names the file, the id and the field, right answers are spread over the positions, and a
worked solution opens only after a try."""

from __future__ import annotations

import importlib
import importlib.util
import json
import re
from collections import Counter
from pathlib import Path

import pytest

from course.engine.data import load_incidents, responses_with_incidents
from course.engine.paths import CONTENT_DIR, EXERCISES_DIR, NOTEBOOKS_DIR
from course.learning import content
from course.learning.content import (
    ContentError,
    fill,
    lesson_content,
    lesson_ids,
    load_content_file,
    task_text,
)
from course.learning.lesson_map import lesson_paths, read_lesson
from course.learning.quiz import MultipleChoice, check
from course.learning.solutions import solution
from course.lessons import l01_nonstate_actors as l01
from course.lessons import l02_proxies_and_attribution as l02
from course.lessons import l03_due_diligence as l03

NOTEBOOKS = sorted([*NOTEBOOKS_DIR.glob("*.ipynb"), *EXERCISES_DIR.glob("*.ipynb")])


def _code(path: Path) -> str:
    cells = json.loads(path.read_text("utf-8"))["cells"]
    return "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")


# --- every file, every id ---------------------------------------------------------------------


def test_every_lesson_has_one_content_file_named_like_its_notebook() -> None:
    stems = {path.stem for path in lesson_paths()}
    files = {path.stem for path in CONTENT_DIR.glob("*.yaml")}
    assert files <= stems, f"content files without a lesson: {sorted(files - stems)}"
    for lesson in lesson_ids():
        assert lesson_content(lesson).lesson == lesson


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_id_a_notebook_uses_exists(path: Path) -> None:
    code = _code(path)
    used = set(
        re.findall(
            r"""(?:choice_question|solution|check|get_question)\(\s*["']([^"']+)["']""", code
        )
    )
    used |= set(re.findall(r"""["'](\d{2}\.q\d+)["']""", code))
    for item in sorted(used):
        if item.startswith("ex") and item != "exNN.taskK":
            assert task_text(item).prompt
        elif re.match(r"^\d{2}\.q\d+$", item):
            # Either authored in the content file or built from the data by the lesson module,
            # which then lists it in COMPUTED_QUESTION_IDS.
            name = f"course.lessons.l{path.stem.split('_exercises')[0]}"
            module = importlib.import_module(name) if importlib.util.find_spec(name) else None
            computed = item in getattr(module, "COMPUTED_QUESTION_IDS", ())
            assert computed or lesson_content(item[:2]).question(item).prompt


def test_lesson_modules_build_every_self_check_question_from_content() -> None:
    joined = responses_with_incidents()
    for module in (l01, l02):
        for qid in module.SELF_CHECK_IDS:
            question = module.self_check_question(qid)
            authored = lesson_content(qid[:2]).question(qid)
            assert question.choices == tuple(c.text for c in authored.choices)
    for qid in l03.SELF_CHECK_IDS:
        assert l03.self_check_question(qid, joined).qid == qid


def test_an_edit_to_a_content_file_shows_after_rerunning(tmp_path: Path) -> None:
    source = (CONTENT_DIR / "00_start_here.yaml").read_text("utf-8")
    path = tmp_path / "00_start_here.yaml"
    path.write_text(source, "utf-8")
    before = load_content_file(path).questions[0].prompt
    path.write_text(source.replace(before, "A reworded question?", 1), "utf-8")
    assert load_content_file(path).questions[0].prompt == "A reworded question?"


# --- broken files give errors naming file, id and field -----------------------------------------

GOOD = """lesson: '97'
questions:
- id: 97.q1
  prompt: Which?
  choices:
  - text: One
    feedback: Because one.
    correct: true
  - text: Two
    feedback: Not two.
tasks:
- id: ex97.task1
  prompt: Count them.
  solution: answer = 1
"""


def _write(tmp_path: Path, text: str, name: str = "97_fixture.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, "utf-8")
    return path


def test_a_good_fixture_loads(tmp_path: Path) -> None:
    loaded = load_content_file(_write(tmp_path, GOOD))
    assert loaded.question("97.q1").answer == 1
    assert loaded.task("ex97.task1").solution == "answer = 1"


@pytest.mark.parametrize(
    ("broken", "message"),
    [
        (
            GOOD.replace("    feedback: Not two.\n", ""),
            r"97_fixture.yaml: question '97.q1', field 'choices\[2\].feedback': Field required",
        ),
        (
            GOOD.replace("    feedback: Because one.", "    feedbak: Because one."),
            r"question '97.q1', field 'choices\[1\].feedbak': unknown field .*allowed: "
            r"text, feedback, correct",
        ),
        (
            GOOD.replace("    correct: true\n", ""),
            r"question '97.q1', field '\(whole entry\)': no choice is marked 'correct: true'",
        ),
        (
            GOOD.replace("  prompt: Count them.", "  prompt: Count them.\n  prompt: Again."),
            r"not valid YAML: .*key 'prompt' appears twice",
        ),
        (GOOD.replace("id: 97.q1", "id: 96.q1"), r"id '96.q1' does not belong to lesson 97"),
        (GOOD.replace("id: ex97.task1", "id: task1"), r"task 'task1', field 'id': 'task1' is not"),
        ("- just\n- a list\n", r"must be a mapping with 'lesson' at the top"),
        ("lesson: '97'\nquestions: [\n", r"not valid YAML"),
    ],
    ids=[
        "missing-feedback",
        "misspelt-field",
        "no-correct-choice",
        "duplicate-key",
        "foreign-id",
        "bad-task-id",
        "not-a-mapping",
        "bad-yaml",
    ],
)
def test_a_broken_file_names_the_file_id_and_field(
    tmp_path: Path, broken: str, message: str
) -> None:
    with pytest.raises(ContentError, match=message) as error:
        load_content_file(_write(tmp_path, broken))
    assert "97_fixture.yaml" in str(error.value)


def test_a_file_whose_name_and_lesson_disagree_is_named(tmp_path: Path) -> None:
    with pytest.raises(ContentError, match=r"96_fixture.yaml: field 'lesson': '97' does not match"):
        load_content_file(_write(tmp_path, GOOD, name="96_fixture.yaml"))


def test_placeholders_are_filled_and_a_typo_is_named() -> None:
    assert fill("Score ${case} for $81 million {1, 3}", "here", case="x") == (
        "Score x for $81 million {1, 3}"
    )
    with pytest.raises(ContentError, match=r"here: unknown placeholder \$\{incidnet\}; allowed "):
        fill("For ${incidnet}", "here", incident="x")


def test_an_unknown_id_names_the_known_ones() -> None:
    with pytest.raises(ContentError, match=r"no question '02.q9'; known: 02.q1, 02.q2"):
        content.question_text("02.q9")
    with pytest.raises(ContentError, match=r"no task 'ex02.task9'; known: ex02.task1"):
        content.task_text("ex02.task9")


# --- fair self-checks ---------------------------------------------------------------------------


def _all_multiple_choice() -> dict[str, list[MultipleChoice]]:
    """Every multiple-choice question and task students meet, by lesson, computed ones too."""
    by_lesson: dict[str, list[MultipleChoice]] = {}
    for lesson in lesson_ids():
        authored = lesson_content(lesson)
        for item in [*authored.questions, *(t for t in authored.tasks if t.choices)]:
            by_lesson.setdefault(lesson, []).append(item)
    incidents = load_incidents()
    notebook = (NOTEBOOKS_DIR / "01_nonstate_actors.ipynb").read_text("utf-8")
    ids = json.loads(re.search(r"scale_ids = (\[[^\]]*\])", notebook).group(1).replace("\\", ""))
    by_lesson["01"] += l01.classification_questions(incidents, ids, qid_prefix="01.spread")
    by_lesson["03"].append(l03.self_check_question("03.q4", responses_with_incidents()))
    return by_lesson


def _positions(question: object) -> set[int]:
    if isinstance(question, MultipleChoice):
        return set(question.correct_options)
    answer = question.answer
    return set(answer) if isinstance(answer, set) else {answer}


def test_right_answers_are_spread_over_the_positions() -> None:
    by_lesson = _all_multiple_choice()
    everywhere = Counter(p for qs in by_lesson.values() for q in qs for p in _positions(q))
    total = sum(everywhere.values())
    position, most = everywhere.most_common(1)[0]
    assert most / total <= 0.40, f"{most} of {total} right answers sit in position {position}"
    for lesson, questions in by_lesson.items():
        spots = {p for q in questions for p in _positions(q)}
        if len(questions) > 1:
            assert len(spots) > 1, f"lesson {lesson}: every right answer sits in position {spots}"


def test_no_notebook_cell_holds_an_answer_key() -> None:
    for path in NOTEBOOKS:
        code = _code(path)
        assert not re.search(r"\banswer\s*=\s*\d", code), f"{path.name} shows an answer key"
        assert "MultipleChoice(" not in code and "feedback=" not in code, path.name


# --- worked solutions open after a try ----------------------------------------------------------


def test_a_solution_opens_only_after_a_first_check(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from course.exercises import ex02  # noqa: F401  (registers the tasks)

    # A progress file of its own: a try recorded by another test (or a notebook run in the
    # same session) would open the solution before this student tried.
    monkeypatch.setenv("COURSE_PROGRESS_FILE", str(tmp_path / "progress.json"))

    before = solution("ex02.task2")
    assert not before.available and "Try the task first" in str(before)
    assert "state_disguised" not in before._repr_markdown_()
    check("ex02.task2", {"not-an-incident"})  # a wrong answer counts as a try
    after = solution("ex02.task2")
    assert after.available and "state_disguised" in after.code
    assert "```python" in after._repr_markdown_()


def test_every_checked_task_has_a_lesson_with_a_content_file() -> None:
    for path in EXERCISES_DIR.glob("*.ipynb"):
        lesson = read_lesson(path).id
        assert lesson in lesson_ids(), f"{path.name}: no content/{lesson}_*.yaml"


def test_the_content_dataclasses_hold_exactly_the_schemas_fields() -> None:
    """content_schema checks a file, content builds dataclasses from the result: a field added
    to one and not the other would fail only when a file is next checked."""
    from dataclasses import fields

    from course.learning import content_schema

    pairs = [
        (content.Choice, content_schema.ChoiceSchema),
        (content.ChoiceQuestionText, content_schema.ChoiceQuestionSchema),
        (content.TaskText, content_schema.TaskSchema),
        (content.LessonContent, content_schema.LessonSchema),
    ]
    for dataclass_type, schema in pairs:
        assert [f.name for f in fields(dataclass_type)] == list(schema.model_fields), schema
