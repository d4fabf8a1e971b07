"""``POST /api/v1/workspaces/{ws}/profiles/oauth``: begin connecting a profile through the
platform's consent page; the answer's ``authorize_url`` is where the person signs in and agrees.
The platform then sends them to ``/oauth/callback`` on this server (a page), which connects the
profile. ``redirect_uri`` says which address to register with the platform's app."""

from __future__ import annotations

from enum import Enum
from typing import Any

from fastapi import Request
from pydantic import BaseModel, Field

from socialops.web.actions import oauth_connect as actions
from socialops.web.api.common import ERRORS, Slug, caller, router

__all__ = ["OAuthBegin"]

TAGS: list[str | Enum] = ["publishing"]


class OAuthBegin(BaseModel):
    platform: str = Field(max_length=20, examples=["x"])
    name: str = Field(max_length=100, examples=["브랜드 X"])
    settings: dict[str, str] = Field(default_factory=dict, max_length=20)
    zone: str = Field("Asia/Seoul", max_length=64)


@router.post("/workspaces/{ws}/profiles/oauth", responses=ERRORS, tags=TAGS)
def begin_oauth(request: Request, ws: Slug, body: OAuthBegin) -> dict[str, Any]:
    """Begin connecting a profile (X, LinkedIn, YouTube, Naver Cafe) through its consent page."""
    url = actions.begin(
        caller(request),
        ws,
        platform=body.platform,
        name=body.name,
        settings=body.settings,
        zone=body.zone,
    )
    return {"authorize_url": url, "redirect_uri": actions.redirect_uri()}
