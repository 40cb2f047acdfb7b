"""Reply policy: loaded from ``knowledge/policy.yaml`` (reviewed content) and applied to every
suggestion, whichever engine wrote it.

Checks, each deterministic and cheap (no model):

* ``grounded``     every factual sentence is supported by the cited chunks (content-word
  overlap with the chunk text or the article's approved reply, and every number in the
  sentence present in them); greetings, thanks and sign-offs are exempt;
* ``citations``    every cited chunk was retrieved for this request, belongs to an approved
  article, and a reply that states facts cites at least one;
* ``pii``          no personal data beyond what the customer gave in this conversation, and no
  unrestored mask placeholders;
* ``forbidden``    no forbidden commitment (refunds beyond policy, compensation, overriding
  policy, guarantees, liability) and no sign of followed injected instructions;
* ``disclosures``  the disclosures required for the channel, intent or cited topics are there;
* ``tone``         no forbidden phrase, no shouting, at most one exclamation mark;
* ``channel``      length per channel; SMS and voice plain text; e-mail greeting and sign-off.

Customer text and article text are data: nothing here reads instructions from them. The
``escalation`` section decides when the customer's words hand the conversation to a person.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

import msgspec
import yaml

from service.domain.pii import PLACEHOLDER_RE, Redactor, _normalise
from service.domain.text import sentences, stem
from service.continuity.claims import about_customer
from service.errors import InvalidInput
from service.guardrails.claims import Passage, check_claims, facts_of, split_passages
from service.guardrails.normalise import clean, search_any
from service.guardrails.plaintext import UNSAFE
from service.ports import SearchHit

CHANNELS = ("chat", "email", "sms", "voice", "social", "web")
CHECKS = ("grounded", "citations", "pii", "forbidden", "disclosures", "tone", "channel")
SUPPORT_THRESHOLD = 0.6
"""Share of a sentence's content words that must appear in the cited sources."""


class PolicyError(ValueError):
    """policy.yaml is not valid; the message names the field."""


# ---- the policy as data -------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    id: str
    description: str
    patterns: tuple[re.Pattern[str], ...]

    def find(self, text: str) -> list[str]:
        """Matches in the text as written and in its normalised spellings (zero-width
        characters removed, full-width and look-alike characters folded)."""
        return [m.group(0) for p in self.patterns for m in [search_any(p, text)] if m]


@dataclass(frozen=True)
class Disclosure:
    id: str
    text: str
    position: str
    present_if: re.Pattern[str]
    channels: frozenset[str] = frozenset()
    intents: frozenset[str] = frozenset()
    tags: frozenset[str] = frozenset()

    def applies(self, channel: str, intent: str | None, tags: Iterable[str]) -> bool:
        if self.channels and channel not in self.channels:
            return False
        if not self.intents and not self.tags:
            return True
        return bool((intent and intent in self.intents) or (self.tags & set(tags)))


@dataclass(frozen=True)
class Escalation:
    id: str
    queue: str
    action: str
    """``replace`` (the approved reply only) or ``flag`` (normal suggestions plus the flag)."""
    patterns: tuple[re.Pattern[str], ...]
    reply: str = ""
    replies: dict[str, str] = field(default_factory=dict)
    """Per-channel wording of ``reply`` (e.g. a shorter one for ``sms``)."""

    def matches(self, text: str) -> bool:
        return any(search_any(p, text) for p in self.patterns)

    def reply_for(self, channel: str) -> str:
        return self.replies.get(channel) or self.reply


