"""Saved customer segments (issue 17): a named list of customers with their score, attributes
and identifiers, kept in the workspace tables ``segments`` and ``segment_members`` (w0009).

A segment is made by an RFM run (``cdnow/champions``), an attribute band, a targeting model's
scores (:func:`save_from_scores`) or by hand, and is used as a plan's target segment, a post's
per-segment variant and an ad platform's audience file (:mod:`socialops.segment.audience`).

Identifiers (e-mail, phone, advertising ids) are personal data: they are Fernet-encrypted
(:mod:`socialops.store.secrets`' key and format) in ``segment_members.private`` and decrypted
only when a caller asks for them (``segment_members(..., with_identifiers=True)``); they are
never stored plain, never put in a log, an error or :class:`Member`'s ``repr``.

Saving replaces a segment of the same name in one transaction (readers see the old members or
the new ones, never a mix); members are written in batches so that a large segment streams."""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cryptography.fernet import Fernet, InvalidToken
from sqlalchemy import text

from socialops.domain.instants import now_iso
from socialops.errors import DataError, SettingsError
from socialops.segment.customer_ids import CustomerIdentifiers
from socialops.segment.members import Member, members_from_table
from socialops.segment.scores_file import scored_members
from socialops.store.secrets import key_for

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from socialops.store.workspace import Workspace

__all__ = [
    "KINDS",
    "MAX_NAME",
    "Member",
    "SegmentInfo",
    "delete_segment",
    "get_segment",
    "list_segments",
    "members_from_table",
    "save_from_scores",
    "save_segment",
    "segment_members",
    "valid_name",
]

KINDS = ("rfm", "attribute", "scores", "manual")
MAX_NAME = 120
BATCH = 1000
# a part of a name: letters of any script (Korean included), digits, ``_ - .``; ``/`` separates
_PART = re.compile(r"^[\w.\-]+$")


@dataclass(frozen=True)
class SegmentInfo:
    """A saved segment without its members (``name`` is the table's ``segment_id``)."""

    name: str
    kind: str
    size: int
    description: str = ""
    definition: dict[str, Any] = field(default_factory=dict)
    source: str = ""
    created_by: str = ""
    created_at: str = ""
    updated_at: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


# -- names ---------------------------------------------------------------------------------------
def valid_name(name: str) -> str:
    """``name`` as stored (NFC, trimmed) or a coded error: letters (Korean included), digits,
    ``_ - .`` in parts separated by ``/``, at most :data:`MAX_NAME` characters."""
    clean = unicodedata.normalize("NFC", str(name or "")).strip()
    if not clean:
        raise SettingsError(code="segments.name_missing")
    parts = clean.split("/")
    ok = len(clean) <= MAX_NAME and all(_PART.match(p) and p not in {".", ".."} for p in parts)
    if not ok:
        raise SettingsError(code="segments.name_invalid", name=clean[:MAX_NAME], limit=MAX_NAME)
    return clean


