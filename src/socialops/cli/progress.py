"""A progress bar on stderr for long work, silent for --json and when not a terminal."""

from __future__ import annotations

import contextlib
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

__all__ = ["progress_bar"]


@contextlib.contextmanager
def progress_bar(label: str, enabled: bool = True) -> Iterator[Callable[[int, int], None]]:
    """Yields ``update(done, total)``; draws nothing when disabled.

    The bar appears at the first update, so an error found before any work starts stays a
    single line on stderr.
    """
    bar: Progress | None = None
    task = None

    def update(done: int, total: int) -> None:
        nonlocal bar, task
        if not enabled:
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
