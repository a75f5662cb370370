"""Normalise — width folding, wrapped-line joins and label keys for matching.

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


@lru_cache(maxsize=65536)
def clean_line(text: str) -> str:
    """Fold widths and collapse runs of spaces (the document's own spaces are kept).

    Cached: the readers ask for the same few thousand lines tens of thousands of times.
    """
    s = fold(text)
    if "  " in s or "\t" in s:  # folded, every other space of `_SPACES` is already " "
        s = _SPACES.sub(" ", s)
    return s.strip()


def join_lines(lines: list[str], wrap_width: float | None = None, widths: list[float] | None = None) -> str:
    """Join the visual lines of one cell: wrapped lines without a separator, real breaks as \\n.

    A line break is real when the next line starts a bullet/numbered item, or when the
    line before it ended well short of the cell's text width (given `widths`).
    """
    if len(lines) == 1:  # most cells print one line: nothing to join
        return clean_line(lines[0])
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


def is_blank_value(text: str | None) -> bool:
    return text is None or not text.strip()


def mismatches(a: str, b: str) -> int:
    """Characters that differ between two strings of one length, place by place (OCR misreads one
    character for another; it keeps the count)."""
    return sum(x != y for x, y in zip(a, b, strict=True))
