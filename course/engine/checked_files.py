"""Remember which data and content files passed every check, so a new kernel need not check them.

Why: every lesson and exercise starts by loading the two data files and its content files, and
checking them (pandera for the data, pydantic for the teaching text) cost about half a second per
kernel, for files that had not changed since the last kernel checked them. Whether a file passes
depends only on its bytes, on the rules (the modules that define the checks) and on the libraries
that run them. So once a file passes, its loader records that under a *stamp*: the SHA-256 of
all of these. A loader that finds the stamp skips the checks; a file edited by one byte, an
edited rule or an upgraded library gives a new stamp, so that file is checked in full again and
its errors are reported exactly as before. Only passes are recorded: a bad file is never trusted.

What is recorded: for a data file, nothing but the stamp (an empty file); for a content file,
the checked and normalised content as JSON, so a later kernel parses neither YAML nor imports
pydantic (:mod:`course.learning.content`).

Where: ``$COURSE_CACHE_DIR``, else the user's cache directory
(``platformdirs.user_cache_dir("nonstate-cyber-course")``, ``~/.cache/...`` on Linux), under
``checked/``. One file per stamp, written whole and then renamed into place, so concurrent
kernels never see half a record. A cache that cannot be read or written costs speed only: the
files are then checked every time. ``COURSE_CHECK_DATA=always`` ignores the records (checks on
every load), for contributors who want the checks run regardless.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from platformdirs import user_cache_dir

APP_NAME = "nonstate-cyber-course"
ENV_DIR = "COURSE_CACHE_DIR"
ENV_CHECK = "COURSE_CHECK_DATA"
#: The value of ``COURSE_CHECK_DATA`` that switches the records off.
ALWAYS = "always"
SUBDIR = "checked"


def cache_dir() -> Path:
    """Where records are kept (created when the first one is written)."""
    chosen = os.environ.get(ENV_DIR, "").strip()
    base = Path(chosen) if chosen else Path(user_cache_dir(APP_NAME, appauthor=False))
    return base / SUBDIR


def checks_forced() -> bool:
    """True when ``COURSE_CHECK_DATA`` asks for the checks on every load."""
    value = os.environ.get(ENV_CHECK, "").strip().lower()
    if value not in ("", ALWAYS):
        raise ValueError(f"{ENV_CHECK}: got {value!r}; allowed: empty or {ALWAYS!r}")
    return value == ALWAYS


def _library(name: str) -> str:
    """The installed copy of a library, without importing it: its ``__init__``'s path, size and
    modification time (an upgrade rewrites the file)."""
    spec = importlib.util.find_spec(name)
    if spec is None or spec.origin is None:
        return f"{name}: missing"
    stat = Path(spec.origin).stat()
    return f"{name}: {spec.origin} {stat.st_size} {stat.st_mtime_ns}"


def fingerprint(rule_files: Iterable[Path], libraries: Iterable[str]) -> str:
    """SHA-256 of the rule modules' source and of the libraries that run the checks."""
    digest = hashlib.sha256()
    for path in rule_files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    for name in libraries:
        digest.update(_library(name).encode() + b"\0")
    return digest.hexdigest()


def stamp_for(rules: str, kind: str, content: bytes, context: str = "") -> str:
    """The stamp of a file of ``kind`` with these bytes, checked by ``rules`` (a
    :func:`fingerprint`); ``context`` is what else it was checked against (for a responses file,
    the incidents' ids and start years)."""
    digest = hashlib.sha256()
    for part in (rules.encode(), kind.encode(), context.encode()):
        digest.update(part + b"\0")
    digest.update(content)
    return digest.hexdigest()


def is_stamped(stamp: str) -> bool:
    """True if a file with this stamp passed every check before (and records are in use)."""
    if checks_forced():
        return False
    try:
        return (cache_dir() / stamp).is_file()
    except OSError:
        return False


def add_stamp(stamp: str) -> bool:
    """Record that a file passed; False (and nothing else) if the cache cannot be written."""
    return _write(stamp, b"")


def read_checked(stamp: str) -> Any | None:
    """The JSON recorded with ``stamp``, or None (no record, records off, or an unreadable or
    damaged record: the caller then checks the file again)."""
    if checks_forced():
        return None
    try:
        return json.loads((cache_dir() / stamp).read_bytes())
    except (OSError, ValueError):
        return None


def write_checked(stamp: str, payload: Any) -> bool:
    """Record ``payload`` (JSON) for a file that passed; False if the cache cannot be written."""
    return _write(stamp, json.dumps(payload, ensure_ascii=False).encode("utf-8"))


def _write(stamp: str, content: bytes) -> bool:
    try:
        folder = cache_dir()
        folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=".writing-")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(content)
            os.replace(temporary, folder / stamp)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError:
        return False
    return True
