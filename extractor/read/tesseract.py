"""Tesseract through its C API (`tesserocr`): one engine per model and process, one text line per call.

Measured against the `tesseract` command line with TSV output (bench/bench_ocr.py, README
"Scanned PDFs"): the C API keeps the model loaded between calls (the command line loads it
again for every image) and gives each character's box and confidence, where TSV stops at
Tesseract's word boxes, which for Japanese are arbitrary runs.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from extractor.errors import InputError
from extractor.read.raster import Image
from extractor.read.scanned import NOT_INSTALLED

if TYPE_CHECKING:
    from tesserocr import PyTessBaseAPI

TESSDATA_DIRS = ("/usr/share/tesseract-ocr/5/tessdata", "/usr/share/tesseract-ocr/4.00/tessdata",
                 "/usr/share/tessdata", "/usr/local/share/tessdata")
PAD = 12  # px of white around a line image: Tesseract misreads glyphs touching the image edge


class Glyph(NamedTuple):
    """One recognised character, in image pixels."""

    x0: float
    y0: float
    x1: float
    y1: float
    text: str
    conf: float  # 0-1
    word_start: bool  # Tesseract began a word here
    doubt: bool = False  # a second reading of the line disagrees here (`ocr.recheck`)


def tessdata_dir(lang: str = "jpn") -> str | None:
    """The directory holding the model for `lang`, or None when it is not installed."""
    env = os.environ.get("TESSDATA_PREFIX")
    candidates = ([env, str(Path(env) / "tessdata")] if env else []) + list(TESSDATA_DIRS)
    for d in candidates:
        if (Path(d) / f"{lang}.traineddata").is_file():
            return d
    return None


@lru_cache(maxsize=4)
def engine(lang: str = "jpn", whitelist: str = "") -> PyTessBaseAPI:
    """One Tesseract instance per model and process (loading a model costs ≈0.2 s)."""
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")  # the batch workers are the parallelism
    path = tessdata_dir(lang)
    try:
        from tesserocr import OEM, PyTessBaseAPI
    except ImportError as exc:
        raise InputError("ocr_unavailable", NOT_INSTALLED) from exc
    if path is None:
        raise InputError("ocr_unavailable", NOT_INSTALLED)
    api = PyTessBaseAPI(path=path, lang=lang, oem=OEM.LSTM_ONLY)
    if whitelist:
        api.SetVariable("tessedit_char_whitelist", whitelist)
    return api


def recognise(api: PyTessBaseAPI, ink: Image, dpi: float, psm: int | None = None) -> list[Glyph]:
    """Tesseract's characters of a one-line ink image (255 = ink), in the image's coordinates."""
    from tesserocr import PSM, RIL

    page = np.full((ink.shape[0] + 2 * PAD, ink.shape[1] + 2 * PAD), 255, np.uint8)
    page[PAD:-PAD, PAD:-PAD] = 255 - ink
    api.SetPageSegMode(PSM.SINGLE_LINE if psm is None else psm)
    api.SetImageBytes(page.tobytes(), page.shape[1], page.shape[0], 1, page.shape[1])
    api.SetSourceResolution(int(dpi))
    api.Recognize()
    it = api.GetIterator()
    glyphs: list[Glyph] = []
    if it is None:
        return glyphs
    while True:
        box = it.BoundingBox(RIL.SYMBOL)
        text = it.GetUTF8Text(RIL.SYMBOL) if box else ""
        if box and text and text.strip():
            x0, y0, x1, y1 = (v - PAD for v in box)
            glyphs.append(Glyph(x0, y0, x1, y1, text, it.Confidence(RIL.SYMBOL) / 100, it.IsAtBeginningOf(RIL.WORD)))
        if not it.Next(RIL.SYMBOL):
            break
    return glyphs


def read_line(ink: Image, dpi: float) -> list[Glyph]:
    """The glyphs of one text line.  Tesseract at times returns nothing for a clear line at one
    scale and reads it well at another, so an empty answer is retried at half the size, then as a
    raw line (no layout analysis: `委託の有無　※` alone in its cell came back empty both ways)."""
    import cv2
    from tesserocr import PSM

    api = engine()
    got = recognise(api, ink, dpi)
    if got or not ink.any():
        return got
    size = (max(1, ink.shape[1] // 2), max(1, ink.shape[0] // 2))
    half = np.asarray(cv2.resize(ink, size, interpolation=cv2.INTER_AREA), np.uint8)
    got = [g._replace(x0=g.x0 * 2, y0=g.y0 * 2, x1=g.x1 * 2, y1=g.y1 * 2) for g in recognise(api, half, dpi / 2)]
    return got or recognise(api, ink, dpi, PSM.RAW_LINE)
