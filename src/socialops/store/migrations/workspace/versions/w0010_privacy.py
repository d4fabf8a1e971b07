"""Personal-data requests and retention (issue 18 part 5, PIPA): the record of every request
answered (find, export, erase) and of every retention run — who, when, what counts, the subject
only as a salted hash, never the personal data itself — the workspace's retention rules (how
many days each kind of personal data is kept) and the mark on an erased contact.

- ``privacy_log``: one row per request or retention run; ``subject`` is a salted SHA-256 of
  what the request named (``contact:<id>`` or ``<platform>:<handle>``), ``counts`` a JSON
  object place → rows.
- ``retention_rules``: ``kind`` (``inbox_messages``, ``closed_cases``, ``quarantine``) → days.
- ``contacts.erased_at``: when an erase anonymised the contact (``NULL``: never).

Revision ID: w0010
Revises: w0009
"""

import sqlalchemy as sa
from alembic import op

revision = "w0010"
down_revision = "w0009"
branch_labels = None
depends_on = None

T = sa.Text
I = sa.Integer  # noqa: E741


def upgrade() -> None:
    op.create_table(
        "privacy_log",
        sa.Column("log_id", I, primary_key=True, autoincrement=True),
        sa.Column("at", T, nullable=False),
        sa.Column("kind", T, nullable=False),  # find | export | erase | retention
        sa.Column("subject", T, nullable=False, server_default=""),  # salted hash
        sa.Column("actor", T, nullable=False, server_default=""),  # e-mail, "cli", "worker"
        sa.Column("dry_run", I, nullable=False, server_default="0"),
        sa.Column("counts", T, nullable=False, server_default="{}"),
    )
    op.create_index("ix_privacy_log_at", "privacy_log", ["at"])
    op.create_table(
        "retention_rules",
        sa.Column("kind", T, primary_key=True),
        sa.Column("days", I, nullable=False),
        sa.Column("updated_by", T, nullable=False, server_default=""),
        sa.Column("updated_at", T, nullable=False),
    )
    # a plain ALTER TABLE on both databases (a batch copy of ``contacts`` on SQLite would trip
    # over w0008's search triggers, which name the table)
    op.add_column("contacts", sa.Column("erased_at", T))


def downgrade() -> None:
    op.drop_column("contacts", "erased_at")  # SQLite 3.35+ drops a column in place
    op.drop_table("retention_rules")
    op.drop_index("ix_privacy_log_at", table_name="privacy_log")
    op.drop_table("privacy_log")
