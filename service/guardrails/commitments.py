"""Commitments: the actions a reply promises ("I'll refund you", "your extension is approved")
and the actions a source passage states without denying or forbidding them."""

from __future__ import annotations

import re

from service.guardrails.normalise import same_length_variants

NEGATION = re.compile(r"\b(?:not|no|never|cannot|unable|neither|nor|without|nothing|none)\b|n't\b", re.I)
OWN_STEP = re.compile(r"\b(?:once|after|as soon as|when)\s+(?:i|we)(?:'ve|\s+have)\s+(?:\w+\s+)?\w+ed\b(?:\s+(?:up|into|at|over|through|on))?"
                      r"(?:\s+(?:your|the|this|that|it|them|our)\b(?:\s+[\w-]+){0,3})?(?=\s*(?:[,;.!?]|$))"
                      r"|\b(?:once|when|as soon as)\s+(?:it|that|this)(?:'?s| is| has been|'?s been)\s+"
                      r"(?:done|complete|completed|finished|through|processed|set up|in place|sorted)\b", re.I)
"""The agent's own step a commitment waits for ("once I've checked your account", "after we've pulled
up the order"), or word of when it will report back ("and confirm once it's done"): when it is
done, not whether the customer qualifies (ninth round)."""
_FORBID = re.compile(r"\b(?:avoid|refuse|forbid(?:den)?|prohibit(?:ed)?|don'?t|do not|never|outside (?:these|the) rules)\b", re.I)
ACTS = (("refund", "refund"), ("credit", "credit"), ("reimburs", "reimburse"), ("replac", "replace"), ("compensat", "compensate"),
         ("waiv", "waive"), ("approv", "approve"), ("extend", "extend"), ("extension", "extend"), ("grant", "grant"),
         ("upgrad", "upgrade"), ("cancel", "cancel"), ("remov", "remove"), ("reinstat", "reinstate"), ("adjust", "adjust"),
         ("discount", "discount"), ("voucher", "voucher"), ("exception", "exception"), ("price", "match"), ("match", "match"))
_ACT_WORD = (r"(?:refund|credit|reimburs|replac|compensat|waiv|approv|extend|extension|grant|upgrad|cancel|remov|reinstat|adjust|discount|voucher|exception"
             r"|price[- ]?match(?!ing)|match(?:es|ed|ing)?(?=\s+(?:(?:their|the|that|this|its|his|her|our|another|other|any|a|an|competitor'?s?|"
             r"store'?s?|shop'?s?|retailer'?s?|lower|cheaper|new|sale|online)\s+){0,3}(?:prices?|offers?|deals?)\b))\w*")
