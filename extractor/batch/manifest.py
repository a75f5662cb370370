"""The manifest: an index of the dataset, kept in ``OUT/_manifest.sqlite``, rebuildable from the parts.

The part files are the truth (`extractor.batch.dataset`); the manifest says which parts are
committed and, for every document, which part holds its live rows, so a run can plan without
reading the dataset.  SQLite gives atomic, durable commits with nothing to install and survives
kill -9 and power loss (``synchronous=FULL``).  If it is missing, unreadable or behind the parts
on disk, `extractor.batch.dataset.rebuild_manifest` makes it again from the parts.

Tables:

- ``parts`` — committed parts: the tables each has and their row counts and file sizes
  (checked when a run starts), ``dirty`` when some of its rows were superseded.
- ``docs`` — keyed by ``doc_key``: the ``doc_id`` (sha256 of the input bytes) or, for an input
  that could not be read, ``path:<source_path>``.  Status, parser version, the documents row as
  JSON, ``doc_part`` (the part holding its one live ``documents`` row) and ``part_id`` (the part
  holding its live rows of the other tables, '' if it has none).
- ``paths`` — keyed by ``source_path`` (escaped, see `extractor.batch.inputs.escape_path`): the
  ``doc_key`` of the bytes at that path and the file's size and mtime when they were read.

A row in a part is live only if the manifest points at that part for its document.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from extractor.errors import RunError
from extractor.model import DocumentRow

MANIFEST_NAME = "_manifest.sqlite"
FORMAT_VERSION = "2"
PATH_KEY = "path:"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS parts (
    part_id TEXT PRIMARY KEY, n_docs INTEGER NOT NULL, schema_fp TEXT NOT NULL,
    dirty INTEGER NOT NULL DEFAULT 0, created REAL NOT NULL, files_json TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS docs (
    doc_key TEXT PRIMARY KEY, doc_id TEXT NOT NULL, parser_version TEXT NOT NULL, status TEXT NOT NULL,
    error_kind TEXT, n_pages INTEGER, part_id TEXT NOT NULL, doc_part TEXT NOT NULL, document_json TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS paths (
    source_path TEXT PRIMARY KEY, doc_key TEXT NOT NULL, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS docs_part ON docs(part_id);
CREATE INDEX IF NOT EXISTS docs_doc_part ON docs(doc_part);
CREATE INDEX IF NOT EXISTS paths_doc ON paths(doc_key);
"""


def doc_key(doc_id: str, source_path: str) -> str:
    return doc_id or PATH_KEY + source_path


@dataclass(frozen=True)
class DocRecord:
    doc_key: str
    doc_id: str
    parser_version: str
    status: str
    error_kind: str | None
    n_pages: int | None


@dataclass(frozen=True)
class PathRecord:
    doc_key: str
    size: int
    mtime_ns: int


@dataclass(frozen=True)
class PartRecord:
    part_id: str
    n_docs: int
    schema_fp: str
    dirty: bool
    files: dict[str, tuple[int, int]]  # table -> (rows, bytes)


@dataclass(frozen=True)
class PartCommit:
    """What one commit records: a part (or none), the documents it holds, the paths it settles."""

    part_id: str | None
    schema_fp: str
    files: dict[str, tuple[int, int]]
    documents: list[DocumentRow]        # live documents rows written in this part (one per doc_key)
    with_rows: set[str]                 # doc_keys whose rows of the other tables are in this part
    paths: dict[str, PathRecord]        # source_path -> (doc_key, size, mtime)
    gone: set[str]                      # doc_keys that no path has any more: their rows are superseded
    dirty: bool = False                 # the part holds rows that are not live (duplicates met on a cluster)


class ManifestError(RunError):
    """The manifest cannot be used (an older format, or a file that is not SQLite): it is rebuilt."""


class ManifestFormatError(ManifestError):
    """The manifest was written by a newer pia-extract: the run stops rather than rewrite it."""


_DOC_COLUMNS = "doc_key, doc_id, parser_version, status, error_kind, n_pages"


