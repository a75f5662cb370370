"""Misbehaving per-document functions, injected into the batch workers as ``tests.faults:extract``.

A document whose file name contains one of these markers makes the worker misbehave:
``hang-`` (sleep forever), ``crash-`` (``os._exit(11)``), ``segv-`` (SIGSEGV), ``oom-`` (allocate
and touch memory until the parent stops it), ``bigalloc-`` (one allocation the address-space
limit refuses: MemoryError), ``oomkill-`` (touch 420 MB, hold it a second, then die of SIGKILL as
the kernel's OOM killer would do it), ``slow-`` (sleep 0.2 s first; combines with the others) and ``rows-``
(a synthetic ``ok`` result with rows in every table, so the batch bookkeeping is tested
whatever state the parser is in).  Anything else goes to the real parser.

Only the parser's modules are imported here: the workers must not load pyarrow.
"""

from __future__ import annotations

import hashlib
import os
import signal
import time

from extractor.model import (
    PARSER_VERSION,
    DocumentResult,
    DocumentRow,
    EntrustmentRow,
    ExtractOptions,
    FileRow,
    RecipientRow,
    RiskRow,
    SystemRow,
)
from extractor.pipeline import extract_bytes

EXTRACT = "tests.faults:extract"


def synthetic_result(doc_id: str, source_path: str) -> DocumentResult:
    """A deterministic `ok` result with rows in every table."""
    seed = int(doc_id[:6], 16)
    doc = DocumentRow(doc_id=doc_id, source_path=source_path, form_type="full", n_pages=1 + seed % 7,
                      title=f"評価書 {seed}", organization="テスト市長", parser_version=PARSER_VERSION)
    n = 1 + seed % 3
    return DocumentResult(
        document=doc,
        systems=[SystemRow(doc_id, i, name=f"システム{i}", conn_tax=bool(i % 2)) for i in range(1, n + 1)],
        files=[FileRow(doc_id, i, name=f"ファイル{i}", main_items=["氏名", "住所"]) for i in range(1, n + 1)],
        entrustments=[EntrustmentRow(doc_id, 1, i, contractor=f"委託先{i}") for i in range(1, n + 1)],
        recipients=[RecipientRow(doc_id, 1, "provision", i, recipient=f"提供先{i}") for i in range(1, n + 1)],
        risk_ratings=[RiskRow(doc_id, 1, "III", 2, "入手", i, "リスク", f"設問{i}", "十分である", 2)
                      for i in range(1, n + 1)],
    )


def _touch(megabytes: int) -> list[bytearray]:
    blocks = []
    for _ in range(megabytes // 16):
        blocks.append(bytearray(16 << 20))  # zero-filled: resident
    return blocks


def _misbehave(name: str) -> None:
    if "hang-" in name:
        while True:
            time.sleep(3600)
    if "crash-" in name:
        os._exit(11)
    if "segv-" in name:
        os.kill(os.getpid(), signal.SIGSEGV)
    if "bigalloc-" in name:
        bytearray(1 << 42)
    if "oomkill-" in name:  # the kernel kills a process that has held its memory a while
        held = _touch(420)
        time.sleep(1.0)
        os.kill(os.getpid(), signal.SIGKILL)
        del held
    if "oom-" in name:
        held = []
        while True:
            held.append(_touch(64))


def extract(data: bytes, source_path: str, options: ExtractOptions) -> DocumentResult:
    name = os.path.basename(source_path)
    if "slow-" in name:
        time.sleep(0.2)
    _misbehave(name)
    if "rows-" in name:
        return synthetic_result(hashlib.sha256(data).hexdigest(), source_path)
    return extract_bytes(data, source_path, options)


HEAVY = ("pyarrow", "typer", "rich", "click", "dask", "distributed", "pandas", "numpy")


def extract_and_list_heavy_modules(data: bytes, source_path: str, options: ExtractOptions) -> DocumentResult:
    """The real parser, then a warning naming the heavy modules this worker has loaded (none, we hope)."""
    import sys

    result = extract_bytes(data, source_path, options)
    loaded = sorted({name.partition(".")[0] for name in sys.modules} & set(HEAVY))
    result.warn("heavy modules loaded: " + (", ".join(loaded) or "none"))
    return result


_held: list[bytearray] = []


def extract_and_keep_memory(data: bytes, source_path: str, options: ExtractOptions) -> DocumentResult:
    """A synthetic result from a worker that keeps 200 MB more after every document (a leak)."""
    _held.append(bytearray(200 << 20))
    return synthetic_result(hashlib.sha256(data).hexdigest(), source_path)
