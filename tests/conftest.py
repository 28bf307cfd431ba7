"""Shared test set-up.

Progress records written while tests run (unit tests and the nbval kernels, which inherit this
process's environment) go to a throw-away file, never to the user's data directory.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

collect_ignore_glob = ["fixtures/*"]

if not os.environ.get("COURSE_PROGRESS_FILE"):
    _progress_dir = Path(tempfile.mkdtemp(prefix="course-test-progress-"))
    os.environ["COURSE_PROGRESS_FILE"] = str(_progress_dir / "progress.json")
