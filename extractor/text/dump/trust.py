"""Which placements of the alignment the text settles; the others are left empty (the caller warns).

The alignment (`extractor.text.dump.match.align`) gives each label of a page its best value in
the dump's order.  A placement is kept only where nothing in the text argues against it:

- the value stands in the label's own block (no part, block or risk heading between them);
- it is one text block (or all its paragraphs, to one label), or one paragraph of one, not several
  paragraphs of a block whose other paragraphs went to other labels (where one value ends and the
  next begins would be a guess) —
  unless the block's one-line paragraphs went one each, all of them, to labels printed one after
  another, after a block that got values of its own (a column of labels, then of one-line values);
- an answer printed apart from its `[` on a page whose brackets came out of order is kept only as
  an *anchor*: the one value of its kind for the one label of its kind on the page;
- no anchor crosses it (a label whose anchor value stands after another label: the values around
  it are out of order) — unless anchors hold it on both sides, one value for one label between
  them with nothing left over that those labels could take;
- it does not displace the value printed right after another label that takes it, skipping a
  value of its own (the dump printed label, value, label, value);
- it is not a typed value standing past another one the label could take that no label took;
- it is not a value before one that only a label of the last block can take, while such a label
  is still empty (the dump printed the last block's values after this block's heading).
"""

from __future__ import annotations

from collections.abc import Container, Sequence
from dataclasses import dataclass
from itertools import pairwise

from extractor.forms.events import AnnexStart, BlockStart, PartStart, RiskHeading
from extractor.normalise import item_number
from extractor.text.dump.items import Item
from extractor.text.dump.match import list_number, score
from extractor.text.dump.scan import Slot

ANCHOR = 2.0  # the score of a typed value (an answer among the label's options, a date, a checkbox group)


def segments(stream: list[object]) -> list[int]:
    """Segment number of every stream element: a new one at every part, block and risk heading."""
    out, seg = [], 0
    for el in stream:
        if isinstance(el, BlockStart | PartStart | AnnexStart | RiskHeading) or (
                isinstance(el, Slot) and el.head is not None):
            seg += 1
        out.append(seg)
    return out


@dataclass
class Page:
    """One page's labels and values, their stream positions and segments."""

    slots: Sequence[Slot]
    items: Sequence[Item]
    pos: dict[int, int]
    seg: list[int]
    repeated: Container[int] = frozenset()  # ids of the slots whose label their block prints twice (`Repeated`)
    closed: frozenset[int] = frozenset()  # ids of the items a label follows on their page (`closed`)

    def at(self, item: Item) -> int:
        return self.pos[id(item.origin or item)]

    def slot_at(self, slot: Slot) -> int:
        return self.pos[id(slot)]

    def block_of(self, item: Item) -> int:
        return self.seg[self.at(item)]


def trusted(page: Page, done: dict[int, Item]) -> dict[int, Item]:
    """The placements of `done` (slot index -> value) the text settles (see the module docstring)."""
    anchors = {i for i, it in done.items() if _unique(page, page.slots[i], it)}
    pinned = _pinned(page, done, anchors)
    doubtful = ((_crossed(page, done, anchors) - pinned) | _displaced(page, done) | _spilled(page, done)
                | _skipped(page, done))
    shared = _shared(done) - _dealt(page, done)
    out = {}
    for i, item in done.items():
        if item.origin is not None and len(item.lines) == len(item.origin.lines) and _whole(page, i, item):
            item = item.origin  # every paragraph of a block printed between the label and the next: the block
        elif item.origin is not None and (item.pieces > 1 or id(item.origin) in shared):
            continue
        if page.block_of(item) != page.seg[page.slot_at(page.slots[i])]:
            continue
        if i not in anchors and (i in doubtful or item.floating):
            continue
        out[i] = item
    return out


class Repeated:
    """ids of the slots whose label is printed twice in their block (over pages): the block holds the labels of two
    blocks (a heading printed out of place).  Worked out when first asked."""

    def __init__(self, stream: list[object], seg: list[int]) -> None:
        self.stream, self.seg = stream, seg
        self.ids: frozenset[int] | None = None

    def __contains__(self, slot_id: object) -> bool:
        if self.ids is None:
            seen: dict[tuple[int, str], list[int]] = {}
            for k, el in enumerate(self.stream):
                if isinstance(el, Slot) and el.head is None and el.label.text:
                    seen.setdefault((self.seg[k], el.label.text), []).append(id(el))
            self.ids = frozenset(i for ids in seen.values() if len(ids) > 1 for i in ids)
        return slot_id in self.ids


