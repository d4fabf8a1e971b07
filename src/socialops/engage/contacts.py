"""Contacts, the CRM part of the inbox: one per person, with their handles on every channel,
tags, notes, consent flags and segment attributes.

A message finds its contact by the channel's stable user id (``contact_handles``), else by a
shared e-mail or phone (stored only as SHA-256 hashes, the originals encrypted in
``contacts.private``), else it makes one. Two contacts found to share an e-mail or phone are
merged (the older one kept); an agent may merge two by hand. A merged contact points at the one
it went into (``merged_into``) and is never shown on its own again."""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sqlalchemy import Connection
from sqlalchemy import text as sql

from socialops.domain.instants import now_iso
from socialops.engage.events import emit
from socialops.errors import EngageError
from socialops.store.secrets import decrypt, encrypt
from socialops.store.workspace import Workspace

__all__ = [
    "add_note",
    "contact",
    "contact_dict",
    "email_hash",
    "find_or_create",
    "merge_contacts",
    "phone_hash",
    "resolve",
    "reveal_contact",
    "set_attributes",
    "set_consent",
    "set_tags",
]


def email_hash(email: str) -> str:
    """SHA-256 of the normalised e-mail ("" for none)."""
    e = email.strip().lower()
    return hashlib.sha256(e.encode("utf-8")).hexdigest() if "@" in e else ""


def phone_hash(phone: str) -> str:
    """SHA-256 of the phone's digits, +82 written as the leading 0 ("" for none)."""
    digits = re.sub(r"\D", "", phone)
    if phone.strip().startswith("+82") or (digits.startswith("82") and len(digits) >= 11):
        digits = "0" + digits[2:].lstrip("0")
    return hashlib.sha256(digits.encode("ascii")).hexdigest() if len(digits) >= 8 else ""


def resolve(conn: Connection, contact_id: str) -> str:
    """The contact ``contact_id`` went into (itself when never merged)."""
    seen = {contact_id}
    while True:
        nxt = conn.execute(
            sql("SELECT merged_into FROM contacts WHERE contact_id = :c"), {"c": contact_id}
        ).scalar_one_or_none()
        if not nxt or nxt in seen:
            return contact_id
        seen.add(nxt)
        contact_id = str(nxt)


def _by_hash(conn: Connection, column: str, value: str) -> str | None:
    if not value:
        return None
    found = conn.execute(
        sql(
            f"SELECT contact_id FROM contacts WHERE {column} = :h AND merged_into IS NULL "
            "ORDER BY created_at, contact_id LIMIT 1"
        ),
        {"h": value},
    ).scalar_one_or_none()
    return str(found) if found else None


def _add_private(conn: Connection, root: Path, cid: str, email: str, phone: str) -> None:
    """Fill the contact's e-mail/phone hashes and encrypted originals where empty."""
    row = conn.execute(
        sql("SELECT email_hash, phone_hash, private FROM contacts WHERE contact_id = :c"),
        {"c": cid},
    ).one()
    eh, ph = email_hash(email), phone_hash(phone)
    new_e = eh and not row[0]
    new_p = ph and not row[1]
    if not (new_e or new_p):
        return
    private = decrypt(root, row[2]) if row[2] else {}
    if new_e:
        private["email"] = email.strip()
    if new_p:
        private["phone"] = phone.strip()
    conn.execute(
        sql(
            "UPDATE contacts SET email_hash = :e, phone_hash = :p, private = :x, "
            "updated_at = :at WHERE contact_id = :c"
        ),
        {
            "e": row[0] or eh,
            "p": row[1] or ph,
            "x": encrypt(root, private),
            "at": now_iso(),
            "c": cid,
        },
    )


