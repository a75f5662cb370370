"""Speed of the dump reader: dump pages read per second on one core.

    python bench/bench_dump.py [--repeat 5] [--corpus DIR]

Times `extract_bytes` (decode, detect the form, read, bind, settle) on text dumps: the corpus
dumps (`../shared/corpus/dumps/*.txt` and the real `seeds/fujisawa_juki_full.txt`) and dumps of
a rendered 全項目 form by each installed tool of `pia_fixtures.dumps`.  Pages are the dump's
form-feed or blank-run pages as the reader counts them.  Median of `--repeat` runs per input.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extractor.pipeline import extract_bytes  # noqa: E402
from extractor.text.dump.lines import page_count, split_lines  # noqa: E402
from pia_fixtures.dumps import TOOLS, dump, tool_available  # noqa: E402
from pia_fixtures.synth import RenderStyle, random_assessment, render_pdf  # noqa: E402


def inputs(corpus: Path) -> dict[str, str]:
    out = {p.name: p.read_text(encoding="utf-8") for p in sorted((corpus / "dumps").glob("*.txt"))}
    seed = corpus / "seeds" / "fujisawa_juki_full.txt"
    if seed.is_file():
        out[seed.name] = seed.read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory() as tmp:
        pdf = Path(tmp) / "bench_full.pdf"
        render_pdf(random_assessment(7, "full"), pdf, RenderStyle())
        for tool in TOOLS:
            if tool_available(tool) and tool not in ("pdfminer", "pdfplumber"):  # slow to make, same shape
                out[f"rendered.{tool}.txt"] = dump(pdf, tool)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    args = ap.parse_args()
    extract_bytes(b"warm up", "warm.txt")
    total_pages = total_time = 0.0
    for name, text in inputs(args.corpus).items():
        data = text.encode("utf-8")
        pages = page_count(split_lines(text))
        times = []
        for _ in range(args.repeat):
            t0 = time.process_time()
            extract_bytes(data, name)
            times.append(time.process_time() - t0)
        t = statistics.median(times)
        total_pages += pages
        total_time += t
        print(f"{name:40s} {pages:4d} pages {t * 1000:8.1f} ms  {pages / t:7.0f} pages/s")
    rate = total_pages / total_time
    print(f"{'all':40s} {int(total_pages):4d} pages {total_time * 1000:8.1f} ms  {rate:7.0f} pages/s (CPU)")


if __name__ == "__main__":
    main()
