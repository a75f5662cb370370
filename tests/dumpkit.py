"""Dumps of rendered fixture PDFs for the dump reader's tests, scored cell by cell with the shared scorer.

The dump tools are `pia_fixtures.dumps` (pdftotext default/-raw/-layout, PyMuPDF with and without
sort, pdfminer, pdfplumber); the truth is the data the PDF was rendered from.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

from extractor import extract_document, results_to_tables
from extractor.tables.write import write_tables
from tests.conftest import SCORER

_LAST = re.compile(r"overall P ([\d.]+) R ([\d.]+) F1 ([\d.]+)")


def score(inputs: list[Path], truth: dict[str, dict[str, Any]] | None, out: Path) -> tuple[float, float, float]:
    """(precision, recall, F1) of the inputs' extraction against truth (`stem -> tables`, or the corpus truth)."""
    write_tables(results_to_tables([extract_document(p) for p in inputs]), out / "tables")
    cmd = [sys.executable, str(SCORER), str(out / "tables")]
    if truth is not None:
        (out / "truth").mkdir(exist_ok=True)
        for stem, data in truth.items():
            (out / "truth" / f"{stem}.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        cmd += ["--truth", str(out / "truth")]
    text = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    p, r, f = (float(x) for x in _LAST.findall(text)[-1])
    return p, r, f
