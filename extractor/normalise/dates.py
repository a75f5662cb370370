"""Normalise — 和暦 and western dates to ISO at the precision written, and `（ N ）件` counts.

Pure functions; property-tested in tests/test_normalise.py.
"""

from __future__ import annotations

import re

from extractor.normalise.text import fold

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


# era -> (offset, first year, last year), for printing a date back
_ERA_SPANS = {"令和": (2018, 2019, 9999), "平成": (1988, 1989, 2019), "昭和": (1925, 1926, 1989)}
_ISO = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


def printed_forms(iso: str) -> tuple[str, ...]:
    """The ways a form prints an ISO date (`2018-01-16` -> `2018年1月16日`, `平成30年1月16日`), for
    finding the printed text a date value was read from; () when `iso` is not an ISO date."""
    m = _ISO.fullmatch(iso)
    if not m:
        return ()
    year = int(m.group(1))
    rest = "".join(f"{int(v)}{unit}" for v, unit in ((m.group(2), "月"), (m.group(3), "日")) if v)
    forms = [f"{year}年{rest}"]
    for era, (offset, first, last) in _ERA_SPANS.items():
        if first <= year <= last:
            n = year - offset
            forms += [f"{era}{n}年{rest}"] + ([f"{era}元年{rest}"] if n == 1 else [])
    return tuple(f for f in forms if parse_date(f) == iso)  # `2000年` alone is not read as a date


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
