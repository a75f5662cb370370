"""Checkbox binding by position and choice answers validated against legends."""

from __future__ import annotations

from extractor.forms.cell_values import cell_checkboxes, parse_choice
from extractor.forms.choices import Resolved, match_options, paren_text, parse_legend, resolve_answer
from extractor.forms.events import CheckRead
from extractor.layout import Cell, words_to_lines
from extractor.read.content import Word


def _cell(*lines: list[tuple[float, str]]) -> Cell:
    """A cell whose k-th line holds words at the given x positions."""
    words = []
    for k, line in enumerate(lines):
        y = 10 + 14 * k
        for x, s in line:
            words.append(Word(x, y, x + 9 * len(s), y + 9, s))
    return Cell(1, 0, 0, 600, 20 + 14 * len(lines), words_to_lines(words))


CONN = ("情報提供ネットワークシステム", "庁内連携システム", "宛名システム等", "税務システム", "その他")


def test_markers_bind_to_the_label_on_their_right() -> None:
    cell = _cell(
        [(10, "["), (16, "○"), (26, "]"), (34, "情報提供ネットワークシステム"), (300, "["), (306, "\u3000"),
         (316, "]"), (324, "庁内連携システム")],
        [(10, "[○]"), (34, "宛名システム等"), (300, "☐"), (324, "税務システム")],
    )
    hits = {h.option: h.checked for h in match_options(cell_checkboxes(cell), CONN)}
    assert hits == {"情報提供ネットワークシステム": True, "庁内連携システム": False, "宛名システム等": True,
                    "税務システム": False}


def test_wrapped_label_continues_its_column_and_other_text_is_balanced() -> None:
    cell = _cell(
        [(10, "[○]"), (34, "電子記録媒体(フラッ"), (300, "[ ]"), (324, "紙")],
        [(10, "シュメモリを除く。)")],
        [(10, "[○]"), (34, "その他"), (70, "（"), (80, "証明書交付センター(連絡先)、CS"), (400, "）")],
    )
    opts = ("紙", "電子記録媒体(フラッシュメモリを除く。)", "その他")
    hits = match_options(cell_checkboxes(cell), opts)
    assert [(h.option, h.checked) for h in hits] == [
        ("電子記録媒体(フラッシュメモリを除く。)", True), ("紙", False), ("その他", True)]
    assert paren_text(hits[-1].rest) == "証明書交付センター(連絡先)、CS"


def test_filled_square_glyphs_count_as_checked() -> None:
    cell = _cell([(10, "■"), (24, "自己点検"), (120, "□"), (134, "内部監査")])
    hits = match_options(cell_checkboxes(cell), ("自己点検", "内部監査", "外部監査"))
    assert [(h.option, h.checked) for h in hits] == [("自己点検", True), ("内部監査", False)]


def test_garbled_legend_is_sorted_by_number() -> None:
    assert parse_legend("2） 委託しない1） 委託する") == [(1, "委託する"), (2, "委託しない")]
    assert parse_legend("1) 1,000人未満 2) 1,000人以上1万人未満")[1] == (2, "1,000人以上1万人未満")


def test_answer_is_validated_and_numbered_from_the_printed_legend() -> None:
    cell = _cell([(10, "["), (20, "十分である"), (80, "]"), (120, "＜選択肢＞")],
                 [(120, "1）"), (140, "特に力を入れている"), (300, "2）"), (320, "十分である")])
    choice = parse_choice([cell])
    assert choice.answer == "十分である"
    assert resolve_answer(choice.answer, choice.legend, ()) == Resolved("十分である", 2, True)


def test_an_answer_that_names_no_option_is_not_stored_but_kept_for_the_warning() -> None:
    assert resolve_answer("たぶん十分", [(1, "十分である")], ()) == Resolved(None, None, False, printed="たぶん十分")
    assert resolve_answer(None, [(1, "十分である")], ()) == Resolved(None, None, True)


def test_an_answer_cut_at_the_cell_edge_is_read_only_when_one_option_starts_so() -> None:
    scope = ("特定個人情報ファイルの全体", "特定個人情報ファイルの一部")
    assert resolve_answer("特定個人情報ファイルの一", [], scope) == Resolved("特定個人情報ファイルの一部", 2, True)
    assert resolve_answer("特定個人情報ファイル", [], scope).text is None  # either option: not guessed


def test_the_answer_takes_the_spec_spelling_of_its_option() -> None:
    legend = [(1, "その他の電子ファイル（表計算ファイル 等）")]
    options = ("システム用ファイル", "その他の電子ファイル(表計算ファイル等)")
    assert resolve_answer("その他の電子ファイル（表計算ファイル等）", legend, options).text == options[1]


def test_value_printed_before_an_empty_bracket() -> None:
    cell = _cell([(10, "定めている"), (60, "["), (70, "]")])
    assert parse_choice([cell]).answer == "定めている"