def find_or_create(
    conn: Connection,
    root: Path,
    *,
    channel: str,
    handle: str,
    label: str = "",
    email: str = "",
    phone: str = "",
    sample: bool = False,
) -> str:
    """The contact of ``handle`` on ``channel``, made or merged as the module says; returns its
    id. Runs in the caller's transaction."""
    now = now_iso()
    cid = conn.execute(
        sql("SELECT contact_id FROM contact_handles WHERE channel = :ch AND handle = :h"),
        {"ch": channel, "h": handle},
    ).scalar_one_or_none()
    by_mail = _by_hash(conn, "email_hash", email_hash(email))
    by_phone = _by_hash(conn, "phone_hash", phone_hash(phone))
    if cid is not None:
        cid = resolve(conn, str(cid))
    else:
        cid = by_mail or by_phone
        if cid is None:
            cid = "k" + uuid.uuid4().hex[:15]
            conn.execute(
                sql(
                    "INSERT INTO contacts (contact_id, display_name, sample, created_at, "
                    "updated_at) VALUES (:c, :n, :s, :at, :at)"
                ),
                {"c": cid, "n": label or handle, "s": int(sample), "at": now},
            )
        conn.execute(
            sql(
                "INSERT INTO contact_handles (channel, handle, contact_id, label) "
                "VALUES (:ch, :h, :c, :l) ON CONFLICT (channel, handle) DO NOTHING"
            ),
            {"ch": channel, "h": handle, "c": cid, "l": label or handle},
        )
    for other in (by_mail, by_phone):  # a shared e-mail or phone: one person
        if other and other != cid:
            keep, gone = sorted((cid, other), key=lambda c: _created(conn, c))
            _merge(conn, root, keep, gone, by="")
            cid = keep
    if email or phone:
        _add_private(conn, root, cid, email, phone)
    return cid


def _created(conn: Connection, cid: str) -> tuple[str, str]:
    at = conn.execute(
        sql("SELECT created_at FROM contacts WHERE contact_id = :c"), {"c": cid}
    ).scalar_one()
    return (str(at), cid)


def _row(conn: Connection, cid: str) -> Any:
    row = conn.execute(
        sql(
            "SELECT contact_id, display_name, email_hash, phone_hash, private, tags, consent, "
            "attributes, merged_into, sample, created_at, updated_at FROM contacts "
            "WHERE contact_id = :c"
        ),
        {"c": cid},
    ).first()
    if row is None:
        raise EngageError("inbox.unknown_contact", contact_id=cid)
    return row


def _merge(conn: Connection, root: Path, keep: str, other: str, *, by: str) -> None:
    k, o = _row(conn, keep), _row(conn, other)
    tags = list(dict.fromkeys([*json.loads(k.tags), *json.loads(o.tags)]))
    consent = {**json.loads(o.consent), **json.loads(k.consent)}
    attributes = {**json.loads(o.attributes), **json.loads(k.attributes)}
    private = {
        **(decrypt(root, o.private) if o.private else {}),
        **(decrypt(root, k.private) if k.private else {}),
    }
    conn.execute(
        sql(
            "UPDATE contacts SET tags = :t, consent = :c, attributes = :a, email_hash = :e, "
            "phone_hash = :p, private = :x, updated_at = :at WHERE contact_id = :k"
        ),
        {
            "t": json.dumps(tags, ensure_ascii=False),
            "c": json.dumps(consent, ensure_ascii=False),
            "a": json.dumps(attributes, ensure_ascii=False),
            "e": k.email_hash or o.email_hash,
            "p": k.phone_hash or o.phone_hash,
            "x": encrypt(root, private) if private else "",
            "at": now_iso(),
            "k": keep,
        },
    )
    for table in ("contact_handles", "contact_notes", "conversations"):
        conn.execute(
            sql(f"UPDATE {table} SET contact_id = :k WHERE contact_id = :o"),
            {"k": keep, "o": other},
        )
    conn.execute(
        sql(
            "UPDATE contacts SET merged_into = :k, email_hash = '', phone_hash = '', "
            "private = '', updated_at = :at WHERE contact_id = :o"
        ),
        {"k": keep, "o": other, "at": now_iso()},
    )
    emit(conn, "contact", user=by, action="merge", contact_id=keep, merged=other)


def merge_contacts(ws: Workspace, keep: str, other: str, by: str) -> dict[str, Any]:
    """Merge the contact ``other`` into ``keep`` (handles, conversations, notes, tags, consent
    and attributes move; ``keep``'s values win); returns the kept contact."""
    with ws.begin() as conn:
        keep, other = resolve(conn, keep), resolve(conn, other)
        _row(conn, keep)
        _row(conn, other)
        if keep == other:
            raise EngageError("inbox.same_contact", contact_id=keep)
        _merge(conn, ws.root, keep, other, by=by)
        return contact_dict(conn, keep)


