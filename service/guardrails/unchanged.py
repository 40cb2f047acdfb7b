"""Staying the same, said as the sources say it (ninth round, fix-9e): "your username stays the
same", "remains unchanged", "is unchanged" say what "changing the name does not change the
username" says, and are read as "does not change" by the word checks.

Only the polarity-keeping forms: "stays the same" is "does not change", never "changes"; the
negated ones ("doesn't stay the same") are left as written, so they find no support.
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


def as_unchanged(text: str) -> str:
    """``text`` with "stays the same" and its kind written "does not change"."""
    return _STAYS.sub("does not change", text)
