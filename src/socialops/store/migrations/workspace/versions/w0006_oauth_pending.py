"""Connecting a profile through the platform's OAuth consent page: the requests on their way
(one row a ``state``: the platform, the profile to make, its settings, the PKCE verifier),
used once and kept 15 minutes at most.

Revision ID: w0006
Revises: w0005
"""

import sqlalchemy as sa
from alembic import op

revision = "w0006"
down_revision = "w0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "oauth_pending",
        sa.Column("state", sa.Text, primary_key=True),
        sa.Column("platform", sa.Text, nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("settings", sa.Text, nullable=False, server_default="{}"),
        sa.Column("zone", sa.Text, nullable=False, server_default="Asia/Seoul"),
        sa.Column("verifier", sa.Text, nullable=False),
        sa.Column("redirect_uri", sa.Text, nullable=False),
        sa.Column("created_by", sa.Text, nullable=False, server_default=""),
        sa.Column("created_at", sa.Text, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("oauth_pending")
