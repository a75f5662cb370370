"""Helpers shared by the batch-runner tests (no tests here).

The workers of these runs call `tests.faults:extract` per document: a file whose name contains
``rows-`` gets a synthetic ``ok`` result with rows in every table (so the runner's bookkeeping
is tested whatever state the parser is in); ``hang-``, ``crash-``, ``segv-``, ``oom-``... make
the worker misbehave (see `tests.faults`); anything else goes to the real parser.
"""

from __future__ import annotations

import atexit
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq

from extractor.batch.runner import Observer, RunOptions, RunSummary, run_batch
from extractor.batch.sandbox import Limits, LocalPool
from extractor.tables.schema import TABLE_NAMES
from pia_fixtures.hostile import text_pdf_bytes, vary
from tests.faults import EXTRACT

ROOT = Path(__file__).resolve().parent.parent


def make_docs(folder: Path, n: int, prefix: str = "rows-", start: int = 0) -> list[Path]:
    """`n` small PDFs with distinct bytes named ``<prefix><i>.pdf``."""
    folder.mkdir(parents=True, exist_ok=True)
    base = text_pdf_bytes()
    paths = []
    for i in range(start, start + n):
        path = folder / f"{prefix}{i:03d}.pdf"
        path.write_bytes(vary(base, i))
        paths.append(path)
    return paths


def options(out: Path, **kw: object) -> RunOptions:
    """Options of a test run: 2 workers, limits no test load can reach, the tests' extract function."""
    base: dict[str, object] = {"out_dir": out, "workers": 2, "limits": Limits(timeout_s=120, max_memory_mb=1024),
                               "part_docs": 3, "extract_fn": EXTRACT}
    return RunOptions(**{**base, **kw})  # type: ignore[arg-type]


_POOLS: dict[tuple[object, ...], LocalPool] = {}


def _close_pools() -> None:
    for pool in _POOLS.values():
        pool.close()


atexit.register(_close_pools)


def run_shared(inputs: list[Path], opts: RunOptions, observer: Observer | None = None) -> RunSummary:
    """`run_batch` with worker processes kept between the runs of the test session (as a library user
    running many batches would keep them): the same workers, less start-up on a busy machine."""
    pool = None
    if not opts.cluster:
        key = (opts.workers, opts.limits, opts.extract_fn)
        pool = _POOLS.get(key) or _POOLS.setdefault(key, LocalPool(opts.workers, opts.limits, opts.extract_fn))
    return run_batch(inputs, opts, observer, pool)


def read_sorted(out: Path) -> dict[str, list[dict]]:
    """Every table as read by the scorer (`pq.read_table(OUT / name)`), rows sorted by all columns."""
    tables = {}
    for name in TABLE_NAMES:
        rows = pq.read_table(out / name).to_pylist()
        tables[name] = sorted(rows, key=lambda r: json.dumps(r, sort_keys=True, ensure_ascii=False, default=str))
    return tables


def part_files(out: Path) -> dict[str, list[str]]:
    return {name: sorted(p.name for p in (out / name).iterdir()) for name in TABLE_NAMES}


def manifest_rows(out: Path, query: str) -> list[tuple]:
    db = sqlite3.connect(out / "_manifest.sqlite")
    try:
        return db.execute(query).fetchall()
    finally:
        db.close()


def cli_env() -> dict[str, str]:
    env = {**os.environ, "COLUMNS": "250"}  # no wrapping inside the messages the tests look for
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")]))
    return env


def pia_extract_cmd(*args: str, faults: bool = True) -> list[str]:
    """The command line: with the tests' extract function (`tests.fault_cli`), or the installed script."""
    if faults:
        return [sys.executable, "-m", "tests.fault_cli", *args]
    script = Path(sys.executable).parent / "pia-extract"
    return [str(script), *args] if script.exists() else [sys.executable, "-m", "extractor.cli", *args]


def pia_extract(*args: str, cwd: Path | None = None, faults: bool = True, extract: str | None = None,
                timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """Run the command line in a subprocess (a generous timeout: it only stops a test that hangs)."""
    env = cli_env() if extract is None else {**cli_env(), "PIA_TEST_EXTRACT": extract}
    return subprocess.run(pia_extract_cmd(*args, faults=faults), cwd=cwd or ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout)
