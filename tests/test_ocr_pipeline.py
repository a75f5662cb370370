"""OCR in the pipeline: which pages are read, what the document row says, OCR missing, the CLI option.

Real PDFs, real Tesseract, real processes; the tests that need Tesseract's Japanese model skip
when it is not installed (CI installs it: .ci/run).
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from pathlib import Path

import pymupdf
import pytest

from extractor import extract_document
from extractor.model import ExtractOptions
from extractor.read import tesseract
from extractor.read.content import PageContent
from extractor.read.pdf import read_pdf
from extractor.read.scanned import read_scanned
from pia_fixtures.scan import ScanStyle, mixed_pdf, scan_pdf
from pia_fixtures.synth import random_assessment, render_pdf
from tests.test_batch_support import pia_extract, read_sorted


def _chars(page: PageContent) -> Counter[str]:
    """The page's characters (width-folded, spaces dropped), counted: reading order aside."""
    return Counter(ch for w in page.words for ch in unicodedata.normalize("NFKC", w.text) if not ch.isspace())


needs_ocr = pytest.mark.skipif(tesseract.tessdata_dir() is None, reason="Tesseract's Japanese model is not installed")


@pytest.fixture(scope="module")
def form(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("ocr") / "form.pdf"
    render_pdf(random_assessment(4, "focused", n_files=1, n_annex_rows=0), path)
    return path


@needs_ocr
def test_auto_reads_only_the_pages_without_a_text_layer(form: Path, tmp_path: Path) -> None:
    mixed = tmp_path / "mixed.pdf"
    mixed_pdf(form, mixed, scanned=[1, 3], style=ScanStyle(dpi=200, noise=4, angle=0.4))
    data = mixed.read_bytes()
    pages, _ = read_pdf(data)
    assert [p.number for p in pages if not p.words] == [2, 4]
    reading = read_scanned(data, pages, "auto")
    assert reading.ocr_pages == 2
    original, _ = read_pdf(form.read_bytes())
    for k, page in enumerate(pages):
        if page.words:  # a page with a text layer is handed on untouched, never OCR'd
            assert reading.pages[k] is page
        else:  # a scanned page is read back: its text is the original page's, nearly all of it
            got, want = _chars(reading.pages[k]), _chars(original[k])
            common = sum((got & want).values())
            assert common > 0.9 * sum(want.values()) and common > 0.9 * sum(got.values()), (want, got)
    assert reading.confidence is not None and 0.5 < reading.confidence <= 1.0


@needs_ocr
def test_the_document_row_tells_ocr_was_used(form: Path, tmp_path: Path) -> None:
    mixed = tmp_path / "mixed.pdf"
    mixed_pdf(form, mixed, scanned=[1], style=ScanStyle(dpi=200))
    doc = extract_document(mixed).document
    assert (doc.source_format, doc.ocr_pages) == ("pdf-ocr", 1)
    assert doc.ocr_confidence is not None and 0.5 < doc.ocr_confidence <= 1.0
    born_digital = extract_document(form).document
    assert (born_digital.source_format, born_digital.ocr_pages, born_digital.ocr_confidence) == ("pdf", 0, None)


def test_never_leaves_scanned_pages_unread(form: Path, tmp_path: Path) -> None:
    mixed = tmp_path / "mixed.pdf"
    mixed_pdf(form, mixed, scanned=[1])
    doc = extract_document(mixed, options=ExtractOptions(ocr="never")).document
    assert (doc.source_format, doc.ocr_pages) == ("pdf", 0)
    assert "page 2 has no text layer" in doc.warnings


def test_an_image_only_pdf_under_never_fails_as_no_text(form: Path, tmp_path: Path) -> None:
    scan = tmp_path / "scan.pdf"
    scan_pdf(form, scan, ScanStyle(dpi=100), pages=[0])
    doc = extract_document(scan, options=ExtractOptions(ocr="never")).document
    assert (doc.status, doc.error_kind) == ("failed", "no_text")
    assert any("--ocr never" in w for w in doc.warnings), doc.warnings


@needs_ocr
def test_always_reads_pages_that_have_a_text_layer_too(tmp_path: Path) -> None:
    src = tmp_path / "text.pdf"
    doc = pymupdf.open()
    page = doc.new_page(width=400, height=120)
    page.insert_text((30, 60), "住民基本台帳に関する事務", fontname="japan", fontsize=12)
    doc.save(src)
    doc.close()
    data = src.read_bytes()
    pages, _ = read_pdf(data)
    reading = read_scanned(data, pages, "always")
    assert reading.ocr_pages == 1
    assert [w.text for w in reading.pages[0].words] == ["住民基本台帳に関する事務"]
    assert reading.pages[0] is not pages[0]


@pytest.fixture
def no_tesseract(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """This machine as one without Tesseract's Japanese model: the model is looked for in an empty folder."""
    monkeypatch.setattr(tesseract, "TESSDATA_DIRS", ())
    monkeypatch.setenv("TESSDATA_PREFIX", str(tmp_path / "empty"))
    tesseract.engine.cache_clear()
    yield
    tesseract.engine.cache_clear()


def test_without_tesseract_a_scan_fails_with_the_plain_reason(form: Path, tmp_path: Path, no_tesseract: None) -> None:
    scan = tmp_path / "scan.pdf"
    scan_pdf(form, scan, ScanStyle(dpi=100), pages=[0, 1])
    doc = extract_document(scan).document
    assert (doc.status, doc.error_kind) == ("failed", "ocr_unavailable")
    assert doc.warnings == ["OCR is not installed (apt-get install tesseract-ocr tesseract-ocr-jpn)"]


def test_without_tesseract_a_partly_scanned_document_keeps_its_text_pages(form: Path, tmp_path: Path,
                                                                          no_tesseract: None) -> None:
    mixed = tmp_path / "mixed.pdf"
    mixed_pdf(form, mixed, scanned=[2])
    doc = extract_document(mixed).document
    assert doc.status == "partial"
    assert any(w.startswith("page 3 has no text layer and OCR is not installed") for w in doc.warnings)


def test_cli_ocr_option(form: Path, tmp_path: Path) -> None:
    scan_pdf(form, tmp_path / "in" / "scan.pdf", ScanStyle(dpi=100), pages=[0])
    res = pia_extract("run", str(tmp_path / "in"), "--out", str(tmp_path / "out"), "--ocr", "never", "-q")
    assert res.returncode == 1, res.stderr
    row = read_sorted(tmp_path / "out")["documents"][0]
    assert (row["status"], row["error_kind"]) == ("failed", "no_text")
    bad = pia_extract("run", str(tmp_path / "in"), "--out", str(tmp_path / "out2"), "--ocr", "sometimes")
    assert bad.returncode == 2 and "--ocr" in bad.stderr
