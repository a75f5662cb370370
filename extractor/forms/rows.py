"""Stage 4b — the rows of a ruled form (a PDF's grid, or rows rebuilt from a conversion) as events.

What this reader knows is geometry: a row's last cell (or its last two, when a ＜選択肢＞
legend cell closes the row) is the value and the cell before it the label; a first cell
spanning several rows is a group label; a lone cell is a heading or a note; free lines
(outside the ruled table) carry part and annex headings and the form stamp.  What the
labels mean is the binder's business (`extractor.forms.bind`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from extractor.forms.cell_values import CellsValue, cell_items, cell_text, label_text
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
from extractor.layout import Cell, Line, Row
from extractor.layout.cells import line_of_words, shift_cell
from extractor.normalise import clean_line, fold, item_number, label_key, mismatches, strip_item_number

_BLOCK_NO = re.compile(r"^\s*(\d{1,3})?\s*[:：]?\s*(.*)$", re.S)
_RISK_NO = re.compile(r"^\s*\d{0,3}\s*[:：]")
_UNSTOPPED = re.compile(r"^\s*(\d{1,2})\s+(\S.*)$")  # `1 title`: see `RowReader.unstopped_section`
_SECTION_TAIL = re.compile(r"\s*(?:[\[［].*|[☐□☑■].*)$")
_CIRCLED_START = re.compile(r"^\s*[①-⑳]")
ROW_TOL = 2.0  # pt: a row starting this far above a label cell's bottom is still beside it


def stamp_version(folded: str) -> str | None:
    """`[平成30年５月　様式４]` -> `平成30年5月 様式4`."""
    m = patterns().stamp.search(folded)
    if not m:
        return None
    word = patterns().words.stamp_word
    return re.sub(r"\s+", "", m.group(1)).replace(f"月{word}", f"月 {word}")


FIRST_HEISEI_YEAR = 26  # the assessment forms date from 平成26年 (2014): no stamp is older


def plausible_stamp(version: str) -> bool:
    """A stamp's date can be a form's: `平成3年5月` (OCR lost a 0 of 平成30年) cannot."""
    m = re.match(r"平成(\d+)年", version)
    return m is None or int(m.group(1)) >= FIRST_HEISEI_YEAR


def part_heading(spec: FormSpec, text: str) -> Part | None:
    """The part whose heading `text` is (`Ⅲ 特定個人情報ファイルの取扱い…`), compared on the title's start."""
    m = patterns().part_head.match(text)
    if not m:
        return None
    key, rest = part_key(m.group(1)), label_key(m.group(2))
    return next((p for p in spec.parts if p.key == key and _title_starts(rest, label_key(p.title)[:6])), None)


def _title_starts(rest: str, start: str) -> bool:
    """`rest` starts with `start`, or with it one character misread (OCR: `しきい値麟断項目`): the
    numeral must match exactly, so one character in six is a misreading, not another title."""
    head = rest[: len(start)]
    return len(head) == len(start) and mismatches(head, start) <= (len(start) >= 6)


