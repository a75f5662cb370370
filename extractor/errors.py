"""Errors and exit codes, listed once.

- `ExitCode`: what `pia-extract` returns (documented in the README).
- `ErrorKind`: the machine-readable `documents.error_kind` of a failed document.
- `ExtractorError`: the base of every exception the package raises on purpose; it carries
  the error kind (for a document) or the exit code (for a run) that the CLI maps it to.
"""

from __future__ import annotations

from enum import Enum, IntEnum


class ExitCode(IntEnum):
    OK = 0  # every document ok or partial
    DOCUMENTS_FAILED = 1  # the run finished, some documents failed (or nothing readable was given)
    USAGE = 2  # bad option or argument
    RUN_ERROR = 3  # the run could not proceed: output locked or not writable, disk full, cluster unreachable
    INTERRUPTED = 130  # Ctrl-C / SIGTERM: what was parsed is saved, the same command resumes


class ErrorKind(str, Enum):
    """Why a document failed (`documents.error_kind`); the README lists them with their meaning."""

    EMPTY = "empty"  # 0 bytes of content
    NOT_PDF = "not_pdf"  # neither a PDF nor readable text
    NOT_TEXT = "not_text"  # text in an encoding other than UTF-8 / Shift_JIS
    NOT_A_FILE = "not_a_file"  # a FIFO, device, socket, dangling link or link loop: never opened
    UNREADABLE = "unreadable"  # the file could not be read (permissions, I/O error, vanished)
    CHANGED_DURING_RUN = "changed_during_run"  # the file's bytes changed between listing and parsing
    CORRUPT = "corrupt"  # a damaged PDF: unopenable, no pages, page-tree cycles, recursive objects
    ENCRYPTED = "encrypted"  # password-protected
    HUGE_PAGE = "huge_page"  # a page implausibly large (a decompression or drawing bomb)
    TOO_MANY_PAGES = "too_many_pages"  # more pages than the limit
    NO_TEXT = "no_text"  # image-only pages and OCR turned off (--ocr never)
    OCR_UNAVAILABLE = "ocr_unavailable"  # image-only pages and Tesseract (with its Japanese model) not installed
    UNKNOWN_FORM = "unknown_form"  # not a recognised 特定個人情報保護評価書 or 概要
    TIMEOUT = "timeout"  # over the per-document time limit (the worker was killed)
    MEMORY_LIMIT = "memory_limit"  # over the per-document memory limit
    WORKER_CRASHED = "worker_crashed"  # the parser process died (a native crash)
    CLUSTER_ERROR = "cluster_error"  # the cluster could not run the document
    INTERNAL_ERROR = "internal_error"  # a bug in the extractor: please report it with the file


class ExtractorError(Exception):
    """Base of the package's deliberate errors."""

    exit_code: ExitCode = ExitCode.RUN_ERROR


class InputError(ExtractorError):
    """A document that cannot be read at all; `kind` says why in one machine-readable word."""

    def __init__(self, kind: ErrorKind | str, message: str) -> None:
        super().__init__(message)
        self.kind = ErrorKind(kind)


class SpecError(ExtractorError, ValueError):
    """A layout file that does not follow the spec format (names the file and line)."""


class RunError(ExtractorError):
    """The run cannot proceed (output locked or not writable, disk full, workers that cannot start)."""
