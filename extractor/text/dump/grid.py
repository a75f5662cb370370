"""Lines repaired before they are read: checkbox markers printed on the line after their options (a grid of
options, each row's markers below it), and a count printed over two lines.

Some tools print a row of checkbox options and then, on the next line, that row's markers alone
(`情報提供ネットワークシステム 庁内連携システム` then `☐ ☑`): a line of nothing but N box glyphs after
a line that ends with N options (the field's label may stand before them).  Such rows are read
only when the whole run alternates options row, markers row, …, options row, markers row, each
markers row as long as the row above it, with no markers row just before the run and neither a
markers row nor an options row as long as its last markers row just after it: then each row's
markers being the ones below it is the one reading that gives every option a marker and every
marker an option (markers printed above their options would leave the first row's options, or
the last row's markers, without a partner).  The options row is rewritten as
`☐ option ☑ option` and the markers row dropped; anything else is left as it was (its markers
are not placed).
"""

from __future__ import annotations

import re
from dataclasses import replace

from extractor.normalise import label_key
from extractor.text.dump.lines import Line
from extractor.text.dump.values import BOXES


def markers_below(lines: list[Line], options: frozenset[str]) -> list[Line]:
    """`lines` with each run of options rows and their markers rows below joined (see the module docstring)."""
    marks = [_marks(ln.text) for ln in lines]
    if not any(marks):
        return lines
    # only a line next to a markers row may be an options row that counts (before one, or just after a run)
    near = {k + d for k, m in enumerate(marks) if m for d in (-1, 1)}
    rows = [_row(ln.text, options) if k in near and not marks[k] else None for k, ln in enumerate(lines)]
    out: list[Line] = []
    k = 0
    while k < len(lines):
        end = k
        while (end + 1 < len(lines) and rows[end] is not None and marks[end + 1] is not None
               and len(rows[end][1]) == len(marks[end + 1])  # type: ignore[index, arg-type]
               and lines[end].page == lines[end + 1].page):
            end += 2
        ok = end > k and not (k and marks[k - 1]) and not (end < len(lines) and _goes_on(rows[end], marks[end],
                                                                                          marks[end - 1]))
        if not ok:
            out.append(lines[k])
            k += 1
            continue
        for j in range(k, end, 2):
            head, opts = rows[j]  # type: ignore[misc]
            glyphs = marks[j + 1]
            assert glyphs is not None
            text = " ".join([*([head] if head else []), *(f"{g} {o}" for g, o in zip(glyphs, opts, strict=True))])
            out.append(replace(lines[j], text=text))
        k = end
    return out


def _goes_on(row: tuple[str, list[str]] | None, marks: list[str] | None, last: list[str] | None) -> bool:
    """The line after a run: a markers row, or an options row the run's last markers row could be read with."""
    return bool(marks) or (row is not None and last is not None and len(row[1]) == len(last))


def _marks(text: str) -> list[str] | None:
    """The box glyphs of a line that holds nothing else."""
    if text[:1] not in BOXES:
        return None
    frags = text.split()
    return frags if frags and all(len(f) == 1 and f in BOXES for f in frags) else None


def _row(text: str, options: frozenset[str]) -> tuple[str, list[str]] | None:
    """(what stands before, the options) of a line that ends with whole checkbox options (an option's `（ … ）`
    text kept with it), the fragment before them none."""
    cells: list[str] = []
    for frag in text.split():
        if cells and (frag[:1] in "(（" or _open(cells[-1])):
            cells[-1] += " " + frag
        else:
            cells.append(frag)
    n = 0
    while n < len(cells) and _is_option(cells[len(cells) - 1 - n], options):
        n += 1
    if not n:
        return None
    return " ".join(cells[: len(cells) - n]), cells[len(cells) - n:]


def _open(text: str) -> bool:
    return sum(text.count(c) for c in "(（") > sum(text.count(c) for c in ")）")


def _is_option(cell: str, options: frozenset[str]) -> bool:
    key = label_key(cell)
    return key in options or any(key.startswith(o + "(") for o in options if o[:1] == key[:1])


_COUNT_NUMBER = re.compile(r"[(（]\s*\d*\s*[)）]")


def split_counts(lines: list[Line], word: str) -> list[Line]:
    """A count printed over two lines (`（3）` then `件`) joined into one (`（3） 件`): the number alone, then the count
    word alone on the next line of the page."""
    out: list[Line] = []
    k = 0
    while k < len(lines):
        ln = lines[k]
        nxt = lines[k + 1] if k + 1 < len(lines) else None
        if (nxt is not None and nxt.text == word and nxt.page == ln.page
                and _COUNT_NUMBER.fullmatch(ln.text) is not None):
            out.append(replace(ln, text=f"{ln.text} {word}"))
            k += 2
            continue
        out.append(ln)
        k += 1
    return out
