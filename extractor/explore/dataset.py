"""The committed rows of an output directory: the only module of `explore` that knows its layout.

An output directory of `pia-extract run` holds one Parquet dataset per table
(`OUT/<table>/part-*.parquet`) and a manifest (`OUT/_manifest.sqlite`) that says which parts
are committed and which rows in them are live (a re-extracted document leaves superseded
rows behind until compaction).  Readers here see only committed, live rows: a run going on
in the same directory, or one that was killed, never shows half its output.  Both manifest
formats are read: 1 (a `paths` row per documents row) and 2 (one documents row per document,
`docs.doc_part`; parts published after their commit).  A directory of single files
(`OUT/<table>.parquet`, as `write_tables` makes) is read as it is.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from extractor.errors import ExitCode, ExtractorError
from extractor.tables.schema import SCHEMAS, TABLE_NAMES

MANIFEST_NAME = "_manifest.sqlite"
_PATH_KEY = "path:"  # manifest format 2: the doc_key of an input that could not be read


class OutputDirError(ExtractorError):
    """OUT is not an output directory of `pia-extract run` (or cannot be read as one)."""

    exit_code = ExitCode.USAGE


def _conform(table: pa.Table, name: str) -> pa.Table:
    """`table` in the current schema of `name` (older parts lack newer columns: they read as null)."""
    schema = SCHEMAS[name]
    columns = [
        table.column(f.name).cast(f.type) if f.name in table.column_names else pa.nulls(len(table), f.type)
        for f in schema
    ]
    return pa.Table.from_arrays(columns, schema=schema)


Live = dict[str, tuple[set[str], set[str]]]  # part_id -> (keys of its live documents rows, doc_ids of its other rows)


def _live_v1(db: sqlite3.Connection, live: Live) -> None:
    """Manifest format 1: `paths` names the part of each (source_path, doc_id) documents row."""
    for doc_id, part_id in db.execute("SELECT doc_id, part_id FROM docs"):
        live.setdefault(part_id, (set(), set()))[1].add(doc_id)
    for source_path, doc_id, part_id in db.execute("SELECT source_path, doc_id, part_id FROM paths"):
        live.setdefault(part_id, (set(), set()))[0].add(f"{source_path}\0{doc_id}")


def _live_v2(db: sqlite3.Connection, live: Live) -> None:
    """Manifest format 2: one documents row per doc_key (`doc_part`), other rows in `part_id`."""
    for doc_key, doc_part, doc_id, part_id in db.execute("SELECT doc_key, doc_part, doc_id, part_id FROM docs"):
        live.setdefault(doc_part, (set(), set()))[0].add(doc_key)
        live.setdefault(part_id, (set(), set()))[1].add(doc_id)


def _documents_key(table: pa.Table, version: str) -> pa.Array:
    """The key a manifest gives a documents row (format 1: path and doc_id; 2: doc_id, or path:<path> if none)."""
    if version == "1":
        return pc.binary_join_element_wise(table["source_path"], table["doc_id"], "\0")
    by_path = pc.binary_join_element_wise(pa.scalar(_PATH_KEY), table["source_path"], "")
    return pc.if_else(pc.equal(table["doc_id"], ""), by_path, table["doc_id"])


def _live_keys(manifest: Path) -> tuple[str, Live]:
    """The manifest's format and, for each committed part, the keys of its live rows."""
    try:
        db = sqlite3.connect(f"{manifest.resolve().as_uri()}?mode=ro", uri=True)
        try:
            version = db.execute("SELECT value FROM meta WHERE key = 'format'").fetchone()[0]
            live: Live = {}
            (_live_v1 if version == "1" else _live_v2)(db, live)
            parts = [r[0] for r in db.execute("SELECT part_id FROM parts")]
        finally:
            db.close()
    except (sqlite3.Error, TypeError) as exc:
        raise OutputDirError(f"{manifest} cannot be read: {exc}") from exc
    return version, {p: live.get(p, (set(), set())) for p in parts}


def _live_rows(path: Path, name: str, version: str, keys: tuple[set[str], set[str]]) -> pa.Table:
    table = _conform(pq.read_table(path), name)
    if name == "documents":
        mask = pc.is_in(_documents_key(table, version), value_set=pa.array(sorted(keys[0]), pa.string()))
    else:
        mask = pc.is_in(table["doc_id"], value_set=pa.array(sorted(keys[1]), pa.string()))
    return table.filter(pc.fill_null(mask, False))


def _committed(out_dir: Path) -> dict[str, pa.Table]:
    version, live = _live_keys(out_dir / MANIFEST_NAME)
    tables = {}
    for name in TABLE_NAMES:
        files = {p: out_dir / name / f"{p}.parquet" for p in sorted(live)}
        pieces = [_live_rows(path, name, version, live[p]) for p, path in files.items() if path.is_file()]
        tables[name] = pa.concat_tables(pieces) if pieces else SCHEMAS[name].empty_table()
    return tables


def read_tables(out_dir: Path) -> dict[str, pa.Table]:
    """Every output table of `out_dir`, committed live rows only, in the current schema."""
    if not out_dir.is_dir():
        raise OutputDirError(f"{out_dir} is not a directory")
    if (out_dir / MANIFEST_NAME).is_file():
        return _committed(out_dir)
    singles = {name: out_dir / f"{name}.parquet" for name in TABLE_NAMES}
    if all(p.is_file() for p in singles.values()):
        return {name: _conform(pq.read_table(p), name) for name, p in singles.items()}
    raise OutputDirError(f"{out_dir} is not an output directory of `pia-extract run` (no {MANIFEST_NAME})")
