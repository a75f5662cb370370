"""Values read out of layout cells: checkbox markers and choice answers, by position.

`[ ○ ] 宛名システム等`: a marker is bound to the label that starts right of it on the same
visual line; a line with no marker continues the label above it whose column it starts in
(wrapped labels).  `[ 十分である ]` + ＜選択肢＞: words right of (or below) the ＜選択肢＞ mark
are the legend.  `CellsValue` offers these readings of a value's cells to the binder.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from extractor.forms.choices import CLOSE, OPEN, answer_of, legend_options
from extractor.forms.events import CheckRead, ChoiceRead
from extractor.forms.patterns import patterns
from extractor.layout import Cell, Line, words_to_lines
from extractor.normalise import clean_line, fold, join_lines
from extractor.read.content import Word

CHECKED = frozenset("○◯●✓✔☑■☒レxX✗v◉")
UNCHECKED_GLYPHS = frozenset("☐□")
BOX_GLYPHS = frozenset("☑☒■☐□")
# ASCII specks OCR reads from a bracket's serifs (`[- ○ ]_`): never a mark, never a label's start
_SPECK_CHARS = frozenset("-_'`")
_SPECKS = str.maketrans(dict.fromkeys(_SPECK_CHARS))
_MARKER_START = BOX_GLYPHS | frozenset(OPEN)  # the characters a check item can start with


@dataclass(slots=True)
class CheckItem(CheckRead):
    """A checkbox read from a cell: where its marker stands (to attach wrapped label lines)."""

    x0: float = 0.0
    y0: float = 0.0


def cell_texts(cell: Cell) -> dict[str, str]:
    """The texts read from a cell's lines, each worked out once per cell: the row reader and the binder ask
    for the same cell's text several times.  Kept with the lines list they were read from (and its length),
    so a cell whose lines change (a continuation joined to it) is read again."""
    memo, lines = cell.memo, cell.lines
    if memo is None or memo[0] is not lines or memo[1] != len(lines):
        memo = cell.memo = (lines, len(lines), {})
    return memo[2]


def cell_text(cell: Cell) -> str:
    """A cell's own text (inner legend boxes excluded), wrapped lines joined."""
    texts = cell_texts(cell)
    text = texts.get("text")
    if text is None:
        text = texts["text"] = _joined_text(cell.lines)
    return text


def _joined_text(lines: list[Line]) -> str:
    if not lines:
        return ""
    if len(lines) == 1:  # `join_lines` of one line, without measuring widths
        return clean_line(lines[0].text)
    left = min(ln.x0 for ln in lines)
    width = max(ln.x1 for ln in lines) - left
    return join_lines([ln.text for ln in lines], width, [ln.x1 - left for ln in lines])


def cell_items(cell: Cell) -> list[str]:
    """One entry per printed line of a list cell; a line that ran to the cell's edge continues below."""
    items: list[str] = []
    edge = cell.x1 - 0.1 * (cell.x1 - cell.x0)
    wrapped = False
    for line in cell.lines:
        text = clean_line(line.text)
        if wrapped and items:
            items[-1] += text
        elif text:
            items.append(text)
        wrapped = line.x1 >= edge
    return items


def label_text(cell: Cell) -> str:
    """A label cell's text: wrapped (or vertical, one character per line) lines joined."""
    texts = cell_texts(cell)
    text = texts.get("label")
    if text is None:
        lines = cell.lines
        text = texts["label"] = clean_line(lines[0].text if len(lines) == 1 else "".join([ln.text for ln in lines]))
    return text


# ---------------------------------------------------------------- checkboxes


def _marker_state(inner: str) -> bool | None:
    s = inner.replace(" ", "").replace("\u3000", "")
    if not s:
        return False
    if all(ch in CHECKED for ch in s):
        return True
    if all(ch in UNCHECKED_GLYPHS for ch in s):
        return False
    return None


def _tokens(line: Line) -> list[tuple[str, float, float]]:
    """A line's characters with their estimated x positions; a space after each word."""
    out: list[tuple[str, float, float]] = []
    for x0, y0, x1, _, text in line.words:
        width = (x1 - x0) / max(1, len(text))
        out.extend([(ch, x0 + k * width, y0) for k, ch in enumerate(text)])
        out.append((" ", x1, y0))
    return out


def _bracket_marker(toks: list[tuple[str, float, float]], k: int) -> tuple[bool | None, int] | None:
    """`[ ○ ]` starting at token k: (its state, the index after `]`), or None if it is not a marker."""
    # up to 7 tokens inside: OCR may read each of `[ - ○ ]` as a word of its own (a space after each)
    end = next((j for j in range(k + 1, min(k + 8, len(toks))) if toks[j][0] in CLOSE), -1)
    if end < 0:
        return None
    inner = "".join(t[0] for t in toks[k + 1 : end]).translate(_SPECKS)
    if len(inner.strip(" \u3000")) > 1:
        return None
    after = end + 1
    while after < len(toks) and toks[after][0] in _SPECK_CHARS:  # `[ ○ ]_`
        after += 1
    return _marker_state(inner), after


def line_items(line: Line) -> list[CheckItem | str]:
    """A line as a sequence of check items (marker + label) and loose text (no marker)."""
    text = "".join([w.text + " " for w in line.words])  # what the tokens spell
    if _MARKER_START.isdisjoint(text):  # no bracket and no box glyph: all of it is loose text (most lines)
        loose = clean_line(text)
        return [loose] if loose else []
    return _marked_items(line)


