"""The `pia-extract` command line.

    pia-extract run [INPUTS...] --out DIR --workers N     extract into a Parquet dataset (resumable)
    pia-extract status OUT                                what an output directory holds
    pia-extract compact OUT                               merge small parts of an output dataset
    pia-extract query "SQL" OUT | query NAME OUT          DuckDB over the tables (extra `explore`)
    pia-extract export OUT --to csv|xlsx|sqlite           files for Excel, SQLite (extra `explore`)
    pia-extract serve OUT [--port N]                      local web explorer (extra `explore`)
    pia-extract schema                                    the output contract: every column

Exit codes are `extractor.errors.ExitCode` (the README lists them).  The worker processes are
started before this process imports pyarrow and plans the run, so their start-up overlaps it.
"""

from __future__ import annotations

import contextlib
import functools
import os
import signal
import sys
from collections.abc import Callable, Iterator
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, NoReturn

import typer

from extractor.errors import ExitCode, ExtractorError
from extractor.model import ExtractOptions

if TYPE_CHECKING:
    from rich.console import Console

    from extractor.batch.runner import Observer
    from extractor.batch.sandbox import Limits, LocalPool

app = typer.Typer(
    help="Extract Japanese 特定個人情報保護評価書 (PIA) PDFs and text dumps into Parquet tables.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def default_workers() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


DEFAULT_WORKERS = default_workers()


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import PackageNotFoundError, version

        from extractor.model import PARSER_VERSION

        try:
            package = version("pia-extract")
        except PackageNotFoundError:
            package = "(not installed)"
        typer.echo(f"pia-extract {package} (parser {PARSER_VERSION})")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
) -> None:
    """Extract Japanese 特定個人情報保護評価書 (PIA) PDFs and text dumps into Parquet tables."""


def _console(**options: Any) -> Console:
    """A rich console, imported when first needed: a run starts its workers before it loads rich."""
    from rich.console import Console

    return Console(**options)


def _fail(console: Console, message: str, code: int) -> NoReturn:
    console.print(f"[bold red]error:[/] {message}", highlight=False)
    raise typer.Exit(code)


def _raise_interrupt(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt


@contextlib.contextmanager
def _observers(console: Callable[[], Console], quiet: bool, log_json: Path | None
               ) -> Iterator[tuple[Observer, bool]]:
    """Progress (a live bar on a terminal, plain lines otherwise; none if quiet) and the JSON log."""
    from extractor.batch.runner import JsonLogObserver, NullObserver, Observers

    with contextlib.ExitStack() as stack:
        chosen: list[Observer] = []
        if log_json is not None:
            try:
                fh = stack.enter_context(open(log_json, "a", encoding="utf-8"))
            except OSError as exc:
                _fail(console(), f"cannot write the log file {log_json}: {exc.strerror or exc}", ExitCode.USAGE)
            chosen.append(JsonLogObserver(fh))
        if not quiet:
            from extractor.batch.report import PlainProgress, ProgressBar  # rich.progress: not for --quiet

            shown = console()
            chosen.append(stack.enter_context(ProgressBar(shown)) if shown.is_terminal else PlainProgress())
        yield (Observers(*chosen) if chosen else NullObserver()), not quiet


def _resolve_inputs(inputs: list[Path] | None) -> list[Path]:
    if inputs:
        return inputs
    default = Path("samples")
    if not default.exists():
        raise typer.BadParameter("no INPUTS given and there is no samples/ directory here", param_hint="INPUTS")
    return [default]


def _local_pool(paths: list[Path], workers: int, limits: Limits) -> LocalPool:
    """The workers, started before anything heavy is imported (their start-up overlaps the parent's),
    then pyarrow for the parent."""
    from extractor.batch.sandbox import LocalPool

    pool = LocalPool(workers, limits).start(_known_inputs(paths))
    _import_pyarrow_without_numpy()
    return pool


def _import_pyarrow_without_numpy() -> None:
    """pyarrow imports NumPy, when it is installed, only to convert to and from NumPy arrays; a local
    run's parent builds its tables from Python lists and never converts, so it loads pyarrow with NumPy
    hidden (a `None` in `sys.modules` makes its import fail): half of pyarrow's import, ~0.15 s of CPU on
    every run.  Not when either is loaded already (a caller in the same process may want NumPy there);
    NumPy itself can still be imported afterwards."""
    if "pyarrow" in sys.modules or "numpy" in sys.modules:
        return
    sys.modules["numpy"] = None  # type: ignore[assignment]
    try:
        import pyarrow.parquet  # noqa: F401
    finally:
        del sys.modules["numpy"]


def _known_inputs(paths: list[Path]) -> int | None:
    """How many documents the run has, when that is known without walking a directory."""
    return None if any(p.is_dir() for p in paths) else len(paths)


Inputs = Annotated[list[Path] | None, typer.Argument(
    show_default=False,
    help="PDF or text files, or directories searched recursively (.pdf .txt .md .html). Default: samples/")]
Out = Annotated[Path, typer.Option("--out", "-o", help="Output directory: one Parquet dataset per table.")]
Workers = Annotated[int, typer.Option("--workers", "-j", min=1, help="Worker processes (default: all cores).")]
Timeout = Annotated[float, typer.Option(min=1.0, help="Seconds one document may take; then its worker is killed.")]
OcrPageTimeout = Annotated[float, typer.Option(
    "--ocr-page-timeout", min=0.0, help="Seconds added to --timeout for each page read by OCR.")]
MaxMemory = Annotated[int, typer.Option("--max-memory-mb", min=0, help="Memory limit of a worker in MB (0: none).")]
RecycleMemory = Annotated[int, typer.Option(
    "--recycle-memory-mb", min=1, help="Replace a worker whose memory is above this after a document.")]
Force = Annotated[bool, typer.Option("--force", help="Extract again documents already done.")]
RetryFailed = Annotated[bool, typer.Option(
    "--retry-failed", help="Extract again documents that failed before (crashes and timeouts included).")]
Cluster = Annotated[str | None, typer.Option(
    metavar="ADDRESS", help="Run on Dask: tcp://host:8786, or 'local' for a local cluster.")]
PartDocs = Annotated[int, typer.Option(min=1, help="Documents per part file (and per manifest commit).")]
Merge = Annotated[bool, typer.Option("--compact/--no-compact", help="Merge small parts at the end.")]
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="No progress and no summary.")]
LogJson = Annotated[Path | None, typer.Option(metavar="FILE", help="Append one JSON line per input document to FILE.")]


