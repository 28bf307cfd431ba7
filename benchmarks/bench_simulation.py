"""Benchmark the escalation simulator: is it fast enough to drive a slider?

Target (lesson 11): 10,000 runs of the default scenario in under a second. The default
scenario is the lesson's: the reference case (large-scale attack, attribution 0.8, half of the
evidence public, a host able but unwilling), all seven openings, five rounds, the victim climbing
one rung after each hostile answer. This is a script, not a timed test, because timings depend on
the machine: run it by hand and quote the figures.

    .venv/bin/python benchmarks/bench_simulation.py [--check]

``--check`` exits with status 1 when the target is missed.
"""

from __future__ import annotations

import argparse
import platform
import sys
import timeit

import numpy as np
from report import measure, write_result

from course.engine.escalation import Scenario
from course.engine.simulation import DEFAULT_RUNS, MAX_ROUNDS, MAX_RUNS, simulate

TARGET_S = 1.0
DEFAULT = Scenario(3, "large", 0.8, 0.5, "able_unwilling")
ALL = tuple(range(1, 8))


def best_seconds(stmt: object, number: int, repeat: int = 5) -> float:
    """Best of ``repeat`` runs, per call: the least disturbed by other work on the machine."""
    return min(timeit.repeat(stmt, number=number, repeat=repeat)) / number  # type: ignore[arg-type]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the target is missed")
    args = parser.parse_args(argv)
    print(f"Python {platform.python_version()}, numpy {np.__version__}")

    cases = {
        f"{DEFAULT_RUNS:,} runs, 1 opening, 5 rounds": lambda: simulate(DEFAULT),
        f"{DEFAULT_RUNS:,} runs, 7 openings, 5 rounds (default)": lambda: simulate(
            DEFAULT, openings=ALL
        ),
        f"{DEFAULT_RUNS:,} runs, 7 openings, {MAX_ROUNDS} rounds": lambda: simulate(
            DEFAULT, openings=ALL, rounds=MAX_ROUNDS
        ),
        f"{MAX_RUNS:,} runs, 7 openings, {MAX_ROUNDS} rounds": lambda: simulate(
            DEFAULT, openings=ALL, rounds=MAX_ROUNDS, runs=MAX_RUNS
        ),
    }
    timings = {}
    for label, call in cases.items():
        timings[label] = best_seconds(call, number=3)
        print(f"{label:<45} {1000 * timings[label]:9.1f} ms")
    default = timings[f"{DEFAULT_RUNS:,} runs, 7 openings, 5 rounds (default)"]
    ok = default < TARGET_S
    print(f"target: the default scenario under {TARGET_S:.0f} s: {'met' if ok else 'MISSED'}")
    write_result(
        "simulation",
        [
            measure(
                f"Escalation simulator: {DEFAULT_RUNS:,} runs of the default scenario",
                round(default * 1e3, 1),
                "ms",
                target=f"< {TARGET_S * 1e3:.0f} ms",
                met=ok,
                shown=f"{default * 1e3:.0f} ms",
            )
        ],
        {label: seconds * 1e3 for label, seconds in timings.items()},
    )
    return 0 if ok or not args.check else 1


if __name__ == "__main__":
    sys.exit(main())
