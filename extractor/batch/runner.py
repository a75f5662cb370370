"""Archive-scale batch runs: many inputs -> one Parquet dataset per table, resumable.

A run
1. opens the output: one run per OUT at a time; the manifest is rebuilt from the parts if it
   is missing, unreadable or behind them; interrupted commits are finished or undone; every
   committed part is verified (footer, row counts) and a damaged one quarantined, its documents
   extracted again (`extractor.batch.dataset`);
2. walks the inputs lazily (`extractor.batch.inputs`): a path whose size and mtime match what
   the manifest recorded for bytes already done is skipped without being read; every other
   path goes to a worker, which reads and hashes it (sha256 = ``doc_id``) and asks whether to
   parse: bytes already done (same parser version; ``--force`` redoes everything,
   ``--retry-failed`` the failed ones) or already met in this run are not parsed again;
3. parses in worker processes with per-document time and memory limits
   (`extractor.batch.sandbox`, or on a Dask cluster, `extractor.batch.cluster`);
4. commits in parts: every ``part_docs`` documents (or ``FLUSH_SECONDS``) one Parquet file per
   table is staged, the manifest commits it, and it is published (atomic for readers);
5. compacts: superseded rows are dropped and small parts merged.

One ``documents`` row per ``doc_id``: identical bytes under several paths are parsed once and
give one row whose ``source_path`` is the first of the paths in sorted order and whose
``source_paths`` lists the others (null when there are none); the other tables hold the
document once.  An input that could not be read has no ``doc_id`` (empty string) and one row
per path; it is tried again on every run.

``--log-json FILE`` appends one JSON object per input path (`DocEvent`): time, source_path,
doc_id, action (`ACTIONS`), status, error_kind, warnings, n_pages, rows (per table), seconds,
worker (pid, or host/pid on a cluster) and peak_rss_mb (the worker's peak resident memory so far).
"""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import json
import os
import time
from collections import Counter
from collections.abc import Generator, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Protocol

from extractor.batch.cluster import ClusterSession, StagedTask
from extractor.batch.dataset import (
    SCHEMA_FP,
    Recovery,
    commit_part,
    compact,
    dataset_row_counts,
    discard_staged,
    io_errors,
    manifest_is_behind,
    new_part_id,
    part_metadata,
    rebuild_manifest,
    recover,
    stage_part,
    threads_map,
)
from extractor.batch.inputs import Discovery, Input, guess_format
from extractor.batch.manifest import (
    MANIFEST_NAME,
    Manifest,
    ManifestError,
    ManifestFormatError,
    PartCommit,
    PathRecord,
    doc_key,
)
from extractor.batch.sandbox import Limits, LocalPool, Outcome
from extractor.batch.worker import DEFAULT_EXTRACT, Job
from extractor.errors import ErrorKind, RunError
from extractor.model import (
    DEFAULT_OPTIONS,
    PARSER_VERSION,
    DocumentResult,
    DocumentRow,
    ExtractOptions,
    Status,
    failed_result,
)
from extractor.tables.schema import TABLE_NAMES, results_to_tables

FLUSH_SECONDS = 10.0
LOCK_NAME = ".pia-extract.lock"
RETRIED_ALWAYS = frozenset({ErrorKind.UNREADABLE.value, ErrorKind.NOT_A_FILE.value})


@dataclass(frozen=True)
class RunOptions:
    out_dir: Path
    workers: int = 1
    limits: Limits = field(default_factory=Limits)
    force: bool = False
    retry_failed: bool = False
    cluster: str | None = None
    part_docs: int = 200
    merge_parts: bool = True
    target_part_docs: int = 5000
    extract: ExtractOptions = DEFAULT_OPTIONS
    extract_fn: str = DEFAULT_EXTRACT  # module:function the workers call per document (see worker.py)
    task_docs: int = 100               # documents per cluster task


# ---------------------------------------------------------------------------- events


