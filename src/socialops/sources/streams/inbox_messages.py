"""The ``inbox_messages`` stream: past customer-care conversations from a file into the inbox.

A preset (``sources/presets/<name>.json`` with ``"kind": "inbox_messages"``) names the columns
of a *turns* file — one conversation a row: its thread id, the customer's first message and the
turns that followed, each ``<cust__ … __cust>`` (the customer, ``in``) or ``<rep__ … __rep>``
(the brand, ``out``). Each turn becomes one :class:`InboxRecord` keyed ``(source, remote_id)``
with ``remote_id = f"{thread}:{turn index}"``, so importing a file again stores nothing twice
(``on_repeat="duplicate"``). Placeholders the data set left for anonymised names
(``__company__`` …) are written as the preset says; a leading mention is dropped (a reply's
addressee), HTML entities are decoded.

Times: such files have none. The preset's ``times`` block makes them up — deterministically
from the thread id, so a re-import gives the same times — over the last ``days`` days before
``now``, mostly in business hours on weekdays (``in_hours_share``, in ``zone``), replies minutes
after the message they answer; every record says ``simulated=True`` and no time is after
``now``.

The stream reads through the one reader stack and records the import in the ledger, but the
inbox lies above this layer: :func:`import_inbox_file` hands each batch to a ``deliver``
callable (the inbox's importer passes one that calls ``engage.receive.receive_many``) which
answers which ``remote_id`` were stored before. Counts add up:
``rows_read = conversations + duplicates + skipped`` (a row is a duplicate when it repeats a
thread earlier in the file or all its messages were stored before) and
``messages = received + already``.
"""

from __future__ import annotations

import html
import json
import random
import re
import zlib
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from socialops.domain.instants import iso_utc
from socialops.errors import InputFileError, UnknownPresetError
from socialops.sources import ledger
from socialops.sources.presets.metrics import norm_header
from socialops.sources.readers import RawRecord, open_source
from socialops.sources.streams import Stream, register
from socialops.store.workspace import Workspace

__all__ = [
    "INBOX_FIELDS",
    "PRESETS",
    "STREAM",
    "InboxFileImport",
    "InboxPreset",
    "InboxRecord",
    "get_inbox_preset",
    "import_inbox_file",
    "parse_turns",
]

BATCH_ROWS = 1_000
MAX_REJECTS_KEPT = 200
_PRESET_NAMES = ("airline-care",)
_TURN = re.compile(r"<(cust|rep)__(.*?)__(cust|rep)>", re.S)
_PLACEHOLDER = re.compile(r"__([A-Za-z][A-Za-z0-9_]*?)__")
_LEADING = re.compile(r"^(?:\s*(?:__[A-Za-z_]+?__|@\w+)[\s,:]*)+")
_SPACES = re.compile(r"[ \t\u00a0]+")

INBOX_FIELDS = (
    "source",
    "channel",
    "thread_key",
    "remote_id",
    "parent_remote_id",
    "direction",
    "author_handle",
    "author_label",
    "text",
    "created_at",
    "simulated",
    "lang",
)


@dataclass(frozen=True)
class InboxRecord:
    """One message of a conversation, as the inbox receives it (``engage.receive.Incoming``)."""

    source: str
    channel: str
    thread_key: str
    remote_id: str
    parent_remote_id: str | None
    direction: str  # in | out
    author_handle: str
    author_label: str
    text: str
    created_at: str
    simulated: bool
    lang: str


@dataclass(frozen=True)
class InboxPreset:
    name: str
    description_ko: str
    description_en: str
    channel: str
    lang: str
    columns: dict[str, tuple[str, ...]]
    required: tuple[str, ...]
    placeholders: dict[str, str]
    times: dict[str, Any]
    taxonomy: str | None = None  # the triage taxonomy of its messages (None: the workspace's)

    @property
    def source(self) -> str:
        return f"import:{self.name}"

    def locate(self, header: list[str]) -> dict[str, int]:
        normed = [norm_header(h) for h in header]
        out: dict[str, int] = {}
        for fld, aliases in self.columns.items():
            for alias in aliases:
                if norm_header(alias) in normed:
                    out[fld] = normed.index(norm_header(alias))
                    break
        return out


