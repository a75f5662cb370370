"""Checkbox grids a spreadsheet print cuts into pieces: each piece's markers tied to its options by count.

A spreadsheet print dumps a checkbox grid (`[ ○ ] 情報提供ネットワークシステム [ ] 専用線` // …) in
pieces: the left column's markers and options right after the field's label, the right column's
further down the page, often after the next block's labels, with the markers and their options
interleaved (`[ ○ ]` `情報提供ネットワークシステ` `ム` `[` `]` `電子メール`) or as a run of markers
then a run of options (`[ ]` `[ ○ ]` `[ ]` `専用線` `電子記録媒体(…)` `紙`).

A *piece* is a run of marker and option lines of the page (blank lines skipped, an option's wrapped end
or its `（ … ）` text joined to it), with as many markers as options.  Its markers are tied to its options
only where that is the one reading: all markers alike (each option reads the same, whichever marker is
its own); else from its start, one marker then its option (`[ ] option`, as the form prints it), or n
markers then n options that are one column of the printed grid top to bottom (`Field.rows`: a column's
markers printed together, then its labels), each in order — and whatever follows the last such segment
all alike; or, failing that, n markers, then the grid's options in its reading order (row by row), each
but n right after its own marker, the n printed bare being one column's top rows (their markers printed
together before the piece, with an earlier grid's).  A piece belongs to the one checkbox label of the
page printed before it whose options no earlier piece printed hold all the piece's options; a piece none
or several labels could take, or whose markers cannot be tied, leaves every label that could take it
unread (a warning says so).  A label the alignment left empty or read in part gets the states once its
pieces cover all its options (a grid read in part would be a list guessed); a page where the alignment
read a box otherwise is left as it was.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise

from extractor.forms.events import CheckRead
from extractor.forms.spec import FormSpec
from extractor.normalise import label_key
from extractor.text.dump.lines import Line
from extractor.text.dump.scan import Slot
from extractor.text.dump.values import DumpValue, is_close, is_open, marker_state, pieces

_JOIN = 3  # lines an option's wrapped end or its `（ … ）` text may run on


@dataclass(slots=True)
class _Token:
    mark: bool | None = None  # a marker's state (None: an option)
    option: str = ""  # the option's key ("" with no mark: a label cut short, its end not yet read)
    text: str = ""  # the option as printed (with its `（ … ）` text)
    line: int = -1  # the index of the line it ends on


@dataclass(slots=True)
class _Grid:
    slot: Slot
    at: int  # index of its label line
    keys: tuple[str, ...]  # option keys, in the form's order
    cells: dict[str, tuple[int, int]]  # option key -> (column, row) in the printed grid
    states: dict[str, bool] = field(default_factory=dict)
    taken: set[str] = field(default_factory=set)  # options a piece of its own printed
    texts: dict[str, str] = field(default_factory=dict)
    columns: bool = False  # one output column a box
    lost: bool = False


def grid_pieces(spec: FormSpec, stream: list[object], lines: list[Line]) -> None:
    """Give each checkbox label left empty the states its grid's pieces settle (see the module docstring)."""
    slots = [el for el in stream if isinstance(el, Slot) and el.head is None and el.label.kind == "checkbox"
             and el.label.options]
    if not slots:
        return
    index = {ln.no: k for k, ln in enumerate(lines)}
    fields = {f.key: f for f in spec.fields}
    pages: dict[int, list[_Grid]] = {}
    for s in slots:
        if s.line.no in index:
            keys = tuple(label_key(o) for o in s.label.options)
            f = fields.get(s.label.key)
            cells = {label_key(o): (c, r) for r, row in enumerate(f.rows if f else ()) for c, o in enumerate(row)}
            pages.setdefault(s.line.page, []).append(_Grid(s, index[s.line.no], keys, cells,
                                                           columns=bool(f and f.columns)))
    earlier: list[_Grid] = []  # the grids of earlier pages a box printed on a later page may be of
    by_page: dict[int, list[tuple[int, Line]]] = {}
    for k, ln in enumerate(lines):
        if ln.page in pages:
            by_page.setdefault(ln.page, []).append((k, ln))
    for page, grids in pages.items():
        page_lines = by_page.get(page, [])
        _read_page(grids, page_lines, earlier)
        earlier = [*earlier, *grids] if all(g.columns for g in grids) else []  # until another field's grid


