"""Worker processes: they import only the parser, and are recycled by memory, not by count."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from extractor.batch.runner import run_batch
from extractor.batch.sandbox import Limits, LocalPool, Sandbox
from extractor.batch.worker import Job
from pia_fixtures.hostile import text_pdf
from tests.faults import HEAVY
from tests.test_batch_support import ROOT, make_docs, options, read_sorted


def test_a_worker_parsing_a_real_pdf_has_not_loaded_pyarrow_typer_or_rich(tmp_path: Path) -> None:
    pdf = text_pdf(tmp_path / "doc.pdf")
    sandbox = Sandbox(Limits(), "tests.faults:extract_and_list_heavy_modules")
    try:
        outcome = sandbox.run(Job(str(pdf), str(pdf)))
    finally:
        sandbox.close()
    assert outcome.result is not None
    assert outcome.result.document.warnings[-1] == "heavy modules loaded: none"


def test_the_worker_import_closure_excludes_heavy_modules() -> None:
    code = "import extractor.batch.worker, extractor.pipeline"
    res = subprocess.run([sys.executable, "-X", "importtime", "-c", code], capture_output=True, text=True,
                         cwd=ROOT, check=True)
    imported = {m.group(1).strip().partition(".")[0] for m in re.finditer(r"\|\s*([\w.]+)\s*$", res.stderr, re.M)}
    assert "pymupdf" in imported and "extractor" in imported  # the parser is there ...
    assert not imported & set(HEAVY), imported & set(HEAVY)  # ... and nothing of the CLI or the writer
    modules = {m.group(1).strip() for m in re.finditer(r"\|\s*([\w.]+)\s*$", res.stderr, re.M)}
    assert not {m for m in modules if m.startswith("extractor.text.dump")}  # text readers: for text inputs only


def test_a_pool_starts_only_the_workers_the_known_documents_need(tmp_path: Path) -> None:
    pdfs = [text_pdf(tmp_path / f"doc{k}.pdf", pages=k + 1) for k in range(2)]
    pool = LocalPool(2, Limits()).start(expected_jobs=1)
    try:
        assert [sb._proc is not None for sb in pool.sandboxes] == [True, False]
        outcomes = list(pool.run(Job(str(p), str(p)) for p in pdfs))  # more work: the second starts then
        assert len(outcomes) == 2 and all(o.result is not None for o in outcomes)
    finally:
        pool.close()


def test_workers_are_recycled_when_their_memory_grows(tmp_path: Path) -> None:
    make_docs(tmp_path / "in", 4)
    limits = Limits(max_memory_mb=2048, recycle_rss_mb=150)  # every document leaves 200 MB behind
    pool = LocalPool(1, limits, "tests.faults:extract_and_keep_memory")
    summary = run_batch([tmp_path / "in"], options(tmp_path / "out", workers=1, limits=limits), pool=pool)
    assert summary.exit_code == 0 and len(read_sorted(tmp_path / "out")["documents"]) == 4
    assert len(summary.worker_peak_rss_mb) == 4  # a fresh worker for every document
    small = run_batch([tmp_path / "in"], options(tmp_path / "out2", workers=1, force=True))
    assert len(small.worker_peak_rss_mb) == 1  # without growth one worker does them all
