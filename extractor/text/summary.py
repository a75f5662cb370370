"""概要 summaries: one loosely keyed reader for PDF rows, Markdown/HTML rows and plain text.

A summary has no legends and no checkboxes: answers are printed as plain text in
`項目 | 内容` rows, in a matrix with one column per file, in small tables (委託,
提供先/移転先), or as `①label value` lines.  The input is first reduced to *units*
(a unit is a row of cells, a cell a list of lines); the reader then keys each unit
by the printed labels of `layouts/summary.yaml` (shortened forms included, e.g. ①名称 ②機能)
and validates every band against the form's option sets.

Entry points: `parse_summary_text` (text inputs) and `parse_summary_rows`
(layout rows of a summary PDF; see `is_summary_head` for detecting one).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from extractor.forms.events import Where
from extractor.layout import Row
from extractor.model import DocumentResult, SystemRow
from extractor.normalise import clean_line, fold, join_lines, label_key
from extractor.text.markup import split_html, split_markdown
from extractor.text.summary_records import SummaryRecords, TableValues, store
from extractor.text.summary_tables import TableHead, header_columns, text_units
from extractor.text.summary_values import (
    FILE_NO,
    after_label,
    circled_items,
    file_name,
    find_items,
    find_option,
    flag_values,
    is_value_end,
    part_of,
    set_connections,
)
from extractor.text.summary_vocab import SummaryLabel, ends_title, is_summary_head, vocab

_NUMBERED = re.compile(r"^\s*(?:[①-⑳]|[0-9０-９]{1,2}[ 　.．]|(?=[（(]))\s*")
_SYSTEM_PARTS = (None, "I")  # systems are read in Ⅰ (or before any part heading)
_FILE_PARTS = (None, "I", "II")
_PER_FILE = ("files", "entrustments")  # tables whose labels, in a matrix, take one value per file column


@dataclass
class Unit:
    """A row of cells (each a list of lines); a free text line is a one-cell unit."""

    cells: list[list[str]]
    where: Where = field(default_factory=Where)  # the page (PDF) or line (text) the unit was printed on

    @property
    def texts(self) -> list[str]:
        return [join_lines(c) for c in self.cells]

    def is_line(self) -> bool:
        return len([c for c in self.cells if any(x.strip() for x in c)]) == 1


@dataclass
class Pending:
    key: str
    lines: list[str] = field(default_factory=list)
    where: Where = field(default_factory=Where)  # where the label was printed


@dataclass
class Cursor:
    """Where the reader is: the part, the ◆ heading, a matrix's file columns, the table and value being read."""

    part: str | None = None
    context: str = ""
    file_columns: dict[int, int] = field(default_factory=dict)
    table: TableHead | None = None
    pending: Pending | None = None
    current_system: SystemRow | None = None
    awaiting_function: SystemRow | None = None

    def enter_part(self, part: str) -> None:
        self.part, self.context, self.table, self.current_system = part, "", None, None
        self.file_columns = {}


class Values:
    """A labelled value -> the record it belongs to (the document, the current system, a file)."""

    def __init__(self, result: DocumentResult, records: SummaryRecords, at: Cursor) -> None:
        self.result, self.records, self.at = result, records, at

    def apply(self, key: str, value: str, file_no: int | None, cells: list[list[str]] | None = None) -> None:
        label = vocab().labels.get(key)
        if label is None or not value.strip():
            return
        if label.table == "documents":
            store(self.result.document, label, value)
        elif label.table == "systems":
            self.system_value(label, value)
        elif label.table == "files":
            self.file_value(label, value, file_no, cells)
        elif label.kind == "entrust_list":
            for no, title in circled_items(value):
                setattr(self.records.entrustment(file_no or self.records.single_file_no(), no), label.column, title)

    def system_value(self, label: SummaryLabel, value: str) -> None:
        if self.at.part not in _SYSTEM_PARTS:
            return
        system = self.at.current_system or self.records.system(1)
        self.at.current_system = system
        if label.kind == "connections":
            set_connections(system, value)
        else:
            store(system, label, value)

    def file_value(self, label: SummaryLabel, value: str, file_no: int | None, cells: list[list[str]] | None) -> None:
        if label.kind == "names":
            if file_no is None:
                self.records.file_names((cells or [[value]])[0])
            else:
                self.records.file(file_no).name = file_name(FILE_NO.sub("", value))
            return
        if self.at.part not in _FILE_PARTS:
            return
        rec = self.records.file(file_no if file_no is not None else self.records.single_file_no())
        if label.kind == "flag":
            for column, answer in flag_values(label, value).items():
                setattr(rec, column, answer)
        else:
            store(rec, label, value)


