"""Batch runner: dataset + manifest bookkeeping, resume, one documents row per doc_id, compaction."""

from __future__ import annotations

import os
import shutil
import sqlite3
from collections import Counter
from pathlib import Path

import pytest

from extractor.batch import runner as batch
from extractor.batch.dataset import PART_PREFIX, STAGING
from extractor.batch.inputs import Discovery
from extractor.batch.manifest import Manifest
from extractor.batch.runner import DocEvent, NullObserver, compact_output
from extractor.tables.schema import TABLE_NAMES
from pia_fixtures.hostile import text_pdf_bytes, vary
from tests.test_batch_support import make_docs, manifest_rows, options, part_files, read_sorted, run_shared


class Recorder(NullObserver):
    def __init__(self) -> None:
        self.events: list[DocEvent] = []

    def document(self, event: DocEvent) -> None:
        self.events.append(event)

    def actions(self) -> Counter[str]:
        return Counter(e.action for e in self.events)


def run(inputs: list[Path], out: Path, **kw: object) -> tuple[batch.RunSummary, Recorder]:
    rec = Recorder()
    return run_shared(inputs, options(out, **kw), rec), rec


def test_run_writes_a_dataset_per_table_and_a_manifest(tmp_path: Path) -> None:
    docs = make_docs(tmp_path / "in", 7)
    summary, rec = run([tmp_path / "in"], tmp_path / "out")
    tables = read_sorted(tmp_path / "out")
    assert summary.exit_code == 0 and rec.actions() == {"parsed": 7}
    assert len(tables["documents"]) == 7
    assert {r["source_path"] for r in tables["documents"]} == {str(p) for p in docs}
    assert all(r["source_paths"] is None for r in tables["documents"])
    for name in TABLE_NAMES[1:]:
        assert tables[name], name
        assert {r["doc_id"] for r in tables[name]} <= {r["doc_id"] for r in tables["documents"]}
    assert summary.dataset_rows == {name: len(rows) for name, rows in tables.items()}
    # one part per table after compaction, same part id everywhere, nothing else in the folders
    files = part_files(tmp_path / "out")
    assert len({tuple(v) for v in files.values()}) == 1
    assert all(len(v) == 1 and v[0].startswith(PART_PREFIX) for v in files.values())
    assert not any((tmp_path / "out" / STAGING).glob("*"))
    assert manifest_rows(tmp_path / "out", "SELECT count(*), min(status), max(parser_version) FROM docs") == [
        (7, "ok", batch.PARSER_VERSION)]


def test_identical_bytes_give_one_documents_row_listing_every_path(tmp_path: Path) -> None:
    (first,) = make_docs(tmp_path / "in", 1)
    shutil.copy(first, tmp_path / "in" / "rows-copy.pdf")
    shutil.copy(first, tmp_path / "in" / "rows-another.pdf")
    _, rec = run([tmp_path / "in"], tmp_path / "out")
    tables = read_sorted(tmp_path / "out")
    assert rec.actions() == {"parsed": 1, "duplicate": 2}
    (row,) = tables["documents"]
    paths = sorted([str(first), str(tmp_path / "in" / "rows-copy.pdf"), str(tmp_path / "in" / "rows-another.pdf")])
    assert (row["source_path"], row["source_paths"]) == (paths[0], paths[1:])
    run([first], tmp_path / "single")
    single = read_sorted(tmp_path / "single")
    for name in TABLE_NAMES[1:]:  # the other tables hold the document once
        assert tables[name] == single[name]


def test_rerun_skips_done_documents_without_reading_them_and_changes_nothing(tmp_path: Path) -> None:
    make_docs(tmp_path / "in", 5)
    run([tmp_path / "in"], tmp_path / "out")
    before = read_sorted(tmp_path / "out")
    summary, rec = run([tmp_path / "in"], tmp_path / "out")
    assert rec.actions() == {"skipped": 5} and summary.exit_code == 0
    assert all(e.worker is None for e in rec.events)  # decided from size and mtime: no worker read them
    assert read_sorted(tmp_path / "out") == before


