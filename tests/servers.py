"""Servers the browser tests start: Voila on loopback, stopped by its own PID.

One place for what test_slides.py, test_lab_voila.py and test_accessibility.py each did by
hand: pick a free port, start Voila with the course's templates, wait until it answers, show
its log when it does not, and stop exactly that process afterwards.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

import pytest


def free_port() -> int:
    """A loopback port nobody listens on now (the system picks it)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def voila(
    target: Path,
    *,
    template: str,
    templates: Path,
    root: Path,
    port: int | None = None,
    extra_args: Sequence[str] = (),
    timeout: float = 60.0,
    env: Mapping[str, str] | None = None,
) -> Iterator[str]:
    """Voila serving ``target`` (a notebook or a folder) with ``template`` found under
    ``templates`` (a JUPYTER_PATH holding voila/templates/), run in ``root``; yields the base
    URL (``env``: variables added to the server's environment). Fails the test with the end of
    Voila's log if it does not answer within ``timeout``."""
    port = port if port is not None else free_port()
    environment = {
        **os.environ,
        **(env or {}),
        "JUPYTER_RUNTIME_DIR": str(root / ".runtime"),
        "JUPYTER_PATH": str(templates),
    }
    command = [
        str(Path(sys.executable).parent / "voila"),
        str(target),
        f"--template={template}",
        "--no-browser",
        f"--port={port}",
        "--Voila.ip=127.0.0.1",
        "--Voila.port_retries=0",
        *extra_args,
    ]
    log_path = root / "voila.log"
    log = log_path.open("w")
    server = subprocess.Popen(
        command, stdout=log, stderr=subprocess.STDOUT, env=environment, cwd=root
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    try:
        while True:
            try:
                urllib.request.urlopen(f"{base}/voila/api/shutdown", timeout=2).close()
                break
            except urllib.error.HTTPError:  # the server answers: it is up
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("Voila did not start:\n" + log_path.read_text()[-3000:])
                time.sleep(0.3)
        yield base
    finally:
        stop(server)
        log.close()


def stop(server: subprocess.Popen) -> None:
    """Stop a server this code started, by its own PID and nothing broader (SIGTERM, then
    SIGKILL if it has not gone after 15 s)."""
    if server.poll() is not None:
        return
    os.kill(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.kill(server.pid, signal.SIGKILL)
        server.wait(timeout=15)
