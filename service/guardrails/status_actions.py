"""An action the reply takes at an order status the sources say is too late for it (issue 13, round 14e).

"Since it has already shipped, I can add the item" where orders-add-item says "In Transit, Out for
Delivery or Delivered: it's too late to add to this order": the reply grounds its commitment on the
order's status, and a source denies that very action at that status. Word overlap finds the Order
Received line ("the item can be added to it directly") and passed it. So a clause in which the agent
(or the customer) can or will do something is held against the status its sentence states (or the
sentence before, when the clause refers back to the order):

* the status is read as the set of shipping statuses it covers: "shipped", "dispatched", "on its
  way" cover In Transit, Out for Delivery and Delivered; "in transit", "out for delivery",
  "delivered" one each; a status said not to hold ("hasn't shipped yet", "isn't out for delivery")
  is none;
* a source part denies the action at a status when it names the status and says it is too late, or
  that the thing can't (or can no longer) be done, with the action's word in that denial or, for a
  bare "it is too late", in the article's title ("Upgrading an order to overnight shipping");
* the clause is refused when every status its sentence covers is one a source denies the action at
  ("shipped, so I can change the payment method" stands: In Transit still allows it).

What the sources give at that status instead ("we can send it in a separate order", "we can add a
credit") is another action, or is said of a separate order, and stands.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

TRANSIT, OUT, DELIVERED = "in transit", "out for delivery", "delivered"
SHIPPED = frozenset({TRANSIT, OUT, DELIVERED})
_STATUS = re.compile(r"\b(?P<t>in transit)\b|\b(?P<o>out for delivery)\b|\b(?P<d>delivered|arrived)\b"
                     r"|\b(?P<s>shipped|dispatched|sent out|on (?:its|the|their) way|left (?:our|the) warehouse)\b", re.I)
"""A shipping status, named or in other words ("already shipped", "on its way")."""
_NOT_BEFORE = re.compile(r"(?:n't|\bnot|\bnever|\bbefore|\buntil|\bunless|\byet to|\bwhether|\bonce)\s+(?:[\w']+\s+){0,5}$", re.I)
"""Words before a status that say it does not hold (yet), or hold it open ("hasn't shipped yet", "once it has shipped")."""
_CAN = re.compile(r"\b(?:i|we|you)(?:'ll| will| can| could|'m able to| am able to|'re able to| are able to| still can)\s+"
                  r"(?:still\s+|also\s+|now\s+|just\s+|easily\s+|definitely\s+|go ahead and\s+)*(?P<v>[a-z]+)"
                  r"|\b(?:it|they|this|that|the \w+|your \w+)\s+(?:can|could|will)\s+(?:still\s+)?be\s+(?P<p>[a-z]+)", re.I)
"""Something the agent or the customer can or will do, or that can be done ("I can add the item", "it can still be upgraded")."""
_NOT_ACTION = frozenset({"not", "never", "be", "have", "need", "check", "look", "let", "see", "confirm", "ask", "find", "help", "try",
                         "make", "get", "keep", "wait", "contact", "reach", "call", "email", "text", "reply", "send", "pass"})
"""Verbs that take no action on the order itself (the checks every reply makes, or a message to the customer)."""
_ELSEWHERE = re.compile(r"\bseparate(?:ly)?\b|\b(?:a |another |new )(?:new )?order\b|\binstead\b|\bcredit\b|\brefund\b|\breturn\b", re.I)
"""The action taken on something other than the order ("as a separate order", "a credit for the fee")."""
_DENIED_BEFORE = re.compile(r"(?:n't|\bnot|\bnothing|\bnever|\bno)\b[^.,;:]*$", re.I)
"""A denial the action is part of ("there isn't anything I can change")."""
_NOT_SHIPPED = re.compile(r"\border received\b|\b(?:has|have|had|is|was)n'?t(?: yet)? (?:shipped|been shipped|left)\b|\bnot (?:yet )?shipped\b"
                          r"|\bbefore it (?:ships|leaves)\b|\bwhile it(?:'s| is) (?:still )?(?:at|in|being)\b", re.I)
"""The clause's own status, one at which the order has not shipped ("while it's at Order Received")."""
_TOO_LATE = re.compile(r"\btoo late\b", re.I)
_CANNOT = re.compile(r"\b(?:can'?t|cannot|can not|could(?:n'?t| not)|no longer|not possible|unable)\b", re.I)
_PIECE = re.compile(r";|,\s*but\b|\bbut\b|\.\s", re.I)
_REFERS = re.compile(r"\b(?:it|this order|that order|your order|the order|to it)\b", re.I)


