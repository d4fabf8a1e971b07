"""The demo inbox: a slice of the real airline care conversations and the hand-written Korean
bank and shop conversations (samples), teams, saved replies, cases assigned and resolved; added
once (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import text

from socialops.engage.demo import DEMO_SOURCE, add_demo_inbox, sample_conversations
from socialops.engage.saved import list_saved
from socialops.engage.teams import list_teams
from socialops.store.workspace import Workspace

NOW = datetime(2026, 12, 9, 6, 0, tzinfo=UTC)


def test_samples_are_written_well() -> None:
    convs = sample_conversations()
    assert len(convs) == 10
    keys = {c["key"] for c in convs}
    assert len(keys) == 10
    assert {c["taxonomy"] for c in convs} == {"banking", "commerce"}
    assert sum(1 for c in convs if any(m["dir"] == "out" for m in c["messages"])) >= 4
    for c in convs:
        assert c["messages"][0]["dir"] == "in"
        ats = [m["at"] for m in c["messages"]]
        assert ats == sorted(ats) and c["started_minutes_ago"] >= ats[-1]


def test_demo_inbox(database: str, workspace: Workspace, data_dir: Path) -> None:
    out = add_demo_inbox(workspace, data_dir, now=NOW, conversations=120)
    assert not out.skipped and out.samples == 10
    assert out.airline is not None and out.airline["conversations"] == 120
    assert len(out.teams) == 4 and out.saved_replies == 6
    assert out.assigned >= 4 and out.resolved >= 3
    with workspace.connect() as conn:
        demo = conn.execute(
            text(
                "SELECT thread_key, sample, simulated, status, assignee, team, channel "
                "FROM conversations WHERE source = :s"
            ),
            {"s": DEMO_SOURCE},
        ).all()
        by_source = dict(
            conn.execute(text("SELECT source, COUNT(*) FROM conversations GROUP BY source")).all()
        )
        card = conn.execute(
            text(
                "SELECT m.text, m.pii, m.private FROM messages m JOIN conversations c "
                "ON c.conversation_id = m.conversation_id "
                "WHERE c.thread_key = 'bank-card-lost' AND m.text LIKE '%카드번호%'"
            )
        ).one()
        statuses = dict(
            conn.execute(text("SELECT status, COUNT(*) FROM conversations GROUP BY status")).all()
        )
    assert by_source == {DEMO_SOURCE: 10, "import:airline-care": 120}
    assert all(r.sample == 1 and r.simulated == 1 for r in demo)
    rows = {r.thread_key: r for r in demo}
    assert rows["bank-card-lost"].assignee == "jieun.lee@socialops.local"
    assert rows["bank-card-lost"].team == "카드·여신팀"
    assert rows["bank-loan-inquiry"].status == "resolved"
    assert rows["bank-app-login"].status == "waiting"
    assert {r.channel for r in demo} == {"kakao", "webchat", "instagram"}
    # personal data masked in what agents see, the original kept encrypted
    assert "9430-1234-5678-1112" not in card.text and "010-2345-6789" not in card.text
    assert "card" in card.pii and "phone" in card.pii and card.private
    assert statuses.get("resolved", 0) >= 3 and statuses.get("open", 0) + statuses.get("new", 0)
    assert {t.name for t in list_teams(workspace)} >= {"카드·여신팀", "Airline care (EN)"}
    assert {s.lang for s in list_saved(workspace)} == {"ko", "en"}
    # once only
    again = add_demo_inbox(workspace, data_dir, now=NOW, conversations=120)
    assert again.skipped and again.samples == 0
    with workspace.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM conversations")).scalar() == 130


def test_without_the_data_file(workspace: Workspace, tmp_path: Path) -> None:
    out = add_demo_inbox(workspace, tmp_path / "nothing", now=NOW)
    assert out.airline is None and out.samples == 10
