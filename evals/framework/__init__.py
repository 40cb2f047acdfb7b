"""The offline eval framework: datasets, suites, scorers, a runner, reports and the gate.

Dataset (``dataset.py``), system under test (each suite in ``evals/suites/`` builds it from the
service's own use cases) and scorers (``scorers.py`` and each feature's eval module) are kept
apart, so a new dataset or scorer is a small addition.
"""

from evals.framework.context import RunContext
from evals.framework.dataset import Case, Dataset, DatasetError, load_dataset
from evals.framework.suite import (
    COUNT,
    DEV,
    HELD_OUT,
    PUBLIC,
    SPLITS,
    TUNED_ON,
    WRITTEN_BEFORE_TUNING,
    HIGHER,
    INFO,
    JUDGE,
    LOWER,
    QUALITY,
    TIMING,
    CaseResult,
    Chart,
    Metric,
    NotAvailable,
    Suite,
    SuiteResult,
    register,
    registry,
    select,
    suite,
)

__all__ = [
    "DEV", "HELD_OUT", "PUBLIC", "SPLITS", "TUNED_ON", "WRITTEN_BEFORE_TUNING",
    "COUNT", "HIGHER", "INFO", "JUDGE", "LOWER", "QUALITY", "TIMING", "Case", "CaseResult", "Chart", "Dataset",
    "DatasetError", "Metric", "NotAvailable", "RunContext", "Suite", "SuiteResult", "load_dataset", "register",
    "registry", "select", "suite",
]