@cache
def _load(name: str) -> InboxPreset:
    raw = json.loads(
        resources.files("socialops.sources.presets").joinpath(f"{name}.json").read_text("utf-8")
    )
    return InboxPreset(
        name=raw["name"],
        description_ko=raw["description_ko"],
        description_en=raw["description_en"],
        channel=raw["channel"],
        lang=raw.get("lang", "auto"),
        columns={k: tuple(v) for k, v in raw["columns"].items()},
        required=tuple(raw["required"]),
        placeholders=dict(raw.get("placeholders", {})),
        times=dict(raw.get("times", {})),
        taxonomy=raw.get("taxonomy"),
    )


PRESETS: dict[str, InboxPreset] = {n: _load(n) for n in _PRESET_NAMES}


def get_inbox_preset(name: str) -> InboxPreset:
    if name not in PRESETS:
        raise UnknownPresetError(
            code="sources.unknown_preset", name=name[:60], choices=_PRESET_NAMES
        )
    return PRESETS[name]


# -- parsing -------------------------------------------------------------------------------------
def clean_text(raw: str, placeholders: dict[str, str]) -> str:
    """A turn's text as people read it: the leading addressee dropped, placeholders written out,
    HTML entities decoded, runs of spaces collapsed."""
    s = _LEADING.sub("", raw.strip())
    s = _PLACEHOLDER.sub(lambda m: placeholders.get(m.group(0), "@" + m.group(1)), s)
    s = html.unescape(s)
    return _SPACES.sub(" ", s).strip()


def parse_turns(first: str, context: str) -> list[tuple[int, str, str]] | None:
    """``(turn index, "in"|"out", raw text)`` of a row's turns, in order; None when the row is
    not made of turns (text outside the markers, a marker that closes as the other party, or
    no first turn)."""
    out: list[tuple[int, str, str]] = []
    for part in (first, context):
        if _TURN.sub("", part).strip():
            return None
        for opened, body, closed in _TURN.findall(part):
            if opened != closed:
                return None
            out.append((len(out), "in" if opened == "cust" else "out", body))
    if not first.strip() or not out:
        return None
    return out


def thread_id(value: str) -> str:
    """``792.0`` (a spreadsheet's float) → ``792``; other ids as they are."""
    v = value.strip()
    if re.fullmatch(r"\d+\.0+", v):
        return v.split(".", 1)[0]
    return v


# -- simulated times -----------------------------------------------------------------------------
def _weekday_days(now_local: datetime, days: int) -> list[datetime]:
    start = now_local.replace(hour=0, minute=0, second=0, microsecond=0)
    all_days = [start - timedelta(days=d) for d in range(days)]
    return [d for d in all_days if d.weekday() < 5] or all_days


def simulated_times(thread: str, turns: int, now: datetime, cfg: dict[str, Any]) -> list[datetime]:
    """Arrival times (UTC) of a conversation's ``turns``: deterministic from ``thread``, within
    the last ``cfg["days"]`` days, mostly in business hours, never after ``now``."""
    rng = random.Random(zlib.crc32(thread.encode("utf-8")))
    zone = ZoneInfo(str(cfg.get("zone", "Asia/Seoul")))
    days = max(1, int(cfg.get("days", 7)))
    lo, hi = (int(h) for h in cfg.get("hours", (9, 18)))
    local_now = now.astimezone(zone)
    if rng.random() < float(cfg.get("in_hours_share", 0.85)):
        day = rng.choice(_weekday_days(local_now, days))
        start = day + timedelta(seconds=rng.randrange(lo * 3600, hi * 3600 - 1800))
    else:
        day = local_now.replace(hour=0, minute=0, second=0, microsecond=0) - timedelta(
            days=rng.randrange(days)
        )
        start = day + timedelta(seconds=rng.randrange(24 * 3600))
    times = [start]
    for k in range(1, turns):
        # a reply a few minutes to two hours later; a customer's next word sooner
        gap = rng.lognormvariate(3.0, 0.9) if k % 2 else rng.lognormvariate(2.0, 1.0)
        times.append(times[-1] + timedelta(seconds=int(60 * min(gap, 240.0))))
    late = times[-1] - local_now
    if late > timedelta(0):
        back = timedelta(days=late.days + 1)
        times = [t - back for t in times]
    return [t.astimezone(UTC) for t in times]


