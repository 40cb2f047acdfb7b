"""history: customer interactions (idempotent batch writes) and identities (handles linked to
one customer). The rules live here; storage is behind :class:`service.ports.InteractionRepository`
(SQL: ``service/adapters/sql/interactions_repo.py``)."""
