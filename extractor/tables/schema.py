"""Records -> Arrow tables with the output contract's schemas.

The schemas are derived from the record dataclasses of `extractor.model`: a column is
declared once, as a typed field with its Japanese label (`label_ja` field metadata).
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Iterable
from typing import Any

import pyarrow as pa

from extractor.model import ROW_TYPES, DocumentResult

TABLE_NAMES: tuple[str, ...] = tuple(ROW_TYPES)

_ARROW: dict[object, pa.DataType] = {
    str: pa.string(),
    int: pa.int32(),
    bool: pa.bool_(),
    float: pa.float64(),
    list[str]: pa.list_(pa.string()),
    list[int]: pa.list_(pa.int32()),
}


def _arrow_type(hint: object) -> pa.DataType:
    """The Arrow type of a record field's annotation (`X | None` is a nullable X)."""
    args = [a for a in typing.get_args(hint) if a is not type(None)] if isinstance(hint, types.UnionType) else [hint]
    if len(args) != 1 or args[0] not in _ARROW:
        raise TypeError(f"no Arrow type for the record annotation {hint!r}")
    return _ARROW[args[0]]


def schema_for(table: str) -> pa.Schema:
    """The Arrow schema of one output table, derived from its record dataclass; each field carries `label_ja`."""
    row_type = ROW_TYPES[table]
    hints = typing.get_type_hints(row_type)
    return pa.schema([
        pa.field(f.name, _arrow_type(hints[f.name]), metadata={"label_ja": f.metadata["label_ja"]})
        for f in dataclasses.fields(row_type)
    ])


SCHEMAS: dict[str, pa.Schema] = {name: schema_for(name) for name in TABLE_NAMES}
_COLUMN_NAMES = {name: SCHEMAS[name].names for name in TABLE_NAMES}


def _records_of(results: Iterable[DocumentResult], table: str) -> list[Any]:
    if table == "documents":
        return [result.document for result in results]
    return [row for result in results for row in getattr(result, table)]


def results_to_tables(results: Iterable[DocumentResult]) -> dict[str, pa.Table]:
    """Collect many document results into one Arrow table per output table (built column by column:
    about 3x cheaper than row dicts)."""
    results = list(results)
    tables = {}
    for name in TABLE_NAMES:
        records = _records_of(results, name)
        columns = {n: [getattr(r, n) for r in records] for n in _COLUMN_NAMES[name]}
        tables[name] = pa.Table.from_pydict(columns, schema=SCHEMAS[name])
    return tables
