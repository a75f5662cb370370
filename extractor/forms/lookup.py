"""Which spec field a printed label is, in the context the binder is in.

Exact label keys (label and aliases) are looked up in a dict first; a fuzzy match (a typo or a
small variation of the printed label) is tried only when no exact key fits the context.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from extractor.forms.spec import Field, FormSpec, Part
from extractor.normalise import label_key, strip_item_number

FUZZY = 0.88  # SequenceMatcher ratio for a label printed with a small variation
FUZZY_CACHE = 20000  # printed labels remembered per form (a worker reads many documents of one form)


@dataclass(frozen=True, slots=True)
class Context:
    part: Part | None
    section: str | None
    block: str | None  # the open block's name
    group: str | None  # the group label of the row
    in_heading: bool = False  # the label is a section heading printing its own checkboxes


class FieldIndex:
    """The spec's fields by label key, and the context rules that decide which one a label is."""

    def __init__(self, spec: FormSpec) -> None:
        self.spec = spec
        self.by_key: dict[str, list[Field]] = {}
        for f in spec.fields:
            for k in f.keys:
                self.by_key.setdefault(k, []).append(f)
        self.risk_blocks = frozenset(b.name for b in spec.blocks if b.risk)
        self.fuzzy: dict[str, tuple[Field, ...]] = {}

    def find(self, label: str, ctx: Context) -> Field | None:
        key = label_key(label)
        if not key:
            return None
        for f in self.by_key.get(key, ()):
            if self.fits(f, ctx):
                return f
        return next((f for f in self.near(key) if self.fits(f, ctx)), None)

    def near(self, key: str) -> tuple[Field, ...]:
        """Fields whose label a printed label resembles (a typo, a small variation); computed once per key."""
        found = self.fuzzy.get(key)
        if found is None:
            n = len(key)
            found = tuple(f for f in self.spec.fields if len(f.key) >= 4 and any(
                _length_bound(len(k), n) >= FUZZY and _similarity(k, key) >= FUZZY for k in f.keys))
            if len(self.fuzzy) < FUZZY_CACHE:
                self.fuzzy[key] = found
        return found

    def fits(self, f: Field, ctx: Context) -> bool:
        if f.in_heading != ctx.in_heading or ctx.part is None or f.part != ctx.part.key:
            return False
        if f.block:
            if ctx.block not in f.block:
                return False
        elif ctx.block is not None and ctx.block not in self.risk_blocks:
            return False
        if f.section and (ctx.section is None or label_key(f.section) not in label_key(ctx.section)):
            return False
        return not (f.group and (ctx.group is None or label_key(f.group) not in label_key(ctx.group)))

    def anywhere(self, label: str, ctx: Context) -> Field | None:
        """The field of the context's part printed with this label, when it is the only one (and outside
        blocks), whatever section or group the reader last saw (a dump whose headings came out of order)."""
        key = label_key(label)
        if ctx.part is None or key in {label_key(t) for t in self.spec.printed.get(ctx.part.key, ())}:
            return None  # also printed elsewhere in the part, without a column
        found = [f for f in self.by_key.get(key, ()) if f.part == ctx.part.key and f.in_heading == ctx.in_heading]
        return found[0] if len(found) == 1 and not found[0].block else None

    def cover_field(self, label: str) -> Field | None:
        key = label_key(label)
        return next((f for f in self.spec.cover if key in f.keys), None)

    def is_question(self, label: str) -> bool:
        return bool(self.spec.question_options(label))


_INDEXES: dict[int, tuple[FormSpec, FieldIndex]] = {}


def field_index(spec: FormSpec) -> FieldIndex:
    """One index per loaded spec, shared by every document read with it (its fuzzy matches are cached)."""
    cached = _INDEXES.get(id(spec))
    if cached is None or cached[0] is not spec:
        cached = _INDEXES[id(spec)] = (spec, FieldIndex(spec))
    return cached[1]


def full_title(part: Part | None, title: str) -> str:
    """A section title the print cut off at its cell's edge, completed from the form's section list."""
    key = label_key(title)
    if part is None or len(key) < 8 or any(label_key(t) == key for t in part.sections):
        return title
    longer = [t for t in part.sections if label_key(t).startswith(key)]
    return longer[0] if len(longer) == 1 else title


def is_own_section(part: Part | None, no: int, title: str) -> bool:
    """`no．title` is the part's own section heading (not a value such as `１．住民基本台帳ファイル`)."""
    want = _section_of(part, no)
    if want is None:
        return False
    key, want = label_key(title), label_key(want)
    return bool(key) and (key == want or (len(key) >= 4 and want.startswith(key)))


