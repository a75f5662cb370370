"""Write Arrow tables as Parquet, atomically (temp file + rename)."""

from __future__ import annotations

import os
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq


def write_parquet_atomic(table: pa.Table, path: Path) -> None:
    """Write `table` to `path` so that no half-written file is ever visible there."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        pq.write_table(table, tmp, compression="zstd")
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def write_tables(tables: dict[str, pa.Table], out_dir: Path) -> list[Path]:
    """Write one `<table>.parquet` per table into `out_dir`; returns the paths written."""
    written = []
    for name, table in tables.items():
        path = out_dir / f"{name}.parquet"
        write_parquet_atomic(table, path)
        written.append(path)
    return written
