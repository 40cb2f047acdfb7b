"""`assist intents ...`: check a taxonomy, classify from the shell, hot-reload a running service."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import httpx

from service.errors import AppError
from service.adapters.sk_intent_model import SkIntentTrainer
from service.intents.service import IntentService, load_taxonomy
from service.repo_evals import run_repo_module
from service.settings import Settings
from service.wiring import make_embedder


def register_cli(sub: Any) -> None:
    intents = sub.add_parser("intents", help="intent taxonomy and classifier").add_subparsers(dest="intents_command")
    check = intents.add_parser("check", help="validate a taxonomy file and train on it (nothing is changed)")
    check.add_argument("file", nargs="?", help="default: ASSIST_INTENTS_FILE")
    check.add_argument("--no-train", action="store_true", help="validate only")
    check.set_defaults(func=cmd_check)
    classify = intents.add_parser("classify", help="classify one or more texts with the taxonomy")
    classify.add_argument("texts", nargs="+")
    classify.add_argument("--json", action="store_true")
    classify.set_defaults(func=cmd_classify)
    reload = intents.add_parser("reload", help="ask a running service to reload its taxonomy (no restart)")
    reload.add_argument("--url", help="service base URL (default: http://ASSIST_HOST:ASSIST_PORT)")
    reload.add_argument("--key", required=True, help="an admin API key (the taxonomy is shared by every tenant)")
    reload.set_defaults(func=cmd_reload)
    ev = intents.add_parser("eval", help="CLINC150 and store conversation eval (prints a table)")
    ev.add_argument("--cache-dir", help="cache CLINC150 embeddings here between runs")
    ev.add_argument("--only", choices=["clinc", "store"])
    ev.set_defaults(func=cmd_eval)


def cmd_check(args: argparse.Namespace, settings: Settings) -> int:
    path = Path(args.file) if args.file else settings.content.intents_file
    taxonomy = load_taxonomy(path)  # TaxonomyError names the problem
    if args.no_train:
        print(json.dumps(taxonomy.summary(), indent=2))
        return 0
    report = IntentService(trainer=SkIntentTrainer(make_embedder(settings)), path=path, threshold_override=settings.models.intent_threshold).load()
    print(json.dumps(report.as_dict(), indent=2))
    return 0


def cmd_classify(args: argparse.Namespace, settings: Settings) -> int:
    svc = IntentService(trainer=SkIntentTrainer(make_embedder(settings)), path=settings.content.intents_file,
                        threshold_override=settings.models.intent_threshold)
    svc.load()
    results = svc.classify_batch(args.texts)
    if args.json:
        print(json.dumps([r.as_dict() for r in results], indent=2))
    else:
        for text, r in zip(args.texts, results, strict=True):
            alts = ", ".join(f"{a.intent} {a.confidence:.2f}" for a in r.alternatives)
            print(f"{r.intent or '(abstain)':28s} {r.confidence:.2f}  [{alts}]  {text}")
    return 0


def cmd_reload(args: argparse.Namespace, settings: Settings) -> int:
    url = (args.url or f"http://{settings.server.host}:{settings.server.port}").rstrip("/") + "/v1/intents/reload"
    try:
        resp = httpx.post(url, headers={"Authorization": f"Bearer {args.key}"}, timeout=300)
    except httpx.HTTPError as exc:
        raise AppError(f"cannot reach the service at {url}: {exc}") from None
    if resp.status_code >= 400:
        try:
            detail = resp.json().get("detail", resp.text)
        except ValueError:
            detail = resp.text
        raise AppError(f"reload refused ({resp.status_code}): {detail}")
    print(json.dumps(resp.json(), indent=2))
    return 0


def cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    argv = (["--cache-dir", args.cache_dir] if args.cache_dir else []) + (["--only", args.only] if args.only else [])
    return run_repo_module("evals.intents", argv)
