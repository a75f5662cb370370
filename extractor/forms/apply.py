"""Stage 6 — how a field's value reaches its record: one function per field kind.

Pure in what they read (a `ValueSource`, the field's spec) and small in what they write
(the field's typed target columns).  Warnings name the field; the binder decides status.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from extractor.forms.choices import (
    OptionHit,
    Resolved,
    match_options,
    option_named,
    paren_text,
    resolve_answer,
    resolve_misread,
)
from extractor.forms.events import AnnexRow, ChoiceRead, Labeled, ValueSource, Where
from extractor.forms.lookup import ocr_question, ocr_risk_title
from extractor.forms.patterns import patterns
from extractor.forms.spec import Field, FormSpec
from extractor.model import ROW_TYPES, DocumentResult, FileRow, RecipientRow, RiskRow
from extractor.normalise import fold, label_key, parse_count, parse_date, strip_item_number

if TYPE_CHECKING:
    from extractor.forms.bind import AnnexState, Binder

_BLANK_DATES = ("－", "-", "ー")


def apply_field(binder: Binder, f: Field, record: Any, value: ValueSource, where: Where) -> None:
    """Read `value` the way field `f` needs and store it on `record`."""
    kind_handlers = {"checkbox": _checkbox, "flags": _flags, "choice": _choice, "date": _date, "text": _text}
    if kind_handlers[f.kind](binder, f, record, value):
        binder.mark_read(record, f)
    binder.touch(record, where)


def resolve(choice: ChoiceRead, options: tuple[str, ...], ocr: bool = False) -> Resolved:
    """The one choice policy: the option's text when the answer names exactly one option (printed legend
    first, then the form's option set); an answer that names none (cut off, garbled) is left empty —
    the caller warns with the printed text — because a wrong value is worse than a missing one.  An
    answer read by OCR (`ocr`) may also be one misread character away from a single option."""
    resolved = resolve_answer(choice.answer, choice.legend, options)
    if not ocr:
        return resolved
    if not resolved.found:
        resolved = resolve_misread(choice.answer, choice.legend, options)
    if resolved.found and resolved.text is not None and options and resolved.text not in options:
        # found only in a printed legend, which OCR read too (`1,099人以上` in both): the form's own
        # options settle it, or nothing does
        resolved = resolve_misread(choice.answer, (), options)
    return resolved


def _text(binder: Binder, f: Field, record: Any, value: ValueSource) -> bool:
    setattr(record, f.column, value.text() or None)
    return True


def _date(binder: Binder, f: Field, record: Any, value: ValueSource) -> bool:
    text = value.text()
    iso = date_value(binder.result, text, f.label)
    setattr(record, f.column, iso)
    return iso is not None or not text.strip() or text.strip() in _BLANK_DATES


def date_value(result: DocumentResult, text: str, label: str) -> str | None:
    if not text or text.strip() in _BLANK_DATES:
        return None
    iso = parse_date(text)
    if iso is None:
        result.gap(f"the date of '{label}' could not be read: '{text}'")
    return iso


def _choice(binder: Binder, f: Field, record: Any, value: ValueSource) -> bool:
    choice = value.choice()
    resolved = resolve(choice, binder.spec.options_of(f), bool(binder.result.document.ocr_pages))
    if not resolved.found:
        binder.result.gap(f"'{f.label}': the printed answer '{resolved.printed}' is not one of its ＜選択肢＞ options; "
                          f"left empty")
    if f.true_if:
        answer = resolved.text
        setattr(record, f.column, None if answer is None else label_key(answer) == label_key(f.true_if))
    else:
        setattr(record, f.column, resolved.text)
    has_count = False
    if f.count:
        has_count, n = parse_count(choice.count_text)
        if has_count:
            setattr(record, f.count, n)
    printed = choice.answer is not None or value.has_bracket()
    return resolved.found and printed and (has_count or not f.count)


def _checkbox(binder: Binder, f: Field, record: Any, value: ValueSource) -> bool:
    hits = match_options(value.checks(), binder.spec.options_of(f))
    if hits:
        _store_checks(binder, f, record, hits)
    if f.other_text and getattr(record, f.other_text) is None and (orphan := value.orphan_other()):
        setattr(record, f.other_text, orphan)
        binder.result.gap(f"'{f.label}': the その他 box is missing; its text was read from the next line")
    return bool(hits) and all(h.checked is not None for h in hits)


def _store_checks(binder: Binder, f: Field, record: Any, hits: list[OptionHit]) -> None:
    if f.columns:
        columns = {label_key(k): v for k, v in f.columns.items()}
        for h in hits:
            column = columns.get(label_key(h.option))
            if column:
                setattr(record, column, h.checked)
    elif all(h.checked is not None for h in hits):
        setattr(record, f.column, [h.option for h in hits if h.checked])
    if any(h.checked is None for h in hits):
        binder.result.gap(f"a checkbox marker of '{f.label}' could not be read")
    other = next((h for h in hits if h.option == patterns().words.other_option), None)
    if f.other_text and other is not None:
        setattr(record, f.other_text, paren_text(other.rest))
    if f.detail:
        details = [f"{h.option}({t})" for h in hits if h.checked and (t := paren_text(h.rest))]
        setattr(record, f.detail, details or None)


def _flags(binder: Binder, f: Field, record: Any, value: ValueSource) -> bool:
    hits = match_options(value.checks(), binder.spec.options_of(f))
    flags = {label_key(option): columns for option, columns in f.flags.items()}
    for h in hits:
        columns = flags.get(label_key(h.option))
        if not columns:
            continue
        _, n = parse_count(h.rest)
        checked = h.checked
        if checked is False and n:  # "[ ] 提供を行っている ( 1 ) 件": a count beside an empty box, a lost mark
            checked = None
            binder.result.gap(f"'{f.label}' {h.option}: its box reads empty but its count is {n}; left empty")
        setattr(record, columns[0], checked)
        setattr(record, columns[1], n)
    return bool(hits)


def bind_risk_row(binder: Binder, e: Labeled) -> None:
    """A ＜選択肢＞ answer in a risk part: a risk_ratings row in the current section and risk."""
    st = binder.state
    question = strip_item_number(e.label)
    part = st.part.key if st.part else ""
    if binder.result.document.ocr_pages:
        question = ocr_question(binder.spec, part, question)
    resolved = resolve(e.value.choice(), binder.spec.question_options(question), bool(binder.result.document.ocr_pages))
    if not resolved.found:
        where = f"{st.part.numeral if st.part else ''}{st.section_no or ''}"
        binder.result.gap(f"{where} '{question}': the printed answer '{resolved.printed}' is not one of its "
                          f"＜選択肢＞ options; left empty")
    per_file = bool(st.part and st.part.per_file)
    file_no = (st.risk_file_no or (st.file.file_no if st.file else None) or 1) if per_file else None
    risk = st.risk
    if binder.result.document.ocr_pages:
        risk = ocr_risk_title(binder.spec, part, st.section_no, st.risk_no, risk)
    section_no, section = _section_of_question(binder, part, question, e.where)
    row = RiskRow(binder.doc_id, file_no, part, section_no, section, st.risk_no, risk, question,
                  resolved.text, resolved.code)
    binder.result.risk_ratings.append(row)
    binder.touch(row, e.where)
    if section_no is None and per_file:
        st.unsectioned.append(row)


def _section_of_question(binder: Binder, part: str, question: str, where: Where) -> tuple[int | None, str | None]:
    """The section a risk question is rated in: the open one, unless the form prints the question in
    one other section of the part only — then that section's heading was missed (a misread scan, a
    dump that lost it) and the question itself says where it belongs."""
    st = binder.state
    own = binder.spec.own_section(part, question)
    if own is None or own.section == st.section_no:
        return st.section_no, st.section
    if st.section_no is not None:
        page = f" (page {where.page})" if where.page else ""
        binder.result.warn(f"'{question}'{page} is a question of section {own.section} {own.title}, read under "
                           f"section {st.section_no}: its own section's heading was missed; rated in {own.section}")
    return own.section, own.title


# ---------------------------------------------------------------- names, one record each

_NAME_SPLIT = re.compile(r"\n|、(?![^（(]*[)）])")  # a line break, or 、 outside brackets


def names_of(text: str) -> list[str]:
    """`国民健康保険システム\n中間サーバー` or `Aシステム、Bシステム` -> one name each (bullets stripped)."""
    names = (n.strip().lstrip("・･-－ ").strip() for n in _NAME_SPLIT.split(text))
    return [n for n in names if n]


def names_to_rows(binder: Binder, f: Field, value: ValueSource, where: Where) -> None:
    """A list of names printed in one cell (様式2 Ⅰ1③ システムの名称): one record per name, numbered 1, 2, …"""
    table = getattr(binder.result, f.table)
    row_type = ROW_TYPES[f.table]
    names = names_of("\n".join(value.items()))
    for name in names:
        record = row_type(doc_id=binder.doc_id, **{f.number or "": len(table) + 1, f.column: name})
        table.append(record)
        binder.touch(record, where)
    if names:
        binder.mark_read(binder.result.document, f)


# ---------------------------------------------------------------- annex lists


def bind_annex_row(binder: Binder, st: AnnexState, e: AnnexRow) -> None:
    """A row of an annexed 提供先一覧/移転先一覧: a recipient numbered in list order, or the rest of the last one."""
    if st.kind is None:
        return
    if e.continues and st.last is not None:
        extend_annex_row(st.last, e.values)
    else:
        if st.file_no is None:
            st.file_no = annex_file_no(st.heading, st.number, binder.result.files, binder.annex_refs)
        st.count += 1
        st.last = RecipientRow(binder.doc_id, st.file_no, st.kind, st.count, listed_in="annex")
        ocr = bool(binder.result.document.ocr_pages)
        for col, printed in e.values.items():
            text: str | None = printed
            if printed and ocr and (options := binder.spec.recipient_choices.get(col)):
                text = _ocr_annex_choice(binder, col, printed, options)
            elif printed and ocr and (boxes := binder.spec.recipient_boxes.get(col)):
                text = option_named(printed, boxes) or printed  # not an option: free text, kept as read
            setattr(st.last, col, [text] if col == "methods" and text else (text or None))
        binder.result.recipients.append(st.last)
    binder.touch(st.last, e.where)


def _ocr_annex_choice(binder: Binder, col: str, text: str, options: tuple[str, ...]) -> str | None:
    """An annex list's choice cell read by OCR: one of the form's options, or empty with a warning
    (a band whose zeros OCR misread is its band, `resolve_misread`; anything else is not guessed)."""
    resolved = resolve(ChoiceRead(fold(text), (), ""), options, ocr=True)
    if not resolved.found or resolved.text is None:
        binder.result.gap(f"annex list column '{col}': '{text}' read by OCR is not one of its options; left empty")
        return None
    return resolved.text


def extend_annex_row(rec: RecipientRow, values: dict[str, str]) -> None:
    """The rest of an annex row cut by a page break: each cell's text appended to the row above."""
    for col, text in values.items():
        if not text:
            continue
        if col == "methods":
            rec.methods = [(rec.methods or [""])[0] + text]
        else:
            setattr(rec, col, (getattr(rec, col) or "") + text)