def _whole(page: Page, i: int, item: Item) -> bool:
    """All the paragraphs of a block, a label's value as the block is: printed right after the label (nothing but
    voided pieces between them), a label its block prints once, the block followed by a label of its block on its
    page, and either an enumerated list (`enumerated`) or, starting on a line after the label's, no heading's
    title and no numbered line in it (a list not whole may go on elsewhere)."""
    slot = page.slots[i]
    if not (slot.near == page.at(item) and id(item.origin) in page.closed):
        return False
    shape = enumerated(item.lines) or (item.line.no > slot.line.no and slot.head is None
                                       and not any(list_number(x) is not None for x in item.lines))
    return shape and id(slot) not in page.repeated


def closed(stream: list[object]) -> frozenset[int]:
    """ids of the items followed by a label of their block on their page (not by another value piece, which may go on
    with them, nor by a page break, after which they may go on, nor by a block heading, before which the next block's
    values may be printed)."""
    out = []
    for k, el in enumerate(stream):
        if isinstance(el, Item) and el.kind != "void":
            nxt = next((x for x in stream[k + 1:k + 8] if not (isinstance(x, Item) and x.kind == "void")), None)
            if isinstance(nxt, Slot) and nxt.head is None and nxt.line.page == el.line.page:
                out.append(id(el))
    return frozenset(out)


def enumerated(lines: Sequence[str]) -> bool:
    """Lines that are an enumerated list and nothing else: items 1, 2, … in order, the first line item 1, and the last
    item, if there are others, as long as some other (no longer than the longest: its lines are its own, not the next
    value's; no shorter than the shortest: its own lines are not printed elsewhere)."""
    starts: list[int] = []
    for k, line in enumerate(lines):
        n = list_number(line)
        if n == len(starts) + 1:
            starts.append(k)
        elif n is not None:
            return False  # a number out of turn: not (only) this list
    if not starts or starts[0] != 0:
        return False
    bounds = [*starts, len(lines)]
    sizes = [b - a for a, b in pairwise(bounds)]
    return len(sizes) == 1 or min(sizes[:-1]) <= sizes[-1] <= max(sizes[:-1])


def _pinned(page: Page, done: dict[int, Item], anchors: set[int]) -> set[int]:
    """Placements held on both sides by anchors: between two anchors (next to each other in label order) every
    label got a value standing between the anchors' values, and every value standing there that one of them could
    take went to one of them — a column of labels and then a column of their values, one for one, with nothing
    left over to shift."""
    ordered = sorted(anchors, key=lambda i: page.slot_at(page.slots[i]))
    used = {id(it.origin or it) for it in done.values()}
    out: set[int] = set()
    for a, b in pairwise(ordered):
        lo, hi = page.slot_at(page.slots[a]), page.slot_at(page.slots[b])
        v1, v2 = page.at(done[a]), page.at(done[b])
        inner = [i for i, s in enumerate(page.slots) if lo < page.slot_at(s) < hi]
        if not inner or any(i not in done or not v1 < page.at(done[i]) < v2 for i in inner):
            continue
        left = [it for it in page.items if v1 < page.pos[id(it)] < v2 and id(it) not in used]
        if not any(score(page.slots[i], it) for it in left for i in inner):
            out.update(inner)
    return out


def _unique(page: Page, slot: Slot, item: Item) -> bool:
    """The one typed value of its kind for the one label of its kind on the page."""
    if slot.label.kind in ("text", "none") or score(slot, item) < ANCHOR:
        return False
    if sum(1 for s in page.slots if score(s, item) >= ANCHOR) != 1:
        return False
    return sum(1 for it in page.items if score(slot, it) >= ANCHOR) == 1


def _crossed(page: Page, done: dict[int, Item], anchors: set[int]) -> set[int]:
    """Placements inside a stream range from a label to its anchor value that holds another label."""
    ranges = []
    for i in anchors:
        a, b = page.slot_at(page.slots[i]), page.at(done[i])
        if any(a < page.slot_at(s) < b for s in page.slots):
            ranges.append((a, b))
    return {i for i, it in done.items()
            if any(a <= page.slot_at(page.slots[i]) <= b or a <= page.at(it) <= b for a, b in ranges)}


