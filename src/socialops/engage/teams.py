"""Care teams (``inbox_teams``): a name, the categories it handles (its skills, for routing by
category) and its members (user e-mails, for round-robin and load balancing)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import Connection, text

from socialops.domain.instants import now_iso
from socialops.errors import EngageError
from socialops.store.workspace import Workspace

__all__ = ["Team", "get_team", "list_teams", "remove_team", "save_team"]


@dataclass(frozen=True)
class Team:
    name: str
    categories: list[str]
    members: list[str]
    created_at: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _clean(values: list[str]) -> list[str]:
    out: list[str] = []
    for v in values:
        v = str(v).strip()
        if v and v not in out:
            out.append(v)
    return out


def save_team(ws: Workspace, name: str, categories: list[str], members: list[str]) -> Team:
    """Create the team ``name`` or replace its categories and members."""
    name = name.strip()
    if not name:
        raise EngageError("inbox.team_name_required")
    cats, mems = _clean(categories), _clean(members)
    with ws.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO inbox_teams (name, categories, members, created_at) "
                "VALUES (:n, :c, :m, :at) ON CONFLICT (name) DO UPDATE SET "
                "categories = excluded.categories, members = excluded.members"
            ),
            {
                "n": name,
                "c": json.dumps(cats, ensure_ascii=False),
                "m": json.dumps(mems, ensure_ascii=False),
                "at": now_iso(),
            },
        )
        team = get_team(conn, name)
    assert team is not None
    return team


def _team(r: Any) -> Team:
    return Team(
        name=r[0],
        categories=json.loads(r[1] or "[]"),
        members=json.loads(r[2] or "[]"),
        created_at=r[3],
    )


def get_team(conn: Connection, name: str) -> Team | None:
    row = conn.execute(
        text("SELECT name, categories, members, created_at FROM inbox_teams WHERE name = :n"),
        {"n": name},
    ).first()
    return _team(row) if row else None


def list_teams(ws_or_conn: Workspace | Connection) -> list[Team]:
    """Every team, by name."""
    if isinstance(ws_or_conn, Workspace):
        with ws_or_conn.connect() as conn:
            return list_teams(conn)
    rows = ws_or_conn.execute(
        text("SELECT name, categories, members, created_at FROM inbox_teams ORDER BY name")
    ).fetchall()
    return [_team(r) for r in rows]


def remove_team(ws: Workspace, name: str) -> None:
    """Delete the team ``name`` (its open cases keep the name until reassigned)."""
    with ws.begin() as conn:
        gone = conn.execute(text("DELETE FROM inbox_teams WHERE name = :n"), {"n": name}).rowcount
    if not gone:
        raise EngageError("inbox.unknown_team", name=name)
