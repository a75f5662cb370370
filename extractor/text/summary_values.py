"""Values of 概要 summaries read from plain text: bands, item lists, 有無 answers, marks, methods, names.

Pure functions of the printed text and the summary vocabulary (`summary_vocab.vocab()`); the
reader decides where each value goes.
"""

from __future__ import annotations

import re

from extractor.forms.patterns import patterns
from extractor.model import SystemRow
from extractor.normalise import clean_line, fold, join_lines, label_key, label_prefix_end
from extractor.text.summary_vocab import SummaryLabel, allowed_part, vocab

_CIRCLED_ITEMS = re.compile(r"[①-⑳]")
FILE_NO = re.compile(r"^\s*[（(]\s*(\d{1,2})\s*[)）]\s*")  # (1) before a file or system name


def part_of(text: str) -> str | None:
    """The part key of a part heading (`Ⅱ 特定個人情報ファイルの概要【評価書 P6】`), else None."""
    m = patterns().part_head.match(text)
    if not m or not allowed_part(m.group(1)):
        return None
    rest = label_key(m.group(2))
    if len(rest) > 60:
        return None
    return next((key for word, key in vocab().part_words if word and word in rest), None)


def is_value_end(text: str) -> bool:
    """A line that ends a value gathered over several lines: a heading or a `項目 内容` header."""
    return bool(vocab().patterns.value_end.match(text)) or is_header_line(text)


def is_header_line(text: str) -> bool:
    return label_key(text) in {label_key(w) for w in vocab().words.header_lines}


def after_label(body: str, key: str) -> str | None:
    """The text after `key` when `body` starts with that label (compared as label keys), else None."""
    end = label_prefix_end(body, key)
    if end is None:
        return None
    rest = body[end:]
    return None if rest and not re.match(r"[\s:：(（]", rest) else rest.strip()


def int_of(values: list[str] | None) -> int | None:
    if not values:
        return None
    m = re.search(r"\d+", "".join(values))
    return int(m.group()) if m else None


def file_name(text: str) -> str:
    """`住民記録ファイル (住民記録システム)` -> `住民記録ファイル` (the system noted after the name is dropped)."""
    s = clean_line(fold(text))
    word = vocab().words.file
    cut = s.rfind(word)
    return s[: cut + len(word)] if cut > 0 else s


def find_option(text: str, options: tuple[str, ...]) -> str | None:
    """The option printed earliest in `text` (longest at a tie), not glued to a preceding digit."""
    s = label_key(text)
    best: tuple[int, int, str] | None = None
    for opt in options:
        key = label_key(opt)
        for m in re.finditer(re.escape(key), s):
            if m.start() > 0 and (s[m.start() - 1].isdigit() or s[m.start() - 1] == ","):
                continue
            end = m.end()
            if end < len(s) and s[end].isdigit():
                continue
            cand = (m.start(), -len(key), opt)
            best = cand if best is None or cand < best else best
            break
    return best[2] if best else None


def find_items(text: str, options: tuple[str, ...]) -> list[str]:
    """Checkbox labels named in a plain list (`個人番号、4情報（…）、その他住民票関係情報`), in order."""
    s = label_key(text)
    keyed = sorted(((label_key(o), o) for o in options), key=lambda t: -len(t[0]))
    words = vocab().words
    seps, ends = "".join(words.item_separators), tuple(words.item_ends)
    found: list[str] = []
    k = 0
    while k < len(s):
        hit = next(((key, opt) for key, opt in keyed
                    if s.startswith(key, k) and _item_end(s, k + len(key), keyed, seps, ends)), None)
        if hit and (k == 0 or s[k - 1] in seps or found):
            if hit[1] not in found:
                found.append(hit[1])
            k += len(hit[0])
            continue
        k += 1
    return found


def _item_end(s: str, end: int, keyed: list[tuple[str, str]], seps: str, ends: tuple[str, ...]) -> bool:
    """An item ends at the text's end, a separator, its note `(…)`, など/等, or the next item."""
    if end >= len(s) or s[end] in seps + "(":
        return True
    return s.startswith(ends, end) or any(s.startswith(key, end) for key, _ in keyed)


def circled_items(text: str) -> list[tuple[int, str]]:
    """`①住民票交付等 ②住民記録システム運用・保守` -> [(1, '住民票交付等'), (2, '住民記録システム運用・保守')]."""
    s = fold(text)
    marks = list(_CIRCLED_ITEMS.finditer(s))
    out = []
    for k, m in enumerate(marks):
        end = marks[k + 1].start() if k + 1 < len(marks) else len(s)
        item = clean_line(s[m.end() : end])
        if item:
            out.append((ord(m.group()) - ord("①") + 1, item))
    return out


# ---------------------------------------------------------------- 有無 answers and marks


def flag_values(label: SummaryLabel, value: str) -> dict[str, bool | None]:
    """The bool columns a 有無 answer sets.

    Each of the label's words answered right after it (`提供有 移転無`, `委託する`); a label with
    one word also takes a plain answer (`有`, `なし`, `有（…）`) and is set even when unanswered.
    """
    s = label_key(value)
    single = len(label.answers) == 1
    out: dict[str, bool | None] = {}
    for word, column in label.answers.items():
        answer = _after_word(s, word)
        if answer is None and single:
            answer = _plain_answer(s)
        if answer is not None or single:
            out[column] = answer
    return out


def _after_word(s: str, word: str) -> bool | None:
    yes, no = vocab().patterns.after[word]
    return True if yes.search(s) else False if no.search(s) else None


def _plain_answer(s: str) -> bool | None:
    answers = vocab().answers
    if s in {label_key(w) for w in answers.yes} or s.startswith(tuple(f"{w}(" for w in answers.noted_yes)):
        return True
    if s in {label_key(w) for w in answers.no}:
        return False
    return None


def mark_value(text: str) -> bool | None:
    """A 再委託 cell: ○ / 再委託する -> True, － / 再委託しない -> False."""
    return vocab().tables.subcontracting.value(label_key(text))


def kind_of(text: str) -> str | None:
    """The recipients.kind a 種別 cell names (提供 -> provision, 移転 -> transfer)."""
    s = fold(text)
    return next((kind for kind, word in vocab().tables.kinds.items() if word in s), None)


def methods_of(lines: list[str]) -> list[str]:
    """Method cells: one method per line when every line is a method word, else the joined text as one item."""
    words = [label_key(w) for w in vocab().tables.methods]
    items = [clean_line(x) for x in lines if clean_line(x)]
    if all(any(label_key(x).startswith(w) for w in words) for x in items):
        return items
    return [join_lines(items)]


def set_connections(system: SystemRow, text: str) -> None:
    """他のシステムとの接続 as a list of system names, or 接続なし (every connection false)."""
    v = vocab()
    conn = v.connections
    s = label_key(text).lstrip(v.marks.bullet)
    if any(s.startswith(label_key(w)) for w in v.words.no_connection):
        for column in conn.columns.values():
            setattr(system, column, False)
        if conn.other_text:
            setattr(system, conn.other_text, None)
        return
    other = patterns().words.other_option
    for option, column in conn.columns.items():
        if option != other and label_key(option) in s:
            setattr(system, column, True)
