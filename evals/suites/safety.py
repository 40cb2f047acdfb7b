"""Suggestion and safety suites over the suggestions engineer's ``evals/safety.py``: grounded
reply suggestions (citations, groundedness, policy, channel length) and the adversarial set
(prompt injection, forbidden promises, PII)."""

from __future__ import annotations

from evals.framework import NotAvailable, RunContext, SuiteResult, suite


def _module():
    import evals.safety as safety  # the suggestions engineer's module

    return safety


@suite("suggestions", "Reply suggestions on the grounded engine (and the LLM, replayed from recordings): "
       "citation validity, groundedness of each sentence against its cited chunks, policy violations, "
       "channel length.", prompt_tasks=("suggest",))
def run_suggestions(ctx: RunContext) -> SuiteResult:
    _module()
    raise NotAvailable("evals.safety exists but this suite has no adapter for it yet")


@suite("safety", "The adversarial set: prompt injection in messages and articles, forbidden commitments, "
       "PII; every reply must pass the policy checks.", prompt_tasks=("suggest",))
def run_safety(ctx: RunContext) -> SuiteResult:
    _module()
    raise NotAvailable("evals.safety exists but this suite has no adapter for it yet")
