"""Cells printed side by side, each wrapping at its column's width, as a dump joins them.

A dump of a spreadsheet print joins the cells of one printed line with single spaces, and
each cell wraps at its column's width, so every line of a cell but its last is (nearly) full.
Widths are display units (a full-width character 1, a half-width one 0.5).  `dealings` gives
the ways a block's space-separated fragments can be dealt to its columns: within a line in
column order; a column goes on only after a full fragment (a short one ends it); a fragment
wider than its column is not the column's; a column starts only once the one left of it has.
Every column starts by the block's first line of two or more fragments.  A cell whose lines are
printed a little off its row's comes out on lines of its own or joined to another line, so a
column may be silent on a line and go on later (each such silent line is counted as the way's
cost).  A cell may hold a space (`財務部 税制課`): a fragment goes on its line's column before it
when the two, joined by the space, still fit the column's width.  A block is read only when every
way that fits reads the same (`only`): nothing is guessed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

FULL_SLACK = 1.0  # a line this much narrower than its column still counts as full
WIDE_SLACK = 0.5  # a fragment may be this much wider than the widest first line seen
LOOSE_SLACK = 2.0  # the same, for a column whose cells are checked by what they say
SPACE = 0.5  # the width of the space a dump prints inside a cell
_MAX_STEPS = 20000  # search steps before a block counts as not settled
_RUN = re.compile(r"[0-9A-Za-z.,]+")
Dealing = tuple[int, tuple[str, ...]]  # (fragments out of line, the column texts)
_Deal = Callable[[int, list[str], list[float], list[float | None], int, int, int, int, float], bool]


@lru_cache(maxsize=65536)
def width(text: str) -> float:
    """Display width: a full-width (or ambiguous-width) character 1, a half-width one 0.5."""
    return sum(1.0 if unicodedata.east_asian_width(c) in "FWA" else 0.5 for c in text)


def fragments(line: str) -> list[str]:
    return line.split()


def dealings(lines: Sequence[str], widths: Sequence[float], most: int = 64, loose: Sequence[bool] = (),
             single: Sequence[bool] = (), late: bool = False) -> list[Dealing] | None:
    """Every way the block's lines can be dealt to the columns (`widths`, in order); None when too many.
    A `loose` column is one whose cells the caller checks by what they say (a band, a method): its width
    only bounds a line loosely, and any line of it may go on.  A `single` column's cells are one line.  With
    `late`, a column may start on any line (a cell printed lower than its row's first line)."""
    ways = _dealings(tuple(lines), tuple(widths), most, tuple(loose), tuple(single), late)
    return None if ways is None else list(ways)


@lru_cache(maxsize=16384)
def _dealings(lines: tuple[str, ...], widths: tuple[float, ...], most: int, loose: tuple[bool, ...],
              single: tuple[bool, ...], late: bool = False) -> tuple[Dealing, ...] | None:
    """`dealings`, remembered: the same block is searched again with the same columns (a list is read twice)."""
    frags = [fragments(ln) for ln in lines]
    if sum(map(len, frags)) < len(widths):
        return ()  # a column without a fragment
    if max(map(len, frags), default=0) > len(widths):
        room = sum(widths) + len(widths) * (LOOSE_SLACK + SPACE)
        if any(len(fr) > len(widths) and width(ln) > room for fr, ln in zip(frags, lines, strict=True)):
            return ()  # a line with more fragments than columns, too wide for them joined
    pad = [False] * len(widths)
    ways = _Search(frags, list(widths), most, [*loose, *pad], [*single, *pad], late).run()
    return None if ways is None else tuple(ways)


def full(line: str, after: str, column: float) -> bool:
    """Whether a cell's line is full: no room left for a character, or for the run of half-width letters
    and digits its next line starts with (a word is not broken)."""
    run = _RUN.match(after)
    return width(line) >= column - FULL_SLACK or bool(run and width(line) + width(run.group()) > column - WIDE_SLACK)


def _text(col: list[tuple[int, str]]) -> str:
    """A column's fragments: the lines of a cell joined without a separator, the fragments of one line with a
    space (the cell printed one)."""
    return "".join((" " if k and col[k - 1][0] == ln else "") + f for k, (ln, f) in enumerate(col))


def _out_of_line(placed: list[list[tuple[int, str]]]) -> int:
    """Fragments printed after a line that holds a later one: a fragment's place is its cell's line (the
    first, second … line of the cell) and then its column, and a dump prints a row's lines top to bottom,
    the pieces of one height left to right, so a fragment comes after every fragment of a lower place."""
    at: dict[int, list[tuple[int, int]]] = {}
    for c, col in enumerate(placed):
        rank, prev = 0, -1
        for ln, _ in col:
            rank += ln != prev
            prev = ln
            at.setdefault(ln, []).append((rank, c))
    n, highest = 0, (0, -1)
    for ln in sorted(at):
        n += sum(1 for p in at[ln] if p < highest)
        highest = max(highest, *at[ln])
    return n


def least_out_of_line(ways: Sequence[Dealing]) -> list[Dealing]:
    """The ways with the fewest fragments out of line (`_out_of_line`)."""
    least = min((cost for cost, _ in ways), default=0)
    return [w for w in ways if w[0] == least]


def only(ways: Sequence[Dealing]) -> tuple[str, ...] | None:
    """The column texts, if every way reads the same."""
    texts = {t for _, t in ways}
    return next(iter(texts)) if len(texts) == 1 else None


@dataclass
class _Search:
    frags: list[list[str]]
    widths: list[float]
    most: int
    loose: list[bool]
    single: list[bool]
    late: bool = False  # a column may start on any line
    steps: int = 0
    found: dict[tuple[str, ...], int] = field(default_factory=dict)

    def run(self) -> list[Dealing] | None:
        """A depth-first search: line by line, each fragment to a column right of the one before it on its
        line.  Every line reached (and the end) is one step; past `_MAX_STEPS` steps, or more than `most`
        ways found, the search stops."""
        frags, found, most = self.frags, self.found, self.most
        n, k = len(frags), len(self.widths)
        placed: list[list[tuple[int, str]]] = [[] for _ in range(k)]  # per column: (line, fragment)
        last: list[float] = [0.0] * k  # the width of each column's last fragment (when it has one)
        fws = [[width(f) for f in fr] for fr in frags]
        runs = [[width(m.group()) if (m := _RUN.match(f)) else None for f in fr] for fr in frags]
        steps = self.steps
        ends = 0  # the ends reached with every column started (each one a way)
        # What is dealt from a line on hangs only on the line, how many columns have started and the widths of
        # their last fragments (those of loose and single columns kept as 0: never asked for); the texts it
        # finds, on what came before too.  A line reached again in the same state, after a search from it
        # found no way, finds none again in as many steps: those steps are counted without taking them, and
        # where they would have stopped the search (`most` passed, which no step of it changes, or one step
        # past `_MAX_STEPS`), it stops with the count it would have had.
        dead: dict[tuple[float, ...], int] = {}

        def line(i: int, opened: int) -> bool:
            nonlocal steps
            if i == n:
                return walk(i, opened)
            key = (i, opened, *last[:opened])
            took = dead.get(key)
            if took is not None:  # as the search from here did before: `took` steps, or a stop within them
                if len(found) > most:
                    steps += 1
                    return False
                if steps + took > _MAX_STEPS:
                    steps = _MAX_STEPS + 1
                    return False
                steps += took
                return True
            steps0, ends0 = steps, ends
            ok = walk(i, opened)
            if ok and ends == ends0:
                dead[key] = steps - steps0
            return ok

        def walk(i: int, opened: int) -> bool:
            nonlocal steps, ends
            steps += 1
            if steps > _MAX_STEPS or len(found) > most:
                return False
            if i == n:
                if opened == k:
                    ends += 1
                    texts = tuple(_text(col) for col in placed)
                    cost = _out_of_line(placed)
                    found[texts] = min(cost, found.get(texts, cost))
                return True
            fr = frags[i]
            if not fr:  # a line without fragments
                return line(i + 1, opened)
            return deal(i, fr, fws[i], runs[i], len(fr) - 1, 0, 0, opened, 0.0)

        deal = self._dealer(placed, last, line, fws)
        ok = line(0, 0)
        self.steps = steps
        if not ok:
            return None
        return sorted((cost, t) for t, cost in found.items())

    def _dealer(self, placed: list[list[tuple[int, str]]], last: list[float], line: Callable[[int, int], bool],
                fws: list[list[float]]) -> _Deal:
        """The search within one line: its fragments, from the j-th on, to columns from c0 on, `opened` of them
        holding fragments so far; at the line's end, on to the next (`line`).  False when the search stops.
        A column starts only once the one left of it has, so the columns holding fragments are always the
        leftmost `opened` ones: a fragment may go to one of them or start the next.  A fragment put where the
        rest of its line cannot follow (too few columns right of it: one for each fragment after it too wide to
        go on the column of the one before it) never reaches the next line, so such columns are not tried: the
        lines reached, and so the steps counted, are the same."""
        k = len(self.widths)
        widest = max(self.widths, default=0.0)
        after: list[list[int]] = []  # per line, per fragment: the fragments after it that must start a column
        for ws in fws:
            need = [0] * len(ws)
            for j in range(len(ws) - 2, -1, -1):
                need[j] = need[j + 1] + (ws[j] + SPACE + ws[j + 1] > widest)
            after.append(need)
        started_by = len(self.frags) if self.late else next(
            (i for i, f in enumerate(self.frags) if len(f) > 1), len(self.frags))
        loose, single = self.loose[:k], self.single[:k]
        wide = [w + (LOOSE_SLACK if lo else WIDE_SLACK) for w, lo in zip(self.widths, loose, strict=True)]
        full_at = [w - FULL_SLACK for w in self.widths]  # `full`, with the column's bounds worked out once
        word_at = [w - WIDE_SLACK for w in self.widths]
        # a loose or single column's last width is never asked for: kept as 0, the lines' states are fewer
        kept = [not (lo or si) for lo, si in zip(loose, single, strict=True)]

        def deal(i: int, fr: list[str], fw: list[float], rw: list[float | None], rest: int, j: int, c0: int,
                 opened: int, cur: float) -> bool:
            # fragment j of line i, `rest` fragments after it on the line; `cur`: the width of the line so far
            # in the column of fragment j - 1
            frag, w, run = fr[j], fw[j], rw[j]
            top = opened if started_by < i else opened + 1  # every column starts by the first line of two or more
            if j and not loose[c0 - 1] and cur + SPACE + w <= self.widths[c0 - 1]:
                # the cell of fragment j - 1 holds a space: the fragment goes on its line (it fits the column)
                c = c0 - 1
                col, lw = placed[c], last[c]
                col.append((i, frag))
                last[c] = cur + SPACE + w if kept[c] else 0.0
                ok = deal(i, fr, fw, rw, rest - 1, j + 1, c0, opened, cur + SPACE + w) if rest else line(i + 1, opened)
                last[c] = lw
                col.pop()
                if not ok:
                    return False
            for c in range(c0, min(k - after[i][j], top)):
                if w > wide[c]:
                    continue
                col = placed[c]
                if c < opened:
                    if single[c]:
                        continue
                    lw = last[c]
                    if not (loose[c] or lw >= full_at[c] or (run is not None and lw + run > word_at[c])):
                        continue  # the column's line is not full
                    col.append((i, frag))
                    last[c] = w if kept[c] else 0.0
                    ok = deal(i, fr, fw, rw, rest - 1, j + 1, c + 1, opened, w) if rest else line(i + 1, opened)
                    last[c] = lw
                else:
                    col.append((i, frag))
                    last[c] = w if kept[c] else 0.0
                    ok = deal(i, fr, fw, rw, rest - 1, j + 1, c + 1, c + 1, w) if rest else line(i + 1, c + 1)
                col.pop()
                if not ok:
                    return False
            return True

        return deal