# -- the import ----------------------------------------------------------------------------------
@dataclass
class InboxFileImport:
    """What an import did; ``rows_read = conversations + duplicates + skipped`` and
    ``messages = received + already``."""

    import_id: str
    file: str
    preset: str
    source: str
    rows_read: int = 0
    conversations: int = 0  # rows that brought at least one new message
    duplicates: int = 0  # rows repeated in the file or stored before
    skipped: int = 0  # quarantined, with reasons
    reasons: dict[str, int] = field(default_factory=dict)
    messages: int = 0  # messages in the delivered rows
    received: int = 0  # stored now
    already: int = 0  # stored before (same source + remote_id)
    simulated: bool = True
    rejects: list[dict[str, Any]] = field(default_factory=list)
    started_at: str = ""
    finished_at: str = ""
    elapsed_s: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


#: ``deliver(records) -> the remote ids among them that were stored before``
Deliver = Callable[[list[InboxRecord]], set[str]]


def _row_records(
    fields: dict[str, str], p: InboxPreset, now: datetime
) -> tuple[str, list[InboxRecord]] | tuple[str, str]:
    """A row's records, or ``("", reason)`` for a row to skip."""
    thread = thread_id(fields.get("thread", ""))
    if not thread:
        return "", "missing_thread"
    turns = parse_turns(fields.get("first", ""), fields.get("turns", ""))
    if turns is None:
        return "", "bad_turns"
    times = simulated_times(thread, len(turns), now, p.times)
    records: list[InboxRecord] = []
    parent: str | None = None
    for index, direction, body in turns:
        text = clean_text(body, p.placeholders)
        if not text:
            continue  # a turn that was only a mention: its index stays unused
        rid = f"{thread}:{index}"
        records.append(
            InboxRecord(
                source=p.source,
                channel=p.channel,
                thread_key=thread,
                remote_id=rid,
                parent_remote_id=parent,
                direction=direction,
                author_handle=f"cust{thread}" if direction == "in" else "brand",
                author_label=f"@cust{thread}" if direction == "in" else "",
                text=text,
                created_at=iso_utc(times[index]),
                simulated=bool(p.times.get("simulated", True)),
                lang=p.lang,
            )
        )
        parent = rid
    if not records or records[0].direction != "in":
        return "", "empty_turns"
    return thread, records


