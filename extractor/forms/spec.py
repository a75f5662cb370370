"""Stage 4a — form specs: `layouts/*.yaml` loaded into frozen dataclasses and validated.

A spec is the form as printed: how to detect it, its parts with their numbered sections,
the cover labels, the repeating blocks (システムN, 委託事項N, 提供先N/移転先N, リスクN), every
label with its aliases bound to a typed target (a column of a record dataclass in
`extractor.model`), the ＜選択肢＞ question outline of Ⅲ/Ⅳ, and the annexed list columns.
Every reader (PDF grid, Markdown/HTML, dump, summary) takes its vocabulary from here.

Loading fails loudly, naming the file and line: an unknown key, a misspelt target (no
such table or column, or a column of the wrong type for the field's kind), an unknown
option set.  Adding a form version or a label spelling is a change to a layout file.
"""

from __future__ import annotations

import dataclasses
import os
import typing
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any, Literal, TypeVar

import layouts
from extractor.errors import SpecError
from extractor.forms.yaml_lines import build, load_yaml, type_hints, where
from extractor.model import ROW_TYPES
from extractor.normalise import label_key, strip_item_number

LAYOUT_DIR = Path(layouts.__file__).resolve().parent
LAYOUTS_ENV = "PIA_EXTRACT_LAYOUTS"
SPEC_VERSION = 2
FieldKind = Literal["text", "choice", "checkbox", "flags", "date", "names"]  # names: one record per line


# ---------------------------------------------------------------- the file format


@dataclass(frozen=True)
class Detect:
    title: tuple[str, ...] = ()  # words of the printed title (評価書名 of the form)
    stamp: tuple[str, ...] = ()  # words of the `[平成30年５月 様式４]` stamp
    priority: int = 5


@dataclass(frozen=True)
class Part:
    key: str  # I, II, ...
    numeral: str  # as printed: Ⅰ
    title: str
    per_file: bool = False  # printed once per 特定個人情報ファイル
    risks: bool = False  # every ＜選択肢＞ answer here is a risk_ratings row
    sections: tuple[str, ...] = ()  # numbered section titles, in order (1., 2., ...)


@dataclass(frozen=True)
class Block:
    name: str
    part: str
    heading: str  # printed heading word: システム -> システム1, システム2 ...
    table: str | None = None  # the record table a block opens (none for リスクN)
    number: str | None = None  # the record column that holds N
    title: str | None = None  # the column that holds the text printed beside the heading
    set: dict[str, str] = field(default_factory=dict)  # fixed column values (recipients.kind)
    risk: bool = False  # a リスクN: heading
    keep_if_any: tuple[str, ...] = ()  # a block none of whose columns hold a value is a printed placeholder
    identity: tuple[str, ...] = ()  # the columns that tell the block from its siblings; fewer than two read: left out


@dataclass(frozen=True)
class ValueBelow:
    """A section whose value is the single row printed under its heading."""

    part: str
    section: str
    action: Literal["new_file", "select_file", "file_names"]  # file_names: one file per line


