"""Blocks told apart by their identity columns (a 提供先N by its name, legal basis and use).

A block fewer than two of whose identity columns were read cannot be told from its siblings, so it is
left out; and its siblings of the same file numbered after it are left out with it, because a list with a
gap pairs its later blocks with the wrong entries of the document's list (they are matched by what they
say, not by their number).  The blocks before the gap keep their printed numbers and are paired first.
"""

from __future__ import annotations

from typing import Any

from extractor.forms.patterns import patterns
from extractor.forms.spec import Block, FormSpec
from extractor.model import DocumentResult
from extractor.normalise import label_key


def has_content(record: object, columns: tuple[str, ...]) -> bool:
    empty = {label_key(v) for v in patterns().words.empty_values}
    for col in columns:
        v = getattr(record, col)
        if v and str(v).strip() and label_key(str(v)) not in empty:
            return True
    return False


def unidentified(block: Block, record: Any) -> str | None:
    """Why `record` cannot be told from its siblings (None when it can)."""
    if sum(has_content(record, (c,)) for c in block.identity) >= min(2, len(block.identity)):
        return None
    number = getattr(record, block.number or "", "")
    return (f"{block.heading}{number}: fewer than two of its {', '.join(block.identity)} could be read, too little "
            "to tell it from the other blocks; the block was left out")


def drop_siblings(spec: FormSpec, result: DocumentResult, dropped: set[tuple[str, int | None]]) -> None:
    """Leave out the blocks of the same kind and file numbered after a block that was left out (see the module
    docstring)."""
    for name, file_no in sorted(dropped, key=str):
        block = spec.block(name)
        if block is None or block.table is None:
            continue
        rows = getattr(result, block.table)
        siblings = [r for r in rows if getattr(r, "file_no", None) == file_no and _of(block, r)]
        kept = _before_gap(block, siblings)
        gone = [r for r in siblings if not any(r is k for k in kept)]
        if gone:
            first = len(kept) + 1
            result.gap(f"{block.heading}{first}–{first + len(gone)} of file {file_no}: a block of the list could not "
                       "be read, so the list was left out from it on")
        setattr(result, block.table, [r for r in rows if not any(r is g for g in gone)])


def _before_gap(block: Block, siblings: list[Any]) -> list[Any]:
    """The blocks numbered 1, 2, … before the first number not read (the block left out); none when a number
    is unknown or printed twice."""
    got = [getattr(r, block.number, None) if block.number else None for r in siblings]
    numbers = [n for n in got if isinstance(n, int)]
    if len(numbers) != len(got) or len(set(numbers)) != len(numbers):
        return []
    gap = next(k for k in range(1, len(numbers) + 2) if k not in numbers)
    return [r for r, n in zip(siblings, numbers, strict=True) if n < gap]


def _of(block: Block, record: Any) -> bool:
    return all(getattr(record, k) == v for k, v in block.set.items()) and getattr(record, "listed_in", "body") in (
        "body", "reference")
