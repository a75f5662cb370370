"""Parse each document in a separate, limited worker process (`extractor.batch.worker`).

Why a process per worker and our own pool: the PDF library is native code, so a hostile
document can hang it (no Python-level timeout can interrupt it), crash it (segfault) or make
it allocate without bound.  Each worker therefore

- is a long-lived process started as a fresh interpreter running `extractor.batch.worker.main` (one
  that imports only the parser: no CLI, pyarrow, typer or rich), so the import of the PDF
  library is paid once per worker, not per document;
- runs under ``RLIMIT_AS`` (its address space), and the parent also watches its resident memory
  while it works: over the limit, the parent kills it and the document fails as
  ``memory_limit`` (so does a worker that died of a signal with its memory near the limit);
- is killed *by the parent* when a document exceeds the time limit, and replaced; a worker that
  dies (segfault, ``os._exit``, the kernel's OOM killer) is replaced the same way.  Either way
  the document gets a ``failed`` row that says what happened in plain words;
- is recycled by memory: after a document, a worker whose resident memory is above
  ``recycle_rss_mb`` is replaced (a fresh one is started at once).

The parent reaps its workers with ``os.wait4`` to learn how they ended and their peak memory.
`concurrent.futures.ProcessPoolExecutor` is deliberately not used: when one of its workers dies
the whole pool is marked broken, and it cannot kill the one worker whose task overran.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait

from extractor.batch.worker import DEFAULT_EXTRACT, OCR_PAGE, READY, Hashed, Job, Reply, WorkerConfig
from extractor.errors import ErrorKind, RunError
from extractor.model import DocumentResult, failed_result

# A fresh interpreter that imports the worker module under its own name (so its classes unpickle here).
WORKER_MAIN = "import sys; from extractor.batch.worker import main; main(sys.argv)"
SAMPLE_SECONDS = 0.25  # how often the parent looks at a busy worker's memory
NEAR_LIMIT = 0.75      # a worker killed by a signal at this share of its memory limit ran out of memory


@dataclass(frozen=True)
class Limits:
    """Per-document limits and worker life span."""

    timeout_s: float = 120.0
    ocr_page_s: float = 60.0  # added to the time limit for each page read by OCR
    max_memory_mb: int | None = 2048
    recycle_rss_mb: int = 1024


@dataclass
class Outcome:
    """What became of one job: its bytes' hash and, if it was parsed (or failed), the result."""

    job: Job
    doc_id: str
    result: DocumentResult | None   # None: the parent chose not to parse these bytes
    seconds: float = 0.0
    worker: str = ""
    peak_rss_mb: float | None = None
    rows: dict[str, int] | None = None  # rows per table, when `result` carries the documents row only


Decide = Callable[[Job, str], bool]  # (job, doc_id) -> parse these bytes?


class WorkerStartError(RunError):
    """Worker processes die before they can take a document: the run cannot go on."""


def _always(_job: Job, _doc_id: str) -> bool:
    return True


# ------------------------------------------------------------------------------ words


def _signal_name(code: int) -> str:
    try:
        return signal.Signals(code).name
    except ValueError:
        return f"signal {code}"


def crash_reason(exitcode: int | None) -> str:
    """Plain words for a worker that died without answering."""
    if exitcode is not None and exitcode < 0:
        return f"the parser process crashed ({_signal_name(-exitcode)}) while reading this document"
    return f"the parser process exited unexpectedly (exit code {exitcode}) while reading this document"


def _exit_words(exitcode: int | None) -> str:
    return f"signal {_signal_name(-exitcode)}" if exitcode is not None and exitcode < 0 else f"exit code {exitcode}"


def _proc_rss_mb(pid: int) -> float | None:
    try:
        with open(f"/proc/{pid}/statm", "rb") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / (1 << 20)
    except (OSError, ValueError, IndexError):
        return None


