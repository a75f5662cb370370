"""Text inputs (plain text, Markdown, HTML): decode -> detect the form -> the matching parser.

- 概要 summaries go to the loosely keyed summary parser (`extractor.text.summary`);
- converted tables (tab-separated / pipe / HTML rows) are rebuilt as layout rows
  and walked with the same form spec and `Walker` as a PDF (`extractor.text.walk`);
- a plain text dump of a form PDF, with no table structure left, goes to the
  anchor-based dump reader (`extractor.text.dump.parse`).
"""

from __future__ import annotations

import re

from extractor.errors import InputError
from extractor.forms.spec import FormSpec, all_specs
from extractor.model import DocumentResult, DocumentRow, Status
from extractor.normalise import clean_line, fold, label_key
from extractor.text.markup import text_to_rows
from extractor.text.summary import is_summary_head, parse_summary_text
from extractor.text.walk import TextWalker

_FORM_WORDS = (("全項目評価書", "full"), ("重点項目評価書", "focused"), ("基礎項目評価書", "basic"))
_STAMP = re.compile(r"[\[［]\s*((?:平成|令和)\s*\d+\s*年\s*\d+\s*月)\s*様式\s*(\d)\s*[\]］]")
_TABLE_LINE = re.compile(r"\t|^\s*\|.*\|\s*$|<t[rd][\s>]", re.M)
HEAD_LINES = 12


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), then Shift_JIS (cp932); refuse anything else."""
    for encoding in ("utf-8-sig", "cp932"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputError("not_text", "the text is neither UTF-8 nor Shift_JIS; it cannot be read")


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


def detect_form(text: str) -> tuple[str | None, str | None]:
    """(form_type, form_version) from the title lines and the `[平成30年５月　様式４]` stamp."""
    head = fold(head_text(text))
    title = next((ln for ln in head.splitlines() if "評価書" in ln), "")
    form_type = None
    if is_summary_head(head):
        form_type = "summary"
    else:
        form_type = next((t for word, t in _FORM_WORDS if word in title), None)
        if form_type is None:
            form_type = next((t for word, t in _FORM_WORDS if word in head), None)
    stamp = _STAMP.search(fold(text[:20000]))
    version = None
    if stamp:
        era_month = re.sub(r"\s+", "", stamp.group(1))
        version = f"{era_month} 様式{stamp.group(2)}"
    return form_type, version


def spec_for(form_type: str | None, version: str | None) -> FormSpec | None:
    for spec in all_specs():
        if spec.form_type == form_type:
            return spec
    if version:
        for spec in all_specs():
            if any(label_key(s) in label_key(version) for s in spec.stamp_contains):
                return spec
    return None


def has_tables(text: str, fmt: str) -> bool:
    return fmt in ("markdown", "html") or len(_TABLE_LINE.findall(text)) >= 5


def parse_text(data: bytes, doc_id: str, source_path: str, fmt: str) -> DocumentResult:
    text = decode_text(data)
    row = DocumentRow(doc_id=doc_id, source_path=source_path, source_format=fmt)
    result = DocumentResult(document=row)
    form_type, version = detect_form(text)
    row.form_type, row.form_version = form_type, version
    if form_type == "summary":
        parse_summary_text(text, fmt, result)
        result.settle_status()
        return result
    spec = spec_for(form_type, version)
    if spec is None:
        if form_type is None:
            raise InputError("unknown_form", "the text is not a recognised 特定個人情報保護評価書 or its 概要")
        result.warn(f"there is no form definition for a {form_type} assessment yet; only its type was read")
        row.status = Status.PARTIAL.value
        return result
    row.layout_id = spec.id
    if has_tables(text, fmt):
        TextWalker(spec, result).walk(text_to_rows(text, fmt))
        row.form_version = row.form_version or version
    else:
        from extractor.text.dump.parse import parse_dump

        parse_dump(text, spec, result)
    result.settle_status()
    return result


