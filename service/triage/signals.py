"""What a ticket says besides its intent, read offline: urgency signals that raise the
priority (outage, legal threat, cancellation, fraud, safety, repeated contact, very negative
tone), the language, the sentiment and a one-line summary."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from service.intents.taxonomy import PRIORITIES
from service.triage.payloads import Ticket

# ---- urgency and priority -------------------------------------------------------------------------

URGENCY_RULES: tuple[tuple[str, str, re.Pattern[str]], ...] = (
    # (signal, priority floor, pattern)
    ("legal_threat", "urgent", re.compile(
        r"\b(lawyer|attorney|solicitor|legal action|lawsuit|sue (you|your|the (company|store|shop))|suing"
        r"|take (you|this|it) to court|(see you|in|to) court|small claims"
        r"|consumer protection|trading standards|better business bureau|\bbbb\b|ombudsman|regulator)\b", re.I)),
    ("outage", "urgent", re.compile(
        r"\b(outage|site (is )?down|website (is )?down|app (is )?down|(is|are) down for everyone|nobody can|no one can"
        r"|can'?t access (the|your) (site|website|app)|completely (down|broken)|500 error|server error|everything is broken)\b", re.I)),
    ("safety", "urgent", re.compile(r"\b(injur(ed|y)|burn(ed|t)|caught fire|on fire|allergic reaction|rash|hospital|choking|hazard)\b", re.I)),
    ("fraud", "high", re.compile(r"\b(fraud|fraudulent|unauthori[sz]ed|stolen card|identity theft|hacked|scam(med)?|never (bought|ordered|placed))\b", re.I)),
    ("cancellation", "high", re.compile(
        r"\b(cancel (my|the) (account|subscription|membership|plan)|close my account|delete my account|never (shop|order|buy)ing"
        r" (here|from you) again|switch(ing)? to (another|a different) (store|shop|retailer)|taking my business elsewhere"
        r"|chargeback|dispute (the|this) charge with my bank)\b", re.I)),
    ("repeat_contact", "high", re.compile(
        r"\b((third|3rd|fourth|4th|fifth|5th) time|(contacted|called|emailed|written to) you (\w+ )?(times|again)"
        r"|still (no|haven'?t|waiting)|no one (has )?(replied|responded|answered)|nobody (has )?(replied|responded|answered))\b", re.I)),
)


def urgency_signals(texts: Sequence[str]) -> list[str]:
    joined = "\n".join(texts)
    return [name for name, _, pattern in URGENCY_RULES if pattern.search(joined)]


def raise_priority(default: str, signals: Sequence[str], sentiment_label: str) -> str:
    level = PRIORITIES.index(default) if default in PRIORITIES else 1
    floors = {name: floor for name, floor, _ in URGENCY_RULES}
    for s in signals:
        level = max(level, PRIORITIES.index(floors[s]))
    if sentiment_label == "very_negative":
        level = min(level + 1, len(PRIORITIES) - 1) if level < PRIORITIES.index("high") else level
    return PRIORITIES[level]


# ---- language (offline, stop-word profile) -----------------------------------------------------------

_STOPWORDS = {
    "en": "the and is are you your my i it to of in for on with this that have not was can please thanks order".split(),
    "es": "el la los las de que y en un una es por para con no mi su pedido gracias hola quiero por favor pero".split(),
    "fr": "le la les de des et est un une je pas pour que vous mon ma commande merci bonjour avec sur ne".split(),
    "de": "der die das und ist ich nicht ein eine zu mit für mein meine bestellung danke hallo sie auf es".split(),
    "pt": "o a os as de que e em um uma é não para com meu minha pedido obrigado olá por você".split(),
    "it": "il lo la gli le di che e un una è non per con mio mia ordine grazie ciao sono ho".split(),
    "nl": "de het een en is ik niet van voor met mijn bestelling bedankt hallo u op dat zijn".split(),
}
_STOP_SETS = {lang: set(words) for lang, words in _STOPWORDS.items()}
_WORD_RE = re.compile(r"[a-zà-ÿäöüßñç']+", re.I)


def detect_language(texts: Sequence[str]) -> str:
    """ISO 639-1 code of the most likely language among en, es, fr, de, pt, it, nl; ``und``
    when the text is too short or matches none."""
    words = [w.lower() for t in texts for w in _WORD_RE.findall(t)]
    if len(words) < 2:
        return "und"
    scores = {lang: sum(1 for w in words if w in stop) for lang, stop in _STOP_SETS.items()}
    best = max(scores, key=lambda k: scores[k])
    ranked = sorted(scores.values(), reverse=True)
    if ranked[0] == 0 or (ranked[0] == ranked[1] and len(words) < 6):
        return "und"
    return best


# ---- sentiment (lexicon with negation) -------------------------------------------------------------

_POSITIVE = set("""thanks thank great good love excellent happy amazing awesome perfect appreciate helpful pleased
glad wonderful fantastic nice satisfied quick fast easy best""".split())
_NEGATIVE = set("""bad terrible awful horrible worst angry upset annoyed annoying frustrated frustrating disappointed
disappointing useless ridiculous unacceptable disgusting broken wrong late never poor rude scam furious hate
sick tired waste fed joke pathetic incompetent outrageous missing damaged defective stained problem issue""".split())
_STRONG = set("""worst furious unacceptable disgusting outrageous pathetic incompetent scam hate ridiculous horrible""".split())
_NEGATORS = set("not no never dont don't isn't wasn't aren't can't cannot won't didn't hardly".split())


def sentiment(texts: Sequence[str]) -> dict[str, Any]:
    """Lexicon score in [-1, 1] with simple negation; label very_negative, negative, neutral or positive."""
    score = 0.0
    hits = 0
    strong = 0
    for text in texts:
        words = [w.lower() for w in _WORD_RE.findall(text)]
        for i, w in enumerate(words):
            value = 1.0 if w in _POSITIVE else -1.0 if w in _NEGATIVE else 0.0
            if not value:
                continue
            if any(p in _NEGATORS for p in words[max(0, i - 3):i]):
                value = -0.5 * value
            if w in _STRONG:
                value *= 2
                strong += 1
            score += value
            hits += 1
        exclaim = text.count("!")
        caps = sum(1 for w in text.split() if len(w) > 3 and w.isupper())
        if score < 0 and (exclaim >= 2 or caps >= 2):
            score -= 1.0
    norm = max(-1.0, min(1.0, score / max(3.0, hits))) if hits else 0.0
    if norm <= -0.5 or strong >= 2:
        label = "very_negative"
    elif norm < -0.1:
        label = "negative"
    elif norm > 0.2:
        label = "positive"
    else:
        label = "neutral"
    return {"label": label, "score": round(norm, 3)}


# ---- one-line summary ----------------------------------------------------------------------------

_SENT_RE = re.compile(r"(?<=[.!?])\s+")


def one_line_summary(ticket: Ticket, intent_description: str | None, signals: Sequence[str], *, max_len: int = 160,
                     redact: Callable[[str], str] | None = None) -> str:
    """``<what the customer wants>: "<their latest words>" [signals]`` on one line, PII masked."""
    latest = next((m.text for m in reversed(ticket.messages) if m.role == "customer"), "") or ticket.subject
    first = _SENT_RE.split(latest.strip())[0] if latest else ""
    if redact:
        first = redact(first)
    head = intent_description.rstrip(".") if intent_description else "Needs routing"
    quote = first if len(first) <= 90 else first[:87].rstrip() + "..."
    line = f'{head}: "{quote}"' if quote else head
    if signals:
        line += " [" + ", ".join(s.replace("_", " ") for s in signals) + "]"
    line = " ".join(line.split())
    return line if len(line) <= max_len else line[: max_len - 3].rstrip() + "..."
