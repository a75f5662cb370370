"""Markdown / HTML / tab-separated text -> the same `Row`/`Cell`/`Line` structures the PDF path builds.

Table rows (tab-separated, `| a | b |` pipe rows, or HTML `<tr>`) become rows of
cells; every other non-blank line becomes a one-cell `free` row.  Inside a cell,
`<p>`, `<br>`, `<li>`, `<div>` and the rows of a nested `<table>` start new lines;
checkbox inputs become `[○]` / `[ ]`.  Words are synthesised with increasing x
positions (one column = 1000 units) so positional checkbox binding and the
cover's "value below its label" logic work as on a PDF page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from extractor.forms.patterns import patterns
from extractor.layout import Cell, Line, Row
from extractor.normalise import clean_line
from extractor.read.content import Word

CHECKED_MARK = "\x01"
UNCHECKED_MARK = "\x02"
COLUMN_WIDTH = 1000.0
CHAR_WIDTH = 10.0
LINE_HEIGHT = 12.0

_BLOCK_TAGS = frozenset({"p", "div", "li", "ul", "ol", "tr", "table", "h1", "h2", "h3", "h4", "h5", "h6",
                         "thead", "tbody", "section", "article", "header", "footer", "caption", "blockquote"})
_CELL_TAGS = frozenset({"td", "th"})
_VOID_TAGS = frozenset({"input", "br", "img", "hr", "meta", "link", "col", "wbr", "area", "base"})
_SKIP_TAGS = frozenset({"script", "style", "head", "title"})
_SEPARATOR_CELL = re.compile(r"^\s*:?-{2,}:?\s*$")


# ---------------------------------------------------------------- a minimal HTML tree


@dataclass
class Node:
    tag: str
    attrs: dict[str, str | None] = field(default_factory=dict)
    children: list[Node | str] = field(default_factory=list)
    line: int | None = None  # 1-based source line of the start tag


class _TreeBuilder(HTMLParser):
    """A forgiving HTML tree builder: unknown `<選択肢>`-like text stays text, stray end tags are ignored."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#root")
        self.stack: list[Node] = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._implied_close(tag)
        node = Node(tag, dict(attrs), line=self.getpos()[0])
        self.stack[-1].children.append(node)
        if tag not in _VOID_TAGS:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._implied_close(tag)
        self.stack[-1].children.append(Node(tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        for k in range(len(self.stack) - 1, 0, -1):
            if self.stack[k].tag == tag:
                del self.stack[k:]
                return
            if self.stack[k].tag == "table" and tag != "table":
                return  # never close past the enclosing table

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)

    def _implied_close(self, tag: str) -> None:
        closers = {"td": ("td", "th"), "th": ("td", "th"), "tr": ("td", "th", "tr"), "li": ("li",), "p": ("p",)}
        if tag not in closers:
            return
        for k in range(len(self.stack) - 1, 0, -1):
            top = self.stack[k].tag
            if top == "table":
                return
            if top in closers[tag]:
                del self.stack[k:]
                if tag != "tr" or top == "tr":
                    return


def parse_html(html: str) -> Node:
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


# ---------------------------------------------------------------- node -> lines


def _input_mark(node: Node) -> str:
    kind = (node.attrs.get("type") or "").lower()
    if kind not in ("checkbox", "radio", ""):
        return ""
    return CHECKED_MARK if "checked" in node.attrs else UNCHECKED_MARK


class _LineCollector:
    """Flattens a subtree into lines; records the texts of nested table cells (converters repeat them)."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.current: list[str] = []
        self.nested_cells: list[str] = []

    def newline(self) -> None:
        text = "".join(self.current)
        if text.strip():
            self.lines.append(text)
        self.current = []

    def walk(self, node: Node, depth_in_table: int = 0) -> None:
        for child in node.children:
            if isinstance(child, str):
                self.current.append(child.replace("\n", " "))
                continue
            tag = child.tag
            if tag in _SKIP_TAGS:
                continue
            if tag == "input":
                self.current.append(_input_mark(child))
            elif tag == "br":
                self.newline()
            elif tag in _CELL_TAGS:
                self.nested_cells.append(_finish_line(_node_text(child)))
                self.current.append(" ")
                self.walk(child, depth_in_table)
                self.current.append(" ")
            elif tag in _BLOCK_TAGS:
                self.newline()
                self.walk(child, depth_in_table + (tag == "table"))
                self.newline()
            else:
                self.walk(child, depth_in_table)


def _node_text(node: Node) -> str:
    parts: list[str] = []
    for child in node.children:
        if isinstance(child, str):
            parts.append(child.replace("\n", " "))
        elif child.tag == "input":
            parts.append(_input_mark(child))
        elif child.tag not in _SKIP_TAGS:
            parts.append(" " + _node_text(child) + " ")
    return "".join(parts)


def node_lines(node: Node) -> tuple[list[str], list[str]]:
    """A subtree as finished lines (markers normalised) and the texts of its nested table cells."""
    collector = _LineCollector()
    collector.walk(node)
    collector.newline()
    lines = [line for line in (_finish_line(raw) for raw in collector.lines) if line]
    return lines, [c for c in collector.nested_cells if c]


def fragment_lines(html: str) -> tuple[list[str], list[str]]:
    """An HTML (or plain) text fragment as lines; see `node_lines`."""
    if "<" not in html and "&" not in html:
        line = _finish_line(html)
        return ([line] if line else []), []
    return node_lines(parse_html(html))


# ---------------------------------------------------------------- checkbox markers


_BRACKETED = re.compile(rf"[\[［]\s*([{CHECKED_MARK}{UNCHECKED_MARK}])\s*[\]］]")
_MANGLED_OPEN = re.compile(rf"[{CHECKED_MARK}{UNCHECKED_MARK}](?=[^\[［\]］{CHECKED_MARK}{UNCHECKED_MARK}]+[\]］])")


def _finish_line(raw: str) -> str:
    """Markers -> `[○]`/`[ ]`; a bare marker standing for a choice's lost `[` (`☐ 委託する]`) -> `[`."""
    s = _BRACKETED.sub(lambda m: "[○]" if m.group(1) == CHECKED_MARK else "[ ]", raw)
    s = _MANGLED_OPEN.sub("[", s)
    s = _choice_without_brackets(s)
    s = s.replace(CHECKED_MARK, " [○] ").replace(UNCHECKED_MARK, " [ ] ")
    return clean_line(s)


def _choice_without_brackets(s: str) -> str:
    """`☐ 10万人以上100万人未満 ☐ ☐ <選択肢> …`: the one text between empty markers before a legend is the answer."""
    m = patterns().legend_mark.search(s)
    if not m:
        return s
    head = s[: m.start()]
    if "[" in head or "［" in head or CHECKED_MARK in head or UNCHECKED_MARK not in head:
        return s
    parts = [p.strip() for p in re.split(f"[{UNCHECKED_MARK}]", head)]
    texts = [p for p in parts[1:] if p]
    if len(texts) != 1 or parts[0]:
        return s
    return f"[{texts[0]}] " + s[m.start():]


# ---------------------------------------------------------------- text rows


@dataclass
class TextRow:
    """One row before layout synthesis: cells of lines, or a free line (`free=True`, one cell)."""

    cells: list[list[str]]
    free: bool = False
    line: int | None = None  # 1-based source line


def split_markdown(text: str) -> list[TextRow]:
    """Tab-separated or pipe-table lines become rows; other lines free rows; nested-table echoes dropped."""
    rows: list[TextRow] = []
    echoes: set[str] = set()
    for no, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        cells = _split_cells(raw)
        if cells is None:
            lines, nested = fragment_lines(raw)
            echoes = set(nested) if nested else echoes
            rows.extend(TextRow([[line]], free=True, line=no) for line in lines)
            continue
        if all(_SEPARATOR_CELL.match(c) or not c.strip() for c in cells):
            continue
        row, nested = _table_row(cells, echoes)
        if row is None:
            continue
        echoes = set(nested) if nested else echoes
        row.line = no
        rows.append(row)
    return rows


def _split_cells(raw: str) -> list[str] | None:
    if "\t" in raw:
        return raw.split("\t")
    s = raw.strip()
    if len(s) > 1 and s.startswith("|") and s.endswith("|"):
        return [c.strip() for c in s[1:-1].split("|")]
    return None


def _table_row(raw_cells: list[str], echoes: set[str]) -> tuple[TextRow | None, list[str]]:
    """Cells as lines; a row whose cells only repeat the previous nested table (converter echo) is dropped."""
    cells: list[list[str]] = []
    nested_all: list[str] = []
    for raw in raw_cells:
        lines, nested = fragment_lines(raw)
        if nested:
            nested_all.extend(nested)
        joined = clean_line(" ".join(lines))
        if joined and (joined in echoes or joined in nested_all) and not nested:
            cells.append([])
            continue
        cells.append(lines)
    while cells and not cells[-1]:
        cells.pop()
    if not any(cells):
        return None, nested_all
    return TextRow(cells), nested_all


def split_html(text: str) -> list[TextRow]:
    """An HTML document: each outermost `<tr>` is a row; text outside tables becomes free lines."""
    rows: list[TextRow] = []
    _html_rows(parse_html(text), rows)
    return rows


def _html_rows(node: Node, rows: list[TextRow]) -> None:
    pending: list[Node | str] = []
    for child in node.children:
        if isinstance(child, Node) and child.tag == "table":
            _flush_free(pending, rows)
            _table_rows(child, rows)
        elif isinstance(child, Node) and _contains_table(child):
            _flush_free(pending, rows)
            _html_rows(child, rows)
        else:
            pending.append(child)
    _flush_free(pending, rows)


def _flush_free(pending: list[Node | str], rows: list[TextRow]) -> None:
    if pending:
        first = next((n.line for n in pending if isinstance(n, Node)), None)
        lines, _ = node_lines(Node("#group", children=list(pending)))
        rows.extend(TextRow([[line]], free=True, line=first) for line in lines)
        pending.clear()


def _contains_table(node: Node) -> bool:
    return any(isinstance(c, Node) and (c.tag == "table" or _contains_table(c)) for c in node.children)


def _table_rows(table: Node, rows: list[TextRow]) -> None:
    for child in table.children:
        if not isinstance(child, Node):
            if child.strip():
                rows.append(TextRow([[clean_line(child)]], free=True))
            continue
        if child.tag not in ("tr", "thead", "tbody", "tfoot"):
            lines, _ = node_lines(Node("#group", children=[child]))
            rows.extend(TextRow([[line]], free=True) for line in lines)
        elif child.tag == "tr":
            cells = [node_lines(c)[0] for c in child.children if isinstance(c, Node) and c.tag in _CELL_TAGS]
            while cells and not cells[-1]:
                cells.pop()
            if any(cells):
                rows.append(TextRow(cells, line=child.line))
        elif child.tag in ("thead", "tbody", "tfoot"):
            _table_rows(child, rows)


# ---------------------------------------------------------------- layout synthesis


def make_line(text: str, x0: float, y0: float) -> Line:
    """A synthetic visual line: one word per space-separated token, CHAR_WIDTH per character."""
    words: list[Word] = []
    pos = 0
    for token in text.split(" "):
        if token:
            wx = x0 + pos * CHAR_WIDTH
            words.append(Word(wx, y0, wx + len(token) * CHAR_WIDTH, y0 + LINE_HEIGHT * 0.8, token))
        pos += len(token) + 1
    x1 = x0 + max(1, len(text)) * CHAR_WIDTH
    return Line(x0, y0, x1, y0 + LINE_HEIGHT * 0.8, words, text)


def layout_lines(texts: list[str], x0: float, y0: float) -> list[Line]:
    """Lines of one cell, top to bottom; lines after a ＜選択肢＞ mark start under the mark (legend position)."""
    lines: list[Line] = []
    indent = x0
    for k, text in enumerate(texts):
        lines.append(make_line(text, indent if indent > x0 else x0, y0 + k * LINE_HEIGHT))
        m = patterns().legend_mark.search(text)
        if m and indent == x0:
            indent = x0 + m.start() * CHAR_WIDTH
    return lines


def to_layout_rows(text_rows: list[TextRow]) -> list[Row]:
    """TextRows -> layout Rows on one synthetic page (page 0: a text input has no pages), one column per cell."""
    out: list[Row] = []
    y = 0.0
    for trow in text_rows:
        height = max(1, max((len(lines) for lines in trow.cells), default=1))
        cells = []
        for col, lines in enumerate(trow.cells):
            x0 = col * COLUMN_WIDTH
            cell_lines = layout_lines(lines, x0, y)
            cells.append(Cell(0, x0, y, x0 + COLUMN_WIDTH - CHAR_WIDTH, y + height * LINE_HEIGHT, cell_lines))
        out.append(Row(0, y, cells, free=trow.free, line=trow.line))
        y += (height + 1) * LINE_HEIGHT
    return out


def text_to_rows(text: str, fmt: str) -> list[Row]:
    """The document's rows for the form walker; `fmt` is `markdown`, `html` or `text`."""
    trows = split_html(text) if fmt == "html" else split_markdown(text)
    return to_layout_rows(trows)
