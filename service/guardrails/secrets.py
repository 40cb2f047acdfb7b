"""Requests for a secret (issue 13, tenth round, fix-10e): a reply must never ask the customer for
the full card number, the card's security code, a password, a PIN or a one-time code, whether it
asks in a sentence ("Could you send me your PIN?") or in the items of a list after a request
lead-in ("To do this, please reply with:\n- the full number of the card on file\n- its security
code"), unless a cited source asks for that very secret itself ("3 of these 7 items: ZIP code, ...,
PIN number, username, password"; "To place the order for the customer: card number, ..."). What the
sources ask for (username, e-mail, order ID, the last four digits, ZIP code) is no secret; a secret
the reply says not to send ("never your password") is not asked for.

Used by :mod:`service.guardrails.reading` (:func:`~service.guardrails.reading.denied_request`,
:func:`~service.guardrails.reading.denied_item`)."""

from __future__ import annotations

import re
from collections.abc import Iterable

_SECRET = re.compile(
    r"\b(?:full|whole|complete|entire|long)\s+(?:(?:\d{1,2}[- ]digit|credit|debit|bank|card|payment)\s+)*(?:card\s+)?number\b"
    r"|\b(?:full|whole|complete|entire)\s+number\s+(?:of|on)\s+(?:the|your|this|that)\s+(?:\w+\s+)?card\b"
    r"|\b(?:credit|debit|bank|payment)?\s*card(?:'s)?\s+number\b"
    r"|\b(?:card\s+)?(?:security|verification|cvv|cvc|csc)\s+(?:code|number|value)\b|\b(?:cvv2?|cvc2?|csc)\b"
    r"|\b(?:3|three|4|four)[- ]digit\s+code\b"
    r"|\bpass(?:word|code|phrase)s?\b|\bPINs?\b|\bpin\s+(?:number|code)\b"
    r"|\b(?:one[- ]time|verification|login|log-in|sign-in|2fa|two[- ]factor|sms|texted|authentication)\s+(?:pass)?code\b|\bOTPs?\b"
    r"|\bcode\s+(?:we|i)\s+(?:just\s+)?(?:texted|sent|emailed|e-mailed)\b",
    re.I)
"""A secret asked for: the full card number, the card's security code, a password, a PIN, a one-time code."""
_PIN = re.compile(r"\bPINs?\b")
_PART_OF = re.compile(r"\b(?:last|final|first)\s+(?:\w+\s+)?(?:4|four|2|two)\s+(?:digits|numbers)\b|\bending\b|\bends in\b|\blast (?:4|four)\b", re.I)
"""Part of a card number ("the last four digits of the card number"): what the sources ask for."""
_NOT_ASKED = re.compile(r"\b(?:never|not|don'?t|do not|no need|without|won'?t|will not|shouldn'?t|must not|instead of|rather than|except|but not|no)\b[^.;:!?]{0,40}$", re.I)
"""A secret the reply says not to send ("never your password", "no need for your PIN")."""
_REQUEST_ENDS = re.compile(r"\s(?:so|so that|because|as|if|when|once|then|after|before|which|where|and (?:we|i|then)|we|i|we'll|i'll|to (?:verify|confirm|check|reset|find|look|help|make|get|send|process))\b", re.I)
"""Where what a request asks for ends and its purpose or a statement begins ("... your e-mail so we can send a one-time code")."""
_RESET = re.compile(r"\b(?:reset|new|change|forgot(?:ten)?)\s+(?:your\s+)?(?:the\s+)?pass(?:word|code)\s+(?:link|page|e-?mail|button|form|steps?)\b|"
                    r"\bpassword[- ]reset\b", re.I)
"""A password named only as the topic of a link or a step ("the password reset link"): no secret asked."""


def asked_part(what: str) -> str:
    """What a request asks for, without the purpose or statement after it."""
    m = _REQUEST_ENDS.search(what)
    return what[:m.start()] if m else what


_KINDS = (
    ("card number", re.compile(r"\bcard(?:'s)?\s+number\b|\bnumber\s+(?:of|on)\s+(?:the|your)\s+(?:\w+\s+)?card\b|\bfull\s+(?:\w+\s+)?number\b", re.I)),
    ("security code", re.compile(r"\bsecurity\s+code\b|\bcvv|\bcvc|\bcsc\b|\bverification\s+(?:number|value)\b|\bdigit\s+code\b", re.I)),
    ("password", re.compile(r"\bpass(?:word|code|phrase)", re.I)),
    ("PIN", re.compile(r"\bPIN")),
    ("one-time code", re.compile(r"\b(?:one[- ]time|verification|login|log-in|sign-in|sms|2fa|two[- ]factor|authentication)\s+(?:pass)?code\b|\bOTP"
                                 r"|\bcode\s+(?:we|i)\s+(?:just\s+)?(?:texted|sent|emailed|e-mailed)\b", re.I)),
)
"""The kind of a secret asked for, and how a source names it."""
_SOURCE_ASKS = r"(?:\bneeds?\b|\bprovides?\b|\bitems?\b|\bask(?:s)? for\b|\bconfirm\b|\bverify\b|\bplus\b|\beither\b|\bof these\b|:)[^.]{0,160}?"
"""A source asking for something: the thing named after "need", "provide", "3 of these 7 items:", "plus", a colon."""


def _kind(name: str) -> str:
    return next((kind for kind, names in _KINDS if names.search(name)), name)


_SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+|\n+")
_DENIES = re.compile(r"\b(?:never|not|don'?t|do not|cannot|can'?t|no)\b", re.I)


def source_asks(kind: str, texts: Iterable[str]) -> bool:
    """Does a sentence of a cited passage that denies nothing ask for a secret of ``kind`` ("3 of
    these 7 items: ..., PIN number, username, password")?"""
    names = dict(_KINDS).get(kind)
    return names is not None and any(not _DENIES.search(s) and (re.search(_SOURCE_ASKS + "(?:" + names.pattern + ")", s, names.flags)
                                                                 or any(len(c.split()) <= 4 and names.search(c) for c in _ITEMS.split(_MARKER.sub("", s))))
                                     for text in texts for s in _SENTENCE_BREAK.split(text))


_MARKER = re.compile(r"^\s*(?:\d{1,2}[.)]|[-*•])\s*")
_ITEMS = re.compile(r"[;,]|\s(?:or|and)\s")
"""A source's list of what it asks for ("- their PIN number, or"; "email address, or PIN number, or security
question answer"): an item of four words or fewer naming the secret is the source asking for it."""


def secret_asked(what: str, texts: Iterable[str] = ()) -> str | None:
    """The secret ``what`` (the object of a request, or a list item under one) asks for; None when
    it asks for none, only for part of a card number, says not to send it, or a sentence of a cited
    passage (``texts``) asks for that secret itself."""
    texts = tuple(texts)
    for m in _SECRET.finditer(what):
        name = m.group(0)
        if name.strip().lower() in ("pin", "pins") and not _PIN.fullmatch(name.strip()):
            continue  # "pin" in lower case: a word, not a PIN
        if _NOT_ASKED.search(what[:m.start()]) or _RESET.search(what):
            continue
        if "number" in name.lower() and _PART_OF.search(what) or source_asks(_kind(name), texts):
            continue
        return f"asks for a secret the customer must never be asked for ({name.strip()!r})"
    return None
