"""概要 summaries: one loosely keyed reader for PDF rows, Markdown/HTML rows and plain text.

A summary has no legends and no checkboxes: answers are printed as plain text in
`項目 | 内容` rows, in a matrix with one column per file, in small tables (委託,
提供先/移転先), or as `①label value` lines.  The input is first reduced to *units*
(a unit is a row of cells, a cell a list of lines); the reader then keys each unit
by the form's own printed labels (shortened forms included, e.g. ①名称 ②機能) and
validates every band against the form's option sets.

Entry points: `parse_summary_text` (text inputs) and `parse_summary_rows`
(layout rows of a summary PDF; see `is_summary_head` for detecting one).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from extractor.forms.spec import option_sets
from extractor.layout import Row
from extractor.model import DocumentResult, EntrustmentRow, FileRow, RecipientRow, SystemRow
from extractor.normalise import clean_line, fold, join_lines, label_key, label_prefix_end, parse_date
from extractor.text.summary_tables import COLUMN_NAMES, TableHead, header_columns, text_units
from extractor.text.summary_vocab import is_summary_head

_TITLE_END = re.compile(r"概要(について)?\s*$")
_PART_WORDS = (("基本情報", "I"), ("特定個人情報ファイルの概要", "II"), ("その他のリスク対策", "IV"),
               ("リスク対策", "III"), ("開示請求", "V"), ("評価実施手続", "VI"))
_PART_HEAD = re.compile(r"^\s*(Ⅰ|Ⅱ|Ⅲ|Ⅳ|Ⅴ|Ⅵ|VI|IV|V|III|II|I)(?![A-Za-z])\s*(\S.*)$")
_NUMBERED = re.compile(r"^\s*(?:[①-⑳]|[0-9０-９]{1,2}[ 　.．]|(?=[（(]))\s*")
_BREAK = re.compile(r"^\s*(?:[◆※■]|[0-9０-９]{1,2}[ 　]\S)")
_FILE_NO = re.compile(r"^\s*[（(]\s*(\d{1,2})\s*[)）]\s*")
_ENTRUST_HEAD = re.compile(r"^\s*委託事項\s*(\d{1,2})\s*[:：]\s*(.+)$")
_CIRCLED_ITEMS = re.compile(r"[①-⑳]")
_NONE_WORDS = ("接続なし", "接続しない", "なし", "無し")
_SPLIT_ITEMS = re.compile(r"[、,，/／\n]|など|等")

# label key -> (record, column, kind).  kind: text | date | band:<option set> | items | flag | conn | names
LABELS: dict[str, tuple[str, str, str]] = {
    "評価実施機関名": ("documents", "organization", "text"),
    "事務の名称": ("documents", "affair_name", "text"),
    "対象人数": ("documents", "target_population", "band:POP5"),
    "システムの名称": ("systems", "name", "text"),
    "名称": ("systems", "name", "text"),
    "システムの機能": ("systems", "functions", "text"),
    "機能": ("systems", "functions", "text"),
    "他のシステムとの接続": ("systems", "conn", "conn"),
    "特定個人情報ファイル名": ("files", "name", "names"),
    "ファイル名": ("files", "name", "names"),
    "保有する特定個人情報ファイル": ("files", "name", "names"),
    "ファイルの種類": ("files", "file_type", "band:FTYPE"),
    "対象となる本人の数": ("files", "subjects_band", "band:PERS"),
    "対象となる本人の範囲": ("files", "subjects_scope", "text"),
    "記録される項目": ("files", "main_items", "items"),
    "主な記録項目": ("files", "main_items", "items"),
    "保有開始日": ("files", "holding_start", "date"),
    "事務担当部署": ("files", "department", "text"),
    "使用者数": ("files", "users_band", "band:STAFF"),
    "使用の主体": ("files", "users_band", "band:STAFF"),
    "使用開始日": ("files", "use_start", "date"),
    "委託の有無": ("files", "entrusted", "flag"),
    "提供・移転の有無": ("files", "provides", "flag"),
    "提供の有無": ("files", "provides", "flag"),
    "移転の有無": ("files", "transfers", "flag"),
    "保管期間": ("files", "retention_band", "band:PERIOD"),
    "委託内容": ("entrustments", "title", "entrust_list"),
}
# Printed labels whose values the schema does not hold: they only end the value above them.
OTHER_LABELS = (
    "事務の内容", "必要性", "メリット", "その必要性", "その妥当性", "入手元", "入手方法", "入手の時期・頻度",
    "入手に係る妥当性", "本人への明示", "使用目的", "使用方法", "保管場所", "消去方法", "請求先", "請求方法",
    "連絡先", "対応方法", "実施日", "しきい値判断結果", "方法", "実施日・期間", "主な意見の内容", "評価書への反映",
    "自己点検", "監査", "従業員に対する教育・啓発", "従業者に対する教育・啓発", "システム機器の設置場所",
    "期間を短縮する特段の理由", "結果",
)
_LABEL_KEYS = sorted({*LABELS, *(label_key(x) for x in OTHER_LABELS)}, key=len, reverse=True)


@dataclass
class Unit:
    """A row of cells (each a list of lines); a free text line is a one-cell unit."""

    cells: list[list[str]]

    @property
    def texts(self) -> list[str]:
        return [join_lines(c) for c in self.cells]

    def is_line(self) -> bool:
        return len([c for c in self.cells if any(x.strip() for x in c)]) == 1


@dataclass
class Pending:
    key: str
    lines: list[str] = field(default_factory=list)


class SummaryReader:
    """Reads units in order; keeps the part, the file columns of a matrix, and the table being read."""

    def __init__(self, result: DocumentResult) -> None:
        self.result = result
        self.doc_id = result.document.doc_id
        self.part: str | None = None
        self.context = ""
        self.file_columns: dict[int, int] = {}
        self.table: TableHead | None = None
        self.pending: Pending | None = None
        self.systems: dict[int, SystemRow] = {}
        self.current_system: SystemRow | None = None
        self.awaiting_function: SystemRow | None = None
        self.files: dict[int, FileRow] = {}
        self.entrust: dict[tuple[int, int], EntrustmentRow] = {}
        self.entrust_fill: list[EntrustmentRow] = []
        self.recipients: list[RecipientRow] = []

    # ------------------------------------------------------------ driver

    def read(self, units: list[Unit]) -> None:
        units = self.take_title(units)
        for unit in units:
            if not any(t.strip() for t in unit.texts):
                continue
            if unit.is_line():
                self.line(next(t for t in unit.texts if t.strip()), unit)
            else:
                self.row(unit)
        self.flush()
        self.finish()

    # ------------------------------------------------------------ free lines

    def line(self, text: str, unit: Unit) -> None:
        folded = clean_line(fold(text))
        part = part_of(folded)
        if part is not None:
            self.flush()
            self.part, self.context, self.table, self.current_system = part, "", None, None
            self.file_columns = {}
            return
        if self.keyed_line(folded, unit):
            return
        if folded.startswith("◆"):
            self.flush()
            self.current_system = None
            self.context = label_key(folded.lstrip("◆"))
            self.section_heading(folded)
            return
        if self.pending is not None and not _is_break(folded):
            self.pending.lines.append(text)
            return
        self.flush()
        self.context_line(folded)

    def take_title(self, units: list[Unit]) -> list[Unit]:
        """The title: the first one to three lines, up to the one ending in 概要 (or 概要について)."""
        head: list[str] = []
        for k, unit in enumerate(units[:3]):
            if not unit.is_line():
                break
            text = clean_line(fold(next(t for t in unit.texts if t.strip())))
            if part_of(text) is not None:
                break
            head.append(text)
            if _ends_title(text) and ("評価書" in "".join(head) or "概要" in text):
                self.result.document.title = "".join(head)
                return units[k + 1 :]
        return units

    def keyed_line(self, text: str, unit: Unit) -> bool:
        """`①label value`, `３ label`, `label：value`, or a bare label whose value follows on the next lines."""
        numbered = bool(_NUMBERED.match(text))
        body = _NUMBERED.sub("", text).strip()
        if body[:1] in "（(" and body[-1:] in "）)":
            body = body[1:-1]
        for key in _LABEL_KEYS:
            rest = _after_label(body, key)
            if rest is None or not (numbered or not rest or rest.startswith((":", "："))):
                continue
            self.flush()
            rest = rest.lstrip(":： ")
            self.pending = Pending(key, [rest] if rest else [])
            if rest and key != "記録される項目":
                self.flush()
            return True
        return False

    def context_line(self, text: str) -> None:
        m = _ENTRUST_HEAD.match(text)
        if m:
            no = int(m.group(1))
            self.entrustment(self.single_file_no(), no).title = clean_line(m.group(2))
            return
        awaiting, self.awaiting_function = self.awaiting_function, None
        numbered = _FILE_NO.match(text)
        if "システム" in self.context and numbered and self.part == "I":
            self.current_system = self.system(int(numbered.group(1)))
            self.current_system.name = clean_line(_FILE_NO.sub("", text))
            self.awaiting_function = self.current_system
            return
        if "ファイル" in self.context and self.part == "I":
            self.file_names([text])
            return
        if awaiting is not None and not text.startswith("※") and awaiting.functions is None:
            awaiting.functions = text

    def section_heading(self, text: str) -> None:
        m = re.search(r"事務の内容\s*[（(](.+)[)）]\s*$", text)
        if m and not self.result.document.affair_name:
            self.result.document.affair_name = clean_line(m.group(1))

    # ------------------------------------------------------------ rows

    def row(self, unit: Unit) -> None:
        self.flush()
        texts = [clean_line(fold(t)) for t in unit.texts]
        columns = header_columns(texts)
        if columns is not None:
            self.table = columns
            return
        if self.matrix_header(texts):
            return
        if self.table is not None and self.table_row(unit):
            return
        self.table = None
        label = label_key(texts[0])
        key = next((k for k in _LABEL_KEYS if label.startswith(k)), None)
        if key is None:
            self.unlabelled_row(texts)
            return
        values = texts[1:]
        per_file = key in LABELS and LABELS[key][0] in ("files", "entrustments")
        if self.file_columns and (len(values) > 1 or per_file):
            for col, value in enumerate(values):
                file_no = self.file_columns.get(col)
                if file_no is not None and value:
                    self.apply(key, [value], file_no)
            return
        self.apply(key, [join_lines(c) for c in unit.cells[1:]], None, unit.cells[1:])

    def matrix_header(self, texts: list[str]) -> bool:
        """`ファイル名 | (1) 住民記録ファイル | (2) …` or `項目 | (1) | (2)`: one column per file."""
        first = label_key(texts[0])
        numbered = [(k, _FILE_NO.match(t)) for k, t in enumerate(texts[1:])]
        if first not in ("ファイル名", "項目", "ファイル") or not any(m for _, m in numbered):
            return False
        self.file_columns = {k: int(m.group(1)) for k, m in numbered if m}
        for k, m in numbered:
            if m and _FILE_NO.sub("", texts[k + 1]).strip():
                self.file(int(m.group(1))).name = file_name(_FILE_NO.sub("", texts[k + 1]))
            elif m:
                self.file(int(m.group(1)))
        return True

    def unlabelled_row(self, texts: list[str]) -> None:
        """`(1)住民記録システム | 説明` in the system list."""
        m = _FILE_NO.match(texts[0])
        if m and self.part == "I" and "システム" in self.context:
            system = self.system(int(m.group(1)))
            system.name = clean_line(_FILE_NO.sub("", texts[0]))
            system.functions = "\n".join(t for t in texts[1:] if t) or None

    def table_row(self, unit: Unit) -> bool:
        assert self.table is not None
        values: dict[str, list[str]] = {}
        for name, cell in zip(self.table.columns, unit.cells, strict=False):
            if name:
                values[name] = [clean_line(fold(x)) for x in cell if x.strip()]
        if not any(values.values()):
            return False
        if "recipient" in values or "purpose" in values:
            self.recipient_row(values)
        else:
            self.entrustment_row(values)
        return True

    # ------------------------------------------------------------ records

    def system(self, no: int) -> SystemRow:
        if no not in self.systems:
            self.systems[no] = SystemRow(self.doc_id, no)
        return self.systems[no]

    def file(self, no: int) -> FileRow:
        if no not in self.files:
            self.files[no] = FileRow(self.doc_id, no)
        return self.files[no]

    def single_file_no(self) -> int:
        return min(self.files) if len(self.files) == 1 else 1

    def entrustment(self, file_no: int, no: int) -> EntrustmentRow:
        key = (file_no, no)
        if key not in self.entrust:
            self.entrust[key] = EntrustmentRow(self.doc_id, file_no, no)
        return self.entrust[key]

    def entrustment_row(self, values: dict[str, list[str]]) -> None:
        file_no = _int_of(values.get("file")) or self.single_file_no()
        no = _int_of(values.get("no"))
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

    def recipient_row(self, values: dict[str, list[str]]) -> None:
        kind = kind_of("".join(values.get("kind", []))) or (self.table.kind if self.table else None)
        if kind is None or not values.get("recipient"):
            return
        file_no = _int_of(values.get("file")) or self.single_file_no()
        no = _int_of(values.get("no"))
        if no is None:
            no = 1 + sum(1 for r in self.recipients if r.file_no == file_no and r.kind == kind)
        rec = RecipientRow(self.doc_id, file_no, kind, no, listed_in="summary")
        rec.recipient = join_lines(values["recipient"])
        rec.purpose = join_lines(values["purpose"]) if values.get("purpose") else None
        rec.information = join_lines(values["information"]) if values.get("information") else None
        rec.methods = methods_of(values["methods"]) if values.get("methods") else None
        self.recipients.append(rec)

    # ------------------------------------------------------------ values

    def flush(self) -> None:
        pending, self.pending = self.pending, None
        if pending is None:
            return
        lines = [ln for ln in pending.lines if ln.strip()]
        if lines:
            self.apply(pending.key, [join_lines(lines)], None, [lines])

    def apply(self, key: str, values: list[str], file_no: int | None,
              cells: list[list[str]] | None = None) -> None:
        if key not in LABELS or not values or not values[0].strip():
            return
        record, column, kind = LABELS[key]
        value = values[0]
        if record == "documents":
            self.set_value(self.result.document, column, kind, value)
        elif record == "systems":
            if self.part not in (None, "I"):
                return
            system = self.current_system or self.system(1)
            self.current_system = system
            if kind == "conn":
                set_connections(system, value)
            else:
                self.set_value(system, column, kind, value)
        elif record == "files":
            self.file_value(key, column, kind, value, file_no, cells)
        elif kind == "entrust_list":
            for no, title in circled_items(value):
                self.entrustment(file_no or self.single_file_no(), no).title = title

    def file_value(self, key: str, column: str, kind: str, value: str, file_no: int | None,
                   cells: list[list[str]] | None) -> None:
        if kind == "names":
            if file_no is None:
                self.file_names((cells or [[value]])[0])
            else:
                self.file(file_no).name = file_name(_FILE_NO.sub("", value))
            return
        if self.part not in (None, "I", "II"):
            return
        rec = self.file(file_no if file_no is not None else self.single_file_no())
        if kind == "flag":
            set_flags(rec, key, value)
        else:
            self.set_value(rec, column, kind, value)

    def file_names(self, lines: list[str]) -> None:
        for line in lines:
            text = clean_line(fold(line)).lstrip("-・ ")
            for m in re.finditer(r"[（(]\s*(\d{1,2})\s*[)）]\s*([^（(]+?ファイル)", text):
                self.file(int(m.group(1))).name = file_name(m.group(2))
            if not _FILE_NO.match(text) and text.endswith("ファイル") and not self.files:
                self.file(1).name = file_name(text)

    def set_value(self, record: object, column: str, kind: str, value: str) -> None:
        if kind == "date":
            setattr(record, column, parse_date(value))
        elif kind.startswith("band:"):
            band = find_option(value, option_sets()[0][kind[5:]])
            if band is not None:
                setattr(record, column, band)
        elif kind == "items":
            items = find_items(value, option_sets()[1]["MAIN_ITEMS"])
            if items:
                setattr(record, column, items)
        else:
            setattr(record, column, value)

    # ------------------------------------------------------------ end

    def finish(self) -> None:
        res = self.result
        res.systems.extend(self.systems[k] for k in sorted(self.systems))
        res.files.extend(self.files[k] for k in sorted(self.files))
        res.entrustments.extend(e for _, e in sorted(self.entrust.items()))
        res.recipients.extend(self.recipients)
        for f in res.files:
            if f.entrusted is None and any(e.file_no == f.file_no for e in res.entrustments):
                f.entrusted = True
            if f.provides is None and any(r.file_no == f.file_no and r.kind == "provision" for r in res.recipients):
                f.provides = True
            if f.transfers is None and any(r.file_no == f.file_no and r.kind == "transfer" for r in res.recipients):
                f.transfers = True
        if not res.files and not res.systems:
            res.warn("the 概要 had no recognisable システム or ファイル section")


# ---------------------------------------------------------------- helpers


def _is_break(text: str) -> bool:
    """A line that ends a value gathered over several lines: a heading or a `項目 内容` header."""
    return bool(_BREAK.match(text)) or label_key(text) in ("項目内容", "リスク内容", "項目内容・方法")


def part_of(text: str) -> str | None:
    m = _PART_HEAD.match(text)
    if not m:
        return None
    rest = label_key(m.group(2))
    if len(rest) > 60:
        return None
    return next((key for word, key in _PART_WORDS if word in rest), None)


def _ends_title(text: str) -> bool:
    return bool(_TITLE_END.search(text))


def _after_label(body: str, key: str) -> str | None:
    """The text after `key` when `body` starts with that label (compared as label keys), else None."""
    end = label_prefix_end(body, key)
    if end is None:
        return None
    rest = body[end:]
    return None if rest and not re.match(r"[\s:：(（]", rest) else rest.strip()


def _int_of(values: list[str] | None) -> int | None:
    if not values:
        return None
    m = re.search(r"\d+", "".join(values))
    return int(m.group()) if m else None


def file_name(text: str) -> str:
    """`住民記録ファイル (住民記録システム)` -> `住民記録ファイル` (the system noted after the name is dropped)."""
    s = clean_line(fold(text))
    cut = s.rfind("ファイル")
    return s[: cut + len("ファイル")] if cut > 0 else s


def find_option(text: str, options: tuple[str, ...]) -> str | None:
    """The option printed earliest in `text` (longest at a tie), not glued to a preceding digit."""
    s = label_key(text)
    best: tuple[int, int, str] | None = None
    for opt in options:
        key = label_key(opt)
        for m in re.finditer(re.escape(key), s):
            if m.start() > 0 and (s[m.start() - 1].isdigit() or s[m.start() - 1] == ","):
                continue
            end = m.end()
            if end < len(s) and s[end].isdigit():
                continue
            cand = (m.start(), -len(key), opt)
            best = cand if best is None or cand < best else best
            break
    return best[2] if best else None


def find_items(text: str, options: tuple[str, ...]) -> list[str]:
    """Checkbox labels named in a plain list (`個人番号、4情報（…）、その他住民票関係情報`), in order."""
    s = label_key(text)
    keyed = sorted(((label_key(o), o) for o in options), key=lambda t: -len(t[0]))
    found: list[str] = []
    k = 0
    while k < len(s):
        hit = next(((key, opt) for key, opt in keyed if s.startswith(key, k) and _item_end(s, k + len(key), keyed)),
                   None)
        if hit and (k == 0 or s[k - 1] in "、,・/" or found):
            if hit[1] not in found:
                found.append(hit[1])
            k += len(hit[0])
            continue
        k += 1
    return found


def _item_end(s: str, end: int, keyed: list[tuple[str, str]]) -> bool:
    if end >= len(s) or s[end] in "、,/・(":
        return True
    return s.startswith(("など", "等"), end) or any(s.startswith(key, end) for key, _ in keyed)


def circled_items(text: str) -> list[tuple[int, str]]:
    """`①住民票交付等 ②住民記録システム運用・保守` -> [(1, '住民票交付等'), (2, '住民記録システム運用・保守')]."""
    s = fold(text)
    marks = list(_CIRCLED_ITEMS.finditer(s))
    out = []
    for k, m in enumerate(marks):
        end = marks[k + 1].start() if k + 1 < len(marks) else len(s)
        item = clean_line(s[m.end() : end])
        if item:
            out.append((ord(m.group()) - ord("①") + 1, item))
    return out


def set_flags(rec: FileRow, key: str, value: str) -> None:
    s = label_key(value)
    has = {"提供": _presence(s, "提供"), "移転": _presence(s, "移転")}
    if key == "委託の有無":
        rec.entrusted = _yes_no(s, "委託")
        return
    if key in ("提供・移転の有無", "提供の有無") and has["提供"] is not None:
        rec.provides = has["提供"]
    elif key == "提供の有無":
        rec.provides = _yes_no(s, "提供")
    if key in ("提供・移転の有無", "移転の有無") and has["移転"] is not None:
        rec.transfers = has["移転"]
    elif key == "移転の有無":
        rec.transfers = _yes_no(s, "移転")


def _presence(s: str, word: str) -> bool | None:
    if re.search(f"{word}(有|あり|を行っている|する)", s):
        return True
    if re.search(f"{word}(無|なし|を行っていない|しない)", s):
        return False
    return None


def _yes_no(s: str, word: str) -> bool | None:
    if s in ("有", "あり", "○", f"{word}する", f"{word}を行っている") or s.startswith(("有(", "有（")):
        return True
    if s in ("無", "なし", "-", "－", f"{word}しない", "行っていない", f"{word}を行っていない"):
        return False
    return _presence(s, word)


def mark_value(text: str) -> bool | None:
    s = label_key(text)
    if s in ("○", "◯", "●", "有", "あり", "再委託する", "する"):
        return True
    if s in ("×", "-", "－", "―", "無", "なし", "再委託しない", "しない"):
        return False
    return None


def kind_of(text: str) -> str | None:
    s = fold(text)
    if "提供" in s:
        return "provision"
    if "移転" in s:
        return "transfer"
    return None


METHOD_WORDS = ("紙", "専用線", "電子メール", "電子記録媒体", "フラッシュメモリ", "住基ネット", "庁内連携システム",
                "情報提供ネットワークシステム", "住民基本台帳ネットワークシステム", "LGWAN", "その他")


def methods_of(lines: list[str]) -> list[str]:
    """Method cells: one method per line when every line is a method word, else the joined text as one item."""
    items = [clean_line(x) for x in lines if clean_line(x)]
    if all(any(label_key(x).startswith(label_key(w)) for w in METHOD_WORDS) for x in items):
        return items
    return [join_lines(items)]


def set_connections(system: SystemRow, text: str) -> None:
    s = label_key(text).lstrip("・")
    columns = ("conn_info_network", "conn_intra_agency", "conn_juki_net", "conn_existing_juki", "conn_address",
               "conn_tax", "conn_other")
    if any(s.startswith(w) for w in _NONE_WORDS):
        for col in columns:
            setattr(system, col, False)
        system.conn_other_text = None
        return
    names = option_sets()[1]["CONN"]
    for name, col in zip(names, columns, strict=True):
        if name != "その他" and label_key(name) in s:
            setattr(system, col, True)


def units_from_rows(rows: list[Row]) -> list[Unit]:
    return [Unit([[ln.text for ln in c.all_lines] for c in r.cells]) for r in rows]


def parse_summary_rows(rows: list[Row], result: DocumentResult) -> None:
    """A summary PDF's layout rows (`layout.document_rows`) -> records on `result` (form_type `summary`)."""
    result.document.form_type = "summary"
    SummaryReader(result).read(units_from_rows(rows))


def parse_summary_text(text: str, fmt: str, result: DocumentResult) -> None:
    """A summary given as text, Markdown or HTML -> records on `result`."""
    from extractor.text.markup import split_html, split_markdown

    result.document.form_type = "summary"
    if fmt == "html":
        units = [Unit(r.cells) for r in split_html(text)]
    elif fmt == "markdown":
        units = [Unit(r.cells) for r in split_markdown(text)]
    else:
        units = [Unit(cells) for cells in text_units(text, [k for k in _LABEL_KEYS if k in LABELS])]
    SummaryReader(result).read(units)


__all__ = ["COLUMN_NAMES", "is_summary_head", "parse_summary_rows", "parse_summary_text"]
