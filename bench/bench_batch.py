"""Benchmark of `pia-extract run` on a generated archive (not run in CI).

Builds an archive of >= 2,000 documents: byte-distinct variants of a few real-looking
PDFs (samples/*.pdf, else PDFs rendered by pia_fixtures.synth, else small text PDFs)
plus every hostile input kind of `pia_fixtures.hostile`; runs the real CLI with 1
and with 2 workers, then once more with 2 workers over the finished output
(everything skipped: the cost of a resume), and reports

- documents/s and pages/s of each run, and the 2-worker / 1-worker speed ratio;
- peak resident memory of each worker (as reported by the workers, from
  --log-json) and of the parent process (polled);
- failures by kind;
- CPU seconds of the run's process tree per wall second (about the number of
  workers when nothing else competes for the cores) and the load average before
  the run, to tell scaling limits from a busy machine.

    python bench/bench_batch.py [--docs 2000] [--timeout 20] [--keep DIR]

Writes bench/results/bench_batch-<time>.json and prints a short table.

    python bench/bench_batch.py --cluster-docs 20000 [--task-docs 100]

measures instead what the *client* of a cluster run costs per document: a Dask scheduler and
2 single-threaded Dask workers run as their own processes on this machine (as on a real
cluster, where neither shares the client's process), the workers run documents whose per-document
function returns a synthetic result with rows in every table (`tests.faults:extract`, so the
workers are cheap and the client is what is measured), and the client's own CPU time (all
its threads: planning, Dask, commits; and, separately, the final compaction) is divided by
the number of documents.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pia_fixtures.hostile import BAD_INPUTS, make_bad_inputs, text_pdf_bytes, vary  # noqa: E402

RESULTS = ROOT / "bench" / "results"


def base_pdfs(scratch: Path) -> list[bytes]:
    """A few real-looking PDFs to copy: the samples, else synth renderings, else small text PDFs."""
    samples = sorted((ROOT / "samples").glob("*.pdf"))
    if samples:
        return [p.read_bytes() for p in samples]
    try:
        from pia_fixtures.synth import random_assessment, render_pdf
    except ImportError:
        return [text_pdf_bytes(pages=n) for n in (1, 3, 8)]
    out = []
    for seed, form in ((1, "full"), (2, "focused"), (3, "full")):
        path = scratch / f"synth-{seed}.pdf"
        render_pdf(random_assessment(seed, form), path)
        out.append(path.read_bytes())
    return out


def build_archive(folder: Path, n_docs: int) -> dict[str, int]:
    """`n_docs` byte-distinct documents in nested folders, about 1% of them hostile."""
    folder.mkdir(parents=True, exist_ok=True)
    bad_dir = folder / "bad"
    kinds: Counter[str] = Counter()
    kinds.update(make_bad_inputs(bad_dir).keys())  # one of each hostile kind ...
    cheap = [k for k in BAD_INPUTS if k not in ("bomb", "many_pages")]
    for i in range(max(0, n_docs // 100 - len(BAD_INPUTS))):  # ... and byte-distinct copies of the cheap ones
        kind = cheap[i % len(cheap)]
        data = (bad_dir / f"{kind}.pdf").read_bytes()
        (bad_dir / f"{kind}-{i}.pdf").write_bytes(vary(data, i) if data else bytes([i % 256]))
        kinds[kind] += 1
    bases = base_pdfs(folder)
    n_good = n_docs - sum(kinds.values())
    for i in range(n_good):
        sub = folder / f"batch{i // 500:03d}"
        sub.mkdir(exist_ok=True)
        (sub / f"doc{i:05d}.pdf").write_bytes(vary(bases[i % len(bases)], i))
    return {"documents": n_docs, "good": n_good, "bases": len(bases), **{f"bad_{k}": v for k, v in kinds.items()}}


class RssPoller(threading.Thread):
    """Peak resident memory of one process, polled every 0.2 s."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak_mb, self._done = pid, 0.0, threading.Event()

    def run(self) -> None:
        import psutil

        try:
            proc = psutil.Process(self.pid)
            while not self._done.wait(0.2):
                self.peak_mb = max(self.peak_mb, proc.memory_info().rss / 2**20)
        except psutil.Error:
            pass

    def stop(self) -> float:
        self._done.set()
        self.join()
        return round(self.peak_mb, 1)


