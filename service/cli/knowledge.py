"""`assist knowledge ingest|search|gaps`: approved knowledge from the shell."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import Any

from tqdm import tqdm

from service.cli.common import container, print_json, require_database
from service.cli.gaps import register_cli as register_gaps
from service.observability.logging import is_json
from service.settings import Settings
from service.tenancy.keys import SHARED_TENANT, validate_tenant


def register_cli(sub: Any) -> None:
    knowledge = sub.add_parser("knowledge", help="ingest and search approved knowledge").add_subparsers(dest="knowledge_command")
    ingest = knowledge.add_parser("ingest", help="add, update and retire articles from a directory; idempotent")
    ingest.add_argument("directory", nargs="?", help="defaults to ASSIST_KNOWLEDGE_DIR")
    ingest.add_argument("--tenant", help="ingest as this tenant's private knowledge (default: shared by all tenants)")
    ingest.add_argument("--json", action="store_true", help="print the report as JSON")
    ingest.set_defaults(func=cmd_ingest)
    search = knowledge.add_parser("search", help="search approved, in-force knowledge")
    search.add_argument("query")
    search.add_argument("--top-k", type=int, default=5)
    search.add_argument("--tenant", help="search as this tenant (its own and shared knowledge)")
    search.add_argument("--mode", choices=["hybrid", "dense", "sparse"], default="hybrid")
    search.add_argument("--json", action="store_true")
    search.set_defaults(func=cmd_search)
    register_gaps(knowledge)  # issue 19: assist knowledge gaps


def cmd_ingest(args: argparse.Namespace, settings: Settings) -> int:
    directory = Path(args.directory) if args.directory else settings.content.knowledge_dir
    tenant = validate_tenant(args.tenant) if args.tenant else SHARED_TENANT
    # A folder inside ASSIST_KNOWLEDGE_DIR is ingested as that folder only (issue 12): articles
    # elsewhere in the knowledge directory are neither updated nor removed.
    root, only = directory, None
    knowledge_root = settings.content.knowledge_dir.resolve()
    if directory.resolve() != knowledge_root and directory.resolve().is_relative_to(knowledge_root):
        root, only = knowledge_root, directory.resolve()

    async def run() -> Any:
        async with container(settings, intents=None) as c:  # no classifier to train for an ingest
            # stderr is also the log stream: no bar when it is JSON (one format per stream)
            quiet = args.json or not sys.stderr.isatty() or is_json(settings.server.log_format)
            bar = tqdm(total=0, unit="article", file=sys.stderr, disable=quiet)

            def progress(done: int, total: int, _name: str) -> None:
                bar.total = total
                bar.n = done
                bar.refresh()

            try:
                return await c.knowledge.ingest_dir(root, tenant, progress=progress, only=only)
            finally:
                bar.close()

    report = asyncio.run(run())
    if args.json:
        print_json(report.as_dict())
    else:
        for label, items in (("added", report.added), ("updated", report.updated), ("retired", report.retired), ("removed", report.removed)):
            for article_id in items:
                print(f"{label:8} {article_id}")
        for err in report.errors:
            print(f"error    {err['source']}: {err['field']}: {err['message']}", file=sys.stderr)
        print(
            f"{len(report.added)} added, {len(report.updated)} updated, {len(report.retired)} retired, "
            f"{len(report.removed)} removed, {len(report.unchanged)} unchanged, {len(report.errors)} errors; "
            f"{report.chunks_written} chunks written in {report.seconds:.2f}s"
        )
    return 1 if report.errors else 0


def cmd_search(args: argparse.Namespace, settings: Settings) -> int:
    tenant = validate_tenant(args.tenant) if args.tenant else SHARED_TENANT
    require_database(settings)

    async def run() -> Any:
        async with container(settings, intents=None) as c:
            return await c.knowledge.search(tenant, args.query, top_k=args.top_k, mode=args.mode)

    hits = asyncio.run(run())
    if args.json:
        print_json({"hits": [
            {"article_id": h.article_id, "chunk_id": h.chunk_id, "title": h.title, "text": h.text, "score": h.score, "version": h.version}
            for h in hits
        ]})
    else:
        if not hits:
            print("no results")
        for i, h in enumerate(hits, 1):
            snippet = " ".join(h.text.split())[:160]
            print(f"{i}. {h.title} [{h.article_id} v{h.version}] score={h.score:.4f}\n   {snippet}")
    return 0
