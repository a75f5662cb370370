"""Binding: which file a part III/IV block belongs to when its printed name does not match (OCR, cut text)."""

from __future__ import annotations

from pathlib import Path

import pymupdf

from extractor import extract_document
from extractor.forms.bind import named_file
from pia_fixtures.synth import RenderStyle, random_assessment, render_pdf

FILES = [(1, "障害者福祉ファイル"), (2, "手帳交付ファイル"), (3, "自立支援給付ファイル")]


def test_a_name_is_its_file_exactly_or_clearly_closest() -> None:
    assert named_file("手帳交付ファイル", FILES) == 2
    assert named_file("手帳交付ファイ", FILES) == 2  # its end cut off
    assert named_file("自立支援給村ファイル", FILES) == 3  # one character misread
    assert named_file("手帳", FILES) is None  # too little of it left to tell
    assert named_file("給付ファイル", [(1, "給付ファイルA"), (2, "給付ファイルB")]) is None  # two equally close


def _keep_start_of_last(doc: pymupdf.Document, no: int, name: str, keep: int) -> int:
    """Black out the item number `(no)` and all but the first `keep` characters of `name`'s last
    printing (part III's `特定個人情報ファイル名` row); returns its page."""
    page = [p for p in doc if p.search_for(name)][-1]
    rect = page.search_for(name)[-1]
    number = next(r for r in page.search_for(f"({no})") if abs(r.y0 - rect.y0) < 2 and r.x1 <= rect.x0 + 1)
    cut = rect.x0 + rect.width * keep / len(name)  # CJK glyphs share one width
    page.add_redact_annot(number)
    page.add_redact_annot(pymupdf.Rect(cut, rect.y0, rect.x1, rect.y1))
    page.apply_redactions()
    return page.number + 1


def _risks(path: Path) -> set[tuple[int | None, str | None, str | None, str | None]]:
    result = extract_document(path)
    return {(r.file_no, r.section_no, r.question, r.answer) for r in result.risk_ratings}


def test_a_part_iii_block_whose_file_name_is_misread_keeps_its_file(tmp_path: Path) -> None:
    data = random_assessment(3, "focused", 3)
    names = [f["name"] for f in data["files"]]
    original = tmp_path / "doc.pdf"
    render_pdf(data, original, RenderStyle())
    doc = pymupdf.open(original)
    _keep_start_of_last(doc, 3, names[2], len(names[2]) - 1)  # the last character lost: the closest name
    page = _keep_start_of_last(doc, 2, names[1], 2)           # only two characters left: the file in that place
    damaged = tmp_path / "damaged.pdf"
    doc.save(damaged)
    want = _risks(original)
    assert {r[0] for r in want} == {1, 2, 3}
    assert _risks(damaged) == want
    warnings = extract_document(damaged).document.warnings
    assert any(f"(page {page}) names no file of part II; taken as file 2" in w for w in warnings), warnings
