"""The 概要 summary vocabulary, loaded from `layouts/summary.yaml` and validated.

The file names the form it summarises (`form: full_h30`); the part titles and numerals, the
委託事項 / 提供先 / 移転先 block headings and the 他のシステムとの接続 columns are taken from that
form spec, the bands and item lists from `layouts/option_sets.yaml`, the words every form shares
from `layouts/common.yaml` (`extractor.forms.patterns`).  Loading fails, naming the file and line,
on an unknown key, a misspelt target (no such table or column, or a column of the wrong type for
the label's kind), an unknown option set or an unknown part.  The readers' patterns are built here,
from the words (escaped), once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal

from extractor.errors import SpecError
from extractor.forms.patterns import part_key, patterns
from extractor.forms.spec import FormSpec, all_specs, expect_column, layout_cache, layout_file, option_sets
from extractor.forms.yaml_lines import build, load_yaml, where
from extractor.normalise import clean_line, fold, label_key

SummaryKind = Literal["text", "date", "band", "items", "connections", "names", "flag", "entrust_list"]
TableColumn = Literal["file", "kind", "no", "title", "description", "methods", "contractor", "subcontracting",
                      "recipient", "purpose", "information"]
FILE_NAME = "summary.yaml"


# ---------------------------------------------------------------- the file format


@dataclass(frozen=True)
class SummaryDetect:
    title_ends: tuple[str, ...]
    not_title: tuple[str, ...]


@dataclass(frozen=True)
class PartWord:
    part: str  # the form's part key
    word: str | None = None  # a heading containing it is the part; default: the form's part title


@dataclass(frozen=True)
class SummaryLabel:
    label: str
    target: str  # table.column; a table for `connections` and `flag`
    kind: SummaryKind = "text"
    aliases: tuple[str, ...] = ()
    options: str | None = None  # option set (band: choices, items: checkboxes)
    answers: dict[str, str] = field(default_factory=dict)  # flag: word printed with the answer -> bool column
    continued: bool = False  # the value goes on over the next lines even when it starts beside the label

    @property
    def table(self) -> str:
        return self.target.partition(".")[0]

    @property
    def column(self) -> str:
        return self.target.partition(".")[2]

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(label_key(x) for x in (self.label, *self.aliases))


@dataclass(frozen=True)
class YesNo:
    yes: tuple[str, ...]
    no: tuple[str, ...]

    @cached_property
    def keys(self) -> tuple[frozenset[str], frozenset[str]]:
        return frozenset(map(label_key, self.yes)), frozenset(map(label_key, self.no))

    def value(self, key: str) -> bool | None:
        """True / False when the label key `key` is one of the yes / no words, else None."""
        yes, no = self.keys
        return True if key in yes else False if key in no else None


@dataclass(frozen=True)
class Answers:
    after: YesNo  # printed right after a flag label's word: 提供有, 委託する
    yes: tuple[str, ...]  # a plain answer
    no: tuple[str, ...]
    noted_yes: tuple[str, ...] = ()  # a plain yes followed by its note: 有（…）


@dataclass(frozen=True)
class Tables:
    columns: dict[str, TableColumn]  # printed header -> column
    kinds: dict[str, str]  # recipients.kind -> the word a 種別 cell names it by
    subcontracting: YesNo
    mark_cells: tuple[str, ...]
    methods: tuple[str, ...]
    matrix_heads: tuple[str, ...]


@dataclass(frozen=True)
class Marks:
    section: str
    note: str
    bullet: str
    value_end: tuple[str, ...]
    table_end: tuple[str, ...] = ()
    headings: tuple[str, ...] = ()  # the ◆ headings the form prints (known when OCR misreads the ◆)


@dataclass(frozen=True)
class Words:
    system: str
    file: str
    affair_heading: str
    item_ends: tuple[str, ...]
    item_separators: tuple[str, ...]
    header_lines: tuple[str, ...]
    no_connection: tuple[str, ...]


@dataclass(frozen=True)
class SummaryFile:
    spec_version: int
    form: str
    detect: SummaryDetect
    parts: tuple[PartWord, ...]
    labels: tuple[SummaryLabel, ...]
    other_labels: tuple[str, ...]
    answers: Answers
    tables: Tables
    marks: Marks
    words: Words


# ---------------------------------------------------------------- the loaded vocabulary


@dataclass(frozen=True)
class Connections:
    """他のシステムとの接続 as the form binds it: option -> bool column, and the その他 text column."""

    columns: dict[str, str]
    other_text: str | None


@dataclass(frozen=True)
class SummaryPatterns:
    value_end: re.Pattern[str]  # a line that ends a value gathered over several lines
    table_end: re.Pattern[str]  # a line that ends a table rebuilt from a text dump
    entrust_head: re.Pattern[str]  # 委託事項1：title; groups: number, title
    affair: re.Pattern[str]  # ◆事務の内容（…）; group 1: the 事務の名称
    listed_file: re.Pattern[str]  # (1)住民記録ファイル in a list; groups: number, name
    after: dict[str, tuple[re.Pattern[str], re.Pattern[str]]]  # flag word -> (yes, no) answers after it


@dataclass(frozen=True)
class SummaryVocab:
    source: SummaryFile
    form: FormSpec
    labels: dict[str, SummaryLabel]  # label key (label or alias) -> label
    label_keys: tuple[str, ...]  # every printed label key, bound or not, longest first
    part_words: tuple[tuple[str, str], ...]  # (word key, part key), in the order tried
    kind_headers: tuple[tuple[str, str], ...]  # (recipients.kind, header key: 提供先)
    connections: Connections
    patterns: SummaryPatterns

    @property
    def detect(self) -> SummaryDetect:
        return self.source.detect

    @property
    def answers(self) -> Answers:
        return self.source.answers

    @property
    def tables(self) -> Tables:
        return self.source.tables

    @property
    def marks(self) -> Marks:
        return self.source.marks

    @property
    def words(self) -> Words:
        return self.source.words

    @property
    def value_keys(self) -> list[str]:
        """The keys of the bound labels, longest first."""
        return [k for k in self.label_keys if k in self.labels]

    def options(self, lab: SummaryLabel) -> tuple[str, ...]:
        """The option set a band or items label names."""
        return option_sets()[_OPTION_KINDS[lab.kind]][lab.options or ""]


@layout_cache
def vocab() -> SummaryVocab:
    return load_vocab(load_yaml(layout_file(FILE_NAME)))


def load_vocab(raw: Any) -> SummaryVocab:
    """Validate `summary.yaml` (as read by `load_yaml`) and resolve it against its form spec."""
    if not isinstance(raw, dict) or raw.get("spec_version") != 2:
        raise SpecError(f"{where(FILE_NAME, raw)}: spec_version must be 2")
    source = build(SummaryFile, raw, FILE_NAME)
    form = next((s for s in all_specs() if s.id == source.form), None)
    if form is None:
        raise SpecError(f"{where(FILE_NAME, raw)}: form {source.form!r} is not a layout id; "
                        f"ids: {sorted(s.id for s in all_specs())}")
    for label, lraw in zip(source.labels, raw.get("labels") or [], strict=True):
        _check_label(label, where(FILE_NAME, lraw), form)
    labels = {k: lab for lab in source.labels for k in lab.keys}
    keys = {*labels, *(label_key(x) for x in source.other_labels)}
    return SummaryVocab(
        source=source, form=form, labels=labels,
        label_keys=tuple(sorted(keys, key=len, reverse=True)),
        part_words=_part_words(source, form, raw),
        kind_headers=_kind_headers(source, form, raw),
        connections=_connections(source, form, raw),
        patterns=_patterns(source, form, raw),
    )


# ---------------------------------------------------------------- validation


_COLUMN_TYPES: dict[str, tuple[Any, ...]] = {
    "text": (str,), "date": (str,), "band": (str,), "names": (str,), "entrust_list": (str,), "items": (list[str],),
}
_OPTION_KINDS = {"band": 0, "items": 1}  # which option sets a kind names: 0 choices, 1 checkboxes


def _check_label(lab: SummaryLabel, at: str, form: FormSpec) -> None:
    if lab.kind in _OPTION_KINDS:
        sets = option_sets()[_OPTION_KINDS[lab.kind]]
        if lab.options not in sets:
            raise SpecError(f"{at}: unknown option set {lab.options!r} for a {lab.kind} label; sets: {sorted(sets)}")
    elif lab.options is not None:
        raise SpecError(f"{at}: a {lab.kind} label takes no 'options'")
    if lab.kind == "flag":
        if not lab.answers:
            raise SpecError(f"{at}: a flag label needs 'answers' (word -> bool column)")
        for column in lab.answers.values():
            expect_column(lab.table, column, (bool,), at)
    elif lab.kind == "connections":
        _form_connections(lab, form, at)
    elif lab.kind == "names" and lab.target != "files.name":
        raise SpecError(f"{at}: a names label binds files.name (the file list), not {lab.target!r}")
    else:
        expect_column(lab.table, lab.column, _COLUMN_TYPES[lab.kind], at)


def _form_connections(lab: SummaryLabel, form: FormSpec, at: str) -> Connections:
    """The form's checkbox field printed with the same label, bound to columns of the same table."""
    f = next((f for f in form.fields if label_key(lab.label) in f.keys and f.columns), None)
    if f is None or f.table != lab.table:
        raise SpecError(f"{at}: {form.id} has no checkbox field {lab.label!r} with columns of table {lab.table!r}")
    return Connections(dict(f.columns), f.other_text)


