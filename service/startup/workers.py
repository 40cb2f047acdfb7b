"""`assist serve --workers N`: uvicorn's worker processes, each listening on its own socket.

uvicorn's workers share one listening socket, and Linux wakes the worker that went back to
waiting last: a burst of keep-alive connections (a load balancer's pool, a benchmark's clients)
then lands on one worker while the others idle (measured with `bench_load --workers 2`: 11.8 s of
CPU in one worker, 0.0 s in the other). Here the parent only reserves the address (bound with
``SO_REUSEPORT``, never listening, so it is never given a connection), and each worker listens on
its own ``SO_REUSEPORT`` socket on that address: the kernel spreads new connections over the
workers by their addresses. uvicorn's supervisor (restarts, signals) is kept as it is.
"""

from __future__ import annotations

import socket
from typing import Any

import uvicorn
from uvicorn.supervisors import multiprocess


class _OwnSocketProcess(multiprocess.Process):
    """A worker that listens on its own socket bound to the reserved address."""

    def target(self, sockets: list[socket.socket] | None = None) -> None:  # pragma: no cover - runs in the worker
        own = [listening_twin(s) for s in sockets or []]
        for reserved in sockets or []:
            reserved.close()
        super().target(own)


def reserve(host: str, port: int) -> socket.socket:
    """The address the workers will listen on, bound but not listening (port 0: any free port)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock


def listening_twin(reserved: socket.socket, backlog: int = 2048) -> socket.socket:
    """A new listening socket on ``reserved``'s address, in the same ``SO_REUSEPORT`` group."""
    twin = socket.socket(reserved.family, socket.SOCK_STREAM)
    twin.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    twin.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    twin.bind(reserved.getsockname())
    twin.listen(backlog)
    return twin


def run_workers(app: str, *, sock: socket.socket, workers: int, **options: Any) -> None:
    """Run ``workers`` uvicorn workers of ``app`` (an import string), each on its own socket on
    ``sock``'s address, until the supervisor is stopped."""
    host, port = sock.getsockname()[:2]
    config = uvicorn.Config(app, host=host, port=port, workers=workers, **options)
    plain = multiprocess.Process
    multiprocess.Process = _OwnSocketProcess  # type: ignore[misc]  # the supervisor makes its workers by this name
    try:
        multiprocess.Multiprocess(config, sockets=[sock]).run()
    finally:
        multiprocess.Process = plain  # type: ignore[misc]
