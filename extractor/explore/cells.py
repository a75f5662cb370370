"""One cell as text for people (CSV, XLSX, the terminal): lists joined with `、`, never a Python repr."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

LIST_SEPARATOR = "、"


def cell_text(value: Any) -> str:
    """`None` → "", `True` → "true", a list → its items joined with `、`, anything else → str()."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return LIST_SEPARATOR.join(cell_text(v) for v in value)
    return str(value)


def row_texts(rows: Iterable[dict[str, Any]], columns: list[str]) -> Iterable[list[str]]:
    for row in rows:
        yield [cell_text(row[c]) for c in columns]
