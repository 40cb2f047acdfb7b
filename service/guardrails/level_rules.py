"""What a source says level by level, held against a reply that grants more (issue 13, eighth round).

The claim check (:mod:`service.guardrails.claims`) finds a passage that supports each clause; a
source that treats the levels one by one ("Gold members: we start processing the credit anyway.
Silver, Bronze and guests: we can't issue the credit yet") can then support a reply through the
passage of another level or through a general one ("Company error: remove the fee"). These
rules read the passage of the level the reply is about:

* :func:`denied_to_level`: a commitment made without a condition ("I'll remove the fee", "here's
  a new code") for a level whose own passage denies that action ("Bronze members and guests: the
  fee stays ... the agent cannot remove it"). The level is the one the sentence names, else the
  one the customer gave ("I'm just a guest");
* :func:`always_for_conditional_level`: an action said to hold for a level always ("Silver
  members can always get an extension") where that level's passage grants it only on a
  condition ("only if they are 1 day late", "if the amount is less than $10");
* :func:`universal_beyond_levels`: an action said of everyone ("everyone, members and guests
  alike, gets the refund") that the source grants in the same words only to some levels.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from service.guardrails.commitments import ACTS, NEGATION, OWN_STEP, acts_in
from service.guardrails.levels import SUBORDINATE, ALL_LEVELS, segment_spans, level_groups, says_universally, scope_of
from service.guardrails.normalise import clean
from service.guardrails.numbers import prepare
from service.guardrails.waivers import price_to_waived_level

_GIFT = re.compile(
    r"\b(?:here'?s|here is|here are|(?:i|we)(?:'ve|'ll|'d| have| will| can| could| would)?\s+(?:just\s+|also\s+|already\s+|now\s+|gone ahead and\s+)?"
    r"(?:sent|send|emailed|email|texted|text|generated|generate|issued|issue|given|give|gave|created|create|set up|added|add|applied|apply))\s+"
    r"(?:you\s+|your account\s+)?(?:(?:an?|your|the|one|another)\s+)?(?:[\w$%.-]+\s+){0,3}?(?P<code>(?:promo|discount|coupon|voucher|replacement|new|fresh)\s+codes?"
    r"|codes?\b(?=[^.;!?]{0,30}\b(?:on us|off|for you)\b)|codes?\s+on us)",
    re.I)
"""Giving the customer a code ("here's a fresh 20% code on us", "we've sent you a $40 promo code")."""
_CONDITIONAL = re.compile(r"\b(?:if|once|when|whenever|unless|provided|as soon as|as long as|only (?:if|when|after|once))\b", re.I)
_ALWAYS = re.compile(r"\b(?:always|every time|any time|anytime|whatever (?:the|it|you)|no matter)\b", re.I)
_SOURCE_CONDITION = re.compile(r"\b(?:only if|only when|if|unless|provided|as long as|less than|more than|under|over|at least)\b", re.I)
_DENIAL = re.compile(r"\b(?:stays|stay|must wait|not eligible|nothing we can do)\b", re.I)
_OTHERWISE = re.compile(r"^\W*(?:(?:but|and|so)\s+)?(?:if not|if (?:it|that|this|they|so) (?:wasn'?t|isn'?t|weren'?t|aren'?t|doesn'?t|didn'?t|was not|is not|does not|did not)"
                        r"(?:\s+(?:an?|the|our)?\s*(?:[\w-]+\s+){0,3}?(?:error|mistake|fault|case))?|otherwise)\s*,", re.I)
"""A sentence opening on the other case ("If it wasn't, ...", "If not, ...", "Otherwise, ..."): what follows is
said in that case, not on a condition of its own."""
_STEMS = {name: tuple(p for p, n in ACTS if n == name) for _, name in ACTS}


_HURRY = re.compile(r"\b(?:i|we)(?:'ll|'ve|\s+(?:will|can|could|have))?\s+(?:just\s+|now\s+|also\s+)?(?:push(?:ed)?|rush(?:ed)?|fast-track(?:ed)?|speed(?:ed)? up|hurr(?:y|ied))"
                    r"\s+(?:the\s+|your\s+|that\s+|this\s+)?(?P<noun>refund|credit|replacement|extension)", re.I)
"""Hurrying an action along ("we can push the credit through now", "I'll fast-track your refund")."""
_HURRIED = {"refund": "act:refund", "credit": "act:credit", "replacement": "act:replace", "extension": "act:extend"}


def commitments(sentence: str) -> list[str]:
    """The actions ``sentence`` commits to: :func:`acts_in`, giving a code (``act:code``) and
    hurrying an action along."""
    out = [a for _, _, a in acts_in(sentence, "claim")]
    out += [_HURRIED[m.group("noun").lower()] for m in _HURRY.finditer(sentence) if not NEGATION.search(m.group(0))]
    return out + ["act:code"] if _GIFT.search(sentence) else out


def _mentions(text: str, act: str) -> bool:
    stems = ("code",) if act == "act:code" else _STEMS.get(act.removeprefix("act:"), ()) or _STEMS.get(act, ())
    low = text.lower()
    return any(re.search(r"\b" + re.escape(s), low) for s in stems)


@lru_cache(maxsize=4096)
def customer_level(customer_text: str) -> str | None:
    """The one level the customer says they are ("I'm just a guest", "Silver member"), else None."""
    scope = scope_of(customer_text)
    return next(iter(scope)) if scope is not None and len(scope) == 1 else None


def _about(sentence: str, level: str | None) -> frozenset[str] | None:
    scope = scope_of(sentence)
    if scope is not None and scope != ALL_LEVELS:
        return scope
    return frozenset({level}) if level and scope is None else None


def denied_to_level(sentence: str, passages: Iterable, level: str | None) -> str | None:
    """A commitment without a condition for a level whose own passage denies the action."""
    # "once I've checked your account" is the agent's own step, and "if it wasn't" / "if not" the case the
    # source denies the level in: neither makes the commitment conditional (ninth round)
    if _CONDITIONAL.search(_OTHERWISE.sub(" ", OWN_STEP.sub(" ", sentence))) or sentence.rstrip().endswith("?"):
        return None
    acts = commitments(sentence)  # a denied commitment ("I can't remove it") is none
    about = _about(sentence, level) if acts else None
    if not about:
        return None
    for p in passages:
        scope = scope_of(p.text)
        if scope is None or scope == ALL_LEVELS or not about <= scope or acts_in(p.text, "passage") and "act:code" not in acts:
            continue
        for part in _denials(prepare(p.text), about):
            if any(_mentions(part, a) for a in acts):
                return f"{p.source} denies this to {', '.join(sorted(about))}: {part.strip()[:80]!r}"
    return None


_QUALIFIES = re.compile(r"\b(?:covers? (?:it|them|that|this|you|the (?:item|return|order))|qualif(?:y|ies) (?:it|them|you|the)|(?:is|are|'s) enough|counts|"
                        r"means (?:you|it|they) (?:can|qualif))\b", re.I)
"""A condition of the customer's case said to qualify them ("the sealed packaging covers it", "your receipt is enough")."""
_QUALIFIES_IF = re.compile(r"\b(?:qualif(?:y|ies)|(?:is|are) (?:eligible|returnable))\s+(?:(?:for (?:a )?return\s+)?(?:if|when|with|as long as|provided)\b)", re.I)
"""A condition named after "qualifies" ("a guest return qualifies if it's in its original packaging")."""
_ASIDE = re.compile(r"\([^()]*\)")
_CLAUSE_END = re.compile(r"[,;]|\b(?:but|so|and)\b", re.I)


