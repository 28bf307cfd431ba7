"""Damaged files: a progress file cut short, not JSON, the wrong shape or with bad records, and
teaching-text YAML files that are malformed.

What a student must see with a damaged progress file: a warning naming the file and where the
damaged copy was kept, every record that could still be read kept, and the next self-check
saved. What a lecturer must see with a broken content file: an error naming the file, the
question or task id and the field. Content files are never edited here: the tests work on
temporary copies (with the same file names, since the name carries the lesson id).
"""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
import textwrap
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from course.engine.paths import CONTENT_DIR, REPO_ROOT
from course.learning import progress
from course.learning.content import TEXT, ContentError, LessonTexts, load_content_file
from course.learning.progress import ProgressWarning, load_progress, progress_table, record

WHEN = datetime(2025, 3, 1, 12, tzinfo=UTC)


@pytest.fixture(autouse=True)
def fresh_warnings(monkeypatch: pytest.MonkeyPatch) -> None:
    """Warnings are shown once per session; each test starts with a clean memory of them."""
    monkeypatch.setattr(progress, "_WARNED", set())


@pytest.fixture
def progress_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "data" / "progress.json"
    monkeypatch.setenv("COURSE_PROGRESS_FILE", str(path))
    return path


def backups(path: Path) -> list[Path]:
    return sorted(path.parent.glob(f"{path.name}.corrupt-*"))


def five_records(path: Path) -> bytes:
    """A sound progress file with five records, written the way the course writes it."""
    for number in range(1, 6):
        assert record(f"0{number}.q{number}", "correct", when=WHEN)
    return path.read_bytes()


def assert_repaired(path: Path, original: bytes, caught: Any, kept: set[str]) -> None:
    """The warning names the file and the kept copy; the copy is byte-for-byte the damaged
    file; exactly the readable records are in use; the next check is saved beside them."""
    (aside,) = backups(path)
    assert aside.read_bytes() == original
    messages = [str(w.message) for w in caught if issubclass(w.category, ProgressWarning)]
    assert len(messages) == 1, messages
    assert str(path) in messages[0] and str(aside) in messages[0]
    assert set(load_progress()["questions"]) == kept
    assert record("13.q1", "incorrect") is True
    stored = json.loads(path.read_text(encoding="utf-8"))["questions"]
    assert set(stored) == kept | {"13.q1"}


# --------------------------------------------------------------------------- progress: cut short


def test_every_cut_of_a_progress_file_keeps_the_records_before_the_cut(
    progress_file: Path,
) -> None:
    """A copy or a sync cut short at ANY byte: the warning comes, the records complete before
    the cut are kept (none invented, none changed), the damaged copy is kept."""
    full = five_records(progress_file)
    entries = json.loads(full)["questions"]
    cuts = range(1, len(full) - 1, 3)
    for cut in cuts:
        for old in backups(progress_file):
            old.unlink()
        progress_file.write_bytes(full[:cut])
        with pytest.warns(ProgressWarning, match="could not be read fully") as caught:
            data = load_progress()
        (aside,) = backups(progress_file)
        assert aside.read_bytes() == full[:cut]
        assert str(progress_file) in str(caught[0].message)
        complete = {qid for qid in entries if full.index(b"}", full.index(qid.encode())) < cut}
        assert set(data["questions"]) == complete, f"cut at byte {cut}"
        assert all(data["questions"][q] == entries[q] for q in complete)
        progress._WARNED.clear()


def test_truncated_progress_file_keeps_complete_records_and_saves_the_next(
    progress_file: Path,
) -> None:
    full = five_records(progress_file)
    cut = full[: full.index(b'"05.q5"') + 12]  # the fifth record cut in half
    progress_file.write_bytes(cut)
    with pytest.warns(ProgressWarning, match=r"4 records that could be read were kept") as caught:
        load_progress()
    assert_repaired(progress_file, cut, caught, {"01.q1", "02.q2", "03.q3", "04.q4"})
    table = progress_table()
    assert list(table["lesson"]) == ["01", "02", "03", "04", "13"]


# --------------------------------------------------------------------------- progress: not JSON


@pytest.mark.parametrize(
    "damage",
    [b"", b"\x00" * 64, b"\xff\xfe{garbage", b"<html>Service unavailable</html>", b"{not json"],
    ids=["empty", "zero-bytes", "binary", "html", "not-json"],
)
def test_not_json_gives_a_warning_a_kept_copy_and_a_fresh_record(
    progress_file: Path, damage: bytes
) -> None:
    progress_file.parent.mkdir(parents=True)
    progress_file.write_bytes(damage)
    with pytest.warns(ProgressWarning, match="not valid JSON") as caught:
        assert load_progress()["questions"] == {}
    assert_repaired(progress_file, damage, caught, set())


# --------------------------------------------------------------------------- progress: wrong shape