def _marked_items(line: Line) -> list[CheckItem | str]:
    items: list[CheckItem | str] = []
    toks = _tokens(line)
    loose: list[str] = []
    current: CheckItem | None = None
    label: list[str] = []

    def flush() -> None:
        nonlocal current, label
        if current is not None:
            current.label = clean_line("".join(label))
            items.append(current)
        elif label:
            loose.extend(label)
        current, label = None, []

    k = 0
    while k < len(toks):
        ch, x, y = toks[k]
        marker = _bracket_marker(toks, k) if ch in OPEN else None
        if marker is not None:
            flush()
            current, k = CheckItem("", marker[0], x, y), marker[1]
            continue
        if ch in BOX_GLYPHS and (k == 0 or toks[k - 1][0] == " " or current is not None or label):
            flush()
            current = CheckItem("", ch not in UNCHECKED_GLYPHS, x, y)
        else:
            label.append(ch)
        k += 1
    flush()
    if loose and clean_line("".join(loose)):
        items.insert(0, clean_line("".join(loose)))
    return items


def cell_checkboxes(cell: Cell) -> list[CheckItem]:
    """All check items of a cell, wrapped label lines joined to the item they continue."""
    found: list[CheckItem] = []
    for line in cell.lines:
        parts = line_items(line)
        has_marker = any(isinstance(p, CheckItem) for p in parts)
        for p in parts:
            if isinstance(p, CheckItem):
                found.append(p)
            elif not has_marker and found and not p.startswith(("・", "･")):
                _attach_continuation(found, p, line)
    return found


def _attach_continuation(found: list[CheckItem], text: str, line: Line) -> None:
    above = [it for it in found if it.y0 < line.y0 - 1]
    if not above:
        return
    last_y = max(it.y0 for it in above)
    row = [it for it in above if abs(it.y0 - last_y) < 2]
    # the item whose column (its marker x) is the nearest at or left of this line's start
    cands = [it for it in row if it.x0 <= line.x0 + 4] or row
    target = max(cands, key=lambda it: it.x0)
    target.label = target.label + text


# ---------------------------------------------------------------- choices


def parse_choice(cells: list[Cell]) -> ChoiceRead:
    """The answer of a choice cell (`[ 十分である ]`) and its printed legend options."""
    lines = [line for cell in cells for line in cell.lines]
    legend_lines = [line.text for cell in cells for box in cell.inner for line in box.lines]
    mark = _legend_mark_word(lines)
    answer_parts: list[str] = []
    own_legend: list[str] = []
    for line in lines:
        if mark is None:
            answer_parts.append(line.text)
            continue
        left, right = _split_at(line.words, mark.x0 + 1, mark.y0)
        if left:
            answer_parts.append(words_to_lines(left)[0].text)
        if right:
            own_legend.append(words_to_lines(right)[0].text)
    legend_lines[:0] = own_legend
    text = "\n".join(fold(t) for t in answer_parts)
    legend_text = patterns().legend_mark.sub(" ", " ".join(fold(t) for t in legend_lines))
    return ChoiceRead(answer_of(text), legend_options(legend_text), text)


def _legend_mark_word(lines: list[Line]) -> Word | None:
    """The word where the ＜選択肢＞ mark starts: the word holding it, else (OCR splits and misreads
    it: `ぐ選択` `肢`) the word where the legend mark pattern starts on its line."""
    word = patterns().words.legend_mark
    mark = next((w for ln in lines for w in ln.words if word in w.text), None)
    if mark is not None:
        return mark
    words = [w for ln in lines for w in ln.words]  # in reading order: the mark's first option may be below it
    texts = [fold(w.text) for w in words]
    m = patterns().legend_mark.search(" ".join(texts))
    if m is None:
        return None
    end = 0
    for w, t in zip(words, texts, strict=True):
        end += len(t) + 1
        if m.start() < end:
            return w
    return None


def _split_at(words: list[Word], x: float, y: float) -> tuple[list[Word], list[Word]]:
    """Words left of x (or above y), and the others, in one pass."""
    left: list[Word] = []
    right: list[Word] = []
    for w in words:
        (left if w.x1 <= x or w.y1 < y else right).append(w)
    return left, right


@dataclass(frozen=True, slots=True)
class CellsValue:
    """The value cells of a label/value row (a value cell, and a legend cell beside it)."""

    cells: tuple[Cell, ...]
    memo: dict[str, str] = field(default_factory=dict, compare=False, repr=False, kw_only=True)  # all_text, once

    def text(self) -> str:
        return cell_text(self.cells[-1])

    def choice(self) -> ChoiceRead:
        return parse_choice(list(self.cells))

    def checks(self) -> list[CheckRead]:
        return [it for c in self.cells for it in cell_checkboxes(c)]

    def all_text(self) -> str:
        text = self.memo.get("all")
        if text is None:
            text = self.memo["all"] = fold(" ".join(c.text for c in self.cells)
                                           + " ".join(b.text for c in self.cells for b in c.inner))
        return text

    def has_legend(self) -> bool:
        return bool(patterns().legend_mark.search(self.all_text()))

    def has_bracket(self) -> bool:
        return "[" in self.all_text()

    def orphan_other(self) -> str | None:
        return None

    def items(self) -> list[str]:
        return cell_items(self.cells[-1])
