"""The committed rows of an output directory: the only module of `explore` that knows its layout.

An output directory of `pia-extract run` holds one Parquet dataset per table
(`OUT/<table>/part-*.parquet`) and a manifest (`OUT/_manifest.sqlite`) that says which parts
are committed and which rows in them are live (a re-extracted document leaves superseded
rows behind until compaction).  Readers here see only committed, live rows: a run going on
in the same directory, or one that was killed, never shows half its output.  A directory of
single files (`OUT/<table>.parquet`, as `write_tables` makes) is read as it is.
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


def _live_keys(manifest: Path) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """Per committed part: the doc_ids whose rows are live there, and the `source_path\\0doc_id` of its documents."""
    try:
        db = sqlite3.connect(f"{manifest.resolve().as_uri()}?mode=ro", uri=True)
        try:
            parts = [r[0] for r in db.execute("SELECT part_id FROM parts")]
            docs: dict[str, set[str]] = {p: set() for p in parts}
            paths: dict[str, set[str]] = {p: set() for p in parts}
            for doc_id, part_id in db.execute("SELECT doc_id, part_id FROM docs"):
                docs.setdefault(part_id, set()).add(doc_id)
            for source_path, doc_id, part_id in db.execute("SELECT source_path, doc_id, part_id FROM paths"):
                paths.setdefault(part_id, set()).add(f"{source_path}\0{doc_id}")
        finally:
            db.close()
    except sqlite3.Error as exc:
        raise OutputDirError(f"{manifest} cannot be read: {exc}") from exc
    return {p: docs[p] for p in parts}, {p: paths[p] for p in parts}


def _live_rows(path: Path, name: str, docs: set[str], paths: set[str]) -> pa.Table:
    table = _conform(pq.read_table(path), name)
    if name == "documents":
        key = pc.binary_join_element_wise(table["source_path"], table["doc_id"], "\0")
        mask = pc.is_in(key, value_set=pa.array(sorted(paths), pa.string()))
    else:
        mask = pc.is_in(table["doc_id"], value_set=pa.array(sorted(docs), pa.string()))
    return table.filter(pc.fill_null(mask, False))


def _committed(out_dir: Path) -> dict[str, pa.Table]:
    docs, paths = _live_keys(out_dir / MANIFEST_NAME)
    tables = {}
    for name in TABLE_NAMES:
        pieces = [
            _live_rows(out_dir / name / f"{part_id}.parquet", name, docs[part_id], paths[part_id])
            for part_id in sorted(docs) if (out_dir / name / f"{part_id}.parquet").is_file()
        ]
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
