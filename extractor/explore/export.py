"""`pia-extract export`: the committed tables as CSV, XLSX or SQLite files people can open.

- CSV: one `<table>.csv` per table, UTF-8 with a BOM and CRLF line ends (Excel reads it as
  UTF-8), list cells joined with `、`; `ja=True` writes the Japanese labels (`label_ja`) as headers.
- XLSX: one workbook `pia.xlsx`, a sheet per table, header row frozen; lists joined with `、`.
- SQLite: `pia.sqlite`, see `extractor.explore.sqlite`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

import pyarrow as pa

from extractor.errors import ExitCode, ExtractorError
from extractor.explore.cells import LIST_SEPARATOR
from extractor.explore.dataset import read_tables
from extractor.explore.query import write_csv
from extractor.tables.schema import TABLE_NAMES

ExportFormat = Literal["csv", "xlsx", "sqlite"]
XLSX_NAME = "pia.xlsx"
XLSX_MAX_ROWS = 1_048_575  # Excel's row limit, less the header
XLSX_MAX_CELL = 32_767  # Excel's characters per cell
_ILLEGAL_XLSX = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


class ExportError(ExtractorError):
    """The export could not be written (too many rows for a sheet, destination not writable)."""

    exit_code = ExitCode.RUN_ERROR


def headers(table: pa.Table, ja: bool) -> list[str]:
    """Column names, or their Japanese labels where the field carries `label_ja`."""
    if not ja:
        return list(table.column_names)
    out = []
    for f in table.schema:
        label = (f.metadata or {}).get(b"label_ja")
        out.append(label.decode() if label else f.name)
    return out


def _replace_atomically(path: Path, write: Callable[[Path], None]) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def export_csv(tables: dict[str, pa.Table], dest: Path, ja: bool = False) -> list[Path]:
    written = []
    for name in TABLE_NAMES:
        path = dest / f"{name}.csv"

        def write(tmp: Path, table: pa.Table = tables[name]) -> None:
            with open(tmp, "w", encoding="utf-8-sig", newline="") as fh:
                write_csv(table, fh, headers(table, ja), newline="\r\n")

        _replace_atomically(path, write)
        written.append(path)
    return written


def xlsx_cell(value: Any) -> Any:
    """A value Excel can hold: lists joined with `、`, control characters dropped, over-long text cut with `…`."""
    if isinstance(value, (list, tuple)):
        value = LIST_SEPARATOR.join("" if v is None else str(v) for v in value)
    if isinstance(value, str):
        value = _ILLEGAL_XLSX.sub("", value)
        if len(value) > XLSX_MAX_CELL:
            value = value[: XLSX_MAX_CELL - 1] + "…"
    return value


def export_xlsx(tables: dict[str, pa.Table], dest: Path, ja: bool = False) -> list[Path]:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    too_big = [name for name, t in tables.items() if t.num_rows > XLSX_MAX_ROWS]
    if too_big:
        raise ExportError(f"{', '.join(too_big)}: more rows than an Excel sheet holds; export --to csv or sqlite")
    book = Workbook(write_only=True)
    for name in TABLE_NAMES:
        table, sheet = tables[name], book.create_sheet(name)
        sheet.freeze_panes = "A2"
        bold = Font(bold=True)
        sheet.append([_bold(WriteOnlyCell(sheet, value=h), bold) for h in headers(table, ja)])
        for row in table.to_pylist():
            sheet.append([xlsx_cell(row[c]) for c in table.column_names])
    path = dest / XLSX_NAME
    _replace_atomically(path, lambda tmp: book.save(tmp))
    return [path]


def _bold(cell: Any, font: Any) -> Any:
    cell.font = font
    return cell


def export_sqlite(tables: dict[str, pa.Table], dest: Path, out_dir: Path) -> Path:
    from extractor.explore.sqlite import SQLITE_NAME, build_database

    path = dest / SQLITE_NAME
    bases = (Path.cwd(), out_dir.resolve().parent)  # where `run` was most likely started
    _replace_atomically(path, lambda tmp: build_database(tables, tmp, bases))
    return path


def export(out_dir: Path, to: ExportFormat, dest: Path | None = None, ja: bool = False) -> list[Path]:
    """Export the committed tables of `out_dir` into `dest` (default `out_dir/export`); returns the files written."""
    target = dest if dest is not None else out_dir / "export"
    tables = read_tables(out_dir)
    try:
        target.mkdir(parents=True, exist_ok=True)
        if to == "csv":
            return export_csv(tables, target, ja)
        if to == "xlsx":
            return export_xlsx(tables, target, ja)
        return [export_sqlite(tables, target, out_dir)]
    except OSError as exc:
        raise ExportError(f"cannot write the export to {target}: {exc.strerror or exc}") from exc
