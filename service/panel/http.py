"""HTTP for the agent panel: its pages (standalone, Chatwoot, Zendesk), the session exchange, and
its static assets. Mounted at /panel/, outside /v1: these routes do their own authentication.

- ``GET /panel/``: standalone (an agent signs in with their own key, exchanged for a session).
- ``GET /panel/chatwoot?tenant=T``: the Chatwoot Dashboard App page; framed only by the
  tenant's configured Chatwoot origins, and listens only to them.
- ``POST /panel/zendesk``: Zendesk's signed URL (form field ``token``, a ZAF JWT) is checked
  against the tenant's configured app key; the page comes back with a panel session in it.
- ``POST /panel/session``: exchange an agent key (standalone) or a Chatwoot panel token for a
  session; ``DELETE /panel/session`` ends one.
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Annotated, Any, Literal

import msgspec
from litestar import Request, Response, Router, delete, get, post
from litestar.params import Parameter
from litestar.static_files import create_static_files_router

from service.wiring import Container
from service.errors import AppError, Forbidden, InvalidInput, NotFound, Unauthorized, Unavailable
from service.observability.logging import annotate
from service.panel import PANEL_SCOPES
from service.adapters.sql.panel_store import PanelStore
from service.panel.sessions import is_panel_token
from service.panel.zendesk import unverified_subdomain, verify

STATIC_DIR = Path(__file__).parent / "static"
ZAF_SDK = "https://static.zdassets.com/zendesk_app_framework_sdk/2.0/zaf_sdk.min.js"
ZAF_ORIGIN = "https://static.zdassets.com"
Tenant = Annotated[str, Parameter(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")]


def content_security_policy(frame_ancestors: list[str], *, zaf: bool = False) -> str:
    """Only our own scripts, styles and API; ``frame_ancestors`` may frame the page (none: no one).
    The Zendesk page also loads Zendesk's own ZAF SDK, the host's bridge to the ticket."""
    scripts = "'self'" + (f" {ZAF_ORIGIN}" if zaf else "")
    ancestors = " ".join(frame_ancestors) if frame_ancestors else "'none'"
    return (
        f"default-src 'none'; script-src {scripts}; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
        f"font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors {ancestors}"
    )


def security_headers(csp: str) -> dict[str, str]:
    return {
        "Content-Security-Policy": csp,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "Cache-Control": "no-store",
    }


def render_page(config: dict[str, Any], *, frame_ancestors: list[str], zaf: bool = False, status: int = 200) -> Response[str]:
    """The panel's one HTML page with its configuration as inert JSON (``<`` escaped)."""
    template = (STATIC_DIR / "panel.html").read_text(encoding="utf-8")
    data = json.dumps(config).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    extra = f'<script src="{html.escape(ZAF_SDK)}"></script>' if zaf else ""
    body = template.replace("__PANEL_CONFIG__", data).replace("__EXTRA_HEAD__", extra)
    return Response(body, status_code=status, media_type="text/html; charset=utf-8",
                    headers=security_headers(content_security_policy(frame_ancestors, zaf=zaf)))


def error_page(host: str, detail: str, status: int) -> Response[str]:
    return render_page({"host": host, "error": detail}, frame_ancestors=[], status=status)


def store_of(container: Container) -> PanelStore:
    store = container.panel
    if store is None:
        raise Unavailable("the panel is not configured")
    return store


def base_config(container: Container, host: str) -> dict[str, Any]:
    return {"host": host, "stream": container.settings.llm.enabled}


@get("/", include_in_schema=False)
async def standalone_page(request: Request) -> Response[str]:
    container: Container = request.app.state.container
    return render_page(base_config(container, "standalone"), frame_ancestors=[])


@get("/chatwoot", include_in_schema=False)
async def chatwoot_page(request: Request, tenant: Tenant) -> Response[str]:
    container: Container = request.app.state.container
    config = await store_of(container).settings(tenant)
    if config is None or not config.chatwoot_origins:
        return error_page("chatwoot", f"the panel is not set up for Chatwoot in tenant {tenant!r}: run `assist panel configure`", 404)
    page = base_config(container, "chatwoot") | {"tenant": tenant, "host_origins": config.chatwoot_origins}
    return render_page(page, frame_ancestors=config.frame_ancestors("chatwoot"))


