"""Which placements of the alignment the text settles (experiment)."""

from __future__ import annotations

from collections.abc import Sequence

from extractor.forms.events import AnnexStart, BlockStart, PartStart, RiskHeading, Section, Warn
from extractor.text.dump.items import Item
from extractor.text.dump.match import score
from extractor.text.dump.scan import Slot


def segments(stream: list[object]) -> list[int]:
    """Segment number of every stream element: a new one at every part, block and risk heading."""
    out, seg = [], 0
    for el in stream:
        if isinstance(el, BlockStart | PartStart | AnnexStart | RiskHeading) or (
                isinstance(el, Slot) and el.head is not None):
            seg += 1
        out.append(seg)
    return out


def _at(item: Item, pos: dict[int, int]) -> int:
    return pos[id(item.origin or item)]


def _whole(item: Item) -> bool:
    """The value is a whole text block of the dump, or one piece of it (not several pieces of a shared one)."""
    return item.origin is None or item.pieces == 1


def trusted(slots: Sequence[Slot], items: Sequence[Item], done: dict[int, Item], pos: dict[int, int],
            seg: list[int]) -> dict[int, Item]:
    anchors = {i: it for i, it in done.items() if _unique(slots[i], it, slots, items)}
    crossed = _crossed(slots, anchors, pos)
    displaced = _displaced(slots, items, done, pos)
    shared = _shared(done)
    spill = _spilled(slots, items, pos, seg)
    out = {}
    for i, item in done.items():
        s = slots[i]
        at = _at(item, pos)
        if not _whole(item) or seg[at] != seg[pos[id(s)]] or id(item.origin) in shared:
            continue
        if item.floating and i not in anchors:
            continue
        if i not in anchors and at <= spill.get(seg[at], -1) and any(
                k not in done and seg[pos[id(t)]] < seg[at] and score(t, item) for k, t in enumerate(slots)):
            continue  # it may be a value of the last block's that the dump printed after this block's heading
        if i not in anchors and (i in displaced or any(a <= pos[id(s)] <= b or a <= at <= b for a, b in crossed)):
            continue
        out[i] = item
    return out


def _spilled(slots: Sequence[Slot], items: Sequence[Item], pos: dict[int, int], seg: list[int]) -> dict[int, int]:
    """Segment -> the last position of a value printed in it that only a label of an earlier block can take (the
    dump printed the last block's values after the next block's heading: what comes before it is not settled)."""
    out: dict[int, int] = {}
    for it in items:
        if it.kind not in ("answer", "checks", "date"):
            continue
        at = _at(it, pos)
        takers = [s for s in slots if pos[id(s)] < at and score(s, it) >= 2]
        if takers and all(seg[pos[id(s)]] < seg[at] for s in takers):
            out[seg[at]] = max(out.get(seg[at], -1), at)
    return out


def _shared(done: dict[int, Item]) -> set[int]:
    """ids of the text blocks whose paragraphs went to more than one label (where one value ends is a guess)."""
    seen: dict[int, int] = {}
    for item in done.values():
        if item.origin is not None:
            seen[id(item.origin)] = seen.get(id(item.origin), 0) + 1
    return {k for k, n in seen.items() if n > 1}


def _displaced(slots: Sequence[Slot], items: Sequence[Item], done: dict[int, Item], pos: dict[int, int]) -> set[int]:
    """Slots whose placement goes against the order the dump printed label and value in: a label given the
    value printed right after another label that takes it, skipping over a value it could take itself; and
    that other label, which then holds something else."""
    at = {id(it.origin or it): k for k, it in enumerate(items)}
    by_near = {s.near: i for i, s in enumerate(slots) if s.near >= 0}
    out: set[int] = set()
    for t, item in done.items():
        first = _at(item, pos)
        owner = by_near.get(first)
        if owner is None or owner == t or not score(slots[owner], item):
            continue
        between = [it for it in items if pos[id(slots[t])] < _at(it, pos) < first]
        if any(score(slots[t], it) for it in between):
            out.add(t)
            if done.get(owner) is not item:
                out.add(owner)
    return out


def _crossed(slots: Sequence[Slot], anchors: dict[int, Item], pos: dict[int, int]) -> list[tuple[int, int]]:
    """Stream ranges from a label to its anchor value where another label stands between them."""
    out = []
    for i, item in anchors.items():
        a, b = pos[id(slots[i])], _at(item, pos)
        if any(a < pos[id(s)] < b for s in slots):
            out.append((a, b))
    return out


def _unique(slot: Slot, item: Item, slots: Sequence[Slot], items: Sequence[Item]) -> bool:
    if slot.label.kind in ("text", "none"):
        return False
    if score(slot, item) < 2:
        return False
    if sum(1 for s in slots if score(s, item) >= 2) != 1:
        return False
    return sum(1 for it in items if score(slot, it) >= 2) == 1


def mixed_blocks(stream: list[object]) -> list[object]:
    """Blocks (システムN, 委託事項N, 提供先N …) in which a label is printed twice: the dump mixed two blocks'
    cells, so none of the block's values is read; a warning names the block.  Returns the stream with
    the warnings."""
    out: list[object] = []
    region: list[Slot] = []
    head: object = None
    for el in [*stream, None]:
        starts = isinstance(el, BlockStart) or (isinstance(el, Slot) and el.head is not None)
        if el is None or starts or isinstance(el, Section | PartStart | AnnexStart):
            if head is not None and _repeats(region):
                for s in region:
                    s.value = None
                if isinstance(head, Slot):
                    head.value = None
                out.insert(out.index(head) + 1, Warn(f"{_name(head)}: a label is printed twice in the block (the "
                                                     "dump mixes two blocks' cells); none of its values was read"))
            head, region = (el if starts else None), []
        elif isinstance(el, Slot) and head is not None:
            region.append(el)
        if el is not None:
            out.append(el)
    return out


def _repeats(slots: list[Slot]) -> bool:
    """A label printed twice, other than a row a page break split (its label printed again first on the next page)."""
    seen: dict[str, Slot] = {}
    for k, s in enumerate(slots):
        if not s.label.key:
            continue
        before = seen.get(s.label.key)
        page_head = k == 0 or slots[k - 1].line.page < s.line.page
        if before is not None and not (page_head and before.line.page == s.line.page - 1):
            return True
        seen[s.label.key] = s
    return False


def _name(head: object) -> str:
    event = head.head if isinstance(head, Slot) else head
    if isinstance(event, BlockStart):
        return f"{event.block.heading}{event.number} (page {event.where.page}, line {event.where.line})"
    return "a block"
