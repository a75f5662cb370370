"""Ⅲ/Ⅳ answers placed on the form's question outline, and emitted in the outline's order.

The outline (`outline:` of the layout) fixes every ＜選択肢＞ question of a risk part, per file,
in printed order.  The k-th time a question's label is printed in the dump is the k-th
question with that label in the outline (over all files), so each answer read beside a label
lands on its section and risk even where a dump scrambled the headings around it.  Where the
counts disagree, the labels of one part are placed on that part's outline alone; a question
whose label was not found is left out with a warning.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from extractor.forms.events import AnnexStart, Event, Labeled, Note, PartStart, RiskHeading, Section, Warn, Where
from extractor.forms.spec import FormSpec
from extractor.normalise import label_key, strip_item_number
from extractor.text.dump.scan import Slot
from extractor.text.dump.values import DumpValue


@dataclass(frozen=True)
class Question:
    section: int
    title: str
    risk_no: int | None
    risk: str | None
    label: str

    @property
    def key(self) -> str:
        return label_key(strip_item_number(self.label))


def questions(spec: FormSpec, part: str) -> list[Question]:
    return [Question(sec.section, sec.title, r.no, r.title, q)
            for sec in spec.outline if sec.part == part for r in sec.risks for q in r.questions]


def place(spec: FormSpec, stream: list[object]) -> list[object]:
    """The stream with each risk part's content replaced by its outline's events."""
    risk_parts = {p.key for p in spec.parts if p.risks}
    instances = _instances(stream, risk_parts)
    placed = _placed(spec, instances, _everywhere(spec, stream))
    out: list[object] = []
    current: tuple[str, int] | None = None
    counts: dict[str, int] = {}
    for el in stream:
        if isinstance(el, PartStart | AnnexStart):
            if current is not None:
                out.append(_Pending(current))
            current = None
            if isinstance(el, PartStart) and el.part.key in risk_parts:
                counts[el.part.key] = counts.get(el.part.key, 0) + 1
                current = (el.part.key, counts[el.part.key])
        elif current is not None and (isinstance(el, Slot | RiskHeading) or (isinstance(el, Section) and el.no > 1)):
            continue
        out.append(el)
    if current is not None:
        out.append(_Pending(current))
    printed = _printed_titles(stream, risk_parts)
    return [x for el in out for x in (_expand(spec, el, placed, printed) if isinstance(el, _Pending) else [el])]


def file_numbers(stream: list[object]) -> dict[int, int]:
    """id of a per-file risk part's heading -> its file, where the dump prints as many of them as files
    (Ⅱ parts): the k-th Ⅲ part is then the k-th file's."""
    heads = [el for el in stream if isinstance(el, PartStart) and el.part.per_file]
    files = sum(1 for el in heads if not el.part.risks)
    out: dict[int, int] = {}
    for key in {el.part.key for el in heads if el.part.risks}:
        mine = [el for el in heads if el.part.key == key]
        if len(mine) == files > 1:
            out.update({id(el): k for k, el in enumerate(mine, start=1)})
    return out


@dataclass(frozen=True)
class _Pending:
    instance: tuple[str, int]


def _everywhere(spec: FormSpec, stream: list[object]) -> dict[str, list[Slot]]:
    """Every question slot of the dump, in order, by the risk part whose outline holds its label."""
    part_of: dict[str, str] = {}
    for sec in spec.outline:
        for risk in sec.risks:
            for q in risk.questions:
                part_of.setdefault(label_key(strip_item_number(q)), sec.part)
    out: dict[str, list[Slot]] = {}
    current: str | None = None
    for el in stream:
        if isinstance(el, PartStart):
            current = el.part.key if el.part.risks else None
        elif isinstance(el, Slot) and el.label.question:
            out.setdefault(current or part_of.get(el.label.key, ""), []).append(el)
    return out