class Manifest:
    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self._db = sqlite3.connect(self.path, isolation_level=None)
        except sqlite3.Error as exc:
            raise ManifestError(f"{self.path} cannot be opened: {exc}") from exc
        try:
            self._db.execute("PRAGMA journal_mode=WAL")  # one fsync per commit, readers never blocked
            self._db.execute("PRAGMA synchronous=FULL")
            self._db.executescript(_SCHEMA)
            self._check_format()
        except sqlite3.DatabaseError as exc:
            self._db.close()
            raise ManifestError(f"{self.path} is not a usable manifest: {exc}") from exc

    def close(self) -> None:
        self._db.close()

    def _check_format(self) -> None:
        row = self._db.execute("SELECT value FROM meta WHERE key='format'").fetchone()
        if row is None:
            self._db.execute("INSERT INTO meta VALUES ('format', ?)", (FORMAT_VERSION,))
        elif row[0] != FORMAT_VERSION:
            newer = row[0].isdigit() and int(row[0]) > int(FORMAT_VERSION)
            error = ManifestFormatError if newer else ManifestError
            raise error(f"{self.path} was written by another version of pia-extract (format {row[0]})")

    # ------------------------------------------------------------------ queries

    def doc(self, key: str) -> DocRecord | None:
        row = self._db.execute(f"SELECT {_DOC_COLUMNS} FROM docs WHERE doc_key=?", (key,)).fetchone()
        return DocRecord(*row) if row else None

    def has_paths(self) -> bool:
        return self._db.execute("SELECT 1 FROM paths LIMIT 1").fetchone() is not None

    def where(self, source_path: str) -> PathRecord | None:
        row = self._db.execute("SELECT doc_key, size, mtime_ns FROM paths WHERE source_path=?",
                               (source_path,)).fetchone()
        return PathRecord(*row) if row else None

    def where_many(self, source_paths: list[str]) -> dict[str, PathRecord]:
        out: dict[str, PathRecord] = {}
        for chunk in _chunks(source_paths):
            rows = self._db.execute("SELECT source_path, doc_key, size, mtime_ns FROM paths WHERE source_path IN "
                                    f"({','.join('?' * len(chunk))})", chunk)
            out.update((r[0], PathRecord(r[1], r[2], r[3])) for r in rows)
        return out

    def paths_of_many(self, keys: list[str]) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for chunk in _chunks(keys):
            rows = self._db.execute(f"SELECT doc_key, source_path FROM paths WHERE doc_key IN "
                                    f"({','.join('?' * len(chunk))})", chunk)
            for key, path in rows:
                out.setdefault(key, []).append(path)
        return out

    def document_row(self, key: str) -> DocumentRow:
        (text,) = self._db.execute("SELECT document_json FROM docs WHERE doc_key=?", (key,)).fetchone()
        return DocumentRow(**json.loads(text))

    def parts(self) -> dict[str, PartRecord]:
        rows = self._db.execute("SELECT part_id, n_docs, schema_fp, dirty, files_json FROM parts")
        return {r[0]: PartRecord(r[0], r[1], r[2], bool(r[3]),
                                 {k: (v[0], v[1]) for k, v in json.loads(r[4]).items()}) for r in rows}

    def live_keys(self, part_id: str) -> tuple[set[str], set[str]]:
        """(doc_keys whose documents row is live in this part, doc_ids whose other rows are)."""
        docs = {r[0] for r in self._db.execute("SELECT doc_key FROM docs WHERE doc_part=?", (part_id,))}
        rows = {r[0] for r in self._db.execute("SELECT doc_id FROM docs WHERE part_id=?", (part_id,))}
        return docs, rows

    def path_stats(self, keys: list[str]) -> dict[str, tuple[int, int]]:
        """source_path -> (size, mtime_ns) of every path of these documents."""
        out: dict[str, tuple[int, int]] = {}
        for chunk in _chunks(keys):
            rows = self._db.execute("SELECT source_path, size, mtime_ns FROM paths WHERE doc_key IN "
                                    f"({','.join('?' * len(chunk))})", chunk)
            out.update((r[0], (r[1], r[2])) for r in rows)
        return out

    def documents_with_warnings(self) -> Iterator[tuple[str, str, str, list[str]]]:
        """(first source_path, status, error_kind, warnings) of the documents that have warnings."""
        for (text,) in self._db.execute("SELECT document_json FROM docs ORDER BY status, doc_key"):
            doc = json.loads(text)
            if doc.get("warnings"):
                yield doc["source_path"], doc["status"], doc.get("error_kind") or "", doc["warnings"]

    def counts(self) -> dict[str, dict[str, int]]:
        """Documents by status and failures by kind, paths and parts."""
        status = dict(self._db.execute("SELECT status, count(*) FROM docs GROUP BY status").fetchall())
        kinds = dict(self._db.execute("SELECT coalesce(error_kind, 'unknown'), count(*) FROM docs "
                                      "WHERE status='failed' GROUP BY error_kind").fetchall())
        (paths,), (parts,) = (self._db.execute(q).fetchone() for q in
                              ("SELECT count(*) FROM paths", "SELECT count(*) FROM parts"))
        return {"status": status, "failed": kinds, "totals": {"paths": paths, "parts": parts}}

    # ------------------------------------------------------------------ commits

    def commit(self, c: PartCommit) -> None:
        """Record a written part and what it settles, in one transaction (batched statements)."""
        part = c.part_id or ""
        keys = {doc_key(doc.doc_id, doc.source_path): doc for doc in c.documents}
        moved = c.with_rows - set(keys)  # rows moved here without their documents row (compaction)
        with self._transaction() as db:
            if c.part_id is not None:
                db.execute("INSERT INTO parts VALUES (?, ?, ?, ?, ?, ?)",
                           (c.part_id, len(c.documents), c.schema_fp, int(c.dirty), time.time(), json.dumps(c.files)))
            old = self._current(db, [*keys, *c.gone, *moved])  # key -> (doc_part, part_id)
            dirty = {p for key in c.gone for p in old.get(key, ())}
            dirty |= {old[key][1] for key in moved if key in old}
            dirty |= {p for key, (dp, rp) in old.items() if key in keys
                      for p in ((dp, rp) if key in c.with_rows else (dp,))}
            db.executemany("UPDATE parts SET dirty=1 WHERE part_id=?", [(p,) for p in dirty - {"", part}])
            db.executemany("DELETE FROM docs WHERE doc_key=?", [(key,) for key in c.gone])
            db.executemany("INSERT OR REPLACE INTO docs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", [
                (key, doc.doc_id, doc.parser_version or "", doc.status, doc.error_kind, doc.n_pages,
                 part if key in c.with_rows else old.get(key, ("", ""))[1], part, _document_json(doc))
                for key, doc in keys.items()])
            db.executemany("UPDATE docs SET part_id=? WHERE doc_key=?", [(part, key) for key in moved])
            db.executemany("INSERT OR REPLACE INTO paths VALUES (?, ?, ?, ?)",
                           [(p, r.doc_key, r.size, r.mtime_ns) for p, r in c.paths.items()])

    @staticmethod
    def _current(db: sqlite3.Connection, keys: list[str]) -> dict[str, tuple[str, str]]:
        """key -> (doc_part, part_id) of the documents that exist, looked up in batches."""
        out: dict[str, tuple[str, str]] = {}
        for chunk in _chunks(keys):
            marks = ",".join("?" * len(chunk))
            for key, doc_part, part_id in db.execute(
                    f"SELECT doc_key, doc_part, part_id FROM docs WHERE doc_key IN ({marks})", chunk):
                out[key] = (doc_part, part_id)
        return out

    def replace_parts(self, old: list[str], new: PartRecord | None) -> None:
        """Compaction: the live rows of `old` now live in `new` (None: they had none)."""
        marks = ",".join("?" * len(old))
        with self._transaction() as db:
            if new is not None:
                db.execute("INSERT INTO parts VALUES (?, ?, ?, 0, ?, ?)",
                           (new.part_id, new.n_docs, new.schema_fp, time.time(), json.dumps(new.files)))
            target = new.part_id if new is not None else ""
            db.execute(f"UPDATE docs SET part_id=? WHERE part_id IN ({marks})", (target, *old))
            db.execute(f"UPDATE docs SET doc_part=? WHERE doc_part IN ({marks})", (target, *old))
            db.execute(f"DELETE FROM parts WHERE part_id IN ({marks})", old)

    def forget_parts(self, part_ids: list[str]) -> int:
        """Drop damaged or vanished parts; their documents will be extracted again. Returns #documents."""
        marks = ",".join("?" * len(part_ids))
        with self._transaction() as db:
            keys = [r[0] for r in db.execute(
                f"SELECT doc_key FROM docs WHERE part_id IN ({marks}) OR doc_part IN ({marks})", part_ids * 2)]
            for key in keys:
                self._supersede(db, key, "doc_part, part_id")
                db.execute("DELETE FROM paths WHERE doc_key=?", (key,))
                db.execute("DELETE FROM docs WHERE doc_key=?", (key,))
            db.execute(f"DELETE FROM parts WHERE part_id IN ({marks})", part_ids)
        return len(keys)

    def drop_unreferenced(self) -> int:
        """After a rebuild: documents that no path has any more were superseded; their parts get compacted."""
        orphaned = "SELECT doc_key FROM docs WHERE doc_key NOT IN (SELECT doc_key FROM paths)"
        with self._transaction() as db:
            keys = [r[0] for r in db.execute(orphaned).fetchall()]
            for key in keys:
                self._supersede(db, key, "doc_part, part_id")
                db.execute("DELETE FROM docs WHERE doc_key=?", (key,))
            db.execute("UPDATE parts SET dirty=1 WHERE part_id NOT IN (SELECT doc_part FROM docs) "
                       "AND part_id NOT IN (SELECT part_id FROM docs)")
        return len(keys)

    def note_rebuilt(self, reason: str) -> None:
        self._db.execute("INSERT OR REPLACE INTO meta VALUES ('rebuilt', ?)", (f"{time.ctime()}: {reason}",))

    # ------------------------------------------------------------------ helpers

    def _transaction(self) -> _Transaction:
        return _Transaction(self._db)

    @staticmethod
    def _supersede(db: sqlite3.Connection, key: str, columns: str) -> None:
        """The parts holding this document's current rows now hold superseded rows: compaction drops them."""
        for parts in db.execute(f"SELECT {columns} FROM docs WHERE doc_key=?", (key,)).fetchall():
            db.executemany("UPDATE parts SET dirty=1 WHERE part_id=?", [(p,) for p in parts if p])


def _chunks(items: list[str], size: int = 500) -> Iterator[list[str]]:
    """Pieces small enough for SQLite's limit on bound variables."""
    for i in range(0, len(items), size):
        yield items[i:i + size]


def _document_json(doc: DocumentRow) -> str:
    return json.dumps(vars(doc), ensure_ascii=False)  # the row's fields, as they are


class _Transaction:
    """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on error."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def __enter__(self) -> sqlite3.Connection:
        self._db.execute("BEGIN IMMEDIATE")
        return self._db

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        self._db.execute("COMMIT" if exc_type is None else "ROLLBACK")
