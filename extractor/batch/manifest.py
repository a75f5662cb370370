"""The run manifest: which input bytes are done, and which part file holds their rows.

Stored as SQLite in ``OUT/_manifest.sqlite`` (the leading underscore keeps
Parquet readers away from it).  SQLite gives atomic, durable commits with
nothing to install, and survives kill -9 and power loss (``synchronous=FULL``).

Tables:

- ``docs``  — keyed by ``doc_id`` (sha256 of the input bytes): status,
  error_kind, parser version, n_pages, the documents row as JSON (to report a
  new path with the same bytes without parsing again) and ``part_id``, the part
  that holds the document's rows in the non-documents tables.
- ``paths`` — keyed by ``source_path``: the doc_id currently at that path and the
  part that holds its ``documents`` row.
- ``parts`` — committed parts.  A part is one Parquet file per table, all named
  ``<part_id>.parquet``.  ``dirty`` marks a part holding rows that were superseded
  (a re-extracted document, a path whose bytes changed); compaction rewrites it.

A row in a part file is live only if the manifest points at that part for it;
part files the manifest does not list are orphans of an interrupted run.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

from extractor.errors import RunError
from extractor.model import DocumentRow

MANIFEST_NAME = "_manifest.sqlite"
FORMAT_VERSION = "1"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS parts (
    part_id TEXT PRIMARY KEY, n_docs INTEGER NOT NULL, schema_fp TEXT NOT NULL,
    dirty INTEGER NOT NULL DEFAULT 0, created REAL NOT NULL);
CREATE TABLE IF NOT EXISTS docs (
    doc_id TEXT PRIMARY KEY, parser_version TEXT NOT NULL, status TEXT NOT NULL, error_kind TEXT,
    n_pages INTEGER, part_id TEXT NOT NULL, document_json TEXT NOT NULL, updated REAL NOT NULL);
CREATE TABLE IF NOT EXISTS paths (
    source_path TEXT PRIMARY KEY, doc_id TEXT NOT NULL, part_id TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS docs_part ON docs(part_id);
CREATE INDEX IF NOT EXISTS paths_part ON paths(part_id);
CREATE INDEX IF NOT EXISTS paths_doc ON paths(doc_id);
"""


@dataclass(frozen=True)
class DocRecord:
    doc_id: str
    parser_version: str
    status: str
    error_kind: str | None
    n_pages: int | None


@dataclass(frozen=True)
class PartRecord:
    part_id: str
    n_docs: int
    schema_fp: str
    dirty: bool


class ManifestError(RunError):
    """The manifest cannot be used (newer format, corrupt file)."""


