"""Datasette metadata for the SQLite export: Japanese titles, column descriptions, facets, canned queries.

Column descriptions come from the `label_ja` of the Arrow schemas (one source for the
Parquet metadata, the `--ja` CSV headers and the explorer); the question views carry their
own labels.
"""

from __future__ import annotations

from typing import Any

from extractor.explore.sqlite import ANY_SEARCH_SQL, EXTRA_LABELS
from extractor.explore.views import NAMED_QUERIES, VIEWS
from extractor.tables.schema import SCHEMAS, TABLE_NAMES

DATABASE = "pia"

TABLE_TITLES: dict[str, tuple[str, str]] = {
    "documents": ("評価書", "入力文書ごとに1行: 評価書の種類、評価実施機関、公表日、処理結果と警告。"),
    "systems": ("システム", "Ⅰ2 システムN: 名称、機能、他システムとの接続。"),
    "files": ("特定個人情報ファイル",
              "Ⅱ 特定個人情報ファイルの概要: 対象となる本人、記録項目、入手元、委託・提供の有無。"),
    "entrustments": ("委託", "Ⅱ4 委託事項N: 委託内容、委託先、再委託。"),
    "recipients": ("提供先・移転先", "Ⅱ5 提供先N・移転先N と別添の提供先一覧・移転先一覧。"),
    "risk_ratings": ("リスク対策の回答", "Ⅲ・Ⅳ で＜選択肢＞から選んで答える設問ごとに1行。"),
}

FACETS: dict[str, list[Any]] = {
    "documents": ["organization_body", "organization_kind", "form_type", "status"],
    "systems": ["organization_body", "form_type"],
    "files": ["organization_body", "form_type"],
    "entrustments": ["contractor_normalized", "organization_body", "form_type"],
    "recipients": [{"array": "methods"}, "kind", "listed_in", "organization_body", "form_type"],
    "risk_ratings": ["answer", "organization_body", "form_type", "part"],
}

QUESTION_TITLES = {
    "contractors": "委託先ごとの団体数",
    "network-recipients": "情報提供ネットワークシステムで提供・移転を受ける先",
    "risks-remaining": "「課題が残されている」と回答した評価書",
}


def column_labels(table: str) -> dict[str, str]:
    labels = {f.name: (f.metadata or {})[b"label_ja"].decode() for f in SCHEMAS[table]}
    return labels | {k: v for k, v in EXTRA_LABELS.items() if k not in labels}


def _table(name: str) -> dict[str, Any]:
    title, description = TABLE_TITLES[name]
    return {"title": title, "description": description, "columns": column_labels(name),
            "facets": FACETS[name], "size": 50}


def _queries() -> dict[str, dict[str, Any]]:
    queries = {
        q.name: {"title": QUESTION_TITLES[q.name], "description": q.question, "sql": q.sql}
        for q in NAMED_QUERIES.values()
    }
    queries["search"] = {
        "title": "全表から検索(2文字の語も)",
        "description": "すべての表の文字列の列から、語を含む値を探します"
                       "(2文字の語は全文索引では探せないため、こちらで)。",
        "sql": ANY_SEARCH_SQL,
    }
    return queries


def datasette_metadata() -> dict[str, Any]:
    tables = {name: _table(name) for name in TABLE_NAMES}
    tables |= {v.name: {"title": v.title, "description": v.description, "columns": v.labels} for v in VIEWS}
    return {
        "title": "特定個人情報保護評価書 データ",
        "description": "pia-extract が特定個人情報保護評価書から抽出した表。"
                       "列名にカーソルを置くと日本語の項目名が出ます。",
        "databases": {DATABASE: {"title": "特定個人情報保護評価書", "tables": tables, "queries": _queries()}},
    }
