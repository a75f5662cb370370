"""Golden tests: every committed sample PDF extracts to the data it was rendered from."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from extractor import extract_document
from tests.roundtrip import differences

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
PDFS = sorted(SAMPLES.glob("*.pdf"))


def test_samples_exist() -> None:
    assert len(PDFS) >= 4


@pytest.mark.parametrize("pdf", PDFS, ids=lambda p: p.stem)
def test_sample_matches_its_expected_json(pdf: Path) -> None:
    expected = json.loads(pdf.with_suffix(".expected.json").read_text(encoding="utf-8"))
    result = extract_document(pdf)
    assert result.document.status == "ok", result.document.warnings
    assert result.document.n_pages and result.document.n_pages >= 5  # 様式2 prints 5-7 pages, the others 10+
    diffs = differences(expected, result)
    assert not diffs, "\n".join(diffs[:30])
