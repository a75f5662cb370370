"""`pia-extract run` / `status` / `compact` as a user runs them: exit codes, log, summary, progress."""

from __future__ import annotations

import json
import re
from pathlib import Path

from extractor.errors import ExitCode
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


def test_progress_goes_to_a_log_as_plain_timestamped_lines(tmp_path: Path) -> None:
    make_docs(tmp_path / "in", 2)
    res = pia_extract("run", str(tmp_path / "in"), "--out", str(tmp_path / "out"), "-j", "1")
    assert res.returncode == 0, res.stderr
    lines = [line for line in res.stderr.splitlines() if re.match(r"\d\d:\d\d:\d\d ", line)]
    assert lines[0].endswith(" extracting") and "2 inputs done (2 parsed" in lines[-1], res.stderr
    assert "\x1b[" not in res.stderr  # no terminal control codes in a log


def test_a_failed_document_exits_1_and_is_named_in_the_summary(tmp_path: Path) -> None:
    make_docs(tmp_path / "in", 2)
    zero_byte_file(tmp_path / "in" / "empty.pdf")
    res = pia_extract("run", str(tmp_path / "in"), "--out", str(tmp_path / "out"), "-j", "1")
    assert res.returncode == ExitCode.DOCUMENTS_FAILED, res.stderr
    assert "Failed by kind: empty 1" in res.stderr
    assert f"{tmp_path / 'in' / 'empty.pdf'}: empty: the file is empty" in res.stderr
    again = pia_extract("run", str(tmp_path / "in"), "--out", str(tmp_path / "out"), "-j", "1", "-q")
    assert again.returncode == 1  # the same inputs, the same verdict, even when nothing is parsed again


def test_a_missing_path_is_a_failed_row_and_the_rest_of_the_batch_runs(tmp_path: Path) -> None:
    make_docs(tmp_path / "in", 2)
    res = pia_extract("run", str(tmp_path / "in"), str(tmp_path / "nope.pdf"), "--out", str(tmp_path / "out"), "-q")
    assert res.returncode == ExitCode.DOCUMENTS_FAILED, res.stderr
    docs = {Path(r["source_path"]).name: r for r in read_sorted(tmp_path / "out")["documents"]}
    assert len(docs) == 3 and docs["nope.pdf"]["error_kind"] == "unreadable"


def test_nothing_readable_exits_1_and_says_why(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.docx").write_bytes(b"PK")
    res = pia_extract("run", str(tmp_path / "in"), "--out", str(tmp_path / "out"))
    assert res.returncode == ExitCode.DOCUMENTS_FAILED
    assert "no input documents (.pdf .txt .md .html) found in" in res.stderr and ".docx 1" in res.stderr


def test_quiet_prints_nothing(tmp_path: Path) -> None:
    make_docs(tmp_path / "in", 1)
    res = pia_extract("run", str(tmp_path / "in"), "--out", str(tmp_path / "out"), "--quiet")
    assert (res.returncode, res.stdout, res.stderr) == (0, "", "")


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert pia_extract("run", "--workers", "0", cwd=tmp_path).returncode == ExitCode.USAGE
    assert pia_extract("run", "--no-such-option", cwd=tmp_path).returncode == ExitCode.USAGE
    no_samples = pia_extract("run", "--out", str(tmp_path / "out"), cwd=tmp_path)
    assert no_samples.returncode == ExitCode.USAGE and "samples/" in no_samples.stderr


def test_version_and_short_help(tmp_path: Path) -> None:
    version = pia_extract("--version", faults=False)
    assert version.returncode == 0 and re.fullmatch(r"pia-extract \S+ \(parser \S+\)\n", version.stdout)
    for args in (("-h",), ("run", "-h"), ("status", "-h")):
        res = pia_extract(*args, faults=False)
        assert res.returncode == 0 and "Usage:" in res.stdout, args


def test_default_input_is_samples_and_default_output_is_output(tmp_path: Path) -> None:
    make_docs(tmp_path / "samples", 2)
    res = pia_extract("run", "-q", "-j", "1", cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    assert len(read_sorted(tmp_path / "output")["documents"]) == 2


def test_status_prints_counts_and_the_documents_with_warnings(tmp_path: Path) -> None:
    make_docs(tmp_path / "in", 2)
    zero_byte_file(tmp_path / "in" / "empty.pdf")
    pia_extract("run", str(tmp_path / "in"), "--out", str(tmp_path / "out"), "-q")
    res = pia_extract("status", str(tmp_path / "out"), faults=False)
    assert res.returncode == 0, res.stderr
    assert "Documents 3: ok 2, failed 1" in res.stdout
    assert "Failed by kind: empty 1" in res.stdout
    assert re.search(r"failed\s+\S*empty\.pdf \[empty\]\n\s+- the file is empty", res.stdout), res.stdout
    assert "systems " in res.stdout
    not_output = pia_extract("status", str(tmp_path / "in"), faults=False)
    assert not_output.returncode == ExitCode.RUN_ERROR and "not an output directory" in not_output.stderr


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
    assert not_output.returncode == ExitCode.RUN_ERROR and "not an output directory" in not_output.stderr


def test_a_run_that_cannot_proceed_exits_3(tmp_path: Path) -> None:
    make_docs(tmp_path / "in", 1)
    res = pia_extract("run", str(tmp_path / "in"), "--out", str(tmp_path / "out"),
                      extract="tests.faults_nostart:extract")
    assert res.returncode == ExitCode.RUN_ERROR
    assert "error: the worker processes stop before they are ready" in res.stderr


def test_a_run_parent_loads_pyarrow_without_numpy_and_writes_the_same_tables(tmp_path: Path) -> None:
    import subprocess
    import sys

    from tests.test_batch_support import ROOT, cli_env

    samples = [str(ROOT / "samples" / f"sample_{form}_01.pdf") for form in ("full", "focused")]
    res = subprocess.run([sys.executable, "-X", "importtime", "-m", "extractor.cli", "run", *samples,
                          "--out", str(tmp_path / "out"), "--quiet"], cwd=ROOT, env=cli_env(),
                         capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr[-2000:]
    imported = {m.group(1).strip() for m in re.finditer(r"\|\s*([\w.]+)\s*$", res.stderr, re.M)}
    assert "pyarrow.parquet" in imported and "numpy" not in imported  # the workers are other processes
    tables = read_sorted(tmp_path / "out")
    assert len(tables["documents"]) == 2 and all(d["status"] == "ok" for d in tables["documents"])
    assert tables["systems"] and all(isinstance(s["conn_tax"], bool) for s in tables["systems"])