ACTIONS = {
    "parsed": "extracted by a worker",
    "duplicate": "same bytes as another input of this run: listed in that document's source_paths",
    "reused": "bytes extracted in an earlier run, new path: added to that document's source_paths",
    "skipped": "already in the output with this parser version",
    "unreadable": "the path could not be read, or is not a regular file: a failed row",
}


@dataclass(frozen=True)
class DocEvent:
    """What happened to one input path (one line of --log-json)."""

    source_path: str
    doc_id: str
    action: str  # see ACTIONS
    status: str
    error_kind: str | None = None
    warnings: tuple[str, ...] = ()
    n_pages: int | None = None
    rows: dict[str, int] = field(default_factory=dict)
    seconds: float | None = None
    worker: str | None = None
    peak_rss_mb: float | None = None


class Observer(Protocol):
    def started(self, recovery: Recovery) -> None: ...
    def document(self, event: DocEvent) -> None: ...
    def phase(self, name: str) -> None: ...


class NullObserver:
    def started(self, recovery: Recovery) -> None:
        pass

    def document(self, event: DocEvent) -> None:
        pass

    def phase(self, name: str) -> None:
        pass


class JsonLogObserver(NullObserver):
    """--log-json: one JSON line per input path, appended (so resumed runs keep earlier lines)."""

    def __init__(self, fh: IO[str]) -> None:
        self._fh = fh

    def document(self, event: DocEvent) -> None:
        record = {"time": round(time.time(), 3), **dataclasses.asdict(event)}
        self._fh.write(json.dumps(record, ensure_ascii=False) + "\n")
        self._fh.flush()


class Observers(NullObserver):
    def __init__(self, *observers: Observer) -> None:
        self._all = observers

    def started(self, recovery: Recovery) -> None:
        for o in self._all:
            o.started(recovery)

    def document(self, event: DocEvent) -> None:
        for o in self._all:
            o.document(event)

    def phase(self, name: str) -> None:
        for o in self._all:
            o.phase(name)


def _event(row: DocumentRow, action: str, outcome: Outcome | None = None, path: str | None = None) -> DocEvent:
    return DocEvent(
        source_path=path or row.source_path, doc_id=row.doc_id, action=action, status=row.status,
        error_kind=row.error_kind, warnings=tuple(row.warnings), n_pages=row.n_pages,
        rows=(outcome.rows if outcome.rows is not None else outcome.result.row_counts())
        if outcome is not None and outcome.result is not None else {},
        seconds=round(outcome.seconds, 3) if outcome else None,
        worker=outcome.worker if outcome else None,
        peak_rss_mb=round(outcome.peak_rss_mb, 1) if outcome and outcome.peak_rss_mb else None,
    )


# ---------------------------------------------------------------------------- summary


@dataclass
class RunSummary:
    inputs: int = 0
    actions: Counter[str] = field(default_factory=Counter)
    statuses: Counter[str] = field(default_factory=Counter)
    failures: Counter[str] = field(default_factory=Counter)   # error_kind -> count (all inputs)
    not_retried: Counter[str] = field(default_factory=Counter)  # failed earlier, skipped: error_kind -> count
    problems: list[DocEvent] = field(default_factory=list)    # failed/partial inputs (the first MAX_PROBLEMS)
    n_problems: int = 0
    pages: int = 0
    rows_written: dict[str, int] = field(default_factory=dict)
    dataset_rows: dict[str, int] = field(default_factory=dict)
    worker_peak_rss_mb: dict[str, float] = field(default_factory=dict)
    seconds: float = 0.0
    recovery: Recovery = field(default_factory=Recovery)
    skipped_files: Counter[str] = field(default_factory=Counter)  # files under folders that are not inputs
    parts: int = 0

    MAX_PROBLEMS = 20

    @property
    def exit_code(self) -> int:
        return 1 if self.statuses.get(Status.FAILED.value) or not self.inputs else 0

    def count(self, event: DocEvent) -> None:
        self.inputs += 1
        self.actions[event.action] += 1
        self.statuses[event.status] += 1
        if event.status == Status.FAILED.value:
            self.failures[event.error_kind or "unknown"] += 1
            if event.action == "skipped":
                self.not_retried[event.error_kind or "unknown"] += 1
        if event.status != Status.OK.value:
            self.n_problems += 1
            if len(self.problems) < self.MAX_PROBLEMS:
                self.problems.append(event)
        if event.action == "parsed":
            self.pages += event.n_pages or 0