def import_inbox_file(
    ws: Workspace,
    path: str | Path,
    preset: str,
    *,
    deliver: Deliver,
    now: datetime | None = None,
    limit: int | None = None,
    every: int = 1,
    progress: Callable[[int, int], None] | None = None,
    file_name: str | None = None,
) -> InboxFileImport:
    """Import a turns file with ``preset``; every batch of records goes to ``deliver``.

    ``every``/``limit``: take every n-th conversation, at most ``limit`` of them (a
    representative slice: the demo). ``now``: the end of the simulated times (default: now).
    ``progress(done, total)``: in the reader's unit (bytes of the file)."""
    p = get_inbox_preset(preset)
    path = Path(path)
    name = (file_name or path.name)[:200]
    when = (now or datetime.now(UTC)).astimezone(UTC)
    started = ledger.now()
    clock = datetime.now(UTC)
    with open_source(path) as src:
        header = list(src.columns)
        col = p.locate(header)
        missing = [f for f in p.required if f not in col]
        if missing:
            raise InputFileError(
                code="inbox.import_columns",
                preset=p.name,
                file=name,
                missing=", ".join(f"{f} ({' / '.join(p.columns[f])})" for f in missing),
                found=", ".join(header[:12]),
            )
        res = InboxFileImport(
            import_id=ledger.new_import_id("i"),
            file=name,
            preset=p.name,
            source=p.source,
            simulated=bool(p.times.get("simulated", True)),
            started_at=started,
        )
        sha = ledger.sha256_file(path)
        with ws.begin() as tx:
            ledger.start(
                tx,
                import_id=res.import_id,
                stream=STREAM.name,
                source_path=name,
                sha256=sha,
                preset=p.name,
                format=src.format,
                encoding=src.encoding,
                delimiter=src.delimiter,
                timezone=str(p.times.get("zone", "UTC")),
                options={"every": every, "limit": limit, "simulated": res.simulated},
                started_at=started,
            )
        seen: set[str] = set()
        taken = 0
        step = max(1, every)
        for batch in src.batches(BATCH_ROWS):
            rows: list[tuple[str, list[InboxRecord]]] = []
            bad: list[ledger.QuarantineRow] = []
            counts: Counter[str] = Counter()
            for rec in batch:
                if limit is not None and taken >= limit:
                    break
                if rec.row % step:
                    continue  # not in the slice
                res.rows_read += 1
                counts["rows_read"] += 1
                if rec.values is None:
                    _skip(res, bad, rec, rec.reason or "malformed", counts)
                    continue
                fields = {f: str(rec.values.get(header[i]) or "") for f, i in col.items()}
                made = _row_records(fields, p, when)
                thread, out = made
                if not thread:
                    _skip(res, bad, rec, str(out), counts)
                    continue
                if thread in seen:
                    res.duplicates += 1
                    counts["duplicates"] += 1
                    continue
                seen.add(thread)
                taken += 1
                assert isinstance(out, list)
                rows.append((thread, out))
            _deliver_rows(ws, rows, deliver, res, counts)
            with ws.begin() as tx:
                ledger.quarantine(tx, sha, res.import_id, name, bad)
                ledger.add_counts(tx, res.import_id, **counts)
            if progress is not None:
                progress(*src.position())
            if limit is not None and taken >= limit:
                break
        res.reasons = dict(sorted(res.reasons.items()))
        res.finished_at = ledger.now()
        res.elapsed_s = (datetime.now(UTC) - clock).total_seconds()
        with ws.begin() as tx:
            ledger.finish(tx, res.import_id, "done", rejects=res.rejects)
    assert res.rows_read == res.conversations + res.duplicates + res.skipped
    assert res.messages == res.received + res.already
    return res


def _skip(
    res: InboxFileImport,
    bad: list[ledger.QuarantineRow],
    rec: RawRecord,
    reason: str,
    counts: Counter[str],
) -> None:
    res.skipped += 1
    counts["rejected"] += 1
    counts["quarantined"] += 1
    res.reasons[reason] = res.reasons.get(reason, 0) + 1
    bad.append((rec.row, reason, rec.detail or "", rec.raw_text()))
    if len(res.rejects) < MAX_REJECTS_KEPT:
        line = rec.line if rec.line is not None else rec.row + 1
        res.rejects.append({"line": line, "reason": reason})


def _deliver_rows(
    ws: Workspace,
    rows: Sequence[tuple[str, list[InboxRecord]]],
    deliver: Deliver,
    res: InboxFileImport,
    counts: Counter[str],
) -> None:
    if not rows:
        return
    records = [r for _, recs in rows for r in recs]
    already = deliver(records)
    res.messages += len(records)
    res.already += len(already)
    res.received += len(records) - len(already)
    for _, recs in rows:
        if all(r.remote_id in already for r in recs):
            res.duplicates += 1
            counts["duplicates"] += 1
        else:
            res.conversations += 1
            counts["imported"] += 1


def _presets() -> list[str]:
    return list(_PRESET_NAMES)


STREAM = register(
    Stream(
        name="inbox_messages",
        table="messages",
        key=("source", "remote_id"),
        fields=INBOX_FIELDS,
        on_repeat="duplicate",
        presets=_presets,
        time="none in the file: simulated arrival times over the last days (marked simulated)",
        run=import_inbox_file,
    )
)
