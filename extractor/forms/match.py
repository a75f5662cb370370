"""Stage 4b/6 — walk the document's rows with a form spec and build table records.

The walk keeps a small context (part, section, block, group label, current
file) and binds each label/value row to the spec field whose label and context
match.  Every choice answer in a risk part becomes a risk_ratings row.  The form
knowledge lives in layouts/*.yaml; this module only knows the shapes of rows.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from extractor.forms.choices import (
    LEGEND_MARK,
    cell_checkboxes,
    match_options,
    paren_text,
    parse_choice,
    resolve_answer,
)
from extractor.forms.spec import Field, FormSpec, Part
from extractor.layout import Cell, Row
from extractor.model import (
    DocumentResult,
    EntrustmentRow,
    FileRow,
    RecipientRow,
    RiskRow,
    SystemRow,
)
from extractor.normalise import (
    clean_line,
    fold,
    item_number,
    join_lines,
    label_key,
    parse_count,
    parse_date,
    strip_item_number,
)

_ROMAN = {"Ⅰ": "I", "Ⅱ": "II", "Ⅲ": "III", "Ⅳ": "IV", "Ⅴ": "V", "Ⅵ": "VI", "Ⅶ": "VII"}
PART_HEAD = re.compile(r"^\s*(Ⅰ|Ⅱ|Ⅲ|Ⅳ|Ⅴ|Ⅵ|Ⅶ|VII|VI|IV|V|III|II|I)(?![A-Za-z])\s*(.*)$")
ANNEX_HEAD = re.compile(r"^\s*[［\[(（【]?\s*(別添|別紙)\s*(\d+)?")
_BLOCK_NO = re.compile(r"^\s*(\d{1,3})?\s*[:：]?\s*(.*)$", re.S)
STAMP = re.compile(r"[\[［]\s*((?:平成|令和)\s*\d+\s*年\s*\d+\s*月\s*様式\s*\d)\s*[\]］]")
_SECTION_TAIL = re.compile(r"\s*(?:[\[［].*|[☐□☑■].*)$")


def cell_text(cell: Cell) -> str:
    """A cell's own text (inner legend boxes excluded), wrapped lines joined."""
    lines = cell.lines
    if not lines:
        return ""
    width = max(ln.x1 for ln in lines) - min(ln.x0 for ln in lines)
    return join_lines([ln.text for ln in lines], width, [ln.x1 - min(x.x0 for x in lines) for ln in lines])


def label_text(cell: Cell) -> str:
    """A label cell's text: wrapped (or vertical, one character per line) lines joined."""
    return clean_line("".join(ln.text for ln in cell.lines))


@dataclass
class Context:
    part: Part | None = None
    in_annex: bool = False
    section_no: int | None = None
    section: str | None = None
    block: str | None = None
    group: str | None = None
    group_bottom: tuple[int, float] | None = None
    risk_no: int | None = None
    risk: str | None = None
    file: FileRow | None = None
    risk_file_no: int | None = None
    pending_below: str | None = None
    system: SystemRow | None = None
    entrustment: EntrustmentRow | None = None
    recipient: RecipientRow | None = None


@dataclass
class AnnexState:
    kind: str | None = None
    heading: str = ""
    number: str | None = None
    columns: list[str | None] = field(default_factory=list)
    count: int = 0
    file_no: int | None = None
    last: RecipientRow | None = None
    header_seen_on_page: int = -1


