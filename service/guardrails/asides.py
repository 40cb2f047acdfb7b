"""Conversational asides that carry no policy fact (fourteenth round, fix-14a).

A reply talks to the customer around its facts: a joke about their situation ("Ha, the joys of
baseball season!"), empathy that names the situation ("New phone hassle, I get it"), reassurance
with its reason ("That happens a lot after switching phones, so don't worry"), a closing ("I look
forward to hearing from you."), a summary lead-in ("In short:"), good news the customer told us
said back ("Great news that your return was approved." after "My return was approved"), the
expected result of the advice just given ("That should lift it without damaging the leather.") and
a hedged pick among the options the sources give, with the customer's reason ("Since a printer's
tricky, the store might be easiest.").

None of these states a rule, a level, an amount, a duration or a promise, so none needs a source.
Each is recognised by its form, and only while it carries no fact and no commitment word: the
callers (:func:`service.guardrails.claims.is_conversational` and the loose word check) still read
every figure, level and commitment ("That should get you a full refund", "I look forward to
sending your free replacement", "Great news that your refund was approved" when the customer
never said so are claims as before).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from service.guardrails.conversational import COMMITMENT_WORD, CONTINUATION, FUTURE, VOCATIVE
from service.guardrails.light_asides import light_aside

_VERBLESS = r"(?:(?!(?:is|are|was|were|be|will|can|could|would|should|has|have|had|get|gets|got|we|i|you|it|they)\b)[\w'-]+ ){0,3}"
"""Up to three words with no verb and no subject: a situation named, not a statement about it."""

IRONIC_EXCLAMATION = re.compile(
    r"^(?:(?:ha(?:ha)*|hah|ah+|oh+),?\s+)?(?:oh,?\s+)?the (?:joys?|perils?|fun|wonders?|delights?|thrills?|glamou?r|trials?(?: and tribulations)?|"
    r"highs and lows|adventures?) of\b[^.?!:;]{1,50}!+$", re.I)
"""Humour about the customer's situation ("Ha, the joys of baseball season!", "Ah, the perils of
white sneakers!"): an exclamation with no verb, nothing said of the shop."""
NAMED_HASSLE = re.compile(
    r"^" + _VERBLESS + r"(?:hassle|drama|woes|troubles?|headaches?|stress|pain|nightmare|chaos|struggles?|faff|saga|mix-up|mishap)s?"
    r"\s*[,!.:;—–-]+\s*(?:i (?:totally |completely |really |fully )?(?:get it|understand|hear you|feel you|know)|(?:i'?ve|we'?ve(?: all)?) been there|"
    r"(?:totally |completely )?understandable|(?:so )?annoying|ugh)[.!]*$", re.I)
"""Empathy that names the customer's situation first ("New phone hassle, I get it", "Delivery
drama, I hear you"): the named situation is theirs, the rest is feeling."""
COMMON_SLIP = re.compile(
    r"^(?:(?:that|this|it) (?:happens|is (?:really |very |super |quite )?common)|(?:that'?s|this is|it'?s) (?:really |very |super |quite )?(?:common|normal))"
    r"(?: (?:a lot|all the time|quite a lot|a fair bit|often|quite often|so often|more than you'?d think))?"
    r"(?: (?:after|when|with|if|once|during) [^,.;:!?]{1,50})?"
    r"(?:,? (?:so|and) (?:please )?(?:don'?t worry(?: about it| at all)?|no need to (?:worry|panic|apologi[sz]e)|you'?re not alone|you'?re in good company))?[.!]*$", re.I)
"""Reassurance with its reason ("That happens a lot after switching phones, so don't worry."): how
often the customer's slip happens to people, with what it follows; no figure, no level (a level
or a figure in it makes the sentence a claim before this is read)."""
USUAL_OR_EASY = re.compile(
    r"^(?:(?:oh|ah|ha|ok(?:ay)?),?\s+)?(?:(?:that|this|it|that one|this one)(?:'s| is)\s+)?(?:(?:a|an)\s+)?(?:(?:really|very|super|pretty|quite|fairly|nice(?: and)?|such an?)\s+)?"
    r"(?:common|easy|quick|simple|straightforward|frequent|familiar|usual|routine)\s+"
    r"(?:one|fix|problem|issue|question|thing|request|change|job|mix-up|situation|hiccup|glitch|snag)"
    r"(?:\s+to\s+(?:fix|sort(?: out)?|solve|make|do|handle|ask|deal with|run into))?"
    r"(?:\s+(?:after|when|with|if|once|during|around|for people)\s+[^,.;:!?]{1,50})?"
    r"(?:,?\s+(?:so|and)\s+(?:please\s+)?(?:don'?t (?:worry|panic)(?: about it| at all)?|no need to (?:worry|panic|apologi[sz]e)|you'?re not alone|you'?re in good company))?[.!]*$"
    r"|^(?:(?:that|this|it)(?:'s| is)\s+|(?:it'?s|that'?s)\s+)?(?:no trouble|no bother|not a bother)(?: at all)?[.!]*$"
    r"|^(?:we|i)\s+(?:see|get|hear about)\s+(?:this|that|it)(?: one)?\s+(?:a lot|all the time|quite a lot|quite often|often|a fair bit|every day)"
    r"(?:\s+(?:after|when|with|if|once|during)\s+[^,.;:!?]{1,50})?"
    r"(?:,?\s+(?:so|and)\s+(?:please\s+)?(?:don'?t (?:worry|panic)(?: about it| at all)?|no need to (?:worry|panic|apologi[sz]e)|you'?re not alone|you'?re in good company))?[.!]*$", re.I)