"""The actions that move money or bend a rule; matching a price only with its object ("I'll match
their price", "we can price-match that"), never "your details match"."""
_PROMISE = re.compile(
    # "I'll refund you", "we can waive the fee", "my manager will approve it", "I've gone ahead and cancelled it"
    # (round 18f) the person or team named before a relative "who"/"which": "my manager, who will call you back and approve it"
    r"\b(?:i|we|they|he|she|some(?:one|body) (?:from|in|on) (?:my|the|our) [\w-]+(?: team| department)?|(?:my|the|a|our) (?:(?:billing|support|accounts?|returns|refunds?|senior|duty|shift|store|customer care)\s+)?"
    r"(?:manager|supervisor|colleague|team(?: lead| leader)?|department)(?:,?\s+(?:who|which|that))?)"
    r"(?:'ll|'ve|'d|'m going to|'re going to|\s+(?:will|shall|would|can|could|have|has|had|am going to|are going to|is going to|did))?"
    # "I'm happy to match the price", "we're glad to waive it"
    r"(?:(?:'m|'re|\s+am|\s+are)\s+(?:(?:more than|really|very|so)\s+)?(?:happy|glad|able|willing|pleased)\s+to)?"
    r"(?:\s+(?:just|also|still|now|gladly|happily|already|personally|immediately|definitely|certainly|go ahead and|gone ahead and|"
    r"be able to|be happy to|be glad to|make sure to|arrange to|get))*"
    # an action coordinated after another ("a manager will call you and approve an extension", "we'll review it and refund you")
    r"(?:\s+(?:call|ring|phone|contact|email|e-mail|text|message|review|check|look (?:at|into)|get back to|reach out to|speak (?:to|with)|talk (?:to|with))"
    r"\s+(?:you|it|this|that|them|(?:your|the) [\w-]+)(?:\s+back)?(?:\s+(?:today|tomorrow|later|shortly|soon|first))?,?\s+and(?:\s+then)?)?"
    r"\s+(?:(?:issue|give|send|process|arrange|offer|get|make|place|put through|put in|set up|raise|book|lodge|submit|create|start|sent|gave|made|got)(?:ed|d|s|n)?\s+"
    r"(?:you\s+)?(?:(?:a|an|the|your)\s+)?(?:[\w-]+\s+){0,2})?(?P<act>" + _ACT_WORD + r")"
    # "your refund is approved", "the fee will be waived", "it has been cancelled"
    r"|(?:\b(?:is|are|has been|have been|will be|was|were|gets?|got|has|have|had)|'ll be|'ve|'s been)\s+"
    r"(?:(?:now|already|fully|been|always|automatically|usually|normally|simply|just|then|also|still|immediately)\s+)*"
    r"(?P<done>refunded|credited|approved|waived|replaced|reimbursed|compensated|extended|granted|upgraded|cancell?ed|removed|reinstated|adjusted)\b"
    # "you'll get a refund", "you will receive a replacement"
    r"|\byou(?:'ll|\s+will)\s+(?:get|receive|have)\s+(?:(?:a|an|the|your)\s+)?(?:[\w-]+\s+){0,2}(?P<got>" + _ACT_WORD + r")"
    # what a level is entitled to: "guests can get a replacement code", "Bronze members will receive a credit"
    r"|\b(?:you|guests?|(?:gold|silver|bronze) (?:members?|customers?)|(?:all |our )?members|customers|everyone|anyone)"
    r"(?:'ll|\s+(?:will|can|could|may|would)(?:\s+(?:also|still|always|now|then))?)\s+(?:get|receive|have|be (?:given|offered|sent))\s+"
    r"(?:(?:a|an|the|their|your)\s+)?(?:[\w-]+\s+){0,2}(?P<ent>" + _ACT_WORD + r")"
    # a level's entitlement said with "get ... removed": "Bronze members get extra fees removed"
    r"|\b(?:you|guests?|(?:gold|silver|bronze) (?:members?|customers?)|(?:all |our )?members|customers|everyone)\s+(?:get|have|can get|can have|will get|will have)\s+"
    r"(?:[\w$-]+\s+){1,4}?(?P<had>refunded|credited|waived|replaced|removed|cancell?ed|extended|reimbursed)\b"
    # the same actions said in phrasal verbs: "I'll take that fee off", "we'll knock the charge off",
    # "I can drop the fee", "we'll pay you back", "you'll get your money back"
    # and said as done: "we've knocked the fee off", "I dropped the charge", "we've paid you back"
    r"|\b(?:i|we)(?:'ll|'d|'ve|\s+(?:will|would|can|could|shall|have|had))?(?:\s+(?:just|also|now|already|gladly|happily|go ahead and|gone ahead and|went ahead and|"
    r"be able to|be happy to|be glad to))*"
    r"\s+(?:(?:take|took|taken|knock(?:ed)?|strip(?:ped)?|get|got|gotten|wipe[ds]?)\s+(?:(?:that|the|this|those|these|your|its|it|them)\s+)?(?:[\w$.-]+\s+){0,2}?"
    r"(?P<off>fees?|charges?|costs?|amount|surcharge|[$€£]\s?\d[\d,]*(?:\.\d+)?)\s+off"
    r"|(?P<drop>drop(?:ped)?|scrap(?:ped)?|zero(?:ed)? out|write off|wrote off|written off|knock(?:ed)? off|str(?:ike|uck))\s+(?:that|the|this|your)\s+(?:[\w$.-]+\s+)?"
    r"(?:fees?|charges?|surcharge)"
    r"|(?P<back>pa(?:y|id)\s+you\s+back|g(?:ive|ave|iven)\s+you\s+(?:your|the)\s+money\s+back|put\s+(?:the|your)\s+money\s+back))\b"
    r"|\byou(?:'ll|\s+will)\s+get\s+(?:all\s+)?(?P<moneyback>your\s+money\s+back)\b"
    # (round 18f) money said to flow back to the customer's card or account: "the difference will go back on your card",
    # "the extra will be credited to your account", "the balance goes back to your card" (a refund, however it is worded)
    r"|\b(?:the|that|any|your)\s+(?P<flow>difference|balance|remainder|rest|extra|excess|overpayment|savings?|money|amount)"
    r"(?:\s+(?:of|from|on)\s+[\w$.-]+)?\s+(?:will|'ll|would|is going to|should|can)?\s*(?:then\s+|just\s+|automatically\s+)?"
    r"(?:go(?:es)?\s+back|come(?:s)?\s+back|be\s+(?:refunded|credited|returned|paid\s+back|put\s+back|sent\s+back|added(?:\s+back)?)"
    r"|(?:is|gets?)\s+(?:refunded|credited|returned|paid\s+back|put\s+back|sent\s+back))"
    r"(?:\s+back)?\s+(?:on|to|onto|into)\s+(?:your|the)\s+(?:original\s+|same\s+)?(?:card|account|payment(?:\s+method)?|bank(?:\s+account)?|credit\s+card|debit\s+card)\b"
    # ... or said as got back or sent back: "you'll get the difference back on your card", "we'll put the balance back on your card"
    r"|\b(?:you(?:'ll|\s+will)\s+(?:get|receive|see)|(?:i|we)(?:'ll|\s+will|\s+can)\s+(?:send|put|pay|move|transfer|return))\s+(?:the|that|your)\s+"
    r"(?P<flowback>difference|balance|remainder|rest|extra|excess|overpayment|savings?|money|amount)(?:\s+(?:of|from|on)\s+[\w$.-]+)?\s+back"
    r"(?:\s+(?:on|to|onto|into)\s+(?:your|the)\s+(?:original\s+|same\s+)?(?:card|account|payment(?:\s+method)?|bank(?:\s+account)?|credit\s+card|debit\s+card))?\b"
    # (round 18f) stock said to come back: "that'll get the items back in stock within a week", "the jacket will be back in
    # stock next week", "we'll restock it"; no source promises a restock (not "I can't say when it'll be back in stock",
    # "it ships as soon as it's back in stock": a time asked about or a condition, not a promise)
    r"|(?<!\bwhen )(?<!\bwhether )(?<!\bif )(?<!\bonce )(?<!\buntil )(?<!\bsoon as )(?<!\bknow )"
    r"\b(?:i|we|they|it|that|this|(?:the|your|those|these)(?:\s+[\w-]+){1,3}?)"
    r"(?:'ll|\s+will|\s+(?:is|are)\s+going\s+to|'s\s+going\s+to|'re\s+going\s+to|\s+should)\s+(?:(?:definitely|certainly|surely|soon|then|also|be sure to)\s+)?"
    r"(?P<stock>(?:get|have)\s+(?:[\w-]+\s+){0,3}?back\s+in\s+stock|be\s+(?:back\s+in\s+stock|restocked|in\s+stock\s+again|available\s+again)|restock)\b"
    # the action as the outcome of the customer's next step (round 15d): "send your order ID to confirm the refund",
    # "reply and I'll lock in your replacement" (not a check of one: "to confirm the refund went through")
    r"|\b(?:to|and\s+(?:i|we)(?:'ll|\s+will|\s+can)?)\s+(?:confirm|finali[sz]e|lock in|complete|secure)\s+(?:the|your|a|that)\s+"
    r"(?P<confirm>refund|replacement|credit|reimbursement|extension)s?\b(?!\s+(?:status|went|has|have|is|was|were|details|amount|method|request)\b)"
    # the action said as its thing on the move: "a replacement is on its way", "your refund has been sent"
    r"|\b(?P<noun>refund|replacement|credit|voucher|discount|reimbursement|compensation)s?(?: order| pair| item)?"
    r"(?:\s+(?:for|on|of)(?:\s+[\w$.-]+){1,4}?)?\s+"
    r"(?:is|are|has been|have been|will be|was|were|'s|'ll be)\s+(?:now\s+|already\s+|being\s+)?"
    r"(?:on (?:its|their|the) way|sent|issued|processed|arranged|dispatched|shipped|coming|heading your way|added|applied|placed|booked|set up|"
    r"put through|raised|created|started|lodged|submitted)\b",
    re.I)
