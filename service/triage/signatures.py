"""Webhook signatures of the triage hook.

``X-Assist-Signature: t=<unix seconds>,v1=<hex hmac_sha256(secret, f"{t}.{raw_body}")>`` with the
tenant's webhook secret (``assist keys webhook-secret --tenant T``), 5 minutes of tolerance;
several ``v1=`` values are accepted (secret rotation). Zendesk's own scheme
(``X-Zendesk-Webhook-Signature`` = base64 HMAC-SHA256 over timestamp + body, with
``X-Zendesk-Webhook-Signature-Timestamp``) is accepted too, against the same tenant secret.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from collections.abc import Mapping
from datetime import UTC, datetime

from service.errors import Unauthorized

SIGNATURE_HEADER = "x-assist-signature"
ZENDESK_SIGNATURE = "x-zendesk-webhook-signature"
ZENDESK_TIMESTAMP = "x-zendesk-webhook-signature-timestamp"
TOLERANCE_S = 300


def sign(secret: str, body: bytes, timestamp: int | None = None) -> str:
    """The X-Assist-Signature header value for ``body`` (for clients, tests and docs)."""
    t = int(time.time()) if timestamp is None else int(timestamp)
    mac = hmac.new(secret.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={t},v1={mac}"


def sign_zendesk(secret: str, body: bytes, timestamp: str) -> str:
    return base64.b64encode(hmac.new(secret.encode(), timestamp.encode() + body, hashlib.sha256).digest()).decode()


def verify_signature(secret: str, body: bytes, headers: Mapping[str, str], *, now: float | None = None,
                     tolerance_s: int = TOLERANCE_S) -> str:
    """Check the request's signature; returns the scheme used. Raises Unauthorized with the reason."""
    now = time.time() if now is None else now
    h = {k.lower(): v for k, v in headers.items()}
    if SIGNATURE_HEADER in h:
        return _verify_assist(secret, body, h[SIGNATURE_HEADER], now, tolerance_s)
    if ZENDESK_SIGNATURE in h:
        return _verify_zendesk(secret, body, h[ZENDESK_SIGNATURE], h.get(ZENDESK_TIMESTAMP, ""), now, tolerance_s)
    raise Unauthorized("missing webhook signature: send X-Assist-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "
                       "'<t>.<raw body>' with the tenant's webhook secret>")


def _verify_assist(secret: str, body: bytes, header: str, now: float, tolerance_s: int) -> str:
    timestamp: str | None = None
    candidates: list[str] = []
    for part in header.split(","):
        key, _, value = part.strip().partition("=")
        if key == "t":
            timestamp = value.strip()
        elif key == "v1":
            candidates.append(value.strip())
    if timestamp is None or not timestamp.isdigit() or not candidates:
        raise Unauthorized("malformed X-Assist-Signature: expected 't=<unix seconds>,v1=<hex>'")
    _check_age(int(timestamp), now, tolerance_s)
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    if not any(hmac.compare_digest(expected, c.lower()) for c in candidates):
        raise Unauthorized("webhook signature does not match the body (wrong secret, or the body was changed)")
    return "assist-v1"


def _verify_zendesk(secret: str, body: bytes, signature: str, timestamp: str, now: float, tolerance_s: int) -> str:
    if not timestamp:
        raise Unauthorized("X-Zendesk-Webhook-Signature needs X-Zendesk-Webhook-Signature-Timestamp")
    try:
        ts = datetime.fromisoformat(timestamp.replace("Z", "+00:00"))
    except ValueError:
        raise Unauthorized("malformed X-Zendesk-Webhook-Signature-Timestamp: expected an ISO 8601 time") from None
    if ts.tzinfo is None:
        ts = ts.replace(tzinfo=UTC)
    _check_age(int(ts.timestamp()), now, tolerance_s)
    expected = sign_zendesk(secret, body, timestamp)
    if not hmac.compare_digest(expected, signature.strip()):
        raise Unauthorized("Zendesk webhook signature does not match the body (wrong secret, or the body was changed)")
    return "zendesk"


def _check_age(ts: int, now: float, tolerance_s: int) -> None:
    age = now - ts
    if age > tolerance_s:
        raise Unauthorized(f"webhook timestamp is {int(age)} s old; more than {tolerance_s} s is refused as a possible replay")
    if age < -tolerance_s:
        raise Unauthorized(f"webhook timestamp is {int(-age)} s in the future; check the sender's clock")

