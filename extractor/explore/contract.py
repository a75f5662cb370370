"""The output contract shipped with the package (`extractor/SCHEMA.md`; `pia-extract schema`)."""

from __future__ import annotations

import re
from importlib import resources

from extractor.errors import ExitCode, ExtractorError

_SECTION = re.compile(r"^## (\w+)", re.M)
_ROW = re.compile(r"^\|\s*([^|]+?)\s*\|", re.M)


class UnknownTableError(ExtractorError):
    exit_code = ExitCode.USAGE


def contract() -> str:
    return resources.files("extractor").joinpath("SCHEMA.md").read_text(encoding="utf-8")


def sections(text: str) -> dict[str, str]:
    """`## <table> — ...` section bodies by their first word."""
    marks = list(_SECTION.finditer(text))
    return {m.group(1): text[m.start(): marks[k + 1].start() if k + 1 < len(marks) else len(text)]
            for k, m in enumerate(marks)}


def documented_columns(section: str) -> set[str]:
    """The column names in the first cells of a section's Markdown tables (`doc_id, file_no` counts as two)."""
    names: set[str] = set()
    for cell in _ROW.findall(section):
        names |= {name.strip() for name in cell.split(",")}
    return names - {"column", "---"}


def contract_text(table: str | None = None) -> str:
    """The whole contract, or the section of one table."""
    text = contract()
    if table is None:
        return text
    found = sections(text).get(table)
    if found is None:
        raise UnknownTableError(f"no table {table!r} in the contract (tables: {', '.join(sections(text))})")
    return found
