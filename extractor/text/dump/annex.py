"""Annexed 提供先一覧 / 移転先一覧 in a plain text dump.

A list row comes out as seven blank-line-separated blocks, one per column:
`提供先 + ①法令上の根拠`, `②用途`, `③情報`, `④対象となる本人の数`, `⑤範囲`,
`⑥方法`, `⑦時期・頻度` (the column header repeats on every page and is skipped).
A row is kept only when its ④ block is one of the form's bands and its ⑥ block
one of its methods; otherwise the reader resynchronises on the next row that is.
"""

from __future__ import annotations

import re

from extractor.forms.spec import FormSpec, option_sets
from extractor.model import DocumentResult, RecipientRow
from extractor.normalise import label_key
from extractor.text.dump.pages import Line, Page

_HEADER_END = "⑦時期・頻度"
_BASIS_START = re.compile(
    r"^(?:番号法|住基法|住民基本台帳法|別表|行政手続における|[^\s]{0,20}?法(?:第\d|別表)|\S*条例)"
)
_FILE_IN_HEADING = re.compile(r"[（(]\s*(\d{1,2})\s*[.．]")


def read_annex_lists(spec: FormSpec, pages: list[Page], result: DocumentResult, first_file: int) -> None:
    """Recipients of every 提供先一覧 / 移転先一覧 found in the dump (listed_in `annex`)."""
    for kind, title, start in _list_starts(spec, pages):
        lines = _list_lines(pages, start, spec)
        heading = next((ln.text for ln in lines[:3] if "別添" in ln.text or "別紙" in ln.text), "")
        m = _FILE_IN_HEADING.search(heading)
        file_no = int(m.group(1)) if m else first_file
        _read_rows(kind, title, _blocks(lines), file_no, result)


def _list_starts(spec: FormSpec, pages: list[Page]) -> list[tuple[str, str, tuple[int, int]]]:
    """(kind, title, (page index, line index)) of each list title line."""
    starts = []
    for p, page in enumerate(pages):
        for k, line in enumerate(page.lines):
            for kind, lst in spec.annex_lists:
                if label_key(line.text) == label_key(lst.title):
                    starts.append((kind, lst.title, (p, max(0, k - 2))))
    return starts


def _list_lines(pages: list[Page], start: tuple[int, int], spec: FormSpec) -> list[Line]:
    """The list's lines, from its heading to the next list title (or the end)."""
    titles = {label_key(lst.title) for _, lst in spec.annex_lists}
    p0, k0 = start
    out: list[Line] = []
    for p in range(p0, len(pages)):
        for k, line in enumerate(pages[p].lines):
            if p == p0 and k < k0:
                continue
            if out and label_key(line.text) in titles and len(out) > 3:
                return out
            out.append(line)
    return out


def _blocks(lines: list[Line]) -> list[list[str]]:
    """Blank-line-separated blocks, with the repeated column header (up to ⑦時期・頻度) skipped."""
    blocks: list[list[str]] = []
    in_header = False
    for line in lines:
        text = line.text
        if text.startswith(("提供先 ", "移転先 ")) and "法令上の根拠" in text:
            in_header = True
        if in_header:
            in_header = _HEADER_END not in text
            continue
        if line.gap or not blocks:
            blocks.append([])
        blocks[-1].append(text)
    return [b for b in blocks if b]


def _read_rows(kind: str, title: str, blocks: list[list[str]], file_no: int, result: DocumentResult) -> None:
    """Rows anchored on their ④ band block and ⑥ method block; what lies between two rows is split by column."""
    bands = option_sets()[0]["PERS"]
    methods = option_sets()[1]["PROV_METHODS" if kind == "provision" else "TRANS_METHODS"]
    blocks = _split_glued(blocks, bands + methods)
    prev_end = -1
    count = skipped = 0
    for k, block in enumerate(blocks):
        if k <= prev_end or not _option(block, bands):
            continue
        gap = next((g for g in (2, 3) if k + g + 1 < len(blocks) and _option(blocks[k + g], methods)), None)
        if gap is None:
            continue
        head = _row_head(blocks[prev_end + 1 : k])
        prev_end = k + gap + 1
        if head is None:
            skipped += 1
            continue
        count += 1
        name, basis, purpose, info = head
        method = _option(blocks[k + gap], methods)
        scope = [line for b in blocks[k + 1 : k + gap] for line in b]
        result.recipients.append(RecipientRow(
            result.document.doc_id, file_no, kind, count, recipient=name, legal_basis=basis, purpose=purpose,
            information=info, subjects_band=_option(block, bands), subjects_scope=_join(scope),
            methods=[method] if method else None, timing=_join(blocks[k + gap + 1]), listed_in="annex",
        ))
    if skipped:
        result.warn(f"{title}: {skipped} rows could not be split into their columns and were left out")


def _split_glued(blocks: list[list[str]], options: tuple[str, ...]) -> list[list[str]]:
    """A one-line cell printed without a blank line before the next (`1万人未満` + ⑤範囲) is split off."""
    out: list[list[str]] = []
    for block in blocks:
        cut = next((j for j in range(1, min(5, len(block))) if _option(block[:j], options)), None)
        if cut is not None:
            out.extend([block[:cut], block[cut:]])
        else:
            out.append(block)
    return out


def _row_head(blocks: list[list[str]]) -> tuple[str, str, str, str] | None:
    """(提供先, ①法令上の根拠, ②用途, ③情報) from the blocks before a row's band block."""
    if len(blocks) >= 4 and _is_basis(blocks[-3][0]):
        return _join(blocks[-4]), _join(blocks[-3]), _join(blocks[-2]), _join(blocks[-1])
    if len(blocks) >= 3:
        name, basis = _name_and_basis(blocks[-3])
        if basis is not None:
            return name, basis, _join(blocks[-2]), _join(blocks[-1])
    return None


def _is_basis(line: str) -> bool:
    return bool(_BASIS_START.match(line))


def _option(block: list[str], options: tuple[str, ...]) -> str | None:
    key = label_key("".join(block))
    return next((o for o in options if label_key(o) == key), None)


def _name_and_basis(block: list[str]) -> tuple[str, str | None]:
    """A block holding the 提供先 and, from the first line that reads as a law, its ①法令上の根拠."""
    for k in range(1, len(block)):
        if _is_basis(block[k]):
            return _join(block[:k]), _join(block[k:])
    return _join(block), None


def _join(lines: list[str]) -> str:
    """Wrapped lines of one cell: joined without a separator (a line's own spaces are kept)."""
    return "".join(ln.strip() for ln in lines)