class OcrChoice(str, Enum):
    auto = "auto"
    never = "never"
    always = "always"


Ocr = Annotated[OcrChoice, typer.Option(
    "--ocr", help="OCR scanned pages: auto (pages without a text layer), never, always (every page).")]


@app.command()
def run(inputs: Inputs = None, out: Out = Path("output"), workers: Workers = DEFAULT_WORKERS,
        timeout: Timeout = 120.0, max_memory_mb: MaxMemory = 2048, recycle_memory_mb: RecycleMemory = 1024,
        force: Force = False, retry_failed: RetryFailed = False, cluster: Cluster = None,
        part_docs: PartDocs = 200, merge: Merge = True, quiet: Quiet = False, log_json: LogJson = None,
        ocr: Ocr = OcrChoice.auto, ocr_page_timeout: OcrPageTimeout = 60.0) -> None:
    """Extract documents into OUT/<table>/ Parquet datasets; re-running resumes where it stopped."""
    from extractor.batch.sandbox import Limits

    paths = _resolve_inputs(inputs)
    limits = Limits(timeout_s=timeout, ocr_page_s=ocr_page_timeout, max_memory_mb=max_memory_mb or None,
                    recycle_rss_mb=recycle_memory_mb)
    signal.signal(signal.SIGTERM, _raise_interrupt)
    pool = None if cluster else _local_pool(paths, workers, limits)
    console = functools.cache(lambda: _console(stderr=True))  # rich only when a run prints: not --quiet, or an error
    try:
        from extractor.batch.runner import RunOptions, run_batch

        options = RunOptions(out_dir=out, workers=workers, force=force, retry_failed=retry_failed,
                             cluster=cluster, limits=limits, part_docs=part_docs, merge_parts=merge,
                             extract=ExtractOptions(ocr=ocr.value))
        with _observers(console, quiet, log_json) as (observer, show):
            summary = run_batch(paths, options, observer, pool)
    except KeyboardInterrupt:
        _fail(console(), "interrupted. What was parsed so far is saved; run the same command again to resume.",
              ExitCode.INTERRUPTED)
    except ExtractorError as exc:
        _fail(console(), str(exc), exc.exit_code)
    except Exception as exc:  # a bug: one line, not a traceback; what was committed stays
        _fail(console(), f"internal error: {type(exc).__name__}: {exc} (please report it); what was committed "
              "is saved", ExitCode.RUN_ERROR)
    finally:
        if pool is not None:
            pool.close()
    if not summary.inputs:
        from extractor.batch.report import nothing_found  # rich's tables and progress: only when printed

        console().print(nothing_found(summary, paths), highlight=False)
    elif show:
        from extractor.batch.report import print_summary

        print_summary(console(), summary, out)
    raise typer.Exit(summary.exit_code)


@app.command()
def status(
    out: Annotated[Path, typer.Argument(help="An output directory of `run`.")] = Path("output"),
    limit: Annotated[int, typer.Option("--limit", min=0, help="Documents with warnings to list (0: all).")
                     ] = 50,
) -> None:
    """What an output directory holds: documents by status, failures by kind, rows per table, warnings."""
    from extractor.batch.report import print_status

    console = _console()
    try:
        print_status(console, out, limit)
    except ExtractorError as exc:
        _fail(_console(stderr=True), str(exc), exc.exit_code)


