"""`pia-extract serve`: a local web explorer (Datasette on 127.0.0.1) over the SQLite export.

The database is (re)built in `OUT/export/pia.sqlite` when the output directory is newer;
the metadata (Japanese titles, facets, canned queries) comes from `metadata`, the row links
and the short-term search from the in-process plugin `plugin`.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any

from extractor.errors import ExitCode, ExtractorError
from extractor.explore.dataset import MANIFEST_NAME
from extractor.explore.metadata import DATABASE, datasette_metadata
from extractor.explore.sqlite import SQLITE_NAME
from extractor.tables.schema import TABLE_NAMES

HOST = "127.0.0.1"


def _newest_input(out_dir: Path) -> float:
    paths = [out_dir / MANIFEST_NAME, *(out_dir / f"{t}.parquet" for t in TABLE_NAMES)]
    paths += [p for t in TABLE_NAMES if (out_dir / t).is_dir() for p in (out_dir / t).iterdir()]
    return max((p.stat().st_mtime for p in paths if p.exists()), default=0.0)


def ensure_database(out_dir: Path, dest: Path | None = None) -> Path:
    """The SQLite export of `out_dir` in `dest` (default `out_dir/export`), rebuilt if the output is newer."""
    from extractor.explore.export import export

    db = (dest if dest is not None else out_dir / "export") / SQLITE_NAME
    if not db.is_file() or db.stat().st_mtime < _newest_input(out_dir):
        export(out_dir, "sqlite", dest)
    return db


def make_datasette(db: Path) -> Any:
    from datasette.app import Datasette
    from datasette.plugins import pm

    from extractor.explore import plugin

    if pm.get_plugin(plugin.NAME) is None:
        pm.register(plugin, name=plugin.NAME)
    settings = {"default_page_size": 50, "sql_time_limit_ms": 5000, "facet_time_limit_ms": 2000}
    ds = Datasette([], immutables=[str(db)], metadata=datasette_metadata(), settings=settings)
    asyncio.run(ds.invoke_startup())
    return ds


class ServeError(ExtractorError):
    """The explorer cannot listen (the port is taken or not allowed)."""

    exit_code = ExitCode.USAGE


def listen(port: int) -> socket.socket:
    """A listening socket on 127.0.0.1 (port 0: any free port); connections queue until the server runs."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((HOST, port))
    except OSError as exc:
        sock.close()
        raise ServeError(f"cannot listen on {HOST}:{port}: {exc.strerror or exc}; choose another --port") from exc
    sock.listen(128)
    return sock


def serve(out_dir: Path, port: int, dest: Path | None = None, announce: Callable[[str], None] = print) -> None:
    """Build or refresh the SQLite export, then serve it on 127.0.0.1 until interrupted."""
    import uvicorn

    ds = make_datasette(ensure_database(out_dir, dest))
    sock = listen(port)
    announce(f"http://{HOST}:{sock.getsockname()[1]}/{DATABASE}")
    config = uvicorn.Config(ds.app(), log_level="warning", lifespan="on")
    uvicorn.Server(config).run(sockets=[sock])
