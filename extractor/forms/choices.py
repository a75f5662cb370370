"""Stage 5 — checkbox options and choice answers, as text: one policy for every input.

- checkbox items (marker state + label as printed) are bound to the form's option labels;
- a choice answer (`[ 十分である ]`) is resolved against the printed ＜選択肢＞ legend, then the
  spec's option set; the value stored is the option's text as listed (so one option is spelled
  one way, whatever the input) with its number.  An answer that names no option (cut off at the
  cell's edge, garbled by a conversion) is not stored: the caller warns, quoting it, and the
  document is partial.  The policy is the same for PDF, Markdown and dumps.

Reading the items and answers out of a page's cells is `extractor.forms.cell_values`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from extractor.forms.events import CheckRead
from extractor.forms.patterns import patterns
from extractor.normalise import clean_line, fold, label_key, mismatches

OPEN = "[［"
# A digit group's separator, whichever mark the print or OCR shows (1,000 / 1.000 / 1，000): bands
# differ in their numbers, never in the mark between thousands.
_DIGIT_GROUP = re.compile(r"(\d)[,.，．、](\d{3})(?!\d)")
CLOSE = "]］"


@dataclass(slots=True)
class OptionHit:
    option: str
    checked: bool | None
    rest: str  # text after the option label, e.g. "（ 国民年金システム ）" or "（58）件"


@dataclass(frozen=True, slots=True)
class Resolved:
    text: str | None  # the option's text as listed; None when the answer names no option
    code: int | None  # the option's number
    found: bool  # an option of the legend or of the spec's option set (a blank answer counts as found)
    printed: str | None = None  # the answer as printed, when it names no option


def match_options(items: Sequence[CheckRead], options: tuple[str, ...]) -> list[OptionHit]:
    """Bind check items to the form's option labels (longest label prefix wins)."""
    keyed = sorted(((label_key(o), o) for o in options), key=lambda t: -len(t[0]))
    hits = []
    for it in items:
        key = label_key(it.label)
        found = _prefixed(key, keyed) or _one_off(key, keyed) or _one_inserted(key, keyed) or _stray_start(key, keyed)
        if found is not None:
            hits.append(OptionHit(found[1], it.checked, _strip_label_prefix(fold(it.label), found[0])))
    return hits


def _prefixed(key: str, keyed: list[tuple[str, str]]) -> tuple[str, str] | None:
    """The longest option label the item starts with, or a long label the item is cut from."""
    return next(((okey, opt) for okey, opt in keyed if key.startswith(okey) or (
        len(okey) > 6 and okey.startswith(key) and len(key) >= len(okey) - 2)), None)


def _one_off(key: str, keyed: list[tuple[str, str]]) -> tuple[str, str] | None:
    """The one option whose label the item starts with but for one character (an OCR misreading,
    e.g. 店内連携システム), when no label matched; labels under 6 characters are too short to tell.
    Returned with the item's own spelling of the label, which is what is stripped from its text."""
    near = [(key[: len(okey)], opt) for okey, opt in keyed
            if len(okey) >= 6 and len(key) >= len(okey) and mismatches(key[: len(okey)], okey) == 1]
    return near[0] if len(near) == 1 else None


def _one_inserted(key: str, keyed: list[tuple[str, str]]) -> tuple[str, str] | None:
    """The one option whose label the item starts with but for one extra character inside it (OCR
    reads a glyph as two: `情報提供ネミットワークシステム`), when no label matched otherwise; labels
    under 6 characters are too short to tell.  Returned with the item's own spelling of the label."""
    near = [(key[: len(okey) + 1], opt) for okey, opt in keyed
            if len(okey) >= 6 and len(key) > len(okey) and _drops_to(key[: len(okey) + 1], okey)]
    return near[0] if len(near) == 1 else None


def _drops_to(text: str, okey: str) -> bool:
    """`okey` is `text` with one of its characters left out."""
    return any(text[:i] + text[i + 1:] == okey for i in range(len(text)))


def _stray_start(key: str, keyed: list[tuple[str, str]]) -> tuple[str, str] | None:
    """The one option the item starts with after one stray character (OCR reads a speck between
    the marker and the label as a character: `るその他( )`), when no label matched otherwise."""
    near = [(key[: len(okey) + 1], opt) for okey, opt in keyed if len(okey) >= 2 and key[1:].startswith(okey)]
    return near[0] if len(near) == 1 else None


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


def answer_of(text: str) -> str | None:
    """The answer inside `[ … ]` (or printed before an empty bracket: `定めている[ ]`); None if blank."""
    s = text.replace("\u3000", " ")
    i = min((s.find(c) for c in OPEN if c in s), default=-1)
    if i < 0:
        return None
    j = min((s.find(c, i + 1) for c in CLOSE if c in s[i + 1 :]), default=-1)
    inner = s[i + 1 : j] if j > 0 else s[i + 1 :]
    before = s[:i].rsplit("\n", 1)[-1].strip()
    inner = clean_line(inner.replace("\n", ""))
    if not inner and before:
        inner = clean_line(before)
    count = patterns().count.search(inner)
    if count:  # a `（ N ）件` slot printed inside the brackets ends the answer
        inner = inner[: count.start()]
    return inner.strip() or None


def parse_legend(text: str) -> list[tuple[int, str]]:
    """`1） 十分である 2） 課題が…` -> [(1, '十分である'), (2, '課題が…')], sorted by number."""
    return list(legend_options(text))


