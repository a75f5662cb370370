"""Blocks (システムN, 委託事項N, 提供先N …) whose cells a dump mixed with another block's.

A label printed twice in one block (other than a row a page break split, whose label is printed
again first on the next page) means the dump put two blocks' cells under one heading — a naive
dump of a page holding both.  Which value is whose is then lost: none of the block's values is
read, and a warning names the block.
"""

from __future__ import annotations

from extractor.forms.events import AnnexStart, BlockStart, PartStart, RiskHeading, Section, Warn
from extractor.text.dump.items import Item
from extractor.text.dump.scan import Slot


def mixed_blocks(stream: list[object]) -> list[object]:
    """The stream with the values of mixed blocks taken away, and a warning after each such block's heading."""
    out: list[object] = []
    region: list[Slot] = []
    head: object = None
    for el in [*stream, None]:
        starts = isinstance(el, BlockStart) or (isinstance(el, Slot) and el.head is not None)
        if el is None or starts or isinstance(el, Section | PartStart | AnnexStart):
            if head is not None and _repeats(region):
                _clear(head, region)
                at = next(k for k, x in enumerate(out) if x is head)
                out.insert(at + 1, Warn(f"{_name(head)}: a label is printed twice in the block (the dump mixes two "
                                        "blocks' cells); none of its values was read"))
            head, region = (el if starts else None), []
        elif isinstance(el, Slot) and head is not None:
            region.append(el)
        if el is not None:
            out.append(el)
    return out


def _clear(head: object, region: list[Slot]) -> None:
    for s in region:
        s.value = None
    if isinstance(head, Slot):
        head.value = None


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


def label_less_sections(stream: list[object]) -> None:
    """The text printed right under a section heading whose section prints no label (`３．特定個人情報ファイル名`
    and its list of files) is that section's own content, no value of a label printed before it: voided."""
    heads = [k for k, el in enumerate(stream) if isinstance(el, Section | PartStart | AnnexStart | BlockStart
                                                             | RiskHeading) or (isinstance(el, Slot) and el.head)]
    for a, b in zip(heads, [*heads[1:], len(stream)], strict=True):
        body = stream[a + 1 : b]
        if not isinstance(stream[a], Section) or any(isinstance(el, Slot) for el in body):
            continue
        first = next((el for el in body if not (isinstance(el, Item) and el.kind == "void")), None)
        if isinstance(first, Item) and first.kind == "text":
            first.kind = "void"