# ---------------------------------------------------------------------------- committing


def _with_paths(row: DocumentRow, paths: set[str]) -> DocumentRow:
    """The row with its paths: the first in sorted order as source_path, the others in source_paths."""
    first, *rest = sorted(paths)
    if row.source_path != first or row.source_paths != (rest or None):
        row = dataclasses.replace(row, source_path=first, source_paths=rest or None, warnings=list(row.warnings))
    return row


class Committer:
    """Buffers outcomes and commits them as parts: staged files, the manifest, then the publish."""

    def __init__(self, out_dir: Path, manifest: Manifest, part_docs: int) -> None:
        self.out_dir, self.manifest, self.part_docs = out_dir, manifest, max(1, part_docs)
        self.results: dict[str, DocumentResult] = {}
        self.assigned: dict[str, PathRecord] = {}    # source_path -> its bytes, settled by this batch
        self.waiting: dict[str, PathRecord] = {}     # paths of bytes whose result is not committed yet
        self._last_flush = time.monotonic()
        self.rows_written: Counter[str] = Counter()

    def add(self, source_path: str, where: PathRecord, result: DocumentResult | None = None) -> None:
        if result is not None:
            self.results[where.doc_key] = result
        self.assigned[source_path] = where
        if len(self.results) >= self.part_docs or time.monotonic() - self._last_flush >= FLUSH_SECONDS:
            self.flush()

    def _known(self, key: str) -> bool:
        return key in self.results or self.manifest.doc(key) is not None

    def _documents(self, assigned: dict[str, PathRecord],
                   results: dict[str, DocumentResult]) -> tuple[list[DocumentRow], set[str]]:
        """The documents rows this batch must (re)write, and the documents no path has any more."""
        moved: dict[str, set[str]] = {}   # key -> its paths that now hold other bytes
        touched = set(results)
        before = self.manifest.where_many(list(assigned))
        for path, where in assigned.items():
            old = before.get(path)
            if old is None or old.doc_key != where.doc_key:
                touched.add(where.doc_key)
                if old is not None:
                    moved.setdefault(old.doc_key, set()).add(path)
                    touched.add(old.doc_key)
        known = self.manifest.paths_of_many(sorted(touched))
        new_paths: dict[str, set[str]] = {}
        for path, where in assigned.items():
            new_paths.setdefault(where.doc_key, set()).add(path)
        rows, gone = [], set()
        for key in sorted(touched):
            paths = (set(known.get(key, ())) - moved.get(key, set())) | new_paths.get(key, set())
            if not paths:
                gone.add(key)
                continue
            base = results[key].document if key in results else self.manifest.document_row(key)
            rows.append(_with_paths(base, paths))
        return rows, gone

    def flush(self) -> None:
        """Commit what is buffered (paths of bytes whose result is not committed yet wait for it)."""
        self._last_flush = time.monotonic()
        pending = {**self.waiting, **self.assigned}
        ready = {p: w for p, w in pending.items() if self._known(w.doc_key)}
        self.waiting = {p: w for p, w in pending.items() if p not in ready}
        results, self.assigned, self.results = self.results, {}, {}
        if ready:
            documents, gone = self._documents(ready, results)
            self._commit(documents, gone, results, ready)

    def _commit(self, documents: list[DocumentRow], gone: set[str], results: dict[str, DocumentResult],
                ready: dict[str, PathRecord]) -> None:
        part_id: str | None = None
        files: dict[str, tuple[int, int]] = {}
        if documents:
            part_id = new_part_id()
            tables = results_to_tables(results.values())
            tables["documents"] = results_to_tables(DocumentResult(document=d) for d in documents)["documents"]
            stats = {p: (w.size, w.mtime_ns) for p, w in ready.items()}
            try:
                files = stage_part(self.out_dir, part_id, tables, part_metadata(stats, set(results)))
            except BaseException:
                discard_staged(self.out_dir, part_id)
                raise
            self.rows_written.update({name: rows for name, (rows, _size) in files.items()})
        commit_part(self.out_dir, self.manifest,
                    PartCommit(part_id, SCHEMA_FP, files, documents, set(results), ready, gone))

    def commit_staged(self, task: StagedTask, results: dict[str, DocumentResult],
                      assigned: dict[str, PathRecord], dirty: bool) -> None:
        """Commit a part a cluster task staged; its documents file is rewritten only if a row must change
        (bytes met under other paths, outcomes not taken): usually the client writes nothing."""
        if not results:
            discard_staged(self.out_dir, task.part_id)
            return
        documents, gone = self._documents(assigned, results)
        as_staged = {id(r.document) for r in results.values()}
        files = task.files
        if len(documents) != task.files.get("documents", (0, 0))[0] or any(id(d) not in as_staged
                                                                          for d in documents):
            table = results_to_tables(DocumentResult(document=d) for d in documents)["documents"]
            stats = {p: (w.size, w.mtime_ns) for p, w in assigned.items()}
            try:
                files = {**files, **stage_part(self.out_dir, task.part_id, {"documents": table},
                                               part_metadata(stats, set(results)))}
            except BaseException:
                discard_staged(self.out_dir, task.part_id)
                raise
        self.rows_written.update({name: n for name, (n, _size) in files.items()})
        commit_part(self.out_dir, self.manifest,
                    PartCommit(task.part_id, SCHEMA_FP, files, documents, set(results), assigned, gone, dirty))