@dataclass(frozen=True)
class Field:
    label: str
    target: str  # table.column, or table when `columns`/`flags` name the columns
    part: str = ""  # the part key the label is printed in (none on the cover)
    kind: FieldKind = "text"
    aliases: tuple[str, ...] = ()  # other printed spellings of the label
    section: str | None = None  # a word of the section title the label is printed under
    block: tuple[str, ...] = ()  # block names the label is printed in
    group: str | None = None  # the printed group label spanning the rows (保管期間 -> 期間)
    options: str | None = None  # option set name (layouts/option_sets.yaml)
    columns: dict[str, str] = field(default_factory=dict)  # checkbox option -> bool column
    other_text: str | None = None  # column for the text of その他（ ... ）
    detail: str | None = None  # column for `option（text）` of checked options
    true_if: str | None = None  # a choice stored as bool: true when this option is chosen
    count: str | None = None  # column for the `（ N ）件` printed with the choice
    flags: dict[str, tuple[str, ...]] = field(default_factory=dict)  # option -> (bool column, count column)
    optional: bool = False  # not counted as expected (a row many documents leave out)
    number: str | None = None  # kind names: the column numbering the records (system_no)
    in_heading: bool = False  # checkboxes printed in the section heading itself (`４．… [ ] 委託しない`)
    rows: tuple[tuple[str, ...], ...] = ()  # a checkbox grid's options as printed, row by row (left to right)

    @property
    def table(self) -> str:
        return self.target.partition(".")[0]

    @property
    def column(self) -> str:
        return self.target.partition(".")[2]

    @cached_property
    def keys(self) -> frozenset[str]:
        """Label keys of the label and its aliases (as `label_key` reduces them)."""
        return frozenset(label_key(x) for x in (self.label, *self.aliases))

    @property
    def key(self) -> str:
        return label_key(self.label)

    @property
    def unit(self) -> str:
        """What completeness counts: the target column, or the group of columns a checkbox/flags field fills."""
        if "." in self.target:
            return self.target
        return f"{self.target}:{'/'.join(sorted(self.columns or self.flags))}"


@dataclass(frozen=True)
class Risk:
    no: int | None
    title: str | None
    questions: dict[str, str]  # printed question -> option set


@dataclass(frozen=True)
class OutlineSection:
    part: str
    section: int
    title: str
    risks: tuple[Risk, ...]


@dataclass(frozen=True)
class AnnexList:
    title: str  # 提供先一覧
    name_header: str  # 提供先


@dataclass(frozen=True)
class Annex:
    provision: AnnexList | None = None
    transfer: AnnexList | None = None
    columns: dict[str, str] = field(default_factory=dict)  # header fragment -> recipients column


@dataclass(frozen=True)
class Count:
    """A count the form prints (委託 （ N ）件) and the block whose records it counts, per file."""

    count: str  # files.n_entrustments
    when: str  # files.entrusted: checked only when this is true
    rows: str  # the block name whose records (of the file) are counted
    label: str  # how the warning names it


@dataclass(frozen=True)
class SpecFile:
    spec_version: int
    id: str
    form_type: str
    detect: Detect
    parts: tuple[Part, ...]
    cover: tuple[Field, ...] = ()
    blocks: tuple[Block, ...] = ()
    value_below: tuple[ValueBelow, ...] = ()
    fields: tuple[Field, ...] = ()
    outline: tuple[OutlineSection, ...] = ()
    annex: Annex = field(default_factory=Annex)
    counts: tuple[Count, ...] = ()
    # labels printed without an output column, by part key (`cover` before Ⅰ): where a value ends
    # in a text without cells (a dump), and what is not a value
    printed: dict[str, tuple[str, ...]] = field(default_factory=dict)


# ---------------------------------------------------------------- the loaded spec


