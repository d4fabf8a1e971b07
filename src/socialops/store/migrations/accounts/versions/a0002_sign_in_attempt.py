"""Sign-in failures carry the id of the attempt that recorded them, so a right password forgets
its own attempt on PostgreSQL too (0.1 deleted it by SQLite's ``rowid``, which PostgreSQL has
not). Rows recorded before have none and age out as before (a day).

Revision ID: a0002
Revises: a0001
"""

import sqlalchemy as sa
from alembic import op

revision = "a0002"
down_revision = "a0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("sign_in_failures", sa.Column("attempt", sa.BigInteger(), nullable=True))
    op.create_index("sign_in_failures_attempt", "sign_in_failures", ["attempt"])


def downgrade() -> None:
    op.drop_index("sign_in_failures_attempt", table_name="sign_in_failures")
    op.drop_column("sign_in_failures", "attempt")
