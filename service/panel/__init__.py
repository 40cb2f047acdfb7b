"""The agent panel (issue 15): static assets served at /panel/, panel sessions and where the
panel may be embedded (Chatwoot Dashboard App, Zendesk ticket sidebar, or standalone)."""

PANEL_SCOPES: frozenset[str] = frozenset({"suggestions:read", "interactions:read", "feedback:write"})
"""Everything a panel session may do: suggestions and /v1/assist, history read, feedback."""
