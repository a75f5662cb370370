"""Helpers shared by the batch-runner tests (no tests here).

Documents whose file name contains ``rows-`` are answered by the worker's
test-only fault hook with a synthetic ``ok`` result that has rows in every
table, so these tests exercise the runner's bookkeeping whatever state the
parser is in.  See `extractor.batch.sandbox` for the hook.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq

from extractor.batch.sandbox import FAULTS_ENV
from extractor.tables.schema import TABLE_NAMES
from pia_fixtures.hostile import text_pdf_bytes, vary

FAULTS = "rows=rows-,slow=slow-,hang=hang-,crash=crash-,segv=segv-,oom=oom-"
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


def cli_env(faults: str = FAULTS) -> dict[str, str]:
    env = {**os.environ, FAULTS_ENV: faults}
    env["COLUMNS"] = "250"  # no wrapping inside the messages the tests look for
    return env


def pia_extract_cmd(*args: str) -> list[str]:
    """The installed `pia-extract` console script (beside this interpreter), else `python -m extractor.cli`."""
    script = Path(sys.executable).parent / "pia-extract"
    return [str(script), *args] if script.exists() else [sys.executable, "-m", "extractor.cli", *args]


def pia_extract(*args: str, cwd: Path | None = None, faults: str = FAULTS,
                timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run the real console entry point in a subprocess."""
    cmd = pia_extract_cmd(*args)
    return subprocess.run(cmd, cwd=cwd or ROOT, env=cli_env(faults), capture_output=True, text=True,
                          timeout=timeout)
