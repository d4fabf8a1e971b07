"""Single sign-on with OpenID Connect (the authorization code flow with PKCE, S256).

The provider is found from its issuer URL (``<issuer>/.well-known/openid-configuration``, whose
``issuer`` must be that URL); the ID token's signature is checked with the provider's JWKS
(joserfc; a key id not in the set fetches the set once more, for key rotation), then its
``iss``, ``aud`` (and ``azp`` with several audiences), ``exp``, ``iat`` and ``nonce``; the e-mail
must be verified (``email_verified``; with ``oidc_trust_email`` a token without that claim
counts as verified) and, when domains are set, in one of them.

Settings: ``oidc_issuer``, ``oidc_client_id``, ``oidc_domains``, ``oidc_auto_create``
(:mod:`socialops.settings`); the client secret only from the environment
(:data:`SECRET_ENV`) or a key file (:data:`SECRET_FILE_ENV`), never logged. Every refusal is an
:class:`OidcError` whose ``reason`` names its message (``signin.sso_<reason>``).
"""

from __future__ import annotations

import base64
import hashlib
import os
import secrets
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
from joserfc import jwt
from joserfc.errors import BadSignatureError, InvalidKeyIdError, JoseError
from joserfc.jwk import KeySet

from socialops import settings

__all__ = [
    "SECRET_ENV",
    "SECRET_FILE_ENV",
    "Claims",
    "OidcConfig",
    "OidcError",
    "authorize_url",
    "config",
    "exchange",
    "pkce_pair",
    "sso_configured",
    "validate",
]

SECRET_ENV = "SOCIALOPS_OIDC_CLIENT_SECRET"
SECRET_FILE_ENV = "SOCIALOPS_OIDC_CLIENT_SECRET_FILE"
TIMEOUT_S = 10.0
LEEWAY_S = 60  # clock difference allowed on exp and iat
CACHE_S = 3600.0  # discovery document and keys kept this long
ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "ES256", "ES384"]
SCOPES = "openid email profile"


class OidcError(Exception):
    """A single sign-on that did not go through; ``reason`` names the message."""

    def __init__(self, reason: str, **params: Any) -> None:
        super().__init__(reason)
        self.reason = reason
        self.params = params


@dataclass(frozen=True)
class OidcConfig:
    issuer: str
    client_id: str
    client_secret: str
    domains: tuple[str, ...]
    auto_create: bool
    trust_email: bool = False  # no email_verified claim: take the e-mail as verified


@dataclass(frozen=True)
class Claims:
    issuer: str
    subject: str
    email: str
    name: str


def config() -> OidcConfig | None:
    """The configured provider, ``None`` when single sign-on is not set up."""
    issuer = settings.get("oidc_issuer").strip().rstrip("/")
    client_id = settings.get("oidc_client_id").strip()
    if not issuer or not client_id:
        return None
    secret = os.environ.get(SECRET_ENV, "").strip()
    key_file = os.environ.get(SECRET_FILE_ENV, "").strip()
    if not secret and key_file:
        try:
            secret = Path(key_file).read_text(encoding="utf-8").strip()
        except OSError:
            raise OidcError("secret_file") from None
    domains = tuple(
        d.strip().lower().lstrip("@") for d in settings.get("oidc_domains").split(",") if d.strip()
    )
    auto = settings.get("oidc_auto_create").strip().lower() in ("1", "true", "yes")
    trust = settings.get("oidc_trust_email").strip().lower() in ("1", "true", "yes")
    return OidcConfig(issuer, client_id, secret, domains, auto, trust)


_lock = threading.Lock()
_discovery: dict[str, tuple[float, dict[str, Any]]] = {}
_keys: dict[str, tuple[float, KeySet]] = {}


def _get_json(url: str) -> dict[str, Any]:
    try:
        r = httpx.get(url, timeout=TIMEOUT_S, follow_redirects=False)
        r.raise_for_status()
        doc = r.json()
    except (httpx.HTTPError, ValueError):
        raise OidcError("unreachable") from None
    if not isinstance(doc, dict):
        raise OidcError("unreachable")
    return doc


def discover(issuer: str) -> dict[str, Any]:
    """The provider's discovery document (cached :data:`CACHE_S`)."""
    with _lock:
        hit = _discovery.get(issuer)
    if hit and time.monotonic() - hit[0] < CACHE_S:
        return hit[1]
    doc = _get_json(f"{issuer}/.well-known/openid-configuration")
    if str(doc.get("issuer", "")).rstrip("/") != issuer:
        raise OidcError("issuer")
    for need in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
        if not isinstance(doc.get(need), str):
            raise OidcError("unreachable")
    with _lock:
        _discovery[issuer] = (time.monotonic(), doc)
    return doc