@dataclass(frozen=True)
class FormSpec:
    """A validated form spec with its option sets resolved and its label indexes built."""

    source: SpecFile
    choices: dict[str, tuple[str, ...]]
    boxes: dict[str, tuple[str, ...]]

    def __repr__(self) -> str:
        return f"FormSpec({self.source.id})"

    @property
    def id(self) -> str:
        return self.source.id

    @property
    def form_type(self) -> str:
        return self.source.form_type

    @property
    def detect(self) -> Detect:
        return self.source.detect

    @property
    def parts(self) -> tuple[Part, ...]:
        return self.source.parts

    @property
    def cover(self) -> tuple[Field, ...]:
        return self.source.cover

    @property
    def blocks(self) -> tuple[Block, ...]:
        return self.source.blocks

    @property
    def value_below(self) -> tuple[ValueBelow, ...]:
        return self.source.value_below

    @property
    def fields(self) -> tuple[Field, ...]:
        return self.source.fields

    @property
    def outline(self) -> tuple[OutlineSection, ...]:
        return self.source.outline

    @property
    def annex(self) -> Annex:
        return self.source.annex

    @property
    def counts(self) -> tuple[Count, ...]:
        return self.source.counts

    @property
    def printed(self) -> dict[str, tuple[str, ...]]:
        return self.source.printed

    def options_of(self, f: Field) -> tuple[str, ...]:
        if f.options is None:
            return ()
        return (self.choices if f.kind == "choice" else self.boxes)[f.options]

    @cached_property
    def questions(self) -> dict[str, tuple[str, ...]]:
        """Ⅲ/Ⅳ question key (item number stripped) -> its ＜選択肢＞ options, from the outline."""
        out: dict[str, tuple[str, ...]] = {}
        for sec in self.outline:
            for risk in sec.risks:
                for q, opts in risk.questions.items():
                    out.setdefault(label_key(strip_item_number(q)), self.choices[opts])
        return out

    def question_options(self, question: str) -> tuple[str, ...]:
        return self.questions.get(label_key(strip_item_number(question)), ())

    @cached_property
    def recipient_choices(self) -> dict[str, tuple[str, ...]]:
        """Recipient columns whose block field is a ＜選択肢＞ choice -> its options (an annex list
        prints the answer alone, without its legend)."""
        return {f.column: self.options_of(f) for f in self.fields
                if f.table == "recipients" and f.kind == "choice" and f.options and f.column}

    @cached_property
    def recipient_boxes(self) -> dict[str, tuple[str, ...]]:
        """Recipient columns whose block field is a checkbox list -> the options of every such field
        (提供方法 and 移転方法 together: an annex list prints the checked option's name alone)."""
        out: dict[str, tuple[str, ...]] = {}
        for f in self.fields:
            if f.table == "recipients" and f.kind == "checkbox" and f.options and f.column:
                known = out.get(f.column, ())
                out[f.column] = known + tuple(o for o in self.options_of(f) if o not in known)
        return out

    @cached_property
    def question_sections(self) -> dict[str, tuple[OutlineSection, ...]]:
        """Ⅲ/Ⅳ question key -> the outline sections that print it (one, for most 様式2 questions)."""
        out: dict[str, list[OutlineSection]] = {}
        for sec in self.outline:
            for key in {label_key(strip_item_number(q)) for risk in sec.risks for q in risk.questions}:
                out.setdefault(key, []).append(sec)
        return {k: tuple(v) for k, v in out.items()}

    def own_section(self, part: str, question: str) -> OutlineSection | None:
        """The one section of `part` the form prints `question` in; None when it prints it in several or none."""
        secs = [s for s in self.question_sections.get(label_key(strip_item_number(question)), ()) if s.part == part]
        return secs[0] if len(secs) == 1 else None

    @cached_property
    def label_keys(self) -> tuple[str, ...]:
        """Every printed label key of the form (fields, cover, questions), longest first."""
        keys = {k for f in (*self.fields, *self.cover) for k in f.keys} | set(self.questions)
        return tuple(sorted((k for k in keys if k), key=len, reverse=True))

    @cached_property
    def section_parts(self) -> dict[str, str]:
        """Section title key -> the part key, for titles printed in exactly one part of this form."""
        seen: dict[str, set[str]] = {}
        for part in self.parts:
            for title in part.sections:
                seen.setdefault(label_key(title), set()).add(part.key)
        return {k: next(iter(v)) for k, v in seen.items() if len(v) == 1}

    def part(self, key: str) -> Part | None:
        return next((p for p in self.parts if p.key == key), None)

    def block(self, name: str) -> Block | None:
        return next((b for b in self.blocks if b.name == name), None)

    @cached_property
    def annex_lists(self) -> tuple[tuple[str, AnnexList], ...]:
        return tuple((k, a) for k, a in (("provision", self.annex.provision), ("transfer", self.annex.transfer))
                     if a is not None)


# ---------------------------------------------------------------- where layout files are read from

T = TypeVar("T")
_LOADED: list[Callable[[], None]] = []


def layout_dirs() -> tuple[Path, ...]:
    """The directories named in $PIA_EXTRACT_LAYOUTS (os.pathsep-separated), then the package's layouts/."""
    extra = os.environ.get(LAYOUTS_ENV, "")
    return (*(Path(p) for p in extra.split(os.pathsep) if p), LAYOUT_DIR)


