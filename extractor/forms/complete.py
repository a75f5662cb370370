"""Completeness: what the form says this document must hold, against what was read.

Expected is computed from the spec and the document's own structure: the cover and document
fields once; the per-file fields once per 特定個人情報ファイル read; a block's fields once per block
read (システム2, 委託事項1 …; printed placeholders dropped as empty are not blocks); every Ⅲ/Ⅳ
outline question once per file (Ⅲ) or once (Ⅳ).  Read is what the binder bound.  Each gap is a
warning naming the field, its block and the page, and makes the document `partial`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from extractor.forms.spec import Field, FormSpec
from extractor.model import DocumentResult, RiskRow
from extractor.normalise import label_key, strip_item_number


@dataclass(frozen=True)
class Expected:
    record: Any
    field: Field
    where: str  # ファイル1 / システム2 / 委託事項1 of file 1 / the cover


def expected_fields(spec: FormSpec, result: DocumentResult) -> Iterator[Expected]:
    """Every (record, field unit) the document should hold, each unit once per record."""
    seen: set[tuple[int, str]] = set()
    for exp in _all_expected(spec, result):
        key = (id(exp.record), exp.field.unit)
        if key not in seen and not exp.field.optional:
            seen.add(key)
            yield exp


def _all_expected(spec: FormSpec, result: DocumentResult) -> Iterator[Expected]:
    doc = result.document
    for f in spec.cover:
        yield Expected(doc, f, "the cover")
    for f in spec.fields:
        if f.table == "documents" or f.kind == "names":
            yield Expected(doc, f, f"part {f.part}")
        elif f.table == "files" and not f.block:
            for file in result.files:
                yield Expected(file, f, f"ファイル{file.file_no}")
    for block in spec.blocks:
        if block.table is None:
            continue
        fields = [f for f in spec.fields if block.name in f.block]
        for rec in getattr(result, block.table):
            if _in_block(rec, block.set):
                for f in fields:
                    yield Expected(rec, f, _block_name(block.heading, rec, block.number))


def _in_block(record: Any, fixed: dict[str, str]) -> bool:
    if getattr(record, "listed_in", "body") not in ("body", "reference"):
        return False
    return all(getattr(record, k) == v for k, v in fixed.items())


def _block_name(heading: str, record: Any, number: str | None) -> str:
    name = f"{heading}{getattr(record, number) if number else ''}"
    file_no = getattr(record, "file_no", None)
    return f"{name} of file {file_no}" if file_no is not None else name


def expected_questions(spec: FormSpec, result: DocumentResult) -> Iterator[tuple[int | None, str, int, str]]:
    """(file_no, part, section_no, question key) of every outline question the document prints."""
    files = [f.file_no for f in result.files] or [1]
    for sec in spec.outline:
        part = spec.part(sec.part)
        for file_no in (files if part and part.per_file else [None]):
            for risk in sec.risks:
                for q in risk.questions:
                    yield file_no, sec.part, sec.section, label_key(strip_item_number(q))


def _answered(rows: list[RiskRow]) -> set[tuple[int | None, str, int | None, str]]:
    return {(r.file_no, r.part, r.section_no, label_key(strip_item_number(r.question))) for r in rows}


def account(spec: FormSpec, result: DocumentResult, read: set[tuple[int, str]]) -> None:
    """Set fields_expected / fields_read and report every gap (the document becomes `partial`)."""
    expected = read_count = 0
    for exp in expected_fields(spec, result):
        expected += 1
        if (id(exp.record), exp.field.unit) in read:
            read_count += 1
        else:
            page = getattr(exp.record, "page", None)
            at = f" (page {page})" if page else ""
            result.gap(f"'{exp.field.label}' of {exp.where} was not found{at}")
    answered = _answered(result.risk_ratings)
    for file_no, part, section, question in expected_questions(spec, result):
        expected += 1
        if (file_no, part, section, question) in answered:
            read_count += 1
        else:
            where = f" of file {file_no}" if file_no is not None else ""
            result.gap(f"Ⅲ/Ⅳ question '{question}' ({part} {section}){where} was not found")
    result.document.fields_expected, result.document.fields_read = expected, read_count
