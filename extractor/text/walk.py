"""The form walker for text inputs: the PDF `Walker`, fed rows built from Markdown/HTML/tab text.

Text conversions lose what the PDF grid gives for free, so this subclass adds:
- row shaping: label/value found by the form's own labels, not by column position
  (`④使用の主体 | 使用部署 …`, `使用者数 [50人…] <選択肢>…` in one cell, legends split over cells);
- the 項目一覧 (table of contents) is skipped instead of opening parts;
- a numbered section heading or a `リスクN:` heading met outside any part (a heading
  the conversion dropped) re-opens the part it can only belong to;
- choice answers that are not one of the legend's options are dropped (null + warning),
  because a wrong value is worse than a missing one.
"""

from __future__ import annotations

import re

from extractor.forms.choices import parse_choice, resolve_answer
from extractor.forms.match import ANNEX_HEAD, STAMP, Walker, cell_text, label_text
from extractor.forms.spec import Field, FormSpec, Part
from extractor.layout import Cell, Row
from extractor.model import DocumentResult, RiskRow
from extractor.normalise import clean_line, fold, label_key, label_prefix_end, parse_count, strip_item_number
from extractor.text.markup import CHAR_WIDTH, layout_lines, make_line

_SECTION_HEAD = re.compile(r"^\s*\d{1,2}\s*[.．]\s*\S")
_RISK_HEAD = re.compile(r"^\s*リスク\s*\d{0,3}\s*[:：]")
_CLOSING = re.compile(r"^(.+?)(?:における|に伴う)その他のリスク及びそのリスクに対する措置")
_MARKER_START = re.compile(r"^\s*[\[［]")
_LABEL_END = re.compile(r"^[\s\[［<＜(（]")

# Section titles that belong to exactly one part of the 様式4/様式3 forms, keyed to a word
# of that part's printed title.  Titles shared by two parts (特定個人情報ファイル名,
# 特定個人情報ファイルの取扱いの委託, 特定個人情報の保管・消去, 監査) are left out on purpose.
SECTION_PARTS: dict[str, str] = {
    "特定個人情報ファイルを取り扱う事務": "基本情報",
    "特定個人情報ファイルを取り扱う事務において使用するシステム": "基本情報",
    "特定個人情報ファイルを取り扱う理由": "基本情報",
    "個人番号の利用": "基本情報",
    "情報提供ネットワークシステムによる情報連携": "基本情報",
    "評価実施機関における担当部署": "基本情報",
    "他の評価実施機関": "基本情報",
    "基本情報": "特定個人情報ファイルの概要",
    "特定個人情報の入手・使用": "特定個人情報ファイルの概要",
    "特定個人情報の提供・移転(委託に伴うものを除く。)": "特定個人情報ファイルの概要",
    "特定個人情報の入手(情報提供ネットワークシステムを通じた入手を除く。)": "リスク対策",
    "特定個人情報の使用": "リスク対策",
    "特定個人情報の提供・移転(委託や情報提供ネットワークシステムを通じた提供を除く。)": "リスク対策",
    "情報提供ネットワークシステムとの接続": "リスク対策",
    "特定個人情報の開示・訂正・利用停止請求": "開示請求",
    "特定個人情報ファイルの取扱いに関する問合せ": "開示請求",
    "基礎項目評価": "評価実施手続",
    "第三者点検": "評価実施手続",
}
_SECTION_PART_KEYS = {label_key(k): v for k, v in SECTION_PARTS.items()}


def merged_cell(cells: list[Cell]) -> Cell:
    """One cell holding the lines of several (a value spread over columns by the conversion)."""
    first = cells[0]
    lines = [ln for c in cells for ln in c.lines]
    return Cell(first.page, first.x0, first.y0, cells[-1].x1, max(c.y1 for c in cells), lines)


def split_cell(cell: Cell, at: int) -> tuple[Cell, Cell]:
    """Split a cell's first line at character `at` into a label cell and a value cell (with the other lines)."""
    line = cell.lines[0]
    head, tail = line.text[:at].strip(), line.text[at:].strip()
    label = Cell(cell.page, cell.x0, cell.y0, cell.x0 + len(head) * CHAR_WIDTH, cell.y1,
                 [make_line(head, cell.x0, line.y0)])
    x = cell.x0 + (at + 1) * CHAR_WIDTH
    value_lines = layout_lines([tail] + [ln.text for ln in cell.lines[1:]], x, line.y0)
    return label, Cell(cell.page, x, cell.y0, cell.x1, cell.y1, value_lines)


