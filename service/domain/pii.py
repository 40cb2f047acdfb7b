"""The one PII redactor of the service.

Everything that leaves the process (a prompt to an LLM, a log line, an audit record) goes
through a :class:`Redactor` first. One ``Redactor`` lives for one request: the same value gets
the same placeholder every time it appears in that request (``[CARD_1]`` stays ``[CARD_1]``),
and :meth:`Redactor.restore` puts back the kinds the caller is allowed to show (an agent may see
the customer's e-mail address, never a card number or a password).

What is detected (all regexes are compiled once, at import):

* ``EMAIL``   e-mail addresses;
* ``CARD``    payment card numbers (13-19 digits, spaces or dashes allowed) that pass Luhn;
* ``IBAN``    IBANs that pass the ISO 13616 mod-97 check;
* ``SSN``     national ids: US SSN (``123-45-6789`` or nine digits after a cue), UK National
  Insurance numbers, and any value after a cue such as "passport number", "national id";
* ``SECRET``  passwords, PINs, CVV/security codes, one-time codes and security answers given
  after a cue ("my password is ...", "PIN: 1234", "mother's maiden name is ...");
* ``PHONE``   phone numbers written with a ``+`` prefix or separators, or bare digits after a
  cue ("call me on 5551234567");
* ``ADDRESS`` street addresses of the "<number> <name> <street suffix>" shape, with an optional
  unit, city, state and ZIP code.

Order ids, tracking numbers and amounts are *not* PII and are left alone: they are the facts an
agent needs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from service.guardrails import pii_rules
from service.guardrails.normalise import clean

KINDS = ("SECRET", "CARD", "IBAN", "SSN", "EMAIL", "PHONE", "ADDRESS")
"""Every kind, in detection order (the most sensitive first: a password that looks like a phone
number is a password)."""

_PRIORITY = {kind: i for i, kind in enumerate(KINDS)}

NEVER_RESTORE = frozenset({"SECRET", "CARD", "IBAN", "SSN"})
"""Kinds that never go back into an answer, whatever the caller asks for."""

CONTACT_KINDS = frozenset({"EMAIL", "PHONE", "ADDRESS"})
"""Kinds an agent may see in a summary (the customer gave them to the business)."""

PLACEHOLDER_RE = re.compile(r"\[(SECRET|CARD|IBAN|SSN|EMAIL|PHONE|ADDRESS)_(\d+)\]")

_I = re.IGNORECASE

_EMAIL = re.compile(r"(?<![\w.+-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,24}\b")

_SSN = re.compile(r"(?<![\w-])(?!000|666|9\d\d)\d{3}-(?!00)\d{2}-(?!0000)\d{4}(?![\w-])")
_UK_NINO = re.compile(r"\b(?!BG|GB|NK|KN|TN|NT|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b", _I)
_SECRET_CUE = re.compile(
    r"\b(?:(?:my |the )?(?:new |old |current |temporary )?(?:password|passcode|passphrase|pass word|pwd|pin(?: code| number)?|"
    r"cvv2?|cvc|security code|verification code|one[- ]time (?:code|password)|otp|2fa code|"
    r"login code|access code)"
    r"(?P<c>\s+(?:is|was|would be|should be|to)\b|\s*[:=])?(?:\s+(?:now|still|just))?\s*[:=-]?\s*)"
    r"(?P<v>\"[^\"]{1,64}\"|'[^']{1,64}'|[^\s,;]{2,64})",
    _I,
)
_ANSWER_CUE = re.compile(
    r"\b(?:security (?:answer|question answer)|answer to (?:my|the) security question|"
    r"mother'?s maiden name|first pet'?s name|name of my first pet|memorable word)"
    r"(?:\s+(?:is|was))?\s*[:=-]?\s*(?P<v>[^.,;!?\n]{1,48})",
    _I,
)
_SECRET_STOPWORDS = frozenset(
    {
        "reset", "is", "was", "and", "the", "a", "an", "not", "isn't", "wasn't", "doesn't", "won't",
        "expired", "wrong", "incorrect", "working", "changed", "again", "link", "email", "e-mail",
        "sms", "text", "you", "me", "it", "that", "this", "for", "on", "in", "to", "please", "field",
        "page", "requirements", "rules", "manager", "screen", "box", "has", "had", "does", "did",
        "because", "but", "so", "if", "when", "or", "with", "without", "recovery", "change",
        "twice", "anymore", "still", "now", "just", "same", "too", "of", "at", "by",
        "us", "them", "him", "her", "anyone", "anybody", "someone", "somebody", "my", "your", "our",
        "their", "his", "be", "being", "log", "login", "sign", "access", "unlock", "work", "match",
    }
)

_PHONE = re.compile(
    r"(?<![\w+])(?:"
    r"\+\d{1,3}[ .-]?(?:\(\d{1,4}\)[ .-]?)?\d{1,4}(?:[ .-]?\d{2,4}){1,4}"  # +44 20 7946 0958
    r"|\(\d{3}\)[ .-]?\d{3}[ .-]?\d{4}"  # (977) 625-2661
    r"|\d{3}[.-]\d{3}[.-]\d{4}"  # 977-625-2661
    r"|\d{3} \d{3} \d{4}"  # 977 625 2661
    r"|0\d{2,4}[ -]\d{3,4}[ -]?\d{3,4}"  # 020 7946 0958
    r")(?![\w])"
)
_PHONE_CUE = re.compile(
    r"\b(?:phone|mobile|cell|tel|telephone|call me (?:on|at)|reach me (?:on|at)|text me (?:on|at)|"
    r"my number(?: is)?|number to call)\b[^0-9+\n]{0,12}(?P<v>\+?\d{9,14})\b",
    _I,
)

_STREET_SUFFIX = (
    r"(?:street|st|avenue|ave|road|rd|boulevard|blvd|lane|ln|drive|dr|way|court|ct|place|pl|"
    r"terrace|ter|parkway|pkwy|highway|hwy|circle|cir|square|sq|close|crescent|row|trail|trl)"
)
_NOT_A_STREET_NAME = (
    r"(?!(?-i:will|would|shall|should|can|could|may|might|must|is|are|was|were|be|been|being|has|have|had|do|does|did|"
    r"either|neither|any|every|each|the|this|that|these|those|your|my|our|their|its|it|you|we|they|on|in|to|for|of|by|per|"
    r"with|from|and|or|but|not|no|all|out|back|off|then|so|if|when)\b)"
)
"""Words of a sentence, never of a street's name: "that extra $12 will be removed either way" is
no address (ninth round); nor is an amount ("$12 ...") a house number."""
_ADDRESS = re.compile(
    r"(?<![$€£\d.,])\b\d{1,6}[A-Za-z]?\s+(?:" + _NOT_A_STREET_NAME + r"[A-Za-z0-9][\w'.-]*\s+){0,4}?" + _STREET_SUFFIX + r"\b\.?"
    r"(?:\s+" + _STREET_SUFFIX + r"\b\.?)?"
    r"(?:,?\s+(?:apt|apartment|suite|ste|unit|flat|#)\.?\s*#?\s*\w{1,6})?"
    r"(?:,?\s+[A-Za-z][A-Za-z .'-]{1,30}?,\s*[A-Za-z]{2}\.?\s*\d{5}(?:-\d{4})?)?"
    r"(?:,?\s+[A-Za-z]{2}\s+\d{5}(?:-\d{4})?)?",
    _I,
)


def luhn_ok(digits: str) -> bool:
    """True when ``digits`` (only digits) passes the Luhn check."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def iban_ok(value: str) -> bool:
    """True when ``value`` (spaces allowed) is a well-formed IBAN with a valid mod-97 checksum."""
    s = value.replace(" ", "").upper()
    if not 15 <= len(s) <= 34 or not s[:2].isalpha() or not s[2:4].isdigit():
        return False
    rearranged = s[4:] + s[:4]
    num = "".join(str(int(ch, 36)) for ch in rearranged)
    return int(num) % 97 == 1


