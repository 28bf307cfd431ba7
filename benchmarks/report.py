"""Collect every benchmark's result into one report and a Markdown "Performance" table.

Each ``benchmarks/bench_*.py`` writes ``build/bench/<name>.json`` through `write_result` (the
hub-memory benchmark writes ``build/bench-hub-memory.json`` in its own shape, read here too).
Why one file per benchmark: ``make bench`` runs them one after another and any may fail or be
skipped; the report shows whatever was measured, with the date and load of each run, because
timings on a shared machine mean little without them.

    .venv/bin/python benchmarks/report.py            # table, writes build/bench-report.json
    .venv/bin/python benchmarks/report.py --readme   # the README section, ready to paste

A measure is a dict: ``measure`` (what), ``figure`` (the number), ``unit``, ``shown`` (the
figure as text), ``target`` (as text, "" for none) and ``met`` (True, False or None: no target).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "build" / "bench"
HUB_MEMORY = ROOT / "build" / "bench-hub-memory.json"
REPORT = ROOT / "build" / "bench-report.json"
#: Order of the table: the ratios against a floor or peer first, then absolute figures.
ORDER = (
    "nbval_floor",
    "import",
    "browser_latency",
    "case_study",
    "data",
    "escalation",
    "simulation",
    "hub_memory",
)


def machine() -> dict[str, Any]:
    """What a figure depends on: CPUs, Python, the platform and the load when it was taken."""
    return {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(terse=True),
        "loadavg": [round(x, 2) for x in os.getloadavg()],
    }


def precompile() -> None:
    """Write the bytecode of every ``course`` module before timing imports.

    A student's kernels run from compiled modules after the first import (pip compiles an
    installed package; Python writes the cache of a checkout on first use). A shell with
    ``PYTHONDONTWRITEBYTECODE`` set (common in containers) never writes it, so every process
    would recompile each edited module and time the compiler, not the course.
    """
    import compileall

    compileall.compile_dir(str(ROOT / "course"), quiet=1)


def measure(
    what: str,
    figure: float,
    unit: str,
    target: str = "",
    met: bool | None = None,
    shown: str | None = None,
) -> dict[str, Any]:
    """One row of the Performance table (see the module docstring for the keys)."""
    return {
        "measure": what,
        "figure": figure,
        "unit": unit,
        "shown": shown if shown is not None else f"{figure:g} {unit}".strip(),
        "target": target,
        "met": met,
    }


def write_result(
    name: str,
    measures: list[dict[str, Any]],
    details: dict[str, Any] | None = None,
    loads: list[float] | None = None,
) -> Path:
    """Write ``build/bench/<name>.json`` with the machine, the date and the load; return it.

    ``loadavg`` is taken at the end of the run; ``loads`` are 1-minute load averages the script
    sampled during it (a long run on a shared machine sees the load change), kept as the
    ``load_during`` range next to the end figure."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    data = {
        "name": name,
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        **machine(),
        "measures": measures,
        "details": details or {},
    }
    seen = [*(loads or []), data["loadavg"][0]]
    data["load_during"] = [round(min(seen), 2), round(max(seen), 2)]
    path.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
    print(f"wrote {shown} (load average {data['loadavg']})")
    return path


def hub_memory_result(path: Path = HUB_MEMORY) -> dict[str, Any] | None:
    """bench_hub_memory.py's own JSON turned into measures (no target: capacity planning)."""
    if not path.exists():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    s = data["summary"]
    one = s["per_student_one_lesson_open_mib"]
    per_node = s["students_per_node_one_lesson_open"]
    every = s["per_student_all_lessons_open_mib"]
    return {
        "name": "hub_memory",
        "date": data.get("date", ""),
        "cpus": data.get("cpus"),
        "python": data.get("python"),
        "loadavg": None,
        "measures": [
            measure(
                "JupyterHub: memory per student, one lesson open (server + kernel RSS)",
                round(one),
                "MiB",
                shown=f"{one:.0f} MiB ({per_node} students per {data['node_gb']} GB node)",
            ),
            measure(
                "JupyterHub: memory per student, every lesson left open",
                round(every),
                "MiB",
                shown=f"{every:.0f} MiB ({s['students_per_node_all_lessons_open']} per node)",
            ),
        ],
        "details": {"students": data.get("students")},
    }