"""A reply committing to an action that moves money or bends a rule. Such a clause is a claim like
a number: one passage must state the same action (:func:`_act`) without denying it."""
_PHRASAL = {"off": "act:remove", "drop": "act:remove", "back": "act:refund", "moneyback": "act:refund", "flow": "act:refund", "flowback": "act:refund",
            "stock": "act:restock"}
_ACT_IN_SOURCE = re.compile(r"\b" + _ACT_WORD, re.I)
_WANTED = re.compile(r"\b(?:wants?|wanted|wanting|asks? for|asked for|asking for|requests?|requested|requesting|would like|'d like|hopes? for|hoping for"
                     r"|prefers?|expects?|demands?)\b", re.I)
"""What the customer wants ("If the customer wants their shipping fee refunded, ...", "customers who ask
for a refund"): a source that names it grants nothing."""
_CONDITION = re.compile(r"\b(?:if|when|whenever|as long as|provided|unless|once)\b", re.I)
_CLAUSE_START = re.compile(r"[.;:!?]|,\s|\*\*|\bbut\b|\bunless\b", re.I)

def _act(word: str) -> str:
    w = word.lower()
    return "act:" + next(name for prefix, name in ACTS if w.startswith(prefix))


def acts_in(t: str, role: str) -> list[tuple[int, int, str]]:
    """Actions of ``t``: in a claim (``role="claim"``) the ones the reply commits to, not denied
    ("I can't refund" commits to nothing); in a source every mention not denied or forbidden in
    its own clause ("Do not promise the manager will approve an extension" states no approval)."""
    out: list[tuple[int, int, str]] = []
    if role == "claim":
        # read in every spelling the forbidden patterns read ("rеfund" in Cyrillic letters, "r3fund")
        for v in same_length_variants(t):
            for m in _PROMISE.finditer(v):
                name = next(g for g in ("act", "done", "got", "ent", "had", "off", "drop", "back", "moneyback", "flow", "flowback", "stock", "noun", "confirm") if m.group(g))
                if name == "ent" and _CONDITION.search(v):
                    continue  # "Silver members can get an extension only if ...": a rule, judged level by level
                if not NEGATION.search(m.group(0)):
                    act = _act(m.group(name)) if name in ("act", "done", "got", "ent", "had", "noun", "confirm") else _PHRASAL[name]
                    if not any(s == m.start(name) and a == act for s, _, a in out):
                        out.append((m.start(name), m.end(name), act))
        return sorted(out)
    for m in _ACT_IN_SOURCE.finditer(t):
        starts = [x.end() for x in _CLAUSE_START.finditer(t, 0, m.start())]
        at = starts[-1] if starts else 0
        if not NEGATION.search(t, at, m.start()) and not _FORBID.search(t, at, m.start()) and not _WANTED.search(t, at, m.start()):
            out.append((m.start(), m.end(), _act(m.group(0))))
    return out