# ---------------------------------------------------------------------------- planning and running


def _is_done(manifest: Manifest, key: str, options: RunOptions) -> bool:
    rec = manifest.doc(key)
    if rec is None or options.force or rec.parser_version != PARSER_VERSION:
        return False
    return not (rec.status == Status.FAILED.value and (options.retry_failed or rec.error_kind in RETRIED_ALWAYS))


class _Run:
    """State of one run: plan paths, decide after hashing, turn outcomes into commits and events."""

    def __init__(self, options: RunOptions, manifest: Manifest, observer: Observer) -> None:
        self.options, self.manifest, self.observer = options, manifest, observer
        self.committer = Committer(options.out_dir, manifest, options.part_docs)
        self.summary = RunSummary()
        self.in_run: set[str] = set()         # doc_ids parsed (or being parsed) in this run
        self.fresh = not manifest.has_paths()  # a new output: no path to look up
        self.stats: dict[str, Input] = {}     # source_path -> the input being worked on

    def emit(self, event: DocEvent) -> None:
        self.summary.count(event)
        self.observer.document(event)

    def jobs(self, inputs: Iterator[Input]) -> Iterator[Job]:
        """Jobs for the inputs that need a worker; the others are settled here."""
        for item in inputs:
            source = item.source_path
            if item.error_kind is not None:
                self._unread(item)
                continue
            known = None if self.fresh else self.manifest.where(source)
            if (known is not None and (known.size, known.mtime_ns) == (item.size, item.mtime_ns)
                    and _is_done(self.manifest, known.doc_key, self.options)):
                rec = self.manifest.doc(known.doc_key)
                assert rec is not None
                self.emit(DocEvent(source, rec.doc_id, "skipped", rec.status, rec.error_kind, n_pages=rec.n_pages))
                continue
            self.stats[source] = item
            yield Job(item.path, source, guess_format(item.path), self.options.extract, True, item.size,
                      item.mtime_ns)

    def _unread(self, item: Input) -> None:
        assert item.error_kind is not None
        source = item.source_path
        result = failed_result("", source, guess_format(item.path), item.error_kind, item.reason)
        self.committer.add(source, PathRecord(doc_key("", source), -1, -1), result)
        self.emit(_event(result.document, "unreadable"))

    def decide(self, job: Job, doc_id: str) -> bool:
        """After hashing: parse these bytes, or are they done / met already?"""
        if doc_id in self.in_run or _is_done(self.manifest, doc_id, self.options):
            return False
        self.in_run.add(doc_id)
        return True

    def outcome(self, outcome: Outcome) -> None:
        item = self.stats.pop(outcome.job.source_path)
        key = doc_key(outcome.doc_id, item.source_path)
        where = PathRecord(key, item.size, item.mtime_ns)
        if outcome.result is not None:
            self.committer.add(item.source_path, where, outcome.result)
            self.emit(_event(outcome.result.document, "parsed", outcome, item.source_path))
            return
        self._settle_known(outcome, item, key, where)

    def staged(self, task: StagedTask) -> None:
        """A cluster task's outcomes: bytes new to this run are committed with its part, the rest as paths."""
        results: dict[str, DocumentResult] = {}
        assigned: dict[str, PathRecord] = {}
        dirty = False
        for outcome in task.outcomes:
            item = self.stats.pop(outcome.job.source_path)
            key = doc_key(outcome.doc_id, item.source_path)
            where = PathRecord(key, item.size, item.mtime_ns)
            if outcome.result is not None and (not outcome.doc_id or self.decide(outcome.job, outcome.doc_id)):
                results[key], assigned[item.source_path] = outcome.result, where
                self.emit(_event(outcome.result.document, "parsed", outcome, item.source_path))
                continue
            dirty = dirty or bool(outcome.result is not None and any((outcome.rows or {}).values()))
            self._settle_known(outcome, item, key, where)
        self.committer.commit_staged(task, results, assigned, dirty)

    def _settle_known(self, outcome: Outcome, item: Input, key: str, where: PathRecord) -> None:
        """Bytes that were not parsed for this path: done before, or met earlier in this run."""
        known = self.manifest.where(item.source_path)
        action = ("skipped" if known is not None and known.doc_key == key
                  else "duplicate" if key in self.in_run else "reused")
        self.committer.add(item.source_path, where)
        rec = self.manifest.doc(key)
        status, kind, pages = (rec.status, rec.error_kind, rec.n_pages) if rec else ("ok", None, None)
        if rec is None:  # a duplicate of a document of this run not committed yet
            status = self._status_in_run(key)
        self.emit(DocEvent(item.source_path, outcome.doc_id, action, status, kind, n_pages=pages,
                           worker=outcome.worker))

    def _status_in_run(self, key: str) -> str:
        result = self.committer.results.get(key)
        return result.document.status if result is not None else Status.OK.value


