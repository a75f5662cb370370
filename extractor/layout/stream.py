"""Layout — a document's rows page by page, in memory that does not grow with its length.

`RowStream` lays out each page as it is read and hands its rows on once the running lines
of its margins are decided, holding back only a window of pages and the last row (the row
a page break may continue).  A margin line is dropped when it repeats on at least 60% of
the document's pages (`RunningLines`), which only the whole document can tell:

- a document of at most `WINDOW` pages is held whole, so every decision is exact;
- in a longer one most decisions are certain early (a line already counted on enough pages,
  or one that can no longer reach the threshold); the rest are guessed from the share of
  pages read so far that print it, and checked when the last page has been counted.  A wrong
  guess leaves `exact` false: the caller reads the document again with `margin_counts`,
  which decides every line as `document_rows` always has.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterable, Iterator

from extractor.layout.cells import Row, shift_cell
from extractor.layout.rows import page_to_rows
from extractor.read.content import PageContent

WINDOW = 64  # pages read ahead of the rows handed on (documents this long are held whole)
MARGIN = 0.08  # share of the page height where running headers and footers live
_PAGE_NO = re.compile(r"^[-－‐ー\s(（]*\d{1,4}\s*(?:[/／]\s*\d{1,4})?[-－‐ー\s)）]*(?:ページ|頁)?$")
_DIGITS = re.compile(r"\d+")


def margin_key(row: Row, height: float) -> str | None:
    """A normalised key for a free line in the top or bottom margin (digits masked)."""
    if not row.free or MARGIN * height < row.y0 < (1 - MARGIN) * height:
        return None
    return _DIGITS.sub("#", row.cells[0].text.replace(" ", "").replace("\u3000", ""))


class RunningLines:
    """Counts of margin lines over the pages read; which of them are page numbers or running lines."""

    def __init__(self, n_pages: int, final: dict[str, int] | None = None) -> None:
        self.threshold = max(4, -(-n_pages * 3 // 5))  # on at least 60% of the pages
        self.n_pages = n_pages
        self.counts: dict[str, int] = dict(final) if final is not None else {}
        self.final = final is not None  # counts of every page: decisions are exact
        self.pages_read = 0
        self.guesses: dict[str, set[bool]] = {}  # key -> the decisions guessed for it

    def count(self, page: PageContent, rows: list[Row]) -> None:
        self.pages_read += 1
        if self.final:
            return
        for key in {k for r in rows if (k := margin_key(r, page.height))}:
            self.counts[key] = self.counts.get(key, 0) + 1

    def close(self) -> None:
        """Every page is counted: later decisions are exact."""
        self.final = True

    def is_running(self, row: Row, height: float) -> bool:
        key = margin_key(row, height)
        if key is None:
            return False
        # a page number is dropped whatever the counts: no guess is needed (nor checked) for it
        return bool(_PAGE_NO.match(row.cells[0].text)) or self._repeats(key)

    def _repeats(self, key: str) -> bool:
        seen = self.counts.get(key, 0)
        if self.final or seen >= self.threshold:  # counts only grow
            return seen >= self.threshold
        if seen + self.n_pages - self.pages_read < self.threshold:  # the pages left cannot make it
            return False
        guess = seen >= 0.6 * self.pages_read  # on 60% of the pages read so far
        self.guesses.setdefault(key, set()).add(guess)
        return guess

    def guessed_right(self) -> bool:
        """Whether every guess matches the counts of the whole document (call once every page is counted)."""
        return all(g == {self.counts.get(k, 0) >= self.threshold} for k, g in self.guesses.items())


class RowStream:
    """A document's rows in reading order: running headers/footers dropped, rows cut by a page break joined.

    Iterate it once; `head(n)` peeks at the first rows.  After the last row, `exact` says whether
    the rows are those `document_rows` gives (see the module docstring) and `margin_counts` holds
    what a second reading needs to make them so.
    """

    def __init__(self, pages: Iterable[PageContent], n_pages: int, margin_counts: dict[str, int] | None = None,
                 window: int = WINDOW) -> None:
        self.lines = RunningLines(n_pages, margin_counts)
        self._source = self._rows(iter(pages), window)
        self._head: list[Row] = []
        self._exact: bool | None = None  # known once the last row is handed on

    @property
    def exact(self) -> bool:
        """Whether the rows were those of `document_rows` (every running-line guess right)."""
        if self._exact is None:
            raise RuntimeError("RowStream.exact is known only after the last row")
        return self._exact

    @property
    def margin_counts(self) -> dict[str, int]:
        return self.lines.counts

    def head(self, n: int) -> list[Row]:
        """The first n rows (fewer if the document has fewer), read ahead as far as needed."""
        while len(self._head) < n:
            row = next(self._source, None)
            if row is None:
                break
            self._head.append(row)
        return self._head[:n]

    def __iter__(self) -> Iterator[Row]:
        head, self._head = self._head, []
        yield from head
        yield from self._source

    def _rows(self, pages: Iterator[PageContent], window: int) -> Iterator[Row]:
        held: deque[tuple[PageContent, list[Row]]] = deque()
        last: list[Row] = []  # the row a page break may continue, handed on with the next page
        for page in pages:
            rows = page_to_rows(page)
            self.lines.count(page, rows)
            held.append((page, rows))
            if len(held) > window:
                yield from self._hand_on(*held.popleft(), last)
        self.lines.close()
        exact_so_far = self.lines.guessed_right()
        while held:
            yield from self._hand_on(*held.popleft(), last)
        yield from last
        self._exact = exact_so_far

    def _hand_on(self, page: PageContent, rows: list[Row], last: list[Row]) -> Iterator[Row]:
        """A page's rows without its running lines, its first row joined to the last row when it continues it."""
        rows = [r for r in rows if not self.lines.is_running(r, page.height)]
        if rows and last and _continues(rows[0], last[0]):
            _join(last[0], rows.pop(0))
        if rows:
            yield from last
            yield from rows[:-1]
            last[:] = rows[-1:]


def document_rows(pages: list[PageContent]) -> list[Row]:
    """All rows of a document; running headers/footers dropped, rows cut by a page break joined."""
    return list(RowStream(pages, len(pages), window=len(pages)))


def _continues(first: Row, prev: Row) -> bool:
    if first.free or prev.free or len(first.cells) < 2:
        return False
    return all(c.is_empty() for c in first.cells[:-1]) and not first.cells[-1].is_empty()


def _join(prev: Row, cont: Row) -> None:
    """Append the continued cell under its start, shifting it down so geometry stays in order."""
    target = prev.cells[-1]
    src = shift_cell(cont.cells[-1], target.y1 - cont.cells[-1].y0)
    target.lines.extend(src.lines)
    target.inner.extend(src.inner)
    target.y1 = src.y1
