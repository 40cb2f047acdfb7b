"""Lists of numbers that share one head ("most styles come in 30, 32 and 34 inch inseams").

The members of such a list are one claim: the clause is not split between them (:data:`JOINT`,
used by the clause splitter of :mod:`service.guardrails.claims`), so every member must be
stated by the same source passage, and a member no source gives ("30, 32, 34 and 36 inch") is
refused with the clause. A member that is the customer's own figure ("do you have a 36 inch
leg?") is no repetition of their case there: listed beside the source's figures it has become
part of the rule (:func:`listed`).
"""

from __future__ import annotations

import re

_NUM = r"[$€£]?\d+(?:\.\d+)?"
_SEP = r"\s*(?:,\s*(?:(?:and|or)\s+)?|\s+(?:and|or)\s+)"
JOINT = r"(?<=\d)" + _SEP + r"(?=[$€£]?\d)|\s+and\s+a\s+half\b"
"""The joint between two members of a number list: ", ", ", and ", " or " between two figures; and
"and a half" is part of the figure before it ("fourteen and a half"), no clause of its own."""
_LIST = re.compile(r"(?<![\w.$€£])" + _NUM + r"(?:" + _SEP + _NUM + r")+(?![\w.]*\d)", re.I)


def listed(start: int, text: str) -> bool:
    """Is the figure at ``start`` of the prepared ``text`` a member of a list of figures?"""
    return any(m.start() <= start < m.end() for m in _LIST.finditer(text))
