"""The VectorIndex port over the index engine (``ASSIST_INDEX_URL``; the engine is
:mod:`service.adapters.index_engine`, run by ``assist index serve`` or by ``assist serve
--workers N`` on PostgreSQL).

Each call sends one frame and reads one answer (:mod:`service.adapters.index_wire`) on a
connection taken from a small pool, so the worker's threads call it at once, each on its own
connection. Every failure leaves as :class:`~service.errors.Unavailable`: the engine's own
errors with its message, a refused or broken connection as "not answering". After the engine
restarts, the pooled connections are dead: the first call that finds one so drops the pool and
tries once more on a new connection (every operation of the port is idempotent), so a restart
costs no request that arrives after the engine is back. A timeout is not retried.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Sequence
from typing import Any

import numpy as np

from service.adapters import index_wire as wire
from service.errors import Unavailable
from service.ports import ChunkRecord, ChunkVectors, SearchFilters, SearchHit, SparseVector

UPSERT_BATCH = 512
"""Chunks per upsert frame (about 2 MB of vectors and text): bounded frames for any ingest, and
the embedded adapter's own batch, so the shard sees the same updates as in one process (the
segments, and so the last bit of a sparse score, follow the updates)."""
CONNECT_TIMEOUT_S = 2.0
TIMEOUT_S = 30.0
"""How long a call waits for its answer; ``optimize`` (index building after an ingest) waits longer."""
OPTIMIZE_TIMEOUT_S = 600.0
POOL_SIZE = 64
"""Idle connections kept; more threads than this at once open extra connections and close them after."""


class _Conn:
    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.rfile = sock.makefile("rb")

    def close(self) -> None:
        for closing in (self.rfile.close, self.sock.close):
            try:
                closing()
            except OSError:
                pass


class EngineIndex:
    local = False
    """Calls may come from several threads at once (each takes a connection of its own)."""

    def __init__(self, *, url: str, dimension: int, timeout_s: float = TIMEOUT_S) -> None:
        self.url = url
        self.dimension = dimension
        self.timeout_s = timeout_s
        self.kind, self.address = wire.parse_url(url)
        self._idle: list[_Conn] = []
        self._lock = threading.Lock()

    # ---- connections ----------------------------------------------------------------------------

    def _connect(self) -> _Conn:
        family = socket.AF_UNIX if self.kind == "unix" else socket.AF_INET6 if ":" in self.address[0] else socket.AF_INET
        deadline = time.monotonic() + CONNECT_TIMEOUT_S
        while True:
            sock = socket.socket(family, socket.SOCK_STREAM)
            try:
                sock.settimeout(CONNECT_TIMEOUT_S)
                sock.connect(self.address)
                if self.kind == "tcp":
                    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                return _Conn(sock)
            except BlockingIOError as exc:
                # A Unix socket whose accept queue is full refuses at once (EAGAIN): the engine
                # is busy, not gone; try again until the connect timeout.
                sock.close()
                if time.monotonic() >= deadline:
                    raise Unavailable(f"the index engine at {self.url} accepted no connection in {CONNECT_TIMEOUT_S:g} s "
                                      f"({exc.strerror or exc})") from exc
                time.sleep(0.005)
            except OSError as exc:
                sock.close()
                raise Unavailable(f"the index engine at {self.url} is not answering ({exc.strerror or exc}); "
                                  "is `assist index serve` running?") from exc

    def _take(self) -> tuple[_Conn, bool]:
        with self._lock:
            if self._idle:
                return self._idle.pop(), True
        return self._connect(), False

    def _give(self, conn: _Conn) -> None:
        with self._lock:
            if len(self._idle) < POOL_SIZE:
                self._idle.append(conn)
                return
        conn.close()

    def _drop_idle(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for conn in idle:
            conn.close()

    def _call(self, op: str, args: dict[str, Any] | None = None, timeout_s: float | None = None) -> Any:
        frame = wire.encode({"op": op, "args": args or {}})
        for attempt in (1, 2):
            conn, reused = self._take()
            try:
                conn.sock.settimeout(timeout_s or self.timeout_s)
                conn.sock.sendall(frame)
                answer = wire.read_frame(conn.rfile)  # type: ignore[arg-type]
                if answer is None:
                    raise ConnectionResetError("the engine closed the connection")
            except TimeoutError as exc:
                conn.close()
                raise Unavailable(f"the index engine at {self.url} did not answer {op} in {timeout_s or self.timeout_s:g} s") from exc
            except (OSError, wire.ProtocolError) as exc:
                conn.close()
                if reused and attempt == 1:  # a connection to an engine that has restarted since
                    self._drop_idle()
                    continue
                raise Unavailable(f"the index engine at {self.url} is not answering ({type(exc).__name__}: {exc})") from exc
            self._give(conn)
            if "error" in answer:
                raise Unavailable(f"vector store (index engine) error: {answer['error']}")
            return answer.get("result")
        raise AssertionError("unreachable")

    # ---- the port -----------------------------------------------------------------------------

    def ensure_collection(self) -> None:
        self._call("ensure_collection", {"dimension": self.dimension})

    def upsert(self, chunks: Sequence[ChunkRecord], vectors: Sequence[ChunkVectors]) -> None:
        for start in range(0, len(chunks), UPSERT_BATCH):
            end = start + UPSERT_BATCH
            self._call("upsert", wire.pack_upsert(chunks[start:end], vectors[start:end]))

    def delete_chunks(self, chunk_ids: Sequence[str]) -> None:
        if chunk_ids:
            self._call("delete_chunks", {"chunk_ids": list(chunk_ids)})

    def chunk_ids(self, tenant: str) -> dict[str, str]:
        return dict(self._call("chunk_ids", {"tenant": tenant}))

    def optimize(self) -> None:
        self._call("optimize", timeout_s=OPTIMIZE_TIMEOUT_S)

    def search(
        self,
        *,
        tenants: Sequence[str],
        dense: np.ndarray,
        sparse: SparseVector | None,
        filters: SearchFilters,
        limit: int,
        today: int,
        mode: str = "hybrid",
    ) -> list[SearchHit]:
        args = wire.pack_search(tenants=tenants, dense=dense, sparse=sparse, filters=filters, limit=limit,
                                today=today, mode=mode)
        return wire.unpack_hits(self._call("search", args))

    def count(self) -> int:
        return int(self._call("count"))

    def ping(self) -> bool:
        try:
            return bool(self._call("ping", timeout_s=5.0))
        except Unavailable:
            return False

    def close(self) -> None:
        self._drop_idle()
