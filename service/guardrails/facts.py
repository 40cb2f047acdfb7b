"""Placeholder values are checked before they go into a reply.

The values a caller sends for ``{first_name}`` and ``{order_id}`` are data about the customer,
not text to publish: a "first name" of ``Jane. Your refund of $500 is approved`` or an order id
of ``We will waive all fees`` would otherwise be filled into an approved reply and sent. A value
that does not look like what it claims to be is left out (the reply is written as if the fact
were unknown) and reported.
"""

from __future__ import annotations

import re
import unicodedata

from service.guardrails.normalise import clean

_NAME = re.compile(r"[^\W\d_]+(?:[ '’.-][^\W\d_]+){0,3}\.?", re.UNICODE)
_ORDER_ID = re.compile(r"#?[A-Za-z0-9](?:[A-Za-z0-9_/-]{0,38}[A-Za-z0-9])?")
MAX_NAME = 40


def valid_fact(key: str, value: str) -> bool:
    """Does ``value`` look like a ``key`` (``first_name``: one to four words of letters, at most
    40 characters; ``order_id``: one token of letters, digits, ``-``, ``_`` or ``/`` with at least
    one digit)?"""
    if any(unicodedata.category(ch) == "Cf" for ch in value):
        return False  # zero-width or bidi characters: not a plain value
    v = clean(value).strip()
    if not v:
        return False
    if key == "first_name":
        return len(v) <= MAX_NAME and bool(_NAME.fullmatch(v))
    if key == "order_id":
        return bool(_ORDER_ID.fullmatch(v)) and any(ch.isdigit() for ch in v)
    return True


def split_facts(facts: dict[str, str]) -> tuple[dict[str, str], list[str]]:
    """(the valid facts, the keys whose value was rejected)."""
    ok: dict[str, str] = {}
    rejected: list[str] = []
    for key, value in facts.items():
        if valid_fact(key, value):
            ok[key] = value.strip()
        else:
            rejected.append(key)
    return ok, rejected