def _proc_peak_mb(pid: int) -> float | None:
    """A live process's peak resident memory so far (VmHWM, MB); None where /proc does not tell."""
    try:
        with open(f"/proc/{pid}/status", "rb") as fh:
            line = next(ln for ln in fh if ln.startswith(b"VmHWM:"))
        return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError, StopIteration):
        return None


# ------------------------------------------------------------------------------ one worker


class _Process:
    """The worker process itself: start, talk, reap (with its exit status and peak memory)."""

    def __init__(self, config: WorkerConfig) -> None:
        parent_end, child_end = socket.socketpair()
        cmd = [sys.executable, "-c", WORKER_MAIN, str(child_end.fileno()), str(os.getpid())]
        # Linux keeps the peak of the memory a process had before it exec'd in its rusage: started
        # from this process, the worker's `ru_maxrss` starts at this process's own peak
        self.inherited_mb = _proc_peak_mb(os.getpid()) or 0.0
        self.popen = subprocess.Popen(cmd, pass_fds=(child_end.fileno(),), stdin=subprocess.DEVNULL)
        child_end.close()
        self.conn = Connection(parent_end.detach())
        self.pid = self.popen.pid
        self.exitcode: int | None = None
        self.peak_mb: float | None = None
        self.send(config)

    def send(self, message: object) -> None:
        """Send; a worker that died is noticed by the reader (end of file), not here."""
        with contextlib.suppress(OSError):
            self.conn.send(message)

    def _wait(self, block: bool) -> bool:
        """Reap the process if it has ended (or wait until it does); True once reaped."""
        if self.exitcode is None:
            try:
                pid, status, usage = os.wait4(self.pid, 0 if block else os.WNOHANG)
            except ChildProcessError:  # reaped elsewhere
                pid, status, usage = self.pid, 0, None
            if pid == 0:
                return False
            self.exitcode = self.popen.returncode = os.waitstatus_to_exitcode(status)
            if usage is not None:
                self.peak_mb = usage.ru_maxrss / 1024
        return True

    def reap(self, kill: bool = False) -> int | None:
        """Wait for the process to end (killing it first if asked); its exit code, negative for a signal."""
        if kill and self.exitcode is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)
        self._wait(block=True)
        with contextlib.suppress(OSError):
            self.conn.close()
        return self.exitcode

    def stop(self) -> None:
        """Politely when it can listen; by force if it has not gone after a grace period."""
        self.send(None)
        with contextlib.suppress(OSError):
            wait([self.conn], timeout=5.0)  # its end closes when it exits
        self.reap(kill=not self._wait(block=False))


