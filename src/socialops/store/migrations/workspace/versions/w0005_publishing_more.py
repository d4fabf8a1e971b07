"""Publishing, the rest: token expiry and persisted rate limits per profile, posts linked to a
plan's calendar item and to a short link, approvals with comments, first-party short links and
their clicks, the media library, post metrics fetched back from the platforms, worker heartbeats
(the watchdog) and in-web notifications.

Revision ID: w0005
Revises: w0004
"""

import sqlalchemy as sa
from alembic import op

revision = "w0005"
down_revision = "w0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("profiles") as b:
        b.add_column(sa.Column("token_expires_at", sa.Text))
        b.add_column(sa.Column("limited_until", sa.Text))
        b.add_column(sa.Column("limited_reason", sa.Text, nullable=False, server_default=""))
    with op.batch_alter_table("publish_posts") as b:
        b.add_column(sa.Column("plan_item_id", sa.Text))
        b.add_column(sa.Column("link_code", sa.Text, nullable=False, server_default=""))
        b.add_column(sa.Column("approvals_needed", sa.Integer, nullable=False, server_default="0"))
        b.add_column(sa.Column("metrics_at", sa.Text))
    op.create_index("publish_posts_plan", "publish_posts", ["plan_id", "plan_item_id"])
    op.create_index("publish_posts_group", "publish_posts", ["group_id"])
    op.create_table(
        "publish_approvals",
        sa.Column("approval_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("group_id", sa.Text, nullable=False),
        sa.Column("actor", sa.Text, nullable=False),
        sa.Column("decision", sa.Text, nullable=False),  # submit | approve | reject | comment
        sa.Column("comment", sa.Text, nullable=False, server_default=""),
        sa.Column("at", sa.Text, nullable=False),
    )
    op.create_index("publish_approvals_group", "publish_approvals", ["group_id", "approval_id"])
    op.create_table(
        "short_links",
        sa.Column("code", sa.Text, primary_key=True),
        sa.Column("target", sa.Text, nullable=False),
        sa.Column("group_id", sa.Text),
        sa.Column("plan_id", sa.Text),
        sa.Column("plan_item_id", sa.Text),
        sa.Column("clicks", sa.Integer, nullable=False, server_default="0"),
        sa.Column("created_by", sa.Text, nullable=False, server_default=""),
        sa.Column("created_at", sa.Text, nullable=False),
    )
    op.create_table(
        "link_clicks",
        sa.Column("click_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("code", sa.Text, nullable=False),
        sa.Column("at", sa.Text, nullable=False),
        sa.Column("referrer_host", sa.Text, nullable=False, server_default=""),
        sa.Column("bot", sa.Integer, nullable=False, server_default="0"),
    )
    op.create_index("link_clicks_code", "link_clicks", ["code", "at"])
    op.create_table(
        "media_assets",
        sa.Column("media_id", sa.Text, primary_key=True),
        sa.Column("file_name", sa.Text, nullable=False),
        sa.Column("path", sa.Text, nullable=False),
        sa.Column("mime", sa.Text, nullable=False),
        sa.Column("width", sa.Integer, nullable=False),
        sa.Column("height", sa.Integer, nullable=False),
        sa.Column("bytes", sa.Integer, nullable=False),
        sa.Column("sha256", sa.Text, nullable=False),
        sa.Column("alt", sa.Text, nullable=False, server_default=""),
        sa.Column("created_by", sa.Text, nullable=False, server_default=""),
        sa.Column("created_at", sa.Text, nullable=False),
    )
    op.create_table(
        "publish_metrics",
        sa.Column("post_id", sa.Text, primary_key=True),
        sa.Column("fetched_at", sa.Text, primary_key=True),
        sa.Column("likes", sa.Integer),
        sa.Column("replies", sa.Integer),
        sa.Column("reposts", sa.Integer),
        sa.Column("views", sa.Integer),
        sa.Column("clicks", sa.Integer),
    )
    op.create_table(
        "publish_workers",
        sa.Column("worker", sa.Text, primary_key=True),
        sa.Column("host", sa.Text, nullable=False),
        sa.Column("pid", sa.Integer, nullable=False),
        sa.Column("mode", sa.Text, nullable=False),  # serve | worker
        sa.Column("started_at", sa.Text, nullable=False),
        sa.Column("seen_at", sa.Text, nullable=False),
    )
    op.create_table(
        "notifications",
        sa.Column("notification_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("recipient", sa.Text, nullable=False, server_default=""),  # a user, or ''
        sa.Column("role", sa.Text, nullable=False, server_default=""),  # or every member of it
        sa.Column("kind", sa.Text, nullable=False),  # a catalogue key
        sa.Column("params", sa.Text, nullable=False, server_default="{}"),
        sa.Column("link", sa.Text, nullable=False, server_default=""),
        sa.Column("created_at", sa.Text, nullable=False),
        sa.Column("read_at", sa.Text),
    )


def downgrade() -> None:
    op.drop_table("notifications")
    op.drop_table("publish_workers")
    op.drop_table("publish_metrics")
    op.drop_table("media_assets")
    op.drop_index("link_clicks_code", "link_clicks")
    op.drop_table("link_clicks")
    op.drop_table("short_links")
    op.drop_index("publish_approvals_group", "publish_approvals")
    op.drop_table("publish_approvals")
    op.drop_index("publish_posts_group", "publish_posts")
    op.drop_index("publish_posts_plan", "publish_posts")
    with op.batch_alter_table("publish_posts") as b:
        for c in ("metrics_at", "approvals_needed", "link_code", "plan_item_id"):
            b.drop_column(c)
    with op.batch_alter_table("profiles") as b:
        for c in ("limited_reason", "limited_until", "token_expires_at"):
            b.drop_column(c)