class RowReader:
    """Rows of cells: small-table headers and rows, matrix headers (one column per file), `label | value` rows."""

    def __init__(self, records: SummaryRecords, values: Values, at: Cursor) -> None:
        self.records, self.values, self.at = records, values, at

    def row(self, unit: Unit) -> None:
        texts = [clean_line(fold(t)) for t in unit.texts]
        columns = header_columns(texts)
        if columns is not None:
            self.at.table = columns
            return
        if self.matrix_header(texts):
            return
        if self.at.table is not None and self.table_row(self.at.table, unit):
            return
        self.at.table = None
        label = label_key(texts[0])
        key = next((k for k in vocab().label_keys if label.startswith(k)), None)
        if key is None:
            self.unlabelled_row(texts)
        else:
            self.labelled_row(key, texts[1:], unit.cells[1:])

    def labelled_row(self, key: str, values: list[str], cells: list[list[str]]) -> None:
        """`label | value`, or `label | value of file 1 | value of file 2 …` under a matrix header."""
        label = vocab().labels.get(key)
        per_file = label is not None and label.table in _PER_FILE
        if self.at.file_columns and (len(values) > 1 or per_file):
            for col, value in enumerate(values):
                file_no = self.at.file_columns.get(col)
                if file_no is not None and value:
                    self.values.apply(key, value, file_no)
            return
        self.values.apply(key, join_lines(cells[0]) if cells else "", None, cells)

    def matrix_header(self, texts: list[str]) -> bool:
        """`ファイル名 | (1) 住民記録ファイル | (2) …` or `項目 | (1) | (2)`: one column per file."""
        first = label_key(texts[0])
        numbered = [(k, FILE_NO.match(t)) for k, t in enumerate(texts[1:])]
        heads = {label_key(w) for w in vocab().tables.matrix_heads}
        if first not in heads or not any(m for _, m in numbered):
            return False
        self.at.file_columns = {k: int(m.group(1)) for k, m in numbered if m}
        for k, m in numbered:
            if m and FILE_NO.sub("", texts[k + 1]).strip():
                self.records.file(int(m.group(1))).name = file_name(FILE_NO.sub("", texts[k + 1]))
            elif m:
                self.records.file(int(m.group(1)))
        return True

    def unlabelled_row(self, texts: list[str]) -> None:
        """`(1)住民記録システム | 説明` in the system list."""
        m = FILE_NO.match(texts[0])
        if m and self.at.part == "I" and vocab().words.system in self.at.context:
            system = self.records.system(int(m.group(1)))
            system.name = clean_line(FILE_NO.sub("", texts[0]))
            system.functions = "\n".join(t for t in texts[1:] if t) or None

    def table_row(self, table: TableHead, unit: Unit) -> bool:
        values: TableValues = {}
        for name, cell in zip(table.columns, unit.cells, strict=False):
            if name:
                values[name] = [clean_line(fold(x)) for x in cell if x.strip()]
        if not any(values.values()):
            return False
        if "recipient" in values or "purpose" in values:
            self.records.recipient_row(values, table.kind)
        else:
            self.records.entrustment_row(values)
        return True


