"""Stage 3 — normalise: pure functions over text shared by every reader.

- `text`: NFKC width folding (keeping Ⅰ–Ⅻ and ①–⑳), wrapped-line joins, label keys, item numbers;
- `dates`: 和暦 and western dates to ISO at the precision written, `（ N ）件` counts.
"""

from __future__ import annotations

from extractor.normalise.dates import parse_count, parse_date
from extractor.normalise.text import (
    clean_line,
    fold,
    fold_char,
    is_blank_value,
    item_number,
    join_lines,
    label_key,
    label_prefix_end,
    mismatches,
    strip_item_number,
)

__all__ = [
    "clean_line",
    "fold",
    "fold_char",
    "is_blank_value",
    "item_number",
    "join_lines",
    "label_key",
    "label_prefix_end",
    "mismatches",
    "parse_count",
    "parse_date",
    "strip_item_number",
]
