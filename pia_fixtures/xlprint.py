"""Assessments printed from a spreadsheet: a real workbook (openpyxl) converted by LibreOffice headless.

Published assessments are mostly Excel workbooks printed to PDF.  `write_workbook(data, path, style)`
lays a truth-shaped dict (全項目 / 重点項目 / 基礎項目) out the way those workbooks are kept — a grid of
narrow columns ("Excel 方眼紙"), a label column of merged shaded cells, every checkbox option in its own
hairline-bordered range with `[`, the mark and `]` in separate cells (or `[○]` in one cell beside the
label), a choice as `[` / answer / `]` with the ＜選択肢＞ legend in a merged bordered cell to its right
(or below), fixed row heights so a long value runs over several rows, manual page breaks before each
part, and the annexed 提供先一覧 on landscape sheets whose header row repeats and whose records may break
across a page.  `print_pdf(data, path, style)` converts that workbook with `soffice --headless
--convert-to pdf` in a private profile and pins the PDF's creation date and /ID, so the same data and
style give the same bytes on the same LibreOffice build.
"""

from __future__ import annotations

import hashlib
import itertools
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from pia_fixtures.outline import (
    Checks,
    Choice,
    Cover,
    Field,
    Full,
    Heading,
    Item,
    Numbering,
    Pair,
    Plain,
    Title,
    Wide,
    outline,
)
from pia_fixtures.synth import LEGEND_ROWS, OPTION_SETS, _load_font, _Measure, nfkc, wrap

__all__ = ["GLYPHS", "XlStyle", "print_pdf", "soffice_available", "write_workbook"]

# checkbox glyph -> (open bracket, checked mark, unchecked mark, close bracket); no brackets = one glyph cell
GLYPHS: dict[str, tuple[str, str, str, str]] = {
    "[ ○ ]": ("[", "○", "", "]"), "[○]": ("[", "○", "", "]"), "［ ○ ］": ("［", "○", "", "］"),
    "[ ● ]": ("[", "●", "", "]"), "☑/☐": ("", "☑", "☐", ""), "■/□": ("", "■", "□", ""),
}
FONTS = ("IPAexGothic", "IPAGothic", "IPAPGothic", "IPAexMincho", "TakaoGothic", "VL Gothic", "Noto Sans CJK JP")
HEAD_FILL, LABEL_FILL = "DFE5EE", "EEF2F7"
WIDTH_UNIT_PT = 7.0  # LibreOffice prints one openpyxl column-width unit as 7 pt (measured)
PRINT_WIDTH_PT = 518.0  # A4 portrait less 0.5 in margins
LANDSCAPE_WIDTH_PT = 765.0
THIN, HAIR = Side(style="thin"), Side(style="hair")


@dataclass(frozen=True)
class XlStyle:
    """How the workbook is kept.

    glyph: a key of GLYPHS.  joined: the mark and its brackets in one cell ("[○]") instead of three.
    legend: "right" (merged bordered cell beside the answer) or "below" (under it).
    label_cols / columns: the label column's share of the grid, in grid columns of the whole.
    continuation: how a long value is kept — "merge" (one merged cell, wrapped), "rows" (one line a
        row, the label cell merged over them) or "empty" (one line a row, the label only on the first).
    fullwidth_digits: "１．" (True) or "1. " item numbers.  name_list: 様式2 names one a line or "、".
    """

    font: str = "IPAexGothic"
    font_size: float = 9.0
    glyph: str = "[ ○ ]"
    joined: bool = False
    legend: str = "right"
    label_cols: int = 14
    columns: int = 48
    row_height: float = 13.0
    continuation: str = "merge"
    fullwidth_digits: bool = True
    name_list: str = "lines"

    def __post_init__(self) -> None:
        checks = [("glyph", self.glyph, tuple(GLYPHS)), ("legend", self.legend, ("right", "below")),
                  ("continuation", self.continuation, ("merge", "rows", "empty")),
                  ("name_list", self.name_list, ("lines", "、"))]
        for name, value, allowed in checks:
            if value not in allowed:
                raise ValueError(f"XlStyle.{name} must be one of {allowed}, not {value!r}")
        if not 8 <= self.label_cols <= self.columns // 2:
            raise ValueError("XlStyle.label_cols must be within 8 and half the columns")
        if self.row_height < self.font_size * 1.25:
            raise ValueError("XlStyle.row_height must leave room for one line of text")

    @property
    def col_pt(self) -> float:
        return PRINT_WIDTH_PT / self.columns

    def mark(self, on: bool) -> tuple[str, str, str]:
        o, yes, no, c = GLYPHS[self.glyph]
        return o, yes if on else no, c

    def joined_mark(self, on: bool) -> str:
        o, m, c = self.mark(on)
        if not o:
            return m
        spaced = " " in self.glyph
        return f"{o} {m or '　'} {c}" if spaced else f"{o}{m or '　'}{c}"


