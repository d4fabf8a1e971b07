"""RFM: each customer's recency, frequency and monetary value, their quintile scores and the
named segment of the widely used RFM segment map; the summary per segment; the movement of
customers between two dates' segments.

Definitions (as of a day ``as_of``, default the day after the last transaction; only
transactions before ``as_of`` count):

- ``recency_days``: days from the customer's last purchase day to ``as_of`` (1 = bought
  yesterday);
- ``frequency``: the number of distinct days the customer bought on (several rows on one day
  are one order, as in Fader & Hardie's CDNOW treatment);
- ``monetary``: the customer's total spend.

Scores 1–5 are quintiles by rank: ``score = floor(5 × rank / customers) + 1`` where ``rank`` is
the number of customers strictly worse (older last purchase, fewer orders, less spend). Ties
share a score, so the result does not depend on row order or the engine; when most customers
bought once (CDNOW: 51 %), F skips the lower scores, and the result says so as a caveat.

Segments from (R, F), the map popularised by Putler and used in most RFM tutorials:
R 5 F 4–5 champions; R 3–4 F 4–5 loyal; R 4–5 F 2–3 potential_loyalists; R 5 F 1 new_customers;
R 4 F 1 promising; R 3 F 3 need_attention; R 3 F 1–2 about_to_sleep; R 1–2 F 3–4 at_risk;
R 1–2 F 5 cannot_lose; R 1–2 F 1–2 hibernating, of which R 1 F 1 is lost. M is reported, not used
by the map (it follows F closely; a map on R and F keeps the 25 cells readable).

The per-customer query and the summary are Ibis expressions run unchanged on DuckDB (default)
or Spark (:func:`socialops.store.analytics.open_store`'s engines)."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from socialops.errors import DataError
from socialops.i18n.segment_rfm import SEGMENT_NAMES
from socialops.segment.members import Member
from socialops.segment.store import save_segment
from socialops.segment.transactions import as_table
from socialops.store.analytics import fetch_arrow, parse_engine
from socialops.store.spark import get_spark
from socialops.store.workspace import Workspace

if TYPE_CHECKING:
    import ibis.expr.types as ir

__all__ = ["SEGMENTS", "RFMResult", "rfm", "rfm_movement", "save_rfm_segments", "segment_of"]

SEGMENTS: tuple[str, ...] = tuple(SEGMENT_NAMES)
MIN_CUSTOMERS = 50  # fewer: quintiles say little (a caveat)
_EPOCH = date(1970, 1, 1)


def segment_of(r: int, f: int) -> str:
    """The segment of an (R, F) cell (the same map as the query's CASE; for tests and docs)."""
    if r == 5 and f >= 4:
        return "champions"
    if r in (3, 4) and f >= 4:
        return "loyal"
    if r >= 4 and f in (2, 3):
        return "potential_loyalists"
    if r == 5:
        return "new_customers"
    if r == 4:
        return "promising"
    if r == 3 and f == 3:
        return "need_attention"
    if r == 3:
        return "about_to_sleep"
    if f == 5:
        return "cannot_lose"
    if f >= 3:
        return "at_risk"
    return "lost" if r == 1 and f == 1 else "hibernating"


@dataclass
class RFMResult:
    """Per-customer scores (``customers``: an Arrow table) and the summary per segment."""

    as_of: date
    engine: str
    transactions: int
    customers: pa.Table
    summary: list[dict[str, Any]]
    caveats: list[dict[str, Any]] = field(default_factory=list)

    def segment_members(self) -> dict[str, list[str]]:
        ids = self.customers.column("customer_id").to_pylist()
        segs = self.customers.column("segment").to_pylist()
        out: dict[str, list[str]] = {s: [] for s in SEGMENTS}
        for cid, seg in zip(ids, segs, strict=True):
            out[seg].append(cid)
        return out

    def to_dict(self, *, customers: bool = False) -> dict[str, Any]:
        d: dict[str, Any] = {
            "as_of": self.as_of.isoformat(),
            "engine": self.engine,
            "transactions": self.transactions,
            "customer_count": self.customers.num_rows,
            "summary": self.summary,
            "caveats": self.caveats,
        }
        if customers:
            d["customers"] = self.customers.to_pylist()
        return d


def _prepare(table: pa.Table, as_of: date | None) -> tuple[pa.Table, date]:
    """(customer_id, day as days since 1970, amount) of the transactions before ``as_of``."""
    days = pc.cast(table.column("date"), pa.int32())
    if as_of is None:
        last = pc.max(days).as_py()
        if last is None:
            raise DataError(code="segment_rfm.no_transactions", when="")
        as_of = _EPOCH + timedelta(days=int(last) + 1)
    cut = (as_of - _EPOCH).days
    t = pa.table(
        {
            "customer_id": table.column("customer_id"),
            "day": days,
            "amount": pc.cast(table.column("amount"), pa.float64()),
        }
    )
    t = t.filter(pc.less(t.column("day"), cut))
    if t.num_rows == 0:
        raise DataError(code="segment_rfm.no_transactions", when=f" ({as_of.isoformat()})")
    return t, as_of


def _score(rank: Any, n: Any) -> Any:
    return ((rank * 5) / n).floor().cast("int32") + 1


def customers_expr(t: ir.Table, cut: int) -> ir.Table:
    """The per-customer RFM query (an Ibis expression: the same on every engine)."""
    import ibis  # lazy: start-up time

    # one row per customer and purchase day first: a plain count is cheaper than COUNT(DISTINCT)
    d = t.group_by(["customer_id", "day"]).aggregate(amount=t.amount.sum())
    g = d.group_by("customer_id").aggregate(
        last_day=d.day.max(),
        frequency=d.day.count(),
        monetary=d.amount.sum().round(6),  # float sums differ in the last bits between engines
    )
    g = g.mutate(recency_days=(ibis.literal(cut) - g.last_day).cast("int64"))
    w = ibis.window()
    n = g.customer_id.count().over(w)
    r_rank = ibis.rank().over(order_by=ibis.desc(g.recency_days))
    f_rank = ibis.rank().over(order_by=g.frequency)
    m_rank = ibis.rank().over(order_by=g.monetary)
    s = g.mutate(r=_score(r_rank, n), f=_score(f_rank, n), m=_score(m_rank, n))
    r, f = s.r, s.f
    seg = ibis.cases(
        ((r == 5) & (f >= 4), "champions"),
        (r.isin([3, 4]) & (f >= 4), "loyal"),
        ((r >= 4) & f.isin([2, 3]), "potential_loyalists"),
        (r == 5, "new_customers"),
        (r == 4, "promising"),
        ((r == 3) & (f == 3), "need_attention"),
        (r == 3, "about_to_sleep"),
        (f == 5, "cannot_lose"),
        (f >= 3, "at_risk"),
        ((r == 1) & (f == 1), "lost"),
        else_="hibernating",
    )
    s = s.mutate(segment=seg)
    return s.select(
        "customer_id",
        "recency_days",
        s.frequency.cast("int64").name("frequency"),
        "monetary",
        "r",
        "f",
        "m",
        "segment",
    )


def _summary_rows(cust: pa.Table) -> dict[str, dict[str, Any]]:
    """Per segment: customers, revenue and mean recency, frequency and spend (from the
    per-customer rows, a few thousand to a few million: Arrow's group-by)."""
    g = cust.group_by("segment").aggregate(
        [
            ("customer_id", "count"),
            ("monetary", "sum"),
            ("recency_days", "mean"),
            ("frequency", "mean"),
            ("monetary", "mean"),
        ]
    )
    return {
        row["segment"]: {
            "count": row["customer_id_count"],
            "revenue": row["monetary_sum"],
            "mean_recency_days": row["recency_days_mean"],
            "mean_frequency": row["frequency_mean"],
            "mean_monetary": row["monetary_mean"],
        }
        for row in g.to_pylist()
    }


def _run(t: pa.Table, cut: int, engine: str) -> pa.Table:
    import ibis  # lazy: start-up time

    spec = parse_engine(engine)
    if spec.kind == "duckdb":
        con = ibis.duckdb.connect(threads=os.cpu_count() or 1)
        try:
            con.con.register("socialops_tx", t)  # the Arrow table, zero-copy
            src = con.table("socialops_tx")
            return fetch_arrow(customers_expr(src, cut).order_by("customer_id"))
        finally:
            con.disconnect()
    session = get_spark(spec.master or "local[*]")
    con = ibis.pyspark.connect(session)
    with tempfile.TemporaryDirectory(prefix="socialops-rfm-") as tmp:
        path = Path(tmp) / "tx.parquet"
        pq.write_table(t, path)
        name = ibis.util.gen_name("socialops_tx")
        session.read.parquet(str(path)).createOrReplaceTempView(name)
        try:
            return fetch_arrow(customers_expr(con.table(name), cut).order_by("customer_id"))
        finally:
            session.catalog.dropTempView(name)


def rfm(
    table_or_path: pa.Table | str | Path,
    *,
    as_of: date | None = None,
    engine: str = "duckdb",
    preset: str | None = None,
) -> RFMResult:
    """RFM scores and segments of the transactions (a table from
    :func:`socialops.segment.transactions.read_transactions`, or a file read with ``preset``)."""
    table = as_table(table_or_path, preset)
    t, as_of = _prepare(table, as_of)
    cut = (as_of - _EPOCH).days
    cust = _run(t, cut, engine)
    n = cust.num_rows
    revenue = float(pc.sum(cust.column("monetary")).as_py() or 0.0)
    by = _summary_rows(cust)
    summary = []
    for key in SEGMENTS:
        row = by.get(key)
        ko, en = SEGMENT_NAMES[key]
        count = int(row["count"]) if row else 0
        rev = float(row["revenue"]) if row else 0.0
        summary.append(
            {
                "segment": key,
                "name_ko": ko,
                "name_en": en,
                "count": count,
                "share": count / n if n else 0.0,
                "revenue": rev,
                "revenue_share": rev / revenue if revenue else 0.0,
                "mean_recency_days": float(row["mean_recency_days"]) if row else None,
                "mean_frequency": float(row["mean_frequency"]) if row else None,
                "mean_monetary": float(row["mean_monetary"]) if row else None,
            }
        )
    return RFMResult(as_of, parse_engine(engine).label, t.num_rows, cust, summary, _caveats(cust))


def _caveats(cust: pa.Table) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    n = cust.num_rows
    if n < MIN_CUSTOMERS:
        out.append({"code": "few_customers", "params": {"customers": n, "minimum": MIN_CUSTOMERS}})
    once = pc.sum(pc.equal(cust.column("frequency"), 1)).as_py() or 0
    scores = sorted(set(cust.column("f").to_pylist()))
    if n and once / n >= 0.2 and len(scores) < 5:
        out.append(
            {
                "code": "frequency_ties",
                "params": {"share": f"{once / n:.0%}", "scores": ", ".join(map(str, scores))},
            }
        )
    return out


def rfm_movement(before: RFMResult, after: RFMResult) -> dict[str, Any]:
    """How customers moved between two results' segments: the transition ``matrix`` (rows: the
    segment before, columns: after; counts), ``up``/``down``/``same`` (R + F score rose, fell,
    stayed, for customers in both), ``new`` (only after) and ``gone`` (only before)."""
    b = {
        cid: (seg, r + f)
        for cid, seg, r, f in zip(
            *(before.customers.column(c).to_pylist() for c in ("customer_id", "segment", "r", "f")),
            strict=True,
        )
    }
    matrix: dict[str, dict[str, int]] = {s: dict.fromkeys(SEGMENTS, 0) for s in SEGMENTS}
    new_by: dict[str, int] = dict.fromkeys(SEGMENTS, 0)
    up = down = same = new = 0
    seen: set[str] = set()
    cols = ("customer_id", "segment", "r", "f")
    for cid, seg, r, f in zip(*(after.customers.column(c).to_pylist() for c in cols), strict=True):
        prev = b.get(cid)
        if prev is None:
            new += 1
            new_by[seg] += 1
            continue
        seen.add(cid)
        matrix[prev[0]][seg] += 1
        score = r + f
        up += score > prev[1]
        down += score < prev[1]
        same += score == prev[1]
    return {
        "before": before.as_of.isoformat(),
        "after": after.as_of.isoformat(),
        "segments": list(SEGMENTS),
        "matrix": matrix,
        "new_by_segment": new_by,
        "up": up,
        "down": down,
        "same": same,
        "new": new,
        "gone": len(b) - len(seen),
    }


def save_rfm_segments(
    ws: Workspace, result: RFMResult, prefix: str, *, created_by: str = ""
) -> list[dict[str, Any]]:
    """Save every RFM segment as ``<prefix>/<segment>`` (each replaced whole, empty ones too,
    so that a segment emptied since the last run does not keep old members); a member's score
    is R + F + M (3–15) and its attributes its RFM values."""
    cols = ("customer_id", "recency_days", "frequency", "monetary", "r", "f", "m", "segment")
    by: dict[str, list[Member]] = {s: [] for s in SEGMENTS}
    for cid, rec, fr, mon, r, f, m, seg in zip(
        *(result.customers.column(c).to_pylist() for c in cols), strict=True
    ):
        attrs = {"recency_days": rec, "frequency": fr, "monetary": mon, "r": r, "f": f, "m": m}
        by[seg].append(Member(str(cid), float(r + f + m), attrs))
    saved = []
    for seg in SEGMENTS:
        ko, en = SEGMENT_NAMES[seg]
        info = save_segment(
            ws,
            f"{prefix.strip().rstrip('/')}/{seg}",
            by[seg],
            kind="rfm",
            description=f"{ko} / {en}",
            definition={"segment": seg, "as_of": result.as_of.isoformat(), "rule": "rfm-rf-map"},
            source="rfm",
            created_by=created_by,
        )
        saved.append(info.to_dict())
    return saved