class Manifest:
    def __init__(self, out_dir: Path) -> None:
        self.path = out_dir / MANIFEST_NAME
        self._db = sqlite3.connect(self.path, isolation_level=None)
        self._db.execute("PRAGMA synchronous=FULL")
        try:
            self._db.executescript(_SCHEMA)
        except sqlite3.DatabaseError as exc:
            raise ManifestError(f"{self.path} is not a usable manifest: {exc}") from exc
        self._check_format()

    def close(self) -> None:
        self._db.close()

    def _check_format(self) -> None:
        row = self._db.execute("SELECT value FROM meta WHERE key='format'").fetchone()
        if row is None:
            self._db.execute("INSERT INTO meta VALUES ('format', ?)", (FORMAT_VERSION,))
        elif row[0] != FORMAT_VERSION:
            raise ManifestError(f"{self.path} was written by another version of pia-extract (format {row[0]})")

    # ------------------------------------------------------------------ queries

    def docs(self) -> dict[str, DocRecord]:
        rows = self._db.execute("SELECT doc_id, parser_version, status, error_kind, n_pages FROM docs")
        return {r[0]: DocRecord(*r) for r in rows}

    def paths(self) -> dict[str, str]:
        """source_path -> doc_id."""
        return dict(self._db.execute("SELECT source_path, doc_id FROM paths"))

    def document_row(self, doc_id: str) -> DocumentRow:
        (text,) = self._db.execute("SELECT document_json FROM docs WHERE doc_id=?", (doc_id,)).fetchone()
        return DocumentRow(**json.loads(text))

    def parts(self) -> dict[str, PartRecord]:
        rows = self._db.execute("SELECT part_id, n_docs, schema_fp, dirty FROM parts")
        return {r[0]: PartRecord(r[0], r[1], r[2], bool(r[3])) for r in rows}

    def live_docs(self, part_id: str) -> set[str]:
        """doc_ids whose non-documents rows are live in this part."""
        return {r[0] for r in self._db.execute("SELECT doc_id FROM docs WHERE part_id=?", (part_id,))}

    def live_paths(self, part_id: str) -> set[tuple[str, str]]:
        """(source_path, doc_id) pairs whose documents row is live in this part."""
        return set(self._db.execute("SELECT source_path, doc_id FROM paths WHERE part_id=?", (part_id,)))

    # ------------------------------------------------------------------ commits

    def commit_part(self, part_id: str, schema_fp: str, docs: Iterable[DocumentRow],
                    paths: Iterable[tuple[str, str]]) -> None:
        """Record a written part in one transaction: its documents (full rows) and its paths."""
        docs, paths = list(docs), list(paths)
        with self._transaction() as db:
            db.execute("INSERT INTO parts VALUES (?, ?, ?, 0, ?)", (part_id, len(paths), schema_fp, time.time()))
            for doc in docs:
                self._put_doc(db, doc, part_id)
            for source_path, doc_id in paths:
                self._put_path(db, source_path, doc_id, part_id)

    def replace_parts(self, old: list[str], new: str | None, schema_fp: str) -> None:
        """Compaction: the live rows of `old` now live in `new` (None: they had no live rows)."""
        marks = ",".join("?" * len(old))
        with self._transaction() as db:
            if new is not None:
                db.execute("INSERT INTO parts VALUES (?, 0, ?, 0, ?)", (new, schema_fp, time.time()))
                db.execute(f"UPDATE docs SET part_id=? WHERE part_id IN ({marks})", (new, *old))
                db.execute(f"UPDATE paths SET part_id=? WHERE part_id IN ({marks})", (new, *old))
                db.execute("UPDATE parts SET n_docs=(SELECT count(*) FROM paths WHERE part_id=?) WHERE part_id=?",
                           (new, new))
            else:  # documents without rows in any table but `documents` (failed ones) now live nowhere
                db.execute(f"UPDATE docs SET part_id='' WHERE part_id IN ({marks})", old)
            db.execute(f"DELETE FROM parts WHERE part_id IN ({marks})", old)

    def forget_parts(self, part_ids: list[str]) -> int:
        """Drop parts whose files are gone; their documents will be extracted again. Returns #paths lost."""
        marks = ",".join("?" * len(part_ids))
        with self._transaction() as db:
            lost = db.execute(f"SELECT count(*) FROM paths WHERE part_id IN ({marks})", part_ids).fetchone()[0]
            gone_docs = [r[0] for r in db.execute(f"SELECT doc_id FROM docs WHERE part_id IN ({marks})", part_ids)]
            db.execute(f"DELETE FROM paths WHERE part_id IN ({marks})", part_ids)
            for doc_id in gone_docs:  # their documents rows elsewhere would now point at nothing
                self._mark_dirty(db, "SELECT part_id FROM paths WHERE doc_id=?", doc_id)
                db.execute("DELETE FROM paths WHERE doc_id=?", (doc_id,))
            db.execute(f"DELETE FROM docs WHERE part_id IN ({marks})", part_ids)
            db.execute(f"DELETE FROM parts WHERE part_id IN ({marks})", part_ids)
            orphaned = "SELECT doc_id FROM docs WHERE doc_id NOT IN (SELECT doc_id FROM paths)"
            db.execute(f"UPDATE parts SET dirty=1 WHERE part_id IN (SELECT part_id FROM docs "
                       f"WHERE doc_id IN ({orphaned}))")
            db.execute(f"DELETE FROM docs WHERE doc_id IN ({orphaned})")
        return int(lost)

    # ------------------------------------------------------------------ helpers

    def _transaction(self) -> _Transaction:
        return _Transaction(self._db)

    @staticmethod
    def _mark_dirty(db: sqlite3.Connection, select_part: str, key: str) -> None:
        db.execute(f"UPDATE parts SET dirty=1 WHERE part_id IN ({select_part})", (key,))

    def _put_doc(self, db: sqlite3.Connection, doc: DocumentRow, part_id: str) -> None:
        self._mark_dirty(db, "SELECT part_id FROM docs WHERE doc_id=?", doc.doc_id)  # superseded rows
        db.execute(
            "INSERT OR REPLACE INTO docs VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (doc.doc_id, doc.parser_version or "", doc.status, doc.error_kind, doc.n_pages, part_id,
             json.dumps(asdict(doc), ensure_ascii=False), time.time()),
        )

    def _put_path(self, db: sqlite3.Connection, source_path: str, doc_id: str, part_id: str) -> None:
        old = db.execute("SELECT doc_id, part_id FROM paths WHERE source_path=?", (source_path,)).fetchone()
        db.execute("INSERT OR REPLACE INTO paths VALUES (?, ?, ?)", (source_path, doc_id, part_id))
        if old is None:
            return
        old_doc, old_part = old
        if old_part != part_id:
            db.execute("UPDATE parts SET dirty=1 WHERE part_id=?", (old_part,))
        if old_doc != doc_id and old_doc:
            still_used = db.execute("SELECT 1 FROM paths WHERE doc_id=? LIMIT 1", (old_doc,)).fetchone()
            if still_used is None:  # no path has those bytes any more: their rows go
                self._mark_dirty(db, "SELECT part_id FROM docs WHERE doc_id=?", old_doc)
                db.execute("DELETE FROM docs WHERE doc_id=?", (old_doc,))


class _Transaction:
    """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on error."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def __enter__(self) -> sqlite3.Connection:
        self._db.execute("BEGIN IMMEDIATE")
        return self._db

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        self._db.execute("COMMIT" if exc_type is None else "ROLLBACK")
