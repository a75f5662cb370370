"""Golden test on the shared evaluation corpus (skipped when ../shared is absent)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from extractor import extract_document, results_to_tables
from extractor.tables.write import write_tables
from tests.conftest import SCORER


def _score(out: Path) -> dict[str, float]:
    proc = subprocess.run([sys.executable, str(SCORER), str(out)], capture_output=True, text=True, check=True)
    scores = {}
    in_tables = False
    for line in proc.stdout.splitlines():
        if line.startswith("== by table"):
            in_tables = True
        elif in_tables and line.startswith("  "):
            name, *_, f1 = line.split()
            scores[name] = float(f1)
        if line.startswith("documents scored"):
            scores["overall"] = float(line.split()[-1])
    return scores


def test_corpus_pdfs_score(corpus_pdfs: list[Path], tmp_path: Path) -> None:
    results = [extract_document(p) for p in corpus_pdfs]
    assert all(r.document.status != "failed" for r in results)
    write_tables(results_to_tables(results), tmp_path)
    scores = _score(tmp_path)
    assert scores["overall"] >= 0.98, scores
    assert scores["risk_ratings"] >= 0.99, scores
    assert scores["systems"] >= 0.99, scores
