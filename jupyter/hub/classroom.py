"""Rehearse a class on the course's JupyterHub: students log in, pull the course, run lessons.

Used by ``tests/test_hub.py`` (three students, lesson 01) and
``benchmarks/bench_hub_memory.py`` (memory per student over every lesson). Each step goes
through the hub's public address the way a student's browser does: the login form, the
nbgitpuller link, then the Jupyter server's REST API and kernel websocket (what JupyterLab uses
to run a notebook). Everything listens on 127.0.0.1, and :meth:`Hub.stop` stops every process
the hub started (proxy, single-user servers, kernels) by PID, also after a failure.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.parse
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psutil
import requests
import websocket

HERE = Path(__file__).resolve().parent
CONFIG = HERE / "jupyterhub_config.py"
REPO = HERE.parents[1]
LOCAL_PROXY = REPO / ".venv" / "node" / "node_modules" / ".bin" / "configurable-http-proxy"
COURSE_FOLDER = "nonstate-cyber-course"
"""The folder nbgitpuller clones into (the last part of the repository URL)."""


def find_proxy() -> Path | None:
    """configurable-http-proxy as ``make hub-proxy`` installs it, else from PATH, else None."""
    if LOCAL_PROXY.exists():
        return LOCAL_PROXY
    found = shutil.which("configurable-http-proxy")
    return Path(found) if found else None


def pull_link(
    hub_url: str, repo: str, *, branch: str = "main", open_path: str = "notebooks"
) -> str:
    """The nbgitpuller link a lecturer hands out: log in, start the server, clone or update
    ``repo`` into ``~/nonstate-cyber-course`` and open ``open_path`` inside it in JupyterLab."""
    query = urllib.parse.urlencode(
        {
            "repo": repo,
            "branch": branch,
            "urlpath": f"lab/tree/{COURSE_FOLDER}/{open_path}",
        }
    )
    return f"{hub_url}/hub/user-redirect/git-pull?{query}"


def page_params(page: str) -> dict[str, str]:
    """The pull parameters nbgitpuller's status page hands its script (``data-repo`` ...)."""
    found = {
        name: urllib.parse.unquote(value)
        for name, value in re.findall(r'data-(repo|branch|targetpath|depth)="([^"]*)"', page)
    }
    if "repo" not in found:
        raise ValueError("not an nbgitpuller status page (no data-repo attribute)")
    return found


def bare_clone(source: Path, parent: Path) -> str:
    """A bare clone of ``source``'s history as a ``file://`` URL: the course repository without
    the network. (nbgitpuller clones with ``--depth 1``, which git honours for file URLs only.)"""
    target = parent / COURSE_FOLDER
    subprocess.run(
        ["git", "clone", "--bare", "--quiet", str(source), str(target)],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return target.as_uri()


@dataclass
class Hub:
    """A running hub and every process it started, remembered so they can be stopped by PID."""

    process: subprocess.Popen[bytes]
    url: str
    state: Path
    password: str
    log: Path
    known: dict[int, psutil.Process] = field(default_factory=dict)

    def track(self) -> None:
        """Remember the hub's current descendants (a server outlives a crashed hub)."""
        try:
            for child in psutil.Process(self.process.pid).children(recursive=True):
                self.known.setdefault(child.pid, child)
        except psutil.NoSuchProcess:
            pass

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no hub log)"

    def user_processes(self, name: str) -> list[psutil.Process]:
        """The single-user server of `name` (found by the JUPYTERHUB_USER it was given)."""
        self.track()
        found = []
        for proc in self.known.values():
            try:
                if proc.environ().get("JUPYTERHUB_USER") == name and "singleuser" in " ".join(
                    proc.cmdline()
                ):
                    found.append(proc)
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                continue
        return found

    def stop(self, grace: float = 10.0) -> list[int]:
        """Stop the hub (it stops the servers and the proxy), then anything left, by PID.
        Returns the PIDs that had to be killed."""
        self.track()
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        # The hub stops the proxy and the servers, and each server its kernels, as it exits; on a
        # busy machine that can take a few seconds more. Only what is still running after the
        # grace period was left behind.
        _, left = psutil.wait_procs([p for p in self.known.values() if p.is_running()], grace)
        for proc in left:
            try:
                proc.terminate()
            except psutil.NoSuchProcess:
                continue
        _, alive = psutil.wait_procs(left, timeout=3)
        for proc in alive:
            try:
                proc.kill()
            except psutil.NoSuchProcess:
                continue
        return [p.pid for p in left]


