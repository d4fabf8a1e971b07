"""Publishing: social profiles (credentials encrypted at rest), the publish queue with one row
per (post, profile) and its state machine, every attempt logged, and the workspace-wide
"pause all" switch.

Revision ID: w0004
Revises: w0003
"""

import sqlalchemy as sa
from alembic import op

revision = "w0004"
down_revision = "w0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "profiles",
        sa.Column("profile_id", sa.Text, primary_key=True),
        sa.Column("name", sa.Text, nullable=False, unique=True),
        sa.Column("platform", sa.Text, nullable=False),
        sa.Column("settings", sa.Text, nullable=False, server_default="{}"),
        sa.Column("secret", sa.Text, nullable=False, server_default=""),
        sa.Column("status", sa.Text, nullable=False, server_default="active"),
        sa.Column("paused", sa.Integer, nullable=False, server_default="0"),
        sa.Column("account_id", sa.Text, nullable=False, server_default=""),
        sa.Column("handle", sa.Text, nullable=False, server_default=""),
        sa.Column("zone", sa.Text, nullable=False, server_default="Asia/Seoul"),
        sa.Column("slots", sa.Text, nullable=False, server_default="[]"),
        sa.Column("checked_at", sa.Text),
        sa.Column("check_error", sa.Text, nullable=False, server_default=""),
        sa.Column("created_at", sa.Text, nullable=False),
        sa.Column("updated_at", sa.Text, nullable=False),
    )
    op.create_table(
        "publish_posts",
        sa.Column("post_id", sa.Text, primary_key=True),
        sa.Column("group_id", sa.Text, nullable=False),
        sa.Column("profile_id", sa.Text, sa.ForeignKey("profiles.profile_id"), nullable=False),
        sa.Column("plan_id", sa.Text),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("media", sa.Text, nullable=False, server_default="[]"),
        sa.Column("state", sa.Text, nullable=False),
        sa.Column("due_at", sa.Text, nullable=False),
        sa.Column("idem_key", sa.Text, nullable=False, unique=True),
        sa.Column("remote_id", sa.Text, nullable=False, server_default=""),
        sa.Column("url", sa.Text, nullable=False, server_default=""),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("next_try_at", sa.Text),
        sa.Column("lease_owner", sa.Text, nullable=False, server_default=""),
        sa.Column("lease_until", sa.Text),
        sa.Column("reason_code", sa.Text, nullable=False, server_default=""),
        sa.Column("reason_detail", sa.Text, nullable=False, server_default=""),
        sa.Column("created_by", sa.Text, nullable=False, server_default=""),
        sa.Column("created_at", sa.Text, nullable=False),
        sa.Column("updated_at", sa.Text, nullable=False),
        sa.Column("published_at", sa.Text),
    )
    op.create_index("publish_posts_due", "publish_posts", ["state", "due_at"])
    op.create_table(
        "publish_attempts",
        sa.Column("attempt_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("post_id", sa.Text, nullable=False),
        sa.Column("at", sa.Text, nullable=False),
        sa.Column("action", sa.Text, nullable=False),
        sa.Column("code", sa.Text, nullable=False, server_default=""),
        sa.Column("detail", sa.Text, nullable=False, server_default=""),
        sa.Column("worker", sa.Text, nullable=False, server_default=""),
    )
    op.create_index("publish_attempts_post", "publish_attempts", ["post_id", "attempt_id"])
    op.create_table(
        "publishing_switches",
        sa.Column("name", sa.Text, primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
        sa.Column("changed_by", sa.Text, nullable=False, server_default=""),
        sa.Column("changed_at", sa.Text, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("publishing_switches")
    op.drop_index("publish_attempts_post", "publish_attempts")
    op.drop_table("publish_attempts")
    op.drop_index("publish_posts_due", "publish_posts")
    op.drop_table("publish_posts")
    op.drop_table("profiles")
