"""Stage 4a — form specs: load and validate `layouts/*.yaml` into frozen dataclasses.

A spec names the form's parts, cover labels, repeating blocks, label -> column
fields (with their choice/checkbox option sets) and the Ⅲ/Ⅳ questions.  Unknown
keys are rejected loudly, so a typo in a layout file cannot pass silently.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

import layouts
from extractor.errors import SpecError
from extractor.normalise import label_key

LAYOUT_DIR = Path(layouts.__file__).resolve().parent
SPEC_VERSION = 1


@dataclass(frozen=True)
class Part:
    key: str
    numeral: str
    title: str
    per_file: bool = False
    risks: bool = False


@dataclass(frozen=True)
class Block:
    name: str
    part: str
    heading: str
    table: str | None = None
    title: str | None = None


@dataclass(frozen=True)
class Field:
    part: str
    label: str
    target: str
    kind: str = "text"  # text | choice | checkbox | flags | date
    section: str | None = None
    block: tuple[str, ...] = ()
    group: str | None = None
    options: tuple[str, ...] = ()
    option_set: str | None = None
    columns: tuple[tuple[str, str], ...] = ()
    other_text: str | None = None
    detail: str | None = None
    true_if: str | None = None
    count: str | None = None
    flags: tuple[tuple[str, str, str], ...] = ()

    @property
    def key(self) -> str:
        return label_key(self.label)


@dataclass(frozen=True)
class ValueBelow:
    part: str
    section: str
    target: str


@dataclass(frozen=True)
class AnnexSpec:
    titles: tuple[tuple[str, str, str], ...]  # (kind, title, name header)
    columns: tuple[tuple[str, str], ...]  # (header fragment, column)


@dataclass(frozen=True)
class FormSpec:
    id: str
    form_type: str
    title_contains: tuple[str, ...]
    stamp_contains: tuple[str, ...]
    priority: int
    parts: tuple[Part, ...]
    cover: tuple[Field, ...]
    blocks: tuple[Block, ...]
    value_below: tuple[ValueBelow, ...]
    fields: tuple[Field, ...]
    questions: tuple[tuple[str, tuple[str, ...]], ...]  # (question key, options)
    annex: AnnexSpec

    def question_options(self, question: str) -> tuple[str, ...]:
        key = label_key(question)
        for q, opts in self.questions:
            if q == key:
                return opts
        return ()


_ALLOWED = {
    "top": {"spec_version", "id", "form_type", "detect", "parts", "cover", "blocks", "value_below",
            "fields", "questions", "annex"},
    "detect": {"title_contains", "stamp_contains", "priority"},
    "part": {"key", "numeral", "title", "per_file", "risks"},
    "block": {"name", "part", "heading", "table", "title"},
    "value_below": {"part", "section", "target"},
    "field": {"part", "label", "target", "kind", "section", "block", "group", "options", "columns",
              "other_text", "detail", "true_if", "count", "flags"},
    "annex": {"provision", "transfer", "columns"},
}
_KINDS = {"text", "choice", "checkbox", "flags", "date"}


def _check_keys(where: str, kind: str, data: dict[str, Any]) -> None:
    if not isinstance(data, dict):
        raise SpecError(f"{where}: expected a mapping, got {type(data).__name__}")
    unknown = set(data) - _ALLOWED[kind]
    if unknown:
        raise SpecError(f"{where}: unknown key(s) {sorted(unknown)}; allowed: {sorted(_ALLOWED[kind])}")


@lru_cache(maxsize=1)
def option_sets() -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]:
    """The shared ＜選択肢＞ option sets and checkbox option labels."""
    data = yaml.safe_load((LAYOUT_DIR / "option_sets.yaml").read_text(encoding="utf-8"))
    choices = {k: tuple(str(x) for x in v) for k, v in data["choices"].items()}
    boxes = {k: tuple(str(x) for x in v) for k, v in data["checkboxes"].items()}
    return choices, boxes


def _field(where: str, raw: dict[str, Any]) -> Field:
    _check_keys(where, "field", raw)
    kind = raw.get("kind", "text")
    if kind not in _KINDS:
        raise SpecError(f"{where}: kind {kind!r} is not one of {sorted(_KINDS)}")
    choices, boxes = option_sets()
    opt_name = raw.get("options")
    options: tuple[str, ...] = ()
    if opt_name is not None:
        table = choices if kind == "choice" else boxes
        if opt_name not in table:
            raise SpecError(f"{where}: unknown option set {opt_name!r}")
        options = table[opt_name]
    block = raw.get("block") or ()
    flags = tuple((lbl, cols[0], cols[1]) for lbl, cols in (raw.get("flags") or {}).items())
    return Field(
        part=str(raw.get("part", "")),
        label=str(raw["label"]),
        target=str(raw["target"]),
        kind=kind,
        section=raw.get("section"),
        block=(block,) if isinstance(block, str) else tuple(block),
        group=raw.get("group"),
        options=options,
        option_set=opt_name,
        columns=tuple((label_key(k), v) for k, v in (raw.get("columns") or {}).items()),
        other_text=raw.get("other_text"),
        detail=raw.get("detail"),
        true_if=raw.get("true_if"),
        count=raw.get("count"),
        flags=flags,
    )


def load_spec(path: Path) -> FormSpec:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    where = path.name
    _check_keys(where, "top", raw)
    if raw.get("spec_version") != SPEC_VERSION:
        raise SpecError(f"{where}: spec_version must be {SPEC_VERSION}")
    detect = raw.get("detect", {})
    _check_keys(f"{where} detect", "detect", detect)
    for i, p in enumerate(raw["parts"]):
        _check_keys(f"{where} parts[{i}]", "part", p)
    for i, b in enumerate(raw["blocks"]):
        _check_keys(f"{where} blocks[{i}]", "block", b)
    for i, v in enumerate(raw.get("value_below", [])):
        _check_keys(f"{where} value_below[{i}]", "value_below", v)
    annex = raw.get("annex", {})
    _check_keys(f"{where} annex", "annex", annex)
    choices, _ = option_sets()
    questions = []
    for q, opt in (raw.get("questions") or {}).items():
        if opt not in choices:
            raise SpecError(f"{where} questions: unknown option set {opt!r} for {q!r}")
        questions.append((label_key(q), choices[opt]))
    return FormSpec(
        id=str(raw["id"]),
        form_type=str(raw["form_type"]),
        title_contains=tuple(detect.get("title_contains", ())),
        stamp_contains=tuple(detect.get("stamp_contains", ())),
        priority=int(detect.get("priority", 5)),
        parts=tuple(Part(**p) for p in raw["parts"]),
        cover=tuple(_field(f"{where} cover[{i}]", c) for i, c in enumerate(raw.get("cover", []))),
        blocks=tuple(Block(**b) for b in raw["blocks"]),
        value_below=tuple(ValueBelow(**v) for v in raw.get("value_below", [])),
        fields=tuple(_field(f"{where} fields[{i}]", f) for i, f in enumerate(raw["fields"])),
        questions=tuple(questions),
        annex=AnnexSpec(
            titles=tuple(
                (kind, annex[kind]["title"], annex[kind]["name_header"]) for kind in ("provision", "transfer")
                if kind in annex
            ),
            columns=tuple((label_key(k), v) for k, v in (annex.get("columns") or {}).items()),
        ),
    )


@lru_cache(maxsize=1)
def all_specs() -> tuple[FormSpec, ...]:
    """Every form spec in layouts/, highest priority first."""
    specs = [load_spec(p) for p in sorted(LAYOUT_DIR.glob("*.yaml")) if p.name != "option_sets.yaml"]
    return tuple(sorted(specs, key=lambda s: -s.priority))


def choose_spec(title_text: str, stamp_text: str) -> FormSpec | None:
    """Pick the form spec whose title (or stamp) keywords the document's first page shows."""
    title, stamp = label_key(title_text), label_key(stamp_text)
    for spec in all_specs():
        if any(label_key(t) in title for t in spec.title_contains):
            return spec
    for spec in all_specs():
        if stamp and any(label_key(s) in stamp for s in spec.stamp_contains):
            return spec
    return None
