"""An enumerated list printed after a column of labels: where the values it holds begin is told by its item 1.

A spreadsheet print may dump a block's labels as a column (`①システムの名称` `②システムの機能`
`③他のシステムとの接続`) and then its values as one text block.  The alignment cannot tell where one
text value ends and the next begins, but an enumerated list (`1.…` `2.…`, items in order from 1,
`trust.enumerated`) is one value that starts at its item 1.  So, for a text block printed right
after a run of labels (nothing but those labels between the block and the run's first label), whose
labels that take text are empty and printed once in their block (a label printed again after a page
break may stand under a heading the dump printed out of place), and followed on its page by a label,
a heading, an answer or checkboxes (not by a text or a date, which may be its next line):

- when one label of the run takes text and the block is an enumerated list, the block is its value;
- when two labels take text and the block is one line with no item number, then an enumerated list,
  the line is the first label's value and the list the second's.

The other labels of the run (checkboxes, choices, dates) cannot take text; anything else is left
as it was.
"""

from __future__ import annotations

from extractor.forms.events import AnnexStart, BlockStart, PartStart, RiskHeading, Section
from extractor.text.dump.items import Item
from extractor.text.dump.match import list_number
from extractor.text.dump.scan import Slot
from extractor.text.dump.trust import Repeated, enumerated, segments
from extractor.text.dump.values import DumpValue

TEXTY = ("text", "none")
HEADINGS = (AnnexStart, BlockStart, PartStart, RiskHeading, Section)


def lists_after_labels(stream: list[object]) -> None:
    """Give the labels of a column the values an enumerated list after them settles (see the module docstring)."""
    twice = Repeated(stream, segments(stream))
    for k, el in enumerate(stream):
        if not (isinstance(el, Item) and el.kind == "text" and not el.option_like):
            continue
        run = _labels_before(stream, k)
        texty = [s for s in run if s.label.kind in TEXTY]
        if not texty or any(s.value is not None or id(s) in twice for s in texty) or _waiting(stream, run[0]):
            continue
        lines = el.lines
        if not _ends(stream, k, _last_number(lines)):
            continue
        if len(texty) == 1 and enumerated(lines):
            texty[0].value = DumpValue(lines=tuple(lines))
        elif len(texty) == 2 and len(lines) > 1 and list_number(lines[0]) is None and enumerated(lines[1:]):
            texty[0].value = DumpValue(lines=(lines[0],))
            texty[1].value = DumpValue(lines=tuple(lines[1:]))


def _labels_before(stream: list[object], k: int) -> list[Slot]:
    """The labels printed right before stream[k] (voided pieces skipped), in order; empty when a block heading's
    title label is among them after others (the run would span two blocks)."""
    run: list[Slot] = []
    n = k - 1
    while n >= 0:
        el = stream[n]
        if isinstance(el, Item) and el.kind == "void":
            n -= 1
            continue
        if not isinstance(el, Slot):
            break
        run.append(el)
        if el.head is not None:
            break  # a block's title label starts the block
        n -= 1
    run.reverse()
    page: int = stream[k].line.page  # type: ignore[attr-defined]
    return run if all(s.line.page == page for s in run) else []


def _waiting(stream: list[object], first: Slot) -> bool:
    """An empty text label printed before `first` on its page (the block after the run may be its value: a dump
    may print two blocks' labels, then the first one's values)."""
    for el in stream:
        if el is first:
            return False
        if isinstance(el, Slot) and el.line.page == first.line.page and el.label.kind == "text" and el.value is None:
            return True
    return False


def _last_number(lines: list[str]) -> int | None:
    numbers = [n for n in (list_number(x) for x in lines) if n is not None]
    return numbers[-1] if numbers else None


def _ends(stream: list[object], k: int, last: int | None) -> bool:
    """stream[k] is followed on its page by a label, a heading, an answer or checkboxes (not by a text or a date,
    which may be its next line, nor by a heading numbered as the list's next item)."""
    page: int = stream[k].line.page  # type: ignore[attr-defined]
    for el in stream[k + 1:]:
        if isinstance(el, Item):
            if el.kind == "void":
                continue
            return el.kind in ("answer", "checks") and el.line.page == page  # a date may be a line of the text
        if isinstance(el, Slot):
            return el.line.page == page
        if isinstance(el, Section) and last is not None and list_number(el.text) == last + 1:
            return False  # `5.情報提供` read as a section heading: the list's next item
        if isinstance(el, HEADINGS):
            return el.where is not None and el.where.page == page
        return False
    return False
