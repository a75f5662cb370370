"""Where a record was read: its first page (or line, for text inputs) and every page it spans."""

from __future__ import annotations

from typing import Any

from extractor.forms.events import Where
from extractor.model import DocumentResult

RECORD_TABLES = ("systems", "files", "entrustments", "recipients", "risk_ratings")


def touch(record: Any, where: Where) -> None:
    """Remember that `record` holds a value read at `where`."""
    if where.page is not None and hasattr(record, "pages"):
        pages = record.pages if record.pages is not None else []
        if where.page not in pages:
            record.pages = [*pages, where.page]
        if record.page is None:
            record.page = where.page
    if where.line is not None and hasattr(record, "line") and record.line is None:
        record.line = where.line


def settle_pages(result: DocumentResult) -> None:
    """`pages` only where a record spans several pages, sorted."""
    for table in RECORD_TABLES:
        for rec in getattr(result, table):
            rec.pages = sorted(rec.pages) if rec.pages and len(rec.pages) > 1 else None
