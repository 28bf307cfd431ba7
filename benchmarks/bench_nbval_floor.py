"""The notebook tests (nbval) against their floor: what does the course add to a bare kernel?

Floor: one notebook per lesson and exercise notebook that only imports the stack the course
builds on (pandas, plotly with its figure classes, ipywidgets, numpy) and does nothing else;
pytest, nbval, a kernel per notebook and the stack's import cost are in both runs, so the ratio
is what the lessons' own work adds. Both runs use the same command, working directory and
environment: progress records go to a temporary file; records of checked files go to an empty
folder per run, so the first notebook checks the data and content in full, as on a student's
first day; the course's bytecode is written first. Target: real / floor <= 1.3. The slowest
notebooks are named from pytest's ``--durations=0`` (a notebook's time = the sum of its cells',
kernel start included).

A *bare* floor (``import plotly.graph_objects`` without touching its figure classes) is run and
reported too, so the effect of that choice can be read. Another run splits the gap: a *shaped*
floor has as many code cells as each real notebook, the first importing the stack and the others
only ``pass``. shaped - floor is what nbval costs per cell (a lesson is many short cells, as the
course's style asks); real - shaped is the course's own work (its modules, data, figures,
widgets, and the garbage collection their objects cause).

    .venv/bin/python benchmarks/bench_nbval_floor.py [--repeat 1] [--check]

Writes build/bench/nbval_floor.json (see benchmarks/report.py).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from report import measure, precompile, write_result

from course.learning.lesson_map import lesson_paths

ROOT = Path(__file__).resolve().parents[1]
TARGET = 1.3
#: The stack as bench_import.py times it: plotly's figure classes loaded (``import
#: plotly.graph_objects`` alone defers them to the first figure, which every lesson draws).
BARE_STACK_CELL = "import numpy\nimport pandas\nimport plotly.graph_objects\nimport ipywidgets\n"
STACK_CELL = BARE_STACK_CELL + "plotly.graph_objects.Figure\n"
PYTEST = [
    sys.executable,
    "-m",
    "pytest",
    "--nbval",
    "--nbval-current-env",
    "-p",
    "no:cacheprovider",
    "-q",
    "--durations=0",
    "--durations-min=0",
]
DURATION = re.compile(r"^\s*([\d.]+)s\s+(setup|call|teardown)\s+(\S+?\.ipynb)::")


def real_notebooks() -> list[Path]:
    """Every lesson (from the lesson map) and every exercise notebook."""
    return lesson_paths() + sorted((ROOT / "exercises").glob("*.ipynb"))


def code_cells(path: Path) -> int:
    """How many code cells a notebook has."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return sum(1 for cell in cells if cell["cell_type"] == "code")


