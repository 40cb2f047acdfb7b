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


def source_asks(kind: str, texts: Iterable[str], what: str | None = None) -> bool:
    """Does a sentence of a cited passage that denies nothing ask for a secret of ``kind`` ("3 of
    these 7 items: ..., PIN number, username, password")? ``what``: the reply's request; when every
    such sentence asks for the secret only as one of a choice ("3 of these 7", "PIN number or
    security question answer"), a request that offers no choice ("type your current password
    here") asks for more than the source does."""
    names = dict(_KINDS).get(kind)
    if names is None:
        return False
    asking = [s for text in texts for s in _SENTENCE_BREAK.split(text)
              if not _DENIES.search(s) and (re.search(_SOURCE_ASKS + "(?:" + names.pattern + ")", s, names.flags)
                                            or any(len(c.split()) <= 4 and names.search(c) for c in _ITEMS.split(_MARKER.sub("", s))))]
    if not asking:
        return False
    return what is None or not all(_SOURCE_CHOICE.search(s) for s in asking) or bool(_REPLY_CHOICE.search(what))


_SOURCE_CHOICE = re.compile(r"\b(?:\d+|two|three|four|five)\s+of\b|\beither\b|\bor\b", re.I)
"""A source offering a secret as one of a choice: "3 of these 7 items", "either ... or"."""
_REPLY_CHOICE = re.compile(r"\b(?:or|either|any|such as|like)\b|\b(?:\d+|two|three|four|five)\s+(?:of|items?|details?|things?)\b"
                           r"|\bof (?:these|the following)\b", re.I)
"""A request offering a choice of what to send."""


_MARKER = re.compile(r"^\s*(?:\d{1,2}[.)]|[-*•])\s*")
_ITEMS = re.compile(r"[;,]|\s(?:or|and)\s")
"""A source's list of what it asks for ("- their PIN number, or"; "email address, or PIN number, or security
question answer"): an item of four words or fewer naming the secret is the source asking for it."""


def secret_asked(what: str, texts: Iterable[str] = (), *, as_item: bool = False) -> str | None:
    """The secret ``what`` (the object of a request, or a list item under one) asks for; None when
    it asks for none, only for part of a card number, says not to send it, or a sentence of a cited
    passage (``texts``) asks for that secret itself (as a choice only when the source offers it only
    as one; ``as_item``: ``what`` is a list item, whose choice is its lead-in's)."""
    texts = tuple(texts)
    for m in _SECRET.finditer(what):
        name = m.group(0)
        if name.strip().lower() in ("pin", "pins") and not _PIN.fullmatch(name.strip()):
            continue  # "pin" in lower case: a word, not a PIN
        if _NOT_ASKED.search(what[:m.start()]) or _RESET.search(what):
            continue
        if "number" in name.lower() and _PART_OF.search(what) or source_asks(_kind(name), texts, None if as_item else what):
            continue
        return f"asks for a secret the customer must never be asked for ({name.strip()!r})"
    return None


_ASKS_FOR = re.compile(
    r"(?:^|[,;:(]\s*|\b(?:please|kindly|just|now|then|simply)\s+|\b(?:could|can|would|will)\s+you\s+(?:please\s+|kindly\s+|just\s+)?"
    r"|\b(?:need|want|ask)\s+you\s+to\s+|\byou(?:'ll|\s+will)?\s+(?:need|have)\s+to\s+|\bgo\s+ahead\s+and\s+)"
    r"(?P<verb>type|enter|key\s+in|input|write|paste|send|share|give|provide|tell|confirm|reply\s+with|respond\s+with|dm|message|text"
    r"|read\s+(?:out|back)?|let\s+(?:me|us)\s+know|drop)\b(?:\s+(?:me|us|over))?\s+(?!you\b)(?P<what>[^.?!]+)"
    r"|\bwhat(?:'s|\s+is|\s+are)\s+(?P<what_is>your\s+[^.?!]+)", re.I)
"""A request in any wording, said as one ("please type your password here", "could you DM me your PIN",
"what's your PIN?"), not a statement ("we'll send you a one-time code"): read for secrets only."""
_KEYED = re.compile(r"type|enter|key|input|write|paste", re.I)
_ON_A_SITE = re.compile(r"\b(?:on|in|into|at|from)\s+(?:the|our|your|a)\s+(?:[\w-]+\s+){0,2}(?:page|site|website|app|field|form|box|screen|portal|"
                        r"login|log-in|sign-in|settings|checkout|browser|prompt)\b|\bwhen (?:prompted|asked)\b|\bnew\s+(?:pass|PIN)", re.I)
"""A secret keyed in on the site or app ("enter your password on the login page"; a new one chosen): not sent to us."""


def secret_requested(sentence: str, texts: Iterable[str] = ()) -> str | None:
    """A secret asked for in a request of any wording (:data:`_ASKS_FOR`), not said not to send
    ("never share your password") and not keyed in on the site or app; None as :func:`secret_asked`."""
    for m in _ASKS_FOR.finditer(sentence):
        verb, what = m.group("verb") or "", asked_part(m.group("what") or m.group("what_is"))
        if _NOT_ASKED.search(sentence[:m.start()]) or (_KEYED.match(verb) and _ON_A_SITE.search(m.group(0))):
            continue
        found = secret_asked(what, texts)
        if found:
            return found
    return None
