"""Bad input never raises: each kind gets a failed row with a plain-words reason."""

from __future__ import annotations

from pathlib import Path

import pymupdf
import pytest

from extractor import extract_document
from extractor.model import Status


def _one_page_pdf(path: Path, body: str | None = "請求書 御中", **save_kw: object) -> Path:
    doc = pymupdf.open()
    page = doc.new_page()
    if body:
        page.insert_text((72, 72), body, fontname="japan", fontsize=12)
    doc.save(path, **save_kw)
    doc.close()
    return path


def _image_only_pdf(path: Path) -> Path:
    doc = pymupdf.open()
    page = doc.new_page()
    pix = pymupdf.Pixmap(pymupdf.csRGB, pymupdf.IRect(0, 0, 40, 40), False)
    pix.clear_with(200)
    page.insert_image(pymupdf.Rect(72, 72, 300, 300), pixmap=pix)
    doc.save(path)
    doc.close()
    return path


@pytest.mark.parametrize(
    ("kind", "make", "reason"),
    [
        ("empty", lambda p: (p.write_bytes(b""), p)[1], "empty"),
        ("not_pdf", lambda p: (p.write_bytes(bytes(range(256)) * 8), p)[1], "neither a PDF"),
        ("corrupt", lambda p: (p.write_bytes(b"%PDF-1.7\n1 0 obj <<>> garbage"), p)[1], "could not be opened"),
        ("encrypted", lambda p: _one_page_pdf(p, encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw="u", owner_pw="o"),
         "encrypted"),
        ("no_text", _image_only_pdf, "no page has a text layer"),
        ("unknown_form", _one_page_pdf, "not a recognised"),
    ],
)
def test_bad_input_gets_a_failed_row(tmp_path: Path, kind: str, make, reason: str) -> None:  # type: ignore[no-untyped-def]
    path = make(tmp_path / f"{kind}.pdf")
    result = extract_document(path)
    doc = result.document
    assert doc.status == Status.FAILED.value
    assert doc.error_kind == kind
    assert any(reason in w for w in doc.warnings), doc.warnings
    assert doc.source_path == str(path)
    assert not result.systems and not result.files


def test_truncated_pdf_fails_cleanly(tmp_path: Path) -> None:
    good = _one_page_pdf(tmp_path / "good.pdf").read_bytes()
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(good[: len(good) // 3])
    doc = extract_document(cut).document
    assert doc.status == Status.FAILED.value
    assert doc.warnings


def test_missing_file_is_reported_not_raised(tmp_path: Path) -> None:
    doc = extract_document(tmp_path / "nope.pdf").document
    assert doc.status == Status.FAILED.value and doc.error_kind == "unreadable"
