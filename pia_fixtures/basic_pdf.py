"""基礎項目評価書 (様式2) printed the way the HTML-made PDFs print it, with synth's PyMuPDF primitives.

The outline (pia_fixtures.outline) says what the form holds; this module places it: a cover with the
stamp at its foot, one page per part (Ⅱ and Ⅲ share a page), shaded section headings carrying the Ⅳ
checkboxes at their right (`[ ○ ] 委託しない`), label | value rows, `[ 値 ]` choices with a boxed
＜選択肢＞ legend, and the nine-option 最も優先度が高いと考えられる対策 whose bracket repeats the
option number.
"""

from __future__ import annotations

from collections.abc import Iterable

import pymupdf

from pia_fixtures.outline import (
    Checks,
    Choice,
    Cover,
    Field,
    Full,
    Heading,
    Item,
    Numbering,
    Pair,
    Plain,
    Title,
    Wide,
    outline,
)
from pia_fixtures.synth import (
    HEAD_BG,
    OPTION_SETS,
    Block,
    Group,
    RenderStyle,
    Row,
    _Cells,
    _Pager,
    _Table,
    _WideTable,
    nfkc,
)


class _BasicPrinter:
    """Places outline items on pages; rows are collected and placed at every part title."""

    def __init__(self, style: RenderStyle) -> None:
        self.style = style
        self.p = _Pager(style)
        self.t = _Table(self.p)
        self.c = _Cells(self.p, "full")  # 様式2 legends number options "1）" like 様式4
        self.rows: list[Row] = []
        self.group: Group | None = None

    def print(self, items: Iterable[Item]) -> pymupdf.Document:
        for item in items:
            self.add(item)
        self.place()
        return self.p.finish()

    def place(self) -> None:
        if self.rows:
            self.t.place(self.rows)
        self.rows, self.group = [], None

    def add(self, item: Item) -> None:
        if isinstance(item, Cover):
            self.cover(item)
        elif isinstance(item, Pair):
            self.pair(item)
        elif isinstance(item, Title):
            self.title(item)
        elif isinstance(item, Heading):
            self.heading(item)
        elif isinstance(item, Field):
            self.rows.append(Row("field", item.label, self.c.text(item.value, self.t.value_width()),
                                 self.group_of(item.group)))
        elif isinstance(item, Choice):
            self.choice(item)
        elif isinstance(item, Checks):
            self.checks(item)
        elif isinstance(item, Full):
            self.rows.append(Row("full", blocks=self.c.text(item.value, self.t.full_width())))
        elif isinstance(item, Plain):
            self.rows.append(Row("full", blocks=self.c.text("\n".join(item.lines), self.t.full_width())))
        elif isinstance(item, Wide):
            self.place()
            self.p.new_page()
            _WideTable(self.p, item.heads, item.weights).place([list(r) for r in item.rows], landscape=False)

    def group_of(self, label: str | None) -> Group | None:
        if label is None:
            self.group = None
        elif self.group is None or self.group.label != label:
            self.group = Group(label, vertical=label == "再委託" and self.style.vertical_group_labels)
        return self.group

    def cover(self, item: Cover) -> None:
        p, m = self.p, self.p.m
        p.new_page()
        p.text((p.width - p.measure.width(item.title, 16)) / 2, 60, item.title, 16)
        if item.stamp:
            p.text(p.x1 - p.measure.width(item.stamp, m.fs), p.bottom - m.lh, item.stamp, m.fs)
        p.y = 120

    def pair(self, item: Pair) -> None:
        p, m = self.p, self.p.m
        split = self.t.lx
        for texts, shaded in ((item.heads, True), (item.values, False)):
            y0, y1 = p.y, p.y + m.lh + 2 * m.pad_y
            for (x0, x1), s in zip(((p.x0, split), (split, p.x1)), texts, strict=True):
                if shaded:
                    p.fill(x0, y0, x1, y1, HEAD_BG)
                p.cell(x0, y0, x1, y1)
                p.text((x0 + x1 - p.measure.width(s, m.fs)) / 2, y0 + m.pad_y, s, m.fs)
            p.y = y1
        self.rows.append(Row("gap", height=14))

    def title(self, item: Title) -> None:
        self.place()
        p = self.p
        if item.new_page:
            p.new_page()
        elif p.y + 80 > p.bottom:
            p.new_page()
        else:
            p.y += 10
        p.text(p.x0 - 0.4, p.y, item.text, p.m.fs * 1.15, bold=True)
        p.y += p.m.fs * 1.15 * 1.4 + 6

    def heading(self, item: Heading) -> None:
        right = "　　".join(f"{self.style.mark(on)} {label}" for label, on in item.flags)
        self.rows.append(Row("heading" if item.shade == "head" else "flabel", item.text, right=right))
        self.group = None

    def choice(self, item: Choice) -> None:
        answer = item.answer
        if item.numbered and answer is not None:
            code = [nfkc(o) for o in OPTION_SETS[item.opts]].index(nfkc(answer)) + 1
            answer = f"{code}{self.style.legend_paren('full')} {answer}"
        if not item.label:
            self.rows.append(Row("full", blocks=self.c.choice(answer, item.opts, self.t.full_width())))
            return
        blocks = self.c.choice(answer, item.opts, self.t.value_width(), item.extra)
        self.rows.append(Row("field", item.label, blocks, self.group_of(item.group)))

    def checks(self, item: Checks) -> None:
        blocks: list[Block] = []
        for head, rows in item.groups:
            if head:
                blocks += self.c.text(head, self.t.value_width())
            blocks += self.c.checkboxes(rows, item.checked, self.t.value_width(), dict(item.slots))
        self.rows.append(Row("field", item.label, blocks, self.group_of(item.group)))


def render_basic(data: dict, style: RenderStyle) -> pymupdf.Document:
    """The 様式2 document for `data` (a truth-shaped dict with form_type "basic")."""
    items = outline(data, Numbering(style.fullwidth_digits), style.name_list)
    return _BasicPrinter(style).print(items)
