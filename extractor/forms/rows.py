"""Stage 4b — the rows of a ruled form (a PDF's grid, or rows rebuilt from a conversion) as events.

What this reader knows is geometry: a row's last cell (or its last two, when a ＜選択肢＞
legend cell closes the row) is the value and the cell before it the label; a first cell
spanning several rows is a group label; a lone cell is a heading or a note; free lines
(outside the ruled table) carry part and annex headings and the form stamp.  What the
labels mean is the binder's business (`extractor.forms.bind`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from extractor.forms.cell_values import CellsValue, cell_text, label_text
from extractor.forms.events import (
    AnnexRow,
    AnnexStart,
    AnnexTitle,
    BlockStart,
    Event,
    Labeled,
    Note,
    PartStart,
    RiskHeading,
    Section,
    Stamp,
    Where,
)
from extractor.forms.patterns import part_key, patterns
from extractor.forms.spec import FormSpec, Part
from extractor.layout import Cell, Row
from extractor.normalise import clean_line, fold, item_number, label_key, strip_item_number

_BLOCK_NO = re.compile(r"^\s*(\d{1,3})?\s*[:：]?\s*(.*)$", re.S)
_RISK_NO = re.compile(r"^\s*\d{0,3}\s*[:：]")
_SECTION_TAIL = re.compile(r"\s*(?:[\[［].*|[☐□☑■].*)$")
_CIRCLED_START = re.compile(r"^\s*[①-⑳]")


def stamp_version(folded: str) -> str | None:
    """`[平成30年５月　様式４]` -> `平成30年5月 様式4`."""
    m = patterns().stamp.search(folded)
    if not m:
        return None
    word = patterns().words.stamp_word
    return re.sub(r"\s+", "", m.group(1)).replace(f"月{word}", f"月 {word}")


def part_heading(spec: FormSpec, text: str) -> Part | None:
    """The part whose heading `text` is (`Ⅲ 特定個人情報ファイルの取扱い…`), compared on the title's start."""
    m = patterns().part_head.match(text)
    if not m:
        return None
    key, rest = part_key(m.group(1)), label_key(m.group(2))
    return next((p for p in spec.parts if p.key == key and rest.startswith(label_key(p.title)[:6])), None)


def annex_kind(spec: FormSpec, folded: str, exact: bool) -> str | None:
    """`提供先一覧` -> provision: the annex list a title line opens."""
    key = label_key(folded)
    for kind, lst in spec.annex_lists:
        title = label_key(lst.title)
        if (key == title) if exact else (title in key):
            return kind
    return None


