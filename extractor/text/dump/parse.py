"""Plain text dumps of a form PDF whose reading order is lost (no table structure left).

What the text still determines is read, anchored on the form's own printed labels;
what it cannot settle is left null with a plain-words warning and the document is
marked `partial`:
- the cover's typed values (the one date, the one number, the one 〜評価書 title, the 長);
- `label [ value` and `label value` lines of Ⅰ and Ⅱ, bands validated against the option sets;
- システムN with the ①システムの名称 printed under it, and its ②システムの機能 block;
- 提供先N / 移転先N blocks, where a value can only belong to one block (`dump_fields`);
- Ⅲ/Ⅳ choice answers placed on the form's question outline (`dump_risks`);
- the annexed 提供先一覧 / 移転先一覧 rebuilt from their blocks (`dump_annex`).
"""

from __future__ import annotations

import re

from extractor.forms.spec import FormSpec
from extractor.model import DocumentResult
from extractor.normalise import parse_date
from extractor.text.dump.annex import read_annex_lists
from extractor.text.dump.fields import read_document_fields, read_files, read_systems
from extractor.text.dump.pages import Page, part_pages, split_pages
from extractor.text.dump.risks import read_risk_answers

_DATE_ONLY = re.compile(r"^(?:(?:令和|平成|昭和)(?:元|\d{1,2})|\d{4})年\d{1,2}月\d{1,2}日$")


def parse_dump(text: str, spec: FormSpec, result: DocumentResult) -> None:
    pages = split_pages(text)
    titles = {p.key: p.title for p in spec.parts}
    where = part_pages(pages, titles)
    read_cover(pages[: max(1, min(where.get("I", [1])))], result)
    read_document_fields(spec, pages, where, result)
    read_systems(pages, where, result)
    n_files = read_files(spec, pages, where, result)
    n_risk_files = len(where.get("III", []))
    if n_risk_files != n_files:
        result.warn(f"the dump has {n_files} Ⅱ file sections but {n_risk_files} Ⅲ sections")
    read_risk_answers(spec, pages, where, n_risk_files or n_files, result)
    read_annex_lists(spec, pages, result, first_file=1)
    result.warn("the text is a dump without table structure: values whose place it does not determine are left empty")


def read_cover(pages: list[Page], result: DocumentResult) -> None:
    """The cover's values by their type; each only when exactly one line of that type is printed."""
    doc = result.document
    lines = [ln.text for page in pages for ln in page.lines]
    dates = [t for t in lines if _DATE_ONLY.match(t.replace(" ", ""))]
    numbers = [t for t in lines if re.fullmatch(r"\d{1,5}", t)]
    titles = [t for t in lines if t.endswith("評価書") and "特定個人情報保護評価書" not in t and len(t) < 80]
    heads = [t for t in lines if re.fullmatch(r"\S{1,20}(?:長|知事)", t) and "評価実施機関名" not in t]
    if len(dates) == 1:
        doc.published_on = parse_date(dates[0])
    if len(numbers) == 1:
        doc.assessment_no = numbers[0]
    if len(titles) == 1:
        doc.title = titles[0]
    if len(heads) == 1:
        doc.organization = heads[0]