@dataclass(frozen=True)
class Policy:
    id: str
    version: int
    brand: str
    sign_off: str
    length: dict[str, int]
    forbidden: tuple[Rule, ...]
    tone_phrases: tuple[re.Pattern[str], ...]
    max_exclamations: int
    max_shouting_words: int
    acronyms: frozenset[str]
    disclosures: tuple[Disclosure, ...]
    escalations: tuple[Escalation, ...]
    fallback_reply: str

    @property
    def ref(self) -> str:
        return f"{self.id}@{self.version}"

    def escalation_for(self, customer_texts: Sequence[str]) -> Escalation | None:
        """The first escalation whose pattern is in the customer's words (``replace`` first)."""
        joined = "\n".join(customer_texts)
        hits = [e for e in self.escalations if e.matches(joined)]
        hits.sort(key=lambda e: e.action != "replace")
        return hits[0] if hits else None

    def disclosures_for(self, channel: str, intent: str | None, tags: Iterable[str]) -> list[Disclosure]:
        tags = set(tags)
        return [d for d in self.disclosures if d.applies(channel, intent, tags)]

    def approved_texts(self) -> list[str]:
        """Policy text that may appear in a reply as supported content."""
        texts = [d.text for d in self.disclosures] + [e.reply for e in self.escalations if e.reply]
        texts += [r for e in self.escalations for r in e.replies.values()]
        return texts + [self.fallback_reply, self.sign_off, self.brand]

    def max_length(self, channel: str) -> int:
        return self.length.get(channel, self.length.get("chat", 500))


def load_policy(path: Path) -> Policy:
    if not path.is_file():
        raise PolicyError(f"policy file {path} does not exist (ASSIST_POLICY_FILE)")
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise PolicyError(f"{path}: invalid YAML: {exc}") from None
    return parse_policy(raw, str(path))


def parse_policy(raw: Any, source: str = "policy") -> Policy:
    """The policy in ``raw`` (a parsed YAML document); a problem is a :class:`PolicyError`
    naming ``source`` and the field."""
    doc = _shape(raw, source)

    def compile_all(patterns: Sequence[str], where: str) -> tuple[re.Pattern[str], ...]:
        out = []
        for p in patterns:
            try:
                out.append(re.compile(p, re.IGNORECASE))
            except re.error as exc:
                raise PolicyError(f"{source}: {where}: bad pattern {p!r}: {exc}") from None
        return tuple(out)

    for ch, n in doc.length.items():
        if ch not in CHANNELS or n < 40:
            raise PolicyError(f"{source}: length.{ch} must be a known channel with at least 40 characters")
    forbidden = tuple(Rule(r.id, r.description, compile_all(r.patterns, f"forbidden.{r.id}.patterns")) for r in doc.forbidden)
    disclosures = tuple(
        Disclosure(
            id=d.id,
            text=d.text,
            position=d.position,
            present_if=compile_all([d.present_if], f"disclosures.{d.id}.present_if")[0],
            channels=frozenset(d.channels),
            intents=frozenset(d.intents),
            tags=frozenset(d.tags),
        )
        for d in doc.disclosures
    )
    escalations = []
    for e in doc.escalation:
        if e.action == "replace" and not e.reply:
            raise PolicyError(f"{source}: escalation.{e.id}.reply is required when action is replace")
        if any(ch not in CHANNELS or not t.strip() for ch, t in e.replies.items()):
            raise PolicyError(f"{source}: escalation.{e.id}.replies must map known channels to non-empty text")
        escalations.append(Escalation(e.id, e.queue, e.action, compile_all(e.patterns, f"escalation.{e.id}.patterns"), e.reply or "", dict(e.replies)))
    return Policy(
        id=doc.id,
        version=doc.version,
        brand=doc.brand.name,
        sign_off=doc.brand.sign_off,
        length=dict(doc.length),
        forbidden=forbidden,
        tone_phrases=compile_all(doc.tone.phrases or [r"(?!x)x"], "tone.phrases"),
        max_exclamations=doc.tone.max_exclamations,
        max_shouting_words=doc.tone.max_shouting_words,
        acronyms=frozenset(a.upper() for a in doc.tone.acronyms),
        disclosures=disclosures,
        escalations=tuple(escalations),
        fallback_reply=doc.fallback_reply,
    )


# ---- the file's shape ---------------------------------------------------------------------
# Declared once as msgspec Structs; what a shape cannot say (known channels, a reply for
# ``replace``, patterns that compile) is checked in parse_policy. Unknown keys are ignored, at
# the top level (``owner``) and in the sections (a disclosure's notes).

_Text = Annotated[str, msgspec.Meta(min_length=1)]
_Patterns = Annotated[list[str], msgspec.Meta(min_length=1)]


class _BrandDoc(msgspec.Struct):
    name: str = ""
    sign_off: str = "Kind regards"


class _RuleDoc(msgspec.Struct):
    id: _Text
    patterns: _Patterns
    description: str = ""


