"""Data files are checked once per version: stamps skip the checks, never an edited file's."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from course.engine import checked_files, data, data_rules
from course.engine.data import DataValidationError, load_incidents, load_responses
from course.engine.paths import DATA_DIR

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An empty record cache of this test's own, with records in use, and nothing loaded yet in
    this process (as in a new kernel)."""
    folder = tmp_path / "cache"
    monkeypatch.setenv(checked_files.ENV_DIR, str(folder))
    monkeypatch.delenv(checked_files.ENV_CHECK, raising=False)
    data._LOADED.clear()
    yield folder / checked_files.SUBDIR
    data._LOADED.clear()


@pytest.fixture
def check_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the checks run from now on (each still runs for real)."""
    calls: list[str] = []
    for name in ("incident_problems", "response_problems"):
        real = getattr(data_rules, name)

        def counted(*args: object, _real=real, _name=name) -> object:
            calls.append(_name)
            return _real(*args)

        monkeypatch.setattr(data_rules, name, counted)
    return calls


def copy_data(tmp_path: Path) -> tuple[Path, Path]:
    incidents = tmp_path / "incidents.csv"
    responses = tmp_path / "responses.csv"
    incidents.write_bytes((DATA_DIR / "incidents.csv").read_bytes())
    responses.write_bytes((DATA_DIR / "responses.csv").read_bytes())
    return incidents, responses


def test_a_file_that_passed_is_not_checked_again_and_loads_the_same(
    cache: Path, check_calls: list[str]
) -> None:
    first_incidents = load_incidents()
    first_responses = load_responses(incidents=first_incidents)
    assert check_calls == ["incident_problems", "response_problems"]
    assert len(list(cache.iterdir())) == 2, "one stamp per file that passed"

    again_incidents = load_incidents()
    again_responses = load_responses(incidents=again_incidents)
    assert check_calls == ["incident_problems", "response_problems"], "stamped files re-checked"
    pd.testing.assert_frame_equal(again_incidents, first_incidents)
    pd.testing.assert_frame_equal(again_responses, first_responses)


def test_an_edited_file_is_checked_in_full_despite_the_old_stamp(
    cache: Path, tmp_path: Path
) -> None:
    incidents, _ = copy_data(tmp_path)
    load_incidents(incidents)  # stamps the unedited copy
    text = incidents.read_text(encoding="utf-8")
    incidents.write_text(text.replace(",large,", ",huge,", 1), encoding="utf-8")
    with pytest.raises(DataValidationError) as caught:
        load_incidents(incidents)
    assert "column 'scale': bad value 'huge'" in str(caught.value)
    assert str(incidents) in str(caught.value)


def test_a_failing_file_is_never_stamped(cache: Path, tmp_path: Path) -> None:
    incidents, _ = copy_data(tmp_path)
    incidents.write_text(
        incidents.read_text(encoding="utf-8").replace(",large,", ",huge,", 1), encoding="utf-8"
    )
    for _ in range(2):
        with pytest.raises(DataValidationError, match="huge"):
            load_incidents(incidents)
    assert not cache.exists() or not list(cache.iterdir())


def test_responses_are_checked_again_against_changed_incidents(
    cache: Path, check_calls: list[str]
) -> None:
    incidents = load_incidents()
    load_responses(incidents=incidents)
    moved = incidents.copy()
    moved.loc[moved["id"] == "estonia-2007", "start_year"] = 2020  # after its responses
    with pytest.raises(DataValidationError) as caught:
        load_responses(incidents=moved)
    assert "a date in or after the start_year of its incident" in str(caught.value)
    assert check_calls.count("response_problems") == 2


def test_always_checks_when_asked(
    cache: Path, check_calls: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    load_incidents()
    monkeypatch.setenv(checked_files.ENV_CHECK, "always")
    load_incidents()
    assert check_calls == ["incident_problems", "incident_problems"]


def test_an_unknown_check_setting_names_the_variable_and_the_allowed_values(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(checked_files.ENV_CHECK, "sometimes")
    with pytest.raises(ValueError, match=r"COURSE_CHECK_DATA: got 'sometimes'; allowed: .*always"):
        load_incidents()


def test_a_cache_that_cannot_be_written_costs_speed_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, check_calls: list[str]
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv(checked_files.ENV_DIR, str(blocker))
    monkeypatch.delenv(checked_files.ENV_CHECK, raising=False)
    assert checked_files.add_stamp("0" * 64) is False
    for _ in range(2):
        data._LOADED.clear()  # a new kernel
        assert len(load_incidents()) > 0
    assert check_calls == ["incident_problems", "incident_problems"]


def test_the_stamp_covers_content_context_rules_and_libraries(tmp_path: Path) -> None:
    rules = data._rules()
    base = checked_files.stamp_for(rules, "incidents.csv", b"a,b\n")
    assert checked_files.stamp_for(rules, "incidents.csv", b"a,b\n") == base
    assert checked_files.stamp_for(rules, "incidents.csv", b"a,c\n") != base
    assert checked_files.stamp_for(rules, "responses.csv", b"a,b\n") != base
    assert checked_files.stamp_for(rules, "incidents.csv", b"a,b\n", "estonia-2007,2007") != base
    here = Path(data.__file__).parent
    assert {"codebook.py", "data_rules.py", "data.py"} <= set(data.RULE_MODULES)
    assert all((here / name).is_file() for name in data.RULE_MODULES)
    # An edited rule module or another copy of a library gives another fingerprint.
    module = tmp_path / "data_rules.py"
    module.write_text("RULE = 1\n", encoding="utf-8")
    first = checked_files.fingerprint([module], ["pandera"])
    module.write_text("RULE = 2\n", encoding="utf-8")
    assert checked_files.fingerprint([module], ["pandera"]) != first
    assert checked_files.fingerprint([module], ["pandera", "pydantic"]) != first
    assert "pandera: /" in checked_files._library("pandera")
    assert checked_files._library("no_such_library_xyz") == "no_such_library_xyz: missing"


def test_a_damaged_record_counts_as_none(cache: Path) -> None:
    assert checked_files.write_checked("a" * 64, {"lesson": "02"})
    assert checked_files.read_checked("a" * 64) == {"lesson": "02"}
    (cache / ("a" * 64)).write_bytes(b'{"lesson": ')  # cut short
    assert checked_files.read_checked("a" * 64) is None
    assert checked_files.read_checked("b" * 64) is None
    assert not [p for p in cache.iterdir() if p.name.startswith(".writing-")]


def test_a_new_kernel_with_stamps_loads_without_the_checking_library(cache: Path) -> None:
    """What every lesson after the first gains: pandera is not even imported."""
    load_responses(incidents=load_incidents())  # leaves the stamps
    code = (
        "import sys\n"
        "from course.engine.data import responses_with_incidents\n"
        "joined = responses_with_incidents()\n"
        "print(len(joined), 'pandera' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        env={**os.environ},
        capture_output=True,
        text=True,
        check=True,
    )
    rows, imported = done.stdout.split()
    assert int(rows) == len(load_responses()) and imported == "False"


def test_bad_bytes_and_a_missing_file_name_the_file_and_the_line(
    cache: Path, tmp_path: Path
) -> None:
    incidents, _ = copy_data(tmp_path)
    content = incidents.read_bytes()
    lines = content.split(b"\n")
    lines[3] = lines[3][:5] + b"\xff" + lines[3][5:]  # a Latin-1 byte on line 4
    incidents.write_bytes(b"\n".join(lines))
    with pytest.raises(DataValidationError) as caught:
        load_incidents(incidents)
    message = str(caught.value)
    assert "line 4, column '(encoding)'" in message and "allowed: UTF-8 text" in message

    with pytest.raises(DataValidationError, match=r"column '\(file\)'.*a readable CSV file"):
        load_incidents(tmp_path / "missing.csv")


def test_data_module_needs_no_checking_library_to_import() -> None:
    code = "import sys, course.engine.data; print('pandera' in sys.modules)"
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "False"


# --- content files --------------------------------------------------------------------------


@pytest.fixture
def content_checks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The content files checked from now on (each check still runs for real); the in-process
    memo of parsed files is emptied so every load goes to the file and the record."""
    from course.learning import content, content_schema

    calls: list[str] = []
    real = content_schema.checked

    def counted(raw: object, where: str) -> dict:
        calls.append(where)
        return real(raw, where)

    monkeypatch.setattr(content_schema, "checked", counted)
    content._parse.cache_clear()
    yield calls
    content._parse.cache_clear()


