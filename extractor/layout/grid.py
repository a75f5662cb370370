"""Layout — the cell grid of a page from its ruling segments.

The distinct x of vertical rules and y of horizontal rules make an elementary grid;
neighbouring grid squares with no rule between them belong to one cell (union-find),
so spanned cells come out whole.  A box drawn inside a cell (a ＜選択肢＞ legend) is
nested in the cell around it.  Cost is O(grid squares) per page.

This runs once per page on ~75 squares and ~100 words, so per-call overhead is what
costs: loops are flat over plain lists, with the union-find inlined.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from operator import itemgetter
from unicodedata import east_asian_width

from extractor.layout.cells import Cell
from extractor.read.content import PageContent, Segment, Word

SNAP = 1.5  # rules closer than this (pt) are the same rule

Intervals = list[tuple[float, float]]


# ---------------------------------------------------------------- segments


def _cluster_positions(segs: tuple[Segment, ...]) -> dict[float, Intervals]:
    """Snap segment positions together and merge each position's intervals."""
    by_pos: dict[float, Intervals] = {}
    current: float | None = None
    spans: Intervals = []
    for pos, start, end in sorted(segs, key=itemgetter(0)):  # stable: equal positions keep their order
        if current is None or pos - current > SNAP:
            current = pos
            spans = by_pos[pos] = []
        spans.append((start, end))
    return {pos: _merge_intervals(iv) for pos, iv in by_pos.items()}


def _merge_intervals(intervals: Intervals) -> Intervals:
    """Sorted, disjoint intervals (gaps wider than SNAP kept open)."""
    if len(intervals) == 1:
        return intervals
    merged: Intervals = []
    last_a, last_b = intervals[0]  # placeholder, replaced on the first pass
    for a, b in sorted(intervals):
        if merged and a <= last_b + SNAP:
            if b > last_b:
                last_b = b
                merged[-1] = (last_a, b)
        else:
            last_a, last_b = a, b
            merged.append((a, b))
    return merged


def _uncovered(intervals: Intervals, mids: list[float]) -> list[int]:
    """Indexes of `mids` no interval covers (ends inclusive); both lists sorted, intervals disjoint.

    One bisect pair per interval instead of one bisect per grid square.
    """
    out: list[int] = []
    j = 0
    for a, b in intervals:
        lo = bisect_left(mids, a)
        if lo > j:
            out.extend(range(j, lo))
        hi = bisect_right(mids, b)
        if hi > j:
            j = hi
    out.extend(range(j, len(mids)))
    return out


# ---------------------------------------------------------------- grid


@dataclass(slots=True)
class Grid:
    xs: list[float]
    ys: list[float]
    label: list[int]  # cell id per grid square, row-major; -1 = open (not a closed cell)
    cells: dict[int, Cell]  # cell id -> cell, ids numbered in row-major order of their first square
    parent_of: dict[int, int]  # inner box id -> enclosing cell id

    def component_at(self, x: float, y: float) -> int:
        i = bisect_right(self.xs, x) - 1
        j = bisect_right(self.ys, y) - 1
        nx = len(self.xs) - 1
        if i < 0 or j < 0 or i >= nx or j >= len(self.ys) - 1:
            return -1
        return self.label[j * nx + i]


_start, _end = itemgetter(1), itemgetter(2)  # Segment.start, Segment.end


def _closing_rules(vsegs: tuple[Segment, ...]) -> list[Segment]:
    """Rules that close a table cut by a page break (its cells lack the bottom or top rule)."""
    if not vsegs:
        return []
    out = []
    for edge in (max(map(_end, vsegs)), min(map(_start, vsegs))):
        touching = [pos for pos, start, end in vsegs if abs((end if edge > start else start) - edge) < SNAP]
        if len(touching) >= 2:
            out.append(Segment(edge, min(touching), max(touching)))
    return out


def build_grid(page: PageContent) -> Grid | None:
    hmap = _cluster_positions(page.hsegs + tuple(_closing_rules(page.vsegs)))
    vmap = _cluster_positions(page.vsegs)
    ys, xs = sorted(hmap), sorted(vmap)
    if len(xs) < 2 or len(ys) < 2:
        return None
    parent = _open_squares(xs, ys, [vmap[x] for x in xs], [hmap[y] for y in ys])
    return _components(page.number, xs, ys, parent)


def _find(parent: list[int], a: int) -> int:
    while parent[a] != a:
        parent[a] = parent[parent[a]]
        a = parent[a]
    return a


def _open_squares(xs: list[float], ys: list[float], vert: list[Intervals], horiz: list[Intervals]) -> list[int]:
    """Each grid square's union-find root (+ one virtual square outside): squares joined where no rule runs."""
    nx, ny = len(xs) - 1, len(ys) - 1
    outside = nx * ny  # anything joined to it is open
    parent = list(range(outside + 1))
    xmid = [(xs[i] + xs[i + 1]) / 2 for i in range(nx)]
    ymid = [(ys[j] + ys[j + 1]) / 2 for j in range(ny)]
    pairs: list[tuple[int, int]] = []
    for i in range(nx + 1):  # vertical rule at xs[i] between squares i-1 and i
        for j in _uncovered(vert[i], ymid):
            pairs.append((j * nx + i - 1 if i > 0 else outside, j * nx + i if i < nx else outside))
    for j in range(ny + 1):  # horizontal rule at ys[j] between squares above and below
        for i in _uncovered(horiz[j], xmid):
            pairs.append(((j - 1) * nx + i if j > 0 else outside, j * nx + i if j < ny else outside))
    for a, b in pairs:
        ra, rb = _find(parent, a), _find(parent, b)
        if ra != rb:
            parent[rb] = ra
    for k in range(outside + 1):  # every square points at its root: later lookups are one index
        if parent[parent[k]] != parent[k]:
            parent[k] = _find(parent, k)
    return parent


