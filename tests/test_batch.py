"""Batch runner: dataset + manifest bookkeeping, resume, dedup, compaction (in-process runs)."""

from __future__ import annotations

import shutil
import sqlite3
from collections import Counter
from pathlib import Path

import pytest

from extractor.batch import runner as batch
from extractor.batch.dataset import PART_PREFIX
from extractor.batch.manifest import Manifest
from extractor.batch.runner import DocEvent, NullObserver, RunOptions, compact_output, run_batch
from extractor.batch.sandbox import FAULTS_ENV, Limits
from extractor.tables.schema import TABLE_NAMES
from pia_fixtures.hostile import text_pdf_bytes, vary
from tests.test_batch_support import FAULTS, make_docs, manifest_rows, part_files, read_sorted


class Recorder(NullObserver):
    def __init__(self) -> None:
        self.events: list[DocEvent] = []

    def document(self, event: DocEvent) -> None:
        self.events.append(event)

    def actions(self) -> Counter[str]:
        return Counter(e.action for e in self.events)


@pytest.fixture(autouse=True)
def _faults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(FAULTS_ENV, FAULTS)


def options(out: Path, **kw: object) -> RunOptions:
    base: dict[str, object] = {"out_dir": out, "workers": 2, "limits": Limits(timeout_s=30, max_memory_mb=1024),
                               "part_docs": 3}
    return RunOptions(**{**base, **kw})  # type: ignore[arg-type]


def run(inputs: list[Path], out: Path, **kw: object) -> tuple[batch.RunSummary, Recorder]:
    rec = Recorder()
    return run_batch(inputs, options(out, **kw), rec), rec


def test_run_writes_a_dataset_per_table_and_a_manifest(tmp_path: Path) -> None:
    docs = make_docs(tmp_path / "in", 7)
    summary, rec = run([tmp_path / "in"], tmp_path / "out")
    tables = read_sorted(tmp_path / "out")
    assert summary.exit_code == 0 and rec.actions() == {"parsed": 7}
    assert len(tables["documents"]) == 7
    assert {r["source_path"] for r in tables["documents"]} == {str(p) for p in docs}
    for name in TABLE_NAMES[1:]:
        assert tables[name], name
        assert {r["doc_id"] for r in tables[name]} <= {r["doc_id"] for r in tables["documents"]}
    assert summary.dataset_rows == {name: len(rows) for name, rows in tables.items()}
    # one part per table after compaction, same part id everywhere, nothing else in the folders
    files = part_files(tmp_path / "out")
    assert len({tuple(v) for v in files.values()}) == 1
    assert all(len(v) == 1 and v[0].startswith(PART_PREFIX) for v in files.values())
    assert manifest_rows(tmp_path / "out", "SELECT count(*), min(status), max(parser_version) FROM docs") == [
        (7, "ok", batch.PARSER_VERSION)]


def test_identical_bytes_under_two_paths_are_parsed_once(tmp_path: Path) -> None:
    (first,) = make_docs(tmp_path / "in", 1)
    shutil.copy(first, tmp_path / "in" / "rows-copy.pdf")
    _, rec = run([tmp_path / "in"], tmp_path / "out")
    tables = read_sorted(tmp_path / "out")
    assert rec.actions() == {"parsed": 1, "duplicate": 1}
    assert len(tables["documents"]) == 2
    assert len({r["doc_id"] for r in tables["documents"]}) == 1
    assert {r["source_path"] for r in tables["documents"]} == {str(first), str(tmp_path / "in" / "rows-copy.pdf")}
    run([first], tmp_path / "single")
    for name in TABLE_NAMES[1:]:  # the other tables hold the document once
        assert tables[name] == read_sorted(tmp_path / "single")[name]


def test_rerun_skips_done_documents_and_changes_nothing(tmp_path: Path) -> None:
    make_docs(tmp_path / "in", 5)
    run([tmp_path / "in"], tmp_path / "out")
    before = read_sorted(tmp_path / "out")
    summary, rec = run([tmp_path / "in"], tmp_path / "out")
    assert rec.actions() == {"skipped": 5} and summary.exit_code == 0
    assert read_sorted(tmp_path / "out") == before


