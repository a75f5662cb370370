"""Which value belongs to which label: an order-keeping alignment of a page's labels and values.

A dump keeps each page's labels in form order and each page's values in form order, but not
always together: most tools print each value right after its label, others print a column of
labels and then a column of values.  Both keep the order, so the labels of a page (`Slot`s)
and its values (`Item`s) are aligned monotonically, each value after its label, scoring what
the label's kind accepts (an answer among the label's options, a checkbox group with the
label's options, a date, text) and preferring a value printed right after its label.  A label
gets a value only when every best alignment gives it the same one; otherwise it stays empty
(the caller warns).  Labels printed without an output column take part, so that their values
are not given to a neighbour.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import lru_cache
from itertools import pairwise

from extractor.forms.choices import match_options, resolve_answer
from extractor.forms.events import CheckRead
from extractor.normalise import fold, item_number
from extractor.text.dump.items import Item
from extractor.text.dump.scan import Slot
from extractor.text.dump.values import DumpValue

NEAR = 0.25  # bonus for a value printed right after its label
EPS = 1e-9


def score(slot: Slot, item: Item) -> float:
    """How well `item` fits as the value of `slot` (0: it cannot be its value)."""
    kind, lb = item.kind, slot.label
    if lb.kind in ("text", "none"):
        if kind == "text" and lb.kind == "text" and item.option_like:
            return 0.0  # a ＜選択肢＞ option printed without its brackets is no text value
        return 1.0 if kind == "text" else (0.5 if kind == "date" else 0.0)
    if lb.kind == "date":
        return 2.0 if kind == "date" else 0.0
    if lb.kind == "choice":
        return _choice_score(item, lb.options)
    if lb.kind in ("checkbox", "flags") and kind == "checks":
        return 3.0 if _fits_checks(item, lb.options) and settled_checks(item) else 0.0
    return 0.0


def settled_checks(item: Item) -> bool:
    """A group whose markers say which option each belongs to.  Options printed without a marker beside
    markers printed on lines of their own (a spreadsheet print's two columns of options, one column's
    markers printed elsewhere, perhaps under another block's heading): whose those markers are is lost."""
    unmarked = any(c.checked is None for c in item.checks)
    apart = any(c.checked is not None and not inline for c, inline in zip(item.checks, item.inline, strict=True))
    return not (unmarked and apart)


def _choice_score(item: Item, options: tuple[str, ...]) -> float:
    if item.kind == "answer":
        if not item.answer:
            return 1.0
        return 3.0 if _names_option(item.answer, options) else 0.0
    if item.kind == "text" and len(item.lines) == 1:
        return 2.0 if _names_option(item.lines[0], options) else 0.0
    return 0.0


@lru_cache(maxsize=8192)
def _names_option(answer: str, options: tuple[str, ...]) -> bool:
    return resolve_answer(answer, (), options).code is not None


def _fits_checks(item: Item, options: tuple[str, ...]) -> bool:
    return _labels_fit(tuple(c.label for c in item.checks), options)


@lru_cache(maxsize=4096)
def _labels_fit(labels: tuple[str, ...], options: tuple[str, ...]) -> bool:
    """Every item of the group is one of the label's options (`その他` alone is in every set: it tells nothing)."""
    return len(match_options([CheckRead(label, None) for label in labels], options)) == len(labels)


def paragraphs(items: Sequence[Item]) -> tuple[list[Item], list[int]]:
    """Text items cut where a line ends well short of the block's longest line (a cell ended there);
    with, for each piece, how many pieces of the same block follow it (a label may take several)."""
    out: list[Item] = []
    runs: list[int] = []
    for it in items:
        cuts = _cuts(it.lines) if it.kind == "text" else []
        if not cuts:
            out.append(it)
            runs.append(1)
            continue
        bounds = [0, *cuts, len(it.lines)]
        pieces = [Item("text", it.line, it.lines[a:b], option_like=False) for a, b in pairwise(bounds)]
        for k, piece in enumerate(pieces):
            piece.origin = it
            out.append(piece)
            runs.append(len(pieces) - k)
    return out, runs


def _cuts(lines: list[str]) -> list[int]:
    """Where a line ends well short of the block's longest line (a cell ended there) — but not before the next
    item of an enumerated list (`1住民票の記載 …` … `2住民票の修正 …`): its items are one value."""
    if len(lines) < 2:
        return []
    width = max(len(x) for x in lines)
    numbers = [list_number(x) for x in lines]
    return [k + 1 for k in range(len(lines) - 1) if len(lines[k]) < 0.7 * width and not _continues(numbers, k + 1)]


_LIST_NO = re.compile(r"^\s*(\d{1,2})(?:\s*[.．、:：]|\s+|(?=[^\d,，.．万年月日人件条項号か]))")


def list_number(line: str) -> int | None:
    """The item number a line starts with (`1.`, `(2)`, `③`, `4 証明書…`, `5住民票の…`)."""
    found = item_number(line)
    if found is not None:
        return found
    m = _LIST_NO.match(fold(line))
    return int(m.group(1)) if m else None


def _continues(numbers: list[int | None], k: int) -> bool:
    """Line k is item n (n >= 2) of a list whose item n-1 started an earlier line of the block."""
    n = numbers[k]
    return n is not None and n >= 2 and (n - 1) in numbers[:k] and 1 in numbers[:k]


def weights(slots: Sequence[Slot], items: Sequence[Item], pos: dict[int, int], seg: Sequence[int]
            ) -> list[list[float]]:
    """w[i][j]: the score of item j as slot i's value; 0 unless the item comes after the slot, in its block."""
    order = [pos[id(s)] for s in slots]
    at = [pos[id(it.origin or it)] for it in items]
    first = [it.origin is None or it.origin.lines[: len(it.lines)] == it.lines for it in items]
    out = []
    for i, s in enumerate(slots):
        row = []
        for j, it in enumerate(items):
            w = score(s, it) if at[j] > order[i] and seg[at[j]] == seg[order[i]] else 0.0
            row.append(w + NEAR if w and at[j] == s.near and first[j] else w)
        out.append(row)
    return out


RUN = 0.01  # a label taking one more piece of the same block


def align(slots: Sequence[Slot], items: Sequence[Item], pos: dict[int, int], seg: Sequence[int]) -> dict[int, Item]:
    """Slot index -> its item, where every best alignment agrees (see the module docstring)."""
    pieces, runs = paragraphs(items)
    n, m = len(slots), len(pieces)
    if not n or not m:
        return {}
    w = weights(slots, pieces, pos, seg)
    texty = [s.label.kind in ("text", "none") for s in slots]

    def span(i: int, j: int) -> range:
        return range(1, min(runs[j], 12) + 1) if texty[i] and pieces[j].kind == "text" else range(1, 2)

    fwd, bwd = _forward(n, m, w, span), _backward(n, m, w, span)
    best = fwd[n][m]
    out: dict[int, Item] = {}
    for i in range(n):
        fits = {(j, r) for j in range(m) if w[i][j] for r in span(i, j)
                if abs(fwd[i][j] + w[i][j] + RUN * (r - 1) + bwd[i + 1][j + r] - best) < EPS}
        if len(fits) != 1 and len({_identity(pieces[j]) for j, r in fits if r == 1}) != 1:
            continue
        if len({(_identity(pieces[j]) if r == 1 else (j, r)) for j, r in fits}) != 1:
            continue
        if any(abs(fwd[i][j] + bwd[i + 1][j] - best) < EPS for j in range(m + 1)):
            continue  # some best alignment leaves the slot empty
        j, r = min(fits)
        out[i] = pieces[j] if r == 1 else _merged(pieces[j : j + r])
    return out


def _merged(pieces: Sequence[Item]) -> Item:
    return Item("text", pieces[0].line, [x for p in pieces for x in p.lines], origin=pieces[0].origin,
                pieces=len(pieces))


Span = Callable[[int, int], range]


def _forward(n: int, m: int, w: list[list[float]], span: Span) -> list[list[float]]:
    """f[i][j]: the best score aligning the first i slots with the first j pieces."""
    f = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(1, n + 1):
        prev, row, wi = f[i - 1], f[i], w[i - 1]
        for j in range(1, m + 1):
            row[j] = max(prev[j], row[j - 1], row[j])
            x = wi[j - 1]
            if x:
                for r in span(i - 1, j - 1):
                    if j - 1 + r <= m:
                        v = prev[j - 1] + x + RUN * (r - 1)
                        if v > row[j - 1 + r]:
                            row[j - 1 + r] = v
    return f


def _backward(n: int, m: int, w: list[list[float]], span: Span) -> list[list[float]]:
    """g[i][j]: the best score aligning the slots from i with the pieces from j."""
    g = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        nxt, row, wi = g[i + 1], g[i], w[i]
        for j in range(m - 1, -1, -1):
            best = max(nxt[j], row[j + 1])
            x = wi[j]
            if x:
                for r in span(i, j):
                    if j + r <= m:
                        best = max(best, x + RUN * (r - 1) + nxt[j + r])
            row[j] = best
    return g


def _identity(item: Item) -> object:
    if item.kind == "answer":
        return ("answer", item.answer)
    return id(item)


def value_of(slot: Slot, item: Item) -> DumpValue:
    if slot.label.kind == "choice":
        if item.kind == "text":
            return DumpValue(answer=item.lines[0], bracket=True)
        return DumpValue(answer=item.answer, bracket=True, count_text=item.count_text)
    if slot.label.kind in ("checkbox", "flags"):
        return DumpValue(boxes=_complete(item.checks, slot.label.options))
    return DumpValue(lines=tuple(item.lines))


def _complete(checks: list[CheckRead], options: tuple[str, ...]) -> tuple[CheckRead, ...]:
    """The group's items, plus an unread item for each option the dump did not show (so a list is not guessed)."""
    seen = {h.option for h in match_options(checks, options)}
    return (*checks, *(CheckRead(o, None) for o in options if o not in seen))


def unordered(slots: Sequence[Slot], items: Sequence[Item], done: dict[int, Item]) -> dict[int, Item]:
    """Typed labels the ordered alignment left empty, on a page whose order is scrambled.

    Labels with the same option set (or dates) share the page's unused answers (dates) that
    fit them; when as many answers as labels are left and all read the same, each label gets it.
    An answer that would also fit another set of labels settles nothing.
    """
    used = {id(it) for it in done.values()}
    free = [it for it in items if id(it) not in used and it.kind in ("answer", "date") and (it.answer or it.lines)]
    groups: dict[tuple[str, tuple[str, ...]], list[int]] = {}
    for i, s in enumerate(slots):
        if i not in done and s.label.kind in ("choice", "date"):
            groups.setdefault((s.label.kind, s.label.options), []).append(i)
    fits = {key: [it for it in free if score(slots[idx[0]], it) >= 2] for key, idx in groups.items()}
    out: dict[int, Item] = {}
    for key, idx in groups.items():
        mine = fits[key]
        shared = any(it in other for k2, other in fits.items() if k2 != key for it in mine)
        values = {_identity(it) if it.kind == "answer" else tuple(it.lines) for it in mine}
        if mine and len(mine) == len(idx) and len(values) == 1 and not shared:
            out.update({i: it for i, it in zip(idx, mine, strict=True)})
    return out


def scrambled(slots: Sequence[Slot], items: Sequence[Item], pos: dict[int, int]) -> bool:
    """A page whose order cannot be trusted: answers that fit one label only printed before it."""
    unique = before = 0
    for it in items:
        if it.kind != "answer" or not it.answer:
            continue
        fits = [s for s in slots if s.label.kind == "choice" and score(s, it) >= 3]
        if len(fits) == 1:
            unique += 1
            before += pos[id(fits[0])] > pos[id(it)]
    return before >= 2 and 3 * before >= unique
