"""The ``outcomes`` stream: daily or weekly KPI series (sales, orders, sign-ups…), by region,
product or channel, into table ``outcomes`` (metric, dimension, date, grain, value).

A file is *wide* (one column per metric: ``일자, 지역, 매출, 주문수``) or *long* (``date,
metric, value``); the preset (``sources/presets/outcomes.json``) names the columns in Korean and
English. A ``date`` column makes daily rows, a ``week`` column weekly ones (the week's first
day, or an ISO week ``2024-W05``). ``dimension`` is ``''`` for the total and
``region:서울`` (several: ``product:A|region:서울``) otherwise.

Key ``(metric, dimension, date)``; a key stored before is updated in place. A bad row is
quarantined whole (file, row, reason: ``bad_date``, ``bad_number``, ``missing_value``,
``duplicate`` — a key repeated within the file —, ``column_count``) and nothing of it is
written. Counts are per file row and add up: ``rows_read = imported + updated + quarantined``
(a row is ``updated`` when one of its keys was stored before); ``values`` counts the values
written; ``rejects`` lists the first bad rows (``detail`` in English, ``coded`` for
:func:`socialops.sources.ledger.detail_text` in the reader's language). One write
transaction: nothing is half-written.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, text

from socialops import settings
from socialops.errors import InputFileError, UnknownPresetError
from socialops.sources import ledger
from socialops.sources.outcome_rows import EMPTY, parse_value, parse_week
from socialops.sources.presets.metrics import norm_header
from socialops.sources.readers import RawRecord, open_source
from socialops.sources.streams import Stream, register
from socialops.store.workspace import Workspace

__all__ = ["PRESETS", "STREAM", "OutcomePreset", "OutcomesImport", "get_preset", "import_outcomes"]

PRESETS = ("outcomes",)
DIMENSIONS = ("region", "product", "channel")
MAX_REJECTS_KEPT = 200
BATCH_ROWS = 10_000


@dataclass(frozen=True)
class OutcomePreset:
    name: str
    description_ko: str
    description_en: str
    columns: dict[str, tuple[str, ...]]
    metrics: dict[str, tuple[str, ...]]
    mapping: dict[str, dict[str, str]]

    def find(self, header: list[str], aliases: tuple[str, ...]) -> int | None:
        normed = [norm_header(h) for h in header]
        for alias in aliases:
            key = norm_header(alias)
            if key in normed:
                return normed.index(key)
        return None

    def to_dict(self, lang: str = "ko") -> dict[str, Any]:
        en = lang == "en"
        return {
            "name": self.name,
            "kind": "outcomes",
            "description": self.description_en if en else self.description_ko,
            "columns": {k: list(v) for k, v in self.columns.items()},
            "metrics": {k: list(v) for k, v in self.metrics.items()},
            "mapping": {k: v["en" if en else "ko"] for k, v in self.mapping.items()},
        }


@cache
def get_preset(name: str = "outcomes") -> OutcomePreset:
    if name not in PRESETS:
        raise UnknownPresetError(code="outcomes.unknown_preset", name=name[:60], choices=PRESETS)
    raw = json.loads(
        resources.files("socialops.sources.presets").joinpath(f"{name}.json").read_text("utf-8")
    )
    return OutcomePreset(
        name=raw["name"],
        description_ko=raw["description_ko"],
        description_en=raw["description_en"],
        columns={k: tuple(v) for k, v in raw["columns"].items()},
        metrics={k: tuple(v) for k, v in raw["metrics"].items()},
        mapping=dict(raw.get("mapping", {})),
    )


@dataclass
class OutcomesImport:
    import_id: str
    file: str
    sha256: str
    preset: str
    encoding: str
    delimiter: str
    layout: str  # wide | long
    grain: str  # day | week
    metrics: list[str] = field(default_factory=list)
    rows_read: int = 0
    imported: int = 0
    updated: int = 0
    quarantined: int = 0
    values: int = 0
    reasons: dict[str, int] = field(default_factory=dict)
    rejects: list[dict[str, Any]] = field(default_factory=list)
    started_at: str = ""
    finished_at: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class _Layout:
    date: int
    grain: str
    dims: list[tuple[str, int]]
    metrics: list[tuple[str, int]]  # wide: (metric, column)
    metric_col: int | None = None  # long
    value_col: int | None = None


def _layout(p: OutcomePreset, header: list[str], name: str) -> _Layout:
    found = ", ".join(header[:12])[:300]
    day, week = p.find(header, p.columns["date"]), p.find(header, p.columns["week"])
    if day is None and week is None:
        raise InputFileError(code="outcomes.no_date", file=name, found=found)
    dims = [(d, i) for d in DIMENSIONS if (i := p.find(header, p.columns[d])) is not None]
    base = _Layout(date=day if day is not None else week or 0, grain="day", dims=dims, metrics=[])
    if day is None:
        base.grain = "week"
    mcol, vcol = p.find(header, p.columns["metric"]), p.find(header, p.columns["value"])
    if mcol is not None and vcol is not None:
        base.metric_col, base.value_col = mcol, vcol
        return base
    base.metrics = [(m, i) for m, al in p.metrics.items() if (i := p.find(header, al)) is not None]
    if not base.metrics:
        raise InputFileError(
            code="outcomes.no_metric", file=name, found=found, known=", ".join(p.metrics)
        )
    return base


class _Bad(Exception):
    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(reason)
        self.reason, self.detail = reason, detail


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.isoformat()[:10]
    return str(value).strip()


def _records(lay: _Layout, fields: list[Any], header: list[str]) -> list[tuple[str, str, float]]:
    """(metric, dimension, value) of one row; :class:`_Bad` when the row is not usable."""
    dims = []
    for kind, i in lay.dims:
        cell = _text(fields[i])
        if cell.lower() in EMPTY:
            raise _Bad("missing_value", ledger.coded_detail("empty", field=header[i]))
        dims.append(f"{kind}:{' '.join(cell.split())[:100]}")
    dimension = "|".join(sorted(dims))
    pairs: list[tuple[str, int]]
    if lay.metric_col is not None and lay.value_col is not None:
        metric = " ".join(_text(fields[lay.metric_col]).lower().split())[:60]
        if not metric:
            raise _Bad("missing_value", ledger.coded_detail("empty", field="metric"))
        pairs = [(metric, lay.value_col)]
    else:
        pairs = lay.metrics
    out: list[tuple[str, str, float]] = []
    for metric, i in pairs:
        try:
            v = parse_value(fields[i])
        except ValueError:
            detail = ledger.coded_detail("not_number", field=header[i], value=_text(fields[i])[:40])
            raise _Bad("bad_number", detail) from None
        if v is not None:
            out.append((metric, dimension, v))
    if not out:
        raise _Bad("missing_value", ledger.coded_detail("empty", field=header[pairs[0][1]]))
    return out


def _stored(conn: Connection) -> set[tuple[str, str, str]]:
    rows = conn.execute(text("SELECT metric, dimension, date FROM outcomes"))
    return {(str(a), str(b), str(c)) for a, b, c in rows}


_UPSERT = text(
    "INSERT INTO outcomes (metric, dimension, date, grain, value, import_id, updated_at) "
    "VALUES (:metric, :dimension, :date, :grain, :value, :import_id, :updated_at) "
    "ON CONFLICT (metric, dimension, date) DO UPDATE SET grain = excluded.grain, "
    "value = excluded.value, import_id = excluded.import_id, updated_at = excluded.updated_at"
)


def import_outcomes(
    ws: Workspace, path: str | Path, preset: str = "outcomes", *, file_name: str | None = None
) -> OutcomesImport:
    """Import an outcome file; see the module docstring."""
    p = get_preset(preset)
    path = Path(path)
    name = (file_name or path.name)[:200]
    started = ledger.now()
    with open_source(path) as src:
        header = list(src.columns)
        lay = _layout(p, header, name)
        res = OutcomesImport(
            import_id=ledger.new_import_id("o"),
            file=name,
            sha256=ledger.sha256_file(path),
            preset=p.name,
            encoding=src.encoding or src.format,
            delimiter=src.delimiter or src.format,
            layout="long" if lay.metric_col is not None else "wide",
            grain=lay.grain,
            started_at=started,
        )
        seen: dict[tuple[str, str, str], int] = {}
        metrics: set[str] = set()
        with ws.begin() as tx:
            ledger.start(
                tx,
                import_id=res.import_id,
                stream="outcomes",
                source_path=name,
                sha256=res.sha256,
                preset=p.name,
                format=src.format,
                encoding=res.encoding,
                delimiter=res.delimiter,
                timezone=str(settings.get("timezone")),
                options={},
                started_at=started,
            )
            stored = _stored(tx)
            for batch in src.batches(BATCH_ROWS):
                rows, bad = _batch(batch, lay, header, seen, stored, res, metrics)
                if rows:
                    tx.execute(_UPSERT, rows)
                ledger.quarantine(tx, res.sha256, res.import_id, name, bad)
            if res.rows_read == 0:
                raise InputFileError(code="outcomes.no_rows", file=name)
            res.metrics = sorted(metrics)
            ledger.add_counts(
                tx,
                res.import_id,
                rows_read=res.rows_read,
                imported=res.imported,
                updated=res.updated,
                rejected=res.quarantined,
                quarantined=res.quarantined,
            )
            res.finished_at = ledger.now()
            ledger.finish(tx, res.import_id, "done", rejects=res.rejects)
    assert res.rows_read == res.imported + res.updated + res.quarantined
    return res


def _batch(
    batch: list[RawRecord],
    lay: _Layout,
    header: list[str],
    seen: dict[tuple[str, str, str], int],
    stored: set[tuple[str, str, str]],
    res: OutcomesImport,
    metrics: set[str],
) -> tuple[list[dict[str, Any]], list[ledger.QuarantineRow]]:
    rows: list[dict[str, Any]] = []
    bad: list[ledger.QuarantineRow] = []
    now = ledger.now()
    for rec in batch:
        res.rows_read += 1
        line = rec.line if rec.line is not None else rec.row + 1
        try:
            if rec.values is None:
                raise _Bad(rec.reason or "malformed", rec.detail or "")
            fields = [rec.values.get(h) for h in header]
            day = parse_week(fields[lay.date])
            if day is None:
                raw = _text(fields[lay.date])[:40]
                if raw.lower() in EMPTY:
                    raise _Bad("missing_date", ledger.coded_detail("empty", field=header[lay.date]))
                detail = ledger.coded_detail("not_date", field=header[lay.date], value=raw)
                raise _Bad("bad_date", detail)
            recs = _records(lay, fields, header)
            keys = [(m, d, day.isoformat()) for m, d, _ in recs]
            first = next((seen[k] for k in keys if k in seen), None)
            if first is not None:
                raise _Bad("duplicate", ledger.coded_detail("duplicate", line=first))
        except _Bad as exc:
            bad.append((rec.row, exc.reason, exc.detail, rec.raw_text()))
            res.quarantined += 1
            res.reasons[exc.reason] = res.reasons.get(exc.reason, 0) + 1
            if len(res.rejects) < MAX_REJECTS_KEPT:
                text_ = ledger.detail_text(exc.detail, "en")
                res.rejects.append(
                    {"line": line, "reason": exc.reason, "detail": text_, "coded": exc.detail}
                )
            continue
        if any(k in stored for k in keys):
            res.updated += 1
        else:
            res.imported += 1
        for k, (metric, dimension, value) in zip(keys, recs, strict=True):
            seen[k] = line
            stored.add(k)
            metrics.add(metric)
            rows.append(
                {
                    "metric": metric,
                    "dimension": dimension,
                    "date": k[2],
                    "grain": lay.grain,
                    "value": value,
                    "import_id": res.import_id,
                    "updated_at": now,
                }
            )
        res.values += len(recs)
    return rows, bad


STREAM = register(
    Stream(
        name="outcomes",
        table="outcomes",
        key=("metric", "dimension", "date"),
        fields=("metric", "dimension", "date", "grain", "value"),
        on_repeat="update",
        presets=lambda: list(PRESETS),
        time="date: a local calendar day (a week: its first day), no time zone shift",
        run=import_outcomes,
    )
)
