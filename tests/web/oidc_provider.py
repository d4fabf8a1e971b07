"""A small real OpenID Connect provider for the single sign-on tests: a FastAPI app served by
uvicorn on a free loopback port, with discovery, a JWKS, an authorization endpoint that approves
its configured test user at once, and a token endpoint that checks the client secret (HTTP
Basic), the code (once), the redirect URI and the PKCE verifier (S256) and answers an RS256 ID
token signed with joserfc.

``Provider.tamper`` makes the next ID tokens wrong in one way (``other_key``, ``audience``,
``expired``, ``nonce``, ``issuer``) so the tests can check each is refused."""

from __future__ import annotations

import base64
import hashlib
import secrets
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import httpx
import uvicorn
from fastapi import FastAPI, Form, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey

__all__ = ["Provider", "free_port", "running_provider", "serve"]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class Provider:
    issuer: str
    client_id: str = "socialops-test"
    client_secret: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    user: dict[str, Any] = field(default_factory=dict)
    tamper: str = ""
    key: RSAKey = field(
        default_factory=lambda: RSAKey.generate_key(2048, parameters={"kid": "k1"}, private=True)
    )
    # same key id, another key: a token it signs must fail the signature check
    other: RSAKey = field(
        default_factory=lambda: RSAKey.generate_key(2048, parameters={"kid": "k1"}, private=True)
    )
    codes: dict[str, dict[str, str]] = field(default_factory=dict)
    token_calls: list[str] = field(default_factory=list)  # "ok" or why refused

    def id_token(self, nonce: str) -> str:
        at = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "aud": self.client_id,
            "iat": at,
            "exp": at + 300,
            "nonce": nonce,
            **self.user,
        }
        if self.tamper == "audience":
            claims["aud"] = "someone-else"
        elif self.tamper == "expired":
            claims["iat"], claims["exp"] = at - 900, at - 600
        elif self.tamper == "nonce":
            claims["nonce"] = "not-the-nonce"
        elif self.tamper == "issuer":
            claims["iss"] = "http://127.0.0.1:1/evil"
        key = self.other if self.tamper == "other_key" else self.key
        return jwt.encode({"alg": "RS256", "kid": "k1"}, claims, key)

    def app(self) -> FastAPI:
        app = FastAPI()

        @app.get("/.well-known/openid-configuration")
        def discovery() -> dict[str, Any]:
            return {
                "issuer": self.issuer,
                "authorization_endpoint": f"{self.issuer}/authorize",
                "token_endpoint": f"{self.issuer}/token",
                "jwks_uri": f"{self.issuer}/jwks",
                "response_types_supported": ["code"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "code_challenge_methods_supported": ["S256"],
                "token_endpoint_auth_methods_supported": ["client_secret_basic"],
            }

        @app.get("/jwks")
        def jwks() -> dict[str, Any]:
            return KeySet([self.key]).as_dict(private=False)

        @app.get("/authorize")
        def authorize(request: Request) -> Response:
            q = request.query_params
            ok = (
                q.get("response_type") == "code"
                and q.get("client_id") == self.client_id
                and q.get("code_challenge_method") == "S256"
                and "openid" in q.get("scope", "").split()
            )
            if not ok:
                return JSONResponse({"error": "invalid_request"}, status_code=400)
            code = secrets.token_urlsafe(16)
            self.codes[code] = {
                "redirect_uri": q["redirect_uri"],
                "challenge": q["code_challenge"],
                "nonce": q.get("nonce", ""),
            }
            back = urlencode({"code": code, "state": q.get("state", "")})
            return RedirectResponse(f"{q['redirect_uri']}?{back}", status_code=302)

        @app.post("/token")
        def token(
            request: Request,
            grant_type: str = Form(""),
            code: str = Form(""),
            redirect_uri: str = Form(""),
            code_verifier: str = Form(""),
        ) -> Response:
            expected = base64.b64encode(f"{self.client_id}:{self.client_secret}".encode())
            if request.headers.get("authorization", "") != f"Basic {expected.decode()}":
                self.token_calls.append("client")
                return JSONResponse({"error": "invalid_client"}, status_code=401)
            grant = self.codes.pop(code, None)  # a code works once
            if grant_type != "authorization_code" or grant is None:
                self.token_calls.append("code")
                return JSONResponse({"error": "invalid_grant"}, status_code=400)
            digest = hashlib.sha256(code_verifier.encode()).digest()
            challenge = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
            if challenge != grant["challenge"] or redirect_uri != grant["redirect_uri"]:
                self.token_calls.append("pkce")
                return JSONResponse({"error": "invalid_grant"}, status_code=400)
            self.token_calls.append("ok")
            return JSONResponse(
                {
                    "access_token": secrets.token_urlsafe(16),
                    "token_type": "Bearer",
                    "id_token": self.id_token(grant["nonce"]),
                }
            )

        return app


@contextmanager
def serve(app: Any, port: int) -> Iterator[str]:
    """``app`` under uvicorn on ``127.0.0.1:port`` in a thread, until the block ends."""
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    thread = threading.Thread(target=server.run, daemon=True, name=f"uvicorn-{port}")
    thread.start()
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            server.should_exit = True
            raise RuntimeError(f"{url} did not start")
        time.sleep(0.02)
    try:
        yield url
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@contextmanager
def running_provider(user: dict[str, Any]) -> Iterator[Provider]:
    port = free_port()
    provider = Provider(f"http://127.0.0.1:{port}", user=user)
    with serve(provider.app(), port):
        assert httpx.get(f"{provider.issuer}/jwks", timeout=5).status_code == 200
        yield provider
