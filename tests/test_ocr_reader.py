"""The OCR reader's parts on real page images: rules, deskew, text lines, checkbox marks, numerals.

Pages are the project's own generated forms rendered by PyMuPDF and scanned by
`pia_fixtures.scan`; Tesseract runs for real (the tests that need it skip when its Japanese
model is not installed).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pymupdf
import pytest

from extractor.layout.grid import build_grid
from extractor.read.content import PageContent
from extractor.read.lines import text_lines
from extractor.read.pdf import read_page
from extractor.read.raster import Raster, binarise, prepare, rotate, skew_angle
from extractor.read.tesseract import Glyph, tessdata_dir
from pia_fixtures.scan import ScanStyle, scan_page
from pia_fixtures.synth import random_assessment, render_pdf

needs_ocr = pytest.mark.skipif(tessdata_dir() is None, reason="Tesseract's Japanese model is not installed")


@pytest.fixture(scope="module")
def form_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("ocr") / "form.pdf"
    render_pdf(random_assessment(5, "focused", n_files=1, n_annex_rows=0), path)
    return path


def _scanned(page: pymupdf.Page, style: ScanStyle) -> np.ndarray:
    return scan_page(page, style, np.random.default_rng(1))


def _cells(content: PageContent) -> list[tuple[float, float, float, float]]:
    grid = build_grid(content)
    assert grid is not None
    return [(c.x0, c.y0, c.x1, c.y1) for c in grid.cells.values()]


@pytest.mark.parametrize("dpi", [150, 200, 300])
def test_raster_rules_give_the_vector_grid(form_pdf: Path, dpi: int) -> None:
    """The cells built from rules found on the image are the cells of the PDF's vector rules."""
    with pymupdf.open(form_pdf) as doc:
        page = doc[2]
        vector = read_page(page)
        raster = prepare(_scanned(page, ScanStyle(dpi=dpi, noise=6)), dpi)
    scanned = PageContent(vector.number, vector.width, vector.height, (), raster.hsegs, raster.vsegs)
    tol = 2.0 + 72 / dpi * 2  # a rule is 1-3 px thick: its centre moves by up to a pixel or two
    want, got = _cells(vector), _cells(scanned)
    missing = [c for c in want if not any(all(abs(a - b) <= tol for a, b in zip(c, g, strict=True)) for g in got)]
    assert len(want) > 20
    assert not missing, f"{len(missing)} of {len(want)} cells not found: {missing[:5]}"
    assert len(got) == len(want)


@pytest.mark.parametrize("angle", [-1.5, -0.4, 0.7, 2.0])
def test_deskew_finds_the_rotation(form_pdf: Path, angle: float) -> None:
    with pymupdf.open(form_pdf) as doc:
        grey = _scanned(doc[2], ScanStyle(dpi=150, angle=angle, noise=4))
    found = skew_angle(binarise(grey))
    assert found == pytest.approx(-angle, abs=0.1)


def test_a_straight_page_is_left_alone(form_pdf: Path) -> None:
    with pymupdf.open(form_pdf) as doc:
        grey = _scanned(doc[2], ScanStyle(dpi=150))
    assert skew_angle(binarise(grey)) == 0.0
    assert rotate(grey, 0.0) is grey


def test_blank_and_evenly_grey_pages_have_no_ink() -> None:
    for level in (255, 230, 200):
        grey = np.full((400, 300), level, np.uint8)
        assert not binarise(grey).any()
        raster = prepare(grey, 150)
        assert raster.hsegs == () and raster.vsegs == ()


def test_text_lines_split_lines_set_so_tightly_that_they_touch() -> None:
    """Three 20-px lines whose glyphs touch by one pixel row come out as three lines."""
    ink = np.zeros((64, 200), np.uint8)
    for top in (0, 21, 42):
        ink[top: top + 20, 10:190:6] = 255  # glyph strokes
    ink[20, 10:190:50] = 255  # a descender touching the next line
    ink[41, 12:190:50] = 255
    lines = text_lines(ink, em=20.0)
    assert len(lines) == 3
    assert all(15 <= b - a <= 25 for a, b in lines)


