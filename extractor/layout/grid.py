"""Layout — the cell grid of a page from its ruling segments.

The distinct x of vertical rules and y of horizontal rules make an elementary grid;
neighbouring grid squares with no rule between them belong to one cell (union-find),
so spanned cells come out whole.  A box drawn inside a cell (a ＜選択肢＞ legend) is
nested in the cell around it.  Cost is O(grid squares) per page.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from unicodedata import east_asian_width

from extractor.layout.cells import Cell
from extractor.read.content import PageContent, Segment, Word

SNAP = 1.5  # rules closer than this (pt) are the same rule


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
    cells = {k: Cell(page_no, b[0], b[1], b[2], b[3]) for k, b in boxes.items()}
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
