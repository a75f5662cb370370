"""Inputs of a run: paths as given, walked lazily, every one accounted for.

- Directories are walked depth-first in sorted order as the run goes (nothing is listed or hashed
  up front: the first document is parsed while the walk goes on).  Under a directory, files with
  an input suffix (``INPUT_SUFFIXES``) are taken; dot-files, dot-directories and README files
  are left out; other files are counted as skipped.  Symlinked directories are followed once
  (a loop is not walked twice).
- Only regular files are read.  An input-named entry that is a FIFO, device, socket, dangling
  link or link loop becomes an `Input` with ``error_kind`` ``not_a_file`` (it is never opened);
  a path that does not exist becomes one with ``unreadable``.  A path named explicitly is always
  an input, whatever its suffix.
- Paths are kept as the OS gives them, also when they are not valid UTF-8 (Python's
  ``surrogateescape``); the reported ``source_path`` is `escape_path` of it, reversible with
  `unescape_path`.
"""

from __future__ import annotations

import os
import re
import stat
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from extractor.errors import ErrorKind

_NEEDS_ESCAPE = re.compile("[\\\\\udc80-\udcff]")
INPUT_SUFFIXES = frozenset({".pdf", ".txt", ".md", ".markdown", ".html", ".htm"})


def escape_path(path: str) -> str:
    """The reported form of a path: UTF-8 text; each byte that is not UTF-8 as ``\\xNN``, a backslash as ``\\\\``."""
    if _NEEDS_ESCAPE.search(path) is None:
        return path
    out = []
    for ch in path:
        if ch == "\\":
            out.append("\\\\")
        elif "\udc80" <= ch <= "\udcff":
            out.append(f"\\x{ord(ch) - 0xDC00:02x}")
        else:
            out.append(ch)
    return "".join(out)


def unescape_path(reported: str) -> bytes:
    """The path's bytes from its reported form (the inverse of `escape_path`)."""
    out = bytearray()
    i = 0
    while i < len(reported):
        ch = reported[i]
        if ch == "\\" and reported[i + 1:i + 2] == "\\":
            out += b"\\"
            i += 2
        elif ch == "\\" and reported[i + 1:i + 2] == "x":
            out.append(int(reported[i + 2:i + 4], 16))
            i += 4
        else:
            out += ch.encode("utf-8")
            i += 1
    return bytes(out)


def guess_format(path: str) -> str:
    return "pdf" if path.lower().endswith(".pdf") else "text"


@dataclass(frozen=True)
class Input:
    """One input path: a regular file to read, or a reason it will not be read."""

    path: str                  # as the OS gives it (surrogates for undecodable bytes)
    size: int = 0
    mtime_ns: int = 0
    error_kind: ErrorKind | None = None
    reason: str = ""

    @cached_property
    def source_path(self) -> str:
        return escape_path(self.path)


@dataclass
class Discovery:
    """Walks the inputs; counts what it leaves out, so an empty result can say why."""

    roots: Sequence[Path]
    skipped: Counter[str] = field(default_factory=Counter)  # suffix (or "(none)") -> files left out
    found: int = 0
    done: bool = False
    _visited: set[tuple[int, int]] = field(default_factory=set)  # folders walked (device, inode)

    def __iter__(self) -> Iterator[Input]:
        seen: set[str] | None = set() if len(self.roots) > 1 else None  # overlapping roots
        for root in self.roots:
            for item in self._root(str(root)):
                if seen is not None:
                    key = os.path.abspath(item.path)
                    if key in seen:
                        continue
                    seen.add(key)
                self.found += 1
                yield item
        self.done = True

    def _root(self, root: str) -> Iterator[Input]:
        try:
            info = os.stat(root)
        except OSError as exc:
            yield _unstattable(root, exc)
            return
        if stat.S_ISDIR(info.st_mode):
            yield from self._walk(root, (info.st_dev, info.st_ino))
        else:
            yield _classify(root, info)

    def _walk(self, folder: str, key: tuple[int, int]) -> Iterator[Input]:
        if key in self._visited:
            return
        self._visited.add(key)
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            yield Input(folder, error_kind=ErrorKind.UNREADABLE,
                        reason=f"the folder could not be listed: {exc.strerror or exc}")
            return
        for entry in entries:
            if entry.name.startswith("."):
                continue
            yield from self._entry(entry)

    def _entry(self, entry: os.DirEntry[str]) -> Iterator[Input]:
        try:
            info = os.stat(entry.path)
        except OSError as exc:
            if _wanted(entry.name):
                yield _unstattable(entry.path, exc)
            return
        if stat.S_ISDIR(info.st_mode):
            yield from self._walk(entry.path, (info.st_dev, info.st_ino))
        elif _wanted(entry.name):
            yield _classify(entry.path, info)
        elif stat.S_ISREG(info.st_mode):
            self.skipped[os.path.splitext(entry.name)[1].lower() or "(none)"] += 1


def _wanted(name: str) -> bool:
    stem, suffix = os.path.splitext(name)
    return suffix.lower() in INPUT_SUFFIXES and stem.upper() != "README"


def _classify(path: str, info: os.stat_result) -> Input:
    if stat.S_ISREG(info.st_mode):
        return Input(path, info.st_size, info.st_mtime_ns)
    return Input(path, error_kind=ErrorKind.NOT_A_FILE,
                 reason="not a regular file (a FIFO, device, socket or folder); it was not read")


def _unstattable(path: str, exc: OSError) -> Input:
    if os.path.islink(path):  # the link exists, its target does not (or it loops)
        return Input(path, error_kind=ErrorKind.NOT_A_FILE,
                     reason=f"a symbolic link that leads nowhere ({exc.strerror or exc}); it was not read")
    if isinstance(exc, FileNotFoundError):
        return Input(path, error_kind=ErrorKind.UNREADABLE, reason="the path does not exist")
    return Input(path, error_kind=ErrorKind.UNREADABLE, reason=f"the path could not be read: {exc.strerror or exc}")
