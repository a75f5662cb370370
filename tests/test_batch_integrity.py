"""The dataset is the truth, the manifest an index: lost or damaged files are recovered, nothing lost.

Output failures (disk full, read-only folders, an unwritable manifest) are produced for real
on small tmpfs and read-only bind mounts; those tests skip where mounting is not allowed.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from extractor.batch import dataset
from extractor.batch.dataset import QUARANTINE, STAGING, OutputError
from extractor.batch.runner import DocEvent, NullObserver
from extractor.errors import ExitCode
from tests.test_batch_support import make_docs, options, part_files, pia_extract, read_sorted, run_shared


def _mount(*args: str) -> None:
    subprocess.run(["mount", *args], check=True, capture_output=True)


@contextlib.contextmanager
def mounted(*args: str, target: Path) -> Iterator[Path]:
    try:
        _mount(*args, str(target))
    except (OSError, subprocess.CalledProcessError) as exc:
        pytest.skip(f"cannot mount here: {exc}")
    try:
        yield target
    finally:
        subprocess.run(["umount", "-l", str(target)], check=False)


@contextlib.contextmanager
def read_only(path: Path) -> Iterator[Path]:
    """`path` (a folder or a file) made read-only for everyone, root included, by a bind mount."""
    with mounted("--bind", str(path), target=path):
        _mount("-o", "remount,ro,bind", str(path))
        yield path


@pytest.fixture
def clean(tmp_path: Path) -> dict[str, list[dict]]:
    make_docs(tmp_path / "in", 7)
    run_shared([tmp_path / "in"], options(tmp_path / "clean"))
    return read_sorted(tmp_path / "clean")


def test_a_deleted_manifest_is_rebuilt_from_the_parts_and_nothing_is_deleted(tmp_path: Path, clean: dict) -> None:
    out = tmp_path / "out"
    run_shared([tmp_path / "in"], options(out, part_docs=2, merge_parts=False))
    (out / "_manifest.sqlite").unlink()
    summary = run_shared([tmp_path / "in"], options(out, merge_parts=False))
    assert "missing" in summary.recovery.manifest_rebuilt
    assert summary.actions == {"skipped": 7}  # the parts said which paths and bytes are done
    assert read_sorted(out) == clean


def test_an_unreadable_manifest_is_set_aside_and_rebuilt(tmp_path: Path, clean: dict) -> None:
    out = tmp_path / "out"
    run_shared([tmp_path / "in"], options(out))
    (out / "_manifest.sqlite").write_bytes(b"not a database at all" * 100)
    summary = run_shared([tmp_path / "in"], options(out))
    assert "could not be used" in summary.recovery.manifest_rebuilt
    assert summary.actions == {"skipped": 7}
    assert list(out.glob("_manifest.sqlite.old-*"))
    assert read_sorted(out) == clean


def test_a_manifest_behind_the_parts_is_rebuilt(tmp_path: Path, clean: dict) -> None:
    out = tmp_path / "out"
    make_docs(tmp_path / "first", 3)
    run_shared([tmp_path / "first"], options(out))
    shutil.copy(out / "_manifest.sqlite", tmp_path / "old-manifest")
    run_shared([tmp_path / "in"], options(out))
    shutil.copy(tmp_path / "old-manifest", out / "_manifest.sqlite")  # restored from an old backup
    summary = run_shared([tmp_path / "in", tmp_path / "first"], options(out))
    assert "did not list every part" in summary.recovery.manifest_rebuilt
    assert summary.actions == {"skipped": 10}
    assert len(read_sorted(out)["documents"]) == 10


@pytest.mark.parametrize("damage", ["truncate", "footer", "delete"])
def test_a_damaged_part_is_quarantined_and_its_documents_extracted_again(tmp_path: Path, clean: dict,
                                                                          damage: str) -> None:
    out = tmp_path / "out"
    run_shared([tmp_path / "in"], options(out, part_docs=3, merge_parts=False))
    victim = out / "files" / part_files(out)["files"][1]
    data = victim.read_bytes()
    if damage == "truncate":
        victim.write_bytes(data[: len(data) // 2])
    elif damage == "footer":
        victim.write_bytes(data[:-40] + bytes(40))
    else:
        victim.unlink()
    summary = run_shared([tmp_path / "in"], options(out))
    assert len(summary.recovery.quarantined or []) == 1 and summary.recovery.documents_redone == 3
    assert summary.actions == {"parsed": 3, "skipped": 4}
    assert read_sorted(out) == clean
    assert list((out / QUARANTINE).iterdir())


def test_a_crash_between_commit_and_publish_is_published_at_the_next_start(
    tmp_path: Path, clean: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    real = dataset.publish_part
    calls = {"n": 0}

    def crash_on_second(out_dir: Path, part_id: str) -> None:
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt  # committed in the manifest, files still in staging
        real(out_dir, part_id)

    monkeypatch.setattr(dataset, "publish_part", crash_on_second)
    with pytest.raises(KeyboardInterrupt):
        run_shared([tmp_path / "in"], options(out, workers=1))
    monkeypatch.undo()
    summary = run_shared([tmp_path / "in"], options(out))
    assert summary.recovery.staged_published == 1
    assert summary.actions["skipped"] == 6 and summary.actions["parsed"] == 1
    assert read_sorted(out) == clean


class _FillDisk(NullObserver):
    """Fills the output's filesystem once the first document is done (a real ENOSPC follows)."""

    def __init__(self, folder: Path) -> None:
        self.folder, self.done = folder, False

    def document(self, event: DocEvent) -> None:
        if not self.done:
            self.done = True
            with open(self.folder / "filler", "wb") as fh, contextlib.suppress(OSError):
                while True:
                    fh.write(bytes(64 << 10))


