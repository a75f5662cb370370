"""What a person sees during and after a run: a live progress bar and a summary, on stderr."""

from __future__ import annotations

import time
from pathlib import Path

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from extractor.batch.runner import DocEvent, NullObserver, Plan, RunSummary
from extractor.model import Status


class ProgressBar(NullObserver):
    """Documents and pages parsed, rate, ETA and failures, live on stderr."""

    def __init__(self, console: Console) -> None:
        self.progress = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("docs · {task.fields[pages]} pages · {task.fields[rate]} docs/s · ETA"),
            TimeRemainingColumn(),
            TextColumn("· [red]{task.fields[failed]} failed"),
            console=console,
        )
        self._task: TaskID | None = None
        self._hashing: TaskID | None = None
        self._started = time.monotonic()
        self._parsed = self._pages = self._failed = 0

    def __enter__(self) -> ProgressBar:
        self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.stop()

    def hashed(self, done: int, total: int) -> None:
        if self._hashing is None:
            self._hashing = self.progress.add_task("hashing inputs", total=total, pages=0, rate="-", failed=0)
        self.progress.update(self._hashing, completed=done)

    def planned(self, plan: Plan, n_inputs: int) -> None:
        if self._hashing is not None:
            self.progress.remove_task(self._hashing)
        done = len(plan.skip)
        label = f"parsing ({done} of {n_inputs} inputs already done)" if done else "parsing"
        self._started = time.monotonic()
        self._task = self.progress.add_task(label, total=len(plan.parse), pages=0, rate="0.0", failed=0)

    def document(self, event: DocEvent) -> None:
        if event.status == Status.FAILED.value and event.action != "skipped":
            self._failed += 1
        if event.action == "parsed":
            self._parsed += 1
            self._pages += event.n_pages or 0
        if self._task is None:
            return
        rate = self._parsed / max(time.monotonic() - self._started, 1e-6)
        self.progress.update(self._task, completed=self._parsed, pages=self._pages, rate=f"{rate:.1f}",
                             failed=self._failed)

    def phase(self, name: str) -> None:
        if name == "compacting" and self._task is not None:
            self.progress.update(self._task, description="compacting")


def _counts(counter: dict[str, int]) -> str:
    return ", ".join(f"{k} {v}" for k, v in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))) or "none"


_ACTION_WORDS = {"parsed": "parsed", "duplicate": "duplicate paths of those", "reused": "new paths of known bytes",
                 "skipped": "already done", "unreadable": "unreadable"}


def print_summary(console: Console, summary: RunSummary, out_dir: Path) -> None:
    """The end-of-run summary: documents, pages, rows per table, failures by kind."""
    parsed = summary.actions.get("parsed", 0)
    rate = parsed / summary.seconds if summary.seconds else 0.0
    actions = ", ".join(f"{summary.actions[a]} {words}" for a, words in _ACTION_WORDS.items() if summary.actions[a])
    console.print(f"[bold]Documents[/] {summary.inputs} inputs" + (f": {actions}" if actions else ""))
    console.print(f"[bold]Status[/]    {_counts(summary.statuses)}")
    console.print(f"[bold]Pages[/]     {summary.pages} parsed in {summary.seconds:.1f} s ({rate:.1f} docs/s)")
    table = Table("table", "rows written this run", "rows in dataset", box=None, pad_edge=False)
    for name, total in summary.dataset_rows.items():
        table.add_row(name, str(summary.rows_written.get(name, 0)), str(total))
    console.print(table)
    if summary.orphans_removed or summary.paths_lost:
        console.print(f"[bold]Resumed[/]   removed {summary.orphans_removed} uncommitted parts of an interrupted run"
                      + (f"; {summary.paths_lost} documents whose files were gone were extracted again"
                         if summary.paths_lost else ""))
    if summary.failures:
        console.print(f"[bold red]Failed[/] by kind: {_counts(summary.failures)}")
    if summary.worker_peak_rss_mb:
        peaks = summary.worker_peak_rss_mb.values()
        console.print(f"[bold]Workers[/]   {len(peaks)} processes, peak memory {max(peaks):.0f} MB")
    console.print(f"[bold]Output[/]    {out_dir}/<table>/ ({summary.parts} part{'s' if summary.parts != 1 else ''})")
