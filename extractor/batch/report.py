"""What a person sees: live progress (a bar on a terminal, plain lines in a log), the summary, `status`."""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from extractor.batch.dataset import Recovery, dataset_row_counts, warn_shadowing_files
from extractor.batch.manifest import MANIFEST_NAME, Manifest
from extractor.batch.runner import DocEvent, NullObserver, RunSummary
from extractor.errors import RunError
from extractor.model import Status

PLAIN_EVERY_S = 5.0


class _Tally:
    def __init__(self) -> None:
        self.started = time.monotonic()
        self.inputs = self.parsed = self.pages = self.failed = 0

    def add(self, event: DocEvent) -> None:
        self.inputs += 1
        if event.status == Status.FAILED.value:
            self.failed += 1
        if event.action == "parsed":
            self.parsed += 1
            self.pages += event.n_pages or 0

    def line(self) -> str:
        elapsed = max(time.monotonic() - self.started, 1e-6)
        return (f"{self.inputs} inputs done ({self.parsed} parsed, {self.pages} pages, "
                f"{self.parsed / elapsed:.1f} docs/s), {self.failed} failed, {elapsed:.0f} s")


class ProgressBar(NullObserver):
    """Inputs done, documents and pages parsed, rate and failures, live on a terminal."""

    def __init__(self, console: Console) -> None:
        self.progress = Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(pulse_style="cyan"),
                                 TextColumn("{task.fields[line]}"), TimeElapsedColumn(), console=console)
        self._task: TaskID | None = None
        self._tally = _Tally()

    def __enter__(self) -> ProgressBar:
        self.progress.start()
        self._task = self.progress.add_task("extracting", total=None, line="starting")
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.stop()

    def document(self, event: DocEvent) -> None:
        self._tally.add(event)
        if self._task is not None:
            self.progress.update(self._task, line=self._tally.line())

    def phase(self, name: str) -> None:
        if self._task is not None:
            self.progress.update(self._task, description=name)


class PlainProgress(NullObserver):
    """One line every few seconds on stderr when it is not a terminal (a batch log)."""

    def __init__(self, stream: TextIO | None = None, every_s: float = PLAIN_EVERY_S) -> None:
        self.stream, self.every_s = stream or sys.stderr, every_s
        self._tally = _Tally()
        self._last = time.monotonic()

    def _say(self, text: str) -> None:
        self.stream.write(f"{time.strftime('%H:%M:%S')} {text}\n")
        self.stream.flush()

    def started(self, recovery: Recovery) -> None:
        for line in recovery_lines(recovery):
            self._say(line)
        self._say("extracting")

    def document(self, event: DocEvent) -> None:
        self._tally.add(event)
        if time.monotonic() - self._last >= self.every_s:
            self._last = time.monotonic()
            self._say(self._tally.line())

    def phase(self, name: str) -> None:
        self._say(f"{self._tally.line()}; {name}")


def recovery_lines(rec: Recovery) -> list[str]:
    lines = []
    if rec.manifest_rebuilt:
        lines.append(f"rebuilt the manifest from the part files: {rec.manifest_rebuilt}")
    if rec.staged_discarded or rec.staged_published:
        lines.append(f"an interrupted run was completed: {rec.staged_published} committed parts published, "
                     f"{rec.staged_discarded} uncommitted parts discarded")
    for why in rec.quarantined or []:
        lines.append(f"damaged part moved to _quarantine/: {why}")
    if rec.documents_redone:
        lines.append(f"{rec.documents_redone} documents whose rows were in damaged parts are extracted again")
    return lines


def _counts(counter: dict[str, int]) -> str:
    return ", ".join(f"{k} {v}" for k, v in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))) or "none"


_ACTION_WORDS = {"parsed": "parsed", "duplicate": "duplicates of those", "reused": "new paths of known bytes",
                 "skipped": "already done", "unreadable": "not readable"}


def nothing_found(summary: RunSummary, inputs: Sequence[Path]) -> str:
    where = ", ".join(str(p) for p in inputs[:3]) + (" ..." if len(inputs) > 3 else "")
    skipped = f" ({sum(summary.skipped_files.values())} other files left out: {_counts(summary.skipped_files)})" \
        if summary.skipped_files else ""
    return f"error: no input documents (.pdf .txt .md .html) found in {where}{skipped}"


