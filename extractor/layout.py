"""Stage 2 — layout: words + ruling segments -> cells -> rows, in reading order.

Cells come from the ruling lines: the distinct x of vertical rules and y of
horizontal rules make an elementary grid; neighbouring grid squares with no
rule between them belong to one cell (union-find), so spanned cells come out
whole.  A box drawn inside a cell (a ＜選択肢＞ legend) becomes an `inner` cell
of the cell around it.  Words outside any closed cell are free text (section
titles, annex headings).  Cost is O(words·log + grid squares) per page.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from itertools import pairwise
from unicodedata import east_asian_width

from extractor.read import PageContent, Segment, Word

SNAP = 1.5  # rules closer than this (pt) are the same rule
ROW_TOL = 2.0  # cells whose tops differ less than this start the same row


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

    @property
    def texts(self) -> list[str]:
        return [c.text for c in self.cells]


# ---------------------------------------------------------------- segments


def _cluster_positions(segs: tuple[Segment, ...]) -> dict[float, list[tuple[float, float]]]:
    """Snap segment positions together and merge each position's intervals."""
    by_pos: dict[float, list[tuple[float, float]]] = {}
    current: float | None = None
    for seg in sorted(segs, key=lambda s: s.pos):
        if current is None or seg.pos - current > SNAP:
            current = seg.pos
            by_pos[current] = []
        by_pos[current].append((seg.start, seg.end))
    return {pos: _merge_intervals(iv) for pos, iv in by_pos.items()}


def _merge_intervals(intervals: list[tuple[float, float]]) -> list[tuple[float, float]]:
    merged: list[tuple[float, float]] = []
    for a, b in sorted(intervals):
        if merged and a <= merged[-1][1] + SNAP:
            if b > merged[-1][1]:
                merged[-1] = (merged[-1][0], b)
        else:
            merged.append((a, b))
    return merged


def _covered(intervals: list[tuple[float, float]], at: float) -> bool:
    starts = [a for a, _ in intervals]
    k = bisect_right(starts, at) - 1
    return k >= 0 and intervals[k][1] >= at


# ---------------------------------------------------------------- grid


class _UnionFind:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, a: int) -> int:
        parent = self.parent
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[rb] = ra


@dataclass(slots=True)
class Grid:
    xs: list[float]
    ys: list[float]
    label: list[int]  # component id per grid square, row-major; -1 = open (not a closed cell)
    cells: dict[int, Cell]
    parent_of: dict[int, int]  # inner box component -> enclosing component

    def component_at(self, x: float, y: float) -> int:
        i = bisect_right(self.xs, x) - 1
        j = bisect_right(self.ys, y) - 1
        if i < 0 or j < 0 or i >= len(self.xs) - 1 or j >= len(self.ys) - 1:
            return -1
        return self.label[j * (len(self.xs) - 1) + i]


def _closing_rules(vsegs: tuple[Segment, ...]) -> list[Segment]:
    """Rules that close a table cut by a page break (its cells lack the bottom or top rule)."""
    if not vsegs:
        return []
    out = []
    for edge in (max(s.end for s in vsegs), min(s.start for s in vsegs)):
        touching = [s.pos for s in vsegs if abs((s.end if edge > s.start else s.start) - edge) < SNAP]
        if len(touching) >= 2:
            out.append(Segment(edge, min(touching), max(touching)))
    return out


def build_grid(page: PageContent) -> Grid | None:
    hmap = _cluster_positions(page.hsegs + tuple(_closing_rules(page.vsegs)))
    vmap = _cluster_positions(page.vsegs)
    ys, xs = sorted(hmap), sorted(vmap)
    if len(xs) < 2 or len(ys) < 2:
        return None
    nx, ny = len(xs) - 1, len(ys) - 1
    uf = _UnionFind(nx * ny + 1)
    outside = nx * ny  # virtual square outside the grid: anything joined to it is open
    xmid = [(xs[i] + xs[i + 1]) / 2 for i in range(nx)]
    ymid = [(ys[j] + ys[j + 1]) / 2 for j in range(ny)]
    vert = [vmap[x] for x in xs]
    horiz = [hmap[y] for y in ys]
    for j in range(ny):
        for i in range(nx + 1):  # vertical rule at xs[i] between squares i-1 and i
            if not _covered(vert[i], ymid[j]):
                a = j * nx + i - 1 if i > 0 else outside
                b = j * nx + i if i < nx else outside
                uf.union(a, b)
    for j in range(ny + 1):
        for i in range(nx):
            if not _covered(horiz[j], xmid[i]):
                a = (j - 1) * nx + i if j > 0 else outside
                b = j * nx + i if j < ny else outside
                uf.union(a, b)
    return _components(page.number, xs, ys, uf, outside)


