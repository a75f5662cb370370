"""Scrambled plain-text dumps of form PDFs: placeholder until the dump reader lands."""

from __future__ import annotations

from extractor.model import DocumentResult
from extractor.spec import FormSpec


def parse_dump(text: str, spec: FormSpec, result: DocumentResult) -> None:
    result.warn("plain text dumps without table structure are not read yet; only the document type was detected")
