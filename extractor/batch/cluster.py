"""Cluster mode: run the per-document function on Dask distributed workers.

Why Dask distributed and not Ray: our tasks are coarse (one document, a fraction
of a second to minutes), independent, with small results, so none of Ray's
machinery (actors, a shared-memory object store, a native raylet/GCS runtime) is
needed.  ``dask`` + ``distributed`` are pure Python: 25 MB installed (about 40 MB
with their dependencies), no native runtime; importing ``distributed`` takes
about 0.75 s and a ``LocalCluster`` of two worker processes is up 1.4 s later
(measured on the project's 2-core machine).  A real cluster is just
``dask scheduler`` on one host and ``dask worker tcp://HOST:8786`` on the
others, on any machine that can import this package.  Ray's wheel is several
times larger, ships its own native runtime (raylet, GCS, object store) and
takes seconds to start.

Semantics are those of a local run: every Dask worker thread keeps its own
`extractor.batch.sandbox.Sandbox`, a limited child process, so the time limit, the
memory limit and crash isolation are enforced exactly as locally, and the
output of a cluster run equals that of a local run.  Only this process (the
client) writes the dataset and the manifest; the workers must see the input
files at the same absolute paths (a shared filesystem).
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing as mp
import socket
import threading
import uuid
from collections.abc import Iterator, Sequence
from typing import Any

from extractor.batch.runner import RunError
from extractor.batch.sandbox import WORKER_CRASHED, Faults, Job, Limits, Outcome, Sandbox, WorkerStartError
from extractor.model import failed_result

CLUSTER_ERROR = "cluster_error"

_local = threading.local()
_sandboxes: list[Sandbox] = []
_sandboxes_lock = threading.Lock()


class ClusterError(RunError):
    """The cluster cannot be reached or went away during the run."""


# ---------------------------------------------------------------------------- worker side


def _allow_children() -> None:
    """Let this Dask worker process start a sandbox process.

    Dask starts its worker processes as daemons, and multiprocessing refuses to
    let a daemon start children, so that none is left orphaned.  A sandbox cannot
    be orphaned: it asks the kernel to kill it when its parent goes
    (PR_SET_PDEATHSIG) and exits when its pipe closes.
    """
    proc = mp.current_process()
    if proc.daemon:
        proc.daemon = False


def cluster_task(job: Job, limits: Limits, faults: Faults) -> Outcome:
    """Runs on a Dask worker: the document in this thread's sandbox, with the run's limits."""
    sandbox: Sandbox | None = getattr(_local, "sandbox", None)
    if sandbox is None or sandbox.limits != limits or sandbox.faults != faults:
        if sandbox is not None:
            sandbox.close()
        _allow_children()
        sandbox = Sandbox(limits, faults)
        _local.sandbox = sandbox
        with _sandboxes_lock:
            _sandboxes.append(sandbox)
    outcome = sandbox.run(job)
    outcome.worker = f"{socket.gethostname()}/{outcome.worker}"
    return outcome


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
    from distributed import Client, LocalCluster

    cluster = None
    try:
        if address == "local":
            cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                   dashboard_address=None, silence_logs=logging.ERROR)
            return Client(cluster), cluster
        return Client(address, timeout="20s"), None
    except (OSError, TimeoutError) as exc:
        if cluster is not None:
            cluster.close()
        raise ClusterError(f"cannot reach the Dask scheduler at {address}: {exc}") from exc


def _failure(job: Job, exc: BaseException) -> Outcome:
    from distributed import KilledWorker

    if isinstance(exc, KilledWorker):
        kind, reason = WORKER_CRASHED, "the cluster worker running this document died, also when retried"
    else:
        kind, reason = CLUSTER_ERROR, f"the cluster could not run this document: {type(exc).__name__}: {exc}"
    return Outcome(job, failed_result(job.doc_id, job.source_path, job.fmt, kind, reason), 0.0, "")


def run_on_cluster(jobs: Sequence[Job], address: str, workers: int, limits: Limits, faults: Faults,
                   peaks: dict[str, float]) -> Iterator[Outcome]:
    """Outcomes of `jobs` in completion order, computed on the cluster at `address` (or `local`)."""
    from distributed import as_completed

    client, cluster = _connect(address, workers)
    try:
        window = 2 * max(1, sum(client.nthreads().values()))
        pending = iter(jobs)
        by_key: dict[str, Job] = {}
        running = as_completed()

        def submit_next() -> None:
            job = next(pending, None)
            if job is not None:
                future = client.submit(cluster_task, job, limits, faults, key=f"pia-{uuid.uuid4().hex}",
                                       pure=False, retries=0)
                by_key[future.key] = job
                running.add(future)

        for _ in range(window):
            submit_next()
        for future in running:
            job = by_key.pop(future.key)
            outcome = _collect(future, job)
            if outcome.peak_rss_mb is not None:
                peaks[outcome.worker] = max(outcome.peak_rss_mb, peaks.get(outcome.worker, 0.0))
            yield outcome
            submit_next()
    finally:
        with contextlib.suppress(Exception):
            client.run(close_sandboxes)
        client.close()
        if cluster is not None:
            cluster.close()


def _collect(future: Any, job: Job) -> Outcome:
    from distributed.client import FutureCancelledError

    try:
        return future.result()
    except FutureCancelledError as exc:
        raise ClusterError(f"the cluster cancelled the work ({exc}); is the scheduler still running?") from exc
    except WorkerStartError as exc:
        raise ClusterError(f"on the cluster workers, {exc}") from exc
    except Exception as exc:
        return _failure(job, exc)
    finally:
        future.release()
