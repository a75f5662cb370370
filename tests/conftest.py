"""Shared fixtures: the evaluation corpus in ../shared when present (tests skip cleanly without it)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.explore_support import corpus_out, corpus_sqlite, samples_out  # noqa: F401  (fixtures of the explore tests)

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
CORPUS_PDF = SHARED / "corpus" / "pdf"
SCORER = SHARED / "eval" / "score.py"


@pytest.fixture(scope="session")
def corpus_pdfs() -> list[Path]:
    if not CORPUS_PDF.is_dir() or not SCORER.is_file():
        pytest.skip("../shared/corpus is not present on this machine")
    # the HTML-printed 全項目/重点項目 PDFs; spreadsheet prints, scans and 様式2 have their own tests
    return sorted(p for p in CORPUS_PDF.glob("*.pdf")
                  if "_summary" not in p.name and p.name.count(".") == 1 and not p.name.startswith("basic_"))
