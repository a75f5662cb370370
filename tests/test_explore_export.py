"""`pia-extract export`: each format opened by its own reader (csv, openpyxl, sqlite3) with the right rows."""

from __future__ import annotations

import csv
import json
import shutil
import sqlite3
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

import openpyxl
import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq
import pymupdf
import pytest

from extractor.explore.sqlite import FTS_COLUMNS, search
from extractor.tables.schema import SCHEMAS, TABLE_NAMES
from tests.test_batch_support import pia_extract


def parquet(out: Path) -> dict[str, pa.Table]:
    return {name: pq.read_table(out / name) for name in TABLE_NAMES}


def export(out: Path, to: str, dest: Path, *extra: str) -> None:
    res = pia_extract("export", str(out), "--to", to, "--dest", str(dest), *extra)
    assert res.returncode == 0, res.stderr


def list_columns(table: pa.Table) -> list[str]:
    return [f.name for f in table.schema if pa.types.is_list(f.type)]


def joined(values: list[object] | None) -> str:
    return "" if values is None else "、".join(str(v) for v in values)


def assert_no_repr(cell: object) -> None:
    text = str(cell)
    assert not text.startswith("[") and "['" not in text and "array(" not in text, text


def test_csv_is_utf8_with_bom_one_file_per_table_with_list_cells_joined(samples_out: Path, tmp_path: Path) -> None:
    export(samples_out, "csv", tmp_path)
    tables = parquet(samples_out)
    for name in TABLE_NAMES:
        raw = (tmp_path / f"{name}.csv").read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf"), name
        with open(tmp_path / f"{name}.csv", encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.DictReader(fh))
        assert len(rows) == tables[name].num_rows, name
        assert list(rows[0]) == tables[name].column_names if rows else True
        by_arrow = pa_csv.read_csv(tmp_path / f"{name}.csv")  # the BOM is not part of the first header
        assert (by_arrow.num_rows, by_arrow.column_names) == (tables[name].num_rows, tables[name].column_names)
        for column in list_columns(tables[name]):
            expected = sorted(joined(v) for v in tables[name].column(column).to_pylist())
            assert sorted(r[column] for r in rows) == expected, (name, column)
        for row in rows:
            for cell in row.values():
                assert_no_repr(cell)
    methods = [r["methods"] for r in csv.DictReader(open(tmp_path / "recipients.csv", encoding="utf-8-sig"))]
    assert any("、" in m for m in methods)  # the samples do hold several methods in one cell


def test_csv_ja_headers_are_the_label_ja_of_each_column(samples_out: Path, tmp_path: Path) -> None:
    export(samples_out, "csv", tmp_path, "--ja")
    for name in TABLE_NAMES:
        with open(tmp_path / f"{name}.csv", encoding="utf-8-sig", newline="") as fh:
            header = next(csv.reader(fh))
        assert header == [f.metadata[b"label_ja"].decode() for f in SCHEMAS[name]]