class _ToneDoc(msgspec.Struct):
    phrases: list[str] | None = None
    """None or empty: no phrase is forbidden."""
    max_exclamations: int = 1
    max_shouting_words: int = 0
    acronyms: list[str] = []


class _DisclosureDoc(msgspec.Struct):
    id: _Text
    text: _Text
    present_if: _Text
    position: Literal["prefix", "suffix"] = "suffix"
    channels: list[str] = []
    intents: list[str] = []
    tags: list[str] = []
    description: str = ""


class _EscalationDoc(msgspec.Struct):
    id: _Text
    patterns: _Patterns
    action: Literal["replace", "flag"] = "flag"
    queue: str = "supervisor"
    reply: str | None = None
    replies: dict[str, str] = {}


class _PolicyDoc(msgspec.Struct):
    version: Annotated[int, msgspec.Meta(ge=1)]
    fallback_reply: _Text
    id: str = "policy"
    brand: _BrandDoc = msgspec.field(default_factory=_BrandDoc)
    length: dict[str, int] = {}
    forbidden: list[_RuleDoc] = []
    tone: _ToneDoc = msgspec.field(default_factory=_ToneDoc)
    disclosures: list[_DisclosureDoc] = []
    escalation: list[_EscalationDoc] = []


_SECTIONS = ("forbidden", "disclosures", "escalation")
"""Lists whose items are named by their ``id`` in a message."""
_REQUIRED = {"version", "fallback_reply", "forbidden.id", "disclosures.id", "disclosures.text", "disclosures.present_if", "escalation.id"}
_WORDING = {
    "version": "must be a positive integer",
    "patterns": "must be a non-empty list of regular expressions",
    "phrases": "must be a non-empty list of regular expressions",
    "present_if": "must be a regular expression",
    "position": "must be prefix or suffix",
    "action": "must be replace or flag",
    "replies": "must map known channels to non-empty text",
}
_EXPECTED = {"str": "text", "int": "a whole number", "object": "a mapping", "array": "a list"}
_AT = re.compile(r" - at (?:`key` in )?`\$(?P<path>[^`]*)`$")
_STEP = re.compile(r"\.(\w+)|\[(\d+|\.\.\.)\]")


def _shape(raw: Any, source: str) -> _PolicyDoc:
    if not isinstance(raw, dict):
        raise PolicyError(f"{source}: must be a YAML mapping")
    # A key left empty in YAML (``tone:``) reads as null: the same as leaving it out. Top-level
    # keys that are not text (``2024: note``) cannot be ours and are ignored like ``owner``.
    doc = _drop_nulls({k: v for k, v in raw.items() if isinstance(k, str)})
    try:
        return msgspec.convert(doc, _PolicyDoc)
    except msgspec.ValidationError as exc:
        raise _shape_problem(str(exc), doc, source) from None


def _drop_nulls(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _drop_nulls(v) for k, v in node.items() if v is not None}
    if isinstance(node, list):
        return [_drop_nulls(v) for v in node]
    return node


def _shape_problem(message: str, doc: dict[str, Any], source: str) -> PolicyError:
    """msgspec's complaint in the policy's words: the field as ``escalation.<id>.reply``."""
    found = _AT.search(message)
    steps = [name or index for name, index in _STEP.findall(found.group("path") if found else "")]
    missing = re.search(r"missing required field `(\w+)`", message)
    if missing:
        steps.append(missing.group(1))
    label: list[str] = []
    """The field as the policy names it (``escalation.self_harm.reply``)."""
    names: list[str] = []
    """The same without the ids (``escalation.reply``)."""
    node: Any = doc
    in_item = False
    for step in steps:
        if step == "..." or (step.isdigit() and not (len(names) == 1 and names[0] in _SECTIONS)):
            in_item = True  # an entry of a plain list or mapping: name the list or mapping
            break
        if step.isdigit():
            node = node[int(step)] if isinstance(node, list) and int(step) < len(node) else None
            name = node.get("id") if isinstance(node, dict) else None
            label[-1] += f".{name}" if name not in (None, "") else "[]"
            continue
        label.append(step)
        names.append(step)
        node = node.get(step) if isinstance(node, dict) else None
    if not label:
        return PolicyError(f"{source}: must be a YAML mapping")
    where, field, key = ".".join(label), names[-1], ".".join(names)
    if names[0] == "length" and isinstance(doc["length"], dict):
        bad = next((k for k, v in doc["length"].items() if not isinstance(k, str) or not isinstance(v, int) or isinstance(v, bool)), "")
        return PolicyError(f"{source}: length.{bad} must be a known channel with at least 40 characters")
    if key in _REQUIRED and not in_item and node in (None, ""):
        return PolicyError(f"{source}: {where} is required")
    if field in _WORDING:
        return PolicyError(f"{source}: {where} {_WORDING[field]}")
    expected = re.match(r"Expected `(\w+)", message)
    kind = _EXPECTED.get(expected.group(1), expected.group(1)) if expected else None
    if kind is None:
        return PolicyError(f"{source}: {where}: {_AT.sub('', message)}")
    return PolicyError(f"{source}: {where} must be {'a list of ' + kind if in_item else kind}")


