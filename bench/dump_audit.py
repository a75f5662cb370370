"""Every wrong cell of the dump reader, on every kind of dump: where precision is lost, and why.

    python bench/dump_audit.py [--cache DIR] [--sets corpus,samples,fixtures,synth,xl,corpus-pdf]
                               [--tools pdftotext,...] [--cells] [--only SUBSTRING]

Inputs (made once and kept in `--cache`, default /tmp/pia-dump-audit):
- corpus: `../shared/corpus/dumps/*.txt` and `seeds/*` with the corpus truth;
- samples, fixtures: `samples/*.pdf`, `tests/fixtures/{xl,html}/*.pdf` dumped by every installed tool
  of `pia_fixtures.dumps`, truth `<name>.expected.json`;
- synth: PDFs rendered by `pia_fixtures.synth` from random data (several styles), dumped by every tool;
- xl: spreadsheet prints (`pia_fixtures.xlprint`, LibreOffice) of random data, dumped by every tool;
- corpus-pdf: the corpus PDFs of forms dumped by every tool (corpus truth); summary-pdf: the 概要 PDFs.

Scores each input with the evaluation scorer's cell rules and prints precision / recall / F1 per input
and per (set, tool); with `--cells`, every wrong cell (a value claimed that is not the truth).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
from collections import defaultdict
from dataclasses import asdict
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extractor import extract_document  # noqa: E402
from extractor.model import DocumentResult  # noqa: E402
from pia_fixtures.dumps import TOOLS, dump, tool_available  # noqa: E402

SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus"
TABLES = ("documents", "systems", "files", "entrustments", "recipients", "risk_ratings")
SYNTH = (  # (seed, form, style): random data, rendered by pia_fixtures.synth
    (101, "full", {}), (102, "focused", {}), (103, "full", {"checkbox": "☑/☐", "legend": "below"}),
    (104, "focused", {"checkbox": "[○]", "legend": "plain", "fullwidth_digits": False}),
    (105, "basic", {}), (106, "basic", {"checkbox": "☑/☐", "name_list": "、", "legend": "below"}),
    (107, "full", {"choice_brackets": "tight", "label_ratio": 0.22, "vertical_group_labels": False}),
    (108, "focused", {"checkbox": "■/□", "legend_number": "1）", "font_size": 8.0}),
)
XL = (  # (seed, form, style): spreadsheet prints by pia_fixtures.xlprint
    (201, "full", {}), (202, "focused", {}), (203, "basic", {}),
    (204, "full", {"glyph": "☑/☐", "legend": "below", "continuation": "rows", "font": "TakaoGothic"}),
    (205, "focused", {"glyph": "[○]", "joined": True, "continuation": "empty", "font": "IPAGothic"}),
    (206, "basic", {"glyph": "■/□", "name_list": "、", "fullwidth_digits": False}),
)


def scorer() -> ModuleType:
    spec = importlib.util.spec_from_file_location("pia_eval_score", SHARED / "eval" / "score.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _dumps_of(pdf: Path, stem: str, out: Path, tools: list[str]) -> list[Path]:
    paths = []
    for tool in tools:
        path = out / f"{stem}.{tool}.txt"
        if not path.is_file():
            path.write_text(dump(pdf, tool), encoding="utf-8")
        paths.append(path)
    return paths


def _pdf_set(pdfs: list[Path], out: Path, tools: list[str]) -> list[tuple[Path, Path]]:
    """(dump, truth) of every PDF that has an `.expected.json` beside it."""
    pairs = []
    for pdf in pdfs:
        truth = pdf.with_name(pdf.name.split(".")[0] + ".expected.json")
        if truth.is_file():
            pairs += [(p, truth) for p in _dumps_of(pdf, pdf.name.split(".")[0], out, tools)]
    return pairs


def _made_set(kind: str, out: Path, tools: list[str]) -> list[tuple[Path, Path]]:
    from pia_fixtures.synth import RenderStyle, random_assessment, render_pdf

    pairs = []
    for seed, form, style in (SYNTH if kind == "synth" else XL):
        stem = f"{kind}{seed}{form}"
        pdf, truth = out / f"{stem}.pdf", out / f"{stem}.expected.json"
        if not pdf.is_file():
            data = random_assessment(seed, form)
            truth.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
            if kind == "synth":
                render_pdf(data, pdf, RenderStyle(**style))
            else:
                from pia_fixtures.xlprint import XlStyle, print_pdf

                print_pdf(data, pdf, XlStyle(**style))
        pairs += [(p, truth) for p in _dumps_of(pdf, stem, out, tools)]
    return pairs


def inputs(sets: list[str], cache: Path, tools: list[str]) -> dict[str, list[tuple[Path, Path]]]:
    out: dict[str, list[tuple[Path, Path]]] = {}
    for s in sets:
        d = cache / s
        d.mkdir(parents=True, exist_ok=True)
        if s == "corpus":
            files = sorted((CORPUS / "dumps").glob("*.txt")) + sorted((CORPUS / "seeds").glob("*"))
            out[s] = [(p, CORPUS / "truth" / (p.name.split(".")[0] + ".json")) for p in files]
        elif s == "samples":
            out[s] = _pdf_set(sorted((ROOT / "samples").glob("*.pdf")), d, tools)
        elif s == "fixtures":
            out[s] = _pdf_set(sorted((ROOT / "tests" / "fixtures").glob("*/*.pdf")), d, tools)
        elif s in ("synth", "xl"):
            out[s] = _made_set(s, d, tools)
        elif s in ("corpus-pdf", "summary-pdf"):
            pairs = []
            for pdf in sorted((CORPUS / "pdf").glob("*.pdf")):
                if ".scan." in pdf.name or ("_summary" in pdf.name) != (s == "summary-pdf"):
                    continue
                stem = pdf.name.split(".")[0]
                variant = stem + ("-xl" if ".xl." in pdf.name else "-pdf")
                pairs += [(p, CORPUS / "truth" / f"{stem}.json") for p in _dumps_of(pdf, variant, d, tools)]
            out[s] = pairs
    return out


def tables_of(result: DocumentResult) -> dict[str, list[dict[str, Any]]]:
    out = {"documents": [asdict(result.document)]}
    for t in TABLES[1:]:
        out[t] = [asdict(r) for r in getattr(result, t)]
    return out


def _diff(mod: ModuleType, truth: Any, got: Any) -> str:
    """The two values from where they part (long texts that share a start)."""
    a, b = str(mod.norm(truth)), str(mod.norm(got))
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    at = max(0, n - 12) if n > 30 else 0
    return f"truth {a[at:at + 70]!r} got {b[at:at + 70]!r}" + (f" (same first {n})" if at else "")


def wrong_cells(mod: ModuleType, truth: dict[str, Any], out: dict[str, list[dict[str, Any]]], text_input: bool
                ) -> list[str]:
    """Every cell the output claims that is not the truth (with its row's key)."""
    uncertain = set(truth.get("uncertain", [])) if text_input else set()
    wrong = []
    for table in TABLES:
        t_rows = truth.get(table) or []
        t_rows = [t_rows] if isinstance(t_rows, dict) else t_rows
        pairs, leftover = mod.match_rows(table, t_rows, out.get(table, []))
        cols: set[str] = set()
        for i, (t, o) in enumerate(pairs):
            key = mod.group_key(table, t)
            for col, tv in t.items():
                path = f"{table}.{col}" if table == "documents" else f"{table}[{i}].{col}"
                if col in mod.NOT_SCORED or col in mod.KEY_COLS.get(table, ()) or path in uncertain:
                    continue
                cols.add(col)
                if o is None or mod.norm(o.get(col)) is None or mod.norm(o.get(col)) == mod.norm(tv):
                    continue
                wrong.append(f"{table}{list(key)}.{col}: {_diff(mod, tv, o.get(col))}")
        for o in leftover:
            claimed = {c: o.get(c) for c in cols if mod.norm(o.get(c)) is not None}
            if claimed:
                wrong.append(f"{table}{list(mod.group_key(table, o))} extra row: {str(claimed)[:160]}")
    return wrong


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cache", type=Path, default=Path("/tmp/pia-dump-audit"))
    ap.add_argument("--sets", default="corpus,samples,fixtures,synth,xl,corpus-pdf,summary-pdf")
    ap.add_argument("--tools", default=",".join(TOOLS))
    ap.add_argument("--cells", action="store_true", help="list every wrong cell")
    ap.add_argument("--only", default="", help="inputs whose name contains this")
    ap.add_argument("--quiet", action="store_true", help="the per-(set, tool) summary only")
    args = ap.parse_args()
    tools = [t for t in args.tools.split(",") if tool_available(t)]
    mod = scorer()
    totals: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    for set_name, pairs in inputs(args.sets.split(","), args.cache, tools).items():
        for path, truth_path in pairs:
            if args.only not in path.name:
                continue
            truth = json.loads(truth_path.read_text(encoding="utf-8"))
            result = extract_document(path)
            out = tables_of(result)
            text_input = result.document.source_format in ("text", "markdown", "html")
            res = mod.score_doc(truth, out, text_input)
            c = [sum(r[k] for r in res.values()) for k in ("correct", "truth_cells", "out_cells")]
            kind = path.name.split(".", 1)[1].removesuffix(".txt") if set_name != "corpus" else path.name
            for key in ((set_name, kind), (set_name, "*"), ("*", kind)):
                totals[key] = [a + b for a, b in zip(totals[key], c, strict=True)]
            p, r, f = mod.f1(*c)
            if not args.quiet:
                print(f"{set_name:10s} {path.name:48s} P {p:.3f} R {r:.3f} F1 {f:.3f} {result.document.status}")
            if args.cells:
                for w in wrong_cells(mod, truth, out, text_input):
                    print("      " + w)
    print("== by set and tool")
    for (s, k), c in sorted(totals.items()):
        p, r, f = mod.f1(*c)
        print(f"{s:10s} {k:40s} P {p:.3f} R {r:.3f} F1 {f:.3f}  ({c[1]} cells, {c[2] - c[0]} wrong)")


if __name__ == "__main__":
    main()
