"""A parser process: reads, hashes and parses documents for its parent (`extractor.batch.sandbox`).

Started as ``python -c "...worker import main; main(sys.argv)" FD PARENT_PID`` (a fresh interpreter, not a
`multiprocessing` child: nothing of the parent's ``__main__``, so no CLI, pyarrow, typer or rich
is imported here; only the parser).  It talks to its parent over the socket ``FD``:

    parent -> worker   WorkerConfig, then Job ...; None ends it
    worker -> parent   "ready"; per job: Hashed(doc_id, size), then (if the parent answers True)
                       "ocr-page" before each page read by OCR (the time limit grows per page),
                       and Reply(result, ...); if the parent answers False the job ends there

The parent decides after the hash whether the bytes need parsing (already done, or a duplicate
in this run), so identical bytes are parsed once and no input is hashed twice.

The per-document function is a ``module:function`` reference (`WorkerConfig.extract`, by
default `extractor.pipeline.extract_bytes`) imported here, so a caller can put another
function in its place without any hook in this package.
"""

from __future__ import annotations

import contextlib
import errno
import gc
import hashlib
import importlib
import os
import signal
import stat
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from extractor.errors import ErrorKind
from extractor.model import DEFAULT_OPTIONS, DocumentResult, ExtractOptions, failed_result
from extractor.read import scanned

DEFAULT_EXTRACT = "extractor.pipeline:extract_bytes"
READY = "ready"
OCR_PAGE = "ocr-page"  # a page of the current job is about to be read by OCR
ExtractFn = Callable[[bytes, str, ExtractOptions], DocumentResult]

_MEMORY_WORDS = ("MemoryError", "out of memory", "malloc", "calloc", "realloc")
_CORRUPT_WORDS = ("RecursionError", "FzErrorFormat", "FzErrorSyntax", "cycle in page tree", "recursion")


@dataclass(frozen=True)
class WorkerConfig:
    """The first message a worker receives."""

    extract: str = DEFAULT_EXTRACT   # module:function taking (bytes, source_path, options)
    max_memory_mb: int | None = None  # address-space limit of the worker
    sys_path: tuple[str, ...] = ()    # the parent's import path, so `extract` imports as it does there


@dataclass(frozen=True)
class Job:
    """One input: where to read it (as given) and how to report it."""

    path: str          # the path as the OS gave it (undecodable bytes as surrogates)
    source_path: str   # the path as reported (escaped, see `extractor.batch.inputs.escape_path`)
    fmt: str = "pdf"   # a guess from the name, for failed rows before the bytes are read
    options: ExtractOptions = DEFAULT_OPTIONS
    ask: bool = True   # send Hashed and wait for the parent's answer before parsing
    size: int = -1     # the file's size and mtime when the run listed it (recorded with the part)
    mtime_ns: int = -1


@dataclass(frozen=True)
class Hashed:
    doc_id: str
    size: int


@dataclass(frozen=True)
class Reply:
    result: DocumentResult
    seconds: float
    peak_rss_mb: float | None
    rss_mb: float | None


# ------------------------------------------------------------------------------ reading


class _Unread(Exception):
    def __init__(self, kind: ErrorKind, reason: str) -> None:
        super().__init__(reason)
        self.kind = kind


