"""The accounts database as release 0.1 made it: users, workspaces, members, sessions, API tokens,
sign-in failures, the audit log and invitations.

Adopts a 0.1 ``accounts.db`` in place: a table or index that exists already is kept as it is,
only what is missing is made. Times are UTC ISO-8601 text with the zone (``+00:00``).

Revision ID: a0001
Revises:
"""

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "a0001"
down_revision = None
branch_labels = None
depends_on = None


def _table(name: str, *items: Any, **kw: Any) -> None:
    if not sa.inspect(op.get_bind()).has_table(name):
        op.create_table(name, *items, **kw)


def _index(name: str, table: str, columns: list[str]) -> None:
    if name not in {i["name"] for i in sa.inspect(op.get_bind()).get_indexes(table)}:
        op.create_index(name, table, columns)


def upgrade() -> None:
    T, I = sa.Text, sa.Integer  # noqa: E741
    _table(
        "users",
        sa.Column("id", I, primary_key=True),
        sa.Column("email", T, nullable=False, unique=True),
        sa.Column("name", T, nullable=False),
        sa.Column("password", T, nullable=False),
        sa.Column("lang", T, nullable=False, server_default="ko"),
        sa.Column("tz", T, nullable=False, server_default="Asia/Seoul"),
        sa.Column("created_at", T, nullable=False),
    )
    _table(
        "workspaces",
        sa.Column("slug", T, primary_key=True),
        sa.Column("name", T, nullable=False),
        sa.Column("created_at", T, nullable=False),
    )
    _table(
        "members",
        sa.Column(
            "workspace", T, sa.ForeignKey("workspaces.slug", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("user_id", I, sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("role", T, nullable=False),
    )
    _table(
        "sessions",
        sa.Column("token_hash", T, primary_key=True),
        sa.Column("user_id", I, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("csrf", T, nullable=False),
        sa.Column("created_at", T, nullable=False),
        sa.Column("expires_at", T, nullable=False),
    )
    _table(
        "api_tokens",
        sa.Column("id", I, primary_key=True),
        sa.Column("token_hash", T, nullable=False, unique=True),
        sa.Column("user_id", I, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("name", T, nullable=False),
        sa.Column("created_at", T, nullable=False),
        sa.Column("last_used", T),
    )
    _table(
        "sign_in_failures",
        sa.Column("key", T, nullable=False),
        sa.Column("at", T, nullable=False),
    )
    _index("sign_in_failures_key", "sign_in_failures", ["key", "at"])
    _table(
        "audit",
        sa.Column("id", I, primary_key=True),
        sa.Column("at", T, nullable=False),
        sa.Column("user_id", I),
        sa.Column("email", T),
        sa.Column("workspace", T),
        sa.Column("action", T, nullable=False),
        sa.Column("target", T),
        sa.Column("detail", T),
        sa.Column("ip", T),
    )
    _index("audit_workspace", "audit", ["workspace", "id"])
    _index("audit_email", "audit", ["email", "id"])
    _table(
        "invitations",
        sa.Column("id", I, primary_key=True),
        sa.Column("token_hash", T, nullable=False, unique=True),
        sa.Column(
            "workspace", T, sa.ForeignKey("workspaces.slug", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("email", T, nullable=False),
        sa.Column("role", T, nullable=False),
        sa.Column("invited_by", I, sa.ForeignKey("users.id", ondelete="SET NULL")),
        sa.Column("created_at", T, nullable=False),
        sa.Column("expires_at", T, nullable=False),
        sa.Column("accepted_at", T),
        sa.Column("accepted_by", I, sa.ForeignKey("users.id", ondelete="SET NULL")),
        sa.Column("revoked_at", T),
    )
    _index("invitations_workspace", "invitations", ["workspace", "email"])
