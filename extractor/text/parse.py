"""Text inputs (plain text, Markdown, HTML): decode -> detect the form -> the matching reader.

- 概要 summaries go to the loosely keyed summary reader (`extractor.text.summary`);
- converted tables (tab-separated / pipe / HTML rows) are rebuilt as layout rows and read by
  `extractor.text.walk` into the same events as a PDF's rows, bound with the same form spec;
- a plain text dump of a form PDF, with no table structure left, goes to the dump reader
  (`extractor.text.dump`).
"""

from __future__ import annotations

import re

from extractor.errors import ErrorKind, InputError
from extractor.forms.bind import bind_events
from extractor.forms.detect import detect_form
from extractor.forms.rows import plausible_stamp
from extractor.model import DocumentResult, DocumentRow
from extractor.normalise import clean_line
from extractor.text.dump.parse import parse_dump
from extractor.text.markup import text_to_rows
from extractor.text.summary import parse_summary_text
from extractor.text.walk import MarkupReader

_TABLE_LINE = re.compile(r"\t|^\s*\|.*\|\s*$|<t[rd][\s>]", re.M)
HEAD_LINES = 12
STAMP_SPAN = 20000  # characters searched for the form stamp


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), then Shift_JIS (cp932); refuse anything else."""
    for encoding in ("utf-8-sig", "cp932"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputError(ErrorKind.NOT_TEXT, "the text is neither UTF-8 nor Shift_JIS; it cannot be read")


def head_text(text: str, n_lines: int = HEAD_LINES) -> str:
    """The document's first non-blank lines, tags removed: where the title and the stamp are printed."""
    lines = []
    for raw in text.splitlines():
        line = clean_line(re.sub(r"<[^>]{1,200}>", " ", raw))
        if line:
            lines.append(line)
        if len(lines) >= n_lines:
            break
    return "\n".join(lines)


def has_tables(text: str, fmt: str) -> bool:
    return fmt in ("markdown", "html") or len(_TABLE_LINE.findall(text)) >= 5


def parse_text(data: bytes, doc_id: str, source_path: str, fmt: str) -> DocumentResult:
    text = decode_text(data)
    row = DocumentRow(doc_id=doc_id, source_path=source_path, source_format=fmt)
    result = DocumentResult(document=row)
    found = detect_form(head_text(text), text[:STAMP_SPAN])
    row.form_type = found.form_type
    row.form_version = found.version if found.version and plausible_stamp(found.version) else None
    if found.form_type == "summary":
        parse_summary_text(text, fmt, result)
    elif found.spec is None:
        raise InputError(ErrorKind.UNKNOWN_FORM, "the text is not a recognised 特定個人情報保護評価書 or its 概要")
    elif has_tables(text, fmt):
        row.layout_id = found.spec.id
        bind_events(found.spec, MarkupReader(found.spec).events(text_to_rows(text, fmt)), result)
    else:
        row.layout_id = found.spec.id
        parse_dump(text, found.spec, result)
    result.settle_status()
    return result