def condition_denied_to_level(sentence: str, passages: Iterable, level: str | None, words) -> str | None:
    """A condition of the customer's case said to qualify them ("the original packaging covers it")
    for a level whose own passage says that condition does not ("Original packaging alone does not
    qualify a guest return"): the level the sentence names, else the customer's (ninth round)."""
    about = _about(sentence, level)
    if not about or not (_QUALIFIES.search(sentence) or _QUALIFIES_IF.search(sentence)):
        return None
    passages = list(passages)
    for clause in _CLAUSE_END.split(prepare(sentence)):
        if not (_QUALIFIES.search(clause) or _QUALIFIES_IF.search(clause)) or NEGATION.search(clause):
            continue
        # the condition is what the clause says qualifies ("the original packaging covers it"), or what
        # follows "qualifies if" ("a return qualifies if it's in its original packaging"); one the passage
        # does not deny ("having the receipt qualifies the return on its own") is no denied condition,
        # though both name the return (tenth round); a pronoun: the whole clause
        cond = _QUALIFIES_IF.search(clause)
        said = (words(clause[cond.end():]) if cond else words(clause[:_QUALIFIES.search(clause).start()])) or words(_QUALIFIES.sub(" ", clause))
        for p in passages:
            scope = scope_of(p.text)
            if not said or scope is None or scope == ALL_LEVELS or not about <= scope:
                continue
            for part in _denials(_ASIDE.sub(" ", prepare(p.text)), about):  # "Guests (no membership): ..." denies nothing
                if said & _condition_words(part, words):
                    return f"{p.source} says this does not qualify {', '.join(sorted(about))}: {part.strip()[:80]!r}"
    return None