def run_cli(archive: Path, out: Path, workers: int, timeout: float, log: Path) -> dict[str, Any]:
    cmd = [sys.executable, "-m", "extractor.cli", "run", str(archive), "--out", str(out), "--workers",
           str(workers), "--timeout", str(timeout), "--quiet", "--log-json", str(log)]
    load_before = os.getloadavg()[0]
    cpu_before = _children_cpu()
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stderr=subprocess.PIPE, text=True)
    poller = RssPoller(proc.pid)
    poller.start()
    _, stderr = proc.communicate()
    seconds = time.perf_counter() - started
    parent_peak = poller.stop()
    if proc.returncode not in (0, 1):
        raise SystemExit(f"pia-extract failed ({proc.returncode}): {stderr}")
    cpu = _children_cpu() - cpu_before
    return {**summarise_log(log, seconds, workers, parent_peak),
            # CPU of the run's whole process tree / wall time: about `workers` when nothing else competes
            "cpu_seconds": round(cpu, 1), "cpu_per_wall": round(cpu / seconds, 2),
            "load_average_before": round(load_before, 2)}


def _children_cpu() -> float:
    """User + system CPU seconds of all finished child processes (and their waited-for children)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def summarise_log(log: Path, seconds: float, workers: int, parent_peak_mb: float) -> dict[str, Any]:
    lines = [json.loads(line) for line in log.read_text().splitlines()]
    parsed = [r for r in lines if r["action"] == "parsed"]
    peaks: dict[str, float] = {}
    for r in parsed:
        if r["worker"] and r["peak_rss_mb"]:
            peaks[r["worker"]] = max(peaks.get(r["worker"], 0.0), r["peak_rss_mb"])
    pages = sum(r["n_pages"] or 0 for r in parsed)
    return {
        "workers": workers,
        "seconds": round(seconds, 2),
        "documents": len(lines),
        "parsed": len(parsed),
        "pages": pages,
        "docs_per_s": round(len(lines) / seconds, 2),
        "pages_per_s": round(pages / seconds, 1),
        "statuses": dict(Counter(r["status"] for r in lines)),
        "failures_by_kind": dict(Counter(r["error_kind"] for r in lines if r["status"] == "failed")),
        "worker_processes": len(peaks),
        "worker_peak_rss_mb": {"max": max(peaks.values(), default=None),
                               "median": statistics.median(peaks.values()) if peaks else None},
        "parent_peak_rss_mb": parent_peak_mb,
    }


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _dask_processes(port: int, workers: int) -> list[subprocess.Popen[bytes]]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    bindir = Path(sys.executable).parent
    scheduler = subprocess.Popen([str(bindir / "dask"), "scheduler", "--host", "127.0.0.1", "--port", str(port),
                                  "--no-dashboard"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL)
    worker = subprocess.Popen([str(bindir / "dask"), "worker", f"tcp://127.0.0.1:{port}", "--nworkers",
                               str(workers), "--nthreads", "1", "--no-dashboard", "--memory-limit", "0"],
                              cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return [scheduler, worker]


def cluster_client_cost(scratch: Path, n_docs: int, task_docs: int) -> dict[str, Any]:
    """Client CPU per document of a cluster run of `n_docs` small documents (see the module docstring)."""
    from distributed import Client

    from extractor.batch.runner import RunOptions, run_batch
    from tests.faults import EXTRACT

    folder = scratch / "cluster-in"
    base = text_pdf_bytes()
    for i in range(n_docs):
        sub = folder / f"b{i // 1000:03d}"
        sub.mkdir(parents=True, exist_ok=True)
        (sub / f"rows-{i:06d}.pdf").write_bytes(vary(base, i))
    port = _free_port()
    procs = _dask_processes(port, 2)
    address = f"tcp://127.0.0.1:{port}"
    try:
        with Client(address, timeout="60s") as client:
            client.wait_for_workers(2, timeout=120)
        out = scratch / "cluster-out"
        options = RunOptions(out, workers=2, cluster=address, extract_fn=EXTRACT, task_docs=task_docs)
        cpu0, wall0 = time.process_time(), time.perf_counter()
        summary = run_batch([folder], options)  # compaction included: its merges run on the cluster
        cpu_run, wall_run = time.process_time() - cpu0, time.perf_counter() - wall0
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait()
    n = summary.inputs
    return {
        "documents": n, "task_docs": task_docs, "statuses": dict(summary.statuses),
        "run_seconds": round(wall_run, 1), "docs_per_s": round(n / wall_run, 1),
        "client_cpu_seconds": round(cpu_run, 2), "client_cpu_ms_per_doc": round(1000 * cpu_run / n, 3),
        "parts_after_compaction": summary.parts,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=2000, help="documents in the archive (default 2000)")
    ap.add_argument("--timeout", type=float, default=20.0, help="per-document time limit (default 20 s)")
    ap.add_argument("--keep", type=Path, help="build the archive and outputs here and keep them")
    ap.add_argument("--cluster-docs", type=int, help="measure a cluster client's cost per document instead")
    ap.add_argument("--task-docs", type=int, default=100, help="documents per cluster task (default 100)")
    args = ap.parse_args()
    if args.cluster_docs:
        scratch = args.keep or Path(tempfile.mkdtemp(prefix="bench-cluster-"))
        try:
            cost = cluster_client_cost(scratch, args.cluster_docs, args.task_docs)
        finally:
            if args.keep is None:
                shutil.rmtree(scratch, ignore_errors=True)
        RESULTS.mkdir(parents=True, exist_ok=True)
        path = RESULTS / f"bench_cluster_client-{time.strftime('%Y%m%d-%H%M%S')}.json"
        path.write_text(json.dumps(cost, indent=2) + "\n")
        print(json.dumps(cost, indent=2), f"-> {path}", sep="\n")
        return

    scratch = args.keep or Path(tempfile.mkdtemp(prefix="bench-batch-"))
    try:
        t0 = time.perf_counter()
        archive = build_archive(scratch / "archive", args.docs)
        build_s = round(time.perf_counter() - t0, 1)
        print(f"archive: {archive} built in {build_s} s", file=sys.stderr)
        runs: dict[str, dict[str, Any]] = {}
        for workers in (1, 2):
            out = scratch / f"out-{workers}"
            shutil.rmtree(out, ignore_errors=True)
            runs[f"workers_{workers}"] = run_cli(scratch / "archive", out, workers, args.timeout,
                                                 scratch / f"log-{workers}.jsonl")
            print(f"{workers} worker(s): {runs[f'workers_{workers}']}", file=sys.stderr)
        (scratch / "log-resume.jsonl").unlink(missing_ok=True)
        runs["resume_all_done"] = run_cli(scratch / "archive", scratch / "out-2", 2, args.timeout,
                                          scratch / "log-resume.jsonl")
        one, two = runs["workers_1"], runs["workers_2"]
        result = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S"),
            "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
            "archive": archive,
            "archive_build_seconds": build_s,
            "runs": runs,
            "speedup_2_over_1": round(float(two["docs_per_s"]) / float(one["docs_per_s"]), 2),
        }
    finally:
        if args.keep is None:
            shutil.rmtree(scratch, ignore_errors=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"bench_batch-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print(f"{'run':<18}{'docs/s':>8}{'pages/s':>9}{'cpu/wall':>9}{'worker peak MB':>16}{'parent peak MB':>16}")
    for name, r in runs.items():
        print(f"{name:<18}{r['docs_per_s']:>8}{r['pages_per_s']:>9}{r['cpu_per_wall']:>9}"
              f"{r['worker_peak_rss_mb']['max'] or '-':>16}{r['parent_peak_rss_mb']:>16}")
    print(f"2-worker / 1-worker: {result['speedup_2_over_1']}x   -> {path}")


if __name__ == "__main__":
    main()
