"""Hashed references to the people a record is about.

A triage event is about a help-desk requester (an id, an e-mail), not one of our customer ids,
and its stored answer must not keep who that is in clear. It keeps :func:`subject_hashes` of
those values instead; erasing a customer hashes its id and handles the same way and finds it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable


def subject_hash(value: str) -> str:
    return hashlib.sha256(b"assist-subject:" + value.strip().lower().encode("utf-8", "surrogatepass")).hexdigest()


def subject_hashes(values: Iterable[str | None]) -> list[str]:
    """Sorted, distinct hashes of the non-empty ``values``."""
    return sorted({subject_hash(v) for v in values if v and v.strip()})
