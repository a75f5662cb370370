"""Values read out of dump text: the `ValueSource` the binder reads, and the bracket pieces of a line.

A dump keeps the printed characters of `[ 十分である ]` and `[ ○ ] 宛名システム等` but not where
they stood, so a line is cut into brackets, check marks and text; the reader puts the pieces
back together (`extractor.text.dump.scan`) and hands each label its value as a `DumpValue`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractor.forms.choices import CLOSE, OPEN
from extractor.forms.events import CheckRead, ChoiceRead
from extractor.normalise import join_lines

CHECKED = frozenset("○◯●✓✔☑■☒レ✗◉")
BOXES = frozenset("☑☒■☐□")
UNCHECKED_BOXES = frozenset("☐□")
_PIECES = re.compile(r"[\[［]|[\]］]|[^\[\]［］]+")


@dataclass(frozen=True, slots=True)
class DumpValue:
    """A label's value as the dump printed it: text lines, a choice answer, or checkbox items."""

    lines: tuple[str, ...] = ()
    answer: str | None = None
    bracket: bool = False
    count_text: str = ""
    boxes: tuple[CheckRead, ...] = ()

    def text(self) -> str:
        return join_lines(list(self.lines))

    def choice(self) -> ChoiceRead:
        answer = self.answer
        if answer is None and not self.bracket and self.lines:
            answer = " ".join(self.lines)
        return ChoiceRead(answer, (), self.count_text)

    def checks(self) -> list[CheckRead]:
        return list(self.boxes)

    def items(self) -> list[str]:
        return list(self.lines)

    def has_legend(self) -> bool:
        return False

    def has_bracket(self) -> bool:
        return self.bracket

    def orphan_other(self) -> str | None:
        return None


def pieces(text: str) -> list[str]:
    """`[ ○ ] 宛名システム等 [` -> ['[', ' ○ ', ']', ' 宛名システム等 ', '[']."""
    return _PIECES.findall(text)


def marker_state(inner: str) -> bool | None:
    """The state of a checkbox marker `[ inner ]`: True (○), False (blank); None when it is no marker."""
    s = inner.strip(" \u3000")
    if not s:
        return False
    if len(s) == 1 and s in CHECKED:
        return True
    return None


def box_glyph(text: str) -> tuple[bool, str] | None:
    """`☑ 庁内連携システム` -> (True, '庁内連携システム'): a box glyph standing for a marker."""
    s = text.lstrip()
    if s[:1] in BOXES and (len(s) == 1 or s[1] in " \u3000" or not s[1].isascii()):
        return s[0] not in UNCHECKED_BOXES, s[1:].strip()
    return None


def is_open(piece: str) -> bool:
    return piece in OPEN


def is_close(piece: str) -> bool:
    return piece in CLOSE
