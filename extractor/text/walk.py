"""Markdown/HTML conversions as events: rows rebuilt from text, read like a ruled form's rows.

Text conversions lose what a PDF grid gives for free, so this reader shapes the rows first
and then hands them to the same `RowReader` pieces and the same binder:
- label and value are found by the form's own labels, not by column position
  (`④使用の主体 | 使用部署 …`, `使用者数 [50人…] <選択肢>…` in one cell, legends split over cells);
- the 項目一覧 (table of contents) is skipped instead of opening parts;
- a numbered section heading or a `リスクN:` heading met outside any part (a heading the
  conversion dropped) re-opens the part it can only belong to, as the spec's sections say;
- a `（ N ）件` count printed inside a converted legend is still the count, and a checkbox
  group whose その他 box the conversion dropped keeps the text of its last line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from extractor.forms.cell_values import CellsValue, cell_text, label_text, parse_choice
from extractor.forms.events import ChoiceRead, Event, Labeled, PartStart, Where
from extractor.forms.patterns import patterns
from extractor.forms.rows import RowReader, part_heading
from extractor.forms.spec import FormSpec, Part
from extractor.layout import Cell, Row
from extractor.normalise import clean_line, fold, label_key, label_prefix_end, strip_item_number
from extractor.text.markup import CHAR_WIDTH, layout_lines, make_line

_SECTION_HEAD = re.compile(r"^\s*\d{1,2}\s*[.．]\s*\S")
_MARKER_START = re.compile(r"^\s*[\[［]")
_LABEL_END = re.compile(r"^[\s\[［<＜(（]")


@dataclass(frozen=True, slots=True)
class MarkupValue(CellsValue):
    """Cells of a converted table: counts may sit in the legend, その他 boxes may be lost."""

    options_other: str = ""

    def choice(self) -> ChoiceRead:
        read = parse_choice([without_count(c) for c in self.cells])
        return ChoiceRead(read.answer, read.legend, " ".join(c.text for c in self.cells))

    def orphan_other(self) -> str | None:
        return orphan_other_text(list(self.cells), self.options_other)


@dataclass
class MarkupReader:
    """Rows rebuilt from a conversion -> events (see the module docstring)."""

    spec: FormSpec
    rows_reader: RowReader = field(init=False)
    in_toc: bool = False
    risk_parts_seen: int = 0

    def __post_init__(self) -> None:
        self.rows_reader = RowReader(self.spec)

    def events(self, rows: list[Row]) -> Iterator[Event]:
        for row in merge_legend_lines(rows):
            yield from self.text_row(row)

    def text_row(self, row: Row) -> Iterator[Event]:
        filled = [c for c in row.cells if not c.is_empty()]
        if not filled:
            return
        text = label_text(filled[0]) if len(filled) == 1 else ""
        if self.skip_toc(text):
            return
        rr = self.rows_reader
        if text and self.is_heading(text):
            yield from self.counted(rr.free_line(text, row))
            return
        if rr.in_annex or rr.part is None:
            recovered = self.recover(text, row)
            if recovered is None:
                if rr.in_annex:
                    yield from rr.free_line(text, row) if row.free else rr.annex_row(row)
                else:
                    yield from rr.cover_row(row)
                return
            yield recovered
        yield from self.body_row(row)

    def counted(self, events: Iterator[Event]) -> Iterator[Event]:
        for e in events:
            if isinstance(e, PartStart) and e.part.risks and e.part.per_file:
                self.risk_parts_seen += 1
            yield e

    def skip_toc(self, text: str) -> bool:
        if label_key(text) == label_key(patterns().words.contents_title):
            self.in_toc = True
            return True
        if self.in_toc:
            folded = fold(text)
            if text and (part_heading(self.spec, folded) or patterns().annex_head.match(folded)):
                return True
            self.in_toc = False
        return False

    def is_heading(self, text: str) -> bool:
        folded, p = fold(text), patterns()
        if part_heading(self.spec, folded) is not None or p.stamp.search(folded):
            return True
        if p.annex_head.match(folded) and not _SECTION_HEAD.match(folded):
            return True
        return self.rows_reader.in_annex and any(label_key(a.title) in label_key(folded)
                                                 for _, a in self.spec.annex_lists)

    # ------------------------------------------------------------ lost headings

    def recover(self, text: str, row: Row) -> PartStart | None:
        """Re-open the part a heading can only belong to, when the part's own heading is missing."""
        part = self.part_of_heading(text)
        if part is None:
            return None
        rr = self.rows_reader
        rr.part, rr.in_annex, rr.group = part, False, None
        risk_file = None
        if part.risks and part.per_file:
            self.risk_parts_seen += 1
            risk_file = self.risk_parts_seen
        return PartStart(part, Where(page=row.page or None, line=row.line), recovered=text, risk_file_no=risk_file)

    def part_of_heading(self, text: str) -> Part | None:
        if not text:
            return None
        folded = fold(text)
        risk = next((b for b in self.spec.blocks if b.risk), None)
        if risk and re.match(rf"^\s*{re.escape(risk.heading)}\s*\d{{0,3}}\s*[:：]", folded):
            return next((p for p in self.spec.parts if p.risks and p.per_file), None)
        if _SECTION_HEAD.match(folded):
            title = label_key(re.sub(r"\s*[\[［].*$", "", strip_item_number(text)))
            key = self.spec.section_parts.get(title)
            return self.spec.part(key) if key else None
        return None

    # ------------------------------------------------------------ row shaping

    def body_row(self, row: Row) -> Iterator[Event]:
        cells = list(row.cells)
        while cells and cells[-1].is_empty():
            cells.pop()
        lead = 0
        while lead < len(cells) and cells[lead].is_empty():
            lead += 1
        filled = cells[lead:]
        if not filled:
            return
        if len(filled) == 1:
            yield from self.one_cell(filled[0], row, continued=lead > 0)
            return
        if _SECTION_HEAD.match(label_text(filled[0])) and all(
            _MARKER_START.match(label_text(c)) for c in filled[1:] if not c.is_empty()
        ):
            yield from self.rows_reader.single_cell(merged_cell(filled), row)
            return
        yield from self.labelled(filled, row, continued=lead > 0)

    def one_cell(self, cell: Cell, row: Row, continued: bool) -> Iterator[Event]:
        split = self.split_label(cell)
        if split is not None:
            yield from self.labelled(list(split), row, continued=continued)
        elif not continued:
            yield from self.rows_reader.single_cell(cell, row)

    def labelled(self, cells: list[Cell], row: Row, continued: bool) -> Iterator[Event]:
        cells = [c for c in cells if not c.is_empty()] or cells
        group: Cell | None = None
        if len(cells) >= 3 and not self.is_label(cells[0]) and self.is_label(cells[1]):
            group, cells = cells[0], cells[1:]
        elif len(cells) >= 2 and not self.is_label(cells[0]):
            split = self.split_label(cells[1]) if len(cells[1].lines) == 1 else None
            if split is not None and self.is_label(split[0]):
                group, cells = cells[0], [split[0], split[1], *cells[2:]]
        rr = self.rows_reader
        if group is not None:
            rr.group = label_text(group)
        elif not continued:
            rr.group = None
        label = label_text(cells[0])
        value = merged_cell(cells[1:]) if len(cells) > 1 else Cell(cells[0].page, cells[0].x1, cells[0].y0,
                                                                   cells[0].x1, cells[0].y1, [])
        where = Where(page=row.page or None, line=row.line)
        heading = rr.block_heading(label, cell_text(value), None, where)
        if heading is not None:
            yield from heading
            return
        yield Labeled(label, MarkupValue((value,), patterns().words.other_option), rr.group, where)

    def is_label(self, cell: Cell) -> bool:
        key = label_key(label_text(cell))
        return bool(key) and key in self.spec.label_keys

    def split_label(self, cell: Cell) -> tuple[Cell, Cell] | None:
        """`使用者数 [50人以上…] <選択肢>…` -> (label cell, value cell) when it starts with a known label."""
        if not cell.lines:
            return None
        text = cell.lines[0].text
        for key in self.spec.label_keys:
            at = _label_end(text, key)
            if at is not None:
                if at >= len(text.rstrip()) and len(cell.lines) == 1:
                    return None
                return split_cell(cell, at)
        return None