def _read_page(grids: list[_Grid], page_lines: list[tuple[int, Line]], earlier: list[_Grid]) -> None:
    """The pieces of one page given to its grids.  A grid with one output column a box (the systems' ③, whose
    pieces a spreadsheet print scatters under later systems' headings, across pages) may own a piece printed
    on a later page: no piece is given while such a grid of an earlier page could take it."""
    options = frozenset(o for g in grids for o in g.keys)
    for at, whole in _runs(page_lines, options):
        for run in _split(whole, [g for g in grids if g.at < at]):
            _give(run, at, grids, earlier)
    if any(_differs(g) for g in grids):
        return  # the alignment read a box otherwise: the pieces are not what they seem
    for g in grids:
        if not g.lost and all(k in g.states for k in g.keys) and not _settled(g.slot.value):
            g.slot.value = DumpValue(boxes=tuple(CheckRead(g.texts[k], g.states[k]) for k in g.keys))


def _split(run: list[_Token], grids: list[_Grid]) -> list[list[_Token]]:
    """A run of markers, then one whole column of one grid's printed grid (one option a row, top to bottom), then
    more (`[ ]`×9, 入手元's six options, then 入手方法's): the column with as many of the first markers, in order,
    and the rest of the run."""
    m = next((k for k, t in enumerate(run) if t.mark is None), len(run))
    for g in grids:
        first = g.cells.get(run[m].option) if m < len(run) else None
        if first is None or first[1] != 0 or any(o in g.taken for o in g.keys):
            continue
        column = [o for o, (c, _) in sorted(g.cells.items(), key=lambda x: x[1][1]) if c == first[0]]
        n = len(column)
        if (n >= 2 and m >= n and m + n < len(run) and [t.option for t in run[m:m + n]] == column
                and run[m + n].option not in g.keys):
            return [[*run[:n], *run[m:m + n]], [*run[n:m], *run[m + n:]]]
    return [run]


def _give(run: list[_Token], at: int, grids: list[_Grid], earlier: list[_Grid]) -> None:
    """Give a piece to the one grid that could take it (see the module docstring)."""
    if not any(t.mark is None for t in run):
        return  # markers alone: no option tells whose they are
    cut = any(t.mark is None and not t.option for t in run)  # a label whose end never came: no ties
    opts = [t.option for t in run if t.mark is None and t.option]
    before = [*earlier, *(g for g in grids if g.at < at)]
    takers = [g for g in before if len(set(opts)) == len(opts) and all(o in g.keys and o not in g.taken
                                                                        for o in opts)]
    if any(t is g for t in takers for g in earlier):
        takers = [t for t in takers if not any(t is g for g in earlier)]
        for g in takers:
            g.lost = True
        return
    tied = None if cut or not opts else _tie(run, takers[0].cells if len(takers) == 1 else {})
    for g in takers:
        g.lost = g.lost or len(takers) > 1 or tied is None
    if len(takers) != 1:
        return
    g = takers[0]
    g.taken.update(opts)  # its options, read or not: no later piece is theirs
    for t, state in tied or ():
        g.states[t.option] = state
        g.texts[t.option] = t.text


def _settled(value: object) -> bool:
    """A value the alignment gave whose every box has a state."""
    return isinstance(value, DumpValue) and bool(value.boxes) and all(b.checked is not None for b in value.boxes)


def _differs(g: _Grid) -> bool:
    """The alignment's value of the label gives one of the options read here another state."""
    if g.slot.value is None:
        return False
    if not isinstance(g.slot.value, DumpValue):
        return True
    for b in g.slot.value.boxes:
        key = label_key(b.label)
        option = max((o for o in g.keys if key.startswith(o)), key=len, default=None)
        if b.checked is not None and option in g.states and g.states[option] != b.checked:
            return True
    return False


