"""Topic names stay unique (case-insensitively) with writers in two OS processes, on SQLite and
PostgreSQL: the check and the insert are one serialised write transaction."""

from __future__ import annotations

import multiprocessing
import traceback
from pathlib import Path
from typing import Any

from socialops.errors import TopicError
from socialops.listen.topics import add_topic, list_topics
from socialops.store.workspace import Workspace


def add_one(root: str, name: str, barrier: Any, out: Any) -> None:
    """In a spawned process: add topic ``name`` once the other process is ready too."""
    try:
        ws = Workspace.open(Path(root), create=False)
        barrier.wait(timeout=120)
        try:
            add_topic(ws, name, name.lower())
            out.put((name, "added"))
        except TopicError as exc:
            out.put((name, exc.code))
    except BaseException:
        out.put((name, "crash: " + traceback.format_exc()))


def test_two_processes_add_one_name(database: str, tmp_path: Path) -> None:
    ws = Workspace.open(tmp_path / "ws")
    ctx = multiprocessing.get_context("spawn")
    barrier, out = ctx.Barrier(2), ctx.Queue()
    names = ("United", "UNITED")
    procs = [ctx.Process(target=add_one, args=(str(ws.root), n, barrier, out)) for n in names]
    for p in procs:
        p.start()
    try:
        reports = dict(out.get(timeout=240) for _ in procs)
    finally:
        for p in procs:
            p.join(timeout=60)
            if p.is_alive():
                p.kill()
    assert sorted(reports.values()) == ["added", "topic.exists"], reports
    winner = next(n for n, r in reports.items() if r == "added")
    assert [t.name for t in list_topics(ws)] == [winner]
