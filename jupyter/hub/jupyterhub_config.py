"""JupyterHub configuration for the course: the whole-class test, and a start for institutions.

Run it with ``jupyterhub -f jupyter/hub/jupyterhub_config.py`` from a folder the hub may write
to (its database, cookie secret and, in this set-up, the students' homes go there). The
environment chooses what differs between the test and a trial run:

``COURSE_HUB_PASSWORD`` (required)
    The shared password of the test authenticator. There is no default: a hub must never start
    with an empty password.
``COURSE_HUB_DIR`` (default: the working directory)
    Database, cookie secret, proxy PID file and ``home/<username>`` for every student.
``COURSE_HUB_PORT`` (default 8950)
    The address students open, ``http://127.0.0.1:<port>/``. The hub API listens on port + 1,
    the proxy's API on port + 2 and single-user servers on port + 10 to port + 49.
``COURSE_HUB_ENV_KEEP`` (default: none)
    Comma-separated names of further variables a student's server inherits from the hub.
``COURSE_HUB_PROXY``
    The ``configurable-http-proxy`` program (default: the one ``make hub-proxy`` installs into
    ``.venv/node``, else the one on PATH).

What an institution changes (docs/hub.md): the two marked TEST-ONLY lines (authenticator and
spawner; use your single sign-on and a spawner that isolates users: a system user each, a
container or a Kubernetes pod), and the address (public name, TLS). The rest applies as is:
the single-user command, the environment a student's server gets, and the culling.
"""

from __future__ import annotations

import os
import socket
import sys
from pathlib import Path
from typing import Any

c = get_config()  # type: ignore[name-defined]  # noqa: F821 (provided by JupyterHub)

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
STATE = Path(os.environ.get("COURSE_HUB_DIR") or Path.cwd()).resolve()
PORT = int(os.environ.get("COURSE_HUB_PORT", "8950"))
PASSWORD = os.environ.get("COURSE_HUB_PASSWORD", "")
if not PASSWORD:
    raise SystemExit("jupyterhub_config.py: set COURSE_HUB_PASSWORD (the test login's password)")
LOCAL_PROXY = REPO / ".venv" / "node" / "node_modules" / ".bin" / "configurable-http-proxy"
PROXY = os.environ.get("COURSE_HUB_PROXY") or (
    str(LOCAL_PROXY) if LOCAL_PROXY.exists() else "configurable-http-proxy"
)
# The single-user server of the hub's own environment, so the hub and the students run the same
# installed course (one image, one set of pins).
SINGLEUSER = str(Path(sys.executable).parent / "jupyterhub-singleuser")

# -- addresses: loopback only ---------------------------------------------------------------
c.JupyterHub.bind_url = f"http://127.0.0.1:{PORT}"
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = PORT + 1
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{PORT + 2}"
c.ConfigurableHTTPProxy.command = [PROXY]
c.ConfigurableHTTPProxy.pid_file = str(STATE / "jupyterhub-proxy.pid")
c.JupyterHub.db_url = f"sqlite:///{STATE / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(STATE / "jupyterhub_cookie_secret")

# -- who logs in, where servers run ---------------------------------------------------------
c.JupyterHub.authenticator_class = "dummy"  # TEST-ONLY: any user name, one shared password
c.DummyAuthenticator.password = PASSWORD
c.Authenticator.allow_all = True
# TEST-ONLY: every student's server runs as the hub's own OS user, with its own home folder.
c.JupyterHub.spawner_class = "simple"  # jupyterhub.spawner.SimpleLocalProcessSpawner
c.SimpleLocalProcessSpawner.home_dir_template = str(STATE / "home" / "{username}")

SERVER_PORTS = range(PORT + 10, PORT + 50)
_assigned: dict[str, int] = {}


def _free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def pick_port(spawner: Any) -> None:
    """Give each user's server a port in this hub's range (LocalProcessSpawner would pick any
    free port; a shared test machine needs every listener inside the range it was given)."""
    name = spawner.user.name
    if name not in _assigned:
        taken = set(_assigned.values())
        port = next((p for p in SERVER_PORTS if p not in taken and _free(p)), None)
        if port is None:
            raise RuntimeError(f"no free port for {name!r} in {SERVER_PORTS}")
        _assigned[name] = port
    spawner.port = _assigned[name]


c.Spawner.pre_spawn_hook = pick_port

# -- the single-user server ---------------------------------------------------------------------
c.Spawner.cmd = [SINGLEUSER]
c.Spawner.default_url = "/lab/tree/nonstate-cyber-course/notebooks/00_start_here.ipynb"
c.Spawner.start_timeout = 60
c.Spawner.http_timeout = 60
# Only what a server needs from the hub's environment. Nothing course-specific is passed on:
# COURSE_PROGRESS_FILE in particular would make every student write one shared progress file,
# so each student's progress goes to their own ~/.local/share/nonstate-cyber-course/.
# COURSE_HUB_ENV_KEEP names more variables to pass on (the class test passes its offline guard).
EXTRA_ENV_KEEP = [
    n.strip() for n in os.environ.get("COURSE_HUB_ENV_KEEP", "").split(",") if n.strip()
]
if "COURSE_PROGRESS_FILE" in EXTRA_ENV_KEEP:
    raise SystemExit("COURSE_HUB_ENV_KEEP: COURSE_PROGRESS_FILE would give all students one file")
c.Spawner.env_keep = ["PATH", "LANG", "LC_ALL", *EXTRA_ENV_KEEP]
c.Spawner.environment = {"NBGITPULLER_APP": "lab"}
c.Spawner.args = [
    # Culling inside each server: a kernel idle for 20 minutes is stopped (the lessons run top
    # to bottom again in seconds), and a server with no activity for an hour stops itself.
    "--MappingKernelManager.cull_idle_timeout=1200",
    "--MappingKernelManager.cull_interval=120",
    "--MappingKernelManager.cull_connected=True",
    "--ServerApp.shutdown_no_activity_timeout=3600",
]
if os.geteuid() == 0:  # containers and CI often run as root; jupyter_server refuses without this
    c.Spawner.args.append("--allow-root")

# Culling from the hub (optional package jupyterhub-idle-culler): stops servers idle for an hour
# even when a forgotten browser tab keeps them "connected".
try:
    import jupyterhub_idle_culler  # noqa: F401
except ImportError:
    pass
else:
    c.JupyterHub.load_roles = [
        {
            "name": "idle-culler",
            "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
            "services": ["idle-culler"],
        }
    ]
    c.JupyterHub.services = [
        {
            "name": "idle-culler",
            "command": [sys.executable, "-m", "jupyterhub_idle_culler", "--timeout=3600"],
        }
    ]