def is_heading_text(spec: FormSpec, text: str) -> bool:
    """A part heading, an annex heading or the form stamp."""
    folded, p = fold(text), patterns()
    return bool(part_heading(spec, folded) or p.annex_head.match(folded) or p.stamp.search(folded))


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
    annex: AnnexReader = field(init=False)
    group: str | None = None
    group_bottom: tuple[int, float] | None = None
    cover_pending: list[tuple[Cell, str]] = field(default_factory=list)
    pending: LogicalRow | None = None  # a label/value row that rows below it may continue
    heading: str | None = None  # the heading just read: an answer row printed under it is its value

    def __post_init__(self) -> None:
        self.annex = AnnexReader(self.spec)

    def events(self, rows: Iterable[Row]) -> Iterator[Event]:
        for row in rows:
            if self.pending is not None:
                if not (row.free and is_heading_text(self.spec, label_text(row.cells[0]))) and self.pending.takes(
                        row, self.is_known):
                    continue
                yield self.pending.event()
                self.pending = None
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
        if self.pending is not None:
            yield self.pending.event()
            self.pending = None

    # ------------------------------------------------------------ free lines and headings

    def free_line(self, text: str, row: Row) -> Iterator[Event]:
        folded, where = fold(text), Where(page=row.page or None, line=row.line)
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
            self.in_annex = True
            self.annex.open(None)
            yield AnnexStart(folded, annex.group(2), where)
            return
        kind = annex_kind(self.spec, folded, exact=False) if self.in_annex else None
        if kind:
            self.annex.open(kind)
            yield AnnexTitle(kind)

    def is_heading_cell(self, row: Row) -> bool:
        """Part/annex headings printed inside a ruled cell (spreadsheet-style layouts)."""
        filled = [c for c in row.cells if not c.is_empty()]
        if len(filled) != 1 or len(filled[0].lines) > 2:
            return False
        folded = fold(label_text(filled[0]))
        return is_heading_text(self.spec, folded) or (
            self.in_annex and annex_kind(self.spec, folded, exact=True) is not None)

    # ------------------------------------------------------------ cover

    def cover_row(self, row: Row) -> Iterator[Event]:
        cells = [c for c in row.cells if not c.is_empty()]
        where = Where(page=row.page or None, line=row.line)
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
        heading, self.heading = self.heading, None
        filled = [c for c in row.cells if not c.is_empty()]
        if heading and _is_answer(filled[0].text) and not any(self.is_known(label_text(c)) for c in filled):
            yield Labeled(heading, CellsValue(tuple(filled)), None, Where(page=row.page or None, line=row.line))
            return
        label_at, value_cells = self.shape(row)
        self.update_group(row, label_at)
        label_cell = row.cells[label_at]
        label = label_text(label_cell)
        if not label and label_at >= 1:
            label = label_text(row.cells[0])
        where = Where(page=row.page or None, line=row.line)
        block = self.block_heading(label, cell_text(value_cells[0]), None, where)
        if block is not None:
            yield from block
            return
        self.pending = LogicalRow(label, label_cell, self.group, list(value_cells), where)

    def shape(self, row: Row) -> tuple[int, list[Cell]]:
        """(index of the label cell, the value cells): the rightmost printed label of the form, else by position.

        A spreadsheet print splits one value over several cells (`[ ○ ] 宛名… | [ ○ ] 税務…`), so the
        label is not always the cell before the last; a ＜選択肢＞ legend cell closing the row is a value cell.
        """
        cells = row.cells
        n_value = 2 if len(cells) >= 3 and _is_legend_cell(cells[-1]) else 1
        known = [k for k, c in enumerate(cells[:-n_value]) if self.is_known(label_text(c))]
        at = known[-1] if known else len(cells) - 1 - n_value
        return at, cells[at + 1 :]

    def is_known(self, text: str) -> bool:
        key = label_key(text)
        return bool(key) and key in self.spec.label_keys

    def update_group(self, row: Row, label_at: int) -> None:
        """A first cell left of the label is a group label spanning rows (保管期間 | 期間 / その妥当性)."""
        if label_at >= 1 and not row.cells[0].is_empty():
            first = row.cells[0]
            self.group, self.group_bottom = label_text(first), (first.page, first.y1)
        elif self.group_bottom:
            page, bottom = self.group_bottom
            if (row.page != page or row.y0 >= bottom - 1) and label_at < 1:
                self.group, self.group_bottom = None, None

    def single_cell(self, cell: Cell, row: Row) -> Iterator[Event]:
        where = Where(page=row.page or None, line=row.line)
        text = cell_text(cell)
        heading, self.heading = self.heading, None
        if heading and _is_answer(text):
            yield Labeled(heading, CellsValue((cell,)), None, where)
            return
        first = label_text(cell) if len(cell.lines) <= 1 else clean_line(cell.lines[0].text)
        block = self.block_heading(first, "", cell, where) or self.heading_below_overflow(cell, where)
        if block is not None:
            yield from block
            return
        no, numbered = item_number(first), strip_item_number(first)
        if no is None:
            no, numbered = self.unstopped_section(first)
        if no is not None and not _CIRCLED_START.match(first):
            self.group = None
            title = _SECTION_TAIL.sub("", numbered).strip()
            yield Section(no, title, text, where, tuple(cell_items(cell)))
            if title != numbered:  # checkboxes printed in the heading: `[ ] 委託しない`
                yield Labeled(title, CellsValue((cell,)), None, where, in_heading=True)
            self.heading = title
        else:
            yield Note(text, where, tuple(cell_items(cell)))
            self.heading = text if len(cell.lines) <= 2 else None

    def unstopped_section(self, text: str) -> tuple[int | None, str]:
        """`1 特定個人情報ファイル名`: a section heading whose number lost its full stop (OCR), told by
        the title being the part's section of that number; (None, text) for any other text."""
        m = _UNSTOPPED.match(fold(text))
        if m is None or self.part is None:
            return None, text
        no, sections = int(m.group(1)), self.part.sections
        if 1 <= no <= len(sections) and label_key(m.group(2)) == label_key(sections[no - 1]):
            return no, m.group(2).strip()
        return None, text

    def heading_below_overflow(self, cell: Cell, where: Where) -> list[Event] | None:
        """`）` / `システム7`: a block heading under the tail of the text above that ran over into its cell."""
        if not 2 <= len(cell.lines) <= 3:
            return None
        last = clean_line(cell.lines[-1].text)
        tail = Cell(cell.page, cell.x0, cell.lines[-1].y0, cell.x1, cell.y1, [cell.lines[-1]])
        block = self.block_heading(last, "", tail, where)
        return block if block and not isinstance(block[0], RiskHeading) else None

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

    def annex_row(self, row: Row) -> Iterator[Event]:
        event = self.annex.row(row)
        if event is not None:
            yield event


