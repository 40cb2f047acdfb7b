"""The index engine's wire format (``assist index serve`` and its client adapter).

One frame per request and per answer over a stream socket (a Unix domain socket, or TCP on
loopback): a 12-byte header (``AIX1``, the JSON head's length, the blob's length, big-endian),
the head (UTF-8 JSON), then the blob: the raw bytes of the frame's arrays, one after the other.
An array in the head is ``{"$a": i}``, the ``i``-th entry of the head's ``arrays`` table
(dtype, shape), so vectors cross as float32 bytes and never as JSON lists of numbers.

A request's head is ``{"op": name, "args": {...}}``; an answer's is ``{"result": ...}`` or
``{"error": "..."}``. This module turns the VectorIndex port's arguments and results into plain
values and back; it knows nothing of sockets beyond reading and writing a frame.
"""

from __future__ import annotations

import json
import struct
from collections.abc import Sequence
from dataclasses import asdict
from typing import Any, BinaryIO
from urllib.parse import urlparse

import numpy as np

from service.ports import ChunkRecord, ChunkVectors, SearchFilters, SearchHit, SparseVector

MAGIC = b"AIX1"
HEADER = struct.Struct("!4sII")
MAX_HEAD = 64 * 1024 * 1024
MAX_BLOB = 512 * 1024 * 1024
DTYPES = {"f4": np.float32, "u4": np.uint32}


class ProtocolError(Exception):
    """A frame that is not one (wrong magic, too large, cut short)."""


def parse_url(url: str) -> tuple[str, Any]:
    """``unix:///path/to.sock`` -> ("unix", path); ``tcp://127.0.0.1:7781`` -> ("tcp", (host, port))."""
    parsed = urlparse(url)
    if parsed.scheme == "unix" and parsed.path:
        return "unix", parsed.path
    if parsed.scheme == "tcp" and parsed.hostname and parsed.port:
        return "tcp", (parsed.hostname, parsed.port)
    raise ValueError(f"an index engine address is unix:///path/to.sock or tcp://127.0.0.1:PORT, got {url!r}")


# ---- frames -------------------------------------------------------------------------------------


def encode(message: dict[str, Any]) -> bytes:
    """``message`` as one frame; numpy arrays anywhere in it travel in the blob."""
    arrays: list[np.ndarray] = []

    def plain(value: Any) -> Any:
        if isinstance(value, np.ndarray):
            arrays.append(value)
            return {"$a": len(arrays) - 1}
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [plain(v) for v in value]
        return value

    body = plain(message)
    body["arrays"] = [[_code(a.dtype), list(a.shape)] for a in arrays]
    head = json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()
    blob = b"".join(np.ascontiguousarray(a).tobytes() for a in arrays)
    return HEADER.pack(MAGIC, len(head), len(blob)) + head + blob


def decode(head: bytes, blob: bytes) -> dict[str, Any]:
    body = json.loads(head)
    arrays: list[np.ndarray] = []
    offset = 0
    for code, shape in body.pop("arrays", []):
        dtype = np.dtype(DTYPES[code])
        count = int(np.prod(shape)) if shape else 1
        end = offset + count * dtype.itemsize
        if end > len(blob):
            raise ProtocolError("the blob is shorter than its arrays")
        arrays.append(np.frombuffer(blob, dtype=dtype, count=count, offset=offset).reshape(shape))
        offset = end

    def restore(value: Any) -> Any:
        if isinstance(value, dict):
            if len(value) == 1 and "$a" in value:
                return arrays[value["$a"]]
            return {k: restore(v) for k, v in value.items()}
        if isinstance(value, list):
            return [restore(v) for v in value]
        return value

    return restore(body)  # type: ignore[no-any-return]


