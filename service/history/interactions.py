"""Recording interactions: the rules of an idempotent batch write.

Writes are idempotent by interaction id: a retried batch inserts nothing twice, and an id sent
again with different content is a :class:`~service.errors.Conflict` (409) — nothing of that batch
is written. The repository (:class:`service.ports.InteractionRepository`) applies these rules
inside its transaction.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from service.domain.interactions import Interaction
from service.errors import Conflict


@dataclass
class WriteReport:
    inserted: list[str]
    duplicates: list[str]

    def as_dict(self) -> dict[str, Any]:
        return {"inserted": len(self.inserted), "duplicates": len(self.duplicates),
                "inserted_ids": self.inserted, "duplicate_ids": self.duplicates}


def split_batch(items: Sequence[Interaction], existing: Mapping[str, Interaction]) -> tuple[list[Interaction], WriteReport]:
    """The interactions of ``items`` to insert, and the report of the write; ``existing``: the
    stored interactions with the same ids. An id stored with other content is a :class:`Conflict`."""
    conflicts = [it.id for it in items if it.id in existing and existing[it.id].content_key() != it.content_key()]
    if conflicts:
        raise Conflict(
            f"{len(conflicts)} interaction id(s) were already recorded with different content: "
            f"{', '.join(conflicts[:10])}; interaction ids are immutable, nothing of this batch was written",
            errors=[{"key": "id", "message": f"{c!r} exists with different content"} for c in conflicts[:50]],
        )
    new = [it for it in items if it.id not in existing]
    return new, WriteReport(inserted=[it.id for it in new], duplicates=[it.id for it in items if it.id in existing])