@dataclass
class AnnexReader:
    """Rows of an annexed 提供先一覧 / 移転先一覧: columns from its header row (repeated on every page)."""

    spec: FormSpec
    kind: str | None = None
    columns: list[str | None] = field(default_factory=list)
    header_page: int = -1  # the page of the last header row (a continued row follows it)
    last: Row | None = None  # the last data row read

    def open(self, kind: str | None) -> None:
        self.kind, self.columns = kind, []

    def row(self, row: Row) -> AnnexRow | None:
        if self.kind is None:
            return None
        texts = [label_key(label_text(c)) for c in row.cells]
        if self.is_header(texts):
            self.columns, self.header_page = [self.column(t) for t in texts], row.page
            return None
        if not self.columns or len(row.cells) < 3:
            return None
        values = {col: cell_text(c) for col, c in zip(self.columns, row.cells, strict=False) if col}
        after_header = self.header_page == row.page
        continues = after_header and (not values.get("recipient") or self.splits(row))
        if not continues:
            self.header_page = -1
        self.last = row
        return AnnexRow(values, continues, Where(page=row.page or None, line=row.line))

    def splits(self, row: Row) -> bool:
        """The first row of a page continues the last row of the page before when that row was cut by the
        page break (the text of every cell runs to its bottom rule) and a cell it filled has nothing
        left here (a cell that fitted on the first page is empty on the next)."""
        last = self.last
        if last is None or last.page != row.page - 1 or len(last.cells) != len(row.cells):
            return False
        filled = [c for c in last.cells if c.lines]
        if not filled or any(c.y1 - max(ln.y1 for ln in c.lines) > (c.lines[0].y1 - c.lines[0].y0) / 2
                             for c in filled):
            return False
        return any(prev.lines and c.is_empty() for prev, c in zip(last.cells, row.cells, strict=True))

    def name_header(self) -> str:
        return next(lst.name_header for kind, lst in self.spec.annex_lists if kind == self.kind)

    def is_header(self, texts: list[str]) -> bool:
        legal = next((k for k, v in self.spec.annex.columns.items() if v == "legal_basis"), None)
        return bool(legal) and any(t == label_key(self.name_header()) for t in texts) and any(
            label_key(legal or "") in t for t in texts)

    def column(self, header: str) -> str | None:
        if header == label_key(self.name_header()):
            return "recipient"
        return next((col for fragment, col in self.spec.annex.columns.items() if label_key(fragment) in header), None)


