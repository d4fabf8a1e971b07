"""Competitive sets: ``topics`` gains ``competitive_set``, the name of the set of topics (our
brand and its competitors) whose share of voice is computed together.

Share of voice is a share *within* a set, never across unrelated topics (airlines against films).
Existing topics keep every other column; their set is empty (''), and the topics without a set
are compared with one another, as every topic was before, until the user names their sets.
The downgrade drops the column (the sets are lost, every topic is kept).

Revision ID: w0003
Revises: w0002
"""

import sqlalchemy as sa
from alembic import op

revision = "w0003"
down_revision = "w0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "topics", sa.Column("competitive_set", sa.Text, nullable=False, server_default="")
    )


def downgrade() -> None:
    with op.batch_alter_table("topics") as batch:
        batch.drop_column("competitive_set")
