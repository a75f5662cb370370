"""Archive-scale batch runs: many inputs -> one Parquet dataset per table, resumable.

A run
1. finds the inputs (files, or directories searched recursively for
   ``INPUT_SUFFIXES``) and hashes each one (sha256 = ``doc_id``);
2. plans against the manifest: bytes already extracted with the same parser
   version are skipped (``--force`` re-does them, ``--retry-failed`` re-does
   failed ones); identical bytes under several paths are parsed once;
3. parses in worker processes with per-document time and memory limits
   (`extractor.batch.sandbox`; or on a Dask cluster, `extractor.batch.cluster`);
4. writes results in parts: every ``part_docs`` documents (or ``FLUSH_SECONDS``),
   one Parquet file per table is written atomically, then the manifest commits
   the part (`extractor.batch.dataset`, `extractor.batch.manifest`);
5. compacts: superseded rows are dropped and small parts merged.

Duplicates: identical bytes under two paths give one ``documents`` row per path
(same ``doc_id``, each with its own ``source_path``); the rows of the other
tables are written once per ``doc_id``.  Join on ``doc_id``.

Across runs the dataset accumulates: a later run over other inputs adds their
documents; a path whose bytes changed gets its ``documents`` row replaced (and
the old bytes' rows go once no path has them).  Unreadable files have no
``doc_id`` (empty string) and are tried again on every run.

Output (see `extractor.batch.dataset` for why it is crash-safe)::

    OUT/<table>/part-<time>-<random>.parquet   read with pq.read_table(OUT / "<table>")
    OUT/_manifest.sqlite                       docs by sha256: status, parser version, part
    OUT/.pia-extract.lock                      one run per OUT at a time

``--log-json FILE`` appends one JSON object per input path (`DocEvent`):
time, source_path, doc_id, action (`ACTIONS`), status, error_kind, warnings,
n_pages, rows (per table), seconds, worker (pid, or host/pid on a cluster) and
peak_rss_mb (the worker's peak resident memory so far).
"""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import hashlib
import json
import time
from collections import Counter
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Protocol

from extractor.batch.dataset import (
    SCHEMA_FP,
    compact,
    dataset_row_counts,
    new_part_id,
    remove_orphans,
    warn_shadowing_files,
    write_part,
)
from extractor.batch.manifest import MANIFEST_NAME, DocRecord, Manifest
from extractor.batch.sandbox import UNREADABLE, Faults, Job, Limits, LocalPool, Outcome, faults_from_env
from extractor.errors import RunError
from extractor.model import (
    DEFAULT_OPTIONS,
    PARSER_VERSION,
    DocumentResult,
    DocumentRow,
    ExtractOptions,
    Status,
    failed_result,
)
from extractor.read.sniff import sniff_format
from extractor.tables.schema import TABLE_NAMES, results_to_tables

INPUT_SUFFIXES = frozenset({".pdf", ".txt", ".md", ".markdown", ".html", ".htm"})
FLUSH_SECONDS = 10.0
LOCK_NAME = ".pia-extract.lock"
_HEAD_BYTES = 64 << 10


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


# ---------------------------------------------------------------------------- inputs


@dataclass(frozen=True)
class InputFile:
    path: Path          # as given (reported as source_path)
    doc_id: str         # sha256 of the bytes; "" if unreadable
    fmt: str            # sniffed from the first bytes
    error: str | None = None


def _is_input(path: Path, root: Path) -> bool:
    """A file under an input directory that is worth extracting (not a dot-file, not a README)."""
    return (path.suffix.lower() in INPUT_SUFFIXES and path.stem.upper() != "README" and path.is_file()
            and not any(part.startswith(".") for part in path.relative_to(root).parts))


def discover_inputs(inputs: Sequence[Path]) -> list[Path]:
    """Files as given, plus the input-like files under directories (recursive, sorted).

    Under directories, dot-files, dot-directories and README files are left out;
    a file named explicitly is always taken.
    """
    seen: set[Path] = set()
    found: list[Path] = []
    for item in inputs:
        candidates = sorted(p for p in item.rglob("*") if _is_input(p, item)) if item.is_dir() else [item]
        for path in candidates:
            key = path.resolve()
            if key not in seen:
                seen.add(key)
                found.append(path)
    return found


def fingerprint(path: Path) -> InputFile:
    """Hash a file in chunks and sniff its format from the head."""
    digest = hashlib.sha256()
    head = b""
    try:
        with open(path, "rb") as fh:
            while chunk := fh.read(1 << 20):
                if len(head) < _HEAD_BYTES:
                    head += chunk[: _HEAD_BYTES - len(head)]
                digest.update(chunk)
    except OSError as exc:
        return InputFile(path, "", "unknown", f"the file could not be read: {exc.strerror or exc}")
    fmt = sniff_format(head, path.suffix)
    return InputFile(path, digest.hexdigest(), "unknown" if fmt in ("empty", "binary") else fmt)


