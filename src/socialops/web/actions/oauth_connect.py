"""Connecting a profile through the platform's consent page, for the pages and the API: begin
(``profiles.manage``; the request is audited, never a token) and complete (the member who
began may finish; the connected profile is audited as any connect)."""

from __future__ import annotations

from socialops.connectors.profiles import Profile
from socialops.errors import PublishError
from socialops.publish import oauth_connect
from socialops.publish.links import public_base
from socialops.web.actions.base import Actor

__all__ = ["CALLBACK", "begin", "complete", "redirect_uri"]

CALLBACK = "/oauth/callback"


def redirect_uri() -> str:
    """Where the platform sends the person back (register it with the platform's app)."""
    return public_base() + CALLBACK


def begin(
    actor: Actor, ws: str, *, platform: str, name: str, settings: dict[str, str], zone: str
) -> str:
    """Record the request; the consent page's URL to send the person to."""
    access = actor.access(ws, "profiles.manage")
    url = oauth_connect.begin(
        actor.services.workspace(ws),
        slug=ws,
        platform=platform,
        name=name,
        settings=settings,
        redirect_uri=redirect_uri(),
        zone=zone or "Asia/Seoul",
        actor=actor.user.email,
    )
    actor.audit(access, "profile.oauth_begin", name.strip(), platform=platform)
    return url


def complete(actor: Actor, *, state: str, code: str, error: str = "") -> tuple[str, Profile]:
    """The platform sent the person back: ``(workspace, connected profile)``."""
    ws = oauth_connect.workspace_of_state(state)
    if ws is None:
        raise PublishError("oauth.unknown_state")
    access = actor.access(ws, "profiles.manage")
    if error or not code:
        raise PublishError("oauth.denied", detail=(error or "no code")[:100])
    profile = oauth_connect.complete(actor.services.workspace(ws), state=state, code=code)
    actor.audit(access, "profile.connect", profile.name, platform=profile.platform, via="oauth")
    return ws, profile
