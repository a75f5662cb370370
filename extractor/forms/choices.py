"""Stage 5 — checkboxes and choice answers, read by position inside a cell.

`[ ○ ] 宛名システム等`: a marker is bound to the label that starts right of it on
the same visual line; a line with no marker continues the label above it whose
column it starts in (wrapped labels).  `[ 十分である ]` + ＜選択肢＞: the bracketed
answer is validated against the legend's numbered options.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractor.layout import Cell, Line, words_to_lines
from extractor.normalise import clean_line, fold, label_key

CHECKED = frozenset("○◯●✓✔☑■☒レxX✗v◉")
UNCHECKED_GLYPHS = frozenset("☐□")
BOX_GLYPHS = frozenset("☑☒■☐□")
_OPEN = "[［"
_CLOSE = "]］"
LEGEND_MARK = re.compile(r"[<＜〈]\s*選\s*択\s*肢\s*[>＞〉]")
_OPTION = re.compile(r"(?:^|(?<=\s)|(?<=[^\d,]))(\d{1,2})\s*[)）]\s*")


@dataclass(slots=True)
class CheckItem:
    label: str
    checked: bool | None  # None: a marker whose state could not be read
    x0: float
    y0: float


@dataclass(slots=True)
class Choice:
    answer: str | None  # as printed, folded; None when blank
    legend: list[tuple[int, str]]
    count_text: str


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
    """Split a line's words into marker tokens ('\\x00' + state char) and text, with x positions."""
    out: list[tuple[str, float, float]] = []
    for w in line.words:
        text = w.text
        width = (w.x1 - w.x0) / max(1, len(text))
        for k, ch in enumerate(text):
            out.append((ch, w.x0 + k * width, w.y0))
        out.append((" ", w.x1, w.y0))
    return out


def line_items(line: Line) -> list[CheckItem | str]:
    """A line as a sequence of check items (marker + label) and loose text (no marker)."""
    items: list[CheckItem | str] = []
    toks = _tokens(line)
    k = 0
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

    while k < len(toks):
        ch, x, y = toks[k]
        if ch in _OPEN:
            end = next((j for j in range(k + 1, min(k + 6, len(toks))) if toks[j][0] in _CLOSE), -1)
            inner = "".join(t[0] for t in toks[k + 1 : end]) if end > 0 else ""
            if end > 0 and len(inner.strip(" \u3000")) <= 1:
                flush()
                current = CheckItem("", _marker_state(inner), x, y)
                k = end + 1
                continue
        if ch in BOX_GLYPHS and (k == 0 or toks[k - 1][0] == " " or current is not None or label):
            flush()
            current = CheckItem("", ch not in UNCHECKED_GLYPHS, x, y)
            k += 1
            continue
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


@dataclass(slots=True)
class OptionHit:
    option: str
    checked: bool | None
    rest: str  # text after the option label, e.g. "（ 国民年金システム ）" or "（58）件"


def match_options(items: list[CheckItem], options: tuple[str, ...]) -> list[OptionHit]:
    """Bind check items to the form's option labels (longest label prefix wins)."""
    keyed = sorted(((label_key(o), o) for o in options), key=lambda t: -len(t[0]))
    hits = []
    for it in items:
        key = label_key(it.label)
        for okey, opt in keyed:
            if key.startswith(okey) or (len(okey) > 6 and okey.startswith(key) and len(key) >= len(okey) - 2):
                rest = fold(it.label)
                rest = _strip_label_prefix(rest, okey)
                hits.append(OptionHit(opt, it.checked, rest))
                break
    return hits


def _strip_label_prefix(text: str, okey: str) -> str:
    """Remove the option label from the start of `text` (comparing spaceless keys)."""
    consumed = ""
    for k, ch in enumerate(text):
        if label_key(consumed) == okey or len(label_key(consumed)) >= len(okey):
            return text[k:].strip()
        consumed += ch
    return "" if label_key(consumed) == okey else text


