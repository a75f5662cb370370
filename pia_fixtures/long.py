"""Long documents for the memory and scaling checks: one generated assessment repeated.

Every length repeats the same ~50-page assessment (systems, files, entrustments, annexed lists,
Ⅲ/Ⅳ pages), so a difference in memory or per-page time between lengths comes from the length,
not from a different mix of pages.
"""

from __future__ import annotations

import os
from pathlib import Path

import pymupdf

from pia_fixtures.synth import random_assessment, render_pdf


def base_assessment(path: Path) -> Path:
    """The repeated assessment (rendered once; kept when `path` exists)."""
    if not path.exists():
        render_pdf(random_assessment(7, "full", n_files=2, n_annex_rows=60), path)
    return path


def long_document(base: Path, target_pages: int, path: Path) -> int:
    """`base` repeated to about `target_pages` pages, saved at `path`; returns the page count."""
    with pymupdf.open(base) as src, pymupdf.open() as doc:
        for _ in range(max(1, round(target_pages / src.page_count))):
            doc.insert_pdf(src)
        doc.save(os.fspath(path), garbage=1)
        return int(doc.page_count)
