"""Stage 1 (scans) — OCR: a page image becomes the same `PageContent` the PDF text layer gives.

The page is rendered, deskewed and its rules found (`raster`).  The rules cut the page into
regions (cells, legend boxes, and the open area around the tables); each region is cut into
text lines (`lines`) and each line is read by Tesseract (`tesseract`) with the rules painted
out.  Words are built from Tesseract's character boxes, not its word boxes: for Japanese its
"words" are arbitrary runs with unreliable boxes and spaces between the characters, while the
character boxes are tight, so characters are joined into a word unless a real gap separates
them (no spaces inside Japanese text, as in the text layer of a born-digital PDF).

Checkbox marks are decided from the ink between the brackets or inside the box (`marks`), and
a Roman numeral opening a heading is read again by a model that has the letters (`numerals`).
A line Tesseract is not sure of is read again from bolder ink (`recheck`): the characters the
readings disagree on are doubtful, and the values holding them are withheld after binding
(`doubts`).  Glyph-level repairs for what the model misreads on these forms: boxes kept in the
model's order, `(③)` as `(3)`, an item number's `,` as `．`, specks (`_`, a 。 far from its text).
"""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher
from itertools import pairwise
from typing import TYPE_CHECKING

import numpy as np

from extractor.read.content import PageContent, Word
from extractor.read.lines import line_height, text_lines
from extractor.read.marks import settle_answer_bracket, settle_marks
from extractor.read.numerals import fix_numeral
from extractor.read.raster import Image, Raster, prepare
from extractor.read.tesseract import Glyph, engine, read_line
from extractor.read.vocabulary import is_kanji, is_katakana, mend

if TYPE_CHECKING:
    import pymupdf

OCR_DPI = 300  # see README "Scanned PDFs": measured against 150 and 200
# a wide character starting further (in glyph heights) after the previous one, with a gap, follows a space
WIDE_PITCH = 1.5
WIDE_GAP = 0.6
NARROW_GAP = 0.5  # a narrow character further than this (in glyph heights) from its neighbour starts a word
CLOSING = frozenset("、。，．）」』")  # no space before these…
OPENING = frozenset("（「『")  # …nor after these
STRAY_GAP = 1.5  # a 。 or 、 further than this (in glyph heights) from the text before it is a speck
RECHECK = 0.97  # a line with a glyph read below this confidence is read a second time (`recheck`)
CONTEXT = 2  # glyphs either side of a doubtful one that locate it in a value
SPECKS = frozenset("。、.,・'`_-~")  # a mark only one reading of two sees (and not a third) is a speck
LOOSE_MARGIN = 0.02  # the loose ink's reading is taken when its mean confidence is this much higher
THIRD_SCALE = 0.8  # the third reading of a line two readings disagree on: bold ink at this scale


@dataclass(frozen=True, slots=True)
class OcrPage:
    content: PageContent
    confidences: tuple[float, ...]  # per word of `content.words`, 0-1
    angle: float  # degrees of rotation corrected
    doubts: tuple[str, ...] = ()  # text around each doubtful glyph (`doubtful_spans`)


def check_available() -> None:
    """Raise the plain `ocr_unavailable` InputError when OCR cannot run here."""
    engine()


def render(page: pymupdf.Page, dpi: int) -> Image:
    """The page as a grey image at `dpi`."""
    import pymupdf

    pix = page.get_pixmap(dpi=dpi, colorspace=pymupdf.csGRAY, alpha=False)
    buf = np.frombuffer(pix.samples, np.uint8).reshape(pix.height, pix.stride)
    return np.ascontiguousarray(buf[:, : pix.width])