class TextWalker(Walker):
    """`Walker` for rows synthesised from text; see the module docstring for what it adds."""

    def __init__(self, spec: FormSpec, result: DocumentResult) -> None:
        super().__init__(spec, result)
        keys = {f.key for f in spec.fields} | {q for q, _ in spec.questions} | {f.key for f in spec.cover}
        self.label_keys = sorted((k for k in keys if k), key=len, reverse=True)
        self.in_toc = False
        self.risk_parts_seen = 0
        self.unsectioned: list[RiskRow] = []

    # ------------------------------------------------------------ dispatch

    def walk(self, rows: list[Row]) -> None:
        for row in merge_legend_lines(rows):
            self.text_row(row)
        self.finish()

    def text_row(self, row: Row) -> None:
        filled = [c for c in row.cells if not c.is_empty()]
        if not filled:
            return
        text = label_text(filled[0]) if len(filled) == 1 else ""
        if self.skip_toc(text):
            return
        if text and self.is_heading(text):
            self.free_line(text, row)
            return
        if self.ctx.in_annex or self.ctx.part is None:
            if not self.recover(text):
                if self.ctx.in_annex:
                    self.free_line(text, row) if row.free else self.annex_row(row)
                else:
                    self.cover_row(row)
                return
        self.body_row(row)

    def skip_toc(self, text: str) -> bool:
        if label_key(text) == "項目一覧":
            self.in_toc = True
            return True
        if self.in_toc:
            folded = fold(text)
            if text and (self.part_heading(folded) or ANNEX_HEAD.match(folded)):
                return True
            self.in_toc = False
        return False

    def is_heading(self, text: str) -> bool:
        folded = fold(text)
        if self.part_heading(folded) is not None or STAMP.search(folded):
            return True
        if ANNEX_HEAD.match(folded) and not _SECTION_HEAD.match(folded):
            return True
        return self.ctx.in_annex and any(label_key(t) in label_key(folded) for _, t, _ in self.spec.annex.titles)

    # ------------------------------------------------------------ lost headings

    def recover(self, text: str) -> bool:
        """Re-open the part a heading can only belong to, when the part's own heading is missing."""
        if not text:
            return False
        part: Part | None = None
        if _RISK_HEAD.match(fold(text)):
            part = next((p for p in self.spec.parts if p.risks and p.per_file), None)
        elif _SECTION_HEAD.match(fold(text)):
            title = label_key(re.sub(r"\s*[\[［].*$", "", strip_item_number(text)))
            word = _SECTION_PART_KEYS.get(title)
            part = next((p for p in self.spec.parts if word and word in p.title), None)
        if part is None:
            return False
        self.result.warn(f"the heading of part {part.numeral} is missing; its content was recognised by '{text[:30]}'")
        self.enter_part(part)
        if part.risks and part.per_file:
            self.ctx.risk_file_no = self.risk_parts_seen
        return True

    def enter_part(self, part: Part) -> None:
        super().enter_part(part)
        if part.risks and part.per_file:
            self.risk_parts_seen += 1

    def enter_section(self, no: int, text: str) -> None:
        if self.unsectioned and no > 1:
            for r in self.unsectioned:
                r.section_no = no - 1
            self.unsectioned = []
        super().enter_section(no, text)

    def single_cell(self, cell: Cell) -> None:
        m = _CLOSING.match(label_text(cell))
        if m and self.ctx.section is None and self.unsectioned:
            title = clean_line(m.group(1))
            self.ctx.section = title
            for r in self.unsectioned:
                r.section = title
            return
        super().single_cell(cell)

    # ------------------------------------------------------------ row shaping

    def body_row(self, row: Row) -> None:
        cells = list(row.cells)
        while cells and cells[-1].is_empty():
            cells.pop()
        lead = 0
        while lead < len(cells) and cells[lead].is_empty():
            lead += 1
        filled = cells[lead:]
        if not filled:
            return
        if len(filled) == 1:
            self.one_cell(filled[0], continued=lead > 0)
            return
        if _SECTION_HEAD.match(label_text(filled[0])) and all(
            _MARKER_START.match(label_text(c)) for c in filled[1:] if not c.is_empty()
        ):
            super().single_cell(merged_cell(filled))
            return
        self.labelled(filled, continued=lead > 0)

    def one_cell(self, cell: Cell, continued: bool) -> None:
        split = self.split_label(cell)
        if split is not None:
            self.labelled(list(split), continued=continued)
        elif not continued:
            self.single_cell(cell)

    def labelled(self, cells: list[Cell], continued: bool) -> None:
        cells = [c for c in cells if not c.is_empty()] or cells
        group: Cell | None = None
        if len(cells) >= 3 and not self.is_label(cells[0]) and self.is_label(cells[1]):
            group, cells = cells[0], cells[1:]
        elif len(cells) >= 2 and not self.is_label(cells[0]):
            split = self.split_label(cells[1]) if len(cells[1].lines) == 1 else None
            if split is not None and self.is_label(split[0]):
                group, cells = cells[0], [split[0], split[1], *cells[2:]]
        if group is not None:
            self.ctx.group = label_text(group)
        elif not continued:
            self.ctx.group = None
        label = label_text(cells[0])
        value = merged_cell(cells[1:]) if len(cells) > 1 else Cell(cells[0].page, cells[0].x1, cells[0].y0,
                                                                   cells[0].x1, cells[0].y1, [])
        if self.block_heading(label, cell_text(value)):
            return
        self.label_value(label, [value])

    def is_label(self, cell: Cell) -> bool:
        key = label_key(label_text(cell))
        return bool(key) and key in self.label_keys

    def split_label(self, cell: Cell) -> tuple[Cell, Cell] | None:
        """`使用者数 [50人以上…] <選択肢>…` -> (label cell, value cell) when it starts with a known label."""
        if not cell.lines:
            return None
        text = cell.lines[0].text
        for key in self.label_keys:
            at = _label_end(text, key)
            if at is not None:
                if at >= len(text.rstrip()) and len(cell.lines) == 1:
                    return None
                return split_cell(cell, at)
        return None

    # ------------------------------------------------------------ stricter choices

    def apply_choice(self, f: Field, record: object, column: str, cells: list[Cell]) -> None:
        has, n = parse_count(" ".join(c.text for c in cells))
        choice = parse_choice([without_count(c) for c in cells])
        answer, _ = resolve_strictly(choice.answer, choice.legend, f.options)
        if choice.answer is not None and answer is None:
            self.result.warn(f"'{f.label}': the answer '{choice.answer}' is not a ＜選択肢＞ option; left empty")
        elif f.true_if:
            setattr(record, column, None if answer is None else label_key(answer) == label_key(f.true_if))
        else:
            setattr(record, column, answer)
        if f.count and has:
            setattr(record, f.count, n)

    def apply_checkbox(self, f: Field, record: object, column: str, cells: list[Cell]) -> None:
        super().apply_checkbox(f, record, column, cells)
        if f.other_text and getattr(record, f.other_text, None) is None:
            text = orphan_other_text(cells, f.options)
            if text:
                setattr(record, f.other_text, text)
                self.result.warn(f"'{f.label}': the その他 box is missing; its text was read from the next line")

    def risk_row(self, label: str, cells: list[Cell]) -> None:
        before = len(self.result.risk_ratings)
        super().risk_row(label, cells)
        for row in self.result.risk_ratings[before:]:
            if row.answer is not None and row.answer_code is None:
                options = self.spec.question_options(row.question)
                row.answer, row.answer_code = resolve_strictly(row.answer, [], options)
                if row.answer is None:
                    self.result.warn(f"'{row.question}': the answer is not one of its ＜選択肢＞ options; left empty")
            if row.section_no is None and self.ctx.part and self.ctx.part.per_file:
                self.unsectioned.append(row)