class SummaryReader:
    """Reads units in order: free lines (part headings, keyed lines, ◆ headings, lists) here, rows by `RowReader`."""

    def __init__(self, result: DocumentResult) -> None:
        self.result = result
        self.records = SummaryRecords(result)
        self.at = Cursor()
        self.values = Values(result, self.records, self.at)
        self.rows = RowReader(self.records, self.values, self.at)

    def read(self, units: list[Unit]) -> None:
        units = self.take_title(units)
        for unit in units:
            if not any(t.strip() for t in unit.texts):
                continue
            self.records.where = unit.where
            if unit.is_line():
                self.line(next(t for t in unit.texts if t.strip()))
            else:
                self.flush()
                self.rows.row(unit)
        self.flush()
        self.records.finish()

    def take_title(self, units: list[Unit]) -> list[Unit]:
        """The title: the first one to three lines, up to the one ending in 概要 (or 概要について)."""
        head: list[str] = []
        for k, unit in enumerate(units[:3]):
            if not unit.is_line():
                break
            text = clean_line(fold(next(t for t in unit.texts if t.strip())))
            if part_of(text) is not None:
                break
            head.append(text)
            if ends_title(text):
                self.result.document.title = "".join(head)
                return units[k + 1 :]
        return units

    def flush(self) -> None:
        pending, self.at.pending = self.at.pending, None
        if pending is None:
            return
        lines = [ln for ln in pending.lines if ln.strip()]
        if lines:
            here, self.records.where = self.records.where, pending.where
            self.values.apply(pending.key, join_lines(lines), None, [lines])
            self.records.where = here

    # ------------------------------------------------------------ free lines

    def line(self, text: str) -> None:
        folded = clean_line(fold(text))
        part = part_of(folded)
        if part is not None:
            self.flush()
            self.at.enter_part(part)
            return
        if self.keyed_line(folded):
            return
        heading = section_heading_of(folded)
        if heading is not None:
            self.flush()
            self.at.current_system = None
            self.at.context = label_key(heading)
            self.section_heading(heading)
            return
        if self.at.pending is not None and not is_value_end(folded):
            self.at.pending.lines.append(text)
            return
        self.flush()
        self.context_line(folded)

    def keyed_line(self, text: str) -> bool:
        """`①label value`, `３ label`, `label：value`, or a bare label whose value follows on the next lines."""
        numbered = bool(_NUMBERED.match(text))
        body = _NUMBERED.sub("", text).strip()
        if body[:1] in "（(" and body[-1:] in "）)":
            body = body[1:-1]
        v = vocab()
        for key in v.label_keys:
            rest = after_label(body, key)
            if rest is None or not (numbered or not rest or rest.startswith((":", "："))):
                continue
            self.flush()
            rest = rest.lstrip(":： ")
            self.at.pending = Pending(key, [rest] if rest else [], self.records.where)
            label = v.labels.get(key)
            if rest and not (label is not None and label.continued):
                self.flush()
            return True
        return False

    def context_line(self, text: str) -> None:
        """A line under a ◆ heading: 委託事項N：title, a `(1)system` of the system list, a file name, a function."""
        v = vocab()
        m = v.patterns.entrust_head.match(text)
        if m:
            no = int(m.group(1))
            self.records.entrustment(self.records.single_file_no(), no).title = clean_line(m.group(2))
            return
        awaiting, self.at.awaiting_function = self.at.awaiting_function, None
        numbered = FILE_NO.match(text)
        if v.words.system in self.at.context and numbered and self.at.part == "I":
            system = self.at.current_system = self.records.system(int(numbered.group(1)))
            system.name = clean_line(FILE_NO.sub("", text))
            self.at.awaiting_function = system
            return
        if v.words.file in self.at.context and self.at.part == "I":
            self.records.file_names([text])
            return
        if awaiting is not None and not text.startswith(v.marks.note) and awaiting.functions is None:
            awaiting.functions = text

    def section_heading(self, text: str) -> None:
        m = vocab().patterns.affair.search(text)
        if m and not self.result.document.affair_name:
            self.result.document.affair_name = clean_line(m.group(1))


def section_heading_of(line: str) -> str | None:
    """The text of a ◆ heading line after its mark, or None when the line is not one.  A line that
    opens with a heading the form prints (`marks.headings`), alone or before a bracket, is one
    even when its mark was read as another glyph (`金事務において使用するシステム`) or not at all."""
    marks = vocab().marks
    if line.startswith(marks.section):
        return line.lstrip(marks.section)
    for body in (line, line[1:].lstrip()):
        key = label_key(body)
        for h in marks.headings:
            hk = label_key(h)
            if key.startswith(hk) and key[len(hk):len(hk) + 1] in ("", "("):
                return body
    return None


def units_from_rows(rows: list[Row]) -> list[Unit]:
    return [Unit([[ln.text for ln in c.all_lines] for c in r.cells], Where(page=r.page or None)) for r in rows]


def parse_summary_rows(rows: list[Row], result: DocumentResult) -> None:
    """A summary PDF's layout rows (`layout.document_rows`) -> records on `result` (form_type `summary`)."""
    result.document.form_type = "summary"
    SummaryReader(result).read(units_from_rows(rows))


def parse_summary_text(text: str, fmt: str, result: DocumentResult) -> None:
    """A summary given as text, Markdown or HTML -> records on `result`."""
    result.document.form_type = "summary"
    if fmt == "html":
        units = [Unit(r.cells, Where(line=r.line)) for r in split_html(text)]
    elif fmt == "markdown":
        units = [Unit(r.cells, Where(line=r.line)) for r in split_markdown(text)]
    else:
        units = located(text, text_units(text, vocab().value_keys))
    SummaryReader(result).read(units)


def located(text: str, units: list[list[list[str]]]) -> list[Unit]:
    """Units rebuilt from a plain text, each with the line its first text starts on (found in order)."""
    lines = [clean_line(fold(raw)) for raw in text.splitlines()]
    out: list[Unit] = []
    at = 0
    for cells in units:
        first = next((ln for c in cells for ln in c if ln.strip()), "")
        probe = clean_line(fold(first))[:12]
        found = next((k for k in range(at, len(lines)) if probe and probe in lines[k]), None)
        if found is not None:
            at = found
        out.append(Unit(cells, Where(line=found + 1 if found is not None else None)))
    return out


__all__ = ["find_items", "find_option", "is_summary_head", "parse_summary_rows", "parse_summary_text"]
