"""Stage 1 (scans) — text lines of a region found from its ink's row profile.

Rows with ink make bands; a band taller than about one and a half lines holds lines set so
tightly that their glyphs touch, and is cut at the rows where the ink thins out.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

Image = NDArray[np.uint8]

TALL = 1.6  # a band this many line heights tall holds more than one line
VALLEY = 0.15  # a row with less ink than this share of the band's median row is a gap
MIN_LINE = 0.6  # a cut leaves at least this many line heights on each side
MIN_BAND = 0.3  # bands lower than this share of a line height are specks, not text


def true_runs(mask: NDArray[np.bool_]) -> list[tuple[int, int]]:
    """Runs of True in a 1-D mask, as (first, end) indexes."""
    edges = np.flatnonzero(np.diff(np.concatenate(([0], mask.astype(np.int8), [0]))))
    return [(int(edges[k]), int(edges[k + 1])) for k in range(0, len(edges), 2)]


def bands(ink: Image) -> list[tuple[int, int]]:
    """Runs of rows holding ink, as (first, end) row indexes."""
    return true_runs(np.asarray(ink.any(axis=1), dtype=bool))


def line_height(inks: list[Image], dpi: float) -> float:
    """The page's typical line height (px): the median band height, 10 pt when there is no text."""
    heights = [b - a for ink in inks for a, b in bands(ink) if b - a >= 4 * dpi / 300]
    return float(np.median(heights)) if heights else 10.0 * dpi / 72


def _cuts(profile: NDArray[np.float64], em: float) -> list[int]:
    """Rows where a tall band is cut: the thinnest row of each run of near-empty rows."""
    inked = profile[profile > 0]
    low = profile <= VALLEY * float(np.median(inked)) if inked.size else profile >= 0
    cuts: list[int] = []
    n = len(profile)
    for y, z in true_runs(low):
        m = y + int(np.argmin(profile[y:z]))
        if m - (cuts[-1] if cuts else 0) >= MIN_LINE * em and n - m >= MIN_LINE * em:
            cuts.append(m)
    return cuts


def text_lines(ink: Image, em: float) -> list[tuple[int, int]]:
    """The region's text lines as row ranges, top to bottom."""
    profile = ink.sum(axis=1, dtype=np.float64)
    out: list[tuple[int, int]] = []
    for a, b in bands(ink):
        if b - a < MIN_BAND * em:
            continue
        if b - a <= TALL * em:
            out.append((a, b))
            continue
        edges = [0, *_cuts(profile[a:b], em), b - a]
        out.extend((a + edges[k], a + edges[k + 1]) for k in range(len(edges) - 1))
    return out
