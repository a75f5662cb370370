"""Value pieces of dump lines, appended to the scan stream as `Item`s.

- `[ 十分である ]` is an answer; `[` with its answer and `]` on later lines is one answer, placed
  where its `[` stands (the text just before its `]` is the answer);
- `[ ○ ]`, `[ ]` or a box glyph followed by a checkbox option label is a check item; consecutive
  check items form one group; an empty `[ ]` not followed by an option is a blank answer;
- `定めている[ ]` (the answer printed before its empty bracket) is an answer;
- ＜選択肢＞ legends are skipped; a `（ N ）件` count goes with the answer before it;
- a line that is only a date is a date; other lines are text, consecutive lines one item.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from extractor.forms.events import CheckRead
from extractor.forms.patterns import patterns
from extractor.normalise import label_key, parse_date
from extractor.text.dump.lines import Line
from extractor.text.dump.values import BOXES, box_glyph, is_close, is_open, marker_state, pieces
from extractor.text.dump.vocab import Vocab

_GLYPHS = re.compile(r"\s+(?=[" + "".join(sorted(BOXES)) + r"](?:\s|$))")  # before each box glyph of a line


def _open_paren(text: str) -> bool:
    return sum(text.count(c) for c in "(（") > sum(text.count(c) for c in ")）")


def _is_fragment(text: str) -> bool:
    s = text.strip()
    if not s or s in patterns().words.empty_values or s.isdigit():
        return False
    return len(s) <= 2 and not any(ch.isalnum() and not ("ぁ" <= ch <= "ヿ") for ch in s)


def _in(key: str, options: frozenset[str]) -> bool:
    return any(key.startswith(o) or (len(key) >= 6 and o.startswith(key)) for o in options)


@dataclass(slots=True)
class Item:
    kind: str  # text | date | answer | checks | void
    line: Line
    lines: list[str] = field(default_factory=list)
    answer: str | None = None
    open: bool = False  # an answer waiting for its `]`
    floating: bool = False  # an answer printed apart from its `[`: where it stands is not settled
    count_text: str = ""
    checks: list[CheckRead] = field(default_factory=list)
    inline: list[bool] = field(default_factory=list)  # per check: its marker printed on its line
    option_like: bool = False  # a text that is an option's text (or its start): no text value
    origin: Item | None = None  # the text block a paragraph was cut from
    pieces: int = 1  # how many paragraphs of `origin` it joins


class _Pieces:
    """The builder's state: the stream it appends to, the open brackets and a marker waiting for its label."""

    def __init__(self, stream: list[object], vocab: Vocab, part: Callable[[], str]) -> None:
        self.stream = stream
        self.vocab = vocab
        self.part = part
        self.run = 0  # markers since the last label text (a column of markers cut from their labels)
        self.pending: list[Item] = []  # answers whose `]` is still to come
        self.mark: tuple[bool | None, Item | None] | None = None  # a marker waiting for its label
        self.mark_no = 0  # the line the marker was printed on
        self.stray_page = 0  # the last page a `]` came before its `[`
        self.balance: dict[int, int] = {}  # page -> `[` less `]` printed on it so far

    def reset(self) -> None:
        self.pending, self.mark, self.run = [], None, 0

    def last(self) -> object:
        """The last element of the stream that is not a voided piece."""
        for el in reversed(self.stream[-4:]):
            if not (isinstance(el, Item) and el.kind == "void"):
                return el
        return None

    def recent(self, n: int) -> Iterator[object]:
        """The last `n` elements of the stream, newest first, voided pieces (markers used up) not counted."""
        for el in reversed(self.stream):
            if isinstance(el, Item) and el.kind == "void":
                continue
            if n <= 0:
                return
            n -= 1
            yield el

    def add(self, item: Item) -> None:
        self.stream.append(item)

    def set_mark(self, state: bool | None, blank: Item | None, line: Line) -> None:
        self.mark, self.mark_no = (state, blank), line.no
        self.run += 1

    def flush_marker(self) -> None:
        self.mark, self.run = None, 0

    def is_option(self, text: str) -> bool:
        """`text` is a checkbox option's label: the label alone, with its `（ … ）` text or count, or its start
        (a label the print wrapped) — not a sentence that starts with an option's words."""
        key = label_key(text)
        return bool(key) and self.vocab.is_box_option(self.part(), key)

    def in_checks(self) -> bool:
        last = self.last()
        return isinstance(last, Item) and last.kind == "checks"


