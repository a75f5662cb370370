"""Stage 2 — layout: words + ruling segments -> cells -> rows, in reading order.

Words are placed in the cells of the page's grid (`grid`) by binary search, a word
overflowing a rule is cut there; cells sharing a top make a row; words outside any
closed cell are free lines (section titles, annex headings).  Across pages (`stream`),
running headers/footers and page numbers are dropped and rows cut by a page break are joined.
"""

from __future__ import annotations

from bisect import bisect_right

from extractor.layout.aligned import aligned_rows
from extractor.layout.cells import Cell, Row, words_to_lines
from extractor.layout.grid import Grid, build_grid, split_at_rules
from extractor.read.content import PageContent, Word

ROW_TOL = 2.0  # cells whose tops differ less than this start the same row


def page_to_rows(page: PageContent) -> list[Row]:
    """The page as rows of cells (ruled table rows and free text lines) in reading order."""
    grid = build_grid(page)
    rows: list[Row] = []
    if grid:
        free, per_cell = _place_words(page.words, grid)
        for comp, ws in per_cell.items():
            grid.cells[comp].lines = words_to_lines(ws)
        for child, parent in grid.parent_of.items():
            grid.cells[parent].inner.append(grid.cells[child])
        top = [c for k, c in grid.cells.items() if k not in grid.parent_of]
        rows.extend(_cells_to_rows(page.number, top))
    else:
        free = list(page.words)
    if grid is None and len(free) > 20:
        rows.extend(aligned_rows(page.number, words_to_lines(free)))
    else:
        for line in words_to_lines(free):
            cell = Cell(page.number, line.x0, line.y0, line.x1, line.y1, [line])
            rows.append(Row(page.number, line.y0, [cell], free=True))
    rows.sort(key=lambda r: (r.y0, r.cells[0].x0))
    return rows


def _place_words(words: tuple[Word, ...], grid: Grid) -> tuple[list[Word], dict[int, list[Word]]]:
    """Words outside any closed cell, and each cell's words (by the cell id at the word's centre).

    `crosses_rule` and `Grid.component_at` inlined: this is the hottest loop of the layout stage.
    """
    free: list[Word] = []
    per_cell: dict[int, list[Word]] = {}
    xs, ys, label = grid.xs, grid.ys, grid.label
    nx, ny = len(xs) - 1, len(ys) - 1
    for word in words:
        x0, y0, x1, y1, text = word
        k = bisect_right(xs, x0 + 1)
        j = bisect_right(ys, (y0 + y1) / 2) - 1
        if k <= nx and xs[k] < x1 - 1 and len(text) >= 2 and 0 <= j < ny:  # a rule inside the word
            # overflowing text only when its ends are in different cells (`split_at_rules`' own test):
            # a rule of another row's cells most often, placed by its centre as any word
            base, right = j * nx, bisect_right(xs, x1 - 1) - 1
            if (label[base + k - 1] if k >= 1 else -1) != (label[base + right] if right < nx else -1):
                _place_pieces(split_at_rules(word, grid), grid, free, per_cell)
                continue
        i = bisect_right(xs, (x0 + x1) / 2) - 1
        comp = label[j * nx + i] if 0 <= i < nx and 0 <= j < ny else -1
        if comp < 0:
            free.append(word)
        elif (ws := per_cell.get(comp)) is None:
            per_cell[comp] = [word]
        else:
            ws.append(word)
    return free, per_cell


def _place_pieces(pieces: tuple[Word, ...], grid: Grid, free: list[Word], per_cell: dict[int, list[Word]]) -> None:
    for w in pieces:
        comp = grid.component_at((w.x0 + w.x1) / 2, (w.y0 + w.y1) / 2)
        if comp < 0:
            free.append(w)
        else:
            per_cell.setdefault(comp, []).append(w)


def _cells_to_rows(page_no: int, cells: list[Cell]) -> list[Row]:
    rows: list[Row] = []
    for cell in sorted(cells, key=lambda c: (c.y0, c.x0)):
        if rows and abs(rows[-1].y0 - cell.y0) < ROW_TOL:
            rows[-1].cells.append(cell)
        else:
            rows.append(Row(page_no, cell.y0, [cell]))
    for row in rows:
        row.cells.sort(key=lambda c: c.x0)
    return rows