def test_a_lone_short_line_is_kept() -> None:
    """A wrapped label's last line holding one character is a line of its own."""
    ink = np.zeros((50, 300), np.uint8)
    ink[2:22, 10:290:5] = 255
    ink[27:45, 10:26] = 255  # one character
    assert len(text_lines(ink, em=20.0)) == 2


def _one_line_pdf(path: Path, lines: list[str], size: float = 10) -> Path:
    doc = pymupdf.open()
    page = doc.new_page(width=420, height=40 + 24 * len(lines))
    for k, text in enumerate(lines):
        page.insert_text((30, 40 + 24 * k), text, fontname="japan", fontsize=size)
    doc.save(path)
    doc.close()
    return path


@needs_ocr
@pytest.mark.parametrize("dpi", [150, 200, 300])
def test_checkbox_marks_are_decided_from_the_ink(tmp_path: Path, dpi: int) -> None:
    from extractor.forms.cell_values import cell_checkboxes
    from extractor.layout import Cell, words_to_lines
    from extractor.read.ocr import ocr_page
    from pia_fixtures.scan import scan_pdf

    rows = ["[ ○ ] 宛名システム等", "[ 　 ] 税務システム", "[○] 住民基本台帳ネットワークシステム",
            "[　] 庁内連携システム", "[ ○ ] その他 （ 市町村CS ）"]
    src = _one_line_pdf(tmp_path / "marks.pdf", rows)
    scan_pdf(src, tmp_path / "marks.scan.pdf", ScanStyle(dpi=dpi, noise=5, angle=0.3), seed=dpi)
    with pymupdf.open(tmp_path / "marks.scan.pdf") as doc:
        content = ocr_page(doc[0]).content
    cell = Cell(1, 0, 0, content.width, content.height, words_to_lines(list(content.words)))
    states = [item.checked for item in cell_checkboxes(cell)]
    assert states == [True, False, True, False, True]


@needs_ocr
def test_roman_numerals_of_headings_are_read(tmp_path: Path) -> None:
    """The Japanese model has no Ⅰ–Ⅹ; headings still come out with their numerals."""
    from extractor.read.ocr import ocr_page
    from pia_fixtures.scan import scan_pdf

    heads = ["Ⅰ　基本情報", "Ⅱ　特定個人情報ファイルの概要", "Ⅲ　リスク対策", "Ⅳ　開示請求、問合せ", "Ⅴ　評価実施手続",
             "1　住民票の記載"]
    src = _one_line_pdf(tmp_path / "heads.pdf", heads, size=12)
    scan_pdf(src, tmp_path / "heads.scan.pdf", ScanStyle(dpi=200, noise=4), seed=2)
    with pymupdf.open(tmp_path / "heads.scan.pdf") as doc:
        words = ocr_page(doc[0]).content.words
    firsts = [w.text for w in sorted(words, key=lambda w: (round(w.y0 / 12), w.x0))
              if w.x0 < 45]
    assert firsts == ["Ⅰ", "Ⅱ", "Ⅲ", "Ⅳ", "Ⅴ", "1"]


@needs_ocr
def test_japanese_words_have_no_spaces_between_characters(tmp_path: Path) -> None:
    from extractor.read.ocr import ocr_page
    from pia_fixtures.scan import scan_pdf

    text = "住民基本台帳に関する事務"
    src = _one_line_pdf(tmp_path / "w.pdf", [text])
    scan_pdf(src, tmp_path / "w.scan.pdf", ScanStyle(dpi=200), seed=3)
    with pymupdf.open(tmp_path / "w.scan.pdf") as doc:
        page = ocr_page(doc[0])
    assert [w.text for w in page.content.words] == [text]
    assert all(0.5 < c <= 1.0 for c in page.confidences)


