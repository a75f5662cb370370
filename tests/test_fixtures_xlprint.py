"""The spreadsheet prints are what a spreadsheet prints: checked on the committed LibreOffice PDFs with
PyMuPDF (rules, fills, cells), and on the workbook itself (openpyxl, no LibreOffice needed)."""

from __future__ import annotations

import itertools
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pymupdf
import pytest
from openpyxl import load_workbook

from pia_fixtures.outline import Checks, Choice, outline
from pia_fixtures.synth import random_assessment
from pia_fixtures.xlprint import GLYPHS, XlStyle, write_workbook
from tests.fixtures.make_fixtures import FIXTURES, HERE

XL = [fx for fx in FIXTURES if fx.printer == "xl"]
BOX_CHARS = {"[", "［", "☑", "☐", "■", "□"}
MARKS = {"○", "●", "☑", "■"}


def load(name: str) -> tuple[pymupdf.Document, dict[str, Any]]:
    pdf = HERE / "xl" / f"{name}.pdf"
    return pymupdf.open(pdf), json.loads(pdf.with_suffix(".expected.json").read_text(encoding="utf-8"))


def rules(page: pymupdf.Page) -> tuple[list[tuple[float, float, float]], list[tuple[float, float, float]]]:
    """Vertical (x, y0, y1) and horizontal (y, x0, x1) rules of the page, of any weight."""
    vertical, horizontal = [], []
    for d in page.get_cdrawings():
        for it in d["items"] if d["type"] == "s" else ():
            (x0, y0), (x1, y1) = it[1], it[2]
            if it[0] == "l" and abs(x0 - x1) < 0.01:
                vertical.append((x0, min(y0, y1), max(y0, y1)))
            elif it[0] == "l" and abs(y0 - y1) < 0.01:
                horizontal.append((y0, min(x0, x1), max(x0, x1)))
    return vertical, horizontal


def chars(page: pymupdf.Page) -> list[tuple[str, pymupdf.Rect]]:
    return [(ch["c"], pymupdf.Rect(ch["bbox"])) for block in page.get_text("rawdict")["blocks"]
            for line in block.get("lines", []) for span in line["spans"] for ch in span["chars"]]


def bordered(r: pymupdf.Rect, vertical: list[tuple[float, float, float]],
             horizontal: list[tuple[float, float, float]], reach: float = 6) -> bool:
    """A rule left of the character (within `reach`) and one just above it: it starts a bordered cell."""
    yc = (r.y0 + r.y1) / 2
    left = any(0 < r.x0 - x < reach and y0 <= yc <= y1 for x, y0, y1 in vertical)
    return left and any(0 < r.y0 - y < 6 and x0 <= r.x0 <= x1 for y, x0, x1 in horizontal)


def option_boxes(page: pymupdf.Page, col_pt: float) -> list[float]:
    """Each checkbox that starts a bordered cell, as the distance from its opening to its closing bracket
    (0 for a bracketless glyph).  A choice's `[` is not one: its `]` is many columns away."""
    vertical, horizontal = rules(page)
    cs = chars(page)
    out = []
    for c, r in cs:
        if c in "☑☐■□":  # a bracketless glyph, centred in its cell
            if bordered(r, vertical, horizontal, reach=3 * col_pt):
                out.append(0.0)
            continue
        if c not in BOX_CHARS or not bordered(r, vertical, horizontal):
            continue
        closes = [q.x0 - r.x0 for d, q in cs if d in "]］" and abs(q.y0 - r.y0) < 1 and 0 < q.x0 - r.x0 < 3.5 * col_pt]
        if closes:
            out.append(min(closes))
    return out


def expected_options(data: dict[str, Any]) -> tuple[int, int]:
    """(options, checked options) over every checkbox group the form prints for `data`."""
    total = checked = 0
    for item in outline(data):
        if isinstance(item, Checks):
            labels = [label for _, rows in item.groups for row in rows for label in row]
            total += len(labels)
            checked += sum(label in item.checked for label in labels)
    return total, checked


@pytest.mark.parametrize("fx", XL, ids=lambda fx: fx.name)
def test_one_bordered_cell_per_checkbox_option(fx: Any) -> None:
    doc, data = load(fx.name)
    col_pt = XlStyle(**fx.style).col_pt
    boxes = [d for page in doc if page.rect.width < page.rect.height for d in option_boxes(page, col_pt)]
    assert len(boxes) == expected_options(data)[0]


