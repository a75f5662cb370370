"""The output dataset: one directory per table of immutable part files — the source of truth.

Layout::

    OUT/<table>/<part_id>.parquet          committed, published parts (what readers read)
    OUT/_staging/<part_id>/<table>.parquet parts being written, not yet committed
    OUT/_quarantine/<part_id>/...          damaged parts moved aside (their documents are redone)
    OUT/_manifest.sqlite                   the index (`extractor.batch.manifest`)

Commit protocol (atomic publish): a part is written under ``_staging`` (each file fsynced), then
the manifest commits it, then its files are renamed into the table directories.  Readers of
``OUT/<table>/`` (pyarrow, DuckDB, pandas) therefore never see a row that is not committed; a
crash before the commit leaves only staging files (deleted at the next start), a crash after it
leaves committed files in staging (published at the next start).  Compaction writes merged
parts the same way, commits the switch, then deletes the old files.

Each part's ``documents`` file carries, in its Parquet metadata, the size and mtime of the
paths it settles, so `rebuild_manifest` can make the manifest again from the parts alone
(replaying them in part-id order, which is commit order).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import secrets
import shutil
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from extractor.batch.manifest import MANIFEST_NAME, PATH_KEY, Manifest, PartCommit, PartRecord, PathRecord, doc_key
from extractor.errors import RunError
from extractor.model import DocumentRow
from extractor.tables.schema import SCHEMAS, TABLE_NAMES

PART_PREFIX = "part-"
STAGING = "_staging"
QUARANTINE = "_quarantine"
META_KEY = b"pia_extract"
SCHEMA_FP = hashlib.sha256(
    "\n".join(f"{name}:{SCHEMAS[name]}" for name in TABLE_NAMES).encode()
).hexdigest()[:16]
Files = dict[str, tuple[int, int]]  # table -> (rows, bytes)


class OutputError(RunError):
    """The dataset cannot be written (disk full, read-only folder...): the run stops, nothing half-published."""


@contextlib.contextmanager
def io_errors(doing: str) -> Iterator[None]:
    """An OS or SQLite error while writing the output is a run error with a one-line reason."""
    try:
        yield
    except OSError as exc:
        where = f" ({exc.filename})" if exc.filename else ""
        raise OutputError(f"cannot {doing}: {exc.strerror or exc}{where}") from exc
    except sqlite3.Error as exc:
        raise OutputError(f"cannot {doing}: the manifest: {exc}") from exc


def new_part_id() -> str:
    """Unique, time-ordered part id (sorting part ids sorts commits)."""
    return f"{PART_PREFIX}{time.time_ns():020d}-{secrets.token_hex(4)}"


def part_path(out_dir: Path, table: str, part_id: str) -> Path:
    return out_dir / table / f"{part_id}.parquet"


def staged_path(out_dir: Path, table: str, part_id: str) -> Path:
    return out_dir / STAGING / part_id / f"{table}.parquet"


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def conform(table: pa.Table, name: str) -> pa.Table:
    """`table` in the current schema of `name`: missing columns null, extra columns dropped."""
    schema = SCHEMAS[name]
    if table.schema.remove_metadata().equals(schema, check_metadata=True):
        return table
    columns = [_as_type(table.column(f.name), f.type) if f.name in table.column_names else pa.nulls(len(table), f.type)
               for f in schema]
    return pa.Table.from_arrays(columns, schema=schema)


def _as_type(column: pa.ChunkedArray, type_: pa.DataType) -> pa.ChunkedArray:
    """`column` as `type_`.  A list column read back from Parquet names its items `element`, not `item`: the
    same data, relabelled without a cast (a cast imports pyarrow.compute, and NumPy with it: ~0.13 s)."""
    if pa.types.is_list(column.type) and pa.types.is_list(type_) and column.type.value_type == type_.value_type:
        return pa.chunked_array([chunk.view(type_) for chunk in column.chunks], type_)
    return column if column.type == type_ else column.cast(type_)


# ---------------------------------------------------------------------------- writing and publishing


def part_metadata(stats: dict[str, tuple[int, int]], with_rows: set[str]) -> dict[str, object]:
    """What the documents file of a part carries for `rebuild_manifest`."""
    return {"stats": stats, "results": sorted(with_rows)}


def stage_part(out_dir: Path, part_id: str, tables: dict[str, pa.Table],
               meta: dict[str, object] | None = None) -> Files:
    """Write a part's tables under staging (fsynced); returns table -> (rows, bytes)."""
    files: Files = {}
    folder = out_dir / STAGING / part_id
    with io_errors("write the output"):
        folder.mkdir(parents=True, exist_ok=True)
        for name, table in tables.items():
            table = conform(table, name)
            if name == "documents" and meta is not None:
                table = table.replace_schema_metadata({META_KEY: json.dumps(meta).encode()})
            path = staged_path(out_dir, name, part_id)
            pq.write_table(table, path, compression="zstd")
            with open(path, "rb") as fh:
                os.fsync(fh.fileno())
            files[name] = (len(table), path.stat().st_size)
        _fsync_dir(folder)
    return files


