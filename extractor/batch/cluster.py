"""Cluster mode: tasks of many documents on Dask distributed workers, each writing its own part.

Why Dask distributed and not Ray: our tasks are coarse, independent, with small results, so
none of Ray's machinery (actors, a shared-memory object store, a native runtime) is needed.
``dask`` + ``distributed`` are pure Python (about 40 MB with their dependencies); a real
cluster is ``dask scheduler`` on one host and ``dask worker tcp://HOST:8786`` on the others,
on machines that can import this package and see the inputs and ``OUT`` at the same paths.

Division of work, so that the client is not the bottleneck:

- the client walks the inputs as it goes and sends tasks of ``task_docs`` paths (no up-front
  listing or hashing of the archive);
- a task runs on a Dask worker: each document in that worker thread's
  `extractor.batch.sandbox.Sandbox` (a limited child process that reads, hashes and parses:
  the time limit, the memory limit and crash isolation are those of a local run), then the
  Dask worker stages the rows of every table but ``documents`` as one part under
  ``OUT/_staging/`` and returns only small records: each document's ``documents`` row and
  row counts;
- the client decides which documents are new (bytes seen before in this run or done in an
  earlier one are not committed twice), writes the part's ``documents`` file beside the staged
  ones and commits the part (`extractor.batch.runner.Committer.commit_staged`), one manifest
  transaction per task.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import socket
import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from extractor.batch.dataset import discard_staged, new_part_id, part_metadata, stage_part
from extractor.batch.manifest import doc_key
from extractor.batch.sandbox import Limits, Outcome, Sandbox, WorkerStartError
from extractor.batch.worker import Job
from extractor.errors import ErrorKind, RunError
from extractor.model import DocumentResult, failed_result
from extractor.tables.schema import results_to_tables

T = TypeVar("T")
R = TypeVar("R")
_local = threading.local()
_sandboxes: list[Sandbox] = []
_sandboxes_lock = threading.Lock()


class ClusterError(RunError):
    """The cluster cannot be reached or went away during the run."""


@dataclass
class StagedTask:
    """A finished task: its part (tables but documents, staged) and one light outcome per job."""

    part_id: str
    files: dict[str, tuple[int, int]]
    outcomes: list[Outcome]   # result.document only; rows counted in Outcome.rows


# ---------------------------------------------------------------------------- worker side


def _sandbox(limits: Limits, extract_fn: str) -> Sandbox:
    sandbox: Sandbox | None = getattr(_local, "sandbox", None)
    if sandbox is None or sandbox.limits != limits or sandbox.config.extract != extract_fn:
        if sandbox is not None:
            sandbox.close()
        sandbox = Sandbox(limits, extract_fn)
        _local.sandbox = sandbox
        with _sandboxes_lock:
            _sandboxes.append(sandbox)
    return sandbox


def _light(outcome: Outcome, host: str) -> Outcome:
    result = outcome.result
    rows = result.row_counts() if result is not None else {}
    light = DocumentResult(document=result.document) if result is not None else None
    return Outcome(outcome.job, outcome.doc_id, light, outcome.seconds, f"{host}/{outcome.worker}",
                   outcome.peak_rss_mb, rows)


def cluster_task(jobs: list[Job], limits: Limits, extract_fn: str, out_dir: str, part_id: str) -> StagedTask:
    """Runs on a Dask worker: parse the jobs in this thread's sandbox and stage their rows as a part."""
    sandbox = _sandbox(limits, extract_fn)
    seen: set[str] = set()

    def first_time(_job: Job, doc_id: str) -> bool:  # bytes met twice in one task are parsed once
        fresh = doc_id not in seen
        seen.add(doc_id)
        return fresh

    sandbox.decide = first_time
    outcomes = [sandbox.run(job) for job in jobs]
    results = [o.result for o in outcomes if o.result is not None]
    stats = {job.source_path: (job.size, job.mtime_ns) for job in jobs}
    keys = {doc_key(r.document.doc_id, r.document.source_path) for r in results}
    files = stage_part(Path(out_dir), part_id, results_to_tables(results), part_metadata(stats, keys))
    host = socket.gethostname()
    return StagedTask(part_id, files, [_light(o, host) for o in outcomes])


