"""Stage 1 (scans) — values holding a character OCR read doubtfully are withheld, not guessed.

The OCR reader reads a line a second time when Tesseract is unsure of some glyph in it
(`ocr.recheck`); where the two readings differ, the first reading's glyphs are doubtful, and
the text around each (`ocr.doubtful_spans`) is kept per page.  After the records are bound, a
free-text value printed on that page that holds such a text is set to null with a warning that
names the table, the record, the column and the page: a misread character in a value is a
wrong value, and a wrong value is worse than a missing one (the document becomes `partial`).
The columns that tell a recipient row from its neighbours are the exception: they are kept,
with the same warning, since without them the row's other values could not be placed.

Columns whose value is settled against the form (an option, a band) or that identify a row are
not touched, nor a value that is the form's own wording (a risk title as the form's outline
prints it): their text is the form's, not OCR's.  A date is looked for as the form prints it
(`平成30年1月16日`), not as it is stored (`2018-01-16`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import fields
from typing import Any

from extractor.model import DocumentResult
from extractor.normalise import fold
from extractor.normalise.dates import printed_forms

MIN_SPAN = 3  # a doubtful text shorter than this (a short line) must be the whole value
# columns never withheld: the row's identity and values taken from the form's own wording
SETTLED = frozenset({"doc_id", "kind", "listed_in", "part", "section", "question", "answer", "file_type",
                     "subjects_band", "users_band", "handlers_band", "items_band", "retention_band",
                     "contractor_normalized", "contractor_branch"})
# the columns that tell a row from its neighbours (an annex lists 市町村長 for dozens of legal bases):
# a doubtful one is kept with a warning, since without it the row's other values cannot be placed (tried:
# withholding a doubtful legal basis when recipient and purpose remain paired held-out annex rows with
# their neighbours, 1 wrong cell became 4)
IDENTIFYING = {"recipients": ("recipient", "legal_basis", "purpose")}
TABLES = ("systems", "files", "entrustments", "recipients", "risk_ratings")
_SPACE = re.compile(r"\s+")


def _key(text: str) -> str:
    return _SPACE.sub("", fold(text))


def withhold(result: DocumentResult, doubts: Mapping[int, tuple[str, ...]]) -> None:
    """Null every free-text value of a record holding a doubtful text read on one of its pages."""
    spans = {page: {_key(s) for s in found if _key(s)} for page, found in doubts.items() if found}
    if not spans:
        return
    form = _form_texts(result.document.layout_id)
    for table in TABLES:
        for record in getattr(result, table):
            pages = set(record.pages or ()) | ({record.page} if record.page else set())
            near = set().union(*(spans.get(p, set()) for p in pages)) if pages else set()
            if near:
                _withhold_record(result, table, record, near, form)


def _form_texts(layout_id: str | None) -> frozenset[str]:
    """The risk titles of the form's outline (keys), which a value read by OCR may have been set to."""
    from extractor.forms.spec import all_specs

    spec = next((s for s in all_specs() if s.id == layout_id), None)
    if spec is None:
        return frozenset()
    return frozenset(_key(r.title) for sec in spec.outline for r in sec.risks if r.title)


def _withhold_record(result: DocumentResult, table: str, record: Any, near: set[str], form: frozenset[str]) -> None:
    for f in fields(record):
        value = getattr(record, f.name)
        if f.name in SETTLED or not isinstance(value, str) or not value.strip():
            continue
        key = _key(value)
        if key in form:
            continue
        # a date was read as printed (平成30年1月16日), not as stored (2018-01-16)
        keys = (key, *(_key(t) for t in printed_forms(value)))
        hit = next((s for s in near if any(s in k if len(s) >= MIN_SPAN else s == k for k in keys)), None)
        if hit is None:
            continue
        page = record.page or (record.pages or [None])[0]
        where = (f"{table} {_row_name(record)} '{f.name}' (page {page}): OCR read '{hit}' doubtfully "
                 f"(two readings differ)")
        if f.name in IDENTIFYING.get(table, ()):
            result.warn(f"{where}; kept, as it tells the row from the others")
            continue
        setattr(record, f.name, None)
        result.gap(f"{where}; left empty")


def _row_name(record: Any) -> str:
    keys = ("system_no", "file_no", "entrustment_no", "kind", "recipient_no", "section_no", "risk_no")
    return " ".join(f"{k}={getattr(record, k)}" for k in keys if getattr(record, k, None) is not None)
