"""Visual debugging: draw what the layout stage saw on a page (cells, inner boxes, free lines).

`pia-extract debug FILE.pdf --page 3` writes a PNG with table cells outlined in blue, inner
legend boxes in green, free text lines in orange and each row's index at its left edge: the
quickest way to see why a label did not match.
"""

from __future__ import annotations

from pathlib import Path

import pymupdf

from extractor.layout import Row, page_to_rows
from extractor.read.pdf import read_page

BLUE, GREEN, ORANGE, RED = (0.1, 0.3, 0.9), (0.1, 0.6, 0.2), (0.95, 0.5, 0.0), (0.85, 0.1, 0.1)


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
        rows = page_to_rows(read_page(page))
        draw_rows(page, rows)
        page.get_pixmap(dpi=dpi).save(out)
    return out