@post("/zendesk", include_in_schema=False, status_code=200)
async def zendesk_page(request: Request) -> Response[str]:
    """Zendesk opens the app with a POST carrying the ZAF JWT (``signedUrls``)."""
    container: Container = request.app.state.container
    store = store_of(container)
    form = await request.form()
    token = str(form.get("token") or "")
    if not token:
        return error_page("zendesk", "open this page from the Zendesk app: it needs Zendesk's signed token", 401)
    try:
        subdomain = unverified_subdomain(token)
        config = await store.settings_for_zendesk(subdomain)
        if config is None or not config.zendesk_public_key:
            raise Unauthorized(f"no tenant has the panel set up for Zendesk account {subdomain!r}")
        claims = verify(token, public_key_pem=config.zendesk_public_key, subdomain=subdomain,
                        audience=config.zendesk_audience, now=store.now())
    except AppError as exc:
        annotate(panel_zendesk="refused")
        return error_page("zendesk", exc.detail, exc.status)
    issued = await store.issue(config.tenant_id, "zendesk", subject=claims.user_id)
    annotate(tenant=config.tenant_id, panel_session=issued.id, panel_source="zendesk")
    page = base_config(container, "zendesk") | {"tenant": config.tenant_id, "host_origins": config.frame_ancestors("zendesk"),
                                                 "session": issued.as_dict()}
    return render_page(page, frame_ancestors=config.frame_ancestors("zendesk"), zaf=True)


@get("/zendesk", include_in_schema=False)
async def zendesk_get() -> Response[str]:
    return error_page("zendesk", "open this page from the Zendesk app: Zendesk POSTs its signed token here", 405)


class SessionIn(msgspec.Struct, forbid_unknown_fields=True):
    source: Literal["standalone", "chatwoot"]
    tenant: Annotated[str, msgspec.Meta(max_length=64)] | None = None
    """chatwoot: the tenant named in the dashboard app's URL."""
    token: Annotated[str, msgspec.Meta(max_length=200)] | None = None
    """chatwoot: the tenant's panel token (an API key with the ``panel:session`` scope only)."""


def bearer(request: Request) -> str:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


@post("/session", status_code=201, summary="Exchange an agent key or a Chatwoot panel token for a short-lived panel session", tags=["panel"])
async def create_session(request: Request, data: SessionIn) -> dict[str, Any]:
    """standalone: ``Authorization: Bearer <agent key>``; the session gets the panel scopes the key
    holds. chatwoot: ``{"tenant", "token"}`` with the tenant's panel token. Sessions last 15 minutes."""
    container: Container = request.app.state.container
    store = store_of(container)
    if data.source == "standalone":
        key = bearer(request)
        principal = await container.keys.authenticate(key) if key and not is_panel_token(key) else None
        if principal is None:
            raise Unauthorized("sign in with your agent API key (Authorization: Bearer aa_...)")
        scopes = PANEL_SCOPES if "admin" in principal.scopes else PANEL_SCOPES & principal.scopes
        if "suggestions:read" not in scopes:
            raise Forbidden("the key needs the suggestions:read scope to open the panel")
        issued = await store.issue(principal.tenant_id, "standalone", scopes=scopes, parent_key_id=principal.key_id)
    else:
        if not data.tenant or not data.token:
            raise InvalidInput("a chatwoot session needs the tenant and its panel token")
        config = await store.settings(data.tenant)
        if config is None or not config.chatwoot_origins:
            raise NotFound(f"the panel is not set up for Chatwoot in tenant {data.tenant!r}")
        principal = await container.keys.authenticate(data.token)
        if principal is None or principal.tenant_id != data.tenant:
            raise Unauthorized("the panel token is unknown, revoked or of another tenant")
        if principal.scopes != frozenset({"panel:session"}):
            raise Forbidden("a Chatwoot panel token must carry the panel:session scope and nothing else")
        issued = await store.issue(principal.tenant_id, "chatwoot", parent_key_id=principal.key_id)
    annotate(tenant=issued.tenant_id, panel_session=issued.id, panel_source=issued.source)
    return issued.as_dict()


@delete("/session", status_code=204, summary="End a panel session now", tags=["panel"])
async def end_session(request: Request) -> None:
    container: Container = request.app.state.container
    await store_of(container).end(bearer(request))


def panel_router() -> Router:
    static = create_static_files_router(
        path="/static", directories=[STATIC_DIR / "assets"], name="panel-static",
        after_request=_static_headers,
    )
    return Router(path="/panel", route_handlers=[standalone_page, chatwoot_page, zendesk_page, zendesk_get,
                                                  create_session, end_session, static])


async def _static_headers(response: Any) -> Any:
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-cache"
    return response
