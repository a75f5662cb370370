"""Visual debugging: draw what the layout stage saw on a page (cells, inner boxes, free lines).

`pia-extract debug FILE.pdf --page 3` writes a PNG with table cells outlined in blue, inner
legend boxes in green, free text lines in orange and each row's index at its left edge: the
quickest way to see why a label did not match.  A page without a text layer is read by OCR first
(when Tesseract is installed) and the words OCR read are drawn in grey over their boxes, so a
misread label shows where it went wrong.
"""

from __future__ import annotations

from pathlib import Path

import pymupdf

from extractor.layout import Row, page_to_rows
from extractor.read.content import PageContent
from extractor.read.pdf import read_page

BLUE, GREEN, ORANGE, RED = (0.1, 0.3, 0.9), (0.1, 0.6, 0.2), (0.95, 0.5, 0.0), (0.85, 0.1, 0.1)
PURPLE = (0.5, 0.1, 0.6)


def draw_rows(page: pymupdf.Page, rows: list[Row]) -> None:
    """Outline every row's cells on the page (in place)."""
    for k, row in enumerate(rows):
        for cell in row.cells:
            colour = ORANGE if row.free else BLUE
            page.draw_rect(pymupdf.Rect(cell.x0, cell.y0, cell.x1, cell.y1), color=colour, width=0.8)
            for box in cell.inner:
                page.draw_rect(pymupdf.Rect(box.x0, box.y0, box.x1, box.y1), color=GREEN, width=0.8)
        page.insert_text((2, row.y0 + 7), str(k), fontsize=6, color=RED)


def debug_page(pdf: Path, page_no: int, out: Path, dpi: int = 110) -> Path:
    """Render page `page_no` (1-based) of `pdf` with its layout drawn over it to `out` (PNG)."""
    with pymupdf.open(pdf) as doc:
        if not 1 <= page_no <= doc.page_count:
            raise ValueError(f"page {page_no} is out of range: the document has {doc.page_count} pages")
        page = doc[page_no - 1]
        content = read_page(page)
        ocr = not content.words and _ocr_installed()
        if ocr:
            from extractor.read.ocr import ocr_page

            content = ocr_page(page).content
        rows = page_to_rows(content)
        draw_rows(page, rows)
        if ocr:
            draw_words(page, content)
        page.get_pixmap(dpi=dpi).save(out)
    return out


def _ocr_installed() -> bool:
    from extractor.read.tesseract import tessdata_dir

    return tessdata_dir() is not None


def draw_words(page: pymupdf.Page, content: PageContent) -> None:
    """The words OCR read, small and purple, at the top of their boxes (in place)."""
    for w in content.words:
        page.insert_text((w.x0, w.y0 + 3), w.text, fontsize=3.5, color=PURPLE, fontname="japan")