"""How usual or easy the customer's problem is ("That's a common one after a phone switch", "That's
an easy fix", "Quick one to sort", "No trouble at all", "We see this a lot after a move"): a
judgement of the agent's, said of the customer's problem, with no rule, figure, level or promise
(the caller has read none in it; "That's an easy fix: we'll refund you today" is not of this form
and is checked for its refund)."""
CLOSING = re.compile(
    r"^(?:(?:i|we)(?:'m| am|'re| are)? )?(?:look|looking) forward to (?:hearing (?:back )?from you|your (?:reply|response|answer|message)|"
    r"(?:speaking|chatting|talking) (?:with|to) you(?: again)?|helping you(?: further| again)?)(?: (?:soon|again))?[.!]*$"
    r"|^(?:(?:i|we) )?hope to hear (?:back )?from you(?: soon)?[.!]*$|^(?:speak|talk)(?: to you)? soon[.!]*$", re.I)
"""A closing line that waits for the customer ("I look forward to hearing from you."): it commits
to nothing ("I look forward to sending your free replacement" is not of this form)."""
SUMMARY_LEAD_IN = re.compile(
    r"^(?:(?:so|ok(?:ay)?),?\s+)?(?:in (?:short|brief|a nutshell|summary|a word)|briefly|to (?:sum (?:it )?up|summari[sz]e|recap)|"
    r"(?:the |a )?(?:short|quick) (?:version|answer|summary|recap)|the (?:basics|gist)|at a glance)\s*:$", re.I)
"""A summary lead-in ("In short:", "To sum up:", "The short version:"): the items after it are
checked on their own."""
SUMMARY_PREFIX = re.compile(SUMMARY_LEAD_IN.pattern[:-1].replace("^", "^\\s*", 1) + r"\s+(?=\S)", re.I)
"""The same lead-in run into its first item ("In short: returns come first."): the item is checked."""

_ACKNOWLEDGE = re.compile(
    r"^(?:(?:that'?s|what) )?(?:(?:great|good|lovely|wonderful|fantastic|happy|welcome) news|(?:great|good|lovely|nice) to hear|"
    r"(?:(?:i'?m|we'?re|i am|we are|so) )?(?:so |really |very )?(?:glad|happy|pleased)(?: to hear)?)(?: that)?,?\s+"
    r"(?=(?:your|you'?ve|you have|you'?re|you are|the|it'?s|it has|it'?s been|it was)\b)", re.I)
"""The frame of good news said back to the customer ("Great news that ...", "Glad to hear ..."):
what follows is what they told us, or it is a claim."""
_NEGATION = re.compile(r"\b(?:not|never|no)\b|n'?t\b", re.I)

HEDGED_RESULT = re.compile(
    r"^\W*(?:that|this|it|doing (?:that|this)|these steps|those steps)\s+(?:(?:should|ought to)(?:\s+(?:usually|normally|generally|often))?|(?:will\s+)?(?:usually|normally|generally|often)|"
    r"(?:will|would) (?:probably|likely|usually)|is likely to|tends? to)\s+(?:help\s+)?(?:lift|remove|shift|clear|loosen|get|take|work|do the trick|help|fix|"
    r"sort)\b(?:\s+(?:it|them|that|this|the (?:stain|mark|gum|marks|stains|scuff|scuffs)))?(?:\s+(?:off|out|up|away))?"
    r"(?:\s+without\s+(?:damaging|ruining|harming|hurting|marking|staining|scratching|spoiling)\b)?", re.I)
