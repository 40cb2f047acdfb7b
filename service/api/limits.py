"""Per-key request limits, in process: a sliding-window rate limit and the heavy-request slots.

Built once in the wiring (``ASSIST_RATE_LIMIT_PER_MINUTE``, ``ASSIST_HEAVY_PER_KEY``); the /v1
guard (:mod:`service.api.auth`) applies them; :class:`HeavySlotRelease` gives a slot back."""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict, deque
from collections.abc import Callable

from litestar.types import ASGIApp, Receive, Scope, Send

from service.errors import RateLimited

HEAVY_RELEASE = "heavy_slot_release"


class HeavySlots:
    """At most ``per_key`` heavy requests of one key in progress at once, in process. A further
    one waits for a slot (first come, first served) up to ``wait_s``, then is a 429: one key's
    burst of summaries cannot occupy every worker thread and core while other keys wait."""

    def __init__(self, per_key: int, wait_s: float) -> None:
        self.per_key = per_key
        self.wait_s = wait_s
        self._slots: dict[str, asyncio.Semaphore] = {}
        self._users: dict[str, int] = defaultdict(int)

    def in_use(self, key_id: str) -> int:
        sem = self._slots.get(key_id)
        return 0 if sem is None else self.per_key - sem._value

    async def acquire(self, key_id: str) -> Callable[[], None]:
        sem = self._slots.setdefault(key_id, asyncio.Semaphore(self.per_key))
        self._users[key_id] += 1
        try:
            async with asyncio.timeout(self.wait_s):
                await sem.acquire()
        except TimeoutError:
            self._forget(key_id)
            raise RateLimited(
                f"this key already has {self.per_key} heavy requests (summaries, suggestions, assist, "
                "classification, ingest) in progress; retry when one has finished",
                headers={"Retry-After": "1"},
            ) from None
        except BaseException:
            self._forget(key_id)
            raise
        done = False

        def release() -> None:
            nonlocal done
            if not done:
                done = True
                sem.release()
                self._forget(key_id)

        return release

    def _forget(self, key_id: str) -> None:
        self._users[key_id] -= 1
        if self._users[key_id] <= 0:
            self._users.pop(key_id, None)
            self._slots.pop(key_id, None)


class HeavySlotRelease:
    """ASGI middleware: gives back the heavy slot the guard took, however the request ended."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await self.app(scope, receive, send)
        finally:
            release = (scope.get("state") or {}).pop(HEAVY_RELEASE, None)
            if release is not None:
                release()


class RateLimiter:
    """A sliding one-minute window per key, in process (each worker counts its own requests)."""

    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self._hits: dict[str, deque[float]] = defaultdict(deque)

    def check(self, key_id: str) -> None:
        now = time.monotonic()
        hits = self._hits[key_id]
        while hits and hits[0] <= now - 60:
            hits.popleft()
        if len(hits) >= self.per_minute:
            retry = max(1, int(60 - (now - hits[0])) + 1)
            raise RateLimited(
                f"rate limit of {self.per_minute} requests per minute for this key exceeded",
                headers={"Retry-After": str(retry)},
            )
        hits.append(now)
