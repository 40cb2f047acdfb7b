"""`assist audit verify|export|purge|erase`."""

from __future__ import annotations

import asyncio
import json
import sys
from typing import Any

from service.audit.trail import AuditTrail
from service.adapters.sql.audit_repo import SqlAuditStore
from service.cli.common import database
from service.privacy.erasure import erase_customer
from service.tenancy.keys import validate_tenant


def register_cli(sub: Any) -> None:
    audit = sub.add_parser("audit", help="the hash-chained audit trail").add_subparsers(dest="audit_command")
    verify = audit.add_parser("verify", help="recompute every chain; exit 1 and name the first broken record")
    verify.add_argument("--tenant")
    verify.add_argument("--json", action="store_true")
    verify.set_defaults(func=_cmd_verify)
    export = audit.add_parser("export", help="every record as JSON lines, in chain order")
    export.add_argument("--tenant")
    export.add_argument("--output", "-o", default="-", help="file to write (default: stdout)")
    export.set_defaults(func=_cmd_export)
    purge = audit.add_parser("purge", help="delete records older than an age; chains stay verifiable")
    purge.add_argument("--older-than", type=float, required=True, metavar="DAYS", help="retention age in days")
    purge.add_argument("--tenant")
    purge.add_argument("--reference", help="why (a ticket or policy reference), kept in the chain")
    purge.set_defaults(func=_cmd_purge)
    erase = audit.add_parser("erase", help="erase a customer's personal data everywhere: history, handles, triage "
                                           "answers, suggestions, feedback and the trail (chains stay verifiable)")
    erase.add_argument("--tenant", required=True)
    erase.add_argument("--customer", required=True)
    erase.add_argument("--reference", help="the erasure request's reference, kept in the chain")
    erase.set_defaults(func=_cmd_erase)


def _run(settings: Any, work: Any) -> Any:
    async def run() -> Any:
        async with database(settings, create=False) as sessions:  # never creates one
            return await work(AuditTrail(SqlAuditStore(sessions)), sessions)

    return asyncio.run(run())


def _cmd_verify(args: Any, settings: Any) -> int:
    report = _run(settings, lambda trail, _sessions: trail.verify(args.tenant))
    if args.json:
        print(json.dumps(report.as_dict(), indent=2))
    else:
        for tenant, info in report.tenants.items():
            print(f"{tenant}: {info['records']} records, head seq {info['last_seq']} {info['last_hash']}"
                  + (f", retention anchor seq {info['anchor_seq']}" if info["anchor_seq"] else ""))
        if report.ok:
            print(f"OK: {report.records} records in {len(report.tenants)} chain(s) verify")
        else:
            print(f"BROKEN: first broken record: {report.first_broken}", file=sys.stderr)
            for problem in report.problems[1:20]:
                print(f"  also: {problem}", file=sys.stderr)
    return 0 if report.ok else 1


def _cmd_export(args: Any, settings: Any) -> int:
    async def work(trail: AuditTrail, _sessions: Any) -> int:
        out = sys.stdout if args.output == "-" else open(args.output, "w", encoding="utf-8")  # noqa: SIM115
        n = 0
        try:
            async for record in trail.export(args.tenant):
                out.write(json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n")
                n += 1
        finally:
            if out is not sys.stdout:
                out.close()
        return n

    n = _run(settings, work)
    print(f"exported {n} records", file=sys.stderr)
    return 0


def _cmd_purge(args: Any, settings: Any) -> int:
    result = _run(settings, lambda trail, _sessions: trail.purge(args.older_than, tenant=args.tenant, reference=args.reference))
    for tenant, count in result.items():
        print(f"{tenant}: purged {count} records")
    return 0


def _cmd_erase(args: Any, settings: Any) -> int:
    validate_tenant(args.tenant)
    r = _run(settings, lambda trail, sessions: erase_customer(sessions, trail, args.tenant, args.customer, reference=args.reference))
    print(f"{r.tenant}: deleted {r.interactions} interactions, {r.identities} handles, {r.triage_events} triage answers; "
          f"erased personal data in {r.audit_records} audit records, {r.suggestions} suggestions, {r.feedback} feedback events")
    return 0