def layout_file(name: str) -> Path:
    """A layout file by name: the first of `layout_dirs()` holding it (an extra directory overrides the package)."""
    return next((d / name for d in layout_dirs() if (d / name).is_file()), LAYOUT_DIR / name)


def layout_cache(load: Callable[[], T]) -> Callable[[], T]:
    """Cache what a loader reads from layout files, until `reload_layouts()`."""
    cached = lru_cache(maxsize=1)(load)
    _LOADED.append(cached.cache_clear)
    return cached


def reload_layouts() -> None:
    """Forget every loaded layout (after $PIA_EXTRACT_LAYOUTS changed): they are read again when next used."""
    for clear in _LOADED:
        clear()


# ---------------------------------------------------------------- loading


@layout_cache
def option_sets() -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]:
    """The shared ＜選択肢＞ option sets and checkbox option labels."""
    data = load_yaml(layout_file("option_sets.yaml"))
    try:
        choices = {str(k): tuple(str(x) for x in v) for k, v in data["choices"].items()}
        boxes = {str(k): tuple(str(x) for x in v) for k, v in data["checkboxes"].items()}
    except (KeyError, TypeError, AttributeError) as exc:
        raise SpecError(f"option_sets.yaml: needs 'choices' and 'checkboxes' mappings of lists ({exc})") from exc
    return choices, boxes


def load_spec(path: Path) -> FormSpec:
    """Load and validate one layout file."""
    raw = load_yaml(path)
    name = path.name
    if not isinstance(raw, dict) or raw.get("spec_version") != SPEC_VERSION:
        raise SpecError(f"{where(name, raw)}: spec_version must be {SPEC_VERSION}")
    source = build(SpecFile, raw, name)
    choices, boxes = option_sets()
    lines = _field_lines(raw)
    parts = {p.key for p in source.parts}
    for k, (f, line) in enumerate(zip((*source.cover, *source.fields), lines, strict=True)):
        _check_field(f, f"{name}:{line}", choices, boxes)
        if k >= len(source.cover) and f.part not in parts:
            raise SpecError(f"{name}:{line}: part {f.part!r} of {f.label!r} is not one of the parts {sorted(parts)}")
    for block, braw in zip(source.blocks, raw.get("blocks") or [], strict=True):
        _check_block(block, where(name, braw))
    for c, craw in zip(source.counts, raw.get("counts") or [], strict=True):
        _check_count(c, source, where(name, craw))
    for sec, sraw in zip(source.outline, raw.get("outline") or [], strict=True):
        for risk in sec.risks:
            unknown = [o for o in risk.questions.values() if o not in choices]
            if unknown:
                raise SpecError(f"{where(name, sraw)}: unknown option set(s) {unknown}")
    return FormSpec(source, choices, boxes)


def _field_lines(raw: dict[str, Any]) -> list[int]:
    return [getattr(f, "line", 0) for f in (*(raw.get("cover") or []), *(raw.get("fields") or []))]


_TYPES = {"text": (str,), "date": (str,), "choice": (str, bool), "names": (str,)}


def _column_type(table: str, column: str, at: str) -> Any:
    row_type = ROW_TYPES.get(table)
    if row_type is None:
        raise SpecError(f"{at}: unknown table {table!r}; tables: {sorted(ROW_TYPES)}")
    hints = type_hints(row_type)
    names = {f.name for f in dataclasses.fields(row_type)}
    if column not in names:
        raise SpecError(f"{at}: table {table!r} has no column {column!r}")
    args = [a for a in typing.get_args(hints[column]) if a is not type(None)] or [hints[column]]
    return args[0]


def _expect(table: str, column: str, allowed: tuple[Any, ...], at: str) -> None:
    actual = _column_type(table, column, at)
    if actual not in allowed:
        names = " or ".join(getattr(a, "__name__", str(a)) for a in allowed)
        raise SpecError(f"{at}: column {table}.{column} is {actual}, a field of this kind needs {names}")