def test_a_checked_content_file_loads_the_same_from_its_record(
    cache: Path, content_checks: list[str]
) -> None:
    from course.learning import content

    path = content.content_file("03")
    first = content.load_content_file(path)
    content._parse.cache_clear()
    again = content.load_content_file(path)
    assert _checks_of(content_checks, path) == 1, "a content file that passed was checked again"
    assert again == first
    # Lesson 03's plans are keyed by option number: the record keeps the numbers numbers.
    plans = again.texts["plans"]["willing_able"]
    assert set(plans) == set(range(1, 8)) and plans == first.texts["plans"]["willing_able"]
    assert again.question("03.q1").answer == first.question("03.q1").answer


def test_an_edited_content_file_is_checked_again(
    cache: Path, tmp_path: Path, content_checks: list[str]
) -> None:
    from course.learning import content
    from course.learning.content import ContentError

    copy = tmp_path / "02_proxies_and_attribution.yaml"
    copy.write_bytes(content.content_file("02").read_bytes())
    content.load_content_file(copy)
    text = copy.read_text(encoding="utf-8")
    copy.write_text(text.replace("feedback:", "feedbak:", 1), encoding="utf-8")
    content._parse.cache_clear()
    with pytest.raises(ContentError, match=r"field '.*feedbak': unknown field"):
        content.load_content_file(copy)
    assert len(content_checks) == 2


