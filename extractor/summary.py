"""概要 summaries: placeholder until the summary parser lands."""

from __future__ import annotations

from extractor.model import DocumentResult


def parse_summary_text(text: str, fmt: str, result: DocumentResult) -> None:
    result.warn("概要 summaries are not read yet; only the document type was detected")