def start_hub(
    state: Path,
    *,
    port: int,
    proxy: Path,
    env_keep: tuple[str, ...] = (),
    timeout: float = 30.0,
) -> Hub:
    """Start JupyterHub with ``jupyter/hub/jupyterhub_config.py`` and wait until it answers.
    `env_keep` names variables of this process that students' servers inherit too."""
    state.mkdir(parents=True, exist_ok=True)
    password = secrets.token_urlsafe(12)
    bin_dir = Path(sys.executable).parent
    env = {
        **os.environ,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
        "COURSE_HUB_DIR": str(state),
        "COURSE_HUB_PORT": str(port),
        "COURSE_HUB_PASSWORD": password,
        "COURSE_HUB_PROXY": str(proxy),
        "COURSE_HUB_ENV_KEEP": ",".join(env_keep),
    }
    log = state / "jupyterhub.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(bin_dir / "jupyterhub"), "-f", str(CONFIG)],
            cwd=state,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    hub = Hub(process, f"http://127.0.0.1:{port}", state, password, log)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"jupyterhub exited with code {process.returncode}:\n{hub.log_tail()}"
            )
        try:
            if requests.get(f"{hub.url}/hub/health", timeout=2).status_code == 200:
                hub.track()
                return hub
        except requests.RequestException:
            pass
        time.sleep(0.3)
    hub.stop()
    raise RuntimeError(f"jupyterhub did not answer within {timeout:.0f} s:\n{hub.log_tail()}")


@dataclass
class CellRun:
    """What running one code cell gave: its status, text output and error (if any)."""

    status: str
    text: str
    error: str = ""


@dataclass
class NotebookRun:
    path: str
    kernel_id: str
    session_id: str
    seconds: float
    cells: int
    errors: list[str]


