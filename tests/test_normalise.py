"""Normalisation and date parsing: unit and property tests."""

from __future__ import annotations

import unicodedata
from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from extractor.normalise import (
    clean_line,
    fold,
    item_number,
    join_lines,
    label_key,
    parse_count,
    parse_date,
    strip_item_number,
)
from extractor.normalise.dates import printed_forms

ERAS = [("令和", 2018, 1, 30), ("平成", 1988, 1, 31), ("昭和", 1925, 1, 64)]
FW = str.maketrans("0123456789", "０１２３４５６７８９")


@given(st.text())
def test_fold_is_idempotent(s: str) -> None:
    assert fold(fold(s)) == fold(s)


@given(st.text())
def test_label_key_has_no_whitespace(s: str) -> None:
    assert not any(ch.isspace() for ch in label_key(s))


@given(st.text(alphabet="０１２３４５６７８９ＡＢＣａｂｃｱｲｳ　（）"))
def test_fold_matches_nfkc_outside_kept_characters(s: str) -> None:
    assert fold(s) == unicodedata.normalize("NFKC", s)


def test_fold_keeps_section_numerals_and_circled_numbers() -> None:
    assert fold("Ⅲ　①物理的対策") == "Ⅲ ①物理的対策"


@st.composite
def era_dates(draw: st.DrawFn) -> tuple[str, str]:
    era, base, first, last = draw(st.sampled_from(ERAS))
    n = draw(st.integers(first, last))
    month = draw(st.integers(1, 12))
    day = draw(st.integers(1, 28))
    year_text = "元" if n == 1 and draw(st.booleans()) else str(n)
    text = f"{era}{year_text}年{month}月{day}日"
    if draw(st.booleans()):
        text = text.translate(FW)
    return text, f"{base + n:04d}-{month:02d}-{day:02d}"


@given(era_dates())
def test_wareki_dates_parse_to_iso(case: tuple[str, str]) -> None:
    text, iso = case
    assert parse_date(text) == iso


@given(st.integers(1990, 2100), st.integers(1, 12))
def test_month_precision_is_kept(year: int, month: int) -> None:
    assert parse_date(f"{year}年{month}月") == f"{year:04d}-{month:02d}"


def test_date_examples() -> None:
    assert parse_date("平成２７年６月") == "2015-06"
    assert parse_date("令和元年5月1日") == "2019-05-01"
    assert parse_date("2023年11月20日(月)") == "2023-11-20"
    assert parse_date("令和5年2月30日") is None
    assert parse_date("未定") is None
    assert parse_date("") is None


@given(st.dates(date(1926, 12, 25), date(2100, 12, 31)), st.sampled_from([1, 2, 3]))
def test_every_printed_form_of_a_date_reads_back_as_the_date(day: object, precision: int) -> None:
    iso = str(day)[: {1: 4, 2: 7, 3: 10}[precision]]
    forms = printed_forms(iso)
    assert forms and all(parse_date(f) == iso for f in forms)
    assert printed_forms("平成30年") == () and printed_forms("2018/01/16") == ()


@given(st.text())
def test_parse_date_never_raises(s: str) -> None:
    out = parse_date(s)
    assert out is None or out[:4].isdigit()


def test_counts() -> None:
    assert parse_count("[○]提供を行っている（ 58 ） 件") == (True, 58)
    assert parse_count("（ ）　件") == (True, None)
    assert parse_count("(2) 件") == (True, 2)
    assert parse_count("委託する") == (False, None)


def test_item_numbers_and_labels() -> None:
    assert item_number("１．住民基本台帳ファイル") == 1
    assert item_number("(2)本人確認情報ファイル") == 2
    assert item_number("③他のシステムとの接続") == 3
    assert item_number("システム1") is None
    assert strip_item_number("①物理的対策") == "物理的対策"
    assert label_key("④提供する情報の対象となる本人の\n数") == "提供する情報の対象となる本人の数"
    assert label_key("①ファイルの種類　※") == "ファイルの種類"


def test_wrapped_lines_join_without_spaces_between_japanese() -> None:
    assert join_lines(["特定個人情報の漏えい・滅", "失・毀損リスク"]) == "特定個人情報の漏えい・滅失・毀損リスク"
    assert join_lines(["・ 一つ目", "・ 二つ目"]) == "・ 一つ目\n・ 二つ目"
    assert clean_line("ＣＳ　 コネクタ") == "CS コネクタ"