def _problem_lines(console: Console, summary: RunSummary) -> None:
    shown = summary.problems
    console.print(f"[bold]Problems[/]  {summary.n_problems} failed or partial"
                  + (f"; the first {len(shown)}:" if summary.n_problems > len(shown) else ":"))
    for event in shown:
        reason = event.warnings[0] if event.warnings else ""
        kind = event.error_kind or event.status
        console.print(f"  {event.source_path}: {kind}: {reason}", highlight=False, markup=False)
    if summary.n_problems > len(shown):
        console.print("  (all of them, with every warning: --log-json FILE, or `pia-extract status OUT`)")


def print_summary(console: Console, summary: RunSummary, out_dir: Path) -> None:
    """The end-of-run summary: documents, pages, rows per table, failures by kind and by file."""
    for line in recovery_lines(summary.recovery):
        console.print(f"[bold]Repaired[/]  {line}", highlight=False)
    parsed = summary.actions.get("parsed", 0)
    rate = parsed / summary.seconds if summary.seconds else 0.0
    actions = ", ".join(f"{summary.actions[a]} {words}" for a, words in _ACTION_WORDS.items() if summary.actions[a])
    console.print(f"[bold]Documents[/] {summary.inputs} inputs: {actions}")
    console.print(f"[bold]Status[/]    {_counts(summary.statuses)}")
    console.print(f"[bold]Pages[/]     {summary.pages} parsed in {summary.seconds:.1f} s ({rate:.1f} docs/s)")
    table = Table("table", "rows written this run", "rows in dataset", box=None, pad_edge=False)
    for name, total in summary.dataset_rows.items():
        table.add_row(name, str(summary.rows_written.get(name, 0)), str(total))
    console.print(table)
    if summary.failures:
        console.print(f"[bold red]Failed[/] by kind: {_counts(summary.failures)}")
    if summary.not_retried:
        n = sum(summary.not_retried.values())
        console.print(f"[bold]Not retried[/] {n} documents that failed in an earlier run "
                      f"({_counts(summary.not_retried)}); add --retry-failed to try them again")
    if summary.n_problems:
        _problem_lines(console, summary)
    if summary.worker_peak_rss_mb:
        peaks = summary.worker_peak_rss_mb.values()
        console.print(f"[bold]Workers[/]   {len(peaks)} processes, peak memory {max(peaks):.0f} MB")
    for shadow in warn_shadowing_files(out_dir):
        console.print(f"[bold]Warning[/]   {shadow} exists; readers that look for it first will not see the "
                      "dataset beside it. Remove it if it is left over.", highlight=False)
    console.print(f"[bold]Output[/]    {out_dir}/<table>/ ({summary.parts} part{'s' if summary.parts != 1 else ''})")


def print_status(console: Console, out_dir: Path, limit: int) -> None:
    """`pia-extract status OUT`: the dataset's counts and the documents that have warnings."""
    path = out_dir / MANIFEST_NAME
    if not path.exists():
        raise RunError(f"{out_dir} has no pia-extract manifest; it is not an output directory of `run`")
    manifest = Manifest(path)
    try:
        counts = manifest.counts()
        console.print(f"[bold]Documents[/] {sum(counts['status'].values())}: {_counts(counts['status'])}; "
                      f"{counts['totals']['paths']} input paths")
        if counts["failed"]:
            console.print(f"[bold red]Failed[/] by kind: {_counts(counts['failed'])}")
        rows = dataset_row_counts(out_dir)
        console.print("[bold]Rows[/]      " + ", ".join(f"{name} {n}" for name, n in rows.items()))
        console.print(f"[bold]Parts[/]     {counts['totals']['parts']}")
        listed = 0
        for source_path, status, kind, warnings in manifest.documents_with_warnings():
            if limit and listed >= limit:
                console.print(f"... more; `pia-extract status {out_dir} --limit 0` lists them all")
                break
            listed += 1
            console.print(f"{status:8} {source_path}" + (f" [{kind}]" if kind else ""), highlight=False, markup=False)
            for warning in warnings:
                console.print(f"         - {warning}", highlight=False, markup=False)
    finally:
        manifest.close()