def fingerprint_all(paths: Sequence[Path], threads: int = 4,
                    progress: Callable[[int, int], None] | None = None) -> list[InputFile]:
    """Hash many files with a few threads (hashing and reads release the GIL); `progress(done, total)`."""
    files = []
    with ThreadPoolExecutor(max_workers=threads) as pool:
        for f in pool.map(fingerprint, paths):
            files.append(f)
            if progress is not None and (len(files) % 100 == 0 or len(files) == len(paths)):
                progress(len(files), len(paths))
    return files


# ---------------------------------------------------------------------------- plan


@dataclass
class ParseTask:
    """Bytes to parse once; the result is reported for `paths[0]` and copied for the others."""

    doc_id: str
    paths: list[InputFile]
    extra_paths: list[str] = field(default_factory=list)  # manifest paths with these bytes, not in this run

    def job(self, options: ExtractOptions = DEFAULT_OPTIONS) -> Job:
        first = self.paths[0]
        return Job(str(first.path.resolve()), str(first.path), self.doc_id, first.fmt, options)


@dataclass
class Plan:
    parse: list[ParseTask] = field(default_factory=list)
    reuse: dict[str, list[InputFile]] = field(default_factory=dict)  # done bytes under new paths
    skip: list[tuple[InputFile, DocRecord]] = field(default_factory=list)
    unreadable: list[InputFile] = field(default_factory=list)


def _is_done(rec: DocRecord | None, force: bool, retry_failed: bool) -> bool:
    if rec is None or force or rec.parser_version != PARSER_VERSION:
        return False
    return not (retry_failed and rec.status == Status.FAILED.value)


def make_plan(files: Iterable[InputFile], manifest: Manifest, force: bool = False,
              retry_failed: bool = False) -> Plan:
    plan = Plan()
    groups: dict[str, list[InputFile]] = {}
    for f in files:
        if f.error is not None:
            plan.unreadable.append(f)
        else:
            groups.setdefault(f.doc_id, []).append(f)
    docs, paths = manifest.docs(), manifest.paths()
    in_run = {str(f.path) for group in groups.values() for f in group}
    by_doc: dict[str, list[str]] = {}
    for source_path, doc_id in paths.items():
        by_doc.setdefault(doc_id, []).append(source_path)
    for doc_id, group in groups.items():
        rec = docs.get(doc_id)
        if not _is_done(rec, force, retry_failed):
            extra = [p for p in by_doc.get(doc_id, []) if p not in in_run]
            plan.parse.append(ParseTask(doc_id, group, extra))
            continue
        assert rec is not None
        new = [f for f in group if paths.get(str(f.path)) != doc_id]
        if new:
            plan.reuse[doc_id] = new
        plan.skip.extend((f, rec) for f in group if f not in new)
    return plan


# ---------------------------------------------------------------------------- events


ACTIONS = {
    "parsed": "extracted by a worker",
    "duplicate": "same bytes as a document parsed in this run: its row is a copy",
    "reused": "bytes extracted in an earlier run, new path: its row is a copy, nothing parsed",
    "skipped": "already in the output with this parser version",
    "unreadable": "the file could not be read",
    "refreshed": "a path from an earlier run whose bytes were parsed again (not an input of this run)",
}


@dataclass(frozen=True)
class DocEvent:
    """What happened to one input path (one line of --log-json)."""

    source_path: str
    doc_id: str
    action: str  # parsed | duplicate | reused | skipped | unreadable | refreshed (see ACTIONS)
    status: str
    error_kind: str | None = None
    warnings: tuple[str, ...] = ()
    n_pages: int | None = None
    rows: dict[str, int] = field(default_factory=dict)
    seconds: float | None = None
    worker: str | None = None
    peak_rss_mb: float | None = None


class Observer(Protocol):
    def hashed(self, done: int, total: int) -> None: ...
    def planned(self, plan: Plan, n_inputs: int) -> None: ...
    def document(self, event: DocEvent) -> None: ...
    def phase(self, name: str) -> None: ...


class NullObserver:
    def hashed(self, done: int, total: int) -> None:
        pass

    def planned(self, plan: Plan, n_inputs: int) -> None:
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

    def hashed(self, done: int, total: int) -> None:
        for o in self._all:
            o.hashed(done, total)

    def planned(self, plan: Plan, n_inputs: int) -> None:
        for o in self._all:
            o.planned(plan, n_inputs)

    def document(self, event: DocEvent) -> None:
        for o in self._all:
            o.document(event)

    def phase(self, name: str) -> None:
        for o in self._all:
            o.phase(name)


