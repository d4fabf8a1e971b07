"""Measure and segment (issue 17): outcome series (daily or weekly sales, orders, sign-ups… by
channel, product or region), saved customer segments and their members, targeting models (the
propensity model's coefficients and calibration as JSON: nothing a user loads is pickled), the
record of every audience export (who exported what), scheduled reports, and a segment on a
composed post (a per-segment content variant).

- ``outcomes``: one value per (metric, dimension, date); ``dimension`` is ``''`` for the total
  and ``<kind>:<value>`` otherwise (``region:서울``, ``product:A``, ``channel:instagram``).
- ``segments``: ``segment_id`` is the segment's name (``cdnow/champions``); ``kind`` is
  ``rfm | attribute | scores | manual``; ``definition`` says how it was made (JSON).
- ``segment_members``: one row per customer; ``private`` holds the customer's identifiers
  (e-mail, phone…) Fernet-encrypted (:mod:`socialops.store.secrets`), never plain.
- ``audience_exports``: who exported which segment in which format, how many rows went out and
  how many were left out (and why), and the file's SHA-256 — never the identifiers.

Revision ID: w0009
Revises: w0008
"""

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "w0009"
down_revision = "w0008"
branch_labels = None
depends_on = None

T = sa.Text
I = sa.Integer  # noqa: E741
F = sa.Float


def _col(name: str, kind: Any = T, **kw: Any) -> sa.Column[Any]:
    return sa.Column(name, kind, **kw)


def upgrade() -> None:
    op.create_table(
        "outcomes",
        _col("metric", nullable=False),  # sales, orders, signups… (lower case)
        _col("dimension", nullable=False, server_default=""),  # '' or 'region:서울'
        _col("date", nullable=False),  # YYYY-MM-DD (a week: its first day)
        _col("grain", nullable=False, server_default="day"),  # day | week
        _col("value", F, nullable=False),
        _col("import_id", nullable=False, server_default=""),
        _col("updated_at", nullable=False),
        sa.PrimaryKeyConstraint("metric", "dimension", "date"),
    )
    op.create_table(
        "segments",
        _col("segment_id", primary_key=True),
        _col("kind", nullable=False),  # rfm | attribute | scores | manual
        _col("description", nullable=False, server_default=""),
        _col("definition", nullable=False, server_default="{}"),
        _col("source", nullable=False, server_default=""),  # the file or import it came from
        _col("size", I, nullable=False, server_default="0"),
        _col("created_by", nullable=False, server_default=""),
        _col("created_at", nullable=False),
        _col("updated_at", nullable=False),
    )
    op.create_table(
        "segment_members",
        _col("segment_id", nullable=False),
        _col("customer_id", nullable=False),
        _col("score", F),
        _col("attributes", nullable=False, server_default="{}"),
        _col("private", nullable=False, server_default=""),  # Fernet: {"email","phone",...}
        sa.PrimaryKeyConstraint("segment_id", "customer_id"),
    )
    op.create_table(
        "targeting_models",
        _col("name", primary_key=True),
        _col("target", nullable=False),
        _col("positive", nullable=False, server_default=""),
        _col("body", nullable=False),  # JSON: encoding, coefficients, calibration, metrics
        _col("auc", F),
        _col("rows", I, nullable=False, server_default="0"),
        _col("created_by", nullable=False, server_default=""),
        _col("created_at", nullable=False),
    )
    op.create_table(
        "audience_exports",
        _col("export_id", I, primary_key=True, autoincrement=True),
        _col("segment_id", nullable=False),
        _col("format", nullable=False),  # meta | google | kakao-moment | naver-gfa
        _col("rows", I, nullable=False),
        _col("skipped", nullable=False, server_default="{}"),  # reason -> count
        _col("file_name", nullable=False, server_default=""),
        _col("sha256", nullable=False, server_default=""),
        _col("exported_by", nullable=False, server_default=""),
        _col("exported_at", nullable=False),
    )
    op.create_index("ix_audience_exports_segment", "audience_exports", ["segment_id"])
    op.create_table(
        "report_schedules",
        _col("schedule_id", primary_key=True),
        _col("kind", nullable=False),  # plan | topic
        _col("ref", nullable=False),  # the plan id or topic name
        _col("cadence", nullable=False),  # daily | weekly
        _col("weekday", I, nullable=False, server_default="0"),  # 0 = Monday (weekly)
        _col("hour", I, nullable=False, server_default="9"),  # local hour in ``zone``
        _col("zone", nullable=False, server_default="Asia/Seoul"),
        _col("recipients", nullable=False, server_default="[]"),  # member e-mails
        _col("enabled", I, nullable=False, server_default="1"),
        _col("next_run_at", nullable=False),  # UTC ISO
        _col("last_run_at"),
        _col("last_status", nullable=False, server_default=""),
        _col("last_report", nullable=False, server_default=""),
        _col("lease_owner", nullable=False, server_default=""),
        _col("lease_until"),
        _col("created_by", nullable=False, server_default=""),
        _col("created_at", nullable=False),
    )
    op.create_index("ix_report_schedules_due", "report_schedules", ["enabled", "next_run_at"])
    with op.batch_alter_table("publish_posts") as batch:
        batch.add_column(_col("segment_id", nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("publish_posts") as batch:
        batch.drop_column("segment_id")
    for name in (
        "report_schedules",
        "audience_exports",
        "targeting_models",
        "segment_members",
        "segments",
        "outcomes",
    ):
        op.drop_table(name)