def publish_part(out_dir: Path, part_id: str) -> None:
    """Move a committed part's staged files into the table directories (idempotent)."""
    folder = out_dir / STAGING / part_id
    with io_errors("publish a committed part"):
        for name in TABLE_NAMES:
            src = staged_path(out_dir, name, part_id)
            if src.exists():
                (out_dir / name).mkdir(exist_ok=True)
                os.replace(src, part_path(out_dir, name, part_id))
        for name in TABLE_NAMES:
            _fsync_dir(out_dir / name)
        with contextlib.suppress(OSError):
            folder.rmdir()


def discard_staged(out_dir: Path, part_id: str) -> None:
    shutil.rmtree(out_dir / STAGING / part_id, ignore_errors=True)


def delete_part(out_dir: Path, part_id: str) -> None:
    for name in TABLE_NAMES:
        part_path(out_dir, name, part_id).unlink(missing_ok=True)


def read_part(out_dir: Path, table: str, part_id: str) -> pa.Table:
    """One table of one part, in the current schema (a table the part does not have reads as empty)."""
    path = part_path(out_dir, table, part_id)
    if not path.exists():
        return SCHEMAS[table].empty_table()
    with pq.ParquetFile(path) as part:  # one file: not `read_table`, whose dataset layer imports NumPy (~0.1 s)
        return conform(part.read(), table)


def check_publishable(out_dir: Path, part_id: str) -> None:
    """Refuse to commit a part that could not be published whole (a read-only table folder, another
    filesystem): the commit would leave readers a part in some tables and not in others."""
    staged = out_dir / STAGING / part_id
    with io_errors("publish"):
        device = staged.stat().st_dev
        for name in TABLE_NAMES:
            if not staged_path(out_dir, name, part_id).exists():
                continue
            folder = out_dir / name
            folder.mkdir(exist_ok=True)
            if not os.access(folder, os.W_OK | os.X_OK):
                raise OutputError(f"cannot publish to {folder}: it is read-only or not writable")
            if folder.stat().st_dev != device:
                raise OutputError(f"cannot publish to {folder}: it is on another filesystem than {staged.parent}")


def commit_part(out_dir: Path, manifest: Manifest, commit: PartCommit) -> None:
    """The manifest commit, then the publish: after this returns, readers see the part."""
    if commit.part_id is not None:
        check_publishable(out_dir, commit.part_id)
    with io_errors("commit to the manifest"):
        manifest.commit(commit)
    if commit.part_id is not None:
        publish_part(out_dir, commit.part_id)


# ---------------------------------------------------------------------------- checking at start


def _parts_on_disk(out_dir: Path) -> set[str]:
    found: set[str] = set()
    for name in TABLE_NAMES:
        folder = out_dir / name
        if folder.is_dir():
            found.update(p.stem for p in folder.glob(f"{PART_PREFIX}*.parquet"))
    return found


def _damage(out_dir: Path, part_id: str, files: Files) -> str | None:
    """Why a committed part's files cannot be trusted, or None (footer and row count checked)."""
    for name, (rows, size) in files.items():
        path = part_path(out_dir, name, part_id)
        try:
            if path.stat().st_size != size:
                return f"{path.name} in {name}/ has {path.stat().st_size} bytes, {size} were written"
            if pq.read_metadata(path).num_rows != rows:
                return f"{path.name} in {name}/ does not hold the {rows} rows written"
        except (OSError, pa.ArrowException) as exc:
            return f"{path.name} in {name}/ cannot be read ({type(exc).__name__})"
    return None


def quarantine(out_dir: Path, part_id: str) -> None:
    """Move a damaged part's files aside (kept for inspection, out of the readers' way)."""
    folder = out_dir / QUARANTINE / part_id
    with io_errors("move a damaged part aside"):
        folder.mkdir(parents=True, exist_ok=True)
        for name in TABLE_NAMES:
            path = part_path(out_dir, name, part_id)
            if path.exists():
                os.replace(path, folder / f"{name}.parquet")


