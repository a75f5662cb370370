"""Plain text dumps of form PDFs: pages, part regions, and choice answers read from scrambled lines.

A naive dump keeps each page's text together but not its reading order: labels,
`[ answer` fragments and ＜選択肢＞ legends of one page come out in any order.
Pages are separated by runs of blank lines (or form feeds).  What survives is
*which page* a fragment is on, and the fragment itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractor.normalise import clean_line, fold

PAGE_GAP = 3  # blank lines that separate two pages in a dump
_PART = re.compile(r"^\s*(Ⅰ|Ⅱ|Ⅲ|Ⅳ|Ⅴ|Ⅵ)[\s\u3000]*(\S.*)$")
_PART_KEYS = {"Ⅰ": "I", "Ⅱ": "II", "Ⅲ": "III", "Ⅳ": "IV", "Ⅴ": "V", "Ⅵ": "VI"}
_LEGEND_NO = re.compile(r"\d{1,2}\s*[)）]")
_BRACKETS = re.compile(r"[\[\]［］]|[<＜〈]\s*選\s*択\s*肢\s*[>＞〉]")


@dataclass(frozen=True)
class Line:
    page: int  # 1-based
    no: int  # 1-based line number in the dump
    text: str  # folded, spaces collapsed
    gap: int = 0  # blank lines before this line


@dataclass
class Page:
    number: int
    lines: list[Line]

    def texts(self) -> list[str]:
        return [ln.text for ln in self.lines]


def split_pages(text: str) -> list[Page]:
    """Pages of a dump: text separated by form feeds or by PAGE_GAP or more blank lines."""
    pages: list[Page] = []
    current: list[Line] = []
    blank = gap = 0
    for no, raw in enumerate(text.replace("\f", "\n" * (PAGE_GAP + 1)).split("\n"), start=1):
        if not raw.strip():
            blank += 1
            continue
        if blank >= PAGE_GAP and current:
            pages.append(Page(len(pages) + 1, current))
            current = []
        gap, blank = blank, 0
        current.append(Line(len(pages) + 1, no, clean_line(fold(raw)), gap))
    if current:
        pages.append(Page(len(pages) + 1, current))
    return pages


def part_headings(page: Page, titles: dict[str, str]) -> list[str]:
    """Part keys (`III`) whose heading line (`Ⅲ　特定個人情報ファイルの取扱い… ※（…）`) is on the page.

    The line must hold the title alone (a `※` note may follow): change-log paths such as
    `Ⅱ　特定個人情報ファイルの概要　１．…ファイル　４．…` are not headings.
    """
    found = []
    for line in page.lines:
        m = _PART.match(line.text)
        if not m or _PART_KEYS[m.group(1)] not in titles:
            continue
        title = re.sub(r"\s", "", titles[_PART_KEYS[m.group(1)]])
        rest = re.sub(r"\s", "", m.group(2))
        if rest.startswith(title) and (len(rest) == len(title) or rest[len(title)] == "※"):
            found.append(_PART_KEYS[m.group(1)])
    return found


def is_contents_page(page: Page, titles: dict[str, str]) -> bool:
    """The 項目一覧: a page listing four or more different parts."""
    return len(set(part_headings(page, titles))) >= 4


def part_pages(pages: list[Page], titles: dict[str, str]) -> dict[str, list[int]]:
    """For each part, the indexes of the pages whose heading it is (contents page excluded)."""
    out: dict[str, list[int]] = {}
    for k, page in enumerate(pages):
        if is_contents_page(page, titles):
            continue
        for key in dict.fromkeys(part_headings(page, titles)):
            out.setdefault(key, []).append(k)
    return out


def answer_values(text: str, options: set[str]) -> list[str]:
    """Choice answers printed on a line: bracket-separated segments that are exactly an option.

    `リスクへの対策は十分か [ 十分である 2） 十分である1） …` -> ['十分である'];
    `定めている[ ] 1） 定めている` -> ['定めている']; legend entries (`2） 十分である`) are not answers.
    """
    found = []
    for segment in _BRACKETS.split(text):
        head = _LEGEND_NO.split(segment, maxsplit=1)[0]
        value = re.sub(r"\s", "", head)
        if value in options:
            found.append(value)
    return found
