"""Paraphrases read as the sources say them (ninth round, fix-9e), for the loose word checks only:

* staying the same: "your username stays the same", "remains unchanged", "is unchanged" say what
  "changing the name does not change the username" says, and are read as "does not change". Only
  the polarity-keeping forms: the negated ones ("doesn't stay the same") are left as written;
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


def as_sources_say(text: str) -> str:
    """``text`` with these paraphrases in the sources' words."""
    t = _STAYS.sub("does not change", text)
    t = _REDIRECT.sub(r"\1send \2 to a different address", t)
    t = _GONE_THROUGH.sub("already paid", t)
    return _REMEMBERED.sub("something memorable", t)