@dataclass
class Recovery:
    """What a run found and repaired when it started."""

    staged_discarded: int = 0      # parts of an interrupted run that were never committed
    staged_published: int = 0      # committed parts whose publish was interrupted
    quarantined: list[str] | None = None  # damaged parts moved to _quarantine (one line each)
    documents_redone: int = 0      # documents whose rows were in damaged or vanished parts
    manifest_rebuilt: str = ""     # why the manifest was rebuilt from the parts, if it was


def recover(out_dir: Path, manifest: Manifest) -> Recovery:
    """Finish or undo interrupted commits, then verify every committed part; damaged ones are quarantined."""
    rec = Recovery(quarantined=[])
    committed = manifest.parts()
    staging = out_dir / STAGING
    for folder in sorted(staging.iterdir()) if staging.is_dir() else []:
        if folder.name in committed:
            publish_part(out_dir, folder.name)
            rec.staged_published += 1
        else:
            discard_staged(out_dir, folder.name)
            rec.staged_discarded += 1
    bad: list[str] = []
    for part_id, part in sorted(committed.items()):
        why = _damage(out_dir, part_id, part.files)
        if why is not None:
            quarantine(out_dir, part_id)
            assert rec.quarantined is not None
            rec.quarantined.append(why)
            bad.append(part_id)
    if bad:
        with io_errors("update the manifest"):
            rec.documents_redone = manifest.forget_parts(bad)
    return rec


def manifest_is_behind(out_dir: Path, manifest: Manifest | None) -> bool:
    """Published parts the manifest (or no manifest) does not know: it is older than the data."""
    return bool(_parts_on_disk(out_dir) - (set(manifest.parts()) if manifest is not None else set()))


# ---------------------------------------------------------------------------- rebuild


def _part_doc_ids(out_dir: Path, part_id: str) -> set[str]:
    ids: set[str] = set()
    for name in TABLE_NAMES[1:]:
        path = part_path(out_dir, name, part_id)
        if path.exists():
            ids.update(pq.read_table(path, columns=["doc_id"]).column(0).to_pylist())
    return ids


def _part_files(out_dir: Path, part_id: str) -> Files:
    files: Files = {}
    for name in TABLE_NAMES:
        path = part_path(out_dir, name, part_id)
        if path.exists():
            files[name] = (pq.read_metadata(path).num_rows, path.stat().st_size)
    return files


def _replay_part(out_dir: Path, manifest: Manifest, part_id: str) -> None:
    """Commit one part again, as its writer did: its documents rows and the paths they list."""
    files = _part_files(out_dir, part_id)
    table = read_part(out_dir, "documents", part_id)
    raw = pq.read_schema(part_path(out_dir, "documents", part_id)).metadata if "documents" in files else None
    meta = json.loads(raw[META_KEY]) if raw and META_KEY in raw else {}
    stats = meta.get("stats", {})
    documents = [DocumentRow(**row) for row in table.to_pylist()]
    paths: dict[str, PathRecord] = {}
    for doc in documents:
        key = doc_key(doc.doc_id, doc.source_path)
        for path in [doc.source_path, *(doc.source_paths or [])]:
            size, mtime = stats.get(path, (-1, -1))  # unknown: the next run hashes the file again
            paths[path] = PathRecord(key, size, mtime)
    with_rows = set(meta["results"]) if "results" in meta else _part_doc_ids(out_dir, part_id)
    manifest.commit(PartCommit(part_id, SCHEMA_FP, files, documents, with_rows, paths, set()))


def rebuild_manifest(out_dir: Path, reason: str) -> Manifest:
    """Make the manifest again from the published parts (damaged ones are quarantined first).

    The old file, if any, is kept beside it as ``_manifest.sqlite.old-<time>``.
    """
    path = out_dir / MANIFEST_NAME
    tmp = out_dir / f".{MANIFEST_NAME}.rebuild"
    with io_errors("rebuild the manifest"):
        tmp.unlink(missing_ok=True)
        fresh = Manifest(tmp)
        for part_id in sorted(_parts_on_disk(out_dir)):
            files = _part_files_or_none(out_dir, part_id)
            if files is None:
                quarantine(out_dir, part_id)
                continue
            _replay_part(out_dir, fresh, part_id)
        fresh.drop_unreferenced()
        fresh.close()
        if path.exists():
            os.replace(path, out_dir / f"{MANIFEST_NAME}.old-{time.strftime('%Y%m%d-%H%M%S')}")
        os.replace(tmp, path)
        _fsync_dir(out_dir)
    manifest = Manifest(path)
    manifest.note_rebuilt(reason)
    return manifest


