"""Stage 6 — bind: the event stream of any reader, with a form spec, becomes records.

The binder keeps a small explicit state (`State`: the part, section, block record, risk,
file and annex list being read) and handles one event at a time.  Labels are looked up in
the spec (exact label keys first, a fuzzy match second) among the fields of the current
context; the field's kind says how the value is read (text, date, choice, checkbox group,
flags) and its typed target which record column receives it.  Every ＜選択肢＞ answer in a
risk part becomes a `risk_ratings` row.  Records remember the pages (or lines) they came from.
"""

from __future__ import annotations

import dataclasses
import difflib
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
from extractor.forms.patterns import is_annex_pointer, patterns
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
    file: FileRow | None = None
    risk_file_no: int | None = None
    pending_below: ValueBelow | None = None
    annex: AnnexState = field(default_factory=AnnexState)
    unsectioned: list[RiskRow] = field(default_factory=list)  # risk rows read before any section heading
    risk_titles_open: bool = False  # a risk heading was read and no label yet: more stacked titles may follow


class Binder:
    """Events -> records on `result`; see the module docstring."""

    def __init__(self, spec: FormSpec, result: DocumentResult) -> None:
        self.spec = spec
        self.result = result
        self.doc_id = result.document.doc_id
        self.state = State()
        self.parts_seen: set[str] = set()
        self.annex_refs: dict[str, int] = {}
        self.read: set[tuple[int, str]] = set()  # (id of a kept record, field unit) bound from the document
        self.kept: list[Any] = []  # records whose ids `read` holds (so an id is never reused)
        self.fields_by_key = _index(spec.fields)

    # ------------------------------------------------------------ dispatch

    def bind(self, events: Iterable[Event]) -> None:
        for event in events:
            self.handle(event)
        self.finish()

    def handle(self, event: Event) -> None:
        handler = _HANDLERS[type(event)]
        handler(self, event)

    def on_stamp(self, e: Stamp) -> None:
        if not self.result.document.form_version:
            self.result.document.form_version = e.version

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
        if self.take_below(e.text, e.items, e.where):
            return
        st = self.state
        if st.unsectioned and e.no > 1:  # risk rows read before the first heading the input kept
            for r in st.unsectioned:
                r.section_no = e.no - 1
            st.unsectioned = []
        self.close_block()
        st.section_no, st.section = e.no, self.full_title(e.title)
        st.risk_no = st.risk = None
        part = st.part
        st.pending_below = next((vb for vb in self.spec.value_below if part and vb.part == part.key
                                 and label_key(vb.section) == label_key(e.title)), None)

    def more_risk_titles(self, text: str) -> bool:
        """Risk titles stacked under one heading (Ⅲ4) that a page break cut into a row of their own."""
        st = self.state
        heading = next((b.heading for b in self.spec.blocks if b.risk), None)
        lines = [ln.strip() for ln in text.split("\n") if ln.strip()]
        if not (st.risk_titles_open and st.risk and heading and lines and all(ln.endswith(heading) for ln in lines)):
            return False
        known = {label_key(t) for t in st.risk.split("\n")}
        st.risk = "\n".join([st.risk, *(ln for ln in lines if label_key(ln) not in known)])
        return True

    def full_title(self, title: str) -> str:
        """A section title the print cut off at its cell's edge, completed from the form's section list."""
        key, part = label_key(title), self.state.part
        if part is None or len(key) < 8 or any(label_key(t) == key for t in part.sections):
            return title
        longer = [t for t in part.sections if label_key(t).startswith(key)]
        return longer[0] if len(longer) == 1 else title

    def on_note(self, e: Note) -> None:
        if self.take_below(e.text, e.items, e.where):
            return
        if self.more_risk_titles(e.text):
            return
        closing = patterns().closing_row.match(e.text)
        st = self.state
        if closing and st.section is None and st.unsectioned:
            title = clean_line(closing.group(1))
            st.section = title
            for r in st.unsectioned:
                r.section = title

    def take_below(self, text: str, items: tuple[str, ...], where: Where) -> bool:
        """The single row under a `value_below` section heading is that section's value."""
        vb, self.state.pending_below = self.state.pending_below, None
        if vb is None:
            return False
        first_line = text.split("\n", 1)[0]
        no = item_number(first_line)
        name = strip_item_number(first_line) or None
        if vb.action == "new_file":
            file = FileRow(self.doc_id, no if no is not None else len(self.result.files) + 1, name=name)
            self.state.file = file
            self.result.files.append(file)
            self.touch(file, where)
        elif vb.action == "file_names":
            for name in apply.names_of("\n".join(items) or text):
                file = FileRow(self.doc_id, len(self.result.files) + 1, name=name)
                self.result.files.append(file)
                self.touch(file, where)
        else:
            self.state.risk_file_no = no if no is not None else self.file_no_by_name(name)
        return True

    def file_no_by_name(self, name: str | None) -> int | None:
        key = label_key(name or "")
        return next((f.file_no for f in self.result.files if f.name and label_key(f.name) == key), None)

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
        self.touch(record, e.where)

    def on_risk(self, e: RiskHeading) -> None:
        self.close_block()
        st = self.state
        st.block = next((b.name for b in self.spec.blocks if b.risk), None)
        st.risk_no, st.risk = e.no, e.title
        st.risk_titles_open = True

    def close_block(self) -> None:
        st = self.state
        if st.record is not None and (not st.record_keep or _has_content(st.record, st.record_keep)):
            getattr(self.result, _table_of(st.record)).append(st.record)
        st.record, st.record_keep, st.block = None, (), None

    # ------------------------------------------------------------ labels and values

    def on_labeled(self, e: Labeled) -> None:
        st = self.state
        st.risk_titles_open = False
        if st.part is None:
            fld = self.cover_field(e.label)
            if fld is not None:
                apply.apply_field(self, fld, self.result.document, e.value, e.where)
            return
        fld = self.find_field(e.label, e.group, e.in_heading)
        if st.part.risks and not e.in_heading and self.is_choice(e):
            self.risk_row(e)
            if fld is None:
                return
        if fld is not None and fld.kind == "names":
            apply.names_to_rows(self, fld, e.value, e.where)
        elif fld is not None:
            record = self.record_for(fld.table)
            if record is not None:
                apply.apply_field(self, fld, record, e.value, e.where)

    def cover_field(self, label: str) -> Field | None:
        key = label_key(label)
        return next((f for f in self.spec.cover if key in f.keys), None)

    def is_choice(self, e: Labeled) -> bool:
        if e.value.has_legend():
            return True
        return bool(self.spec.question_options(e.label)) and e.value.has_bracket()

    def find_field(self, label: str, group: str | None, in_heading: bool = False) -> Field | None:
        key = label_key(label)
        if not key:
            return None
        for f in self.fields_by_key.get(key, ()):
            if f.in_heading == in_heading and self.in_context(f, group):
                return f
        for f in self.spec.fields:  # a label printed with a typo or a small variation
            if f.in_heading == in_heading and self.in_context(f, group) and len(f.key) >= 4 and any(
                    difflib.SequenceMatcher(None, k, key).ratio() >= 0.88 for k in f.keys):
                return f
        return None

    def in_context(self, f: Field, group: str | None) -> bool:
        st = self.state
        if st.part is None or f.part != st.part.key:
            return False
        if f.block:
            if st.block not in f.block:
                return False
        elif st.block is not None and not self._is_risk_block(st.block):
            return False
        if f.section and (st.section is None or label_key(f.section) not in label_key(st.section)):
            return False
        return not (f.group and (group is None or label_key(f.group) not in label_key(group)))

    def _is_risk_block(self, name: str) -> bool:
        block = self.spec.block(name)
        return bool(block and block.risk)

    def record_for(self, table: str) -> Any:
        st = self.state
        if table == "documents":
            return self.result.document
        if table == "files":
            if st.file is None:
                st.file = FileRow(self.doc_id, len(self.result.files) + 1)
                self.result.files.append(st.file)
            return st.file
        if st.record is not None and _table_of(st.record) == table:
            return st.record
        return None

    def risk_row(self, e: Labeled) -> None:
        st = self.state
        question = strip_item_number(e.label)
        choice = e.value.choice()
        resolved = apply.resolve(choice, self.spec.question_options(question))
        where = f"{st.part.numeral if st.part else ''}{st.section_no or ''}"
        if not resolved.found:
            self.result.gap(f"{where} '{question}': the answer '{resolved.text}' is not one of its ＜選択肢＞ options")
        per_file = bool(st.part and st.part.per_file)
        file_no = (st.risk_file_no or (st.file.file_no if st.file else None) or 1) if per_file else None
        row = RiskRow(self.doc_id, file_no, st.part.key if st.part else "", st.section_no, st.section,
                      st.risk_no, st.risk, question, apply.claimed(self.result, resolved), resolved.code)
        self.result.risk_ratings.append(row)
        self.touch(row, e.where)
        if st.section_no is None and per_file:
            st.unsectioned.append(row)

    # ------------------------------------------------------------ annex lists

    def on_annex_row(self, e: AnnexRow) -> None:
        st = self.state.annex
        if st.kind is None:
            return
        if e.continues and st.last is not None:
            apply.extend_annex_row(st.last, e.values)
            self.touch(st.last, e.where)
            return
        st.count += 1
        rec = RecipientRow(self.doc_id, self.annex_file_no(), st.kind, st.count, listed_in="annex")
        for col, text in e.values.items():
            setattr(rec, col, [text] if col == "methods" and text else (text or None))
        self.result.recipients.append(rec)
        self.touch(rec, e.where)
        st.last = rec

    def annex_file_no(self) -> int | None:
        st = self.state.annex
        if st.file_no is None:
            st.file_no = apply.annex_file_no(st.heading, st.number, self.result.files, self.annex_refs)
        return st.file_no

    # ------------------------------------------------------------ provenance and end

    def mark_read(self, record: Any, f: Field) -> None:
        self.read.add((id(record), f.unit))
        self.kept.append(record)

    def touch(self, record: Any, where: Where) -> None:
        """Remember that `record` holds a value read at `where`."""
        if where.page is not None and hasattr(record, "pages"):
            pages = record.pages if record.pages is not None else []
            if where.page not in pages:
                record.pages = [*pages, where.page]
            if record.page is None:
                record.page = where.page
        if where.line is not None and getattr(record, "line", None) is None:
            record.line = where.line

    def finish(self) -> None:
        self.close_block()
        apply.check_counts(self.spec, self.result)
        for table in ("systems", "files", "entrustments", "recipients", "risk_ratings"):
            for rec in getattr(self.result, table):
                rec.pages = sorted(rec.pages) if rec.pages and len(rec.pages) > 1 else None
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
    AnnexRow: Binder.on_annex_row,
    Section: Binder.on_section,
    Note: Binder.on_note,
    BlockStart: Binder.on_block,
    RiskHeading: Binder.on_risk,
    Labeled: Binder.on_labeled,
}


def _index(fields: tuple[Field, ...]) -> dict[str, list[Field]]:
    out: dict[str, list[Field]] = {}
    for f in fields:
        for k in f.keys:
            out.setdefault(k, []).append(f)
    return out


_TABLE_OF = {row_type: table for table, row_type in ROW_TYPES.items()}


def _table_of(record: object) -> str:
    return _TABLE_OF[type(record)]


def _has_content(record: object, columns: tuple[str, ...]) -> bool:
    empty = {label_key(v) for v in patterns().words.empty_values}
    for col in columns:
        v = getattr(record, col)
        if v and str(v).strip() and label_key(str(v)) not in empty:
            return True
    return False


def bind_events(spec: FormSpec, events: Iterable[Event], result: DocumentResult) -> None:
    """Records on `result` from a reader's events."""
    Binder(spec, result).bind(events)
