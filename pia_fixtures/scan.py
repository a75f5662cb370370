"""Scanned fixtures: a PDF's pages printed to images (resolution, paper grey, noise, a small
rotation, JPEG) and wrapped as an image-only PDF, as an archive's scanner would have made it.

    data = random_assessment(7, "full")
    render_pdf(data, "form.pdf")
    scan_pdf("form.pdf", "form.scan.pdf", ScanStyle(dpi=200, angle=0.6, noise=8), seed=7)

Deterministic for a given seed.  Used by the OCR tests and the OCR benchmark.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import pymupdf
from numpy.typing import NDArray


@dataclass(frozen=True)
class ScanStyle:
    """How a page is scanned.

    dpi: image resolution.  angle: rotation in degrees (a sheet fed askew).  paper: grey level
    of the paper (255 white).  noise: standard deviation of grey noise.  specks: share of
    pixels turned to dust (black) or drop-outs (white).  jpeg: JPEG quality, or None for
    lossless.  grey: store grey (else RGB, as many scanners do).
    """

    dpi: int = 200
    angle: float = 0.0
    paper: int = 245
    noise: float = 0.0
    specks: float = 0.0
    jpeg: int | None = 80
    grey: bool = True

    def __post_init__(self) -> None:
        if not 72 <= self.dpi <= 600:
            raise ValueError("ScanStyle.dpi must be within 72-600")
        if abs(self.angle) > 5:
            raise ValueError("ScanStyle.angle must be within ±5 degrees")


def scan_page(page: pymupdf.Page, style: ScanStyle, rng: np.random.Generator) -> NDArray[np.uint8]:
    """The page as the scanner saw it: a grey image."""
    pix = page.get_pixmap(dpi=style.dpi, colorspace=pymupdf.csGRAY, alpha=False)
    img = np.frombuffer(pix.samples, np.uint8).reshape(pix.height, pix.stride)[:, : pix.width].astype(np.float32)
    img = img * (style.paper / 255.0)  # paper is never quite white
    if style.angle:
        h, w = img.shape
        m = cv2.getRotationMatrix2D((w / 2, h / 2), style.angle, 1.0)
        img = cv2.warpAffine(img, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=float(style.paper))
    if style.noise:
        img = img + rng.normal(0.0, style.noise, img.shape).astype(np.float32)
    if style.specks:
        spots = rng.random(img.shape, dtype=np.float32)
        img[spots < style.specks / 2] = 20.0
        img[spots > 1 - style.specks / 2] = float(style.paper)
    return np.clip(img, 0, 255).astype(np.uint8)


def _encode(img: NDArray[np.uint8], style: ScanStyle) -> bytes:
    out = img if style.grey else cv2.cvtColor(img, cv2.COLOR_GRAY2BGR)
    if style.jpeg is None:
        ok, buf = cv2.imencode(".png", out)
    else:
        ok, buf = cv2.imencode(".jpg", out, [cv2.IMWRITE_JPEG_QUALITY, style.jpeg])
    if not ok:
        raise RuntimeError("the page image could not be encoded")
    return bytes(buf.tobytes())


def scan_pdf(src: str | os.PathLike[str] | bytes, dst: str | os.PathLike[str], style: ScanStyle | None = None,
             seed: int = 0, pages: list[int] | None = None) -> None:
    """Write an image-only PDF of `src`'s pages (0-based `pages`, default all) to `dst`."""
    style = style or ScanStyle()
    rng = np.random.default_rng(seed)
    doc = pymupdf.open(stream=src, filetype="pdf") if isinstance(src, bytes) else pymupdf.open(src)
    out = pymupdf.open()
    for k in pages if pages is not None else range(doc.page_count):
        page = doc[k]
        target = out.new_page(width=page.rect.width, height=page.rect.height)
        target.insert_image(target.rect, stream=_encode(scan_page(page, style, rng), style))
    out.set_metadata({"producer": "pia-extract scan fixture", "creator": "pia_fixtures/scan.py"})
    Path(dst).parent.mkdir(parents=True, exist_ok=True)
    out.save(os.fspath(dst), garbage=3, deflate=True, no_new_id=True)
    out.close()
    doc.close()


def mixed_pdf(src: str | os.PathLike[str], dst: str | os.PathLike[str], scanned: list[int],
              style: ScanStyle | None = None, seed: int = 0) -> None:
    """A copy of `src` whose pages `scanned` (0-based) are replaced by their scans; the others keep
    their text layer (an archive's partly scanned document)."""
    style = style or ScanStyle()
    rng = np.random.default_rng(seed)
    doc = pymupdf.open(src)
    for k in scanned:
        page = doc[k]
        stream = _encode(scan_page(page, style, rng), style)
        rect = page.rect
        page.clean_contents()
        for xref in [c for c in page.get_contents()]:
            doc.update_stream(xref, b"")
        page.insert_image(rect, stream=stream)
    Path(dst).parent.mkdir(parents=True, exist_ok=True)
    doc.save(os.fspath(dst), garbage=3, deflate=True, no_new_id=True)
    doc.close()
