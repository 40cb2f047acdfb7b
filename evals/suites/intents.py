"""Intent suites: the store's own taxonomy set (fast, gated) and CLINC150 (150 intents plus
out-of-scope; slow, run by `assist eval`), over the intents engineer's ``evals/intents.py``."""

from __future__ import annotations

from evals.framework import NotAvailable, RunContext, SuiteResult, suite


def _module():
    import evals.intents as intents  # the intents engineer's module: classifier runs and scorers

    return intents


@suite("intents.store", "Intent classification on the store's own labelled messages (knowledge/intents.yaml "
       "taxonomy): accuracy, macro-F1, abstention on out-of-scope, confusion pairs.")
def run_store(ctx: RunContext) -> SuiteResult:
    _module()
    raise NotAvailable("evals.intents exists but this suite has no adapter for it yet")


@suite("intents.clinc150", "CLINC150 (Larson et al., EMNLP 2019): 4,500 in-scope test queries over 150 intents "
       "and 1,000 out-of-scope ones; in-scope accuracy and out-of-scope recall against the paper's figures.",
       fast=False)
def run_clinc(ctx: RunContext) -> SuiteResult:
    _module()
    raise NotAvailable("evals.intents exists but this suite has no adapter for it yet")
