"""Annexed 提供先一覧 / 移転先一覧 in a dump whose cells come out as blank-line-separated blocks.

A list row reads `提供先`, `①法令上の根拠`, `②用途`, `③情報`, `④対象となる本人の数`,
`⑤範囲`, `⑥方法`, `⑦時期・頻度`, one block a cell (the column header, repeated on every
page, is skipped).  Rows are anchored on their typed cells: a ④ block that is one of the
form's bands and, one or two blocks later, a ⑥ block that is one of the list's methods.  The
blocks before ④ are `提供先`, ①, ②, ③; where `提供先` and ① share a block, ① starts at the
line that starts like the ① cells of the list's other rows.  A row that does not split so is
left out with a warning; a dump whose cells run together gives no rows (nothing is guessed).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from extractor.forms.events import AnnexRow, AnnexTitle, Event, Warn, Where
from extractor.forms.rows import annex_kind
from extractor.forms.spec import FormSpec
from extractor.normalise import label_key
from extractor.text.dump.lines import Line
from extractor.text.dump.sidelist import side_rows

Block = list[Line]
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩"


@dataclass(frozen=True)
class RowBlocks:
    head: list[Block]  # 提供先, ①, ②, ③ (three blocks when 提供先 and ① share one)
    band: Block
    scope: list[Block]
    method: Block
    timing: Block


def annex_events(spec: FormSpec, lines: list[Line]) -> Iterator[Event]:
    """AnnexTitle / AnnexRow events of the lists in an annex's lines."""
    for kind, part in _lists(spec, lines):
        yield AnnexTitle(kind)
        yield from _rows(spec, kind, _blocks(spec, part), part)


def _lists(spec: FormSpec, lines: list[Line]) -> Iterator[tuple[str, list[Line]]]:
    kind: str | None = None
    part: list[Line] = []
    for ln in lines:
        found = annex_kind(spec, ln.text, exact=True)
        if found:
            if kind and part:
                yield kind, part
            kind, part = found, []
        elif kind:
            part.append(ln)
    if kind and part:
        yield kind, part


def _blocks(spec: FormSpec, lines: list[Line]) -> list[Block]:
    """Blank-line-separated blocks; the column header blocks and the ※ scope note dropped."""
    frags = [label_key(k) for k in spec.annex.columns] + [label_key(a.name_header) for _, a in spec.annex_lists]
    blocks: list[Block] = []
    for ln in lines:
        if ln.gap or not blocks:
            blocks.append([])
        blocks[-1].append(ln)
    names = {label_key(a.name_header) for _, a in spec.annex_lists}
    out = []
    for b in blocks:
        key = label_key("".join(ln.text for ln in b))
        header = key in names or (b[0].text[:1] in _CIRCLED and any(f and f in key for f in frags))
        if header or sum(1 for f in frags if f and f in key) >= 2 or b[0].text.startswith(("※", "*")):
            continue
        out.append(b)
    return out


def _options(spec: FormSpec, kind: str, column: str) -> tuple[str, ...]:
    f = next((f for f in spec.fields if f.target == f"recipients.{column}" and kind in f.block), None)
    return spec.options_of(f) if f else ()


def _option(block: Block, options: tuple[str, ...]) -> str | None:
    key = label_key("".join(ln.text for ln in block))
    return next((o for o in options if label_key(o) == key), None)


def _find_rows(blocks: list[Block], bands: tuple[str, ...], methods: tuple[str, ...]) -> list[RowBlocks | None]:
    rows: list[RowBlocks | None] = []
    end = -1
    for k, block in enumerate(blocks):
        if k <= end or _option(block, bands) is None:
            continue
        gap = next((g for g in (2, 3) if k + g + 1 < len(blocks) and _option(blocks[k + g], methods)), None)
        if gap is None:
            continue
        between = blocks[end + 1 : k]
        head = between[-4:]
        fits = len(head) >= 3 and (end < 0 or len(between) <= 4)  # after a row, its next row's cells only
        rows.append(RowBlocks(head, block, blocks[k + 1 : k + gap], blocks[k + gap], blocks[k + gap + 1])
                    if fits else None)
        end = k + gap + 1
    return rows