def _connections(source: SummaryFile, form: FormSpec, raw: Any) -> Connections:
    lab = next((x for x in source.labels if x.kind == "connections"), None)
    if lab is None:
        raise SpecError(f"{where(FILE_NAME, raw)}: no label of kind 'connections'")
    return _form_connections(lab, form, where(FILE_NAME, raw))


def _part_words(source: SummaryFile, form: FormSpec, raw: Any) -> tuple[tuple[str, str], ...]:
    out = []
    for pw, praw in zip(source.parts, raw.get("parts") or [], strict=True):
        part = form.part(pw.part)
        if part is None:
            raise SpecError(f"{where(FILE_NAME, praw)}: {form.id} has no part {pw.part!r}")
        out.append((label_key(pw.word or part.title), part.key))
    return tuple(out)


def _kind_headers(source: SummaryFile, form: FormSpec, raw: Any) -> tuple[tuple[str, str], ...]:
    """Each recipients.kind of `tables.kinds` with the heading of the form's block that sets it (提供先)."""
    headings = {b.set["kind"]: b.heading for b in form.blocks if "kind" in b.set}
    unknown = [k for k in source.tables.kinds if k not in headings]
    if unknown:
        raise SpecError(f"{where(FILE_NAME, raw.get('tables'))}: kinds {unknown} are set by no block of {form.id}; "
                        f"kinds: {sorted(headings)}")
    return tuple((k, label_key(headings[k])) for k in source.tables.kinds)