class _Brackets(_Pieces):
    """Bracketed answers: `[ 十分である ]` on one line, or its `[`, answer and `]` printed apart."""

    def bracket(self, line: Line, ps: list[str], k: int) -> int:
        """`[` at ps[k]: a complete bracket on this line, or one whose `]` comes later."""
        inner, end = None, k + 1
        if k + 1 < len(ps) and is_close(ps[k + 1]):
            inner, end = "", k + 2
        elif k + 2 < len(ps) and is_close(ps[k + 2]):
            inner, end = ps[k + 1], k + 3
        if inner is None:  # `[ 十分である` / `[ ○` / `[` with the rest on later lines
            rest = ps[k + 1].strip() if k + 1 < len(ps) and not is_open(ps[k + 1]) else ""
            if rest and marker_state(rest) is True:
                self.set_mark(True, None, line)
            elif rest:
                self.add(Item("answer", line, answer=rest))
            else:
                item = Item("answer", line, open=True)
                self.pending.append(item)
                self.balance[line.page] = self.balance.get(line.page, 0) + 1
                self.add(item)
            return k + 2 if rest else k + 1
        self.complete(line, inner, before=ps[k - 1].strip() if k else "")
        return end

    def complete(self, line: Line, inner: str, before: str) -> None:
        state, last = marker_state(inner), self.last()
        if state is None:
            self.add(Item("answer", line, answer=inner.strip()))
        elif state:
            self.set_mark(True, None, line)
        elif before and isinstance(last, Item) and last.kind == "text" and not self.is_option(before):
            last.kind, last.answer = "answer", before  # `定めている[ ]`
        else:
            blank = Item("answer", line)
            self.add(blank)
            self.set_mark(False, blank, line)

    def close(self, line: Line) -> None:
        """`]`: the `[` it closes and the answer printed between them.

        `[`, an answer and `]` on consecutive lines close the newest `[`; otherwise the brackets are
        closed in the order they were opened, each with the first ＜選択肢＞ option printed after the
        oldest open `[` (a dump may print a column of `[`, then a column of answers, then of `]`) —
        unless a `]` came before any `[` on the page: then such an answer's place is not settled.
        """
        if self.balance.get(line.page, 0) <= 0:
            self.stray_page = line.page  # a `]` before its `[` on the page: its brackets came out of order
        self.balance[line.page] = self.balance.get(line.page, 0) - 1
        self.pending = [p for p in self.pending if p.line.page == line.page]  # a `[` closes on its own page
        if not self.pending:
            return
        prev = self.last()
        text = prev if isinstance(prev, Item) and prev.kind == "text" and len(prev.lines) <= 2 else None
        answer: Item | None = text
        if text is not None and self.right_after(self.pending[-1], text):
            item = self.pending.pop()
        else:
            item = self.pending.pop(0)
            answer = next(self.loose(item), text)
            apart = answer is not None and not self.follows(item, answer)
            item.floating = apart and (self.stray_page == line.page or self.option_before(item))
        item.open = False
        if answer is not None and answer is not item:
            item.answer = "".join(answer.lines)
            answer.kind = "void"
        elif prev is item or item.answer is None:
            self.set_mark(False, item, line)

    def right_after(self, first: Item, second: Item) -> bool:
        """`second` is the next piece after `first` in the stream."""
        tail = [el for el in self.stream[-6:] if not (isinstance(el, Item) and el.kind == "void")]
        return len(tail) >= 2 and tail[-2] is first and tail[-1] is second

    def follows(self, first: Item, second: Item) -> bool:
        """`second` is the next value piece after `first` in the stream (nothing but voids between)."""
        at = next((k for k in range(len(self.stream) - 1, -1, -1) if self.stream[k] is first), -1)
        for el in self.stream[at + 1:]:
            if isinstance(el, Item) and el.kind == "void":
                continue
            return el is second
        return False

    def option_before(self, opened: Item) -> bool:
        """An option text printed right before the `[` (its answer may stand before it as well as after)."""
        at = next((k for k in range(len(self.stream) - 1, -1, -1) if self.stream[k] is opened), 0)
        before = next((el for el in reversed(self.stream[:at])
                       if not (isinstance(el, Item) and el.kind == "void")), None)
        return isinstance(before, Item) and before.kind == "text" and len(before.lines) == 1 and (
            label_key(before.lines[0]) in self.vocab.choice_options)

    def loose(self, opened: Item) -> Iterator[Item]:
        """Texts after `opened` that are exactly one ＜選択肢＞ option (answers printed apart from their brackets)."""
        seen = False
        for el in self.stream[-200:]:
            seen = seen or el is opened
            if seen and isinstance(el, Item) and el.kind == "text" and len(el.lines) == 1 and (
                    label_key(el.lines[0]) in self.vocab.choice_options):
                yield el