def test_spec_options_are_the_fallback_when_no_legend_is_printed() -> None:
    assert resolve_answer("十分である", [], ("特に力を入れている", "十分である")) == Resolved("十分である", 2, True)


def test_a_digit_group_read_with_another_separator_is_the_spec_option() -> None:
    """OCR reads 1,000 as 1.000 (answer and legend alike): the option is the spec's, in its spelling."""
    bands = ("10人未満", "500人以上1,000人未満", "1,000人以上")
    legend = [(1, "10人未満"), (5, "500人以上1.000人未満"), (6, "1.000人以上")]
    assert resolve_answer("1.000人以上", legend, bands) == Resolved("1,000人以上", 6, True)
    assert resolve_answer("500人以上1，000人未満", [], bands) == Resolved("500人以上1,000人未満", 2, True)
    # numbers still tell options apart: a different band is no match
    assert resolve_answer("100人以上", [], bands) == Resolved(None, None, False, printed="100人以上")


def test_specks_read_from_bracket_serifs_leave_the_marker_whole() -> None:
    """OCR reads a bracket's serifs as `-` and `_`: `[- ○ ]_ その他` is a checked その他."""
    cell = _cell([(10, "[-"), (30, "○"), (45, "]_"), (70, "その他"), (120, "(中間サーバ)")],
                 [(10, "[-"), (45, "]"), (70, "税務システム")])
    got = [(c.label, c.checked) for c in cell_checkboxes(cell)]
    assert got == [("その他 (中間サーバ)", True), ("税務システム", False)]


def test_a_stray_character_before_an_option_label_is_tolerated_when_one_option_fits() -> None:
    options = ("宛名システム等", "税務システム", "その他")
    items = [CheckRead("るその他( )", False), CheckRead("税務システム", True), CheckRead("ああ", True)]
    hits = match_options(items, options)
    assert [(h.option, h.checked, h.rest) for h in hits] == [("その他", False, "( )"), ("税務システム", True, "")]


def test_an_ocr_answer_one_character_off_a_single_option_is_that_option() -> None:
    from extractor.forms.choices import resolve_misread

    legend = [(1, "特に力を入れている"), (2, "十分である"), (3, "課題が残されている")]
    assert resolve_misread("特にカを入れている", legend, ()) == Resolved("特に力を入れている", 1, True)
    assert resolve_misread("課題が茎されている", legend, ()) == Resolved("課題が残されている", 3, True)
    assert resolve_misread("特にを入れている", legend, ()).code == 1  # a character dropped
    assert not resolve_misread("課題がされてる", legend, ()).found  # two characters off: not guessed
    assert not resolve_misread("十分でる", [(1, "十分である"), (2, "十分でない")], ()).found  # near both
    assert not resolve_misread("有る", [(1, "有り"), (2, "無し")], ()).found  # too short to tell


def test_the_legend_mark_as_ocr_reads_it_still_opens_the_legend() -> None:
    """OCR reads ＜ as く or ぐ and splits 選択肢: `[ 500人未満 ぐ選択 肢` / `1) 500人以上 2) 500人未満`."""
    from extractor.forms.patterns import patterns

    mark = patterns().legend_mark
    for text in ("＜選択肢＞", "く選択肢>", "ぐく選択肢>", "選択肢>", "＜選択肢", "ぐ選択 肢 1) 500人以上"):
        assert mark.search(text), text
    for text in ("選択肢とは", "続く選択肢", "選択肢"):  # no bracket, no option after it: not the mark
        assert not mark.search(text), text
    cell = _cell([(10, "["), (60, "500人未満"), (160, "ぐ選択"), (190, "肢")],
                 [(160, "1)"), (180, "500人以上"), (250, "2)"), (270, "500人未満")])
    read = parse_choice([cell])
    assert read.answer == "500人未満"
    assert read.legend == ((1, "500人以上"), (2, "500人未満"))


def test_born_digital_legend_cells_split_as_before() -> None:
    cell = _cell([(10, "["), (40, "十分である"), (120, "]"), (160, "＜選択肢＞")],
                 [(160, "1)"), (180, "特に力を入れている"), (300, "2)"), (320, "十分である")])
    read = parse_choice([cell])
    assert read.answer == "十分である" and read.legend == ((1, "特に力を入れている"), (2, "十分である"))


