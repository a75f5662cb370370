"""OCR benchmark: resolution, engine interface, character vs word boxes, throughput.

    python bench/bench_ocr.py [--pages 6] [--quick]

Pages: the corpus scans (../shared/corpus/pdf/*.scan.pdf, grey 150 dpi images of the
spreadsheet prints) with their born-digital `.xl.pdf` as the reference, or, without the
corpus, the project's own forms scanned by `pia_fixtures.scan` (200 dpi, noise, 0.6°).
Accuracy is "character agreement": the multiset of characters on a page read by OCR against
the page's text layer (NFKC, spaces dropped), as an F1; "cell agreement" is the share of the
reference's non-empty layout cells whose OCR text is exactly the reference's.

It measures
  (1) the OCR reader at 150 / 200 / 300 dpi: CPU seconds per page and agreement;
  (2) at the chosen resolution, the engine interface: this reader (tesserocr, one call per
      text line, character boxes) against Tesseract's command line with TSV output on the
      whole page (a process per page; word boxes only), and tesserocr on the whole page —
      seconds per page and character agreement;
  (3) words built from Tesseract's character boxes against its word boxes: cell agreement;
  (4) throughput: pages per CPU-second (per core), and a 3,000-page archive's projected
      time on 2 workers.
CPU time (process + children) is reported, not wall time: the machine is shared.
Results also go to bench/results/ocr-<time>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pymupdf

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extractor.layout import page_to_rows  # noqa: E402
from extractor.read import ocr, tesseract  # noqa: E402
from extractor.read.content import PageContent, Word  # noqa: E402
from extractor.read.pdf import read_page  # noqa: E402
from extractor.read.raster import prepare  # noqa: E402
from pia_fixtures.scan import ScanStyle, scan_pdf  # noqa: E402
from pia_fixtures.synth import random_assessment, render_pdf  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus" / "pdf"


def cpu() -> float:
    own = time.process_time()
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own + kids.ru_utime + kids.ru_stime


def page_set(n: int, tmp: Path) -> list[tuple[pymupdf.Page, pymupdf.Page]]:
    """(scanned page, reference page with a text layer) pairs."""
    pairs = []
    scans = sorted(CORPUS.glob("*.scan.pdf")) if CORPUS.is_dir() else []
    if scans:
        for scan in scans:
            ref = scan.with_name(scan.name.replace(".scan.pdf", ".xl.pdf"))
            s, r = pymupdf.open(scan), pymupdf.open(ref)
            step = max(1, s.page_count // max(1, n // len(scans)))
            pairs += [(s[k], r[k]) for k in range(1, s.page_count, step)][: max(1, n // len(scans))]
        return pairs[:n]
    src = tmp / "form.pdf"
    render_pdf(random_assessment(21, "focused", n_files=1), src)
    scan_pdf(src, tmp / "form.scan.pdf", ScanStyle(dpi=200, noise=6, angle=0.6), seed=21)
    s, r = pymupdf.open(tmp / "form.scan.pdf"), pymupdf.open(src)
    return [(s[k], r[k]) for k in range(1, min(s.page_count, n + 1))]


def chars(words: list[str]) -> Counter[str]:
    return Counter(ch for w in words for ch in unicodedata.normalize("NFKC", w) if not ch.isspace())


def char_f1(got: list[str], want: list[str]) -> float:
    g, w = chars(got), chars(want)
    common = sum((g & w).values())
    return 2 * common / max(1, sum(g.values()) + sum(w.values()))


def cell_agreement(got: PageContent, ref: PageContent) -> tuple[int, int]:
    """(exactly equal cells, non-empty reference cells), cells matched by their box."""
    def cells(content: PageContent) -> list[tuple[tuple[float, ...], str]]:
        out = []
        for row in page_to_rows(content):
            for c in row.cells:
                for cell in (c, *c.inner):
                    text = "".join(unicodedata.normalize("NFKC", cell.text).split())
                    out.append(((cell.x0, cell.y0, cell.x1, cell.y1), text))
        return out

    mine = cells(got)
    equal = total = 0
    for box, text in cells(ref):
        if not text:
            continue
        total += 1
        near = [t for b, t in mine if all(abs(a - c) < 4 for a, c in zip(b, box, strict=True))]
        equal += bool(near) and near[0] == text
    return equal, total


def timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    t = cpu()
    out = fn()
    return out, cpu() - t


def sweep_dpi(pairs: list[tuple[pymupdf.Page, pymupdf.Page]], dpis: list[int]) -> dict[str, Any]:
    out = {}
    for dpi in dpis:
        f1s, secs, eq, tot = [], 0.0, 0, 0
        for scan, ref in pairs:
            page, dt = timed(lambda s=scan, d=dpi: ocr.ocr_page(s, d))
            secs += dt
            reference = read_page(ref)
            f1s.append(char_f1([w.text for w in page.content.words], [w.text for w in reference.words]))
            e, t = cell_agreement(page.content, reference)
            eq, tot = eq + e, tot + t
        out[str(dpi)] = {"cpu_s_per_page": round(secs / len(pairs), 2), "char_f1": round(float(np.mean(f1s)), 4),
                         "cells_equal": round(eq / max(1, tot), 3)}
        print(f"  {dpi} dpi: {out[str(dpi)]}", flush=True)
    return out


def whole_page_tesserocr(grey: np.ndarray, dpi: int) -> list[str]:
    from tesserocr import PSM

    api = tesseract.engine()
    api.SetPageSegMode(PSM.AUTO)
    api.SetImageBytes(grey.tobytes(), grey.shape[1], grey.shape[0], 1, grey.shape[1])
    api.SetSourceResolution(dpi)
    api.Recognize()
    return (api.GetUTF8Text() or "").split()


def whole_page_cli(grey: np.ndarray, dpi: int, tmp: Path) -> list[str]:
    import cv2

    img = tmp / "page.png"
    cv2.imwrite(str(img), grey)
    run = subprocess.run(["tesseract", str(img), "stdout", "-l", "jpn", "--psm", "3", "--dpi", str(dpi), "tsv"],
                         capture_output=True, text=True, check=True, env={**os.environ, "OMP_THREAD_LIMIT": "1"})
    rows = [line.split("\t") for line in run.stdout.splitlines()[1:]]
    return [r[11] for r in rows if len(r) == 12 and r[11].strip()]


def compare_engines(pairs: list[tuple[pymupdf.Page, pymupdf.Page]], dpi: int, tmp: Path) -> dict[str, Any]:
    results: dict[str, dict[str, float]] = {}
    names = ["reader: tesserocr per line", "tesserocr whole page (PSM 3)", "tesseract CLI TSV whole page (PSM 3)"]
    have_cli = subprocess.run(["which", "tesseract"], capture_output=True).returncode == 0
    for name in names if have_cli else names[:2]:
        f1s, secs = [], 0.0
        for scan, ref in pairs:
            want = [w.text for w in read_page(ref).words]
            if name.startswith("reader"):
                page, dt = timed(lambda s=scan: ocr.ocr_page(s, dpi))
                got = [w.text for w in page.content.words]
            else:
                raster = prepare(ocr.render(scan, dpi), dpi)
                clean = raster.grey.copy()
                clean[raster.rules > 0] = 255
                fn = (lambda c=clean: whole_page_tesserocr(c, dpi)) if "tesserocr" in name else (
                    lambda c=clean: whole_page_cli(c, dpi, tmp))
                got, dt = timed(fn)
            secs += dt
            f1s.append(char_f1(got, want))
        results[name] = {"cpu_s_per_page": round(secs / len(pairs), 2), "char_f1": round(float(np.mean(f1s)), 4)}
        print(f"  {name}: {results[name]}", flush=True)
    if have_cli:  # what a call costs before any recognition: loading the model
        blank = np.full((40, 40), 255, np.uint8)
        _, dt = timed(lambda: whole_page_cli(blank, dpi, tmp))
        results["tesseract CLI, one blank image (model load)"] = {"cpu_s": round(dt, 2)}
    return results


def words_from_word_boxes(scan: pymupdf.Page, dpi: int) -> PageContent:
    """The reader with Tesseract's own word boxes instead of words built from character boxes."""
    from tesserocr import PSM, RIL

    from extractor.read.lines import line_height, text_lines

    raster = prepare(ocr.render(scan, dpi), dpi)
    labels, found = ocr.regions(raster)
    api, words, pt = tesseract.engine(), [], raster.pt
    inks = []
    for region in found:
        ink = raster.ink[region.y0: region.y1, region.x0: region.x1].copy()
        ink[labels[region.y0: region.y1, region.x0: region.x1] != region.label] = 0
        inks.append(ink)
    em = line_height(inks, dpi)
    for region, ink in zip(found, inks, strict=True):
        for y0, y1 in text_lines(ink, em):
            line = ink[max(0, y0 - 2): y1 + 2]
            page = np.full((line.shape[0] + 24, line.shape[1] + 24), 255, np.uint8)
            page[12:-12, 12:-12] = 255 - line
            api.SetPageSegMode(PSM.SINGLE_LINE)
            api.SetImageBytes(page.tobytes(), page.shape[1], page.shape[0], 1, page.shape[1])
            api.Recognize()
            it = api.GetIterator()
            while it is not None:
                box, text = it.BoundingBox(RIL.WORD), it.GetUTF8Text(RIL.WORD) if it.BoundingBox(RIL.WORD) else ""
                if box and text and text.strip():
                    x0, yy0, x1, yy1 = box
                    dy = region.y0 + max(0, y0 - 2) - 12
                    words.append(Word((x0 + region.x0 - 12) * pt, (yy0 + dy) * pt, (x1 + region.x0 - 12) * pt,
                                      (yy1 + dy) * pt, text.strip()))
                if not it.Next(RIL.WORD):
                    break
    rect = scan.rect
    return PageContent(scan.number + 1, rect.width, rect.height, tuple(words), raster.hsegs, raster.vsegs)


