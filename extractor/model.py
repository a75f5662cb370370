"""Typed records handed between pipeline stages and to the table writers.

One dataclass per output table row (see SCHEMA.md), plus the per-document
result that carries status and plain-words warnings.  Field order and names
follow the output contract; extra columns are additions, never renames.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import MISSING, dataclass, field
from enum import Enum
from typing import Any, Literal

from extractor.errors import ErrorKind

PARSER_VERSION = "0.1.0"
LOSS_PHRASES = ("could not be read", "not found", "left empty", "is missing", "not placed")


def col(label_ja: str, default: Any = MISSING, factory: Callable[[], Any] | None = None) -> Any:
    """A record field that is an output column: its Japanese label travels to the Parquet metadata."""
    meta = {"label_ja": label_ja}
    if factory is not None:
        return field(default_factory=factory, metadata=meta)
    return field(default=default, metadata=meta)


def is_loss(warning: str) -> bool:
    """Does this warning say that a value the document holds was not extracted?"""
    return any(s in warning for s in LOSS_PHRASES)


OcrMode = Literal["auto", "never", "always"]


@dataclass(frozen=True)
class ExtractOptions:
    """Per-document settings that travel from the CLI through the batch runner to the workers."""

    ocr: OcrMode = "auto"  # auto: OCR pages without a text layer; never; always: every page


DEFAULT_OPTIONS = ExtractOptions()


class Status(str, Enum):
    OK = "ok"
    PARTIAL = "partial"
    FAILED = "failed"


@dataclass
class DocumentRow:
    doc_id: str = col("文書ID(sha256)")
    source_path: str = col("入力ファイル")
    source_format: str = col("入力形式", "pdf")
    form_type: str | None = col("評価書の種類", None)
    form_version: str | None = col("様式", None)
    assessment_no: str | None = col("評価書番号", None)
    title: str | None = col("評価書名", None)
    organization: str | None = col("評価実施機関名", None)
    published_on: str | None = col("公表日", None)
    affair_name: str | None = col("事務の名称", None)
    target_population: str | None = col("対象人数", None)
    info_network_linkage: str | None = col("情報提供ネットワークシステムによる情報連携 実施の有無", None)
    threshold_result: str | None = col("しきい値判断結果", None)
    status: str = col("処理結果", Status.OK.value)
    n_pages: int | None = col("ページ数", None)
    warnings: list[str] = col("警告", factory=list)
    # additions beyond the contract
    layout_id: str | None = col("照合した様式定義", None)
    parser_version: str | None = col("抽出器の版", None)
    error_kind: str | None = col("失敗の種類", None)
    source_paths: list[str] | None = col("同一内容の入力ファイル", None)
    organization_body: str | None = col("評価実施機関(団体)", None)
    organization_kind: str | None = col("団体の種類", None)
    assessment_key: str | None = col("評価書キー", None)
    fields_expected: int | None = col("様式上の項目数", None)
    fields_read: int | None = col("読み取れた項目数", None)
    ocr_pages: int | None = col("OCRしたページ数", None)
    ocr_confidence: float | None = col("OCRの平均信頼度", None)
    # 基礎項目評価書 (様式2) only
    handlers_band: str | None = col("取扱者数", None)
    serious_incident: str | None = col("重大事故", None)
    submitted_forms: str | None = col("提出する特定個人情報保護評価書の種類", None)
    no_entrustment: bool | None = col("委託しない", None)
    no_transfer: bool | None = col("提供・移転しない", None)
    no_network_acquire: bool | None = col("接続しない(入手)", None)
    no_network_provide: bool | None = col("接続しない(提供)", None)
    no_manual_work: bool | None = col("人手を介在させる作業はない", None)
    audits: list[str] | None = col("監査 実施の有無", None)
    do_full_or_focused: bool | None = col("全項目評価又は重点項目評価を実施する", None)


@dataclass
class SystemRow:
    doc_id: str = col("文書ID(sha256)")
    system_no: int = col("システムN")
    name: str | None = col("システムの名称", None)
    functions: str | None = col("システムの機能", None)
    conn_info_network: bool | None = col("情報提供ネットワークシステム", None)
    conn_intra_agency: bool | None = col("庁内連携システム", None)
    conn_juki_net: bool | None = col("住民基本台帳ネットワークシステム", None)
    conn_existing_juki: bool | None = col("既存住民基本台帳システム", None)
    conn_address: bool | None = col("宛名システム等", None)
    conn_tax: bool | None = col("税務システム", None)
    conn_other: bool | None = col("その他", None)
    conn_other_text: str | None = col("その他（ ）", None)
    page: int | None = col("記載ページ", None)
    pages: list[int] | None = col("記載ページ(全て)", None)
    line: int | None = col("記載行(テキスト入力)", None)


@dataclass
class FileRow:
    doc_id: str = col("文書ID(sha256)")
    file_no: int = col("ファイル番号")
    name: str | None = col("特定個人情報ファイル名", None)
    file_type: str | None = col("ファイルの種類", None)
    subjects_band: str | None = col("対象となる本人の数", None)
    subjects_scope: str | None = col("対象となる本人の範囲", None)
    items_band: str | None = col("記録される項目", None)
    main_items: list[str] | None = col("主な記録項目", None)
    main_items_other_text: str | None = col("主な記録項目 その他（ ）", None)
    holding_start: str | None = col("保有開始日", None)
    department: str | None = col("事務担当部署", None)
    sources: list[str] | None = col("入手元", None)
    sources_detail: list[str] | None = col("入手元（ ）", None)
    acquisition_methods: list[str] | None = col("入手方法", None)
    acquisition_methods_other_text: str | None = col("入手方法 その他（ ）", None)
    users_band: str | None = col("使用者数", None)
    use_start: str | None = col("使用開始日", None)
    entrusted: bool | None = col("委託の有無", None)
    n_entrustments: int | None = col("委託件数", None)
    provides: bool | None = col("提供を行っている", None)
    n_provisions: int | None = col("提供件数", None)
    transfers: bool | None = col("移転を行っている", None)
    n_transfers: int | None = col("移転件数", None)
    retention_band: str | None = col("保管期間", None)
    page: int | None = col("記載ページ", None)
    pages: list[int] | None = col("記載ページ(全て)", None)
    line: int | None = col("記載行(テキスト入力)", None)


@dataclass
class EntrustmentRow:
    doc_id: str = col("文書ID(sha256)")
    file_no: int = col("ファイル番号")
    entrustment_no: int = col("委託事項N")
    title: str | None = col("委託事項", None)
    description: str | None = col("委託内容", None)
    file_scope: str | None = col("取扱いを委託する特定個人情報ファイルの範囲", None)
    handlers_band: str | None = col("委託先における取扱者数", None)
    provision_methods: list[str] | None = col("委託先への特定個人情報ファイルの提供方法", None)
    provision_methods_other_text: str | None = col("提供方法 その他（ ）", None)
    contractor: str | None = col("委託先名", None)
    subcontracting: bool | None = col("再委託の有無", None)
    subcontract_items: str | None = col("再委託事項", None)
    contractor_normalized: str | None = col("委託先名(正規化)", None)
    contractor_branch: str | None = col("委託先の支店・営業所", None)
    page: int | None = col("記載ページ", None)
    pages: list[int] | None = col("記載ページ(全て)", None)
    line: int | None = col("記載行(テキスト入力)", None)


@dataclass
class RecipientRow:
    doc_id: str = col("文書ID(sha256)")
    file_no: int | None = col("ファイル番号")
    kind: str = col("提供/移転")
    recipient_no: int = col("提供先N/移転先N")
    recipient: str | None = col("提供先/移転先", None)
    legal_basis: str | None = col("法令上の根拠", None)
    purpose: str | None = col("用途", None)
    information: str | None = col("提供/移転する情報", None)
    subjects_band: str | None = col("対象となる本人の数", None)
    subjects_scope: str | None = col("対象となる本人の範囲", None)
    methods: list[str] | None = col("提供/移転方法", None)
    methods_other_text: str | None = col("提供/移転方法 その他（ ）", None)
    timing: str | None = col("時期・頻度", None)
    listed_in: str = col("記載箇所", "body")
    is_reference: bool | None = col("別添への参照", None)
    page: int | None = col("記載ページ", None)
    pages: list[int] | None = col("記載ページ(全て)", None)
    line: int | None = col("記載行(テキスト入力)", None)


@dataclass
class RiskRow:
    doc_id: str = col("文書ID(sha256)")
    file_no: int | None = col("ファイル番号")
    part: str = col("部")
    section_no: int | None = col("項番")
    section: str | None = col("項目")
    risk_no: int | None = col("リスクN")
    risk: str | None = col("リスク")
    question: str = col("設問")
    answer: str | None = col("回答", None)
    answer_code: int | None = col("選択肢番号", None)
    page: int | None = col("記載ページ", None)
    pages: list[int] | None = col("記載ページ(全て)", None)
    line: int | None = col("記載行(テキスト入力)", None)


@dataclass
class DocumentResult:
    """Everything extracted from one input document."""

    document: DocumentRow
    systems: list[SystemRow] = field(default_factory=list)
    files: list[FileRow] = field(default_factory=list)
    entrustments: list[EntrustmentRow] = field(default_factory=list)
    recipients: list[RecipientRow] = field(default_factory=list)
    risk_ratings: list[RiskRow] = field(default_factory=list)

    gaps: int = 0  # warnings that say a value the document holds was not extracted

    def warn(self, message: str) -> None:
        self.document.warnings.append(message)

    def gap(self, message: str) -> None:
        """A value the document holds (or should hold) that was not extracted: the document is `partial`."""
        self.gaps += 1
        self.warn(message)

    def settle_status(self) -> None:
        """`partial` when nothing was found or a value could not be placed; `ok` otherwise."""
        doc = self.document
        if doc.status == Status.FAILED.value:
            return
        if not self.files and not self.systems:
            doc.status = Status.PARTIAL.value
            self.warn("no 特定個人情報ファイル and no システム sections were found")
        elif self.gaps or any(is_loss(w) for w in doc.warnings):
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


ROW_TYPES: dict[str, type] = {
    "documents": DocumentRow,
    "systems": SystemRow,
    "files": FileRow,
    "entrustments": EntrustmentRow,
    "recipients": RecipientRow,
    "risk_ratings": RiskRow,
}
