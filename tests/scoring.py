"""Score extraction results against known data with the evaluation's own scorer (../shared/eval/score.py).

`score(pairs)` pools (truth dict, DocumentResult) pairs into per-table and overall precision / recall /
F1, with exactly the cell rules of the corpus evaluation (row pairing by key columns, NFKC and
whitespace folding, nulls claim nothing).  A test can then require e.g. "dumps made by pdftotext -raw
score F1 ≥ 0.85 with precision ≥ 0.99".  Tests call `scorer()` first: it skips when ../shared is absent.
"""

from __future__ import annotations

import importlib.util
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from types import ModuleType
from typing import Any

import pytest

from extractor.model import DocumentResult
from tests.conftest import SCORER

TABLES = ("documents", "systems", "files", "entrustments", "recipients", "risk_ratings")


@dataclass(frozen=True)
class Score:
    precision: float
    recall: float
    f1: float
    truth_cells: int

    def __str__(self) -> str:
        return f"P {self.precision:.3f} R {self.recall:.3f} F1 {self.f1:.3f} ({self.truth_cells} cells)"


def scorer() -> ModuleType:
    """The evaluation scorer as a module (skips the calling test when ../shared is not on this machine)."""
    if not SCORER.is_file():
        pytest.skip("../shared/eval/score.py is not present on this machine")
    spec = importlib.util.spec_from_file_location("pia_eval_score", SCORER)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def output_tables(result: DocumentResult) -> dict[str, list[dict[str, Any]]]:
    """A result as the scorer reads an output directory: table name -> rows (dicts)."""
    out = {"documents": [asdict(result.document)]}
    for table in TABLES[1:]:
        out[table] = [asdict(r) for r in getattr(result, table)]
    return out


def score(pairs: Iterable[tuple[dict[str, Any], DocumentResult]]) -> dict[str, Score]:
    """Per-table and overall ("ALL") scores pooled over the pairs, as score.py micro-averages them."""
    mod = scorer()
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for truth, result in pairs:
        text_input = result.document.source_format in ("text", "markdown", "html")
        for table, r in mod.score_doc(truth, output_tables(result), text_input).items():
            for k, key in enumerate(("correct", "truth_cells", "out_cells")):
                totals[table][k] += r[key]
                totals["ALL"][k] += r[key]
    return {table: Score(*mod.f1(*t), truth_cells=t[1]) for table, t in totals.items()}
