"""The app's Request class: JSON bodies are refused past a nesting depth before decoding.

A body of ``[`` nested about 1,000 deep made the decoder raise ``RecursionError`` (a 500) on
every JSON route, and values nested a few hundred deep broke the database layer further on.
The depth is measured on the raw bytes (strings stripped, then a running count of brackets),
so a refused body is never decoded.
"""

from __future__ import annotations

import re
from typing import Any, TypeVar

import msgspec

import numpy as np
from litestar import Request
from litestar.types import Empty

from service.errors import AppError

MAX_JSON_DEPTH = 400
"""Deepest nesting of arrays and objects accepted in a JSON body."""

_STRING = re.compile(rb'"(?:[^"\\]++|\\.)*+"', re.S)
_NOT_BRACKETS = bytes(sorted(set(range(256)) - set(b"[]{}")))


class TooDeep(AppError):
    status = 400
    title = "Bad request"


def json_depth(body: bytes, limit: int = MAX_JSON_DEPTH) -> int:
    """The deepest nesting of ``[``/``{`` in a JSON text (0 when it cannot exceed ``limit``:
    fewer opening brackets than that, the common case, costs two ``count`` calls)."""
    if body.count(b"[") + body.count(b"{") <= limit:
        return 0
    brackets = _STRING.sub(b"", body).translate(None, _NOT_BRACKETS)
    if not brackets:
        return 0
    codes = np.frombuffer(brackets, dtype=np.uint8)
    steps = np.where((codes == ord("[")) | (codes == ord("{")), 1, -1).astype(np.int64)
    return int(np.cumsum(steps).max())


def check_json_depth(body: bytes, limit: int = MAX_JSON_DEPTH) -> None:
    depth = json_depth(body, limit)
    if depth > limit:
        raise TooDeep(f"the JSON body is nested {depth} levels deep; the limit is {limit}")


T = TypeVar("T")


async def strict_body(request: Request, struct: type[T]) -> T:
    """The JSON body converted to ``struct`` without Litestar's lax coercion (which turns
    ``"5"`` into ``5``): a value of the wrong JSON type is a 400 naming the field."""
    try:
        return msgspec.convert(await request.json(), struct, strict=True)
    except msgspec.ValidationError as exc:
        raise AppError(f"invalid request body: {exc}") from None


class AssistRequest(Request):
    async def json(self) -> Any:
        if self._json is Empty and self._connection_state.json is Empty:  # not decoded yet
            check_json_depth(await self.body())
        return await super().json()
