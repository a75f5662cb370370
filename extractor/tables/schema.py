"""Records -> Arrow tables with the output contract's schemas.

Each column is declared once with its Arrow type and its Japanese label
(`label_ja` field metadata), in the spirit of a Frictionless table schema.
"""

from __future__ import annotations

from collections.abc import Iterable

import pyarrow as pa

from extractor.model import DocumentResult

STR = pa.string()
I32 = pa.int32()
BOOL = pa.bool_()
STRS = pa.list_(pa.string())

Column = tuple[str, pa.DataType, str]

TABLES: dict[str, list[Column]] = {
    "documents": [
        ("doc_id", STR, "文書ID(sha256)"),
        ("source_path", STR, "入力ファイル"),
        ("source_format", STR, "入力形式"),
        ("form_type", STR, "評価書の種類"),
        ("form_version", STR, "様式"),
        ("assessment_no", STR, "評価書番号"),
        ("title", STR, "評価書名"),
        ("organization", STR, "評価実施機関名"),
        ("published_on", STR, "公表日"),
        ("affair_name", STR, "事務の名称"),
        ("target_population", STR, "対象人数"),
        ("info_network_linkage", STR, "情報提供ネットワークシステムによる情報連携 実施の有無"),
        ("threshold_result", STR, "しきい値判断結果"),
        ("status", STR, "処理結果"),
        ("n_pages", I32, "ページ数"),
        ("warnings", STRS, "警告"),
        ("layout_id", STR, "照合した様式定義"),
        ("parser_version", STR, "抽出器の版"),
        ("error_kind", STR, "失敗の種類"),
    ],
    "systems": [
        ("doc_id", STR, "文書ID(sha256)"),
        ("system_no", I32, "システムN"),
        ("name", STR, "システムの名称"),
        ("functions", STR, "システムの機能"),
        ("conn_info_network", BOOL, "情報提供ネットワークシステム"),
        ("conn_intra_agency", BOOL, "庁内連携システム"),
        ("conn_juki_net", BOOL, "住民基本台帳ネットワークシステム"),
        ("conn_existing_juki", BOOL, "既存住民基本台帳システム"),
        ("conn_address", BOOL, "宛名システム等"),
        ("conn_tax", BOOL, "税務システム"),
        ("conn_other", BOOL, "その他"),
        ("conn_other_text", STR, "その他（ ）"),
    ],
    "files": [
        ("doc_id", STR, "文書ID(sha256)"),
        ("file_no", I32, "ファイル番号"),
        ("name", STR, "特定個人情報ファイル名"),
        ("file_type", STR, "ファイルの種類"),
        ("subjects_band", STR, "対象となる本人の数"),
        ("subjects_scope", STR, "対象となる本人の範囲"),
        ("items_band", STR, "記録される項目"),
        ("main_items", STRS, "主な記録項目"),
        ("main_items_other_text", STR, "主な記録項目 その他（ ）"),
        ("holding_start", STR, "保有開始日"),
        ("department", STR, "事務担当部署"),
        ("sources", STRS, "入手元"),
        ("sources_detail", STRS, "入手元（ ）"),
        ("acquisition_methods", STRS, "入手方法"),
        ("acquisition_methods_other_text", STR, "入手方法 その他（ ）"),
        ("users_band", STR, "使用者数"),
        ("use_start", STR, "使用開始日"),
        ("entrusted", BOOL, "委託の有無"),
        ("n_entrustments", I32, "委託件数"),
        ("provides", BOOL, "提供を行っている"),
        ("n_provisions", I32, "提供件数"),
        ("transfers", BOOL, "移転を行っている"),
        ("n_transfers", I32, "移転件数"),
        ("retention_band", STR, "保管期間"),
    ],
    "entrustments": [
        ("doc_id", STR, "文書ID(sha256)"),
        ("file_no", I32, "ファイル番号"),
        ("entrustment_no", I32, "委託事項N"),
        ("title", STR, "委託事項"),
        ("description", STR, "委託内容"),
        ("file_scope", STR, "取扱いを委託する特定個人情報ファイルの範囲"),
        ("handlers_band", STR, "委託先における取扱者数"),
        ("provision_methods", STRS, "委託先への特定個人情報ファイルの提供方法"),
        ("provision_methods_other_text", STR, "提供方法 その他（ ）"),
        ("contractor", STR, "委託先名"),
        ("subcontracting", BOOL, "再委託の有無"),
        ("subcontract_items", STR, "再委託事項"),
    ],
    "recipients": [
        ("doc_id", STR, "文書ID(sha256)"),
        ("file_no", I32, "ファイル番号"),
        ("kind", STR, "提供/移転"),
        ("recipient_no", I32, "提供先N/移転先N"),
        ("recipient", STR, "提供先/移転先"),
        ("legal_basis", STR, "法令上の根拠"),
        ("purpose", STR, "用途"),
        ("information", STR, "提供/移転する情報"),
        ("subjects_band", STR, "対象となる本人の数"),
        ("subjects_scope", STR, "対象となる本人の範囲"),
        ("methods", STRS, "提供/移転方法"),
        ("methods_other_text", STR, "提供/移転方法 その他（ ）"),
        ("timing", STR, "時期・頻度"),
        ("listed_in", STR, "記載箇所"),
    ],
    "risk_ratings": [
        ("doc_id", STR, "文書ID(sha256)"),
        ("file_no", I32, "ファイル番号"),
        ("part", STR, "部"),
        ("section_no", I32, "項番"),
        ("section", STR, "項目"),
        ("risk_no", I32, "リスクN"),
        ("risk", STR, "リスク"),
        ("question", STR, "設問"),
        ("answer", STR, "回答"),
        ("answer_code", I32, "選択肢番号"),
    ],
}

TABLE_NAMES: tuple[str, ...] = tuple(TABLES)


def schema_for(table: str) -> pa.Schema:
    """The Arrow schema of one output table, each field carrying `label_ja`."""
    return pa.schema(
        [pa.field(name, typ, metadata={"label_ja": label}) for name, typ, label in TABLES[table]]
    )


SCHEMAS: dict[str, pa.Schema] = {name: schema_for(name) for name in TABLES}


_COLUMN_NAMES = {name: [c[0] for c in cols] for name, cols in TABLES.items()}


def _rows_of(result: DocumentResult, table: str) -> list[dict[str, object]]:
    """Plain dicts of the contract's columns (cheaper than dataclasses.asdict's deep copy)."""
    names = _COLUMN_NAMES[table]
    rows = [result.document] if table == "documents" else getattr(result, table)
    return [{n: getattr(row, n) for n in names} for row in rows]


def results_to_tables(results: Iterable[DocumentResult]) -> dict[str, pa.Table]:
    """Collect many document results into one Arrow table per output table."""
    rows: dict[str, list[dict[str, object]]] = {name: [] for name in TABLES}
    for result in results:
        for name in TABLES:
            rows[name].extend(_rows_of(result, name))
    return {name: pa.Table.from_pylist(rows[name], schema=SCHEMAS[name]) for name in TABLES}
