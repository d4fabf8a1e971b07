"""Inbox search and the agents' own lists, indexed (issue 16, performance): the inbox's text
search (``q``: a substring of the customer's name or of the conversation's last message) was a
scan with ``LIKE`` over every conversation, and "mine"/"unassigned" sorted in memory.

- SQLite: an FTS5 table with the ``trigram`` tokenizer (substrings of 3 characters or more, any
  script: Korean included) holding each conversation's last message and customer name in two
  columns (so a match never spans the two), kept in sync by triggers and backfilled here. Its
  rowid is a stable number from ``conversation_search`` (a conversation's own rowid may change
  on ``VACUUM``: its key is text).
- PostgreSQL: ``pg_trgm`` (created in ``public`` so that dropping a workspace's schema never
  drops it) and GIN trigram indexes on ``lower(last_message)`` and ``lower(display_name)``:
  the same ``LIKE`` the reader writes then walks them. Where the extension cannot be created
  (no privilege), the search stays a scan: correct, slower.
- Both: ``conversations (assignee, updated_at)`` for "mine"/"unassigned" newest first.

Revision ID: w0008
Revises: w0007
"""

from alembic import op
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError

revision = "w0008"
down_revision = "w0007"
branch_labels = None
depends_on = None

# the text of one conversation in the index, from the row ``{row}`` (``new`` in a trigger)
_DOC = (
    "SELECT s.doc, {row}.last_message, "
    "COALESCE((SELECT k.display_name FROM contacts k WHERE k.contact_id = {row}.contact_id), '') "
    "FROM conversation_search s WHERE s.conversation_id = {row}.conversation_id"
)
_UNDOC = (
    "DELETE FROM conversations_fts WHERE rowid = "
    "(SELECT doc FROM conversation_search WHERE conversation_id = old.conversation_id)"
)
_RENAME = (
    "UPDATE conversations_fts SET customer = new.display_name WHERE rowid IN "
    "(SELECT s.doc FROM conversations c JOIN conversation_search s "
    "ON s.conversation_id = c.conversation_id WHERE c.contact_id = new.contact_id)"
)
SQLITE_UP = (
    "CREATE TABLE conversation_search "
    "(doc INTEGER PRIMARY KEY, conversation_id TEXT NOT NULL UNIQUE)",
    "CREATE VIRTUAL TABLE conversations_fts USING fts5(message, customer, tokenize='trigram')",
    "CREATE TRIGGER conv_search_ai AFTER INSERT ON conversations BEGIN "
    "INSERT OR IGNORE INTO conversation_search (conversation_id) VALUES (new.conversation_id); "
    f"INSERT INTO conversations_fts (rowid, message, customer) {_DOC.format(row='new')}; END",
    "CREATE TRIGGER conv_search_au AFTER UPDATE OF last_message, contact_id ON conversations "
    "WHEN old.last_message IS NOT new.last_message OR old.contact_id IS NOT new.contact_id "
    f"BEGIN {_UNDOC}; "
    f"INSERT INTO conversations_fts (rowid, message, customer) {_DOC.format(row='new')}; END",
    f"CREATE TRIGGER conv_search_ad AFTER DELETE ON conversations BEGIN {_UNDOC}; "
    "DELETE FROM conversation_search WHERE conversation_id = old.conversation_id; END",
    "CREATE TRIGGER contact_search_au AFTER UPDATE OF display_name ON contacts "
    f"WHEN old.display_name IS NOT new.display_name BEGIN {_RENAME}; END",
    f"CREATE TRIGGER contact_search_ai AFTER INSERT ON contacts BEGIN {_RENAME}; END",
    # backfill: the conversations already there
    "INSERT INTO conversation_search (conversation_id) "
    "SELECT conversation_id FROM conversations ORDER BY updated_at",
    "INSERT INTO conversations_fts (rowid, message, customer) "
    "SELECT s.doc, v.last_message, COALESCE(k.display_name, '') FROM conversation_search s "
    "JOIN conversations v ON v.conversation_id = s.conversation_id "
    "LEFT JOIN contacts k ON k.contact_id = v.contact_id",
)
SQLITE_DOWN = (
    "DROP TRIGGER IF EXISTS contact_search_ai",
    "DROP TRIGGER IF EXISTS contact_search_au",
    "DROP TRIGGER IF EXISTS conv_search_ad",
    "DROP TRIGGER IF EXISTS conv_search_au",
    "DROP TRIGGER IF EXISTS conv_search_ai",
    "DROP TABLE IF EXISTS conversations_fts",
    "DROP TABLE IF EXISTS conversation_search",
)


def _trgm_schema(bind: Connection) -> str | None:
    """The schema ``pg_trgm`` lives in, creating it in ``public`` first if it is missing;
    ``None`` where it cannot be created (the search then stays a scan)."""
    find = text(
        "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
        "WHERE e.extname = 'pg_trgm'"
    )
    found = bind.execute(find).scalar()
    if found is None:
        try:
            with bind.begin_nested():
                bind.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public")
        except DBAPIError:
            return None
        found = bind.execute(find).scalar()
    return None if found is None else str(found)


def upgrade() -> None:
    bind = op.get_bind()
    op.create_index("ix_conv_assignee_updated", "conversations", ["assignee", "updated_at"])
    if bind.dialect.name == "sqlite":
        for statement in SQLITE_UP:
            bind.exec_driver_sql(statement)
        return
    schema = _trgm_schema(bind)
    if schema is None:
        return
    ops = '"' + schema.replace('"', '""') + '".gin_trgm_ops'
    bind.exec_driver_sql(
        f"CREATE INDEX ix_conv_last_trgm ON conversations USING gin (lower(last_message) {ops})"
    )
    bind.exec_driver_sql(
        f"CREATE INDEX ix_contacts_name_trgm ON contacts USING gin (lower(display_name) {ops})"
    )


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for statement in SQLITE_DOWN:
            bind.exec_driver_sql(statement)
    else:
        bind.exec_driver_sql("DROP INDEX IF EXISTS ix_contacts_name_trgm")
        bind.exec_driver_sql("DROP INDEX IF EXISTS ix_conv_last_trgm")
    op.drop_index("ix_conv_assignee_updated", table_name="conversations")
