"""Benchmark the case-study explorer of the option lessons in the kernel: one control change,
from the new value to the redrawn figure and text (what a student waits for).

Target (issue 12): median at most 16 ms (one frame at 60 Hz). The browser side (input event to
figure change) is measured by the browser test and reported there. A script, not a timed test:

    .venv/bin/python benchmarks/bench_case_study.py [--changes 200] [--check]
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import time

from report import measure, write_result

from course.engine.data import load_incidents, responses_with_incidents
from course.lessons.case_study import CaseStudyExplorer

MEDIAN_TARGET_MS = 16.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--changes", type=int, default=200)
    parser.add_argument("--check", action="store_true", help="exit 1 when the target is missed")
    args = parser.parse_args(argv)
    incidents = load_incidents()
    joined = responses_with_incidents(incidents=incidents)
    print(f"python {platform.python_version()} on {platform.machine()}")
    worst = 0.0
    details = {}
    for option, field, values in (
        (5, "attribution", [round(0.05 * k, 2) for k in range(21)]),
        (7, "power_ratio", [0.25 * k for k in range(1, 33)]),
    ):
        explorer = CaseStudyExplorer(option, incidents=incidents, joined=joined)
        times = []
        for k in range(args.changes):
            value = values[k % len(values)]
            if explorer.controls[field].value == value:
                value = values[(k + 1) % len(values)]
            start = time.perf_counter()
            explorer.controls[field].value = value
            times.append((time.perf_counter() - start) * 1e3)
        times.sort()
        median = statistics.median(times)
        p95 = times[int(0.95 * (len(times) - 1))]
        worst = max(worst, median)
        details[f"option {option} {field}"] = {"median_ms": median, "p95_ms": p95}
        print(
            f"option {option}, {field:<12} {args.changes} changes: median {median:6.2f} ms, "
            f"p95 {p95:6.2f} ms (target median <= {MEDIAN_TARGET_MS:g} ms)"
        )
    write_result(
        "case_study",
        [
            measure(
                "Case-study explorer in the kernel: one control change to redrawn figure, median",
                round(worst, 2),
                "ms",
                target=f"<= {MEDIAN_TARGET_MS:g} ms",
                met=worst <= MEDIAN_TARGET_MS,
                shown=f"{worst:.1f} ms (worst of options 5 and 7, {args.changes} changes each)",
            )
        ],
        details,
    )
    return 1 if args.check and worst > MEDIAN_TARGET_MS else 0


if __name__ == "__main__":
    sys.exit(main())