def _section_of(part: Part | None, no: int) -> str | None:
    """The title of the part's section `no` (1-based), if the part has one."""
    return part.sections[no - 1] if part is not None and 0 < no <= len(part.sections) else None


def more_titles(titles: str, text: str, heading: str) -> str | None:
    """Titles stacked under one risk heading (Ⅲ4) that a page break cut into a row of their own:
    `titles` with the new ones added, or None when `text` is not such a row."""
    lines = [ln.strip() for ln in text.split("\n") if ln.strip()]
    if not lines or not all(ln.endswith(heading) for ln in lines):
        return None
    known = {label_key(t) for t in titles.split("\n")}
    return "\n".join([titles, *(ln for ln in lines if label_key(ln) not in known)])


def question_of(label: str) -> str:
    return strip_item_number(label)


def ocr_risk_title(spec: FormSpec, part: str, section_no: int | None, risk_no: int | None,
                   risk: str | None, least: float = 0.7) -> str | None:
    """A risk title read by OCR, as the form prints it: the outline's title of that numbered risk of
    that section when the text read is close to it (OCR misreads about one character in ten of these
    lines); a title read that is not close stays as read.  (Section titles are settled by
    `ocr_section_title` when their heading is read.)"""
    sec = next((s for s in spec.outline if s.part == part and s.section == section_no), None)
    risks = [r.title for r in sec.risks if r.no == risk_no and r.title] if sec is not None else []
    return _snap(risk, risks[0], least) if len(risks) == 1 else risk


def ocr_question(spec: FormSpec, part: str, question: str, least: float = 0.7, margin: float = 0.1) -> str:
    """A Ⅲ/Ⅳ question read by OCR, as the form prints it: the part's outline question clearly the
    closest to the text read (similarity at least `least`, ahead of the next by `margin`); a question
    read that is not close to one stays as read."""
    key = label_key(question)
    texts = {strip_item_number(q) for sec in spec.outline if sec.part == part for r in sec.risks for q in r.questions}
    exact = [q for q in texts if label_key(q) == key]
    if exact:
        return exact[0]
    ranked = sorted(((_similarity(key, label_key(q)), q) for q in texts), reverse=True)
    if not ranked or ranked[0][0] < least or (len(ranked) > 1 and ranked[0][0] - ranked[1][0] < margin):
        return _fewest_edits(key, texts) or question
    return ranked[0][1]


QUESTION_EDITS = 6  # a question read by OCR may hold one misread, dropped or added character per this many
EDITS_AHEAD = 3  # …when every other question is at least this many edits further


def _fewest_edits(key: str, texts: set[str]) -> str | None:
    """The question a few characters off the text read and clearly fewer than any other: questions
    that differ by one word (`不正な提供` / `不正な提供・移転`) are too alike for a similarity ratio
    to tell apart once OCR has misread two characters of the longer one."""
    from extractor.forms.choices import clearly_closest

    questions = sorted(texts)
    keys = [label_key(q) for q in questions]
    hit = clearly_closest(key, keys, ahead=EDITS_AHEAD)
    if hit is None or hit[1] > len(keys[hit[0]]) // QUESTION_EDITS:
        return None
    return questions[hit[0]]


def ocr_section_title(part: Part | None, no: int, title: str, least: float = 0.5) -> str:
    """A numbered section heading read by OCR, as the form prints it: the part's section of that
    number when the title read shares at least half of it (`２．基本靖幸` is `２．基本情報`)."""
    want = _section_of(part, no)
    return title if want is None else _snap(title, want, least) or title


def named_file(key: str, files: list[tuple[int, str]], least: float = 0.8, margin: float = 0.1) -> int | None:
    """The number of the file whose name key is `key`, or clearly the closest to it (similarity at least
    `least`, ahead of the next by `margin`); None when no name settles it."""
    exact = [no for no, fkey in files if fkey == key]
    if exact:
        return exact[0]
    ranked = sorted(((_similarity(key, fkey), no) for no, fkey in files), reverse=True)
    if ranked and ranked[0][0] >= least and (len(ranked) == 1 or ranked[0][0] - ranked[1][0] >= margin):
        return ranked[0][1]
    return None


def _snap(read: str | None, title: str, least: float) -> str | None:
    if not read:
        return read
    return title if _similarity(label_key(read), label_key(title)) >= least else read


def _similarity(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a, b).ratio()


def _length_bound(la: int, lb: int) -> float:
    """`SequenceMatcher.real_quick_ratio` of strings of these lengths, an upper bound of `_similarity`
    computed the same way: most labels differ too much in length to need the matcher at all."""
    return 2.0 * min(la, lb) / (la + lb) if la + lb else 1.0
