"""``assist knowledge gaps``: analyse a tenant's period and print the gaps (or write HTML)."""

from __future__ import annotations

import argparse
import asyncio
import json
from datetime import datetime
from pathlib import Path
from typing import Any

from service.cli.common import container
from service.errors import InvalidInput
from service.gaps.report import page
from service.tenancy.keys import validate_tenant
from service.settings import Settings


def register_cli(knowledge: Any) -> None:
    """Add ``gaps`` to the ``assist knowledge`` sub-commands."""
    p = knowledge.add_parser("gaps", help="knowledge gaps found in what agents rejected, edited and could not answer")
    p.add_argument("--tenant", required=True)
    p.add_argument("--since", help="start of the period, ISO 8601 (default: --until minus 30 days)")
    p.add_argument("--until", help="end of the period, ISO 8601 (default: now)")
    p.add_argument("--status", choices=["open", "closed"])
    p.add_argument("--json", action="store_true", help="print gaps and drafts as JSON")
    p.add_argument("--html", type=Path, help="also write the gaps as a standalone HTML page to this file")
    p.set_defaults(func=cmd_gaps)


def _when(value: str | None, name: str) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidInput(f"--{name} must be an ISO 8601 date or time, got {value!r}") from None


def cmd_gaps(args: argparse.Namespace, settings: Settings) -> int:
    tenant = validate_tenant(args.tenant)
    since, until = _when(args.since, "since"), _when(args.until, "until")

    async def run() -> tuple[dict[str, Any], list[dict[str, Any]]]:
        async with container(settings, intents=None) as c:  # no classifier to train
            out = await c.gaps.refresh(tenant, since, until)
            return out, await c.gaps.list_drafts(tenant)

    out, drafts = asyncio.run(run())
    gaps = [g for g in out["gaps"] if not args.status or g["status"] == args.status]
    by_gap = {d["gap_id"]: d["content"] for d in drafts if d["status"] == "draft"}
    if args.html:
        args.html.write_text(page(gaps, by_gap, f"Knowledge gaps of {tenant}, {out['since'][:10]} to {out['until'][:10]}"), encoding="utf-8")
    if args.json:
        print(json.dumps({**out, "gaps": gaps, "drafts": drafts}, indent=2, default=str))
        return 0
    print(f"{len(gaps)} gap(s) in {out['signals']} signal(s), {out['since'][:10]} to {out['until'][:10]}")
    for g in gaps:
        outdated = f" (outdated article {g['article_id']})" if g["kind"] == "outdated" else ""
        print(f"- [{g['status']}] {g['title']}{outdated}: {g['size']} signals, {g['trend'].get('direction', '')}, "
              f"draft {g['draft_id'] or '-'}")
    if args.html:
        print(f"wrote {args.html}")
    return 0