def _digits(s: str) -> str:
    return "".join(ch for ch in s if ch.isdigit())


def _normalise(kind: str, value: str) -> str:
    if kind in ("CARD", "PHONE", "SSN"):
        return _digits(value)
    if kind in ("IBAN",):
        return value.replace(" ", "").upper()
    if kind == "EMAIL":
        return value.lower()
    return " ".join(value.lower().split())


@dataclass
class Redaction:
    """The result of :func:`redact`: redacted text plus placeholder → original value."""

    text: str
    mapping: dict[str, str] = field(default_factory=dict)


Detection = tuple[str, tuple[tuple[int, int, str], ...]]
"""What :meth:`Redactor.detect` finds in a text: the normalised text and the spans to mask (start, end, kind)."""


class Redactor:
    """Masks PII with placeholders that are stable for the life of the object (one request).

    ``kinds`` limits what is masked (default: every kind in :data:`KINDS`).
    """

    __slots__ = ("kinds", "mapping", "_by_value", "_counters")

    def __init__(self, kinds: Iterable[str] | None = None) -> None:
        self.kinds = frozenset(kinds) if kinds is not None else frozenset(KINDS)
        unknown = self.kinds - set(KINDS)
        if unknown:
            raise ValueError(f"unknown PII kinds: {sorted(unknown)}")
        self.mapping: dict[str, str] = {}
        """placeholder → original value (first spelling seen)."""
        self._by_value: dict[tuple[str, str], str] = {}
        self._counters: dict[str, int] = {}

    # -- public API ---------------------------------------------------------------------------
    def redact(self, text: str) -> str:
        """Return ``text`` with every detected value replaced by its placeholder."""
        if not text:
            return text
        return self.apply(text, self.detect(text))

    def detect(self, text: str) -> Detection | None:
        """What :meth:`redact` would mask in ``text`` (None: nothing), before any placeholder is
        given: depends on the text and :attr:`kinds` only, so it may be kept and re-applied."""
        if not text:
            return None
        if len(text) <= MEMO_CHARS:
            return _detect_memo(text, self.kinds)
        return _detect(text, self.kinds)

    def apply(self, original: str, detection: Detection | None) -> str:
        """``original`` with the spans of its :meth:`detect` result replaced by this redactor's
        placeholders (numbered in the order they are first seen, as :meth:`redact` does)."""
        if detection is None:
            return original
        text, taken = detection
        out: list[str] = []
        pos = 0
        for start, end, kind in taken:
            out.append(text[pos:start])
            out.append(self._placeholder(kind, text[start:end]))
            pos = end
        out.append(text[pos:])
        return "".join(out)

    def redact_many(self, texts: Iterable[str]) -> list[str]:
        return [self.redact(t) for t in texts]

    def restore(self, text: str, allowed_kinds: Iterable[str] = ()) -> str:
        """Put back the original values of the ``allowed_kinds`` placeholders.

        Kinds in :data:`NEVER_RESTORE` stay masked even when asked for. Placeholders this
        redactor did not issue are left as they are.
        """
        allowed = frozenset(allowed_kinds) - NEVER_RESTORE
        if not allowed or "[" not in text:
            return text

        def sub(m: re.Match[str]) -> str:
            if m.group(1) in allowed:
                return self.mapping.get(m.group(0), m.group(0))
            return m.group(0)

        return PLACEHOLDER_RE.sub(sub, text)

    def counts(self) -> dict[str, int]:
        """How many distinct values of each kind were masked (safe to log)."""
        return dict(self._counters)

    def kind_of(self, placeholder: str) -> str | None:
        m = PLACEHOLDER_RE.fullmatch(placeholder)
        return m.group(1) if m else None

    # -- internals ----------------------------------------------------------------------------
    def _placeholder(self, kind: str, value: str) -> str:
        key = (kind, _normalise(kind, value))
        ph = self._by_value.get(key)
        if ph is None:
            n = self._counters.get(kind, 0) + 1
            self._counters[kind] = n
            ph = f"[{kind}_{n}]"
            self._by_value[key] = ph
            self.mapping[ph] = value
        return ph