def collect() -> list[dict[str, Any]]:
    """Every result on disk, in table order (unknown names last, by name)."""
    results = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(RESULTS.glob("*.json"))]
    hub = hub_memory_result()
    if hub is not None:
        results.append(hub)
    rank = {name: k for k, name in enumerate(ORDER)}
    return sorted(results, key=lambda r: (rank.get(r["name"], len(ORDER)), r["name"]))


def met_text(met: bool | None) -> str:
    return {True: "yes", False: "**no**", None: "-"}[met]


def table(results: list[dict[str, Any]]) -> str:
    """The Markdown table: one row per measure of every benchmark."""
    lines = ["| Measure | Figure | Target | Met? |", "|---|---|---|---|"]
    for result in results:
        for row in result["measures"]:
            lines.append(
                f"| {row['measure']} | {row['shown']} | {row['target'] or '-'} "
                f"| {met_text(row['met'])} |"
            )
    return "\n".join(lines)


def runs_note(results: list[dict[str, Any]]) -> str:
    """When each benchmark ran and under what load (the machine is often shared)."""
    parts = []
    for r in results:
        during = r.get("load_during") or (r.get("loadavg") or [])[:1]
        load = ""
        if during:
            low, high = min(during), max(during)
            load = f", load {low:.1f}" + (f"-{high:.1f}" if high > low else "")
        parts.append(f"{r['name']} {r['date'][:16].replace('T', ' ')}{load}")
    return "; ".join(parts)


def load_range(results: list[dict[str, Any]]) -> str:
    """The 1-minute load averages the runs saw, as "3.6-4.7" (one figure when they agree)."""
    loads = sorted(
        x for r in results for x in (r.get("load_during") or (r.get("loadavg") or [])[:1] or [])
    )
    if not loads:
        return "unknown"
    return f"{loads[0]:.1f}" if loads[0] == loads[-1] else f"{loads[0]:.1f}-{loads[-1]:.1f}"


def section(results: list[dict[str, Any]]) -> str:
    """The README's Performance section."""
    info = machine()
    dates = sorted(r["date"][:10] for r in results if r.get("date"))
    when = dates[-1] if dates else datetime.now(UTC).date().isoformat()
    missed = [row["measure"] for r in results for row in r["measures"] if row["met"] is False]
    targets = sum(1 for r in results for row in r["measures"] if row["met"] is not None)
    return "\n".join(
        [
            "## Performance",
            "",
            "`make bench` runs every script in `benchmarks/` and `benchmarks/report.py` collects "
            "their results into `build/bench-report.json` and this table. Where a floor or a "
            "peer exists the figure is a ratio measured in the same run (the course against "
            "the same work with nothing of the course in it), so it means the same on a slower "
            "machine.",
            "",
            table(results),
            "",
            f"Measured on {when} on {info['cpus']} CPUs, Python {info['python']}, "
            f"{info['platform']}, a machine shared with other work (1-minute load average "
            f"{load_range(results)} during the runs; each run's date and load are in "
            "`build/bench-report.json`).",
            "",
            (
                f"{len(missed)} of {targets} targets missed (marked **no**)."
                if missed
                else f"All {targets} targets met."
            ),
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--readme", action="store_true", help="print the README section only")
    args = parser.parse_args(argv)
    results = collect()
    if not results:
        print("benchmarks/report.py: no results in build/bench/; run `make bench` first")
        return 1
    report = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        **machine(),
        "results": results,
    }
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    if args.readme:
        print(section(results))
    else:
        print(table(results))
        print(f"\n{runs_note(results)}")
        print(f"wrote {REPORT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
