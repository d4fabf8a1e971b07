"""Connecting a profile through the platform's consent page (the OAuth 2 authorization-code grant
with PKCE; the platforms and their servers: :mod:`socialops.connectors.oauth_apps`).

1. :func:`begin` records the request (``oauth_pending``: a random ``state``, the platform, the
   profile's name and settings, the PKCE verifier) and answers the consent page's URL.
2. The platform sends the person back to ``<public_url>/oauth/callback?state=…&code=…``;
   :func:`complete` takes the request by its ``state`` (once: the row is deleted in the same
   transaction; older than :data:`PENDING_S` is refused), trades the code for tokens and connects
   the profile with them (:func:`socialops.connectors.profiles.connect`: checked with the platform,
   stored encrypted). The tokens are never shown, logged or returned.

``state`` starts with the workspace's slug and a dot, so a server with several workspaces finds
the request's workspace without a lookup table; the slug alone grants nothing (the rest is 32
random bytes, and the caller must be a member allowed ``profiles.manage``)."""

from __future__ import annotations

import json
import secrets
from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy import text

from socialops.connectors.core import ConnectorFailure
from socialops.connectors.oauth_apps import (
    OAUTH_APPS,
    authorize_url,
    client_credentials,
    env_names,
    exchange_code,
    pkce_pair,
)
from socialops.connectors.profiles import Profile, connect, now_iso
from socialops.errors import PublishError
from socialops.store.workspace import Workspace

__all__ = ["PENDING_S", "begin", "complete", "workspace_of_state"]

PENDING_S = 15 * 60


def workspace_of_state(state: str) -> str | None:
    """The workspace slug a ``state`` was made for (``None``: not one of ours)."""
    slug, dot, rest = state.partition(".")
    return slug if dot and slug and len(rest) >= 32 else None


def begin(
    ws: Workspace,
    *,
    slug: str,
    platform: str,
    name: str,
    settings: dict[str, str],
    redirect_uri: str,
    zone: str = "Asia/Seoul",
    actor: str = "",
) -> str:
    """Record a connect request; the platform's consent page to send the person to."""
    app = OAUTH_APPS.get(platform)
    if app is None:
        raise PublishError("oauth.unsupported", platform=platform, known=sorted(OAUTH_APPS))
    if not name.strip():
        raise PublishError("profile.name_required")
    creds = client_credentials(platform)
    if creds is None:
        raise PublishError("oauth.no_client", platform=platform, variable=env_names(platform)[0])
    state = f"{slug}.{secrets.token_urlsafe(32)}"
    verifier, challenge = pkce_pair()
    now = datetime.now(UTC)
    with ws.begin() as conn:
        conn.execute(  # requests nobody finished are forgotten
            text("DELETE FROM oauth_pending WHERE created_at < :old"),
            {"old": (now - timedelta(seconds=PENDING_S)).isoformat(timespec="microseconds")},
        )
        conn.execute(
            text(
                "INSERT INTO oauth_pending (state, platform, name, settings, zone, verifier, "
                "redirect_uri, created_by, created_at) VALUES (:s, :p, :n, :set, :z, :v, :r, "
                ":by, :at)"
            ),
            {
                "s": state,
                "p": platform,
                "n": name.strip(),
                "set": json.dumps(settings, ensure_ascii=False, sort_keys=True),
                "z": zone,
                "v": verifier,
                "r": redirect_uri,
                "by": actor,
                "at": now_iso(),
            },
        )
    return authorize_url(
        app, client_id=creds[0], redirect_uri=redirect_uri, state=state, challenge=challenge
    )


def complete(ws: Workspace, *, state: str, code: str, http: httpx.Client | None = None) -> Profile:
    """Finish the request ``state`` with the platform's ``code``: the connected profile."""
    with ws.begin() as conn:
        row = conn.execute(
            text(
                "SELECT platform, name, settings, zone, verifier, redirect_uri, created_at "
                "FROM oauth_pending WHERE state = :s"
            ),
            {"s": state},
        ).fetchone()
        conn.execute(text("DELETE FROM oauth_pending WHERE state = :s"), {"s": state})
    if row is None:
        raise PublishError("oauth.unknown_state")
    platform, name, settings, zone, verifier, redirect_uri, created_at = row
    made = datetime.fromisoformat(created_at)
    if datetime.now(UTC) - made > timedelta(seconds=PENDING_S):
        raise PublishError("oauth.expired", minutes=PENDING_S // 60)
    creds = client_credentials(platform)
    if creds is None:
        raise PublishError("oauth.no_client", platform=platform, variable=env_names(platform)[0])
    try:
        tokens = exchange_code(
            OAUTH_APPS[platform],
            code=code,
            client_id=creds[0],
            client_secret=creds[1],
            redirect_uri=redirect_uri,
            verifier=verifier,
            state=state,
            http=http,
        )
    except ConnectorFailure as exc:
        res = exc.resolution
        raise PublishError(f"publish.reason.{res.code}", detail=res.detail) from exc
    return connect(
        ws,
        name=name,
        platform=platform,
        settings=json.loads(settings or "{}"),
        secrets={k: v for k, v in tokens.items() if v},
        zone=zone,
    )
