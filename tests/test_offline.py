"""The tests run offline by proof, not by luck: the offline guard refuses every other host.

A course that must work in a classroom without a network can only be tested offline if nothing
in the test run can reach the internet: a connected CI machine would otherwise hide a lesson
that downloads something. conftest.py installs the guard (tests/offline_guard/sitecustomize.py)
in the pytest process and, through PYTHONPATH, in every Python process started by the tests.

Here each kind of process the suite starts tries to reach a TEST-NET address (192.0.2.1, never
routed) and to resolve example.org, and must fail with the guard's message naming the host,
while a loopback HTTP server stays reachable: the pytest process, a plain subprocess and a
Jupyter kernel (what nbval, JupyterLab and Voila run lessons in). Each refused attempt is also
written to the guard's log, which fails the whole run at its end (conftest.py), so code that
catches the error and carries on is caught too.

Chromium is not Python: its requests are checked by each browser test (the page's requests are
recorded and must all go to loopback) and its background networking is switched off by its
command-line flags (conftest.CHROMIUM_ARGS).
"""

from __future__ import annotations

import errno
import http.server
import json
import os
import socket
import subprocess
import sys
import tempfile
import textwrap
import threading
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

GUARD_DIR = Path(__file__).resolve().parent / "offline_guard"
UNROUTABLE = ("192.0.2.1", 80)  # TEST-NET-1 (RFC 5737): reserved for documentation
OUTSIDE_NAME = "example.org"

#: What a process reports for each attempt; the same script runs in a subprocess and a kernel.
PROBE = textwrap.dedent(
    """
    import socket, urllib.request

    def attempt(label, action):
        try:
            action()
        except OSError as err:
            print(f"{label}: refused: {err}")
        else:
            print(f"{label}: CONNECTED")

    attempt("tcp", lambda: socket.create_connection(("192.0.2.1", 80), timeout=3).close())
    attempt("connect", lambda: socket.socket().connect(("192.0.2.1", 80)))
    attempt("dns", lambda: socket.getaddrinfo("example.org", 443))
    attempt("http", lambda: urllib.request.urlopen("http://example.org/", timeout=3))
    with urllib.request.urlopen(LOOPBACK_URL, timeout=10) as reply:
        print("loopback:", reply.status, reply.read().decode())
    """
)


class _Hello(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # the name http.server calls
        body = b"hello from loopback"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def loopback_url() -> Iterator[str]:
    """A tiny HTTP server on 127.0.0.1, which every guarded process must still reach."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Hello)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def guard_log(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """This test's refusals go to its own log: they are expected, and must not fail the run."""
    log = tmp_path / "refused.jsonl"
    monkeypatch.setenv("COURSE_OFFLINE_GUARD_LOG", str(log))
    return log


def _assert_probe_output(text: str, log: Path) -> None:
    lines = dict(line.split(": ", 1) for line in text.strip().splitlines())
    assert lines["loopback"] == "200 hello from loopback"
    for label, host in [("tcp", "192.0.2.1:80"), ("connect", "192.0.2.1:80"),
                        ("dns", OUTSIDE_NAME), ("http", OUTSIDE_NAME)]:  # fmt: skip
        assert lines[label].startswith("refused: "), f"{label}: {lines[label]}"
        assert "offline guard" in lines[label] and host in lines[label], lines[label]
    targets = [json.loads(line)["target"] for line in log.read_text().splitlines()]
    assert "192.0.2.1:80" in targets and OUTSIDE_NAME in targets


def test_the_environment_hands_the_guard_to_every_child_process() -> None:
    assert os.environ["COURSE_OFFLINE_GUARD"] == "1"
    assert os.environ["PYTHONPATH"].split(os.pathsep)[0] == str(GUARD_DIR)
    assert getattr(socket.socket.connect, "_course_offline_guard", False)


def test_the_pytest_process_is_guarded(guard_log: Path, loopback_url: str) -> None:
    import urllib.request

    with pytest.raises(
        OSError, match=r"offline guard: create_connection to 192\.0\.2\.1:80"
    ) as err:
        socket.create_connection(UNROUTABLE, timeout=3)
    assert err.value.errno == errno.ENETUNREACH, "as on a machine without a network"
    # a failed lookup, as offline (code that copes with a failed DNS lookup copes here too)
    with pytest.raises(socket.gaierror, match=r"offline guard: .*getaddrinfo.* example\.org"):
        socket.getaddrinfo(OUTSIDE_NAME, 443)
    with pytest.raises(OSError, match=r"offline guard: sendto to 192\.0\.2\.1:53"):
        socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"?", ("192.0.2.1", 53))
    with urllib.request.urlopen(loopback_url.replace("127.0.0.1", "localhost"), timeout=10) as r:
        assert r.read() == b"hello from loopback"
    assert len(guard_log.read_text().splitlines()) == 3, "each refusal is logged"


