"""Part headings a dump printed after their page's content, moved back to the top of their page.

A naive dump keeps each page's text together but may print the part heading (`Ⅱ 特定個人情報
ファイルの概要`, with the headings and file name under it) last on its page.  A part starts a page,
so when lines before such a heading on its page are labels of the part it opens (and of no part
before it), the heading and the headings under it move to the top of the page.
"""

from __future__ import annotations

from collections.abc import Callable

from extractor.forms.events import BlockStart
from extractor.forms.spec import FormSpec
from extractor.normalise import label_key
from extractor.text.dump.items import Item
from extractor.text.dump.lines import Line
from extractor.text.dump.scan import Slot
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


def late_block_heads(stream: list[object]) -> list[object]:
    """The stream with each block heading a dump printed after its block's first values moved back before them.

    A spreadsheet print may put a block's values (`データエントリー業務`, `[ 10人未満 ]`) before the row holding
    its heading (`委託事項1`) and the labels printed under it.  Values standing right before a block heading that
    none of the labels before it (in their segment, all of them choices: `委託の有無`) can take, among them an
    answer among the options of a label printed under the heading, are the block's: the heading and the labels
    printed right after it move before them.
    """
    from extractor.text.dump.match import score  # the matcher imports the scanner, as this module's users do

    out = list(stream)
    k = 0
    while k < len(out):
        el = out[k]
        if not ((isinstance(el, Slot) and el.head is not None) or isinstance(el, BlockStart)):
            k += 1
            continue
        start = _orphans(out, k, score)
        if start is None:
            k += 1
            continue
        end = k + 1
        while end < len(out) and isinstance(out[end], Slot) and out[end].head is None:  # type: ignore[attr-defined]
            end += 1
        labels = [s for s in out[k:end] if isinstance(s, Slot)]
        answers = [it for it in out[start:k] if isinstance(it, Item) and it.kind == "answer"]
        if any(score(s, it) >= 3.0 for s in labels for it in answers):
            out = out[:start] + out[k:end] + out[start:k] + out[end:]
        k = end
    return out


def _orphans(stream: list[object], k: int, score: Callable[[Slot, Item], float]) -> int | None:
    """Where the run of values right before stream[k] that no label of the segment before it can take starts."""
    b = k
    while b > 0 and isinstance(stream[b - 1], Item):
        b -= 1
    before: list[Slot] = []
    for el in reversed(stream[:b]):
        if isinstance(el, Slot) and el.head is None:
            before.append(el)
        elif not isinstance(el, Item):
            break
    if not before or any(s.label.kind != "choice" for s in before):
        return None
    start = k
    while start > b:
        it = stream[start - 1]
        assert isinstance(it, Item)
        if it.kind != "void" and any(score(s, it) for s in before):
            break
        start -= 1
    while start < k and isinstance(stream[start], Item) and stream[start].kind == "void":  # type: ignore[attr-defined]
        start += 1
    return start if start < k else None
