"""Panel sessions and per-tenant panel configuration: the rules (no database here; the
repository is service/adapters/sql/panel_store.py).

A panel session token looks like ``aps_<id>_<secret>``; only its SHA-256 is stored. It lives
``SESSION_TTL`` (15 minutes), belongs to one tenant, and carries panel scopes only (never more
than the key it came from). A session issued from an API key (an agent's key in standalone mode,
or the tenant's Chatwoot panel token) ends as soon as that key is revoked.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlparse

from service.errors import InvalidInput

SESSION_TTL = timedelta(minutes=15)
TOKEN_RE = re.compile(r"^aps_([a-z0-9]{16})_([A-Za-z0-9_-]{20,})$")
SOURCES = ("standalone", "chatwoot", "zendesk")
SUBDOMAIN_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")


def is_panel_token(token: str) -> bool:
    return token.startswith("aps_")


def normalise_origin(raw: str) -> str:
    """``https://chat.example.com`` (scheme, host and port only), or InvalidInput."""
    url = urlparse(raw.strip())
    if url.scheme not in {"https", "http"} or not url.hostname or url.path not in {"", "/"} or url.query or url.fragment:
        raise InvalidInput(f"an origin is scheme://host[:port] with nothing after it, got {raw!r}")
    if url.scheme == "http" and url.hostname not in {"localhost", "127.0.0.1"}:
        raise InvalidInput(f"an origin must use https (http only for localhost), got {raw!r}")
    port = f":{url.port}" if url.port else ""
    return f"{url.scheme}://{url.hostname}{port}"


@dataclass(frozen=True)
class PanelSettings:
    tenant_id: str
    chatwoot_origins: list[str]
    zendesk_subdomain: str | None
    zendesk_public_key: str | None
    zendesk_audience: str | None

    @property
    def zendesk_origin(self) -> str | None:
        return f"https://{self.zendesk_subdomain}.zendesk.com" if self.zendesk_subdomain else None

    def frame_ancestors(self, source: str) -> list[str]:
        """The hosts allowed to frame the panel page for ``source``."""
        if source == "chatwoot":
            return list(self.chatwoot_origins)
        if source == "zendesk" and self.zendesk_origin:
            return [self.zendesk_origin]
        return []

    def as_dict(self) -> dict[str, Any]:
        return {
            "tenant": self.tenant_id,
            "chatwoot_origins": self.chatwoot_origins,
            "zendesk_subdomain": self.zendesk_subdomain,
            "zendesk_public_key": bool(self.zendesk_public_key),
            "zendesk_audience": self.zendesk_audience,
        }


@dataclass(frozen=True)
class IssuedSession:
    token: str
    id: str
    tenant_id: str
    scopes: list[str]
    source: str
    expires_at: datetime

    def as_dict(self) -> dict[str, Any]:
        return {"token": self.token, "session_id": self.id, "tenant": self.tenant_id, "scopes": self.scopes,
                "source": self.source, "expires_at": self.expires_at.isoformat()}


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def aware(ts: datetime) -> datetime:
    return ts if ts.tzinfo else ts.replace(tzinfo=UTC)