def _rows(spec: FormSpec, kind: str, blocks: list[Block], part: list[Line]) -> Iterator[Event]:
    bands, methods = _options(spec, kind, "subjects_band"), _options(spec, kind, "methods")
    rows = _find_rows(_split_glued(blocks, bands + methods), bands, methods)
    if not rows:
        yield from side_rows(spec, kind, part, bands, methods)
        return
    basis_start = _basis_start([r.head[-3] for r in rows if r is not None and len(r.head) == 4])
    read = [(row, _values(row, bands, methods, basis_start)) for row in rows if row is not None]
    skipped = len(rows) - sum(1 for _, v in read if v is not None)
    if skipped:  # a row left out would shift the numbers and the pairing of every row after it
        yield Warn(f"{kind} list: {skipped} of {len(rows)} rows could not be split into their columns; "
                   "the list was not read")
        return
    for row, values in read:
        first = row.head[0][0]
        if values is not None:
            yield AnnexRow(values, False, Where(page=first.page, line=first.no))


def _split_glued(blocks: list[Block], options: tuple[str, ...]) -> list[Block]:
    """A band or method cell printed without a blank line before the next cell is split off."""
    out: list[Block] = []
    for block in blocks:
        cut = next((j for j in range(1, min(5, len(block))) if _option(block[:j], options)), None)
        out.extend([block[:cut], block[cut:]] if cut is not None else [block])
    return out


def _basis_start(cells: list[Block]) -> str:
    """What the ① cells of a list start with (the longest start most of them share)."""
    firsts = ["".join(ln.text for ln in c) for c in cells]
    if len(firsts) < 3:
        return ""
    counts = Counter(_common_start(a, b) for a in firsts for b in firsts if a is not b)
    start, n = max(counts.items(), key=lambda kv: (kv[1], len(kv[0])), default=("", 0))
    return start if len(start) >= 2 and n >= len(firsts) else ""


def _common_start(a: str, b: str) -> str:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return a[:n]


def _values(row: RowBlocks, bands: tuple[str, ...], methods: tuple[str, ...], basis_start: str
            ) -> dict[str, str] | None:
    head = row.head
    if len(head) == 4:
        name, basis = _join(head[0]), _join(head[1])
    else:
        cut = next((k for k in range(1, len(head[0]))
                    if basis_start and _join(head[0][k:]).startswith(basis_start)), None)
        if cut is None:
            return None
        name, basis = _join(head[0][:cut]), _join(head[0][cut:])
    values = {"recipient": name, "legal_basis": basis, "purpose": _join(head[-2]), "information": _join(head[-1]),
              "subjects_band": _option(row.band, bands) or "",
              "subjects_scope": _join([ln for b in row.scope for ln in b]),
              "methods": _option(row.method, methods) or "", "timing": _join(row.timing)}
    return values if _plausible(values, bands + methods, basis_start) else None


def _plausible(values: dict[str, str], options: tuple[str, ...], basis_start: str) -> bool:
    """Cells that are what their column holds: ① like the list's other ① cells, no option in a text cell."""
    if basis_start and not values["legal_basis"].startswith(basis_start):
        return False
    others = ("recipient", "purpose", "information", "timing")
    if basis_start and any(values[c].startswith(basis_start) for c in others):
        return False
    keys = {label_key(o) for o in options}
    texts = ("recipient", "legal_basis", "purpose", "information", "subjects_scope", "timing")
    return all(values[c] and label_key(values[c]) not in keys for c in texts)


def _join(lines: list[Line]) -> str:
    """The wrapped lines of one cell, joined without a separator."""
    return "".join(ln.text.strip() for ln in lines)