def ocr_page(page: pymupdf.Page, dpi: int = OCR_DPI, vocabulary: frozenset[str] = frozenset()) -> OcrPage:
    """Words with boxes (pt) and ruling segments of a page read from its image; katakana one
    character off a `vocabulary` word is that word (`vocabulary.mend`)."""
    raster = prepare(render(page, dpi), dpi)
    glyph_lines = read_regions(raster)
    words: list[Word] = []
    confs: list[float] = []
    doubts: list[str] = []
    pt = raster.pt
    for line in glyph_lines:
        line = drop_isolated_bars(drop_stray_bars(drop_underscores(in_reading_order(line))))
        if is_rule_dashes(line):
            continue
        line = item_number_stop(bracketed_digits(drop_stray_stops(line)))
        line = fix_numeral(settle_answer_bracket(settle_marks(line, raster)), raster)
        line = mend_katakana(line, vocabulary)
        doubts += doubtful_spans(line)
        for text, box, conf in words_of_line(line):
            words.append(Word(box[0] * pt, box[1] * pt, box[2] * pt, box[3] * pt, text))
            confs.append(conf)
    rect = page.rect
    content = PageContent(page.number + 1, rect.width, rect.height, tuple(words), raster.hsegs, raster.vsegs)
    return OcrPage(content, tuple(confs), raster.angle, tuple(doubts))


# ---------------------------------------------------------------- regions


@dataclass(frozen=True, slots=True)
class Region:
    label: int
    x0: int
    y0: int
    x1: int
    y1: int
    closed: bool  # bounded by rules on every side (a cell), not the page's open area


def regions(raster: Raster) -> tuple[NDArrayInt, list[Region]]:
    """The areas the rules enclose, each with some ink, and the label image that defines them."""
    import cv2

    free = cv2.bitwise_not(cv2.dilate(raster.rules, np.ones((3, 3), np.uint8)))
    n, labels, stats, _ = cv2.connectedComponentsWithStats(free, connectivity=4)
    ink_count = np.bincount(labels[raster.ink > 0], minlength=n)
    h, w = labels.shape
    min_side = 5.0 / raster.pt  # narrower than 5 pt: the gap of a double rule, not a cell
    out = []
    for k in range(1, n):
        x, y, bw, bh, _ = (int(v) for v in stats[k])
        if ink_count[k] < 12 or bw < min_side or bh < min_side:
            continue
        closed = x > 0 and y > 0 and x + bw < w and y + bh < h
        out.append(Region(k, x, y, x + bw, y + bh, closed))
    return labels, out


NDArrayInt = np.ndarray  # the int32 label image of `regions`


def read_regions(raster: Raster) -> list[list[Glyph]]:
    """Every region's text lines as lists of glyphs (page pixel coordinates).

    A region is cut into text lines by its ink's row profile (`lines.text_lines`) and each
    line is read on its own: Tesseract's own block segmentation dropped lines holding one
    character and jumbled tightly set lines.  Tesseract is given the binarised page with the
    rules painted out (measured: fewer misread characters than the grey image).
    """
    labels, found = regions(raster)
    inks = [_region_ink(raster.ink, labels, region) for region in found]
    em = line_height(inks, raster.dpi)
    out: list[list[Glyph]] = []
    for region, ink in zip(found, inks, strict=True):
        loose = _region_ink(raster.loose, labels, region) if raster.loose is not None else None
        for y0, y1 in text_lines(ink, em):
            top = max(0, y0 - 2)
            line, used = _best_reading(ink[top: y1 + 2], None if loose is None else loose[top: y1 + 2], raster.dpi)
            line = recheck(line, used, raster.dpi)
            if line:
                out.append([_shift(g, region.x0, region.y0 + top) for g in line])
    return out


def _region_ink(image: Image, labels: NDArrayInt, region: Region) -> Image:
    ink = image[region.y0: region.y1, region.x0: region.x1].copy()
    ink[labels[region.y0: region.y1, region.x0: region.x1] != region.label] = 0
    return ink


def _best_reading(ink: Image, loose: Image | None, dpi: float) -> tuple[list[Glyph], Image]:
    """The line read from its ink, or, when that reading has a doubtful glyph, from its loose ink
    when that one is read with clearly more confidence (thin 明朝 strokes that Otsu's threshold
    breaks up: `評価講番号` from the ink, `評価書番号` from the loose ink); with the image read."""
    line = read_line(ink, dpi)
    if loose is None or not line or min(g.conf for g in line) >= RECHECK:
        return line, ink
    alt = read_line(loose, dpi)
    if alt and _mean_conf(alt) > _mean_conf(line) + LOOSE_MARGIN:
        return alt, loose
    return line, ink


def _mean_conf(line: list[Glyph]) -> float:
    return sum(g.conf for g in line) / len(line)


