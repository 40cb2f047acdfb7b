"""Tenants and API keys: hashing, scopes and role presets, rotation and revocation rules.
Storage is the :class:`~service.ports.KeyRepository` port (SQL: ``adapters/sql/keys_repo.py``)."""