@lru_cache(maxsize=16)
def font_file(family: str) -> str:
    """The font file fontconfig serves for a family name (the one LibreOffice will embed)."""
    out = subprocess.run(["fc-match", "-f", "%{file}", family], capture_output=True, text=True, check=True)
    return out.stdout.strip()


class _Grid:
    """Cell-level writing on one worksheet: merged ranges with text, fills and borders; a row cursor."""

    def __init__(self, ws: Worksheet, style: XlStyle, width_pt: float) -> None:
        self.ws, self.style = ws, style
        self.n = style.columns
        self.col_pt = width_pt / self.n
        self.r = 1
        self.measure = _Measure(_load_font(font_file(style.font)))
        for c in range(1, self.n + 1):
            ws.column_dimensions[get_column_letter(c)].width = round(self.col_pt / WIDTH_UNIT_PT, 3)

    def lines(self, text: str | None, cols: int, size: float | None = None) -> list[str]:
        """`text` wrapped to the width of `cols` grid columns (with room for cell padding)."""
        if not text:
            return [""]
        width = cols * self.col_pt - 6
        return wrap(text, width * 0.94, size or self.style.font_size, self.measure)

    def put(self, r: int, c0: int, c1: int, text: str = "", rows: int = 1, *, fill: str | None = None,
            bold: bool = False, wrap_text: bool = False, center: bool = False, size: float | None = None) -> None:
        """Text in the merged range rows r..r+rows-1, grid columns c0..c1-1 (0-based columns)."""
        if c1 - c0 > 1 or rows > 1:
            self.ws.merge_cells(start_row=r, start_column=c0 + 1, end_row=r + rows - 1, end_column=c1)
        cell = self.ws.cell(r, c0 + 1)
        cell.value = text or None
        cell.font = Font(name=self.style.font, size=size or self.style.font_size, bold=bold)
        cell.alignment = Alignment(wrap_text=wrap_text, vertical="top",
                                   horizontal="center" if center else "left")
        if fill:
            for rr in range(r, r + rows):
                for cc in range(c0 + 1, c1 + 1):
                    self.ws.cell(rr, cc).fill = PatternFill("solid", fgColor=fill)

    def box(self, r: int, c0: int, c1: int, rows: int = 1, side: Side = THIN) -> None:
        """Border around rows r..r+rows-1 x columns c0..c1-1 (merged with borders already there)."""
        for rr in range(r, r + rows):
            self._edge(rr, c0, left=side)
            self._edge(rr, c1 - 1, right=side)
        for cc in range(c0, c1):
            self._edge(r, cc, top=side)
            self._edge(r + rows - 1, cc, bottom=side)

    def _edge(self, r: int, c: int, **sides: Side) -> None:
        cell = self.ws.cell(r, c + 1)
        b = cell.border
        keep = {k: getattr(b, k) for k in ("left", "right", "top", "bottom")}
        for k, side in sides.items():
            if keep[k] is None or keep[k].style is None or side.style == "thin":
                keep[k] = side
        cell.border = Border(**keep)

    def advance(self, rows: int) -> int:
        start = self.r
        for rr in range(start, start + rows):
            self.ws.row_dimensions[rr].height = self.style.row_height
        self.r += rows
        return start

    def page_break(self) -> None:
        if self.r > 1:
            self.ws.row_breaks.append(Break(id=self.r - 1))


