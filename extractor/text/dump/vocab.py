"""What a dump reader recognises, all taken from the form spec and `layouts/common.yaml`.

Part headings (a numeral and its title, possibly on separate lines), numbered section
headings (checked against the part's own section list, so a value like `１．住民基本台帳ファイル`
is not a heading), block headings (システムN, 委託事項N, 提供先N/移転先N, リスクN), and the
labels of each part: the spec's fields and cover labels, the Ⅲ/Ⅳ outline questions and the
labels printed without an output column (`printed`).  A label may be wrapped over lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractor.forms.choices import parse_legend
from extractor.forms.patterns import part_key, patterns
from extractor.forms.rows import part_heading
from extractor.forms.spec import Block, FormSpec, Part
from extractor.normalise import fold, item_number, label_key, label_prefix_end, strip_item_number

COVER = "cover"
_NUMERAL_ONLY = re.compile(r"^(Ⅰ|Ⅱ|Ⅲ|Ⅳ|Ⅴ|Ⅵ|Ⅶ|VII|VI|IV|V|III|II|I)$")
_SECTION_TAIL = re.compile(r"\s*(?:[\[［].*|[☐□☑■].*|※.*)$")
_BLOCK_REST = re.compile(r"^\s*(\d{1,3})\s*(?:[:：]\s*)?(.*)$")
_RISK_REST = re.compile(r"^\s*(\d{0,3})\s*[:：]\s*(.*)$")
_INLINE_START = re.compile(r"^[\s\[［<＜(（※]|^\d{1,2}\s*[)）]")
KINDS_TYPED = ("date", "choice", "checkbox", "flags")


@dataclass(frozen=True, slots=True)
class Label:
    """A printed label of one part: what its value is read as."""

    text: str  # as the spec spells it
    key: str
    kind: str  # text | date | choice | checkbox | flags | none (printed, no output column)
    options: tuple[str, ...] = ()  # choice / checkbox option texts
    question: bool = False  # a Ⅲ/Ⅳ outline question


@dataclass(frozen=True, slots=True)
class BlockHead:
    block: Block
    number: int | None
    title: str  # text printed after the heading on its line


class Vocab:
    """The spec's printed words, indexed for matching dump lines."""

    def __init__(self, spec: FormSpec) -> None:
        self.spec = spec
        self.labels: dict[str, tuple[Label, ...]] = {k: _part_labels(spec, k) for k in _part_keys(spec)}
        self.prefixes: dict[str, frozenset[str]] = {
            k: frozenset(lb.key[:n] for lb in v for n in range(3, len(lb.key))) for k, v in self.labels.items()}
        self.sections = {p.key: [label_key(s) for s in p.sections] for p in spec.parts}
        self.suffixes: dict[str, frozenset[str]] = {
            k: frozenset(lb.key[n:] for lb in v for n in range(1, len(lb.key) - 3)) for k, v in self.labels.items()}
        self.box_options: dict[str, tuple[str, ...]] = {k: _box_options(v) for k, v in self.labels.items()}
        self.box_sets: dict[str, tuple[frozenset[str], ...]] = {
            k: tuple(frozenset(label_key(o) for o in lb.options) for lb in v if lb.kind in ("checkbox", "flags"))
            for k, v in self.labels.items()}
        questions = {lb.key: lb for v in self.labels.values() for lb in v if lb.question}
        self.questions: tuple[Label, ...] = tuple(sorted(questions.values(), key=lambda lb: -len(lb.key)))
        self.choice_options = frozenset(label_key(o) for opts in spec.choices.values() for o in opts)
        options = self.choice_options | {o for opts in self.box_options.values() for o in opts}
        self.option_texts = options | {o[:n] for o in options for n in range(6, len(o))}
        self.choice_starts = frozenset(o[:n] for o in self.choice_options for n in range(1, len(o)))
        self.by_head = {k: _by_head(v) for k, v in self.labels.items()}  # labels by their first two characters
        self.box_starts = {k: frozenset(o[:n] for o in v for n in range(6, len(o)))
                           for k, v in self.box_options.items()}
        self.all_box_options = frozenset(o for v in self.box_options.values() for o in v)

    def is_box_option(self, part: str, key: str) -> bool:
        """`key` is a checkbox option of the part: alone, followed by its `（ … ）` text or count, or its start
        (six characters or more: a label the print wrapped)."""
        if key in self.box_starts.get(part, frozenset()):
            return True
        return any(key.startswith(o) and (len(key) == len(o) or key[len(o)] == "(")
                   for o in self.box_options.get(part, ()) if o[:1] == key[:1])

    def is_option_text(self, text: str) -> bool:
        """`text` is a ＜選択肢＞ or checkbox option's text, or the start of one cut at the cell's edge."""
        return label_key(text) in self.option_texts

    # ------------------------------------------------------------ headings

    def part_at(self, texts: list[str], k: int) -> tuple[Part, int] | None:
        """The part whose heading starts at texts[k], and how many lines it takes."""
        part = part_heading(self.spec, texts[k])
        if part is not None:
            # the title alone (a ※ note may follow): a path quoted in a change log is no heading
            m = patterns().part_head.match(texts[k])
            body = m.group(2) if m else texts[k]
            end = label_prefix_end(body, label_key(part.title))
            rest = body[end:].strip() if end is not None else "x"
            return (part, 1) if not rest or rest[0] in "※*" else None
        m = _NUMERAL_ONLY.match(texts[k])
        if not m:
            return None
        key = part_key(m.group(1))
        part = self.spec.part(key)
        if part is None:
            return None
        title = label_key(part.title)[:6]
        for n in range(k + 1, min(k + 4, len(texts))):
            if label_key(texts[n]).startswith(title):
                return part, n - k + 1
        return None

    def section_at(self, part: Part | None, text: str) -> tuple[int, str] | None:
        """(number, title) of a numbered heading of `part`'s own sections."""
        if part is None:
            return None
        no = item_number(text)
        titles = self.sections.get(part.key, [])
        if no is None or not 0 < no <= len(titles) or text.lstrip()[:1] in "①②③④⑤⑥⑦⑧⑨⑩":
            return None
        title = _SECTION_TAIL.sub("", strip_item_number(text)).strip()
        key, want = label_key(title), titles[no - 1]
        if key and (key.startswith(want[:8]) or want.startswith(key)) and len(key) >= min(4, len(want)):
            return no, title
        return None

    def block_at(self, part: Part | None, text: str) -> BlockHead | None:
        if part is None:
            return None
        folded = fold(text).strip()
        for blk in self.spec.blocks:
            if blk.part != part.key or not folded.startswith(blk.heading):
                continue
            rest = folded[len(blk.heading):]
            if "～" in rest[:4] or "~" in rest[:4]:
                return BlockHead(blk, None, "")  # a group header like 委託事項2～5
            m = (_RISK_REST if blk.risk else _BLOCK_REST).match(rest)
            if m:
                return BlockHead(blk, int(m.group(1)) if m.group(1) else None, m.group(2).strip())
        return None

    # ------------------------------------------------------------ labels

    def label_at(self, part: str, text: str) -> tuple[Label, str] | None:
        """The label `text` starts with, and the rest of the line (an inline value)."""
        key = label_key(text)
        for lb in self.by_head.get(part, {}).get(key[:2], ()):
            if not key.startswith(lb.key):
                continue
            end = label_prefix_end(text, lb.key)
            if end is None:
                continue
            rest = text[end:]
            if rest and not _INLINE_START.match(rest):
                continue
            return lb, rest.strip(" ※")
        return self.cut_label_at(part, text)

    def question_at(self, text: str) -> tuple[Label, str] | None:
        """A Ⅲ/Ⅳ question label outside its part (a dump that printed it before the part's heading)."""
        for lb in self.questions:
            end = label_prefix_end(text, lb.key) if lb.key[:1] in text else None
            if end is not None and (end == len(text) or _INLINE_START.match(text[end:])):
                return lb, text[end:].strip(" ※")
        return None

    def circled_label_at(self, part: str, text: str) -> tuple[int, Label, str] | None:
        """A circled label (`①NISC…`) printed after other text on the line: (where it starts, label, rest)."""
        for k, ch in enumerate(text):
            if k and "①" <= ch <= "⑳":
                hit = self.label_at(part, text[k:]) or self.question_at(text[k:])
                if hit is not None:
                    return k, hit[0], hit[1]
        return None

    def cut_label_at(self, part: str, text: str) -> tuple[Label, str] | None:
        """A label cut at its cell's edge with the value on the same line: `⑤…本人の範 (別添4) …`."""
        head, sep, rest = text.partition(" ")
        key = label_key(head)
        if not sep or len(key) < 8 or key not in self.prefixes.get(part, frozenset()):
            return None
        found = [lb for lb in self.labels.get(part, ()) if lb.key.startswith(key)]
        return (found[0], rest.strip(" ※")) if len(found) == 1 else None

    def is_label_start(self, part: str, text: str) -> bool:
        """`text` is the start of a label wrapped over lines."""
        key = label_key(text)
        return len(key) >= 3 and key in self.prefixes.get(part, frozenset())

    def is_legend_line(self, text: str) -> bool:
        """`1） 10人未満 2） 10人以上50人未満`: numbered options of the form's ＜選択肢＞ sets (the last one may be
        cut at the line's end: `1） 特に力を入れて行っている 2） 十分に`)."""
        if not patterns().option_no.match(text):
            return False
        found = [label_key(o) for _, o in parse_legend(text)]
        return bool(found) and all(o in self.choice_options for o in found[:-1]) and (
            found[-1] in self.choice_options or found[-1] in self.choice_starts)


