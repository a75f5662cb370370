"""OCR round trips: committed spreadsheet-print fixtures scanned (resolution, noise, rotation, JPEG)
-> image-only PDF -> extract -> scored against the data they were printed from.

Issue 14's bar for scans of layouts and fonts not tuned on is F1 ≥ 0.85 with precision ≥ 0.97;
where it is not reached yet the test is an `xfail(strict=False)` that states the measured score.
What is reached is asserted exactly: the tables that come back whole.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from extractor import extract_document
from extractor.model import DocumentResult
from extractor.read.tesseract import tessdata_dir
from pia_fixtures.scan import ScanStyle, scan_pdf
from tests.fixtures.make_fixtures import HERE
from tests.scoring import score

pytestmark = pytest.mark.skipif(tessdata_dir() is None, reason="Tesseract's Japanese model is not installed")

# (fixture, scan): the corpus scans are grey 150 dpi images; the second is sharper but askew and noisy
# (its bold headings on shaded bands fill in); the third is set in 明朝, whose thin strokes break up
# (bench/ocr_heldout.py scores these and four longer ones)
CASES = {
    "xl_basic_01@150": ("xl_basic_01", ScanStyle(dpi=150, angle=0.5, noise=5, grey=True)),
    "xl_basic_02@200": ("xl_basic_02", ScanStyle(dpi=200, angle=-0.8, noise=6, grey=False)),
    "xl_basic_03@150": ("xl_basic_03", ScanStyle(dpi=150, angle=0.3, noise=4, grey=True)),
}
SEEDS = {"xl_basic_03@150": 11}  # the scan's noise (7 unless named)
MEASURED = {  # overall P / F1 measured on this machine where the bar is not met yet (bench/ocr_heldout.py)
    "xl_basic_03@150": "P 0.941 F1 0.577",  # 明朝 at 150 dpi: many labels misread
}


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[dict[str, Any], DocumentResult]]:
    out = {}
    folder = tmp_path_factory.mktemp("scans")
    for case, (name, style) in CASES.items():
        pdf = HERE / "xl" / f"{name}.pdf"
        truth = json.loads(pdf.with_suffix(".expected.json").read_text(encoding="utf-8"))
        scan = folder / f"{case}.pdf"
        scan_pdf(pdf, scan, style, seed=SEEDS.get(case, 7))
        out[case] = (truth, extract_document(scan))
    return out


@pytest.mark.parametrize("case", sorted(CASES))
def test_scan_is_read_by_ocr(scanned: dict[str, tuple[dict[str, Any], DocumentResult]], case: str) -> None:
    _, result = scanned[case]
    doc = result.document
    assert doc.source_format == "pdf-ocr" and doc.ocr_pages == doc.n_pages
    assert doc.status in ("ok", "partial") and doc.layout_id is not None
    assert doc.ocr_confidence is not None and 0.5 < doc.ocr_confidence <= 1.0


@pytest.mark.parametrize("case", sorted(CASES))
def test_scan_meets_the_issue_bar(scanned: dict[str, tuple[dict[str, Any], DocumentResult]], case: str,
                                  request: pytest.FixtureRequest) -> None:
    truth, result = scanned[case]
    if case in MEASURED:
        request.node.add_marker(pytest.mark.xfail(strict=False, reason=f"issue 14: measured {MEASURED[case]}"))
    overall = score([(truth, result)])["ALL"]
    assert overall.precision >= 0.97 and overall.f1 >= 0.85, str(overall)


def test_every_system_and_file_row_of_a_150_dpi_scan_comes_back(
        scanned: dict[str, tuple[dict[str, Any], DocumentResult]]) -> None:
    """The rows (their numbers) are structure: the parts, blocks and counts were all found.  (The
    ■/□ print of xl_basic_02 loses its Ⅰ blocks yet: box glyphs are not decided from the ink.)"""
    truth, result = scanned["xl_basic_01@150"]
    assert sorted(r.system_no for r in result.systems) == sorted(r["system_no"] for r in truth["systems"])
    assert sorted(r.file_no for r in result.files) == sorted(r["file_no"] for r in truth["files"])


def test_what_ocr_cannot_read_is_left_empty_not_guessed(
        scanned: dict[str, tuple[dict[str, Any], DocumentResult]]) -> None:
    """An answer read outside its legend is not stored; the warning keeps what OCR read."""
    for _, result in scanned.values():
        outside = [w for w in result.document.warnings if "is not one of its ＜選択肢＞ options" in w]
        answers = {r.answer for r in result.risk_ratings}
        for w in outside:
            read = w.split("answer '")[1].split("' is not")[0]
            assert read not in answers, w
