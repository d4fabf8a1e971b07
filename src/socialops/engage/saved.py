"""Saved replies (canned responses) in Korean and English with variables: ``{name}``/``{이름}``
(the customer), ``{case}``/``{케이스}`` (the case number), ``{agent}``/``{상담사}`` (who answers).
A variable with no value is left as written, so the agent sees what to fill in."""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import text as sql

from socialops.domain.instants import now_iso
from socialops.errors import EngageError
from socialops.store.workspace import Workspace

__all__ = [
    "VARIABLES",
    "SavedReply",
    "list_saved",
    "remove_saved",
    "render_saved",
    "save_saved",
]

# every spelling -> its canonical name
VARIABLES: dict[str, str] = {
    "name": "name",
    "이름": "name",
    "고객명": "name",
    "case": "case",
    "케이스": "case",
    "케이스번호": "case",
    "agent": "agent",
    "상담사": "agent",
}
_VAR = re.compile(r"\{([^{}\s]+)\}")
_LANGS = ("ko", "en")


@dataclass(frozen=True)
class SavedReply:
    saved_id: str
    name: str
    lang: str
    text: str
    category: str
    created_by: str
    created_at: str
    updated_at: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


_COLS = "saved_id, name, lang, text, category, created_by, created_at, updated_at"


def list_saved(ws: Workspace, lang: str | None = None) -> list[SavedReply]:
    """The saved replies (of ``lang`` only when given), by name."""
    query = f"SELECT {_COLS} FROM saved_replies"
    params: dict[str, Any] = {}
    if lang:
        query += " WHERE lang = :l"
        params["l"] = lang
    with ws.connect() as conn:
        rows = conn.execute(sql(query + " ORDER BY name, lang"), params).fetchall()
    return [SavedReply(*r) for r in rows]


def save_saved(
    ws: Workspace, name: str, lang: str, text: str, category: str = "", by: str = ""
) -> SavedReply:
    """Create the saved reply ``name`` in ``lang`` or replace its text and category."""
    name, text = name.strip(), text.strip()
    if not name or not text:
        raise EngageError("inbox.saved_reply_empty")
    if lang not in _LANGS:
        raise EngageError("inbox.bad_lang", lang=lang)
    now = now_iso()
    with ws.begin() as conn:
        conn.execute(
            sql(
                f"INSERT INTO saved_replies ({_COLS}) VALUES (:i, :n, :l, :t, :c, :b, :at, :at) "
                "ON CONFLICT (name, lang) DO UPDATE SET text = excluded.text, "
                "category = excluded.category, updated_at = excluded.updated_at"
            ),
            {
                "i": uuid.uuid4().hex[:12],
                "n": name,
                "l": lang,
                "t": text,
                "c": category,
                "b": by,
                "at": now,
            },
        )
        row = conn.execute(
            sql(f"SELECT {_COLS} FROM saved_replies WHERE name = :n AND lang = :l"),
            {"n": name, "l": lang},
        ).one()
    return SavedReply(*row)


def remove_saved(ws: Workspace, saved_id: str) -> None:
    with ws.begin() as conn:
        gone = conn.execute(
            sql("DELETE FROM saved_replies WHERE saved_id = :i"), {"i": saved_id}
        ).rowcount
    if not gone:
        raise EngageError("inbox.unknown_saved_reply", saved_id=saved_id)


def render_saved(text: str, variables: Mapping[str, str]) -> str:
    """``text`` with its variables filled from ``variables`` (keys in either spelling)."""
    values = {VARIABLES.get(k, k): str(v) for k, v in variables.items() if v not in (None, "")}

    def fill(m: re.Match[str]) -> str:
        key = VARIABLES.get(m[1], m[1])
        return values.get(key, m[0])

    return _VAR.sub(fill, text)
