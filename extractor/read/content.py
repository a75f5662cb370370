"""The reader interface: what every reader (PDF text layer, OCR) hands to the layout stage.

A page is positioned words plus axis-parallel ruling segments, in PDF points with the
origin at the top left.  Plain tuples: tens of thousands are made per document.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple


class Word(NamedTuple):
    """A positioned word (a NamedTuple: tens of thousands are made per document, cheaply)."""

    x0: float
    y0: float
    x1: float
    y1: float
    text: str


class Segment(NamedTuple):
    """An axis-parallel ruling segment: `pos` is its y (horizontal) or x (vertical)."""

    pos: float
    start: float
    end: float


@dataclass(frozen=True, slots=True)
class PageContent:
    number: int  # 1-based
    width: float
    height: float
    words: tuple[Word, ...]
    hsegs: tuple[Segment, ...]
    vsegs: tuple[Segment, ...]