def _raster_with_marks(marks: list[int], strokes: tuple[int, ...] = ()) -> Raster:
    import cv2

    grey = np.full((40, 200), 255, np.uint8)
    for x in marks:  # a thin ○ of a bracket's height, centred at x
        cv2.circle(grey, (x, 20), 8, 0, 1)
    for x in strokes:  # a `]` of the bracket's height, 5 px wide
        cv2.line(grey, (x, 10), (x, 30), 0, 1)
        cv2.line(grey, (x - 4, 10), (x, 10), 0, 1)
        cv2.line(grey, (x - 4, 30), (x, 30), 0, 1)
    zeros = np.zeros_like(grey)
    return Raster(grey, 255 - grey, zeros, 300.0, 0.0, (), ())


def test_a_mark_under_a_bracket_box_stretched_over_it_is_still_seen() -> None:
    """OCR dropped the ○ and stretched `[` over it: the ink between the brackets is still looked at."""
    from extractor.read.marks import settle_marks
    from extractor.read.tesseract import Glyph

    stretched = [Glyph(10, 10, 40, 30, "[", 0.9, True), Glyph(40, 10, 48, 30, "]", 0.9, False)]
    assert [g.text for g in settle_marks(stretched, _raster_with_marks([28]))] == ["[", "○", "]"]
    assert [g.text for g in settle_marks(stretched, _raster_with_marks([]))] == ["[", "]"]
    tight = [Glyph(10, 10, 13, 30, "[", 0.9, True), Glyph(45, 10, 48, 30, "]", 0.9, False)]
    assert [g.text for g in settle_marks(tight, _raster_with_marks([28]))] == ["[", "○", "]"]


def test_a_bar_read_just_inside_a_bracket_does_not_close_it() -> None:
    """`[ | 〇 ]`: OCR read a speck of the `[` as `|`, a closing look-alike; the real `]` after the mark
    closes the bracket, so the mark between them is seen."""
    from extractor.read.marks import settle_marks
    from extractor.read.tesseract import Glyph

    line = [Glyph(10, 10, 13, 30, "[", 0.9, True), Glyph(14, 10, 15, 30, "|", 0.5, False),
            Glyph(20, 10, 36, 30, "〇", 0.9, False), Glyph(45, 10, 48, 30, "]", 0.9, False),
            Glyph(60, 10, 80, 30, "紙", 0.9, True)]
    assert [g.text for g in settle_marks(line, _raster_with_marks([28]))] == ["[", "○", "]", "紙"]
    assert [g.text for g in settle_marks(line, _raster_with_marks([]))] == ["[", "]", "紙"]


def test_a_brackets_own_stroke_inside_misplaced_boxes_is_no_mark() -> None:
    """Tesseract stretched `[` over an empty `[ ]` and put `]` after the bracket's ink: the `]`
    stroke now lies between the boxes, but it is tall and thin, and a mark is about as wide as tall."""
    from extractor.read.marks import settle_marks
    from extractor.read.tesseract import Glyph

    misplaced = [Glyph(10, 10, 40, 30, "[", 0.9, True), Glyph(42, 8, 60, 32, "]", 0.9, False)]
    assert [g.text for g in settle_marks(misplaced, _raster_with_marks([], strokes=(38,)))] == ["[", "]"]
    assert [g.text for g in settle_marks(misplaced, _raster_with_marks([26], strokes=(38,)))] == ["[", "○", "]"]


def test_an_answer_bracket_misread_at_the_start_of_its_cell_is_a_bracket() -> None:
    from extractor.read.marks import settle_answer_bracket
    from extractor.read.tesseract import Glyph

    def line(text: str) -> list[Glyph]:
        return [Glyph(10.0 * k, 0, 10.0 * k + 8, 10, ch, 0.9, k == 0) for k, ch in enumerate(text)]

    def read(text: str) -> str:
        return "".join(g.text for g in settle_answer_bracket(line(text)))

    assert read("|十分である]") == "[十分である]"
    assert read("!十分である]") == "[十分である]"
    assert read("{行っている]") == "[行っている]"
    assert read("1)特に力を入れている") == "1)特に力を入れている"  # a legend: no bracket closes
    assert read("[十分である]") == "[十分である]"
    assert read("1]") == "1]"  # nothing between them: no answer


