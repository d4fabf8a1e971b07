"""Social profiles: a connected platform account per row of ``profiles`` (workspace database).

Credentials are encrypted at rest (:mod:`socialops.store.secrets`); :func:`connect` checks them
with the platform (``check()``: who am I) before anything is saved. A profile whose credentials
the platform refused is ``needs_reauth`` until it is connected again; ``paused`` stops one
profile, the workspace switch ``pause_all`` stops every one.

Two things about a profile are persisted for the scheduler, so they survive restarts and hold for
every worker: a rate limit or quota the platform answered (``limited_until``, ``limited_reason``:
every post of the profile waits until then, :func:`set_limited`) and when the access token
expires (``token_expires_at``): :func:`fresh_connector` refreshes an OAuth token (a connector that
is :class:`~socialops.connectors.core.CanRefresh`) within :data:`REFRESH_AHEAD_S` of its expiry,
storing the new secrets encrypted (:func:`save_secrets`) before they are used."""

from __future__ import annotations

import json
import uuid
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import Connection, text

from socialops.connectors.core import CanRefresh, Connector, ConnectorFailure
from socialops.connectors.registry import REGISTRY
from socialops.domain.instants import iso_utc, now_iso
from socialops.errors import PublishError
from socialops.store.secrets import decrypt, encrypt
from socialops.store.workspace import Workspace

__all__ = [
    "REFRESH_AHEAD_S",
    "Profile",
    "build_connector",
    "chosen_profiles",
    "connect",
    "fresh_connector",
    "get_profile",
    "iso_utc",
    "list_profiles",
    "pause_all",
    "paused_all",
    "remove",
    "save_secrets",
    "set_limited",
    "set_paused",
    "set_status",
]

#: a token that expires within this many seconds is refreshed before it is used
REFRESH_AHEAD_S = 300.0

_COLUMNS = (
    "profile_id, name, platform, settings, status, paused, account_id, handle, zone, slots, "
    "checked_at, check_error, created_at, updated_at, token_expires_at, limited_until, "
    "limited_reason"
)


@dataclass(frozen=True)
class Profile:
    profile_id: str
    name: str
    platform: str
    settings: dict[str, str]
    status: str  # active | needs_reauth
    paused: bool
    account_id: str
    handle: str
    zone: str
    slots: list[str]
    checked_at: str | None
    check_error: str
    created_at: str
    updated_at: str
    token_expires_at: str | None = None  # UTC ISO; None: the token does not expire
    limited_until: str | None = None  # UTC ISO: a rate limit or quota; every post waits
    limited_reason: str = ""  # publish.reason.<code>: the platform's words

    def limited(self, now: datetime | None = None) -> bool:
        """Whether the platform's rate limit or quota still holds the profile's posts."""
        if not self.limited_until:
            return False
        return self.limited_until > iso_utc(now or datetime.now(UTC))

    def to_dict(self) -> dict[str, Any]:
        """What may be shown or returned: never the secrets."""
        return asdict(self)


def _row(r: Any) -> Profile:
    return Profile(
        profile_id=r[0],
        name=r[1],
        platform=r[2],
        settings=json.loads(r[3] or "{}"),
        status=r[4],
        paused=bool(r[5]),
        account_id=r[6],
        handle=r[7],
        zone=r[8],
        slots=json.loads(r[9] or "[]"),
        checked_at=r[10],
        check_error=r[11],
        created_at=r[12],
        updated_at=r[13],
        token_expires_at=r[14],
        limited_until=r[15],
        limited_reason=r[16] or "",
    )


def _expiry(value: str | None) -> str | None:
    """A stored expiry: an ISO instant (UTC), or None when missing or unreadable."""
    if not value:
        return None
    try:
        dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return iso_utc(dt if dt.tzinfo else dt.replace(tzinfo=UTC))


def list_profiles(ws: Workspace) -> list[Profile]:
    with ws.connect() as conn:
        rows = conn.execute(text(f"SELECT {_COLUMNS} FROM profiles ORDER BY name")).fetchall()
    return [_row(r) for r in rows]


def get_profile(ws: Workspace, name_or_id: str) -> Profile:
    with ws.connect() as conn:
        r = conn.execute(
            text(f"SELECT {_COLUMNS} FROM profiles WHERE name = :k OR profile_id = :k"),
            {"k": name_or_id},
        ).fetchone()
    if r is None:
        raise PublishError("profile.unknown", name=name_or_id)
    return _row(r)


