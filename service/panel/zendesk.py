"""Zendesk signed URLs: the ZAF JWT Zendesk POSTs (form field ``token``) when it opens an app
whose manifest sets ``"signedUrls": true``.

Checked as Zendesk's server-side app guide does: RS256 only, signed by the app's public key
(``GET /api/v2/apps/{app_id}/public_key.pem``, configured per tenant), ``iss`` is the
account's host (``acme.zendesk.com``), ``aud`` the app installation
(``https://acme.zendesk.com/api/v2/apps/installations/{id}.json``), ``exp`` in the future
(a minute of leeway for clock skew).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from cryptography.hazmat.primitives.serialization import load_pem_public_key

from service.errors import InvalidInput, Unauthorized

LEEWAY_S = 60
ISSUER_RE = re.compile(r"^([a-z0-9][a-z0-9-]{0,62})\.zendesk\.com$")


def load_public_key(pem: str) -> RSAPublicKey:
    try:
        key = load_pem_public_key(pem.strip().encode())
    except (ValueError, TypeError) as exc:
        raise InvalidInput(f"the Zendesk app public key is not a PEM public key: {exc}") from None
    if not isinstance(key, RSAPublicKey):
        raise InvalidInput("the Zendesk app public key must be an RSA key (Zendesk signs with RS256)")
    return key


def unverified_subdomain(token: str) -> str:
    """The subdomain the token claims to come from, to find the tenant whose key checks it."""
    try:
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError:
        raise Unauthorized("the Zendesk token is not a JWT") from None
    match = ISSUER_RE.match(str(claims.get("iss", "")).lower())
    if not match:
        raise Unauthorized("the Zendesk token's issuer is not a zendesk.com account")
    return match.group(1)


@dataclass(frozen=True)
class ZendeskClaims:
    subdomain: str
    audience: str
    user_id: str | None
    claims: dict[str, Any]


def verify(token: str, *, public_key_pem: str, subdomain: str, audience: str | None, now: datetime) -> ZendeskClaims:
    """The claims of a genuine, live token for ``subdomain``; Unauthorized otherwise."""
    key = load_public_key(public_key_pem)
    issuer = f"{subdomain}.zendesk.com"
    try:
        claims = jwt.decode(
            token,
            key=key,
            algorithms=["RS256"],
            issuer=issuer,
            options={"require": ["exp", "iss", "aud"], "verify_aud": False, "verify_exp": False, "verify_iat": False, "verify_nbf": False},
        )
    except jwt.InvalidIssuerError:
        raise Unauthorized(f"the Zendesk token was not issued by {issuer}") from None
    except jwt.PyJWTError as exc:
        raise Unauthorized(f"the Zendesk token is not valid: {exc}") from None
    exp = claims.get("exp")
    if not isinstance(exp, int | float) or exp + LEEWAY_S <= now.timestamp():
        raise Unauthorized("the Zendesk token has expired")
    aud = claims.get("aud")
    auds = [aud] if isinstance(aud, str) else list(aud or [])
    prefix = f"https://{issuer}/api/v2/apps/installations/"
    if audience:
        ok = audience in auds
    else:
        ok = any(isinstance(a, str) and a.startswith(prefix) for a in auds)
    if not ok:
        raise Unauthorized("the Zendesk token is for another app installation (aud)")
    user = claims.get("context", {}).get("user_id") if isinstance(claims.get("context"), dict) else None
    return ZendeskClaims(subdomain=subdomain, audience=str(auds[0]), user_id=str(user or claims.get("sub") or "") or None, claims=claims)
