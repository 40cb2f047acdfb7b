"""Paraphrases read as the sources say them (ninth round, fix-9e), for the loose word checks only:

* staying the same: "your username stays the same", "remains unchanged", "is unchanged" say what
  "changing the name does not change the username" says, and are read as "does not change". Only
  the polarity-keeping forms: the negated ones ("doesn't stay the same") are left as written;
* not there yet: "still missing", "still hasn't shown up", "hasn't come through" say what "credits can
  take up to 7 days to appear" says of a credit or refund not yet seen, and are read as "has not
  appeared" (fourteenth round, fix-14d);
* late: "past due", "overdue" say what "if they are 1 day late" says of a payment (fix-14d);
* a return refused: "I'm unable to accept this return", "we can't take the return back" say what "original
  packaging alone does not qualify a guest return" says, and are read as "the return does not qualify";
  "without a receipt" is "with no receipt" (fix-14d);
* a memorable choice: "something you'll remember", "something easy to remember" is "something
  memorable" ("write it down somewhere you'll remember" is not rewritten).
"""

from __future__ import annotations

import re

_STAYS = re.compile(
    r"(?<!n't )(?<!not )(?<!never )\b(?:"
    r"(?:will |would )?(?:stays?|remains?)\s+(?:exactly |just )?(?:the same|unchanged|as (?:it|they) (?:is|are))"
    r"|(?:is|are|will be)\s+(?:left |kept )?unchanged"
    r"|(?:is|are|will be)\s+(?:left|kept)\s+(?:the same|as (?:it|they) (?:is|are)))\b",
    re.I,
)
_REMEMBERED = re.compile(
    r"\bsomething (?:(?:that )?(?:you'?ll|you will|you can|you'?d) (?:easily )?remember|(?:that'?s |that is )?easy (?:for you )?to remember|"
    r"you won'?t forget)\b", re.I)

_REDIRECT = re.compile(
    r"\b((?:can|could|to|will|'ll|would)\s+)re-?(?:direct|route)\s+((?:it|them|(?:the|your|this|that) (?:order|parcel|package|delivery))\b)", re.I)

_GONE_THROUGH = re.compile(
    r"\b(?:(?:the|that|this|your|my|second|first|other|extra|duplicate|double|[$]?\d[\d.,]*|[\w-]+ dollars?)\s+){0,4}"
    r"(?:payments?|charges?)\s+(?:(?:has|have|had)\s+(?:already\s+)?(?:gone|been put|been taken)|(?:already\s+)?went)\s+through\b", re.I)
"""A payment said to have gone through: paid (only the polarity-keeping forms: "has not gone through" does not match)."""


_NOT_THERE = re.compile(
    r"\b(?:(?:is|'s|are|'re)\s+)?still\s+(?:missing|not\s+(?:there|showing|showing\s+up|visible))\b"
    r"|\b(?:(?:still\s+)?(?:has|have)(?:n't|\s+not)|(?:has|have)\s+still\s+not)\s+(?:yet\s+)?(?:shown\s+up|turned\s+up|come\s+through|appeared|arrived|landed)(?:\s+yet)?\b", re.I)
"""A thing not yet seen ("it's still missing", "it still hasn't shown up"): the sources' "to appear"."""


_OVERDUE = re.compile(r"\b(?:past[- ]due|overdue)\b", re.I)
"""A payment said to be late in other words ("1 day past due", "2 days overdue")."""


_RETURN_REFUSED = re.compile(
    r"\b(?:(?:i|we)(?:'m|'re|\s+am|\s+are)\s+(?:unable|not able)\s+to|(?:i|we)\s+(?:can'?t|cannot|can not|won'?t be able to))\s+"
    r"(?:accept|take|process)\s+(?:this|the|your|that)\s+return(?:\s+back)?\b", re.I)
"""A return refused in the agent's words ("I'm unable to accept this return")."""
_WITHOUT_RECEIPT = re.compile(r"\bwithout\s+(?:a|the|your|any)\s+(receipt|proof of purchase)\b", re.I)


def as_sources_say(text: str) -> str:
    """``text`` with these paraphrases in the sources' words."""
    t = _WITHOUT_RECEIPT.sub(r"with no \1", _RETURN_REFUSED.sub("the return does not qualify", text))
    t = _OVERDUE.sub("late", _NOT_THERE.sub(" has not appeared", _STAYS.sub("does not change", t)))
    t = _REDIRECT.sub(r"\1send \2 to a different address", t)
    t = _GONE_THROUGH.sub("already paid", t)
    return _REMEMBERED.sub("something memorable", t)