def chosen_profiles(ws: Workspace, names: list[str]) -> list[Profile]:
    """The profiles ``names`` (names or ids) in order, each once; none chosen is refused."""
    if not names:
        raise PublishError("publish.no_profile")
    chosen: list[Profile] = []
    for name in names:
        p = get_profile(ws, name)
        if p.profile_id not in {c.profile_id for c in chosen}:
            chosen.append(p)
    return chosen


def _connector_class(platform: str) -> type[Connector]:
    cls = REGISTRY.get(platform)
    if cls is None:
        raise PublishError(
            "profile.unknown_platform", platform=platform, known=REGISTRY.platforms()
        )
    return cls


def build_connector(ws: Workspace, profile: Profile) -> Connector:
    """The profile's connector with its decrypted credentials (only for the call at hand)."""
    with ws.connect() as conn:
        token = conn.execute(
            text("SELECT secret FROM profiles WHERE profile_id = :p"), {"p": profile.profile_id}
        ).scalar_one()
    return _connector_class(profile.platform)(profile.settings, decrypt(ws.root, token))


def connect(
    ws: Workspace,
    *,
    name: str,
    platform: str,
    settings: dict[str, str],
    secrets: dict[str, str],
    zone: str = "Asia/Seoul",
    slots: list[str] | None = None,
) -> Profile:
    """Check the credentials with the platform, then save the profile (or re-connect the one of
    that name on the same platform: new credentials, status active again)."""
    name = name.strip()
    if not name:
        raise PublishError("profile.name_required")
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise PublishError("profile.bad_zone", zone=zone) from exc
    cls = _connector_class(platform)
    missing = [k for k in cls.settings_keys if not settings.get(k)]
    if missing:
        raise PublishError("profile.missing_settings", platform=platform, keys=missing)
    try:
        ident = cls(settings, secrets).check()
    except ConnectorFailure as exc:
        raise PublishError(
            f"publish.reason.{exc.resolution.code}", detail=exc.resolution.detail
        ) from exc
    now = now_iso()
    sealed = encrypt(ws.root, secrets)
    with ws.begin() as conn:
        old = conn.execute(
            text("SELECT profile_id, platform FROM profiles WHERE name = :n"), {"n": name}
        ).fetchone()
        if old is not None and old[1] != platform:
            raise PublishError("profile.exists", name=name, platform=old[1])
        values = {
            "name": name,
            "platform": platform,
            "settings": json.dumps(settings, ensure_ascii=False, sort_keys=True),
            "secret": sealed,
            "account_id": ident.account_id,
            "handle": ident.handle,
            "zone": zone,
            "slots": json.dumps(slots or []),
            "expires": _expiry(secrets.get("expires_at")),
            "now": now,
        }
        if old is None:
            values["pid"] = uuid.uuid4().hex[:12]
            conn.execute(
                text(
                    "INSERT INTO profiles (profile_id, name, platform, settings, secret, status, "
                    "paused, account_id, handle, zone, slots, checked_at, check_error, "
                    "created_at, updated_at, token_expires_at) VALUES (:pid, :name, :platform, "
                    ":settings, :secret, 'active', 0, :account_id, :handle, :zone, :slots, :now, "
                    "'', :now, :now, :expires)"
                ),
                values,
            )
        else:
            values["pid"] = old[0]
            conn.execute(
                text(
                    "UPDATE profiles SET settings = :settings, secret = :secret, "
                    "status = 'active', account_id = :account_id, handle = :handle, "
                    "zone = :zone, slots = :slots, checked_at = :now, check_error = '', "
                    "token_expires_at = :expires, updated_at = :now WHERE profile_id = :pid"
                ),
                values,
            )
    return get_profile(ws, name)


def set_status(ws: Workspace, profile_id: str, status: str, error: str = "") -> None:
    with ws.begin() as conn:
        conn.execute(
            text(
                "UPDATE profiles SET status = :s, check_error = :e, checked_at = :now, "
                "updated_at = :now WHERE profile_id = :p"
            ),
            {"s": status, "e": error[:500], "now": now_iso(), "p": profile_id},
        )


def set_limited(ws: Workspace, profile_id: str, until: datetime | None, reason: str = "") -> None:
    """Hold every post of the profile until ``until`` (a rate limit or quota the platform
    answered; ``reason``: the catalogue code under ``publish.reason``), or release it (None)."""
    with ws.begin() as conn:
        conn.execute(
            text(
                "UPDATE profiles SET limited_until = :u, limited_reason = :r, updated_at = :now "
                "WHERE profile_id = :p"
            ),
            {
                "u": iso_utc(until) if until is not None else None,
                "r": reason[:200] if until is not None else "",
                "now": now_iso(),
                "p": profile_id,
            },
        )


