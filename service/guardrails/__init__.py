"""Guardrails for replies: text normalisation for matchers, plain-text output, placeholder
validation and claim-level grounding (used by :mod:`service.replies.policy` and the engines)."""
