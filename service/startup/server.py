"""`assist serve`: the port is opened and announced before anything heavy is imported or loaded."""

from __future__ import annotations

import socket
from typing import Any

import uvicorn

from service.startup import Startup


def open_socket(host: str, port: int) -> socket.socket:
    """A listening TCP socket on host:port (port 0: any free port). Connections queue in its
    backlog until the server accepts them, so clients can connect from this moment on."""
    family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
        sock.listen(2048)
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock


def address_of(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


class ListenFirstServer(uvicorn.Server):
    """uvicorn on an already listening socket; once it accepts connections the application's
    start-up (waiting on :meth:`Startup.wait_listening`) proceeds."""

    def __init__(self, config: uvicorn.Config, startup: Startup, address: str) -> None:
        super().__init__(config)
        self.startup_state = startup
        self.address = address
        startup.on_failure = self._stop

    def _stop(self) -> None:
        self.should_exit = True

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        self.startup_state.mark_listening(self.address)


def serve(app: Any, startup: Startup, sock: socket.socket) -> int:
    """Run until stopped; 1 when the start failed (the reason is logged)."""
    config = uvicorn.Config(app, log_level="warning", access_log=False, log_config=None)
    ListenFirstServer(config, startup, address_of(sock)).run(sockets=[sock])
    return 1 if startup.error else 0
