"""`pia-extract query`: DuckDB over the committed tables of an output directory.

Each table is a view (`documents`, `systems`, `files`, `entrustments`, `recipients`,
`risk_ratings`), and so is each question view of `extractor.explore.views`.  A SQL text
that is the name of a named query (`contractors`, `network-recipients`, `risks-remaining`)
runs that query.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import pyarrow as pa

from extractor.errors import ExitCode, ExtractorError
from extractor.explore.cells import row_texts
from extractor.explore.dataset import read_tables
from extractor.explore.views import NAMED_QUERIES, VIEWS

if TYPE_CHECKING:
    import duckdb


class QueryError(ExtractorError):
    """The SQL did not run (syntax, unknown table or column)."""

    exit_code = ExitCode.USAGE


def connect(out_dir: Path) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with every table of `out_dir` and every question view."""
    import duckdb

    con = duckdb.connect(":memory:")
    for name, table in read_tables(out_dir).items():
        con.register(name, table)
    for view in VIEWS:
        con.execute(view.create("duckdb"))
    return con


def resolve_sql(sql_or_name: str) -> str:
    named = NAMED_QUERIES.get(sql_or_name.strip())
    return named.sql if named else sql_or_name


def run_query(out_dir: Path, sql_or_name: str) -> pa.Table:
    """The result of a SQL text (or named query) over `out_dir`, as an Arrow table."""
    import duckdb

    con = connect(out_dir)
    try:
        relation = con.sql(resolve_sql(sql_or_name))
        return relation.to_arrow_table() if relation is not None else pa.table({})
    except duckdb.Error as exc:
        raise QueryError(str(exc).strip()) from exc
    finally:
        con.close()


def write_csv(table: pa.Table, fh: IO[str], headers: list[str] | None = None, newline: str = "\n") -> None:
    """CSV with lists joined by `、` (the caller opens `fh`: `utf-8-sig` and CRLF for Excel)."""
    writer = csv.writer(fh, lineterminator=newline)
    writer.writerow(headers or table.column_names)
    writer.writerows(row_texts(table.to_pylist(), table.column_names))


def write_json(table: pa.Table, fh: IO[str]) -> None:
    """A JSON array of objects; lists stay arrays, Japanese stays readable."""
    json.dump(table.to_pylist(), fh, ensure_ascii=False, indent=1, default=str)
    fh.write("\n")


def print_table(table: pa.Table, console: Any) -> None:
    """A rich table on the console, lists joined by `、`."""
    from rich.table import Table

    out = Table(show_lines=False)
    for name in table.column_names:
        out.add_column(name, overflow="fold")  # wrap long values: a cut value reads as a different one
    for cells in row_texts(table.to_pylist(), table.column_names):
        out.add_row(*cells)
    console.print(out)
    console.print(f"{table.num_rows} rows", style="dim", highlight=False)
