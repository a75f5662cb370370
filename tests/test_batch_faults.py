"""The runner survives hostile inputs and dying workers, loses no other document's rows, and names why."""

from __future__ import annotations

import os
from pathlib import Path

import pymupdf
import pytest

from extractor.batch.sandbox import Limits, WorkerStartError
from pia_fixtures.hostile import make_bad_inputs, text_pdf_bytes
from tests.test_batch_support import make_docs, manifest_rows, options, read_sorted, run_shared


def documents_by_name(out: Path) -> dict[str, dict]:
    return {Path(r["source_path"]).name: r for r in read_sorted(out)["documents"]}


def assert_failed(row: dict, kind: str, words: str) -> None:
    assert (row["status"], row["error_kind"]) == ("failed", kind), row
    assert any(words in w for w in row["warnings"]), row["warnings"]


def test_a_hang_is_stopped_at_the_time_limit_and_the_rest_goes_on(tmp_path: Path) -> None:
    good = make_docs(tmp_path / "in", 3)
    make_docs(tmp_path / "in", 1, prefix="hang-")
    # a hang never ends, so any limit is shorter than its work; the good documents are not timed
    summary = run_shared([tmp_path / "in"], options(tmp_path / "out", limits=Limits(timeout_s=2)))
    docs = documents_by_name(tmp_path / "out")
    assert_failed(docs["hang-000.pdf"], "timeout", "longer than the time limit of 2 s")
    assert docs["hang-000.pdf"]["doc_id"]  # hashed before it hung: a plain rerun does not retry it
    assert all(docs[p.name]["status"] == "ok" for p in good)
    assert summary.failures == {"timeout": 1}


def test_crashes_and_memory_hogs_each_get_a_failed_row_of_their_own_kind(tmp_path: Path) -> None:
    good = make_docs(tmp_path / "in", 4)
    for prefix in ("crash-", "segv-", "oom-", "bigalloc-", "oomkill-"):
        make_docs(tmp_path / "in", 1, prefix=prefix)
    limits = Limits(timeout_s=600, max_memory_mb=600)  # oomkill- dies at ~480 MB: near, not over
    summary = run_shared([tmp_path / "in"], options(tmp_path / "out", limits=limits, part_docs=2))
    docs = documents_by_name(tmp_path / "out")
    assert summary.exit_code == 1 and len(docs) == 9
    assert_failed(docs["crash-000.pdf"], "worker_crashed", "exited unexpectedly (exit code 11)")
    assert_failed(docs["segv-000.pdf"], "worker_crashed", "crashed (SIGSEGV)")
    assert_failed(docs["oom-000.pdf"], "memory_limit", "memory limit of 600 MB")
    assert_failed(docs["bigalloc-000.pdf"], "memory_limit", "more than the memory limit of 600 MB")
    assert_failed(docs["oomkill-000.pdf"], "memory_limit", "killed (SIGKILL)")
    assert all(docs[p.name]["status"] == "ok" for p in good)
    good_ids = {docs[p.name]["doc_id"] for p in good}
    assert {r["doc_id"] for r in read_sorted(tmp_path / "out")["systems"]} == good_ids
    assert summary.failures == {"worker_crashed": 2, "memory_limit": 3}


def test_a_crash_of_a_worker_started_by_a_big_parent_is_a_crash(tmp_path: Path) -> None:
    """Linux counts the memory a process had before it exec'd in its peak (`ru_maxrss`): a worker
    started by a parent that once held 700 MB has that peak from its start.  When it segfaults, it
    crashed; it did not run out of memory (the classification once flaked on this in CI, where the
    test process had grown large).  One killed while holding most of its limit still ran out."""
    held = bytearray(700 << 20)  # resident: zero-filled; more than a worker's own peak below
    limits = Limits(timeout_s=599, max_memory_mb=600)  # a pool of its own, started now
    make_docs(tmp_path / "in", 1, prefix="segv-")
    make_docs(tmp_path / "in", 1, prefix="oomkill-")
    run_shared([tmp_path / "in"], options(tmp_path / "out", limits=limits, workers=1))
    del held
    docs = documents_by_name(tmp_path / "out")
    assert_failed(docs["segv-000.pdf"], "worker_crashed", "crashed (SIGSEGV)")
    assert_failed(docs["oomkill-000.pdf"], "memory_limit", "killed (SIGKILL)")  # its own peak, seen by the parent