def test_default_destination_is_out_export(samples_out: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    shutil.copytree(samples_out, out)
    res = pia_extract("export", str(out), "--to", "csv")
    assert res.returncode == 0, res.stderr
    assert sorted(p.name for p in (out / "export").iterdir()) == sorted(f"{t}.csv" for t in TABLE_NAMES)


def test_xlsx_has_a_sheet_per_table_with_a_frozen_header(samples_out: Path, tmp_path: Path) -> None:
    export(samples_out, "xlsx", tmp_path)
    tables = parquet(samples_out)
    book = openpyxl.load_workbook(tmp_path / "pia.xlsx")
    assert book.sheetnames == list(TABLE_NAMES)
    for name in TABLE_NAMES:
        sheet = book[name]
        assert sheet.freeze_panes == "A2"
        rows = list(sheet.iter_rows(values_only=True))
        assert list(rows[0]) == tables[name].column_names
        assert sheet["A1"].font.b
        assert len(rows) - 1 == tables[name].num_rows, name
        index = {c: k for k, c in enumerate(rows[0])}
        for column in list_columns(tables[name]):
            got = sorted(r[index[column]] or "" for r in rows[1:])
            assert got == sorted(joined(v) for v in tables[name].column(column).to_pylist()), (name, column)
        for row in rows[1:]:
            for cell in row:
                assert_no_repr(cell)


def test_sqlite_has_every_row_views_and_trigram_indexes(corpus_out: Path, corpus_sqlite: Path) -> None:
    tables = parquet(corpus_out)
    db = sqlite3.connect(corpus_sqlite)
    for name in TABLE_NAMES:
        assert db.execute(f"SELECT count(*) FROM {name}").fetchone()[0] == tables[name].num_rows
        fts = db.execute("SELECT sql FROM sqlite_master WHERE name = ?", (f"{name}_fts",)).fetchone()[0]
        assert "trigram" in fts
    for view in ("contractor_bodies", "recipients_by_method", "risk_answers"):
        assert db.execute(f"SELECT count(*) FROM {view}").fetchone()[0] > 0
    urls = [u for (u,) in db.execute("SELECT DISTINCT source_url FROM entrustments")]
    assert urls and all(Path(url2pathname(urlsplit(u).path)).is_file() for u in urls)


def _oracle(table: pa.Table, name: str, term: str) -> int:
    """How many rows hold `term` in a searched column, counted in Python from the Parquet rows."""
    return sum(any(term in (row[c] or "") for c in FTS_COLUMNS[name]) for row in table.to_pylist())


def test_search_finds_long_and_two_character_japanese_terms(corpus_out: Path, corpus_sqlite: Path) -> None:
    entrustments = parquet(corpus_out)["entrustments"]
    names = sorted({n for n in entrustments.column("contractor_normalized").to_pylist() if n}, key=len)
    longest = names[-1]
    long_term, short_term = longest[-6:-2], longest[-6:-4]
    for term in (long_term, short_term, "委託"):
        expected = _oracle(entrustments, "entrustments", term)
        assert expected > 0, term
        assert len(search(corpus_sqlite, "entrustments", term)) == expected, term
    db = sqlite3.connect(corpus_sqlite)
    trigram_only = db.execute("SELECT count(*) FROM entrustments_fts WHERE entrustments_fts MATCH ?",
                              (f'"{short_term}"',)).fetchone()[0]
    assert trigram_only == 0  # why the short terms need their own path


def test_each_row_links_to_its_source_page_and_the_page_holds_the_value(corpus_out: Path,
                                                                         corpus_sqlite: Path) -> None:
    db = sqlite3.connect(corpus_sqlite)
    rows = db.execute("""SELECT e.contractor, e.page, e.pages, e.source_url FROM entrustments e
                         JOIN documents d ON d.doc_id = e.doc_id
                         WHERE d.source_format = 'pdf' AND e.contractor IS NOT NULL""").fetchall()
    assert rows
    if all(page is None for _c, page, _p, _u in rows):
        pytest.skip("no entrustment has a page yet: provenance is filled by the parser (waits on main)")
    for contractor, page, pages, url in rows:
        if page is None:  # that every PDF record has a page is the parser's test, not the export's
            assert "#" not in url
            continue
        assert url.endswith(f"#page={page}")  # the link opens the page where the record starts
        spanned = json.loads(pages) if pages else [page]
        assert spanned[0] == page
        with pymupdf.open(url2pathname(urlsplit(url).path)) as pdf:
            text = "".join("".join(pdf[p - 1].get_text().split()) for p in spanned)
        assert "".join(contractor.split()) in text, (contractor, url, spanned)


def test_relative_input_paths_link_from_another_directory(tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(Path(__file__).resolve().parent.parent / "samples", project / "samples")
    res = pia_extract("run", "samples", "--out", "out", "-j", "2", "-q", cwd=project)
    assert res.returncode == 0, res.stderr
    res = pia_extract("export", str(project / "out"), "--to", "sqlite", "--dest", "db", cwd=tmp_path)  # elsewhere
    assert res.returncode == 0, res.stderr
    db = sqlite3.connect(tmp_path / "db" / "pia.sqlite")
    urls = {u for (u,) in db.execute("SELECT source_url FROM documents")}
    assert urls == {(project / "samples" / p.name).as_uri() for p in (project / "samples").glob("*.pdf")}