@lru_cache(maxsize=4096)
def legend_options(text: str) -> tuple[tuple[int, str], ...]:
    """`parse_legend` as a tuple, memoised: a form prints the same few legends on every page."""
    marks = list(patterns().option_no.finditer(text))
    seen: dict[int, str] = {}
    for k, m in enumerate(marks):
        end = marks[k + 1].start() if k + 1 < len(marks) else len(text)
        label = clean_line(text[m.end() : end])
        if label:
            seen.setdefault(int(m.group(1)), label)
    return tuple(sorted(seen.items()))


@lru_cache(maxsize=16384)
def option_key(text: str) -> str:
    """An option or answer reduced for matching: its label key, digit groups without their separator."""
    return label_key(_DIGIT_GROUP.sub(r"\1\2", fold(text)))  # before the key drops a leading "1."


def _find(key: str, options: Sequence[tuple[int, str]]) -> tuple[str, int] | None:
    for n, opt in options:
        if option_key(opt) == key:
            return opt, n
    for n, opt in options:  # value glued to legend debris, e.g. "十分である]"
        okey = option_key(opt)
        if okey and (key.startswith(okey) or okey.startswith(key)) and abs(len(okey) - len(key)) <= 2:
            return opt, n
    prefixed = [(n, opt) for n, opt in options if len(key) >= 8 and option_key(opt).startswith(key)]
    if len(prefixed) == 1:  # a long answer cut off at the cell's edge, unique among the options
        return prefixed[0][1], prefixed[0][0]
    return None


def resolve_answer(answer: str | None, legend: Sequence[tuple[int, str]], spec_options: tuple[str, ...]
                   ) -> Resolved:
    """The option a printed answer names: in the printed legend, else in the spec's option set.

    The stored text is the spec's spelling when the option is in the spec (one option, one
    spelling across inputs), the legend's otherwise; the number is the printed one.
    """
    if answer is None:
        return Resolved(None, None, True)
    key = option_key(answer)
    numbered = list(enumerate(spec_options, start=1))
    for options in (legend, numbered):
        hit = _find(key, options)
        if hit is not None:
            return Resolved(_spec_spelling(hit[0], spec_options), hit[1], True)
    return Resolved(None, None, False, printed=answer)


def resolve_misread(answer: str | None, legend: Sequence[tuple[int, str]], spec_options: tuple[str, ...]
                    ) -> Resolved:
    """An OCR answer that names no option, resolved when it is one misread, dropped or added
    character away from exactly one option (`特にカを入れている`, `課題が茎されている`) and at least
    three from every other: options of a choice differ in whole words, so one character cannot
    make one answer into another.  Answers under 4 characters are too short to tell."""
    key = option_key(answer or "")
    if len(key) < MISREAD_MIN:
        return Resolved(None, None, False, printed=answer)
    for options in (legend, list(enumerate(spec_options, start=1))):
        hit = clearly_closest(key, [option_key(opt) for _, opt in options], ahead=2)
        if hit is not None and hit[1] == 1:
            n, opt = options[hit[0]]
            return Resolved(_spec_spelling(opt, spec_options), n, True)
    return _band_of_shape(key, spec_options) or Resolved(None, None, False, printed=answer)


_DIGITS = re.compile(r"\d+")


def number_shape(key: str) -> str | None:
    """A band's shape: each number as its first digit and its length (`599人以上1099人未満` ->
    `5/3人以上1/4人未満`); None for text without digits.  OCR misreads the zeros of a band (0 as
    9 or 6) far more than its leading digit, and a form's bands differ in leading digits or lengths."""
    if not _DIGITS.search(key):
        return None
    return _DIGITS.sub(lambda m: f"{m.group()[0]}/{len(m.group())}", key)


def _band_of_shape(key: str, spec_options: tuple[str, ...]) -> Resolved | None:
    """The form's one numeric option with the answer's shape (same words, same leading digits and
    lengths); None when no option or several have it.  Only the form's own spelling is taken (a
    printed legend was read by the same OCR)."""
    shape = number_shape(key)
    if shape is None:
        return None
    hits = [(n, opt) for n, opt in enumerate(spec_options, start=1) if number_shape(option_key(opt)) == shape]
    return Resolved(hits[0][1], hits[0][0], True) if len(hits) == 1 else None


MISREAD_MIN = 4
MISREAD_PER = 4  # a long option named by OCR may hold one misread character per this many


def option_named(text: str, options: tuple[str, ...]) -> str | None:
    """The form option an OCR'd cell of an annex list names, in the form's spelling (`店内連携システム`,
    `庁内連携シスズテム` -> `庁内連携システム`): the option itself, or one at most one edit per
    `MISREAD_PER` characters away and at least three edits closer than any other option; None
    otherwise (a value that is not an option, or too garbled to tell)."""
    key = option_key(text)
    if len(key) < MISREAD_MIN:
        return next((o for o in options if option_key(o) == key), None)
    keys = [option_key(o) for o in options]
    hit = clearly_closest(key, keys, ahead=3)
    if hit is None or hit[1] > max(1, len(keys[hit[0]]) // MISREAD_PER):
        return None
    return options[hit[0]]


def clearly_closest(key: str, keys: Sequence[str], ahead: int) -> tuple[int, int] | None:
    """(index, edits) of the one of `keys` fewest edits from `key` when every other is at least `ahead`
    edits further; None when there are no keys or the nearest are too alike to tell apart."""
    ranked = sorted((edit_distance(key, k), i) for i, k in enumerate(keys))
    if not ranked or (len(ranked) > 1 and ranked[1][0] < ranked[0][0] + ahead):
        return None
    best, index = ranked[0]
    return index, best


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance (insertions, deletions, substitutions)."""
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        cur = [i]
        for j, cb in enumerate(b, start=1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def _spec_spelling(option: str, spec_options: tuple[str, ...]) -> str:
    key = option_key(option)
    return next((o for o in spec_options if option_key(o) == key), option)
