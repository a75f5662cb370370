"""Stage 1 (scans) — Roman numerals (Ⅰ–Ⅹ) that open a heading line.

The Japanese model has no Roman numeral characters: it reads Ⅰ as 1, Ⅱ as 中 or T, Ⅲ as 世 or
岬, and the part headings are lost.  So a short glyph group that opens a line and stands apart
from the text after it is read again: numerals made of stems (Ⅱ, Ⅲ, which the English model
misses as well) are counted from the image, others are read by the English model limited to
I, V, X and the digits (so a real 1 stays 1); a confident I…X replaces the group.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from extractor.read.lines import true_runs
from extractor.read.raster import Image, Raster
from extractor.read.tesseract import Glyph, engine, recognise
from extractor.read.vocabulary import is_kana, is_kanji

ROMAN = {"I": "Ⅰ", "II": "Ⅱ", "III": "Ⅲ", "IV": "Ⅳ", "V": "Ⅴ", "VI": "Ⅵ", "VII": "Ⅶ", "VIII": "Ⅷ", "IX": "Ⅸ",
         "X": "Ⅹ"}
WHITELIST = "IVX0123456789"
APART = 0.8  # the group is followed by at least this many glyph heights of space
MIN_CONF = 0.5
TEXT_CONF = 0.9  # an opening group of kana or kanji all read this surely is words, not a numeral
NOT_NUMERAL = set(".．)）(（、。・:：-－[]［］「」<>＜＞")  # item numbers, bullets, brackets are read right


def _em(line: list[Glyph]) -> float:
    heights = sorted(g.y1 - g.y0 for g in line)
    return heights[len(heights) // 2]


def _lead(line: list[Glyph], em: float) -> int:
    """How many glyphs make the line's opening group (0: none that could be a numeral)."""
    for k in range(min(3, len(line) - 1)):
        if line[k + 1].x0 - line[k].x1 >= APART * em:
            return k + 1
    return 0


def _read_as_words(group: list[Glyph]) -> bool:
    """Several kana or kanji read surely (`評価書` before a gap in `評価書 番号`): Japanese text, not a
    numeral, which the model reads as one glyph (中, 世) or as Latin letters and digits."""
    return len(group) >= 2 and all((is_kana(g.text) or is_kanji(g.text)) and g.conf >= TEXT_CONF for g in group)


def _first_group(ink: Image, gap: float) -> Image:
    """The ink left of the first run of at least `gap` empty columns after some ink."""
    cols: NDArray[np.bool_] = np.asarray(ink.any(axis=0), dtype=bool)
    seen, empty = False, 0
    for x, inked in enumerate(cols):
        if inked:
            seen, empty = True, 0
        elif seen:
            empty += 1
            if empty >= gap:
                return ink[:, : x - empty + 1]
    return ink


def _tight(ink: Image) -> Image:
    """The ink's bounding box, with a margin of 2 px."""
    rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    if rows.size == 0:
        return ink[:0, :0]
    return ink[max(0, rows[0] - 2): rows[-1] + 3, max(0, cols[0] - 2): cols[-1] + 3]


def fix_numeral(line: list[Glyph], raster: Raster) -> list[Glyph]:
    """The line with a Roman numeral opening it written as the numeral."""
    line = sorted(line, key=lambda g: g.x0)
    em = _em(line)
    n = _lead(line, em) if len(line) >= 2 else 0
    if not n or any(ch in NOT_NUMERAL for g in line[: n + 1] for ch in g.text):
        return line  # an item number, a bullet, a bracket (also `[` read as `!`, then `]`)
    if _read_as_words(line[:n]):
        return line
    # the first run of inked columns: Tesseract's boxes are too loose to crop by
    x0, x1 = max(0, int(line[0].x0) - 4), int(line[n].x0) + 2
    y0, y1 = max(0, int(min(g.y0 for g in line)) - 2), int(np.ceil(max(g.y1 for g in line))) + 2
    crop = _tight(_first_group(raster.ink[y0:y1, x0:x1], 0.6 * em))
    if crop.size == 0:
        return line
    text, conf = _read_numeral(crop, raster.dpi)
    if text not in ROMAN or conf < MIN_CONF:
        return line
    box = (line[0].x0, min(g.y0 for g in line[:n]), line[0].x0 + crop.shape[1], max(g.y1 for g in line[:n]))
    return [Glyph(*box, ROMAN[text], conf, True), *line[n:]]


