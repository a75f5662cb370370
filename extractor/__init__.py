"""Turn Japanese 特定個人情報保護評価書 (PIA) PDFs and text dumps into Parquet tables.

Public API:
    extract_document(path) -> DocumentResult   (never raises for bad input)
    results_to_tables(results) -> dict[str, pyarrow.Table]

Names are imported lazily, so a worker process that only parses never loads pyarrow.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from extractor.model import PARSER_VERSION, DocumentResult, Status
    from extractor.pipeline import extract_document
    from extractor.tables.schema import results_to_tables

__all__ = ["PARSER_VERSION", "DocumentResult", "Status", "extract_document", "results_to_tables"]

_HOME = {
    "PARSER_VERSION": "extractor.model",
    "extract_document": "extractor.pipeline",
    "DocumentResult": "extractor.model",
    "Status": "extractor.model",
    "results_to_tables": "extractor.tables.schema",
}


def __getattr__(name: str) -> Any:
    if name in _HOME:
        import importlib

        return getattr(importlib.import_module(_HOME[name]), name)
    raise AttributeError(f"module 'extractor' has no attribute {name!r}")
