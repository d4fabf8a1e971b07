"""A progress bar on stderr for long work, silent for --json; when stderr is not a terminal (a
log file, a pipe, CI) a plain line every :data:`PLAIN_EVERY_S` seconds and one at the end."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator

from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from socialops.cli.common import err_console

__all__ = ["PLAIN_EVERY_S", "progress_bar"]

PLAIN_EVERY_S = 10.0


@contextlib.contextmanager
def progress_bar(label: str, enabled: bool = True) -> Iterator[Callable[[int, int], None]]:
    """Yields ``update(done, total)``; draws nothing when disabled.

    The bar appears at the first update, so an error found before any work starts stays a
    single line on stderr. Not on a terminal, it prints ``label: done / total (pct%)`` lines
    instead: at most one per :data:`PLAIN_EVERY_S` seconds, and where it ended.
    """
    bar: Progress | None = None
    task = None
    plain = not err_console.is_terminal
    shown: tuple[int, int] | None = None  # the last plain line's (done, total)
    latest: tuple[int, int] | None = None
    shown_at = 0.0

    def line(done: int, total: int) -> None:
        nonlocal shown, shown_at
        pct = f" ({100 * done / total:.0f}%)" if total else ""
        of = f" / {total:,}" if total else ""
        err_console.print(f"{label}: {done:,}{of}{pct}", highlight=False, soft_wrap=True)
        shown, shown_at = (done, total), time.monotonic()

    def update(done: int, total: int) -> None:
        nonlocal bar, task, latest
        if not enabled:
            return
        if plain:
            latest = (done, total)
            if time.monotonic() - shown_at >= PLAIN_EVERY_S and latest != shown:
                line(done, total)
            return
        if bar is None:
            bar = Progress(
                TextColumn("[bold]{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                TimeRemainingColumn(),
                console=err_console,
            )
            bar.start()
            task = bar.add_task(label, total=None)
        assert task is not None
        bar.update(task, completed=done, total=total or None)

    try:
        yield update
    finally:
        if bar is not None:
            bar.stop()
        if latest is not None and latest != shown:
            line(*latest)  # where it ended
