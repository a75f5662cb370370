"""Completeness: a document is `ok` only when everything its form prints was read."""

from __future__ import annotations

from pathlib import Path

import pymupdf

from extractor import extract_document
from pia_fixtures.synth import RenderStyle, random_assessment, render_pdf


def _render(tmp_path: Path, data: dict, name: str = "doc.pdf") -> Path:
    path = tmp_path / name
    render_pdf(data, path, RenderStyle())
    return path


def _redact(path: Path, text: str) -> int:
    """Black out every occurrence of `text` (a printed label); returns the first page it was on (1-based)."""
    doc = pymupdf.open(path)
    first = 0
    for page in doc:
        hits = page.search_for(text)
        for rect in hits:
            page.add_redact_annot(rect)
        if hits:
            page.apply_redactions()
            first = first or page.number + 1
    out = path.with_name(f"redacted-{path.name}")
    doc.save(out)
    return first


def test_a_complete_rendering_is_ok_with_every_expected_field_read(tmp_path: Path) -> None:
    result = extract_document(_render(tmp_path, random_assessment(3, "full", 1)))
    doc = result.document
    assert doc.status == "ok", doc.warnings
    assert doc.fields_expected and doc.fields_expected == doc.fields_read


def test_a_label_the_reader_cannot_see_makes_the_document_partial_and_is_named(tmp_path: Path) -> None:
    pdf = _render(tmp_path, random_assessment(3, "full", 1))
    page = _redact(pdf, "他のシステムとの接続")
    result = extract_document(pdf.with_name(f"redacted-{pdf.name}"))
    doc = result.document
    assert doc.status == "partial"
    assert doc.fields_read is not None and doc.fields_expected is not None
    assert doc.fields_read < doc.fields_expected
    gaps = [w for w in doc.warnings if "他のシステムとの接続" in w]
    assert gaps and all("システム" in w for w in gaps)
    assert any(f"page {page}" in w for w in gaps)


def test_a_printed_count_that_disagrees_with_the_rows_makes_the_document_partial(tmp_path: Path) -> None:
    data = random_assessment(5, "full", 1)
    file = data["files"][0]
    n_rows = sum(1 for e in data["entrustments"] if e["file_no"] == file["file_no"])
    file.update(entrusted=True, n_entrustments=n_rows + 1)
    result = extract_document(_render(tmp_path, data))
    assert result.document.status == "partial"
    assert any("委託 count printed" in w and "does not match" in w for w in result.document.warnings)
