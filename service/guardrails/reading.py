"""How a reply's sentences and clauses are read before their claims are checked (issue 13, ninth round).

Used by :mod:`service.guardrails.claims`:

* :func:`verdict`: a short verbless exclamation giving a verdict ("Not too late at all, Dana!"),
  which rests on the reasons the reply gives;
* :func:`emoji_parts`: chat and social replies often end a sentence with an emoji instead of a
  full stop ("Love that idea 🧵 Name stitching is $10 per item ..."); the parts are read as
  sentences too, so a friendly aside does not dilute the claim after it nor hide it;
* :func:`lead_in`: an opening phrase that names the topic of the clause after it ("For an address
  change, I'll need 3 of 7 details"), or, for a denial, the condition it follows ("If it turns out
  the code isn't valid, we can't replace it for guests"): its words count for that clause;
* :func:`unasked_detail`: in a request for the customer's details, an alternative asked for after
  it ("..., or your PIN if you can't get into that inbox") must name a detail the sources use;
* :func:`unlisted`: an option added to a true list ("a gift card, a paper check, the card on file,
  or your Apple Pay wallet");
* :func:`counted_words`: the letters of the customer's word counted ("Jessamine is nine letters, so it
  fits"), refused when judged to fit a limit it passes;
* :func:`said_again`: a figure the sentence stated, said again of the customer's own item;
* :func:`denied_request`: a request for a detail a source says agents do not take (an example value no
  cited source gives, "for example cedric1987", is :func:`service.guardrails.identifiers.made_up`'s);
* :func:`another_way`: "no receipt needed" where the rule makes the receipt one way among others;
* :func:`one_suffices` (:mod:`~service.guardrails.restatements`): "Only one of those needs to apply", a source's
  any-one rule said again, and the verdict in the customer's words after it ("so your receipt covers it").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from service.guardrails.answers import bare_yes
from service.guardrails.commitments import acts_in
from service.guardrails.contradictions import Sources
from service.guardrails.conversational import ASKING, COMMITMENT_WORD, INTERJECTION, VOCATIVE, verbless_exclamation
from service.guardrails.levels import covers, scope_of
from service.guardrails.lists import list_item
from service.guardrails.numbers import prepare
from service.guardrails.passages import Fact, Passage, facts_of
from service.guardrails.restatements import one_suffices as one_suffices  # read by the claim check with the rest of how a sentence is read
from service.guardrails.restatements import restated
from service.guardrails.secrets import asked_part, secret_asked, secret_requested
from service.guardrails.support import same_fact

Words = Callable[[str], frozenset[str]]
Share = Callable[[frozenset[str]], float]

_EMOJI = "\u2600-\u27bf\U0001f000-\U0001faff"
_EMOJI_BREAK = re.compile(r"(?<=[" + _EMOJI + r"])\s+(?=[A-Z])|(?<=[" + _EMOJI + r"]\ufe0f)\s+(?=[A-Z])")
"""An emoji followed by a capital: the end of a sentence."""
_EMOJI_CHARS = re.compile(r"\s*[" + _EMOJI + r"]\ufe0f?")
_ALTERNATIVE = re.compile(r"or\s+((?:your|the|a|an)\s+(?:[\w'-]+\s+){0,3}?[\w'-]+)(?=\s+(?:if|in case|when|instead|as well)\b|\s*[,.;!?]|\s*$)", re.I)
"""An alternative after a request ("or your PIN if ..."): the detail it names, a short noun phrase."""
_CONDITION_LEAD = re.compile(r"^\W*(?:if|when|once|in case|where)\b", re.I)
_TOPIC_LEAD = re.compile(r"^\W*(?:for|on|about|regarding|when it comes to|as for|in the case of)\s+(?!you\b|me\b|us\b)", re.I)
"""An opening phrase naming the topic of what follows ("For an address change,", "Regarding the fee,")."""


def verdict(sentence: str) -> bool:
    """A short verbless exclamation giving a verdict on the customer's case, with no fact, level
    or commitment word of its own ("Not too late at all, Dana!", "Good news, it's still in time."), or a bare yes
    ("Good news: yes, you can.", :mod:`~service.guardrails.answers`)."""
    s = sentence.strip().strip("\"'")
    s = _VERDICT_SUBJECT.sub("", VOCATIVE.sub("", INTERJECTION.sub("", s) or s))
    t = prepare(s)
    return ((verbless_exclamation(s[:-1] + "!" if s.endswith(".") else s, verdict=True) and not facts_of(t) and scope_of(s) is None
             and not COMMITMENT_WORD.search(t)) or bare_yes(sentence))


_VERDICT_SUBJECT = re.compile(r"^(?:it'?s|it is|you'?re|you are|that'?s|that is)\s+(?=\w)", re.I)


def emoji_parts(sentence: str) -> list[str]:
    """The parts of ``sentence`` between emoji that end a sentence, each without its emoji; one
    part (the sentence as it is) when there is none."""
    parts = _EMOJI_BREAK.split(sentence)
    if len(parts) < 2:
        return [sentence]
    return [p for p in (_EMOJI_CHARS.sub("", part).strip() for part in parts) if p]


def lead_in(text: str, spans: list[tuple[int, int]], i: int, *, condition: bool = False) -> str | None:
    """The opening phrase of ``text`` when clause ``i`` is the one right after it and the phrase
    names a topic (or, with ``condition``, a condition) and states nothing itself; short asides
    between them ("I'm sorry") are passed over."""
    if i < 1 or any(len(text[a:b].split()) > 3 for a, b in spans[1:i]):
        return None
    lead = text[spans[0][0]:spans[0][1]]
    opens = _TOPIC_LEAD.match(lead) or (condition and _CONDITION_LEAD.match(lead))
    if not opens or len(lead.split()) > 10 or facts_of(lead) or scope_of(lead) is not None:
        return None
    return lead


def unasked_detail(sentence: str, spans: list[tuple[int, int]], content_words: Words, loose_support: Share) -> str | None:
    """A request for the customer's details keeps its words in the word check beside the
    alternatives after it, so each alternative ("or your old password if ...") is judged alone:
    every word of the detail it names must be one the cited sources use."""
    if len(spans) < 2 or not ASKING.search(sentence[spans[0][0]:spans[0][1]]):
        return None
    for a, b in spans[1:]:
        m = _ALTERNATIVE.match(sentence, a, b)
        words = content_words(m.group(1)) if m else frozenset()
        if words and loose_support(words) < 1:
            return "a detail asked for that the cited sources do not ask for"
    return None


def unlisted(clause: str, spans: list[tuple[int, int]], text: str, content_words: Words, loose_support: Share) -> str | None:
    """An item of a list of three or more ("a gift card, a paper check, the card on file, or
    your Apple Pay wallet") whose words the cited sources mostly do not give, where at least
    two other items are given: an option added to a true list. The sentence's share of
    supported words hides it; the item is judged alone."""
    item = list_item(clause)
    if item is None or len(spans) < 3:
        return None
    words = content_words(item)
    if len(words) < 2 or loose_support(words) >= 0.5:
        return None
    others = [w for a, b in spans if text[a:b] != clause for it in [list_item(text[a:b])] if it for w in [content_words(it)] if w]
    if sum(loose_support(w) >= 0.5 for w in others) < 2:
        return None
    return "a list item the cited sources do not give"


_RECEIPT_OR = re.compile(r"\bor\b[^.;]{0,60}\breceipt|\breceipt\b[^.;]{0,20}\bor\b", re.I)
"""A rule that makes the receipt one way among others ("within 90 days, or ... the receipt, or ...")."""


def another_way(f: Fact, sentence_facts: list[Fact], passages: Sequence[Passage]) -> bool:
    """"No receipt needed" said of a level whose rule makes the receipt one way among others
    ("within the last 90 days, or the customer has the receipt, or ..."), in a sentence that
    states another of those ways: the receipt is not needed because that way holds."""
    if f.value != "no-receipt" or f.scope is None:
        return False
    others = [o for o in sentence_facts if o.value[:1].isdigit()]
    return any(_RECEIPT_OR.search(p.text) and any(same_fact(x, o) and x.scope is not None and covers(x.scope, f.scope)
                                                  for x in p.facts() for o in others)
               for p in passages if not p.parts)


_COUNT_WORDS = "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty".split()
_COUNTED = re.compile(r"\b(?P<word>[A-Za-z][A-Za-z'-]{1,30})\b,?\s+(?:(?:is|has|at|with|comes to|runs to)\s+)?(?:only\s+|just\s+|exactly\s+)?"
                      r"(?P<n>\d{1,2}|" + "|".join(_COUNT_WORDS) + r")\s+(?:letters|characters)(?:\s+long)?"
                      r"(?P<verdict>,?\s*(?:so\s+)?(?:it\s+|that\s+|which\s+)?(?:fits|will fit|is fine|works|is within (?:the|that) limit)\b)?", re.I)
"""A word of the customer's counted ("Jessamine is nine letters, so it fits", "Alexandria, at ten letters, fits")."""
_CHARACTER_LIMIT = re.compile(r"\bup to (\d{1,2}) characters\b|\b(\d{1,2})[- ]character (?:limit|max)|\b(?:maximum|max|limit) of (\d{1,2}) characters\b", re.I)


def counted_words(sentence: str, customer_words: frozenset[str], content_words: Words) -> list[tuple[str, str, str | None]]:
    """The parts of ``sentence`` that count the letters of a word the customer gave, counted right
    ("Jessamine is nine letters, so it fits"): the customer's case, not a claim. Each comes with its
    count and a finding when it is judged to fit a character limit the sentence states and is longer
    (:func:`~service.guardrails.numbers.prepare` reads "twelve characters" as "12 characters")."""
    out: list[tuple[str, str, str | None]] = []
    for m in _COUNTED.finditer(sentence):
        word, n = m.group("word"), m.group("n").lower()
        count = int(n) if n.isdigit() else _COUNT_WORDS.index(n) + 1
        if not content_words(word) or not content_words(word) <= customer_words or count != sum(c.isalpha() for c in word):
            continue
        limits = [int(x) for lim in _CHARACTER_LIMIT.finditer(prepare(sentence)) for x in lim.groups() if x]
        over = bool(m.group("verdict")) and any(count > limit for limit in limits)
        out.append((m.group(0), str(count), f"the customer's {word!r} has {count} letters, more than the {min(limits)} the sentence allows" if over else None))
    return out


_COUNT_OF_THINGS = re.compile(r"\b(?:\d+|two|three|four|five|six|seven|eight|nine|ten|both|all|each)\s+(?:of\s+(?:your|the|them|these|those)\s+)?"
                              r"(?:[\w-]+\s+)?(?!(?:comes|costs|works|takes|makes|does|goes|runs|fits|needs|means|gets|adds|was|is|has)\b)[a-z]+s\b"
                              r"|\bper\b|\beach\b", re.I)
"""A count of things ("two pairs", "all three shirts", "each"): a price for them is not the price of one."""


def said_again(f: Fact, sentence_facts: list[Fact], clause: str, before: str, content_words: Words) -> bool:
    """A figure the sentence stated before, said again of the customer's own item in a clause
    that counts nothing, commits to nothing and names the thing the figure was stated of ("We hem
    jeans in store for $15 a pair, so taking your 34-inch pair up to a 32 would cost $15"; not "...,
    so your refund will be $15"): the earlier clause is the claim, checked there."""
    if restated(f, sentence_facts, clause, before):
        return True  # "unlimited returns, so there's no time limit on sending them back" (restatements.py)
    if f.scope is not None or not f.value[:1].isdigit() or not _YOURS.search(clause) or _COUNT_OF_THINGS.search(clause):
        return False
    if acts_in(clause, "claim") or not content_words(clause) & content_words(before):
        return False
    return any(o.value == f.value and o.qual == f.qual and o.start < f.start and o.scope is None for o in sentence_facts)


_YOURS = re.compile(r"\byour\b", re.I)


_REQUESTED = re.compile(r"(?:" + ASKING.pattern + r")\s+(?:me\s+|us\s+)?(?P<what>[^.?!]+)", ASKING.flags)
_REQUESTED_LIST = re.compile(r"(?:" + ASKING.pattern + r")\s*:?\s+(?:me\s+|us\s+)?(?P<what>[^.?!]+)", ASKING.flags)
"""A request, or its list run into one sentence ("please reply with: your username the one-time code ..."): read for secrets only."""


def denied_request(sentence: str, sources: Sources, item: str | None = None) -> str | None:
    """A request for a secret (:func:`~service.guardrails.secrets.secret_asked`: the full card number,
    a security code, a password, a PIN, a one-time code) or for a detail that a source says agents do
    not take ("Just send me the new card number" where it says "agents do not take a new card number
    for refunds"): most of the words of what is asked for are found together in a passage part that
    denies it, more than in any part that does not. ``item``: a list item under a request lead-in
    ("please reply with:\n- its security code"), which is what is asked for."""
    parts = sources.texts
    if item is None:
        m, listed = (_REQUESTED.search(sentence), _REQUESTED_LIST.search(sentence)) if ASKING.search(sentence) else (None, None)
        secret = secret_asked(asked_part(listed.group("what")), parts) if listed else None
        secret = secret or secret_requested(sentence, parts)  # "please type your password here", "what's your PIN?"
        if not m:
            return secret
        what = m.group("what")
    else:
        what, secret = item, secret_asked(item, parts, as_item=True)
    said = sources.words(what) if item is None or list_item(item) else frozenset()  # an item that states something asks for nothing
    return (sources.denied(said, "this is not asked for or taken") if len(said) >= 2 else None) or secret