def recheck(line: list[Glyph], ink: Image, dpi: float) -> list[Glyph]:
    """The line with the glyphs a second reading contradicts marked as doubtful.

    Tesseract's confidence does not flag most misread characters (範囲 read as 男囲 at 92%), but a
    misreading depends on the exact strokes: the line's ink made one pixel bolder is read again,
    and where the two readings differ the first one's glyphs are doubtful, unless a third reading
    (bold and smaller) gives the first one's text around them; a punctuation mark the second
    reading does not see at all (nor the third) is a speck and is dropped (`委託の有無※。`).
    Measured on the corpus scans: the two readings of a correctly read line rarely differ, and
    where they do the third mostly sides with the right one.  Only lines with a glyph read below
    `RECHECK` confidence are read again; a line all read with more is taken as read.
    """
    import cv2

    if not line or min(g.conf for g in line) >= RECHECK:
        return line
    bold = np.asarray(cv2.dilate(ink, np.ones((2, 2), np.uint8)), np.uint8)
    first, again = [g.text for g in line], [g.text for g in read_line(bold, dpi)]
    if first == again:
        return line
    doubt: set[int] = set()
    specks: set[int] = set()  # punctuation only the first reading has
    for op, i1, i2, _, _ in SequenceMatcher(None, first, again, autojunk=False).get_opcodes():
        if op == "delete" and all(t in SPECKS for t in first[i1:i2]):
            specks.update(range(i1, i2))
        elif op != "equal":
            doubt.update(range(max(0, i1 - 1), i1 + 1) if i1 == i2 else range(i1, i2))
    # a third reading (bolder and smaller) that gives the first one's text around a glyph settles it
    size = (max(1, round(bold.shape[1] * THIRD_SCALE)), max(1, round(bold.shape[0] * THIRD_SCALE)))
    small = np.asarray(cv2.resize(bold, size, interpolation=cv2.INTER_AREA) > 127, np.uint8) * 255
    third = "".join(g.text for g in read_line(small, dpi * THIRD_SCALE))
    doubt = {k for k in doubt if _window(first, k) not in third}
    specks = {k for k in specks if _window(first, k) not in third}
    return [g._replace(doubt=True) if k in doubt else g for k, g in enumerate(line) if k not in specks]


def mend_katakana(line: list[Glyph], vocabulary: frozenset[str]) -> list[Glyph]:
    """The line with each run of katakana glyphs mended as one word (`vocabulary.mend`), glyph for glyph."""
    if not vocabulary:
        return line
    out = list(line)
    k = 0
    while k < len(out):
        end = k
        while end < len(out) and is_katakana(out[end].text):
            end += 1
        if end - k >= 4:
            run = "".join(g.text for g in out[k:end])
            mended = mend(run, vocabulary)
            if mended != run:
                out[k:end] = [g._replace(text=c) for g, c in zip(out[k:end], mended, strict=True)]
        k = end + 1
    return out


def _window(texts: list[str], k: int) -> str:
    """The `2 * CONTEXT + 1` glyphs around glyph k (fewer only when the line is shorter)."""
    width = 2 * CONTEXT + 1
    start = max(0, min(k - CONTEXT, len(texts) - width))
    return "".join(texts[start: start + width])


def doubtful_spans(line: list[Glyph]) -> list[str]:
    """The text around each doubtful glyph of a line (`2 * CONTEXT + 1` glyphs, fewer only when the
    line is shorter), for `doubts.withhold` to find the values holding it."""
    texts = [g.text for g in line]
    return [_window(texts, k) for k, g in enumerate(line) if g.doubt]


def _shift(g: Glyph, dx: int, dy: int) -> Glyph:
    return g._replace(x0=g.x0 + dx, y0=g.y0 + dy, x1=g.x1 + dx, y1=g.y1 + dy)


# ---------------------------------------------------------------- glyphs


def in_reading_order(line: list[Glyph]) -> list[Glyph]:
    """The line's glyphs in Tesseract's order (its LSTM reads a line left to right), each box
    starting no earlier than the one before: Tesseract may stretch a narrow glyph's box back
    over the glyph before it (`(3)` boxed so that `)` starts left of `3`), and the readers after
    this order glyphs by where their boxes start."""
    out: list[Glyph] = []
    for g in line:
        if out and g.x0 < out[-1].x0:
            x0 = max(out[-1].x0 + 1, min(out[-1].x1, g.x1 - 1))
            g = g._replace(x0=x0, x1=max(g.x1, x0 + 1))
        out.append(g)
    return out