_NOT_CONDITION = "return returns item items order orders purchase alone own itself only just guest guests member members bronze silver gold"


def _condition_words(part: str, words) -> frozenset[str]:
    """The words of the condition a denial names ("Original packaging alone does not qualify a guest
    return": original, packaging), not of the thing qualified, the level or "alone": a receipt
    said to qualify the return on its own is another condition (fix-10b)."""
    m = NEGATION.search(part) or _DENIAL.search(part)
    subject = words(part[:m.start()]) - words(_NOT_CONDITION) if m else frozenset()
    return subject or words(part)


def _denials(t: str, about: frozenset[str]) -> list[str]:
    """The parts of ``t`` said of the levels ``about`` that deny in their main clause ("the fee
    stays; the agent cannot remove it"), not in a condition ("if your order hasn't shipped yet, we
    can upgrade it" denies nothing)."""
    out = []
    for a, b, levels, _ in segment_spans(t, list(level_groups(t))):
        main = SUBORDINATE.sub(" ", t[a:b])
        if about <= levels and (NEGATION.search(main) or _DENIAL.search(main)):
            out.append(t[a:b])
    return out


def always_for_conditional_level(sentence: str, passages: Iterable) -> str | None:
    """An action said to hold always for a level whose passage grants it only on a condition."""
    if not _ALWAYS.search(sentence) or _CONDITIONAL.search(sentence):
        return None
    about = scope_of(sentence)
    if about is None or about == ALL_LEVELS:
        return None
    named = {a for _, _, a in acts_in(sentence, "passage")}
    for p in passages:
        scope = scope_of(p.text)
        if scope is None or scope == ALL_LEVELS or not about <= scope or _ALWAYS.search(p.text):
            continue
        if _SOURCE_CONDITION.search(p.text) and named & {a for _, _, a in acts_in(p.text, "passage")}:
            return f"{p.source} grants this to {', '.join(sorted(about))} only on a condition: {p.text.strip()[:80]!r}"
    return None


def universal_beyond_levels(sentence: str, passages: Iterable, words) -> str | None:
    """An action said of everyone that a passage grants, in the sentence's words, to some levels only."""
    if not says_universally(sentence) or _CONDITIONAL.search(sentence):
        return None
    t = prepare(sentence)
    # only the part said of everyone: "Benefits grow with each level; for example, Gold members get ..." names Gold's
    said_of_all = [t[a:b] for a, b, levels, _ in segment_spans(t, list(level_groups(t))) if levels == ALL_LEVELS and says_universally(t[a:b])]
    named = {a for part in said_of_all for _, _, a in acts_in(part, "passage")}
    said = words(sentence)
    for p in passages:
        scope = scope_of(p.text)
        if scope is None or scope == ALL_LEVELS or not named & {a for _, _, a in acts_in(p.text, "passage")}:
            continue
        if len(words(p.text) & said) >= 3:
            return f"{p.source} grants this to {', '.join(sorted(scope))} only"
    return None


def level_findings(sentences: Iterable[str], passages: Iterable, level: str | None, words) -> list[str]:
    """The findings of the three rules for each sentence of a reply (read as the claim check reads it)."""
    passages = list(passages)
    sentences = [clean(s) for s in sentences]
    out = [why] if (why := price_to_waived_level(sentences, passages, level)) else []
    for s in sentences:
        finding = (denied_to_level(s, passages, level) or condition_denied_to_level(s, passages, level, words)
                   or always_for_conditional_level(s, passages)
                   or universal_beyond_levels(s, passages, words) or done_before_the_check(s, passages, level)
                   or granted_to_other_levels(s, passages, level))
        if finding:
            out.append(f"{finding}: {s.strip()!r}")
    return out


_DID = (r"(?:refunded|credited|removed|waived|cancell?ed|sent|issued|applied|added|processed|reimbursed|replaced|extended|approved|adjusted|generated|"
        r"emailed|texted|given|gave|taken|took|knocked|dropped|stripped|wiped|paid|put|set up|arranged|booked|placed|started|upgraded|created)")
