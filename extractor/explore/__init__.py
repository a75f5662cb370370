"""From tables to answers: read an output directory, query it, export it, serve it.

- `dataset`: the committed rows of an output directory (the one place that knows its layout);
- `views`: the question views (contractors across bodies, recipients by method, risk answers),
  one SQL text for DuckDB and SQLite, and the named example queries;
- `query`: DuckDB over the tables (`pia-extract query`);
- `export`: CSV (UTF-8 with BOM) and XLSX (`pia-extract export --to csv|xlsx`);
- `sqlite`: the SQLite export with FTS5 trigram indexes and the views (`--to sqlite`), and search;
- `metadata`, `serve`: the Datasette explorer (`pia-extract serve`);
- `contract`: the output contract shipped with the package (`pia-extract schema`).

Everything here needs the optional extra `explore` (duckdb, openpyxl, sqlite-utils, datasette)
except `dataset` and `contract`; the modules import them where they are used.
"""
