"""Where the course's files live, in a checkout and in an installed wheel.

One module resolves the folders, so no lesson or loader builds paths by hand. Two layouts exist:

Checkout (``make lab``, ``make test``, Binder: ``pip install -e .``)
    The package sits in the repository, next to ``data/`` and ``content/``. Those top-level
    folders are the one place people edit (the data card and the teaching text), so they are
    read in place: an edit shows at once, with nothing to rebuild.

Installed wheel (a JupyterHub image: ``pip install nonstate-cyber-course`` from git or a wheel)
    No repository is next to the package. The wheel carries copies of ``data/`` and
    ``content/`` as ``course/_shipped/data`` and ``course/_shipped/content``. They are not
    copies anyone keeps in git: ``pyproject.toml`` maps those two package names onto the
    top-level folders (``[tool.setuptools.package-dir]``), so setuptools copies the files at
    build time. Why this way and not another: a build hook would need a ``setup.py``;
    ``data-files`` land outside the package (``<prefix>/share``), where the package cannot
    find them reliably (``--user``, ``--target``, and ``--prefix`` installs put them elsewhere);
    a symlink inside ``course/`` breaks on Windows checkouts.

The checkout wins when it is there: it is recognised by ``pyproject.toml`` together with
``data/incidents.csv`` next to the package, so an unrelated ``data`` folder in site-packages
never passes for the course's data.

Notebooks and exercises do not ship in the wheel (students get them with nbgitpuller, see
``docs/hub.md``). With an installed wheel, :data:`NOTEBOOKS_DIR` and :data:`EXERCISES_DIR` are
found from the working directory instead: a kernel runs in the folder of its notebook, so the
start page's lesson map finds the pulled ``notebooks/`` folder by looking there and upwards.
"""

from __future__ import annotations

import re
from pathlib import Path

PACKAGE_DIR: Path = Path(__file__).resolve().parents[1]
"""The ``course`` package folder."""
SHIPPED_DIR: Path = PACKAGE_DIR / "_shipped"
"""Where an installed wheel keeps its copies of ``data/`` and ``content/``."""

_LESSON_NOTEBOOK = re.compile(r"^\d{2}_[a-z0-9_]+\.ipynb$")


def is_checkout(folder: Path) -> bool:
    """True when `folder` is the course repository (not merely some folder named ``data``)."""
    return (folder / "pyproject.toml").is_file() and (folder / "data" / "incidents.csv").is_file()


def _has_lessons(folder: Path) -> bool:
    notebooks = folder / "notebooks"
    return notebooks.is_dir() and any(_LESSON_NOTEBOOK.match(p.name) for p in notebooks.iterdir())


def find_lessons_root(start: Path | None = None) -> Path | None:
    """The nearest folder at or above `start` (default: the working directory) that holds a
    ``notebooks/`` folder with lesson notebooks, or None (for example a script run elsewhere)."""
    try:
        here = (start or Path.cwd()).resolve()
    except OSError:  # the working directory was deleted
        return None
    return next((folder for folder in (here, *here.parents) if _has_lessons(folder)), None)


IN_CHECKOUT: bool = is_checkout(PACKAGE_DIR.parent)
"""True in a checkout (editable install), False in an installed wheel."""
REPO_ROOT: Path = PACKAGE_DIR.parent if IN_CHECKOUT else SHIPPED_DIR
"""The folder that holds ``data/`` and ``content/``: the repository in a checkout, the shipped
copies in an installed wheel. Progress files are refused inside it (course.learning.progress)."""
DATA_DIR: Path = REPO_ROOT / "data"
CONTENT_DIR: Path = REPO_ROOT / "content"
DOCS_DIR: Path = REPO_ROOT / "docs"
"""Only in a checkout: the wheel ships no documentation folder."""

_LESSONS_ROOT: Path = REPO_ROOT if IN_CHECKOUT else (find_lessons_root() or REPO_ROOT)
NOTEBOOKS_DIR: Path = _LESSONS_ROOT / "notebooks"
EXERCISES_DIR: Path = _LESSONS_ROOT / "exercises"
