"""RowStream: a document's rows page by page, the same as laying out every page first."""

from __future__ import annotations

from pathlib import Path

import pymupdf

from extractor.layout import Row, RowStream, document_rows
from extractor.read.content import PageContent
from extractor.read.pdf import read_pdf
from tests.pdfkit import save, text, two_col_table


def _pages(tmp_path: Path, n: int, header_pages: int) -> list[PageContent]:
    """`n` pages of one table row each; a margin line on the first `header_pages`, a page number on all."""
    doc = pymupdf.open()
    for k in range(n):
        page = doc.new_page()
        if k < header_pages:
            text(page, 40, 30, "社外秘　試験用")
        two_col_table(page, [(f"項目{k}", [f"値{k}"])], top=100)
        text(page, 280, 815, f"- {k + 1} -")
    return read_pdf(save(doc, tmp_path / "t.pdf").read_bytes())[0]


def _seen(rows: list[Row]) -> list[tuple[int, list[str]]]:
    return [(r.page, r.texts) for r in rows]


def test_streamed_rows_are_the_whole_documents(tmp_path: Path) -> None:
    pages = _pages(tmp_path, 20, 20)
    stream = RowStream(pages, len(pages), window=3)
    rows = list(stream)
    assert stream.exact
    assert _seen(rows) == _seen(document_rows(pages))
    assert all(r.texts[0].startswith("項目") for r in rows)  # the running line and page numbers dropped


def test_a_wrong_guess_is_told_and_a_second_reading_is_exact(tmp_path: Path) -> None:
    """A margin line on 10 of 20 pages is not a running line (60% needed), but the first pages
    read all print it: the stream guesses it is one, says so, and the counts make it right."""
    pages = _pages(tmp_path, 20, 10)
    whole = _seen(document_rows(pages))
    assert ["社外秘　試験用"] in [t for _, t in whole]
    first = RowStream(pages, len(pages), window=3)
    assert _seen(list(first)) != whole
    assert not first.exact
    second = RowStream(pages, len(pages), first.margin_counts, window=3)
    assert _seen(list(second)) == whole
    assert second.exact


def test_head_peeks_without_losing_rows(tmp_path: Path) -> None:
    pages = _pages(tmp_path, 8, 8)
    stream = RowStream(pages, len(pages), window=2)
    head = stream.head(3)
    assert _seen(head) == _seen(document_rows(pages))[:3]
    assert _seen(list(stream)) == _seen(document_rows(pages))
