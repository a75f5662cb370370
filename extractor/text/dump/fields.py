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

from extractor.forms.spec import FormSpec, option_sets
from extractor.model import DocumentResult, FileRow, RecipientRow, SystemRow
from extractor.normalise import parse_count, parse_date
from extractor.text.dump.pages import Line, Page
from extractor.text.dump.risks import _line_values

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
    options = option_sets()[0][set_name]
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
        rec = read_file(region, n, result)
        result.files.append(rec)
        read_body_recipients(region, rec.file_no, result)
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


_SYSTEM_HEAD = re.compile(r"^システム\s*(\d{1,2})$")
_SYSTEM_NAME = "①システムの名称"
_SYSTEM_FUNC = "②システムの機能"


def read_systems(pages: list[Page], where: dict[str, list[int]], result: DocumentResult) -> None:
    """システムN: a heading paired with the `①システムの名称` line right under it; on a page with one
    heading and one name left over, those two; ②システムの機能 is the block under its label."""
    start = min(where.get("I", [0]))
    end = min(where.get("II", [len(pages)]))
    found: dict[int, SystemRow] = {}
    for page in pages[start:end]:
        for no, name, functions in _page_systems(page):
            if no in found:
                result.warn(f"システム{no} is printed twice; the second one was ignored")
                continue
            found[no] = SystemRow(result.document.doc_id, no, name=name, functions=functions)
    result.systems.extend(found[k] for k in sorted(found))


def _page_systems(page: Page) -> list[tuple[int, str, str | None]]:
    lines = page.lines
    heads = [(k, int(m.group(1))) for k, ln in enumerate(lines) if (m := _SYSTEM_HEAD.match(ln.text))]
    names = [k for k, ln in enumerate(lines) if ln.text.startswith(_SYSTEM_NAME)]
    pairs: list[tuple[int, int]] = []
    for k, no in heads:
        if k + 1 in names:
            pairs.append((no, k + 1))
    left_heads = [no for _, no in heads if no not in {p for p, _ in pairs}]
    left_names = [k for k in names if k not in {n for _, n in pairs}]
    if len(left_heads) == 1 and len(left_names) == 1:
        pairs.append((left_heads[0], left_names[0]))
    out = []
    for no, k in pairs:
        name = lines[k].text[len(_SYSTEM_NAME) :].strip()
        out.append((no, name, _functions_below(lines, k) if name else None))
    return [(no, name, fn) for no, name, fn in out if name]


def _functions_below(lines: list[Line], k: int) -> str | None:
    """The block printed under the `②システムの機能` label that follows the name line."""
    if k + 1 >= len(lines) or not lines[k + 1].text.startswith(_SYSTEM_FUNC):
        return None
    block: list[str] = []
    for line in lines[k + 2 :]:
        if block and line.gap:
            break
        if _SYSTEM_HEAD.match(line.text) or line.text.startswith(("③", "①", "[", "]")):
            break
        block.append(line.text)
    return "\n".join(block) or None


_RECIPIENT_HEAD = re.compile(r"^(提供先|移転先)\s*(\d{1,2})\s*(.*)$")
_ANNEX_NO = re.compile(r"(?:別添|別紙)\s*(\d{1,2})")
# (kind, label as printed without its circled number, column, kind of value); None kind = both 提供先 and 移転先
RECIPIENT_FIELDS: tuple[tuple[str | None, str, str, str], ...] = (
    (None, "法令上の根拠", "legal_basis", "text"),
    ("provision", "提供先における用途", "purpose", "text"),
    ("transfer", "移転先における用途", "purpose", "text"),
    ("provision", "提供する情報", "information", "text"),
    ("transfer", "移転する情報", "information", "text"),
    ("provision", "提供する情報の対象となる本人の数", "subjects_band", "choice"),
    ("transfer", "移転する情報の対象となる本人の数", "subjects_band", "choice"),
    ("provision", "提供する情報の対象となる本人の範囲", "subjects_scope", "text"),
    ("transfer", "移転する情報の対象となる本人の範囲", "subjects_scope", "text"),
    (None, "時期・頻度", "timing", "text"),
)


def label_blocks(pages: list[Page], label: str) -> list[list[str]]:
    """For each place the label is printed (possibly wrapped): the text after it and the rest of its block."""
    out = []
    for page in pages:
        lines = page.lines
        for k in range(len(lines)):
            found = _strip_label([ln.text for ln in lines[k : k + 3]], label)
            if found is None:
                continue
            used, rest = found
            block = [rest] if rest else []
            for nxt in lines[k + used :]:
                if nxt.gap or re.match(rf"^[{_CIRCLED}]|^[\[\]]|^(提供先|移転先)\d", nxt.text):
                    break
                block.append(nxt.text)
            out.append(block)
    return out


