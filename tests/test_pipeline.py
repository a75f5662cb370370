"""The PDF pipeline read page by page: the same result as reading the document whole, in memory
that does not grow with the document's length."""

from __future__ import annotations

import gc
import hashlib
import subprocess
import sys
from pathlib import Path

import pymupdf
import pytest

from extractor import pipeline
from extractor.layout.stream import WINDOW
from extractor.model import ExtractOptions
from pia_fixtures.long import base_assessment, long_document

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return base_assessment(tmp_path_factory.mktemp("long") / "base.pdf")  # 45 pages


def _stamped(base: Path, path: Path, repeats: int, stamped: int) -> bytes:
    """`base` repeated, a margin line on its first `stamped` pages, and a blank page where asked."""
    long_document(base, repeats * pymupdf.open(base).page_count, path)
    with pymupdf.open(path) as doc:
        for k in range(stamped):
            doc[k].insert_text((40, 20), "社外秘", fontname="japan", fontsize=8)
        return doc.tobytes()


def _both(data: bytes, mode: str = "auto") -> tuple[pipeline.DocumentResult, pipeline.DocumentResult]:
    options = ExtractOptions(ocr=mode)  # type: ignore[arg-type]
    doc_id = hashlib.sha256(data).hexdigest()
    streamed = pipeline.parse_pdf(data, doc_id, "x.pdf", options)
    whole = pipeline._parse_whole(data, doc_id, "x.pdf", options)
    return streamed, whole


def _count_passes(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    real = pipeline._stream_pass

    def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(pipeline, "_stream_pass", counted)
    return calls


def test_a_running_line_on_every_page_is_streamed_in_one_pass(base: Path, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    data = _stamped(base, tmp_path / "l.pdf", 3, 135)
    passes = _count_passes(monkeypatch)
    streamed, whole = _both(data)
    assert passes == [1]
    assert streamed == whole and streamed.files


def test_a_wrong_running_line_guess_reads_again(base: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A margin line on the first 75 of 135 pages is kept (60% = 81 pages make a running line), but
    the first 65 pages read all print it: the guess is wrong, the second reading knows the counts."""
    data = _stamped(base, tmp_path / "l.pdf", 3, 75)
    passes = _count_passes(monkeypatch)
    streamed, whole = _both(data)
    assert passes == [1, 1]
    assert streamed == whole


def _with_blank(base: Path, path: Path, at: int) -> bytes:
    with pymupdf.open(base) as doc:
        doc.new_page(at, width=595, height=842)
        return doc.tobytes()


def test_a_blank_page_with_ocr_off_is_a_warning_and_streamed(base: Path, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    passes = _count_passes(monkeypatch)
    streamed, whole = _both(_with_blank(base, tmp_path / "b.pdf", 10), "never")
    assert passes == [1]
    assert streamed == whole
    assert streamed.document.warnings[0] == "page 11 has no text layer"


@pytest.mark.parametrize(("mode", "at"), [("never", 0), ("auto", 10), ("always", 10)])
def test_pages_to_ocr_are_read_whole(base: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                     mode: str, at: int) -> None:
    """OCR, and telling whether any page has text when the first has none, take the whole document."""
    data = _with_blank(base, tmp_path / "b.pdf", at)
    monkeypatch.setattr("extractor.read.scanned.pages_to_ocr", lambda pages, mode: [])  # OCR is not tested here
    calls: list[int] = []
    real = pipeline._parse_whole
    monkeypatch.setattr(pipeline, "_parse_whole", lambda *a: calls.append(1) or real(*a))
    result = pipeline.parse_pdf(data, "id", "x.pdf", ExtractOptions(ocr=mode))  # type: ignore[arg-type]
    assert calls == [1]
    assert result.files and f"page {at + 1} has no text layer" in result.document.warnings


PEAK = """
import re, sys
from extractor import extract_document
r = extract_document(sys.argv[1])
assert r.document.status != "failed", r.document.warnings
print(int(re.search(r"VmHWM:\\s+(\\d+)", open("/proc/self/status").read()).group(1)) // 1024)
"""


def _peak_rss_mb(path: Path) -> int:
    """Peak RSS of a fresh process extracting `path`, as the child reads it (VmHWM): the child's
    `ru_maxrss` would start from this test process's RSS, copied at fork."""
    out = subprocess.run([sys.executable, "-c", PEAK, str(path)], capture_output=True, text=True, cwd=ROOT,
                         check=True)
    return int(out.stdout.strip().splitlines()[-1])


def test_peak_memory_does_not_grow_with_the_page_count(base: Path, tmp_path: Path) -> None:
    """180 and 810 pages (the same assessment repeated 4 and 18 times) peak within 12 MB of each
    other (measured: 7 MB).  What still grows with the length is the file's bytes (0.7 against
    3.1 MB here), MuPDF's table of its objects, its font store until it is emptied (every 256 pages)
    and the records bound (a few kB a repeat); reading every page first grew by 83 MB between these
    two lengths (84 -> 167 MB)."""
    short, long_ = tmp_path / "short.pdf", tmp_path / "long.pdf"
    assert long_document(base, 180, short) > 2 * WINDOW  # longer than what the stream holds back
    long_document(base, 810, long_)
    small, large = _peak_rss_mb(short), _peak_rss_mb(long_)
    assert large - small < 12, (small, large)



@pytest.mark.parametrize("name", ["sample_full_01.pdf", "sample_focused_01.pdf", "sample_basic_01.pdf"])
def test_a_parse_makes_no_reference_cycles(name: str, base: Path, tmp_path: Path) -> None:
    """`pipeline.cycle_collection_paused` relies on it: with the collector off, reference counting
    alone frees every page, so a collection after the document finds nothing to free."""
    long_ = tmp_path / "long.pdf"
    long_document(base, 2 * WINDOW + 10, long_)  # streamed past the window
    for path in (ROOT / "samples" / name, long_):
        gc.collect()
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            result = pipeline.extract_document(path)
            assert gc.collect() == 0, path
        finally:
            if was_enabled:
                gc.enable()
        assert result.document.status != "failed", path
