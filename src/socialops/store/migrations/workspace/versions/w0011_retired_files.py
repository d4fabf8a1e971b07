"""Store compaction (issue 18): the enriched files a compaction replaced, kept on disk for a
grace period so that a reader that listed them just before the swap can still read them, then
deleted (:mod:`socialops.store.compact`).

- ``retired_files``: ``path`` (relative to ``enriched/``) → ``retired_at`` (UTC ISO-8601) and
  the compaction run that replaced it. :meth:`Workspace.recover` leaves these files alone;
  nobody reads them (they are no run's file any more).

Revision ID: w0011
Revises: w0010
"""

import sqlalchemy as sa
from alembic import op

revision = "w0011"
down_revision = "w0010"
branch_labels = None
depends_on = None

T = sa.Text


def upgrade() -> None:
    op.create_table(
        "retired_files",
        sa.Column("path", T, primary_key=True),
        sa.Column("retired_at", T, nullable=False),
        sa.Column("run_id", T, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("retired_files")