_DONE = re.compile(r"\b(?:i|we)(?:'ve|\s+have|\s+had)?\s+(?:just\s+|already\s+|now\s+|also\s+|gone ahead and\s+|went ahead and\s+)?" + _DID + r"\b"
                   r"|\b(?:has|have|'s)\s+(?:now\s+|already\s+|just\s+)?been\s+" + _DID + r"\b", re.I)
"""A commitment said as already done ("we've sent you a code", "I removed the fee", "it has been refunded")."""
_CASE_LABEL = re.compile(r"^\W*\*\*(?P<label>[^*]{1,80}?):?\*\*:?", re.I)
_CASE_WORD = re.compile(r"\b(?:if|when|whenever|once|unless|whether|provided)\b", re.I)


def done_before_the_check(sentence: str, passages: Iterable, level: str | None) -> str | None:
    """A commitment said as already done where every passage that grants the action grants it only
    in a case ("**Company error:** remove the fee", "**The credit is missing:** ... generate a promo
    code", "if it confirms the error, ...") that the reply does not establish: the source makes the
    action depend on a check, and the reply reports it done before it. A case that is the
    customer's own level, or a figure (a threshold, judged by :mod:`service.guardrails.case`), is not
    such a case."""
    if not _DONE.search(sentence) or _CASE_WORD.search(sentence) or sentence.rstrip().endswith("?"):
        return None
    passages = [p for p in passages if p.source != "the policy"]
    cased = [p.text for p in passages if _in_a_case(p.text, level)]  # a sentence of a case's passage is in that case
    for act in dict.fromkeys(commitments(sentence)):
        granting = [p for p in passages if _grants(p.text, act)]
        if granting and all(any(p.text.strip() in c for c in cased) for p in granting):
            return f"{granting[0].source} gives this only in a case the reply does not establish: {granting[0].text.strip()[:80]!r}"
    return None


def _grants(text: str, act: str) -> bool:
    if act == "act:code":
        return _mentions(text, act) and not NEGATION.search(text)
    return act in {a for _, _, a in acts_in(text, "passage")}


def _in_a_case(text: str, level: str | None) -> bool:
    m = _CASE_LABEL.match(text)
    if m:
        label = m.group("label")
        scope = scope_of(label)
        if re.search(r"\d", label) or (scope is not None and level is not None and level in scope):
            return False
        return True
    return bool(_CASE_WORD.search(text))


_HELD_BACK = re.compile(r"\b(?:must wait|wait until|waits?|stays?|cannot|can'?t|not|no longer|only after)\b", re.I)
"""The customer's own case holding the action back ("**Guests:** the customer must wait until the item arrives"): a promise of it
with no level named is then refused; a case that only differs ("**Gold members:** the overnight fee is waived") is no bar."""


def granted_to_other_levels(sentence: str, passages: Iterable, level: str | None) -> str | None:
    """A commitment said as already done for the customer's level where the source gives the action
    under its own label to other levels only ("**Gold, Silver and Bronze members:** refund the extra
    item immediately", "**Guests:** ... wait until the item arrives"): the customer's level has its
    own case, and it is not that one. Said inside an apology or not (ninth round); promised without
    naming a level ("I'll issue a refund now." to a guest) as well as said as done (fix-10e)."""
    if not level or not (_DONE.search(sentence) or commitments(sentence)) or _CASE_WORD.search(sentence) or sentence.rstrip().endswith("?"):
        return None  # done ("I've refunded it") or promised with no level named ("I'll issue a refund now": tenth round, fix-10e)
    about = _about(sentence, level)
    if not about:
        return None
    labelled = []
    for p in passages:
        m = _CASE_LABEL.match(p.text)
        scope = scope_of(m.group("label")) if m else None
        if scope is not None and scope != ALL_LEVELS:
            labelled.append((p, scope))
    for act in dict.fromkeys(commitments(sentence)):
        own = [p for p, scope in labelled if about <= scope]
        others = [p for p, scope in labelled if not (about & scope) and _grants(p.text, act)]
        if own and others and not any(_grants(p.text, act) for p in own) and (_DONE.search(sentence) or any(_HELD_BACK.search(p.text) for p in own)):
            return f"{others[0].source} gives this to other levels only, not {', '.join(sorted(about))}: {others[0].text.strip()[:80]!r}"
    return None
