"""Turn Japanese 特定個人情報保護評価書 (PIA) PDFs and text dumps into Parquet tables.

Public API:
    extract_document(path) -> DocumentResult   (never raises for bad input)
    results_to_tables(results) -> dict[str, pyarrow.Table]
"""

from extractor.model import DocumentResult, Status
from extractor.pipeline import PARSER_VERSION, extract_document
from extractor.tables import results_to_tables

__all__ = ["PARSER_VERSION", "DocumentResult", "Status", "extract_document", "results_to_tables"]