def _strip_label(texts: list[str], label: str) -> tuple[int, str] | None:
    """(lines the label spans, text after it) when the lines start with the label (spaces, ※ and a
    circled number ignored); the label must end the line or be followed by a space."""
    want = 0
    for n, text in enumerate(texts, start=1):
        for i, ch in enumerate(text):
            if ch in " ※　" or (want == 0 and ch in _CIRCLED):
                continue
            if ch != label[want]:
                return None
            want += 1
            if want == len(label):
                rest = text[i + 1 :]
                if rest and rest[0] not in " 　※":
                    return None
                return n, rest.strip(" 　※")
    return None


def read_body_recipients(region: list[Page], file_no: int, result: DocumentResult) -> None:
    """提供先N / 移転先N blocks: a value is kept when it can only belong to one block (or all blocks agree)."""
    heads: dict[str, dict[int, str]] = {"provision": {}, "transfer": {}}
    for page in region:
        for line in page.lines:
            m = _RECIPIENT_HEAD.match(line.text)
            if m and m.group(3).strip():
                kind = "provision" if m.group(1) == "提供先" else "transfer"
                heads[kind].setdefault(int(m.group(2)), m.group(3).strip())
    records = {kind: [_recipient_row(result.document.doc_id, file_no, kind, no, name) for no, name in sorted(h.items())]
               for kind, h in heads.items()}
    bands = option_sets()[0]["PERS"]
    printed = {kind for kind, label, _, _ in RECIPIENT_FIELDS if kind and any(
        v for b in label_blocks(region, label) if (v := _block_value(b, "text", bands)))}
    for kind, label, column, value_kind in RECIPIENT_FIELDS:
        values = [_block_value(b, value_kind, bands) for b in label_blocks(region, label)]
        values = [v for v in values if v]
        for rec, value in _distribute(values, records, kind, printed):
            setattr(rec, column, value)
    for kind in ("provision", "transfer"):
        kept = [r for r in records[kind] if r.legal_basis or r.purpose]
        if len(kept) < len(records[kind]):
            result.warn(f"file {file_no}: {len(records[kind]) - len(kept)} {kind} blocks could not be told apart "
                        "in the dump and were left out")
        result.recipients.extend(kept)


def _recipient_row(doc_id: str, file_no: int, kind: str, no: int, name: str) -> RecipientRow:
    listed = "reference" if _ANNEX_NO.search(name) and ("参照" in name or "一覧" in name) else "body"
    return RecipientRow(doc_id, file_no, kind, no, recipient=name, listed_in=listed)


def _block_value(block: list[str], value_kind: str, bands: tuple[str, ...]) -> str | None:
    if value_kind == "choice":
        found = {v for line in block for v in _line_values(line, set(bands))}
        return found.pop() if len(found) == 1 else None
    text = "".join(block).strip()
    return text if text and not text.startswith(("＜", "<")) else None


def _distribute(values: list[str], records: dict[str, list[RecipientRow]], kind: str | None,
                printed: set[str]) -> list[tuple[RecipientRow, str]]:
    """(block, value) pairs the dump settles; none when it does not.

    A label shared by 提供先 and 移転先 blocks (①, ⑦) is settled by the count only when the
    blocks of one kind print nothing; otherwise only a value naming 別添N finds its block.
    """
    kinds = [kind] if kind else [k for k in ("provision", "transfer") if records[k] or k in printed]
    if kind is None and len(kinds) == 2:
        return _by_annex_number(values, records)
    targets = [r for k in kinds for r in records[k]]
    if not targets or len(values) != len(targets) or len(set(values)) != 1:
        return []
    return [(r, values[0]) for r in targets]


def _by_annex_number(values: list[str], records: dict[str, list[RecipientRow]]) -> list[tuple[RecipientRow, str]]:
    """A value naming 別添N goes to the one block whose reference points to 別添N."""
    out: list[tuple[RecipientRow, str]] = []
    for value in values:
        m = _ANNEX_NO.search(value)
        owners = [r for rs in records.values() for r in rs
                  if m and r.recipient and (n := _ANNEX_NO.search(r.recipient)) and n.group(1) == m.group(1)]
        if len(owners) == 1 and all(owners[0] is not r for r, _ in out):
            out.append((owners[0], value))
    return out
