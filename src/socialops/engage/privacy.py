"""Personal-data requests (개인정보 보호법, PIPA: a person may ask what is held about them, for a
copy, and for its erasure): find, export and erase everything socialops holds about one person.

A request names a contact (``contact_id``: the contact and every contact merged into it) or a
handle (``PLATFORM:HANDLE``: the contact that handle belongs to, if any, and the posts that handle
wrote). The places looked at (:data:`PLACES`):

- the inbox: the contact, its handles and notes, its conversations, their messages, cases and
  replies (to them);
- the analytics store: posts by the subject's handles, in the raw parts and the enriched files
  (:mod:`socialops.engage.privacy_files`);
- quarantine rows (rejected import rows) that name one of the handles;
- imported customers whose e-mail or phone is the contact's (matched by decrypting the
  customer table's identifiers and comparing the same SHA-256 the inbox keeps), their
  transactions and segment memberships;
- audit entries that name the contact or a handle (the accounts database: an :class:`AuditPort`
  the caller passes, the audit log living above this layer).

Erase anonymises where a row must stay for counts and reports (a message keeps its time,
direction, intent and sentiment; its text becomes :data:`MARKER`; a post keeps its day, platform
and sentiment, its author becomes a salted hash) and deletes what only identifies (handles,
notes, quarantine rows). Files are rewritten before the database changes, so a run killed half
way is finished by running it again. Every request is recorded in ``privacy_log`` with counts
only, the subject as a salted hash.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import Connection, bindparam
from sqlalchemy import text as sql

from socialops.domain.instants import now_iso
from socialops.engage import privacy_files as files
from socialops.engage.contacts import resolve
from socialops.engage.settings import get_setting, put_setting
from socialops.errors import SocialopsError
from socialops.store.compact import purge_retired
from socialops.store.secrets import decrypt
from socialops.store.workspace import Workspace

__all__ = [
    "MARKER",
    "PLACES",
    "AuditPort",
    "Findings",
    "PrivacyError",
    "Subject",
    "checkpoint",
    "erase",
    "export",
    "find",
    "log_request",
    "resolve_subject",
    "secure_delete",
    "subject_hash",
]

#: what an erased text becomes (stored data, read in both languages)
MARKER = files.MARKER
#: the places a request looks at, in the order the summary lists them
PLACES: tuple[str, ...] = (
    "contacts",
    "handles",
    "notes",
    "conversations",
    "messages",
    "cases",
    "replies",
    "posts",
    "raw_posts",
    "quarantine",
    "customers",
    "transactions",
    "segment_members",
    "audit",
)
_STATUS = {"privacy.unknown_contact": 404, "privacy.unknown_handle": 404}
SALT_KEY = "privacy_salt"


class PrivacyError(SocialopsError):
    """A personal-data request that cannot be answered as asked; nothing was changed. 404 an
    unknown contact or handle, else 400; exit status 2."""

    exit_code = 2

    def __init__(self, message: str = "", /, *, code: str | None = None, **params: Any) -> None:
        super().__init__(message, code=code, **params)
        self.http_status = _STATUS.get(code or "", 400)


class AuditPort(Protocol):
    """The audit log's side of a request (it lives in the accounts database, above this layer):
    entries of this workspace that name one of ``needles``."""

    def entries(self, needles: list[str]) -> list[dict[str, Any]]: ...

    def erase(self, needles: list[str], replacement: str) -> int: ...


@dataclass(frozen=True)
class Subject:
    """Who a request is about, as found in the workspace."""

    ref: str  # "contact:<id>" or "<platform>:<handle>", as asked (normalised)
    contact_ids: tuple[str, ...] = ()  # the contact and those merged into it (not erased)
    erased_ids: tuple[str, ...] = ()  # contacts of the subject an earlier erase anonymised
    handles: tuple[tuple[str, str], ...] = ()  # (platform, handle lower case, no "@")
    email_hashes: tuple[str, ...] = ()
    phone_hashes: tuple[str, ...] = ()

    @property
    def needles(self) -> list[str]:
        """What an audit entry naming the subject contains."""
        out = [*self.contact_ids, *self.erased_ids]
        out += [h for _, h in self.handles if len(h) >= 3]
        return sorted(set(out))


@dataclass
class Findings:
    """Counts per place (:data:`PLACES`) and, for an export, the rows."""

    subject: Subject
    counts: dict[str, int] = field(default_factory=dict)
    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    dry_run: bool = False

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def to_dict(self) -> dict[str, Any]:
        return {
            "subject": self.subject.ref,
            "counts": {p: self.counts.get(p, 0) for p in PLACES},
            "total": self.total,
            "dry_run": self.dry_run,
        }


# -- the subject ---------------------------------------------------------------------------------
def parse_handle(value: str) -> tuple[str, str]:
    """``PLATFORM:HANDLE`` → (platform, handle lower case without a leading ``@``)."""
    platform, sep, handle = (value or "").strip().partition(":")
    handle = handle.strip().lstrip("@").strip().lower()
    platform = platform.strip().lower()
    if not sep or not platform or not handle or len(handle) > 200:
        raise PrivacyError(code="privacy.bad_handle", value=(value or "")[:80])
    return platform, handle


def _in() -> Any:
    """The expanding ``:ids`` parameter of an ``IN :ids`` list."""
    return bindparam("ids", expanding=True)


def _family(conn: Connection, root: str) -> list[str]:
    """``root`` and every contact merged into it, at any depth."""
    found = [root]
    frontier = [root]
    while frontier:
        q = sql("SELECT contact_id FROM contacts WHERE merged_into IN :ids").bindparams(_in())
        nxt = [str(r[0]) for r in conn.execute(q, {"ids": frontier}) if str(r[0]) not in found]
        found += nxt
        frontier = nxt
    return found


def resolve_subject(
    ws: Workspace, *, contact: str | None = None, handle: str | None = None
) -> Subject:
    """The subject a request names (exactly one of ``contact`` and ``handle``). An unknown
    contact id is :class:`PrivacyError` ``privacy.unknown_contact``; a handle that no contact
    has is kept (its posts may still be in the store: :func:`find` says whether anything is)."""
    if (contact is None) == (handle is None):
        raise PrivacyError(code="privacy.one_subject")
    handles: set[tuple[str, str]] = set()
    with ws.connect() as conn:
        if contact is not None:
            cid = contact.strip()
            exists = conn.execute(
                sql("SELECT 1 FROM contacts WHERE contact_id = :c"), {"c": cid}
            ).first()
            if not cid or exists is None:
                raise PrivacyError(code="privacy.unknown_contact", contact_id=cid[:80])
            ref = f"contact:{cid}"
            ids = _family(conn, resolve(conn, cid))
        else:
            platform, h = parse_handle(handle or "")
            ref = f"{platform}:{h}"
            handles.add((platform, h))
            found = conn.execute(
                sql(
                    "SELECT contact_id FROM contact_handles WHERE channel = :p AND "
                    "(lower(handle) = :h OR lower(label) = :h OR lower(label) = :at)"
                ),
                {"p": platform, "h": h, "at": "@" + h},
            ).first()
            ids = _family(conn, resolve(conn, str(found[0]))) if found else []
        rows: list[Any] = []
        if ids:
            rows = list(
                conn.execute(
                    sql(
                        "SELECT contact_id, email_hash, phone_hash, erased_at FROM contacts "
                        "WHERE contact_id IN :ids"
                    ).bindparams(_in()),
                    {"ids": ids},
                ).all()
            )
            for ch, hd, label in conn.execute(
                sql(
                    "SELECT channel, handle, label FROM contact_handles WHERE contact_id IN :ids"
                ).bindparams(_in()),
                {"ids": ids},
            ):
                handles.add((str(ch).lower(), str(hd).lstrip("@").lower()))
                if label:
                    handles.add((str(ch).lower(), str(label).lstrip("@").lower()))
    live = [r for r in rows if r[3] is None]
    return Subject(
        ref=ref,
        contact_ids=tuple(sorted(str(r[0]) for r in live)),
        erased_ids=tuple(sorted(str(r[0]) for r in rows if r[3] is not None)),
        handles=tuple(sorted(handles)),
        email_hashes=tuple(sorted({str(r[1]) for r in live if r[1]})),
        phone_hashes=tuple(sorted({str(r[2]) for r in live if r[2]})),
    )


# -- salted hashes -------------------------------------------------------------------------------
def _salt(ws: Workspace) -> str:
    salt = get_setting(ws, SALT_KEY, "")
    if not salt:
        salt = secrets.token_hex(16)
        with ws.begin() as conn:  # first writer wins: read it back
            if not get_setting(conn, SALT_KEY, ""):
                put_setting(conn, SALT_KEY, salt)
        salt = get_setting(ws, SALT_KEY, "")
    return str(salt)


def subject_hash(ws: Workspace, value: str) -> str:
    """A salted SHA-256 of ``value`` (the workspace's own salt): what stays of an erased handle
    or customer id, and how the log names a request's subject."""
    digest = hashlib.sha256(f"{_salt(ws)}\0{value}".encode()).hexdigest()
    return "erased:" + digest[:20]


# -- the database's places -----------------------------------------------------------------------
_CONV = "SELECT conversation_id FROM conversations WHERE contact_id IN :ids"
_DB_QUERIES: dict[str, str] = {
    "contacts": "SELECT contact_id, display_name, private, tags, consent, attributes, "
    "merged_into, created_at, updated_at FROM contacts WHERE contact_id IN :ids",
    "handles": "SELECT channel, handle, label, contact_id FROM contact_handles "
    "WHERE contact_id IN :ids ORDER BY channel, handle",
    "notes": "SELECT note_id, contact_id, author, text, created_at FROM contact_notes "
    "WHERE contact_id IN :ids ORDER BY note_id",
    "conversations": "SELECT conversation_id, source, channel, thread_key, contact_id, status, "
    "intent, category, sentiment, last_message, message_count, created_at, updated_at "
    "FROM conversations WHERE contact_id IN :ids ORDER BY created_at, conversation_id",
    "messages": "SELECT message_id, conversation_id, direction, author, text, private, url, "
    f"lang, intent, category, sentiment, created_at FROM messages WHERE conversation_id IN "
    f"({_CONV}) ORDER BY created_at, message_id",
    "cases": "SELECT case_id, conversation_id, status, priority, category, assignee, team, "
    f"opened_at, first_response_at, resolved_at, closed_at FROM cases WHERE conversation_id IN "
    f"({_CONV}) ORDER BY case_id",
    "replies": "SELECT reply_id, conversation_id, text, state, author, created_at, sent_at "
    f"FROM inbox_replies WHERE conversation_id IN ({_CONV}) ORDER BY created_at, reply_id",
}


def _db_rows(conn: Connection, ids: list[str], place: str) -> list[dict[str, Any]]:
    if not ids:
        return []
    q = sql(_DB_QUERIES[place]).bindparams(_in())
    return [dict(r) for r in conn.execute(q, {"ids": ids}).mappings()]


def _quarantine_rows(conn: Connection, subject: Subject) -> list[dict[str, Any]]:
    needles = [h for _, h in subject.handles if len(h) >= 3]
    out: dict[tuple[str, int], dict[str, Any]] = {}
    for h in needles:
        like = "%" + h.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        for r in conn.execute(
            sql(
                "SELECT source_sha256, source_row, import_id, source_file, reason, raw "
                "FROM quarantine WHERE lower(raw) LIKE :h ESCAPE '\\'"
            ),
            {"h": like},
        ).mappings():
            out[(str(r["source_sha256"]), int(r["source_row"]))] = dict(r)
    return [out[k] for k in sorted(out)]


def _reveal(ws: Workspace, place: str, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows as the person gets them: encrypted originals decrypted, the ciphertext left out."""
    out = []
    for r in rows:
        r = dict(r)
        token = r.pop("private", None) if place in ("contacts", "messages") else None
        if token:
            clear = decrypt(ws.root, str(token))
            if place == "contacts":
                r.update({k: v for k, v in clear.items() if k in ("email", "phone")})
            elif "text" in clear:
                r["text"] = clear["text"]
        out.append(r)
    return out


# -- find / export / erase -----------------------------------------------------------------------
def find(
    ws: Workspace, subject: Subject, audit: AuditPort | None = None, *, rows: bool = False
) -> Findings:
    """Counts (and with ``rows`` the rows, for an export) of every place holding the subject's
    personal data. A handle found nowhere is :class:`PrivacyError` ``privacy.unknown_handle``."""
    out = Findings(subject)
    ids = list(subject.contact_ids)
    with ws.connect() as conn:
        for place in _DB_QUERIES:
            found = _db_rows(conn, ids, place)
            out.counts[place] = len(found)
            if rows:
                out.rows[place] = _reveal(ws, place, found)
        q = _quarantine_rows(conn, subject)
    out.counts["quarantine"] = len(q)
    if rows:
        out.rows["quarantine"] = q
    posts = files.find_posts(ws, subject.handles, rows=rows)
    out.counts["posts"], out.counts["raw_posts"] = len(posts.enriched), len(posts.raw)
    if rows:
        out.rows["posts"], out.rows["raw_posts"] = posts.enriched, posts.raw
    cust = files.find_customers(ws, set(subject.email_hashes), set(subject.phone_hashes), rows)
    out.counts["customers"] = len(cust.ids)
    out.counts["transactions"] = len(cust.transactions)
    with ws.connect() as conn:
        members = _members(conn, cust.ids)
    out.counts["segment_members"] = len(members)
    if rows:
        out.rows["customers"], out.rows["transactions"] = cust.customers, cust.transactions
        out.rows["segment_members"] = [
            {k: v for k, v in m.items() if k != "private"} for m in members
        ]
    entries = audit.entries(subject.needles) if audit is not None and subject.needles else []
    out.counts["audit"] = len(entries)
    if rows:
        out.rows["audit"] = entries
    if not subject.ref.startswith("contact:") and not subject.contact_ids and not out.total:
        raise PrivacyError(code="privacy.unknown_handle", handle=subject.ref)
    return out


def _members(conn: Connection, ids: Iterable[str]) -> list[dict[str, Any]]:
    wanted = sorted(set(ids))
    if not wanted:
        return []
    q = sql(
        "SELECT segment_id, customer_id, score, attributes, private FROM segment_members "
        "WHERE customer_id IN :ids ORDER BY segment_id, customer_id"
    ).bindparams(_in())
    return [dict(r) for r in conn.execute(q, {"ids": wanted}).mappings()]


def export(findings: Findings, out_dir: Path) -> list[Path]:
    """Write ``subject.json`` (every place) and one CSV per place with rows (UTF-8 with a BOM,
    which Excel needs to read Korean) into ``out_dir``; the files written."""
    import csv

    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    doc = {**findings.to_dict(), "places": {p: findings.rows.get(p, []) for p in PLACES}}
    path = out_dir / "subject.json"
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=2, default=str), "utf-8")
    written.append(path)
    for place in PLACES:
        items = findings.rows.get(place) or []
        if not items:
            continue
        cols: list[str] = []
        for r in items:
            cols += [c for c in r if c not in cols]
        path = out_dir / f"{place}.csv"
        with path.open("w", encoding="utf-8-sig", newline="") as fh:
            w = csv.DictWriter(fh, fieldnames=cols)
            w.writeheader()
            for r in items:
                w.writerow({c: _cell(r.get(c)) for c in cols})
        written.append(path)
    return written


def _cell(value: Any) -> Any:
    if isinstance(value, list | dict | tuple):
        return json.dumps(value, ensure_ascii=False, default=str)
    return "" if value is None else value


def erase(
    ws: Workspace,
    subject: Subject,
    audit: AuditPort | None = None,
    *,
    actor: str = "",
    dry_run: bool = False,
) -> Findings:
    """Erase or anonymise the subject everywhere; the counts are what was found (and, unless
    ``dry_run``, erased). Files first (each rewritten to a new file, synced, renamed over the
    old one), then the database in one transaction, then the audit entries; the request is
    logged (counts only)."""
    found = find(ws, subject, audit)
    found.dry_run = dry_run
    if dry_run:
        log_request(ws, "erase", subject, actor, found.counts, dry_run=True)
        return found
    hashed = {h: subject_hash(ws, f"{p}:{h}") for p, h in subject.handles}
    with ws.lock("privacy"):
        # the files a compaction replaced hold the subject's posts as they were: gone at once
        purge_retired(ws, 0)
        files.erase_posts(ws, subject.handles, hashed)
        cust = files.find_customers(
            ws, set(subject.email_hashes), set(subject.phone_hashes), rows=False
        )
        new_ids = {c: subject_hash(ws, f"customer:{c}") for c in cust.ids}
        files.erase_customers(ws, new_ids)
    ids = list(subject.contact_ids)
    marker_author = subject_hash(ws, subject.ref)
    with ws.begin() as conn:
        secure_delete(conn)
        if ids:
            _erase_inbox(conn, ids, marker_author)
        for r in _quarantine_rows(conn, subject):
            conn.execute(
                sql("DELETE FROM quarantine WHERE source_sha256 = :s AND source_row = :r"),
                {"s": r["source_sha256"], "r": r["source_row"]},
            )
        for old, new in new_ids.items():
            conn.execute(
                sql(
                    "UPDATE segment_members SET customer_id = :new, private = '' "
                    "WHERE customer_id = :old"
                ),
                {"old": old, "new": new},
            )
        if conn.dialect.name == "sqlite":  # the search index's segments keep old trigrams
            conn.exec_driver_sql(
                "INSERT INTO conversations_fts (conversations_fts) VALUES ('optimize')"
            )
    checkpoint(ws.connect)
    if audit is not None and subject.needles:
        audit.erase(subject.needles, marker_author)
    log_request(ws, "erase", subject, actor, found.counts)
    return found


def secure_delete(conn: Connection) -> None:
    """On SQLite, make this connection overwrite what it deletes or rewrites with zeros (by
    default SQLite leaves the old bytes in free space of the file until reused)."""
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("PRAGMA secure_delete = ON")


def checkpoint(connect: Callable[[], AbstractContextManager[Connection]]) -> None:
    """On SQLite, copy the write-ahead log into the database and empty it (the log keeps the
    pages as they were before the erase until then). Best effort: a reader holding an older
    snapshot delays it to the next checkpoint. PostgreSQL keeps old row versions until its
    ``VACUUM`` (autovacuum) runs: docs/operations.md says how to force it."""
    with connect() as conn:
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


def _erase_inbox(conn: Connection, ids: list[str], author: str) -> None:
    conv = f"conversation_id IN ({_CONV})"
    steps = (
        "UPDATE messages SET text = :m, private = '', pii = '[]', url = '', explain = '{}', "
        f"author = CASE WHEN direction = 'in' THEN :a ELSE author END WHERE {conv}",
        f"UPDATE inbox_replies SET text = :m WHERE {conv}",
        f"UPDATE conversations SET last_message = :m WHERE {conv}",
        "DELETE FROM contact_notes WHERE contact_id IN :ids",
        "DELETE FROM contact_handles WHERE contact_id IN :ids",
        "UPDATE contacts SET display_name = '', email_hash = '', phone_hash = '', private = '', "
        "tags = '[]', consent = '{}', attributes = '{}', erased_at = :at, updated_at = :at "
        "WHERE contact_id IN :ids",
    )
    at = now_iso()
    for stmt in steps:
        params: dict[str, Any] = {"ids": ids}
        if ":m" in stmt:
            params["m"] = MARKER
        if ":a" in stmt:
            params["a"] = author
        if ":at" in stmt:
            params["at"] = at
        conn.execute(sql(stmt).bindparams(_in()), params)


def log_request(
    ws: Workspace,
    kind: str,
    subject: Subject | None,
    actor: str,
    counts: dict[str, int],
    *,
    dry_run: bool = False,
) -> None:
    """Record a request or retention run in ``privacy_log``: counts only, the subject as a
    salted hash."""
    ref = subject_hash(ws, subject.ref) if subject is not None else ""
    with ws.begin() as conn:
        conn.execute(
            sql(
                "INSERT INTO privacy_log (at, kind, subject, actor, dry_run, counts) "
                "VALUES (:at, :k, :s, :a, :d, :c)"
            ),
            {
                "at": now_iso(),
                "k": kind,
                "s": ref,
                "a": actor[:200],
                "d": int(dry_run),
                "c": json.dumps({k: v for k, v in counts.items() if v}, sort_keys=True),
            },
        )


def recent_log(ws: Workspace, limit: int = 20) -> list[dict[str, Any]]:
    """The newest ``privacy_log`` rows (the page's list)."""
    with ws.connect() as conn:
        rows = conn.execute(
            sql(
                "SELECT at, kind, subject, actor, dry_run, counts FROM privacy_log "
                "ORDER BY log_id DESC LIMIT :n"
            ),
            {"n": limit},
        ).mappings()
        return [{**dict(r), "counts": json.loads(str(r["counts"]))} for r in rows]