def contact_dict(conn: Connection, contact_id: str) -> dict[str, Any]:
    """A contact for agents (no personal data: whether an e-mail/phone is known, not what)."""
    cid = resolve(conn, contact_id)
    r = _row(conn, cid)
    handles = conn.execute(
        sql(
            "SELECT channel, handle, label FROM contact_handles WHERE contact_id = :c "
            "ORDER BY channel, handle"
        ),
        {"c": cid},
    ).fetchall()
    notes = conn.execute(
        sql(
            "SELECT note_id, author, text, created_at FROM contact_notes WHERE contact_id = :c "
            "ORDER BY note_id DESC"
        ),
        {"c": cid},
    ).fetchall()
    convs = conn.execute(
        sql(
            "SELECT conversation_id, channel, status, case_id, last_message, updated_at "
            "FROM conversations WHERE contact_id = :c ORDER BY updated_at DESC LIMIT 50"
        ),
        {"c": cid},
    ).fetchall()
    return {
        "contact_id": cid,
        "display_name": r.display_name,
        "has_email": bool(r.email_hash),
        "has_phone": bool(r.phone_hash),
        "tags": json.loads(r.tags),
        "consent": json.loads(r.consent),
        "attributes": json.loads(r.attributes),
        "sample": bool(r.sample),
        "created_at": r.created_at,
        "updated_at": r.updated_at,
        "handles": [{"channel": h[0], "handle": h[1], "label": h[2]} for h in handles],
        "notes": [
            {"note_id": int(n[0]), "author": n[1], "text": n[2], "created_at": n[3]} for n in notes
        ],
        "conversations": [
            {
                "conversation_id": c[0],
                "channel": c[1],
                "status": c[2],
                "case_id": None if c[3] is None else int(c[3]),
                "last_message": c[4],
                "updated_at": c[5],
            }
            for c in convs
        ],
    }


def contact(ws: Workspace, contact_id: str) -> dict[str, Any]:
    """The contact ``contact_id`` (or the one it was merged into)."""
    with ws.connect() as conn:
        return contact_dict(conn, contact_id)


def reveal_contact(ws: Workspace, contact_id: str) -> dict[str, str]:
    """The contact's e-mail and phone in clear (the caller checks ``inbox.personal_data`` and
    audits)."""
    with ws.connect() as conn:
        r = _row(conn, resolve(conn, contact_id))
    return decrypt(ws.root, r.private) if r.private else {}


def _update(ws: Workspace, contact_id: str, column: str, value: Any, by: str) -> dict[str, Any]:
    with ws.begin() as conn:
        cid = resolve(conn, contact_id)
        _row(conn, cid)
        conn.execute(
            sql(f"UPDATE contacts SET {column} = :v, updated_at = :at WHERE contact_id = :c"),
            {"v": json.dumps(value, ensure_ascii=False), "at": now_iso(), "c": cid},
        )
        emit(conn, "contact", user=by, action=column, contact_id=cid)
        return contact_dict(conn, cid)


def set_tags(ws: Workspace, contact_id: str, tags: list[str], by: str) -> dict[str, Any]:
    clean = list(dict.fromkeys(t.strip() for t in tags if t.strip()))
    return _update(ws, contact_id, "tags", clean, by)


def set_consent(
    ws: Workspace, contact_id: str, consent: Mapping[str, bool], by: str
) -> dict[str, Any]:
    return _update(ws, contact_id, "consent", {str(k): bool(v) for k, v in consent.items()}, by)


def set_attributes(
    ws: Workspace, contact_id: str, attributes: Mapping[str, Any], by: str
) -> dict[str, Any]:
    return _update(ws, contact_id, "attributes", dict(attributes), by)


def add_note(ws: Workspace, contact_id: str, text: str, by: str) -> int:
    """Add an internal note to the contact; returns its id."""
    if not text.strip():
        raise EngageError("inbox.contact_note_empty")
    with ws.begin() as conn:
        cid = resolve(conn, contact_id)
        _row(conn, cid)
        row = conn.execute(
            sql(
                "INSERT INTO contact_notes (contact_id, author, text, created_at) "
                "VALUES (:c, :a, :t, :at) RETURNING note_id"
            ),
            {"c": cid, "a": by, "t": text.strip(), "at": now_iso()},
        ).one()
        emit(conn, "contact", user=by, action="note", contact_id=cid)
    return int(row[0])
