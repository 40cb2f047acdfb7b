"""The `assist` command."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import structlog

from service.adapters.sql.keys_repo import SqlKeyRepo  # issue 11 (helper F): KeyStore takes a repository
from service.errors import AppError, NotFound
from service.cli.gaps import register_cli as register_gaps_cli
from service.observability.logging import configure_logging, is_json
from service.cli.panel import register_cli as register_panel  # issue 15
from service.repo_evals import REPO, run_repo_module
from service.tenancy.roles import ROLE_PURPOSE, ROLES
from service.settings import Settings, SettingsError
from service.startup import Startup
from service.startup.server import address_of, open_socket, serve

# Features add sub-commands here: name -> function(subparsers) that registers them.
EXTRA_COMMANDS: list[Callable[[Any], None]] = []


def _register_eval(sub: Any) -> None:
    """`assist eval` is listed here and runs ``python -m evals`` (the repository's evals/, not
    installed with the service) in a child process: the service never imports the evals."""
    sub.add_parser("eval", add_help=False, help="run the offline eval suites (`python -m evals`; see `assist eval --help`)")


def run_evals(argv: list[str]) -> int:
    """``python -m evals ARGV`` with this interpreter, the repository first on the path."""
    if not (REPO / "evals" / "__main__.py").is_file():
        print("assist eval: the eval suites live in the repository's evals/ (not installed); run it from a checkout",
              file=sys.stderr)
        return 2
    return run_repo_module("evals.cli", argv)


EXTRA_COMMANDS.append(_register_eval)


def _register_prompts_and_audit(sub: Any) -> None:  # issue 6
    from service.cli.audit import register_cli as register_audit
    from service.prompts.registry import register_cli as register_prompts

    register_prompts(sub)
    register_audit(sub)


EXTRA_COMMANDS.append(_register_prompts_and_audit)  # issue 6


def _register_intents(sub: Any) -> None:  # issue 3
    from service.cli.intents import register_cli

    register_cli(sub)


EXTRA_COMMANDS.append(_register_intents)  # issue 3
EXTRA_COMMANDS.append(register_panel)  # issue 15


def _register_history(sub: Any) -> None:  # issue 14
    from service.cli.continuity import register_cli

    register_cli(sub)


EXTRA_COMMANDS.append(_register_history)  # issue 14


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["eval"]:
        return run_evals(argv[1:])
    # `serve` needs none of the feature commands: not importing them opens the port sooner.
    parser = build_parser(extras=argv[:1] != ["serve"])
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    settings: Settings | None = None
    try:
        settings = Settings.from_env()
        if args.func is not cmd_serve:  # the service configures its own logs (stdout) in create_app
            configure_logging(settings.server.log_level, settings.server.log_format, stream="stderr")
        result = args.func(args, settings)
        return int(result or 0)
    except SettingsError as exc:
        print(f"assist: configuration error: {exc}", file=sys.stderr)
        return 2
    except AppError as exc:
        where = f" ({settings.storage.describe()})" if isinstance(exc, NotFound) and settings else ""
        print(f"assist: {exc.detail}{where}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


def build_parser(extras: bool = True) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="assist", description="Agent Assist: AI agent-assist for omnichannel customer service")
    sub = parser.add_subparsers(dest="command")

    serve = sub.add_parser("serve", help="start the HTTP service")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.add_argument("--workers", type=int, default=1, help="worker processes (needs PostgreSQL and a Qdrant server)")
    serve.set_defaults(func=cmd_serve)

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
    register_gaps_cli(knowledge)  # issue 19: assist knowledge gaps

    keys = sub.add_parser("keys", help="API keys").add_subparsers(dest="keys_command")
    create = keys.add_parser("create", help="create a key; it is printed once")
    create.add_argument("--tenant", required=True)
    create.add_argument("--role", action="append", choices=list(ROLES), default=[],
                        help="a named scope list (repeatable; `assist keys roles` lists them)")
    create.add_argument("--scopes", help="comma-separated extra scopes, e.g. knowledge:read,intents:read (or admin)")
    create.add_argument("--name")
    create.set_defaults(func=cmd_keys_create)
    keys.add_parser("roles", help="the --role presets and their scopes").set_defaults(func=cmd_keys_roles)
    klist = keys.add_parser("list", help="list a tenant's keys")
    klist.add_argument("--tenant", required=True)
    klist.set_defaults(func=cmd_keys_list)
    revoke = keys.add_parser("revoke", help="revoke a key at once")
    revoke.add_argument("--tenant", required=True)
    revoke.add_argument("key_id")
    revoke.set_defaults(func=cmd_keys_revoke)
    rotate = keys.add_parser("rotate", help="replace a key with a new one with the same scopes")
    rotate.add_argument("--tenant", required=True)
    rotate.add_argument("key_id")
    rotate.set_defaults(func=cmd_keys_rotate)
    secret = keys.add_parser("webhook-secret", help="print the tenant's webhook signing secret, or replace it")
    secret.add_argument("--tenant", required=True)
    secret.add_argument("--set", action="store_true", dest="set_secret",
                        help="read a new secret from standard input (e.g. the signing secret Zendesk shows for its webhook)")
    secret.set_defaults(func=cmd_webhook_secret)

    models = sub.add_parser("models", help="the embedding model").add_subparsers(dest="models_command")
    models.add_parser("prepare", help="export the embedding model to ONNX now (ASSIST_MODEL_CACHE_DIR) and check it").set_defaults(func=cmd_models_prepare)

    db = sub.add_parser("db", help="database").add_subparsers(dest="db_command")
    db.add_parser("upgrade", help="apply migrations").set_defaults(func=cmd_db_upgrade)

    sub.add_parser("settings", help="list every setting with its default").set_defaults(func=cmd_settings)
    for register in EXTRA_COMMANDS if extras else []:
        register(sub)
    return parser


# ---- helpers ---------------------------------------------------------------------------------


def require_database(settings: Settings) -> None:
    """Commands that only read (or change something that must already exist) never create a
    database: a missing SQLite file means the data directory is not the one the user meant."""
    path = settings.storage.sqlite_path
    if path is not None and not path.exists():
        raise AppError(
            f"no database at {path} ({settings.storage.describe()}); this command only reads and "
            "creates none: run it where you ran `assist keys create` or `assist serve`, or set ASSIST_DATA_DIR"
        )


@asynccontextmanager
async def database(settings: Settings, create: bool = True):
    """Sessions on the migrated database; ``create=False`` refuses to create a missing one."""
    from service.adapters.sql.engine import make_engine, migrate, session_factory

    if not create:
        require_database(settings)
    engine = make_engine(settings.storage.effective_database_url)
    try:
        await migrate(engine)
        yield session_factory(engine)
    finally:
        await engine.dispose()


@asynccontextmanager
async def container(settings: Settings, **overrides: Any):
    from service.wiring import build_container

    c = await build_container(settings, overrides)
    try:
        yield c
    finally:
        await c.close()


def _print_json(data: Any) -> None:
    print(json.dumps(data, indent=2, default=str))


# ---- commands ---------------------------------------------------------------------------------


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    """Open the port and log one `listening` line (address, data directory, what will load)
    before importing the application; `/readyz` answers 503 with the phase until it is loaded.
    `--port 0` takes any free port (the line says which)."""
    host = args.host or settings.server.host
    port = args.port if args.port is not None else settings.server.port
    if args.workers > 1:
        import uvicorn

        if not settings.storage.qdrant_url or not settings.storage.database_url:
            raise AppError("--workers > 1 needs ASSIST_QDRANT_URL and ASSIST_DATABASE_URL (local Qdrant and SQLite are single-process)")
        uvicorn.run("service.app:create_listening_app", factory=True, host=host, port=port, workers=args.workers,
                    log_level="warning", log_config=None)
        return 0
    try:
        sock = open_socket(host, port)
    except OSError as exc:
        raise AppError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    configure_logging(settings.server.log_level, settings.server.log_format)  # the service logs to stdout
    structlog.get_logger("service.startup").info(
        "listening",
        address=address_of(sock),
        ready="no: /readyz answers 503 with the reason until loaded",
        data_dir=str(settings.storage.data_dir),
        database="sqlite" if settings.storage.sqlite_path else "postgresql",
        index="qdrant server" if settings.storage.qdrant_url else "embedded Qdrant Edge",
        loading="database migrations, embedding model, knowledge index, intent taxonomy",
    )
    from service.app import create_app

    startup = Startup()
    return serve(create_app(settings, startup=startup), startup, sock)


def cmd_ingest(args: argparse.Namespace, settings: Settings) -> int:
    from service.tenancy.keys import SHARED_TENANT, validate_tenant

    directory = Path(args.directory) if args.directory else settings.content.knowledge_dir
    tenant = validate_tenant(args.tenant) if args.tenant else SHARED_TENANT
    # A folder inside ASSIST_KNOWLEDGE_DIR is ingested as that folder only (issue 12): articles
    # elsewhere in the knowledge directory are neither updated nor removed.
    root, only = directory, None
    knowledge_root = settings.content.knowledge_dir.resolve()
    if directory.resolve() != knowledge_root and directory.resolve().is_relative_to(knowledge_root):
        root, only = knowledge_root, directory.resolve()

    async def run() -> Any:
        from tqdm import tqdm

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
        _print_json(report.as_dict())
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
    from service.tenancy.keys import SHARED_TENANT, validate_tenant

    tenant = validate_tenant(args.tenant) if args.tenant else SHARED_TENANT
    require_database(settings)

    async def run() -> Any:
        async with container(settings, intents=None) as c:
            return await c.knowledge.search(tenant, args.query, top_k=args.top_k, mode=args.mode)

    hits = asyncio.run(run())
    if args.json:
        _print_json({"hits": [
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


def cmd_keys_create(args: argparse.Namespace, settings: Settings) -> int:
    from service.tenancy.keys import KeyStore, scopes_for

    if not args.role and not args.scopes:
        raise AppError(f"give --role ({', '.join(ROLES)}) or --scopes; `assist keys roles` lists the roles' scopes")
    scopes = scopes_for(args.role, args.scopes)

    async def run() -> Any:
        async with database(settings) as sessions:
            return await KeyStore(SqlKeyRepo(sessions)).create(args.tenant, scopes, name=args.name)

    key, info = asyncio.run(run())
    print(key)
    print(f"key id {info.id}, tenant {info.tenant_id}, scopes {','.join(info.scopes)} (the key is shown only once)", file=sys.stderr)
    return 0


def cmd_keys_roles(args: argparse.Namespace, settings: Settings) -> int:
    for role, scopes in ROLES.items():
        print(f"{role:12} {','.join(scopes)}\n{'':12} {ROLE_PURPOSE[role]}")
    return 0


def cmd_keys_list(args: argparse.Namespace, settings: Settings) -> int:
    from service.tenancy.keys import KeyStore

    async def run() -> Any:
        async with database(settings, create=False) as sessions:
            store = KeyStore(SqlKeyRepo(sessions))
            if await store.webhook_secret(args.tenant) is None:
                raise NotFound(f"no tenant {args.tenant!r}; create a key for it first")
            return await store.list(args.tenant)

    for info in asyncio.run(run()):
        state = f"revoked {info.revoked_at:%Y-%m-%d %H:%M}" if info.revoked_at else "active"
        print(f"{info.id}  {state:24}  {','.join(info.scopes)}  {info.name or ''}")
    return 0


def cmd_keys_revoke(args: argparse.Namespace, settings: Settings) -> int:
    from service.tenancy.keys import KeyStore

    async def run() -> Any:
        async with database(settings, create=False) as sessions:
            return await KeyStore(SqlKeyRepo(sessions)).revoke(args.tenant, args.key_id)

    info = asyncio.run(run())
    print(f"revoked {info.id}")
    return 0


def cmd_keys_rotate(args: argparse.Namespace, settings: Settings) -> int:
    from service.tenancy.keys import KeyStore

    async def run() -> Any:
        async with database(settings, create=False) as sessions:
            return await KeyStore(SqlKeyRepo(sessions)).rotate(args.tenant, args.key_id)

    key, info = asyncio.run(run())
    print(key)
    print(f"new key id {info.id} replaces {args.key_id}, which is revoked", file=sys.stderr)
    return 0


def cmd_webhook_secret(args: argparse.Namespace, settings: Settings) -> int:
    from service.tenancy.keys import KeyStore

    if args.set_secret:
        new = sys.stdin.readline().strip()

        async def store() -> None:
            async with database(settings, create=False) as sessions:
                await KeyStore(SqlKeyRepo(sessions)).set_webhook_secret(args.tenant, new)

        asyncio.run(store())
        print(f"webhook secret of {args.tenant} replaced; sign with the new one from now on", file=sys.stderr)
        return 0

    async def run() -> Any:
        async with database(settings, create=False) as sessions:
            return await KeyStore(SqlKeyRepo(sessions)).webhook_secret(args.tenant)

    secret = asyncio.run(run())
    if secret is None:
        raise NotFound(f"no tenant {args.tenant!r}; create a key for it first")
    print(secret)
    return 0


def cmd_models_prepare(args: argparse.Namespace, settings: Settings) -> int:
    from service.wiring import make_embedder

    embedder = make_embedder(settings)
    try:
        vector = embedder.embed(["Where is my order?"])[0]
    finally:
        embedder.close()
    print(f"{embedder.model_name}: {embedder.backend} backend ready, {vector.shape[0]} dimensions "
          f"(cache {settings.models.model_cache_dir.expanduser()})")
    return 0


def cmd_db_upgrade(args: argparse.Namespace, settings: Settings) -> int:
    async def run() -> None:
        async with database(settings):
            pass

    asyncio.run(run())
    print("database is at the newest migration")
    return 0


def cmd_settings(args: argparse.Namespace, settings: Settings) -> int:
    from service.settings import documented_settings

    for name, default, doc in documented_settings():
        print(f"{name:30} {default!s:28} {doc}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
