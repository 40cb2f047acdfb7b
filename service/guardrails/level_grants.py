"""A commitment the sources grant the customer's level outright (issue 13, eleventh round).

"As a Gold member you can always get an extension, so once I've confirmed your account and order
ID I'll extend it for you": the action (``act:extend``) is said of Gold, and the source grants it
to Gold with no condition ("Gold members: can always get an extension"). The clause's other words
are the identity check every action waits on (confirm the account, the order ID), which the level's
line of the source does not repeat; they are no claim of their own. So a commitment clause is
measured against a level's unconditional grant on its words besides those checks and the action's
own word (:func:`granted_words`). A grant with a condition ("Silver members: only if they are 1 day
late") keeps the full measure, and a level the sources do not grant the action to (Bronze, guests)
finds no passage at all.
"""

from __future__ import annotations

import re

from service.guardrails.levels import covers
from service.guardrails.passages import Fact, Passage

IDENTITY_CHECK = frozenset({"confirm", "verifi", "verify", "check", "look", "account", "order", "id", "usernam", "email", "mail",
                            "detail", "number", "full", "name", "purchas"})
"""Stemmed words of the identity check an action waits on ("once I've confirmed your account and order ID")."""
ACT_STEMS = {"act:extend": ("extend", "extension"), "act:refund": ("refund",), "act:credit": ("credit",),
             "act:replace": ("replac", "replacement"), "act:waive": ("waiv", "waive"), "act:remove": ("remov", "remove")}
"""The stems that name an action, counted by the action itself rather than as words."""
_CONDITIONAL = re.compile(r"\b(?:if|only|when|whenever|as long as|provided|unless|once|within|after|before|up to)\b", re.I)


def unconditional_grant(p: Passage, facts: list[Fact], same_fact: "callable") -> bool:  # type: ignore[valid-type]
    """Does ``p`` grant every one of ``facts`` (all actions, each said of a level) to that level,
    in a line that names the level and sets no condition?"""
    if not facts or not all(f.value.startswith("act:") and f.scope for f in facts) or p.parts:
        return False
    if _CONDITIONAL.search(p.text) or any(neg for _, neg in p.segments()):
        return False
    pf = p.facts()
    return all(any(same_fact(x, f) and x.scope is not None and covers(x.scope, f.scope) for x in pf) for f in facts)


def granted_words(words: frozenset[str], facts: list[Fact]) -> frozenset[str]:
    """A commitment clause's words, less its identity check and its actions' own words."""
    named = {s for f in facts for s in ACT_STEMS.get(f.value, (f.value[4:],))}
    return frozenset(w for w in words - IDENTITY_CHECK if not any(w.startswith(s) for s in named))
