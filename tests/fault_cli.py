"""`pia-extract` with the workers' per-document function replaced by `tests.faults:extract`.

Run as ``python -m tests.fault_cli run ...``: the real command line, the real runner and real
worker processes; only the function the workers call per document is the tests' own
(``PIA_TEST_EXTRACT`` names another one, e.g. ``tests.faults_nostart:extract``).
"""

from __future__ import annotations

import functools
import os

from extractor import cli
from extractor.batch import sandbox
from tests.faults import EXTRACT

if __name__ == "__main__":
    extract = os.environ.get("PIA_TEST_EXTRACT", EXTRACT)
    sandbox.LocalPool = functools.partial(sandbox.LocalPool, extract=extract)  # type: ignore[misc]
    cli.app()
