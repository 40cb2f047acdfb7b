"""The relational schema (SQLAlchemy 2). Every row belongs to one tenant; every query filters on it.

Migrations live in ``service/adapters/sql/migrations`` (Alembic) and must match these models; a test
compares them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


class Tenant(Base):
    __tablename__ = "tenants"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    webhook_secret: Mapped[str | None] = mapped_column(String(128))
    """Shared secret for HMAC-signed help-desk webhooks (triage hook)."""


class ApiKey(Base):
    __tablename__ = "api_keys"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    """Public key id: the part of the key between ``aa_`` and the secret."""
    tenant_id: Mapped[str] = mapped_column(String(64), index=True)
    key_hash: Mapped[str] = mapped_column(String(128))
    """SHA-256 of the whole key; the key itself is never stored."""
    scopes: Mapped[str] = mapped_column(Text)
    """Comma-separated scopes."""
    name: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    rotated_from: Mapped[str | None] = mapped_column(String(32))


class KnowledgeDocument(Base):
    """What is indexed for each article: the ingest state that makes re-ingest incremental."""

    __tablename__ = "knowledge_documents"
    tenant_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    article_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    version: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))
    content_hash: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(Text)
    chunk_ids: Mapped[list[Any]] = mapped_column(JSON)
    meta: Mapped[dict[str, Any]] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Interaction(Base):
    __tablename__ = "interactions"
    tenant_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    id: Mapped[str] = mapped_column(String(128), primary_key=True)
    customer_id: Mapped[str] = mapped_column(String(128))
    channel: Mapped[str] = mapped_column(String(16))
    direction: Mapped[str] = mapped_column(String(16))
    author_role: Mapped[str] = mapped_column(String(16))
    ts: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    text: Mapped[str] = mapped_column(Text)
    thread_id: Mapped[str | None] = mapped_column(String(128))
    kind: Mapped[str] = mapped_column(String(32), default="message")
    """``message`` or a system event name such as ``order_placed``, ``refund_issued``."""
    meta: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    __table_args__ = (Index("ix_interactions_customer_ts", "tenant_id", "customer_id", "ts"),)


class CustomerIdentity(Base):
    __tablename__ = "customer_identities"
    tenant_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    """email, phone, social, external..."""
    value: Mapped[str] = mapped_column(String(256), primary_key=True)
    customer_id: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    __table_args__ = (Index("ix_identities_customer", "tenant_id", "customer_id"),)


class AuditRecord(Base):
    """One answer of the service; append-only and hash-chained per tenant."""

    __tablename__ = "audit_records"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(String(64))
    seq: Mapped[int] = mapped_column(BigInteger)
    """Position in the tenant's chain, from 1."""
    prev_hash: Mapped[str] = mapped_column(String(64))
    record_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    key_id: Mapped[str | None] = mapped_column(String(32))
    endpoint: Mapped[str] = mapped_column(String(64))
    request_id: Mapped[str | None] = mapped_column(String(64))
    customer_id: Mapped[str | None] = mapped_column(String(128))
    input_redacted: Mapped[dict[str, Any]] = mapped_column(JSON)
    input_hash: Mapped[str] = mapped_column(String(64))
    articles: Mapped[list[Any]] = mapped_column(JSON)
    prompt: Mapped[str | None] = mapped_column(String(128))
    model: Mapped[str | None] = mapped_column(String(128))
    params: Mapped[dict[str, Any]] = mapped_column(JSON)
    tokens: Mapped[dict[str, Any]] = mapped_column(JSON)
    policy: Mapped[dict[str, Any]] = mapped_column(JSON)
    outcome: Mapped[str] = mapped_column(String(32))
    latency_ms: Mapped[float] = mapped_column(Float)
    output: Mapped[dict[str, Any]] = mapped_column(JSON)
    erased: Mapped[bool] = mapped_column(Boolean, default=False)
    personal_hash: Mapped[str] = mapped_column(String(64), server_default="")
    """SHA-256 of the personal fields (customer id, input copy and hash, output). The chain hashes
    this instead of the fields, so erasing them on request keeps the chain verifiable."""
    __table_args__ = (
        UniqueConstraint("tenant_id", "seq", name="uq_audit_records_tenant_seq"),
        Index("ix_audit_tenant_time", "tenant_id", "created_at"),
        Index("ix_audit_tenant_customer", "tenant_id", "customer_id"),
        Index("ix_audit_tenant_request", "tenant_id", "request_id"),
    )


class AuditChainHead(Base):
    """The last hash and seq of each tenant's chain, and the anchor left by retention purges."""

    __tablename__ = "audit_chain_heads"
    tenant_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    last_seq: Mapped[int] = mapped_column(BigInteger)
    last_hash: Mapped[str] = mapped_column(String(64))
    anchor_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    """Records with seq <= anchor_seq were purged by retention; verification starts after it."""
    anchor_hash: Mapped[str] = mapped_column(String(64))
    """record_hash of the last purged record (or the genesis hash)."""


class Suggestion(Base):
    __tablename__ = "suggestions"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(String(64), index=True)
    audit_id: Mapped[str] = mapped_column(String(36))
    conversation_id: Mapped[str | None] = mapped_column(String(128))
    prompt: Mapped[str | None] = mapped_column(String(128))
    intent: Mapped[str | None] = mapped_column(String(128))
    channel: Mapped[str] = mapped_column(String(16))
    engine: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Feedback(Base):
    __tablename__ = "feedback"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(String(64), index=True)
    suggestion_id: Mapped[str] = mapped_column(String(36), index=True)
    audit_id: Mapped[str] = mapped_column(String(36))
    event: Mapped[str] = mapped_column(String(16))
    """shown, accepted, edited, rejected."""
    sent_text: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str | None] = mapped_column(Text)
    rating: Mapped[int | None] = mapped_column(Integer)
    edit_distance: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class TriageEvent(Base):
    """The first answer to each help-desk event, so replays return it and do no work twice."""

    __tablename__ = "triage_events"
    tenant_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    source: Mapped[str] = mapped_column(String(32), primary_key=True)
    ticket_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    event_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    response: Mapped[dict[str, Any]] = mapped_column(JSON)
    content_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    """SHA-256 of the ticket's content at first delivery: a replay with other content is refused."""
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    subject_hashes: Mapped[list[Any] | None] = mapped_column(JSON, nullable=True)
    """Hashes (service.privacy.subjects) of the ticket's customer and requester ids and e-mails,
    so erasing a customer finds the events about them (issue 12)."""