@dataclass
class RowReader:
    """Rows -> events; the little it remembers is geometric (see the module docstring)."""

    spec: FormSpec
    part: Part | None = None
    in_annex: bool = False
    annex_kind: str | None = None
    annex_columns: list[str | None] = field(default_factory=list)
    header_page: int = -1  # the page of the last annex header row (a continued row follows it)
    group: str | None = None
    group_bottom: tuple[int, float] | None = None
    cover_pending: list[tuple[Cell, str]] = field(default_factory=list)

    def events(self, rows: list[Row]) -> Iterator[Event]:
        for row in rows:
            if row.free:
                yield from self.free_line(label_text(row.cells[0]), row)
            elif self.is_heading_cell(row):
                yield from self.free_line(label_text(next(c for c in row.cells if not c.is_empty())), row)
            elif self.in_annex:
                yield from self.annex_row(row)
            elif self.part is None:
                yield from self.cover_row(row)
            else:
                yield from self.body_row(row)

    # ------------------------------------------------------------ free lines and headings

    def free_line(self, text: str, row: Row) -> Iterator[Event]:
        folded, where = fold(text), Where(page=row.page, line=row.line)
        version = stamp_version(folded)
        if version:
            yield Stamp(version)
            return
        part = part_heading(self.spec, folded)
        if part is not None:
            self.part, self.in_annex, self.group = part, False, None
            yield PartStart(part, where)
            return
        annex = patterns().annex_head.match(folded)
        if annex:
            self.in_annex, self.annex_kind, self.annex_columns = True, None, []
            yield AnnexStart(folded, annex.group(2), where)
            return
        kind = annex_kind(self.spec, folded, exact=False) if self.in_annex else None
        if kind:
            self.annex_kind, self.annex_columns = kind, []
            yield AnnexTitle(kind)

    def is_heading_cell(self, row: Row) -> bool:
        """Part/annex headings printed inside a ruled cell (spreadsheet-style layouts)."""
        filled = [c for c in row.cells if not c.is_empty()]
        if len(filled) != 1 or len(filled[0].lines) > 2:
            return False
        folded = fold(label_text(filled[0]))
        p = patterns()
        if part_heading(self.spec, folded) or p.annex_head.match(folded) or p.stamp.search(folded):
            return True
        return self.in_annex and annex_kind(self.spec, folded, exact=True) is not None

    # ------------------------------------------------------------ cover

    def cover_row(self, row: Row) -> Iterator[Event]:
        cells = [c for c in row.cells if not c.is_empty()]
        where = Where(page=row.page, line=row.line)
        if self.cover_pending:  # labels printed in a row above their values
            for label_cell, label in self.cover_pending:
                below = [c for c in row.cells if c.x0 < label_cell.x1 - 2 and c.x1 > label_cell.x0 + 2]
                if below:
                    yield Labeled(label, CellsValue((below[0],)), None, where)
            self.cover_pending = []
            return
        labels = [(c, label_text(c)) for c in cells]
        is_label = [self.is_cover_label(t) for _, t in labels]
        if len(cells) == 2 and is_label[0] and not is_label[1]:
            yield Labeled(labels[0][1], CellsValue((cells[1],)), None, where)
        elif labels and all(is_label):
            self.cover_pending = labels

    def is_cover_label(self, text: str) -> bool:
        key = label_key(text)
        return any(key in f.keys for f in self.spec.cover)

    # ------------------------------------------------------------ body

    def body_row(self, row: Row) -> Iterator[Event]:
        if all(c.is_empty() for c in row.cells):
            return
        if len(row.cells) == 1:
            yield from self.single_cell(row.cells[0], row)
            return
        self.update_group(row)
        n_value = 2 if len(row.cells) >= 3 and _is_legend_cell(row.cells[-1]) else 1
        label_cell, value_cells = row.cells[-1 - n_value], row.cells[-n_value:]
        label = label_text(label_cell)
        if not label and len(row.cells) >= 2 + n_value:
            label = label_text(row.cells[0])
        where = Where(page=row.page, line=row.line)
        heading = self.block_heading(label, cell_text(value_cells[0]), None, where)
        if heading is not None:
            yield from heading
            return
        yield Labeled(label, CellsValue(tuple(value_cells)), self.group, where)

    def update_group(self, row: Row) -> None:
        if len(row.cells) >= 3 and not row.cells[0].is_empty():
            first = row.cells[0]
            self.group, self.group_bottom = label_text(first), (first.page, first.y1)
        elif self.group_bottom:
            page, bottom = self.group_bottom
            if (row.page != page or row.y0 >= bottom - 1) and len(row.cells) < 3:
                self.group, self.group_bottom = None, None

    def single_cell(self, cell: Cell, row: Row) -> Iterator[Event]:
        where = Where(page=row.page, line=row.line)
        text = cell_text(cell)
        first = label_text(cell) if len(cell.lines) <= 1 else clean_line(cell.lines[0].text)
        heading = self.block_heading(first, "", cell, where)
        if heading is not None:
            yield from heading
            return
        no = item_number(first)
        if no is not None and not _CIRCLED_START.match(first):
            self.group = None
            title = _SECTION_TAIL.sub("", strip_item_number(first)).strip()
            yield Section(no, title, text, where)
        else:
            yield Note(text, where)

    def block_heading(self, label: str, value: str, cell: Cell | None, where: Where) -> list[Event] | None:
        """システム1 / 委託事項2 | title / リスク１： title -> the block's event; None if `label` is no heading."""
        if self.part is None:
            return None
        key, folded = label_key(label), fold(label)
        for blk in self.spec.blocks:
            if blk.part != self.part.key or not key.startswith(label_key(blk.heading)):
                continue
            at = folded.find(blk.heading[-1])
            rest = folded[at + 1 :] if at >= 0 else ""
            if "～" in rest or "~" in rest:  # a group header like 委託事項2～5
                return []
            m = _BLOCK_NO.match(rest)
            number = int(m.group(1)) if m and m.group(1) else None
            if blk.risk:
                if not _RISK_NO.match(rest):
                    continue
                self.group = None
                return [RiskHeading(number, risk_titles(cell, label, blk.heading), where)]
            if number is not None:
                return [BlockStart(blk, number, value or None, where)]
        return None

    # ------------------------------------------------------------ annex lists

    def annex_row(self, row: Row) -> Iterator[Event]:
        if self.annex_kind is None:
            return
        texts = [label_key(label_text(c)) for c in row.cells]
        if self.is_annex_header(texts):
            self.annex_columns = [self.annex_column(t) for t in texts]
            self.header_page = row.page
            return
        if not self.annex_columns or len(row.cells) < 3:
            return
        values = {col: cell_text(c) for col, c in zip(self.annex_columns, row.cells, strict=False) if col}
        continues = not values.get("recipient") and self.header_page == row.page
        if not continues:
            self.header_page = -1
        yield AnnexRow(values, continues, Where(page=row.page, line=row.line))

    def name_header(self) -> str:
        return next(lst.name_header for kind, lst in self.spec.annex_lists if kind == self.annex_kind)

    def is_annex_header(self, texts: list[str]) -> bool:
        legal = next((k for k, v in self.spec.annex.columns.items() if v == "legal_basis"), None)
        return any(t == label_key(self.name_header()) for t in texts) and bool(legal) and any(
            label_key(legal or "") in t for t in texts)

    def annex_column(self, header: str) -> str | None:
        if header == label_key(self.name_header()):
            return "recipient"
        return next((col for fragment, col in self.spec.annex.columns.items() if label_key(fragment) in header), None)


def risk_titles(cell: Cell | None, label: str, heading: str) -> str | None:
    """The risk title(s) after `リスクN：`; a block with several stacked titles gives one per line."""
    lines = [clean_line(ln.text) for ln in cell.lines] if cell else [label]
    prefix = re.compile(rf"^{re.escape(heading)}\s*\d*\s*[:：]\s*")
    titles = [prefix.sub("", ln).strip() for ln in lines]
    joined: list[str] = []
    for t in titles:  # a wrapped title continues; a new title ends with the heading word (…リスク)
        if joined and not joined[-1].endswith(heading):
            joined[-1] += t
        else:
            joined.append(t)
    return "\n".join(t for t in joined if t) or None


def _is_legend_cell(cell: Cell) -> bool:
    text = fold(cell.text)
    return bool(patterns().legend_mark.search(text)) and "[" not in text
