"""`assist panel configure|show|token`: where a tenant's panel may be embedded, and the
Chatwoot panel token."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from service.adapters.sql.engine import make_engine, migrate, session_factory
from service.adapters.sql.keys_repo import SqlKeyRepo  # issue 11 (helper F)
from service.tenancy.keys import KeyStore
from service.adapters.sql.panel_store import PanelStore
from service.settings import Settings


def register_cli(sub: Any) -> None:
    panel = sub.add_parser("panel", help="the agent panel: embedding hosts and tokens").add_subparsers(dest="panel_command")
    conf = panel.add_parser("configure", help="set where the tenant's panel may be embedded and how Zendesk is verified")
    conf.add_argument("--tenant", required=True)
    conf.add_argument("--chatwoot-origin", action="append", metavar="URL",
                      help="origin of the tenant's Chatwoot, e.g. https://chat.example.com (repeat for several; '' clears)")
    conf.add_argument("--zendesk-subdomain", metavar="NAME", help="'acme' for acme.zendesk.com ('' clears)")
    conf.add_argument("--zendesk-public-key", type=Path, metavar="PEM_FILE",
                      help="the Zendesk app's public key (GET /api/v2/apps/{app_id}/public_key.pem)")
    conf.add_argument("--zendesk-audience", metavar="URL",
                      help="only this app installation: https://acme.zendesk.com/api/v2/apps/installations/{id}.json")
    conf.set_defaults(func=_cmd_configure)
    show = panel.add_parser("show", help="print the tenant's panel configuration")
    show.add_argument("--tenant", required=True)
    show.set_defaults(func=_cmd_show)
    token = panel.add_parser("token", help="create a Chatwoot panel token (scope panel:session only); printed once")
    token.add_argument("--tenant", required=True)
    token.add_argument("--name", default="chatwoot panel")
    token.set_defaults(func=_cmd_token)


def _run(settings: Settings, work: Callable[[Any], Awaitable[Any]]) -> Any:
    async def run() -> Any:
        engine = make_engine(settings.storage.effective_database_url)
        try:
            await migrate(engine)
            return await work(session_factory(engine))
        finally:
            await engine.dispose()

    return asyncio.run(run())


def _cmd_configure(args: argparse.Namespace, settings: Settings) -> int:
    origins = None if args.chatwoot_origin is None else [o for o in args.chatwoot_origin if o.strip()]
    pem = args.zendesk_public_key.read_text(encoding="utf-8") if args.zendesk_public_key else None
    result = _run(settings, lambda s: PanelStore(s).configure(
        args.tenant, chatwoot_origins=origins, zendesk_subdomain=args.zendesk_subdomain,
        zendesk_public_key=pem, zendesk_audience=args.zendesk_audience))
    print(json.dumps(result.as_dict(), indent=2))
    return 0


def _cmd_show(args: argparse.Namespace, settings: Settings) -> int:
    result = _run(settings, lambda s: PanelStore(s).settings(args.tenant))
    if result is None:
        print(f"tenant {args.tenant!r} has no panel configuration")
        return 1
    print(json.dumps(result.as_dict(), indent=2))
    return 0


def _cmd_token(args: argparse.Namespace, settings: Settings) -> int:
    key, info = _run(settings, lambda s: KeyStore(SqlKeyRepo(s)).create(args.tenant, ["panel:session"], name=args.name))
    print(key)
    print(f"key id {info.id} (revoke with `assist keys revoke --tenant {args.tenant} {info.id}`); Chatwoot dashboard app URL:\n"
          f"  https://<this service>/panel/chatwoot?tenant={args.tenant}#token={key}", file=sys.stderr)
    return 0