def _spans(weights: tuple[float, ...], n: int) -> list[tuple[int, int]]:
    """Grid column ranges for table columns of the given relative widths (every column ≥ 2 grid columns)."""
    total, acc, edges = sum(weights), 0.0, [0]
    for w in weights:
        acc += w
        edges.append(max(edges[-1] + 2, round(acc / total * n)))
    edges[-1] = n
    return list(itertools.pairwise(edges))


class _Sheet:
    """Prints outline items onto a worksheet, top to bottom."""

    def __init__(self, g: _Grid, style: XlStyle, paren: str) -> None:
        self.g, self.style, self.paren = g, style, paren
        self.n, self.lab = style.columns, style.label_cols
        self.gcols = max(3, style.label_cols // 3)
        self.open_group: tuple[str, int] | None = None

    # --- groups (a merged left cell over consecutive items: 再委託, ⑦使用の主体 …) ---------------
    def label_start(self, group: str | None) -> int:
        if group != (self.open_group[0] if self.open_group else None):
            self.close_group()
            if group is not None:
                self.open_group = (group, self.g.r)
        return 0 if group is None else self.gcols

    def close_group(self) -> None:
        if self.open_group is None:
            return
        label, r0 = self.open_group
        rows = self.g.r - r0
        if rows > 0:
            text = "\n".join(self.g.lines(label, self.gcols)) if label else ""
            self.g.put(r0, 0, self.gcols, text, rows, fill=LABEL_FILL, wrap_text=True)
            self.g.box(r0, 0, self.gcols, rows)
        self.open_group = None

    # --- label | value --------------------------------------------------------------------------
    def label_cell(self, r: int, c0: int, label: str, rows: int) -> None:
        lines = self.g.lines(label, self.lab - c0)
        if self.style.continuation == "empty" and rows > 1:
            self.g.put(r, c0, self.lab, "\n".join(lines), len(lines), fill=LABEL_FILL, wrap_text=True)
            for rr in range(r + len(lines), r + rows):
                self.g.put(rr, c0, self.lab, "", fill=LABEL_FILL)
        else:
            self.g.put(r, c0, self.lab, "\n".join(lines), rows, fill=LABEL_FILL, wrap_text=True)
        self.g.box(r, c0, self.lab, rows)

    def text_cells(self, r: int, c0: int, c1: int, lines: list[str], rows: int) -> None:
        """A long value: one merged wrapped cell, or one line a row (continuation rows)."""
        if self.style.continuation == "merge":
            self.g.put(r, c0, c1, "\n".join(lines), rows, wrap_text=True)
        else:
            for k in range(rows):
                self.g.put(r + k, c0, c1, lines[k] if k < len(lines) else "")
        self.g.box(r, c0, c1, rows)

    def field(self, item: Field) -> None:
        c0 = self.label_start(item.group)
        lines = self.g.lines(item.value, self.n - self.lab)
        rows = max(len(lines), len(self.g.lines(item.label, self.lab - c0)))
        r = self.g.advance(rows)
        self.label_cell(r, c0, item.label, rows)
        self.text_cells(r, self.lab, self.n, lines, rows)

    def full(self, item: Full) -> None:
        self.close_group()
        lines = self.g.lines(item.value, self.n)
        r = self.g.advance(len(lines))
        self.text_cells(r, 0, self.n, lines, len(lines))

    def plain(self, item: Plain) -> None:
        self.close_group()
        for line in item.lines:
            for part in self.g.lines(line, self.n):
                self.g.put(self.g.advance(1), 0, self.n, part)

    def heading(self, item: Heading) -> None:
        self.close_group()
        flags = [(label, on, 4 + int(self.g.measure.width(label, self.style.font_size) / self.g.col_pt))
                 for label, on in item.flags]
        right = self.n - sum(w for _, _, w in flags)
        lines = self.g.lines(item.text, right)
        r = self.g.advance(len(lines))
        fill = HEAD_FILL if item.shade == "head" else LABEL_FILL
        self.g.put(r, 0, right, "\n".join(lines), len(lines), fill=fill, bold=item.shade == "head", wrap_text=True)
        c = right
        for label, on, w in flags:
            self.mark_cells(r, c, on)
            self.g.put(r, c + 3, c + w, label, fill=fill)
            for cc in range(c, c + 3):
                self.g.ws.cell(r, cc + 1).fill = PatternFill("solid", fgColor=fill)
            c += w
        self.g.box(r, 0, self.n, len(lines))

    def title(self, item: Title) -> None:
        self.close_group()
        if item.new_page:
            self.g.page_break()
        else:
            self.g.advance(1)
        r = self.g.advance(1)
        self.g.ws.row_dimensions[r].height = self.style.row_height * 1.5
        self.g.put(r, 0, self.n, item.text, bold=True, size=self.style.font_size * 1.2)

    # --- checkboxes ----------------------------------------------------------------------------
    def mark_cells(self, r: int, c: int, on: bool) -> int:
        """The checkbox at grid column c: `[` | mark | `]` (three cells) or one merged cell; returns its width."""
        o, m, cl = self.style.mark(on)
        if self.style.joined or not o:
            self.g.put(r, c, c + 3, self.style.joined_mark(on), center=not o)
        else:
            self.g.put(r, c, c + 1, o)
            self.g.put(r, c + 1, c + 2, m, center=True)
            self.g.put(r, c + 2, c + 3, cl)
        return 3

    def option(self, r: int, c: int, span: int, text: str, on: bool) -> int:
        """One checkbox option in its own hairline-bordered range; returns the rows it took."""
        lines = self.g.lines(text, span - 3)
        self.mark_cells(r, c, on)
        self.g.put(r, c + 3, c + span, "\n".join(lines), len(lines), wrap_text=True)
        self.g.box(r, c, c + span, len(lines), HAIR)
        return len(lines)

    def checks(self, item: Checks) -> None:
        c0 = self.label_start(item.group)
        kmax = max(len(row) for _, rows in item.groups for row in rows)
        span = (self.n - self.lab) // kmax
        r0 = self.g.r
        for head, rows in item.groups:
            if head:
                self.g.put(self.g.advance(1), self.lab, self.n, head)
            for row in rows:
                texts = [self.option_text(label, item.slots) for label in row]
                height = max(len(self.g.lines(t, span - 3)) for t in texts)
                r = self.g.advance(height)
                for j, (label, text) in enumerate(zip(row, texts, strict=True)):
                    self.option(r, self.lab + j * span, span, text, label in item.checked)
        rows_used = self.g.r - r0
        self.label_cell(r0, c0, item.label, rows_used)
        self.g.box(r0, self.lab, self.n, rows_used)

    @staticmethod
    def option_text(label: str, slots: Any) -> str:
        if label not in slots:
            return label
        slot = slots[label]
        return f"{label} （ {slot} ）" if slot else f"{label} （　　　）"

    # --- choices ---------------------------------------------------------------------------------
    def legend_lines(self, opts: str, cols: int) -> list[str]:
        texts = {i: f"{i}{self.paren} {o}" for i, o in enumerate(OPTION_SETS[opts], 1)}
        rows = ["　".join(texts[i] for i in row) for row in LEGEND_ROWS.get(opts, (tuple(texts),))]
        if any(len(self.g.lines(row, cols, self.style.font_size * 0.9)) > 1 for row in rows):
            rows = list(texts.values())
        out = ["＜選択肢＞"]
        for row in rows:
            out += self.g.lines(row, cols, self.style.font_size * 0.9)
        return out

    def printed_answer(self, item: Choice) -> str:
        if item.answer is None:
            return ""
        options = OPTION_SETS[item.opts]
        code = [nfkc(o) for o in options].index(nfkc(item.answer)) + 1
        text = options[code - 1]
        return f"{code}{self.paren} {text}" if item.numbered else text

    def choice(self, item: Choice) -> None:
        c0 = self.label_start(item.group) if item.label else 0
        v0 = self.lab if item.label else 0
        width = self.n - v0
        answer = self.printed_answer(item)
        extra = (2 + int(self.g.measure.width(item.extra, self.style.font_size) / self.g.col_pt)) if item.extra else 0
        a = max(8, round(width * 0.42))
        alines = self.g.lines(answer, a - 2)
        below = self.style.legend == "below" or len(alines) > 2 or width - a - extra < 14
        if below:  # the count slot (`（ N ）件`) stays beside the answer, inside the sheet
            a = width - extra
            alines = self.g.lines(answer, a - 2)
        lcols = width - 1 if below else width - a - extra
        legend = self.legend_lines(item.opts, lcols)
        rows = len(alines) + len(legend) if below else max(len(alines), len(legend))
        if item.label:
            rows = max(rows, len(self.g.lines(item.label, self.lab - c0)))
        r = self.g.advance(rows)
        if item.label:
            self.label_cell(r, c0, item.label, rows)
        self.bracket(r, v0, v0 + a, alines)
        if extra:
            self.g.put(r, v0 + a, v0 + a + extra, item.extra)
        lr, lc = (r + len(alines), v0 + 1) if below else (r, v0 + a + extra)
        lrows = rows - (lr - r)
        self.g.put(lr, lc, self.n, "\n".join(legend), lrows, wrap_text=True, size=self.style.font_size * 0.9)
        self.g.box(lr, lc, self.n, lrows)
        self.g.box(r, v0, self.n, rows)

    def bracket(self, r: int, c0: int, c1: int, lines: list[str]) -> None:
        """`[` | answer | `]` in three cells (the answer merged over its lines)."""
        self.g.put(r, c0, c0 + 1, "[")
        self.g.put(r, c0 + 1, c1 - 1, "\n".join(lines), len(lines), wrap_text=True, center=len(lines) == 1)
        self.g.put(r, c1 - 1, c1, "]")

    # --- cover and tables ---------------------------------------------------------------------------
    def cover(self, item: Cover) -> None:
        r = self.g.advance(1)
        if item.stamp:
            w = 3 + int(self.g.measure.width(item.stamp, self.style.font_size) / self.g.col_pt)
            self.g.put(r, self.n - w, self.n, item.stamp)
        self.g.advance(2)
        r = self.g.advance(2)
        self.g.put(r, 0, self.n, item.title, 2, center=True, size=self.style.font_size * 1.7)
        self.g.advance(2)

    def pair(self, item: Pair) -> None:
        for texts, fill in ((item.heads, HEAD_FILL), (item.values, None)):
            r = self.g.advance(1)
            for (c0, c1), text in zip(((0, self.lab), (self.lab, self.n)), texts, strict=True):
                self.g.put(r, c0, c1, text, fill=fill, center=True)
                self.g.box(r, c0, c1)
        self.g.advance(1)

    def wide(self, item: Wide) -> None:
        """A table of many columns; each record one line a row, so a page break can fall inside it."""
        self.close_group()
        if item.heading:
            self.g.put(self.g.advance(1), 0, self.n, item.heading)
            r = self.g.advance(1)
            self.g.put(r, 0, self.n, item.title, center=True, size=self.style.font_size * 1.3)
        if item.note:
            self.g.put(self.g.advance(1), 0, self.n, item.note, size=self.style.font_size * 0.9)
        spans = _spans(item.weights, self.n)
        head_rows = max(len(self.g.lines(h, c1 - c0)) for h, (c0, c1) in zip(item.heads, spans, strict=True))
        r = self.g.advance(head_rows)
        for h, (c0, c1) in zip(item.heads, spans, strict=True):
            self.g.put(r, c0, c1, "\n".join(self.g.lines(h, c1 - c0)), head_rows, fill=HEAD_FILL, wrap_text=True,
                       center=True)
            self.g.box(r, c0, c1, head_rows)
        self.g.ws.print_title_rows = f"{r}:{r + head_rows - 1}"
        for record in item.rows:
            cells = [self.g.lines(v, c1 - c0) for v, (c0, c1) in zip(record, spans, strict=True)]
            rows = max(len(x) for x in cells)
            r = self.g.advance(rows)
            for lines, (c0, c1) in zip(cells, spans, strict=True):
                for k, line in enumerate(lines):
                    self.g.put(r + k, c0, c1, line)
                self.g.box(r, c0, c1, rows)


def _page_setup(ws: Worksheet, landscape: bool) -> None:
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.55
    ws.sheet_view.showGridLines = False


class _Book:
    """The workbook: the form on one portrait sheet, each annexed list on a landscape sheet of its own."""

    def __init__(self, data: dict[str, Any], style: XlStyle) -> None:
        self.style = style
        form_type = (data.get("documents") or {}).get("form_type") or "full"
        self.paren = ")" if form_type == "focused" else "）"
        self.wb = Workbook()
        self.wb.properties.creator = "pia-fixtures xlprint"
        ws = self.wb.active
        ws.title = "評価書"
        _page_setup(ws, landscape=False)
        self.main = _Sheet(_Grid(ws, style, PRINT_WIDTH_PT), style, self.paren)

    def add(self, item: Item) -> None:
        if isinstance(item, Wide) and item.landscape:
            self.annex_sheet(item)
            return
        sheet = self.main
        handlers = {Cover: sheet.cover, Pair: sheet.pair, Title: sheet.title, Heading: sheet.heading,
                    Field: sheet.field, Choice: sheet.choice, Checks: sheet.checks, Full: sheet.full,
                    Plain: sheet.plain, Wide: sheet.wide}
        handlers[type(item)](item)  # type: ignore[operator]

    def annex_sheet(self, item: Wide) -> None:
        ws = self.wb.create_sheet(f"別添{len(self.wb.worksheets)}")
        _page_setup(ws, landscape=True)
        _Sheet(_Grid(ws, self.style, LANDSCAPE_WIDTH_PT), self.style, self.paren).wide(item)

    def save(self, path: Path) -> None:
        self.main.close_group()
        self.wb.save(path)


def write_workbook(data: dict[str, Any], path: str | os.PathLike[str], style: XlStyle | None = None) -> None:
    """Write the .xlsx a municipality would keep for `data` (a truth-shaped dict)."""
    style = style or XlStyle()
    book = _Book(data, style)
    for item in outline(data, Numbering(style.fullwidth_digits), style.name_list):
        book.add(item)
    book.save(Path(path))


def soffice_available() -> bool:
    return shutil.which("soffice") is not None


def convert_to_pdf(xlsx: Path, out_dir: Path, timeout: float = 300) -> Path:
    """`soffice --headless --convert-to pdf` in a private profile (so parallel runs never share one)."""
    with tempfile.TemporaryDirectory(prefix="pia-lo-") as profile:
        cmd = ["soffice", f"-env:UserInstallation={Path(profile).as_uri()}", "--headless", "--norestore",
               "--convert-to", "pdf", "--outdir", str(out_dir), str(xlsx)]
        subprocess.run(cmd, check=True, capture_output=True, timeout=timeout)
    pdf = out_dir / (xlsx.stem + ".pdf")
    if not pdf.is_file():
        raise RuntimeError(f"LibreOffice wrote no PDF for {xlsx}")
    return pdf


_DATE = re.compile(rb"(/(?:CreationDate|ModDate)\s*\(D:)(\d{14})")
_HEX = re.compile(rb"(/ID\s*\[\s*<|>\s*<|/DocChecksum\s*/)([0-9A-Fa-f]{32})")


def pin_pdf(pdf: bytes) -> bytes:
    """Fix what LibreOffice varies per run, in place (same lengths, so xref offsets stay valid): the
    creation date, and the /ID and /DocChecksum hex strings, which become a hash of the rest of the file."""
    pdf = _DATE.sub(lambda m: m.group(1) + b"20240101000000", pdf)
    cut = pdf.rfind(b"trailer")  # /ID and /DocChecksum live in the trailer only
    body, trailer = pdf[:cut], pdf[cut:]
    blank = _HEX.sub(lambda m: m.group(1) + b"0" * 32, trailer)
    digest = hashlib.md5(body + blank, usedforsecurity=False).hexdigest().upper().encode()
    return body + _HEX.sub(lambda m: m.group(1) + digest, trailer)


def print_pdf(data: dict[str, Any], path: str | os.PathLike[str], style: XlStyle | None = None,
              keep_xlsx: bool = False) -> None:
    """The spreadsheet print of `data`: the workbook written, converted by LibreOffice, pinned."""
    out = Path(path)
    with tempfile.TemporaryDirectory(prefix="pia-xl-") as tmp:
        xlsx = Path(tmp) / (out.stem + ".xlsx")
        write_workbook(data, xlsx, style)
        pdf = convert_to_pdf(xlsx, Path(tmp))
        out.write_bytes(pin_pdf(pdf.read_bytes()))
        if keep_xlsx:
            shutil.copy(xlsx, out.with_suffix(".xlsx"))
