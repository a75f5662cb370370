"""The seam between "where is it on the page" and "what does it mean".

Each reader (PDF grid rows, Markdown/HTML rows, text dumps) turns its input into this one
stream of events, every event carrying its provenance (page, or line for text inputs);
`extractor.forms.bind` turns the stream into records with the form spec.  A value is handed
over as a `ValueSource`, so the binder asks for the reading the field needs (text, a
choice answer with its legend, checkbox items) without knowing the input's geometry.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from extractor.forms.spec import Block, Part


@dataclass(frozen=True, slots=True)
class Where:
    page: int | None = None  # 1-based page of a PDF
    line: int | None = None  # 1-based line of a text input


@dataclass(frozen=True, slots=True)
class ChoiceRead:
    """A `[ 十分である ]` answer as printed, with the legend printed beside it."""

    answer: str | None  # folded; None when blank
    legend: tuple[tuple[int, str], ...]  # (number, option) as printed, sorted by number
    count_text: str  # where a `（ N ）件` count slot would be printed


@dataclass(slots=True)
class CheckRead:
    """One checkbox option as printed: its marker state and its label (with any `（ … ）` text)."""

    label: str
    checked: bool | None  # None: a marker whose state could not be read


class ValueSource(Protocol):
    """A printed value, read the way its field needs."""

    def text(self) -> str: ...

    def choice(self) -> ChoiceRead: ...

    def checks(self) -> list[CheckRead]: ...

    def has_legend(self) -> bool: ...  # a ＜選択肢＞ legend is printed with it

    def has_bracket(self) -> bool: ...  # an answer bracket `[` is printed

    def orphan_other(self) -> str | None: ...  # the text of an その他 box the input lost, if any

    def items(self) -> list[str]: ...  # one entry per printed line (a wrapped line joined to its start)


@dataclass(frozen=True, slots=True)
class Stamp:
    version: str  # `平成30年5月 様式4`


@dataclass(frozen=True, slots=True)
class PartStart:
    part: Part
    where: Where
    recovered: str | None = None  # the text that stood for a heading the input lost
    risk_file_no: int | None = None  # the file a recovered per-file risk part belongs to


@dataclass(frozen=True, slots=True)
class AnnexStart:
    heading: str  # folded heading line (names the file and section)
    number: str | None  # 別添N / 別紙N
    where: Where


@dataclass(frozen=True, slots=True)
class AnnexTitle:
    kind: str  # provision | transfer


@dataclass(frozen=True, slots=True)
class AnnexRow:
    values: dict[str, str]  # recipients column -> text
    continues: bool  # the rest of the previous row, cut by a page break
    where: Where


@dataclass(frozen=True, slots=True)
class Section:
    no: int
    title: str  # the heading without its number and trailing checkboxes
    text: str  # the whole cell (it may be the value a preceding heading waits for)
    where: Where
    items: tuple[str, ...] = ()  # the cell's printed lines, wrapped lines joined


@dataclass(frozen=True, slots=True)
class Note:
    """A lone line or cell that is neither a heading nor a label/value pair."""

    text: str
    where: Where
    items: tuple[str, ...] = ()  # the cell's printed lines, wrapped lines joined


@dataclass(frozen=True, slots=True)
class BlockStart:
    block: Block
    number: int
    title: str | None  # the text printed beside the heading (委託事項1 | 住民票の発行…)
    where: Where


@dataclass(frozen=True, slots=True)
class RiskHeading:
    no: int | None
    title: str | None  # several stacked titles joined by "\n"
    where: Where


@dataclass(frozen=True, slots=True)
class Labeled:
    label: str
    value: ValueSource
    group: str | None  # the group label printed in a column spanning several rows
    where: Where
    in_heading: bool = False  # checkboxes printed in a section heading (`４．… [ ] 委託しない`)


@dataclass(frozen=True, slots=True)
class Warn:
    message: str


Event = (Stamp | PartStart | AnnexStart | AnnexTitle | AnnexRow | Section | Note | BlockStart | RiskHeading | Labeled
         | Warn)
