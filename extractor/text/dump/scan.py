"""Dump lines -> a stream of heading events, label slots and value items, in the dump's order.

Headings are recognised on the spec (part headings, the part's own numbered sections, block
headings); every other line is a label of the current part (`Vocab.label_at`, a wrapped label
joined with the next line), or value pieces: bracketed answers (`[ 十分である ]`, an answer whose
`]` comes lines later), checkbox items (`[ ○ ]` or a box glyph followed by an option label),
dates and text.  Which value belongs to which label is decided afterwards (`extractor.text.dump.match`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from extractor.forms.events import (
    AnnexStart,
    BlockStart,
    CheckRead,
    Event,
    Note,
    PartStart,
    RiskHeading,
    Section,
    Stamp,
    Where,
)
from extractor.forms.patterns import is_annex_pointer, patterns
from extractor.forms.rows import stamp_version
from extractor.forms.spec import FormSpec, Part
from extractor.normalise import label_key, parse_date
from extractor.text.dump.items import ItemBuilder
from extractor.text.dump.lines import Line
from extractor.text.dump.vocab import COVER, Label, vocab_of


@dataclass(slots=True)
class Slot:
    """A label printed in the dump; `value` is what the matcher gives it."""

    label: Label
    line: Line
    value: object = None
    head: BlockStart | None = None  # a block heading whose title (the text printed beside it) is this value
    near: int = -1  # stream index of the value item printed right after the label, if any
    section: int | None = None  # the section and risk headings printed before it
    risk: int | None = None


@dataclass
class Scan:
    """The stream of one dump, and the annex lines kept apart for the annex reader."""

    stream: list[Event | Slot | object] = field(default_factory=list)
    annexes: list[tuple[int, list[Line]]] = field(default_factory=list)  # (stream index, lines)


class _Headings:
    """The heading half of the scanner: parts, annexes, sections and blocks, recognised on the spec."""

    def __init__(self, spec: FormSpec) -> None:
        self.spec, self.vocab = spec, vocab_of(spec)
        self.scan = Scan()
        self.part: Part | None = None
        self.in_toc = False
        self.toc_seen: set[str] = set()
        self.annex_lines: list[Line] | None = None
        self.section_no: int | None = None
        self.risk_no: int | None = None
        self.items = ItemBuilder(self.scan.stream, self.vocab, lambda: self.part_key)
        self.tail: tuple[str, int] | None = None  # the end a label printed cut short lacks, and its line number

    @property
    def part_key(self) -> str:
        return self.part.key if self.part else COVER

    # ------------------------------------------------------------ headings

    def heading(self, lines: list[Line], texts: list[str], k: int) -> int:
        text, line = texts[k], lines[k]
        where = Where(page=line.page, line=line.no)
        version = stamp_version(text)
        if version:
            self.emit(Stamp(version))
            return 1
        if label_key(text) == label_key(patterns().words.contents_title):
            self.in_toc = True
            return 1
        found = self.vocab.part_at(texts, k)
        if found is not None:
            return self.part_heading(found[0], found[1], where)
        if self.is_annex_heading(text):
            if not self.in_toc:
                self.open_annex(text, where)
            return 1
        if self.in_toc:
            return self.toc_line(text)
        if self.annex_lines is not None:
            return 0
        return self.section(lines, texts, k, where) or self.block(lines, texts, k, where)

    def part_heading(self, part: Part, used: int, where: Where) -> int:
        if self.in_toc and part.key not in self.toc_seen:
            self.toc_seen.add(part.key)
            return used
        self.in_toc = False
        self.close_annex()
        self.part = part
        self.items.reset()
        self.emit(PartStart(part, where))
        return used

    def toc_line(self, text: str) -> int:
        first = self.spec.parts[0] if self.spec.parts else None
        if self.vocab.section_at(first, text) is None:
            return 1
        self.in_toc = False
        return 0

    def is_annex_heading(self, text: str) -> bool:
        m = patterns().annex_head.match(text)
        if not m or text[: m.start(1)].strip() not in ("", "[", "［", "(", "（", "【"):
            return False
        rest = text[m.end():].strip(" ]］)）】")
        if not rest:
            return True
        titles = {label_key(a.title) for _, a in self.spec.annex_lists}
        return label_key(rest) in titles or not is_annex_pointer(text)

    def open_annex(self, text: str, where: Where) -> None:
        self.close_annex()
        m = patterns().annex_head.match(text)
        self.emit(AnnexStart(text, m.group(2) if m else None, where))
        self.annex_lines = []
        self.part = None

    def close_annex(self) -> None:
        if self.annex_lines:
            self.scan.annexes.append((len(self.scan.stream), self.annex_lines))
        self.annex_lines = None

    def section(self, lines: list[Line], texts: list[str], k: int, where: Where) -> int:
        found = self.vocab.section_at(self.part, texts[k])
        if found is None:
            return 0
        no, title = found
        self.emit(Section(no, title, texts[k], where))
        part = self.part
        used = 1
        if part and any(vb.part == part.key and label_key(vb.section) == label_key(title)
                        for vb in self.spec.value_below):
            nxt = k + 1
            if nxt < len(lines) and not self.is_structural(texts[nxt]):
                self.emit(Note(texts[nxt], Where(page=lines[nxt].page, line=lines[nxt].no)))
                used = 2
        self.outline_risk(no, where)
        return used

    def outline_risk(self, no: int, where: Where) -> None:
        """A Ⅲ section whose one risk has no `リスクN：` heading (Ⅲ4's stacked titles): its outline title."""
        part = self.part
        sec = next((s for s in self.spec.outline if part and s.part == part.key and s.section == no), None)
        if sec and sec.risks and sec.risks[0].no is None and sec.risks[0].title:
            self.emit(RiskHeading(None, sec.risks[0].title, where))

    def block(self, lines: list[Line], texts: list[str], k: int, where: Where) -> int:
        head = self.vocab.block_at(self.part, texts[k])
        if head is None:
            return 0
        if head.block.risk:
            self.emit(RiskHeading(head.number, self.risk_title(head.number, head.title), where))
            return 1
        if head.number is None:
            return 1
        event = BlockStart(head.block, head.number, None, where)
        if not head.block.title:
            self.emit(event)
            return 1
        self.items.flush_marker()
        self.scan.stream.append(Slot(TITLE, lines[k], head=event))
        if head.title:
            self.items.add_text(lines[k], head.title)
        return 1

    def risk_title(self, no: int | None, printed: str) -> str | None:
        """The printed risk title, completed from the outline when the dump cut it."""
        key = label_key(printed)
        for sec in self.spec.outline:
            for risk in sec.risks:
                if risk.title and risk.no == no and len(key) >= 6 and label_key(risk.title).startswith(key):
                    return risk.title
        return printed or None

    def is_structural(self, text: str) -> bool:
        """A heading, a label or a bracket: not the value printed under a heading."""
        if any(c in text for c in "[]［］") or self.vocab.label_at(self.part_key, text):
            return True
        return bool(self.vocab.section_at(self.part, text) or self.vocab.block_at(self.part, text))

    def emit(self, event: Event) -> None:
        if isinstance(event, PartStart | Section):
            self.section_no, self.risk_no = (event.no if isinstance(event, Section) else None), None
        elif isinstance(event, RiskHeading):
            self.risk_no = event.no
        self.items.flush_marker()
        self.scan.stream.append(event)



class Scanner(_Headings):
    """Lines -> `Scan` (see the module docstring)."""

    def run(self, lines: list[Line]) -> Scan:
        texts = [ln.text for ln in lines]
        k = 0
        while k < len(lines):
            used = self.heading(lines, texts, k)
            if not used and self.annex_lines is not None:
                used = self.answered_question(lines[k]) or self.annex_line(lines[k])
            k += used or self.label(lines, texts, k) or self.value(lines[k], texts[k])
        self.close_annex()
        return self.scan

    def annex_line(self, line: Line) -> int:
        assert self.annex_lines is not None
        self.annex_lines.append(line)
        return 1

    def answered_question(self, line: Line) -> int:
        """A Ⅲ question printed with its answer among an annex's lines (a dump that moved it there)."""
        hit = self.vocab.question_at(line.text)
        if hit is None or not any(c in hit[1] for c in "[［"):
            return 0
        self.scan.stream.append(Slot(hit[0], line))
        self.items.add_text(line, hit[1])
        return 1

    # ------------------------------------------------------------ labels and values

    def label(self, lines: list[Line], texts: list[str], k: int) -> int:
        if texts[k] in ("※", "*"):
            return 1  # the ※ of a label printed on its own line
        if self.tail is not None:
            tail, no = self.tail
            if lines[k].no > no + 1:
                self.tail = None
            elif lines[k].no == no + 1 and label_key(texts[k]) == tail:
                self.tail = None
                return 1  # the end of the label printed cut short, on the next line after its values
        hit, used = self.vocab.label_at(self.part_key, texts[k]), 1
        if hit is None and k + 1 < len(texts) and self.vocab.is_label_start(self.part_key, texts[k]):
            hit, used = self.vocab.label_at(self.part_key, texts[k] + texts[k + 1]), 2
        if hit is None and k + 1 < len(texts) and "①" <= texts[k][:1] <= "⑳":
            hit = self.short_wrap(texts, k)
            used = 2 if hit is not None else 1
        if hit is None:
            hit = self.cut_across(texts, k)
        if hit is None:
            hit, used = self.fragment(texts, k)
        if hit is None and self.part is not None and not self.part.risks:
            hit = self.vocab.question_at(texts[k])
        if hit is None:
            return self.circled(lines[k], texts[k])
        label, rest = hit
        if label is SKIP:
            return used
        self.items.flush_marker()
        self.scan.stream.append(Slot(label, lines[k], section=self.section_no, risk=self.risk_no))
        self.tail = self.cut_short(label, texts[k], rest, lines[k].no) if used == 1 else None
        if rest:
            self.items.add_text(lines[k + used - 1], rest)
            used += self.label_tail(label, texts, k + used)
        return used

    @staticmethod
    def cut_short(label: Label, text: str, rest: str, no: int) -> tuple[str, int] | None:
        """The end a label printed cut short on its line lacks (`④委託先への特定個人情報ファイルの [ ] 専用線 …`,
        then `提供方法` at the start of the next line), with the line's number."""
        at = text.rfind(rest) if rest else len(text)
        start = label_key(text[: at if at >= 0 else len(text)])
        if len(start) >= 6 and label.key.startswith(start) and len(start) < len(label.key):
            return label.key[len(start):], no
        return None

    def short_wrap(self, texts: list[str], k: int) -> tuple[Label, str] | None:
        """`⑦使用` / `の主体`: a numbered label wrapped after a start too short to tell alone; the two lines are
        the whole label (nothing after it), so no value's words are taken for it."""
        hit = self.vocab.label_at(self.part_key, texts[k] + texts[k + 1])
        return hit if hit is not None and not hit[1] else None

    def circled(self, line: Line, text: str) -> int:
        """A line whose circled label follows other text (`1） … 2） … ①NISC政府機関統一基準群`)."""
        found = self.vocab.circled_label_at(self.part_key, text)
        if found is None:
            return 0
        at, label, rest = found
        self.items.add_text(line, text[:at].strip())
        self.items.flush_marker()
        self.scan.stream.append(Slot(label, line, section=self.section_no, risk=self.risk_no))
        if rest:
            self.items.add_text(line, rest)
        return 1

    def fragment(self, texts: list[str], k: int) -> tuple[tuple[Label, str] | None, int]:
        """A label printed one character a line (再/委/託), or the start of a label cut from its end."""
        part = self.part_key
        if len(texts[k]) == 1:
            n = k
            while n < len(texts) and len(texts[n]) == 1 and texts[n].isalpha() and n - k < 8:
                n += 1
            hit = self.vocab.label_at(part, "".join(texts[k:n])) if n - k > 1 else None
            if hit and not hit[1]:
                return (SKIP, ""), n - k  # a label printed one character a line spans rows: no value of its own
            tail = texts[k].isalpha() and any(lb.key.endswith(texts[k]) for lb in self.vocab.labels.get(part, ()))
            return ((NONE_LABEL, ""), 1) if tail else (None, 1)
        key = label_key(texts[k])
        if len(key) >= 5 and self.vocab.is_label_start(part, texts[k]):
            found = [lb for lb in self.vocab.labels.get(part, ()) if lb.key.startswith(key)]
            return ((found[0] if len(found) == 1 and len(key) >= 8 else NONE_LABEL), ""), 1
        if len(key) >= 4 and key in self.vocab.suffixes.get(part, frozenset()):
            return (SKIP, ""), 1  # the wrapped end of a label printed apart from its start
        chunks = texts[k].split(" ")
        if len(chunks) > 1 and self.vocab.is_label_start(part, chunks[0]):
            hit = self.vocab.label_at(part, " ".join(chunks[1:]))
            if hit is not None:
                return hit, 1
        return None, 1

    def cut_across(self, texts: list[str], k: int) -> tuple[Label, str] | None:
        """A label the print cut at its cell's edge, its value beside it and its end at the start of the next
        line (`④…対象となる本人 [ 1万人未満 ]` / `の数 1） …`): the label, the next line without its end.
        A circled start that more than one label shares and the next line does not settle stands for no label."""
        head, sep, rest = texts[k].partition(" ")
        key, part = label_key(head), self.part_key
        if not sep or len(key) < 6 or key not in self.vocab.prefixes.get(part, frozenset()):
            return None
        if k + 1 < len(texts):
            tail, _, after = texts[k + 1].partition(" ")
            found = [lb for lb in self.vocab.labels.get(part, ()) if lb.key == key + label_key(tail)]
            if len(found) == 1:
                texts[k + 1] = after
                return found[0], rest.strip(" ※")
        return (NONE_LABEL, rest.strip(" ※")) if "①" <= head[:1] <= "⑳" else None

    def label_tail(self, label: Label, texts: list[str], k: int) -> int:
        """The end of a label cut at its cell's edge (`…本人の範` + value, then `囲`): skipped."""
        if k < len(texts) and len(texts[k]) <= 3 and label.key.endswith(label_key(texts[k])):
            return 1
        return 0

    def value(self, line: Line, text: str) -> int:
        self.items.add_text(line, text)
        return 1


TITLE = Label("", "", "text")
NONE_LABEL = Label("", "", "none")
SKIP = Label("", "", "skip")


def is_date(text: str) -> bool:
    return len(text) <= 24 and parse_date(text) is not None


__all__ = ["CheckRead", "Scan", "Scanner", "Slot", "is_date"]