def save_secrets(
    ws: Workspace, profile_id: str, secrets: dict[str, str], *, conn: Connection | None = None
) -> None:
    """Store a profile's new credentials encrypted, with their expiry (``expires_at``); in
    ``conn``'s transaction when given."""
    if conn is None:
        with ws.begin() as own:
            save_secrets(ws, profile_id, secrets, conn=own)
        return
    conn.execute(
        text(
            "UPDATE profiles SET secret = :s, token_expires_at = :e, updated_at = :now "
            "WHERE profile_id = :p"
        ),
        {
            "s": encrypt(ws.root, secrets),
            "e": _expiry(secrets.get("expires_at")),
            "now": now_iso(),
            "p": profile_id,
        },
    )


def _due(expires_at: str | None, force: bool) -> bool:
    if force:
        return True
    if expires_at is None:
        return False
    soon = datetime.now(UTC) + timedelta(seconds=REFRESH_AHEAD_S)
    return expires_at <= iso_utc(soon)


def fresh_connector(ws: Workspace, profile: Profile, *, force: bool = False) -> Connector:
    """The profile's connector with credentials fit for use now: an OAuth token that expires
    within :data:`REFRESH_AHEAD_S` (or any, with ``force``: a call was answered
    ``refresh_auth``) is refreshed first, and the new secrets are stored encrypted before the
    connector that uses them is built. One refresh at a time per workspace (in a write
    transaction, which re-reads the row: a token another worker refreshed meanwhile is used,
    not refreshed again). Raises :class:`ConnectorFailure` (``disconnect``: the refresh token
    itself was refused)."""
    connector = build_connector(ws, profile)
    if not isinstance(connector, CanRefresh):
        return connector
    if not _due(profile.token_expires_at or _expiry(connector.expires_at()), force):
        return connector
    cls = _connector_class(profile.platform)
    with ws.begin() as conn:
        row = conn.execute(
            text("SELECT secret, token_expires_at FROM profiles WHERE profile_id = :p"),
            {"p": profile.profile_id},
        ).one()
        stored = decrypt(ws.root, row[0])
        refreshed_meanwhile = row[1] != profile.token_expires_at
        if not (refreshed_meanwhile and not _due(row[1], False)):
            current = cls(profile.settings, stored)
            assert isinstance(current, CanRefresh)
            stored = {**stored, **current.refresh()}
            save_secrets(ws, profile.profile_id, stored, conn=conn)
    return cls(profile.settings, stored)


def set_paused(ws: Workspace, name: str, paused: bool) -> Profile:
    profile = get_profile(ws, name)
    with ws.begin() as conn:
        conn.execute(
            text("UPDATE profiles SET paused = :v, updated_at = :now WHERE profile_id = :p"),
            {"v": int(paused), "now": now_iso(), "p": profile.profile_id},
        )
    return get_profile(ws, name)


def remove(ws: Workspace, name: str) -> Profile:
    """Remove a profile that has nothing waiting to go out (cancel its posts first)."""
    profile = get_profile(ws, name)
    with ws.begin() as conn:
        waiting = conn.execute(
            text(
                "SELECT COUNT(*) FROM publish_posts WHERE profile_id = :p AND state IN "
                "('draft', 'in_review', 'scheduled', 'publishing', 'unknown', 'task')"
            ),
            {"p": profile.profile_id},
        ).scalar_one()
        if waiting:
            raise PublishError("profile.has_posts", name=name, count=waiting)
        conn.execute(
            text(
                "DELETE FROM publish_attempts WHERE post_id IN "
                "(SELECT post_id FROM publish_posts WHERE profile_id = :p)"
            ),
            {"p": profile.profile_id},
        )
        conn.execute(
            text("DELETE FROM publish_posts WHERE profile_id = :p"), {"p": profile.profile_id}
        )
        conn.execute(text("DELETE FROM profiles WHERE profile_id = :p"), {"p": profile.profile_id})
    return profile


def pause_all(ws: Workspace, paused: bool, actor: str = "") -> None:
    """The crisis switch: stop (or resume) every profile's publishing at once."""
    with ws.begin() as conn:
        conn.execute(text("DELETE FROM publishing_switches WHERE name = 'pause_all'"))
        if paused:
            conn.execute(
                text(
                    "INSERT INTO publishing_switches (name, value, changed_by, changed_at) "
                    "VALUES ('pause_all', '1', :a, :now)"
                ),
                {"a": actor, "now": now_iso()},
            )


def paused_all(ws: Workspace) -> bool:
    with ws.connect() as conn:
        return (
            conn.execute(
                text("SELECT value FROM publishing_switches WHERE name = 'pause_all'")
            ).scalar()
            == "1"
        )