def close_sandboxes() -> int:
    """Stop this Dask worker's idle sandboxes (run at the end of a run through `Client.run`)."""
    with _sandboxes_lock:
        stopped = 0
        for sandbox in _sandboxes:
            if sandbox.job is None:
                sandbox.close()
                stopped += 1
        return stopped


# ---------------------------------------------------------------------------- client side


def _connect(address: str, workers: int) -> tuple[Any, Any]:
    import distributed

    dist: Any = distributed  # not typed
    Client, LocalCluster = dist.Client, dist.LocalCluster

    cluster = None
    try:
        if address == "local":
            cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                   dashboard_address=":0", silence_logs=logging.ERROR)  # any free port
            return Client(cluster), cluster
        return Client(address, timeout="20s"), None
    except (OSError, TimeoutError) as exc:
        if cluster is not None:
            cluster.close()
        raise ClusterError(f"cannot reach the Dask scheduler at {address}: {exc}") from exc


def _failed_task(jobs: list[Job], part_id: str, exc: BaseException) -> StagedTask:
    from distributed import KilledWorker

    if isinstance(exc, KilledWorker):
        kind, reason = ErrorKind.WORKER_CRASHED, "the cluster worker running this document died, also when retried"
    else:
        kind, reason = ErrorKind.CLUSTER_ERROR, f"the cluster could not run this document: {type(exc).__name__}: {exc}"
    outcomes = [Outcome(job, "", failed_result("", job.source_path, job.fmt, kind, reason)) for job in jobs]
    return StagedTask(part_id, {}, outcomes)


class ClusterSession:
    """A connection to a Dask cluster for one run: its documents, then its compaction."""

    def __init__(self, address: str, workers: int) -> None:
        self.client, self.cluster = _connect(address, workers)

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.client.run(close_sandboxes)
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()

    def run(self, jobs: Iterator[Job], limits: Limits, extract_fn: str, out_dir: Path, task_docs: int,
            peaks: dict[str, float]) -> Iterator[StagedTask]:
        """Finished tasks in completion order; at most two tasks per worker thread in flight."""
        import distributed

        as_completed: Any = distributed.as_completed  # not typed
        tasks = iter(lambda: list(itertools.islice(jobs, task_docs)), [])
        submitted: dict[str, tuple[list[Job], str]] = {}
        running = as_completed()

        def submit_next() -> None:
            chunk = next(tasks, None)
            if chunk:
                part_id = new_part_id()
                future = self.client.submit(cluster_task, chunk, limits, extract_fn, str(out_dir.resolve()),
                                            part_id, key=f"pia-{uuid.uuid4().hex}", pure=False, retries=1)
                submitted[future.key] = (chunk, part_id)
                running.add(future)

        try:
            for _ in range(2 * max(1, sum(self.client.nthreads().values()))):
                submit_next()
            for future in running:
                chunk, part_id = submitted.pop(future.key)
                task = _collect(future, chunk, part_id, out_dir)
                for o in task.outcomes:
                    if o.peak_rss_mb is not None:
                        peaks[o.worker] = max(o.peak_rss_mb, peaks.get(o.worker, 0.0))
                submit_next()
                yield task
        finally:
            for _chunk, part_id in submitted.values():
                discard_staged(out_dir, part_id)

    def map(self, fn: Callable[[T], R], items: list[T]) -> Iterator[R]:
        """`fn` over `items` as cluster tasks; results in completion order (compaction merges)."""
        import distributed

        as_completed: Any = distributed.as_completed
        futures = self.client.map(fn, items, pure=False)
        for future in as_completed(futures):
            yield future.result()


def _collect(future: Any, jobs: list[Job], part_id: str, out_dir: Path) -> StagedTask:
    from distributed.client import FutureCancelledError

    try:
        task: StagedTask = future.result()
        return task
    except FutureCancelledError as exc:
        raise ClusterError(f"the cluster cancelled the work ({exc}); is the scheduler still running?") from exc
    except WorkerStartError as exc:
        raise ClusterError(f"on the cluster workers, {exc}") from exc
    except Exception as exc:
        discard_staged(out_dir, part_id)
        return _failed_task(jobs, part_id, exc)
    finally:
        future.release()
