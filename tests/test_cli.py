"""`pia-extract run` / `pia-extract compact` as a user runs them: exit codes, log, summary, quiet."""

from __future__ import annotations

import json
from pathlib import Path

from extractor.tables.schema import TABLE_NAMES
from pia_fixtures.hostile import zero_byte_file
from tests.test_batch_support import make_docs, part_files, pia_extract, read_sorted


def test_all_ok_exits_0_with_a_summary_and_one_log_line_per_document(tmp_path: Path) -> None:
    docs = make_docs(tmp_path / "in", 3)
    log = tmp_path / "log.jsonl"
    res = pia_extract("run", str(tmp_path / "in"), "--out", str(tmp_path / "out"), "-j", "2",
                      "--log-json", str(log))
    assert res.returncode == 0, res.stderr
    assert res.stdout == ""
    for words in ("Documents", "3 parsed", "Pages", *TABLE_NAMES, "Output"):
        assert words in res.stderr, words
    lines = [json.loads(line) for line in log.read_text().splitlines()]
    assert sorted(r["source_path"] for r in lines) == sorted(str(p) for p in docs)
    for r in lines:
        assert r["action"] == "parsed" and r["status"] == "ok" and len(r["doc_id"]) == 64
        assert set(r) >= {"time", "error_kind", "warnings", "n_pages", "rows", "seconds", "worker", "peak_rss_mb"}
        assert r["rows"]["systems"] >= 1


def test_a_failed_document_exits_1_and_is_counted_by_kind(tmp_path: Path) -> None:
    make_docs(tmp_path / "in", 2)
    zero_byte_file(tmp_path / "in" / "empty.pdf")
    res = pia_extract("run", str(tmp_path / "in"), "--out", str(tmp_path / "out"), "-j", "1")
    assert res.returncode == 1, res.stderr
    assert "Failed by kind: empty 1" in res.stderr
    again = pia_extract("run", str(tmp_path / "in"), "--out", str(tmp_path / "out"), "-j", "1", "-q")
    assert again.returncode == 1  # the same inputs, the same verdict, even when nothing is parsed again


def test_quiet_prints_nothing(tmp_path: Path) -> None:
    make_docs(tmp_path / "in", 1)
    res = pia_extract("run", str(tmp_path / "in"), "--out", str(tmp_path / "out"), "--quiet")
    assert (res.returncode, res.stdout, res.stderr) == (0, "", "")


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    missing = pia_extract("run", str(tmp_path / "nope.pdf"), "--out", str(tmp_path / "out"))
    assert missing.returncode == 2 and "does not exist" in missing.stderr
    assert not (tmp_path / "out").exists()
    assert pia_extract("run", "--workers", "0", cwd=tmp_path).returncode == 2
    assert pia_extract("run", "--no-such-option", cwd=tmp_path).returncode == 2
    no_samples = pia_extract("run", "--out", str(tmp_path / "out"), cwd=tmp_path)
    assert no_samples.returncode == 2 and "samples/" in no_samples.stderr


def test_default_input_is_samples_and_default_output_is_output(tmp_path: Path) -> None:
    make_docs(tmp_path / "samples", 2)
    res = pia_extract("run", "-q", "-j", "1", cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    assert len(read_sorted(tmp_path / "output")["documents"]) == 2


def test_compact_command_merges_parts(tmp_path: Path) -> None:
    make_docs(tmp_path / "in", 4)
    out = tmp_path / "out"
    res = pia_extract("run", str(tmp_path / "in"), "--out", str(out), "--part-docs", "1", "--no-compact", "-q")
    assert res.returncode == 0, res.stderr
    expected = read_sorted(out)
    assert len(part_files(out)["documents"]) == 4
    res = pia_extract("compact", str(out))
    assert res.returncode == 0, res.stderr
    assert "4 parts -> 1 parts" in res.stderr
    assert len(part_files(out)["documents"]) == 1
    assert read_sorted(out) == expected
    not_output = pia_extract("compact", str(tmp_path / "in"))
    assert not_output.returncode == 3 and "not an output directory" in not_output.stderr


def test_a_run_that_cannot_proceed_exits_3(tmp_path: Path) -> None:
    make_docs(tmp_path / "in", 1)
    res = pia_extract("run", str(tmp_path / "in"), "--out", str(tmp_path / "out"), faults="nostart=any")
    assert res.returncode == 3
    assert "error: the worker processes stop before they are ready" in res.stderr