def merged_cell(cells: list[Cell]) -> Cell:
    """One cell holding the lines of several (a value spread over columns by the conversion)."""
    first = cells[0]
    lines = [ln for c in cells for ln in c.lines]
    return Cell(first.page, first.x0, first.y0, cells[-1].x1, max(c.y1 for c in cells), lines)


def split_cell(cell: Cell, at: int) -> tuple[Cell, Cell]:
    """Split a cell's first line at character `at` into a label cell and a value cell (with the other lines)."""
    line = cell.lines[0]
    head, tail = line.text[:at].strip(), line.text[at:].strip()
    label = Cell(cell.page, cell.x0, cell.y0, cell.x0 + len(head) * CHAR_WIDTH, cell.y1,
                 [make_line(head, cell.x0, line.y0)])
    x = cell.x0 + (at + 1) * CHAR_WIDTH
    value_lines = layout_lines([tail] + [ln.text for ln in cell.lines[1:]], x, line.y0)
    return label, Cell(cell.page, x, cell.y0, cell.x1, cell.y1, value_lines)


def without_count(cell: Cell) -> Cell:
    """The cell with its `（ N ）件` count slot removed (a converted legend may print it inside the legend)."""
    count = patterns().count
    lines = [make_line(clean_line(count.sub(" ", ln.text)), ln.x0, ln.y0) for ln in cell.lines]
    return Cell(cell.page, cell.x0, cell.y0, cell.x1, cell.y1, [ln for ln in lines if ln.text], list(cell.inner))


def merge_legend_lines(rows: list[Row]) -> list[Row]:
    """Free lines that continue a choice (`<選択肢>`, `1) …`) are joined to the free line they follow."""
    out: list[Row] = []
    for row in rows:
        prev = out[-1] if out else None
        if row.free and prev is not None and prev.free and _continues_choice(prev, row):
            prev.cells[0].lines.extend(row.cells[0].lines)
            continue
        out.append(row)
    return out


def _continues_choice(prev: Row, row: Row) -> bool:
    p = patterns()
    text = fold(row.cells[0].text)
    if not p.legend_start.match(text):
        return False
    return text.lstrip().startswith(("<", "＜", "〈")) or bool(p.legend_mark.search(fold(prev.cells[0].text)))


def orphan_other_text(cells: list[Cell], other: str) -> str | None:
    """A group whose `その他 （ … ）` box the conversion dropped: the unmarked last line after the boxes."""
    lines = [ln.text for c in cells for ln in c.lines]
    if not lines or not other or any(other in ln for ln in lines):
        return None
    last = lines[-1].strip()
    if len(lines) < 2 or "[" in last or "［" in last or not any("[" in ln for ln in lines[:-1]):
        return None
    return clean_line(last.strip("()（） ")) or None


def _label_end(text: str, key: str) -> int | None:
    """Where the label `key` ends at the start of `text` (compared as label keys); None if it does not."""
    end = label_prefix_end(text, key)
    if end is None:
        return None
    rest = text[end:]
    return end if not rest or _LABEL_END.match(rest) else None
