"""Which placements of the alignment the text settles (experiment)."""

from __future__ import annotations

from collections.abc import Sequence

from extractor.forms.events import BlockStart, PartStart, AnnexStart
from extractor.text.dump.items import Item
from extractor.text.dump.match import score
from extractor.text.dump.scan import Slot


def segments(stream: list[object]) -> list[int]:
    """Segment number of every stream element: a new one at every part and block heading."""
    out, seg = [], 0
    for el in stream:
        if isinstance(el, BlockStart | PartStart | AnnexStart) or (isinstance(el, Slot) and el.head is not None):
            seg += 1
        out.append(seg)
    return out


def _at(item: Item, pos: dict[int, int]) -> int:
    return pos[id(item.origin or item)] if id(item.origin or item) in pos else pos.get(id(item), -1)


def trusted(slots: Sequence[Slot], items: Sequence[Item], done: dict[int, Item], pos: dict[int, int],
            seg: list[int]) -> dict[int, Item]:
    anchors = {i: it for i, it in done.items() if _unique(slots[i], it, slots, items)}
    crossed = _crossed(slots, anchors, pos)
    out = {}
    for i, item in done.items():
        s = slots[i]
        at = _at(item, pos)
        if at < 0 or seg[at] != seg[pos[id(s)]]:
            continue
        if i not in anchors and any(a <= pos[id(s)] <= b or a <= at <= b for a, b in crossed):
            continue
        out[i] = item
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