def _displaced(page: Page, done: dict[int, Item]) -> set[int]:
    """A label given the value printed right after another label that takes it, skipping over a value it could
    take itself; and that other label, when it holds something else."""
    by_near = {s.near: i for i, s in enumerate(page.slots) if s.near >= 0}
    out: set[int] = set()
    for t, item in done.items():
        first = page.at(item)
        owner = by_near.get(first)
        if owner is None or owner == t or not score(page.slots[owner], item):
            continue
        start = page.slot_at(page.slots[t])
        if any(start < page.at(it) < first and score(page.slots[t], it) for it in page.items):
            out.add(t)
            if done.get(owner) is not item:
                out.add(owner)
    return out


def _skipped(page: Page, done: dict[int, Item]) -> set[int]:
    """A label given a typed value past another one it could take that no label took: which is its is not
    settled (the other may be its answer, the one it got the next question's)."""
    used = {id(it.origin or it) for it in done.values()}
    out = set()
    for i, item in done.items():
        slot = page.slots[i]
        if score(slot, item) < ANCHOR:
            continue
        start, end = page.slot_at(slot), page.at(item)
        if any(start < page.at(it) < end and id(it) not in used and score(slot, it) >= ANCHOR for it in page.items):
            out.add(i)
    return out


def _spilled(page: Page, done: dict[int, Item]) -> set[int]:
    """Placements of values printed in a block before a value only a label of an earlier block can take, where
    such a label is still empty and could take them too.  A typed value whose takers of earlier blocks all hold
    typed values of their own is none of theirs (a label has one value): it says nothing of a spill."""
    last: dict[int, int] = {}
    index = {id(s): k for k, s in enumerate(page.slots)}
    for it in page.items:
        if it.kind in ("answer", "checks", "date"):
            at = page.at(it)
            takers = [s for s in page.slots if page.slot_at(s) < at and score(s, it) >= ANCHOR]
            if all(_holds_other(page, done, index[id(s)], it) for s in takers):
                continue
            if takers and all(page.seg[page.slot_at(s)] < page.seg[at] for s in takers):
                last[page.seg[at]] = max(last.get(page.seg[at], -1), at)
    empty = [s for k, s in enumerate(page.slots) if k not in done]
    return {i for i, it in done.items() if page.at(it) <= last.get(page.block_of(it), -1) and any(
        page.seg[page.slot_at(s)] < page.block_of(it) and score(s, it) for s in empty)}


def _holds_other(page: Page, done: dict[int, Item], i: int, item: Item) -> bool:
    """Slot i holds a typed value other than `item`."""
    own = done.get(i)
    return own is not None and own is not item and score(page.slots[i], own) >= ANCHOR


def _dealt(page: Page, done: dict[int, Item]) -> set[int]:
    """ids of the text blocks cut into single-line paragraphs that went one each, all of them, to labels printed
    one after another (a column of labels, then a column of one-line values): where each value ends is the line's."""
    by_origin: dict[int, list[int]] = {}
    for i, item in done.items():
        if item.origin is not None:
            by_origin.setdefault(id(item.origin), []).append(i)
    out = set()
    order = sorted(page.slots, key=page.slot_at)
    for key, idx in by_origin.items():
        items = [done[i] for i in idx]
        origin = items[0].origin
        assert origin is not None
        if len(items) != len(origin.lines) or any(it.pieces != 1 or len(it.lines) != 1 for it in items):
            continue
        if any(item_number(x) is not None for x in origin.lines):
            continue  # `1.アクセス管理`: an enumerated list, one value however its lines are cut
        ranks = sorted(order.index(page.slots[i]) for i in idx)
        if ranks == list(range(ranks[0], ranks[0] + len(ranks))) and not _after_empty_block(page, done, idx[0]):
            out.add(key)
    return out


def _after_empty_block(page: Page, done: dict[int, Item], i: int) -> bool:
    """Slot i's block follows, on the page, a block none of whose labels got a value: the dump may have printed
    both blocks' labels and then the first block's values (which block a value is is then not settled)."""
    seg = page.seg[page.slot_at(page.slots[i])]
    before = [k for k, s in enumerate(page.slots) if page.seg[page.slot_at(s)] == seg - 1 and s.label.kind != "none"]
    return bool(before) and not any(k in done for k in before)


def _shared(done: dict[int, Item]) -> set[int]:
    """ids of the text blocks whose paragraphs went to more than one label."""
    seen: dict[int, int] = {}
    for item in done.values():
        if item.origin is not None:
            seen[id(item.origin)] = seen.get(id(item.origin), 0) + 1
    return {k for k, n in seen.items() if n > 1}
