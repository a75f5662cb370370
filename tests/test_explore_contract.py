"""The output contract ships with the package and documents every column the tables have."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from extractor.explore.contract import contract, contract_text, documented_columns, sections
from extractor.tables.schema import SCHEMAS, TABLE_NAMES
from tests.test_batch_support import pia_extract

SHARED_SCHEMA = Path(__file__).resolve().parent.parent.parent / "shared" / "SCHEMA.md"


@pytest.mark.parametrize("table", TABLE_NAMES)
def test_every_column_of_the_arrow_schema_is_documented_in_its_table_section(table: str) -> None:
    documented = documented_columns(sections(contract())[table])
    missing = [name for name in SCHEMAS[table].names if name not in documented]
    assert not missing, f"{table}: columns not in extractor/SCHEMA.md: {missing}"


@pytest.mark.parametrize("table", TABLE_NAMES)
def test_added_columns_show_the_label_ja_they_carry(table: str) -> None:
    section = sections(contract())[table]
    labels = {f.name: (f.metadata or {})[b"label_ja"].decode() for f in SCHEMAS[table]}
    start = section.index("Added by pia-extract")
    end = section.find("\n\n", start)
    added = section[start: end if end >= 0 else None]  # that table only
    rows = [r for r in re.findall(r"^\| (\w+) \| [^|]+ \| ([^|]+) \|", added, re.M) if r[0] != "column"]
    assert rows, f"{table}: no 'Added by pia-extract' table"
    for name, label in rows:
        assert labels[name] == label.strip(), (table, name)


def test_the_shipped_contract_keeps_every_column_of_the_shared_one() -> None:
    if not SHARED_SCHEMA.is_file():
        pytest.skip("../shared/SCHEMA.md is not present on this machine")
    shared = sections(SHARED_SCHEMA.read_text(encoding="utf-8"))
    shipped = sections(contract())
    for table, text in shared.items():
        assert documented_columns(text) <= documented_columns(shipped[table]), table


def test_schema_command_prints_the_contract_or_one_table() -> None:
    whole = pia_extract("schema")
    assert whole.returncode == 0 and whole.stdout == contract()
    one = pia_extract("schema", "recipients")
    assert one.returncode == 0 and one.stdout == contract_text("recipients")
    assert "is_reference" in one.stdout and "## risk_ratings" not in one.stdout
    unknown = pia_extract("schema", "nope")
    assert unknown.returncode == 2 and "no table 'nope'" in unknown.stderr
