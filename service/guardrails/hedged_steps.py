"""Two hedged sentences that state no rule of ours (issue 13, round 18e).

* **A hedged lead-in to the customer's own steps** ("Both can usually be sorted at home.", "It can
  often be fixed yourself."): a summary of the care steps that follow, hedged ("usually", "often",
  "generally"), whose verb is something the customer does themselves (sorted, fixed, cleaned,
  lifted, dealt with; "removed" is a commitment word of its own). It names no fee, figure, level or promise: the steps after it are checked
  on their own. "Both can be repaired free of charge at home." (a fee waived, no hedge) and "Both
  are covered by our warranty." (a policy, not a step) are not this form.
* **A safe, generic security step advised** ("If so, I'd recommend resetting your password.", "To be
  safe, you may want to change your password."): a password reset or change, or turning on two-step
  verification, in the frame of advice, after an optional condition on the customer's case. The
  step can only protect the customer and grants nothing. What the password is reset with is never
  part of the form ("... using the link in that email" is checked as any claim), nor is sharing or
  sending it.

The caller, :func:`service.guardrails.courtesy.is_conversational`, first refuses any sentence with a
figure, a level or a commitment word ("I'd recommend a refund of $40.", "If so, I'd recommend
resetting your password and we'll refund the $40.").
"""

from __future__ import annotations

import re

_HEDGE = r"(?:usually|often|generally|normally|typically|mostly|probably|likely|most likely|in most cases)"
_OWN_FIX = (r"(?:sorted(?:\s+out)?|fixed|dealt\s+with|handled|taken\s+care\s+of|cleaned(?:\s+(?:up|off))?|lifted(?:\s+(?:out|off))?|"
            r"got(?:ten)?\s+(?:out|off)|brushed\s+(?:out|off)|wiped\s+(?:off|away|clean)|rescued|saved|treated)")
"""What the customer does to a mark or a snag themselves ("sorted", "cleaned off", "lifted out"); never
"repaired" or "replaced", which could be a service of ours."""
_AT_HOME = (r"(?:\s+(?:at\s+home|yourself|by\s+yourself|on\s+your\s+own|with\s+(?:a\s+few|some)\s+(?:simple|easy|quick)\s+steps"
            r"|with\s+(?:a\s+(?:bit|little)\s+of|some|a\s+little)\s+(?:care|patience|effort)|without\s+much\s+(?:fuss|trouble|effort))){0,2}")
HEDGED_LEAD_IN = re.compile(
    r"^\W*(?:(?:good\s+news|the\s+good\s+news\s+is)\s*[,:—–-]?\s*)?(?:(?:and|so)\s+)?"
    r"(?:both(?:\s+of\s+(?:them|those|these))?|either|each|it|they|that|this|these|those|most\s+(?:of\s+(?:it|them|these|those)|marks|stains)"
    r"|the\s+(?:mark|marks|stain|stains|spot|spots|scuff|scuffs|gum|paint|mud|salt(?:\s+lines?)?))\s+"
    r"(?:can|could|should|will|'ll)\s+" + _HEDGE + r"\s+be\s+" + _OWN_FIX + _AT_HOME + r"\s*[.!:]*$", re.I)
"""A hedged summary of the customer's own steps that follow: "Both can usually be sorted at home."
(no "always", no fee, no service of ours)."""

_CONDITION = (r"(?:(?:if\s+so|if\s+you\s+did|if\s+that'?s\s+the\s+case|if\s+you\s+(?:did\s+)?(?:click(?:ed)?|tap(?:ped)?|open(?:ed)?|follow(?:ed)?)"
              r"\s+(?:on\s+)?(?:it|that|the|any|a)\b[^,;.!?]{0,30}|just\s+in\s+case|to\s+be\s+(?:safe|on\s+the\s+safe\s+side)|as\s+a\s+precaution)\s*,?\s+)")
"""A condition on the customer's case or a hedge ("If so,", "If you clicked the link,", "To be safe,")."""
_ADVISE = (r"(?:(?:i|we)(?:'d|\s+would)?\s+(?:(?:strongly|also|really)\s+)?(?:recommend|suggest|advise)(?:\s+that)?(?:\s+you)?"
           r"|(?:it'?s|it\s+is|it'?d\s+be|it\s+would\s+be)\s+(?:a\s+)?(?:good|wise|sensible|smart)\s+(?:idea\s+)?to"
           r"|you\s+(?:may|might)\s+(?:want|wish|like)\s+to|you\s+should|(?:please\s+)?(?:do\s+)?(?:make\s+sure\s+(?:to|you))|please)")
_STEP = (r"(?:reset(?:ting)?|chang(?:e|ing)|updat(?:e|ing))\s+(?:your|the)\s+(?:account\s+)?password"
         r"|(?:turn(?:ing)?\s+on|enabl(?:e|ing)|set(?:ting)?\s+up|switch(?:ing)?\s+on)\s+(?:two-factor|two-step|2-step|2fa)(?:\s+(?:authentication|verification))?"
         r"|a\s+password\s+(?:reset|change)")
_WHEN = (r"(?:\s+(?:straight\s+away|right\s+away|now|soon|as\s+soon\s+as\s+(?:you\s+can|possible)|as\s+a\s+precaution|to\s+be\s+safe"
         r"|to\s+be\s+on\s+the\s+safe\s+side|just\s+in\s+case|in\s+your\s+account\s+settings|from\s+your\s+account(?:\s+settings)?))*")
SECURITY_STEP = re.compile(r"^\W*" + _CONDITION + r"?" + _ADVISE + r"\s+(?:" + _STEP + r")" + _WHEN + r"\s*[.!]*$", re.I)
"""Advice to take a safe, generic security step: "If so, I'd recommend resetting your password." (never how or with what)."""


def hedged_lead_in(sentence: str) -> bool:
    """Is ``sentence`` (all of it) a hedged summary of the customer's own steps (:data:`HEDGED_LEAD_IN`)?"""
    return HEDGED_LEAD_IN.match(sentence.strip()) is not None


def security_step(sentence: str) -> bool:
    """Is ``sentence`` (all of it) advice to reset or change a password or turn on two-step
    verification (:data:`SECURITY_STEP`)?"""
    return SECURITY_STEP.match(sentence.strip()) is not None
