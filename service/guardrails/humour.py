"""Light humour that carries no policy fact (seventeenth round, fix-17a).

A friendly reply may joke with the customer about their situation or their taste before it gives
the facts: "Ha, the floor-sweeping look isn't for everyone!", "Floor-length denim is a bold look!",
"Nobody wants to mop the floor with their hems!", "Your jeans deserve better than the floor!",
"Haha, tall problems!". No source states such a line, and none needs to: it says nothing of the
shop, no rule, no figure, no level, no promise.

Each form is recognised by its shape, and only while it says nothing of the shop (no "we", "our",
"Northwind", no word of a policy topic such as returns, shipping, prices or hemming: "Ha, hemming
is always on the house!" is a claim). The caller (:func:`service.guardrails.courtesy.is_conversational`)
has already read every figure, level and commitment word in the sentence; the tone check still
reads every joke at the customer's expense ("Ha, maybe learn to read!").
"""

from __future__ import annotations

import re

from service.guardrails.levels import scope_of

_SUBJECT = r"(?:(?:well|honestly|admittedly),?\s+)?(?:(?:the|that|this|those|these|a|an|your)\s+)?(?:[\w'-]+\s+){0,4}?[\w'-]+"
"""What the joke is about, a few words with no verb ("the floor-sweeping look", "floor-length denim")."""
_END = r"(?:,?\s+(?:though|admittedly|after all|to be fair|in fairness|let's be honest))?\s*!+$"

_TASTE = re.compile(r"\bfor (?:everyone|everybody)\b|\beveryone's\b", re.I)
"""Everyone in a matter of taste ("isn't for everyone") names no member level."""
NOT_FOR_EVERYONE = re.compile(
    r"^" + _SUBJECT + r"\s+(?:isn't|is not|aren't|are not|'s not|'re not)\s+(?:(?:really|exactly|quite|always|for sure)\s+)?"
    r"(?:for everyone|for everybody|everyone's (?:cup of tea|style|thing|taste|idea of fun)|for the faint[- ]hearted|for the faint of heart)" + _END, re.I)
"""A matter of taste ("Ha, the floor-sweeping look isn't for everyone!")."""
BOLD_LOOK = re.compile(
    r"^" + _SUBJECT + r"\s+(?:is|are|'s|'re)\s+(?:(?:definitely|certainly|quite|such|always|very much|truly|a bit of)\s+)?(?:(?:a|one)\s+)?"
    r"(?:(?:bold|brave|daring|striking|dramatic|memorable|unique|interesting|strong)\s+)?(?:look|choice|statement|fashion statement|vibe)" + _END, re.I)
"""A wry word on the customer's look ("Floor-length denim is a bold look!", "Dragging hems are a look!")."""
NOBODY_ENJOYS = re.compile(
    r"^(?:no ?one|nobody)\s+(?:really\s+)?(?:wants|likes|enjoys|loves)\s+(?:to\s+)?[^.?!;:]{1,50}!+$", re.I)
"""What nobody enjoys ("Nobody wants to mop the floor with their hems!"): feeling, no fact."""
DESERVE_BETTER = re.compile(r"^your\s+(?:[\w'-]+\s+){0,3}?[\w'-]+\s+deserves?\s+better(?:\s+than\s+[^.?!;:]{1,40})?!+$", re.I)
"""The customer's things deserve better ("Your jeans deserve better than the floor!")."""
LAUGH = re.compile(r"^\W*(?:ha(?:ha)*|hah|he(?:he)+|lol|lmao)\b\s*[,!.]?\s+(?=\S)|[😄😂🤣😆😅😁]", re.I)
"""A laugh that marks a line as a joke ("Ha, ...", "Haha! ...", "... 😄")."""
_EMOJI_END = re.compile(r"[😄😂🤣😆😅😁]\s*$")
"""A laughing emoji that ends a line: it ends it as "!" would."""
_LAUGHED_WORDS = 12
"""A joke marked by a laugh is short: a longer line is a statement with a laugh in front."""

_SHOP = re.compile(
    r"\b(?:we|we're|we've|we'll|we'd|us|our|ours|i|i'll|i'm|i've|i'd|northwind|store|shop|team|staff|tailors?)\b"
    r"|\b(?:return|refund|exchang|swap|ship|deliver|dispatch|courier|parcel|package|order|price|pric|cost|fee|charg|pay|paid|free|extra|"
    r"member|account|warrant|guarantee|polic|receipt|label|day|week|month|year|hour|minute|tomorrow|today|tonight|hemm(?:ing|ed)|alteration|tailor|"
    r"repair|stock|sale|discount|code|voucher|promo|point|reward|track|password|cancel|rule|allow|eligib|include|cover|on the house|"
    r"on us|no charge)\w*", re.I)
"""Anything said of the shop or of a policy topic: a joke with it in is a claim, checked as one."""
_STATUS = re.compile(
    r"^(?:it|it's|it'll|they|they're|they'll|that'll|everything|there|there's)\b"
    r"|\b(?:way|arriv|sent|send|coming|land|soon|ready|done|sorted|fixed|process|back|money|now|already|yet|still|late|early|luck|news|fine|ok|okay|all set|good to go)\w*", re.I)
"""In a line marked only by its laugh, a word of where a case stands ("Ha, it's already on its way!") is a claim."""

_PREDICTION = re.compile(r"\b(?:will|won't|wont|shall|forever|for life|for years|for good|lifetime)\b|\w'll\b", re.I)
"""A line that foretells ("Ha, your jeans will last forever!") says what a product or a case will do: a claim."""


def laughed(sentence: str) -> bool:
    """Is ``sentence`` marked as a joke by a laugh ("Ha, ...", "Haha! ...", an emoji of laughter)?"""
    return LAUGH.search(sentence.strip()) is not None


def light_humour(sentence: str, *, laughing: bool = False) -> bool:
    """Is ``sentence`` (its leading interjection already left out; the caller checks it for figures
    and commitment words, a member level named makes it a claim here) a joke about the customer's
    situation or taste that says nothing of the shop? Its forms: a matter of taste, a wry word on a
    look, what nobody enjoys, what their things deserve. ``laughing``: the original line opened
    with a laugh (or ends with a laughing emoji), so any short exclamation with no word of where a
    case stands is a joke too ("Ha, your jeans clearly have big ambitions!")."""
    s = sentence.strip().replace("’", "'")
    if laughed(s):
        emoji_end = _EMOJI_END.search(s) is not None  # "... isn't for everyone 😄" ends as an exclamation does
        s = LAUGH.sub("", s).strip()
        s = s.rstrip(" .") + "!" if emoji_end and not s.endswith("!") else s
    if not s.endswith("!") or _SHOP.search(s) or _PREDICTION.search(s) or scope_of(_TASTE.sub(" ", s)) is not None:
        return False
    if any(p.match(s) for p in (NOT_FOR_EVERYONE, BOLD_LOOK, NOBODY_ENJOYS, DESERVE_BETTER)):
        return True
    return laughing and len(re.findall(r"[\w'-]+", s)) <= _LAUGHED_WORDS and not _STATUS.search(s)
