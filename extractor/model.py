"""Typed records handed between pipeline stages and to the table writers.

One dataclass per output table row (see SCHEMA.md), plus the per-document
result that carries status and plain-words warnings.  Field order and names
follow the output contract; extra columns are additions, never renames.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from extractor.errors import ErrorKind

PARSER_VERSION = "0.1.0"
LOSS_PHRASES = ("could not be read", "not found", "left empty", "is missing", "not placed")


def is_loss(warning: str) -> bool:
    """Does this warning say that a value the document holds was not extracted?"""
    return any(s in warning for s in LOSS_PHRASES)


class Status(str, Enum):
    OK = "ok"
    PARTIAL = "partial"
    FAILED = "failed"


@dataclass
class DocumentRow:
    doc_id: str
    source_path: str
    source_format: str = "pdf"
    form_type: str | None = None
    form_version: str | None = None
    assessment_no: str | None = None
    title: str | None = None
    organization: str | None = None
    published_on: str | None = None
    affair_name: str | None = None
    target_population: str | None = None
    info_network_linkage: str | None = None
    threshold_result: str | None = None
    status: str = Status.OK.value
    n_pages: int | None = None
    warnings: list[str] = field(default_factory=list)
    # additions beyond the contract
    layout_id: str | None = None
    parser_version: str | None = None
    error_kind: str | None = None


@dataclass
class SystemRow:
    doc_id: str
    system_no: int
    name: str | None = None
    functions: str | None = None
    conn_info_network: bool | None = None
    conn_intra_agency: bool | None = None
    conn_juki_net: bool | None = None
    conn_existing_juki: bool | None = None
    conn_address: bool | None = None
    conn_tax: bool | None = None
    conn_other: bool | None = None
    conn_other_text: str | None = None


@dataclass
class FileRow:
    doc_id: str
    file_no: int
    name: str | None = None
    file_type: str | None = None
    subjects_band: str | None = None
    subjects_scope: str | None = None
    items_band: str | None = None
    main_items: list[str] | None = None
    main_items_other_text: str | None = None
    holding_start: str | None = None
    department: str | None = None
    sources: list[str] | None = None
    sources_detail: list[str] | None = None
    acquisition_methods: list[str] | None = None
    acquisition_methods_other_text: str | None = None
    users_band: str | None = None
    use_start: str | None = None
    entrusted: bool | None = None
    n_entrustments: int | None = None
    provides: bool | None = None
    n_provisions: int | None = None
    transfers: bool | None = None
    n_transfers: int | None = None
    retention_band: str | None = None


@dataclass
class EntrustmentRow:
    doc_id: str
    file_no: int
    entrustment_no: int
    title: str | None = None
    description: str | None = None
    file_scope: str | None = None
    handlers_band: str | None = None
    provision_methods: list[str] | None = None
    provision_methods_other_text: str | None = None
    contractor: str | None = None
    subcontracting: bool | None = None
    subcontract_items: str | None = None


@dataclass
class RecipientRow:
    doc_id: str
    file_no: int | None
    kind: str
    recipient_no: int
    recipient: str | None = None
    legal_basis: str | None = None
    purpose: str | None = None
    information: str | None = None
    subjects_band: str | None = None
    subjects_scope: str | None = None
    methods: list[str] | None = None
    methods_other_text: str | None = None
    timing: str | None = None
    listed_in: str = "body"


@dataclass
class RiskRow:
    doc_id: str
    file_no: int | None
    part: str
    section_no: int | None
    section: str | None
    risk_no: int | None
    risk: str | None
    question: str
    answer: str | None = None
    answer_code: int | None = None


@dataclass
class DocumentResult:
    """Everything extracted from one input document."""

    document: DocumentRow
    systems: list[SystemRow] = field(default_factory=list)
    files: list[FileRow] = field(default_factory=list)
    entrustments: list[EntrustmentRow] = field(default_factory=list)
    recipients: list[RecipientRow] = field(default_factory=list)
    risk_ratings: list[RiskRow] = field(default_factory=list)

    def warn(self, message: str) -> None:
        self.document.warnings.append(message)

    def settle_status(self) -> None:
        """`partial` when nothing was found or a value could not be placed; `ok` otherwise."""
        doc = self.document
        if doc.status == Status.FAILED.value:
            return
        if not self.files and not self.systems:
            doc.status = Status.PARTIAL.value
            self.warn("no 特定個人情報ファイル and no システム sections were found")
        elif any(is_loss(w) for w in doc.warnings):
            doc.status = Status.PARTIAL.value
        else:
            doc.status = Status.OK.value

    def row_counts(self) -> dict[str, int]:
        return {
            "systems": len(self.systems),
            "files": len(self.files),
            "entrustments": len(self.entrustments),
            "recipients": len(self.recipients),
            "risk_ratings": len(self.risk_ratings),
        }


def failed_result(doc_id: str, source_path: str, fmt: str, kind: ErrorKind | str, reason: str) -> DocumentResult:
    row = DocumentRow(
        doc_id=doc_id,
        source_path=source_path,
        source_format=fmt,
        status=Status.FAILED.value,
        warnings=[reason],
        parser_version=PARSER_VERSION,
        error_kind=ErrorKind(kind).value,
    )
    return DocumentResult(document=row)
