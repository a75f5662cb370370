"""An annexed 提供先一覧 / 移転先一覧 whose cells a dump printed side by side (see `side`).

The list's columns are the name column and the spec's annex columns, in the spec's order.  The
column header lines (repeated on every page) are dropped; what is left falls into blank-line
separated blocks, each holding a run of neighbouring columns side by side.  Column widths are
learnt from the list's own unambiguous blocks: a run of blocks whose first lines hold one
fragment per column and add up to a row whose band and method cells, and no others, start like the
form's options.
A row is then the run of blocks (in column order, or its band-to-timing blocks first, as a
page's first row prints; on the second reading in any order) that splits into the columns in
exactly one way, with a band and a method the form offers.  The list is read twice: where the
text leaves a block (or a row) more than one way, the second reading keeps the ways least unlike
the rows the first one settled (their cells' first and last characters, their width), and
a column none of whose settled cells wrapped takes one line a cell; still more than one way, the
row is not settled.  A row that is not settled keeps its name, ① and ② (its other cells left
empty, with a warning) when every reading of its blocks as one row agrees on them: each block read
every way left after the tests, in any column order (from the name, or at a page top from the
band), and a block with no way that starts every column by its first line read with columns that
start on any line.  The list is read up to its first row that is neither settled nor so agreed on,
with a warning: a row left out would shift the numbers of the rows after it.
"""

from __future__ import annotations

from collections.abc import Iterator

from extractor.forms.events import AnnexRow, Event, Warn, Where
from extractor.forms.spec import FormSpec
from extractor.normalise import label_key
from extractor.text.dump.lines import Line
from extractor.text.dump.side import dealings, fragments, least_out_of_line, width

_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩"
_IDS = (0, 1, 2)  # the columns that tell a row: the name, ①法令上の根拠, ②用途
Block = list[Line]
_FAR = 1e9  # width of a column never seen on a settled first line: a one-line cell only
_LEARN_FROM = 5  # settled rows needed before what their cells share tells ways apart
_WINDOW = 8  # blocks a run of rows cut by a page break may take
_OPEN_ROWS = 3  # rows a page break may leave open at once
_MAX_WAYS = 64  # ways of splitting such a run before it counts as not settled
_WIDER = 1.5  # a cell this many times the widest settled cell of its column is unlike them
_MOSTLY = 0.8  # share of a column's settled cells that start (end) with one character for it to count
_MOST = 256  # ways of dealing one block before it counts as not settled (a band and a method cell on
# two lines each multiply them)
_MOST_LATE = 4096  # the same, for a block whose columns may start on any line (a row that does not settle)
_WRAPPED_IN = 2  # settled rows with a cell wider than its column before the second reading lets the column wrap


Row = tuple[int, int, dict[str, str] | None, int]  # first block, end block, values (None: not settled), rows held


def side_rows(spec: FormSpec, kind: str, part: list[Line], bands: tuple[str, ...], methods: tuple[str, ...]
              ) -> Iterator[Event]:
    """AnnexRow events of a list whose cells are side by side, up to its first row that does not settle."""
    reader = ListReader(spec, part, bands, methods)
    rows = reader.rows()
    if not any(v is not None for _, _, v, _ in rows):
        return
    left = sum(n for _, _, v, n in rows if v is None)
    if left or reader.unsettled:  # a row left out would shift the numbers of the rows after it
        yield Warn(f"{kind} list: {max(left, 1)} rows could not be split into their columns; "
                   "the list was read up to the first of them, rows whose name, ① and ② every reading "
                   "agrees on kept with those cells only")
    for first, end, values, held in rows:
        if values is None:  # its identifying cells, if every reading agrees on them; else the list stops here
            values = reader.agreed(first, end) if held == 1 else None
            if values is None:
                return
        yield AnnexRow(values, False, Where(page=reader.blocks[first][0].page, line=reader.blocks[first][0].no))