MEMO_CHARS = 256
"""Texts up to this long have their detection remembered (a pure function of the text and the
kinds; the placeholders are still given per redactor): the same short strings (channel names,
outcomes, article titles, approved replies) are masked again in every audit record and check
(issue 18). At most :data:`MEMO_SIZE` of them, in process memory only, as :func:`clean` keeps."""
MEMO_SIZE = 4096


def _detect(text: str, kinds: frozenset[str]) -> Detection | None:
    # Detect on the normalised text (full-width digits, zero-width spaces, look-alike
    # letters folded); a text with nothing to mask comes back exactly as it was.
    text = clean(text)
    spans: list[tuple[int, int, str]] = []  # start, end, kind
    ndigits = len(text) - len(text.translate(_DROP_DIGITS))
    for kind in KINDS:
        if kind in kinds and ndigits >= _MIN_DIGITS[kind]:
            _DETECTORS[kind](text, spans)
    if not spans:
        return None
    taken: list[tuple[int, int, str]] = []
    for span in sorted(spans, key=lambda s: (_PRIORITY[s[2]], s[0], -s[1])):
        if all(span[1] <= t[0] or span[0] >= t[1] for t in taken):
            taken.append(span)
    return text, tuple(sorted(taken))


_detect_memo = lru_cache(maxsize=MEMO_SIZE)(_detect)