@pytest.mark.parametrize(
    ("shape", "reason"),
    [
        ([1, 2, 3], "not a JSON object"),
        ("progress", "not a JSON object"),
        ({"version": 1}, "no 'questions' object"),
        ({"questions": ["01.q1"]}, "no 'questions' object"),
    ],
)
def test_wrong_shape_gives_a_warning_and_a_fresh_record(
    progress_file: Path, shape: Any, reason: str
) -> None:
    progress_file.parent.mkdir(parents=True)
    original = json.dumps(shape).encode()
    progress_file.write_bytes(original)
    with pytest.warns(ProgressWarning, match=reason) as caught:
        load_progress()
    assert_repaired(progress_file, original, caught, set())


def test_bad_records_are_dropped_and_the_good_ones_kept(progress_file: Path) -> None:
    good = {"attempts": 2, "ever_correct": True, "status": "correct"}
    good |= {"first_attempt": "2025-03-01T12:00:00+00:00", "last_attempt": "2025-03-02T12:00:00"}
    questions = {
        "01.q1": good,
        "02.q1": {**good, "status": "great"},
        "03.q1": {**good, "attempts": "3"},
        "04.q1": {**good, "attempts": True},
        "05.q1": {**good, "last_attempt": "yesterday"},
        "06.q1": ["not", "an", "object"],
        "07.q1": {**good, "attempts": 0},
        "ex08.task1": {**good, "status": "incorrect", "ever_correct": False},
    }
    original = json.dumps({"version": 1, "questions": questions}).encode()
    progress_file.parent.mkdir(parents=True)
    progress_file.write_bytes(original)
    expected = r"unknown status 'great' \(and 5 more problems\)"
    with pytest.warns(ProgressWarning, match=expected) as caught:
        data = load_progress()
    assert data["questions"]["01.q1"] == good
    assert "2 records that could be read were kept" in str(caught[0].message)
    assert_repaired(progress_file, original, caught, {"01.q1", "ex08.task1"})
    table = progress_table().set_index("lesson")
    assert table.loc["01", "correct"] == 1 and table.loc["08", "correct"] == 0


def test_a_repaired_file_is_not_repaired_twice(progress_file: Path) -> None:
    five_records(progress_file)
    progress_file.write_bytes(progress_file.read_bytes()[:-40])
    with pytest.warns(ProgressWarning):
        first = load_progress()
    progress._WARNED.clear()
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error", ProgressWarning)
        assert load_progress() == first  # sound now: no second warning, no second copy
    assert len(backups(progress_file)) == 1


def test_a_damaged_file_found_by_two_kernels_at_once_is_repaired_once(
    progress_file: Path, tmp_path: Path
) -> None:
    """Two kernels record into a damaged file at the same moment: one keeps the damaged copy,
    the other sees the repaired file; nothing readable and no new result is lost."""
    full = five_records(progress_file)
    progress_file.write_bytes(full[: full.index(b'"05.q5"') + 12])
    go = tmp_path / "go"
    writer = textwrap.dedent(
        """
        import sys, time
        from pathlib import Path
        from course.learning.progress import record
        while not Path(sys.argv[2]).exists():
            time.sleep(0.001)
        for n in range(20):
            assert record(f"1{sys.argv[1]}.q{n}", "correct")
        """
    )
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", writer, str(k), str(go)], env=env, stderr=subprocess.PIPE
        )
        for k in (1, 2)
    ]
    try:
        go.touch()
        errors = [p.communicate(timeout=120)[1] for p in processes]
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
    assert [p.returncode for p in processes] == [0, 0], errors
    assert sum(b"could not be read fully" in e for e in errors) == 1  # one kernel repaired
    assert len(backups(progress_file)) == 1
    questions = set(load_progress()["questions"])
    assert {"01.q1", "02.q2", "03.q3", "04.q4"} <= questions
    assert len(questions) == 4 + 2 * 20


# --------------------------------------------------------------------------- content files


@pytest.fixture(scope="module")
def content_files() -> list[Path]:
    files = sorted(CONTENT_DIR.glob("[0-9][0-9]_*.yaml"))
    assert files
    return files


