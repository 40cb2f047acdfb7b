"""The index engine: one process that owns the embedded Qdrant Edge shard and serves the
VectorIndex port to several workers (``assist index serve``; ``assist serve --workers N`` on
PostgreSQL starts one itself).

Qdrant Edge is an embedded engine: one process per shard (its write-ahead log is locked). With
several workers, this process holds the shard and every worker reaches it through
:class:`~service.adapters.index_client.EngineIndex` over a Unix domain socket (or TCP on
loopback: the engine has no authentication, so it never listens beyond this machine). Each
connection is served by a thread of its own; the shard takes concurrent searches and writes
(``EdgeIndex.local`` is False), so searches and an ingest proceed side by side as they do in one
process. The search itself, fusion and payload reads included, runs here in ``EdgeIndex``: its
results are the embedded adapter's, bit for bit.

The shard is opened at start when it exists (so a second engine on the same data directory fails
at once); a fresh data directory gets its shard from the first ``ensure_collection``, which
carries the embedding dimension. An error leaves as ``{"error": ...}``; the client raises
:class:`~service.errors.Unavailable` with it.
"""

from __future__ import annotations

import hashlib
import os
import socket
import socketserver
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import structlog

from service.adapters import index_wire as wire
from service.adapters.qdrant_edge_index import EdgeIndex
from service.errors import Unavailable

log = structlog.get_logger("service.index_engine")
LOOPBACK = {"127.0.0.1", "::1", "localhost"}
MAX_UNIX_PATH = 100
"""A Unix socket's path must fit in 108 bytes (sun_path); longer data directories get theirs elsewhere."""


def default_url(data_dir: Path) -> str:
    """The engine's socket for a data directory: ``index.sock`` in it, unless that path is too
    long for a Unix socket (then a per-directory name in the temp directory)."""
    path = data_dir / "index.sock"
    if len(str(path)) > MAX_UNIX_PATH:
        path = Path(tempfile.gettempdir()) / f"assist-index-{hashlib.sha256(str(data_dir).encode()).hexdigest()[:16]}.sock"
    return f"unix://{path}"


class Engine:
    """The shard and the operations of the port, by name."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self.index: EdgeIndex | None = None
        if (path / "edge_config.json").exists():
            self._open(0)

    def _open(self, dimension: int) -> EdgeIndex:
        with self._lock:
            if self.index is None:
                index = EdgeIndex(path=self.path, dimension=dimension)
                index.ensure_collection()
                self.index = index
            return self.index

    def _index(self) -> EdgeIndex:
        if self.index is None:
            raise Unavailable(f"the index at {self.path} is not created yet (a worker creates it at start-up)")
        return self.index

    def call(self, op: str, args: dict[str, Any]) -> Any:
        if op == "ping":
            return self.index is None or self.index.ping()
        if op == "ensure_collection":
            self._open(int(args["dimension"]))
            return None
        index = self._index()
        if op == "search":
            return wire.pack_hits(index.search(**wire.unpack_search(args)))
        if op == "upsert":
            index.upsert(*wire.unpack_upsert(args))
            return None
        if op == "delete_chunks":
            index.delete_chunks(args["chunk_ids"])
            return None
        if op == "chunk_ids":
            return index.chunk_ids(args["tenant"])
        if op == "optimize":
            index.optimize()
            return None
        if op == "count":
            return index.count()
        raise ValueError(f"unknown operation {op!r}")

    def answer(self, request: dict[str, Any]) -> dict[str, Any]:
        try:
            return {"result": self.call(str(request.get("op")), request.get("args") or {})}
        except Unavailable as exc:
            return {"error": exc.detail}
        except Exception as exc:  # a bad request or an engine error: the client's Unavailable
            return {"error": f"{type(exc).__name__}: {str(exc)[:300]}"}

    def close(self) -> None:
        with self._lock:
            index, self.index = self.index, None
        if index is not None:
            index.close()


class _Handler(socketserver.StreamRequestHandler):
    server: Any

    def handle(self) -> None:
        engine: Engine = self.server.engine
        while True:
            try:
                request = wire.read_frame(self.rfile)
            except (OSError, wire.ProtocolError, ValueError) as exc:
                log.warning("index_engine_bad_frame", error=str(exc)[:200])
                return
            if request is None:
                return
            try:
                self.wfile.write(wire.encode(engine.answer(request)))
                self.wfile.flush()
            except OSError:
                return


LISTEN_BACKLOG = 512
"""Connections waiting to be accepted: every thread of every worker opens its own at a burst, and
a Unix socket refuses a connect at once (EAGAIN) when this queue is full (socketserver's own is 5)."""


class _UnixServer(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True
    request_queue_size = LISTEN_BACKLOG


class _TcpServer(socketserver.ThreadingMixIn, socketserver.TCPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = LISTEN_BACKLOG

    def server_bind(self) -> None:
        self.socket.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().server_bind()


def serve(engine: Engine, url: str, *, ready: Callable[[str], None] = lambda url: None,
          stop: threading.Event | None = None) -> None:
    """Serve ``engine`` at ``url`` until ``stop`` is set (or forever); closes the shard on the way out."""
    kind, address = wire.parse_url(url)
    server: socketserver.BaseServer
    if kind == "unix":
        path = Path(address)
        if path.exists() or path.is_symlink():
            path.unlink()  # a socket left by an engine that was killed: the shard lock is ours, so it is stale
        server = _UnixServer(str(path), _Handler)
        os.chmod(path, 0o600)
    else:
        host, port = address
        if host not in LOOPBACK:
            raise ValueError(f"the index engine has no authentication and listens on loopback only, not {host}")
        server = _TcpServer((host, port), _Handler)
    server.engine = engine  # type: ignore[attr-defined]
    watcher = None
    if stop is not None:
        watcher = threading.Thread(target=lambda: (stop.wait(), server.shutdown()), daemon=True)
        watcher.start()
    try:
        ready(url if kind == "unix" else f"tcp://{address[0]}:{server.server_address[1]}")
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()
        if kind == "unix":
            Path(address).unlink(missing_ok=True)
        engine.close()
