"""Stage 1 (scans) — a page image made ready for OCR: deskewed, binarised, its ruling lines found.

Rules are found by morphology: an opening with a long thin kernel keeps only runs of ink
longer than any glyph stroke.  A short vertical run counts as a rule only when both of its
ends meet a horizontal rule (a one-line cell's side); a glyph's stroke never does.  The rules
become the same `Segment`s the vector reader gives, so the grid code is shared, and they are
painted out of the image before OCR (Tesseract reads a ruled cell badly).

Coordinates: pixels of the deskewed image; `Raster.pt` converts to PDF points.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray

from extractor.read.content import Segment

Image = NDArray[np.uint8]

MAX_SKEW = 3.0  # degrees: scanners' small rotations; anything larger is left to the reader
H_RULE_PT = 24.0  # a horizontal run of ink at least this long (pt) is a rule
V_RULE_PT = 12.0  # a vertical run at least this long may be a rule ...
V_FREE_PT = 40.0  # ... and is one without further check from this long
MAX_RULE_PT = 3.0  # thicker runs are filled areas, not rules


@dataclass(frozen=True, slots=True)
class Raster:
    grey: Image  # deskewed page, 0 = black
    ink: Image  # 255 where there is ink, rules painted out
    rules: Image  # 255 on rule pixels (slightly widened)
    dpi: float
    angle: float  # degrees the scan was rotated by to straighten it
    hsegs: tuple[Segment, ...]  # in pt
    vsegs: tuple[Segment, ...]
    loose: Image | None = None  # ink at a lighter threshold, rules painted out: thin strokes (明朝) kept whole

    @property
    def pt(self) -> float:
        """Points per pixel."""
        return 72.0 / self.dpi


def _u8(img: object) -> Image:
    """OpenCV's results typed as the uint8 images they are."""
    return np.asarray(img, dtype=np.uint8)


BACKGROUND_PT = 5.0  # the paper level is looked for this far around a pixel (about half a character)
INK_LEVELS = (90.0, 140.0)  # Otsu's threshold is kept within these: paper and light shading are never ink
LOOSE_LEVEL = 170.0  # the lighter threshold of `Raster.loose`: thin serif strokes break up under Otsu's


def flatten(grey: Image, dpi: float) -> Image:
    """The page divided by its local paper level, so text on a shaded cell is as dark against
    its background as text on white paper (else its blurred edges fall under the threshold and
    bold glyphs fill in).  The paper level is the brightest pixel within about half a character."""
    size = max(3, round(BACKGROUND_PT * dpi / 72)) | 1
    paper = cv2.dilate(grey, cv2.getStructuringElement(cv2.MORPH_RECT, (size, size)))
    paper = cv2.blur(paper, (size, size))
    return _u8(np.minimum(255.0, grey.astype(np.float32) * 255.0 / np.maximum(paper, 1).astype(np.float32)))


def binarise(grey: Image, dpi: float = 300.0) -> Image:
    """Ink = 255: Otsu's threshold on the flattened page, kept within bounds so a blank or evenly
    grey page is not all ink."""
    return _otsu_ink(grey, flatten(grey, dpi))