"""The expected result of advice just given ("That should lift it without damaging the leather."):
the steps are the claim and are checked where they stand; the result the customer asked for,
hedged, adds no word to check. What it is done to ("the leather") is still checked, and so is
anything after it ("That should get you a full refund" is read word for word)."""
HEDGED_PICK = re.compile(
    r"\b(?:might|may|could|would|will probably|'d|should)\s+be\s+(?:the\s+)?(?:easiest|simplest|best|quickest|handiest|most convenient|"
    r"least hassle|better|easier|simpler)(?:\s+(?:option|choice|way|bet|route|one))?(?:\s+for you)?\b", re.I)
"""A hedged pick among options ("the store might be easiest"): the option is checked, the
judgement ("might be easiest") is the agent's opinion, no fact."""
HEDGED_FEELING = re.compile(
    r"^\W*(?:so\s+)?(?:(?:on|for) (?:those|such|these|the colder|the warmer|colder|warmer) (?:days|nights|mornings),?\s+)?you (?:may|might|could|will probably|'ll probably|would probably)"
    r" (?:well |still |start to |begin to )?(?:feel|notice) (?:the |a bit of the |some )?(?:cold|chill|heat|difference)\W*$", re.I)
"""What the customer may feel when their case goes past the figure just given ("so on those days you
may feel the cold"): hedged, said of them, no fact; the figure and the comparison are checked."""
THEIR_COMPARISON = re.compile(
    r"^\W*(?P<their>[\w' -]{1,30}?)\s+(?:is|are|'s|would be|will be)\s+(?:(?:a few|a couple of|several|a bit|a little|slightly|much|far|way|quite a bit|a lot)"
    r"(?:\s+(?:degrees?|days?|weeks?|hours?))?\s+)?(?:colder|warmer|longer|later|earlier|lower|higher)\s+than\s+(?:that|this|those)\W*$", re.I)
"""The customer's own figure set against the one just stated ("Minus ten is a few degrees colder than
that"): their words and a comparison; the figure it is compared with is checked where it is stated."""
_NUMBER_WORD = re.compile(r"\b(?:zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|"
                          r"seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred)\b", re.I)
"""The customer's figure in words: what a comparison with "than that" sets against the figure just stated."""
_REASON = re.compile(r"^\W*(?:since|as|because|given (?:that)?|with)\b", re.I)
_FEELING_WORDS = frozenset("""tricky hard difficult awkward pain hassle faff tough annoying problem""".split())


def aside(sentence: str) -> bool:
    """Is ``sentence`` (with no fact and no commitment word, which the caller has checked) a
    conversational aside of a form no source states: humour, named hassle, reassurance with its
    reason, how usual or easy the problem is, a closing, a summary lead-in, or one of
    :func:`~service.guardrails.light_asides.light_aside` (round 17f)?"""
    s = sentence.strip()
    return any(p.match(s) for p in (IRONIC_EXCLAMATION, NAMED_HASSLE, COMMON_SLIP, USUAL_OR_EASY, CLOSING, SUMMARY_LEAD_IN)) or light_aside(s)


def without_summary_lead_in(sentence: str) -> str:
    """A summary lead-in run into its first item ("In short: returns come first.") is left out."""
    return SUMMARY_PREFIX.sub("", sentence, count=1)


def without_names(sentence: str, names: Iterable[str] = (), *, generic: bool = True) -> str:
    """``sentence`` without the customer's name where it only addresses them (round 16b): at the
    start ("Kemal, great news ..."), between commas ("Great news, Kemal, that ..."), at the end
    ("..., Kemal!"), and any one capitalised word after a comma that ends it (:data:`VOCATIVE`), as
    a greeting's name is left out (``generic``: only the names given). A name said as part of a
    claim ("Kemal's order") is kept."""
    s = sentence
    for name in (n.strip() for n in names if n and n.strip()):
        n = re.escape(name)
        s = re.sub(r"^(\W*)" + n + r"\s*,\s*", r"\1", s)
        s = re.sub(r",\s*" + n + r"\s*,\s*", " ", s)
        s = re.sub(r",?\s*\b" + n + r"\b(?=\s*[!.?]*\s*$)", "", s)
    return VOCATIVE.sub("", s) if generic else s


def good_news_frame(sentence: str, names: Iterable[str] = ()) -> bool:
    """Does ``sentence`` open as good news said back ("Great news that ...", "Glad to hear ..."), the
    customer's name left out?"""
    return _ACKNOWLEDGE.match(without_names(sentence, names).strip()) is not None


