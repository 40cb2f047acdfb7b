"""Batch import of a help desk's export: JSON lines or CSV, one interaction per row.

Format (both): the fields of POST /v1/interactions: ``id``, ``customer_id``, ``channel``,
``author_role`` (or ``role``), ``ts``, ``text``; optional ``direction``, ``thread_id``,
``kind``. Handles of the row's customer: ``email`` and ``phone`` columns (CSV, or keys in JSON),
or in JSON a ``handles`` list of ``{"kind", "value"}``. Every row is validated before anything
is written: a file with a bad row imports nothing and names each bad line.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from service.domain.interactions import Interaction, normalise_handle, parse_interaction
from service.errors import InvalidInput

HANDLE_FIELDS = ("email", "phone")
CSV_FIELDS = ("id", "customer_id", "channel", "author_role", "role", "direction", "ts", "text", "thread_id", "kind",
              *HANDLE_FIELDS)


def _rows(path: Path, fmt: str) -> Iterator[tuple[int, Any]]:
    text = path.read_text(encoding="utf-8-sig")
    if fmt == "csv":
        reader = csv.DictReader(io.StringIO(text))
        unknown = [f for f in reader.fieldnames or [] if f not in CSV_FIELDS]
        if unknown:
            raise InvalidInput(f"{path.name}: unknown CSV column(s) {', '.join(unknown)}; expected {', '.join(CSV_FIELDS)}")
        for n, row in enumerate(reader, start=2):
            yield n, {k: v for k, v in row.items() if v not in (None, "")}
        return
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            yield n, json.loads(line)
        except json.JSONDecodeError as exc:
            yield n, exc


def read_file(path: Path, *, fmt: str | None = None, now: datetime) -> tuple[list[Interaction], list[tuple[str, str, str]], list[str]]:
    """(interactions, handles as (customer_id, kind, value), problems as 'line N: ...')."""
    fmt = fmt or ("csv" if path.suffix.lower() == ".csv" else "jsonl")
    if fmt not in ("csv", "jsonl"):
        raise InvalidInput("the format is csv or jsonl")
    items: list[Interaction] = []
    handles: list[tuple[str, str, str]] = []
    problems: list[str] = []
    for n, raw in _rows(path, fmt):
        if isinstance(raw, Exception):
            problems.append(f"line {n}: not JSON ({raw})")
            continue
        if not isinstance(raw, dict):
            problems.append(f"line {n}: a row must be an object")
            continue
        errs: list[dict[str, Any]] = []
        body = {k: v for k, v in raw.items() if k not in (*HANDLE_FIELDS, "handles")}
        item = parse_interaction(body, errors=errs, now=now)
        problems.extend(f"line {n}: {e['key']}: {e['message']}" for e in errs)
        if item is None:
            continue
        wanted = [(k, raw[k]) for k in HANDLE_FIELDS if raw.get(k)]
        extra = raw.get("handles") or []
        if not isinstance(extra, list):
            problems.append(f"line {n}: handles must be a list of {{kind, value}}")
            extra = []
        wanted += [(h.get("kind"), h.get("value")) for h in extra if isinstance(h, dict)]
        for kind, value in wanted:
            try:
                k, v = normalise_handle(kind, value)
                handles.append((item.customer_id, k, v))
            except InvalidInput as exc:
                problems.append(f"line {n}: {exc.detail}")
        items.append(item)
    return items, list(dict.fromkeys(handles)), problems
