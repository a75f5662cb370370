"""A dump as numbered lines on pages.

Pages are separated by form feeds, or (in dumps that dropped them) by runs of `PAGE_GAP` or
more blank lines.  A line padded into columns with runs of spaces (`pdftotext -layout`) is
split into one piece per column, each keeping the line's number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractor.normalise import clean_line

PAGE_GAP = 3  # blank lines that separate two pages in a dump without form feeds
_COLUMNS = re.compile(r"(?<=\S) {3,}(?=\S)")


@dataclass(frozen=True, slots=True)
class Line:
    no: int  # 1-based line number in the input
    page: int  # 1-based page
    text: str  # folded, spaces collapsed
    gap: bool  # a blank line (or a column gap) stands before it


def split_lines(text: str) -> list[Line]:
    """The dump's non-blank lines (column pieces) with their line and page numbers."""
    has_ff = "\f" in text
    out: list[Line] = []
    page, blank = 1, 0
    for no, raw_line in enumerate(text.split("\n"), start=1):
        for n, raw in enumerate(raw_line.split("\f")):
            if n:
                page, blank = page + 1, 0
            blank = _add_line(out, raw, no, page, blank, has_ff)
    return _renumber_pages(out)


def _add_line(out: list[Line], raw: str, no: int, page: int, blank: int, has_ff: bool) -> int:
    """Append the pieces of one raw line; the count of blank lines before the next one."""
    if not raw.strip():
        return blank + 1
    if not has_ff and out:
        page = out[-1].page + (1 if blank >= PAGE_GAP else 0)
    for k, piece in enumerate(_COLUMNS.split(raw.rstrip())):
        cleaned = clean_line(piece)
        if cleaned:
            out.append(Line(no, page, cleaned, bool(blank) or k > 0))
    return 0


def _renumber_pages(lines: list[Line]) -> list[Line]:
    """Pages numbered 1, 2, … over the pages that hold text (a dump may start or end with empty pages)."""
    seen: dict[int, int] = {}
    out = []
    for ln in lines:
        page = seen.setdefault(ln.page, len(seen) + 1)
        out.append(ln if page == ln.page else Line(ln.no, page, ln.text, ln.gap))
    return out


def page_count(lines: list[Line]) -> int:
    return lines[-1].page if lines else 0