def _part_files_or_none(out_dir: Path, part_id: str) -> Files | None:
    try:
        return _part_files(out_dir, part_id)
    except (OSError, pa.ArrowException):
        return None


# ---------------------------------------------------------------------------- compaction


@dataclass
class CompactStats:
    parts_before: int = 0
    parts_after: int = 0
    rows_dropped: int = 0


def _doc_keys(table: pa.Table) -> list[str | None]:
    """doc_key of each documents row: the doc_id, or path:<source_path> for an input never read (None where
    either is null)."""
    ids, paths = table["doc_id"].to_pylist(), table["source_path"].to_pylist()
    return [d if d != "" else (None if p is None else PATH_KEY + p) for d, p in zip(ids, paths, strict=True)]


@dataclass(frozen=True)
class MergePlan:
    """One merge of compaction, self-contained so it can run anywhere that sees OUT (a thread, a cluster)."""

    out_dir: str
    new_part_id: str
    live: tuple[tuple[str, frozenset[str], frozenset[str]], ...]  # (part_id, live doc_keys, live row doc_ids)
    stats: dict[str, tuple[int, int]]


@dataclass(frozen=True)
class Merged:
    plan: MergePlan
    files: Files | None   # None: no live row at all
    n_docs: int
    dropped: int


def _filter_part(out_dir: Path, part_id: str, doc_keys: frozenset[str],
                 row_ids: frozenset[str]) -> tuple[dict[str, pa.Table], int]:
    """The live rows of one part, and how many were dropped."""
    out: dict[str, pa.Table] = {}
    dropped = 0
    for name in TABLE_NAMES:
        table = read_part(out_dir, name, part_id)
        keys, keep = (_doc_keys(table), doc_keys) if name == "documents" else (table["doc_id"].to_pylist(), row_ids)
        # in Python, not pyarrow.compute: importing it (and NumPy with it) costs ~0.13 s of CPU, more than the
        # filter; when every row is live (a run's own parts, the usual merge) the part is kept as it is
        live = [k in keep for k in keys]
        kept = table if all(live) else table.filter(pa.array(live, pa.bool_()))
        dropped += len(table) - len(kept)
        out[name] = kept
    return out, dropped


def merge_parts(plan: MergePlan) -> Merged:
    """Read the parts of a plan, keep their live rows, stage them as one new part."""
    out_dir = Path(plan.out_dir)
    pieces: dict[str, list[pa.Table]] = {name: [] for name in TABLE_NAMES}
    dropped = 0
    for part_id, doc_keys, row_ids in plan.live:
        live, n = _filter_part(out_dir, part_id, doc_keys, row_ids)
        dropped += n
        for name in TABLE_NAMES:
            pieces[name].append(live[name])
    merged = {name: pa.concat_tables(pieces[name]) for name in TABLE_NAMES}
    if not any(len(t) for t in merged.values()):
        return Merged(plan, None, 0, dropped)
    with_rows = set().union(*(rows for _p, _k, rows in plan.live))
    files = stage_part(out_dir, plan.new_part_id, merged, part_metadata(plan.stats, with_rows))
    return Merged(plan, files, len(merged["documents"]), dropped)


def _plan(out_dir: Path, manifest: Manifest, chunk: list[PartRecord]) -> MergePlan:
    live = []
    for rec in chunk:
        doc_keys, row_ids = manifest.live_keys(rec.part_id)
        live.append((rec.part_id, frozenset(doc_keys), frozenset(row_ids)))
    keys = sorted(set().union(*(k for _p, k, _r in live)))
    return MergePlan(str(out_dir), new_part_id(), tuple(live), manifest.path_stats(keys))


def _commit_merge(out_dir: Path, manifest: Manifest, merged: Merged) -> None:
    """Switch the manifest from the old parts to the merged one, publish it, delete the old files."""
    plan = merged.plan
    new = None
    if merged.files is not None:
        new = PartRecord(plan.new_part_id, merged.n_docs, SCHEMA_FP, False, merged.files)
        check_publishable(out_dir, plan.new_part_id)
    old = [part_id for part_id, _k, _r in plan.live]
    with io_errors("commit compaction to the manifest"):
        manifest.replace_parts(old, new)
    if new is not None:
        publish_part(out_dir, new.part_id)
    for part_id in old:
        delete_part(out_dir, part_id)