# --- issue 14: continuity (help-desk integrations, suggestion state) ---


class HelpdeskSettings(Base):
    """Per-tenant continuity settings and help-desk connections. Holds secrets: the Chatwoot API
    token is stored encrypted (Fernet, key ASSIST_SECRET_KEY); the URL secret and the signing
    secret are stored as given (they only authenticate webhooks to us)."""

    __tablename__ = "helpdesk_settings"
    tenant_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    record_default: Mapped[bool] = mapped_column(Boolean, default=False)
    """POST /v1/assist and /v1/suggestions store the request's messages unless told not to."""
    chatwoot_url_secret: Mapped[str | None] = mapped_column(String(128))
    chatwoot_signing_secret: Mapped[str | None] = mapped_column(String(256))
    chatwoot_base_url: Mapped[str | None] = mapped_column(String(512))
    chatwoot_account_id: Mapped[int | None] = mapped_column(Integer)
    chatwoot_token_enc: Mapped[str | None] = mapped_column(Text)
    chatwoot_writeback: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class SuggestionState(Base):
    """The conversation state a suggestion answered (personal data: customer id)."""

    __tablename__ = "suggestion_states"
    suggestion_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(String(64))
    customer_id: Mapped[str | None] = mapped_column(String(128))
    conversation_id: Mapped[str | None] = mapped_column(String(128))
    answered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    """Time of the newest customer message the suggestion saw."""
    last_customer_message: Mapped[str | None] = mapped_column(String(128))
    """Id of that message (stored interaction id)."""
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (Index("ix_suggestion_states_tenant_conversation", "tenant_id", "conversation_id"),
                      Index("ix_suggestion_states_tenant_customer", "tenant_id", "customer_id"))


class PanelConfig(Base):
    """Where a tenant's agent panel may be embedded, and how its hosts are verified (issue 15)."""

    __tablename__ = "panel_configs"
    tenant_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    chatwoot_origins: Mapped[list[Any]] = mapped_column(JSON)
    """Origins of the tenant's Chatwoot (``https://chat.example.com``): the only frames allowed to
    embed the panel as a Dashboard App and to post ``appContext`` to it."""
    zendesk_subdomain: Mapped[str | None] = mapped_column(String(64), unique=True)
    """``acme`` for acme.zendesk.com: the JWT's issuer, and the host allowed to frame the panel."""
    zendesk_public_key: Mapped[str | None] = mapped_column(Text)
    """PEM public key of the tenant's Zendesk app (signed URLs are RS256 JWTs)."""
    zendesk_audience: Mapped[str | None] = mapped_column(String(300))
    """The app installation's audience URL; unset: any installation on the subdomain."""
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class PanelSession(Base):
    """A short-lived panel session: the only credential the panel's browser code holds."""

    __tablename__ = "panel_sessions"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(String(64), index=True)
    token_hash: Mapped[str] = mapped_column(String(64))
    scopes: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(16))
    """standalone, chatwoot or zendesk."""
    parent_key_id: Mapped[str | None] = mapped_column(String(32))
    """The API key (agent key or Chatwoot panel token) it was issued from; revoking that key ends it."""
    subject: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class KnowledgeGap(Base):
    """A topic where the knowledge falls short, found in agents' signals (issue 19). Approving its
    draft closes it; new signals on the topic reopen it."""

    __tablename__ = "knowledge_gaps"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))
    """open or closed."""
    kind: Mapped[str] = mapped_column(String(16))
    """missing (no article answers it) or outdated (``article_id`` answers it wrongly)."""
    article_id: Mapped[str | None] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(Text)
    centroid: Mapped[list[Any]] = mapped_column(JSON)
    """Mean MiniLM vector of the gap's signals: how a later analysis recognises the same topic."""
    size: Mapped[int] = mapped_column(Integer)
    summary: Mapped[dict[str, Any]] = mapped_column(JSON)
    """Signals by kind, trend, intents, articles cited, masked examples."""
    first_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_signal_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    reopened_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    __table_args__ = (Index("ix_knowledge_gaps_tenant_status", "tenant_id", "status"),)


class KnowledgeDraft(Base):
    """A proposed article for a gap. Kept here, never in the knowledge index, until approved."""

    __tablename__ = "knowledge_drafts"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(String(64))
    gap_id: Mapped[str] = mapped_column(String(36))
    article_id: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer)
    content: Mapped[str] = mapped_column(Text)
    """The whole article (front matter with ``status: draft``, then Markdown)."""
    engine: Mapped[str] = mapped_column(String(16))
    """extractive or llm."""
    status: Mapped[str] = mapped_column(String(16))
    """draft, approved or rejected."""
    notes: Mapped[list[Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decided_by: Mapped[str | None] = mapped_column(String(32))
    """Key id of the reviewer."""
    decision_reason: Mapped[str | None] = mapped_column(Text)
    __table_args__ = (
        Index("ix_knowledge_drafts_tenant_status", "tenant_id", "status"),
        Index("ix_knowledge_drafts_gap", "tenant_id", "gap_id"),
    )