class Student:
    """One student's browser: a cookie session on the hub, and an API token of their own."""

    def __init__(self, hub: Hub, name: str):
        self.hub = hub
        self.name = name
        self.http = requests.Session()
        self.http.trust_env = False  # loopback only: never through an HTTP proxy
        self.token = ""

    # -- hub -----------------------------------------------------------------------------------

    @property
    def server_url(self) -> str:
        return f"{self.hub.url}/user/{self.name}"

    def _api(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        headers = {"Authorization": f"token {self.token}", **kwargs.pop("headers", {})}
        kwargs.setdefault("timeout", 30)
        return self.http.request(method, f"{self.hub.url}{path}", headers=headers, **kwargs)

    def log_in(self) -> None:
        """Fill in the hub's login form (with its XSRF field), then get an API token."""
        page = self.http.get(f"{self.hub.url}/hub/login", timeout=10)
        page.raise_for_status()
        xsrf = self.http.cookies.get("_xsrf", path="/hub/") or self.http.cookies.get("_xsrf")
        if not xsrf:
            raise RuntimeError(f"{self.name}: the login page set no _xsrf cookie")
        done = self.http.post(
            f"{self.hub.url}/hub/login",
            data={"username": self.name, "password": self.hub.password, "_xsrf": xsrf},
            timeout=10,
            allow_redirects=False,
        )
        if done.status_code != 302:
            raise RuntimeError(f"{self.name}: login answered {done.status_code}: {done.text[:300]}")
        # Logging in starts a new session with a new XSRF cookie.
        xsrf = self.http.cookies.get("_xsrf", path="/hub/") or xsrf
        made = self.http.post(
            f"{self.hub.url}/hub/api/users/{self.name}/tokens",
            json={"note": "class rehearsal", "expires_in": 3600},
            headers={"X-XSRFToken": xsrf},
            timeout=10,
        )
        made.raise_for_status()
        self.token = made.json()["token"]

    def start_server(self) -> None:
        answer = self._api("POST", f"/hub/api/users/{self.name}/server")
        if answer.status_code not in (201, 202):
            raise RuntimeError(f"{self.name}: server start answered {answer.status_code}")

    def wait_ready(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            model = self._api("GET", f"/hub/api/users/{self.name}").json()
            server = model.get("servers", {}).get("")
            if server and server.get("ready"):
                self.hub.track()
                return
            time.sleep(0.5)
        raise RuntimeError(f"{self.name}: server not ready after {timeout:.0f} s")

    # -- nbgitpuller ----------------------------------------------------------------------------

    def open_link(self, link: str) -> requests.Response:
        """Open a link in the 'browser' (cookies only, redirects followed, as a click does)."""
        return self.http.get(link, timeout=30)

    def pull(self, page: str, timeout: float = 60.0) -> list[dict[str, Any]]:
        """What nbgitpuller's status `page` does next in the browser: read the pull's event
        stream, with the repository, branch and folder the page names, until it is done."""
        params = page_params(page)
        events: list[dict[str, Any]] = []
        with self.http.get(
            f"{self.server_url}/git-pull/api", params=params, stream=True, timeout=timeout
        ) as stream:
            stream.raise_for_status()
            for line in stream.iter_lines(decode_unicode=True):
                if not line or not line.startswith("data:"):
                    continue
                event = json.loads(line.removeprefix("data:").strip())
                events.append(event)
                if event.get("phase") in ("finished", "error"):
                    break
        return events

    def wait_for_file(self, path: str, timeout: float = 30.0) -> dict[str, Any]:
        """Poll the contents API until `path` (relative to the home folder) exists."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            answer = self._api(
                "GET", f"/user/{self.name}/api/contents/{path}", params={"content": 0}
            )
            if answer.status_code == 200:
                return answer.json()
            time.sleep(0.5)
        raise RuntimeError(f"{self.name}: {path} did not appear within {timeout:.0f} s")

    # -- notebooks ------------------------------------------------------------------------------

    def open_notebook(self, path: str) -> tuple[str, str]:
        """Open `path` as JupyterLab does: a session with a new kernel in the notebook's folder.
        Returns (session id, kernel id)."""
        answer = self._api(
            "POST",
            f"/user/{self.name}/api/sessions",
            json={
                "path": path,
                "name": Path(path).name,
                "type": "notebook",
                "kernel": {"name": "python3"},
            },
        )
        answer.raise_for_status()
        model = answer.json()
        return model["id"], model["kernel"]["id"]

    def close_notebook(self, session_id: str) -> None:
        self._api("DELETE", f"/user/{self.name}/api/sessions/{session_id}")

    def _channels(self, kernel_id: str) -> websocket.WebSocket:
        url = (
            self.server_url.replace("http://", "ws://", 1)
            + f"/api/kernels/{kernel_id}/channels?session_id={uuid.uuid4().hex}"
        )
        return websocket.create_connection(
            url, header=[f"Authorization: token {self.token}"], timeout=30
        )

    def execute(self, kernel_id: str, code: str, *, timeout: float = 180.0) -> CellRun:
        """Run `code` in the kernel over its websocket; wait for the reply and for idle."""
        ws = self._channels(kernel_id)
        try:
            return _execute(ws, code, self.name, timeout)
        finally:
            ws.close()

    def run_notebook(self, path: str, *, timeout: float = 300.0) -> NotebookRun:
        """Run every code cell of the student's copy of `path` top to bottom in a new kernel,
        stopping at the first error (as 'Run All' does). The kernel stays open."""
        started = time.monotonic()
        notebook = self._api("GET", f"/user/{self.name}/api/contents/{path}").json()["content"]
        session_id, kernel_id = self.open_notebook(path)
        cells = [c for c in notebook["cells"] if c["cell_type"] == "code"]
        errors: list[str] = []
        ws = self._channels(kernel_id)
        try:
            for number, cell in enumerate(cells, start=1):
                source = (
                    "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
                )
                run = _execute(ws, source, self.name, timeout)
                if run.status != "ok":
                    errors.append(f"{path} code cell {number}: {run.error}")
                    break
        finally:
            ws.close()
        self.hub.track()
        return NotebookRun(
            path, kernel_id, session_id, time.monotonic() - started, len(cells), errors
        )

    # -- processes ------------------------------------------------------------------------------

    def server_process(self) -> psutil.Process:
        found = self.hub.user_processes(self.name)
        if len(found) != 1:
            raise RuntimeError(f"{self.name}: expected one server process, found {len(found)}")
        return found[0]

    def kernel_process(self, kernel_id: str) -> psutil.Process:
        """The kernel's process (its command line names its connection file, kernel-<id>.json)."""
        for child in self.server_process().children(recursive=True):
            try:
                if any(kernel_id in part for part in child.cmdline()):
                    return child
            except psutil.NoSuchProcess:
                continue
        raise RuntimeError(f"{self.name}: no process for kernel {kernel_id}")


def _message(code: str, username: str, session: str) -> dict[str, Any]:
    return {
        "header": {
            "msg_id": uuid.uuid4().hex,
            "msg_type": "execute_request",
            "username": username,
            "session": session,
            "date": datetime.now(UTC).isoformat(),
            "version": "5.3",
        },
        "parent_header": {},
        "metadata": {},
        "content": {
            "code": code,
            "silent": False,
            "store_history": True,
            "user_expressions": {},
            "allow_stdin": False,
            "stop_on_error": True,
        },
        "channel": "shell",
        "buffers": [],
    }


def _replies(ws: websocket.WebSocket, msg_id: str, deadline: float) -> Iterator[dict[str, Any]]:
    while time.monotonic() < deadline:
        try:
            raw = ws.recv()
        except websocket.WebSocketTimeoutException:
            continue
        if not isinstance(raw, str):  # binary frames carry widget buffers, not replies
            continue
        message = json.loads(raw)
        if message.get("parent_header", {}).get("msg_id") == msg_id:
            yield message
    raise TimeoutError(f"no reply to {msg_id} in time")


def _execute(ws: websocket.WebSocket, code: str, username: str, timeout: float) -> CellRun:
    request = _message(code, username, uuid.uuid4().hex)
    msg_id = request["header"]["msg_id"]
    ws.send(json.dumps(request))
    status, error, text, replied, idle = "", "", [], False, False
    for message in _replies(ws, msg_id, time.monotonic() + timeout):
        kind, content = message["msg_type"], message["content"]
        if kind == "execute_reply":
            replied, status = True, content["status"]
            if status == "error":
                error = f"{content.get('ename')}: {content.get('evalue')}"
        elif kind == "error":
            error = f"{content.get('ename')}: {content.get('evalue')}"
        elif kind == "stream":
            text.append(content.get("text", ""))
        elif kind == "status" and content.get("execution_state") == "idle":
            idle = True
        if replied and idle:
            break
    return CellRun(status, "".join(text), error)
