"""Katakana of the forms that OCR misread by one character (`read.vocabulary`)."""

from __future__ import annotations

from extractor.forms.spec import katakana_vocabulary
from extractor.read.ocr import mend_katakana
from extractor.read.tesseract import Glyph
from extractor.read.vocabulary import katakana_words, mend

WORDS = frozenset({"システム", "ファイル", "アクセス", "ネットワークシステム"})


def test_a_run_one_character_off_a_form_word_is_that_word() -> None:
    assert mend("収納管理レステム", WORDS) == "収納管理システム"
    assert mend("情報提供ネットワークレステム", WORDS) == "情報提供ネットワークシステム"
    assert mend("住民票ファイル", WORDS) == "住民票ファイル"


def test_other_katakana_stays_as_read() -> None:
    assert mend("株式会社ファイン", WORDS) == "株式会社ファイン"  # off in its last character: another word
    assert mend("アクセル", WORDS) == "アクセル"
    assert mend("レステ", WORDS) == "レステ"  # too short to tell
    assert mend("レスデム", WORDS) == "レスデム"  # two characters off
    assert mend("コンビニエンスストア", WORDS) == "コンビニエンスストア"
    assert mend("レステム", frozenset()) == "レステム"


def test_the_forms_vocabulary_holds_their_katakana_words() -> None:
    vocabulary = katakana_vocabulary()
    assert {"システム", "ファイル", "ネットワークシステム"} <= vocabulary
    assert all(len(w) >= 4 for w in vocabulary)
    assert katakana_words(["評価書のシステム、サーバ"]) == frozenset({"システム"})


def test_glyphs_are_mended_one_for_one_keeping_their_boxes() -> None:
    line = [Glyph(10 * k, 0, 10 * k + 9, 9, c, 0.9, k == 0) for k, c in enumerate("管理レステム等")]
    out = mend_katakana(line, WORDS)
    assert "".join(g.text for g in out) == "管理システム等"
    assert [(g.x0, g.conf) for g in out] == [(g.x0, g.conf) for g in line]


def test_a_long_vowel_mark_after_a_kanji_or_latin_letter_is_a_speck() -> None:
    from extractor.read.ocr import drop_stray_bars

    def read(text: str) -> str:
        line = [Glyph(10 * k, 0, 10 * k + 9, 9, c, 0.9, False) for k, c in enumerate(text)]
        return "".join(g.text for g in drop_stray_bars(line))

    assert read("LGWANーー") == "LGWAN"
    assert read("更ーー-新年月日") == "更新年月日"
    for kept in ("サーバー", "データーベース", "ー", "LGWAN-ASP", "0172ー35"):
        assert read(kept) == kept


def test_a_line_of_bars_alone_is_a_dotted_rule() -> None:
    from extractor.read.ocr import is_rule_dashes

    def line(text: str) -> list[Glyph]:
        return [Glyph(10 * k, 0, 10 * k + 9, 9, c, 0.9, False) for k, c in enumerate(text)]

    assert is_rule_dashes(line("ーー")) and is_rule_dashes(line("ーー-"))
    assert not is_rule_dashes(line("ー"))  # a dash printed for "none"
    assert not is_rule_dashes(line("ーLGWAN"))


def test_bars_standing_apart_from_the_text_are_specks() -> None:
    from extractor.read.ocr import drop_isolated_bars

    def read(*glyphs: tuple[float, str]) -> str:
        line = [Glyph(x, 0, x + 30, 30, c, 0.9, False) for x, c in glyphs]
        return "".join(g.text for g in drop_isolated_bars(line))

    assert read((0, "ー"), (5, "ー"), (150, ")")) == ")"  # a rule's dashes before the text
    assert read((0, "-"), (130, "新"), (165, "年"), (200, ")"), (400, "ー"), (490, "ー")) == "新年)"
    assert read((0, "サ"), (32, "ー"), (64, "バ")) == "サーバ"  # touching: a long-vowel mark
    assert read((0, "A"), (45, "-"), (90, "B")) == "A-B"  # a spaced dash is within reach
    assert read((0, "ー"),) == "ー"  # a dash alone: "none"
