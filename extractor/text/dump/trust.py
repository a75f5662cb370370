"""Which placements the text settles (experiment)."""

from __future__ import annotations

from collections.abc import Sequence

from extractor.text.dump.items import Item
from extractor.text.dump.match import score
from extractor.text.dump.scan import Slot


def segments(stream: list[object]) -> list[int]:
    """Segment number of every stream element: a new one at every heading (part, section, block, risk)."""
    out, seg = [], 0
    for el in stream:
        if (not isinstance(el, Slot | Item)) or (isinstance(el, Slot) and el.head is not None):
            seg += 1
        out.append(seg)
    return out


def trusted(slots: Sequence[Slot], items: Sequence[Item], done: dict[int, Item], pos: dict[int, int],
            seg: list[int]) -> dict[int, Item]:
    out = {}
    for i, item in done.items():
        s = slots[i]
        at = pos[id(item.origin or item)] if id(item.origin or item) in pos else pos.get(id(item), -1)
        if at < 0:
            continue
        if seg[at] != seg[pos[id(s)]]:
            continue
        adjacent = at == s.near and (item.origin is None or item.origin.lines[: len(item.lines)] == item.lines)
        if adjacent or _unique(s, item, slots, items):
            out[i] = item
    return out


def _unique(slot: Slot, item: Item, slots: Sequence[Slot], items: Sequence[Item]) -> bool:
    if slot.label.kind in ("text", "none"):
        return False
    if score(slot, item) < 2:
        return False
    if sum(1 for s in slots if score(s, item) >= 2) != 1:
        return False
    return sum(1 for it in items if score(slot, it) >= 2) == 1
