"""Compare extracted records with the known data a fixture was rendered from."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import asdict
from typing import Any

from extractor.model import DocumentResult

KEYS = {
    "systems": ("system_no",),
    "files": ("file_no",),
    "entrustments": ("file_no", "entrustment_no"),
    "recipients": ("file_no", "kind", "listed_in", "recipient_no"),
    "risk_ratings": ("file_no", "part", "section_no", "risk_no", "question"),
}


def norm(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, list | tuple):
        return frozenset(norm(v) for v in value)
    if isinstance(value, bool | int):
        return value
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(value)))


def differences(expected: dict[str, Any], result: DocumentResult) -> list[str]:
    """Every cell of `expected` that the result does not reproduce, as readable lines."""
    diffs = []
    doc = asdict(result.document)
    for col, value in expected.get("documents", {}).items():
        if norm(doc.get(col)) != norm(value):
            diffs.append(f"documents.{col}: expected {value!r}, got {doc.get(col)!r}")
    for table, keys in KEYS.items():
        got = {tuple(norm(r[k]) for k in keys): r for r in map(asdict, getattr(result, table))}
        want = expected.get(table, [])
        if len(got) != len(want):
            diffs.append(f"{table}: expected {len(want)} rows, got {len(got)}")
        for row in want:
            key = tuple(norm(row.get(k)) for k in keys)
            out = got.get(key)
            if out is None:
                diffs.append(f"{table}{key}: row missing")
                continue
            diffs.extend(
                f"{table}{key}.{col}: expected {v!r}, got {out.get(col)!r}"
                for col, v in row.items()
                if norm(out.get(col)) != norm(v)
            )
    return diffs
