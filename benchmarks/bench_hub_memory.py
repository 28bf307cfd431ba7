"""Memory per student on the course's JupyterHub: how many students fit on one node?

A hub gives every student a single-user server, and every open notebook its own kernel. This
script starts the test hub (``jupyter/hub/jupyterhub_config.py``, on 127.0.0.1:8950), logs in
N students (default 3), pulls the course into each home with the nbgitpuller link, then runs
every lesson of the lesson map top to bottom in a fresh kernel per student (as "Run All" in
JupyterLab does, all students at the same time) and measures after each lesson:

- the kernel's memory: RSS (what ``top`` shows), USS (what stopping it would free) and PSS
  (its fair share of pages shared with other processes, the figure that adds up across users);
- the student's single-user server RSS.

The kernel is closed before the next lesson. A student's footprint is their server plus the
largest lesson kernel (one lesson open at a time); with every lesson left open and no culling
it is the server plus all the kernels. Students per node divide what is left of a 16 GB node
after 2 GB for the system and the hub by the per-student figure.

    .venv/bin/python benchmarks/bench_hub_memory.py [--students 3] [--lessons 00,01]

Needs configurable-http-proxy (``make hub-proxy``). Writes ``build/bench-hub-memory.json``.
Figures depend on the machine and on what else runs; quote them with the date and versions.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import platform
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

import psutil

from course.learning.lesson_map import load_lessons

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "build" / "bench-hub-memory.json"
MIB = 1024 * 1024
NODE_GB = 16
RESERVED_GB = 2


def classroom() -> ModuleType:
    """jupyter/hub/classroom.py, loaded by path (the folder is not a package)."""
    spec = importlib.util.spec_from_file_location(
        "course_hub_classroom", ROOT / "jupyter/hub/classroom.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def memory(process: psutil.Process) -> dict[str, float]:
    """RSS, USS and PSS of one process in MiB."""
    info = process.memory_full_info()
    return {"rss": info.rss / MIB, "uss": info.uss / MIB, "pss": info.pss / MIB}


def hub_and_proxy_rss(hub: Any) -> float:
    """RSS of the hub and of configurable-http-proxy (its PID file is in the hub's folder)."""
    proxy_pid = int((hub.state / "jupyterhub-proxy.pid").read_text().strip())
    return sum(memory(psutil.Process(pid))["rss"] for pid in (hub.process.pid, proxy_pid))


def run_lesson(student: Any, path: str) -> dict[str, Any]:
    """Run one lesson in a new kernel of `student`, measure, close the kernel."""
    run = student.run_notebook(path)
    kernel = memory(student.kernel_process(run.kernel_id))
    server = memory(student.server_process())
    student.close_notebook(run.session_id)
    return {"kernel": kernel, "server": server, "seconds": run.seconds, "errors": run.errors}


def prepare(hub: Any, cls: ModuleType, names: list[str], repo: str) -> list[Any]:
    """Log the students in, start their servers and pull the course with the link."""
    students = [cls.Student(hub, name) for name in names]
    for student in students:
        student.log_in()
        student.start_server()

    def pull(student: Any) -> None:
        student.wait_ready()
        page = student.open_link(cls.pull_link(hub.url, repo))
        events = student.pull(page.text)
        if events[-1:] and events[-1].get("phase") != "finished":
            raise RuntimeError(f"{student.name}: pull failed: {events[-1]}")
        student.wait_for_file(f"{cls.COURSE_FOLDER}/notebooks")

    with ThreadPoolExecutor(len(students)) as pool:
        list(pool.map(pull, students))
    return students


def summarise(rows: list[dict[str, Any]], idle_server: float, hub_mib: float) -> dict[str, Any]:
    """Per-student figures and the students per node they imply."""
    peak_kernel = max(row["kernel_rss_max"] for row in rows)
    all_kernels = sum(row["kernel_rss_mean"] for row in rows)
    all_kernels_pss = sum(row["kernel_pss_mean"] for row in rows)
    server = max(row["server_rss_max"] for row in rows)
    one_open = server + peak_kernel
    all_open = server + all_kernels
    free = (NODE_GB - RESERVED_GB) * 1024
    return {
        "server_rss_idle_mib": idle_server,
        "server_rss_max_mib": server,
        "largest_kernel_rss_mib": peak_kernel,
        "per_student_one_lesson_open_mib": one_open,
        "per_student_all_lessons_open_mib": all_open,
        "per_student_all_lessons_open_pss_mib": server + all_kernels_pss,
        "hub_and_proxy_rss_mib": hub_mib,
        "students_per_node_one_lesson_open": int(free // one_open),
        "students_per_node_all_lessons_open": int(free // all_open),
    }


def print_table(rows: list[dict[str, Any]], summary: dict[str, Any], students: int) -> None:
    print(f"\nMemory per student in MiB (mean and max over {students} students)")
    print(f"{'lesson':<34} {'kernel RSS':>16} {'USS':>7} {'PSS':>7} {'server RSS':>11} {'s':>6}")
    for row in rows:
        flag = "  ERROR" if row["errors"] else ""
        print(
            f"{row['lesson']:<34} {row['kernel_rss_mean']:7.0f} / {row['kernel_rss_max']:6.0f} "
            f"{row['kernel_uss_mean']:7.0f} {row['kernel_pss_mean']:7.0f} "
            f"{row['server_rss_max']:11.0f} {row['seconds_mean']:6.1f}{flag}"
        )
    print(
        f"\nidle single-user server RSS: {summary['server_rss_idle_mib']:.0f} MiB; "
        f"hub + proxy RSS: {summary['hub_and_proxy_rss_mib']:.0f} MiB"
    )
    print(
        f"per student, one lesson open: {summary['per_student_one_lesson_open_mib']:.0f} MiB -> "
        f"{summary['students_per_node_one_lesson_open']} students per {NODE_GB} GB node "
        f"({RESERVED_GB} GB kept for the system and the hub)"
    )
    print(
        f"per student, every lesson left open (no culling): "
        f"{summary['per_student_all_lessons_open_mib']:.0f} MiB RSS "
        f"({summary['per_student_all_lessons_open_pss_mib']:.0f} MiB PSS) -> "
        f"{summary['students_per_node_all_lessons_open']} students per node"
    )


def lesson_row(lesson: Any, results: list[dict[str, Any]]) -> dict[str, Any]:
    def values(part: str, key: str) -> list[float]:
        return [r[part][key] for r in results]

    return {
        "lesson": lesson.path.stem,
        "kernel_rss_mean": statistics.mean(values("kernel", "rss")),
        "kernel_rss_max": max(values("kernel", "rss")),
        "kernel_uss_mean": statistics.mean(values("kernel", "uss")),
        "kernel_pss_mean": statistics.mean(values("kernel", "pss")),
        "server_rss_max": max(values("server", "rss")),
        "seconds_mean": statistics.mean(r["seconds"] for r in results),
        "errors": [e for r in results for e in r["errors"]],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=3)
    parser.add_argument("--port", type=int, default=8950, help="hub port (uses port..port+49)")
    parser.add_argument("--lessons", default="", help="comma-separated lesson ids (default all)")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)

    cls = classroom()
    proxy = cls.find_proxy()
    if proxy is None:
        print("bench_hub_memory: configurable-http-proxy is missing; run `make hub-proxy`")
        return 2
    wanted = {x.strip() for x in args.lessons.split(",") if x.strip()}
    lessons = [lesson for lesson in load_lessons() if not wanted or lesson.id in wanted]
    names = [f"student{n:02d}" for n in range(1, args.students + 1)]
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="bench-hub-") as work:
        repo = cls.bare_clone(ROOT, Path(work) / "remote")
        hub = cls.start_hub(Path(work) / "state", port=args.port, proxy=proxy)
        try:
            students = prepare(hub, cls, names, repo)
            idle_server = max(memory(s.server_process())["rss"] for s in students)
            hub_mib = hub_and_proxy_rss(hub)
            rows = []
            for lesson in lessons:
                path = f"{cls.COURSE_FOLDER}/notebooks/{lesson.filename}"
                with ThreadPoolExecutor(len(students)) as pool:
                    results = list(pool.map(lambda s, p=path: run_lesson(s, p), students))
                rows.append(lesson_row(lesson, results))
                print(f"  {lesson.path.stem}: {rows[-1]['kernel_rss_max']:.0f} MiB", flush=True)
        finally:
            hub.stop()
    summary = summarise(rows, idle_server, hub_mib)
    print_table(rows, summary, len(names))
    report = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "cpus": psutil.cpu_count(),
        "students": len(names),
        "node_gb": NODE_GB,
        "reserved_gb": RESERVED_GB,
        "wall_seconds": round(time.monotonic() - started, 1),
        "lessons": rows,
        "summary": summary,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}")
    return 1 if any(row["errors"] for row in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
