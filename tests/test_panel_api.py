"""The panel's server side: sessions with panel scopes only, from an agent key, a Chatwoot panel
token or a verified Zendesk signed URL; short-lived and revocable; CSP frame-ancestors from the
tenant's configured hosts; assets shipped in the package."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
from datetime import UTC, datetime, timedelta

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from service.errors import InvalidInput
from tests.conftest import new_key

NOW = datetime(2026, 11, 15, 12, 0, tzinfo=UTC)
AUD = "https://acme.zendesk.com/api/v2/apps/installations/42.json"


def rsa_pair() -> tuple[rsa.RSAPrivateKey, str]:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    return private, pem


@pytest.fixture(scope="module")
def zendesk_keys() -> tuple[rsa.RSAPrivateKey, str, rsa.RSAPrivateKey]:
    private, pem = rsa_pair()
    other, _ = rsa_pair()
    return private, pem, other


def zaf_token(key: rsa.RSAPrivateKey, *, iss: str = "acme.zendesk.com", aud: str = AUD, exp: datetime | None = None, alg: str = "RS256") -> str:
    exp = exp or NOW + timedelta(minutes=5)
    claims = {"iss": iss, "aud": aud, "exp": int(exp.timestamp()), "iat": int(NOW.timestamp()), "qsh": "x",
              "context": {"user_id": 7}}
    return jwt.encode(claims, key, algorithm=alg)


def session_of(page: str) -> dict | None:
    match = re.search(r'<script type="application/json" id="panel-config">(.*?)</script>', page, re.S)
    assert match, page[:300]
    return json.loads(match.group(1)).get("session")


async def configure(client, **fields):
    store = client.app.state.container.panel
    store.now = lambda: NOW
    return await store.configure("acme", **fields)


async def test_an_agent_key_becomes_a_panel_session_with_panel_scopes_only(client):
    admin = await new_key(client, "acme", "admin")
    r = await client.post("/panel/session", json={"source": "standalone"}, headers=admin)
    assert r.status_code == 201, r.text
    session = r.json()
    assert set(session["scopes"]) == {"suggestions:read", "interactions:read", "feedback:write"}
    bearer = {"Authorization": f"Bearer {session['token']}"}
    assert (await client.get("/v1/keys/", headers=bearer)).status_code == 403  # admin key, panel session: no keys:admin
    assert (await client.post("/v1/knowledge/search", json={"query": "refund"}, headers=bearer)).status_code == 403
    r = await client.post("/v1/summaries", json={"history": [{"id": "m1", "customer_id": "c1", "channel": "chat", "direction": "inbound",
                                                              "author_role": "customer", "ts": "2026-01-01T10:00:00Z", "text": "Where is my parcel?"}]},
                          headers=bearer)
    assert r.status_code == 200, r.text


async def test_a_session_never_holds_more_than_its_key(client):
    narrow = await new_key(client, "acme", "suggestions:read")
    session = (await client.post("/panel/session", json={"source": "standalone"}, headers=narrow)).json()
    assert session["scopes"] == ["suggestions:read"]
    no_suggest = await new_key(client, "acme", "interactions:read")
    r = await client.post("/panel/session", json={"source": "standalone"}, headers=no_suggest)
    assert r.status_code == 403 and "suggestions:read" in r.json()["detail"]
    assert (await client.post("/panel/session", json={"source": "standalone"})).status_code == 401


async def test_sessions_expire_and_end_with_their_key(client):
    store = client.app.state.container.panel
    clock = [NOW]
    store.now = lambda: clock[0]
    headers = await new_key(client, "acme", "suggestions:read,interactions:read")
    key_id = headers["Authorization"].split("_")[1]
    token = (await client.post("/panel/session", json={"source": "standalone"}, headers=headers)).json()["token"]
    assert await store.authenticate(token) is not None
    clock[0] = NOW + timedelta(minutes=14)
    assert await store.authenticate(token) is not None
    clock[0] = NOW + timedelta(minutes=15, seconds=1)
    assert await store.authenticate(token) is None
    clock[0] = NOW
    assert await store.authenticate(token) is not None
    await client.app.state.container.keys.revoke("acme", key_id)
    assert await store.authenticate(token) is None
    r = await client.get("/v1/customers/c1/interactions", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 401


async def test_a_signed_out_session_is_refused(client):
    headers = await new_key(client, "acme", "suggestions:read")
    token = (await client.post("/panel/session", json={"source": "standalone"}, headers=headers)).json()["token"]
    bearer = {"Authorization": f"Bearer {token}"}
    assert (await client.delete("/panel/session", headers=bearer)).status_code == 204
    assert (await client.get("/v1/customers/c1/interactions", headers=bearer)).status_code == 401
    assert (await client.delete("/panel/session", headers={"Authorization": "Bearer aps_nope"})).status_code == 404


async def test_a_chatwoot_panel_token_carries_only_the_panel_session_scope(client):
    await configure(client, chatwoot_origins=["https://chat.example.com"])
    token, info = await client.app.state.container.keys.create("acme", "panel:session")
    r = await client.post("/panel/session", json={"source": "chatwoot", "tenant": "acme", "token": token})
    assert r.status_code == 201, r.text
    panel_token = r.json()["token"]
    # the panel token itself opens nothing under /v1
    assert (await client.get("/v1/customers/c1/interactions", headers={"Authorization": f"Bearer {token}"})).status_code == 403
    admin, _ = await client.app.state.container.keys.create("acme", "admin")
    r = await client.post("/panel/session", json={"source": "chatwoot", "tenant": "acme", "token": admin})
    assert r.status_code == 403
    r = await client.post("/panel/session", json={"source": "chatwoot", "tenant": "globex", "token": token})
    assert r.status_code == 404  # globex has no Chatwoot set up
    await client.app.state.container.keys.revoke("acme", info.id)
    r = await client.post("/panel/session", json={"source": "chatwoot", "tenant": "acme", "token": token})
    assert r.status_code == 401
    assert await client.app.state.container.panel.authenticate(panel_token) is None


async def test_bad_session_requests_are_clear_4xx(client):
    for body in ({"source": "zendesk"}, {"source": "chatwoot"}, {"nope": 1}, [1, 2]):
        r = await client.post("/panel/session", json=body)
        assert 400 <= r.status_code < 500 and r.headers["content-type"].startswith("application/problem+json"), (body, r.text)
    r = await client.post("/panel/session", content=b"{not json", headers={"content-type": "application/json"})
    assert r.status_code == 400


async def test_pages_carry_a_csp_that_frames_only_configured_hosts(client):
    await configure(client, chatwoot_origins=["https://chat.example.com/"])
    r = await client.get("/panel/")
    assert r.status_code == 200 and "text/html" in r.headers["content-type"]
    assert "frame-ancestors 'none'" in r.headers["content-security-policy"]
    assert "script-src 'self';" in r.headers["content-security-policy"]
    r = await client.get("/panel/chatwoot", params={"tenant": "acme"})
    assert r.status_code == 200
    csp = r.headers["content-security-policy"]
    assert csp.endswith("frame-ancestors https://chat.example.com") and "connect-src 'self'" in csp
    r = await client.get("/panel/chatwoot", params={"tenant": "globex"})
    assert r.status_code == 404 and "frame-ancestors 'none'" in r.headers["content-security-policy"]
    assert (await client.get("/panel/chatwoot", params={"tenant": "<script>"})).status_code == 400


async def test_the_assets_ship_in_the_package_with_their_types(client):
    js = await client.get("/panel/static/panel.js")
    assert js.status_code == 200 and "javascript" in js.headers["content-type"]
    assert js.headers["x-content-type-options"] == "nosniff"
    assert (await client.get("/panel/static/panel.css")).status_code == 200
    assert (await client.get("/panel/static/../http.py")).status_code == 404


async def test_a_verified_zendesk_signed_url_opens_the_panel_with_a_session(client, zendesk_keys):
    private, pem, _ = zendesk_keys
    await configure(client, zendesk_subdomain="acme", zendesk_public_key=pem, zendesk_audience=AUD)
    r = await client.post("/panel/zendesk?origin=https%3A%2F%2Facme.zendesk.com&app_guid=g", data={"token": zaf_token(private)})
    assert r.status_code == 200, r.text
    assert r.headers["content-security-policy"].endswith("frame-ancestors https://acme.zendesk.com")
    assert "https://static.zdassets.com" in r.headers["content-security-policy"]
    session = session_of(r.text)
    assert session and session["tenant"] == "acme" and session["source"] == "zendesk"
    principal = await client.app.state.container.panel.authenticate(session["token"])
    assert principal.tenant_id == "acme" and principal.scopes == {"suggestions:read", "interactions:read", "feedback:write"}


@pytest.mark.parametrize("case", ["expired", "other_installation", "other_account", "other_key", "hs256_with_public_key", "garbage", "missing"])
async def test_a_zendesk_token_that_fails_any_check_gets_no_session(client, zendesk_keys, case):
    private, pem, other = zendesk_keys
    await configure(client, zendesk_subdomain="acme", zendesk_public_key=pem, zendesk_audience=AUD)
    await client.app.state.container.panel.configure("globex", zendesk_subdomain="globex", zendesk_public_key=pem)
    token = {
        "expired": lambda: zaf_token(private, exp=NOW - timedelta(minutes=2)),
        "other_installation": lambda: zaf_token(private, aud="https://acme.zendesk.com/api/v2/apps/installations/43.json"),
        "other_account": lambda: zaf_token(other, iss="globex.zendesk.com", aud="https://globex.zendesk.com/api/v2/apps/installations/1.json"),
        "other_key": lambda: zaf_token(other),
        "hs256_with_public_key": lambda: _hs256(pem),
        "garbage": lambda: "not.a.jwt",
        "missing": lambda: "",
    }[case]()
    r = await client.post("/panel/zendesk", data={"token": token})
    assert r.status_code in (401, 403), (case, r.status_code, r.text[:200])
    assert session_of(r.text) is None
    assert "frame-ancestors 'none'" in r.headers["content-security-policy"]


def _hs256(pem: str) -> str:
    """The classic confusion attack: an HS256 token whose HMAC secret is the public key."""

    def b64(raw: bytes) -> str:
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    head = b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    body = b64(json.dumps({"iss": "acme.zendesk.com", "aud": AUD, "exp": int((NOW + timedelta(minutes=5)).timestamp())}).encode())
    sig = b64(hmac.new(pem.encode(), f"{head}.{body}".encode(), hashlib.sha256).digest())
    return f"{head}.{body}.{sig}"


async def test_configuration_refuses_bad_origins_and_keys(client):
    store = client.app.state.container.panel
    for origins in (["chat.example.com"], ["http://chat.example.com"], ["https://chat.example.com/app"], ["javascript:alert(1)"]):
        with pytest.raises(InvalidInput):
            await store.configure("acme", chatwoot_origins=origins)
    with pytest.raises(InvalidInput):
        await store.configure("acme", zendesk_public_key="-----BEGIN PUBLIC KEY-----\nnope\n-----END PUBLIC KEY-----")
    with pytest.raises(InvalidInput):
        await store.configure("acme", zendesk_subdomain="Acme.zendesk.com")
    assert await store.settings("acme") is None  # nothing half-written


def test_the_zendesk_app_package_opens_the_panel_with_a_signed_url() -> None:
    from tests.conftest import REPO

    root = REPO / "integrations" / "zendesk"
    manifest = json.loads((root / "manifest.json").read_text())
    assert manifest["signedUrls"] is True and manifest["frameworkVersion"] == "2.0"
    assert manifest["location"]["support"]["ticket_sidebar"]["url"].endswith("/panel/zendesk")
    assert (root / "assets" / "logo.png").read_bytes().startswith(b"\x89PNG")
    assert (root / "assets" / "logo-small.png").read_bytes().startswith(b"\x89PNG")
    assert json.loads((root / "translations" / "en.json").read_text())["app"]["name"] == "Agent Assist"
    panel_js = (REPO / "service" / "panel" / "static" / "assets" / "panel.js").read_text()
    assert "client.invoke('comment.appendText', text)" in panel_js


def test_page_configuration_is_inert_json_even_with_markup_in_it() -> None:
    from service.panel.http import render_page

    hostile = "</script><script>alert(1)</script><!--"
    page = render_page({"host": "standalone", "error": hostile}, frame_ancestors=[]).content
    config = re.search(r'id="panel-config">(.*?)</script>', page, re.S).group(1)
    assert json.loads(config)["error"] == hostile
    assert "<" not in config and page.count("<script") == 2  # the config block and panel.js, nothing injected
