"""`assist history ...`: import a help desk's export, set up Chatwoot, the per-tenant record
default, and make a key for encrypting help-desk tokens."""

from __future__ import annotations

import argparse
import asyncio
import json
import secrets
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from service.adapters.sql.interactions_repo import SqlInteractionRepo
from service.adapters.secretbox import SecretBox, new_key
from service.continuity.importer import read_file
from service.continuity.service import ContinuityService
from service.adapters.sql.continuity_repo import ContinuityRepo
from service.adapters.sql.engine import make_engine, migrate, session_factory
from service.errors import AppError

BATCH = 500


@asynccontextmanager
async def _service(settings: Any) -> AsyncIterator[ContinuityService]:
    engine = make_engine(settings.storage.effective_database_url)
    try:
        await migrate(engine)
        sessions = session_factory(engine)
        yield ContinuityService(SqlInteractionRepo(sessions), ContinuityRepo(sessions))
    finally:
        await engine.dispose()


def register_cli(sub: Any) -> None:
    history = sub.add_parser("history", help="customer history: import exports, connect help desks").add_subparsers(dest="history_command")
    imp = history.add_parser("import", help="import a help desk's export (JSON lines or CSV; see README 'Importing history')")
    imp.add_argument("file")
    imp.add_argument("--tenant", required=True)
    imp.add_argument("--format", choices=["jsonl", "csv"], help="default: from the file name (.csv, else JSON lines)")
    imp.add_argument("--no-progress", action="store_true", help="no progress bar on standard error")
    imp.set_defaults(func=cmd_import)
    cw = history.add_parser("chatwoot", help="connect a tenant's Chatwoot account (webhooks in, optional private-note write-back)")
    cw.add_argument("--tenant", required=True)
    cw.add_argument("--url-secret", action="store_true", help="make a new secret for the webhook URL and print the URL path")
    cw.add_argument("--signing-secret", action="store_true", help="read Chatwoot's webhook signing secret from standard input")
    cw.add_argument("--base-url", help="Chatwoot's address, e.g. https://chatwoot.example.com")
    cw.add_argument("--account-id", type=int)
    cw.add_argument("--token", action="store_true", help="read a Chatwoot API access token from standard input (stored encrypted)")
    cw.add_argument("--writeback", choices=["on", "off"], help="post the top suggestion as a private note")
    cw.set_defaults(func=cmd_chatwoot)
    rec = history.add_parser("record-default", help="store the messages of /v1/assist and /v1/suggestions requests by default")
    rec.add_argument("--tenant", required=True)
    rec.add_argument("value", choices=["on", "off"])
    rec.set_defaults(func=cmd_record_default)
    key = history.add_parser("new-key", help="print a new ASSIST_SECRET_KEY (encrypts help-desk tokens)")
    key.set_defaults(func=cmd_new_key)


def cmd_import(args: argparse.Namespace, settings: Any) -> int:
    path = Path(args.file)
    if not path.is_file():
        raise AppError(f"{path}: no such file")
    items, handles, problems = read_file(path, fmt=args.format, now=datetime.now(UTC))
    if problems:
        for p in problems[:20]:
            print(f"{path.name}: {p}", file=sys.stderr)
        more = f" (and {len(problems) - 20} more)" if len(problems) > 20 else ""
        raise AppError(f"{len(problems)} problem(s) in {path.name}{more}; nothing was imported")
    from tqdm import tqdm

    async def run() -> dict[str, int]:
        totals = {"inserted": 0, "duplicates": 0, "handles_linked": 0}
        bar = tqdm(total=len(items), unit="interaction", file=sys.stderr, disable=args.no_progress, desc="import")
        try:
            async with _service(settings) as svc:
                out = await svc.ingest(args.tenant, [], handles)
                totals["handles_linked"] += out["handles_linked"]
                for k in range(0, len(items), BATCH):
                    batch = items[k:k + BATCH]
                    out = await svc.ingest(args.tenant, batch)
                    totals["inserted"] += out["inserted"]
                    totals["duplicates"] += out["duplicates"]
                    bar.update(len(batch))
        finally:
            bar.close()
        return totals

    totals = asyncio.run(run())
    print(json.dumps({"file": str(path), "tenant": args.tenant, "rows": len(items), **totals}))
    return 0


def cmd_chatwoot(args: argparse.Namespace, settings: Any) -> int:
    values: dict[str, Any] = {"chatwoot_base_url": args.base_url, "chatwoot_account_id": args.account_id}
    url_secret = None
    if args.url_secret:
        url_secret = secrets.token_urlsafe(24)
        values["chatwoot_url_secret"] = url_secret
    if args.signing_secret:
        values["chatwoot_signing_secret"] = sys.stdin.readline().strip() or None
    if args.writeback:
        values["chatwoot_writeback"] = args.writeback == "on"
    token = sys.stdin.readline().strip() if args.token else None
    box = SecretBox(settings.continuity.secret_key) if token else None

    async def run() -> dict[str, Any]:
        async with _service(settings) as svc:
            return await svc.configure(args.tenant, box=box, token=token, **values)

    out = asyncio.run(run())
    if url_secret:
        out["webhook_path"] = f"/hooks/chatwoot/{args.tenant}/{url_secret}"
        print("the webhook URL is shown once; Chatwoot: Settings > Integrations > Webhooks", file=sys.stderr)
    print(json.dumps(out))
    return 0


def cmd_record_default(args: argparse.Namespace, settings: Any) -> int:
    async def run() -> dict[str, Any]:
        async with _service(settings) as svc:
            return await svc.configure(args.tenant, record_default=args.value == "on")

    print(json.dumps(asyncio.run(run())))
    return 0


def cmd_new_key(args: argparse.Namespace, settings: Any) -> int:
    print(new_key())
    return 0
