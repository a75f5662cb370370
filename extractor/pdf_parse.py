"""PDF documents: read -> layout -> choose form spec -> walk -> records."""

from __future__ import annotations

from extractor.layout import document_rows
from extractor.match import Walker, label_text
from extractor.model import DocumentResult, DocumentRow
from extractor.pipeline_errors import InputError
from extractor.read import read_pdf
from extractor.spec import choose_spec
from extractor.summary import is_summary_head, parse_summary_rows


def parse_pdf(data: bytes, doc_id: str, source_path: str) -> DocumentResult:
    pages, n_pages = read_pdf(data)
    row = DocumentRow(doc_id=doc_id, source_path=source_path, source_format="pdf", n_pages=n_pages)
    result = DocumentResult(document=row)
    empty_pages = [p.number for p in pages if not p.words]
    if len(empty_pages) == len(pages):
        raise InputError("no_text", "no page has a text layer (a scanned, image-only PDF); it needs OCR first")
    for p in empty_pages:
        result.warn(f"page {p} has no text layer")
    rows = document_rows(pages)
    head_lines = [label_text(c) for r in rows[:12] for c in r.cells]
    if is_summary_head("\n".join(head_lines)):
        row.layout_id = "summary"
        parse_summary_rows(rows, result)
        result.settle_status()
        return result
    head = " ".join(head_lines)
    spec = choose_spec(head, head)
    if spec is None:
        raise InputError("unknown_form", "the document is not a recognised 特定個人情報保護評価書 form")
    row.form_type = spec.form_type
    row.layout_id = spec.id
    Walker(spec, result).walk(rows)
    result.settle_status()
    return result