def _components(page_no: int, xs: list[float], ys: list[float], uf: _UnionFind, outside: int) -> Grid:
    nx, ny = len(xs) - 1, len(ys) - 1
    open_root = uf.find(outside)
    label = [-1] * (nx * ny)
    boxes: dict[int, list[float]] = {}
    for j in range(ny):
        for i in range(nx):
            root = uf.find(j * nx + i)
            if root == open_root:
                continue
            label[j * nx + i] = root
            b = boxes.get(root)
            if b is None:
                boxes[root] = [xs[i], ys[j], xs[i + 1], ys[j + 1]]
            else:
                b[0], b[1] = min(b[0], xs[i]), min(b[1], ys[j])
                b[2], b[3] = max(b[2], xs[i + 1]), max(b[3], ys[j + 1])
    cells = {k: Cell(page_no, *b) for k, b in boxes.items()}
    parent_of = _nesting(label, nx, ny, cells)
    return Grid(xs, ys, label, cells, parent_of)


def _nesting(label: list[int], nx: int, ny: int, cells: dict[int, Cell]) -> dict[int, int]:
    """A closed cell whose every neighbour is one other cell that surrounds it is inside it."""
    neighbours: dict[int, set[int]] = {k: set() for k in cells}
    for j in range(ny):
        for i in range(nx):
            a = label[j * nx + i]
            if a < 0:
                continue
            right = label[j * nx + i + 1] if i + 1 < nx else -2
            below = label[(j + 1) * nx + i] if j + 1 < ny else -2
            for b in (right, below):
                if b != a:
                    neighbours[a].add(b)
                    if b >= 0:
                        neighbours[b].add(a)
            if i == 0 or j == 0 or i == nx - 1 or j == ny - 1:
                neighbours[a].add(-2)  # touches the grid's edge
    parent_of = {}
    for k, ns in neighbours.items():
        if len(ns) == 1:
            (p,) = ns
            if p >= 0 and _inside(cells[k], cells[p]):
                parent_of[k] = p
    return parent_of


def _inside(a: Cell, b: Cell) -> bool:
    return a.x0 >= b.x0 - 0.5 and a.x1 <= b.x1 + 0.5 and a.y0 >= b.y0 - 0.5 and a.y1 <= b.y1 + 0.5


# ---------------------------------------------------------------- lines


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
    return [_make_line(sorted(ws, key=lambda w: w.x0)) for ws in lines]


def _make_line(words: list[Word]) -> Line:
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


# ---------------------------------------------------------------- rows


def _split_index(text: str, fraction: float) -> int:
    """Where to cut `text` so the left part spans `fraction` of its width (wide chars count double)."""
    widths = [1.0 if east_asian_width(ch) in "WF" else 0.5 for ch in text]
    target, acc, cut = fraction * sum(widths), 0.0, len(text)
    for k, wd in enumerate(widths):
        if acc + wd / 2 > target:
            cut = k
            break
        acc += wd
    # an opening bracket or box glyph close to the estimate is where the next cell starts
    near = [j for j in range(max(1, cut - 3), min(len(text), cut + 4)) if text[j] in "[［☐☑■□"]
    return min(near, key=lambda j: abs(j - cut)) if near else cut


def split_at_rules(w: Word, grid: Grid) -> tuple[Word, ...]:
    """A word that runs across a cell's rule (overflowing text) is cut there, by character width."""
    i = bisect_right(grid.xs, w.x0 + 1)
    if i >= len(grid.xs) or grid.xs[i] >= w.x1 - 1 or len(w.text) < 2:
        return (w,)  # no rule between the word's ends: the common case, decided by one bisect
    cy = (w.y0 + w.y1) / 2
    if grid.component_at(w.x0 + 1, cy) == grid.component_at(w.x1 - 1, cy):
        return (w,)
    rule = grid.xs[i]
    k = _split_index(w.text, (rule - w.x0) / (w.x1 - w.x0))
    if not 0 < k < len(w.text):
        return (w,)
    left = Word(w.x0, w.y0, rule - 0.5, w.y1, w.text[:k])
    return (left, *split_at_rules(Word(rule + 0.5, w.y0, w.x1, w.y1, w.text[k:]), grid))