def _execute(run: _Run, jobs: Iterator[Job], options: RunOptions, pool: LocalPool | None,
             session: ClusterSession | None, peaks: dict[str, float]) -> Generator[Outcome | StagedTask, None, None]:
    if session is not None:
        yield from session.run(jobs, options.limits, options.extract_fn, options.out_dir, options.task_docs, peaks)
        return
    own = pool is None
    pool = pool or LocalPool(options.workers, options.limits, options.extract_fn)
    pool.decide, pool.peaks = run.decide, peaks
    for sb in pool.sandboxes:
        sb.peaks = peaks
    try:
        yield from pool.run(jobs)
    finally:
        if own:
            pool.close()


@contextlib.contextmanager
def _locked(out_dir: Path) -> Iterator[None]:
    """One run per output directory at a time (the lock dies with the process, kill -9 included)."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        fh = open(out_dir / LOCK_NAME, "a")
    except OSError as exc:
        raise RunError(f"cannot write to the output directory {out_dir}: {exc.strerror or exc}") from exc
    with fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            raise RunError(f"another pia-extract run is writing to {out_dir}; wait for it to finish") from exc
        yield


def open_output(out_dir: Path) -> tuple[Manifest, Recovery]:
    """The manifest (rebuilt from the parts when it is missing, unreadable or behind) after recovery."""
    path = out_dir / MANIFEST_NAME
    reason = ""
    manifest: Manifest | None = None
    if not path.exists():
        if not manifest_is_behind(out_dir, None):
            manifest = Manifest(path)  # a new output directory
        else:
            reason = "the manifest was missing"
    else:
        try:
            manifest = Manifest(path)
        except ManifestFormatError:
            raise  # written by a newer pia-extract: not ours to rewrite
        except ManifestError as exc:
            reason = f"the manifest could not be used ({exc})"
    if manifest is not None and manifest_is_behind(out_dir, manifest):
        manifest.close()
        manifest, reason = None, "the manifest did not list every part on disk"
    if manifest is None:
        manifest = rebuild_manifest(out_dir, reason)
    recovery = recover(out_dir, manifest)
    recovery.manifest_rebuilt = reason
    return manifest, recovery


def run_batch(inputs: Sequence[Path], options: RunOptions, observer: Observer | None = None,
              pool: LocalPool | None = None) -> RunSummary:
    """Extract `inputs` into the dataset in `options.out_dir`; see the module docstring."""
    observer = observer or NullObserver()
    started = time.monotonic()
    with _locked(options.out_dir):
        with io_errors("open the output"):
            manifest, recovery = open_output(options.out_dir)
        try:
            summary = _run_locked(inputs, options, observer, manifest, recovery, pool)
            summary.parts = len(manifest.parts())
        finally:
            manifest.close()
    summary.seconds = time.monotonic() - started
    return summary


def _run_locked(inputs: Sequence[Path], options: RunOptions, observer: Observer, manifest: Manifest,
                recovery: Recovery, pool: LocalPool | None) -> RunSummary:
    observer.started(recovery)
    run = _Run(options, manifest, observer)
    discovery = Discovery(inputs)
    peaks: dict[str, float] = {}
    session = ClusterSession(options.cluster, options.workers) if options.cluster else None
    try:
        _extract_all(run, _execute(run, run.jobs(iter(discovery)), options, pool, session, peaks))
        observer.phase("compacting")
        with io_errors("compact the output"):
            compact(options.out_dir, manifest, options.target_part_docs, options.merge_parts,
                    session.map if session is not None else threads_map(options.workers))
    finally:
        if session is not None:
            session.close()
    summary = run.summary
    summary.recovery, summary.skipped_files = recovery, discovery.skipped
    summary.rows_written = dict(run.committer.rows_written)
    summary.dataset_rows = dataset_row_counts(options.out_dir)
    summary.worker_peak_rss_mb = {k: round(v, 1) for k, v in peaks.items()}
    return summary


def _extract_all(run: _Run, outcomes: Generator[Outcome | StagedTask, None, None]) -> None:
    try:
        with contextlib.closing(outcomes):
            for outcome in outcomes:
                if isinstance(outcome, StagedTask):
                    run.staged(outcome)
                else:
                    run.outcome(outcome)
    finally:  # Ctrl-C or an error: what was parsed is still committed
        with contextlib.suppress(RunError):
            run.committer.flush()
    run.committer.flush()


def compact_output(out_dir: Path, target_part_docs: int = 5000) -> tuple[int, int, dict[str, int]]:
    """`pia-extract compact`: returns (parts before, parts after, rows per table)."""
    if not (out_dir / MANIFEST_NAME).exists() and not any((out_dir / name).is_dir() for name in TABLE_NAMES):
        raise RunError(f"{out_dir} has no pia-extract manifest; it is not an output directory of `run`")
    with _locked(out_dir):
        with io_errors("open the output"):
            manifest, _recovery = open_output(out_dir)
        try:
            with io_errors("compact the output"):
                stats = compact(out_dir, manifest, target_part_docs, map_fn=threads_map(os.cpu_count() or 1))
        finally:
            manifest.close()
    return stats.parts_before, stats.parts_after, dataset_row_counts(out_dir)
