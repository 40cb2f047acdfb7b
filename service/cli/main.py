"""The `assist` command: parses the command line and runs one command.

`assist serve` is here; every other command group is a module of its own in service/cli/
(listed in :mod:`service.cli.commands`), loaded only when the command is not `serve`."""

from __future__ import annotations

import argparse
import sys

import structlog

from service.cli.evals import run_evals
from service.errors import AppError, NotFound
from service.observability.logging import configure_logging
from service.settings import Settings, SettingsError, export_for_workers
from service.startup.engine import EngineStartError, start_engine
from service.startup.workers import reserve, run_workers
from service.startup import Startup
from service.startup.server import address_of, open_socket, serve


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["eval"]:
        return run_evals(argv[1:])
    # `serve` needs none of the other commands: not importing them opens the port sooner.
    parser = build_parser(everything=argv[:1] != ["serve"])
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


def build_parser(everything: bool = True) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="assist", description="Agent Assist: AI agent-assist for omnichannel customer service")
    sub = parser.add_subparsers(dest="command")

    serve_cmd = sub.add_parser("serve", help="start the HTTP service")
    serve_cmd.add_argument("--host")
    serve_cmd.add_argument("--port", type=int)
    serve_cmd.add_argument("--workers", type=int, default=1, help="worker processes (needs PostgreSQL; the index: a Qdrant server, or an index engine started here)")
    serve_cmd.set_defaults(func=cmd_serve)
    if everything:
        # Imported here, not at the top: the command groups load the whole service (models,
        # SQL, every use case), which `assist serve` must not wait for before opening its port.
        from service.cli.commands import register_commands

        register_commands(sub)
    return parser


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    """Open the port and log one `listening` line (address, data directory, what will load)
    before importing the application; `/readyz` answers 503 with the phase until it is loaded.
    `--port 0` takes any free port (the line says which)."""
    host = args.host or settings.server.host
    port = args.port if args.port is not None else settings.server.port
    if args.workers > 1:
        return serve_workers(settings, host, port, args.workers)
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
    # The one late import of the CLI: the application (Litestar, every use case) loads after the
    # port is open and the `listening` line is out, so /healthz answers from the first moment.
    from service.app import create_app

    startup = Startup()
    return serve(create_app(settings, startup=startup), startup, sock)


def serve_workers(settings: Settings, host: str, port: int, workers: int) -> int:
    """`--workers N`: uvicorn's worker processes on one port. The database must be PostgreSQL;
    the index is the Qdrant server of ASSIST_QDRANT_URL, the index engine of ASSIST_INDEX_URL, or
    else an index engine started here (it owns the data directory's Qdrant Edge shard) and
    stopped after the workers."""
    storage = settings.storage
    if storage.sqlite_path is not None or not storage.database_url:
        raise AppError("--workers > 1 needs PostgreSQL (ASSIST_DATABASE_URL=postgresql+asyncpg://...): SQLite takes "
                       "one process's writes; run one worker, or move the database to PostgreSQL")
    engine = None
    if not storage.qdrant_url and not storage.index_url:
        configure_logging(settings.server.log_level, settings.server.log_format, stream="stderr")
        try:
            engine = start_engine()
        except EngineStartError as exc:
            raise AppError(str(exc)) from None
        export_for_workers("ASSIST_INDEX_URL", engine.url)
        structlog.get_logger("service.startup").info("index_engine_started", address=engine.url, pid=engine.process.pid,
                                                     workers=workers)
    try:
        sock = reserve(host, port)
    except OSError as exc:
        if engine is not None:
            engine.stop()
        raise AppError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    try:
        run_workers("service.app:create_listening_app", sock=sock, workers=workers, factory=True, log_level="warning",
                    log_config=None)
    finally:
        sock.close()
        if engine is not None:
            engine.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
