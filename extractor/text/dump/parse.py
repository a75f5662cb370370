"""A plain text dump of a form PDF -> events -> records, on the form spec.

`split_lines` numbers the lines and pages; `Scanner` recognises headings, labels and value
pieces; `match.align` gives each label of a page its value where the text settles it; the
events (in the dump's order, which is the form's order) go to the shared binder.  A label
whose value the text cannot settle is left empty with a warning naming it and its page.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from extractor.forms.bind import bind_events
from extractor.forms.events import Event, Labeled, PartStart, Warn, Where
from extractor.forms.patterns import patterns
from extractor.forms.spec import FormSpec
from extractor.model import DocumentResult
from extractor.normalise import label_key
from extractor.text.dump.annex import annex_events
from extractor.text.dump.blocks import label_less_sections, mixed_blocks
from extractor.text.dump.chunks import grid_pieces
from extractor.text.dump.column import marker_columns
from extractor.text.dump.grid import markers_below, split_counts
from extractor.text.dump.items import Item
from extractor.text.dump.lines import Line, split_lines
from extractor.text.dump.lists import lists_after_labels
from extractor.text.dump.match import align, scrambled, unordered, value_of
from extractor.text.dump.order import headings_first, late_block_heads
from extractor.text.dump.risks import file_numbers, place
from extractor.text.dump.scan import Scanner, Slot
from extractor.text.dump.trust import Page, Repeated, closed, segments, trusted
from extractor.text.dump.values import DumpValue
from extractor.text.dump.vocab import vocab_of

TARGETED = ("text", "date", "choice", "checkbox", "flags")


def parse_dump(text: str, spec: FormSpec, result: DocumentResult) -> None:
    """Records of `result` from a dump of a `spec` form."""
    vocab = vocab_of(spec)
    lines = headings_first(spec, split_lines(text))
    lines = markers_below(split_counts(lines, patterns().words.count_word), vocab.all_box_options)
    scan = Scanner(spec).run(lines)
    scan.stream = late_block_heads(scan.stream)
    assign_values(scan.stream)
    marker_columns(spec, scan.stream, lines)
    grid_pieces(spec, scan.stream, lines)
    lists_after_labels(scan.stream)
    stream = place(spec, mixed_blocks(scan.stream))
    annexes = [(stream.index(scan.stream[k]) if k < len(scan.stream) else len(stream), a) for k, a in scan.annexes]
    bind_events(spec, events(spec, stream, annexes), result, loose=True)
    result.document.n_pages = None


def assign_values(stream: list[object]) -> None:
    """Give each slot of each page the value the alignment settles."""
    label_less_sections(stream)
    sandwiched_options(stream)
    pos = {id(el): k for k, el in enumerate(stream)}
    pages: dict[int, tuple[list[Slot], list[Item]]] = {}
    for k, el in enumerate(stream):
        if isinstance(el, Slot):
            el.near = _next_item(stream, k)
            pages.setdefault(el.line.page, ([], []))[0].append(el)
        elif isinstance(el, Item) and el.kind != "void":
            pages.setdefault(el.line.page, ([], []))[1].append(el)
    seg = segments(stream)
    twice, ended = Repeated(stream, seg), closed(stream)
    for slots, items in pages.values():
        done = {} if scrambled(slots, items, pos) else align(slots, items, pos, seg)
        done = trusted(Page(slots, items, pos, seg, twice, ended), done)
        done.update(unordered(slots, items, done))
        for i, item in done.items():
            slots[i].value = value_of(slots[i], item)


def sandwiched_options(stream: list[object]) -> None:
    """An option's text printed between a text label and the next label, nothing else between them on the page
    (label, value, label), is that label's value, not an option printed without its bracket."""
    for k, el in enumerate(stream):
        if not (isinstance(el, Item) and el.kind == "text" and el.option_like and len(el.lines) == 1):
            continue
        before, after = _neighbour(stream, k, -1), _neighbour(stream, k, 1)
        if (isinstance(before, Slot) and before.label.kind == "text" and before.head is None
                and before.line.page == el.line.page and isinstance(after, Slot)
                and after.line.page == el.line.page
                and label_key(el.lines[0]) not in {label_key(o) for o in after.label.options}):
            el.option_like = False


def _neighbour(stream: list[object], k: int, step: int) -> object:
    """The element before (step -1) or after (step 1) stream[k], voided pieces skipped."""
    n = k + step
    while 0 <= n < len(stream) and isinstance(stream[n], Item) and stream[n].kind == "void":  # type: ignore[attr-defined]
        n += step
    return stream[n] if 0 <= n < len(stream) else None


def _next_item(stream: list[object], k: int) -> int:
    for n in range(k + 1, min(k + 6, len(stream))):
        el = stream[n]
        if isinstance(el, Item) and el.kind == "void":
            continue
        return n if isinstance(el, Item) else -1
    return -1


def events(spec: FormSpec, stream: list[object], annexes: list[tuple[int, list[Line]]]) -> Iterator[Event]:
    annex_at = dict(annexes)
    file_of = file_numbers(stream)
    for k, el in enumerate(stream):
        if k in annex_at:
            yield from annex_events(spec, annex_at[k])
        if isinstance(el, PartStart) and id(el) in file_of:
            yield replace(el, risk_file_no=file_of[id(el)])
        elif isinstance(el, Slot):
            yield from slot_events(el)
        elif not isinstance(el, Item):
            yield el  # type: ignore[misc]
    if len(stream) in annex_at:
        yield from annex_events(spec, annex_at[len(stream)])


def slot_events(slot: Slot) -> Iterator[Event]:
    lb, where = slot.label, Where(page=slot.line.page, line=slot.line.no)
    if slot.head is not None:
        title = slot.value.text() if isinstance(slot.value, DumpValue) else None
        yield replace(slot.head, title=title or None)
        return
    if lb.kind not in TARGETED:
        return
    if isinstance(slot.value, DumpValue):
        yield Labeled(lb.text, slot.value, None, where)
    elif lb.question:
        yield Labeled(lb.text, DumpValue(bracket=True), None, where)
        yield Warn(f"the answer to '{lb.text}' (page {where.page}, line {where.line}) could not be placed")
    else:
        yield Warn(f"the value of '{lb.text}' (page {where.page}, line {where.line}) could not be placed")