@app.command()
def compact(
    out: Annotated[Path, typer.Argument(exists=True, file_okay=False, help="An output directory of `run`.")],
    target_part_docs: Annotated[int, typer.Option(
        "--target-part-docs", min=1, help="Documents per merged part.")] = 5000,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing on success.")] = False,
) -> None:
    """Merge the small part files of an output dataset and drop rows superseded by later runs."""
    from extractor.batch.runner import compact_output

    console = _console(stderr=True)
    try:
        before, after, rows = compact_output(out, target_part_docs)
    except ExtractorError as exc:
        _fail(console, str(exc), exc.exit_code)
    if not quiet:
        counts = ", ".join(f"{name} {n}" for name, n in rows.items())
        console.print(f"{out}: {before} parts -> {after} parts; rows: {counts}", highlight=False)


@app.command()
def debug(
    pdf: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="A PDF to look at.")],
    page: Annotated[int, typer.Option("--page", "-p", min=1, help="Page number (1-based).")] = 1,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="PNG to write (default: <pdf>.p<N>.png).")] = None,
    dpi: Annotated[int, typer.Option(min=30, max=400, help="Resolution of the PNG.")] = 110,
) -> None:
    """Draw what the layout stage saw on a page (cells, legend boxes, free lines, row numbers) as a PNG."""
    from extractor.layout.debug import debug_page

    console = _console(stderr=True)
    target = out or pdf.with_name(f"{pdf.stem}.p{page}.png")
    try:
        debug_page(pdf, page, target, dpi)
    except ValueError as exc:
        _fail(console, str(exc), ExitCode.USAGE)
    except Exception as exc:  # an unreadable PDF: say so in one line
        _fail(console, f"cannot draw {pdf}: {exc}", ExitCode.DOCUMENTS_FAILED)
    console.print(f"wrote {target}", highlight=False)


# ---------------------------------------------------------------------------- query, export, serve, schema


@contextlib.contextmanager
def _explore_errors(console: Console) -> Iterator[None]:
    """Map the explore errors to exit codes, and a missing optional extra to a one-line hint."""
    from extractor.errors import ExtractorError

    try:
        yield
    except ExtractorError as exc:
        _fail(console, str(exc), exc.exit_code)
    except ModuleNotFoundError as exc:
        _fail(console, f"{exc.name} is not installed: pip install 'pia-extract[explore]'", ExitCode.RUN_ERROR)


def _query_help() -> str:
    from extractor.explore.views import NAMED_QUERIES, VIEWS

    named = "".join(f"\n\n  {q.name}: {q.question}" for q in NAMED_QUERIES.values())
    views = ", ".join(v.name for v in VIEWS)
    return ("Run SQL (DuckDB) over the tables of OUT (documents, systems, files, entrustments, recipients, "
            f"risk_ratings; views {views}). SQL may be the name of an example:{named}\n\n"
            "  e.g. pia-extract query contractors out/;  pia-extract query \"SELECT count(*) FROM documents\" out/")


OutDir = Annotated[Path, typer.Argument(exists=True, file_okay=False, help="An output directory of `run`.")]


@app.command(help=_query_help())
def query(
    sql: Annotated[str, typer.Argument(help="A SQL query, or the name of an example query.")],
    out: OutDir,
    csv: Annotated[bool, typer.Option("--csv", help="Print CSV (lists joined with 、).")] = False,
    json: Annotated[bool, typer.Option("--json", help="Print a JSON array of objects.")] = False,
) -> None:
    from extractor.explore import query as q

    console = _console(stderr=True)
    with _explore_errors(console):
        table = q.run_query(out, sql)
    if csv or json:
        (q.write_json if json else q.write_csv)(table, sys.stdout)
    else:
        q.print_table(table, _console(soft_wrap=True))


@app.command()
def export(
    out: OutDir,
    to: Annotated[Literal["csv", "xlsx", "sqlite"], typer.Option("--to", help="Format.")],
    dest: Annotated[Path | None, typer.Option(help="Directory to write to (default: OUT/export).")] = None,
    ja: Annotated[bool, typer.Option("--ja", help="Japanese column headers (CSV, XLSX).")] = False,
) -> None:
    """Export the tables: CSV (UTF-8 with BOM), one XLSX workbook, or SQLite with full-text search and views."""
    from extractor.explore.export import export as run_export

    console = _console(stderr=True)
    with _explore_errors(console):
        for path in run_export(out, to, dest, ja):
            console.print(f"wrote {path}", highlight=False)


@app.command()
def serve(
    out: OutDir,
    port: Annotated[int, typer.Option(min=0, max=65535, help="Port on 127.0.0.1 (0: any free port).")] = 8001,
    dest: Annotated[Path | None, typer.Option(help="Where the SQLite database is kept (default: OUT/export).")
                    ] = None,
) -> None:
    """Browse the tables in a local web explorer (Datasette) on 127.0.0.1; Ctrl-C stops it."""
    from extractor.explore.serve import serve as run_serve

    with _explore_errors(_console(stderr=True)):
        run_serve(out, port, dest, announce=lambda url: print(url, flush=True))


@app.command()
def schema(
    table: Annotated[str | None, typer.Argument(help="Only this table.")] = None,
) -> None:
    """Print the output contract: every table and column, with its Japanese label and meaning."""
    from extractor.explore.contract import contract_text

    with _explore_errors(_console(stderr=True)):
        print(contract_text(table), end="")


if __name__ == "__main__":  # pragma: no cover - `python -m extractor.cli`
    app()