def test_new_path_with_known_bytes_joins_the_documents_row_without_parsing(tmp_path: Path) -> None:
    (first, _) = make_docs(tmp_path / "in", 2)
    run([tmp_path / "in"], tmp_path / "out")
    before = read_sorted(tmp_path / "out")
    again = tmp_path / "in" / "rows-again.pdf"
    shutil.copy(first, again)
    _, rec = run([tmp_path / "in"], tmp_path / "out")
    assert rec.actions() == {"skipped": 2, "reused": 1}
    tables = read_sorted(tmp_path / "out")
    assert len(tables["documents"]) == 2
    row = next(r for r in tables["documents"] if r["source_path"] == str(first))
    assert row["source_paths"] == [str(again)]
    old = next(r for r in before["documents"] if r["source_path"] == str(first))
    assert {**row, "source_paths": None} == old
    for name in TABLE_NAMES[1:]:
        assert tables[name] == before[name]


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
    old_id = manifest_rows(tmp_path / "out", f"SELECT doc_key FROM paths WHERE source_path='{docs[0]}'")[0][0]
    docs[0].write_bytes(vary(text_pdf_bytes(), 999))
    _, rec = run([tmp_path / "in"], tmp_path / "out")
    assert rec.actions() == {"parsed": 1, "skipped": 2}
    tables = read_sorted(tmp_path / "out")
    assert len(tables["documents"]) == 3
    for name in TABLE_NAMES:
        assert old_id not in {r["doc_id"] for r in tables[name]}, name
    run([tmp_path / "in"], tmp_path / "clean")
    assert tables == read_sorted(tmp_path / "clean")