def redact(text: str, kinds: Iterable[str] | None = None) -> Redaction:
    """One-shot redaction with a fresh :class:`Redactor`."""
    r = Redactor(kinds)
    return Redaction(r.redact(text), dict(r.mapping))


def redact_for_log(value: object) -> object:
    """Mask every kind in a log field (strings only; other values pass through)."""
    if isinstance(value, str):
        return Redactor().redact(value)
    return value


# -- detectors ----------------------------------------------------------------------------------
# Each appends (start, end, kind) spans to ``spans``; ``Redactor.redact`` resolves overlaps by
# keeping the more sensitive kind (order of KINDS), then the span that starts first.


def _find_secret(text: str, spans: list[tuple[int, int, str]]) -> None:
    pii_rules.find_secrets(text, spans, _SECRET_STOPWORDS)
    low = text.lower()
    if any(cue in low for cue in _SECRET_HINTS):
        for m in _SECRET_CUE.finditer(text):
            v = m.group("v")
            bare = v.strip("\"'").rstrip(".!?)")
            if not m.group("c") and not any(ch.isdigit() for ch in bare):
                continue  # "I changed my password yesterday": no value without a connector
            if not bare or bare.lower() in _SECRET_STOPWORDS or PLACEHOLDER_RE.fullmatch(bare):
                continue
            start = m.start("v")
            spans.append((start, start + len(v.rstrip(".!?)")), "SECRET"))
    if any(cue in low for cue in _ANSWER_HINTS):
        for m in _ANSWER_CUE.finditer(text):
            v = m.group("v").strip()
            if not v or v.lower() in _SECRET_STOPWORDS or _about_the_answer(text, m):
                continue
            start = m.start("v") + (len(m.group("v")) - len(m.group("v").lstrip()))
            inner = _ANSWER_CUE.match(text, start)
            while inner and inner.group("v").strip() and not _about_the_answer(text, inner):
                # (round 18f) a cue naming the question after another cue ("security answer: mother's maiden name is
                # Kowalczyk"): the answer is what the inner cue gives ("Kowalczyk"), so an echo of it alone is found
                v = inner.group("v").strip()
                start = inner.start("v") + (len(inner.group("v")) - len(inner.group("v").lstrip()))
                inner = _ANSWER_CUE.match(text, start)
            named = _QUESTION_THEN_ANSWER.match(v)
            if named:  # "security answer: my mum's maiden name is Kowalczyk": the answer after the question named
                start, v = start + named.start("v"), named.group("v").strip()
            if v.lower() in _SECRET_STOPWORDS:
                continue
            spans.append((start, start + len(v), "SECRET"))


_QUESTION_THEN_ANSWER = re.compile(
    r"(?:(?:my|the|your)\s+)?(?:[\w'’-]+\s+){0,4}?(?:name|word|pet|city|town|school|street|team|car|food|book)\s*(?:\bis\b|\bwas\b|[:=-])\s*(?P<v>\S.*)$", _I)
"""A security question named inside what follows a cue, then its answer ("my mum's maiden name is Kowalczyk",
"first pet's name: Rex"): the answer is what follows the question (round 18f)."""
_SECRET_HINTS = ("pass", "pwd", "pin", "cvv", "cvc", "code", "otp")
_ABOUT_THE_ANSWER = re.compile(
    r"\s*(?:works?|will|would|can|could|should|may|might|must|does|do|instead|also|too|as well|either|then)\b", _I)
_CONNECTED = re.compile(r"(?:\bis|\bwas|[:=-])\s*$", _I)


