"""Every record says where it was read: `page` (and `pages` when it spans several) for PDFs, `line` for text.

The page a record names holds its value: the test opens that page and finds the text there.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pymupdf
import pytest

from extractor import extract_document
from tests.conftest import CORPUS_PDF, SHARED

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
TABLES = ("systems", "files", "entrustments", "recipients", "risk_ratings")
# a text column per table that is printed where the record is
SHOWN = {"systems": "name", "files": "name", "entrustments": "contractor", "recipients": "recipient",
         "risk_ratings": "question"}


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def _pdfs() -> list[Path]:
    found = sorted(SAMPLES.glob("*.pdf"))
    if CORPUS_PDF.is_dir():
        found += sorted(p for p in CORPUS_PDF.glob("*.pdf") if ".scan." not in p.name)
    return found


@pytest.mark.parametrize("pdf", _pdfs(), ids=lambda p: p.name)
def test_every_pdf_record_has_its_page_and_the_page_holds_the_value(pdf: Path) -> None:
    result = extract_document(pdf)
    doc = pymupdf.open(pdf)
    pages = [_compact(page.get_text()) for page in doc]
    for table in TABLES:
        for rec in getattr(result, table):
            assert rec.page is not None, (table, rec)
            span = rec.pages or [rec.page]
            assert rec.page == min(span) and all(1 <= p <= len(pages) for p in span), (table, rec.page, span)
            value = getattr(rec, SHOWN[table])
            if value and getattr(rec, "listed_in", "body") != "reference":
                probe = _compact(value)[:10]
                assert any(probe in pages[p - 1] for p in span), (table, value, span)


@pytest.mark.parametrize("name", ["seeds/hirosaki_juki_focused.md", "seeds/sagamihara_juki_summary.md",
                                  "dumps/hirosaki_juki_focused.xl.txt"])
def test_every_text_record_has_its_line(name: str) -> None:
    path = SHARED / "corpus" / name
    if not path.is_file():
        pytest.skip("../shared/corpus is not present on this machine")
    result = extract_document(path)
    lines = path.read_text(encoding="utf-8").splitlines()
    for table in TABLES:
        for rec in getattr(result, table):
            assert rec.line is not None and 1 <= rec.line <= len(lines), (table, rec)
            if not name.endswith(".txt"):  # a dump's form feeds are its pages; a conversion has none
                assert rec.page is None, (table, rec)
