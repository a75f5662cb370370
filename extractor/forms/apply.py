"""Stage 6 — how a field's value reaches its record: one function per field kind.

Pure in what they read (a `ValueSource`, the field's spec) and small in what they write
(the field's typed target columns).  Warnings name the field; the binder decides status.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from extractor.forms.choices import OptionHit, Resolved, match_options, paren_text, resolve_answer
from extractor.forms.events import ChoiceRead, ValueSource, Where
from extractor.forms.patterns import patterns
from extractor.forms.spec import Field
from extractor.model import DocumentResult, FileRow, RecipientRow
from extractor.normalise import label_key, parse_count, parse_date

if TYPE_CHECKING:
    from extractor.forms.bind import Binder

_BLANK_DATES = ("－", "-", "ー")


def apply_field(binder: Binder, f: Field, record: Any, value: ValueSource, where: Where) -> None:
    """Read `value` the way field `f` needs and store it on `record`."""
    kind_handlers = {"checkbox": _checkbox, "flags": _flags, "choice": _choice, "date": _date, "text": _text}
    kind_handlers[f.kind](binder, f, record, value)
    binder.touch(record, where)


def resolve(choice: ChoiceRead, options: tuple[str, ...]) -> Resolved:
    return resolve_answer(choice.answer, choice.legend, options)


def _text(binder: Binder, f: Field, record: Any, value: ValueSource) -> None:
    setattr(record, f.column, value.text() or None)


def _date(binder: Binder, f: Field, record: Any, value: ValueSource) -> None:
    setattr(record, f.column, date_value(binder.result, value.text(), f.label))


def date_value(result: DocumentResult, text: str, label: str) -> str | None:
    if not text or text.strip() in _BLANK_DATES:
        return None
    iso = parse_date(text)
    if iso is None:
        result.warn(f"the date of '{label}' could not be read: '{text}'")
    return iso


def _choice(binder: Binder, f: Field, record: Any, value: ValueSource) -> None:
    choice = value.choice()
    resolved = resolve(choice, binder.spec.options_of(f))
    if not resolved.found:
        binder.result.warn(f"'{f.label}': the answer '{resolved.text}' is not one of its ＜選択肢＞ options")
    if f.true_if:
        answer = resolved.text
        setattr(record, f.column, None if answer is None else label_key(answer) == label_key(f.true_if))
    else:
        setattr(record, f.column, resolved.text)
    if f.count:
        has, n = parse_count(choice.count_text)
        if has:
            setattr(record, f.count, n)


def _checkbox(binder: Binder, f: Field, record: Any, value: ValueSource) -> None:
    hits = match_options(value.checks(), binder.spec.options_of(f))
    if hits:
        _store_checks(binder, f, record, hits)
    else:
        binder.result.warn(f"no checkbox options were read for '{f.label}'")
    if f.other_text and getattr(record, f.other_text) is None and (orphan := value.orphan_other()):
        setattr(record, f.other_text, orphan)
        binder.result.warn(f"'{f.label}': the その他 box is missing; its text was read from the next line")


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
        binder.result.warn(f"a checkbox marker of '{f.label}' could not be read")
    other = next((h for h in hits if h.option == patterns().words.other_option), None)
    if f.other_text and other is not None:
        setattr(record, f.other_text, paren_text(other.rest))
    if f.detail:
        details = [f"{h.option}({t})" for h in hits if h.checked and (t := paren_text(h.rest))]
        setattr(record, f.detail, details or None)


def _flags(binder: Binder, f: Field, record: Any, value: ValueSource) -> None:
    hits = match_options(value.checks(), binder.spec.options_of(f))
    flags = {label_key(option): columns for option, columns in f.flags.items()}
    for h in hits:
        columns = flags.get(label_key(h.option))
        if not columns:
            continue
        setattr(record, columns[0], h.checked)
        _, n = parse_count(h.rest)
        setattr(record, columns[1], n)


# ---------------------------------------------------------------- annex lists


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


def check_counts(result: DocumentResult) -> None:
    for f in result.files:
        n_rows = sum(1 for e in result.entrustments if e.file_no == f.file_no)
        if f.n_entrustments is not None and n_rows and f.n_entrustments != n_rows:
            result.warn(f"file {f.file_no}: 委託 count says {f.n_entrustments} but {n_rows} 委託事項 blocks were read")
