"""Stage 1 (scans) — checkbox marks decided from the ink on the page, not from OCR text alone.

OCR drops a thin ○ between brackets, reads it as 0, O or 〇, or sees a speck as a mark.  So
between a `[` and the `]` that closes it less than a few characters later, the mark is what
the ink says: a blob of at least a third of the bracket's height is a mark (kept as OCR read
it when that is a mark glyph, else `○`); no such blob is no mark, whatever OCR said.  A blob
much taller than wide is a bracket's own stroke that a misplaced bracket box left inside, not a
mark: marks are about as wide as tall (○, ✓, ■).
"""

from __future__ import annotations

import numpy as np

from extractor.read.raster import Raster
from extractor.read.tesseract import Glyph

OPEN = frozenset("[［")
CLOSE = frozenset("]］")
# what the Japanese model reads a thin square bracket as; taken for one only opposite a real one
OPEN_LIKE = OPEN | frozenset("〔【「|lI")
CLOSE_LIKE = CLOSE | frozenset("〕】」|lI")
MARK_GLYPHS = frozenset("○◯●✓✔☑☒■◉")  # 〇 (a numeral) is read as ○
MAX_INNER_EM = 4.5  # brackets further apart than this (in bracket heights) hold an answer, not a mark
MIN_MARK = 0.35  # a mark's ink is at least this share of the bracket's height
WIDE_BRACKET = 0.6  # a bracket box wider than this (in bracket heights) was stretched over its neighbour
BRACKET_EM = 0.45  # how far a bracket's ink reaches from its outer edge, in bracket heights
FAINT = 40  # grey levels below the paper that count as a mark's ink
# a mark is at least this wide for its height: measured 0.82-1.13 for the corpus and fixture marks,
# 0.31-0.38 for the bracket strokes a stretched bracket box leaves between the brackets
MARK_ASPECT = 0.55


def _mark_blob(raster: Raster, x0: float, y0: float, x1: float, y1: float) -> tuple[int, int, int, int] | None:
    """The box of the largest ink blob inside the area, if it is tall enough to be a mark."""
    import cv2

    ys, xs = slice(int(y0), int(np.ceil(y1))), slice(int(x0), int(np.ceil(x1)))
    grey = raster.grey[ys, xs]
    if grey.size == 0:
        return None
    # fainter than text ink counts here: a thin ○ of a low-resolution scan is light grey
    box = ((grey < float(np.median(grey)) - FAINT) & (raster.rules[ys, xs] == 0)).astype(np.uint8)
    if not box.any():
        return None
    n, _, stats, _ = cv2.connectedComponentsWithStats(box, connectivity=8)
    best = max(range(1, n), key=lambda k: int(stats[k][3]) * int(stats[k][2]))
    x, y, w, h, _ = (int(v) for v in stats[best])
    if h < MIN_MARK * (y1 - y0) or w < MIN_MARK * (y1 - y0) * 0.5 or w < MARK_ASPECT * h:
        return None
    return int(x0) + x, int(y0) + y, int(x0) + x + w, int(y0) + y + h


def _closing(line: list[Glyph], k: int) -> int | None:
    """Index of the `]` closing the `[` at k when only a mark's room lies between them (one of
    the two may be a misread bracket, not both)."""
    start = line[k]
    if start.text not in OPEN_LIKE:
        return None
    em = start.y1 - start.y0
    closers = []
    for j in range(k + 1, min(k + 5, len(line))):
        if line[j].text in OPEN or line[j].x0 - start.x1 > MAX_INNER_EM * em:
            break
        if line[j].text in CLOSE_LIKE:
            closers.append(j)
    # a real `]` in reach closes it, not a look-alike before it (`[ | 〇 ]`: the | is the bracket's own speck)
    real = [j for j in closers if line[j].text in CLOSE]
    if real:
        return real[0]
    return closers[0] if closers and start.text in OPEN else None


def _inside(start: Glyph, close: Glyph, em: float) -> tuple[float, float]:
    """Where a mark can be between two brackets.  A bracket's ink is narrow; when OCR drops the
    mark, Tesseract stretches a bracket's box over it (`[` 18 pt wide): such a box is cut back
    to a bracket's width from its outer edge."""
    left = start.x0 + BRACKET_EM * em if start.x1 - start.x0 > WIDE_BRACKET * em else start.x1
    right = close.x1 - BRACKET_EM * em if close.x1 - close.x0 > WIDE_BRACKET * em else close.x0
    return left, max(left, right)


def settle_marks(line: list[Glyph], raster: Raster) -> list[Glyph]:
    """The line with every bracket pair's inside replaced by what the ink shows."""
    line = sorted(line, key=lambda g: g.x0)
    out: list[Glyph] = []
    k = 0
    while k < len(line):
        g = line[k]
        j = _closing(line, k)
        if j is None:
            out.append(g)
            k += 1
            continue
        g, close = g._replace(text="["), line[j]._replace(text="]")
        top, bottom = min(g.y0, close.y0), max(g.y1, close.y1)
        left, right = _inside(g, close, bottom - top)
        blob = _mark_blob(raster, left + 1, top, right - 1, bottom)
        out.append(g)
        if blob is not None:
            said = "".join(m.text for m in line[k + 1: j])
            text = said if said in MARK_GLYPHS else "○"
            conf = (g.conf + close.conf) / 2
            out.append(Glyph(*blob, text, conf, True))
        out.append(close)
        k = j + 1
    return out


# what OCR reads the `[` of a `[ 十分である ]` answer as, when it starts the line (`| 十分である ]`)
ANSWER_OPEN_LIKE = (OPEN_LIKE | frozenset("!1{(（丨")) - OPEN


def settle_answer_bracket(line: list[Glyph]) -> list[Glyph]:
    """`| 十分である ]` -> `[ 十分である ]`: a line (one cell's) with a real `]` and no `[` before it
    opens with the bracket OCR misread.  A `]` is never printed alone on these forms."""
    if len(line) < 3 or line[0].text not in ANSWER_OPEN_LIKE:
        return line
    close = next((k for k, g in enumerate(line) if g.text in CLOSE), None)
    if close is None or close < 2 or any(g.text in OPEN for g in line[:close]):
        return line
    return [line[0]._replace(text="["), *line[1:]]
