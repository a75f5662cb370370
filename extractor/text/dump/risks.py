"""Ⅲ/Ⅳ choice answers of a scrambled dump, placed on the form's question outline.

The form fixes the questions and their order (`layouts/risk_outline.json`).  In a
dump, every question's label still sits on the page of its answer, and pages are
in order, so the k-th label occurrence (in page order) is the k-th question with
that label.  On each page the answers found (`[ 十分である`, `定めている[`, a bare
`十分に行っている` …) are then matched to that page's questions by their option set
(an answer can only belong to a question whose ＜選択肢＞ list contains it) and by
a label printed on the same line.  A question gets an answer only when every way
of matching the page gives it that same answer; otherwise it stays null.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractor.forms.spec import FormSpec
from extractor.model import DocumentResult, RiskRow
from extractor.text.dump.pages import _BRACKETS, _LEGEND_NO, Line, Page

_CIRCLED = re.compile(r"^[①-⑳]")


@dataclass
class Slot:
    """One expected question: where it is in the form and which answers it accepts."""

    file_no: int | None
    part: str
    section_no: int
    section: str
    risk_no: int | None
    risk: str | None
    label: str  # as printed, spaces removed (circled number kept)
    options: tuple[str, ...]
    page: int = -1
    answer: str | None = None

    @property
    def question(self) -> str:
        return _CIRCLED.sub("", self.label)


@dataclass
class Answer:
    value: str
    label: str | None  # a question label printed on the same line


def outline_slots(spec: FormSpec, n_files: int) -> list[Slot]:
    """The form's questions in printed order: Ⅲ once per file, Ⅳ once."""
    slots: list[Slot] = []
    for part in ("III", "IV"):
        spec_part = spec.part(part)
        per_file = bool(spec_part and spec_part.per_file)
        for file_no in (range(1, n_files + 1) if per_file else [None]):
            for section in (s for s in spec.outline if s.part == part):
                for risk in section.risks:
                    for label, option_set in risk.questions.items():
                        slots.append(Slot(file_no, part, section.section, section.title, risk.no, risk.title,
                                          _key(label), spec.choices[option_set]))
    return slots


def _key(text: str) -> str:
    return re.sub(r"[\s※]", "", text)


def locate_slots(slots: list[Slot], pages: list[Page], result: DocumentResult) -> None:
    """Give each question the page its label is printed on (k-th occurrence -> k-th question with that label)."""
    labels = list(dict.fromkeys(s.label for s in slots))
    options = {o for s in slots for o in s.options}
    occurrences: dict[str, list[int]] = {label: [] for label in labels}
    for page in pages:
        for k in range(len(page.lines)):
            for label in labels:
                if _label_at(page.lines, k, label, options):
                    occurrences[label].append(page.number)
    for label in labels:
        mine = [s for s in slots if s.label == label]
        found = occurrences[label]
        if len(found) != len(mine):
            result.warn(f"Ⅲ/Ⅳ: the question '{_CIRCLED.sub('', label)}' is printed {len(found)} times where the form "
                        f"has {len(mine)}; its answers were not placed")
            continue
        for slot, page_no in zip(mine, found, strict=True):
            slot.page = page_no


def _label_at(lines: list[Line], k: int, label: str, options: set[str]) -> bool:
    """The label starts line k, or follows a space in it (possibly wrapped over the next lines).

    A circled label (`①NISC…`) may stand anywhere in the line; a section heading (`２．…`) is not a label.
    """
    raw = lines[k].text
    if _CIRCLED.match(label):
        at = raw.find(label[0])
    elif raw.startswith(label[:2]):
        at = 0
    else:
        at = raw.find(" " + label[:2]) + 1
    if at < 0 or (at == 0 and not _CIRCLED.match(label) and not raw.startswith(label[:2])):
        return False
    joined = _key(raw[at:])
    for nxt in lines[k + 1 : k + 4]:
        if len(joined) >= len(label):
            break
        joined += _key(nxt.text)
    if not joined.startswith(label):
        return False
    rest = joined[len(label) :]
    return not rest or rest[0] in "[［<＜" or bool(_LEGEND_NO.match(rest)) or any(rest.startswith(o) for o in options)


def _line_label(text: str, labels: list[str]) -> str | None:
    """The question label printed on this line (at its start; a circled label anywhere)."""
    key = _key(text)
    for label in labels:
        if (_CIRCLED.match(label) and label in key) or key.startswith(label):
            return label
    return None


def page_answers(page: Page, labels: list[str], options: set[str]) -> list[Answer]:
    """Every answer printed on the page, with the question label when it shares the line."""
    found: list[Answer] = []
    for line in page.lines:
        label = _line_label(line.text, labels)
        found.extend(Answer(value, label) for value in _line_values(line.text, options))
    return found