_CIRCLED = {chr(0x2460 + k): str(k + 1) for k in range(20)}  # ①-⑳
_OPEN_PAREN, _CLOSE_PAREN = frozenset("(（"), frozenset(")）")


def bracketed_digits(line: list[Glyph]) -> list[Glyph]:
    """`(③)` -> `(3)`: a circled number is never printed inside brackets, where the model reads the
    round brackets around a digit as the circle of one (`(3)` read as `(③)`)."""
    if not any(g.text in _CIRCLED for g in line):
        return line
    out = list(line)
    for k in range(1, len(out) - 1):
        if out[k].text in _CIRCLED and out[k - 1].text in _OPEN_PAREN and out[k + 1].text in _CLOSE_PAREN:
            out[k] = out[k]._replace(text=_CIRCLED[out[k].text])
    return out


def drop_stray_bars(line: list[Glyph]) -> list[Glyph]:
    """`LGWANーー` -> `LGWAN`, `更ー ー-新年月日` -> `更新年月日`: the long-vowel mark ー lengthens kana
    only; read after a kanji or a Latin letter it is a dotted rule's dash or a speck, and so are the
    bars (ー, -) that run on from it.  (After a digit it may be a hyphen: `0172ー35`.)"""
    out: list[Glyph] = []
    stray = False
    for g in line:
        if g.text == "ー" and out and (is_kanji(out[-1].text) or (out[-1].text.isascii() and out[-1].text.isalpha())):
            stray = True
            continue
        if stray and g.text in _BARS:
            continue
        stray = False
        out.append(g)
    return out


_BARS = frozenset("ー-－―─")


ISOLATED_BAR = 1.5  # a bar this many glyph heights from the text on both sides is a speck


def drop_isolated_bars(line: list[Glyph]) -> list[Glyph]:
    """`ーー)` -> `)`, `-新年月日)ーー` -> `新年月日)`: bars (ー, -) standing apart from the line's text on
    both sides (or at its end) are a dotted rule's pieces or specks; printed dashes and long-vowel
    marks touch the characters they join.  A line of bars alone is left to `is_rule_dashes`."""
    if all(g.text in _BARS for g in line):
        return line
    em = float(np.median([g.y1 - g.y0 for g in line]))
    keep = [True] * len(line)
    k = 0
    while k < len(line):
        if line[k].text not in _BARS:
            k += 1
            continue
        end = k
        while end < len(line) and line[end].text in _BARS:
            end += 1
        left = line[k].x0 - line[k - 1].x1 if k > 0 else np.inf
        right = line[end].x0 - line[end - 1].x1 if end < len(line) else np.inf
        if min(left, right) > ISOLATED_BAR * em:
            keep[k:end] = [False] * (end - k)
        k = end
    return [g for g, kept in zip(line, keep, strict=True) if kept]


def is_rule_dashes(line: list[Glyph]) -> bool:
    """A line of two or more bars and nothing else (`ーー`, `ー ー-`): the pieces of a dotted rule, not
    text.  (One bar alone may be a printed dash meaning "none".)"""
    return len(line) >= 2 and all(g.text in _BARS for g in line)


def drop_underscores(line: list[Glyph]) -> list[Glyph]:
    """`④対象となる本_人の数` -> `…本人の数`: an underscore not between Latin letters or digits is a
    speck (a rule's stub, a serif), never printed in Japanese text."""
    if not any(g.text == "_" for g in line):
        return line

    def latin(k: int) -> bool:
        return 0 <= k < len(line) and line[k].text.isascii() and line[k].text.isalnum()

    return [g for k, g in enumerate(line) if g.text != "_" or (latin(k - 1) and latin(k + 1))]


def drop_stray_stops(line: list[Glyph]) -> list[Glyph]:
    """`保育課 。。` -> `保育課`: full stops or commas ending a line more than `STRAY_GAP` glyph
    heights after the text are not (a printed 。 or 、 follows its text directly); Tesseract reads
    them into the blank part of a cell.  Only at the line's end: inside a line the box of a real
    。 may be misplaced (`を除く。)` boxed 。 beside the `)`)."""
    end = len(line)
    while end > 0 and line[end - 1].text in _STOPS:
        end -= 1
    if end == len(line) or end == 0:
        return line
    em = float(np.median([g.y1 - g.y0 for g in line[:end]]))
    return line if line[end].x0 - line[end - 1].x1 <= STRAY_GAP * em else line[:end]