# ---------------------------------------------------------------------------- writer


@dataclass
class _Pending:
    results: list[DocumentResult] = field(default_factory=list)   # full results (all tables)
    copies: list[DocumentRow] = field(default_factory=list)       # documents rows only

    def __len__(self) -> int:
        return len(self.results) + len(self.copies)


class PartWriter:
    """Buffers results and commits them as parts: files first, then the manifest."""

    def __init__(self, out_dir: Path, manifest: Manifest, part_docs: int) -> None:
        self.out_dir, self.manifest, self.part_docs = out_dir, manifest, max(1, part_docs)
        self._pending = _Pending()
        self._last_flush = time.monotonic()
        self.rows_written: Counter[str] = Counter()

    def add(self, result: DocumentResult, copies: Iterable[DocumentRow] = ()) -> None:
        self._pending.results.append(result)
        self._pending.copies.extend(copies)
        self._maybe_flush()

    def add_copies(self, copies: Iterable[DocumentRow]) -> None:
        self._pending.copies.extend(copies)
        self._maybe_flush()

    def _maybe_flush(self) -> None:
        if len(self._pending) >= self.part_docs or time.monotonic() - self._last_flush >= FLUSH_SECONDS:
            self.flush()

    def flush(self) -> None:
        pending, self._pending = self._pending, _Pending()
        self._last_flush = time.monotonic()
        if not len(pending):
            return
        copies = [DocumentResult(document=row) for row in pending.copies]
        tables = results_to_tables([*pending.results, *copies])
        part_id = new_part_id()
        write_part(self.out_dir, part_id, tables)
        full = [r.document for r in pending.results if r.document.doc_id]
        paths = [(r.document.source_path, r.document.doc_id) for r in [*pending.results, *copies]]
        self.manifest.commit_part(part_id, SCHEMA_FP, full, paths)
        self.rows_written.update({name: len(t) for name, t in tables.items()})


# ---------------------------------------------------------------------------- run


@dataclass
class RunSummary:
    inputs: int = 0
    actions: Counter[str] = field(default_factory=Counter)
    statuses: Counter[str] = field(default_factory=Counter)
    failures: Counter[str] = field(default_factory=Counter)   # error_kind -> count (all inputs)
    pages: int = 0
    rows_written: dict[str, int] = field(default_factory=dict)
    dataset_rows: dict[str, int] = field(default_factory=dict)
    worker_peak_rss_mb: dict[str, float] = field(default_factory=dict)
    seconds: float = 0.0
    orphans_removed: int = 0   # part files of an interrupted run, deleted at the start
    paths_lost: int = 0        # documents rows whose part files were gone (extracted again)
    parts: int = 0

    @property
    def exit_code(self) -> int:
        return 1 if self.statuses.get(Status.FAILED.value) else 0

    def count(self, event: DocEvent) -> None:
        self.actions[event.action] += 1
        self.statuses[event.status] += 1
        if event.status == Status.FAILED.value:
            self.failures[event.error_kind or "unknown"] += 1
        if event.action == "parsed":
            self.pages += event.n_pages or 0


def _event(row: DocumentRow, action: str, outcome: Outcome | None = None,
           result: DocumentResult | None = None) -> DocEvent:
    return DocEvent(
        source_path=row.source_path, doc_id=row.doc_id, action=action, status=row.status,
        error_kind=row.error_kind, warnings=tuple(row.warnings), n_pages=row.n_pages,
        rows=result.row_counts() if result is not None else {},
        seconds=round(outcome.seconds, 3) if outcome else None,
        worker=outcome.worker if outcome else None,
        peak_rss_mb=round(outcome.peak_rss_mb, 1) if outcome and outcome.peak_rss_mb else None,
    )


def _owned_by(result: DocumentResult, doc_id: str) -> DocumentResult:
    """Every row of a result carries the doc_id the manifest knows it by (the rows are kept by it)."""
    result.document.doc_id = doc_id
    for name in TABLE_NAMES[1:]:
        for row in getattr(result, name):
            row.doc_id = doc_id
    return result


def _copy_for(row: DocumentRow, source_path: str) -> DocumentRow:
    return dataclasses.replace(row, source_path=source_path, warnings=list(row.warnings))


