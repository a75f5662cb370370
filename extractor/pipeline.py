"""The per-document pipeline: read -> layout -> normalise -> match form spec -> records.

`extract_document` never raises for bad input: every problem becomes a
`failed` (or `partial`) status with a plain-words warning on the document row.
"""

from __future__ import annotations

import gc
import hashlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from extractor.errors import InputError
from extractor.forms.bind import bind_events
from extractor.forms.cell_values import label_text
from extractor.forms.detect import detect_form
from extractor.forms.rows import RowReader
from extractor.forms.spec import katakana_vocabulary
from extractor.layout import Row, RowStream, document_rows
from extractor.model import (
    DEFAULT_OPTIONS,
    PARSER_VERSION,
    DocumentResult,
    DocumentRow,
    ExtractOptions,
    OcrMode,
    failed_result,
)
from extractor.normalise.enrich import enrich
from extractor.read.doubts import withhold
from extractor.read.pdf import PdfPages, open_pdf, read_pdf
from extractor.read.scanned import NeedsWholeDocument, TextLayers, read_scanned
from extractor.read.sniff import sniff_format


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@contextmanager
def cycle_collection_paused() -> Iterator[None]:
    """Python's cycle collector paused while a document is parsed, as it was before, after.

    The parse makes no reference cycles (`tests/test_pipeline.py` checks it: a collection after
    each sample document finds nothing), so reference counting frees every page as it goes and
    the collector only walks the page window and the loaded modules again and again: ~15% of
    the parse's CPU time on the corpus.  Should a cycle ever be made, it waits for the end of
    the document, not longer.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def parse_pdf(data: bytes, doc_id: str, source_path: str, options: ExtractOptions = DEFAULT_OPTIONS) -> DocumentResult:
    """A PDF whose pages all have a text layer is read, laid out and bound one page at a time (memory
    does not grow with its length); one with a page to OCR is read whole, OCR replacing pages."""
    with cycle_collection_paused():
        return _parse_pdf(data, doc_id, source_path, options)


def _parse_pdf(data: bytes, doc_id: str, source_path: str, options: ExtractOptions) -> DocumentResult:
    if options.ocr == "always":
        return _parse_whole(data, doc_id, source_path, options)
    try:
        return _parse_streamed(data, doc_id, source_path, options.ocr)
    except NeedsWholeDocument:
        pass
    except (InputError, MemoryError):
        raise
    except Exception:  # a parser bug: read whole, it fails as it does there (reading errors first)
        pass
    return _parse_whole(data, doc_id, source_path, options)


def _parse_streamed(data: bytes, doc_id: str, source_path: str, mode: OcrMode) -> DocumentResult:
    result, rows = _stream_pass(data, doc_id, source_path, mode, None)
    if not rows.exact:  # a long document's running-line guess was wrong: read again knowing every page's lines
        result, _ = _stream_pass(data, doc_id, source_path, mode, rows.margin_counts)
    return result


def _stream_pass(data: bytes, doc_id: str, source_path: str, mode: OcrMode,
                 margin_counts: dict[str, int] | None) -> tuple[DocumentResult, RowStream]:
    text = TextLayers(mode)
    with open_pdf(data) as doc:
        pages = PdfPages(doc)
        result = DocumentResult(document=DocumentRow(doc_id=doc_id, source_path=source_path, source_format="pdf",
                                                     n_pages=pages.count, ocr_pages=0, ocr_confidence=None))
        rows = RowStream(text.pages(pages), pages.count, margin_counts)
        _bind_rows(rows.head(12), rows, result)
    # first, where a whole reading puts them
    result.document.warnings[:0] = [f"page {p} has no text layer" for p in text.empty]
    result.settle_status()
    return result, rows


def _parse_whole(data: bytes, doc_id: str, source_path: str, options: ExtractOptions) -> DocumentResult:
    pages, n_pages = read_pdf(data)
    scan = read_scanned(data, pages, options.ocr, katakana_vocabulary())
    pages = scan.pages
    row = DocumentRow(doc_id=doc_id, source_path=source_path, source_format="pdf-ocr" if scan.ocr_pages else "pdf",
                      n_pages=n_pages, ocr_pages=scan.ocr_pages, ocr_confidence=scan.confidence)
    result = DocumentResult(document=row)
    for w in scan.warnings:
        result.warn(w)
    empty_pages = [p.number for p in pages if not p.words]
    for p in empty_pages:
        result.warn(f"page {p} has no text layer")
    rows = document_rows(pages)
    _bind_rows(rows[:12], rows, result)
    withhold(result, scan.doubts)
    result.settle_status()
    return result


def _bind_rows(head: list[Row], rows: Iterable[Row], result: DocumentResult) -> None:
    """Records on `result` from the rows of the form the first rows (`head`) show."""
    found = detect_form("\n".join(label_text(c) for r in head for c in r.cells))
    if found.form_type == "summary":
        from extractor.text.summary import parse_summary_rows  # only summaries need it (worker start-up)

        result.document.layout_id = "summary"
        parse_summary_rows(list(rows), result)
    elif found.spec is None:
        for _ in rows:  # every page read first: a page's reading error is what a whole reading reports
            pass
        raise InputError("unknown_form", "the document is not a recognised 特定個人情報保護評価書 form")
    else:
        result.document.form_type, result.document.layout_id = found.spec.form_type, found.spec.id
        bind_events(found.spec, RowReader(found.spec).events(rows), result)


def extract_bytes(data: bytes, source_path: str, options: ExtractOptions = DEFAULT_OPTIONS) -> DocumentResult:
    """Extract one document given its bytes; the path is only reported."""
    doc_id = sha256_bytes(data)
    fmt = sniff_format(data, Path(source_path).suffix)
    if fmt == "empty":
        return failed_result(doc_id, source_path, "unknown", "empty", "the file is empty (0 bytes of content)")
    if fmt == "binary":
        return failed_result(
            doc_id, source_path, "unknown", "not_pdf", "the file is neither a PDF nor readable text"
        )
    try:
        if fmt == "pdf":
            result = parse_pdf(data, doc_id, source_path, options)
        else:
            from extractor.text.parse import parse_text  # text inputs only: PDF workers start without it

            result = parse_text(data, doc_id, source_path, fmt)
    except InputError as exc:
        return failed_result(doc_id, source_path, fmt, exc.kind, str(exc))
    except Exception as exc:  # a parser bug must not lose the document row
        return failed_result(
            doc_id, source_path, fmt, "internal_error", f"internal error while parsing: {type(exc).__name__}: {exc}"
        )
    result.document.parser_version = PARSER_VERSION
    return enrich(result)


def extract_document(path: str | Path, source_path: str | None = None,
                     options: ExtractOptions = DEFAULT_OPTIONS) -> DocumentResult:
    """Extract one input file; `source_path` overrides the path reported in the output."""
    path = Path(path)
    shown = source_path if source_path is not None else str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        return failed_result("", shown, "unknown", "unreadable", f"the file could not be read: {exc.strerror or exc}")
    return extract_bytes(data, shown, options)