# ---- what a check looks at ----------------------------------------------------------------


@dataclass
class Candidate:
    """One reply before it may reach an agent."""

    text: str
    citations: list[str]
    """Chunk ids."""
    engine: str
    """``llm``, ``grounded`` or ``policy``."""
    history_citations: list[str] = field(default_factory=list)
    """Stored interaction ids the reply rests on for claims about this customer (issue 14)."""


@dataclass
class Evidence:
    """What a reply may rest on, for one request."""

    channel: str
    hits: dict[str, SearchHit]
    """Retrieved chunks by chunk id (approved, in force, visible to the tenant)."""
    customer_texts: list[str]
    facts: dict[str, str] = field(default_factory=dict)
    """Known facts a reply may repeat (first_name, order_id)."""
    intent: str | None = None
    today: date | None = None
    """The day the reply is sent (articles not in force that day support nothing); None: today."""
    history: dict[str, str] = field(default_factory=dict)
    """Interaction id -> source text: supports claims about this customer, never policy."""


@dataclass
class CheckResult:
    check: str
    passed: bool
    findings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"check": self.check, "passed": self.passed, "findings": self.findings}


@dataclass
class CheckReport:
    results: list[CheckResult]
    support: float = 1.0
    """Mean support of the factual sentences (for the confidence)."""

    @property
    def passed(self) -> bool:
        return all(r.passed for r in self.results)

    def failed(self) -> list[CheckResult]:
        return [r for r in self.results if not r.passed]

    def findings(self) -> list[str]:
        return [f"{r.check}: {f}" for r in self.results for f in r.findings if not r.passed]

    def as_list(self) -> list[dict[str, Any]]:
        return [r.as_dict() for r in self.results]


# ---- text helpers -------------------------------------------------------------------------

_WORD_RE = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_MONEY = re.compile(r"[$€£]\s?\d[\d,.]*|\d[\d,.]*\s?(?:dollars?|usd|eur|euros?|€|£)", re.I)
_NUMBER_RE = re.compile(r"(?<![\w.])\$?\d+(?:[.,]\d+)*%?")
_STOP = frozenset(
    """a an the and or but if then so to of in on at by for with from as is are was were be been being am do does did
    done have has had i you we they he she it me us them my your our their its this that these those there here what
    which who whom whose when where why how can could will would shall should may might must just also too very
    not no yes all any some each every more most much many other such than into out up down over about again once
    only own same both few further own off while until because before after above below between through during
    please let know get got go going sure ok okay thanks thank hi hello dear kind regards happy help glad sorry
    i'm i'll i've we'll we're we've you're you'll you've it's that's there's can't won't don't isn't aren't
    one two need like just now right today anything else something way able make made see look looking check""".split()
)
_COURTESY = re.compile(
    r"^(?:(?:hi|hello|hey|dear|good (?:morning|afternoon|evening))\b.{0,40}|"
    r"(?:many )?thanks?(?: you)?\b.{0,60}|thank you\b.{0,60}|"
    r"(?:i'?m|i am|we'?re|we are) (?:so |very |really )?(?:sorry|happy|glad)\b.{0,60}|"
    r"(?:kind|best|warm) regards\b.*|regards\b.*|sincerely\b.*|best wishes\b.*|"
    r"(?:is there )?anything else (?:i|we) can (?:help|do)\b.*|"
    r"(?:i'?d be |i'?m |we'?re )?(?:happy|glad) to help\b.{0,40}|"
    r"(?:i|we) can help(?: you)?(?: with (?:that|this))?\b.{0,40}|"
    r"have a (?:great|good|nice|lovely) (?:day|evening|weekend)\b.{0,20}|"
    r"let me (?:check|look into)(?: (?:that|this))?(?: for you)?\b.{0,20})$",
    re.IGNORECASE,
)