def acknowledged(sentence: str, customer_words: frozenset[str], content_words: Callable[[str], frozenset[str]], names: Iterable[str] = ()) -> bool:
    """Good news the customer told us, said back ("Great news that your return was approved." after
    "My return was approved"): every content word after the frame is the customer's, with no
    figure, no negation, nothing ahead ("will") and no commitment word the customer did not use
    ("Great news that your refund was approved" after "my return was approved" is a claim). The
    customer's name addressing them is left out (:func:`without_names`)."""
    sentence = without_names(sentence, names)
    m = _ACKNOWLEDGE.match(sentence.strip())
    if not m or not customer_words:
        return False
    rest = sentence.strip()[m.end():]
    words = content_words(rest)
    if not words or not words <= customer_words or re.search(r"\d|[$€£%]", rest) or _NEGATION.search(rest) or FUTURE.search(rest):
        return False
    return all(content_words(c.group(0)) <= customer_words for c in COMMITMENT_WORD.finditer(rest)) and "," not in rest.rstrip(".!")


def situation_spans(text: str, spans: list[tuple[int, int]], empathy: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The clauses that go on describing the customer's situation after an empathy clause ("I'm
    sorry you're locked out, especially when you need to place an order today"): a day in them is
    the customer's plan, not a promise. Only clauses of the customer's own ("you", "your") that
    look no further ahead than they do ("..., especially as we'll reset it today" is a promise)."""
    out = list(empathy)
    for a, b in spans:
        clause = text[a:b]
        if (out and out[-1][1] <= a and any(e[1] <= a for e in empathy) and CONTINUATION.match(clause.strip())
                and re.search(r"\byou(?:'re|'ve|r)?\b", clause, re.I) and not re.search(r"\b(?:we|i|us|our)\b", clause, re.I)
                and not FUTURE.search(clause) and not COMMITMENT_WORD.search(clause)):
            out.append((a, b))
    return out


def their_reason(clause: str, customer_words: frozenset[str], content_words: Callable[[str], frozenset[str]]) -> bool:
    """A reason clause made of the customer's situation ("Since a printer's tricky" after "don't have
    a printer"): its words are theirs or words of difficulty; it states nothing of the shop. So is
    their own figure set against the one just stated (:data:`THEIR_COMPARISON`), every word of it theirs."""
    clause = VOCATIVE.sub("", clause)  # "..., colder than that, Anders." (round 16b)
    if not customer_words or re.search(r"\d|[$€£%]", clause) or COMMITMENT_WORD.search(clause):
        return False
    compared = THEIR_COMPARISON.match(clause)
    if compared:
        words = content_words(compared.group("their"))
        return bool(words) and words <= customer_words and _NUMBER_WORD.search(compared.group("their")) is not None
    if not _REASON.match(clause):
        return False
    words = content_words(_REASON.sub(" ", clause))
    mine, hard = words & customer_words, content_words(" ".join(_FEELING_WORDS))
    # the difficulty is what makes it a reason for a pick: "Since you haven't paid it yet" states the case, checked as ever
    return bool(mine) and bool(words & hard) and words - mine <= hard


def without_hedges(text: str) -> str:
    """``text`` without the expected result of advice and the judgement of a hedged pick, for the
    loose word check (:data:`HEDGED_RESULT`, :data:`HEDGED_PICK`), and what the customer may feel
    past the figure just given (:data:`HEDGED_FEELING`)."""
    bare = VOCATIVE.sub("", text)  # "..., you may feel the cold, Anders." (round 16b)
    text = HEDGED_FEELING.sub(" ", bare) if HEDGED_FEELING.search(bare) else text
    return HEDGED_PICK.sub(" ", HEDGED_RESULT.sub(" ", text))


def good_news_they_denied(sentence: str, customer_texts: Iterable[str], content_words: Callable[[str], frozenset[str]],
                          names: Iterable[str] = ()) -> str | None:
    """Good news said back (:func:`acknowledged`) that the customer told us the other way (round 15d):
    "Great news that your return was approved" after "My return wasn't approved". Its words are the
    customer's, so it passes as said back; the customer's own sentence with those words denies it.
    The customer's name addressing them is left out, as :func:`acknowledged` leaves it out (round 16b)."""
    sentence = without_names(sentence, names)
    m = _ACKNOWLEDGE.match(sentence.strip())
    if not m:
        return None
    rest = sentence.strip()[m.end():]
    said = content_words(rest)
    if not said or _NEGATION.search(rest):
        return None
    for text in customer_texts:
        for part in re.split(r"(?<=[.!?;])\s+|,\s*", text):
            if said <= content_words(part) and _NEGATION.search(part):
                return f"good news the customer said was not so ({part.strip()[:60]!r}): {sentence.strip()[:100]!r}"
    return None
