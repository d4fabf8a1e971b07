"""Connecting through a platform's own consent page: the OAuth 2 authorization-code grant with
PKCE (RFC 6749 §4.1, RFC 7636), as data per platform, and the code-for-token exchange.

The workspace's app on the platform (its *client*) is the operator's: its id and secret come
from the environment — ``SOCIALOPS_OAUTH_<PLATFORM>_CLIENT_ID`` and
``SOCIALOPS_OAUTH_<PLATFORM>_CLIENT_SECRET`` (``X``, ``LINKEDIN``, ``YOUTUBE``, ``NAVER_CAFE``) —,
never from a page. The redirect URI registered with the platform is
``<public_url>/oauth/callback``.

Covered: X, LinkedIn, YouTube (Google) and Naver Cafe (Naver Login), whose grants give an access
and a refresh token the connectors refresh themselves. Meta's platforms (Facebook Pages,
Instagram, Threads) hand out a user token that must then be traded for a Page or long-lived token:
their profiles are connected with those tokens pasted (``profiles connect … --secrets-stdin`` or
the web form)."""

from __future__ import annotations

import base64
import hashlib
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlencode

import httpx

from socialops.connectors.core import ConnectorFailure, Resolution
from socialops.connectors.oauth import checked, client, error_message, expires_at, resolve_http

__all__ = [
    "OAUTH_APPS",
    "OAuthApp",
    "authorize_url",
    "client_credentials",
    "env_names",
    "exchange_code",
    "pkce_pair",
]


@dataclass(frozen=True)
class OAuthApp:
    """A platform's authorization server, as its developer documentation gives it."""

    platform: str
    authorize_url: str
    token_url: str
    scopes: tuple[str, ...] = ()
    pkce: bool = True
    #: more parameters of the consent page (e.g. Google's offline access)
    extra: Mapping[str, str] = field(default_factory=dict)
    #: the client authenticates at the token endpoint with HTTP Basic (else in the form)
    basic_auth: bool = True


OAUTH_APPS: dict[str, OAuthApp] = {
    # X API v2, OAuth 2.0 Authorization Code with PKCE
    "x": OAuthApp(
        "x",
        "https://x.com/i/oauth2/authorize",
        "https://api.x.com/2/oauth2/token",
        ("tweet.read", "tweet.write", "users.read", "media.write", "offline.access"),
    ),
    # LinkedIn 3-legged OAuth (refresh tokens for approved apps)
    "linkedin": OAuthApp(
        "linkedin",
        "https://www.linkedin.com/oauth/v2/authorization",
        "https://www.linkedin.com/oauth/v2/accessToken",
        ("openid", "profile", "w_member_social"),
        basic_auth=False,
    ),
    # Google OAuth 2.0 for web server applications; offline access gives a refresh token
    "youtube": OAuthApp(
        "youtube",
        "https://accounts.google.com/o/oauth2/v2/auth",
        "https://oauth2.googleapis.com/token",
        (
            "https://www.googleapis.com/auth/youtube.upload",
            "https://www.googleapis.com/auth/youtube.readonly",
        ),
        extra={"access_type": "offline", "prompt": "consent"},
        basic_auth=False,
    ),
    # Naver Login (네이버 로그인): no scopes, no PKCE; the cafe API's permission is the app's
    "naver-cafe": OAuthApp(
        "naver-cafe",
        "https://nid.naver.com/oauth2.0/authorize",
        "https://nid.naver.com/oauth2.0/token",
        pkce=False,
        basic_auth=False,
    ),
}


def env_names(platform: str) -> tuple[str, str]:
    """The environment variables that hold the platform app's client id and secret."""
    key = platform.upper().replace("-", "_")
    return f"SOCIALOPS_OAUTH_{key}_CLIENT_ID", f"SOCIALOPS_OAUTH_{key}_CLIENT_SECRET"


def client_credentials(platform: str) -> tuple[str, str] | None:
    """``(client_id, client_secret)`` of the platform's app from the environment; ``None`` when
    the id is not set (the secret may be empty for a public client)."""
    id_name, secret_name = env_names(platform)
    client_id = os.environ.get(id_name, "").strip()
    if not client_id:
        return None
    return client_id, os.environ.get(secret_name, "").strip()


def pkce_pair() -> tuple[str, str]:
    """A PKCE ``(verifier, challenge)``: 43+ URL-safe characters and their S256 hash."""
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def authorize_url(
    app: OAuthApp, *, client_id: str, redirect_uri: str, state: str, challenge: str
) -> str:
    """The platform's consent page for this request."""
    params = {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": redirect_uri,
        "state": state,
    }
    if app.scopes:
        params["scope"] = " ".join(app.scopes)
    if app.pkce:
        params["code_challenge"] = challenge
        params["code_challenge_method"] = "S256"
    params.update(app.extra)
    return f"{app.authorize_url}?{urlencode(params)}"


def exchange_code(
    app: OAuthApp,
    *,
    code: str,
    client_id: str,
    client_secret: str,
    redirect_uri: str,
    verifier: str,
    state: str = "",
    http: httpx.Client | None = None,
    now: datetime | None = None,
) -> dict[str, str]:
    """The code from the consent page → the profile's secrets: ``access_token``,
    ``refresh_token``, ``expires_at`` (ISO UTC or ``""``), and the client's id and secret (the
    connectors refresh with them). Raises :class:`ConnectorFailure` (``disconnect`` ``auth``
    when the platform refused the code)."""
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": redirect_uri,
        "client_id": client_id,
    }
    if app.pkce:
        form["code_verifier"] = verifier
    if state:  # Naver asks for it again
        form["state"] = state
    if client_secret and not app.basic_auth:
        form["client_secret"] = client_secret
    auth = httpx.BasicAuth(client_id, client_secret) if client_secret and app.basic_auth else None
    own = http is None
    c = http if http is not None else client()
    try:
        if auth is not None:
            response = c.post(app.token_url, data=form, auth=auth)
        else:
            response = c.post(app.token_url, data=form)
    except httpx.HTTPError as exc:
        raise ConnectorFailure(resolve_http(exc)) from exc
    finally:
        if own:
            c.close()
    if response.status_code in (400, 401):
        raise ConnectorFailure(Resolution("disconnect", "auth", detail=error_message(response)))
    body = checked(response)
    token = body.get("access_token") if isinstance(body, dict) else None
    if not token:  # Naver answers 200 with {"error": ...}
        detail = str(body.get("error_description") or body.get("error") or "no access_token")
        raise ConnectorFailure(Resolution("disconnect", "auth", detail=detail[:300]))
    return {
        "access_token": str(token),
        "refresh_token": str(body.get("refresh_token") or ""),
        "expires_at": expires_at(body.get("expires_in"), now),
        "client_id": client_id,
        "client_secret": client_secret,
    }
