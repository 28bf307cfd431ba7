"""Remember which data files have passed every check, so a new kernel does not check them again.

Why: checking both data files (importing pandera, then running every rule) cost about half a
second, and every lesson and exercise paid it at start, for files that had not changed since the
last kernel checked them. Whether a file passes depends only on its bytes, on the rules
(the modules ``codebook``, ``data_rules`` and ``data``) and on the pandas and pandera versions;
for the responses file also on the incidents it is read against. So once a file passes, the
loaders leave a *stamp*: an empty file named after the SHA-256 of all of these. A loader that
finds the stamp skips the checks; a file edited by one byte, an edited rule or an upgraded
library gives a new digest, so that file is checked in full again and its errors are reported
exactly as before. Only passes are stamped: a bad file is never trusted.

Where stamps live: ``$COURSE_CACHE_DIR``, else the user's cache directory
(``platformdirs.user_cache_dir("nonstate-cyber-course")``, ``~/.cache/...`` on Linux) under
``checked-data/``. One empty file per stamp means concurrent kernels never corrupt anything.
A cache that cannot be read or written costs speed only: the files are then checked every time.
``COURSE_CHECK_DATA=always`` ignores the stamps (checks every load), for contributors who want
the checks run regardless.
"""

from __future__ import annotations

import hashlib
import os
from functools import cache
from importlib import metadata
from pathlib import Path

import pandas as pd
from platformdirs import user_cache_dir

APP_NAME = "nonstate-cyber-course"
ENV_DIR = "COURSE_CACHE_DIR"
ENV_CHECK = "COURSE_CHECK_DATA"
#: The value of ``COURSE_CHECK_DATA`` that switches stamps off.
ALWAYS = "always"
SUBDIR = "checked-data"
#: The modules whose source decides what passes.
RULE_MODULES = ("codebook.py", "data_rules.py", "data.py")


def cache_dir() -> Path:
    """Where stamps are kept (not created here)."""
    chosen = os.environ.get(ENV_DIR, "").strip()
    base = Path(chosen) if chosen else Path(user_cache_dir(APP_NAME, appauthor=False))
    return base / SUBDIR


def checks_forced() -> bool:
    """True when ``COURSE_CHECK_DATA`` asks for the checks on every load."""
    value = os.environ.get(ENV_CHECK, "").strip().lower()
    if value not in ("", ALWAYS):
        raise ValueError(f"{ENV_CHECK}: got {value!r}; allowed: empty or {ALWAYS!r}")
    return value == ALWAYS


@cache
def rules_fingerprint() -> str:
    """SHA-256 of the rule modules' source and the pandas and pandera versions."""
    digest = hashlib.sha256()
    here = Path(__file__).resolve().parent
    for name in RULE_MODULES:
        digest.update(name.encode() + b"\0" + (here / name).read_bytes() + b"\0")
    try:
        pandera_version = metadata.version("pandera")
    except metadata.PackageNotFoundError:  # the checks will say so when they import it
        pandera_version = "missing"
    digest.update(f"pandas {pd.__version__}; pandera {pandera_version}".encode())
    return digest.hexdigest()


def stamp_for(kind: str, content: bytes, context: str = "") -> str:
    """The stamp of a file of ``kind`` with these bytes (``context``: what else it was read
    against, e.g. the incidents' ids and start years for a responses file)."""
    digest = hashlib.sha256()
    for part in (rules_fingerprint().encode(), kind.encode(), context.encode()):
        digest.update(part + b"\0")
    digest.update(content)
    return digest.hexdigest()


def is_stamped(stamp: str) -> bool:
    """True if a file with this stamp passed every check before (and stamps are in use)."""
    if checks_forced():
        return False
    try:
        return (cache_dir() / stamp).is_file()
    except OSError:
        return False


def add_stamp(stamp: str) -> bool:
    """Record that a file passed; False (and nothing else) if the cache cannot be written."""
    try:
        folder = cache_dir()
        folder.mkdir(parents=True, exist_ok=True)
        (folder / stamp).touch()
    except OSError:
        return False
    return True