class _Run:
    """State of one run: the writer, the summary and the observer, fed outcome by outcome."""

    def __init__(self, writer: PartWriter, observer: Observer) -> None:
        self.writer, self.observer = writer, observer
        self.summary = RunSummary()

    def emit(self, event: DocEvent, is_input: bool = True) -> None:
        if is_input:
            self.summary.count(event)
        self.observer.document(event)

    def unreadable(self, f: InputFile) -> None:
        result = failed_result("", str(f.path), f.fmt, UNREADABLE, f.error or "the file could not be read")
        self.writer.add(result)
        self.emit(_event(result.document, "unreadable"))

    def reuse(self, manifest: Manifest, doc_id: str, files: list[InputFile]) -> None:
        base = manifest.document_row(doc_id)
        copies = [_copy_for(base, str(f.path)) for f in files]
        self.writer.add_copies(copies)
        for row in copies:
            self.emit(_event(row, "reused"))

    def parsed(self, task: ParseTask, outcome: Outcome) -> None:
        result = _owned_by(outcome.result, task.doc_id)
        duplicates = [_copy_for(result.document, str(f.path)) for f in task.paths[1:]]
        refreshed = [_copy_for(result.document, p) for p in task.extra_paths]
        self.writer.add(result, [*duplicates, *refreshed])
        self.emit(_event(result.document, "parsed", outcome, result))
        for row in duplicates:
            self.emit(_event(row, "duplicate"))
        for row in refreshed:  # paths of earlier runs with these bytes: their rows follow the new result
            self.emit(_event(row, "refreshed"), is_input=False)


def _execute(jobs: list[Job], options: RunOptions, faults: Faults,
             peaks: dict[str, float]) -> Generator[Outcome, None, None]:
    """Outcomes of `jobs` in completion order, from local workers or a Dask cluster.

    `peaks` is filled with each worker's peak resident memory (MB) as results come in.
    Closing the generator stops the workers.
    """
    if not jobs:
        return
    if options.cluster:
        from extractor.batch.cluster import run_on_cluster

        yield from run_on_cluster(jobs, options.cluster, options.workers, options.limits, faults, peaks)
    else:
        yield from LocalPool(options.workers, options.limits, faults, peaks).run(jobs)


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


def run_batch(inputs: Sequence[Path], options: RunOptions, observer: Observer | None = None) -> RunSummary:
    """Extract `inputs` into the dataset in `options.out_dir`; see the module docstring."""
    observer = observer or NullObserver()
    faults = faults_from_env()
    started = time.monotonic()
    with _locked(options.out_dir):
        manifest = Manifest(options.out_dir)
        try:
            return _run_locked(inputs, options, observer, faults, manifest, started)
        finally:
            manifest.close()


def _run_locked(inputs: Sequence[Path], options: RunOptions, observer: Observer, faults: Faults,
                manifest: Manifest, started: float) -> RunSummary:
    out_dir = options.out_dir
    warn_shadowing_files(out_dir)
    orphans, lost = remove_orphans(out_dir, manifest)
    files = fingerprint_all(discover_inputs(inputs), progress=observer.hashed)
    plan = make_plan(files, manifest, options.force, options.retry_failed)
    observer.planned(plan, len(files))
    run = _Run(PartWriter(out_dir, manifest, options.part_docs), observer)
    run.summary.inputs, run.summary.orphans_removed, run.summary.paths_lost = len(files), orphans, lost
    for f, rec in plan.skip:
        run.emit(DocEvent(str(f.path), f.doc_id, "skipped", rec.status, rec.error_kind, n_pages=rec.n_pages))
    for f in plan.unreadable:
        run.unreadable(f)
    for doc_id, group in plan.reuse.items():
        run.reuse(manifest, doc_id, group)
    tasks = {t.doc_id: t for t in plan.parse}
    peaks: dict[str, float] = {}
    outcomes = _execute([t.job(options.extract) for t in plan.parse], options, faults, peaks)
    try:
        with contextlib.closing(outcomes):
            for outcome in outcomes:
                run.parsed(tasks[outcome.job.doc_id], outcome)
    finally:  # Ctrl-C or an error: what was parsed is still committed
        run.writer.flush()
    observer.phase("compacting")
    compact(out_dir, manifest, options.target_part_docs, merge=options.merge_parts)
    summary = run.summary
    summary.rows_written = dict(run.writer.rows_written)
    summary.dataset_rows = dataset_row_counts(out_dir)
    summary.worker_peak_rss_mb = {k: round(v, 1) for k, v in peaks.items()}
    summary.parts = len(manifest.parts())
    summary.seconds = time.monotonic() - started
    return summary


def compact_output(out_dir: Path, target_part_docs: int = 5000) -> tuple[int, int, dict[str, int]]:
    """`pia-extract compact`: returns (parts before, parts after, rows per table)."""
    if not (out_dir / MANIFEST_NAME).exists():
        raise RunError(f"{out_dir} has no pia-extract manifest; it is not an output directory of `run`")
    with _locked(out_dir):
        manifest = Manifest(out_dir)
        try:
            stats = compact(out_dir, manifest, target_part_docs)
        finally:
            manifest.close()
    return stats.parts_before, stats.parts_after, dataset_row_counts(out_dir)

