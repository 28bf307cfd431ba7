"""The course installed from a wheel, away from the checkout, still finds its data and texts.

Why: a JupyterHub image installs the package with ``pip install`` (not editable), so no
repository sits next to it. The loaders must then read the copies of ``data/`` and ``content/``
the wheel carries (course/engine/paths.py explains the layout). The test builds the wheel from
a copy of the working tree, installs it without dependencies into a fresh venv outside the
checkout (the main venv's site-packages reach it through a ``.pth`` file, so nothing is
downloaded), and compares what the loaders read there with what they read in the checkout.

Notebooks do not ship in the wheel: students get them with nbgitpuller (docs/hub.md), and a
second copy inside site-packages would only drift from what they open.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
MAIN_SITE_PACKAGES = Path(sysconfig.get_paths()["purelib"])
COPY_IGNORE = shutil.ignore_patterns(
    ".git", ".venv", "build", "editions", "*.egg-info", "__pycache__", ".*_cache", ".hypothesis"
)

# What a hub image needs at run time, printed as counts so both installs can be compared.
SNIPPET = r"""
import importlib, json, pkgutil
import course, course.exercises, course.lessons
from course.engine import paths
from course.engine.data import load_incidents, load_responses
from course.learning import content
from course.learning.glossary import load_glossary
from course.learning.lesson_map import load_lessons
from course.learning.references import load_references

# Lesson and exercise modules check their texts against content/*.yaml when imported.
modules = [
    info.name
    for package in (course.lessons, course.exercises)
    for info in pkgutil.iter_modules(package.__path__, package.__name__ + ".")
]
for name in modules:
    importlib.import_module(name)
incidents = load_incidents()
lessons = {}
for lesson_id in content.lesson_ids():
    text = content.lesson_content(lesson_id)
    lessons[lesson_id] = [len(text.questions), len(text.tasks), len(text.texts)]
print(json.dumps({
    "package": course.__file__,
    "in_checkout": paths.IN_CHECKOUT,
    "data_dir": str(paths.DATA_DIR),
    "notebooks_dir": str(paths.NOTEBOOKS_DIR),
    "counts": {
        "modules": len(modules),
        "incidents": len(incidents),
        "responses": len(load_responses(incidents=incidents)),
        "references": len(load_references()),
        "glossary": len(load_glossary()),
        "lessons": lessons,
    },
    "lesson_map": [lesson.id for lesson in load_lessons()],
}))
"""


def _run(cmd: list[str], *, cwd: Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        pytest.fail(
            f"{' '.join(cmd)} (in {cwd}) failed with code {done.returncode}:\n"
            f"{done.stdout[-2000:]}\n{done.stderr[-4000:]}"
        )
    return done.stdout


def _clean_env() -> dict[str, str]:
    """The environment without PYTHONPATH entries that hold a ``course`` package, so the
    installed wheel is what gets imported (others, such as the tests' offline guard, stay)."""
    kept = [
        entry
        for entry in os.environ.get("PYTHONPATH", "").split(os.pathsep)
        if entry and not (Path(entry) / "course").exists()
    ]
    return {**os.environ, "PYTHONPATH": os.pathsep.join(kept)}


def _report(python: Path, cwd: Path) -> dict[str, Any]:
    output = _run([str(python), "-c", SNIPPET], cwd=cwd, env=_clean_env())
    return json.loads(output.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel, built from a copy of the working tree (setuptools would otherwise reuse stale
    files from build/lib in the checkout) without build isolation (no download)."""
    source = tmp_path_factory.mktemp("source") / "nonstate-cyber-course"
    shutil.copytree(ROOT, source, ignore=COPY_IGNORE, symlinks=True)
    out = tmp_path_factory.mktemp("wheelhouse")
    cmd = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q"]
    done = subprocess.run(
        [*cmd, ".", "-w", str(out)], cwd=source, capture_output=True, text=True, timeout=300
    )
    if done.returncode != 0:
        pytest.fail(
            "building the wheel failed. It needs setuptools>=77 in the venv (PEP 639 licence "
            f"fields in pyproject.toml):\n{done.stderr[-4000:]}"
        )
    (built,) = out.glob("nonstate_cyber_course-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Python of a fresh venv outside the checkout with only the wheel installed; the
    dependencies come from the main venv through a .pth file."""
    venv = tmp_path_factory.mktemp("hub-image") / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)], cwd=venv.parent)
    python = venv / "bin" / "python"
    site = Path(
        _run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            cwd=venv.parent,
        ).strip()
    )
    (site / "course-main-venv.pth").write_text(f"{MAIN_SITE_PACKAGES}\n", encoding="utf-8")
    pip = [sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps"]
    _run([*pip, str(wheel)], cwd=venv.parent, env=_clean_env())
    return python


def test_wheel_ships_the_package_data_and_texts_but_no_tests_or_notebooks(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    code = {p.relative_to(ROOT).as_posix() for p in (ROOT / "course").rglob("*.py")}
    missing_code = sorted(code - names)
    assert not missing_code, (
        f"modules missing from the wheel (add their package to [tool.setuptools] packages in "
        f"pyproject.toml): {missing_code}"
    )
    shipped = {
        f"course/_shipped/{p.relative_to(ROOT).as_posix()}"
        for pattern in ("data/*.csv", "data/README.md", "content/*.yaml")
        for p in ROOT.glob(pattern)
    }
    assert len(shipped) > 15
    assert not sorted(shipped - names), f"data or content missing: {sorted(shipped - names)}"
    unwanted = sorted(
        n for n in names if n.endswith(".ipynb") or n.split("/")[0] in {"tests", "notebooks"}
    )
    assert not unwanted, f"the wheel must not carry tests or notebooks: {unwanted}"


def test_installed_wheel_loads_the_same_data_and_texts_as_the_checkout(
    installed: Path, tmp_path: Path
) -> None:
    # A kernel runs in its notebook's folder: here a pulled copy of notebooks/, outside the
    # checkout, as nbgitpuller leaves it in a student's home.
    pulled = tmp_path / "home" / "nonstate-cyber-course"
    shutil.copytree(ROOT / "notebooks", pulled / "notebooks", ignore=COPY_IGNORE)
    from_wheel = _report(installed, pulled / "notebooks")
    in_checkout = _report(Path(sys.executable), ROOT)

    site = installed.parents[1]
    assert Path(from_wheel["package"]).is_relative_to(site), from_wheel["package"]
    assert from_wheel["in_checkout"] is False
    assert Path(from_wheel["data_dir"]) == Path(from_wheel["package"]).parent / "_shipped/data"
    assert in_checkout["in_checkout"] is True
    assert Path(in_checkout["data_dir"]) == ROOT / "data"
    assert from_wheel["counts"] == in_checkout["counts"]
    assert in_checkout["counts"]["incidents"] > 0 and len(in_checkout["counts"]["lessons"]) > 10
    # The start page's lesson map reads the pulled notebooks.
    assert Path(from_wheel["notebooks_dir"]) == pulled / "notebooks"
    assert from_wheel["lesson_map"] == in_checkout["lesson_map"]


def test_installed_wheel_works_from_any_folder(installed: Path, tmp_path: Path) -> None:
    """A script run outside any course folder still gets the data; it simply has no lessons."""
    script = (
        "from course.engine.data import load_incidents; "
        "from course.learning.lesson_map import load_lessons; "
        "print(len(load_incidents()), len(load_lessons()))"
    )
    output = _run([str(installed), "-c", script], cwd=tmp_path, env=_clean_env())
    incidents, lessons = map(int, output.split())
    assert incidents > 0
    assert lessons == 0
