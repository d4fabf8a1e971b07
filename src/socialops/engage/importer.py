"""Past conversations from a file into the inbox (``socialops inbox import FILE --preset P``).

The file is read by the ``inbox_messages`` import stream
(:mod:`socialops.sources.streams.inbox_messages`: the reader stack, the preset's turns, the
simulated arrival times, the ledger and the quarantine); each batch of its records enters the
inbox through the one way in, :func:`socialops.engage.receive.receive_many` (masking, triage,
contacts, conversations, cases, routing), as :class:`~socialops.engage.receive.Incoming` with
``remote_id = "<thread>:<turn>"``. Before a batch goes in, the ids already stored for the
source are looked up, so the counts say what was new: importing the same file again receives
nothing and counts every conversation as a duplicate."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from sqlalchemy import bindparam, text

from socialops.engage.receive import Incoming, receive_many
from socialops.sources.streams.inbox_messages import (
    InboxFileImport,
    InboxRecord,
    get_inbox_preset,
    import_inbox_file,
)
from socialops.store.workspace import Workspace

__all__ = ["import_conversations", "incoming"]

_STORED = text(
    "SELECT remote_id FROM messages WHERE source = :source AND remote_id IN :ids"
).bindparams(bindparam("ids", expanding=True))


def incoming(record: InboxRecord, *, sample: bool = False) -> Incoming:
    """A stream record as the inbox receives it."""
    return Incoming(
        source=record.source,
        channel=record.channel,
        thread_key=record.thread_key,
        remote_id=record.remote_id,
        author_handle=record.author_handle,
        author_label=record.author_label,
        text=record.text,
        created_at=record.created_at,
        direction=record.direction,
        parent_remote_id=record.parent_remote_id,
        simulated=record.simulated,
        sample=sample,
        lang=record.lang,
    )


def _stored(ws: Workspace, source: str, ids: list[str]) -> set[str]:
    with ws.connect() as conn:
        return {str(r[0]) for r in conn.execute(_STORED, {"source": source, "ids": ids})}


def import_conversations(
    ws: Workspace,
    path: str | Path,
    preset: str = "airline-care",
    *,
    limit: int | None = None,
    every: int = 1,
    now: datetime | None = None,
    progress: Callable[[int, int], None] | None = None,
    taxonomy: str | None = None,
    sample: bool = False,
    file_name: str | None = None,
) -> InboxFileImport:
    """Import the conversations of ``path`` (read with ``preset``) into the inbox.

    ``every``/``limit``: every n-th conversation, at most ``limit`` (a representative slice);
    ``now``: the end of the simulated arrival times; ``taxonomy``: the triage categories
    (default: the preset's, else the workspace's); ``sample``: mark them as sample data.
    Returns the counts (``rows_read = conversations + duplicates + skipped``,
    ``messages = received + already``)."""
    p = get_inbox_preset(preset)
    tax = taxonomy or p.taxonomy

    def deliver(records: list[InboxRecord]) -> set[str]:
        already = _stored(ws, p.source, [r.remote_id for r in records])
        fresh = [incoming(r, sample=sample) for r in records if r.remote_id not in already]
        if fresh:
            receive_many(ws, fresh, taxonomy=tax)
        return already

    return import_inbox_file(
        ws,
        path,
        preset,
        deliver=deliver,
        now=now,
        limit=limit,
        every=every,
        progress=progress,
        file_name=file_name,
    )