# Public for the other vocabularies bound to the same record columns (layouts/summary.yaml).
expect_column = _expect


def _check_field(f: Field, at: str, choices: dict[str, Any], boxes: dict[str, Any]) -> None:
    if f.options is not None and f.options not in (choices if f.kind == "choice" else boxes):
        raise SpecError(f"{at}: unknown option set {f.options!r} for a {f.kind} field")
    if f.kind in ("choice", "checkbox", "flags") and f.options is None:
        raise SpecError(f"{at}: a {f.kind} field needs 'options'")
    if f.kind == "checkbox":
        _check_checkbox(f, at, boxes)
    elif f.kind == "flags":
        for option, cols in f.flags.items():
            if len(cols) != 2:
                raise SpecError(f"{at}: flag {option!r} needs [bool column, count column]")
            flag, count = cols
            _expect(f.table, flag, (bool,), at)
            _expect(f.table, count, (int,), at)
            _check_option(option, f, at, boxes)
    else:
        allowed = (bool,) if f.true_if else _TYPES[f.kind]
        _expect(f.table, f.column, allowed, at)
    if f.count:
        _expect(f.table, f.count, (int,), at)
    if f.kind == "names":
        if not f.number:
            raise SpecError(f"{at}: a names field needs 'number' (the column numbering its records)")
        _expect(f.table, f.number, (int,), at)


def _check_checkbox(f: Field, at: str, boxes: dict[str, Any]) -> None:
    if f.columns:
        for option, column in f.columns.items():
            _check_option(option, f, at, boxes)
            _expect(f.table, column, (bool,), at)
    else:
        _expect(f.table, f.column, (list[str],), at)
    for option in (o for row in f.rows for o in row):
        _check_option(option, f, at, boxes)
    for extra in (f.other_text,):
        if extra:
            _expect(f.table, extra, (str,), at)
    if f.detail:
        _expect(f.table, f.detail, (list[str],), at)


def _check_option(option: str, f: Field, at: str, boxes: dict[str, Any]) -> None:
    if label_key(option) not in {label_key(o) for o in boxes[f.options or ""]}:
        raise SpecError(f"{at}: {option!r} is not an option of {f.options}")


def _check_count(c: Count, source: SpecFile, at: str) -> None:
    for target, kind in ((c.count, int), (c.when, bool)):
        table, _, column = target.partition(".")
        _expect(table, column, (kind,), at)
    if not any(b.name == c.rows and b.table for b in source.blocks):
        raise SpecError(f"{at}: counts rows {c.rows!r} is not a block of this form")


def _check_block(b: Block, at: str) -> None:
    if b.table is None:
        return
    for column in (b.number, b.title, *b.set, *b.keep_if_any, *b.identity):
        if column:
            _column_type(b.table, column, at)


@layout_cache
def all_specs() -> tuple[FormSpec, ...]:
    """Every form spec in the layout directories (see `layout_dirs`), highest priority first."""
    names = sorted({p.name for d in layout_dirs() for p in d.glob("*.yaml")} - NOT_FORMS)
    return tuple(sorted((load_spec(layout_file(n)) for n in names), key=lambda s: -s.detect.priority))


NOT_FORMS = frozenset({"option_sets.yaml", "summary.yaml", "common.yaml"})


@lru_cache(maxsize=1)
def katakana_vocabulary() -> frozenset[str]:
    """The katakana words (4 characters or more) the forms print in labels, options and questions:
    what OCR's misread katakana is mended to (`read.vocabulary`)."""
    from extractor.read.vocabulary import katakana_words

    texts: list[str] = []
    for spec in all_specs():
        texts += [k for f in (*spec.fields, *spec.cover) for k in (f.label, *spec.options_of(f))]
        texts += [q for sec in spec.outline for r in sec.risks for q in (sec.title, r.title or "", *r.questions)]
        texts += [t for part in spec.parts for t in (part.title, *part.sections)]
    return katakana_words(texts)