def _entrust_heading(form: FormSpec, raw: Any) -> str:
    block = next((b for b in form.blocks if b.table == "entrustments"), None)
    if block is None:
        raise SpecError(f"{where(FILE_NAME, raw)}: {form.id} has no block of table 'entrustments'")
    return block.heading


# ---------------------------------------------------------------- patterns


def _any(words: tuple[str, ...] | list[str]) -> str:
    return "|".join(re.escape(w) for w in words)


def _patterns(source: SummaryFile, form: FormSpec, raw: Any) -> SummaryPatterns:
    marks, words = source.marks, source.words
    numerals = [p.numeral for pw in source.parts if (p := form.part(pw.part))]
    heading = re.escape(_entrust_heading(form, raw))
    numbered = r"[0-9０-９]{1,2}[ 　]\S"
    after = source.answers.after
    flag_words = sorted({w for lab in source.labels for w in lab.answers})
    return SummaryPatterns(
        value_end=re.compile(rf"^\s*(?:{_any(marks.value_end)}|{numbered})"),
        table_end=re.compile(rf"^\s*(?:{_any(marks.value_end + marks.table_end)}|[①-⑳]|{numbered}"
                             rf"|{heading}\s*[0-9０-９]+\s*[:：]|(?:{_any(numerals)})\s)"),
        entrust_head=re.compile(rf"^\s*{heading}\s*(\d{{1,2}})\s*[:：]\s*(.+)$"),
        affair=re.compile(rf"{re.escape(words.affair_heading)}\s*[（(](.+)[)）]\s*$"),
        listed_file=re.compile(rf"[（(]\s*(\d{{1,2}})\s*[)）]\s*([^（(]+?{re.escape(words.file)})"),
        after={w: (re.compile(f"{re.escape(w)}(?:{_any(after.yes)})"),
                   re.compile(f"{re.escape(w)}(?:{_any(after.no)})")) for w in flag_words},
    )


# ---------------------------------------------------------------- title detection


def ends_title(line: str) -> bool:
    s = line.rstrip()
    return any(s.endswith(end) for end in vocab().detect.title_ends)


def is_summary_head(text: str) -> bool:
    """True when a title line of the document's head names a 概要 of an 評価書.

    `…全項目評価書の概要について`, or `「…評価書（案）」の概要` possibly after a first title line;
    a `Ⅱ 特定個人情報ファイルの概要` heading (項目一覧 of a full form) is not a title.
    """
    word = patterns().words.document_word
    lines = [clean_line(fold(x)) for x in text.splitlines() if x.strip()]
    for k, line in enumerate(lines):
        if any(w in line for w in vocab().detect.not_title) or not ends_title(line):
            continue
        if word in line or (k > 0 and word in lines[k - 1]):
            return True
    return False


def allowed_part(numeral: str) -> bool:
    """A printed part numeral (Ⅲ or III) that a summary part heading may carry."""
    return part_key(numeral) in {p for _, p in vocab().part_words}
