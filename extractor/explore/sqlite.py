"""The SQLite export: the tables, full-text indexes, the question views, and search.

- every table as written in Parquet; list cells as JSON arrays (what `json_each` and
  Datasette's array facets read), booleans as 0/1;
- `source_url` on every row: the input file as a `file://` URL, with `#page=N` for a PDF row
  whose page is known (null when no path of the document is a file any more; a relative path
  is tried against the current directory, then the output directory's parent), and the document's
  `organization_body` and `form_type` on the rows of the other tables (to filter and facet by);
- an FTS5 index with the `trigram` tokenizer on the text columns of each table
  (`<table>_fts`), so Japanese text matches by substring without a word splitter;
- the question views of `extractor.explore.views`.

The trigram tokenizer cannot match a term shorter than three characters (日立, 委託), so
`search` uses `instr` on the plain columns for those; `ANY_SEARCH_SQL` does the same over
every table for the explorer.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa

from extractor.explore.views import VIEWS
from extractor.tables.schema import TABLE_NAMES

SQLITE_NAME = "pia.sqlite"
MIN_TRIGRAM = 3

FTS_COLUMNS: dict[str, tuple[str, ...]] = {
    "documents": ("title", "organization", "organization_body", "affair_name"),
    "systems": ("name", "functions", "conn_other_text"),
    "files": ("name", "subjects_scope", "department", "main_items_other_text"),
    "entrustments": ("title", "description", "contractor", "contractor_normalized", "contractor_branch",
                     "subcontract_items"),
    "recipients": ("recipient", "legal_basis", "purpose", "information", "timing"),
    "risk_ratings": ("section", "risk", "question", "answer"),
}


# Added to every table of the export (documents has the first two already).
EXTRA_LABELS = {
    "organization_body": "評価実施機関(団体)",
    "form_type": "評価書の種類",
    "source_url": "入力ファイル(ページ)",
}


def _sqlite_type(arrow_type: pa.DataType) -> type:
    if pa.types.is_boolean(arrow_type) or pa.types.is_integer(arrow_type):
        return int
    if pa.types.is_floating(arrow_type):
        return float
    return str  # strings, and lists as JSON text


@dataclass(frozen=True)
class DocInfo:
    """What every row of a document carries in the SQLite export."""

    url: str | None  # file:// URL of an input with these bytes, if it is still there
    is_pdf: bool
    organization_body: str | None
    form_type: str | None


def find_input(paths: list[str], bases: tuple[Path, ...]) -> Path | None:
    """The first of a document's input paths that is a file now (a relative path tried against each base)."""
    for given in paths:
        for base in bases:
            path = base / given  # an absolute `given` ignores the base
            if path.is_file():
                return path.resolve()
    return None


def doc_infos(documents: pa.Table, bases: tuple[Path, ...] = ()) -> dict[str, DocInfo]:
    infos: dict[str, DocInfo] = {}
    bases = bases or (Path.cwd(),)
    for row in sorted(documents.to_pylist(), key=lambda r: r["source_path"] or ""):
        found = find_input([p for p in [row["source_path"], *(row.get("source_paths") or [])] if p], bases)
        url = found.as_uri() if found is not None else None
        known = infos.get(row["doc_id"])
        if known is None or (known.url is None and url is not None):
            infos[row["doc_id"]] = DocInfo(url, row["source_format"] == "pdf", row["organization_body"],
                                           row["form_type"])
    return infos


def _rows(table: str, data: pa.Table, infos: dict[str, DocInfo]) -> Iterator[dict[str, Any]]:
    has_page = "page" in data.column_names
    for row in data.to_pylist():
        info = infos.get(row["doc_id"], DocInfo(None, False, None, None))
        url = info.url
        if url is not None and info.is_pdf and has_page and row["page"] is not None:
            url = f"{url}#page={row['page']}"
        if table != "documents":
            row["organization_body"], row["form_type"] = info.organization_body, info.form_type
        row["source_url"] = url
        yield row


def _columns(table: str, data: pa.Table) -> dict[str, type]:
    columns = {f.name: _sqlite_type(f.type) for f in data.schema}
    extra = {name: str for name in EXTRA_LABELS if name not in columns}
    return columns | extra


def build_database(tables: dict[str, pa.Table], path: Path, bases: tuple[Path, ...] = ()) -> None:
    """Write a fresh SQLite database at `path` (which must not be in use); relative input paths are tried
    against each of `bases`."""
    import sqlite_utils

    db = sqlite_utils.Database(path, recreate=True)
    infos = doc_infos(tables["documents"], bases)
    for name in TABLE_NAMES:
        target = db.table(name)
        target.create(_columns(name, tables[name]))
        target.insert_all(_rows(name, tables[name], infos), batch_size=2000)
        target.create_index(["doc_id"])
        target.enable_fts(list(FTS_COLUMNS[name]), tokenize="trigram", create_triggers=False)
    for view in VIEWS:
        db.execute(view.create("sqlite"))
    db.close()


def _phrase(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def search(db_path: Path, table: str, term: str, limit: int = 200) -> list[dict[str, Any]]:
    """Rows of `table` whose text columns contain `term`: FTS5 trigram, or `instr` for terms under 3 characters."""
    columns = FTS_COLUMNS[table]
    if len(term) >= MIN_TRIGRAM:
        sql = (f"SELECT t.* FROM {table} t JOIN {table}_fts f ON f.rowid = t.rowid "
               f"WHERE {table}_fts MATCH ? ORDER BY t.rowid LIMIT ?")
        params: tuple[Any, ...] = (_phrase(term), limit)
    else:
        where = " OR ".join(f"instr({c}, ?) > 0" for c in columns)
        sql = f"SELECT * FROM {table} WHERE {where} ORDER BY rowid LIMIT ?"
        params = (*[term] * len(columns), limit)
    db = sqlite3.connect(f"{db_path.resolve().as_uri()}?mode=ro", uri=True)
    db.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in db.execute(sql, params)]
    finally:
        db.close()


def _any_search_sql() -> str:
    parts = [
        f"SELECT '{table}' AS \"table\", rowid AS row, doc_id, '{column}' AS \"column\", {column} AS value, "
        f"source_url FROM {table} WHERE instr({column}, :q) > 0"
        for table, columns in FTS_COLUMNS.items() for column in columns
    ]
    return "\nUNION ALL\n".join(parts) + "\nLIMIT 1000"


ANY_SEARCH_SQL = _any_search_sql()