def page_to_rows(page: PageContent) -> list[Row]:
    """The page as rows of cells (ruled table rows and free text lines) in reading order."""
    grid = build_grid(page)
    free: list[Word] = []
    per_cell: dict[int, list[Word]] = {}
    for word in page.words:
        for w in split_at_rules(word, grid) if grid else (word,):
            comp = grid.component_at((w.x0 + w.x1) / 2, (w.y0 + w.y1) / 2) if grid else -1
            if comp < 0:
                free.append(w)
            else:
                per_cell.setdefault(comp, []).append(w)
    rows: list[Row] = []
    if grid:
        for comp, ws in per_cell.items():
            grid.cells[comp].lines = words_to_lines(ws)
        for child, parent in grid.parent_of.items():
            grid.cells[parent].inner.append(grid.cells[child])
        top = [c for k, c in grid.cells.items() if k not in grid.parent_of]
        rows.extend(_cells_to_rows(page.number, top))
    if grid is None and len(free) > 20:
        rows.extend(aligned_rows(page.number, words_to_lines(free)))
    else:
        for line in words_to_lines(free):
            cell = Cell(page.number, line.x0, line.y0, line.x1, line.y1, [line])
            rows.append(Row(page.number, line.y0, [cell], free=True))
    rows.sort(key=lambda r: (r.y0, r.cells[0].x0))
    return rows


# ---------------------------------------------------------------- no rules: alignment


def _chunks(line: Line) -> list[Line]:
    """Split a visual line where the gap between words is wider than two characters."""
    out: list[list[Word]] = [[line.words[0]]]
    for prev, w in pairwise(line.words):
        if w.x0 - prev.x1 > 2 * (w.y1 - w.y0):
            out.append([w])
        else:
            out[-1].append(w)
    return [_make_line(ws) for ws in out]


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


MARGIN = 0.08  # share of the page height where running headers and footers live
_PAGE_NO = re.compile(r"^[-－‐ー\s(（]*\d{1,4}\s*(?:[/／]\s*\d{1,4})?[-－‐ー\s)）]*(?:ページ|頁)?$")


def _margin_key(row: Row, height: float) -> str | None:
    """A normalised key for a free line in the top or bottom margin (digits masked)."""
    if not row.free or MARGIN * height < row.y0 < (1 - MARGIN) * height:
        return None
    return re.sub(r"\d+", "#", row.cells[0].text.replace(" ", "").replace("\u3000", ""))


def drop_running_lines(per_page: list[tuple[PageContent, list[Row]]]) -> None:
    """Remove page numbers and header/footer lines repeated on many pages (in place)."""
    counts: dict[str, int] = {}
    for page, rows in per_page:
        for key in {k for r in rows if (k := _margin_key(r, page.height))}:
            counts[key] = counts.get(key, 0) + 1
    threshold = max(4, -(-len(per_page) * 3 // 5))  # on at least 60% of the pages
    for page, rows in per_page:
        rows[:] = [r for r in rows if not _is_running(r, page.height, counts, threshold)]


def _is_running(row: Row, height: float, counts: dict[str, int], threshold: int) -> bool:
    key = _margin_key(row, height)
    if key is None:
        return False
    return counts.get(key, 0) >= threshold or bool(_PAGE_NO.match(row.cells[0].text))


def document_rows(pages: list[PageContent]) -> list[Row]:
    """All rows of a document; running headers/footers dropped, rows cut by a page break joined."""
    per_page = [(page, page_to_rows(page)) for page in pages]
    drop_running_lines(per_page)
    out: list[Row] = []
    for _, rows in per_page:
        if rows and out and _continues(rows[0], out[-1]):
            _join(out[-1], rows.pop(0))
        out.extend(rows)
    return out


def _continues(first: Row, prev: Row) -> bool:
    if first.free or prev.free or len(first.cells) < 2:
        return False
    return all(c.is_empty() for c in first.cells[:-1]) and not first.cells[-1].is_empty()


def _join(prev: Row, cont: Row) -> None:
    """Append the continued cell under its start, shifting it down so geometry stays in order."""
    target = prev.cells[-1]
    src = cont.cells[-1]
    dy = target.y1 - src.y0
    target.lines.extend(_shift_line(ln, dy) for ln in src.lines)
    for box in src.inner:
        target.inner.append(Cell(box.page, box.x0, box.y0 + dy, box.x1, box.y1 + dy,
                                 [_shift_line(ln, dy) for ln in box.lines]))
    target.y1 = src.y1 + dy


def _shift_line(line: Line, dy: float) -> Line:
    words = [Word(w.x0, w.y0 + dy, w.x1, w.y1 + dy, w.text) for w in line.words]
    return Line(line.x0, line.y0 + dy, line.x1, line.y1 + dy, words, line.text)