# -- writing -------------------------------------------------------------------------------------
def save_segment(
    ws: Workspace,
    name: str,
    members: Iterable[Member],
    *,
    kind: str,
    description: str = "",
    definition: Mapping[str, Any] | None = None,
    source: str = "",
    created_by: str = "",
) -> SegmentInfo:
    """Save ``members`` as the segment ``name``, replacing one of that name in the same
    transaction (its ``created_at`` is kept). A customer listed twice is kept once (the first
    time) and the number dropped is recorded in the definition as ``duplicates``. A member
    without identifiers takes those the workspace's customer table keeps for its id (the
    ``customers`` stream's token, copied still encrypted), counted as
    ``identifiers_from_customers``: a segment of scores or of transactions can then be exported
    as an audience."""
    name = valid_name(name)
    if kind not in KINDS:
        raise SettingsError(code="segments.kind_unknown", kind=kind, choices=", ".join(KINDS))
    definition = dict(definition or {})
    cipher = Fernet(key_for(ws.root))
    now = now_iso()
    seen: set[str] = set()
    duplicates = from_customers = 0
    customers = CustomerIdentifiers(ws)
    with ws.begin() as conn:
        old = conn.execute(
            text("SELECT created_at FROM segments WHERE segment_id = :s"), {"s": name}
        ).first()
        conn.execute(text("DELETE FROM segment_members WHERE segment_id = :s"), {"s": name})
        conn.execute(text("DELETE FROM segments WHERE segment_id = :s"), {"s": name})
        batch: list[dict[str, Any]] = []
        for m in members:
            cid = str(m.customer_id).strip()
            if not cid:
                raise DataError(code="segments.member_no_id", name=name)
            if cid in seen:
                duplicates += 1
                continue
            seen.add(cid)
            token = "" if m.identifiers else customers.token(cid)
            from_customers += bool(token)
            batch.append(_member_row(name, cid, m, cipher, token))
            if len(batch) >= BATCH:
                _insert(conn, batch)
                batch = []
        if batch:
            _insert(conn, batch)
        if duplicates:
            definition["duplicates"] = duplicates
        if from_customers:
            definition["identifiers_from_customers"] = from_customers
        info = SegmentInfo(
            name=name,
            kind=kind,
            size=len(seen),
            description=description,
            definition=definition,
            source=source,
            created_by=created_by,
            created_at=str(old.created_at) if old else now,
            updated_at=now,
        )
        conn.execute(
            text(
                "INSERT INTO segments (segment_id, kind, description, definition, source, size, "
                "created_by, created_at, updated_at) VALUES (:segment_id, :kind, :description, "
                ":definition, :source, :size, :created_by, :created_at, :updated_at)"
            ),
            {
                "segment_id": name,
                "kind": kind,
                "description": description,
                "definition": _json(definition),
                "source": source,
                "size": info.size,
                "created_by": created_by,
                "created_at": info.created_at,
                "updated_at": now,
            },
        )
    return info


def _member_row(name: str, cid: str, m: Member, cipher: Fernet, token: str) -> dict[str, Any]:
    ids = {k: str(v) for k, v in m.identifiers.items() if v is not None and str(v).strip()}
    private = cipher.encrypt(json.dumps(ids).encode("utf-8")).decode("ascii") if ids else token
    score = None if m.score is None or not math.isfinite(float(m.score)) else float(m.score)
    return {
        "segment_id": name,
        "customer_id": cid,
        "score": score,
        "attributes": _json(m.attributes),
        "private": private,
    }


def _insert(conn: Connection, rows: list[dict[str, Any]]) -> None:
    conn.execute(
        text(
            "INSERT INTO segment_members (segment_id, customer_id, score, attributes, private) "
            "VALUES (:segment_id, :customer_id, :score, :attributes, :private)"
        ),
        rows,
    )


def _json(value: Mapping[str, Any]) -> str:
    return json.dumps(dict(value), ensure_ascii=False, default=_plain, sort_keys=True)


def _plain(value: Any) -> Any:
    """numpy/pandas scalars, dates and the like as JSON: their Python value or their text."""
    item = getattr(value, "item", None)
    if callable(item):
        try:
            return item()
        except (TypeError, ValueError):
            pass
    return str(value)


def delete_segment(ws: Workspace, name: str) -> None:
    """Delete the segment ``name`` and its members (a coded error when there is none)."""
    name = valid_name(name)
    with ws.begin() as conn:
        gone = conn.execute(text("DELETE FROM segments WHERE segment_id = :s"), {"s": name})
        if not gone.rowcount:
            raise DataError(code="segments.not_found", name=name)
        conn.execute(text("DELETE FROM segment_members WHERE segment_id = :s"), {"s": name})


# -- reading -------------------------------------------------------------------------------------
_COLUMNS = (
    "segment_id, kind, description, definition, source, size, created_by, created_at, updated_at"
)