def broken_copy(source: Path, folder: Path, change: Any) -> Path:
    """A temporary copy of ``source`` (same name) with ``change`` applied to its parsed data
    (a function) or replacing its text (bytes)."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / source.name
    if isinstance(change, bytes):
        target.write_bytes(change)
    else:
        data = parsed(source)
        change(data)
        text = yaml.dump(data, Dumper=_DUMPER, sort_keys=False, allow_unicode=True)
        target.write_text(text, "utf-8")
    return target


_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: 10x faster
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def parsed(source: Path) -> Any:
    """A fresh copy of the data in ``source`` (parsed once per file, copied per use)."""
    if source not in _PARSED:
        _PARSED[source] = yaml.load(source.read_text(encoding="utf-8"), Loader=_LOADER)
    return copy.deepcopy(_PARSED[source])


_PARSED: dict[Path, Any] = {}


def content_error(path: Path) -> str:
    with pytest.raises(ContentError) as caught:
        load_content_file(path)
    return str(caught.value)


def _drop(field: str) -> Any:
    def change(item: dict[str, Any]) -> None:
        del item[field]

    return change


def _set(field: str, value: Any) -> Any:
    def change(item: dict[str, Any]) -> None:
        item[field] = value

    return change


def _drop_choice(field: str) -> Any:
    def change(item: dict[str, Any]) -> None:
        del item["choices"][1][field]

    return change


def _set_choice(field: str, value: Any) -> Any:
    def change(item: dict[str, Any]) -> None:
        item["choices"][1][field] = value

    return change


ITEM_DAMAGE = {
    "missing prompt": (_drop("prompt"), "prompt", "Field required"),
    "prompt is a number": (_set("prompt", 12), "prompt", "valid string"),
    "choices is a text": (_set("choices", "yes, no"), "choices", "valid list"),
    "choice without feedback": (_drop_choice("feedback"), "choices[2].feedback", "Field required"),
    "correct is a word": (_set_choice("correct", "maybe"), "choices[2].correct", "boolean"),
    "misspelt field": (_set("feedbak", "x"), "feedbak", "unknown field"),
}


@pytest.mark.parametrize("damage", list(ITEM_DAMAGE))
def test_every_question_and_task_names_file_id_and_field(
    content_files: list[Path], tmp_path: Path, damage: str
) -> None:
    """Each damage, applied to the first question and the first task of every content file
    (so a new lesson is covered), gives an error naming the file, the id and the field."""
    change, field, words = ITEM_DAMAGE[damage]
    checked = 0
    for source in content_files:
        data = parsed(source)
        for section, kind in (("questions", "question"), ("tasks", "task")):
            items = data.get(section) or []
            if not items or (
                damage != "misspelt field" and "choices" in field and not items[0].get("choices")
            ):
                continue
            if "choices" in damage and not items[0].get("choices"):
                continue

            def apply(d: dict[str, Any], section: str = section) -> None:
                change(d[section][0])

            copy = broken_copy(source, tmp_path / f"{source.stem}-{section}", apply)
            message = content_error(copy)
            assert copy.name in message, message
            assert f"{kind} {items[0]['id']!r}" in message, message
            assert f"field '{field}'" in message, message
            assert words in message, message
            checked += 1
    assert checked >= len(content_files)


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda text: text.replace("questions:", "questions: [", 1), "not valid YAML"),
        (lambda text: text + "\n\tbroken: tab\n", "not valid YAML"),
        (lambda text: text.replace("lesson:", "lesson: '99'\nlesson:", 1), "appears twice"),
        (lambda text: "", "must be a mapping with 'lesson'"),
        (lambda text: "- just\n- a list\n", "must be a mapping with 'lesson'"),
        (lambda text: text[: len(text) // 2].rstrip("\n"), "does not end with a line break"),
    ],
    ids=["bad-yaml", "tab", "duplicate-key", "empty", "a-list", "half-written"],
)
def test_a_broken_file_is_an_error_naming_it(
    content_files: list[Path], tmp_path: Path, make: Any, words: str
) -> None:
    for source in content_files:
        text = make(source.read_text(encoding="utf-8"))
        copy = broken_copy(source, tmp_path / source.stem, text.encode())
        message = content_error(copy)
        assert copy.name in message and words in message, message


def test_bytes_that_are_not_utf8_name_the_file_and_line(
    content_files: list[Path], tmp_path: Path
) -> None:
    source = content_files[-1]
    lines = source.read_bytes().split(b"\n")
    lines[4] += " caf\xe9".encode("latin-1")
    copy = broken_copy(source, tmp_path, b"\n".join(lines))
    message = content_error(copy)
    assert copy.name in message and "line 5" in message and "UTF-8" in message


def test_a_wrong_lesson_id_names_the_field_and_the_allowed_value(
    content_files: list[Path], tmp_path: Path
) -> None:
    source = content_files[1]
    copy = broken_copy(source, tmp_path, _set("lesson", "77"))
    message = content_error(copy)
    assert copy.name in message and "field 'lesson'" in message
    assert f"allowed: {source.name[:2]!r}" in message


def test_texts_a_module_reads_are_checked_naming_file_and_key(
    content_files: list[Path], tmp_path: Path
) -> None:
    """A text the lesson module needs, deleted or turned into a list, stops the module with
    the file and the key path, not a KeyError deep in a lesson."""
    source = next(p for p in content_files if (parsed(p) or {}).get("texts"))
    lesson = source.name[:2]
    texts = parsed(source)["texts"]
    name = next(k for k, v in texts.items() if isinstance(v, str))
    spec = LessonTexts(lesson, {name: TEXT})

    def drop(data: dict[str, Any]) -> None:
        del data["texts"][name]

    folder = tmp_path / "dropped"
    broken_copy(source, folder, drop)
    with pytest.raises(ContentError, match=rf"{source.name}: texts: no key '{name}'"):
        spec(folder)

    def listify(data: dict[str, Any]) -> None:
        data["texts"][name] = ["a", "list"]

    folder = tmp_path / "listed"
    broken_copy(source, folder, listify)
    with pytest.raises(ContentError, match=rf"{source.name}: texts: {name}: expected a text"):
        spec(folder)