def _line_values(text: str, options: set[str]) -> list[str]:
    values = []
    for segment in _BRACKETS.split(text):
        head = _LEGEND_NO.split(segment, maxsplit=1)[0].strip()
        whole = re.sub(r"\s", "", head)
        tokens = head.split(" ")
        if whole in options:
            values.append(whole)
        elif len(tokens) > 1 and tokens[-1] in options:
            values.append(tokens[-1])
        elif len(tokens) > 1 and tokens[0] in options:
            values.append(tokens[0])
    return values


def place_answers(slots: list[Slot], pages: list[Page]) -> None:
    """Per page: answers -> questions, kept only where every consistent matching agrees."""
    all_options = {o for s in slots for o in s.options}
    labels = sorted({s.label for s in slots}, key=len, reverse=True)
    for page in pages:
        mine = [s for s in slots if s.page == page.number]
        if not mine:
            continue
        answers = page_answers(page, labels, all_options)
        _match_page(mine, answers)


def _fits(answer: Answer, slot: Slot) -> bool:
    return answer.value in slot.options and (answer.label is None or answer.label == slot.label)


def _match_page(slots: list[Slot], answers: list[Answer]) -> None:
    """Forced assignments only: a group of questions takes a group of answers when counts agree and values do."""
    open_slots = list(slots)
    pool = [a for a in answers if any(_fits(a, s) for s in slots)]
    changed = True
    while changed and open_slots and pool:
        changed = False
        for group in _groups(open_slots, pool):
            g_slots, g_answers = group
            values = {a.value for a in g_answers}
            if len(g_slots) == len(g_answers) and len(values) == 1:
                (value,) = values
                for s in g_slots:
                    s.answer = value
                    open_slots.remove(s)
                for a in g_answers:
                    pool.remove(a)
                changed = True
                break


def _groups(slots: list[Slot], answers: list[Answer]) -> list[tuple[list[Slot], list[Answer]]]:
    """Connected groups of questions and answers that could go together (fits relation)."""
    groups: list[tuple[list[Slot], list[Answer]]] = []
    seen: set[int] = set()
    for start in slots:
        if id(start) in seen:
            continue
        g_slots, g_answers = [start], []
        seen.add(id(start))
        frontier = [start]
        while frontier:
            s = frontier.pop()
            for a in answers:
                if id(a) not in seen and _fits(a, s):
                    seen.add(id(a))
                    g_answers.append(a)
                    for t in slots:
                        if id(t) not in seen and _fits(a, t):
                            seen.add(id(t))
                            g_slots.append(t)
                            frontier.append(t)
        groups.append((g_slots, g_answers))
    # narrower groups first: answers printed with their label, then exclusive option sets
    return sorted(groups, key=lambda g: (len(g[0]), len(g[1])))


def risk_groups(slots: list[Slot], pages: list[Page], where: dict[str, list[int]]
                ) -> list[tuple[list[Slot], list[Page]]]:
    """Each file's Ⅲ questions with the pages from its Ⅲ heading to the next; Ⅳ with its own pages.

    Placing per file keeps a miscounted label from shifting the answers of the other files.
    """
    starts = where.get("III", [])
    if not starts:
        return []
    later = sorted(k for key in ("IV", "V", "VI") for k in where.get(key, []) if k > starts[0])
    end = next((k for k in later if k > starts[-1] and k not in where.get("IV", [])), len(pages))
    four = next((k for k in where.get("IV", []) if k > starts[-1]), end)
    files = sorted({s.file_no for s in slots if s.part == "III"})
    if len(files) != len(starts):
        return [(slots, pages[starts[0] : end])]
    bounds = [*starts, four]
    groups = [([s for s in slots if s.file_no == f], pages[bounds[k] : bounds[k + 1]]) for k, f in enumerate(files)]
    groups.append(([s for s in slots if s.part == "IV"], pages[four:end]))
    return groups


def read_risk_answers(spec: FormSpec, pages: list[Page], where: dict[str, list[int]], n_files: int,
                      result: DocumentResult) -> None:
    """Ⅲ/Ⅳ risk_ratings rows for every question of the form; answers only where the dump settles them."""
    slots = outline_slots(spec, n_files)
    if not slots:
        return
    for group_slots, group_pages in risk_groups(slots, pages, where):
        locate_slots(group_slots, group_pages, result)
        place_answers(group_slots, group_pages)
    unplaced = 0
    for s in slots:
        code = s.options.index(s.answer) + 1 if s.answer in s.options else None
        result.risk_ratings.append(RiskRow(result.document.doc_id, s.file_no, s.part, s.section_no, s.section,
                                           s.risk_no, s.risk, s.question, s.answer, code))
        unplaced += s.page < 0
    if unplaced:
        result.warn(f"Ⅲ/Ⅳ: {unplaced} questions could not be located in the dump; their answers are left empty")
