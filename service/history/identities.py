"""Identities: handles (e-mail, phone, social...) linked to one customer id of a tenant.

Linking is idempotent; a handle already linked to another customer is a
:class:`~service.errors.Conflict` (409), and nothing of that request is linked.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from service.domain.interactions import normalise_handle
from service.errors import Conflict


@dataclass
class Handle:
    kind: str
    value: str
    customer_id: str


def wanted_handles(handles: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """The canonical (kind, value) pairs, each once, in the order given; raises InvalidInput."""
    return list(dict.fromkeys(normalise_handle(k, v) for k, v in handles))


def refuse_taken(linked: Iterable[Handle], customer_id: str) -> None:
    """Raise :class:`Conflict` when any of ``linked`` belongs to another customer."""
    taken = [h for h in linked if h.customer_id != customer_id]
    if taken:
        raise Conflict(
            "handle(s) already linked to another customer: "
            + ", ".join(f"{h.kind} {h.value!r}" for h in taken[:10])
            + "; unlink them first or use that customer id",
        )