def _tie(run: list[_Token], cells: dict[str, tuple[int, int]]) -> list[tuple[_Token, bool]] | None:
    """Each option of a piece with its marker's state (None: the piece does not tell; see the module docstring)."""
    states = [t.mark for t in run if t.mark is not None]
    opts = [t for t in run if t.mark is None]
    if len(states) != len(opts):
        return None
    if len(set(states)) == 1:
        return [(t, states[0]) for t in opts]
    return _segments(run, cells) or _column_first(run, cells)


def _segments(run: list[_Token], cells: dict[str, tuple[int, int]]) -> list[tuple[_Token, bool]] | None:
    """Segments of one marker then its option, or of n markers then n options that are one column of the grid, from
    the piece's start; the markers after the last segment all alike (None: they are not)."""
    out: list[tuple[_Token, bool]] = []
    k = 0
    while k < len(run):
        n = next((j for j in range(k, len(run)) if run[j].mark is None), len(run)) - k
        marks, seg = run[k:k + n], run[k + n:k + 2 * n]
        if (not n or len(seg) < n or any(t.mark is not None for t in seg)
                or (n > 1 and (marks[-1].line == seg[0].line or not _column(seg, cells)))):
            break  # not one marker then its option, nor a column's markers then its options
        out.extend((t, bool(m.mark)) for t, m in zip(seg, marks, strict=True))
        k += 2 * n
    rest = [t.mark for t in run[k:] if t.mark is not None]
    if len(set(rest)) > 1:
        return None
    return out + [(t, bool(rest[0])) for t in run[k:] if t.mark is None]


def _column_first(run: list[_Token], cells: dict[str, tuple[int, int]]) -> list[tuple[_Token, bool]] | None:
    """n markers, then the grid's options in its reading order (row by row, left to right), each of them but n
    right after its own marker: the n options printed without one are the top n rows of one column of the grid, whose
    markers the print put together before the piece (`[ ]`×3 `紙` `[ ]` `電子記録媒体(…)` `[ ]`
    `フラッシュメモリ` `電子メール` `[ ]` `専用線` `[ ]` `庁内連携システム` `情報提供ネットワークシステム` `[ ○ ]`
    `その他`: 紙, 電子メール and 情報提供ネットワークシステム the first column's first three rows).  None: the piece
    is not so."""
    n = next((j for j, t in enumerate(run) if t.mark is None), len(run))
    rest = run[n:]
    if n < 2 or not rest or rest[-1].mark is not None:
        return None
    at = [cells.get(t.option) for t in rest if t.mark is None]
    if any(a is None for a in at) or any((a[1], a[0]) >= (b[1], b[0])  # type: ignore[index]
                                         for a, b in pairwise(at)):
        return None  # an option not of the grid, or the options not in its reading order
    out: list[tuple[_Token, bool]] = []
    bare: list[_Token] = []
    for k, t in enumerate(rest):
        if t.mark is not None:
            if rest[k + 1].mark is not None:
                return None  # two markers together: not each right before its option
            out.append((rest[k + 1], t.mark))
        elif k == 0 or rest[k - 1].mark is None:
            bare.append(t)
    if len(bare) != n or not _column(bare, cells):
        return None
    col, top = cells[bare[0].option]
    if top != min(r for c, r in cells.values() if c == col):
        return None  # not the column's top rows
    return [*((t, bool(m.mark)) for t, m in zip(bare, run[:n], strict=True)), *out]


def _column(seg: list[_Token], cells: dict[str, tuple[int, int]]) -> bool:
    """The options are one column of the grid, consecutive rows top to bottom."""
    at = [cells.get(t.option) for t in seg]
    return all(a is not None for a in at) and all(
        b[0] == a[0] and b[1] == a[1] + 1 for a, b in pairwise(at))  # type: ignore[index]