@pytest.mark.parametrize("fx", XL, ids=lambda fx: fx.name)
def test_brackets_and_mark_are_separate_cells_or_one(fx: Any) -> None:
    """Split style: `[`, mark and `]` are three cells, so `]` sits two grid columns right of `[`.
    Joined style: `[○]` is one cell's text, its `]` within a column."""
    style = XlStyle(**fx.style)
    doc, _ = load(fx.name)
    gaps = [d for page in doc if page.rect.width < page.rect.height for d in option_boxes(page, style.col_pt)]
    if not GLYPHS[style.glyph][0]:
        assert set(gaps) == {0.0}
    elif style.joined:
        assert max(gaps) < 1.5 * style.col_pt
    else:
        assert min(gaps) > 1.5 * style.col_pt


@pytest.mark.parametrize("fx", XL, ids=lambda fx: fx.name)
def test_two_rule_weights_and_borderless_label_fills(fx: Any) -> None:
    doc, _ = load(fx.name)
    widths: Counter[float] = Counter()
    fills = 0
    for page in doc:
        for d in page.get_cdrawings():
            if d["type"] == "s":
                widths[round(d.get("width") or 0, 1)] += 1
            elif d["type"] == "f" and d.get("fill") and min(d["fill"]) > 0.8:
                fills += 1
            assert d["type"] != "fs", "a filled shape with its own border"
    assert set(widths) == {0.1, 0.8} or set(widths) == {0.1, 0.7}, widths
    assert fills > 0


@pytest.mark.parametrize("fx", XL, ids=lambda fx: fx.name)
def test_one_legend_per_choice(fx: Any) -> None:
    doc, data = load(fx.name)
    legends = sum(page.get_text().count("＜選択肢＞") for page in doc)
    assert legends == sum(isinstance(item, Choice) for item in outline(data))


@pytest.mark.parametrize("fx", XL, ids=lambda fx: fx.name)
def test_text_order_is_not_reading_order(fx: Any) -> None:
    """Wrapped and merged cells come after the single-line cells of their rows in the content stream."""
    doc, _ = load(fx.name)
    inversions = 0
    for page in doc:
        tops = [w[1] for w in page.get_text("words")]
        inversions += sum(b < a - 3 for a, b in itertools.pairwise(tops))
    assert inversions > 0


@pytest.mark.parametrize("fx", [fx for fx in XL if fx.n_annex_rows], ids=lambda fx: fx.name)
def test_annex_lists_on_landscape_pages_with_repeated_header(fx: Any) -> None:
    doc, data = load(fx.name)
    landscape = [p for p in doc if p.rect.width > p.rect.height]
    assert len(landscape) >= 2
    assert all("①法令上の根拠" in p.get_text() for p in landscape)
    assert any(r["listed_in"] == "annex" for r in data["recipients"])


def cells(path: Path) -> tuple[list[tuple[str, Any]], list[str]]:
    wb = load_workbook(path)
    values = [(f"{ws.title}!{c.coordinate}", c.value) for ws in wb for row in ws.iter_rows() for c in row if c.value]
    merged = [f"{ws.title}!{r}" for ws in wb for r in ws.merged_cells.ranges]
    return values, merged


@pytest.mark.parametrize("form_type", ["full", "focused", "basic"])
def test_workbook_is_deterministic_and_holds_every_option(tmp_path: Path, form_type: str) -> None:
    data = random_assessment(8, form_type)
    style = XlStyle(glyph="[○]", joined=True, continuation="rows")
    write_workbook(data, tmp_path / "a.xlsx", style)
    write_workbook(data, tmp_path / "b.xlsx", style)
    a, b = cells(tmp_path / "a.xlsx"), cells(tmp_path / "b.xlsx")
    assert a == b
    marks = [v for _, v in a[0] if v in ("[○]", "[　]")]
    assert len(marks) >= expected_options(data)[0]


def test_style_is_validated() -> None:
    with pytest.raises(ValueError, match="glyph"):
        XlStyle(glyph="(x)")
    with pytest.raises(ValueError, match="continuation"):
        XlStyle(continuation="wrap")
    with pytest.raises(ValueError, match="row_height"):
        XlStyle(font_size=12, row_height=12)