@dataclass
class LogicalRow:
    """A label and its value, which a spreadsheet print may spread over several rows of cells.

    Rows under a label cell that spans them (merged), or under an empty label column (also at
    the top of the next page), whose cells all stand right of the label are more of the same
    value (`[ ○ ] …` option rows, a long text continued over fixed-height rows) — unless they
    print a label of their own.
    """

    label: str
    label_cell: Cell
    group: str | None
    value_cells: list[Cell]
    where: Where
    continued: bool = False
    span: tuple[int, float] = (0, 0.0)  # (page, bottom) of the label column beside the value

    def __post_init__(self) -> None:
        self.span = (self.label_cell.page, self.label_cell.y1)

    def takes(self, row: Row, is_known: Callable[[str], bool]) -> bool:
        """Add `row` to this value when it continues it (see the class docstring)."""
        x1 = self.label_cell.x1
        page, bottom = self.span
        filled = [c for c in row.cells if not c.is_empty()]
        if row.free:  # text overflowing the value's last cell, just below it
            return self._overflow(row, filled)
        if not filled:  # an empty row of cells beside the label (a spacer of the print) is skipped
            return row.page == page and row.y0 < bottom - ROW_TOL
        if row.page == page + 1 and self._label_continues(row, is_known):
            self._add(row, [c for c in row.cells[1:] if not c.is_empty()])
            return True
        if any(c.x0 < x1 - 2 for c in filled) or any(is_known(label_text(c)) for c in filled):
            return False
        beside = [c for c in row.cells if c.x0 < x1 - 2]  # the (empty) label column of this row
        spanned = row.page == page and row.y0 < bottom - ROW_TOL
        under_empty_label = bool(beside) and row.page in (page, page + 1)
        if not (spanned or under_empty_label):
            return False
        self._add(row, filled)
        if beside:
            lowest = max(beside, key=lambda c: (c.page, c.y1))
            self.span = max(self.span, (lowest.page, lowest.y1))
        return True

    def _label_continues(self, row: Row, is_known: Callable[[str], bool]) -> bool:
        """The first row of the next page, cell for cell under this one, whose label cell holds the rest of
        this label: a row the page break split in two (`②取扱いを委託する特定個人情報` / `ファイルの範囲`)."""
        first, lc = row.cells[0], self.label_cell
        if abs(first.x0 - lc.x0) > 3 or abs(first.x1 - lc.x1) > 3 or first.is_empty():
            return False
        joined = self.label + label_text(first)
        if is_known(self.label) or not is_known(joined):
            return False
        self.label = joined
        return True

    def _overflow(self, row: Row, filled: list[Cell]) -> bool:
        """A free line just under the value at the foot of a page, or above the table at the head of the next:
        the clipped parts of a spreadsheet row that the page break split, which the next page prints again
        in its cells.  Skipped, so nothing is read twice (the row stays open for its cells on the next page)."""
        page, bottom = self.span
        height = row.cells[0].y1 - row.cells[0].y0
        foot = row.page == page and bottom - height <= row.y0 < bottom + 2 * height
        return bool(filled) and (foot or row.page == page + 1)

    def _add(self, row: Row, filled: list[Cell]) -> None:
        """Take the row's cells; cells of the next page are placed under the value so far (reading order)."""
        if filled and row.page != self.value_cells[-1].page:
            dy = max(c.y1 for c in self.value_cells) - min(c.y0 for c in filled)
            filled = [shift_cell(c, dy) for c in filled]
        self.value_cells.extend(filled)
        self.continued = True

    def event(self) -> Labeled:
        cells = self.value_cells
        if not self.continued:
            return Labeled(self.label, CellsValue(tuple(cells)), self.group, self.where)
        lines = join_marker_lines([ln for c in cells for ln in c.lines])
        inner = [box for c in cells for box in c.inner]
        merged = Cell(cells[0].page, min(c.x0 for c in cells), min(c.y0 for c in cells),
                      max(c.x1 for c in cells), max(c.y1 for c in cells), lines, inner)
        return Labeled(self.label, CellsValue((merged,)), self.group, self.where)


_MARKER_ONLY = re.compile(r"^[\[\]［］\s○◯●✓✔☑☒■☐□レ]+$")


def join_marker_lines(lines: list[Line]) -> list[Line]:
    """The lines of several cells, top to bottom; a line of brackets or marks only (`[`, `○`, `]`
    printed in cells of their own) is joined with the lines beside it, so `[ ○ ] label` reads as one."""
    out: list[Line] = []
    for line in sorted(lines, key=lambda ln: (round(ln.y0), ln.x0)):
        prev = out[-1] if out else None
        if prev is not None and abs(prev.y0 - line.y0) < ROW_TOL and (
                _MARKER_ONLY.match(prev.text) or _MARKER_ONLY.match(line.text)):
            out[-1] = line_of_words([*prev.words, *line.words])
        else:
            out.append(line)
    return out


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


def _is_answer(text: str) -> bool:
    """A cell that starts with an answer bracket `[ 十分である ]` (printed under its heading)."""
    return fold(text).lstrip()[:1] in "[［"


def _is_legend_cell(cell: Cell) -> bool:
    text = fold(cell.text)
    return bool(patterns().legend_mark.search(text)) and "[" not in text
