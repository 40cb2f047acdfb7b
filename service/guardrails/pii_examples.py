"""Sample values a reply marks as examples (ninth round, fix-9e): "just the street part, for
example "14 Alder Lane"" shows a format; it is nobody's address and states no fact.

Only shapes with no secret in them (a street address, an e-mail address) and only right after an
example marker ("for example", "e.g.", "for instance", "such as", "like"), quoted or in brackets
alone: "for example, we'll send it to 14 Alder Lane" is not an example, nor is a card number or
a password written after "for example".
"""

from __future__ import annotations

import re

from service.domain.pii import Redactor

EXAMPLE_KINDS = frozenset({"ADDRESS", "EMAIL"})
"""Kinds a sample value may have; a secret, card, IBAN, SSN or phone number is never an example."""

_MARKER = r"(?:for example|for instance|e\.g\.|such as|like)[,:]?\s*"
_QUOTED = re.compile(_MARKER + r"(?P<q>[\"“'‘])(?P<v>[^\"”'’\n]{3,60})[\"”'’]", re.I)
_BRACKETED = re.compile(r"\(" + _MARKER + r"(?P<v>[^()\n]{3,60})\)", re.I)


def example_values(text: str) -> list[str]:
    """The values ``text`` gives as examples (quoted after a marker, or alone in brackets after it)."""
    return [m.group("v").strip() for rx in (_QUOTED, _BRACKETED) for m in rx.finditer(text)]


def is_example(kind: str, value: str, text: str) -> bool:
    """``value`` (found as ``kind``) is a sample the reply gives as an example, not personal data."""
    if kind not in EXAMPLE_KINDS:
        return False
    return any(value.strip() == v or value.strip().rstrip(".") == v.rstrip(".") for v in example_values(text))


def sample_details(text: str) -> list[str]:
    """The example values of ``text`` that are wholly an address or e-mail address: they carry
    no claim, so grounding leaves their words out, as it does the customer's own details."""
    out = []
    for v in example_values(text):
        redactor = Redactor()
        if redactor.redact(v).strip(" .") in {f"[{k}_1]" for k in EXAMPLE_KINDS}:
            out.append(v)
    return out
