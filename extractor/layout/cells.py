"""Layout — the shapes the layout stage hands on: lines of words, cells, rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from operator import itemgetter

from extractor.read.content import Word


@dataclass(slots=True)
class Line:
    x0: float
    y0: float
    x1: float
    y1: float
    words: list[Word]
    text: str


@dataclass(slots=True)
class Cell:
    page: int
    x0: float
    y0: float
    x1: float
    y1: float
    lines: list[Line] = field(default_factory=list)
    inner: list[Cell] = field(default_factory=list)
    # texts read from `lines` once (see `extractor.forms.cell_values.cell_texts`), with the list they came from
    memo: tuple[list[Line], int, dict[str, str]] | None = field(default=None, init=False, repr=False,
                                                               compare=False)

    @property
    def text(self) -> str:
        lines = self.lines
        if len(lines) == 1:
            return lines[0].text
        return "\n".join([line.text for line in lines])

    @property
    def all_lines(self) -> list[Line]:
        """Own lines and the lines of inner boxes, top to bottom."""
        lines = list(self.lines)
        for box in self.inner:
            lines.extend(box.lines)
        return sorted(lines, key=lambda ln: (round(ln.y0), ln.x0))

    def is_empty(self) -> bool:
        if self.lines:
            return False
        return not self.inner or all(box.is_empty() for box in self.inner)


@dataclass(slots=True)
class Row:
    page: int
    y0: float
    cells: list[Cell]
    free: bool = False  # a line of text outside the ruled table
    line: int | None = None  # 1-based source line, for rows rebuilt from a text input

    @property
    def texts(self) -> list[str]:
        return [c.text for c in self.cells]


def words_to_lines(words: list[Word]) -> list[Line]:
    """Group words into visual lines (by vertical overlap), each sorted left to right."""
    if len(words) == 1:  # most cells hold one word: no sorting, no grouping
        w = words[0]
        return [Line(w.x0, w.y0, w.x1, w.y1, [w], w.text)]
    groups: list[list[Word]] = []
    group: list[Word] = []
    ref_mid = tol = top = bottom = 0.0  # top, bottom: the group's band, kept as words join it
    for w in sorted(words, key=_mid_key):
        _, y0, _, y1, text = w
        mid = (y0 + y1) / 2
        if group and (abs(mid - ref_mid) < tol or _belongs(text, y0, y1, mid, top, bottom)):
            group.append(w)
            if y0 < top:
                top = y0
            if y1 > bottom:
                bottom = y1
            continue
        group = [w]
        groups.append(group)
        ref_mid, tol, top, bottom = mid, max(2.0, 0.45 * (y1 - y0)), y0, y1
    return [Line(g[0].x0, g[0].y0, g[0].x1, g[0].y1, g, g[0].text) if len(g) == 1
            else line_of_words(sorted(g, key=_x0_key)) for g in groups]  # one-word lines built in place


def _belongs(text: str, y0: float, y1: float, mid: float, top: float, bottom: float) -> bool:
    """Whether a word (`text`, `y0`-`y1`) whose middle is outside the first word's band still belongs
    to the line spanning `top`-`bottom`: its middle in the middle half of the line's height, or, for a
    period or comma (OCR boxes them low and small), a box less than half the line's height lying within
    it.  The next line's words, full height and below it, never do."""
    quarter = (bottom - top) / 4
    if text in _BASELINE_MARKS and y1 - y0 < 2 * quarter and top <= y0 and y1 <= bottom:
        return True
    return top + quarter < mid < bottom - quarter


# Punctuation set on the baseline.  Other small glyphs (- _ ') inside a line's height are as often
# specks and bracket serifs OCR read as text: those stay apart, as before.
_BASELINE_MARKS = frozenset(".,．，、。")


def _mid_key(w: Word) -> float:
    return w.y0 + w.y1  # twice the mid height: the same order, one division fewer


_x0_key = itemgetter(0)  # Word.x0; itemgetter is the cheapest sort key on a tuple


def line_of_words(words: list[Word]) -> Line:
    first = words[0]
    x0, y0, x1, y1, text = first
    if len(words) == 1:
        return Line(x0, y0, x1, y1, words, text)
    parts = [text]
    prev_x1 = x1
    for w in words[1:]:
        wx0, wy0, wx1, wy1, wtext = w
        if wx0 - prev_x1 > 0.3 * (wy1 - wy0):
            parts.append(" ")
        parts.append(wtext)
        if wy0 < y0:
            y0 = wy0
        if wx1 > x1:
            x1 = wx1
        if wy1 > y1:
            y1 = wy1
        prev_x1 = wx1
    return Line(x0, y0, x1, y1, words, "".join(parts))


def shift_line(line: Line, dy: float) -> Line:
    """The line moved down by `dy` (a continuation from the next page placed under its start)."""
    words = [Word(w.x0, w.y0 + dy, w.x1, w.y1 + dy, w.text) for w in line.words]
    return Line(line.x0, line.y0 + dy, line.x1, line.y1 + dy, words, line.text)


def shift_cell(cell: Cell, dy: float) -> Cell:
    """The cell (its lines and inner boxes) moved down by `dy`."""
    return Cell(cell.page, cell.x0, cell.y0 + dy, cell.x1, cell.y1 + dy, [shift_line(ln, dy) for ln in cell.lines],
                [shift_cell(box, dy) for box in cell.inner])
