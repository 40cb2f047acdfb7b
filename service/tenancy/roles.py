"""Key role presets: a named scope list for each usual kind of caller.

`assist keys create --tenant T --role agent` gives a key exactly the scopes an agent desk
needs; roles combine (``--role agent --role reviewer``) and extra ``--scopes`` add to them.
Kept free of heavy imports: the command line lists them without opening a database.
"""

from __future__ import annotations

# Named scope lists for the usual roles (`assist keys create --role R`); a key may combine a role
# with extra --scopes. Each is the least a role's documented flows need.
ROLES: dict[str, tuple[str, ...]] = {
    "agent": ("knowledge:read", "intents:read", "interactions:read", "interactions:write", "suggestions:read", "feedback:write"),
    "reviewer": ("knowledge:read", "interactions:read", "audit:read"),
    "integration": ("intents:read", "interactions:read", "interactions:write", "triage:write"),
    "admin": ("admin",),
}
ROLE_PURPOSE: dict[str, str] = {
    "agent": "an agent desk or panel: search, history, summaries, suggestions and /v1/assist, feedback",
    "reviewer": "a reviewer: the audit trail, feedback reports, history and knowledge (read only)",
    "integration": "a help-desk connector: triage webhooks, recording interactions, classifying",
    "admin": "every scope of the tenant (its own knowledge, keys); not `operator`, which changes shared knowledge",
}