def test_new_path_with_known_bytes_is_reported_without_parsing(tmp_path: Path) -> None:
    (first, _) = make_docs(tmp_path / "in", 2)
    run([tmp_path / "in"], tmp_path / "out")
    shutil.copy(first, tmp_path / "in" / "rows-again.pdf")
    _, rec = run([tmp_path / "in"], tmp_path / "out")
    assert rec.actions() == {"skipped": 2, "reused": 1}
    tables = read_sorted(tmp_path / "out")
    assert len(tables["documents"]) == 3
    again = next(r for r in tables["documents"] if r["source_path"].endswith("rows-again.pdf"))
    original = next(r for r in tables["documents"] if r["source_path"] == str(first))
    assert {**again, "source_path": None} == {**original, "source_path": None}


def test_force_and_a_new_parser_version_redo_without_duplicates(tmp_path: Path) -> None:
    make_docs(tmp_path / "in", 4)
    run([tmp_path / "in"], tmp_path / "out")
    before = read_sorted(tmp_path / "out")
    _, rec = run([tmp_path / "in"], tmp_path / "out", force=True)
    assert rec.actions() == {"parsed": 4}
    assert read_sorted(tmp_path / "out") == before
    with sqlite3.connect(tmp_path / "out" / "_manifest.sqlite") as db:  # as if half were done by an older parser
        db.execute("UPDATE docs SET parser_version='0.0.0-older' WHERE rowid % 2 = 0")
    _, rec = run([tmp_path / "in"], tmp_path / "out")
    assert rec.actions() == {"parsed": 2, "skipped": 2}
    assert read_sorted(tmp_path / "out") == before


def test_a_path_whose_bytes_changed_replaces_its_rows(tmp_path: Path) -> None:
    docs = make_docs(tmp_path / "in", 3)
    run([tmp_path / "in"], tmp_path / "out")
    old_id = manifest_rows(tmp_path / "out", f"SELECT doc_id FROM paths WHERE source_path='{docs[0]}'")[0][0]
    docs[0].write_bytes(vary(text_pdf_bytes(), 999))
    _, rec = run([tmp_path / "in"], tmp_path / "out")
    assert rec.actions() == {"parsed": 1, "skipped": 2}
    tables = read_sorted(tmp_path / "out")
    assert len(tables["documents"]) == 3
    for name in TABLE_NAMES:
        assert old_id not in {r["doc_id"] for r in tables[name]}, name
    run([tmp_path / "in"], tmp_path / "clean")
    assert tables == read_sorted(tmp_path / "clean")