class Sandbox:
    """One worker, used for one document at a time; the parent enforces its time and memory limits."""

    def __init__(self, limits: Limits, extract: str = DEFAULT_EXTRACT, decide: Decide = _always,
                 peaks: dict[str, float] | None = None) -> None:
        self.limits, self.decide = limits, decide
        self.config = WorkerConfig(extract, limits.max_memory_mb, tuple(sys.path))
        self.peaks = peaks if peaks is not None else {}  # worker pid -> peak resident memory (MB)
        self.job: Job | None = None
        self._proc: _Process | None = None
        self._ready = False
        self._start_failures = 0
        self._started = 0.0
        self._doc_id = ""
        self._rss_seen = 0.0
        self._peak_before = 0.0  # the worker's VmHWM when the job was sent (see `submit`)
        self._sampled = 0.0
        self._ocr_pages = 0  # pages of the current job read by OCR so far (each extends its time limit)

    @property
    def deadline(self) -> float:
        if not self._ready:  # the clock starts when the worker has imported the parser
            return time.monotonic() + self.limits.timeout_s
        return self._started + self._time_limit()

    def _time_limit(self) -> float:
        return self.limits.timeout_s + self._ocr_pages * self.limits.ocr_page_s

    def start(self) -> None:
        """Start the worker process now (it imports the parser while the caller does other work)."""
        if self._proc is None:
            self._proc = _Process(self.config)
            self._ready = False

    def handles(self) -> list[Connection]:
        assert self._proc is not None
        return [self._proc.conn]

    def submit(self, job: Job) -> None:
        self.start()
        assert self._proc is not None
        self.job, self._started, self._doc_id, self._rss_seen = job, time.monotonic(), "", 0.0
        # the worker's peak before this job: a peak it reached on an earlier document says nothing
        # of how it dies on this one
        self._peak_before = _proc_peak_mb(self._proc.pid) or 0.0
        self._ocr_pages = 0
        self._proc.send(job)

    def collect(self, now: float | None = None) -> Outcome | None:
        """The current job's outcome, or None while it is still working within its limits."""
        assert self.job is not None and self._proc is not None
        try:
            while self._proc.conn.poll():
                outcome = self._message(self._proc.conn.recv())
                if outcome is not None:
                    return outcome
        except (EOFError, OSError):
            return self._died()
        return self._check_limits(time.monotonic() if now is None else now)

    def run(self, job: Job) -> Outcome:
        """Blocking: one document within the limits (used on cluster workers)."""
        self.submit(job)
        while True:
            wait(self.handles(), timeout=min(SAMPLE_SECONDS, max(0.0, self.deadline - time.monotonic())))
            outcome = self.collect()
            if outcome is not None:
                return outcome

    def close(self) -> None:
        """Stop the worker (politely when idle, by force when busy); its job, if any, is dropped."""
        if self._proc is not None:
            if self.job is None:
                self._proc.stop()
            else:
                self._proc.reap(kill=True)
            self._proc = None
        self.job, self._ready = None, False

    # -------------------------------------------------------------------- internals

    def _message(self, message: object) -> Outcome | None:
        assert self.job is not None and self._proc is not None
        if message == READY:
            self._ready, self._start_failures, self._started = True, 0, time.monotonic()
            return None
        if message == OCR_PAGE:
            self._ocr_pages += 1
            return None
        if isinstance(message, Hashed):
            self._doc_id = message.doc_id
            if self.decide(self.job, message.doc_id):
                self._proc.send(True)
                return None
            self._proc.send(False)
            return self._finish(None, 0.0, None)
        assert isinstance(message, Reply), message
        outcome = self._finish(message.result, message.seconds, message.peak_rss_mb)
        limit = self.limits.recycle_rss_mb
        if message.result.document.error_kind == ErrorKind.MEMORY_LIMIT.value or (
                message.rss_mb is not None and message.rss_mb > limit):
            self._replace()  # recycled by memory (a worker that hit its limit may be in a bad state)
        return outcome

    def _finish(self, result: DocumentResult | None, seconds: float, peak: float | None) -> Outcome:
        assert self.job is not None and self._proc is not None
        pid = str(self._proc.pid)
        if peak is not None:
            self.peaks[pid] = max(peak, self.peaks.get(pid, 0.0))
        job, self.job = self.job, None
        doc_id = result.document.doc_id if result is not None else self._doc_id
        return Outcome(job, doc_id, result, seconds, pid, peak)

    def _check_limits(self, now: float) -> Outcome | None:
        assert self._proc is not None
        if not self._ready:
            return None
        limit = self.limits.max_memory_mb
        rss = None
        if now - self._sampled >= SAMPLE_SECONDS:
            self._sampled, rss = now, _proc_rss_mb(self._proc.pid)
            hwm = _proc_peak_mb(self._proc.pid) or 0.0  # its own peak, between samples too
            self._rss_seen = max(self._rss_seen, rss or 0.0, hwm if hwm > self._peak_before + 1 else 0.0)
        if limit and rss is not None and rss > limit:
            self._proc.reap(kill=True)
            return self._lost(f"parsing this document needed more than the memory limit of {limit} MB "
                              "and was stopped", ErrorKind.MEMORY_LIMIT)
        if now >= self.deadline:
            self._proc.reap(kill=True)
            return self._lost(f"parsing took longer than the time limit of {self._time_limit():g} s{self._ocr_words()} "
                              "and was stopped", ErrorKind.TIMEOUT)
        return None

    def _ocr_words(self) -> str:
        if not self._ocr_pages:
            return ""
        return (f" ({self.limits.timeout_s:g} s, and {self.limits.ocr_page_s:g} s for each page read by OCR: "
                f"{self._ocr_pages} so far)")

    def _died(self) -> Outcome | None:
        """The worker's end of the pipe closed: it died (before it was ready, or on this job)."""
        assert self._proc is not None and self.job is not None
        code = self._proc.reap()
        if not self._ready:
            self._start_failures += 1
            if self._start_failures >= 2:
                raise WorkerStartError(f"the worker processes stop before they are ready ({_exit_words(code)})"
                                       "; the messages above say why")
            job, self.job, self._proc = self.job, None, None
            self.submit(job)
            return None
        # the worker's lifetime peak counts only when this job raised it: not when the worker reached
        # it on an earlier document, nor when it is the parent's peak the worker inherited
        lifetime, before = self._proc.peak_mb or 0.0, max(self._peak_before, self._proc.inherited_mb)
        peak = max(self._rss_seen, lifetime if lifetime > before + 1 else 0.0)
        limit = self.limits.max_memory_mb
        if code is not None and code < 0 and limit and peak >= NEAR_LIMIT * limit:
            return self._lost(f"the parser process was killed ({_signal_name(-code)}) at {peak:.0f} MB, near the "
                              f"memory limit of {limit} MB, while reading this document", ErrorKind.MEMORY_LIMIT)
        return self._lost(crash_reason(code), ErrorKind.WORKER_CRASHED)

    def _lost(self, reason: str, kind: ErrorKind) -> Outcome:
        """The job's worker is gone (crashed or killed): a failed row that says why."""
        assert self.job is not None and self._proc is not None
        job = self.job
        result = failed_result(self._doc_id, job.source_path, job.fmt, kind, reason)
        outcome = self._finish(result, time.monotonic() - self._started, self._proc.peak_mb)
        self._proc = None
        return outcome

    def _replace(self) -> None:
        """Retire this worker and start its successor now, so it warms up while the parent works."""
        assert self._proc is not None
        old, self._proc = self._proc, None
        old.stop()
        self.start()


