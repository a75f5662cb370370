"""The explorer's Datasette hooks, registered in-process by `serve` (never installed as an entry point).

- each row's `source_url` cell links to `/-/source/<doc_id>/<file name>#page=N`, a route that
  serves that input file, and only if its bytes still hash to the row's `doc_id`: the link
  always shows the document the row was read from, at the page it was read from;
- the table search box also finds 1–2 character terms (日立, 委託), which the trigram index
  cannot match: such a search is rewritten to an `instr` filter on the table's text columns.
"""

from __future__ import annotations

import hashlib
import mimetypes
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar, cast
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit
from urllib.request import url2pathname

from datasette import hookimpl
from datasette.utils.asgi import Response
from markupsafe import Markup, escape

from extractor.explore.metadata import DATABASE
from extractor.explore.sqlite import FTS_COLUMNS, MIN_TRIGRAM

NAME = "pia-extract-explorer"
F = TypeVar("F", bound=Callable[..., Any])


def _hook(func: F) -> F:
    """`datasette.hookimpl`, typed (Datasette ships no type information)."""
    return cast(F, hookimpl(func))

SOURCE_ROUTE = r"^/-/source/(?P<doc_id>[0-9a-f]{64})/(?P<name>[^/]+)$"
CSS_PATH = "/-/pia-extract.css"
# The Japanese column labels as a compact multi-column list, so the rows stay on the first screen.
CSS = """
dl.column-descriptions { columns: 16em auto; column-gap: 2em; font-size: 0.8em; margin: 0.5em 0; }
dl.column-descriptions dt { break-after: avoid; margin-top: 0.2em; }
dl.column-descriptions dd { margin: 0 0 0.2em 1em; break-before: avoid; }
td.col-source_url a.pia-source { white-space: nowrap; }
"""


def _file_of(url: str) -> Path:
    return Path(url2pathname(urlsplit(url).path))


def source_link(doc_id: str, url: str) -> str:
    """`/-/source/<doc_id>/<file name>#page=N` for a row's `file://...#page=N` source_url."""
    fragment = urlsplit(url).fragment
    return f"/-/source/{doc_id}/{_file_of(url).name}" + (f"#{fragment}" if fragment else "")


def short_search_where(table: str, term: str) -> str:
    """The `_where` filter that finds `term` in the table's text columns by `instr`."""
    literal = "'" + term.replace("'", "''") + "'"
    return " OR ".join(f"instr([{c}], {literal}) > 0" for c in FTS_COLUMNS[table])


def rewrite_short_search(path: str, query_string: bytes) -> bytes:
    """The query string of a table page with a `_search` under 3 characters replaced by an `instr` filter."""
    segments = path.strip("/").split("/")
    table = unquote(segments[-1]).removesuffix(".json")
    if len(segments) != 2 or table not in FTS_COLUMNS:
        return query_string
    pairs = parse_qsl(query_string.decode("ascii", "replace"), keep_blank_values=True)
    term = dict(pairs).get("_search", "").strip()
    if not term or len(term) >= MIN_TRIGRAM:
        return query_string
    kept = [(k, v) for k, v in pairs if k != "_search"]
    return urlencode([*kept, ("_where", short_search_where(table, term))]).encode("ascii")


@_hook
def render_cell(row: Any, value: Any, column: str) -> Markup | None:
    if column != "source_url" or not isinstance(value, str) or not value.startswith("file:"):
        return None
    try:
        doc_id = row["doc_id"]
    except (IndexError, KeyError):
        return None
    page = urlsplit(value).fragment.removeprefix("page=")
    label = _file_of(value).name + (f" p.{page}" if page else "")
    return Markup(f'<a class="pia-source" href="{escape(source_link(doc_id, value))}">{escape(label)}</a>')


async def serve_source(datasette: Any, request: Any) -> Response:
    """The input file of a document, if it still has the bytes the rows were read from."""
    doc_id = request.url_vars["doc_id"]
    result = await datasette.get_database(DATABASE).execute(
        "SELECT source_url FROM documents WHERE doc_id = ? AND source_url IS NOT NULL LIMIT 1", [doc_id])
    row = result.first()
    if row is None:
        return Response.text("no input file is known for this document", status=404)
    path = _file_of(row["source_url"])
    data = path.read_bytes() if path.is_file() else b""
    if hashlib.sha256(data).hexdigest() != doc_id:
        return Response.text(f"{path.name} has changed (or gone) since it was extracted", status=404)
    kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return Response(data, content_type=kind, headers={"content-disposition": "inline"})


async def serve_css() -> Response:
    return Response(CSS, content_type="text/css; charset=utf-8")


@_hook
def register_routes() -> list[tuple[str, Callable[..., Any]]]:
    return [(SOURCE_ROUTE, serve_source), (f"^{CSS_PATH}$", serve_css)]


@_hook
def extra_css_urls() -> list[str]:
    return [CSS_PATH]


@_hook
def asgi_wrapper() -> Callable[[Any], Any]:
    def wrap(app: Any) -> Any:
        async def wrapped(scope: dict[str, Any], receive: Any, send: Any) -> None:
            if scope.get("type") == "http" and scope.get("path", "").startswith(f"/{DATABASE}/"):
                scope = dict(scope, query_string=rewrite_short_search(scope["path"], scope["query_string"]))
            await app(scope, receive, send)

        return wrapped

    return wrap