_FILE_IN_HEADING = re.compile(r"[（(]\s*(\d+)\s*[.．]?\s*([^)）]*)[)）]")


def annex_file_no(heading: str, number: str | None, files: list[FileRow], refs: dict[str, int]) -> int:
    """The file an annex list belongs to: named in its heading, else the file whose Ⅱ5 points to it."""
    m = _FILE_IN_HEADING.search(heading)
    if m and any(f.file_no == int(m.group(1)) for f in files):
        return int(m.group(1))
    if number and number in refs:
        return refs[number]
    return files[0].file_no if files else 1


def check_counts(spec: FormSpec, result: DocumentResult) -> None:
    """The counts the form prints (委託 （ N ）件, 提供を行っている （ N ）件 …) against the rows read, per file."""
    for c in spec.counts:
        block = spec.block(c.rows)
        if block is None or block.table is None:
            continue
        records = [r for r in getattr(result, block.table)
                   if all(getattr(r, k) == v for k, v in block.set.items()) and not getattr(r, "is_reference", False)]
        for f in result.files:
            printed = getattr(f, c.count.partition(".")[2])
            if printed is None or not getattr(f, c.when.partition(".")[2]):
                continue
            rows = sum(1 for r in records if r.file_no == f.file_no)
            if printed != rows:
                result.gap(f"file {f.file_no}: the {c.label} count printed ({printed}) does not match "
                           f"the {rows} rows read")
