"""Tone rules built into the checker, beside the policy file's phrases (``tone.phrases`` of
``knowledge/policy.yaml``): classes of phrasing that are never a tone a reply may take, whatever
the policy lists.

* Hindsight blame: telling the customer what they should have done ("Should have picked the
  right size.", "You really ought to have read the terms", "you were supposed to check it"),
  with or without "you"; "we should have told you" is our apology, and "you should have
  received an email" is information, not blame (only verbs of the customer's own choosing and
  checking count).
"""

from __future__ import annotations

import re

_BLAMED = (r"(?:picked|chosen|chose|selected|checked|double-checked|read|entered|typed|filled|ordered|updated|told us|called|contacted|kept|"
           r"noticed|looked|asked|followed|paid (?:more )?attention|been (?:more )?careful|measured|tracked|thought|known|planned|booked|saved"
           r"|pick|choose|select|check|double-check|enter|type|fill|update|tell us|call|contact|keep|notice|look|ask|follow|pay (?:more )?attention"
           r"|be (?:more )?careful|measure|track|think|know|plan|book|save)")
BLAME = (
    re.compile(r"(?:^|[.!?:;]\s+|,\s*|\b(?:you|well)\s+)(?<!\bwe )(?<!\bi )(?:really\s+|just\s+)?(?:should(?:'ve|\s+have)|ought\s+to\s+have|were\s+supposed\s+to(?:\s+have)?)"
               r"\s+(?:\w+\s+){0,1}?" + _BLAMED + r"\b", re.I),
)
"""Matched like the policy's phrases (:func:`service.guardrails.normalise.search_each`)."""