def _key_set(uri: str, *, fresh: bool = False) -> KeySet:
    with _lock:
        hit = _keys.get(uri)
    if hit and not fresh and time.monotonic() - hit[0] < CACHE_S:
        return hit[1]
    try:
        keys = KeySet.import_key_set(_get_json(uri))  # type: ignore[arg-type]
    except (JoseError, ValueError, KeyError, TypeError):
        raise OidcError("unreachable") from None
    with _lock:
        _keys[uri] = (time.monotonic(), keys)
    return keys


def pkce_pair() -> tuple[str, str]:
    """``(verifier, S256 challenge)``."""
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
    return verifier, challenge.rstrip(b"=").decode("ascii")


def authorize_url(
    cfg: OidcConfig, *, state: str, nonce: str, challenge: str, redirect_uri: str
) -> str:
    endpoint = str(discover(cfg.issuer)["authorization_endpoint"])
    query = urlencode(
        {
            "response_type": "code",
            "client_id": cfg.client_id,
            "redirect_uri": redirect_uri,
            "scope": SCOPES,
            "state": state,
            "nonce": nonce,
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        }
    )
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{query}"


def exchange(cfg: OidcConfig, *, code: str, verifier: str, redirect_uri: str) -> str:
    """The ID token the provider gives for ``code`` (client_secret_basic, PKCE verifier)."""
    endpoint = str(discover(cfg.issuer)["token_endpoint"])
    try:
        r = httpx.post(
            endpoint,
            data={
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": redirect_uri,
                "code_verifier": verifier,
                "client_id": cfg.client_id,
            },
            auth=(cfg.client_id, cfg.client_secret),
            timeout=TIMEOUT_S,
        )
    except httpx.HTTPError:
        raise OidcError("unreachable") from None
    if r.status_code != 200:
        raise OidcError("token")
    try:
        token = r.json().get("id_token")
    except ValueError:
        raise OidcError("token") from None
    if not isinstance(token, str) or not token:
        raise OidcError("token")
    return token


def validate(cfg: OidcConfig, id_token: str, *, nonce: str) -> Claims:
    """The claims of ``id_token`` once every check passed, else :class:`OidcError`."""
    uri = str(discover(cfg.issuer)["jwks_uri"])
    try:
        try:
            token = jwt.decode(id_token, _key_set(uri), algorithms=ALGORITHMS)
        except InvalidKeyIdError:  # the provider rotated its keys
            token = jwt.decode(id_token, _key_set(uri, fresh=True), algorithms=ALGORITHMS)
    except BadSignatureError:
        raise OidcError("signature") from None
    except (JoseError, ValueError):
        raise OidcError("signature") from None
    c = token.claims
    if str(c.get("iss", "")).rstrip("/") != cfg.issuer:
        raise OidcError("issuer")
    aud = c.get("aud")
    audiences = [aud] if isinstance(aud, str) else list(aud or [])
    if cfg.client_id not in audiences or (len(audiences) > 1 and c.get("azp") != cfg.client_id):
        raise OidcError("audience")
    at = time.time()
    exp, iat = c.get("exp"), c.get("iat")
    if not isinstance(exp, int | float) or exp < at - LEEWAY_S:
        raise OidcError("expired")
    if not isinstance(iat, int | float) or iat > at + LEEWAY_S:
        raise OidcError("issued")
    if not isinstance(c.get("nonce"), str) or not secrets.compare_digest(
        str(c["nonce"]).encode(), nonce.encode()
    ):
        raise OidcError("nonce")
    email = str(c.get("email") or "").strip().lower()
    if not email or "@" not in email:
        raise OidcError("no_email")
    verified = c.get("email_verified")
    if verified not in (True, "true") and not (verified is None and cfg.trust_email):
        raise OidcError("unverified", email=email)
    domain = email.rsplit("@", 1)[1]
    if cfg.domains and domain not in cfg.domains:
        raise OidcError("domain", domain=domain)
    subject = str(c.get("sub") or "")
    if not subject:
        raise OidcError("token")
    return Claims(cfg.issuer, subject, email, str(c.get("name") or ""))


def sso_configured() -> bool:
    """Whether the sign-in page offers single sign-on (issuer and client id set)."""
    return bool(settings.get("oidc_issuer").strip() and settings.get("oidc_client_id").strip())