def read_frame(stream: BinaryIO) -> dict[str, Any] | None:
    """The next frame of ``stream``, or None at a clean end of stream (the peer closed)."""
    header = stream.read(HEADER.size)
    if not header:
        return None
    if len(header) < HEADER.size:
        raise ProtocolError("the stream ended inside a frame header")
    magic, head_len, blob_len = HEADER.unpack(header)
    if magic != MAGIC:
        raise ProtocolError("not an index engine frame (wrong magic)")
    if head_len > MAX_HEAD or blob_len > MAX_BLOB:
        raise ProtocolError(f"frame too large ({head_len} + {blob_len} bytes)")
    head = stream.read(head_len)
    blob = stream.read(blob_len) if blob_len else b""
    if len(head) < head_len or len(blob) < blob_len:
        raise ProtocolError("the stream ended inside a frame")
    return decode(head, blob)


def _code(dtype: np.dtype) -> str:
    for code, kind in DTYPES.items():
        if dtype == kind:
            return code
    raise TypeError(f"arrays of {dtype} do not travel (float32 and uint32 do)")


# ---- the port's arguments and results as plain values ----------------------------------------


def pack_upsert(chunks: Sequence[ChunkRecord], vectors: Sequence[ChunkVectors]) -> dict[str, Any]:
    """Dense vectors as one float32 matrix, the titles present as another (with their rows), the
    sparse vectors as concatenated indices and values (with each one's length)."""
    if not chunks:
        return {"chunks": [], "dense": None, "title_rows": [], "titles": None, "sparse_lengths": [],
                "sparse_indices": None, "sparse_values": None}
    title_rows = [i for i, v in enumerate(vectors) if v.title is not None]
    return {
        "chunks": [asdict(c) for c in chunks],
        "dense": np.stack([np.asarray(v.dense, dtype=np.float32) for v in vectors]),
        "title_rows": title_rows,
        "titles": np.stack([np.asarray(vectors[i].title, dtype=np.float32) for i in title_rows]) if title_rows else None,
        "sparse_lengths": [len(v.sparse.indices) for v in vectors],
        "sparse_indices": np.asarray([i for v in vectors for i in v.sparse.indices], dtype=np.uint32),
        "sparse_values": np.asarray([x for v in vectors for x in v.sparse.values], dtype=np.float32),
    }


def unpack_upsert(args: dict[str, Any]) -> tuple[list[ChunkRecord], list[ChunkVectors]]:
    chunks = [ChunkRecord(**c) for c in args["chunks"]]
    if not chunks:
        return [], []
    titles = dict(zip(args["title_rows"], args["titles"] if args["titles"] is not None else [], strict=True))
    vectors, at = [], 0
    indices, values = args["sparse_indices"].tolist(), args["sparse_values"].tolist()
    for row, length in enumerate(args["sparse_lengths"]):
        sparse = SparseVector(indices[at:at + length], values[at:at + length])
        at += length
        vectors.append(ChunkVectors(dense=args["dense"][row], sparse=sparse, title=titles.get(row)))
    return chunks, vectors


def pack_search(*, tenants: Sequence[str], dense: np.ndarray, sparse: SparseVector | None, filters: SearchFilters,
                limit: int, today: int, mode: str) -> dict[str, Any]:
    return {
        "tenants": list(tenants),
        "dense": np.asarray(dense, dtype=np.float32).reshape(-1),
        "sparse": None if sparse is None else [np.asarray(sparse.indices, dtype=np.uint32),
                                                np.asarray(sparse.values, dtype=np.float32)],
        "filters": asdict(filters),
        "limit": int(limit),
        "today": int(today),
        "mode": mode,
    }


def unpack_search(args: dict[str, Any]) -> dict[str, Any]:
    sparse = args["sparse"]
    filters = {k: tuple(v) if isinstance(v, list) else v for k, v in args["filters"].items()}
    return {
        "tenants": args["tenants"],
        "dense": args["dense"],
        "sparse": None if sparse is None else SparseVector(sparse[0].tolist(), sparse[1].tolist()),
        "filters": SearchFilters(**filters),
        "limit": args["limit"],
        "today": args["today"],
        "mode": args["mode"],
    }


def pack_hits(hits: Sequence[SearchHit]) -> list[dict[str, Any]]:
    return [asdict(h) for h in hits]


def unpack_hits(rows: Sequence[dict[str, Any]]) -> list[SearchHit]:
    return [SearchHit(**row) for row in rows]
