"""KakaoTalk channel chatbot (Kakao i Open Builder skill, v2.0): an *inbound-only* profile.

Kakao calls the skill server (``/hooks/kakao/{ws}/{profile}``) with a POST for every message a
user sends to the channel's bot and waits at most 5 seconds for the answer. There is no posting
API for the business (messages the business starts go through Kakao's paid Event API or a
dealer's AlimTalk/FriendTalk): this connector publishes nothing and has no credentials with
Kakao. Its one secret is the shared secret Kakao sends in a header the skill's settings name
(:data:`HOOK_HEADER`), which the hook compares in constant time (:meth:`HookConnector.accepts`).

``check()`` is local: it only says whether the stored secret is one :func:`new_secret` could have
made (long enough to be unguessable)."""

from __future__ import annotations

import hmac
import secrets
from typing import ClassVar

from socialops.connectors.core import (
    Connector,
    ConnectorFailure,
    Identity,
    PlatformLimits,
    Resolution,
)
from socialops.connectors.registry import REGISTRY

__all__ = ["HOOK_HEADER", "MIN_SECRET", "HookConnector", "KakaoConnector", "new_secret"]

#: the header that carries the profile's shared secret (Kakao: the skill's "header" setting)
HOOK_HEADER = "X-Socialops-Secret"
#: the shortest secret accepted (``secrets.token_urlsafe(32)`` makes 43 characters)
MIN_SECRET = 32


def new_secret() -> str:
    """A fresh shared secret (256 random bits, URL-safe text)."""
    return secrets.token_urlsafe(32)


class HookConnector(Connector):
    """An inbound-only profile: a platform that calls us. Nothing is published; the secret is
    ours, so ``check()`` never calls anyone."""

    secret_keys: ClassVar[tuple[str, ...]] = ("secret",)

    def check(self) -> Identity:
        secret = self._secrets.get("secret", "")
        if len(secret) < MIN_SECRET:
            raise ConnectorFailure(Resolution("fail", "hook_secret"))
        return Identity(account_id="", handle=self.platform)

    def accepts(self, presented: str | None) -> bool:
        """Whether ``presented`` (the header's value) is the profile's secret: compared in
        constant time, so the answer's timing tells nothing about how much of it matched."""
        secret = self._secrets.get("secret", "")
        if not presented or len(secret) < MIN_SECRET:
            return False
        return hmac.compare_digest(presented.encode(), secret.encode())


class KakaoConnector(HookConnector):
    """A KakaoTalk channel's chatbot skill. Setting ``bot_id`` (optional): the Open Builder bot
    id; when set, a skill request from another bot is refused. ``callback_hosts`` (optional,
    comma-separated): hosts besides Kakao's own that a ``callbackUrl`` may point to;
    ``callback_wait_s`` (optional): how long a callback waits for an agent's reply (0–55 s)."""

    platform: ClassVar[str] = "kakao"
    # simpleText holds at most 1,000 characters
    limits: ClassVar[PlatformLimits] = PlatformLimits(max_chars=1000, max_media=0, alt_text=False)


REGISTRY.add(KakaoConnector)