def compare_boxes(pairs: list[tuple[pymupdf.Page, pymupdf.Page]], dpi: int) -> dict[str, Any]:
    out = {}
    for name, fn in (("character boxes (reader)", lambda s: ocr.ocr_page(s, dpi).content),
                     ("Tesseract word boxes", lambda s: words_from_word_boxes(s, dpi))):
        eq = tot = 0
        for scan, ref in pairs:
            e, t = cell_agreement(fn(scan), read_page(ref))
            eq, tot = eq + e, tot + t
        out[name] = {"cells_equal": round(eq / max(1, tot), 3), "cells": tot}
        print(f"  {name}: {out[name]}", flush=True)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pages", type=int, default=6, help="pages per measurement (default 6)")
    ap.add_argument("--quick", action="store_true", help="2 pages, the chosen resolution only")
    args = ap.parse_args()
    n = 2 if args.quick else args.pages
    tesseract.engine()  # model loaded once per worker process: not counted per page
    with tempfile.TemporaryDirectory() as tmp:
        pairs = page_set(n, Path(tmp))
        print(f"{len(pairs)} pages ({'corpus scans' if CORPUS.is_dir() else 'generated scans'})", flush=True)
        print("(1) resolution")
        dpi = sweep_dpi(pairs, [ocr.OCR_DPI] if args.quick else [150, 200, 300])
        print(f"(2) engine interface at {ocr.OCR_DPI} dpi")
        engines = compare_engines(pairs, ocr.OCR_DPI, Path(tmp))
        print("(3) character vs word boxes")
        boxes = compare_boxes(pairs, ocr.OCR_DPI)
    per_page = dpi[str(ocr.OCR_DPI)]["cpu_s_per_page"]
    hours = 3000 * per_page / 2 / 3600
    print(f"(4) {1 / per_page:.2f} pages per CPU-second per core ({per_page} s/page at {ocr.OCR_DPI} dpi); "
          f"a 3,000-page scanned archive on 2 workers: {hours:.2f} h projected (CPU-bound, 2 free cores)")
    results = {"pages": len(pairs), "resolution": dpi, "engines": engines, "boxes": boxes,
               "s_per_page": per_page, "archive_3000_pages_2_workers_h": round(hours, 2)}
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / f"ocr-{time.strftime('%Y%m%d-%H%M%S')}.json").write_text(json.dumps(results, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