def floor_notebook(path: Path, cells: int = 1, first: str = STACK_CELL) -> None:
    """A notebook whose first code cell imports the stack; ``cells - 1`` more cells that only
    ``pass`` (the shaped floor: what nbval costs per cell, with no course work in it)."""
    sources = [first, *["pass\n"] * (cells - 1)]
    nb = {
        "cells": [
            {
                "cell_type": "code",
                "execution_count": None,
                "id": f"floor-{n}",
                "metadata": {},
                "outputs": [],
                "source": source,
            }
            for n, source in enumerate(sources)
        ],
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path.write_text(json.dumps(nb, indent=1), encoding="utf-8")


def notebook_key(path: str) -> str:
    """``notebooks/01_x.ipynb`` for a lesson and for its floor notebook alike."""
    return "/".join(Path(path).parts[-2:])


def run_pytest(paths: list[Path], env: dict[str, str]) -> tuple[float, dict[str, float], str]:
    """Wall seconds of one pytest run, seconds per notebook, and the summary line."""
    start = time.perf_counter()
    done = subprocess.run(
        [*PYTEST, *map(str, paths)], cwd=ROOT, env=env, capture_output=True, text=True
    )
    wall = time.perf_counter() - start
    if done.returncode != 0:
        failures = done.stdout.split("= FAILURES =", 1)[-1].split("slowest durations", 1)[0]
        raise SystemExit(f"pytest failed ({done.returncode}):\n{failures[-6000:]}")
    per: dict[str, float] = defaultdict(float)
    for line in done.stdout.splitlines():
        match = DURATION.match(line)
        if match:
            per[notebook_key(match[3])] += float(match[1])
    summary = done.stdout.strip().splitlines()[-1]
    return wall, dict(per), summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1, help="runs of each; the minimum counts")
    parser.add_argument("--check", action="store_true", help="exit 1 if the target is missed")
    args = parser.parse_args(argv)

    precompile()
    real = real_notebooks()
    (ROOT / "build").mkdir(exist_ok=True)
    # Floor notebooks under build/ (same rootdir and pytest settings as the real ones); progress
    # records outside the repository, where the course insists they live.
    with (
        tempfile.TemporaryDirectory(prefix="bench-nbval-", dir=ROOT / "build") as work,
        tempfile.TemporaryDirectory(prefix="bench-nbval-progress-") as progress,
    ):
        bare: list[Path] = []
        floor: list[Path] = []
        shaped: list[Path] = []
        for path in real:
            for folder, paths, cells, first in (
                ("bare", bare, 1, BARE_STACK_CELL),
                ("floor", floor, 1, STACK_CELL),
                ("shaped", shaped, code_cells(path), STACK_CELL),
            ):
                paths.append(Path(work) / folder / path.parent.name / path.name)  # same key
                paths[-1].parent.mkdir(parents=True, exist_ok=True)
                floor_notebook(paths[-1], cells, first)
        env = {**os.environ, "COURSE_PROGRESS_FILE": str(Path(progress) / "progress.json")}
        best: dict[str, tuple[float, dict[str, float], str]] = {}
        loads = [os.getloadavg()[0]]
        for run in range(args.repeat):
            runs = (("bare", bare), ("floor", floor), ("shaped", shaped), ("real", real))
            for label, paths in runs:
                # An empty cache of checked files for each run, as on a student's first day:
                # the first notebook checks the data and content in full, later kernels reuse
                # the records (course.engine.checked_files).
                env["COURSE_CACHE_DIR"] = tempfile.mkdtemp(prefix="cache-", dir=progress)
                result = run_pytest(paths, env)
                loads.append(os.getloadavg()[0])
                print(f"run {run + 1}, {label:<6}: {result[0]:6.1f} s  ({result[2]})", flush=True)
                if label not in best or result[0] < best[label][0]:
                    best[label] = result
    real_s, floor_s = best["real"][0], best["floor"][0]
    ratio = real_s / floor_s
    slowest = sorted(best["real"][1].items(), key=lambda kv: -kv[1])
    print(f"{len(real)} notebooks: real {real_s:.1f} s, floor {floor_s:.1f} s")
    print(f"ratio real / floor {ratio:.2f} (target <= {TARGET})")
    shaped_s, bare_s = best["shaped"][0], best["bare"][0]
    print(f"bare floor (figure classes not loaded): {bare_s:.1f} s; ratio {real_s / bare_s:.2f}")
    print(
        f"shaped floor (same code cells, each only 'pass'): {shaped_s:.1f} s; nbval's per-cell "
        f"cost {shaped_s - floor_s:.1f} s; the course's own work {real_s - shaped_s:.1f} s; "
        f"real / shaped floor {real_s / shaped_s:.2f}"
    )
    floor_per = best["floor"][1]
    print("slowest notebooks (sum of cell times, kernel start included; its floor notebook):")
    for name, seconds in slowest[:5]:
        print(f"  {seconds:6.1f} s  {name}  (floor {floor_per.get(name, math.nan):.1f} s)")
    ok = ratio <= TARGET
    top = ", ".join(f"{Path(n).stem} {s:.0f} s" for n, s in slowest[:2])
    write_result(
        "nbval_floor",
        [
            measure(
                f"nbval over {len(real)} notebooks, against notebooks that only import the stack",
                round(ratio, 2),
                "x",
                target=f"<= {TARGET}",
                met=ok,
                shown=(
                    f"{ratio:.2f}x ({real_s:.0f} s vs {floor_s:.0f} s; {real_s / bare_s:.2f}x "
                    f"against a bare import of plotly.graph_objects; against notebooks of the "
                    f"same cells that only pass: {real_s / shaped_s:.2f}x; slowest: {top})"
                ),
            )
        ],
        {
            "notebooks": len(real),
            "real_seconds": round(real_s, 2),
            "floor_seconds": round(floor_s, 2),
            "bare_floor_seconds": round(bare_s, 2),
            "ratio_to_bare_floor": round(real_s / bare_s, 2),
            "shaped_floor_seconds": round(shaped_s, 2),
            "ratio_to_shaped_floor": round(real_s / shaped_s, 2),
            "repeat": args.repeat,
            "per_notebook_seconds": {n: round(s, 2) for n, s in slowest},
            "floor_per_notebook_seconds": {n: round(s, 2) for n, s in sorted(floor_per.items())},
        },
        loads=loads,
    )
    return 0 if ok or not args.check else 1


if __name__ == "__main__":
    sys.exit(main())