def _components(page_no: int, xs: list[float], ys: list[float], root_of: list[int]) -> Grid:
    nx, ny = len(xs) - 1, len(ys) - 1
    open_root = root_of[nx * ny]
    label = [-1] * (nx * ny)
    ids: dict[int, int] = {}  # union-find root -> cell id
    boxes: list[list[float]] = []
    first: list[int] = []  # each cell's first square, row-major
    for j in range(ny):
        top, bottom, base = ys[j], ys[j + 1], j * nx
        for i in range(nx):
            root = root_of[base + i]
            if root == open_root:
                continue
            k = ids.get(root)
            if k is None:
                k = ids[root] = len(boxes)
                boxes.append([xs[i], top, xs[i + 1], bottom])
                first.append(base + i)
            else:  # squares come row by row: the top is set, the bottom only grows
                b = boxes[k]
                if xs[i] < b[0]:
                    b[0] = xs[i]
                if xs[i + 1] > b[2]:
                    b[2] = xs[i + 1]
                b[3] = bottom
            label[base + i] = k
    cells = {k: Cell(page_no, b[0], b[1], b[2], b[3]) for k, b in enumerate(boxes)}
    return Grid(xs, ys, label, cells, _nesting(label, xs, ys, cells, first))


def _nesting(label: list[int], xs: list[float], ys: list[float], cells: dict[int, Cell],
             first: list[int]) -> dict[int, int]:
    """A closed cell whose every neighbour is one other cell that surrounds it is inside it.

    Nested boxes are rare, so a cell's squares are only scanned when the neighbours of its first
    square leave it a candidate (`_enclosing_candidate`).
    """
    nx, ny = len(xs) - 1, len(ys) - 1
    parent_of = {}
    for k, cell in cells.items():
        p = _enclosing_candidate(label, nx, ny, k, first[k])
        if p < 0 or not _inside(cell, cells[p]):
            continue
        i0, i1 = bisect_left(xs, cell.x0), bisect_left(xs, cell.x1) - 1
        j0, j1 = bisect_left(ys, cell.y0), bisect_left(ys, cell.y1) - 1
        if _neighbours(label, nx, ny, k, (i0, i1, j0, j1)) == {p}:
            parent_of[k] = p
    return parent_of


def _enclosing_candidate(label: list[int], nx: int, ny: int, k: int, s: int) -> int:
    """The one cell around cell k as far as its first square `s` shows, else -1.

    Always among k's neighbours (see `_neighbours`): the square right of the run of k that starts
    at s, and the closed squares left of and above s (s is k's first square, so they are not k);
    and s itself must not be on the grid's edge.
    """
    j, i = divmod(s, nx)
    if i == 0 or j == 0 or i == nx - 1 or j == ny - 1:
        return -1
    e, row_end = s + 1, s - i + nx
    while e < row_end and label[e] == k:
        e += 1
    if e == row_end:  # the run reaches the grid's right edge
        return -1
    right, left, above = label[e], label[s - 1], label[s - nx]
    if right < 0 or (left >= 0 and left != right) or (above >= 0 and above != right):
        return -1
    return right


def _neighbours(label: list[int], nx: int, ny: int, k: int, span: tuple[int, int, int, int]) -> set[int]:
    """Cell k's neighbours: for each of its squares, the square right of and below it when that is not k
    (-1 open, -2 beyond the grid's edge), -2 when it is on the edge, and the closed squares left of and
    above it (a closed square's right and lower neighbours count on both sides, an open square's not)."""
    i0, i1, j0, j1 = span
    out: set[int] = set()
    for j in range(j0, j1 + 1):
        for i in range(i0, i1 + 1):
            s = j * nx + i
            if label[s] != k:
                continue
            out.add(label[s + 1] if i + 1 < nx else -2)
            out.add(label[s + nx] if j + 1 < ny else -2)
            if i == 0 or j == 0 or i == nx - 1 or j == ny - 1:
                out.add(-2)
            if i > 0 and label[s - 1] >= 0:
                out.add(label[s - 1])
            if j > 0 and label[s - nx] >= 0:
                out.add(label[s - nx])
    out.discard(k)
    return out


def _inside(a: Cell, b: Cell) -> bool:
    return a.x0 >= b.x0 - 0.5 and a.x1 <= b.x1 + 0.5 and a.y0 >= b.y0 - 0.5 and a.y1 <= b.y1 + 0.5


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


def crosses_rule(w: Word, xs: list[float]) -> bool:
    """Whether a vertical rule position lies strictly inside the word (the rare case `split_at_rules` cuts)."""
    i = bisect_right(xs, w.x0 + 1)
    return i < len(xs) and xs[i] < w.x1 - 1 and len(w.text) >= 2


def split_at_rules(w: Word, grid: Grid) -> tuple[Word, ...]:
    """A word that runs across a cell's rule (overflowing text) is cut there, by character width."""
    if not crosses_rule(w, grid.xs):
        return (w,)  # no rule between the word's ends: the common case, decided by one bisect
    cy = (w.y0 + w.y1) / 2
    if grid.component_at(w.x0 + 1, cy) == grid.component_at(w.x1 - 1, cy):
        return (w,)
    rule = grid.xs[bisect_right(grid.xs, w.x0 + 1)]
    k = _split_index(w.text, (rule - w.x0) / (w.x1 - w.x0))
    if not 0 < k < len(w.text):
        return (w,)
    left = Word(w.x0, w.y0, rule - 0.5, w.y1, w.text[:k])
    return (left, *split_at_rules(Word(rule + 0.5, w.y0, w.x1, w.y1, w.text[k:]), grid))