@dataclass
class LocalPool:
    """N sandboxes fed from one job stream; yields outcomes in completion order."""

    workers: int
    limits: Limits
    extract: str = DEFAULT_EXTRACT
    decide: Decide = _always
    peaks: dict[str, float] = field(default_factory=dict)  # worker pid -> peak resident memory (MB)
    sandboxes: list[Sandbox] = field(init=False)

    def __post_init__(self) -> None:
        self.sandboxes = [Sandbox(self.limits, self.extract, self._decide, self.peaks)
                          for _ in range(max(1, self.workers))]

    def _decide(self, job: Job, doc_id: str) -> bool:
        return self.decide(job, doc_id)

    def start(self, expected_jobs: int | None = None) -> LocalPool:
        """Start workers now (before the caller's heavy imports and planning): all of them, or only as
        many as `expected_jobs` when the caller knows there are fewer (a worker idle all run would only
        compete with the busy one for the cores); the rest start when a job is handed to them."""
        count = len(self.sandboxes) if expected_jobs is None else max(1, expected_jobs)
        for sb in self.sandboxes[:count]:
            sb.start()
        return self

    def run(self, jobs: Iterable[Job]) -> Iterator[Outcome]:
        """Outcomes in completion order.  The workers stay up for the next run unless this one is cut
        short (an error, Ctrl-C, the caller closing the generator): then they are stopped."""
        pending = iter(jobs)
        try:
            while True:
                self._fill(pending)
                busy = [sb for sb in self.sandboxes if sb.job is not None]
                if not busy:
                    return
                timeout = min(SAMPLE_SECONDS, max(0.0, min(sb.deadline for sb in busy) - time.monotonic()))
                wait([h for sb in busy for h in sb.handles()], timeout=timeout)
                now = time.monotonic()
                for sb in busy:
                    outcome = sb.collect(now)
                    if outcome is not None:
                        yield outcome
        except BaseException:
            self.close()
            raise

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
