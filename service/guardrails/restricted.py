"""A claim said of every one of a kind of thing that the sources give only some of (issue 13,
ninth round).

"Every boot style is available in wide and extra-wide fits" where the article says 'Styles
marked "W" are available in a wide fit', "All our shirt styles come with brown or black
buttons" where it says "most styles", "We can refund to any card you like" where it says "the
card already on the account": the words are the source's, so the overlap check passes them, but
the source limits the thing ("most", "some", "selected", "marked ...", "already on file") and the
claim says it of all of them. Here a clause that says a thing of every/each/all/any (the last one
only as a free choice: "any card you like") is refused when a passage on the same topic (the
thing's words and a third of the sentence's other words) limits the thing and none says it of every one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from service.domain.text import sentences
from service.guardrails.whatever_case import every_case_action

Words = Callable[[str], frozenset[str]]

_UNIVERSAL = re.compile(
    r"(?<!\bnot )(?<!n't )\b(?:every|each|all(?:\s+of)?(?:\s+(?:our|the|your|these|those))?"
    r"|any(?=\s+(?:[\w-]+\s+){0,2}?(?:you|of your)\s+(?:like|want|prefer|choose|pick)\b))"
    r"\s+(?P<thing>[a-z][\w-]*(?:\s+[a-z][\w-]*)?)", re.I)
"""A quantifier of everything and the thing it quantifies (one or two words)."""
_LIMITS_BEFORE = r"\b(?:most|some|many|certain|selected|select|several|a few|specific|eligible|participating|particular|only)\s+(?:[\w-]+\s+){{0,2}}{thing}"
_LIMITS_AFTER = (r"{thing}\w*\s+(?:[\w\"'“”-]+\s+){{0,2}}?(?:marked|labell?ed|listed|noted|shown|flagged|tagged|already|on file|on (?:the|your|their) account)\b")
_ALL_BEFORE = r"\b(?:every|each|all|any)\s+(?:(?:of\s+)?(?:our|the|your)\s+)?(?:[\w-]+\s+)?{thing}"


def universal_of_some(sentence: str, passages: Iterable, words: Words, brand: str = "") -> str | None:
    """Why ``sentence`` says of every one of a thing what the sources say of some (None if it does
    not). ``brand``: the sender's name (an SMS prefix), no word of the topic."""
    if sentence.rstrip().endswith("?"):
        return None
    passages = list(passages)
    why = every_case_action(sentence, passages)  # "whatever the system shows, we credit any charge"
    if why:
        return why
    for m in _UNIVERSAL.finditer(sentence):
        thing = words(m.group("thing"))
        if not thing:
            continue
        head = _head(m.group("thing"), words)
        if head is None:
            continue
        rest = words(sentence) - thing - words(brand)
        limits = re.compile(_LIMITS_BEFORE.format(thing=re.escape(head)) + "|" + _LIMITS_AFTER.format(thing=r"\b" + re.escape(head)), re.I)
        says_all = re.compile(_ALL_BEFORE.format(thing=re.escape(head)), re.I)
        on_topic = [s for p in passages for s in sentences(p.text)
                    if thing <= words(f"{getattr(p, 'context', '')} {s}") and len(words(s) & rest) * 3 >= len(rest)]
        limited = next((s for s in on_topic if limits.search(s)), None)
        if limited is not None and not any(says_all.search(s) for s in on_topic):
            return f"said of {m.group(0).strip()!r}, but the source limits it: {limited.strip()[:80]!r}"
    return None


def _head(phrase: str, words: Words) -> str | None:
    """The last content word of ``phrase`` as it is written, without a plural "s" ("boot styles": "style")."""
    for w in reversed(phrase.split()):
        if words(w):
            return w[:-1] if w.lower().endswith("s") and len(w) > 3 else w
    return None