def test_a_crash_between_staging_and_commit_publishes_nothing_and_resumes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_docs(tmp_path / "in", 8)
    real_commit = Manifest.commit
    calls = {"n": 0}

    def crash_on_second(self: Manifest, *args: object, **kw: object) -> None:
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt  # the part is staged, the manifest never hears of it
        real_commit(self, *args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(Manifest, "commit", crash_on_second)
    with pytest.raises(KeyboardInterrupt):
        run([tmp_path / "in"], tmp_path / "out", workers=1)
    monkeypatch.setattr(Manifest, "commit", real_commit)
    assert len(part_files(tmp_path / "out")["systems"]) == 1  # readers see the committed part only
    assert len(read_sorted(tmp_path / "out")["documents"]) == 3
    assert len(list((tmp_path / "out" / STAGING).iterdir())) == 1
    summary, rec = run([tmp_path / "in"], tmp_path / "out")
    assert summary.recovery.staged_discarded == 1
    assert rec.actions() == {"skipped": 3, "parsed": 5}
    run([tmp_path / "in"], tmp_path / "clean")
    assert read_sorted(tmp_path / "out") == read_sorted(tmp_path / "clean")


def test_a_crash_inside_compaction_never_shows_duplicates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_docs(tmp_path / "in", 6)
    run([tmp_path / "in"], tmp_path / "out", part_docs=1, merge_parts=False)
    assert len(part_files(tmp_path / "out")["documents"]) == 6
    expected = read_sorted(tmp_path / "out")

    def crash(*_args: object) -> None:
        raise KeyboardInterrupt  # merged part staged, switch never committed

    monkeypatch.setattr(Manifest, "replace_parts", crash)
    with pytest.raises(KeyboardInterrupt):
        compact_output(tmp_path / "out")
    assert read_sorted(tmp_path / "out") == expected  # the merged part was never published
    monkeypatch.undo()
    before, after, rows = compact_output(tmp_path / "out")
    assert (before, after) == (6, 1)
    assert read_sorted(tmp_path / "out") == expected
    assert rows == {name: len(r) for name, r in expected.items()}


def test_compact_merges_small_parts(tmp_path: Path) -> None:
    make_docs(tmp_path / "in", 9)
    run([tmp_path / "in"], tmp_path / "out", part_docs=2, merge_parts=False)
    expected = read_sorted(tmp_path / "out")
    assert len(part_files(tmp_path / "out")["risk_ratings"]) == 5
    assert compact_output(tmp_path / "out", target_part_docs=4)[:2] == (5, 3)
    assert compact_output(tmp_path / "out")[:2] == (3, 1)
    assert read_sorted(tmp_path / "out") == expected
    assert compact_output(tmp_path / "out")[:2] == (1, 1)


def test_an_input_set_with_nothing_readable_exits_1_with_readable_empty_tables(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "report.docx").write_bytes(b"PK\x03\x04")
    summary, _ = run([tmp_path / "in"], tmp_path / "out")
    assert summary.exit_code == 1 and summary.inputs == 0
    assert summary.skipped_files == {".docx": 1}
    assert all(rows == [] for rows in read_sorted(tmp_path / "out").values())


def test_directory_discovery_is_recursive_lazy_and_skips_other_files(tmp_path: Path) -> None:
    make_docs(tmp_path / "in" / "a" / "b", 2)
    (tmp_path / "in" / "notes.csv").write_text("x")
    (tmp_path / "in" / "README.md").write_text("# about these files")
    make_docs(tmp_path / "in" / ".hidden", 1)
    (tmp_path / "in" / "a" / "loop").symlink_to(tmp_path / "in")  # a directory loop is walked once
    discovery = Discovery([tmp_path / "in", tmp_path / "in" / "a"])
    walk = iter(discovery)
    first = next(walk)
    assert Path(first.path).name == "rows-000.pdf" and not discovery.done  # yielded before the walk ends
    rest = list(walk)
    assert [Path(i.path).name for i in [first, *rest]] == ["rows-000.pdf", "rows-001.pdf"]
    assert discovery.skipped == {".csv": 1, ".md": 1}  # README.md is left out too


def test_second_run_on_the_same_output_is_refused(tmp_path: Path) -> None:
    with batch._locked(tmp_path / "out"), pytest.raises(batch.RunError, match="another pia-extract run"):
        run([], tmp_path / "out")


def test_forced_redo_keeps_paths_from_earlier_runs(tmp_path: Path) -> None:
    (first,) = make_docs(tmp_path / "in", 1)
    twin = tmp_path / "elsewhere" / "rows-twin.pdf"
    twin.parent.mkdir()
    shutil.copy(first, twin)
    run([first, twin], tmp_path / "out")
    before = read_sorted(tmp_path / "out")
    assert (before["documents"][0]["source_path"], before["documents"][0]["source_paths"]) == (str(twin), [str(first)])
    _, rec = run([first], tmp_path / "out", force=True)  # the twin is not an input of this run
    assert [e.action for e in rec.events] == ["parsed"]
    assert read_sorted(tmp_path / "out") == before


def test_paths_that_cannot_be_read_get_one_failed_row_each_per_run(tmp_path: Path) -> None:
    make_docs(tmp_path / "in", 2)
    (tmp_path / "in" / "gone.pdf").symlink_to(tmp_path / "nowhere.pdf")
    missing = tmp_path / "missing.pdf"
    for _ in range(2):
        summary, rec = run([tmp_path / "in", missing], tmp_path / "out")
        assert (summary.exit_code == 1 and rec.actions() == {"parsed": 2, "unreadable": 2}) or \
            rec.actions() == {"skipped": 2, "unreadable": 2}
        docs = {Path(r["source_path"]).name: r for r in read_sorted(tmp_path / "out")["documents"]}
        assert len(docs) == 4
        assert (docs["gone.pdf"]["doc_id"], docs["gone.pdf"]["error_kind"]) == ("", "not_a_file")
        assert (docs["missing.pdf"]["doc_id"], docs["missing.pdf"]["error_kind"]) == ("", "unreadable")
        assert "does not exist" in docs["missing.pdf"]["warnings"][0]
    missing.write_bytes(vary(text_pdf_bytes(), 5))  # once readable, its failed row is replaced
    run([tmp_path / "in", missing], tmp_path / "out")
    docs = {Path(r["source_path"]).name: r for r in read_sorted(tmp_path / "out")["documents"]}
    assert len(docs) == 4 and docs["missing.pdf"]["doc_id"] and docs["missing.pdf"]["error_kind"] is None


def test_a_non_utf8_file_name_gets_a_row_with_an_escaped_reversible_path(tmp_path: Path) -> None:
    from extractor.batch.inputs import unescape_path

    (good,) = make_docs(tmp_path / "in", 1)
    raw = os.fsencode(tmp_path / "in") + b"/rows-\x93\xfa\x96{.pdf"  # Shift_JIS bytes in a file name
    with open(raw, "wb") as fh:
        fh.write(vary(text_pdf_bytes(), 77))
    summary, _ = run([tmp_path / "in"], tmp_path / "out")
    assert summary.exit_code == 0
    names = [r["source_path"] for r in read_sorted(tmp_path / "out")["documents"]]
    escaped = next(n for n in names if n != str(good))
    assert escaped.endswith("rows-\\x93\\xfa\\x96{.pdf")
    assert unescape_path(escaped) == raw
    _, rec = run([tmp_path / "in"], tmp_path / "out")
    assert rec.actions() == {"skipped": 2}
