"""The runner survives hostile inputs and dying workers, and loses no other document's rows."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractor.batch.runner import RunOptions, run_batch
from extractor.batch.sandbox import FAULTS_ENV, Limits, WorkerStartError
from pia_fixtures.hostile import make_bad_inputs
from tests.test_batch_support import FAULTS, make_docs, manifest_rows, read_sorted


@pytest.fixture(autouse=True)
def _faults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(FAULTS_ENV, FAULTS)


def documents_by_name(out: Path) -> dict[str, dict]:
    return {Path(r["source_path"]).name: r for r in read_sorted(out)["documents"]}


def test_hang_crash_segfault_and_memory_hog_each_get_a_failed_row(tmp_path: Path) -> None:
    good = make_docs(tmp_path / "in", 6)
    for prefix in ("hang-", "crash-", "segv-", "oom-"):
        make_docs(tmp_path / "in", 1, prefix=prefix)
    limits = Limits(timeout_s=3, max_memory_mb=1024, recycle_after=2)
    summary = run_batch([tmp_path / "in"], RunOptions(tmp_path / "out", workers=2, limits=limits, part_docs=2))
    docs = documents_by_name(tmp_path / "out")
    assert summary.exit_code == 1
    assert len(docs) == 10
    expected = {
        "hang-000.pdf": ("timeout", "longer than the time limit of 3 s"),
        "crash-000.pdf": ("worker_crashed", "exited unexpectedly (exit code 11)"),
        "segv-000.pdf": ("worker_crashed", "crashed (SIGSEGV)"),
        "oom-000.pdf": ("memory_limit", "more than the memory limit of 1024 MB"),
    }
    for name, (kind, words) in expected.items():
        row = docs[name]
        assert (row["status"], row["error_kind"]) == ("failed", kind), name
        assert any(words in w for w in row["warnings"]), row["warnings"]
    assert all(docs[p.name]["status"] == "ok" for p in good)
    tables = read_sorted(tmp_path / "out")
    good_ids = {docs[p.name]["doc_id"] for p in good}
    assert {r["doc_id"] for r in tables["systems"]} == good_ids
    assert summary.failures == {"timeout": 1, "worker_crashed": 2, "memory_limit": 1}


def test_bad_inputs_never_crash_the_run_nor_lose_rows(tmp_path: Path) -> None:
    bad = make_bad_inputs(tmp_path / "in")
    good = make_docs(tmp_path / "in", 4)
    limits = Limits(timeout_s=8, max_memory_mb=1024)
    summary = run_batch([tmp_path / "in"], RunOptions(tmp_path / "out", workers=2, limits=limits))
    docs = documents_by_name(tmp_path / "out")
    assert set(docs) == {p.name for p in [*bad.values(), *good]}
    for kind in ("encrypted", "zero_byte", "not_a_pdf", "bomb"):  # nothing readable in these
        assert docs[f"{kind}.pdf"]["status"] == "failed", kind
    for row in docs.values():
        assert row["status"] in {"ok", "partial", "failed"}
        if row["status"] == "failed":
            assert row["error_kind"] and row["warnings"], row
    assert all(docs[p.name]["status"] == "ok" for p in good)
    systems = read_sorted(tmp_path / "out")["systems"]
    assert {docs[p.name]["doc_id"] for p in good} <= {r["doc_id"] for r in systems}
    assert summary.exit_code == 1


def test_workers_that_cannot_start_stop_the_run_without_failing_documents(tmp_path: Path,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    make_docs(tmp_path / "in", 3)
    monkeypatch.setenv(FAULTS_ENV, "nostart=any")
    with pytest.raises(WorkerStartError, match="stop before they are ready"):
        run_batch([tmp_path / "in"], RunOptions(tmp_path / "out", workers=2))
    assert manifest_rows(tmp_path / "out", "SELECT count(*) FROM docs") == [(0,)]  # no document marked failed
