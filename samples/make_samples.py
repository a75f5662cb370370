"""Write the synthetic sample PDFs and the data each was rendered from.

usage: python samples/make_samples.py [--out samples]

Each sample is `<name>.pdf` plus `<name>.expected.json` (the truth-shaped dict given to
pia_fixtures.synth.render_pdf).  Output is byte-for-byte reproducible.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from pia_fixtures.synth import RenderStyle, random_assessment, render_pdf  # noqa: E402


@dataclass(frozen=True)
class Sample:
    name: str
    seed: int
    form_type: str
    n_files: int | None = None
    n_annex_rows: int | None = None
    style: dict[str, Any] = field(default_factory=dict)


SAMPLES = (
    Sample("sample_full_01", seed=1, form_type="full", n_files=1, n_annex_rows=16),
    Sample("sample_focused_01", seed=6, form_type="focused"),
    Sample("sample_full_02", seed=2, form_type="full", n_files=2, n_annex_rows=6,
           style={"checkbox": "☑/☐", "legend": "below", "fullwidth_digits": False, "legend_number": "1)",
                  "choice_brackets": "tight", "label_ratio": 0.25, "font_size": 8.5,
                  "vertical_group_labels": False, "annex_no_column": True}),
    Sample("sample_focused_02", seed=9, form_type="focused",
           style={"checkbox": "[○]", "legend": "plain", "legend_number": "1）", "label_ratio": 0.36,
                  "font_size": 9.5}),
    Sample("sample_basic_01", seed=28, form_type="basic"),
    Sample("sample_basic_02", seed=33, form_type="basic",
           style={"checkbox": "☑/☐", "name_list": "、", "fullwidth_digits": False, "legend": "below"}),
)
# 基礎項目評価書 (様式2): written with the others, but committed to samples/ (and moved into SAMPLES) only once
# the parser reads the form — issue 9; the golden test requires every committed sample to extract `ok`
def write_sample(sample: Sample, out: Path) -> Path:
    data = random_assessment(sample.seed, sample.form_type, sample.n_files, sample.n_annex_rows)
    pdf = out / f"{sample.name}.pdf"
    render_pdf(data, pdf, RenderStyle(**sample.style))
    text = json.dumps(data, ensure_ascii=False, indent=1) + "\n"
    (out / f"{sample.name}.expected.json").write_text(text, encoding="utf-8")
    return pdf


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent, help="output directory")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for sample in SAMPLES:
        pdf = write_sample(sample, args.out)
        print(f"{pdf}  {pdf.stat().st_size // 1024} KB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