def test_a_band_whose_zeros_ocr_misread_is_the_form_band_of_its_shape() -> None:
    """OCR reads the zeros of `500人以上1,000人未満` as 9s or 6s; the leading digits and lengths still
    tell the form's bands apart.  Only the form's spelling is taken, and only when one band fits."""
    from extractor.forms.choices import number_shape, resolve_misread

    staff = ("10人未満", "10人以上50人未満", "50人以上100人未満", "100人以上500人未満", "500人以上1,000人未満",
             "1,000人以上")
    assert resolve_misread("599人以上 1,099人未満", [], staff) == Resolved("500人以上1,000人未満", 5, True)
    assert resolve_misread("199人以上500人未満", [(4, "199人以上500人未満")], staff) == Resolved(
        "100人以上500人未満", 4, True)
    assert resolve_misread("1,699人以上", [], staff) == Resolved("1,000人以上", 6, True)
    assert not resolve_misread("899人以上1,099人未満", [], staff).found  # a leading digit misread: no band
    assert not resolve_misread("59人以上199人未満」", [], staff).found  # other words: no band
    assert not resolve_misread("1,699人以上", [(1, "1,000人以上")], ()).found  # a printed legend alone is OCR too
    assert number_shape("599人以上1099人未満") == "5/3人以上1/4人未満" and number_shape("十分である") is None
    assert len({number_shape(o.replace(",", "")) for o in staff}) == len(staff)


def test_an_ocr_answer_found_only_in_a_legend_ocr_misread_too_must_be_a_form_option() -> None:
    """`[ 59人以上196人未満 ]` beside a legend read `3) 59人以上199人未満`: the legend is OCR as well, so
    only the form's own option (by the band's shape) is taken; born-digital answers keep the legend."""
    from extractor.forms.apply import resolve
    from extractor.forms.events import ChoiceRead

    staff = ("10人未満", "10人以上50人未満", "50人以上100人未満", "100人以上500人未満", "500人以上1,000人未満",
             "1,000人以上")
    legend = ((1, "16人未満"), (2, "19人以上56人未満"), (3, "59人以上199人未満"))
    band = Resolved("50人以上100人未満", 3, True)
    assert resolve(ChoiceRead("59人以上196人未満", legend, ""), staff, ocr=True) == band
    assert resolve(ChoiceRead("59人以上199人未満", legend, ""), staff, ocr=True) == band
    assert not resolve(ChoiceRead("とても大事", ((1, "とても大事"),), ""), ("十分である", "課題がある"), ocr=True).found
    # not OCR: a printed legend's own wording stands
    assert resolve(ChoiceRead("とても大事", ((1, "とても大事"),), ""), ("十分である",), ocr=False).text == "とても大事"


def test_annex_choice_columns_are_the_recipient_choice_fields() -> None:
    from extractor.forms.spec import LAYOUT_DIR, load_spec

    choices = load_spec(LAYOUT_DIR / "full_h30.yaml").recipient_choices
    assert "subjects_band" in choices and "1,000万人以上" in choices["subjects_band"]
    assert "recipient" not in choices


def test_a_marker_whose_parts_ocr_read_as_words_of_their_own_is_whole() -> None:
    """`[` `-` `○` `]` read as four words (a speck from a serif among them) is one checked marker,
    not text run on from the item before it."""
    cell = _cell([(10, "[ ○ ]"), (45, "宛名システム等")],
                 [(10, "["), (18, "-"), (26, "○"), (36, "]"), (45, "その他"), (80, "(国民年金システム)")])
    got = [(c.label, c.checked) for c in cell_checkboxes(cell)]
    assert got == [("宛名システム等", True), ("その他 (国民年金システム)", True)]


def test_an_option_label_with_one_character_too_many_is_that_option_when_no_other_fits() -> None:
    items = [CheckRead("情報提供ネミットワークシステム", True), CheckRead("税務システム", False),
             CheckRead("そのの他", True)]  # too short a label to tell
    hits = match_options(items, CONN)
    assert [(h.option, h.checked) for h in hits] == [("情報提供ネットワークシステム", True), ("税務システム", False)]


def test_an_annex_method_ocr_misread_is_the_form_option_it_names() -> None:
    """An annex list prints the method's name alone; OCR's `店内連携シスズテム` is `庁内連携システム`
    (two edits in eight characters, far from every other option), but text that names no option
    closely, or names two equally, is not an option."""
    from extractor.forms.choices import option_named
    from extractor.forms.spec import all_specs

    spec = next(s for s in all_specs() if s.recipient_boxes.get("methods"))
    methods = spec.recipient_boxes["methods"]
    assert {"情報提供ネットワークシステム", "庁内連携システム"} <= set(methods)  # 提供方法 and 移転方法
    assert option_named("店内連携システム", methods) == "庁内連携システム"
    assert option_named("店内連携シスズテム", methods) == "庁内連携システム"
    assert option_named("電子記録媒体(フラッジュメモリを除く。 )", methods) == "電子記録媒体(フラッシュメモリを除く。)"
    assert option_named("庁内連携システム", methods) == "庁内連携システム"
    assert option_named("紙", methods) == "紙"
    assert option_named("店内連携", methods) is None  # half an option: not guessed
    assert option_named("住民基本台帳ネットワーク", methods) is None  # not an option
    assert option_named("フラッシュメモリー", ("フラッシュメモリ", "フラッシュメモリA")) is None  # near both
