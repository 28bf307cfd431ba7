"""Benchmark the escalation-risk model: is it fast enough to drive a slider?

Targets: ``assess`` well under 50 microseconds a call (issue 4); ``assess_many`` at least
1,000,000 scenarios a second (issue 16). This is a script, not a timed test, because timings
depend on the machine: run it by hand and quote the figures.

    .venv/bin/python benchmarks/bench_escalation.py [--rows 200000] [--check]

``--check`` exits with status 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import platform
import sys
import timeit

import numpy as np
import pandas as pd
from report import measure, write_result

from course.engine.escalation import (
    ATTACK_SCALES,
    HOST_STATES,
    OPTIONS,
    TARGETS,
    Scenario,
    assess,
    assess_many,
)

ASSESS_TARGET_US = 50.0
MANY_TARGET_PER_S = 1_000_000.0


def best_seconds(stmt: object, number: int, repeat: int = 5) -> float:
    """Best of ``repeat`` runs, per call: the least disturbed by other work on the machine."""
    return min(timeit.repeat(stmt, number=number, repeat=repeat)) / number  # type: ignore[arg-type]


def random_frame(n: int, seed: int = 2020, keys: bool = False) -> pd.DataFrame:
    """n valid scenarios with the dtypes a lesson would build (str columns, floats, bools)."""
    rng = np.random.default_rng(seed)
    option = rng.integers(1, 8, n)
    return pd.DataFrame(
        {
            "option": np.array([o.key for o in OPTIONS.values()])[option - 1] if keys else option,
            "attack_scale": rng.choice(ATTACK_SCALES, n),
            "attribution": rng.random(n),
            "public_evidence": rng.random(n),
            "host_state": rng.choice(HOST_STATES, n),
            "target": rng.choice(TARGETS, n),
            "collateral_damage": rng.random(n),
            "power_ratio": np.exp(rng.normal(0.0, 2.0, n)),
            "exit_conditions": rng.random(n) < 0.5,
        }
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000, help="rows for assess_many")
    parser.add_argument("--check", action="store_true", help="exit 1 if a target is missed")
    args = parser.parse_args(argv)

    print(f"Python {platform.python_version()}, numpy {np.__version__}, pandas {pd.__version__}")
    s = Scenario(5, "large", 0.8, 0.5, "able_unwilling")

    t_assess = best_seconds(lambda: assess(s), number=50_000) * 1e6
    t_slider = best_seconds(lambda: assess(s.replace(attribution=0.3)), number=20_000) * 1e6
    t_full = best_seconds(
        lambda: assess(Scenario(7, "destructive", 0.9, 0.7, "sponsor", "host_state", 0.2, 3.0)),
        number=20_000,
    )
    print(f"assess(scenario)                    {t_assess:8.2f} us/call  (target < 50)")
    print(f"assess(scenario.replace(...))       {t_slider:8.2f} us/call  (one slider move)")
    print(f"assess(Scenario(...)) incl. checks  {t_full * 1e6:8.2f} us/call")

    rates = {}
    for label, keys in (("int options", False), ("key options", True)):
        df = random_frame(args.rows, keys=keys)
        t_many = best_seconds(lambda df=df: assess_many(df), number=1, repeat=5)
        rates[label] = args.rows / t_many
        print(
            f"assess_many({args.rows:,} rows, {label}) {t_many * 1e3:8.1f} ms  "
            f"= {rates[label]:,.0f} scenarios/s  (target >= 1,000,000)"
        )

    ok = t_assess < ASSESS_TARGET_US and min(rates.values()) >= MANY_TARGET_PER_S
    print("targets met" if ok else "TARGET MISSED")
    rate = min(rates.values())
    write_result(
        "escalation",
        [
            measure(
                "Escalation model: one assessment (`assess`)",
                round(t_assess, 2),
                "us",
                target=f"< {ASSESS_TARGET_US:g} us",
                met=t_assess < ASSESS_TARGET_US,
                shown=f"{t_assess:.1f} us",
            ),
            measure(
                "Escalation model: scenarios assessed per second (`assess_many`)",
                round(rate),
                "/s",
                target=f">= {MANY_TARGET_PER_S:,.0f} /s",
                met=rate >= MANY_TARGET_PER_S,
                shown=f"{rate:,.0f} /s",
            ),
        ],
        {"assess_us": t_assess, "slider_us": t_slider, "rates_per_s": rates},
    )
    return 0 if ok or not args.check else 1


if __name__ == "__main__":
    sys.exit(main())
