"""The inbox importer: a turns file through the inbox_messages stream into ``receive_many``
(real SQLite and PostgreSQL): conversations threaded, customer turns in and the brand's
replies out, nothing stored twice, simulated times marked, counts that add up."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import text

from socialops.engage.importer import import_conversations
from socialops.sources import ledger
from socialops.store.workspace import Workspace

NOW = datetime(2026, 12, 9, 6, 0, tzinfo=UTC)

FILE = (
    "first_tweet_id,first_utterance,context\n"
    '11.0,"<cust__  __company__  my bag never arrived at ICN, flight 123. Where is it? __cust>",'
    '"<rep__  __cust__  So sorry! Please DM us your file number. *AB __rep> '
    '<cust__  __company__  sent, thanks __cust>"\n'
    '12.0,"<cust__ Thanks  __company__  for the great crew today! __cust>",""\n'
    '11.0,"<cust__  __company__  my bag never arrived at ICN, flight 123. Where is it? __cust>",'
    '"<rep__  __cust__  So sorry! Please DM us your file number. *AB __rep> '
    '<cust__  __company__  sent, thanks __cust>"\n'
    ',"<cust__ no id __cust>",""\n'
)


def _write(tmp_path: Path) -> Path:
    path = tmp_path / "care.csv"
    path.write_text(FILE, encoding="utf-8")
    return path


def test_import_threads_and_is_idempotent(
    database: str, workspace: Workspace, tmp_path: Path
) -> None:
    path = _write(tmp_path)
    res = import_conversations(workspace, path, "airline-care", now=NOW)
    assert (res.rows_read, res.conversations, res.duplicates, res.skipped) == (4, 2, 1, 1)
    assert (res.messages, res.received, res.already) == (4, 4, 0)
    with workspace.connect() as conn:
        convs = conn.execute(
            text(
                "SELECT thread_key, message_count, simulated, last_direction, channel, source "
                "FROM conversations ORDER BY thread_key"
            )
        ).all()
        msgs = conn.execute(
            text(
                "SELECT m.remote_id, m.direction, m.parent_remote_id, m.text, m.simulated, "
                "m.intent FROM messages m JOIN conversations c "
                "ON c.conversation_id = m.conversation_id ORDER BY m.remote_id"
            )
        ).all()
    assert [tuple(c) for c in convs] == [
        ("11", 3, 1, "in", "twitter", "import:airline-care"),
        ("12", 1, 1, "in", "twitter", "import:airline-care"),
    ]
    assert [(m[0], m[1], m[2]) for m in msgs] == [
        ("11:0", "in", None),
        ("11:1", "out", "11:0"),
        ("11:2", "in", "11:1"),
        ("12:0", "in", None),
    ]
    assert msgs[0][3] == "my bag never arrived at ICN, flight 123. Where is it?"
    assert all(m[4] == 1 for m in msgs)  # simulated arrival times
    assert all(m[5] for m in msgs if m[1] == "in")  # triaged
    # again: nothing new, every conversation a duplicate
    again = import_conversations(workspace, path, "airline-care", now=NOW)
    assert (again.conversations, again.duplicates, again.skipped) == (0, 3, 1)
    assert (again.received, again.already) == (0, 4)
    with workspace.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM messages")).scalar() == 4
        assert conn.execute(text("SELECT COUNT(*) FROM conversations")).scalar() == 2
    imports = ledger.list_imports(workspace, "inbox_messages")
    assert sorted(i["imported"] for i in imports) == [0, 2]


def test_real_slice(workspace: Workspace, shared_file: Callable[[str], Path]) -> None:
    path = shared_file("airline_care/conversations.csv.gz")
    seen: list[tuple[int, int]] = []
    res = import_conversations(
        workspace, path, every=50, limit=200, now=NOW, progress=lambda d, t: seen.append((d, t))
    )
    assert res.conversations == 200 and res.received == res.messages > 400
    assert seen and all(d <= t for d, t in seen)
    with workspace.connect() as conn:
        n_conv = conn.execute(text("SELECT COUNT(*) FROM conversations")).scalar()
        n_out = conn.execute(text("SELECT COUNT(*) FROM messages WHERE direction = 'out'")).scalar()
        n_cases = conn.execute(text("SELECT COUNT(*) FROM cases")).scalar()
        answered = conn.execute(
            text("SELECT COUNT(*) FROM cases WHERE first_response_at IS NOT NULL")
        ).scalar()
    assert n_conv == 200 and n_cases == 200
    assert n_out and answered and answered >= 180  # nearly every conversation has a reply