def _glyphs(text: str, conf: float = 0.99) -> list[Glyph]:
    from extractor.read.tesseract import Glyph

    return [Glyph(10.0 * k, 0, 10.0 * k + 8, 10, ch, conf, k == 0) for k, ch in enumerate(text)]


def test_glyphs_keep_tesseracts_order_when_a_box_is_stretched_back() -> None:
    """`(3)`: Tesseract boxed `)` from left of `3`; sorting by box start read `()3`."""
    from extractor.read.ocr import in_reading_order, words_of_line
    from extractor.read.tesseract import Glyph

    line = [Glyph(2025, 0, 2033, 34, "(", 0.99, True), Glyph(2038, 0, 2047, 34, "3", 0.98, False),
            Glyph(2037, 0, 2068, 34, ")", 0.98, False)]
    fixed = in_reading_order(line)
    assert [g.x0 for g in fixed] == sorted(g.x0 for g in fixed)
    assert [w[0] for w in words_of_line(fixed)] == ["(3)"]
    assert in_reading_order(_glyphs("関係")) == _glyphs("関係")  # boxes in order are left alone


def test_a_circled_number_in_round_brackets_is_the_digit() -> None:
    from extractor.read.ocr import bracketed_digits

    def read(text: str) -> str:
        return "".join(g.text for g in bracketed_digits(_glyphs(text)))

    assert read("(③)") == "(3)"
    assert read("（⑫）") == "（12）"
    assert read("③(1)") == "③(1)"  # a circled item number outside brackets stays
    assert read("③記録") == "③記録"


def test_glyphs_a_second_reading_contradicts_are_doubtful(monkeypatch: pytest.MonkeyPatch) -> None:
    from extractor.read import ocr

    ink = np.zeros((20, 100), np.uint8)
    monkeypatch.setattr(ocr, "read_line", lambda _ink, _dpi: _glyphs("定められた範囲に"))
    read = _glyphs("定められた男囲に", conf=0.9)
    marked = ocr.recheck(read, ink, 300)
    assert [g.text for g in marked if g.doubt] == ["男"]
    assert ocr.doubtful_spans(marked) == ["れた男囲に"]
    sure = _glyphs("定められた男囲に", conf=0.99)  # every glyph read confidently: not read again
    assert not any(g.doubt for g in ocr.recheck(sure, ink, 300))
    same = _glyphs("定められた範囲に", conf=0.9)  # both readings agree
    assert not any(g.doubt for g in ocr.recheck(same, ink, 300))
    # the second reading differs but a third gives the first one's text there: not doubtful
    readings = iter([_glyphs("定められた範囲に"), _glyphs("られた男囲に該当")])
    monkeypatch.setattr(ocr, "read_line", lambda _ink, _dpi: next(readings))
    assert not any(g.doubt for g in ocr.recheck(read, ink, 300))


def test_an_item_numbers_full_stop_read_as_a_comma_is_a_full_stop() -> None:
    from extractor.read.ocr import item_number_stop

    def read(text: str) -> str:
        return "".join(g.text for g in item_number_stop(_glyphs(text)))

    assert read("3,特定個人情報の使用") == "3．特定個人情報の使用"
    assert read("3.特定個人情報の使用") == "3.特定個人情報の使用"
    split = [Glyph(10, 0, 20, 30, "1", 0.99, True), Glyph(45, 0, 58, 30, "0", 0.99, True),
             Glyph(62, 0, 66, 30, ".", 0.99, False), Glyph(90, 0, 120, 30, "従", 0.99, True)]
    from extractor.read.ocr import words_of_line
    assert [w[0] for w in words_of_line(item_number_stop(split))] == ["10.", "従"]
    assert read("12，監査") == "12．監査"
    assert read("3,000人") == "3,000人"  # a digit group
    assert read("123,記録") == "123,記録"  # not an item number
    assert read("人数3,記録") == "人数3,記録"  # not at the start


