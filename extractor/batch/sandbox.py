"""Parse each document in a separate, limited worker process.

Why a process per worker and our own pool: the PDF library is native code, so a
hostile document can hang it (no Python-level timeout can interrupt it), crash
it (segfault) or make it allocate without bound.  Each worker therefore

- is a long-lived `multiprocessing` process started with the ``spawn`` context
  (a fresh interpreter: no state inherited from a parent that has threads), so
  the import of the PDF library is paid once per worker, not per document;
- runs under ``RLIMIT_AS`` (its address space, which is at least its resident
  memory), so a runaway allocation fails inside the worker instead of taking
  the machine down;
- is killed *by the parent* when a document exceeds the time limit, and is
  replaced by a fresh worker; a worker that dies (segfault, ``os._exit``, the
  kernel's OOM killer) is replaced the same way.  Either way the document gets
  a ``failed`` row that says what happened in plain words;
- is recycled after ``recycle_after`` documents, which bounds slow leaks.

`concurrent.futures.ProcessPoolExecutor` is deliberately not used: when one of
its workers dies the whole pool is marked broken, and it cannot kill the one
worker whose task overran.

Test-only fault hook: the environment variable ``PIA_EXTRACT_TEST_FAULTS``
(read by the parent, passed to the workers) holds comma-separated
``kind=substring`` pairs; a document whose file name contains ``substring``
triggers the fault in the worker.  Kinds: ``hang`` (sleep forever), ``crash``
(``os._exit(11)``), ``segv`` (kill itself with SIGSEGV), ``oom`` (allocate until
the memory limit stops it), ``rows`` (return a synthetic ``ok`` result with rows
in every table, so the batch machinery can be tested independently of the
parser) and ``slow`` (sleep 0.2 s first; combines with the others); ``nostart=any``
makes every worker exit before it is ready.  It exists for the
test suite only and must never be set in production.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
import re
import signal
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from pathlib import Path

from extractor.errors import RunError
from extractor.model import (
    DEFAULT_OPTIONS,
    PARSER_VERSION,
    DocumentResult,
    DocumentRow,
    EntrustmentRow,
    ExtractOptions,
    FileRow,
    RecipientRow,
    RiskRow,
    SystemRow,
    failed_result,
)
from extractor.pipeline import extract_bytes, sha256_bytes

FAULTS_ENV = "PIA_EXTRACT_TEST_FAULTS"
FAULT_KINDS = ("hang", "crash", "segv", "oom", "slow", "rows", "nostart")
READY = "ready"

# error_kind values the runner itself assigns (the parser assigns the others).
TIMEOUT = "timeout"
WORKER_CRASHED = "worker_crashed"
MEMORY_LIMIT = "memory_limit"
CHANGED = "changed_during_run"
UNREADABLE = "unreadable"

_MEMORY_ERROR = re.compile(r"MemoryError|\b(?:m|re|c)?alloc\b.*\bfailed\b|out of memory", re.IGNORECASE)


@dataclass(frozen=True)
class Limits:
    """Per-document limits and worker life span."""

    timeout_s: float = 120.0
    max_memory_mb: int | None = 2048
    recycle_after: int = 200


@dataclass(frozen=True)
class Job:
    """One document to parse: where to read it, how to report it, what its bytes hash to."""

    path: str
    source_path: str
    doc_id: str
    fmt: str = "pdf"
    options: ExtractOptions = DEFAULT_OPTIONS


@dataclass
class Outcome:
    """A parsed (or failed) document and where/how it ran."""

    job: Job
    result: DocumentResult
    seconds: float
    worker: str
    peak_rss_mb: float | None = None


Faults = tuple[tuple[str, str], ...]


class FaultSpecError(RunError, ValueError):
    """The test-only fault hook variable cannot be understood."""


class WorkerStartError(RunError):
    """Worker processes die before they can take a document: the run cannot go on."""


def faults_from_env(environ: dict[str, str] | None = None) -> Faults:
    """Parse the test-only fault hook; an unknown kind is an error, not a silent no-op."""
    spec = (environ if environ is not None else os.environ).get(FAULTS_ENV, "")
    pairs = []
    for item in filter(None, (part.strip() for part in spec.split(","))):
        kind, sep, needle = item.partition("=")
        if not sep or kind not in FAULT_KINDS or not needle:
            raise FaultSpecError(f"{FAULTS_ENV}: cannot understand {item!r}; use kind=substring with kind one of "
                             f"{', '.join(FAULT_KINDS)}")
        pairs.append((kind, needle))
    return tuple(pairs)


# --------------------------------------------------------------------------- worker side


def process_job(job: Job, max_memory_mb: int | None = None, faults: Faults = ()) -> DocumentResult:
    """The per-document function: read, verify, extract.  Runs inside a worker process."""
    kinds = [kind for kind, needle in faults if needle in Path(job.path).name]
    if "slow" in kinds:
        time.sleep(0.2)
    fault = next((kind for kind in kinds if kind != "slow"), None)
    if fault is not None:
        return _inject_fault(fault, job, max_memory_mb)
    try:
        return _classify_memory_error(_read_and_extract(job), job, max_memory_mb)
    except MemoryError:  # a file larger than the limit fails while being read
        return _memory_failed(job, max_memory_mb)


def _read_and_extract(job: Job) -> DocumentResult:
    try:
        data = Path(job.path).read_bytes()
    except OSError as exc:
        return _failed(job, UNREADABLE, f"the file could not be read: {exc.strerror or exc}")
    if sha256_bytes(data) != job.doc_id:
        return _failed(job, CHANGED, "the file changed while the run was reading it; run again to pick it up")
    return extract_bytes(data, job.source_path, job.options)


def _failed(job: Job, kind: str, reason: str) -> DocumentResult:
    return failed_result(job.doc_id, job.source_path, job.fmt, kind, reason)


def _memory_failed(job: Job, max_memory_mb: int | None) -> DocumentResult:
    limit = f"the memory limit of {max_memory_mb} MB" if max_memory_mb else "the available memory"
    return _failed(job, MEMORY_LIMIT, f"parsing this document needed more than {limit} and was stopped")


def _classify_memory_error(result: DocumentResult, job: Job, max_memory_mb: int | None) -> DocumentResult:
    """The pipeline turns every exception into `internal_error`; name running out of memory as such."""
    doc = result.document
    if doc.error_kind == "internal_error" and any(_MEMORY_ERROR.search(w) for w in doc.warnings):
        return _memory_failed(job, max_memory_mb)
    return result


def _inject_fault(kind: str, job: Job, max_memory_mb: int | None) -> DocumentResult:
    if kind == "hang":
        while True:
            time.sleep(3600)
    if kind == "crash":
        os._exit(11)
    if kind == "segv":
        os.kill(os.getpid(), signal.SIGSEGV)
    if kind == "oom":
        return _allocate_until_limited(job, max_memory_mb)
    return synthetic_result(job)


def _allocate_until_limited(job: Job, max_memory_mb: int | None) -> DocumentResult:
    if not max_memory_mb:  # never eat the machine: without a limit, pretend the allocation failed
        return _memory_failed(job, max_memory_mb)
    blocks = []
    try:
        while True:
            blocks.append(bytearray(64 << 20))
    except MemoryError:
        blocks.clear()
        return _memory_failed(job, max_memory_mb)


def synthetic_result(job: Job) -> DocumentResult:
    """A deterministic `ok` result with rows in every table (test hook `rows`)."""
    seed = int(job.doc_id[:6] or "0", 16)
    doc = DocumentRow(doc_id=job.doc_id, source_path=job.source_path, form_type="full", n_pages=1 + seed % 7,
                      title=f"評価書 {seed}", organization="テスト市長", parser_version=PARSER_VERSION)
    n = 1 + seed % 3
    return DocumentResult(
        document=doc,
        systems=[SystemRow(job.doc_id, i, name=f"システム{i}", conn_tax=bool(i % 2)) for i in range(1, n + 1)],
        files=[FileRow(job.doc_id, i, name=f"ファイル{i}", main_items=["氏名", "住所"]) for i in range(1, n + 1)],
        entrustments=[EntrustmentRow(job.doc_id, 1, i, contractor=f"委託先{i}") for i in range(1, n + 1)],
        recipients=[RecipientRow(job.doc_id, 1, "provision", i, recipient=f"提供先{i}") for i in range(1, n + 1)],
        risk_ratings=[RiskRow(job.doc_id, 1, "III", 2, "入手", i, "リスク", f"設問{i}", "十分である", 2)
                      for i in range(1, n + 1)],
    )


def _die_with_parent(parent_pid: int) -> None:
    """Ask Linux to SIGKILL this worker when its parent dies (kill -9 of the run leaves no orphans)."""
    if sys.platform.startswith("linux"):
        import ctypes

        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != parent_pid:  # the parent died before the request took effect
        os._exit(0)


def _apply_memory_limit(max_memory_mb: int | None) -> None:
    if not max_memory_mb:
        return
    try:
        import resource
    except ImportError:  # not on this platform: the limit is not enforced
        return
    limit = max_memory_mb << 20
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _peak_rss_mb() -> float | None:
    try:
        import resource
    except ImportError:
        return None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024 / (1024 if sys.platform == "darwin" else 1)


def _warm_up() -> None:
    """Import the parser before taking jobs (so its cost is paid once, outside any document's time).

    MuPDF's own messages on stderr are switched off: they would tear the parent's
    progress bar, and what matters reaches the documents row as a warning.
    """
    for module in ("extractor.pipeline",):
        with contextlib.suppress(Exception):
            __import__(module)
    with contextlib.suppress(Exception):
        import pymupdf

        pymupdf.TOOLS.mupdf_display_errors(False)
        pymupdf.TOOLS.mupdf_display_warnings(False)


def worker_main(conn: Connection, parent_pid: int, max_memory_mb: int | None, faults: Faults) -> None:
    """Loop of a worker process: say READY, then receive a Job, send back (result, seconds, peak RSS); None ends it."""
    _die_with_parent(parent_pid)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    if any(kind == "nostart" for kind, _ in faults):
        os._exit(3)
    _warm_up()
    _apply_memory_limit(max_memory_mb)
    conn.send(READY)
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        started = time.perf_counter()
        result = process_job(job, max_memory_mb, faults)
        conn.send((result, time.perf_counter() - started, _peak_rss_mb()))
        if result.document.error_kind == MEMORY_LIMIT:
            return  # a process that hit its limit may be in a bad state: do not reuse it


# --------------------------------------------------------------------------- parent side


def _signal_name(code: int) -> str:
    try:
        return signal.Signals(code).name
    except ValueError:
        return f"signal {code}"


def crash_reason(exitcode: int | None) -> str:
    """Plain words for a worker that died without answering."""
    if exitcode is not None and exitcode < 0:
        name = _signal_name(-exitcode)
        hint = " (it may have run out of memory)" if name in ("SIGKILL", "SIGABRT") else ""
        return f"the parser process crashed ({name}) while reading this document{hint}"
    return f"the parser process exited unexpectedly (exit code {exitcode}) while reading this document"


def _exit_words(exitcode: int | None) -> str:
    return f"signal {_signal_name(-exitcode)}" if exitcode is not None and exitcode < 0 else f"exit code {exitcode}"


class Sandbox:
    """One worker process, used for one document at a time; the parent enforces its time limit."""

    def __init__(self, limits: Limits, faults: Faults = (), peaks: dict[str, float] | None = None) -> None:
        self.limits, self.faults = limits, faults
        self.peaks = peaks if peaks is not None else {}  # worker pid -> peak resident memory (MB)
        self.job: Job | None = None
        self._proc: mp.process.BaseProcess | None = None
        self._conn: Connection | None = None
        self._pid = ""
        self._served = 0
        self._retire = False
        self._ready = False
        self._start_failures = 0
        self._started = 0.0

    @property
    def deadline(self) -> float:
        return self._started + self.limits.timeout_s

    def handles(self) -> list[Connection | int]:
        """What to wait on: the result pipe and the process sentinel (ready when it exits)."""
        assert self._proc is not None and self._conn is not None
        return [self._conn, self._proc.sentinel]

    def submit(self, job: Job) -> None:
        if self._needs_restart():
            self._restart()
        assert self._conn is not None
        self.job, self._started = job, time.monotonic()
        self._served += 1
        self._conn.send(job)

    def collect(self, now: float | None = None) -> Outcome | None:
        """The finished job's outcome, or None while it is still within its time limit."""
        assert self.job is not None and self._proc is not None and self._conn is not None
        if not self._ready and self._conn.poll():
            self._take_ready()
        if self._ready and self._conn.poll():
            return self._receive()
        if not self._proc.is_alive():
            if not self._ready:
                self._retry_start()
                return None
            return self._lost(crash_reason(self._reap()))
        if (now if now is not None else time.monotonic()) >= self.deadline:
            self._kill()
            reason = f"parsing took longer than the time limit of {self.limits.timeout_s:g} s and was stopped"
            return self._lost(reason, TIMEOUT)
        return None

    def run(self, job: Job) -> Outcome:
        """Blocking: parse one document within the limits (used on cluster workers)."""
        self.submit(job)
        while True:
            wait(self.handles(), timeout=max(0.0, self.deadline - time.monotonic()))
            outcome = self.collect()
            if outcome is not None:
                return outcome

    def close(self) -> None:
        """Stop the worker: politely when idle, by force when it is busy."""
        if self._proc is not None and self._conn is not None and self.job is None and self._proc.is_alive():
            with contextlib.suppress(OSError):
                self._conn.send(None)
            self._proc.join(timeout=2)
        self._kill()

    def _needs_restart(self) -> bool:
        return (self._proc is None or self._retire or not self._proc.is_alive()
                or self._served >= self.limits.recycle_after)

    def _take_ready(self) -> None:
        """The worker has imported the parser: the document's time starts now."""
        assert self._conn is not None
        try:
            message = self._conn.recv()
        except (EOFError, OSError):
            return  # it died: collect() sees that next
        assert message == READY, message
        self._ready, self._start_failures, self._started = True, 0, time.monotonic()

    def _retry_start(self) -> None:
        """A worker died before it was ready: once is bad luck, twice in a row means none can start."""
        assert self.job is not None
        code = self._reap()
        self._start_failures += 1
        if self._start_failures >= 2:
            raise WorkerStartError(f"the worker processes stop before they are ready ({_exit_words(code)}); "
                                   "the messages above say why")
        job, self.job = self.job, None
        self.submit(job)

    def _receive(self) -> Outcome:
        assert self.job is not None and self._proc is not None and self._conn is not None
        try:
            result, seconds, peak = self._conn.recv()
        except (EOFError, OSError):
            return self._lost(crash_reason(self._reap()))
        if peak is not None:
            self.peaks[self._pid] = max(peak, self.peaks.get(self._pid, 0.0))
        self._retire = result.document.error_kind == MEMORY_LIMIT  # the worker exits after that
        job, self.job = self.job, None
        return Outcome(job, result, seconds, self._pid, peak)

    def _lost(self, reason: str, kind: str = WORKER_CRASHED) -> Outcome:
        """The job's worker is gone (crashed or killed): a failed row that says why."""
        assert self.job is not None
        job, self.job = self.job, None
        result = failed_result(job.doc_id, job.source_path, job.fmt, kind, reason)
        return Outcome(job, result, time.monotonic() - self._started, self._pid)

    def _reap(self) -> int | None:
        assert self._proc is not None
        self._proc.join(timeout=5)
        code = self._proc.exitcode
        self._kill()
        return code

    def _kill(self) -> None:
        if self._proc is not None:
            if self._proc.is_alive():
                self._proc.kill()
            self._proc.join(timeout=5)
        if self._conn is not None:
            self._conn.close()
        self._proc = self._conn = None

    def _restart(self) -> None:
        self._kill()
        ctx = mp.get_context("spawn")
        parent_conn, child_conn = ctx.Pipe()
        args = (child_conn, os.getpid(), self.limits.max_memory_mb, self.faults)
        proc = ctx.Process(target=worker_main, args=args, name="pia-extract-worker", daemon=True)
        proc.start()
        child_conn.close()
        self._proc, self._conn, self._pid = proc, parent_conn, str(proc.pid)
        self._served, self._retire, self._ready = 0, False, False


class LocalPool:
    """N sandboxes fed from one job stream; yields outcomes in completion order."""

    def __init__(self, workers: int, limits: Limits, faults: Faults = (),
                 peaks: dict[str, float] | None = None) -> None:
        self.peaks = peaks if peaks is not None else {}  # worker pid -> peak resident memory (MB)
        self.sandboxes = [Sandbox(limits, faults, self.peaks) for _ in range(max(1, workers))]

    def run(self, jobs: Iterable[Job]) -> Iterator[Outcome]:
        pending = iter(jobs)
        try:
            while True:
                self._fill(pending)
                busy = [sb for sb in self.sandboxes if sb.job is not None]
                if not busy:
                    return
                timeout = max(0.0, min(sb.deadline for sb in busy) - time.monotonic())
                wait([h for sb in busy for h in sb.handles()], timeout=timeout)
                now = time.monotonic()
                for sb in busy:
                    outcome = sb.collect(now)
                    if outcome is not None:
                        yield outcome
        finally:
            self.close()

    def _fill(self, pending: Iterator[Job]) -> None:
        for sb in self.sandboxes:
            if sb.job is None:
                job = next(pending, None)
                if job is None:
                    return
                sb.submit(job)

    def close(self) -> None:
        for sb in self.sandboxes:
            sb.close()