def _needs_rewrite(rec: PartRecord, target_docs: int, merge: bool) -> bool:
    return rec.dirty or rec.schema_fp != SCHEMA_FP or (merge and rec.n_docs < target_docs)


def _chunks(parts: list[PartRecord], target_docs: int) -> Iterator[list[PartRecord]]:
    """Consecutive groups of parts of up to `target_docs` documents (a part is never split)."""
    chunk: list[PartRecord] = []
    size = 0
    for rec in parts:
        if chunk and size + rec.n_docs > target_docs:
            yield chunk
            chunk, size = [], 0
        chunk.append(rec)
        size += rec.n_docs
    if chunk:
        yield chunk


MapFn = Callable[[Callable[[MergePlan], Merged], list[MergePlan]], Iterable[Merged]]


def compact(out_dir: Path, manifest: Manifest, target_docs: int = 5000, merge: bool = True,
            map_fn: MapFn = map) -> CompactStats:
    """Drop superseded rows and (with `merge`) merge small parts into parts of up to `target_docs` documents.

    Parts with superseded rows or an outdated schema are always rewritten, so after it the
    dataset holds every document exactly once, in the current schema.  The merges are
    independent: `map_fn` may run them in parallel (threads, or tasks on a cluster); this
    process only plans them and commits each as it comes back.
    """
    parts = sorted(manifest.parts().values(), key=lambda r: r.part_id)
    stats = CompactStats(parts_before=len(parts))
    todo = [rec for rec in parts if _needs_rewrite(rec, target_docs, merge)]
    if merge and len(todo) == 1 and not (todo[0].dirty or todo[0].schema_fp != SCHEMA_FP):
        todo = []  # a single small, clean part: nothing to merge it with
    chunks = [c for c in _chunks(todo, target_docs) if len(c) > 1 or _needs_rewrite(c[0], target_docs, False)]
    plans = [_plan(out_dir, manifest, chunk) for chunk in chunks]
    try:
        for merged in map_fn(merge_parts, plans):
            _commit_merge(out_dir, manifest, merged)
            stats.rows_dropped += merged.dropped
    finally:  # merges not committed (an error, Ctrl-C) leave nothing behind
        for plan in plans:
            discard_staged(out_dir, plan.new_part_id)
    ensure_schema_files(out_dir, manifest)
    stats.parts_after = len(manifest.parts())
    return stats


def threads_map(workers: int) -> MapFn:
    """Run compaction merges on `workers` threads (pyarrow reads and writes without holding the GIL)."""
    from concurrent.futures import ThreadPoolExecutor

    def run(fn: Callable[[MergePlan], Merged], plans: list[MergePlan]) -> Iterator[Merged]:
        if len(plans) < 2 or workers < 2:
            yield from map(fn, plans)
            return
        with ThreadPoolExecutor(max_workers=workers) as pool:
            yield from pool.map(fn, plans)

    return run


def ensure_schema_files(out_dir: Path, manifest: Manifest) -> None:
    """Every table directory has at least one file, so every table reads with its schema."""
    missing = [name for name in TABLE_NAMES if not any((out_dir / name).glob(f"{PART_PREFIX}*.parquet"))]
    if missing:
        part_id = new_part_id()
        files = stage_part(out_dir, part_id, {name: SCHEMAS[name].empty_table() for name in missing},
                           part_metadata({}, set()))
        commit_part(out_dir, manifest, PartCommit(part_id, SCHEMA_FP, files, [], set(), {}, set()))


def dataset_row_counts(out_dir: Path) -> dict[str, int]:
    """Rows per table in the published part files (from Parquet footers; no data is read)."""
    counts = {}
    for name in TABLE_NAMES:
        folder = out_dir / name
        paths = folder.glob(f"{PART_PREFIX}*.parquet") if folder.is_dir() else []
        counts[name] = sum(pq.read_metadata(path).num_rows for path in paths)
    return counts


def committed_files(out_dir: Path, table: str) -> list[Path]:
    """The published files of a table that the manifest lists: a consistent set for readers to open."""
    manifest = Manifest(out_dir / MANIFEST_NAME)
    try:
        return [part_path(out_dir, table, p) for p, rec in sorted(manifest.parts().items()) if table in rec.files]
    finally:
        manifest.close()


def warn_shadowing_files(out_dir: Path) -> list[str]:
    """Single-file tables (`OUT/systems.parquet`) that readers may prefer over our dataset directories."""
    return [str(out_dir / f"{name}.parquet") for name in TABLE_NAMES if (out_dir / f"{name}.parquet").exists()]
