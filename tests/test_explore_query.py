"""`pia-extract query`: the three questions, each one command, equal to a hand-written DuckDB query.

The outputs are real `pia-extract run` outputs (tests/explore_support.py); the hand-written
queries read the Parquet part files directly and share no SQL with `extractor.explore.views`.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import duckdb
import pyarrow.parquet as pq
import pytest

from extractor.batch.dataset import new_part_id
from extractor.explore.dataset import OutputDirError, read_tables
from extractor.explore.views import NAMED_QUERIES
from extractor.tables.schema import TABLE_NAMES
from tests.explore_support import commit_unreferenced_part
from tests.test_batch_support import pia_extract

_DOCS = """d AS (SELECT doc_id, min(organization_body) AS body, min(title) AS title,
                   min(coalesce(assessment_key, doc_id)) AS a FROM documents GROUP BY doc_id)"""

HAND_WRITTEN = {
    "contractors": f"""WITH {_DOCS}
        SELECT e.contractor_normalized AS contractor, count(DISTINCT d.body) AS n_bodies,
               count(DISTINCT d.a) AS n_assessments,
               string_agg(DISTINCT d.body, '、' ORDER BY d.body) AS bodies
        FROM entrustments e JOIN d USING (doc_id) WHERE e.contractor_normalized IS NOT NULL
        GROUP BY e.contractor_normalized ORDER BY n_bodies DESC, n_assessments DESC, contractor""",
    "network-recipients": f"""WITH {_DOCS},
        r AS (SELECT doc_id, recipient FROM recipients
              WHERE list_contains(methods, '情報提供ネットワークシステム') AND recipient IS NOT NULL
                AND NOT (CASE WHEN is_reference IS NULL THEN listed_in = 'reference' ELSE is_reference END))
        SELECT r.recipient, count(DISTINCT d.body) AS n_bodies, count(DISTINCT d.a) AS n_assessments,
               string_agg(DISTINCT d.body, '、' ORDER BY d.body) AS bodies
        FROM r JOIN d USING (doc_id) GROUP BY r.recipient ORDER BY n_bodies DESC, n_assessments DESC, recipient""",
    "risks-remaining": f"""WITH {_DOCS}
        SELECT d.a AS assessment, min(d.body) AS body, min(d.title) AS title,
               count(DISTINCT (r.section, r.risk, r.question)) AS n_questions
        FROM risk_ratings r JOIN d USING (doc_id) WHERE r.answer = '課題が残されている'
        GROUP BY d.a ORDER BY n_questions DESC, assessment""",
}


def parquet_connection(out: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    for name in TABLE_NAMES:
        con.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet('{out / name}/*.parquet')")
    return con


def hand_written(out: Path, name: str) -> list[dict[str, Any]]:
    con = parquet_connection(out)
    cursor = con.execute(HAND_WRITTEN[name])
    columns = [c[0] for c in cursor.description]
    return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def cli_json(*args: str) -> list[dict[str, Any]]:
    res = pia_extract("query", *args, "--json")
    assert res.returncode == 0, res.stderr
    rows: list[dict[str, Any]] = json.loads(res.stdout)
    return rows


@pytest.mark.parametrize("name", list(NAMED_QUERIES))
def test_each_question_is_one_command_equal_to_a_hand_written_query(corpus_out: Path, name: str) -> None:
    got = cli_json(name, str(corpus_out))
    expected = hand_written(corpus_out, name)
    assert expected, f"the corpus output answers {name} with no rows"
    keys = list(expected[0])
    assert [{k: row[k] for k in keys} for row in got] == expected


def test_contractor_bodies_lists_the_bodies_it_counts(corpus_out: Path) -> None:
    for row in cli_json("contractors", str(corpus_out)):
        assert row["bodies"] is None or len(row["bodies"].split("、")) == row["n_bodies"]


@pytest.mark.parametrize("name", list(NAMED_QUERIES))
def test_the_sqlite_export_answers_the_same_through_its_views(corpus_out: Path, corpus_sqlite: Path,
                                                               name: str) -> None:
    db = sqlite3.connect(corpus_sqlite)
    db.row_factory = sqlite3.Row
    from_sqlite = [dict(r) for r in db.execute(NAMED_QUERIES[name].sql)]
    assert from_sqlite == cli_json(name, str(corpus_out))


def test_the_same_assessment_read_from_pdf_and_dump_counts_once(corpus_out: Path) -> None:
    con = parquet_connection(corpus_out)
    shared = con.execute("""SELECT assessment_key, list(DISTINCT source_format ORDER BY source_format)
                            FROM documents WHERE assessment_key IS NOT NULL GROUP BY 1""").fetchall()
    assert any({"pdf", "text"} <= set(formats) for _key, formats in shared), shared
    counted = {r["contractor"]: r["n_assessments"] for r in cli_json("contractors", str(corpus_out))}
    per_doc = con.execute("""SELECT e.contractor_normalized, count(DISTINCT e.doc_id) FROM entrustments e
                             GROUP BY 1""").fetchall()
    assert any(n_docs > counted[c] for c, n_docs in per_doc if c in counted)


def test_plain_sql_prints_a_table_csv_or_json(samples_out: Path) -> None:
    table = pia_extract("query", "SELECT form_type, count(*) AS n FROM documents GROUP BY 1", str(samples_out))
    assert table.returncode == 0 and "form_type" in table.stdout and "rows" in table.stdout
    sql = "SELECT doc_id, methods FROM recipients WHERE len(methods) > 1"
    as_csv = pia_extract("query", sql, str(samples_out), "--csv")
    rows = list(csv.reader(io.StringIO(as_csv.stdout)))
    assert rows[0] == ["doc_id", "methods"] and len(rows) > 1
    assert all("、" in methods and "[" not in methods and "'" not in methods for _doc, methods in rows[1:])
    as_json = json.loads(pia_extract("query", sql, str(samples_out), "--json").stdout)
    assert [r["methods"] for r in as_json] == [r[1].split("、") for r in rows[1:]]


def test_bad_sql_and_a_directory_that_is_no_output_exit_2(samples_out: Path, tmp_path: Path) -> None:
    bad = pia_extract("query", "SELECT nope FROM documents", str(samples_out))
    assert bad.returncode == 2 and "nope" in bad.stderr
    empty = pia_extract("query", "contractors", str(tmp_path))
    assert empty.returncode == 2 and "not an output directory" in empty.stderr
    with pytest.raises(OutputDirError):
        read_tables(tmp_path / "missing")


def _copy_part(out: Path, part_id: str) -> str:
    copy = new_part_id()
    for name in TABLE_NAMES:
        shutil.copy(out / name / f"{part_id}.parquet", out / name / f"{copy}.parquet")
    return copy


def test_only_committed_live_rows_are_read(samples_out: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    shutil.copytree(samples_out, out)
    before = {name: len(t) for name, t in read_tables(out).items()}
    part = sorted((out / "documents").glob("part-*.parquet"))[0].stem
    _copy_part(out, part)  # a part the manifest does not list (a crash before its commit; a manifest behind)
    commit_unreferenced_part(out, _copy_part(out, part))  # committed, but no document points at it any more
    assert len(pq.read_table(out / "entrustments")) == 3 * before["entrustments"]  # all of it is on disk
    assert {name: len(t) for name, t in read_tables(out).items()} == before