def test_disk_full_is_a_run_error_with_nothing_half_published(tmp_path: Path, clean: dict) -> None:
    disk = tmp_path / "disk"
    disk.mkdir()
    with mounted("-t", "tmpfs", "-o", "size=4m", "tmpfs", target=disk):
        out = disk / "out"
        run_shared([tmp_path / "in"], options(out, part_docs=3))  # a finished dataset ...
        before = read_sorted(out)
        with pytest.raises(OutputError, match="No space left on device"):  # ... then a forced redo hits a full disk
            run_shared([tmp_path / "in"], options(out, part_docs=3, force=True), _FillDisk(disk))
        assert read_sorted(out) == before  # readers see a whole dataset, no row twice
        (disk / "filler").unlink()
        run_shared([tmp_path / "in"], options(out))
        assert read_sorted(out) == clean
        assert not list((out / STAGING).glob("*"))


def test_a_read_only_table_folder_is_a_run_error(tmp_path: Path, clean: dict) -> None:
    out = tmp_path / "out"
    run_shared([tmp_path / "in"], options(out))
    with read_only(out / "systems"), pytest.raises(OutputError, match="systems: it is read-only"):
        run_shared([tmp_path / "in"], options(out, force=True))
    assert read_sorted(out) == clean
    run_shared([tmp_path / "in"], options(out, force=True))
    assert read_sorted(out) == clean


def test_an_unwritable_manifest_is_a_run_error(tmp_path: Path, clean: dict) -> None:
    out = tmp_path / "out"
    run_shared([tmp_path / "in"], options(out))
    with read_only(out / "_manifest.sqlite"), pytest.raises(OutputError, match="manifest"):
        run_shared([tmp_path / "in"], options(out, force=True))
    assert read_sorted(out) == clean


def test_the_command_line_says_disk_full_in_one_line_and_exits_3(tmp_path: Path) -> None:
    make_docs(tmp_path / "in", 2)
    disk = tmp_path / "disk"
    disk.mkdir()
    with mounted("-t", "tmpfs", "-o", "size=1m", "tmpfs", target=disk):
        with open(disk / "filler", "wb") as fh, contextlib.suppress(OSError):
            fh.write(bytes(2 << 20))
        res = pia_extract("run", str(tmp_path / "in"), "--out", str(disk / "out"), "-q")
    assert res.returncode == ExitCode.RUN_ERROR, res.stderr
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), lines
    assert "No space left on device" in lines[0] or "disk is full" in lines[0], lines
    assert "Traceback" not in res.stderr and os.path.exists(tmp_path / "in")
