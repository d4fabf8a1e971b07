"""One imports ledger for every stream: ``metric_imports`` merges into ``imports``.

``imports`` gains the stream that made each import (``posts``, ``post_metrics``,
``conversions``; the imports of 0.1 are ``posts``), the keyed streams' counts (``updated``,
``rejected``), their options and first rejected rows (JSON), and ``seq``, the order imports
were recorded in (0.1 listed them by SQLite's rowid, which PostgreSQL has not). Every row of
``metric_imports`` moves over (file -> source_path, sha256 -> source_sha256, kind -> stream, the
zone of its options -> timezone) and the table is dropped. Nothing is lost: the downgrade puts
the metric imports back.

Revision ID: w0002
Revises: w0001
"""

import json
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "w0002"
down_revision = "w0001"
branch_labels = None
depends_on = None

_METRIC_STREAMS = ("post_metrics", "conversions")
_DEFAULT_ZONE = "Asia/Seoul"


def _zone(options: str | None) -> str:
    try:
        zone = json.loads(options or "{}").get("timezone")
    except (ValueError, AttributeError):
        zone = None
    return str(zone) if zone else _DEFAULT_ZONE


def upgrade() -> None:
    T, I = sa.Text, sa.Integer  # noqa: E741
    bind = op.get_bind()
    op.add_column("imports", sa.Column("stream", T, nullable=False, server_default="posts"))
    op.add_column("imports", sa.Column("updated", I, nullable=False, server_default="0"))
    op.add_column("imports", sa.Column("rejected", I, nullable=False, server_default="0"))
    op.add_column("imports", sa.Column("options", T, nullable=False, server_default="{}"))
    op.add_column("imports", sa.Column("rejects", T, nullable=False, server_default="[]"))
    op.add_column("imports", sa.Column("seq", I))
    if sa.inspect(bind).has_table("metric_imports"):
        order = "rowid" if bind.dialect.name == "sqlite" else "started_at, import_id"
        rows = bind.execute(sa.text(f"SELECT * FROM metric_imports ORDER BY {order}")).mappings()
        moved: list[dict[str, Any]] = [
            {
                "import_id": r["import_id"],
                "source_path": r["file"],
                "source_sha256": r["sha256"],
                "preset": r["preset"],
                "format": "xlsx" if r["encoding"] == "xlsx" else "csv",
                "encoding": r["encoding"],
                "delimiter": r["delimiter"],
                "timezone": _zone(r["options"]),
                "started_at": r["started_at"],
                "finished_at": r["finished_at"],
                "status": r["status"],
                "rows_read": r["rows_read"],
                "imported": r["imported"],
                "updated": r["updated"],
                "rejected": r["rejected"],
                "options": r["options"] or "{}",
                "rejects": r["rejects"] or "[]",
                "stream": r["kind"] if r["kind"] in _METRIC_STREAMS else "post_metrics",
            }
            for r in rows
        ]
        if moved:
            bind.execute(
                sa.text(
                    "INSERT INTO imports (import_id, source_path, source_sha256, preset, format, "
                    "encoding, delimiter, timezone, topics, started_at, finished_at, status, "
                    "rows_read, imported, duplicates, quarantined, updated, rejected, options, "
                    "rejects, stream) VALUES (:import_id, :source_path, :source_sha256, :preset, "
                    ":format, :encoding, :delimiter, :timezone, '[]', :started_at, :finished_at, "
                    ":status, :rows_read, :imported, 0, 0, :updated, :rejected, :options, "
                    ":rejects, :stream)"
                ),
                moved,
            )
        op.drop_table("metric_imports")
    # the order imports were recorded in: by start, then (SQLite) as they were inserted
    order = "started_at, rowid" if bind.dialect.name == "sqlite" else "started_at, import_id"
    ids = [r[0] for r in bind.execute(sa.text(f"SELECT import_id FROM imports ORDER BY {order}"))]
    if ids:
        bind.execute(
            sa.text("UPDATE imports SET seq = :seq WHERE import_id = :id"),
            [{"seq": n, "id": i} for n, i in enumerate(ids, start=1)],
        )
    op.create_index("imports_stream", "imports", ["stream", "seq"])


def downgrade() -> None:
    T, I = sa.Text, sa.Integer  # noqa: E741
    bind = op.get_bind()
    op.create_table(
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
    bind.execute(
        sa.text(
            "INSERT INTO metric_imports (import_id, file, sha256, preset, kind, encoding, "
            "delimiter, options, rows_read, imported, updated, rejected, rejects, status, "
            "started_at, finished_at) SELECT import_id, source_path, source_sha256, preset, "
            "stream, COALESCE(encoding, ''), COALESCE(delimiter, ''), options, rows_read, "
            "imported, updated, rejected, rejects, status, started_at, "
            "COALESCE(finished_at, started_at) FROM imports WHERE stream <> 'posts'"
        )
    )
    bind.execute(sa.text("DELETE FROM imports WHERE stream <> 'posts'"))
    op.drop_index("imports_stream", "imports")
    with op.batch_alter_table("imports") as batch:
        for col in ("seq", "rejects", "options", "rejected", "updated", "stream"):
            batch.drop_column(col)
