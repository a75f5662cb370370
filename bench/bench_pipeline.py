"""Speed benchmark: the full pipeline against the cost of reading the page.

    python bench/bench_pipeline.py [--repeat 3] [--quick]

In one process and on the same generated pages it times
  (a) the reading floor: PyMuPDF `get_text("words")` + `get_cdrawings()` per page (what the
      reader calls),
  (b) the full pipeline to Parquet, single process (in-process, and as a fresh
      `pia-extract run --workers 1` process, i.e. counting interpreter start and imports),
  (c) the batch runner with all cores (`pia-extract run --workers N`),
  (d) a pdfplumber `extract_words` pass, the common alternative,
and prints pages/s, the ratios (b)/(a), (c)/(b), (a)/(d), a 50/200/800-page
scaling run and the peak RSS of a process extracting the 800-page document.
(c)/(b) is given twice: on the corpus itself (each run pays ~1 s of start-up: interpreter,
imports, worker spawn, manifest) and on an archive of `--batch-copies` byte-distinct copies,
where start-up is amortised as in the batch jobs the runner is for.
Medians of `--repeat` runs.  Results also go to bench/results/pipeline-<time>.json.

The fresh-process comparison (`fresh`) is the honest one: on the corpus PDFs
(`../shared/corpus/pdf/*.pdf` without the scans, when present) plus the generated ones, it
alternates, `--repeat` times, (a) a fresh Python process that opens every PDF and calls
`get_text("words")` + `get_cdrawings()` on every page, (b) a fresh `pia-extract run --workers 1`
into a new output directory, and (c) `pdftotext -layout` on every file; each counts its own
start-up.  It reports pages/s of each and the median of the paired ratios (b)/(a) and (c)/(a), and the
paired ratio of CPU seconds (the process and its workers): on a machine other jobs share, wall times
follow their load, CPU times much less.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pymupdf

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extractor import extract_document, results_to_tables  # noqa: E402
from extractor.tables.write import write_tables  # noqa: E402
from pia_fixtures.synth import RenderStyle, random_assessment, render_pdf  # noqa: E402

STYLES = [RenderStyle(), RenderStyle(checkbox="☑/☐", legend="below", fullwidth_digits=False)]


def build_corpus(out: Path, n_docs: int) -> list[Path]:
    """Realistic forms: systems, files, entrustments, long annexed recipient lists, Ⅲ risk pages."""
    paths = []
    for k in range(n_docs):
        form = "full" if k % 3 else "focused"
        data = random_assessment(100 + k, form, n_files=1 + k % 3, n_annex_rows=40 + 30 * (k % 4))
        path = out / f"bench_{k:02d}_{form}.pdf"
        render_pdf(data, path, STYLES[k % len(STYLES)])
        paths.append(path)
    return paths


def sized_document(out: Path, target_pages: int) -> Path:
    """One document of about `target_pages` pages with the same page mix at every size.

    A ~50-page assessment (systems, files, entrustments, annexed lists, Ⅲ/Ⅳ pages) is
    repeated, so per-page cost differences show the algorithm's scaling, not a different mix.
    """
    base = out / "scale_base.pdf"
    if not base.exists():
        render_pdf(random_assessment(7, "full", n_files=2, n_annex_rows=60), base)
    path = out / f"scale_{target_pages}.pdf"
    with pymupdf.open(base) as src, pymupdf.open() as doc:
        for _ in range(max(1, round(target_pages / src.page_count))):
            doc.insert_pdf(src)
        doc.save(path, garbage=1)
    return path


def copies_corpus(paths: list[Path], out: Path, copies: int) -> Path:
    """`copies` byte-distinct copies of every document (a trailing comment differs), so the
    batch runner's de-duplication does not skip them: an archive-sized run where start-up
    costs are amortised as they are in real batch jobs."""
    out.mkdir()
    for k in range(copies):
        for path in paths:
            (out / f"{path.stem}_c{k}.pdf").write_bytes(path.read_bytes() + f"\n%copy {k}\n".encode())
    return out


def pages_of(paths: list[Path]) -> int:
    return sum(pymupdf.open(p).page_count for p in paths)


def floor_pass(paths: list[Path]) -> None:
    for path in paths:
        with pymupdf.open(path) as doc:
            for page in doc:
                page.get_text("words")
                page.get_cdrawings()


FLOOR_CODE = """import sys, pymupdf
for path in sys.argv[1:]:
    with pymupdf.open(path) as doc:
        for page in doc:
            page.get_text("words")
            page.get_cdrawings()
