"""Stage 1 — read: positioned words and ruling segments of every page.

PyMuPDF is the reader: `get_text("words")` and `get_drawings()` are an order of
magnitude faster than pdfminer-based readers for these forms.  Its model-backed
`find_tables()` is deliberately not used (slow, and it dropped real tables).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pymupdf

from extractor.errors import InputError
from extractor.read.content import PageContent, Segment, Word

# A drawn rectangle thinner than this (pt) is a ruling line, not a shaded area.
THIN = 2.0
# Pages above this many square points (≈ 40 A4 pages) are refused as "huge page".
MAX_PAGE_AREA = 40 * 595 * 842
# MuPDF keeps the fonts it loaded in a store of up to 256 MB; a long document (assessments bound
# together, each with its own copy of the fonts) fills it by 0.6 MB every 45 pages.  Emptying it
# every this many pages keeps a page-by-page reading flat; the fonts in use are loaded again
# (tens of ms), so not after every page.
STORE_PAGES = 256
READ_AHEAD = 16  # pages PdfPages reads in a row (STORE_PAGES is a multiple of it)


def open_pdf(data: bytes) -> pymupdf.Document:
    """Open PDF bytes, turning every failure into an InputError with a plain reason."""
    try:
        doc = pymupdf.open(stream=data, filetype="pdf")
    except Exception as exc:
        raise InputError("corrupt", f"the PDF could not be opened (damaged or not a PDF): {exc}") from exc
    if doc.needs_pass:
        doc.close()
        raise InputError("encrypted", "the PDF is encrypted with a password; it cannot be read")
    if doc.page_count == 0:
        doc.close()
        raise InputError("corrupt", "the PDF could not be opened: it has no readable pages (damaged or empty)")
    return doc


_tuple_new = tuple.__new__  # builds a NamedTuple from a tuple without its Python-level __new__ (~40% cheaper)


def _segments_of_paths(paths: list[dict[str, Any]], hsegs: list[Segment], vsegs: list[Segment]) -> None:
    """Ruling segments of the page's vector paths (plain tuples from `get_cdrawings`)."""
    h_append, v_append = hsegs.append, vsegs.append
    for path in paths:
        for item in path["items"]:
            if item[0] != "l":  # rectangles and quads: rare next to the lines
                _segments_of_shape(item, path.get("type") or "", hsegs, vsegs)
                continue
            (px, py), (qx, qy) = item[1], item[2]
            if -1.0 < py - qy < 1.0:
                h_append(_tuple_new(Segment, (py, px, qx) if px < qx else (py, qx, px)))
            elif -1.0 < px - qx < 1.0:
                v_append(_tuple_new(Segment, (px, py, qy) if py < qy else (px, qy, py)))


def _segments_of_shape(item: tuple[Any, ...], ptype: str, hsegs: list[Segment], vsegs: list[Segment]) -> None:
    if item[0] == "re":
        _segments_of_rect(item[1], ptype, hsegs, vsegs)
    elif item[0] == "qu":
        xs = [pt[0] for pt in item[1]]
        ys = [pt[1] for pt in item[1]]
        _segments_of_rect((min(xs), min(ys), max(xs), max(ys)), ptype, hsegs, vsegs)


def _segments_of_rect(r: tuple[float, float, float, float], ptype: str,
                      hsegs: list[Segment], vsegs: list[Segment]) -> None:
    x0, y0, x1, y1 = r
    w, h = x1 - x0, y1 - y0
    if h < THIN and w >= THIN:  # a filled hairline (spreadsheet engines draw borders so)
        hsegs.append(Segment((y0 + y1) / 2, x0, x1))
    elif w < THIN and h >= THIN:
        vsegs.append(Segment((x0 + x1) / 2, y0, y1))
    elif "s" in ptype:  # a stroked box: its four edges are rules
        hsegs.extend((Segment(y0, x0, x1), Segment(y1, x0, x1)))
        vsegs.extend((Segment(x0, y0, y1), Segment(x1, y0, y1)))


def read_page(page: pymupdf.Page) -> PageContent:
    rect = page.rect
    if rect.width * rect.height > MAX_PAGE_AREA:
        size = f"{rect.width:.0f}×{rect.height:.0f} pt"
        raise InputError("huge_page", f"page {page.number + 1} is implausibly large ({size})")
    words = tuple([_tuple_new(Word, w[:5]) for w in page.get_text("words", sort=False) if w[4]])
    hsegs: list[Segment] = []
    vsegs: list[Segment] = []
    _segments_of_paths(page.get_cdrawings(), hsegs, vsegs)  # plain tuples: ~3x cheaper than get_drawings()
    return PageContent(page.number + 1, rect.width, rect.height, words, tuple(hsegs), tuple(vsegs))


def read_pdf(data: bytes, max_pages: int = 5000) -> tuple[list[PageContent], int]:
    """All pages' content and the page count; raises InputError for unreadable documents."""
    with open_pdf(data) as doc:
        pages = PdfPages(doc, max_pages)
        return list(pages), pages.count


class PdfPages:
    """The pages of an open PDF, read as the iteration reaches them (`READ_AHEAD` at a time): a
    caller that handles one page at a time holds a few pages' content, however long the document."""

    def __init__(self, doc: pymupdf.Document, max_pages: int = 5000) -> None:
        self.count: int = doc.page_count
        if self.count > max_pages:
            raise InputError("too_many_pages", f"the PDF has {self.count} pages, more than the limit of {max_pages}")
        self.doc = doc

    def __iter__(self) -> Iterator[PageContent]:
        for start in range(0, self.count, READ_AHEAD):
            # a few pages read in a row: MuPDF's working set stays in the CPU caches (~10% faster
            # than reading one page between each page's layout and binding)
            yield from [read_page(self.doc[k]) for k in range(start, min(start + READ_AHEAD, self.count))]
            if (start + READ_AHEAD) % STORE_PAGES == 0:
                pymupdf.TOOLS.store_shrink(100)
