"""`assist keys create|roles|list|revoke|rotate|webhook-secret`: API keys and webhook secrets."""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import Any

from service.adapters.sql.keys_repo import SqlKeyRepo
from service.cli.common import database
from service.errors import AppError, NotFound
from service.settings import Settings
from service.tenancy.keys import KeyStore, scopes_for
from service.tenancy.roles import ROLE_PURPOSE, ROLES


def register_cli(sub: Any) -> None:
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


def cmd_keys_create(args: argparse.Namespace, settings: Settings) -> int:
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
    async def run() -> Any:
        async with database(settings, create=False) as sessions:
            return await KeyStore(SqlKeyRepo(sessions)).revoke(args.tenant, args.key_id)

    info = asyncio.run(run())
    print(f"revoked {info.id}")
    return 0


def cmd_keys_rotate(args: argparse.Namespace, settings: Settings) -> int:
    async def run() -> Any:
        async with database(settings, create=False) as sessions:
            return await KeyStore(SqlKeyRepo(sessions)).rotate(args.tenant, args.key_id)

    key, info = asyncio.run(run())
    print(key)
    print(f"new key id {info.id} replaces {args.key_id}, which is revoked", file=sys.stderr)
    return 0


def cmd_webhook_secret(args: argparse.Namespace, settings: Settings) -> int:
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
