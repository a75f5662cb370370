"""Cell-for-cell snapshots of what the extractor produces on the corpus and the samples.

A refactoring must not change a single output cell.  Take a snapshot before the change,
another after, and compare them:

    python tests/corpus_snapshot.py write /tmp/before.json      # at the old commit
    python tests/corpus_snapshot.py write /tmp/after.json       # at the new one
    python tests/corpus_snapshot.py diff /tmp/before.json /tmp/after.json

`tests/test_corpus_snapshot.py` runs the comparison against `PIA_SNAPSHOT=<file>` when set.
Volatile columns (parser version, doc ids are content hashes and stay) are left out.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SHARED = ROOT.parent / "shared" / "corpus"
VOLATILE = {"parser_version"}
TABLES = ("documents", "systems", "files", "entrustments", "recipients", "risk_ratings")


def inputs() -> Iterator[Path]:
    """Every corpus input (PDF, seeds, dumps) and every committed sample, in a stable order."""
    for sub in ("pdf", "seeds", "dumps"):
        folder = SHARED / sub
        if folder.is_dir():
            yield from sorted(p for p in folder.iterdir() if p.is_file())
    yield from sorted((ROOT / "samples").glob("*.pdf"))


def snapshot() -> dict[str, dict[str, list[dict[str, Any]]]]:
    from extractor import extract_document, results_to_tables

    out: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for path in inputs():
        result = extract_document(path, source_path=path.name)
        tables = results_to_tables([result])
        out[path.name] = {
            name: [{k: v for k, v in row.items() if k not in VOLATILE} for row in tables[name].to_pylist()]
            for name in TABLES
        }
    return out


def differences(before: dict[str, Any], after: dict[str, Any], limit: int = 50) -> list[str]:
    """Plain-words differences between two snapshots (only the contract's columns present in both)."""
    diffs: list[str] = []
    for doc in sorted(set(before) | set(after)):
        if doc not in before or doc not in after:
            diffs.append(f"{doc}: only in {'after' if doc in after else 'before'}")
            continue
        for table in TABLES:
            b_rows, a_rows = before[doc].get(table, []), after[doc].get(table, [])
            if len(b_rows) != len(a_rows):
                diffs.append(f"{doc} {table}: {len(b_rows)} rows before, {len(a_rows)} after")
                continue
            for i, (b, a) in enumerate(zip(b_rows, a_rows, strict=True)):
                for col in sorted(set(b) & set(a)):
                    if b[col] != a[col]:
                        diffs.append(f"{doc} {table}[{i}].{col}: {b[col]!r} -> {a[col]!r}")
        if len(diffs) >= limit:
            break
    return diffs[:limit]


def main(argv: list[str]) -> int:
    if len(argv) == 2 and argv[0] == "write":
        Path(argv[1]).write_text(json.dumps(snapshot(), ensure_ascii=False, indent=0, sort_keys=True),
                                 encoding="utf-8")
        return 0
    if len(argv) == 3 and argv[0] == "diff":
        before, after = (json.loads(Path(a).read_text(encoding="utf-8")) for a in argv[1:])
        diffs = differences(before, after, limit=200)
        print("\n".join(diffs) or "identical")
        return 1 if diffs else 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
