"""The records a 概要 summary fills: systems, files, entrustments and recipients, kept by number.

A value reaches its column through `store` (by the label's kind); rows of the small tables
(委託, 提供先/移転先) through `entrustment_row` / `recipient_row`; `finish` hands the records to
the document result in order and infers 委託/提供/移転 flags from the rows read.
"""

from __future__ import annotations

from extractor.forms.events import Where
from extractor.forms.provenance import settle_pages, touch
from extractor.model import DocumentResult, EntrustmentRow, FileRow, RecipientRow, SystemRow
from extractor.normalise import clean_line, fold, join_lines, parse_date
from extractor.text.summary_values import (
    FILE_NO,
    file_name,
    find_items,
    find_option,
    int_of,
    kind_of,
    mark_value,
    methods_of,
)
from extractor.text.summary_vocab import SummaryLabel, vocab

TableValues = dict[str, list[str]]  # table column (file, no, title, ...) -> the cell's lines


def store(record: object, label: SummaryLabel, value: str) -> None:
    """`value` on `record` in the label's column, read the way its kind says (a date, a band, an item list)."""
    column = label.column
    if label.kind == "date":
        setattr(record, column, parse_date(value))
    elif label.kind == "band":
        band = find_option(value, vocab().options(label))
        if band is not None:
            setattr(record, column, band)
    elif label.kind == "items":
        items = find_items(value, vocab().options(label))
        if items:
            setattr(record, column, items)
    else:
        setattr(record, column, value)


class SummaryRecords:
    def __init__(self, result: DocumentResult) -> None:
        self.result = result
        self.doc_id = result.document.doc_id
        self.systems: dict[int, SystemRow] = {}
        self.files: dict[int, FileRow] = {}
        self.entrust: dict[tuple[int, int], EntrustmentRow] = {}
        self.entrust_fill: list[EntrustmentRow] = []
        self.recipients: list[RecipientRow] = []
        self.where = Where()  # where the unit being read was printed (provenance of what it fills)

    def system(self, no: int) -> SystemRow:
        if no not in self.systems:
            self.systems[no] = SystemRow(self.doc_id, no)
        touch(self.systems[no], self.where)
        return self.systems[no]

    def file(self, no: int) -> FileRow:
        if no not in self.files:
            self.files[no] = FileRow(self.doc_id, no)
        touch(self.files[no], self.where)
        return self.files[no]

    def single_file_no(self) -> int:
        return min(self.files) if len(self.files) == 1 else 1

    def entrustment(self, file_no: int, no: int) -> EntrustmentRow:
        key = (file_no, no)
        if key not in self.entrust:
            self.entrust[key] = EntrustmentRow(self.doc_id, file_no, no)
        touch(self.entrust[key], self.where)
        return self.entrust[key]

    def file_names(self, lines: list[str]) -> None:
        """`(1)住民記録ファイル (2)…` or a lone `…ファイル` line: the files of the document."""
        v = vocab()
        for line in lines:
            text = clean_line(fold(line)).lstrip(f"-{v.marks.bullet} ")
            for m in v.patterns.listed_file.finditer(text):
                self.file(int(m.group(1))).name = file_name(m.group(2))
            if not FILE_NO.match(text) and text.endswith(v.words.file) and not self.files:
                self.file(1).name = file_name(text)

    # ------------------------------------------------------------ table rows

    def entrustment_row(self, values: TableValues) -> None:
        file_no = int_of(values.get("file")) or self.single_file_no()
        no = int_of(values.get("no"))
        if no is not None:
            rec = self.entrustment(file_no, no)
        else:
            waiting = [e for e in sorted(self.entrust.values(), key=lambda e: (e.file_no, e.entrustment_no))
                       if e not in self.entrust_fill]
            rec = waiting[0] if waiting else self.entrustment(file_no, len(self.entrust) + 1)
        self.entrust_fill.append(rec)
        if values.get("title"):
            rec.title = join_lines(values["title"])
        if values.get("description"):
            rec.description = join_lines(values["description"])
        if values.get("methods"):
            rec.provision_methods = methods_of(values["methods"])
        if values.get("contractor"):
            rec.contractor = join_lines(values["contractor"])
        if values.get("subcontracting"):
            rec.subcontracting = mark_value("".join(values["subcontracting"]))

    def recipient_row(self, values: TableValues, header_kind: str | None) -> None:
        kind = kind_of("".join(values.get("kind", []))) or header_kind
        if kind is None or not values.get("recipient"):
            return
        file_no = int_of(values.get("file")) or self.single_file_no()
        no = int_of(values.get("no"))
        if no is None:
            no = 1 + sum(1 for r in self.recipients if r.file_no == file_no and r.kind == kind)
        rec = RecipientRow(self.doc_id, file_no, kind, no, listed_in="summary")
        touch(rec, self.where)
        rec.recipient = join_lines(values["recipient"])
        rec.purpose = join_lines(values["purpose"]) if values.get("purpose") else None
        rec.information = join_lines(values["information"]) if values.get("information") else None
        rec.methods = methods_of(values["methods"]) if values.get("methods") else None
        self.recipients.append(rec)

    # ------------------------------------------------------------ end

    def finish(self) -> None:
        res = self.result
        res.systems.extend(self.systems[k] for k in sorted(self.systems))
        res.files.extend(self.files[k] for k in sorted(self.files))
        res.entrustments.extend(e for _, e in sorted(self.entrust.items()))
        res.recipients.extend(self.recipients)
        settle_pages(res)
        for r in res.recipients:
            r.is_reference = False
        for f in res.files:
            if f.entrusted is None and any(e.file_no == f.file_no for e in res.entrustments):
                f.entrusted = True
            if f.provides is None and any(r.file_no == f.file_no and r.kind == "provision" for r in res.recipients):
                f.provides = True
            if f.transfers is None and any(r.file_no == f.file_no and r.kind == "transfer" for r in res.recipients):
                f.transfers = True
        if not res.files and not res.systems:
            res.warn("the 概要 had no recognisable システム or ファイル section")