def _instances(stream: list[object], parts: set[str]) -> dict[tuple[str, int], list[Slot]]:
    """The question slots of each risk part instance (part key, 1-based instance)."""
    out: dict[tuple[str, int], list[Slot]] = {}
    seen: dict[str, int] = {}
    current: tuple[str, int] | None = None
    for el in stream:
        if isinstance(el, PartStart | AnnexStart):
            current = None
            if isinstance(el, PartStart) and el.part.key in parts:
                seen[el.part.key] = seen.get(el.part.key, 0) + 1
                current = (el.part.key, seen[el.part.key])
                out[current] = []
        elif current is not None and isinstance(el, Slot) and el.label.question:
            out[current].append(el)
    return out


def _placed(spec: FormSpec, instances: dict[tuple[str, int], list[Slot]], everywhere: dict[str, list[Slot]]
            ) -> dict[tuple[str, int, int], Slot]:
    """(part, instance, question index) -> the slot printed for it."""
    out: dict[tuple[str, int, int], Slot] = {}
    for part in {p for p, _ in instances}:
        qs = questions(spec, part)
        keys = sorted(n for p, n in instances if p == part)
        slots = {k: instances[(part, k)] for k in keys}
        for key in {q.key for q in qs}:
            where = [(n, i) for n in keys for i, q in enumerate(qs) if q.key == key]
            found = [s for s in everywhere.get(part, []) if s.label.key == key]
            if len(found) == len(where):
                out.update({(part, n, i): s for (n, i), s in zip(where, found, strict=True)})
                continue
            for n in keys:  # counts disagree: each label placed by the headings printed before it
                for s in slots[n]:
                    if s.label.key == key:
                        at = [i for i, q in enumerate(qs) if q.key == key and q.section == s.section
                              and (q.risk_no == s.risk or len({x.risk_no for x in qs if x.section == q.section}) == 1)]
                        if len(at) == 1 and (part, n, at[0]) not in out:
                            out[(part, n, at[0])] = s
    return out


def _printed_titles(stream: list[object], parts: set[str]) -> dict[tuple[str, int, int, int | None], str]:
    """(part, instance, section, risk no) -> the risk title as the dump printed it."""
    out: dict[tuple[str, int, int, int | None], str] = {}
    seen: dict[str, int] = {}
    current: tuple[str, int] | None = None
    section = 0
    for el in stream:
        if isinstance(el, PartStart | AnnexStart):
            current = None
            if isinstance(el, PartStart) and el.part.key in parts:
                seen[el.part.key] = seen.get(el.part.key, 0) + 1
                current = (el.part.key, seen[el.part.key])
        elif isinstance(el, Section):
            section = el.no
        elif current is not None and isinstance(el, RiskHeading) and el.title:
            out.setdefault((*current, section, el.no), el.title)
    return out


def _expand(spec: FormSpec, pending: _Pending, placed: dict[tuple[str, int, int], Slot],
            printed: dict[tuple[str, int, int, int | None], str]) -> Iterator[Event]:
    part, n = pending.instance
    section = risk = None
    for i, q in enumerate(questions(spec, part)):
        slot = placed.get((part, n, i))
        where = Where(page=slot.line.page, line=slot.line.no) if slot else Where()
        if q.section != section:
            section, risk = q.section, None
            yield Section(q.section, q.title, q.title, where)
        if (q.risk_no, q.risk) != risk:
            risk = (q.risk_no, q.risk)
            title = printed.get((part, n, q.section, q.risk_no), q.risk)
            same = title and q.risk and label_key(title)[:6] == label_key(q.risk)[:6] and "\n" not in (q.risk or "")
            yield RiskHeading(q.risk_no, title if same else q.risk, where)
        if slot is None:
            yield Warn(f"{part} ({n}) {q.section}: the question '{strip_item_number(q.label)}' was not found")
            continue
        value = slot.value if isinstance(slot.value, DumpValue) else DumpValue(bracket=True)
        if not isinstance(slot.value, DumpValue):
            yield Warn(f"the answer to '{q.label}' (page {where.page}, line {where.line}) could not be placed")
        yield Labeled(strip_item_number(q.label), value, None, where)


__all__ = ["Note", "place"]