def paren_text(rest: str) -> str | None:
    """The free text inside balanced `（ ... ）` right after an option label; None if blank."""
    s = rest.strip()
    if not s or s[0] not in "（(":
        return None
    depth, out = 0, []
    for ch in s:
        if ch in "（(":
            depth += 1
            if depth == 1:
                continue
        elif ch in "）)":
            depth -= 1
            if depth == 0:
                break
        out.append(ch)
    inner = clean_line("".join(out))
    return inner or None


# ---------------------------------------------------------------- choices


def parse_choice(cells: list[Cell]) -> Choice:
    """The answer of a choice cell (`[ 十分である ]`) and its printed legend options.

    A legend printed as plain text beside or below the answer is split off by
    position: words right of (or below) the ＜選択肢＞ mark are the legend.
    """
    lines = [line for cell in cells for line in cell.lines]
    legend_lines = [line.text for cell in cells for box in cell.inner for line in box.lines]
    mark = next((w for ln in lines for w in ln.words if "選択肢" in w.text), None)
    answer_parts: list[str] = []
    own_legend: list[str] = []
    for line in lines:
        if mark is None:
            answer_parts.append(line.text)
            continue
        left = [w for w in line.words if w.x1 <= mark.x0 + 1 or w.y1 < mark.y0]
        right = [w for w in line.words if not (w.x1 <= mark.x0 + 1 or w.y1 < mark.y0)]
        if left:
            answer_parts.append(words_to_lines(left)[0].text)
        if right:
            own_legend.append(words_to_lines(right)[0].text)
    legend_lines[:0] = own_legend
    text = "\n".join(fold(t) for t in answer_parts)
    legend_text = LEGEND_MARK.sub(" ", " ".join(fold(t) for t in legend_lines))
    return Choice(_answer_of(text), parse_legend(legend_text), text)


def _answer_of(text: str) -> str | None:
    s = text.replace("\u3000", " ")
    i = min((s.find(c) for c in _OPEN if c in s), default=-1)
    if i < 0:
        return None
    j = min((s.find(c, i + 1) for c in _CLOSE if c in s[i + 1 :]), default=-1)
    inner = s[i + 1 : j] if j > 0 else s[i + 1 :]
    before = s[:i].rsplit("\n", 1)[-1].strip()
    inner = clean_line(inner.replace("\n", ""))
    if not inner and before:  # value printed before an empty bracket: `定めている[ ]`
        inner = clean_line(before)
    inner = re.sub(r"[（(]\s*\d*\s*[)）]\s*件.*$", "", inner).strip()
    return inner or None


def parse_legend(text: str) -> list[tuple[int, str]]:
    """`1） 十分である 2） 課題が…` -> [(1, '十分である'), (2, '課題が…')], sorted by number."""
    marks = list(_OPTION.finditer(text))
    options = []
    for k, m in enumerate(marks):
        end = marks[k + 1].start() if k + 1 < len(marks) else len(text)
        label = clean_line(text[m.end() : end])
        if label:
            options.append((int(m.group(1)), label))
    seen: dict[int, str] = {}
    for n, label in options:
        seen.setdefault(n, label)
    return sorted(seen.items())


def resolve_answer(answer: str | None, legend: list[tuple[int, str]], spec_options: tuple[str, ...]
                   ) -> tuple[str | None, int | None, bool]:
    """(option text as listed, its number, found) for a printed answer.

    The printed legend wins; the spec's option set is the fallback when the
    document prints none.  An answer in neither is returned as written, found=False.
    """
    if answer is None:
        return None, None, True
    options = legend or list(enumerate(spec_options, start=1))
    key = label_key(answer)
    for n, opt in options:
        if label_key(opt) == key:
            return opt, n, True
    for n, opt in options:  # value glued to legend debris, e.g. "十分である]"
        okey = label_key(opt)
        if okey and (key.startswith(okey) or okey.startswith(key)) and abs(len(okey) - len(key)) <= 2:
            return opt, n, True
    prefixed = [(n, opt) for n, opt in options if len(key) >= 8 and label_key(opt).startswith(key)]
    if len(prefixed) == 1:  # a long answer cut off at the cell's edge, unique among the options
        return prefixed[0][1], prefixed[0][0], True
    return answer, None, False