def test_a_damaged_content_record_is_checked_again(cache: Path, content_checks: list[str]) -> None:
    from course.learning import content

    first = content.lesson_content("05")
    for record in cache.iterdir():
        record.write_bytes(b'{"__mapping__": [["lesson", "05"]]}')  # wrong shape
    content._parse.cache_clear()
    assert content.lesson_content("05") == first
    assert _checks_of(content_checks, content.content_file("05")) == 2


def test_the_first_file_checked_records_the_other_lessons_files_too(
    cache: Path, content_checks: list[str]
) -> None:
    """The checker loads once per student, not once per lesson, on the first day."""
    from course.learning import content

    content.lesson_content("04")
    assert sorted(content_checks) == sorted(
        content._display(content.content_file(i).resolve()) for i in content.lesson_ids()
    )
    content_checks.clear()
    content._parse.cache_clear()
    for lesson in content.lesson_ids():
        content.lesson_content(lesson)
    assert content_checks == [], "a file checked with the first one was checked again"


def test_a_broken_file_of_another_lesson_stops_only_its_own_lesson(
    cache: Path, tmp_path: Path, content_checks: list[str]
) -> None:
    from course.learning import content
    from course.learning.content import ContentError

    for lesson in ("04", "05"):
        source = content.content_file(lesson)
        (tmp_path / source.name).write_bytes(source.read_bytes())
    broken = tmp_path / content.content_file("05").name
    broken.write_text(broken.read_text(encoding="utf-8").replace("feedback:", "feedbak:", 1))
    good = content.load_content_file(tmp_path / content.content_file("04").name)
    assert good.question("04.q1").id == "04.q1"
    assert _checks_of(content_checks, broken) == 1, "the other file was not checked"
    with pytest.raises(ContentError, match=r"05_.*field '.*feedbak': unknown field"):
        content.load_content_file(broken)
    assert _checks_of(content_checks, broken) == 2, "a failing file must not be recorded"


def _checks_of(calls: list[str], path: Path) -> int:
    """How many of the recorded checks were of ``path``."""
    return sum(1 for where in calls if where.endswith(path.name))


def test_a_new_kernel_reads_content_without_yaml_or_pydantic(cache: Path) -> None:
    from course.learning import content

    for lesson in content.lesson_ids():
        content.lesson_content(lesson)  # checked here, recorded in this test's cache
    code = (
        "import sys\n"
        "from course.learning.content import lesson_content, lesson_ids\n"
        "n = sum(len(lesson_content(i).questions) for i in lesson_ids())\n"
        "import course.lessons.l12_case_study_lab\n"
        "print(n, 'pydantic' in sys.modules, 'yaml' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True
    )
    count, pydantic_loaded, yaml_loaded = done.stdout.split()
    total = sum(len(content.lesson_content(i).questions) for i in content.lesson_ids())
    assert int(count) == total > 0
    assert (pydantic_loaded, yaml_loaded) == ("False", "False")


def test_a_process_parses_a_file_once_and_hands_out_copies(
    cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    parsed: list[str] = []
    real = data._read_rows
    monkeypatch.setattr(
        data,
        "_read_rows",
        lambda path, text, columns: parsed.append(path.name) or real(path, text, columns),
    )
    incidents, _ = copy_data(tmp_path)
    first = load_incidents(incidents)
    first.loc[0, "name"] = "changed by the caller"
    second = load_incidents(incidents)
    assert parsed == ["incidents.csv"], "the same bytes were parsed again"
    assert second.loc[0, "name"] != "changed by the caller", "callers share one frame"
    incidents.write_text(
        incidents.read_text(encoding="utf-8").replace(",large,", ",small,", 1), encoding="utf-8"
    )
    third = load_incidents(incidents)
    assert parsed == ["incidents.csv", "incidents.csv"], "an edited file was not read again"
    assert (third["scale"] == "small").sum() == (second["scale"] == "small").sum() + 1