def _otsu_ink(grey: Image, flat: Image) -> Image:
    """`binarise` given the page's flattened image (`flatten`), which `prepare` also thresholds lighter."""
    if grey.size and int(grey.max()) == int(grey.min()):
        return np.zeros_like(grey)
    level, _ = cv2.threshold(flat, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    level = min(max(level, INK_LEVELS[0]), INK_LEVELS[1])
    _, ink = cv2.threshold(flat, level, 255, cv2.THRESH_BINARY_INV)
    return _u8(ink)


def skew_angle(ink: Image) -> float:
    """The rotation (degrees) that makes text lines and rules horizontal.

    Projection profile: rows of a straight page alternate between full and empty, so the
    sum of squared row-sum differences peaks at the right angle.  Coarse, then fine, on a
    reduced image; a blank page stays at 0.
    """
    factor = max(1, ink.shape[1] // 800)
    small = _u8(cv2.resize(ink, (ink.shape[1] // factor, ink.shape[0] // factor), interpolation=cv2.INTER_AREA))
    coarse = _best_angle(small, np.arange(-MAX_SKEW, MAX_SKEW + 1e-9, 0.25))
    return _best_angle(small, np.arange(coarse - 0.25, coarse + 0.25 + 1e-9, 0.025))


def _best_angle(small: Image, angles: NDArray[np.float64]) -> float:
    """The angle with the sharpest profile; 0 wins ties (and blank pages)."""
    best, best_score = 0.0, _profile_score(small)
    for a in angles:
        score = _profile_score(rotate(small, float(a), 0))
        if score > best_score * (1 + 1e-9):
            best, best_score = float(a), score
    return round(best, 3)


def _profile_score(img: Image) -> float:
    rows = img.sum(axis=1, dtype=np.float64)
    return float(np.square(np.diff(rows)).sum())


def rotate(img: Image, angle: float, background: int = 255) -> Image:
    """Rotate about the centre, keeping the size; uncovered corners take `background`."""
    if angle == 0.0:
        return img
    h, w = img.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return _u8(cv2.warpAffine(img, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=background))


def _runs(ink: Image, length: int, horizontal: bool) -> Image:
    """Ink runs at least `length` px long in one direction (small gaps closed first)."""
    size = (length, 1) if horizontal else (1, length)
    gap = (5, 1) if horizontal else (1, 5)
    closed = cv2.morphologyEx(ink, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, gap))
    return _u8(cv2.morphologyEx(closed, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, size)))


def _boxes(mask: Image) -> list[tuple[int, int, int, int]]:
    """Bounding boxes (x0, y0, x1, y1), exclusive ends, of the mask's connected parts."""
    n, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    return [(int(s[0]), int(s[1]), int(s[0] + s[2]), int(s[1] + s[3])) for s in stats[1:n]]


def _touches(y: int, x: int, hmask: Image, reach: int) -> bool:
    h, w = hmask.shape
    patch = hmask[max(0, y - reach): min(h, y + reach + 1), max(0, x - reach): min(w, x + reach + 1)]
    return bool(patch.any())


def find_rules(ink: Image, dpi: float) -> tuple[list[tuple[int, int, int, int]], list[tuple[int, int, int, int]]]:
    """Horizontal and vertical rules as pixel boxes (x0, y0, x1, y1)."""
    px = dpi / 72.0
    thick = max(2, round(MAX_RULE_PT * px))
    hmask = _runs(ink, round(H_RULE_PT * px), True)
    hboxes = [b for b in _boxes(hmask) if b[3] - b[1] <= thick]
    vmask = _runs(ink, round(V_RULE_PT * px), False)
    reach = max(3, round(1.5 * px))
    vboxes = []
    for b in _boxes(vmask):
        if b[2] - b[0] > thick:
            continue
        mid = (b[0] + b[2]) // 2
        if b[3] - b[1] >= V_FREE_PT * px or (
            _touches(b[1], mid, hmask, reach) and _touches(b[3] - 1, mid, hmask, reach)
        ):
            vboxes.append(b)
    return hboxes, vboxes


def rule_mask(shape: tuple[int, ...], hboxes: list[tuple[int, int, int, int]],
              vboxes: list[tuple[int, int, int, int]], widen: int) -> Image:
    mask = np.zeros(shape[:2], np.uint8)
    for x0, y0, x1, y1 in hboxes + vboxes:
        mask[max(0, y0 - widen): y1 + widen, max(0, x0 - widen): x1 + widen] = 255
    return mask


def segments(hboxes: list[tuple[int, int, int, int]], vboxes: list[tuple[int, int, int, int]],
             pt: float) -> tuple[tuple[Segment, ...], tuple[Segment, ...]]:
    """Rules as the reader interface's segments, in points."""
    hsegs = tuple(Segment((y0 + y1) / 2 * pt, x0 * pt, x1 * pt) for x0, y0, x1, y1 in hboxes)
    vsegs = tuple(Segment((x0 + x1) / 2 * pt, y0 * pt, y1 * pt) for x0, y0, x1, y1 in vboxes)
    return hsegs, vsegs


def prepare(grey: Image, dpi: float, deskew: bool = True) -> Raster:
    """Deskew, binarise and find the rules of a grey page image rendered at `dpi`."""
    flat = flatten(grey, dpi)
    ink = _otsu_ink(grey, flat)
    angle = skew_angle(ink) if deskew else 0.0
    if angle:
        grey = rotate(grey, angle)
        flat = flatten(grey, dpi)
        ink = _otsu_ink(grey, flat)
    hboxes, vboxes = find_rules(ink, dpi)
    rules = rule_mask(ink.shape, hboxes, vboxes, widen=max(1, round(dpi / 150)))
    not_rules = cv2.bitwise_not(rules)
    ink = _u8(cv2.bitwise_and(ink, not_rules))
    loose = _u8(cv2.bitwise_and(_u8((flat < LOOSE_LEVEL) * 255), not_rules))
    hsegs, vsegs = segments(hboxes, vboxes, 72.0 / dpi)
    return Raster(grey, ink, rules, dpi, angle, hsegs, vsegs, loose)
