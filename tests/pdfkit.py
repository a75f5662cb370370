"""Tiny helpers that draw real PDF tables with PyMuPDF for layout tests."""

from __future__ import annotations

from pathlib import Path

import pymupdf

FONT = "japan"


def text(page: pymupdf.Page, x: float, y: float, s: str, size: float = 9) -> None:
    page.insert_text((x, y), s, fontname=FONT, fontsize=size)


def hline(page: pymupdf.Page, y: float, x0: float, x1: float) -> None:
    page.draw_line((x0, y), (x1, y), width=0.5)


def vline(page: pymupdf.Page, x: float, y0: float, y1: float) -> None:
    page.draw_line((x, y0), (x, y1), width=0.5)


def two_col_table(page: pymupdf.Page, rows: list[tuple[str, list[str]]], top: float = 60,
                  left: float = 40, mid: float = 200, right: float = 560, line_h: float = 13) -> float:
    """Draw label | value rows (value may have several lines); returns the bottom y."""
    y = top
    hline(page, y, left, right)
    for label, lines in rows:
        h = max(1, len(lines)) * line_h + 6
        text(page, left + 4, y + 12, label)
        for k, ln in enumerate(lines):
            text(page, mid + 4, y + 12 + k * line_h, ln)
        vline(page, left, y, y + h)
        vline(page, mid, y, y + h)
        vline(page, right, y, y + h)
        y += h
        hline(page, y, left, right)
    return y


def save(doc: pymupdf.Document, path: Path) -> Path:
    doc.save(path)
    doc.close()
    return path