class ListReader:
    """The rows of one list: blocks, learnt column widths, and the one way each row splits."""

    def __init__(self, spec: FormSpec, part: list[Line], bands: tuple[str, ...], methods: tuple[str, ...]) -> None:
        self.cols = ["recipient", *spec.annex.columns.values()]
        self.bands, self.methods = bands, methods
        self.blocks, self.page_tops = _blocks(spec, part)
        self.band_at = self.cols.index("subjects_band") if "subjects_band" in self.cols else -1
        self.method_at = self.cols.index("methods") if "methods" in self.cols else -1
        ok = self.band_at >= 0 and self.method_at >= 0 and bands and methods
        self.widths = _widths(self.blocks, len(self.cols), self.band_at, self.method_at, bands, methods) if ok else None
        self.band_keys = {label_key(b): b for b in bands}
        self.options = {label_key(o) for o in bands + methods}
        self.unsettled = 0
        self.affixes: dict[int, tuple[str, str, float]] = {}  # column -> settled cells' start, end, widest
        self.one_line: set[int] = set()  # columns whose settled cells hardly ever wrapped
        self._split: dict[tuple[int, int, int, bool], frozenset[tuple[str, ...]] | None] = {}

    def method_of(self, text: str) -> str | None:
        return next((m for m in self.methods if label_key(m) == label_key(text)), None)

    def split(self, b: int, c0: int, k: int) -> tuple[str, ...] | None:
        """Block b as columns c0.. c0+k-1, if only one dealing fits them."""
        got = self.readings_of(b, c0, k)
        return next(iter(got)) if got is not None and len(got) == 1 else None

    def readings_of(self, b: int, c0: int, k: int, late: bool = False) -> frozenset[tuple[str, ...]] | None:
        """The texts of block b as columns c0.. c0+k-1 that the ways left after every test read (more than one
        when the text does not settle the block); None when the block has too many ways to say.  `late`: its
        columns may start on any line (`dealings`)."""
        key = (b, c0, k, late)
        if key not in self._split:
            assert self.widths is not None
            ws = self.widths[c0:c0 + k]
            loose = [c in (self.band_at, self.method_at) for c in range(c0, c0 + k)]
            lines = [ln.text for ln in self.blocks[b]]
            single = [c in self.one_line for c in range(c0, c0 + k)]
            if k > 1 and any(w >= _FAR for w in ws):  # a column never seen wider than a line: one cell a block
                self._split[key] = frozenset()
                return self._split[key]
            ways = dealings(lines, ws, _MOST_LATE if late else _MOST, loose=loose, late=late)
            fit = least_out_of_line([w for w in ways or () if self.typed(c0, w[1])])
            if len({t for _, t in fit}) > 1 and any(single):  # the ways whose one-line columns hold one line
                ones = {t for _, t in dealings(lines, ws, _MOST_LATE if late else _MOST, loose=loose, single=single,
                                               late=late) or ()}
                fit = [w for w in fit if w[1] in ones] or fit
            if len({t for _, t in fit}) > 1:  # ways the text does not settle: the ones least unlike the settled rows
                least = min(self.unlike_settled(c0, t) for _, t in fit)
                fit = [w for w in fit if self.unlike_settled(c0, w[1]) == least]
            self._split[key] = frozenset(t for _, t in fit) if ways is not None else None
        return self._split[key]

    def typed(self, c0: int, got: tuple[str, ...]) -> bool:
        """Band and method cells the form offers; no option in a text cell."""
        for c, text in zip(range(c0, c0 + len(got)), got, strict=True):
            if c == self.band_at:
                if label_key(text) not in self.band_keys:
                    return False
            elif c == self.method_at:
                if self.method_of(text) is None:
                    return False
            elif label_key(text) in self.options:
                return False
        return True

    def unlike_settled(self, c0: int, got: tuple[str, ...]) -> int:
        """Cells unlike every settled cell of their column: not starting or ending with the character they all
        do, or much wider than the widest of them."""
        n = 0
        for c, text in zip(range(c0, c0 + len(got)), got, strict=True):
            start, end, widest = self.affixes.get(c, ("", "", _FAR))
            n += (not text.startswith(start)) + (not text.endswith(end)) + (width(text) > widest * _WIDER)
        return n

    def runs(self, b: int, pos: int, end: int) -> list[tuple[int, tuple[str, ...]]]:
        """Every run of blocks from b holding columns pos.. end-1: (block after it, the column texts)."""
        if pos == end:
            return [(b, ())]
        if b >= len(self.blocks):
            return []
        out = []
        for k in range(1, end - pos + 1):
            got = self.split(b, pos, k)
            if got is not None:
                out += [(e, got + rest) for e, rest in self.runs(b + 1, pos + k, end)]
        return out

    def row_at(self, b: int, after_row: bool) -> list[tuple[int, tuple[str, ...]]]:
        n = len(self.cols)
        found = self.runs(b, 0, n)
        # a page's first row may print its band-to-timing cells first, unless they may end the row before
        if b in self.page_tops and after_row:
            for e, tail in self.runs(b, self.band_at, n):
                found += [(e2, head + tail) for e2, head in self.runs(e, 0, self.band_at)]
        if not found and self.affixes:  # a row's blocks printed out of column order (second reading only)
            found = [(e, tuple(cells[c] for c in range(n))) for e, cells in self.runs_any(b, frozenset(range(n)), n)]
        if len({v for _, v in found}) > 1 and self.affixes:
            least = min(self.unlike_settled(0, v) for _, v in found)
            found = [(e, v) for e, v in found if self.unlike_settled(0, v) == least]
        return found

    def agreed(self, first: int, end: int) -> dict[str, str] | None:
        """The identifying cells (name, ① and ②) of a row that does not settle, blocks first.. end-1, when every
        reading of it as one row agrees on them: its first block from the name (or, at a page top, from the
        band), the others any run of the columns left, each block read every way left after the tests."""
        n = len(self.cols)
        heads = [0] + ([self.band_at] if first in self.page_tops and self.band_at > 0 else [])
        ways: set[tuple[str, ...]] = set()
        for c0 in heads:
            got = self._readings(first, end, frozenset(range(n)), c0)
            if got is None:
                return None
            ways |= {tuple(cells[c] for c in _IDS) for cells in got}
        if len(ways) != 1:
            return None
        cells = next(iter(ways))
        return dict(zip((self.cols[c] for c in _IDS), cells, strict=True)) if all(cells) else None

    def _readings(self, b: int, end: int, todo: frozenset[int], c0: int | None = None
                  ) -> list[dict[int, str]] | None:
        """Every reading of blocks b.. end-1 as the columns `todo` (the first block from c0 when given); None
        when a block has too many ways to say, or the readings are too many."""
        if not todo or b >= end:
            return [{}] if not todo and b == end else []
        out: list[dict[int, str]] = []
        for start in [c0] if c0 is not None else sorted(todo):
            k = 1
            while start + k - 1 in todo:
                texts = self.readings_of(b, start, k)
                if texts == frozenset():  # no way that starts every column by the first line: any line
                    texts = self.readings_of(b, start, k, late=True)
                if texts is None:
                    return None
                for got in texts:
                    here = dict(zip(range(start, start + k), got, strict=True))
                    rest = self._readings(b + 1, end, todo - set(here))
                    if rest is None or len(out) + len(rest) > _MAX_WAYS:
                        return None
                    out += [here | r for r in rest]
                k += 1
        return out

    def runs_any(self, b: int, todo: frozenset[int], most: int) -> list[tuple[int, dict[int, str]]]:
        """Every run of at most `most` blocks from b that holds the columns `todo`, each block a run of them."""
        if not todo:
            return [(b, {})]
        if b >= len(self.blocks) or most == 0:
            return []
        out = []
        # a row's first block holds its name: other cells first may be the end of the row before it, a name
        # after them the next row's (a row never takes another row's cells)
        starts = sorted(todo) if len(todo) < len(self.cols) else [0]
        for c0 in starts:
            k = 1
            while c0 + k - 1 in todo:
                got = self.split(b, c0, k)
                if got is not None:
                    here = dict(zip(range(c0, c0 + k), got, strict=True))
                    out += [(e, here | rest) for e, rest in self.runs_any(b + 1, todo - set(here), most - 1)]
                k += 1
        return out

    def rows(self) -> list[Row]:
        """The list's rows; read twice, the second time with what the first one's settled cells share."""
        if self.widths is None:
            return []
        first = self._rows()
        settled = [v for _, _, v, _ in first if v is not None]
        if len(settled) < _LEARN_FROM:
            return first
        for c, col in enumerate(self.cols):
            if c not in (self.band_at, self.method_at):
                texts = [v[col] for v in settled]
                self.affixes[c] = (_mostly([t[:1] for t in texts]), _mostly([t[-1:] for t in texts]),
                                   max(width(t) for t in texts))
        assert self.widths is not None
        self.one_line = {c for c, col in enumerate(self.cols) if c not in (self.band_at, self.method_at)
                         and sum(width(v[col]) > self.widths[c] for v in settled) < _WRAPPED_IN}
        self._split.clear()
        self.unsettled = 0
        return self._rows()

    def named(self, values: tuple[str, ...]) -> dict[str, str]:
        named = dict(zip(self.cols, values, strict=True))
        named["subjects_band"] = self.band_keys[label_key(named["subjects_band"])]
        named["methods"] = self.method_of(named["methods"]) or ""
        return named

    def across(self, b: int) -> tuple[int, list[tuple[str, ...]]] | None:
        """Rows a page break cut, their blocks interleaved (the rows ending one page, then the rest of each
        on the next, or a cell drawn late): the shortest run of blocks from b up to or over a page top that
        splits into whole rows in one way, the cells of a block going to the first row that lacks them all
        (second reading only)."""
        n = len(self.cols)
        top = next((t for t in sorted(self.page_tops) if b < t <= b + _WINDOW), None)
        if top is None or not self.affixes:
            return None
        done: list[tuple[int, tuple[tuple[str, ...], ...]]] = []

        def go(i: int, rows: list[dict[int, str]]) -> None:
            if len(done) > _MAX_WAYS:
                return
            if rows and i >= top and all(len(r) == n for r in rows):
                done.append((i, tuple(tuple(r[c] for c in range(n)) for r in rows)))
                return
            if i >= min(len(self.blocks), b + _WINDOW):
                return
            for c0 in range(n):
                for k in range(1, n - c0 + 1):
                    got = self.split(i, c0, k)
                    if got is None:
                        continue
                    # the cells go to the first row that lacks them all (cells come in row order)
                    ri = next((j for j, r in enumerate(rows) if not any(c0 + d in r for d in range(k))), len(rows))
                    if ri < _OPEN_ROWS:
                        grown = (rows[ri] if ri < len(rows) else {}) | dict(zip(range(c0, c0 + k), got, strict=True))
                        go(i + 1, [*rows[:ri], grown, *rows[ri + 1:]])

        go(b, [])
        if not done or len(done) > _MAX_WAYS:
            return None
        end = min(e for e, _ in done)
        ways = {r for e, r in done if e == end}
        least = min(sum(self.unlike_settled(0, v) for v in r) for r in ways)
        ways = {r for r in ways if sum(self.unlike_settled(0, v) for v in r) == least}
        return (end, list(next(iter(ways)))) if len(ways) == 1 and len(next(iter(ways))) > 1 else None

    def _rows(self) -> list[Row]:
        rows: list[Row] = []
        b, skipped_from = 0, 0
        while b < len(self.blocks):
            found = self.row_at(b, skipped_from == b)
            across = self.across(b) if skipped_from == b and len({v for _, v in found}) != 1 else None
            if across is not None:
                for values in across[1]:
                    rows.append((b, across[0], self.named(values), 1))
                b = skipped_from = across[0]
                continue
            if len({v for _, v in found}) != 1 or len({e for e, _ in found}) != 1:
                self.unsettled += len({v for _, v in found}) > 1
                b += 1
                continue
            if skipped_from < b:
                rows.append((skipped_from, b, None, _bands_in(self.blocks[skipped_from:b], self.bands)))
            e, values = found[0]
            rows.append((b, e, self.named(values), 1))
            b = skipped_from = e
        if skipped_from < len(self.blocks):
            rows.append((skipped_from, len(self.blocks), None, _bands_in(self.blocks[skipped_from:], self.bands)))
        return rows


