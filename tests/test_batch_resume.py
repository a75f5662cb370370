"""kill -9 of a real `pia-extract run` at random points, then resume: every document exactly once."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import time
from pathlib import Path

import psutil

from extractor.tables.schema import TABLE_NAMES
from tests.test_batch_support import cli_env, make_docs, manifest_rows, pia_extract, pia_extract_cmd, read_sorted

N_DOCS = 30


def _kill_run_after(args: list[str], delay: float) -> int | None:
    """Start a run, SIGKILL it after `delay` s (if still running); returns its exit code if it finished."""
    proc = subprocess.Popen(pia_extract_cmd(*args), env=cli_env(), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + delay
    children: list[psutil.Process] = []
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            children = psutil.Process(proc.pid).children(recursive=True) or children
        except psutil.NoSuchProcess:
            break
        time.sleep(0.05)
    if proc.poll() is not None:
        return proc.returncode
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    _gone, alive = psutil.wait_procs(children, timeout=10)
    assert not alive, f"workers outlived the killed run: {alive}"
    return None


def test_resume_after_kill_9_at_random_points_gives_the_clean_result(tmp_path: Path) -> None:
    # "slow-" makes each document take 0.2 s, so the kills land mid-run; "rows-" fills every table
    make_docs(tmp_path / "in", N_DOCS, prefix="slow-rows-")
    common = ["run", str(tmp_path / "in"), "--workers", "2", "--part-docs", "3", "--quiet"]
    clean = pia_extract(*common, "--out", str(tmp_path / "clean"))
    assert clean.returncode == 0, clean.stderr
    expected = read_sorted(tmp_path / "clean")

    seed = int(os.environ.get("PIA_EXTRACT_TEST_SEED", random.randrange(1 << 30)))
    rng = random.Random(seed)
    out = ["--out", str(tmp_path / "out")]
    finished = [_kill_run_after(common + out, rng.uniform(0.3, 3.0)) for _ in range(3)]
    manifest = tmp_path / "out" / "_manifest.sqlite"  # a kill may land before the run created it
    done_before_last = manifest_rows(tmp_path / "out", "SELECT count(*) FROM docs")[0][0] if manifest.exists() else 0

    last = pia_extract(*common, *out, "--log-json", str(tmp_path / "log.jsonl"))
    assert last.returncode == 0, (seed, last.stderr)
    got = read_sorted(tmp_path / "out")
    for name in TABLE_NAMES:
        assert got[name] == expected[name], (seed, finished, name)
    assert len(got["documents"]) == N_DOCS
    skipped = (tmp_path / "log.jsonl").read_text().count('"action": "skipped"')
    assert skipped == done_before_last, seed  # what was committed before the kills was not parsed again
