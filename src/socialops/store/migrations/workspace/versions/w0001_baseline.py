"""The workspace database (ledger) as release 0.1 made it: imports, raw parts, post keys,
quarantine, enrichment runs and parts, topics, alert runs, plans, metric imports, post metrics and
conversions.

Adopts a 0.1 ``workspace.db`` in place: a table or index that exists already is kept, only what
is missing is made (0.1 made the plan and metrics tables on first use, and workspaces older than
it lack ``enrich_runs.zone``). Times are UTC ISO-8601 text with the zone.

Revision ID: w0001
Revises:
"""

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "w0001"
down_revision = None
branch_labels = None
depends_on = None


def _inspector() -> Any:
    return sa.inspect(op.get_bind())


def _table(name: str, *items: Any, **kw: Any) -> None:
    if not _inspector().has_table(name):
        op.create_table(name, *items, **kw)


def _index(name: str, table: str, columns: list[str]) -> None:
    if name not in {i["name"] for i in _inspector().get_indexes(table)}:
        op.create_index(name, table, columns)


def upgrade() -> None:
    T, I, R = sa.Text, sa.Integer, sa.Float  # noqa: E741
    _table(
        "imports",
        sa.Column("import_id", T, primary_key=True),
        sa.Column("source_path", T, nullable=False),
        sa.Column("source_sha256", T, nullable=False),
        sa.Column("preset", T, nullable=False),
        sa.Column("format", T, nullable=False),
        sa.Column("encoding", T),
        sa.Column("delimiter", T),
        sa.Column("timezone", T, nullable=False),
        sa.Column("topics", T, nullable=False, server_default="[]"),
        sa.Column("started_at", T, nullable=False),
        sa.Column("finished_at", T),
        sa.Column("status", T, nullable=False),
        sa.Column("rows_read", I, nullable=False, server_default="0"),
        sa.Column("imported", I, nullable=False, server_default="0"),
        sa.Column("duplicates", I, nullable=False, server_default="0"),
        sa.Column("quarantined", I, nullable=False, server_default="0"),
    )
    _table(
        "raw_parts",
        sa.Column("part", T, primary_key=True),
        sa.Column("import_id", T, sa.ForeignKey("imports.import_id"), nullable=False),
        sa.Column("seq", I, nullable=False),
        sa.Column("rows", I, nullable=False),
        sa.Column("created_at", T, nullable=False),
    )
    _table(
        "post_keys",
        sa.Column("platform", T, primary_key=True),
        sa.Column("post_id", T, primary_key=True),
        sa.Column("part", T, nullable=False),
        sqlite_with_rowid=False,
    )
    _table(
        "quarantine",
        sa.Column("source_sha256", T, primary_key=True),
        sa.Column("source_row", I, primary_key=True, autoincrement=False),
        sa.Column("import_id", T, nullable=False),
        sa.Column("source_file", T, nullable=False),
        sa.Column("reason", T, nullable=False),
        sa.Column("detail", T),
        sa.Column("raw", T),
        sqlite_with_rowid=False,
    )
    _table(
        "enrich_runs",
        sa.Column("run_id", T, primary_key=True),
        sa.Column("pipeline", T, nullable=False),
        sa.Column("engine", T, nullable=False),
        sa.Column("files", T, nullable=False),
        sa.Column("rows", I, nullable=False),
        sa.Column("started_at", T, nullable=False),
        sa.Column("finished_at", T, nullable=False),
        sa.Column("zone", T),
    )
    if "zone" not in {c["name"] for c in _inspector().get_columns("enrich_runs")}:
        op.add_column("enrich_runs", sa.Column("zone", T))
    _table(
        "topics",
        sa.Column("name", T, primary_key=True),
        sa.Column("query", T, nullable=False),
        sa.Column("kind", T, nullable=False),
        sa.Column("created_at", T, nullable=False),
        sa.Column("updated_at", T, nullable=False),
    )
    _table(
        "alert_runs",
        sa.Column("run_at", T, primary_key=True),
        sa.Column("since", T),
        sa.Column("alerts", T, nullable=False),
    )
    _table(
        "enriched_parts",
        sa.Column("raw_part", T, sa.ForeignKey("raw_parts.part"), primary_key=True),
        sa.Column("run_id", T, sa.ForeignKey("enrich_runs.run_id"), nullable=False),
        sa.Column("rows", I, nullable=False),
    )
    _table(
        "plans",
        sa.Column("plan_id", T, primary_key=True),
        sa.Column("name", T, nullable=False),
        sa.Column("state", T, nullable=False),
        sa.Column("start_date", T, nullable=False),
        sa.Column("end_date", T, nullable=False),
        sa.Column("version", I, nullable=False),
        sa.Column("doc", T, nullable=False),
        sa.Column("created_at", T, nullable=False),
        sa.Column("updated_at", T, nullable=False),
    )
    _table(
        "metric_imports",
        sa.Column("import_id", T, primary_key=True),
        sa.Column("file", T, nullable=False),
        sa.Column("sha256", T, nullable=False),
        sa.Column("preset", T, nullable=False),
        sa.Column("kind", T, nullable=False),
        sa.Column("encoding", T, nullable=False),
        sa.Column("delimiter", T, nullable=False),
        sa.Column("options", T, nullable=False, server_default="{}"),
        sa.Column("rows_read", I, nullable=False),
        sa.Column("imported", I, nullable=False),
        sa.Column("updated", I, nullable=False),
        sa.Column("rejected", I, nullable=False),
        sa.Column("rejects", T, nullable=False, server_default="[]"),
        sa.Column("status", T, nullable=False),
        sa.Column("started_at", T, nullable=False),
        sa.Column("finished_at", T, nullable=False),
    )
    _table(
        "post_metrics",
        sa.Column("channel", T, primary_key=True),
        sa.Column("post_id", T, primary_key=True),
        sa.Column("published_at", T, nullable=False),
        sa.Column("date_precision", T, nullable=False),
        sa.Column("local_day", T),
        sa.Column("local_month", T, nullable=False),
        sa.Column("post_type", T),
        sa.Column("paid", I),
        *(
            sa.Column(c, R)
            for c in (
                "reach",
                "impressions",
                "engagements",
                "comments",
                "likes",
                "shares",
                "clicks",
                "followers",
            )
        ),
        sa.Column("extra", T, nullable=False, server_default="{}"),
        sa.Column("import_id", T, nullable=False),
    )
    _index("post_metrics_month", "post_metrics", ["local_month"])
    _table(
        "conversions",
        sa.Column("date", T, nullable=False),
        sa.Column("utm_source", T, nullable=False, server_default=""),
        sa.Column("utm_medium", T, nullable=False, server_default=""),
        sa.Column("utm_campaign", T, nullable=False),
        sa.Column("conversions", R, nullable=False),
        sa.Column("revenue_krw", R),
        sa.Column("cost_krw", R),
        sa.Column("import_id", T, nullable=False),
        sa.UniqueConstraint("date", "utm_source", "utm_medium", "utm_campaign"),
    )
    _index("conversions_campaign", "conversions", ["utm_campaign", "date"])
