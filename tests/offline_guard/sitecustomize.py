"""Offline guard: every Python process the tests start refuses to reach another host.

Why: the course promises to work in a classroom without a network. A lesson, a kernel, Voila or
JupyterLab that quietly reaches the internet passes every test on a connected machine and then
hangs or fails offline. ``tests/conftest.py`` puts this folder first on ``PYTHONPATH`` and sets
``COURSE_OFFLINE_GUARD=1``, so Python imports this ``sitecustomize`` at start-up in every child
process (JupyterLab, Voila, their kernels, nbval's kernels, subprocesses), and conftest installs
the same guard in the pytest process itself.

What is refused, with an ``OSError`` that names the host:
- ``connect``/``connect_ex``/``sendto`` on an internet socket to an address outside loopback;
- resolving a host name other than ``localhost`` or this machine's own name (``getaddrinfo``,
  ``gethostbyname``...), since a DNS query is itself network traffic; numeric addresses resolve
  without the network and are allowed, so servers can still bind ``0.0.0.0``.

What keeps working: 127.0.0.0/8, ::1, ``localhost``, unix sockets and pipes (JupyterLab, Voila,
kernels' ZMQ over tcp://127.0.0.1 - ZMQ sockets are not Python sockets, and they stay on loopback
anyway - and Playwright's driver pipe).

Each refusal is also appended to the file named by ``COURSE_OFFLINE_GUARD_LOG`` (one JSON object
per line), because code that catches the error and carries on would otherwise hide the attempt.
"""

from __future__ import annotations

import errno
import functools
import ipaddress
import json
import os
import socket
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

FLAG = "COURSE_OFFLINE_GUARD"
LOG = "COURSE_OFFLINE_GUARD_LOG"
MARK = "_course_offline_guard"
LOCAL_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"})
INET_FAMILIES = (socket.AF_INET, socket.AF_INET6)


class OfflineGuardError(OSError):
    """A test process tried to connect to a host other than this machine.

    Raised with errno ENETUNREACH, as on a machine without a network, so code that copes with
    being offline behaves here as it would in the classroom.
    """


class OfflineGuardLookupError(socket.gaierror):
    """A test process tried to look a host name up (a DNS query); like a failed lookup offline."""


def _is_local_address(host: str) -> bool | None:
    """Whether a numeric address is this machine (loopback or unspecified); None for a name."""
    try:
        address = ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_loopback or address.is_unspecified


def _is_local_host(host: Any) -> bool:
    """Whether a name or address stays on this machine (None and '' mean 'any local address')."""
    if host in (None, "", b""):
        return True
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    if not isinstance(host, str):
        return True  # not an internet address (e.g. a unix socket path given oddly): not ours
    host = host.strip("[]").rstrip(".").lower()
    local = _is_local_address(host)
    return host in _local_names() if local is None else local


@functools.cache
def _local_names() -> frozenset[str]:
    """localhost, and this machine's own name (answered by /etc/hosts; ``socket.getfqdn()``
    looks it up, e.g. in the standard library's email and HTTP servers)."""
    return LOCAL_NAMES | {socket.gethostname().lower()}


def _refuse(what: str, host: Any, port: Any = None) -> OSError:
    target = f"{host}:{port}" if port is not None else str(host)
    message = (
        f"offline guard: {what} {target} refused; the course's tests run offline and only "
        "loopback (127.0.0.1, ::1, localhost) is allowed (tests/offline_guard/sitecustomize.py)"
    )
    log = os.environ.get(LOG)
    if log:
        record = {"pid": os.getpid(), "argv": sys.argv[:3], "what": what, "target": target}
        try:
            with Path(log).open("a", encoding="utf-8") as handle:
                handle.write(json.dumps(record) + "\n")
        except OSError:
            pass
    if what.startswith("name lookup"):
        return OfflineGuardLookupError(socket.EAI_NONAME, message)
    return OfflineGuardError(errno.ENETUNREACH, message)


def _check_address(sock: socket.socket, address: Any, what: str) -> None:
    inet = sock.family in INET_FAMILIES and isinstance(address, tuple) and address
    if inet and not _is_local_host(address[0]):
        raise _refuse(f"{what} to", address[0], address[1] if len(address) > 1 else None)


def _guard_method(name: str) -> None:
    original = getattr(socket.socket, name)
    if getattr(original, MARK, False):
        return

    @functools.wraps(original)
    def guarded(self: socket.socket, *args: Any) -> Any:
        # connect(address), connect_ex(address), sendto(data, address), sendto(data, flags, addr)
        address = args[0] if name.startswith("connect") else args[-1]
        _check_address(self, address, name)
        return original(self, *args)

    setattr(guarded, MARK, True)
    setattr(socket.socket, name, guarded)


def _guard_resolver(name: str, host_of: Callable[..., Any]) -> None:
    original = getattr(socket, name)
    if getattr(original, MARK, False):
        return

    @functools.wraps(original)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        host = host_of(*args, **kwargs)
        if not _is_local_host(host):
            raise _refuse(f"name lookup ({name}) of", host)
        return original(*args, **kwargs)

    setattr(guarded, MARK, True)
    setattr(socket, name, guarded)


def _guard_create_connection() -> None:
    original = socket.create_connection
    if getattr(original, MARK, False):
        return

    @functools.wraps(original)
    def guarded(address: tuple[Any, ...], *args: Any, **kwargs: Any) -> socket.socket:
        if not _is_local_host(address[0]):
            raise _refuse("create_connection to", address[0], address[1])
        return original(address, *args, **kwargs)

    setattr(guarded, MARK, True)
    socket.create_connection = guarded


def install() -> None:
    """Patch the socket module in this process (idempotent)."""
    for method in ("connect", "connect_ex", "sendto"):
        _guard_method(method)
    _guard_create_connection()
    _guard_resolver("getaddrinfo", lambda host=None, *a, **k: k.get("host", host))
    _guard_resolver("gethostbyname", lambda host, *a, **k: host)
    _guard_resolver("gethostbyname_ex", lambda host, *a, **k: host)
    _guard_resolver("gethostbyaddr", lambda host, *a, **k: host)


def installed() -> bool:
    """Whether this process's socket module is guarded."""
    return bool(getattr(socket.socket.connect, MARK, False))


def _chain_next_sitecustomize() -> None:
    """Run the sitecustomize this file shadows (Debian ships one), so nothing else changes."""
    here = Path(__file__).resolve().parent
    for entry in sys.path:
        candidate = Path(entry or ".") / "sitecustomize.py"
        try:
            if candidate.resolve().parent == here or not candidate.is_file():
                continue
        except OSError:
            continue
        code = compile(candidate.read_text(encoding="utf-8"), str(candidate), "exec")
        exec(code, {"__name__": "sitecustomize", "__file__": str(candidate)})
        return


if os.environ.get(FLAG) == "1":
    install()
if __name__ == "sitecustomize":
    _chain_next_sitecustomize()