def test_crash_between_part_files_and_manifest_commit_leaves_no_duplicates(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_docs(tmp_path / "in", 8)
    real_commit = Manifest.commit_part
    calls = {"n": 0}

    def crash_on_second(self: Manifest, *args: object, **kw: object) -> None:
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt  # the part files are written, the manifest never hears of them
        real_commit(self, *args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(Manifest, "commit_part", crash_on_second)
    with pytest.raises(KeyboardInterrupt):
        run([tmp_path / "in"], tmp_path / "out", workers=1)
    monkeypatch.setattr(Manifest, "commit_part", real_commit)
    orphaned = part_files(tmp_path / "out")["systems"]
    assert len(orphaned) == 2  # one committed part, one orphan
    summary, rec = run([tmp_path / "in"], tmp_path / "out")
    assert summary.orphans_removed == 1
    assert rec.actions() == {"skipped": 3, "parsed": 5}
    run([tmp_path / "in"], tmp_path / "clean")
    assert read_sorted(tmp_path / "out") == read_sorted(tmp_path / "clean")


def test_crash_inside_compaction_leaves_no_duplicates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_docs(tmp_path / "in", 6)
    run([tmp_path / "in"], tmp_path / "out", part_docs=1, merge_parts=False)
    assert len(part_files(tmp_path / "out")["documents"]) == 6
    expected = read_sorted(tmp_path / "out")

    def crash(*_args: object) -> None:
        raise KeyboardInterrupt  # merged part written, switch never committed

    monkeypatch.setattr(Manifest, "replace_parts", crash)
    with pytest.raises(KeyboardInterrupt):
        compact_output(tmp_path / "out")
    assert len(part_files(tmp_path / "out")["documents"]) == 7  # the merged orphan is visible on disk ...
    monkeypatch.undo()
    before, after, rows = compact_output(tmp_path / "out")  # ... until the next compact or run
    assert (before, after) == (6, 1)
    assert read_sorted(tmp_path / "out") == expected
    assert rows == {name: len(r) for name, r in expected.items()}


def test_a_part_that_lost_files_is_extracted_again(tmp_path: Path) -> None:
    make_docs(tmp_path / "in", 4)
    run([tmp_path / "in"], tmp_path / "out", part_docs=2, merge_parts=False)
    expected = read_sorted(tmp_path / "out")
    victim = part_files(tmp_path / "out")["files"][0]
    (tmp_path / "out" / "files" / victim).unlink()  # e.g. a rename lost to power loss
    _, rec = run([tmp_path / "in"], tmp_path / "out", merge_parts=False)
    assert rec.actions() == {"parsed": 2, "skipped": 2}
    assert read_sorted(tmp_path / "out") == expected


def test_compact_merges_small_parts(tmp_path: Path) -> None:
    make_docs(tmp_path / "in", 9)
    run([tmp_path / "in"], tmp_path / "out", part_docs=2, merge_parts=False)
    expected = read_sorted(tmp_path / "out")
    assert len(part_files(tmp_path / "out")["risk_ratings"]) == 5
    assert compact_output(tmp_path / "out", target_part_docs=4)[:2] == (5, 3)
    assert compact_output(tmp_path / "out")[:2] == (3, 1)
    assert read_sorted(tmp_path / "out") == expected
    assert compact_output(tmp_path / "out")[:2] == (1, 1)


def test_empty_input_folder_still_gives_readable_tables(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    summary, _ = run([tmp_path / "in"], tmp_path / "out")
    assert summary.exit_code == 0
    assert all(rows == [] for rows in read_sorted(tmp_path / "out").values())


def test_directory_discovery_is_recursive_and_skips_other_files(tmp_path: Path) -> None:
    make_docs(tmp_path / "in" / "a" / "b", 2)
    (tmp_path / "in" / "notes.csv").write_text("x")
    (tmp_path / "in" / "README.md").write_text("# about these files")
    (tmp_path / "in" / ".hidden").mkdir()
    make_docs(tmp_path / "in" / ".hidden", 1)
    found = batch.discover_inputs([tmp_path / "in", tmp_path / "in" / "a"])
    assert [p.name for p in found] == ["rows-000.pdf", "rows-001.pdf"]


def test_second_run_on_the_same_output_is_refused(tmp_path: Path) -> None:
    with batch._locked(tmp_path / "out"), pytest.raises(batch.RunError, match="another pia-extract run"):
        run([], tmp_path / "out")


def test_forced_redo_refreshes_rows_of_paths_from_earlier_runs(tmp_path: Path) -> None:
    (first,) = make_docs(tmp_path / "in", 1)
    twin = tmp_path / "elsewhere" / "rows-twin.pdf"
    twin.parent.mkdir()
    shutil.copy(first, twin)
    run([first, twin], tmp_path / "out")
    before = read_sorted(tmp_path / "out")
    _, rec = run([first], tmp_path / "out", force=True)  # the twin is not an input of this run
    assert [e.action for e in rec.events] == ["parsed", "refreshed"]
    assert read_sorted(tmp_path / "out") == before


def test_a_file_that_cannot_be_read_gets_one_failed_row_per_run(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    make_docs(tmp_path / "in", 2)
    real = batch.discover_inputs
    monkeypatch.setattr(batch, "discover_inputs", lambda inputs: [*real(inputs), tmp_path / "in" / "gone.pdf"])
    for _ in range(2):
        summary, rec = run([tmp_path / "in"], tmp_path / "out")
        assert summary.exit_code == 1 and rec.actions()["unreadable"] == 1
        docs = read_sorted(tmp_path / "out")["documents"]
        assert len(docs) == 3
        gone = next(r for r in docs if r["source_path"].endswith("gone.pdf"))
        assert (gone["doc_id"], gone["status"], gone["error_kind"]) == ("", "failed", "unreadable")
        assert "could not be read" in gone["warnings"][0]