def read_regular_file(path: str, max_bytes: int | None) -> bytes:
    """The bytes of a regular file; never blocks on a FIFO or a device (they are refused unread)."""
    try:
        fd = os.open(os.fsencode(path), os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        kind = ErrorKind.NOT_A_FILE if exc.errno == errno.ELOOP else ErrorKind.UNREADABLE  # a link loop
        raise _Unread(kind, f"the file could not be opened: {exc.strerror or exc}") from exc
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise _Unread(ErrorKind.NOT_A_FILE, "not a regular file (a FIFO, device or socket); it was not read")
        if max_bytes is not None and info.st_size > max_bytes:
            raise _Unread(ErrorKind.MEMORY_LIMIT, f"the file ({info.st_size >> 20} MB) is larger than the "
                                                  "memory limit allows; it was not read")
        with os.fdopen(fd, "rb", closefd=False) as fh:
            return fh.read()
    except OSError as exc:
        raise _Unread(ErrorKind.UNREADABLE, f"the file could not be read: {exc.strerror or exc}") from exc
    finally:
        os.close(fd)


# ------------------------------------------------------------------------------ classification


def memory_failed(job: Job, doc_id: str, max_memory_mb: int | None) -> DocumentResult:
    limit = f"the memory limit of {max_memory_mb} MB" if max_memory_mb else "the available memory"
    return failed_result(doc_id, job.source_path, job.fmt, ErrorKind.MEMORY_LIMIT,
                         f"parsing this document needed more than {limit} and was stopped")


def classify(result: DocumentResult, job: Job, max_memory_mb: int | None) -> DocumentResult:
    """Name the parser's `internal_error`s that are really the input's doing (memory, damaged PDF)."""
    doc = result.document
    if doc.error_kind != ErrorKind.INTERNAL_ERROR.value:
        return result
    said = " ".join(doc.warnings)
    if any(w in said for w in _MEMORY_WORDS):
        return memory_failed(job, doc.doc_id, max_memory_mb)
    if any(w in said for w in _CORRUPT_WORDS):
        doc.error_kind = ErrorKind.CORRUPT.value
        doc.warnings = [f"the PDF is damaged ({said.removeprefix('internal error while parsing: ')})"]
    return result


# ------------------------------------------------------------------------------ the loop


def rss_mb() -> float | None:
    """This process's resident memory now (MB), from /proc; None where there is no /proc."""
    try:
        with open("/proc/self/statm", "rb") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / (1 << 20)
    except (OSError, ValueError, IndexError):
        return None


def peak_rss_mb() -> float | None:
    try:
        import resource
    except ImportError:
        return None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024 / (1024 if sys.platform == "darwin" else 1)


def _extract_fn(ref: str) -> ExtractFn:
    module, _, name = ref.partition(":")
    fn: ExtractFn = getattr(importlib.import_module(module), name)
    return fn


def handle(conn: Connection, job: Job, extract: ExtractFn, max_memory_mb: int | None) -> None:
    """One job: read, hash, ask the parent, parse, reply."""
    started = time.perf_counter()
    doc_id = ""
    try:
        data = read_regular_file(job.path, (max_memory_mb << 20) // 2 if max_memory_mb else None)
        doc_id = hashlib.sha256(data).hexdigest()
        if job.ask:
            conn.send(Hashed(doc_id, len(data)))
            if not conn.recv():
                return
        result = classify(extract(data, job.source_path, job.options), job, max_memory_mb)
    except _Unread as exc:
        result = failed_result(doc_id, job.source_path, job.fmt, exc.kind, str(exc))
    except MemoryError:
        result = memory_failed(job, doc_id, max_memory_mb)
    result.document.doc_id = doc_id
    conn.send(Reply(result, time.perf_counter() - started, peak_rss_mb(), rss_mb()))


def _die_with_parent(parent_pid: int) -> None:
    """Ask Linux to SIGKILL this worker when its parent dies (kill -9 of the run leaves no orphans)."""
    if sys.platform.startswith("linux"):
        import ctypes

        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != parent_pid:  # the parent died before the request took effect
        os._exit(0)


def address_limit_mb(max_memory_mb: int) -> int:
    """RLIMIT_AS for a resident-memory limit: address space runs well above resident memory (arenas,
    thread stacks, mapped libraries), so this only stops runaway allocations; the parent enforces
    the resident limit itself."""
    return 2 * max_memory_mb + 512


def _apply_memory_limit(max_memory_mb: int | None) -> None:
    if not max_memory_mb:
        return
    import resource

    limit = address_limit_mb(max_memory_mb) << 20
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _quiet_mupdf() -> None:
    """MuPDF's own messages on stderr would tear the parent's progress display; warnings carry them."""
    with contextlib.suppress(Exception):
        import pymupdf

        pymupdf.TOOLS.mupdf_display_errors(False)
        pymupdf.TOOLS.mupdf_display_warnings(False)


def serve(conn: Connection) -> None:
    """Receive the config, import the parser, say READY, then take jobs until None or EOF."""
    config: WorkerConfig = conn.recv()
    sys.path[:0] = [p for p in config.sys_path if p not in sys.path]
    gc.disable()  # the imports make no garbage worth collecting: no collections while they allocate
    extract = _extract_fn(config.extract)
    gc.freeze()  # the modules stay for the worker's life: later collections need not walk them
    gc.enable()
    scanned.on_ocr_page(lambda _number: conn.send(OCR_PAGE))
    _quiet_mupdf()
    _apply_memory_limit(config.max_memory_mb)
    conn.send(READY)
    while True:
        try:
            job: Any = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        handle(conn, job, extract, config.max_memory_mb)


def main(argv: list[str]) -> None:
    fd, parent_pid = int(argv[1]), int(argv[2])
    _die_with_parent(parent_pid)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    conn = Connection(fd)
    try:
        serve(conn)
    except (EOFError, BrokenPipeError, ConnectionResetError):
        pass  # the parent went away
    # Every result is sent and nothing is buffered: skip the interpreter's teardown of MuPDF and
    # every module, which the parent would otherwise wait for at the end of each run.
    os._exit(0)