class Walker:
    """Walks rows once; `result` accumulates the records."""

    def __init__(self, spec: FormSpec, result: DocumentResult) -> None:
        self.spec = spec
        self.result = result
        self.doc_id = result.document.doc_id
        self.ctx = Context()
        self.annex = AnnexState()
        self.cover_pending: list[tuple[Cell, Field]] = []
        self.annex_refs: dict[str, int] = {}
        self.parts_seen: set[str] = set()

    # ------------------------------------------------------------ entry

    def walk(self, rows: list[Row]) -> None:
        for row in rows:
            if row.free:
                self.free_line(label_text(row.cells[0]), row)
            elif self.heading_in_cell(row):
                continue
            elif self.ctx.in_annex:
                self.annex_row(row)
            elif self.ctx.part is None:
                self.cover_row(row)
            else:
                self.body_row(row)
        self.finish()

    # ------------------------------------------------------------ free text

    def free_line(self, text: str, row: Row) -> None:
        folded = fold(text)
        stamp = STAMP.search(folded)
        if stamp and not self.result.document.form_version:
            self.result.document.form_version = re.sub(r"\s+", "", stamp.group(1)).replace("月様式", "月 様式")
            return
        part = self.part_heading(folded)
        if part is not None:
            self.enter_part(part)
            return
        annex = ANNEX_HEAD.match(folded)
        if annex:
            self.enter_annex(folded, annex.group(2))
            return
        if self.ctx.in_annex:
            for kind, title, _ in self.spec.annex.titles:
                if label_key(title) in label_key(folded):
                    self.annex.kind = kind
                    self.annex.count = 0
                    self.annex.columns = []

    def heading_in_cell(self, row: Row) -> bool:
        """Part/annex headings printed inside a ruled cell (spreadsheet-style layouts)."""
        filled = [c for c in row.cells if not c.is_empty()]
        if len(filled) != 1 or len(filled[0].lines) > 2:
            return False
        folded = fold(label_text(filled[0]))
        if self.part_heading(folded) is None and not ANNEX_HEAD.match(folded) and not STAMP.search(folded):
            if not (self.ctx.in_annex and any(label_key(t) == label_key(folded) for _, t, _ in self.spec.annex.titles)):
                return False
        self.free_line(folded, row)
        return True

    def part_heading(self, text: str) -> Part | None:
        m = PART_HEAD.match(text)
        if not m:
            return None
        key = _ROMAN.get(m.group(1), m.group(1))
        rest = label_key(m.group(2))
        for part in self.spec.parts:
            if part.key == key and rest.startswith(label_key(part.title)[:6]):
                return part
        return None

    def enter_part(self, part: Part) -> None:
        self.close_block()
        self.parts_seen.add(part.key)
        # each Ⅱ heading starts a new file; later parts keep the last file for per-file rows
        self.ctx = Context(part=part, file=None if part.key == "II" else self.ctx.file)
        self.annex = AnnexState()

    def enter_annex(self, heading: str, number: str | None) -> None:
        self.close_block()
        self.ctx = Context(in_annex=True)
        self.annex = AnnexState(heading=heading, number=number)

    # ------------------------------------------------------------ cover

    def cover_row(self, row: Row) -> None:
        cells = [c for c in row.cells if not c.is_empty()]
        if self.cover_pending:
            for label_cell, fld in self.cover_pending:
                below = [c for c in row.cells if c.x0 < label_cell.x1 - 2 and c.x1 > label_cell.x0 + 2]
                if below:
                    self.assign_document(fld, cell_text(below[0]))
            self.cover_pending = []
            return
        matched = [(c, self.cover_field(label_text(c))) for c in cells]
        if len(cells) == 2 and matched[0][1] is not None and matched[1][1] is None:
            self.assign_document(matched[0][1], cell_text(cells[1]))
            return
        pending = [(c, f) for c, f in matched if f is not None]
        if pending and len(pending) == len(cells):
            self.cover_pending = pending

    def cover_field(self, text: str) -> Field | None:
        key = label_key(text)
        for fld in self.spec.cover:
            if key == fld.key:
                return fld
        return None

    def assign_document(self, fld: Field, text: str) -> None:
        column = fld.target.split(".", 1)[1]
        value: str | None = text or None
        if fld.kind == "date":
            value = self.date_value(text, fld.label)
        setattr(self.result.document, column, value)

    # ------------------------------------------------------------ body

    def body_row(self, row: Row) -> None:
        if all(c.is_empty() for c in row.cells):
            return
        if len(row.cells) == 1:
            self.single_cell(row.cells[0])
            return
        self.update_group(row)
        n_value = 2 if len(row.cells) >= 3 and _is_legend_cell(row.cells[-1]) else 1
        label_cell, value_cells = row.cells[-1 - n_value], row.cells[-n_value:]
        label = label_text(label_cell)
        if not label and len(row.cells) >= 2 + n_value:
            label = label_text(row.cells[0])
        if self.block_heading(label, cell_text(value_cells[0])):
            return
        self.label_value(label, value_cells)

    def update_group(self, row: Row) -> None:
        if len(row.cells) >= 3 and not row.cells[0].is_empty():
            first = row.cells[0]
            self.ctx.group = label_text(first)
            self.ctx.group_bottom = (first.page, first.y1)
        elif self.ctx.group_bottom:
            page, bottom = self.ctx.group_bottom
            if row.page != page or row.y0 >= bottom - 1:
                if len(row.cells) < 3:
                    self.ctx.group, self.ctx.group_bottom = None, None

    def single_cell(self, cell: Cell) -> None:
        text = cell_text(cell)
        if self.ctx.pending_below:
            target, self.ctx.pending_below = self.ctx.pending_below, None
            self.value_below(target, text)
            return
        first = label_text(cell) if len(cell.lines) <= 1 else clean_line(cell.lines[0].text)
        if self.block_heading(first, "", cell):
            return
        no = item_number(first)
        if no is not None and not re.match(r"^\s*[①-⑳]", first):
            self.enter_section(no, first)

    def enter_section(self, no: int, text: str) -> None:
        self.close_block()
        title = _SECTION_TAIL.sub("", strip_item_number(text)).strip()
        self.ctx.section_no, self.ctx.section = no, title
        self.ctx.risk_no, self.ctx.risk = None, None
        self.ctx.group = None
        part = self.ctx.part
        for vb in self.spec.value_below:
            if part and vb.part == part.key and label_key(vb.section) == label_key(title):
                self.ctx.pending_below = vb.target

    def value_below(self, target: str, text: str) -> None:
        first_line = text.split("\n", 1)[0]
        no = item_number(first_line)
        name = strip_item_number(first_line) or None
        if target == "files.name":
            file_no = no if no is not None else len(self.result.files) + 1
            self.ctx.file = FileRow(self.doc_id, file_no, name=name)
            self.result.files.append(self.ctx.file)
        elif target == "risk.file":
            self.ctx.risk_file_no = no if no is not None else self.file_no_by_name(name)

    def file_no_by_name(self, name: str | None) -> int | None:
        key = label_key(name or "")
        for f in self.result.files:
            if f.name and label_key(f.name) == key:
                return f.file_no
        return None

    # ------------------------------------------------------------ blocks

    def block_heading(self, label: str, value: str, cell: Cell | None = None) -> bool:
        part = self.ctx.part
        key, folded = label_key(label), fold(label)
        for blk in self.spec.blocks:
            if not part or blk.part != part.key or not key.startswith(label_key(blk.heading)):
                continue
            at = folded.find(blk.heading[-1])
            rest = folded[at + 1 :] if at >= 0 else ""
            if "～" in rest or "~" in rest:  # a group header like 委託事項2～5
                return True
            m = _BLOCK_NO.match(rest)
            number = int(m.group(1)) if m and m.group(1) else None
            if blk.name == "risk":
                if not re.match(r"^\s*\d{0,3}\s*[:：]", rest):
                    continue
                self.enter_risk(number, cell, label)
                return True
            if number is None:
                continue
            self.enter_block(blk.name, number, value)
            return True
        return False

    def enter_risk(self, number: int | None, cell: Cell | None, label: str) -> None:
        lines = [clean_line(ln.text) for ln in cell.lines] if cell else [label]
        titles = [re.sub(r"^リスク\s*\d*\s*[:：]\s*", "", ln).strip() for ln in lines]
        joined: list[str] = []
        for t in titles:  # a wrapped title continues; a new title ends in リスク
            if joined and not joined[-1].endswith("リスク"):
                joined[-1] += t
            else:
                joined.append(t)
        self.ctx.risk_no = number
        self.ctx.risk = "\n".join(t for t in joined if t) or None
        self.ctx.group = None

    def enter_block(self, name: str, number: int, value: str) -> None:
        self.close_block()
        self.ctx.block = name
        file_no = self.ctx.file.file_no if self.ctx.file else 1
        title = value or None
        if name == "system":
            self.ctx.system = SystemRow(self.doc_id, number, name=None)
        elif name == "entrustment":
            self.ctx.entrustment = EntrustmentRow(self.doc_id, file_no, number, title=title)
        else:
            kind = "provision" if name == "provision" else "transfer"
            listed = "reference" if title and _is_annex_pointer(title) else "body"
            self.ctx.recipient = RecipientRow(self.doc_id, file_no, kind, number, recipient=title, listed_in=listed)
            if listed == "reference":
                m = re.search(r"(別添|別紙)\s*(\d+)", fold(title))
                if m:
                    self.annex_refs[m.group(2)] = file_no

    def close_block(self) -> None:
        c = self.ctx
        if c.system is not None:
            self.result.systems.append(c.system)
        if c.entrustment is not None and _has_content(c.entrustment, ("title", "description", "contractor",
                                                                       "handlers_band", "file_scope")):
            self.result.entrustments.append(c.entrustment)
        if c.recipient is not None and _has_content(c.recipient, ("recipient", "legal_basis", "purpose",
                                                                   "information", "timing", "subjects_scope")):
            self.result.recipients.append(c.recipient)
        c.system = c.entrustment = c.recipient = None
        c.block = None

    # ------------------------------------------------------------ fields

    def label_value(self, label: str, value_cells: list[Cell]) -> None:
        part = self.ctx.part
        if part is None:
            return
        fld = self.find_field(label)
        if part.risks and self.is_choice(value_cells, label):
            self.risk_row(label, value_cells)
            if fld is None:
                return
        if fld is not None:
            self.apply(fld, value_cells)

    def is_choice(self, cells: list[Cell], label: str) -> bool:
        text = " ".join(c.text for c in cells) + " ".join(b.text for c in cells for b in c.inner)
        if LEGEND_MARK.search(fold(text)):
            return True
        return bool(self.spec.question_options(strip_item_number(label))) and "[" in fold(text)

    def find_field(self, label: str) -> Field | None:
        key = label_key(label)
        if not key:
            return None
        cands = [f for f in self.spec.fields if self.in_context(f)]
        for f in cands:
            if f.key == key:
                return f
        for f in cands:
            if len(f.key) >= 4 and difflib.SequenceMatcher(None, f.key, key).ratio() >= 0.88:
                return f
        return None

    def in_context(self, f: Field) -> bool:
        c = self.ctx
        if c.part is None or f.part != c.part.key:
            return False
        if f.block:
            if c.block not in f.block:
                return False
        elif c.block is not None and c.block != "risk":
            return False
        if f.section and (c.section is None or label_key(f.section) not in label_key(c.section)):
            return False
        return not (f.group and (c.group is None or label_key(f.group) not in label_key(c.group)))

    def apply(self, f: Field, cells: list[Cell]) -> None:
        table, _, column = f.target.partition(".")
        record = self.record_for(table)
        if record is None:
            return
        if f.kind == "checkbox":
            self.apply_checkbox(f, record, column, cells)
        elif f.kind == "flags":
            self.apply_flags(f, record, cells)
        elif f.kind == "choice":
            self.apply_choice(f, record, column, cells)
        elif f.kind == "date":
            setattr(record, column, self.date_value(cell_text(cells[-1]), f.label))
        else:
            setattr(record, column, cell_text(cells[-1]) or None)

    def record_for(self, table: str) -> object | None:
        c = self.ctx
        if table == "documents":
            return self.result.document
        if table == "files":
            if c.file is None:
                c.file = FileRow(self.doc_id, len(self.result.files) + 1)
                self.result.files.append(c.file)
            return c.file
        return {"systems": c.system, "entrustments": c.entrustment, "recipients": c.recipient}.get(table)

    def apply_checkbox(self, f: Field, record: object, column: str, cells: list[Cell]) -> None:
        hits = match_options([it for c in cells for it in cell_checkboxes(c)], f.options)
        if not hits:
            self.result.warn(f"no checkbox options were read for '{f.label}'")
            return
        if f.columns:
            cols = dict(f.columns)
            for h in hits:
                col = cols.get(label_key(h.option))
                if col:
                    setattr(record, col, h.checked)
        else:
            setattr(record, column, [h.option for h in hits if h.checked])
        if any(h.checked is None for h in hits):
            self.result.warn(f"a checkbox marker of '{f.label}' could not be read")
        other = next((h for h in hits if h.option == "その他"), None)
        if f.other_text and other is not None:
            setattr(record, f.other_text, paren_text(other.rest))
        if f.detail:
            details = [f"{h.option}({t})" for h in hits if h.checked and (t := paren_text(h.rest))]
            setattr(record, f.detail, details or None)

    def apply_flags(self, f: Field, record: object, cells: list[Cell]) -> None:
        hits = match_options([it for c in cells for it in cell_checkboxes(c)], f.options)
        flags = {label_key(lbl): (flag, count) for lbl, flag, count in f.flags}
        for h in hits:
            target = flags.get(label_key(h.option))
            if not target:
                continue
            setattr(record, target[0], h.checked)
            _, n = parse_count(h.rest)
            setattr(record, target[1], n)

    def apply_choice(self, f: Field, record: object, column: str, cells: list[Cell]) -> None:
        choice = parse_choice(cells)
        answer, _, found = resolve_answer(choice.answer, choice.legend, f.options)
        if not found:
            self.result.warn(f"'{f.label}': the answer '{answer}' is not one of its ＜選択肢＞ options")
        if f.true_if:
            setattr(record, column, None if answer is None else label_key(answer) == label_key(f.true_if))
        else:
            setattr(record, column, answer)
        if f.count:
            has, n = parse_count(choice.count_text)
            if has:
                setattr(record, f.count, n)

    def risk_row(self, label: str, cells: list[Cell]) -> None:
        c = self.ctx
        question = strip_item_number(label)
        choice = parse_choice(cells)
        answer, code, found = resolve_answer(choice.answer, choice.legend, self.spec.question_options(question))
        where = f"{c.part.numeral if c.part else ''}{c.section_no or ''}"
        if not found:
            self.result.warn(f"{where} '{question}': the answer '{answer}' is not one of its ＜選択肢＞ options")
        per_file = bool(c.part and c.part.per_file)
        file_no = (c.risk_file_no or (c.file.file_no if c.file else None) or 1) if per_file else None
        self.result.risk_ratings.append(RiskRow(
            self.doc_id, file_no, c.part.key if c.part else "", c.section_no, c.section,
            c.risk_no, c.risk, question, answer, code,
        ))

    def date_value(self, text: str, label: str) -> str | None:
        if not text or text.strip() in ("－", "-", "ー"):
            return None
        iso = parse_date(text)
        if iso is None:
            self.result.warn(f"the date of '{label}' could not be read: '{text}'")
        return iso

    # ------------------------------------------------------------ annex lists

    def annex_row(self, row: Row) -> None:
        st = self.annex
        if st.kind is None:
            return
        texts = [label_key(label_text(c)) for c in row.cells]
        name_header = next(h for k, _, h in self.spec.annex.titles if k == st.kind)
        if any(t == label_key(name_header) for t in texts) and any("法令上の根拠" in t for t in texts):
            st.columns = [self.annex_column(t, name_header) for t in texts]
            st.header_seen_on_page = row.page
            return
        if not st.columns or len(row.cells) < 3:
            return
        values = {col: cell_text(c) for col, c in zip(st.columns, row.cells, strict=False) if col}
        if not values.get("recipient") and st.last is not None and st.header_seen_on_page == row.page:
            self.extend_annex_row(st.last, values)
            return
        st.count += 1
        rec = RecipientRow(self.doc_id, self.annex_file_no(), st.kind, st.count, listed_in="annex")
        for col, text in values.items():
            setattr(rec, col, [text] if col == "methods" and text else (text or None))
        self.result.recipients.append(rec)
        st.last = rec
        st.header_seen_on_page = -1

    def annex_column(self, header: str, name_header: str) -> str | None:
        if header == label_key(name_header):
            return "recipient"
        for fragment, column in self.spec.annex.columns:
            if fragment in header:
                return column
        return None

    def extend_annex_row(self, rec: RecipientRow, values: dict[str, str]) -> None:
        for col, text in values.items():
            if not text:
                continue
            if col == "methods":
                rec.methods = [(rec.methods or [""])[0] + text]
            else:
                setattr(rec, col, (getattr(rec, col) or "") + text)

    def annex_file_no(self) -> int | None:
        st = self.annex
        if st.file_no is not None:
            return st.file_no
        m = re.search(r"[（(]\s*(\d+)\s*[.．]?\s*([^)）]*)[)）]", st.heading)
        if m and any(f.file_no == int(m.group(1)) for f in self.result.files):
            st.file_no = int(m.group(1))
        elif st.number and st.number in self.annex_refs:
            st.file_no = self.annex_refs[st.number]
        else:
            st.file_no = self.result.files[0].file_no if self.result.files else 1
        return st.file_no

    # ------------------------------------------------------------ end

    def finish(self) -> None:
        self.close_block()
        self.check_counts()
        for part in self.spec.parts:
            if part.key not in self.parts_seen:
                self.result.warn(f"section {part.numeral} {part.title} was not found")

    def check_counts(self) -> None:
        for f in self.result.files:
            n_rows = sum(1 for e in self.result.entrustments if e.file_no == f.file_no)
            if f.n_entrustments is not None and n_rows and f.n_entrustments != n_rows:
                self.result.warn(
                    f"file {f.file_no}: 委託 count says {f.n_entrustments} but {n_rows} 委託事項 blocks were read"
                )


def _is_legend_cell(cell: Cell) -> bool:
    return bool(LEGEND_MARK.search(fold(cell.text))) and "[" not in fold(cell.text)


def _is_annex_pointer(text: str) -> bool:
    s = fold(text)
    return bool(re.search(r"(別添|別紙)\s*\d*", s)) and ("参照" in s or "一覧" in s)


def _has_content(record: object, columns: tuple[str, ...]) -> bool:
    for col in columns:
        v = getattr(record, col)
        if v and str(v).strip() and label_key(str(v)) not in ("該当なし", "なし", "-", "－"):
            return True
    return False