_COUNT = re.compile(r"[（(]\s*\d*\s*[)）]\s*件")
_LEGEND_MARK = re.compile(r"[<＜〈]\s*選\s*択\s*肢")
_LEGEND_LINE = re.compile(r"^\s*(?:[<＜〈]\s*選\s*択\s*肢|\d{1,2}\s*[)）])")


def resolve_strictly(answer: str | None, legend: list[tuple[int, str]], options: tuple[str, ...]
                     ) -> tuple[str | None, int | None]:
    """(option, number) for a printed answer found in the legend, else in the form's option set; else (None, None)."""
    for candidates in ([legend, []] if legend else [[]]):
        option, code, found = resolve_answer(answer, candidates, options)
        if found and option is not None:
            return option, code
    return None, None


def without_count(cell: Cell) -> Cell:
    """The cell with its `（ N ）件` count slot removed (a converted legend may print it inside the legend)."""
    lines = [make_line(clean_line(_COUNT.sub(" ", ln.text)), ln.x0, ln.y0) for ln in cell.lines]
    return Cell(cell.page, cell.x0, cell.y0, cell.x1, cell.y1, [ln for ln in lines if ln.text], list(cell.inner))


def merge_legend_lines(rows: list[Row]) -> list[Row]:
    """Free lines that continue a choice (`<選択肢>`, `1) …`) are joined to the free line they follow."""
    out: list[Row] = []
    for row in rows:
        prev = out[-1] if out else None
        if row.free and prev is not None and prev.free and _continues_choice(prev, row):
            cell = prev.cells[0]
            cell.lines.extend(row.cells[0].lines)
            continue
        out.append(row)
    return out


def _continues_choice(prev: Row, row: Row) -> bool:
    text = fold(row.cells[0].text)
    if not _LEGEND_LINE.match(text):
        return False
    return text.lstrip().startswith(("<", "＜", "〈")) or bool(_LEGEND_MARK.search(fold(prev.cells[0].text)))


def orphan_other_text(cells: list[Cell], options: tuple[str, ...]) -> str | None:
    """A group whose `その他 （ … ）` box the conversion dropped: the unmarked last line after the boxes."""
    if "その他" not in options:
        return None
    lines = [ln.text for c in cells for ln in c.lines]
    if not lines or any("その他" in ln for ln in lines):
        return None
    last = lines[-1].strip()
    if len(lines) < 2 or "[" in last or "［" in last or not any("[" in ln for ln in lines[:-1]):
        return None
    return clean_line(last.strip("()（） ")) or None


def _label_end(text: str, key: str) -> int | None:
    """Where the label `key` ends at the start of `text` (compared as label keys); None if it does not."""
    end = label_prefix_end(text, key)
    if end is None:
        return None
    rest = text[end:]
    return end if not rest or _LABEL_END.match(rest) else None
