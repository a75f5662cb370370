"""Ⅰ and Ⅱ values of a scrambled dump, anchored on the form's printed labels.

A value is read when it is printed with its label (`⑤保有開始日 平成２７年６月`,
`②対象となる本人の数 [ 10万人以上…`) or right under it in the same block; a
choice whose option set is printed only once in the file's pages (ファイルの種類,
記録される項目, 期間, 委託の有無) is read wherever its `[ answer` stands, and one
that several rows share (本人の数, 使用者数) only when all of them agree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractor.dump_pages import Page
from extractor.dump_risks import _line_values
from extractor.model import DocumentResult, FileRow
from extractor.normalise import parse_count, parse_date
from extractor.spec import FormSpec, option_sets
from extractor.text_walk import repair_options

_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩"
_FILE_NAME = re.compile(r"^(\d{1,2})\s*[.．]\s*(\S.*ファイル)$")


@dataclass(frozen=True)
class FieldDef:
    label: str  # printed, without its circled number
    column: str
    kind: str  # text | date | choice:<set> | shared:<set>


FILE_FIELDS = (
    FieldDef("ファイルの種類", "file_type", "choice:FTYPE"),
    FieldDef("対象となる本人の数", "subjects_band", "shared:PERS"),
    FieldDef("対象となる本人の範囲", "subjects_scope", "text"),
    FieldDef("記録される項目", "items_band", "choice:ITEMS"),
    FieldDef("保有開始日", "holding_start", "date"),
    FieldDef("事務担当部署", "department", "text"),
    FieldDef("使用者数", "users_band", "shared:STAFF"),
    FieldDef("使用開始日", "use_start", "date"),
    FieldDef("委託の有無", "entrusted", "choice:ITAKU"),
    FieldDef("期間", "retention_band", "choice:PERIOD"),
)
_FLAGS = (("提供を行っている", "provides", "n_provisions"), ("移転を行っている", "transfers", "n_transfers"))


def _key(text: str) -> str:
    return re.sub(r"[\s※]", "", text)


def labelled(pages: list[Page], label: str) -> list[tuple[str, list[str]]]:
    """(text after the label on its line, lines of the same block below it) for each line starting with the label."""
    out = []
    for page in pages:
        lines = page.lines
        for k, line in enumerate(lines):
            key = _key(line.text).lstrip(_CIRCLED)
            if not key.startswith(label) or (key != label and key[len(label)] not in "[［" and
                                              not line.text.lstrip(" " + _CIRCLED).startswith(label + " ")):
                continue
            rest = line.text.split(label, 1)[1].strip(" ※")
            below = []
            for nxt in lines[k + 1 :]:
                if nxt.gap:
                    break
                below.append(nxt.text)
            out.append((rest, below))
    return out


def _choice_values(pages: list[Page], options: tuple[str, ...]) -> list[str]:
    return [v for page in pages for line in page.lines for v in _line_values(line.text, set(options))]


def read_value(pages: list[Page], fld: FieldDef) -> str | bool | None:
    hits = labelled(pages, fld.label)
    if fld.kind == "date":
        dates = {parse_date(rest) for rest, _ in hits if parse_date(rest)}
        return dates.pop() if len(dates) == 1 else None
    if fld.kind == "text":
        texts = {(rest + "".join(below)) if rest else "".join(below) for rest, below in hits if len(hits) == 1}
        return texts.pop() or None if texts else None
    set_name = fld.kind.split(":", 1)[1]
    options = repair_options(option_sets()[0][set_name])
    own = {v for rest, _ in hits for v in _line_values(rest, set(options))}
    if len(own) == 1:
        return own.pop()
    anywhere = set(_choice_values(pages, options))
    if len(anywhere) == 1 and (fld.kind.startswith("choice") or hits):
        return anywhere.pop()
    return None


def read_document_fields(spec: FormSpec, pages: list[Page], where: dict[str, list[int]],
                         result: DocumentResult) -> None:
    """Ⅰ1 ①事務の名称 and ③対象人数."""
    start = min(where.get("I", [0]))
    end = min(where.get("II", [len(pages)]))
    region = pages[max(0, start - 1) : end]
    names = {rest for rest, _ in labelled(region, "事務の名称") if rest}
    if len(names) == 1:
        result.document.affair_name = names.pop()
    band = read_value(region, FieldDef("対象人数", "target_population", "choice:POP5"))
    if isinstance(band, str):
        result.document.target_population = band


def read_files(spec: FormSpec, pages: list[Page], where: dict[str, list[int]], result: DocumentResult) -> int:
    """One FileRow per Ⅱ section; returns the number of files."""
    starts = where.get("II", [])
    stops = sorted(k for key, ks in where.items() if key != "II" for k in ks)
    for n, start in enumerate(starts, start=1):
        end = starts[n] if n < len(starts) else next((k for k in stops if k > start), len(pages))
        region = pages[start:end]
        result.files.append(read_file(region, n, result))
    return len(starts)


def read_file(region: list[Page], default_no: int, result: DocumentResult) -> FileRow:
    file_no, name = _file_name(region, default_no)
    rec = FileRow(result.document.doc_id, file_no, name=name)
    for fld in FILE_FIELDS:
        value = read_value(region, fld)
        if fld.column == "entrusted":
            value = None if value is None else value == "委託する"
        if value is not None:
            setattr(rec, fld.column, value)
    _read_flags(region, rec)
    return rec


def _file_name(region: list[Page], default_no: int) -> tuple[int, str | None]:
    for page in region:
        for line in page.lines:
            m = _FILE_NAME.match(line.text)
            if m and "特定個人情報ファイル名" not in line.text:
                return int(m.group(1)), m.group(2).strip()
    return default_no, None


def _read_flags(region: list[Page], rec: FileRow) -> None:
    """`[ ○ ] 提供を行っている （ 58 ） 件`: a box printed with its label, and the count beside it."""
    for label, flag, count in _FLAGS:
        for page in region:
            for line in page.lines:
                m = re.search(rf"(\[\s*(○|◯)?\s*\]\s*)?{label}(.*)$", line.text)
                if not m:
                    continue
                if m.group(1):
                    setattr(rec, flag, m.group(2) is not None)
                has, n = parse_count(m.group(3))
                if has:
                    setattr(rec, count, n)
