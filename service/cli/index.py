"""`assist index serve`: the index engine on its own (one process owning the embedded Qdrant
Edge shard, serving it to the workers that set ``ASSIST_INDEX_URL``)."""

from __future__ import annotations

import argparse
import os
import signal
import threading
from typing import Any

import structlog

from service.adapters.index_engine import Engine, default_url, serve
from service.errors import AppError
from service.settings import Settings
from service.startup.engine import READY_PREFIX

PARENT_POLL_S = 1.0


def register_cli(sub: Any) -> None:
    index = sub.add_parser("index", help="the index engine: one process serving the embedded index to several workers")
    commands = index.add_subparsers(dest="index_command")
    serve_cmd = commands.add_parser("serve", help="own the Qdrant Edge shard of ASSIST_DATA_DIR and serve it (ASSIST_INDEX_URL)")
    serve_cmd.add_argument("--url", help="unix:///path.sock or tcp://127.0.0.1:PORT (default: ASSIST_INDEX_URL, "
                                         "else unix://DATA_DIR/index.sock)")
    serve_cmd.add_argument("--parent-pid", type=int, help=argparse.SUPPRESS)  # `assist serve --workers N`: exit with it
    serve_cmd.set_defaults(func=cmd_index_serve)


def cmd_index_serve(args: argparse.Namespace, settings: Settings) -> int:
    url = args.url or settings.storage.index_url or default_url(settings.storage.data_dir)
    settings.storage.data_dir.mkdir(parents=True, exist_ok=True)
    engine = Engine(settings.storage.qdrant_path)  # takes the shard's lock now, when it exists
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    if args.parent_pid:
        threading.Thread(target=_exit_with_parent, args=(args.parent_pid, stop), daemon=True).start()
    log = structlog.get_logger("service.index_engine")

    def ready(address: str) -> None:
        log.info("index_engine_listening", address=address, shard=str(settings.storage.qdrant_path),
                 chunks=engine.index.count() if engine.index is not None else 0)
        print(READY_PREFIX + address, flush=True)

    try:
        serve(engine, url, ready=ready, stop=stop)
    except (OSError, ValueError) as exc:
        raise AppError(f"the index engine cannot listen at {url}: {exc}") from None
    log.info("index_engine_stopped")
    return 0


def _exit_with_parent(parent: int, stop: threading.Event) -> None:
    while not stop.wait(PARENT_POLL_S):
        if os.getppid() != parent:
            stop.set()