def statuses(text: str, *, held_open: bool = True) -> frozenset[str]:
    """The shipping statuses ``text`` says hold, each not said not to hold (nor, with ``held_open``,
    held open: "once it has shipped" in a reply is no ground; in a source it is the rule's status)."""
    out: set[str] = set()
    text = text.replace("**", "")
    for m in _STATUS.finditer(text):
        before = _NOT_BEFORE.search(text[max(0, m.start() - 40):m.start()])
        if before and (held_open or not re.match(r"(?:before|until|unless|whether|once)\b", before.group(0), re.I)):
            continue
        out |= {TRANSIT} if m.group("t") else {OUT} if m.group("o") else {DELIVERED} if m.group("d") else SHIPPED
    return frozenset(out)


def _stem(verb: str) -> str:
    """A verb's first letters, its ending dropped ("added" and "add" are "add", "upgraded" is "upgra")."""
    v = verb.lower()
    for suffix in ("ing", "ed", "e"):
        if v.endswith(suffix) and len(v) - len(suffix) >= 3:
            v = v[:-len(suffix)]
            break
    return v[:5]


def _has(stem: str, text: str) -> bool:
    """Does ``text`` name the action ``stem`` stands for (a short stem as a word: "add", not "address")?"""
    tail = r"\w*" if len(stem) >= 5 else r"(?:s|ed|ing|ition)?\b"
    return re.search(r"\b" + re.escape(stem) + tail, text, re.I) is not None


def _actions(clause: str) -> list[str]:
    """The stems of the actions ``clause`` takes or offers, none on another thing than the order."""
    if _ELSEWHERE.search(clause) or _NOT_SHIPPED.search(clause):
        return []
    verbs = [m.group("v") or m.group("p") for m in _CAN.finditer(clause) if not _DENIED_BEFORE.search(clause[max(0, m.start() - 40):m.start()])]
    return [_stem(v) for v in verbs if v and v.lower() not in _NOT_ACTION]


def denied_at(stem: str, passages: Iterable) -> frozenset[str]:
    """The statuses at which a source part says ``stem``'s action can't be done, or is too late."""
    out: set[str] = set()
    for p in passages:
        if getattr(p, "parts", ()) or getattr(p, "source", "") == "the policy":
            continue
        said = statuses(p.text, held_open=False)
        if not said:
            continue
        title = getattr(p, "context", "").lower()
        for piece in _PIECE.split(p.text):
            low = piece.lower()
            if (_CANNOT.search(piece) or _TOO_LATE.search(piece)) and _has(stem, low):
                out |= said
            elif _TOO_LATE.search(piece) and not re.search(r"\bto \w+", low[low.find("too late"):]) and _has(stem, title):
                out |= said
    return frozenset(out)


def too_late(clause: str, sentence: str, before: Sequence[str], passages: Sequence) -> str | None:
    """Why ``clause`` takes an action at a status the sources deny it at (see the module's docstring), or None."""
    stems = _actions(clause)
    if not stems:
        return None
    said = statuses(sentence)
    if not said and before and _REFERS.search(clause):
        said = statuses(before[-1])
    if not said:
        return None
    for stem in stems:
        denied = denied_at(stem, passages)
        if said <= denied:
            where = next((p for p in passages if statuses(p.text, held_open=False) and _has(stem, f"{p.text} {getattr(p, 'context', '')}")
                          and (_TOO_LATE.search(p.text) or _CANNOT.search(p.text))), None)
            quote = f"{where.source}: {where.text.strip()[:80]!r}" if where is not None else "the sources"
            return f"the order's status ({', '.join(sorted(said))}) is one at which {quote} says this can no longer be done"
    return None
