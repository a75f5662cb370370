"""The shared evaluation corpus, set by set (skipped when ../shared is absent).

Each set is extracted in-process and scored with the evaluation scorer; the thresholds are the
issues' acceptance levels (HTML prints, spreadsheet prints, 基礎項目評価書).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from extractor import extract_document, results_to_tables
from extractor.tables.write import write_tables
from tests.conftest import CORPUS_PDF, SCORER


def _totals(out: Path) -> dict[str, tuple[float, float]]:
    """table -> (precision, F1), and 'overall', from the scorer's per-document JSON."""
    proc = subprocess.run([sys.executable, str(SCORER), str(out), "--json"], capture_output=True, text=True,
                          check=True)
    report = json.loads(proc.stdout[: proc.stdout.rindex("}") + 1])
    sums: dict[str, list[int]] = {}
    for doc in report.values():
        for table, r in doc.items():
            for key in (table, "overall"):
                acc = sums.setdefault(key, [0, 0, 0])
                acc[0] += r["correct"]
                acc[1] += r["truth_cells"]
                acc[2] += r["out_cells"]
    out_scores = {}
    for key, (correct, truth, claimed) in sums.items():
        p = correct / claimed if claimed else 1.0
        rc = correct / truth if truth else 1.0
        out_scores[key] = (p, 2 * p * rc / (p + rc) if p + rc else 0.0)
    return out_scores


def _score_set(paths: list[Path], tmp_path: Path) -> dict[str, tuple[float, float]]:
    results = [extract_document(p) for p in paths]
    assert all(r.document.status != "failed" for r in results), [r.document.warnings for r in results]
    write_tables(results_to_tables(results), tmp_path)
    return _totals(tmp_path)


def _set(pattern: str) -> list[Path]:
    if not CORPUS_PDF.is_dir() or not SCORER.is_file():
        pytest.skip("../shared/corpus is not present on this machine")
    paths = sorted(CORPUS_PDF.glob(pattern))
    if not paths:
        pytest.skip(f"no corpus files match {pattern}")
    return paths


def test_html_prints(corpus_pdfs: list[Path], tmp_path: Path) -> None:
    scores = _score_set(corpus_pdfs, tmp_path)
    assert scores["overall"][1] >= 0.99, scores
    assert all(p >= 0.995 for p, _ in scores.values()), scores


def test_spreadsheet_prints(tmp_path: Path) -> None:
    """Issue 15: every *_full*/*_focused* spreadsheet print overall ≥ 0.99, systems and files ≥ 0.99, P ≥ 0.995."""
    paths = [p for p in _set("*.xl.pdf") if "_summary" not in p.name]
    scores = _score_set(paths, tmp_path)
    assert scores["overall"][1] >= 0.99 and scores["systems"][1] >= 0.99 and scores["files"][1] >= 0.99, scores
    assert all(p >= 0.995 for p, _ in scores.values()), scores


def test_basic_forms(tmp_path: Path) -> None:
    """Issue 9: the 基礎項目評価書 (HTML and spreadsheet prints) overall ≥ 0.99, P ≥ 0.995, documents exact."""
    scores = _score_set(_set("basic_*.pdf"), tmp_path)
    assert scores["overall"][1] >= 0.99 and scores["documents"][1] == 1.0, scores
    assert all(p >= 0.995 for p, _ in scores.values()), scores


def test_no_document_whose_form_prints_more_than_was_read_is_ok() -> None:
    """`ok` means complete: every ok document read all the fields its form and structure expect."""
    for path in _set("*.pdf"):
        if ".scan." in path.name:
            continue
        doc = extract_document(path).document
        if doc.status == "ok" and doc.fields_expected is not None:
            assert doc.fields_read == doc.fields_expected, (path.name, doc.warnings)