_STOPS = frozenset("。、")
_ITEM_STOPS = frozenset(",，.．、")  # what an item number's full stop is read as


def item_number_stop(line: list[Glyph]) -> list[Glyph]:
    """The item number opening a heading line (one or two digits, a stop, the heading's words) as
    one glyph `N．`: its full stop read as a comma (`3, 特定個人情報の使用`; a comma after one or
    two digits is never printed before a heading's words, and a digit group `3,000` goes on with
    digits) is a full stop, and full-width digits set so far apart that Tesseract splits them
    (`1 0. 従業者…`) are one number."""
    k = 0
    while k < min(2, len(line)) and line[k].text.isdigit():
        k += 1
    if not (0 < k < len(line) - 1 and line[k].text in _ITEM_STOPS and _is_wide(line[k + 1].text)
            and not line[k + 1].text.isdigit()):
        return line
    head = line[: k + 1]
    number = Glyph(head[0].x0, min(g.y0 for g in head), head[-1].x1, max(g.y1 for g in head),
                   "".join(g.text for g in head[:k]) + ("．" if head[k].text in ",，" else head[k].text),
                   min(g.conf for g in head), True,
                   any(g.doubt for g in head))
    return [number, *line[k + 1:]]


# ---------------------------------------------------------------- words


def _is_wide(ch: str) -> bool:
    from unicodedata import east_asian_width

    return east_asian_width(ch[0]) in "WF"


def _tidy(glyphs: list[Glyph], em: float) -> list[Glyph]:
    """Boxes clipped to where the next character starts.  Tesseract's LSTM places a
    character's left edge well but may stretch its right edge over the characters after it."""
    out = []
    for k, g in enumerate(glyphs):
        limit = glyphs[k + 1].x0 if k + 1 < len(glyphs) else g.x0 + 1.2 * em
        out.append(g._replace(x1=max(g.x0 + 1, min(g.x1, limit))))
    return out


def _breaks(prev: Glyph, g: Glyph, em: float) -> bool:
    """Is there a space between two neighbouring characters?  Japanese is set on a fixed
    pitch: two wide characters are one word unless the second starts clearly more than one
    character after the first and a gap shows (Tesseract's LSTM boxes are loose, so both).
    Punctuation that closes (、。）」) is never set after a space, nor one that opens (（「) before one:
    their glyphs fill half their square, so the gap they show is not a space."""
    if g.text in CLOSING or prev.text in OPENING:
        return False
    if _is_wide(prev.text) and _is_wide(g.text):
        return g.x0 - prev.x0 > WIDE_PITCH * em and g.x0 - prev.x1 > WIDE_GAP * em
    latin_break = g.word_start and not _is_wide(prev.text) and not _is_wide(g.text)
    return latin_break or g.x0 - prev.x1 > NARROW_GAP * em


def words_of_line(glyphs: list[Glyph]) -> list[tuple[str, tuple[float, float, float, float], float]]:
    """A line's characters joined into words (text, box, mean confidence).

    A narrow (Latin) character keeps Tesseract's word breaks and starts a word after a gap.
    """
    if not glyphs:
        return []
    glyphs = sorted(glyphs, key=lambda g: g.x0)
    em = float(np.median([g.y1 - g.y0 for g in glyphs if _is_wide(g.text)] or [g.y1 - g.y0 for g in glyphs]))
    glyphs = _tidy(glyphs, em)
    words: list[list[Glyph]] = [[glyphs[0]]]
    for prev, g in pairwise(glyphs):
        if _breaks(prev, g, em):
            words.append([g])
        else:
            words[-1].append(g)
    out = []
    for ws in words:
        box = (min(g.x0 for g in ws), min(g.y0 for g in ws), max(g.x1 for g in ws), max(g.y1 for g in ws))
        out.append(("".join(g.text for g in ws), box, sum(g.conf for g in ws) / len(ws)))
    return out
