"""Cluster mode on a Dask LocalCluster of 2 processes writes exactly what a local run writes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from extractor.batch.runner import run_batch
from extractor.batch.sandbox import Limits
from pia_fixtures.hostile import make_bad_inputs
from tests.test_batch_support import make_docs, options, read_sorted

pytest.importorskip("distributed")


def test_cluster_run_equals_local_run(tmp_path: Path) -> None:
    docs = make_docs(tmp_path / "in", 8)
    shutil.copy(docs[0], tmp_path / "in" / "rows-duplicate.pdf")
    shutil.copy(docs[5], tmp_path / "in" / "rows-late-copy.pdf")  # in another task than its original
    make_docs(tmp_path / "in", 1, prefix="crash-")
    make_docs(tmp_path / "in", 1, prefix="hang-")
    make_bad_inputs(tmp_path / "in", ("zero_byte", "encrypted", "truncated"))
    # only the hang may reach the limit: the real parses here (truncated, encrypted) take well under a
    # second even on a busy machine, so they get ten times that before a timeout could change their row
    limits = Limits(timeout_s=10, max_memory_mb=1024)

    local = run_batch([tmp_path / "in"], options(tmp_path / "local", limits=limits, part_docs=4))
    cluster = run_batch([tmp_path / "in"], options(tmp_path / "cluster", limits=limits, cluster="local",
                                                   task_docs=4))

    assert read_sorted(tmp_path / "cluster") == read_sorted(tmp_path / "local")
    assert cluster.statuses == local.statuses and cluster.failures == local.failures
    assert cluster.failures["timeout"] == 1 and cluster.failures["worker_crashed"] == 1
    assert cluster.actions["duplicate"] == 2
    assert cluster.worker_peak_rss_mb and all("/" in w for w in cluster.worker_peak_rss_mb)  # host/pid: Dask ran it
