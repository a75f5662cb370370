"""Fixtures of the query/export/serve tests: real `pia-extract run` outputs of the samples and the corpus."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
import pytest

from tests.test_batch_support import pia_extract

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"


def corpus_inputs() -> list[Path]:
    """Every corpus input with a text layer: PDFs (not the image-only scans), dumps and seed texts."""
    pdfs = [p for p in sorted((CORPUS / "pdf").glob("*.pdf")) if not p.name.endswith(".scan.pdf")]
    return [*pdfs, *sorted((CORPUS / "dumps").glob("*.txt")), *sorted((CORPUS / "seeds").iterdir())]


def extract(inputs: list[Path], out: Path, *extra: str) -> Path:
    res = pia_extract("run", *map(str, inputs), "--out", str(out), "-j", "2", "-q", *extra, timeout=600)
    assert res.returncode in (0, 1), res.stderr  # 1: some inputs failed, which is a result too
    return out


@pytest.fixture(scope="session")
def samples_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`pia-extract run samples/` (always available: the samples are committed)."""
    return extract(sorted((ROOT / "samples").glob("*.pdf")), tmp_path_factory.mktemp("samples_out"))


@pytest.fixture(scope="session")
def corpus_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`pia-extract run` over the corpus in ../shared (skips when it is not there)."""
    if not (CORPUS / "pdf").is_dir():
        pytest.skip("../shared/corpus is not present on this machine")
    return extract(corpus_inputs(), tmp_path_factory.mktemp("corpus_out"))


@pytest.fixture(scope="session")
def corpus_sqlite(corpus_out: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`pia-extract export OUT --to sqlite` of the corpus output."""
    dest = tmp_path_factory.mktemp("corpus_sqlite")
    res = pia_extract("export", str(corpus_out), "--to", "sqlite", "--dest", str(dest))
    assert res.returncode == 0, res.stderr
    return dest / "pia.sqlite"


def commit_unreferenced_part(out: Path, part_id: str) -> None:
    """Record the part `part_id` (its files already in OUT/<table>/) as committed, with no document
    pointing at it: its rows are what superseded rows look like before compaction drops them."""
    from extractor.batch import manifest as m
    from extractor.batch.dataset import SCHEMA_FP
    from extractor.tables.schema import TABLE_NAMES

    if hasattr(m.Manifest, "commit_part"):  # manifest format 1
        man = m.Manifest(out)
        man.commit_part(part_id, SCHEMA_FP, [], [])
    else:  # format 2: the manifest records each file's rows and bytes
        paths = {name: out / name / f"{part_id}.parquet" for name in TABLE_NAMES}
        files = {name: (pq.read_metadata(p).num_rows, p.stat().st_size) for name, p in paths.items() if p.exists()}
        man = m.Manifest(out / m.MANIFEST_NAME)
        man.commit(m.PartCommit(part_id, SCHEMA_FP, files, [], set(), {}, set()))
    man.close()
