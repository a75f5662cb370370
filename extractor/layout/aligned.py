"""Layout — pages printed without ruling lines: label and value columns by alignment."""

from __future__ import annotations

from itertools import pairwise

from extractor.layout.cells import Cell, Line, Row, line_of_words
from extractor.read.content import Word


def _chunks(line: Line) -> list[Line]:
    """Split a visual line where the gap between words is wider than two characters."""
    out: list[list[Word]] = [[line.words[0]]]
    for prev, w in pairwise(line.words):
        if w.x0 - prev.x1 > 2 * (w.y1 - w.y0):
            out.append([w])
        else:
            out[-1].append(w)
    return [line_of_words(ws) for ws in out]


def _value_column(chunks: list[Line], left: float) -> float | None:
    starts: dict[int, int] = {}
    for c in chunks:
        if c.x0 > left + 30:
            key = round(c.x0 / 4)
            starts[key] = starts.get(key, 0) + 1
    if not starts:
        return None
    return max(starts.items(), key=lambda kv: (kv[1], -kv[0]))[0] * 4


def aligned_rows(page_no: int, lines: list[Line]) -> list[Row]:
    """Rows for a page printed without ruling lines: a label column and a value column by alignment."""
    split = [_chunks(ln) for ln in lines]
    flat = [c for cs in split for c in cs]
    left = min(c.x0 for c in flat)
    value_x = _value_column(flat, left)
    rows: list[Row] = []
    for chunks in split:
        labels = [c for c in chunks if value_x is None or c.x0 < value_x - 4]
        values = [c for c in chunks if c not in labels]
        if labels and not values and (value_x is None or labels[-1].x1 > value_x):
            cell = Cell(page_no, labels[0].x0, labels[0].y0, labels[-1].x1, labels[0].y1, list(labels))
            rows.append(Row(page_no, labels[0].y0, [cell]))
        elif labels:
            label = Cell(page_no, labels[0].x0, labels[0].y0, value_x or labels[-1].x1, labels[0].y1, list(labels))
            value = Cell(page_no, value_x or 0, labels[0].y0, max(c.x1 for c in chunks), labels[0].y1, list(values))
            if rows and len(rows[-1].cells) == 2 and not values and rows[-1].cells[1].lines:
                rows[-1].cells[0].lines.extend(labels)  # a wrapped label
            else:
                rows.append(Row(page_no, labels[0].y0, [label, value]))
        elif rows and len(rows[-1].cells) == 2:
            rows[-1].cells[1].lines.extend(values)
        else:
            cell = Cell(page_no, values[0].x0, values[0].y0, values[-1].x1, values[0].y1, list(values))
            rows.append(Row(page_no, values[0].y0, [cell], free=True))
    return rows
