"""Stage 3 — normalise: width folding, wrapped-line joins, labels, 和暦 dates, counts.

Pure functions; property-tested in tests/test_normalise.py.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Kept as printed: they carry meaning (section numerals, circled item numbers).
_KEEP = frozenset("ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩⅪⅫ①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳")
_SPACES = re.compile(r"[ \t\u3000\u00a0]+")
# A line that starts a new paragraph or bullet inside a cell keeps its line break.
_NEW_ITEM = re.compile(
    r"^(?:[・●○◆◇■□※＊*<＜〈【\[（(]|[-－‐]\s|\d{1,2}[.．)）]|[０-９]{1,2}[．.)）]|[①-⑳]|[（(]\d{1,2}[)）]|第\d|[A-Za-z][.)])"
)


def fold_char(ch: str) -> str:
    if ch in _KEEP:
        return ch
    return unicodedata.normalize("NFKC", ch)


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """NFKC width folding (全角英数→半角, 半角カナ→全角) keeping Ⅰ–Ⅻ and ①–⑳ as printed."""
    if text.isascii():
        return text
    if not any(ch in _KEEP for ch in text):
        return unicodedata.normalize("NFKC", text)
    return "".join(fold_char(ch) for ch in text)


def clean_line(text: str) -> str:
    """Fold widths and collapse runs of spaces (the document's own spaces are kept)."""
    return _SPACES.sub(" ", fold(text)).strip()


def join_lines(lines: list[str], wrap_width: float | None = None, widths: list[float] | None = None) -> str:
    """Join the visual lines of one cell: wrapped lines without a separator, real breaks as \\n.

    A line break is real when the next line starts a bullet/numbered item, or when the
    line before it ended well short of the cell's text width (given `widths`).
    """
    out: list[str] = []
    for k, raw in enumerate(lines):
        line = clean_line(raw)
        if not line:
            continue
        if not out:
            out.append(line)
            continue
        short = bool(widths and wrap_width and widths[k - 1] < 0.82 * wrap_width)
        if _NEW_ITEM.match(line) or short:
            out.append("\n" + line)
        else:
            prev = out[-1]
            latin_join = prev[-1:].isascii() and prev[-1:].isalnum() and line[:1].isascii() and line[:1].isalnum()
            sep = " " if latin_join else ""
            out.append(sep + line)
    return "".join(out).strip()


_LABEL_STRIP = re.compile(r"[\s※\u3000]+")
_LEAD_NO = re.compile(r"^(?:[①-⑳]|\d{1,2}\s*[.．、)]|[（(]\d{1,2}[)）]|[ⅠⅡⅢⅣⅤⅥ]+\s*[-－]?\d*)")


@lru_cache(maxsize=16384)
def label_key(text: str) -> str:
    """A label reduced for matching: folded, no spaces, no ※, no leading item number."""
    s = _LABEL_STRIP.sub("", fold(text))
    s = _LEAD_NO.sub("", s)
    return s.replace("（", "(").replace("）", ")")


def label_prefix_end(text: str, key: str) -> int | None:
    """Index just past the label `key` when `text` starts with it (compared as label keys), else None."""
    consumed = ""
    for k, ch in enumerate(text):
        consumed += ch
        got = label_key(consumed)
        if got == key:
            return k + 1
        if got and not key.startswith(got):
            return None
    return None


def strip_item_number(text: str) -> str:
    """`①物理的対策` -> `物理的対策`; `２．基本情報` -> `基本情報`."""
    s = clean_line(text)
    return re.sub(r"^(?:[①-⑳]|\d{1,2}\s*[.．、]|[（(]\d{1,2}[)）])\s*", "", s).strip()


_ITEM_NO = re.compile(r"^\s*(?:(\d{1,2})\s*[.．、]|[（(](\d{1,2})[)）]|([①-⑳]))")


def item_number(text: str) -> int | None:
    """The printed item number at the start of a heading: `１．` / `(2)` / `③` -> int."""
    m = _ITEM_NO.match(fold(text))
    if not m:
        return None
    if m.group(3):
        return ord(m.group(3)) - ord("①") + 1
    return int(m.group(1) or m.group(2))


# ---------------------------------------------------------------- dates

_ERAS = {"令和": 2018, "平成": 1988, "昭和": 1925, "大正": 1911, "R": 2018, "H": 1988, "S": 1925}
_DATE_JP = re.compile(
    r"(令和|平成|昭和|大正)\s*(元|\d{1,2})\s*年\s*(?:(\d{1,2})\s*月\s*(?:(\d{1,2})\s*日)?)?"
)
_DATE_WEST = re.compile(r"(\d{4})\s*[年/.\-]\s*(\d{1,2})(?:\s*[月/.\-]\s*(\d{1,2})\s*日?|\s*月)?")
_DATE_ABBR = re.compile(r"\b([RHS])\s*(\d{1,2})\s*[./]\s*(\d{1,2})\s*[./]\s*(\d{1,2})\b")


def parse_date(text: str | None) -> str | None:
    """和暦 or western date -> ISO at the precision written (`2015-06`, `2023-11-30`); None if none."""
    if not text:
        return None
    s = fold(text)
    m = _DATE_JP.search(s)
    if m:
        year = _ERAS[m.group(1)] + (1 if m.group(2) == "元" else int(m.group(2)))
        return _iso(year, m.group(3), m.group(4))
    m = _DATE_WEST.search(s)
    if m:
        return _iso(int(m.group(1)), m.group(2), m.group(3))
    m = _DATE_ABBR.search(s)
    if m:
        return _iso(_ERAS[m.group(1)] + int(m.group(2)), m.group(3), m.group(4))
    return None


def _iso(year: int, month: str | None, day: str | None) -> str | None:
    if month is None:
        return f"{year:04d}"
    mo = int(month)
    if not 1 <= mo <= 12:
        return None
    if day is None:
        return f"{year:04d}-{mo:02d}"
    d = int(day)
    if not 1 <= d <= _days_in(year, mo):
        return None
    return f"{year:04d}-{mo:02d}-{d:02d}"


def _days_in(year: int, month: int) -> int:
    if month == 2:
        return 29 if (year % 4 == 0 and year % 100 != 0) or year % 400 == 0 else 28
    return 30 if month in (4, 6, 9, 11) else 31


_COUNT = re.compile(r"[（(]\s*(\d*)\s*[)）]\s*件")


def parse_count(text: str) -> tuple[bool, int | None]:
    """`（ 58 ） 件` -> (True, 58); `（ ）件` -> (True, None); no count slot -> (False, None)."""
    m = _COUNT.search(fold(text))
    if not m:
        return False, None
    return True, int(m.group(1)) if m.group(1) else None


def is_blank_value(text: str | None) -> bool:
    return text is None or not text.strip()