def _info(row: Any) -> SegmentInfo:
    try:
        definition = json.loads(row.definition or "{}")
    except ValueError:
        definition = {}
    return SegmentInfo(
        name=str(row.segment_id),
        kind=str(row.kind),
        size=int(row.size or 0),
        description=str(row.description or ""),
        definition=definition if isinstance(definition, dict) else {},
        source=str(row.source or ""),
        created_by=str(row.created_by or ""),
        created_at=str(row.created_at or ""),
        updated_at=str(row.updated_at or ""),
    )


def list_segments(ws: Workspace) -> list[SegmentInfo]:
    """Every saved segment, by name."""
    with ws.connect() as conn:
        rows = conn.execute(text(f"SELECT {_COLUMNS} FROM segments ORDER BY segment_id")).all()
    return [_info(r) for r in rows]


def get_segment(ws: Workspace, name: str) -> SegmentInfo:
    """The segment ``name``; a coded error (saying how to list them) when there is none."""
    name = valid_name(name)
    with ws.connect() as conn:
        row = conn.execute(
            text(f"SELECT {_COLUMNS} FROM segments WHERE segment_id = :s"), {"s": name}
        ).first()
    if row is None:
        raise DataError(code="segments.not_found", name=name)
    return _info(row)


def segment_members(
    ws: Workspace, name: str, *, with_identifiers: bool = False
) -> Iterator[Member]:
    """The members of ``name`` by customer id, read a page at a time (no connection is held
    between pages). Identifiers are decrypted only with ``with_identifiers=True``."""
    name = valid_name(name)
    get_segment(ws, name)  # a coded error now, not at the first next()
    return _members(ws, name, with_identifiers)


def _members(ws: Workspace, name: str, with_identifiers: bool) -> Iterator[Member]:
    cipher = Fernet(key_for(ws.root)) if with_identifiers else None
    after: str | None = None
    cols = "customer_id, score, attributes" + (", private" if with_identifiers else "")
    while True:
        where = "segment_id = :s" + (" AND customer_id > :after" if after is not None else "")
        with ws.connect() as conn:
            rows = conn.execute(
                text(
                    f"SELECT {cols} FROM segment_members WHERE {where} "
                    f"ORDER BY customer_id LIMIT {BATCH}"
                ),
                {"s": name, "after": after},
            ).all()
        for r in rows:
            ids = _decrypt(cipher, r.private) if cipher is not None else {}
            yield Member(
                customer_id=str(r.customer_id),
                score=None if r.score is None else float(r.score),
                attributes=json.loads(r.attributes or "{}"),
                identifiers=ids,
            )
        if len(rows) < BATCH:
            return
        after = str(rows[-1].customer_id)


def _decrypt(cipher: Fernet, token: str | None) -> dict[str, str]:
    if not token:
        return {}
    try:
        out: dict[str, str] = json.loads(cipher.decrypt(token.encode("ascii")))
    except (InvalidToken, ValueError):
        raise SettingsError(code="segments.secret_key") from None
    return out


# -- from tables and files -----------------------------------------------------------------------
def save_from_scores(
    ws: Workspace,
    name: str,
    scores_csv: str | Path,
    *,
    min_score: float,
    id_col: str = "customer_id",
    created_by: str = "",
) -> SegmentInfo:
    """Save the customers of a ``segment score`` output (its input columns plus ``score``)
    whose score is at least ``min_score`` as the segment ``name`` (kind ``scores``). A member
    whose row has no e-mail or phone takes those of the imported customer with its id (the
    ``customers`` stream's encrypted identifiers), counted as ``identifiers_from_customers``."""
    name = valid_name(name)
    if not 0.0 <= float(min_score) <= 1.0:
        raise SettingsError(code="segments.min_score_range", value=min_score)
    members, stats = scored_members(Path(scores_csv), min_score=float(min_score), id_col=id_col)
    if not members:
        raise DataError(
            code="segments.none_above", name=name, min_score=min_score, rows=stats["rows"]
        )
    definition = {"min_score": float(min_score), "id_col": id_col, **stats}
    return save_segment(
        ws,
        name,
        members,
        kind="scores",
        description="",
        definition=definition,
        source=Path(scores_csv).name,
        created_by=created_by,
    )
