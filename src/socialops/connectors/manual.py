"""Manual profiles: Korean channels with no posting API (Naver Blog, whose write API closed in
2020; KakaoTalk channel posts; Instagram without a business account; community sites). The
scheduler turns a due post into a *task* for a person, who publishes it by hand and confirms it
with its URL. No credentials; limits are the platform's own, as data."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from socialops.connectors.core import Connector, Identity, PlatformLimits
from socialops.connectors.registry import REGISTRY

__all__ = ["MANUAL_PLATFORMS", "ManualConnector"]

#: the platforms a manual profile may stand for, with what they accept
MANUAL_PLATFORMS: dict[str, PlatformLimits] = {
    "naver-blog": PlatformLimits(max_chars=None, max_media=50, alt_text=False),
    "kakaotalk": PlatformLimits(max_chars=1000, max_media=10, alt_text=False),
    "instagram": PlatformLimits(max_chars=2200, max_media=10, requires_media=True),
    "naver-cafe": PlatformLimits(max_chars=None, max_media=50, alt_text=False),
    "community": PlatformLimits(max_chars=None, max_media=20, alt_text=False),
}


class ManualConnector(Connector):
    platform: ClassVar[str] = "manual"
    limits: ClassVar[PlatformLimits] = PlatformLimits(max_chars=None, alt_text=False)
    settings_keys = ("platform",)

    @classmethod
    def limits_for(cls, settings: Mapping[str, str]) -> PlatformLimits:
        return MANUAL_PLATFORMS.get(settings.get("platform", ""), cls.limits)

    def check(self) -> Identity:
        return Identity(account_id="", handle=self.settings.get("platform", ""))


REGISTRY.add(ManualConnector)
