"""How far the preparation of the sample data has come (``<workspace>/sample-data.json``).

The first ``socialops serve --sample-data`` opens the server at once and prepares the sample data
in a background process, in stages: first a small, representative sample (every small file
and an evenly spread slice of the large one, enriched, with the demo topics: usable in well under
a minute), then the rest, then the reports and example plans. That process writes this file as it
goes (whole-file replace, so a reader never sees half of it); the web's progress page and the
banner on every workspace page read it; the next ``serve`` resumes a preparation that did not
finish (imports skip what is there, enrichment does only what is new).
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

__all__ = ["FILE", "STAGES", "SampleProgress", "read_progress"]

FILE = "sample-data.json"
# the stages in order; "sample" ends with the workspace usable
STAGES = ("sample", "all", "reports")
_MIN_WRITE_S = 0.5  # progress is written at most this often (and at every stage change)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass
class SampleProgress:
    """The state of one preparation; :meth:`save` writes it to ``root``."""

    root: Path
    stages: list[str]
    stage: str = "sample"  # the stage running now ("done" at the end)
    step: str = ""  # what runs in the stage now: a file name, "enrich", "reports", …
    done: int = 0  # of ``total`` units of the step (rows, posts)
    total: int = 0
    usable: bool = False  # the sample stage has ended: pages have data
    posts: int = 0  # posts enriched so far
    started_at: str = field(default_factory=_now)
    updated_at: str = field(default_factory=_now)
    finished_at: str | None = None
    error: str | None = None  # a failed preparation's error (in the CLI's language)
    pid: int = field(default_factory=os.getpid)
    _written: float = 0.0

    @property
    def finished(self) -> bool:
        return self.stage == "done"

    @property
    def stopped(self) -> bool:
        """Not finished, and the process that wrote it is gone (the server was stopped): the
        next start resumes it."""
        if self.finished:
            return False
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return True
        except PermissionError:  # alive, someone else's
            return False
        return False

    @property
    def percent(self) -> int | None:
        return int(100 * self.done / self.total) if self.total > 0 else None

    def begin(self, stage: str) -> None:
        self.stage, self.step, self.done, self.total = stage, "", 0, 0
        self.save(force=True)

    def update(self, step: str, done: int, total: int) -> None:
        self.step, self.done, self.total = step, done, total
        self.save()

    def finish(self) -> None:
        self.stage, self.step, self.done, self.total = "done", "", 0, 0
        self.finished_at = _now()
        self.save(force=True)

    def fail(self, message: str) -> None:
        self.error = message
        self.save(force=True)

    def to_dict(self) -> dict[str, Any]:
        out = {k: v for k, v in asdict(self).items() if not k.startswith("_") and k != "root"}
        out["finished"] = self.finished
        out["stopped"] = self.stopped
        out["percent"] = self.percent
        return out

    def save(self, *, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._written < _MIN_WRITE_S:
            return
        self._written = now
        self.updated_at = _now()
        tmp = self.root / f".{FILE}.{os.getpid()}"
        tmp.write_text(json.dumps(self.to_dict(), ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, self.root / FILE)


def read_progress(root: Path) -> SampleProgress | None:
    """The preparation recorded in workspace folder ``root``, or ``None`` when there is none
    (or its file cannot be read: it is only a progress display)."""
    try:
        raw = json.loads((root / FILE).read_text(encoding="utf-8"))
        fields = {k: raw[k] for k in SampleProgress.__dataclass_fields__ if k in raw}
        fields.pop("root", None)
        fields.pop("_written", None)
        return SampleProgress(root=root, **fields)
    except (OSError, ValueError, TypeError, KeyError):
        return None
