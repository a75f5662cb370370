"""Small tables of 概要 summaries: header recognition, and rebuilding rows from a plain text dump.

In a text dump a table comes out as its header line (`委託内容 提供方法 委託先名 再委託`)
followed by the cells' text: cells of one visual row on one line separated by spaces,
wrapped cells over several lines.  The rows are rebuilt by reading the fragments in
order and deciding, for each, whether it continues the current cell or starts the
next one, from what the columns are known to hold: `○`/`－` marks (再委託), method
words (専用線, 紙 …), `・` bullets (用途), and whether the previous line was full
(a wrapped line fills its column).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from extractor.normalise import clean_line, fold, label_key
from extractor.text.summary_values import is_header_line
from extractor.text.summary_vocab import vocab

# content columns: a header row opens a table only when it names one of them
_ANCHORS = {"title", "description", "contractor", "recipient", "purpose"}
FULL_LINE = 0.75


@dataclass
class TableHead:
    columns: list[str | None]
    kind: str | None = None  # provision / transfer when the header says 提供先 / 移転先


def column_names() -> dict[str, str]:
    """Printed header (as a label key) -> table column, from the summary vocabulary."""
    return {label_key(k): v for k, v in vocab().tables.columns.items()}


def header_columns(texts: list[str]) -> TableHead | None:
    """The table a header row opens, or None: at least two known headers, one of them a content column."""
    keys = [label_key(t) for t in texts]
    names = column_names()
    columns = [names.get(k) for k in keys]
    known = [c for c in columns if c]
    if len(known) < 2 or not _ANCHORS & set(known):
        return None
    kind = next((kind for kind, header in vocab().kind_headers if header in keys), None)
    return TableHead(columns, kind)


def split_header_line(line: str) -> list[str] | None:
    """`提供先 用 途 提供する情報 提供方法` -> the header names, when the whole line is made of them."""
    s = label_key(line)
    printed = sorted(vocab().tables.columns, key=len, reverse=True)
    names: list[str] = []
    k = 0
    while k < len(s):
        name = next((n for n in printed if s.startswith(label_key(n), k)), None)
        if name is None:
            return None
        names.append(name)
        k += len(label_key(name))
    return names if header_columns(names) is not None else None


# ---------------------------------------------------------------- text dump tables


def width(text: str) -> int:
    """Display width: full-width characters count 2."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def is_mark(token: str) -> bool:
    return label_key(token) in {label_key(w) for w in vocab().tables.mark_cells}


def is_method(token: str) -> bool:
    key = label_key(token)
    return any(key == label_key(w) for w in vocab().tables.methods)


@dataclass
class _Cell:
    lines: list[str] = field(default_factory=list)
    last_fragment: str = ""

    def add(self, text: str, how: str) -> None:
        """how: `new` (a line of its own), `wrap` (joined), `space` (joined with a space)."""
        if how == "new" or not self.lines:
            self.lines.append(text)
        else:
            self.lines[-1] += (" " if how == "space" else "") + text
        self.last_fragment = text if how != "space" else self.last_fragment + " " + text


@dataclass
class _Token:
    text: str
    first_in_line: bool


class DumpTable:
    """Rebuilds the rows of one table from the lines after its header."""

    def __init__(self, columns: list[str]) -> None:
        self.columns = columns
        self.rows: list[list[_Cell]] = []
        self.col = -1
        self.col_width = [0] * len(columns)

    def kind(self, col: int) -> str:
        name = self.columns[col % len(self.columns)]
        return {"subcontracting": "mark", "methods": "methods", "purpose": "bullet"}.get(name, "text")

    def feed(self, lines: list[str]) -> list[list[list[str]]]:
        for line in lines:
            tokens = [t for t in re.split(r"[ \u3000]+", fold(line).strip()) if t]
            for k, tok in enumerate(tokens):
                self.token(_Token(tok, k == 0))
        return [[c.lines for c in row] for row in self.rows]

    def token(self, tok: _Token) -> None:
        if self.col < 0:
            self.advance()
        elif self.advances(tok):
            self.advance()
        else:
            self.current.add(tok.text, self.joining(tok))
            self.note_width()
            return
        self.current.add(tok.text, "new")
        self.note_width()

    @property
    def current(self) -> _Cell:
        return self.rows[-1][self.col]

    def advance(self) -> None:
        if self.col < 0 or self.col == len(self.columns) - 1:
            self.rows.append([_Cell() for _ in self.columns])
            self.col = 0
        else:
            self.col += 1

    def note_width(self) -> None:
        self.col_width[self.col] = max(self.col_width[self.col], width(self.current.last_fragment))

    def joining(self, tok: _Token) -> str:
        if not tok.first_in_line:
            return "space"
        if tok.text.startswith(vocab().marks.bullet) or (self.kind(self.col) == "methods" and is_method(tok.text)):
            return "new"
        return "wrap"

    def advances(self, tok: _Token) -> bool:
        cur, nxt = self.kind(self.col), self.kind(self.col + 1)
        last = self.col == len(self.columns) - 1
        if cur == "mark":
            return True
        if nxt == "mark" and not last:
            return is_mark(tok.text)
        if is_method(tok.text):
            if cur == "methods":
                return False
            if nxt == "methods":
                return True
        if not tok.first_in_line:
            return True
        if cur == "methods" and all(is_method(x) for x in self.current.lines):
            return True
        if tok.text.startswith(vocab().marks.bullet):
            return cur != "bullet"
        return not self.previous_line_full()

    def previous_line_full(self) -> bool:
        widest = self.col_width[self.col]
        return widest > 0 and width(self.current.last_fragment) >= FULL_LINE * widest


def text_units(text: str, label_keys: list[str] | None = None) -> list[list[list[str]]]:
    """Plain text -> units (rows of cells of lines): header lines open rebuilt tables, other lines stand alone."""
    lines = join_wrapped_labels([ln for ln in text.splitlines() if ln.strip()], label_keys or [])
    units: list[list[list[str]]] = []
    k = 0
    while k < len(lines):
        names = split_header_line(lines[k])
        if names is None:
            units.append([[clean_line(lines[k])]])
            k += 1
            continue
        end = k + 1
        while end < len(lines) and not _ends_table(lines[end]):
            end += 1
        units.append([[n] for n in names])
        columns: list[str] = [vocab().tables.columns[n] for n in names]
        units.extend(DumpTable(columns).feed(lines[k + 1 : end]))
        k = end
    return units


def _ends_table(line: str) -> bool:
    s = fold(line)
    return bool(vocab().patterns.table_end.match(s)) or split_header_line(s) is not None or is_header_line(s)


def join_wrapped_labels(lines: list[str], label_keys: list[str]) -> list[str]:
    """`③他のシステムと` + `の接続` -> one line, when the pair starts with a known label."""
    out: list[str] = []
    k = 0
    while k < len(lines):
        line = lines[k]
        if k + 1 < len(lines) and re.match(r"^\s*[①-⑳]", line):
            key = label_key(line)
            joined = label_key(line + lines[k + 1])
            if key and not any(key.startswith(lk) for lk in label_keys) and any(
                lk.startswith(key) and joined.startswith(lk) for lk in label_keys
            ):
                out.append(line.rstrip() + lines[k + 1].strip())
                k += 2
                continue
        out.append(line)
        k += 1
    return out