def _blocks(spec: FormSpec, lines: list[Line]) -> tuple[list[Block], set[int]]:
    """Blank-line separated blocks of the list's lines, its column header lines dropped; which follow a header."""
    labels = [label_key(k) for k in spec.annex.columns] + [label_key(a.name_header) for _, a in spec.annex_lists]
    names = {label_key(a.name_header) for _, a in spec.annex_lists}
    blocks: list[Block] = []
    header = False
    for ln in lines:
        key = label_key(ln.text)
        is_head = key in names or (ln.text[:1] in _CIRCLED and len(key) >= 2) or (
            header and len(key) >= 2 and any(lb.endswith(key) for lb in labels))
        if is_head or ln.text.startswith(("※", "*")):
            header = True
            blocks.append([])
            continue
        header = False
        if ln.gap or not blocks:
            blocks.append([])
        blocks[-1].append(ln)
    tops: set[int] = set()
    out: list[Block] = []
    for b in blocks:
        if not b:
            tops.add(len(out))
        else:
            out.append(b)
    return out, tops


def _widths(blocks: list[Block], n: int, band_at: int, method_at: int, bands: tuple[str, ...],
            methods: tuple[str, ...]) -> list[float] | None:
    """Each column's width: the widest first line of the column among rows that settle by their first lines."""
    seen: list[list[float]] = [[] for _ in range(n)]
    pos, got = 0, list[tuple[int, str]]()
    for block in blocks:
        frags = fragments(block[0].text)
        if pos + len(frags) > n:
            pos, got = 0, list[tuple[int, str]]()
        got += [(pos + j, f) for j, f in enumerate(frags)]
        pos += len(frags)
        if pos < n:
            continue
        d = dict(got)
        typed = {c for c, f in d.items() if any(o.startswith(f) for o in bands + methods)}
        if (len(d) == n and typed == {band_at, method_at} and any(b.startswith(d[band_at]) for b in bands)
                and any(m.startswith(d[method_at]) for m in methods)):
            for c, f in d.items():
                seen[c].append(width(f))
        pos, got = 0, list[tuple[int, str]]()
    if not all(seen[c] for c in range(n) if c not in (band_at,)):
        return None
    return [max(s) if s else _FAR for s in seen]


def _bands_in(blocks: list[Block], bands: tuple[str, ...]) -> int:
    """How many band cells the blocks hold (a band's first line, or a whole band)."""
    return sum(1 for b in blocks for ln in b for f in fragments(ln.text)
               if width(f) >= 2.5 and any(o.startswith(f) for o in bands))


def _mostly(chars: list[str]) -> str:
    """The character nearly all of `chars` are (a few cells of a column may start or end otherwise), or ''."""
    best = max(set(chars), key=chars.count, default="")
    return best if chars and chars.count(best) >= _MOSTLY * len(chars) else ""


def _common(texts: list[str]) -> str:
    """The start all the texts share."""
    n = 0
    while texts and n < min(len(t) for t in texts) and len({t[n] for t in texts}) == 1:
        n += 1
    return texts[0][:n] if texts else ""