def test_an_underscore_in_japanese_text_is_a_speck() -> None:
    from extractor.read.ocr import drop_underscores

    def read(text: str) -> str:
        return "".join(g.text for g in drop_underscores(_glyphs(text)))

    assert read("④対象となる本_") == "④対象となる本"
    assert read("_人の数") == "人の数"
    assert read("-_印鑑登録システム") == "-印鑑登録システム"
    assert read("pia_user01") == "pia_user01"  # between Latin letters and digits it is printed


def test_a_mark_only_the_first_reading_sees_is_a_speck(monkeypatch: pytest.MonkeyPatch) -> None:
    from extractor.read import ocr

    readings = iter([_glyphs("委託の有無※"), _glyphs("委託の有無※")])
    monkeypatch.setattr(ocr, "read_line", lambda _ink, _dpi: next(readings))
    got = ocr.recheck(_glyphs("委託の有無※。", conf=0.9), np.zeros((20, 100), np.uint8), 300)
    assert "".join(g.text for g in got) == "委託の有無※" and not any(g.doubt for g in got)


def test_no_space_before_closing_or_after_opening_punctuation() -> None:
    from extractor.read.ocr import words_of_line
    from extractor.read.tesseract import Glyph

    def spaced(text: str, gap_before: int) -> list[Glyph]:
        out, x = [], 0.0
        for k, ch in enumerate(text):
            x += 60 if k == gap_before else 30
            out.append(Glyph(x, 0, x + 28, 30, ch, 0.99, k == 0))
        return out

    assert [w[0] for w in words_of_line(spaced("を除く。", 3))] == ["を除く。"]
    assert [w[0] for w in words_of_line(spaced("（住民", 1))] == ["（住民"]
    assert [w[0] for w in words_of_line(spaced("厚生労働", 2))] == ["厚生", "労働"]  # a real gap still breaks


def test_a_full_stop_standing_apart_from_the_text_is_a_speck() -> None:
    from extractor.read.ocr import drop_stray_stops
    from extractor.read.tesseract import Glyph

    line = [Glyph(135, 442, 168, 474, "課", 0.88, True), Glyph(251, 428, 276, 488, "。", 0.95, True),
            Glyph(296, 428, 316, 488, "。", 0.94, True)]
    assert "".join(g.text for g in drop_stray_stops(line)) == "課"
    kept = _glyphs("を除く。")
    assert drop_stray_stops(kept) == kept
    inside = [Glyph(304, 0, 321, 30, "く", 0.99, False), Glyph(372, 0, 373, 30, "。", 0.99, False),
              Glyph(372, 0, 379, 30, ")", 0.99, False)]  # a real 。 whose box Tesseract misplaced
    assert drop_stray_stops(inside) == inside


def test_kanji_read_surely_before_a_gap_are_words_not_a_numeral() -> None:
    """`評価書 番号` in a thin 明朝 at 150 dpi: 評価書 stands apart from 番号 like a heading's numeral
    does, but three kanji read at 0.99 are words; the English model is not asked (it said `I`)."""
    from extractor.read.numerals import fix_numeral

    line = [Glyph(10, 10, 30, 30, "評", 0.99, True), Glyph(31, 10, 52, 30, "価", 0.99, False),
            Glyph(53, 10, 74, 30, "書", 0.99, False), Glyph(100, 10, 120, 30, "番", 0.99, True),
            Glyph(121, 10, 141, 30, "号", 0.88, False)]
    grey = np.full((40, 200), 255, np.uint8)
    grey[10:31, 14:17] = 0  # ink the numeral reader reads as Ⅱ by its two bare stems
    grey[10:31, 22:25] = 0
    raster = Raster(grey, 255 - grey, np.zeros_like(grey), 300.0, 0.0, (), ())
    assert [g.text for g in fix_numeral(line, raster)] == ["評", "価", "書", "番", "号"]
    numeral = [Glyph(10, 10, 30, 30, "中", 0.6, True), *line[3:]]  # what the model makes of a real Ⅱ
    assert [g.text for g in fix_numeral(numeral, raster)] == ["Ⅱ", "番", "号"]
