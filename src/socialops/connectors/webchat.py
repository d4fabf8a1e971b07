"""A website's chat widget or contact form: an *inbound-only* profile
(``/hooks/webchat/{ws}/{profile}``).

Two ways to authenticate a post, both with secrets made here (``profiles connect webchat``):

- the shared secret in :data:`~socialops.connectors.kakao.HOOK_HEADER` (the widget's key: it sits
  in the page's script, so it is paired with the ``origins`` setting, the sites whose browsers may
  call — CORS);
- for a website's server: an HMAC-SHA256 signature with the ``signing_secret`` (never in a
  page) over the timestamp, a one-time nonce and the body (:mod:`socialops.engage.webchat`).

``check()`` is local (the secrets are ours); nothing is published: agents' replies reach the
visitor when the widget asks for the session's messages."""

from __future__ import annotations

import hmac
from typing import ClassVar

from socialops.connectors.core import ConnectorFailure, Identity, PlatformLimits, Resolution
from socialops.connectors.kakao import MIN_SECRET, HookConnector
from socialops.connectors.registry import REGISTRY

__all__ = ["NONCE_HEADER", "SIGNATURE_HEADER", "TIMESTAMP_HEADER", "WebchatConnector"]

SIGNATURE_HEADER = "X-Socialops-Signature"  # "sha256=<hex>"
TIMESTAMP_HEADER = "X-Socialops-Timestamp"  # Unix seconds
NONCE_HEADER = "X-Socialops-Nonce"  # 16 to 128 characters, new for every request


class WebchatConnector(HookConnector):
    """Settings: ``origins`` (comma-separated, e.g. ``https://www.example.co.kr``): the sites
    whose pages may call from a browser; empty: no browser may (server-to-server only)."""

    platform: ClassVar[str] = "webchat"
    limits: ClassVar[PlatformLimits] = PlatformLimits(max_chars=4000, max_media=0, alt_text=False)
    secret_keys: ClassVar[tuple[str, ...]] = ("secret", "signing_secret")

    def check(self) -> Identity:
        ident = super().check()
        if len(self._secrets.get("signing_secret", "")) < MIN_SECRET:
            raise ConnectorFailure(Resolution("fail", "hook_secret"))
        return ident

    def origins(self) -> list[str]:
        """The browser origins allowed to call (exact ``scheme://host[:port]``)."""
        raw = self.settings.get("origins", "")
        return [o.strip().rstrip("/") for o in raw.split(",") if o.strip()]

    def signing_key(self) -> bytes:
        """The key of the server-to-server signature (used only to sign and verify)."""
        return self._secrets.get("signing_secret", "").encode()

    def signs(self, expected: str, presented: str | None) -> bool:
        """Whether the presented signature is the expected one (constant time)."""
        return bool(presented) and hmac.compare_digest(
            expected.encode(), (presented or "").encode()
        )


REGISTRY.add(WebchatConnector)