def _runs(page_lines: list[tuple[int, Line]], options: frozenset[str]) -> list[tuple[int, list[_Token]]]:
    """The page's runs of marker and option tokens (a line of anything else ends a run), each with the index of
    its first line."""
    out: list[tuple[int, list[_Token]]] = []
    run: list[_Token] = []
    start = 0
    opened: list[bool] = []  # the states of the `[`s waiting for their `]`
    k = 0
    while k < len(page_lines):
        at = page_lines[k][0]
        toks, used = _tokens(page_lines, k, options, opened)
        if toks is None and _wrapped_end(run, page_lines[k][1].text.strip(), options):
            k += 1
            continue
        if toks is None:
            if run:
                out.append((start, run))
            run, opened = [], []
            k += 1
            continue
        if not run:
            start = at
        run.extend(toks)
        k += used
    if run:
        out.append((start, run))
    return out


def _tokens(page_lines: list[tuple[int, Line]], k: int, options: frozenset[str],
            opened: list[bool]) -> tuple[list[_Token] | None, int]:
    """The tokens of line k (None: not a line of markers and options), and how many lines they took."""
    text = page_lines[k][1].text.strip()
    if any(c in text for c in "[]［］"):
        toks: list[_Token] = []
        ps = [p for p in pieces(text) if p.strip() or is_open(p) or is_close(p)]
        j = 0
        while j < len(ps):
            p = ps[j]
            if is_open(p):
                if j + 1 < len(ps) and not is_open(ps[j + 1]) and not is_close(ps[j + 1]):
                    state = marker_state(ps[j + 1])
                    if state is None:
                        return None, 1
                    j += 1
                else:
                    state = False
                opened.append(state)
            elif is_close(p):
                if not opened:
                    return None, 1
                toks.append(_Token(mark=opened.pop(), line=k))
            else:
                found = _option(label_key(p), options)
                if found is None or found[1]:
                    return None, 1  # text beside a bracket that is no whole option
                toks.append(_Token(option=found[0], text=p.strip(), line=k))
            j += 1
        return toks, 1
    found = _option(label_key(text), options)
    used, joined = 1, text
    while found is not None and found[1] and k + used < len(page_lines) and used <= _JOIN:
        nxt = page_lines[k + used][1].text.strip()
        if any(c in nxt for c in "[]［］"):
            break
        found = _option(label_key(joined + nxt), options)
        joined, used = joined + nxt, used + 1
    first = _option(label_key(text), options)
    if first is not None and first[1] and first[0].startswith(label_key(text)) and (found is None or found[1]):
        return [_Token(text=text, line=k)], 1  # a label cut short whose end is printed further on
    if found is None or found[1]:
        return None, 1  # no option, or one whose wrapped end or `（ … ）` text does not come
    return [_Token(option=found[0], text=joined, line=k)], used


def _wrapped_end(run: list[_Token], text: str, options: frozenset[str]) -> bool:
    """`text` goes on the one label of the run cut short it fits (`電子記録媒体(フ` `[ ]` `フラッシュメモ`
    `ラッシュメモリ` `リ` `を除く。)`): that label made longer, or whole."""
    fits = [(t, found) for t in run if t.mark is None and not t.option
            and (found := _option(label_key(t.text + text), options)) is not None]
    if len(fits) != 1:
        return False
    t, found = fits[0]
    t.text += text
    if not found[1]:
        t.option = found[0]
    return True


def _unfinished_paren(text: str) -> bool:
    return sum(text.count(c) for c in "(（") > sum(text.count(c) for c in ")）")


@lru_cache(maxsize=8192)
def _option(key: str, options: frozenset[str]) -> tuple[str, bool] | None:
    """(the option `key` reads as, whether more is to come): the option alone, the option with its whole `（ … ）`
    text, or the start of exactly one option (a label the print wrapped) or an option with an unclosed `（`."""
    if not key:
        return None
    if key in options:
        return key, False
    heads = [o for o in options if key.startswith(o) and key[len(o):][:1] == "("]
    if len(heads) == 1:
        return heads[0], _unfinished_paren(key[len(heads[0]):])
    starts = [o for o in options if o.startswith(key)]
    if len(starts) == 1 and len(key) >= 3:
        return starts[0], True
    return None
