"""What of a fixture's data must be visible in its PDF's text layer, and that text layer."""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pymupdf

from pia_fixtures.synth import wareki

# values the form does not print as such: keys, codes, flags read from checkbox state, derived counts
NOT_PRINTED = {"form_type", "kind", "listed_in", "part", "file_no", "system_no", "entrustment_no", "recipient_no",
               "section_no", "risk_no", "answer_code", "n_entrustments", "n_provisions", "n_transfers",
               "entrusted", "provides", "transfers", "subcontracting", "sources_detail", "form_version", "risk"}
DATES = {"published_on", "holding_start", "use_start"}


def compact(s: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", s))


def page_texts(path: Path) -> list[str]:
    """Each page's text, sorted into reading order, whitespace removed (wrapped lines joined)."""
    with pymupdf.open(path) as doc:
        return [compact(page.get_text(sort=True)) for page in doc]


def _columns(page: pymupdf.Page) -> dict[int, str]:
    columns: dict[int, list[tuple[float, str]]] = {}
    for block in page.get_text("dict")["blocks"]:
        for line in block.get("lines", []):
            x0, y0 = line["bbox"][0], line["bbox"][1]
            columns.setdefault(round(x0), []).append((y0, "".join(s["text"] for s in line["spans"])))
    return {x: compact("".join(t for _, t in sorted(lines))) for x, lines in columns.items()}


def column_texts(path: Path) -> list[str]:
    """The text of each left edge: the lines that start at one x, top to bottom, joined, on one page and
    on two consecutive pages.  A value wrapped over several lines of one cell, continued over several rows
    of one column, or broken across a page reads whole here even where the cells beside it interleave
    with it in reading order."""
    with pymupdf.open(path) as doc:
        pages = [_columns(page) for page in doc]
    out = [t for cols in pages for t in cols.values()]
    for this, nxt in itertools.pairwise(pages):
        out += [this[x] + nxt[x] for x in this.keys() & nxt.keys()]
    return out


def missing_values(path: Path, data: dict[str, Any]) -> list[tuple[str, str]]:
    """The printed values of `data` that neither the page text nor any column text of the PDF holds."""
    views = page_texts(path) + column_texts(path)
    return [(where, v) for where, v in printed_values(data) if not any(compact(v) in t for t in views)]


def printed_values(data: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """(where, text) for every truth value that the form prints as text."""
    for table, rows in data.items():
        for i, row in enumerate([rows] if isinstance(rows, dict) else rows):
            for col, value in row.items():
                if col in NOT_PRINTED or value is None or isinstance(value, bool | int):
                    continue
                where = f"{table}[{i}].{col}"
                if col in DATES:
                    yield where, wareki(value)
                elif isinstance(value, list):
                    yield from ((f"{where}[{k}]", str(v)) for k, v in enumerate(value))
                else:
                    yield from ((where, part) for part in str(value).split("\n") if part.strip())
