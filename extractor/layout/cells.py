"""Layout — the shapes the layout stage hands on: lines of words, cells, rows."""

from __future__ import annotations

from dataclasses import dataclass, field

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

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)

    @property
    def all_lines(self) -> list[Line]:
        """Own lines and the lines of inner boxes, top to bottom."""
        lines = list(self.lines)
        for box in self.inner:
            lines.extend(box.lines)
        return sorted(lines, key=lambda ln: (round(ln.y0), ln.x0))

    def is_empty(self) -> bool:
        return not self.lines and all(box.is_empty() for box in self.inner)


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
    lines: list[list[Word]] = []
    for w in sorted(words, key=lambda w: (w.y0 + w.y1) / 2):
        mid = (w.y0 + w.y1) / 2
        if lines:
            last = lines[-1]
            ref = last[0]
            if abs(mid - (ref.y0 + ref.y1) / 2) < max(2.0, 0.45 * (ref.y1 - ref.y0)):
                last.append(w)
                continue
        lines.append([w])
    return [line_of_words(sorted(ws, key=lambda w: w.x0)) for ws in lines]


def line_of_words(words: list[Word]) -> Line:
    first = words[0]
    parts = [first.text]
    x0, y0, x1, y1 = first.x0, first.y0, first.x1, first.y1
    prev = first
    for w in words[1:]:
        if w.x0 - prev.x1 > 0.3 * (w.y1 - w.y0):
            parts.append(" ")
        parts.append(w.text)
        if w.y0 < y0:
            y0 = w.y0
        if w.x1 > x1:
            x1 = w.x1
        if w.y1 > y1:
            y1 = w.y1
        prev = w
    return Line(x0, y0, x1, y1, words, "".join(parts))


def shift_line(line: Line, dy: float) -> Line:
    """The line moved down by `dy` (a continuation from the next page placed under its start)."""
    words = [Word(w.x0, w.y0 + dy, w.x1, w.y1 + dy, w.text) for w in line.words]
    return Line(line.x0, line.y0 + dy, line.x1, line.y1 + dy, words, line.text)


def shift_cell(cell: Cell, dy: float) -> Cell:
    """The cell (its lines and inner boxes) moved down by `dy`."""
    return Cell(cell.page, cell.x0, cell.y0 + dy, cell.x1, cell.y1 + dy, [shift_line(ln, dy) for ln in cell.lines],
                [shift_cell(box, dy) for box in cell.inner])
