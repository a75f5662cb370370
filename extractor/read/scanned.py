"""Stage 1 (scans) — which pages of a PDF are read by OCR, and what the document row says about it.

`--ocr auto` reads the pages without a text layer (a page with one is never OCR'd),
`always` every page, `never` none.  A page OCR cannot read is a warning, not a failure;
OCR missing on this machine fails only a document that has no text layer at all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from extractor.errors import InputError
from extractor.model import OcrMode
from extractor.read.content import PageContent

if TYPE_CHECKING:
    from extractor.read.ocr import OcrPage

# OCR's modules (OpenCV, NumPy, Tesseract) are imported only when a page needs OCR: a worker
# reading born-digital PDFs never loads them (start-up time and address space under the limit)
NOT_INSTALLED = "OCR is not installed (apt-get install tesseract-ocr tesseract-ocr-jpn)"
LOW_CONFIDENCE = 0.6  # a word read with less confidence than this is named in a warning
MAX_NAMED = 5  # low-confidence words named per page

# Called with a page's number before OCR reads it.  A batch worker reports each OCR'd page to its
# parent, whose time limit grows by a per-page allowance (a 100-page scan is not a hang).
_page_listener: Callable[[int], None] | None = None


def on_ocr_page(listener: Callable[[int], None] | None) -> None:
    """Tell `listener` the number of each page before OCR reads it (None: stop telling)."""
    global _page_listener
    _page_listener = listener


@dataclass(frozen=True, slots=True)
class ScanReading:
    pages: list[PageContent]  # every page, those read by OCR replaced
    ocr_pages: int
    confidence: float | None  # mean word confidence over the OCR'd pages, 0-1
    warnings: tuple[str, ...]
    doubts: dict[int, tuple[str, ...]] = field(default_factory=dict)  # page -> texts read doubtfully


class NeedsWholeDocument(Exception):
    """A page has no text layer: OCR, and telling whether any page has text, take the whole
    document, so the pipeline reads it whole (`read_scanned`) instead of page by page."""


@dataclass(slots=True)
class TextLayers:
    """A PDF's pages passed on one at a time while `read_scanned` would leave them as they are
    (`--ocr auto` or `never`); raises NeedsWholeDocument at the first page it would not."""

    mode: OcrMode
    empty: list[int] = field(default_factory=list)  # pages without words kept as they are (`never`)

    def pages(self, pages: Iterable[PageContent]) -> Iterator[PageContent]:
        seen_text = False
        for page in pages:
            if page.words:
                seen_text = True
            elif self.mode == "never" and seen_text:  # some page has text: this one is only a warning
                self.empty.append(page.number)
            else:
                raise NeedsWholeDocument(f"page {page.number} has no text layer")
            yield page


def _tell(k: int) -> None:
    if _page_listener is not None:
        _page_listener(k + 1)


def pages_to_ocr(pages: list[PageContent], mode: OcrMode) -> list[int]:
    """0-based indexes of the pages to read by OCR."""
    if mode == "never":
        return []
    return [k for k, p in enumerate(pages) if mode == "always" or not p.words]


def read_scanned(data: bytes, pages: list[PageContent], mode: OcrMode,
                 vocabulary: frozenset[str] = frozenset()) -> ScanReading:
    """OCR the pages that need it (katakana mended to `vocabulary`: `read.vocabulary`); raises
    InputError when nothing can be read at all."""
    wanted = pages_to_ocr(pages, mode)
    no_text = all(not p.words for p in pages)
    if not wanted:
        if no_text:
            hint = " (OCR was turned off with --ocr never)" if mode == "never" else ""
            raise InputError("no_text", f"no page has a text layer (a scanned, image-only PDF){hint}")
        return ScanReading(pages, 0, None, ())
    _tell(wanted[0])  # loading OCR (OpenCV, Tesseract) is part of reading the first page
    from extractor.read import ocr

    try:
        ocr.check_available()
    except InputError:
        if no_text:
            raise
        warns = tuple(f"page {pages[k].number} has no text layer and {NOT_INSTALLED}" for k in wanted)
        return ScanReading(pages, 0, None, warns)
    reading = _read(data, pages, wanted, vocabulary)
    if all(not p.words for p in reading.pages):
        why = "; ".join(reading.warnings) or "OCR found no text on it"
        raise InputError("no_text", f"no page has a text layer (a scanned, image-only PDF) and {why}")
    return reading


def _read(data: bytes, pages: list[PageContent], wanted: list[int], vocabulary: frozenset[str]) -> ScanReading:
    from extractor.read import ocr
    from extractor.read.pdf import open_pdf

    out = list(pages)
    confs: list[float] = []
    warns: list[str] = []
    doubts: dict[int, tuple[str, ...]] = {}
    done = 0
    doc = open_pdf(data)
    try:
        for k in wanted:
            if k != wanted[0]:  # the first was told before OCR was loaded
                _tell(k)
            try:
                got = ocr.ocr_page(doc[k], vocabulary=vocabulary)
            except MemoryError:
                raise
            except Exception as exc:  # one unreadable page must not lose the others
                warns.append(f"page {k + 1} could not be read by OCR: {type(exc).__name__}: {exc}")
                continue
            out[k] = got.content
            doubts[k + 1] = got.doubts
            confs.extend(got.confidences)
            warns.extend(_page_warnings(got))
            done += 1
    finally:
        doc.close()
    mean = round(sum(confs) / len(confs), 3) if confs else None
    return ScanReading(out, done, mean, tuple(warns), doubts)


def _page_warnings(page: OcrPage) -> list[str]:
    low = [(w.text, c) for w, c in zip(page.content.words, page.confidences, strict=True) if c < LOW_CONFIDENCE]
    if not low:
        return []
    named = ", ".join(f"'{t}' ({c:.0%})" for t, c in low[:MAX_NAMED])
    more = f" and {len(low) - MAX_NAMED} more" if len(low) > MAX_NAMED else ""
    return [f"page {page.content.number}: {len(low)} words read by OCR with low confidence: {named}{more}"]
