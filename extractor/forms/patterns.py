"""The patterns every reader shares, built once from the printed words in `layouts/common.yaml`.

Part headings (Ⅰ 基本情報 / I 基本情報), annex headings (［別添４］, (別紙1)), the form stamp
([平成30年５月 様式４]), the ＜選択肢＞ mark, legend option numbers (1） / 1)), `（ N ）件` count
slots and risk headings (リスク１： / リスク:).  Readers import these instead of keeping copies.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractor.errors import SpecError
from extractor.forms.spec import layout_cache, layout_file
from extractor.forms.yaml_lines import build, load_yaml

ROMAN = {"Ⅰ": "I", "Ⅱ": "II", "Ⅲ": "III", "Ⅳ": "IV", "Ⅴ": "V", "Ⅵ": "VI", "Ⅶ": "VII"}


@dataclass(frozen=True)
class CommonWords:
    spec_version: int
    legend_mark: str
    stamp_word: str
    annex_words: tuple[str, ...]
    annex_pointer_words: tuple[str, ...]
    count_word: str
    empty_values: tuple[str, ...]
    other_option: str
    contents_title: str
    closing_row: tuple[str, ...]
    closing_row_tail: str
    document_word: str


@dataclass(frozen=True)
class Patterns:
    words: CommonWords
    part_head: re.Pattern[str]  # group 1: numeral, group 2: the rest
    annex_head: re.Pattern[str]  # group 1: 別添/別紙, group 2: number
    annex_ref: re.Pattern[str]  # 別添4 anywhere; group 2: number
    stamp: re.Pattern[str]  # group 1: 平成30年5月様式4 (folded text)
    legend_mark: re.Pattern[str]
    legend_start: re.Pattern[str]  # a line that starts a legend: ＜選択肢＞ or `1)`
    option_no: re.Pattern[str]  # `1）` inside a legend; group 1: the number
    count: re.Pattern[str]  # `（ 58 ） 件`; group 1: digits or ""
    closing_row: re.Pattern[str]  # group 1: the section title


def _chars(word: str) -> str:
    """A printed word that may be spaced out (`選 択 肢`)."""
    return r"\s*".join(map(re.escape, word))


_LEGEND_OPEN = "[<＜〈くぐ]"  # what opens ＜選択肢＞ as printed and as OCR reads it


def _build(words: CommonWords) -> Patterns:
    annex = "|".join(map(re.escape, words.annex_words))
    mark = _chars(words.legend_mark)
    return Patterns(
        words=words,
        part_head=re.compile(r"^\s*(Ⅰ|Ⅱ|Ⅲ|Ⅳ|Ⅴ|Ⅵ|Ⅶ|VII|VI|IV|V|III|II|I)(?![A-Za-z])\s*(.*)$"),
        annex_head=re.compile(rf"^\s*[［\[(（【]?\s*({annex})\s*(\d+)?"),
        annex_ref=re.compile(rf"({annex})\s*(\d+)"),
        # OCR reads a bracket as `|`, or loses the closing one where the line ends after the form number
        stamp=re.compile(rf"[\[［|]\s*((?:平成|令和)\s*\d+\s*年\s*\d+\s*月\s*{_chars(words.stamp_word)}\s*\d)"
                         rf"\s*(?:[\]］|]|(?=[ \t]*(?:\n|$)))"),
        # OCR reads the ＜ of ＜選択肢＞ as く or ぐ, or drops a bracket: one bracket, or the first
        # option right after it, still marks the legend
        legend_mark=re.compile(rf"{_LEGEND_OPEN}?\s*{mark}\s*(?:[>＞〉]|(?=1\s*[)）]))|[<＜〈]\s*{mark}"),
        legend_start=re.compile(
            rf"^\s*(?:{_LEGEND_OPEN}?\s*{mark}\s*(?:[>＞〉]|(?=1\s*[)）]))|[<＜〈]\s*{mark}|\d{{1,2}}\s*[)）])"),
        option_no=re.compile(r"(?:^|(?<=\s)|(?<=[^\d,]))(\d{1,2})\s*[)）]\s*"),
        count=re.compile(rf"[（(]\s*(\d*)\s*[)）]\s*{re.escape(words.count_word)}"),
        closing_row=re.compile(
            rf"^(.+?)(?:{'|'.join(map(re.escape, words.closing_row))}){re.escape(words.closing_row_tail)}"),
    )


@layout_cache
def patterns() -> Patterns:
    raw = load_yaml(layout_file("common.yaml"))
    words = build(CommonWords, raw, "common.yaml")
    if words.spec_version != 2:
        raise SpecError("common.yaml: spec_version must be 2")
    return _build(words)


def part_key(numeral: str) -> str:
    """`Ⅲ` or `III` -> `III`."""
    return ROMAN.get(numeral, numeral)


def is_annex_pointer(folded: str) -> bool:
    """「…別添４を参照」 / `(別紙1)提供先一覧…`: a block that only points to an annex list."""
    words = patterns().words
    return any(w in folded for w in words.annex_words) and any(w in folded for w in words.annex_pointer_words)
