"""The per-document pipeline: read -> layout -> normalise -> match form spec -> records.

`extract_document` never raises for bad input: every problem becomes a
`failed` (or `partial`) status with a plain-words warning on the document row.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from extractor.errors import InputError
from extractor.forms.bind import bind_events
from extractor.forms.cell_values import label_text
from extractor.forms.detect import detect_form
from extractor.forms.rows import RowReader
from extractor.layout import document_rows
from extractor.model import DEFAULT_OPTIONS, PARSER_VERSION, DocumentResult, DocumentRow, ExtractOptions, failed_result
from extractor.normalise.enrich import enrich
from extractor.read.pdf import read_pdf
from extractor.read.scanned import read_scanned
from extractor.read.sniff import sniff_format
from extractor.text.parse import parse_text
from extractor.text.summary import parse_summary_rows


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def parse_pdf(data: bytes, doc_id: str, source_path: str, options: ExtractOptions = DEFAULT_OPTIONS) -> DocumentResult:
    pages, n_pages = read_pdf(data)
    scan = read_scanned(data, pages, options.ocr)
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
    found = detect_form("\n".join(label_text(c) for r in rows[:12] for c in r.cells))
    if found.form_type == "summary":
        row.layout_id = "summary"
        parse_summary_rows(rows, result)
    elif found.spec is None:
        raise InputError("unknown_form", "the document is not a recognised 特定個人情報保護評価書 form")
    else:
        row.form_type, row.layout_id = found.spec.form_type, found.spec.id
        bind_events(found.spec, RowReader(found.spec).events(rows), result)
    result.settle_status()
    return result


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