class ItemBuilder(_Brackets):
    """Appends the value pieces of lines to `stream` (see the module docstring)."""

    def add_text(self, line: Line, text: str) -> None:
        p = patterns()
        mark = p.legend_mark.search(text)
        if mark:
            text = text[: mark.start()].strip()
        if self.vocab.is_legend_line(text):
            return
        if not text or label_key(text) == "":
            return
        count = p.count.search(text)
        if count and not text[: count.start()].strip() and not any(c in text for c in "[]［］"):
            self.attach_count(text)
            return
        self.add_pieces(line, pieces(text))

    def attach_count(self, text: str) -> None:
        for el in reversed(self.stream[-8:]):
            if isinstance(el, Item) and el.kind == "answer":
                el.count_text += " " + text
                return

    def add_pieces(self, line: Line, ps: list[str]) -> None:
        k = 0
        while k < len(ps):
            piece = ps[k]
            if is_open(piece):
                k = self.bracket(line, ps, k)
            elif is_close(piece):
                self.close(line)
                k += 1
            elif self.vocab.is_legend_line(piece.strip()):
                k += 1  # `[ ] 1） 定めている`: a legend printed after a bracket is no answer
            else:
                self.piece(line, piece.strip(), first=k == 0)
                k += 1

    def piece(self, line: Line, text: str, first: bool) -> None:
        if not text:
            return
        parts = _GLYPHS.split(text)
        if len(parts) > 1 and all((g := box_glyph(p)) is not None and self.is_option(g[1]) for p in parts):
            for k, part in enumerate(parts):  # `☐ 情報提供ネットワークシステム ☑ 庁内連携システム`: one check each
                self.piece(line, part, first and not k)
            return
        count = patterns().count.search(text)
        if count and not text[: count.start()].strip() and not text[count.end():].strip():
            self.attach_count(text)  # `] （2） 件`: the count slot of the answer before it
            return
        glyph = box_glyph(text)
        if glyph is not None:
            self.set_mark(glyph[0], None, line)
            text = glyph[1]
            if not text:
                return
        if len(text) == 1 and marker_state(text) is True:
            self.set_mark(True, None, line)
            return
        if self.mark is not None and self.is_option(text):
            self.check(line, text, self.mark[0])
        elif self.is_option(text) and self.group_for(text) is not None:
            self.check(line, text, None)
        elif not self.continue_check(text):
            self.flush_marker()
            self.add_line(line, text, first)

    def check(self, line: Line, text: str, state: bool | None) -> None:
        if self.mark is not None and self.mark[1] is not None:
            self.mark[1].kind = "void"  # the empty bracket was a marker, not a blank answer
        if self.run > 1:
            state = None  # one of a column of markers: which one is this label's is lost
        inline = self.mark is not None and self.mark_no == line.no
        self.mark, self.run = None, 0
        group = self.group_for(text)
        if group is None:
            group = Item("checks", line)
            self.add(group)
        group.checks.append(CheckRead(text, state))
        group.inline.append(inline)

    def group_for(self, text: str) -> Item | None:
        """The check group printed just before whose option set also holds `text` (one checkbox field)."""
        key = label_key(text)
        for el in self.recent(12):
            if not isinstance(el, Item):
                return None
            if el.kind == "checks":
                if any(label_key(c.label) == key for c in el.checks):
                    return None  # the same option again: the next field's group
                first = label_key(el.checks[0].label)
                same = any(_in(first, s) and _in(key, s) for s in self.vocab.box_sets.get(self.part(), ()))
                return el if same else None
            if el.kind in ("answer", "date"):
                return None
        return None

    def continue_check(self, text: str) -> bool:
        """The wrapped end of a check label printed apart from it (`フラッシュメモ` … `リ`)."""
        key = label_key(text)
        options = self.vocab.box_options.get(self.part(), ())
        for el in self.recent(6):
            if isinstance(el, Item) and el.kind == "checks":
                last = el.checks[-1]
                if _open_paren(last.label):  # `その他 （ … ` whose text goes on until its `）`
                    last.label += text
                    return True
                for c in el.checks:
                    head = label_key(c.label)
                    if head not in options and any(o.startswith(head + key) or ((head + key).startswith(o)
                                                   and len(head) < len(o)) for o in options):
                        c.label += text  # (options printed in two columns, a label's end after the next option)
                        return True
                return False
        return False

    def answer_end(self, last: object, text: str) -> bool:
        """`[ 100万人以上1,000万人 ]` then `未満`: the end of an answer the print cut inside its bracket."""
        if not (isinstance(last, Item) and last.kind == "answer" and last.answer):
            return False
        options = self.vocab.choice_options
        if label_key(last.answer) in options or label_key(last.answer + text) not in options:
            return False
        last.answer += text
        return True

    def add_line(self, line: Line, text: str, first: bool) -> None:
        last = self.last()
        if self.answer_end(last, text):
            return
        if _is_fragment(text):
            if isinstance(last, Item) and last.kind == "text" and first and not line.gap and (
                    _open_paren("".join(last.lines)) or len(last.lines[-1]) >= 20):
                last.lines[-1] += text  # the wrapped end of the text just before (`…も含` / `む）`)
            return  # else the wrapped end of something printed apart (`ム`, `）`): no value of its own
        if len(text) <= 24 and parse_date(text) is not None:
            self.add(Item("date", line, [text]))
        elif isinstance(last, Item) and last.kind == "text" and first and not line.gap:
            last.lines.append(text)
            last.option_like = self.vocab.is_option_text("".join(last.lines)) or (
                last.option_like and self.vocab.is_option_text(text))  # a column of option texts
        else:
            self.add(Item("text", line, [text], option_like=self.vocab.is_option_text(text)))