@lru_cache(maxsize=16384)
def content_words(text: str) -> frozenset[str]:
    """Stemmed content words (memoised: the same chunks and approved texts come back in every
    check)."""
    return frozenset(stem(w) for w in _WORD_RE.findall(text.lower().replace("’", "'")) if w not in _STOP and len(w) > 1 and not w.isdigit())


@lru_cache(maxsize=16384)
def numbers(text: str) -> frozenset[str]:
    return frozenset(n.strip("$%").replace(",", "") for n in _NUMBER_RE.findall(text))


def is_courtesy(sentence: str) -> bool:
    s = sentence.strip().strip("\"'")
    return len(s.split()) <= 14 and not _NUMBER_RE.search(s) and bool(_COURTESY.match(s))


def _squash(text: str) -> str:
    """Lower case without spaces, separators or format characters (to find an echoed secret)."""
    return re.sub(r"[\s.\-_/]", "", clean(text).lower())


def _fill_facts(text: str, facts: dict[str, str]) -> str:
    for key, value in facts.items():
        text = text.replace("{" + key + "}", value)
    return text


# ---- the checker --------------------------------------------------------------------------


class PolicyChecker:
    def __init__(self, policy: Policy, *, disabled: Iterable[str] = ()) -> None:
        """``disabled``: checks reported as passed without running (only for the eval failure
        tests, which must show a metric dropping when a check is off)."""
        self.policy = policy
        self.disabled = frozenset(disabled)
        self._approved_texts = tuple(policy.approved_texts())
        self._approved_words = [content_words(t) for t in self._approved_texts]
        self._approved_word_set = frozenset().union(*self._approved_words, content_words(policy.brand))
        self._approved_numbers = frozenset().union(*(numbers(t) for t in self._approved_texts))

    def check(self, candidate: Candidate, evidence: Evidence) -> CheckReport:
        text = candidate.text
        results: list[CheckResult] = []
        citations = self._citations(candidate, evidence)
        grounded, support = self._grounded(candidate, evidence)
        results.append(grounded)
        results.append(citations)
        results.append(self._pii(text, evidence, self._sources(candidate, evidence)))
        results.append(self._forbidden(text))
        results.append(self._disclosures(text, evidence, candidate))
        results.append(self._tone(text))
        results.append(self._channel(text, evidence.channel))
        if self.disabled:
            results = [CheckResult(r.check, True) if r.check in self.disabled else r for r in results]
        return CheckReport(results, support)

    # -- individual checks --

    def _cited_in_force(self, candidate: Candidate, evidence: Evidence) -> list[SearchHit]:
        """The cited chunks of articles in force on the evidence's day (others support nothing)."""
        today = evidence.today if isinstance(evidence.today, date) else datetime.now(UTC).date()
        day = today.year * 10000 + today.month * 100 + today.day
        out = []
        for c in candidate.citations:
            hit = evidence.hits.get(c)
            if hit is None:
                continue
            payload = hit.payload or {}
            if int(payload.get("effective_from") or 0) > day or int(payload.get("review_by") or 99991231) < day:
                continue
            out.append(hit)
        return out

    def _sources(self, candidate: Candidate, evidence: Evidence) -> list[str]:
        texts: list[str] = []
        seen_articles: set[str] = set()
        for hit in self._cited_in_force(candidate, evidence):
            texts.append(f"{hit.title}. {hit.heading}. {hit.text}")
            if hit.article_id not in seen_articles:
                seen_articles.add(hit.article_id)
                replies = (hit.payload or {}).get("replies") or {}
                texts.extend(_fill_facts(t, evidence.facts) for t in replies.values())
        return texts

    def _passages(self, candidate: Candidate, evidence: Evidence) -> list[Passage]:
        out: list[Passage] = []
        seen_articles: set[str] = set()
        for hit in self._cited_in_force(candidate, evidence):
            context = f"{hit.title} {hit.heading}"
            out += split_passages(hit.text, f"chunk {hit.chunk_id} of {hit.article_id}", context)
            if hit.article_id not in seen_articles:
                seen_articles.add(hit.article_id)
                for channel, t in ((hit.payload or {}).get("replies") or {}).items():
                    out += split_passages(_fill_facts(t, evidence.facts), f"the approved {channel} reply of {hit.article_id}", hit.title)
        for t in self._approved_texts:
            out += split_passages(t, "the policy")
        return out

    def cited_passages(self, candidate: Candidate, evidence: Evidence) -> list[Passage]:
        """The passages of the cited, in-force chunks and their approved replies (for the judge)."""
        return [p for p in self._passages(candidate, evidence) if p.source != "the policy"]

    def _grounded(self, candidate: Candidate, evidence: Evidence) -> tuple[CheckResult, float]:
        """Claim-level grounding (:mod:`service.guardrails.claims`)."""
        sources = self._sources(candidate, evidence)
        facts = list(evidence.facts.values())
        allowed_words = self._approved_word_set.union(*(content_words(s) for s in sources), *(content_words(v) for v in facts))
        # Numbers the customer stated (not amounts) and the known facts (an order id) may be repeated.
        exempt = {f.value for t in evidence.customer_texts for f in facts_of(_MONEY.sub(" ", t)) if f.value[:1].isdigit()}
        exempt |= {f.value for v in facts for f in facts_of(v) if f.value[:1].isdigit()}
        claims = [s for s in sentences(candidate.text) if not any(s.strip() in t for t in self._approved_texts)]
        passages = self._passages(candidate, evidence)
        # The cited interactions support claims about this customer only, never policy.
        history = {i: evidence.history[i] for i in candidate.history_citations if i in evidence.history}
        mine = [c for c in claims if history and about_customer(c)]
        groups = [([c for c in claims if c not in mine], passages, allowed_words)]
        if mine:
            history_words = frozenset().union(*(content_words(h) for h in history.values()))
            history_passages = [p for i, h in history.items() for p in split_passages(h, f"interaction {i}")]
            groups.append((mine, passages + history_passages, allowed_words | history_words))
        findings: list[str] = []
        supports: list[float] = []
        for group, group_passages, words_allowed in groups:
            if not group:
                continue
            result = check_claims(
                group,
                group_passages,
                content_words=content_words,
                loose_support=lambda words, allowed=words_allowed: len(words & allowed) / len(words),
                exempt_numbers=exempt,
            )
            findings += [f"claim not supported: {f}" for f in result.findings]
            supports += result.supports
        mean = sum(supports) / len(supports) if supports else 1.0
        return CheckResult("grounded", not findings, findings), mean

    def _citations(self, candidate: Candidate, evidence: Evidence) -> CheckResult:
        findings = []
        for c in candidate.citations:
            hit = evidence.hits.get(c)
            if hit is None:
                findings.append(f"cited chunk {c!r} was not retrieved for this request")
            elif (hit.payload or {}).get("status", "approved") != "approved":
                findings.append(f"cited chunk {c!r} belongs to an article that is not approved")
        factual = [s for s in sentences(candidate.text) if not is_courtesy(s) and content_words(s)]
        policy_only = all(any(s.strip() in t for t in self._approved_texts) for s in factual)
        if candidate.engine != "policy" and factual and not candidate.citations and not candidate.history_citations and not policy_only:
            findings.append("the reply states facts but cites no chunk")
        return CheckResult("citations", not findings, findings)

    def _pii(self, text: str, evidence: Evidence, sources: Sequence[str] = ()) -> CheckResult:
        findings = []
        published = " ".join(list(sources) + self.policy.approved_texts()).lower()
        placeholders = PLACEHOLDER_RE.findall(text)
        if placeholders:
            findings.append(f"the reply contains masked values ({', '.join(sorted({k for k, _ in placeholders}))})")
        redactor = Redactor()
        redactor.redact(text)
        given = Redactor()
        for t in evidence.customer_texts:
            given.redact(t)
        # A secret the customer typed must never come back, with or without its cue word.
        folded = _squash(text)
        for ph, value in given.mapping.items():
            kind = given.kind_of(ph) or ""
            if kind in ("SECRET", "CARD", "IBAN", "SSN") and len(_squash(value)) >= 3 and _squash(value) in folded:
                findings.append(f"the reply repeats a {kind.lower()} the customer gave; it must never be echoed")
        if redactor.mapping:
            given_values = {(given.kind_of(ph), _normalise(given.kind_of(ph) or "", v)) for ph, v in given.mapping.items()}
            for ph, value in redactor.mapping.items():
                kind = redactor.kind_of(ph) or ""
                if kind == "SECRET" and value.lower() in published:
                    continue  # approved wording the cue-based secret detector mistook for a secret
                if (kind, _normalise(kind, value)) not in given_values:
                    findings.append(f"the reply contains a {kind.lower()} the customer did not give in this conversation")
                elif kind in ("SECRET", "CARD", "IBAN", "SSN"):
                    findings.append(f"the reply repeats a {kind.lower()}; it must never be echoed")
        return CheckResult("pii", not findings, findings)

    def _forbidden(self, text: str) -> CheckResult:
        findings = [f"{rule.id}: {m!r}" for rule in self.policy.forbidden for m in rule.find(text)]
        return CheckResult("forbidden", not findings, findings)

    def _disclosures(self, text: str, evidence: Evidence, candidate: Candidate) -> CheckResult:
        if candidate.engine == "policy":
            return CheckResult("disclosures", True)
        tags = self.cited_tags(candidate, evidence)
        findings = [
            f"required disclosure {d.id!r} is missing" for d in self.policy.disclosures_for(evidence.channel, evidence.intent, tags) if not d.present_if.search(text)
        ]
        return CheckResult("disclosures", not findings, findings)

    @staticmethod
    def cited_tags(candidate: Candidate, evidence: Evidence) -> set[str]:
        return {t for c in candidate.citations if c in evidence.hits for t in (evidence.hits[c].payload or {}).get("tags") or ()}

    def _tone(self, text: str) -> CheckResult:
        findings = [f"tone: {m.group(0)!r}" for p in self.policy.tone_phrases for m in [search_any(p, text)] if m]
        if text.count("!") > self.policy.max_exclamations:
            findings.append(f"{text.count('!')} exclamation marks (at most {self.policy.max_exclamations})")
        shouting = [w for w in re.findall(r"\b[A-Z]{4,}\b", text) if w not in self.policy.acronyms]
        if len(shouting) > self.policy.max_shouting_words:
            findings.append(f"shouting: {', '.join(shouting[:3])}")
        return CheckResult("tone", not findings, findings)

    def _channel(self, text: str, channel: str) -> CheckResult:
        findings = []
        limit = self.policy.max_length(channel)
        if not text.strip():
            findings.append("the reply is empty")
        unsafe = UNSAFE.search(clean(text))
        if unsafe:
            findings.append(f"the reply carries HTML or a script link ({unsafe.group(0)[:40]!r}); replies are plain text")
        if len(text) > limit:
            findings.append(f"{len(text)} characters; {channel} allows {limit}")
        if channel in ("sms", "voice") and re.search(r"[*_`#>\[\]]|^\s*[-+] ", text, re.M):
            findings.append(f"{channel} must be plain text (no Markdown)")
        if channel == "voice" and re.search(r"https?://|www\.", text):
            findings.append("a voice script cannot contain links")
        if channel == "email":
            lines = [ln for ln in text.strip().splitlines() if ln.strip()]
            if not lines or not re.match(r"^(?:hi|hello|dear|good (?:morning|afternoon|evening))\b", lines[0], re.I):
                findings.append("an e-mail starts with a greeting")
            if not re.search(r"(?:regards|sincerely|best wishes|thank you|thanks)[,.]?\s*\n", text, re.I):
                findings.append("an e-mail ends with a sign-off")
        return CheckResult("channel", not findings, findings)


def load_checker(path: Path) -> PolicyChecker:
    try:
        return PolicyChecker(load_policy(path))
    except PolicyError as exc:
        raise InvalidInput(str(exc)) from None
