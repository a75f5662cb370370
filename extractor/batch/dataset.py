"""The output dataset: one directory per table, holding immutable part files.

Layout::

    OUT/documents/part-<time>-<random>.parquet
    OUT/systems/part-<time>-<random>.parquet     (same part id in every table)
    ...
    OUT/_manifest.sqlite

A *part* is one Parquet file per table written by one flush of the runner.
Each file is written to a dot-named temp file, fsynced and renamed
(`write_parquet_atomic`), so no half-written file ever carries a final name;
Parquet readers (``pq.read_table(OUT / "systems")``) skip dot- and
underscore-prefixed names.  A part only counts once the manifest commits it:
the order is *files first, then the manifest*, so a crash in between leaves
orphan files that `remove_orphans` deletes on the next start, never duplicate
rows.  Compaction writes merged parts, commits the switch, then deletes the old
parts, with the same crash argument.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from extractor.batch.manifest import Manifest, PartRecord
from extractor.tables.schema import SCHEMAS, TABLE_NAMES
from extractor.tables.write import write_parquet_atomic

PART_PREFIX = "part-"
SCHEMA_FP = hashlib.sha256(
    "\n".join(f"{name}:{SCHEMAS[name]}" for name in TABLE_NAMES).encode()
).hexdigest()[:16]


def new_part_id() -> str:
    """Unique, time-ordered part id."""
    return f"{PART_PREFIX}{time.time_ns():020d}-{secrets.token_hex(4)}"


def part_path(out_dir: Path, table: str, part_id: str) -> Path:
    return out_dir / table / f"{part_id}.parquet"


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):  # not every platform can open a directory
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def write_part(out_dir: Path, part_id: str, tables: dict[str, pa.Table]) -> None:
    """Write one file per table (atomically each) and make the renames durable."""
    for name in TABLE_NAMES:
        write_parquet_atomic(conform(tables[name], name), part_path(out_dir, name, part_id))
    for name in TABLE_NAMES:
        _fsync_dir(out_dir / name)


def read_part(out_dir: Path, table: str, part_id: str) -> pa.Table:
    """One table of one part, in the current schema (a table added since is read as empty)."""
    path = part_path(out_dir, table, part_id)
    if not path.exists():
        return SCHEMAS[table].empty_table()
    return conform(pq.read_table(path), table)


def delete_part(out_dir: Path, part_id: str) -> None:
    for name in TABLE_NAMES:
        part_path(out_dir, name, part_id).unlink(missing_ok=True)


def conform(table: pa.Table, name: str) -> pa.Table:
    """`table` in the current schema of `name`: missing columns null, extra columns dropped."""
    schema = SCHEMAS[name]
    if table.schema.equals(schema, check_metadata=True):
        return table
    columns = [
        table.column(f.name).cast(f.type) if f.name in table.column_names else pa.nulls(len(table), f.type)
        for f in schema
    ]
    return pa.Table.from_arrays(columns, schema=schema)


def _parts_on_disk(out_dir: Path) -> dict[str, set[str]]:
    """part_id -> the tables that have a file for it."""
    found: dict[str, set[str]] = {}
    for name in TABLE_NAMES:
        folder = out_dir / name
        if folder.is_dir():
            for path in folder.glob(f"{PART_PREFIX}*.parquet"):
                found.setdefault(path.stem, set()).add(name)
    return found


def remove_orphans(out_dir: Path, manifest: Manifest) -> tuple[int, int]:
    """Delete part files the manifest does not list and stale temp files; forget parts whose files are gone.

    Returns (orphan parts deleted, documents that lost their rows and will be extracted again).
    """
    for name in TABLE_NAMES:
        folder = out_dir / name
        if folder.is_dir():
            for tmp in folder.glob(f".{PART_PREFIX}*.tmp"):
                tmp.unlink(missing_ok=True)
    committed = manifest.parts()
    on_disk = _parts_on_disk(out_dir)
    orphans = [pid for pid in on_disk if pid not in committed]
    for part_id in orphans:
        delete_part(out_dir, part_id)
    incomplete = [
        rec.part_id for rec in committed.values()
        if rec.schema_fp == SCHEMA_FP and on_disk.get(rec.part_id, set()) != set(TABLE_NAMES)
    ]
    lost = 0
    if incomplete:
        lost = manifest.forget_parts(incomplete)
        for part_id in incomplete:
            delete_part(out_dir, part_id)
    return len(orphans), lost


# ---------------------------------------------------------------------------- compaction


@dataclass
class CompactStats:
    parts_before: int = 0
    parts_after: int = 0
    rows_dropped: int = 0


def _live_rows(out_dir: Path, manifest: Manifest, part_id: str) -> tuple[dict[str, pa.Table], int]:
    """The rows of a part the manifest still points at, and how many were dropped."""
    docs = pa.array(sorted(manifest.live_docs(part_id)), pa.string())
    paths = manifest.live_paths(part_id)
    keys = pa.array(sorted(f"{p}\0{d}" for p, d in paths), pa.string())
    out: dict[str, pa.Table] = {}
    dropped = 0
    for name in TABLE_NAMES:
        table = read_part(out_dir, name, part_id)
        if name == "documents":
            key = pc.binary_join_element_wise(table["source_path"], table["doc_id"], "\0")
            mask = pc.is_in(key, value_set=keys)
        else:
            mask = pc.is_in(table["doc_id"], value_set=docs)
        mask = pc.fill_null(mask, False)
        kept = table.filter(mask)
        dropped += len(table) - len(kept)
        out[name] = kept
    return out, dropped


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


def _rewrite(out_dir: Path, manifest: Manifest, chunk: list[PartRecord]) -> int:
    """Merge the live rows of `chunk` into one new part; returns rows dropped."""
    pieces: dict[str, list[pa.Table]] = {name: [] for name in TABLE_NAMES}
    dropped = 0
    for rec in chunk:
        live, n = _live_rows(out_dir, manifest, rec.part_id)
        dropped += n
        for name in TABLE_NAMES:
            pieces[name].append(live[name])
    merged = {name: pa.concat_tables(pieces[name]) for name in TABLE_NAMES}
    new_id: str | None = None
    if any(len(t) for t in merged.values()):
        new_id = new_part_id()
        write_part(out_dir, new_id, merged)
    old = [rec.part_id for rec in chunk]
    manifest.replace_parts(old, new_id, SCHEMA_FP)
    for part_id in old:
        delete_part(out_dir, part_id)
    return dropped


def compact(out_dir: Path, manifest: Manifest, target_docs: int = 5000, merge: bool = True) -> CompactStats:
    """Drop superseded rows and (with `merge`) merge small parts into parts of up to `target_docs` documents.

    Parts with superseded rows or an outdated schema are always rewritten, so the
    dataset holds every document exactly once in the current schema.
    """
    remove_orphans(out_dir, manifest)
    parts = sorted(manifest.parts().values(), key=lambda r: r.part_id)
    stats = CompactStats(parts_before=len(parts))
    todo = [rec for rec in parts if _needs_rewrite(rec, target_docs, merge)]
    if merge and len(todo) == 1 and not (todo[0].dirty or todo[0].schema_fp != SCHEMA_FP):
        todo = []  # a single small, clean part: nothing to merge it with
    for chunk in _chunks(todo, target_docs):
        if len(chunk) == 1 and not _needs_rewrite(chunk[0], target_docs, merge=False):
            continue
        stats.rows_dropped += _rewrite(out_dir, manifest, chunk)
    ensure_schema_files(out_dir, manifest)
    stats.parts_after = len(manifest.parts())
    return stats


def ensure_schema_files(out_dir: Path, manifest: Manifest) -> None:
    """A dataset with no part at all gets an empty one, so every table reads with its schema."""
    if not manifest.parts():
        part_id = new_part_id()
        write_part(out_dir, part_id, {name: SCHEMAS[name].empty_table() for name in TABLE_NAMES})
        manifest.commit_part(part_id, SCHEMA_FP, [], [])


def dataset_row_counts(out_dir: Path) -> dict[str, int]:
    """Rows per table in the committed part files (from Parquet footers; no data is read)."""
    counts = {}
    for name in TABLE_NAMES:
        total = 0
        folder = out_dir / name
        for path in folder.glob(f"{PART_PREFIX}*.parquet") if folder.is_dir() else []:
            total += pq.ParquetFile(path).metadata.num_rows
        counts[name] = total
    return counts


def warn_shadowing_files(out_dir: Path) -> list[str]:
    """Single-file tables (`OUT/systems.parquet`) that readers may prefer over our dataset directories."""
    shadows = [name for name in TABLE_NAMES if (out_dir / f"{name}.parquet").exists()]
    for name in shadows:
        print(f"warning: {out_dir / (name + '.parquet')} exists; readers that look for it first will not "
              f"see the dataset in {out_dir / name}/. Remove it if it is left over.", file=sys.stderr)
    return shadows
