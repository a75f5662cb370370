"""Layout stage on real PDFs drawn with PyMuPDF: cells, inner legend boxes, page-break joins."""

from __future__ import annotations

from pathlib import Path

import pymupdf

from extractor.layout import document_rows, page_to_rows, words_to_lines
from extractor.layout.grid import build_grid
from extractor.read.content import Word
from extractor.read.pdf import read_pdf
from tests.pdfkit import hline, save, text, two_col_table, vline


def _pdf(tmp_path: Path, draw) -> bytes:  # type: ignore[no-untyped-def]
    doc = pymupdf.open()
    draw(doc)
    return save(doc, tmp_path / "t.pdf").read_bytes()


def test_two_column_rows_become_label_value_cells(tmp_path: Path) -> None:
    def draw(doc: pymupdf.Document) -> None:
        page = doc.new_page()
        text(page, 40, 40, "Ⅰ　基本情報")
        two_col_table(page, [("①事務の名称", ["住民基本台帳に関する事務"]), ("②事務の内容", ["一行目", "二行目"])])

    pages, n = read_pdf(_pdf(tmp_path, draw))
    rows = page_to_rows(pages[0])
    assert n == 1
    assert rows[0].free and rows[0].cells[0].text == "Ⅰ　基本情報"
    assert [r.texts for r in rows[1:]] == [
        ["①事務の名称", "住民基本台帳に関する事務"],
        ["②事務の内容", "一行目\n二行目"],
    ]


def test_legend_box_is_an_inner_cell(tmp_path: Path) -> None:
    def draw(doc: pymupdf.Document) -> None:
        page = doc.new_page()
        two_col_table(page, [("リスクへの対策は十分か", ["[ 十分である ]", "", ""])])
        page.draw_rect(pymupdf.Rect(330, 64, 550, 100), width=0.5)
        text(page, 334, 76, "＜選択肢＞")
        text(page, 334, 90, "1） 特に力を入れている 2） 十分である")

    pages, _ = read_pdf(_pdf(tmp_path, draw))
    rows = page_to_rows(pages[0])
    assert len(rows) == 1
    value = rows[0].cells[1]
    assert value.text.replace(" ", "") == "[十分である]"
    assert len(value.inner) == 1 and "＜選択肢＞" in value.inner[0].text


def test_row_cut_by_page_break_is_joined(tmp_path: Path) -> None:
    def draw(doc: pymupdf.Document) -> None:
        p1 = doc.new_page()
        two_col_table(p1, [("①システムの名称", ["宛名システム"])], top=700)
        # a row that runs off the bottom of page 1 (no bottom rule) ...
        vline(p1, 40, 726, 800), vline(p1, 200, 726, 800), vline(p1, 560, 726, 800)
        text(p1, 44, 738, "②システムの機能")
        text(p1, 204, 738, "前半の説明")
        p2 = doc.new_page()
        # ... and continues at the top of page 2 with an empty label cell
        for x in (40, 200, 560):
            vline(p2, x, 40, 70)
        hline(p2, 70, 40, 560)
        text(p2, 204, 55, "後半の説明")

    pages, _ = read_pdf(_pdf(tmp_path, draw))
    rows = document_rows(pages)
    assert [r.texts for r in rows] == [
        ["①システムの名称", "宛名システム"],
        ["②システムの機能", "前半の説明\n後半の説明"],
    ]


def test_no_rules_means_no_grid(tmp_path: Path) -> None:
    def draw(doc: pymupdf.Document) -> None:
        text(doc.new_page(), 40, 40, "罫線のない文書")

    pages, _ = read_pdf(_pdf(tmp_path, draw))
    assert build_grid(pages[0]) is None
    rows = page_to_rows(pages[0])
    assert rows[0].free and rows[0].cells[0].text == "罫線のない文書"


def test_a_small_mark_boxed_low_stays_on_its_line() -> None:
    """OCR boxes a digit short and a period at the baseline: their middles fall outside the first
    word's band but inside the line's; the next line's words stay apart."""
    words = [Word(36.7, 52.8, 39.4, 59.5, "1"), Word(43.7, 58.6, 45.1, 60.0, "."),
             Word(52.1, 51.4, 150.2, 64.1, "特定個人情報ファイル名"),
             Word(34.6, 64.1, 126.7, 75.4, "(1)住民票情報ファイル")]
    lines = words_to_lines(words)
    assert [ln.text for ln in lines] == ["1 . 特定個人情報ファイル名", "(1)住民票情報ファイル"]


def test_words_to_lines_orders_by_line_then_x() -> None:
    words = [Word(60, 20, 80, 29, "B"), Word(10, 20, 30, 29, "A"), Word(10, 40, 30, 49, "C")]
    lines = words_to_lines(words)
    assert [ln.text for ln in lines] == ["A B", "C"]


def test_page_without_rules_is_split_by_alignment(tmp_path: Path) -> None:
    def draw(doc: pymupdf.Document) -> None:
        page = doc.new_page()
        text(page, 40, 40, "２．特定個人情報ファイルを取り扱う事務において使用するシステム")
        y = 60
        for k in range(1, 8):
            text(page, 40, y, f"①システムの名称{k}")
            text(page, 220, y, f"システム名{k}")
            text(page, 220, y + 13, "続きの行")
            y += 30

    pages, _ = read_pdf(_pdf(tmp_path, draw))
    rows = page_to_rows(pages[0])
    assert len(rows[0].cells) == 1 and "使用するシステム" in rows[0].cells[0].text
    assert rows[1].texts == ["①システムの名称1", "システム名1\n続きの行"]
    assert len(rows) == 8


def test_running_headers_and_page_numbers_are_dropped(tmp_path: Path) -> None:
    def draw(doc: pymupdf.Document) -> None:
        for k in range(1, 6):
            page = doc.new_page()
            text(page, 40, 20, "特定個人情報保護評価書　住民基本台帳に関する事務")
            two_col_table(page, [(f"①項目{k}", [f"値{k}"])], top=100)
            text(page, 290, 825, f"- {k} -")

    pages, _ = read_pdf(_pdf(tmp_path, draw))
    rows = document_rows(pages)
    assert [r.texts for r in rows] == [[f"①項目{k}", f"値{k}"] for k in range(1, 6)]


def test_a_period_boxed_low_on_a_short_line_stays_on_it() -> None:
    words = [Word(36.7, 52.8, 39.4, 59.5, "1"), Word(43.7, 58.6, 45.1, 60.0, "."), Word(54.2, 52.3, 69.6, 60.5, "監査"),
             Word(35.3, 65.0, 69.1, 73.0, "自己点検"), Word(70.0, 71.9, 71.0, 73.2, "。")]
    assert [ln.text for ln in words_to_lines(words)] == ["1 . 監査", "自己点検 。"]


def test_specks_inside_a_line_height_are_not_joined_to_it() -> None:
    """`-` and `_` read from the bracket serifs stay apart: `[ ○ ]` must stay whole (positions as OCR read them)."""
    words = [Word(206.2, 537.1, 207.8, 545.3, "["), Word(214.1, 537.1, 222.0, 544.3, "○"),
             Word(229.0, 537.1, 229.7, 545.3, "]"), Word(246.5, 536.4, 271.9, 544.3, "その他"),
             Word(287.0, 535.4, 555.4, 547.9, "印鑑登録システム"), Word(206.4, 545.0, 207.8, 545.3, "-"),
             Word(228.0, 545.0, 229.4, 545.3, "_"), Word(247.4, 543.6, 448.6, 555.4, "期高齢者医療システム")]
    assert words_to_lines(words)[0].text == "[ ○ ] その他 印鑑登録システム"
