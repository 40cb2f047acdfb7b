"""The built-in suites; importing this package registers them.

Each module is a thin adapter: it loads its dataset with :func:`evals.framework.load_dataset`,
builds the system under test from the service's use cases (through ``ctx`` and its overrides)
and calls the feature's own eval module for the scores. A suite whose module is not there yet is
reported "not available", never scored.
"""

from evals.suites import gaps, guardrails, intents, pii, retrieval, safety, suggestions, summaries  # noqa: F401
