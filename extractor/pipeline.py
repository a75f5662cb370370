"""The per-document pipeline: read -> layout -> normalise -> match form spec -> records.

`extract_document` never raises for bad input: every problem becomes a
`failed` (or `partial`) status with a plain-words warning on the document row.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from extractor.model import DocumentResult, DocumentRow, Status
from extractor.pipeline_errors import InputError

PARSER_VERSION = "0.1.0"


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _decode_sample(sample: bytes) -> str | None:
    """UTF-8 (a multi-byte character cut at the sample's end is dropped), else Shift_JIS; None if neither."""
    try:
        return sample.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start >= len(sample) - 3 and exc.reason.startswith("unexpected end"):
            return sample[: exc.start].decode("utf-8", errors="strict")
    try:
        return sample.decode("cp932")
    except UnicodeDecodeError as exc:
        if exc.start >= len(sample) - 1:
            return sample[: exc.start].decode("cp932")
    return None


def sniff_format(data: bytes, suffix: str) -> str:
    """Decide the input format from content first, suffix second.

    HTML is a document that starts with markup (or declares `<html>`); Markdown is text whose
    tables are tab-separated or `| a | b |` rows (cells may hold HTML); anything else is text.
    """
    head = data[:1024].lstrip()
    if head.startswith(b"%PDF") or b"%PDF-" in data[:1024]:
        return "pdf"
    if not data.strip():
        return "empty"
    text = _decode_sample(data[:65536])
    if text is None or "\x00" in text:
        return "binary"
    low = text.lstrip("\ufeff \r\n\t").lower()
    if low.startswith(("<!doctype html", "<html", "<?xml")) or "<html" in low[:4096]:
        return "html"
    table_rows = sum(1 for line in text.splitlines() if "\t" in line or _is_pipe_row(line))
    if table_rows >= 3:
        return "markdown"
    if low.startswith(("<table", "<div", "<p", "<body")) or "<table" in low:
        return "html"
    if suffix.lower() in (".md", ".markdown"):
        return "markdown"
    if suffix.lower() in (".html", ".htm", ".xhtml"):
        return "html"
    return "text"


def _is_pipe_row(line: str) -> bool:
    s = line.strip()
    return len(s) > 2 and s.startswith("|") and s.endswith("|")


def failed_result(doc_id: str, source_path: str, fmt: str, kind: str, reason: str) -> DocumentResult:
    row = DocumentRow(
        doc_id=doc_id,
        source_path=source_path,
        source_format=fmt,
        status=Status.FAILED.value,
        warnings=[reason],
        parser_version=PARSER_VERSION,
        error_kind=kind,
    )
    return DocumentResult(document=row)


def extract_bytes(data: bytes, source_path: str) -> DocumentResult:
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
            from extractor.pdf_parse import parse_pdf

            result = parse_pdf(data, doc_id, source_path)
        else:
            from extractor.text_parse import parse_text

            result = parse_text(data, doc_id, source_path, fmt)
    except InputError as exc:
        return failed_result(doc_id, source_path, fmt, exc.kind, str(exc))
    except Exception as exc:  # a parser bug must not lose the document row
        return failed_result(
            doc_id, source_path, fmt, "internal_error", f"internal error while parsing: {type(exc).__name__}: {exc}"
        )
    result.document.parser_version = PARSER_VERSION
    return result


def extract_document(path: str | Path, source_path: str | None = None) -> DocumentResult:
    """Extract one input file; `source_path` overrides the path reported in the output."""
    path = Path(path)
    shown = source_path if source_path is not None else str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        return failed_result("", shown, "unknown", "unreadable", f"the file could not be read: {exc.strerror or exc}")
    return extract_bytes(data, shown)
