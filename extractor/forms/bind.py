"""Stage 6 — bind: the event stream of any reader, with a form spec, becomes records.

The binder keeps a small explicit state (`State`: the part, section, block record, risk,
file and annex list being read) and handles one event at a time.  Which spec field a label
is comes from `lookup` (exact label keys first, in the current context); the field's kind
says how the value is read and its typed target which column receives it (`apply`).  Every
＜選択肢＞ answer in a risk part becomes a `risk_ratings` row.  Records remember the pages (or
lines) they came from (`provenance`); what was read is counted against what the form
expects (`complete`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from extractor.forms import apply, complete
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
    Warn,
    Where,
)
from extractor.forms.identity import drop_siblings, has_content, unidentified
from extractor.forms.lookup import (
    Context,
    field_index,
    full_title,
    is_own_section,
    more_titles,
    named_file,
    ocr_section_title,
)
from extractor.forms.patterns import is_annex_pointer, patterns
from extractor.forms.provenance import settle_pages, touch
from extractor.forms.rows import plausible_stamp
from extractor.forms.spec import Field, FormSpec, Part, ValueBelow
from extractor.model import ROW_TYPES, DocumentResult, FileRow, RecipientRow, RiskRow
from extractor.normalise import clean_line, fold, item_number, label_key, strip_item_number


@dataclass
class AnnexState:
    kind: str | None = None
    heading: str = ""
    number: str | None = None
    count: int = 0
    file_no: int | None = None
    last: RecipientRow | None = None


@dataclass
class State:
    part: Part | None = None
    in_annex: bool = False
    section_no: int | None = None
    section: str | None = None
    block: str | None = None  # the open block's name
    record: Any = None  # the record the open block fills
    record_keep: tuple[str, ...] = ()  # columns that make the open record worth keeping
    risk_no: int | None = None
    risk: str | None = None
    risk_titles_open: bool = False  # a risk heading and no label since: more stacked titles may follow
    file: FileRow | None = None
    risk_file_no: int | None = None
    pending_below: ValueBelow | None = None
    annex: AnnexState = field(default_factory=AnnexState)
    unsectioned: list[RiskRow] = field(default_factory=list)  # risk rows read before any section heading

    def context(self, e: Labeled) -> Context:
        return Context(self.part, self.section, self.block, e.group, e.in_heading)


class Binder:
    """Events -> records on `result`; see the module docstring."""

    def __init__(self, spec: FormSpec, result: DocumentResult, loose: bool = False) -> None:
        self.spec, self.result = spec, result
        self.loose = loose  # headings may come out of order (text dumps): see `FieldIndex.anywhere`
        self.doc_id = result.document.doc_id
        self.state = State()
        self.fields = field_index(spec)
        self.parts_seen: set[str] = set()
        self.annex_refs: dict[str, int] = {}
        self.read: set[tuple[int, str]] = set()  # (id of a kept record, field unit) bound from the document
        self.kept: list[Any] = []  # records whose ids `read` holds (so an id is never reused)
        self.dropped: set[tuple[str, int | None]] = set()  # (block, file) of blocks left out unidentified
        self.risk_heading = next((b.heading for b in spec.blocks if b.risk), None)
        self.risk_files_named = 0  # `select_file` rows seen: the k-th is the k-th file's by the form's order

    def bind(self, events: Iterable[Event]) -> None:
        for event in events:
            _HANDLERS[type(event)](self, event)
        self.finish()

    def on_stamp(self, e: Stamp) -> None:
        if not plausible_stamp(e.version):
            self.result.gap(f"the form stamp reads '{e.version}', a date before the forms existed; left empty")
            return
        self.result.document.form_version = self.result.document.form_version or e.version

    def on_warn(self, e: Warn) -> None:
        self.result.warn(e.message)

    # ------------------------------------------------------------ parts and sections

    def on_part(self, e: PartStart) -> None:
        if e.recovered is not None:
            self.result.warn(f"the heading of part {e.part.numeral} is missing; its content was recognised by "
                             f"'{e.recovered[:30]}'")
        self.close_block()
        self.parts_seen.add(e.part.key)
        # each Ⅱ heading starts a new file; later parts keep the last file for per-file rows
        keep_file = None if e.part.per_file and not e.part.risks else self.state.file
        self.state = State(part=e.part, file=keep_file, risk_file_no=e.risk_file_no)

    def on_annex(self, e: AnnexStart) -> None:
        self.close_block()
        self.state = State(in_annex=True, annex=AnnexState(heading=e.heading, number=e.number))

    def on_annex_title(self, e: AnnexTitle) -> None:
        st = self.state.annex
        st.kind, st.count = e.kind, 0

    def on_section(self, e: Section) -> None:
        st = self.state
        if st.pending_below is not None and is_own_section(st.part, e.no, e.title):
            st.pending_below = None  # the next heading of the part, not the value the last one waits for
        elif self.take_below(e.text, e.items, e.where):
            return
        if st.unsectioned and e.no > 1:  # risk rows read before the first heading the input kept
            for r in st.unsectioned:
                r.section_no = e.no - 1
            st.unsectioned = []
        self.close_block()
        title, heading = full_title(st.part, e.title), e.title
        if self.result.document.ocr_pages:
            title = heading = ocr_section_title(st.part, e.no, title)
        st.section_no, st.section = e.no, title
        st.risk_no = st.risk = None
        st.pending_below = next((vb for vb in self.spec.value_below if st.part and vb.part == st.part.key
                                 and label_key(vb.section) == label_key(heading)), None)

    def on_note(self, e: Note) -> None:
        st = self.state
        if self.take_below(e.text, e.items, e.where):
            return
        titles = more_titles(st.risk, e.text, self.risk_heading) if (
            st.risk_titles_open and st.risk and self.risk_heading) else None
        if titles is not None:
            st.risk = titles
            return
        closing = patterns().closing_row.match(e.text)
        if closing and st.section is None and st.unsectioned:
            st.section = clean_line(closing.group(1))
            for r in st.unsectioned:
                r.section = st.section

    def take_below(self, text: str, items: tuple[str, ...], where: Where) -> bool:
        """The single row under a `value_below` section heading is that section's value."""
        vb, self.state.pending_below = self.state.pending_below, None
        if vb is None:
            return False
        first_line = text.split("\n", 1)[0]
        no, name = item_number(first_line), strip_item_number(first_line) or None
        if vb.action == "new_file":
            self.state.file = self.new_file(no if no is not None else len(self.result.files) + 1, name, where)
        elif vb.action == "file_names":
            for each in apply.names_of("\n".join(items) or text):
                self.new_file(len(self.result.files) + 1, each, where)
        else:
            self.risk_files_named += 1
            self.state.risk_file_no = no if no is not None else self.file_named(name, where)
        return True

    def file_named(self, name: str | None, where: Where) -> int | None:
        """The file a Ⅲ/Ⅳ `特定個人情報ファイル名` row names: by its name, else (a name misread by OCR
        or cut) by the name clearly closest to it, else by order: Ⅲ repeats once per file, in Ⅱ's order."""
        if not name:
            return self.state.risk_file_no
        named = named_file(label_key(name), [(f.file_no, label_key(f.name)) for f in self.result.files if f.name])
        if named is not None:
            return named
        k = self.risk_files_named
        if self.loose or k > len(self.result.files):  # a dump's heading order is no file order
            return self.state.risk_file_no
        at = f" (page {where.page})" if where.page else f" (line {where.line})" if where.line else ""
        self.result.warn(f"the file name '{name}' of a part III/IV block{at} names no file of part II; "
                         f"taken as file {self.result.files[k - 1].file_no}, the file printed in that place")
        return self.result.files[k - 1].file_no

    def new_file(self, no: int, name: str | None, where: Where) -> FileRow:
        file = FileRow(self.doc_id, no, name=name)
        self.result.files.append(file)
        touch(file, where)
        return file

    # ------------------------------------------------------------ blocks

    def on_block(self, e: BlockStart) -> None:
        self.close_block()
        block, st = e.block, self.state
        st.block = block.name
        if block.table is None:
            return
        row_type = ROW_TYPES[block.table]
        values: dict[str, Any] = {"doc_id": self.doc_id, **block.set}
        if block.number:
            values[block.number] = e.number
        if "file_no" in {f.name for f in dataclasses.fields(row_type)}:
            values["file_no"] = st.file.file_no if st.file else 1
        if block.title:
            values[block.title] = e.title or None
        record = row_type(**values)
        if e.title and hasattr(record, "listed_in") and is_annex_pointer(fold(e.title)):
            record.listed_in, record.is_reference = "reference", True
            ref = patterns().annex_ref.search(fold(e.title))
            if ref:
                self.annex_refs[ref.group(2)] = values.get("file_no", 1)
        st.record, st.record_keep = record, block.keep_if_any
        touch(record, e.where)

    def on_risk(self, e: RiskHeading) -> None:
        self.close_block()
        st = self.state
        st.block = next((b.name for b in self.spec.blocks if b.risk), None)
        st.risk_no, st.risk, st.risk_titles_open = e.no, e.title, True

    def close_block(self) -> None:
        st = self.state
        if st.record is not None and (not st.record_keep or has_content(st.record, st.record_keep)):
            block = self.spec.block(st.block or "")
            why = unidentified(block, st.record) if block is not None else None
            if why is not None and block is not None:
                self.result.gap(why)
                self.dropped.add((block.name, getattr(st.record, "file_no", None)))
            else:
                getattr(self.result, _table_of(st.record)).append(st.record)
        st.record, st.record_keep, st.block = None, (), None

    # ------------------------------------------------------------ labels and values

    def on_labeled(self, e: Labeled) -> None:
        st = self.state
        st.risk_titles_open = False
        if st.part is None:
            cover = self.fields.cover_field(e.label)
            if cover is not None:
                apply.apply_field(self, cover, self.result.document, e.value, e.where)
            return
        fld = self.fields.find(e.label, st.context(e))
        if fld is None and self.loose and st.block is None:  # headings out of order: the part's only such field
            fld = self.fields.anywhere(e.label, st.context(e))
        if st.part.risks and not e.in_heading and self.is_choice(e):
            apply.bind_risk_row(self, e)
        if fld is not None and fld.kind == "names":
            apply.names_to_rows(self, fld, e.value, e.where)
        elif fld is not None and (record := self.record_for(fld.table)) is not None:
            apply.apply_field(self, fld, record, e.value, e.where)

    def is_choice(self, e: Labeled) -> bool:
        return e.value.has_legend() or (self.fields.is_question(e.label) and e.value.has_bracket())

    def record_for(self, table: str) -> Any:
        st = self.state
        if table == "documents":
            return self.result.document
        if table == "files":
            if st.file is None:
                st.file = FileRow(self.doc_id, len(self.result.files) + 1)
                self.result.files.append(st.file)
            return st.file
        return st.record if st.record is not None and _table_of(st.record) == table else None

    # ------------------------------------------------------------ end

    def mark_read(self, record: Any, f: Field) -> None:
        self.read.add((id(record), f.unit))
        self.kept.append(record)

    def touch(self, record: Any, where: Where) -> None:
        touch(record, where)

    def finish(self) -> None:
        self.close_block()
        drop_siblings(self.spec, self.result, self.dropped)
        apply.check_counts(self.spec, self.result)
        settle_pages(self.result)
        for rec in self.result.recipients:
            rec.is_reference = rec.listed_in == "reference"
        for part in self.spec.parts:
            if part.key not in self.parts_seen:
                self.result.gap(f"section {part.numeral} {part.title} was not found")
        complete.account(self.spec, self.result, self.read)


_HANDLERS: dict[type, Any] = {
    Stamp: Binder.on_stamp,
    Warn: Binder.on_warn,
    PartStart: Binder.on_part,
    AnnexStart: Binder.on_annex,
    AnnexTitle: Binder.on_annex_title,
    AnnexRow: lambda binder, e: apply.bind_annex_row(binder, binder.state.annex, e),
    Section: Binder.on_section,
    Note: Binder.on_note,
    BlockStart: Binder.on_block,
    RiskHeading: Binder.on_risk,
    Labeled: Binder.on_labeled,
}
_TABLE_OF = {row_type: table for table, row_type in ROW_TYPES.items()}


def _table_of(record: object) -> str:
    return _TABLE_OF[type(record)]


def bind_events(spec: FormSpec, events: Iterable[Event], result: DocumentResult, loose: bool = False) -> None:
    """Records on `result` from a reader's events (`loose`: headings may come out of order)."""
    Binder(spec, result, loose).bind(events)