def test_a_plain_rerun_does_not_retry_crashes_and_says_so_retry_failed_does(tmp_path: Path) -> None:
    make_docs(tmp_path / "in", 2)
    crash = make_docs(tmp_path / "in", 1, prefix="crash-")[0]
    run_shared([tmp_path / "in"], options(tmp_path / "out"))
    again = run_shared([tmp_path / "in"], options(tmp_path / "out"))
    assert again.actions == {"skipped": 3} and again.not_retried == {"worker_crashed": 1}
    crash.rename(crash.with_name("rows-was-crash.pdf"))  # same bytes, a name that parses now
    retried = run_shared([tmp_path / "in"], options(tmp_path / "out", retry_failed=True))
    assert retried.actions == {"parsed": 1, "skipped": 2} and retried.exit_code == 0
    rows = read_sorted(tmp_path / "out")["documents"]
    (row,) = [r for r in rows if str(tmp_path / "in" / "rows-was-crash.pdf") in [r["source_path"],
                                                                              *(r["source_paths"] or [])]]
    assert row["status"] == "ok" and len(rows) == 3  # one row for those bytes, its old path listed too


def page_tree_cycle_pdf(path: Path) -> Path:
    """A PDF whose page tree lists itself among its kids."""
    doc = pymupdf.open("pdf", text_pdf_bytes())
    tree = int(doc.xref_get_key(doc.pdf_catalog(), "Pages")[1].split()[0])
    doc.xref_set_key(tree, "Kids", f"[{doc[0].xref} 0 R {tree} 0 R]")
    doc.xref_set_key(tree, "Count", "2")
    path.write_bytes(doc.tobytes())
    return path


def test_bad_inputs_never_crash_the_run_nor_lose_rows(tmp_path: Path) -> None:
    bad = make_bad_inputs(tmp_path / "in")
    bad["cycle"] = page_tree_cycle_pdf(tmp_path / "in" / "cycle.pdf")
    good = make_docs(tmp_path / "in", 4)
    # the decompression bomb runs until stopped: its limit is what ends it, the good ones are synthetic
    summary = run_shared([tmp_path / "in"], options(tmp_path / "out", limits=Limits(timeout_s=5,
                                                                                    max_memory_mb=1024)))
    docs = documents_by_name(tmp_path / "out")
    assert set(docs) == {p.name for p in [*bad.values(), *good]}
    for kind in ("encrypted", "zero_byte", "not_a_pdf", "bomb"):  # nothing readable in these
        assert docs[f"{kind}.pdf"]["status"] == "failed", kind
    assert (docs["cycle.pdf"]["error_kind"], docs["encrypted.pdf"]["error_kind"]) == ("corrupt", "encrypted")
    assert "cycle in page tree" in docs["cycle.pdf"]["warnings"][0]
    for row in docs.values():
        assert row["status"] in {"ok", "partial", "failed"}
        if row["status"] == "failed":
            assert row["error_kind"] and row["warnings"], row
            assert row["error_kind"] != "internal_error", row
    assert all(docs[p.name]["status"] == "ok" for p in good)
    systems = read_sorted(tmp_path / "out")["systems"]
    assert {docs[p.name]["doc_id"] for p in good} <= {r["doc_id"] for r in systems}
    assert summary.exit_code == 1


def test_fifos_devices_and_broken_links_are_rows_and_never_opened(tmp_path: Path) -> None:
    make_docs(tmp_path / "in", 1)
    os.mkfifo(tmp_path / "in" / "pipe.pdf")  # opening it for reading would block forever
    (tmp_path / "in" / "dangling.pdf").symlink_to(tmp_path / "nowhere.pdf")
    (tmp_path / "in" / "loop.pdf").symlink_to(tmp_path / "in" / "loop.pdf")
    fifo = tmp_path / "given.pdf"
    os.mkfifo(fifo)
    summary = run_shared([tmp_path / "in", fifo, Path("/dev/zero")], options(tmp_path / "out"))
    docs = documents_by_name(tmp_path / "out")
    for name in ("pipe.pdf", "dangling.pdf", "loop.pdf", "given.pdf", "zero"):
        assert (docs[name]["status"], docs[name]["error_kind"], docs[name]["doc_id"]) == ("failed", "not_a_file", "")
    assert summary.inputs == 6 and summary.failures == {"not_a_file": 5}


def test_workers_that_cannot_start_stop_the_run_without_failing_documents(tmp_path: Path) -> None:
    make_docs(tmp_path / "in", 3)
    with pytest.raises(WorkerStartError, match="stop before they are ready"):
        run_shared([tmp_path / "in"], options(tmp_path / "out", extract_fn="tests.faults_nostart:extract"))
    assert manifest_rows(tmp_path / "out", "SELECT count(*) FROM docs") == [(0,)]  # no document marked failed