def _about_the_answer(text: str, m: re.Match[str]) -> bool:
    """A security-answer cue with no connector ("is", ":") followed by a verb or adverb: a sentence
    about the answer ("your security question answer works instead"), not the answer; so is one
    whose bracket closes right after it ("the answer to your security question (your mother's
    maiden name) instead") or that a bracket naming the question follows, with no "is" or ":" after
    the bracket: the question named (fix-15c)."""
    return not _CONNECTED.search(text, m.start(), m.start("v")) and bool(
        _ABOUT_THE_ANSWER.match(text, m.start("v")) or _names_the_question(text, m.start("v")))


def _names_the_question(text: str, at: int) -> bool:
    """A bracket closes at ``at`` (or one naming the question opens there), and no connector follows
    it ("security answer (mother's maiden name) is Okafor" gives the answer after all)."""
    m = _CLOSES.match(text, at)
    return m is not None and not _GIVEN_AFTER.match(text, m.end())


_CLOSES = re.compile(r"\s*(?:[)\]}”’]|\((?:your |the |their )?(?:mother'?s maiden name|first pet'?s name|name of (?:your|their) first pet|memorable word)\))", _I)
"""A bracket or quote closing right after a security-answer cue, or a bracket naming the question
("your security question answer (mother's maiden name) works instead"): the cue names the question."""
_GIVEN_AFTER = re.compile(r"\s*(?:(?:is|was|would be|should be)\b|[:=])", _I)
_ANSWER_HINTS = ("security", "maiden", "pet", "memorable")


def _find_card(text: str, spans: list[tuple[int, int, str]]) -> None:
    pii_rules.find_cards(text, spans)


def _find_iban(text: str, spans: list[tuple[int, int, str]]) -> None:
    pii_rules.find_ibans(text, spans)


def _find_ssn(text: str, spans: list[tuple[int, int, str]]) -> None:
    for m in _SSN.finditer(text):
        spans.append((m.start(), m.end(), "SSN"))
    if _NINO_HINT.search(text):
        for m in _UK_NINO.finditer(text):
            spans.append((m.start(), m.end(), "SSN"))
    pii_rules.find_national_ids(text, spans)


_NINO_HINT = re.compile(r"[A-Za-z]{2} ?\d{2} ?\d{2} ?\d{2} ?[A-Da-d]\b")


def _find_email(text: str, spans: list[tuple[int, int, str]]) -> None:
    if "@" in text:
        for m in _EMAIL.finditer(text):
            spans.append((m.start(), m.end(), "EMAIL"))


def _find_phone(text: str, spans: list[tuple[int, int, str]]) -> None:
    for m in _PHONE.finditer(text):
        if 7 <= len(_digits(m.group(0))) <= 15 and not pii_rules.id_cued(text, m.start()):
            spans.append((m.start(), m.end(), "PHONE"))
    for m in _PHONE_CUE.finditer(text):
        spans.append((m.start("v"), m.end("v"), "PHONE"))
    pii_rules.find_phones(text, spans)


def _find_address(text: str, spans: list[tuple[int, int, str]]) -> None:
    pii_rules.find_eu_addresses(text, spans)
    for m in _ADDRESS.finditer(text):
        end = m.end()
        if m.group(0).endswith(".") and not _ends_abbrev(m.group(0)):
            end -= 1  # a full stop that ends the sentence, not an abbreviation
        spans.append((m.start(), end, "ADDRESS"))


def _ends_abbrev(s: str) -> bool:
    tail = s.rstrip(".").rsplit(None, 1)[-1].lower()
    return tail in {"st", "ave", "rd", "blvd", "ln", "dr", "ct", "pl", "ter", "pkwy", "hwy", "cir", "sq", "trl", "apt", "ste"}


_DROP_DIGITS = str.maketrans("", "", "0123456789")
_MIN_DIGITS = {"SECRET": 0, "CARD": 13, "IBAN": 8, "SSN": 4, "EMAIL": 0, "PHONE": 7, "ADDRESS": 1}
"""Fewest digits a text needs for a detector to run at all (a cheap filter before the regexes)."""

_DETECTORS = {
    "SECRET": _find_secret,
    "CARD": _find_card,
    "IBAN": _find_iban,
    "SSN": _find_ssn,
    "EMAIL": _find_email,
    "PHONE": _find_phone,
    "ADDRESS": _find_address,
}
