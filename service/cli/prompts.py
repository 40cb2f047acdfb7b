"""`assist prompts list|diff|lock`: the versioned prompts and their lock file."""

from __future__ import annotations

import json
from typing import Any

from service.prompts.registry import LOCK_FILE, PromptRegistry, read_lock


def register_cli(sub: Any) -> None:
    prompts = sub.add_parser("prompts", help="versioned prompts: list, diff, lock").add_subparsers(dest="prompts_command")
    lst = prompts.add_parser("list", help="every prompt version, its task, and which one is active")
    lst.add_argument("--json", action="store_true")
    lst.set_defaults(func=_cmd_list)
    diff = prompts.add_parser("diff", help="unified diff between two versions of a prompt")
    diff.add_argument("prompt_id")
    diff.add_argument("v1", type=int)
    diff.add_argument("v2", type=int)
    diff.set_defaults(func=_cmd_diff)
    lock = prompts.add_parser("lock", help=f"add new prompt versions to {LOCK_FILE}")
    lock.add_argument("--force", action="store_true", help="also re-lock changed texts (only for versions never released)")
    lock.set_defaults(func=_cmd_lock)


def _cmd_list(args: Any, settings: Any) -> int:
    directory = settings.content.prompts_dir
    registry = PromptRegistry.load(directory)
    lock = directory / LOCK_FILE
    locked = read_lock(lock) if lock.exists() else {}
    rows = []
    for p in registry.all():
        route = registry.routes.get(p.task)
        roles = []
        if route and route.active == p.ref:
            roles.append("active")
        if route:
            roles += [f"split {w:.0%}" for r, w in route.split if r == p.ref]
            roles += [f"tenant {t}" for t, r in route.tenants.items() if r == p.ref]
            if route.with_history == p.ref:
                roles.append("with history")
        state = "locked" if locked.get(p.ref) == p.sha256 else ("CHANGED" if p.ref in locked else "unlocked")
        rows.append({**p.summary(), "serving": roles, "lock": state})
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    for r in rows:
        print(f"{r['ref']:24} task={r['task']:10} {r['lock']:8} {', '.join(r['serving']) or '-':28} owner={r['owner']}")
        print(f"{'':24} {r['description'][:110]}")
    return 0


def _cmd_diff(args: Any, settings: Any) -> int:
    registry = PromptRegistry.load(settings.content.prompts_dir)
    out = registry.diff(args.prompt_id, args.v1, args.v2)
    print(out or f"{args.prompt_id}@{args.v1} and @{args.v2} are identical", end="" if out else "\n")
    return 0


def _cmd_lock(args: Any, settings: Any) -> int:
    directory = settings.content.prompts_dir
    registry = PromptRegistry.load(directory)
    changes = registry.write_lock(directory / LOCK_FILE, force=args.force)
    for label, refs in changes.items():
        for ref in refs:
            print(f"{label:9} {ref}")
    print(f"{directory / LOCK_FILE}: {len(registry.all())} prompt versions locked")
    return 0
