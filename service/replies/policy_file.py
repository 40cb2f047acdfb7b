"""The reply policy as data: ``knowledge/policy.yaml`` read into :class:`Policy` (forbidden
commitments, tone, disclosures, escalations, channel lengths). The file's shape is declared as
msgspec Structs; msgspec's complaint is said in the policy's own words (``escalation.<id>.reply
is required``); what a type cannot say (known channels, regexes that compile) is checked after.
The checks that apply a policy to a reply are :mod:`service.replies.policy`."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

import msgspec
import yaml

from service.guardrails.normalise import search_each

CHANNELS = ("chat", "email", "sms", "voice", "social", "web")

class PolicyError(ValueError):
    """policy.yaml is not valid; the message names the field."""


# ---- the policy as data -------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    id: str
    description: str
    patterns: tuple[re.Pattern[str], ...]
    unless_offered: bool = False
    """A match is allowed in a sentence whose offer a cited article makes (round 17e: :mod:`service.guardrails.sourced_offers`)."""

    def find(self, text: str) -> list[str]:
        """Matches in the text as written and in its normalised spellings (zero-width
        characters removed, full-width and look-alike characters folded)."""
        return [m.group(0) for m in search_each(self.patterns, text)]


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
        return bool(search_each(self.patterns, text))

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
    forbidden = tuple(Rule(r.id, r.description, compile_all(r.patterns, f"forbidden.{r.id}.patterns"), r.unless_offered) for r in doc.forbidden)
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
    unless_offered: bool = False


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