def test_loopback_in_all_its_forms_still_works() -> None:
    """JupyterLab, Voila and the kernels' ZMQ use TCP on 127.0.0.1; pipes and unix sockets too."""
    with socket.socket() as server:
        server.bind(("127.0.0.2", 0))  # all of 127.0.0.0/8 is loopback
        server.listen()
        socket.create_connection(server.getsockname(), timeout=3).close()
    if socket.has_ipv6:
        with socket.socket(socket.AF_INET6) as server:
            try:
                server.bind(("::1", 0))
            except OSError:
                pytest.skip("this machine has no IPv6 loopback")
            server.listen()
            socket.create_connection(server.getsockname()[:2], timeout=3).close()
    with tempfile.TemporaryDirectory() as folder:
        path = str(Path(folder) / "s")
        with socket.socket(socket.AF_UNIX) as server:
            server.bind(path)
            server.listen()
            with socket.socket(socket.AF_UNIX) as client:
                client.connect(path)


def test_a_subprocess_is_guarded(guard_log: Path, loopback_url: str) -> None:
    script = f"LOOPBACK_URL = {loopback_url!r}\n{PROBE}"
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True
    )
    _assert_probe_output(done.stdout, guard_log)


def test_a_jupyter_kernel_is_guarded(guard_log: Path, loopback_url: str) -> None:
    """The kernel a lesson runs in (nbval, JupyterLab and Voila start the same kind)."""
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(f"LOOPBACK_URL = {loopback_url!r}\n{PROBE}")]
    NotebookClient(notebook, timeout=60, kernel_name="python3").execute()
    outputs = notebook.cells[0].outputs
    assert [o.output_type for o in outputs] == ["stream"], outputs
    _assert_probe_output(outputs[0].text, guard_log)


def test_the_guard_still_runs_the_sitecustomize_it_shadows(tmp_path: Path) -> None:
    """Debian's Python has its own sitecustomize; putting the guard first must not drop it."""
    (tmp_path / "sitecustomize.py").write_text("import builtins\nbuiltins.CHAINED = True\n")
    code = (
        "import builtins, socket; print(getattr(builtins, 'CHAINED', False), "
        "getattr(socket.socket.connect, '_course_offline_guard', False))"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(GUARD_DIR), str(tmp_path)])}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, env=env
    )
    assert done.stdout.split() == ["True", "True"], done.stdout + done.stderr


def test_the_guard_log_fails_a_run_that_swallowed_a_refusal(pytester_guard: Path) -> None:
    """An attempt the code caught still ends the run as failed, naming the host."""
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", str(pytester_guard)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=pytester_guard.parent,
        env={k: v for k, v in os.environ.items() if k != "COURSE_OFFLINE_GUARD_LOG"},
    )
    assert "1 passed" in done.stdout, done.stdout[-2000:]
    assert done.returncode == pytest.ExitCode.TESTS_FAILED, done.stdout[-2000:]
    assert "network attempts refused" in done.stdout and "192.0.2.1:80" in done.stdout


@pytest.fixture
def pytester_guard(tmp_path: Path) -> Path:
    """A throw-away test folder using this conftest, with a test that swallows a refusal."""
    folder = tmp_path / "suite"
    folder.mkdir()
    conftest = Path(__file__).with_name("conftest.py").read_text(encoding="utf-8")
    where = 'OFFLINE_GUARD_DIR = Path(__file__).resolve().parent / "offline_guard"'
    assert where in conftest, "conftest.py no longer names the guard's folder this way"
    conftest = conftest.replace(where, f"OFFLINE_GUARD_DIR = Path({str(GUARD_DIR)!r})")
    (folder / "conftest.py").write_text(conftest, encoding="utf-8")
    test = folder / "test_swallow.py"
    test.write_text(
        "import socket\n\n"
        "def test_swallows():\n"
        "    try:\n"
        "        socket.create_connection(('192.0.2.1', 80), timeout=1)\n"
        "    except OSError:\n"
        "        pass\n",
        encoding="utf-8",
    )
    return test