def _read_numeral(crop: Image, dpi: float) -> tuple[str, float]:
    """Numerals of stems (Ⅱ, Ⅲ) by their shape; a single stem only when the English model also
    reads I (the digit 1 is a stem too); others (Ⅳ…) by the English model alone."""
    from tesserocr import PSM

    by_shape = shape_numeral(crop)
    if by_shape and by_shape != "I":
        return by_shape, 0.9
    read = recognise(engine("eng", WHITELIST), crop, dpi, PSM.SINGLE_LINE)
    text, conf = "".join(g.text for g in read), min((g.conf for g in read), default=0.0)
    if by_shape == "I" and text != "I":
        # the English model returns nothing for some lone bars: a bare bar (no flag, no serif) is Ⅰ
        return ("I", 0.8) if not text and _bare(crop) else ("", 0.0)
    return text, conf


def _bare(ink: Image) -> bool:
    """A stem as wide at its ends as in its middle: no flag (the digit 1) and no serifs."""
    h = int(ink.shape[0])
    q = max(1, h // 7)
    middle = _extent(ink[int(0.3 * h): int(0.7 * h) + 1])
    return all(abs(a - b) <= max(1.0, 0.05 * h) for end in (ink[:q], ink[-q:])
               for a, b in zip(_extent(end), middle, strict=True))


def _extent(rows: Image) -> tuple[int, int]:
    cols = np.flatnonzero(rows.any(axis=0))
    return (int(cols[0]), int(cols[-1])) if cols.size else (0, 0)


def _stems(ink: Image) -> int:
    """How many straight vertical stems the glyph is made of (0: it is not made so).

    Ⅰ, Ⅱ, Ⅲ are stems, bare (sans-serif) or joined by a bar at the top and at the bottom
    (serif); the digit 1 has a flag at the top only, so its top and bottom differ.
    """
    h = int(ink.shape[0])
    band = ink[int(0.3 * h): int(0.7 * h) + 1] > 0
    runs = [true_runs(row) for row in band]
    k = len(runs[0]) if runs else 0
    if not 1 <= k <= 3 or any(len(r) != k for r in runs):
        return 0
    for j in range(k):
        starts = [r[j][0] for r in runs]
        if max(starts) - min(starts) > 0.1 * h or runs[0][j][1] - runs[0][j][0] > 0.35 * h:
            return 0
    q = max(1, h // 7)
    (lt, rt), (lb, rb) = _extent(ink[:q]), _extent(ink[-q:])
    return k if abs(lt - lb) <= 0.12 * h and abs(rt - rb) <= 0.12 * h else 0


def _is_v(ink: Image) -> bool:
    """Wide at the top, narrowing steadily to the bottom."""
    widths = [int(np.flatnonzero(r)[-1] - np.flatnonzero(r)[0] + 1) for r in ink if r.any()]
    if len(widths) < 0.9 * ink.shape[0] or ink.shape[1] < 0.5 * ink.shape[0]:
        return False
    q = max(1, len(widths) // 4)
    return bool(float(np.mean(widths[:q])) > 2.5 * float(np.mean(widths[-q:])))


def _strokes(ink: Image) -> str | None:
    """One run of touching columns as I, V or V/I combinations (Ⅳ, Ⅵ print the strokes touching)."""
    stems = _stems(ink)
    if stems:
        return "I" * stems
    if _is_v(ink):
        return "V"
    bar = round(0.3 * ink.shape[0])
    if ink.shape[1] > bar and _stems(ink[:, -bar:]) == 1 and _is_v(ink[:, :-bar]):
        return "VI"
    if ink.shape[1] > bar and _stems(ink[:, :bar]) == 1 and _is_v(ink[:, bar:]):
        return "IV"
    return None


def shape_numeral(ink: Image) -> str | None:
    """A sans-serif Roman numeral (I…VIII) read from its strokes, or None."""
    cols: NDArray[np.bool_] = np.asarray(ink.any(axis=0), dtype=bool)
    parts: list[str] = []
    for x, end in true_runs(cols):
        rows = np.flatnonzero(ink[:, x:end].any(axis=1))
        part = _strokes(ink[rows[0]: rows[-1] + 1, x:end]) if rows.size >= 0.8 * ink.shape[0] else None
        if part is None:
            return None
        parts.append(part)
    text = "".join(parts)
    return text if text in ROMAN else None
