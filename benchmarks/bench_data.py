"""Benchmark the dataset loaders: is loading both files "well under a second" after import?

Target (issue 3): ``load_incidents()`` plus ``load_responses(incidents=...)`` well under one
second once ``course.engine.data`` is imported, with every check run (``COURSE_CHECK_DATA=always``:
a file edited since the last check). Loading from the record of an earlier check (what every
later kernel does, see ``course.engine.checked_files``) is timed beside it. The import itself is
timed apart, in a fresh interpreter, because a lesson pays it once. This is a script, not a timed
test, because timings depend on the machine: run it by hand and quote the figures.

    .venv/bin/python benchmarks/bench_data.py [--repeat 7] [--check]

``--check`` exits with status 1 when the target is missed.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable

import pandas as pd
import pandera
from report import measure, write_result

from course.engine import checked_files
from course.engine.data import load_incidents, load_responses, responses_with_incidents

TARGET_S = 1.0
IMPORT_SNIPPET = (
    "import time; t = time.perf_counter(); import course.engine.data; "
    "print(time.perf_counter() - t)"
)


def timings(func: Callable[[], object], repeat: int) -> list[float]:
    """Wall-clock seconds of ``repeat`` separate calls (each call reads the files again)."""
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        out.append(time.perf_counter() - start)
    return out


def import_seconds() -> float:
    """Time ``import course.engine.data`` in a fresh interpreter (nothing already imported)."""
    done = subprocess.run(
        [sys.executable, "-c", IMPORT_SNIPPET], capture_output=True, text=True, check=True
    )
    return float(done.stdout.strip())


def both() -> None:
    """What a lesson does: load the incidents once and check the responses against them."""
    load_responses(incidents=load_incidents())


def report(label: str, values: list[float]) -> None:
    best, median = min(values) * 1e3, statistics.median(values) * 1e3
    print(f"{label:<34} best {best:8.1f} ms   median {median:8.1f} ms")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7, help="calls per measurement")
    parser.add_argument("--check", action="store_true", help="exit 1 if the target is missed")
    args = parser.parse_args(argv)

    print(
        f"Python {platform.python_version()}, pandas {pd.__version__}, "
        f"pandera {pandera.__version__}"
    )
    imported = import_seconds()
    print(f"{'import course.engine.data (fresh process)':<34} {imported * 1e3:8.1f} ms")
    incidents = load_incidents()
    # Checked in full (a file edited since the last check, or a new computer): the target.
    os.environ[checked_files.ENV_CHECK] = checked_files.ALWAYS
    report("load_incidents()", timings(load_incidents, args.repeat))
    report(
        "load_responses(incidents=...)",
        timings(lambda: load_responses(incidents=incidents), args.repeat),
    )
    together = timings(both, args.repeat)
    report("both files, checked", together)
    # From the record of an earlier check (every later kernel on the same computer).
    os.environ.pop(checked_files.ENV_CHECK)
    both()
    recorded = timings(both, args.repeat)
    report("both files, recorded", recorded)
    report("responses_with_incidents()", timings(responses_with_incidents, args.repeat))

    ok = statistics.median(together) < TARGET_S
    print(f"target: both files in < {TARGET_S:.0f} s -> " + ("met" if ok else "MISSED"))
    both_ms = statistics.median(together) * 1e3
    recorded_ms = statistics.median(recorded) * 1e3
    write_result(
        "data",
        [
            measure(
                "Loading and checking both data files (after import), median",
                round(both_ms, 1),
                "ms",
                target=f"< {TARGET_S * 1e3:.0f} ms",
                met=ok,
                shown=(
                    f"{both_ms:.0f} ms checked in full; {recorded_ms:.0f} ms once checked "
                    f"(import of the loaders: {imported * 1e3:.0f} ms)"
                ),
            )
        ],
        {
            "import_ms": imported * 1e3,
            "both_ms": [t * 1e3 for t in together],
            "recorded_ms": [t * 1e3 for t in recorded],
        },
    )
    return 0 if ok or not args.check else 1


if __name__ == "__main__":
    sys.exit(main())