"""


def corpus_pdfs() -> list[Path]:
    """The evaluation corpus's text PDFs (not the scans), when ../shared is there."""
    folder = ROOT.parent / "shared" / "corpus" / "pdf"
    return sorted(p for p in folder.glob("*.pdf") if not p.name.endswith(".scan.pdf")) if folder.is_dir() else []


def _timed(cmd: list[str], ok: tuple[int, ...] = (0,)) -> tuple[float, float]:
    """Wall seconds, and CPU seconds of the process and every process it waited for (its workers)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    code = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT).returncode
    wall = time.perf_counter() - started
    if code not in ok:
        raise SystemExit(f"{cmd[:3]} exited {code}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def fresh_process_comparison(inputs: Path, tmp: Path, repeat: int) -> dict[str, object]:
    """Paired fresh-process runs: the reading floor, `pia-extract run --workers 1`, `pdftotext -layout`."""
    paths = sorted(inputs.glob("*.pdf"))
    pages = pages_of(paths)
    floor_cmd = [sys.executable, "-c", FLOOR_CODE, *map(str, paths)]
    pdftotext = "for f in \"$@\"; do pdftotext -layout \"$f\" - ; done"
    rows = []
    for k in range(repeat):
        t_floor = _timed(floor_cmd)
        t_run = _timed([str(Path(sys.executable).parent / "pia-extract"), "run", str(inputs), "--out",
                        str(tmp / f"fresh{k}"), "--workers", "1", "--quiet"], ok=(0, 1))
        t_text = _timed(["sh", "-c", pdftotext, "sh", *map(str, paths)])
        rows.append((t_floor, t_run, t_text))
    walls = [tuple(t[0] for t in row) for row in rows]
    cpus = [tuple(t[1] for t in row) for row in rows]
    med = [statistics.median(r[i] for r in walls) for i in range(3)]
    return {
        "documents": len(paths), "pages": pages, "corpus_pdfs": len(corpus_pdfs()), "repeat": repeat,
        "pages_per_s": {"floor_fresh": pages / med[0], "run_workers_1_fresh": pages / med[1],
                        "pdftotext_layout": pages / med[2]},
        "ratio_run_to_floor_median_paired": statistics.median(f / r for f, r, _t in walls),
        "ratio_pdftotext_to_floor_median_paired": statistics.median(f / t for f, _r, t in walls),
        # CPU seconds (start-up included) are what other jobs on a shared machine disturb least
        "cpu_ratio_run_to_floor_median_paired": statistics.median(f / r for f, r, _t in cpus),
        "cpu_seconds_median": {"floor_fresh": statistics.median(r[0] for r in cpus),
                               "run_workers_1_fresh": statistics.median(r[1] for r in cpus)},
    }


def pipeline_pass(paths: list[Path], out: Path) -> None:
    results = [extract_document(p) for p in paths]
    write_tables(results_to_tables(results), out)


def pdfplumber_pass(paths: list[Path]) -> None:
    import pdfplumber

    for path in paths:
        with pdfplumber.open(path) as pdf:
            for page in pdf.pages:
                page.extract_words()


def cli_pass(corpus: Path, out: Path, workers: int) -> None:
    cmd = [sys.executable, "-m", "extractor.cli", "run", str(corpus), "--out", str(out),
           "--workers", str(workers), "--force", "--quiet"]
    subprocess.run(cmd, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)


def median_time(fn: Callable[[], None], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def peak_rss_mb(path: Path) -> float:
    """Peak RSS of a fresh process that extracts one document.

    Read from the child's own VmHWM: `ru_maxrss` of a forked child starts at the parent's
    RSS at fork time, which would charge this (large) benchmark process to the worker.
    """
    code = ("import re,sys; from extractor import extract_document; extract_document(sys.argv[1]);"
            "print(re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read()).group(1))")
    out = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, cwd=ROOT,
                         check=True)
    return int(out.stdout.strip().splitlines()[-1]) / 1024


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--docs", type=int, default=20, help="documents in the main corpus")
    ap.add_argument("--quick", action="store_true", help="smaller corpus and scaling sizes (smoke run)")
    ap.add_argument("--skip-pdfplumber", action="store_true")
    ap.add_argument("--fresh-only", action="store_true", help="only the fresh-process comparison")
    ap.add_argument("--batch-copies", type=int, default=4,
                    help="copies of the corpus in the archive-sized batch comparison (c) vs single worker")
    args = ap.parse_args()
    sizes = (20, 40, 80) if args.quick else (50, 200, 800)
    workers = os.cpu_count() or 1
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        corpus_dir = tmp / "corpus"
        corpus_dir.mkdir()
        print("generating the corpus ...", file=sys.stderr)
        paths = build_corpus(corpus_dir, 3 if args.quick else args.docs)
        n_pages = pages_of(paths)
        report: dict[str, object] = {"documents": len(paths), "pages": n_pages, "repeat": args.repeat,
                                     "cpus": workers, "pymupdf": pymupdf.VersionBind}
        t_floor = median_time(lambda: floor_pass(paths), args.repeat)
        t_pipe = median_time(lambda: pipeline_pass(paths, tmp / "out_inproc"), args.repeat)
        t_cli1 = median_time(lambda: cli_pass(corpus_dir, tmp / "out_cli1", 1), args.repeat)
        t_clin = median_time(lambda: cli_pass(corpus_dir, tmp / "out_clin", workers), args.repeat)
        fresh_inputs = tmp / "fresh_inputs"
        fresh_inputs.mkdir()
        for path in [*paths, *([] if args.quick else corpus_pdfs())]:
            (fresh_inputs / path.name).write_bytes(path.read_bytes())
        report["fresh"] = fresh_process_comparison(fresh_inputs, tmp, args.repeat)
        print(json.dumps(report["fresh"], indent=2), file=sys.stderr)
        if args.fresh_only:
            print(json.dumps(report, indent=2, ensure_ascii=False))
            return 0
        archive = copies_corpus(paths, tmp / "archive", args.batch_copies)
        archive_pages = n_pages * args.batch_copies
        t_arch1 = median_time(lambda: cli_pass(archive, tmp / "out_arch1", 1), args.repeat)
        t_archn = median_time(lambda: cli_pass(archive, tmp / "out_archn", workers), args.repeat)
        t_plumb = None if args.skip_pdfplumber else median_time(lambda: pdfplumber_pass(paths), 1)
        rate = {
            "a_floor": n_pages / t_floor,
            "b_pipeline_inprocess": n_pages / t_pipe,
            "b_pipeline_fresh_process": n_pages / t_cli1,
            "c_batch_all_cores": n_pages / t_clin,
            "d_pdfplumber_words": None if t_plumb is None else n_pages / t_plumb,
        }
        rate["archive_1_worker"] = archive_pages / t_arch1
        rate[f"archive_{workers}_workers"] = archive_pages / t_archn
        report["archive_pages"] = archive_pages
        report["pages_per_s"] = rate
        report["ratios"] = {
            "b_over_a_inprocess": rate["b_pipeline_inprocess"] / rate["a_floor"],
            "b_over_a_fresh_process": rate["b_pipeline_fresh_process"] / rate["a_floor"],
            "c_over_b": rate["c_batch_all_cores"] / rate["b_pipeline_fresh_process"],
            "c_over_b_archive": t_arch1 / t_archn,
            "a_over_d": None if t_plumb is None else rate["a_floor"] / rate["d_pdfplumber_words"],
        }
        print("generating the scaling documents ...", file=sys.stderr)
        scaling = []
        pipeline_pass([sized_document(tmp, sizes[0])], tmp / "out_scale")  # warm-up: lazy imports, caches
        for size in sizes:
            doc = sized_document(tmp, size)
            pages = pages_of([doc])
            t = median_time(lambda d=doc: pipeline_pass([d], tmp / "out_scale"), args.repeat)
            scaling.append({"target": size, "pages": pages, "ms_per_page": 1000 * t / pages})
        report["scaling"] = scaling
        per_page = [s["ms_per_page"] for s in scaling]
        report["scaling_spread"] = max(per_page) / min(per_page) - 1
        report["peak_rss_mb_largest_doc"] = peak_rss_mb(tmp / f"scale_{sizes[-1]}.pdf")
    print(json.dumps(report, indent=2, ensure_ascii=False))
    results = ROOT / "bench" / "results"
    results.mkdir(exist_ok=True)
    (results / f"pipeline-{time.strftime('%Y%m%d-%H%M%S')}.json").write_text(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
