"""Where the course's files live.

The package is installed in editable mode (``pip install -e .``) by ``make lab``, ``make test``
and Binder, so the repository folders sit next to the package. One module resolves them so
no lesson or loader builds paths by hand.
"""

from __future__ import annotations

from pathlib import Path

REPO_ROOT: Path = Path(__file__).resolve().parents[2]
DATA_DIR: Path = REPO_ROOT / "data"
NOTEBOOKS_DIR: Path = REPO_ROOT / "notebooks"
EXERCISES_DIR: Path = REPO_ROOT / "exercises"
DOCS_DIR: Path = REPO_ROOT / "docs"
CONTENT_DIR: Path = REPO_ROOT / "content"
