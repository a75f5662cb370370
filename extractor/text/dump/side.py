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
cost).  A block is read only when every way that fits reads the same (`only`): nothing is guessed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

FULL_SLACK = 1.0  # a line this much narrower than its column still counts as full
WIDE_SLACK = 0.5  # a fragment may be this much wider than the widest first line seen
LOOSE_SLACK = 2.0  # the same, for a column whose cells are checked by what they say
_MAX_STEPS = 20000  # search steps before a block counts as not settled
_RUN = re.compile(r"[0-9A-Za-z.,]+")
Dealing = tuple[int, tuple[str, ...]]  # (silent lines inside cells, the column texts)


@lru_cache(maxsize=65536)
def width(text: str) -> float:
    """Display width: a full-width (or ambiguous-width) character 1, a half-width one 0.5."""
    return sum(1.0 if unicodedata.east_asian_width(c) in "FWA" else 0.5 for c in text)


def fragments(line: str) -> list[str]:
    return line.split()


def dealings(lines: Sequence[str], widths: Sequence[float], most: int = 64, loose: Sequence[bool] = (),
             single: Sequence[bool] = ()) -> list[Dealing] | None:
    """Every way the block's lines can be dealt to the columns (`widths`, in order); None when too many.
    A `loose` column is one whose cells the caller checks by what they say (a band, a method): its width
    only bounds a line loosely, and any line of it may go on.  A `single` column's cells are one line."""
    frags = [fragments(ln) for ln in lines]
    if sum(map(len, frags)) < len(widths) or max(map(len, frags), default=0) > len(widths):
        return []  # a column without a fragment, or a line with more fragments than columns
    pad = [False] * len(widths)
    search = _Search(frags, list(widths), most, [*loose, *pad], [*single, *pad])
    return search.run()


def full(line: str, after: str, column: float) -> bool:
    """Whether a cell's line is full: no room left for a character, or for the run of half-width letters
    and digits its next line starts with (a word is not broken)."""
    run = _RUN.match(after)
    return width(line) >= column - FULL_SLACK or bool(run and width(line) + width(run.group()) > column - WIDE_SLACK)


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
    steps: int = 0
    found: dict[tuple[str, ...], int] = field(default_factory=dict)

    @cached_property
    def _started_by(self) -> int:
        return next((i for i, f in enumerate(self.frags) if len(f) > 1), len(self.frags))

    def run(self) -> list[Dealing] | None:
        k = len(self.widths)
        placed: list[list[tuple[int, str]]] = [[] for _ in range(k)]  # per column: (line, fragment)
        if not self._line(0, placed):
            return None
        return sorted((cost, t) for t, cost in self.found.items())

    def _line(self, i: int, placed: list[list[tuple[int, str]]]) -> bool:
        self.steps += 1
        if self.steps > _MAX_STEPS or len(self.found) > self.most:
            return False
        if i == len(self.frags):
            if all(placed):
                texts = tuple("".join(f for _, f in col) for col in placed)
                cost = sum(col[-1][0] - col[0][0] + 1 - len(col) for col in placed)
                self.found[texts] = min(cost, self.found.get(texts, cost))
            return True
        return self._deal(i, 0, 0, placed)

    def _open(self, i: int, c: int, frag: str, placed: list[list[tuple[int, str]]]) -> bool:
        w = self.widths[c]
        if width(frag) > w + (LOOSE_SLACK if self.loose[c] else WIDE_SLACK) or (c and not placed[c - 1]):
            return False
        if placed[c] and self.single[c]:
            return False
        if not placed[c] and self._started_by < i:  # every column starts by the first line of two or more cells
            return False
        return not placed[c] or self.loose[c] or full(placed[c][-1][1], frag, w)

    def _deal(self, i: int, j: int, c0: int, placed: list[list[tuple[int, str]]]) -> bool:
        if j == len(self.frags[i]):
            return self._line(i + 1, placed)
        frag = self.frags[i][j]
        for c in range(c0, len(self.widths)):
            if not self._open(i, c, frag, placed):
                continue
            placed[c].append((i, frag))
            ok = self._deal(i, j + 1, c + 1, placed)
            placed[c].pop()
            if not ok:
                return False
        return True