def _by_head(labels: tuple[Label, ...]) -> dict[str, tuple[Label, ...]]:
    """Labels (longest first) by the first two characters of their key."""
    out: dict[str, list[Label]] = {}
    for lb in labels:
        out.setdefault(lb.key[:2], []).append(lb)
    return {k: tuple(v) for k, v in out.items()}


def _box_options(labels: tuple[Label, ...]) -> tuple[str, ...]:
    keys = {label_key(o) for lb in labels if lb.kind in ("checkbox", "flags") for o in lb.options}
    return tuple(sorted(keys, key=len, reverse=True))


def _part_keys(spec: FormSpec) -> list[str]:
    return [COVER, *(p.key for p in spec.parts)]


def _part_labels(spec: FormSpec, part: str) -> tuple[Label, ...]:
    out: dict[str, Label] = {}
    fields = spec.cover if part == COVER else tuple(f for f in spec.fields if f.part == part)
    for f in fields:
        for text in (f.label, *f.aliases):
            lb = Label(text, label_key(text), f.kind, spec.options_of(f))
            out.setdefault(lb.key, lb)
    for sec in spec.outline:
        if sec.part == part:
            for risk in sec.risks:
                for q, opts in risk.questions.items():
                    text = strip_item_number(q)
                    out.setdefault(label_key(text), Label(text, label_key(text), "choice", spec.choices[opts], True))
    for text in spec.printed.get(part, ()):
        out.setdefault(label_key(text), Label(text, label_key(text), "none"))
    return tuple(sorted((lb for lb in out.values() if lb.key), key=lambda lb: -len(lb.key)))


_VOCABS: dict[str, Vocab] = {}


def vocab_of(spec: FormSpec) -> Vocab:
    vocab = _VOCABS.get(spec.id)
    if vocab is None or vocab.spec is not spec:
        vocab = _VOCABS[spec.id] = Vocab(spec)
    return vocab
