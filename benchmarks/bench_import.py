"""Import time of the course's modules against the stack they build on.

A lesson's first cell imports its module (``course.lessons.lNN_*``); a student waits for it
each time a kernel starts. Most of that is the stack (pandas, numpy, plotly, ipywidgets), which
any notebook with figures and widgets pays too, so the figure is a ratio: the module's import
in a fresh interpreter against the stack's import in a fresh interpreter, each the minimum of
``--runs`` runs taken in the same session. Target: every ratio <= 1.2. The three heaviest
imports outside the stack are named from ``python -X importtime`` (what to make lazy first).

The stack is timed *with plotly's figure classes loaded* (``plotly.graph_objects.Figure``):
``import plotly.graph_objects`` alone defers them (about 30 ms, with plotly.basedatatypes and
narwhals) to the first use, and any notebook that draws a figure loads them, so charging them to
the course would count plotly as course code. The ratio against the bare import is recorded
beside it (``ratio_to_bare_stack``) so both can be read.

    .venv/bin/python benchmarks/bench_import.py [--runs 5] [--check]

Writes build/bench/import.json (see benchmarks/report.py).
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from report import measure, precompile, write_result

from course.learning.lesson_map import lesson_paths

ROOT = Path(__file__).resolve().parents[1]
TARGET = 1.2
STACK = ("pandas", "numpy", "plotly.graph_objects", "ipywidgets")
#: The stack as any notebook with a figure uses it: plotly.graph_objects loads its figure classes
#: (plotly.basedatatypes) on first use, so they are not counted as the course's extras.
STACK_IN_USE = ", ".join(STACK) + "; plotly.graph_objects.Figure()"
#: What the ratio divides by: the stack imported with plotly's figure classes loaded (not used).
STACK_TIMED = ", ".join(STACK) + "; plotly.graph_objects.Figure"
TIMED = "import time; t = time.perf_counter(); import {0}; print(time.perf_counter() - t)"
IMPORTTIME = re.compile(r"^import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)")


def lesson_modules() -> list[str]:
    """``course.lessons.lNN_slug`` for every lesson of the lesson map that has a module."""
    names = [f"course.lessons.l{p.stem}" for p in lesson_paths()]
    return [n for n in names if (ROOT / (n.replace(".", "/") + ".py")).exists()]


def fresh_seconds(modules: str, runs: int) -> float:
    """Minimum over ``runs`` fresh interpreters of the time to import ``modules``."""
    times = []
    for _ in range(runs):
        done = subprocess.run(
            [sys.executable, "-c", TIMED.format(modules)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        times.append(float(done.stdout.strip()))
    return min(times)


@dataclass(frozen=True)
class Entry:
    """One line of ``-X importtime``: a module, its depth in the tree and its cumulative us."""

    module: str
    depth: int
    cumulative_us: int


def import_tree(modules: str) -> list[Entry]:
    """The ``-X importtime`` lines of ``import <modules>`` in a fresh interpreter, in order
    (a module's line comes after the lines of what it imported, one level deeper)."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", f"import {modules}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    entries = []
    for line in done.stderr.splitlines():
        match = IMPORTTIME.match(line)
        if match:
            entries.append(Entry(match[4], len(match[3]) // 2, int(match[2])))
    return entries


def heaviest_outside(stack: set[str], entries: list[Entry], count: int = 3) -> list[Entry]:
    """The ``count`` slowest imports that the stack does not import and the course does not
    own, outermost only (pandera counts once, not again for each of its submodules)."""
    outermost = []
    inside_new_at: list[int] = []  # depths of new (non-stack) modules whose children we read
    for entry in reversed(entries):  # parents first
        while inside_new_at and inside_new_at[-1] >= entry.depth:
            inside_new_at.pop()
        new = entry.module not in stack and not entry.module.startswith(("course", "encodings"))
        if new and not inside_new_at:
            outermost.append(entry)
        if new:
            inside_new_at.append(entry.depth)
    return sorted(outermost, key=lambda e: -e.cumulative_us)[:count]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="fresh interpreters per figure")
    parser.add_argument("--check", action="store_true", help="exit 1 if the target is missed")
    args = parser.parse_args(argv)

    precompile()
    loads = [os.getloadavg()[0]]
    stack = fresh_seconds(STACK_TIMED, args.runs)
    bare = fresh_seconds(", ".join(STACK), args.runs)
    print(f"stack ({STACK_TIMED}): {stack * 1e3:7.0f} ms (min of {args.runs})")
    print(f"bare stack ({', '.join(STACK)}): {bare * 1e3:7.0f} ms")
    ratios = {}
    for module in ["course", *lesson_modules()]:
        seconds = fresh_seconds(module, args.runs)
        ratios[module] = (seconds, seconds / stack)
        print(f"{module:<48} {seconds * 1e3:7.0f} ms  ratio {seconds / stack:5.2f}", flush=True)
    worst = max(ratios, key=lambda m: ratios[m][1])
    worst_ratio = ratios[worst][1]
    print(f"worst: {worst} {worst_ratio:.2f} (target <= {TARGET})")
    bare_ratio = ratios[worst][0] / bare
    print(f"worst against the bare stack import: {bare_ratio:.2f}")

    stack_modules = {e.module for e in import_tree(STACK_IN_USE)}
    everything = import_tree(", ".join(lesson_modules()))
    heavy = heaviest_outside(stack_modules, everything)
    print("heaviest imports outside the stack (cumulative, all lesson modules imported):")
    for entry in heavy:
        print(f"  {entry.cumulative_us / 1e3:7.0f} ms  {entry.module}")

    ok = worst_ratio <= TARGET
    names = ", ".join(f"{e.module} {e.cumulative_us / 1e3:.0f} ms" for e in heavy)
    write_result(
        "import",
        [
            measure(
                "Import of a lesson module against the stack (fresh interpreter, worst lesson)",
                round(worst_ratio, 2),
                "x",
                target=f"<= {TARGET}",
                met=ok,
                shown=(
                    f"{worst_ratio:.2f}x ({worst.rsplit('.', 1)[-1]}: "
                    f"{ratios[worst][0] * 1e3:.0f} ms vs {stack * 1e3:.0f} ms for the stack with "
                    f"plotly's figure classes; {bare_ratio:.2f}x against the bare import, "
                    f"{bare * 1e3:.0f} ms; heaviest extras: {names})"
                ),
            )
        ],
        {
            "runs": args.runs,
            "stack": list(STACK),
            "stack_timed": STACK_TIMED,
            "stack_ms": round(stack * 1e3, 1),
            "bare_stack_ms": round(bare * 1e3, 1),
            "ratio_to_bare_stack": round(bare_ratio, 3),
            "modules": {
                m: {"ms": round(s * 1e3, 1), "ratio": round(r, 3)} for m, (s, r) in ratios.items()
            },
            "heaviest_outside_stack": [
                {"module": e.module, "cumulative_ms": round(e.cumulative_us / 1e3, 1)}
                for e in heavy
            ],
        },
        loads=loads,
    )
    return 0 if ok or not args.check else 1


if __name__ == "__main__":
    sys.exit(main())
