"""Part headings a dump printed after their page's content, moved back to the top of their page.

A naive dump keeps each page's text together but may print the part heading (`Ⅱ 特定個人情報
ファイルの概要`, with the headings and file name under it) last on its page.  A part starts a page,
so when lines before such a heading on its page are labels of the part it opens (and of no part
before it), the heading and the headings under it move to the top of the page.
"""

from __future__ import annotations

from extractor.forms.spec import FormSpec
from extractor.normalise import label_key
from extractor.text.dump.lines import Line
from extractor.text.dump.vocab import COVER, Vocab, vocab_of

MIN_LABELS = 2  # labels of the new part before its heading that show the heading came out late


def headings_first(spec: FormSpec, lines: list[Line]) -> list[Line]:
    """`lines` with each late part heading moved to the top of its page (see the module docstring)."""
    vocab = vocab_of(spec)
    texts = [ln.text for ln in lines]
    heads = _part_heads(vocab, texts)
    if len({key for _, _, key in heads}) >= 4 and len(heads) > len(lines) // 2:
        return lines
    out = list(lines)
    previous, since = COVER, 0
    for k, used, key in heads:
        start = _page_start(lines, k)
        printed = _labels(vocab, texts[since:start], previous) if previous == key else set()
        late = _late(vocab, texts[start:k], key, previous, printed)
        if late:
            end = k + used + _under(vocab, spec, texts, k + used, key)
            out = _move(out, lines[start], lines[k:end])
        previous, since = key, start if late else k
    return out


def _labels(vocab: Vocab, texts: list[str], part: str) -> set[str]:
    return {hit[0].key for t in texts if (hit := vocab.label_at(part, t)) is not None}


def _part_heads(vocab: Vocab, texts: list[str]) -> list[tuple[int, int, str]]:
    """(line index, lines taken, part key) of the part headings, the contents page's left out."""
    found = []
    for k in range(len(texts)):
        hit = vocab.part_at(texts, k)
        if hit is not None:
            found.append((k, hit[1], hit[0].key))
    return found


def _page_start(lines: list[Line], k: int) -> int:
    start = k
    while start > 0 and lines[start - 1].page == lines[k].page:
        start -= 1
    return start


def _late(vocab: Vocab, before: list[str], part: str, previous: str, printed: set[str]) -> bool:
    """Lines before the heading hold labels of `part` that the part before it does not have (or, for the next
    file's part of the same kind, that the last file's part already printed)."""
    n = 0
    for text in before:
        if vocab.part_at([text], 0) is not None:
            return False  # another part's heading on the page: the page holds both parts
        hit = vocab.label_at(part, text)
        if hit is not None and (hit[0].key in printed if previous == part else vocab.label_at(previous, text) is None):
            n += 1
    return n >= MIN_LABELS


def _under(vocab: Vocab, spec: FormSpec, texts: list[str], k: int, key: str) -> int:
    """How many lines after a part heading are its section headings (and a file name printed under one)."""
    part = spec.part(key)
    n = 0
    while k + n < len(texts) and (found := vocab.section_at(part, texts[k + n])) is not None:
        title = found[1]
        n += 1
        below = any(vb.part == key and label_key(vb.section) == label_key(title) for vb in spec.value_below)
        if below and k + n < len(texts) and vocab.label_at(key, texts[k + n]) is None:
            n += 1
    return n


def _move(out: list[Line], before: Line, block: list[Line]) -> list[Line]:
    """`block` taken out of `out` and put back just before the line `before`."""
    ids = {id(ln) for ln in block}
    rest = [ln for ln in out if id(ln) not in ids]
    at = next(i for i, ln in enumerate(rest) if ln is before)
    return rest[:at] + block + rest[at:]
