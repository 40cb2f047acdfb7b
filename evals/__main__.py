"""`python -m evals`: run the offline eval suites (what `assist eval` runs)."""

import sys

from evals.cli import main

sys.exit(main())
