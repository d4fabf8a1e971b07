"""Personal-data requests over the API (issue 18 part 5, owners only: ``privacy.requests``):
find (counts per place), export (a ZIP of ``subject.json`` and one CSV per place, UTF-8 with
BOM) and erase (anonymise everywhere; ``dry_run`` says what would go), and the retention rules.
A subject is a contact id or ``platform:handle``; an unknown one is 404. The page
``/w/{ws}/privacy`` calls the same actions (:mod:`socialops.web.actions.privacy`)."""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Any, Literal

from fastapi import Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from socialops.web.actions import privacy as actions
from socialops.web.api.common import ERRORS, Slug, caller, router

__all__ = ["EraseIn", "RetentionIn"]

TAGS: list[str | Enum] = ["privacy"]
Contact = Annotated[str | None, Query(max_length=80, description="the inbox contact id")]
Handle = Annotated[str | None, Query(max_length=220, description="platform:handle")]


class EraseIn(BaseModel):
    contact: str | None = Field(None, max_length=80)
    handle: str | None = Field(None, max_length=220, description="platform:handle")
    dry_run: bool = False


class RetentionIn(BaseModel):
    kind: Literal["inbox_messages", "closed_cases", "quarantine"]
    days: int = Field(ge=0, le=36_500, description="0 removes the rule")


@router.get("/workspaces/{ws}/privacy", responses=ERRORS, tags=TAGS)
def privacy_find(
    request: Request, ws: Slug, contact: Contact = None, handle: Handle = None
) -> dict[str, Any]:
    """How many rows each place holds about one person: ``subject``, ``counts`` (place →
    rows), ``total``."""
    return actions.find(caller(request), ws, contact, handle).to_dict()


@router.get("/workspaces/{ws}/privacy/export", response_class=Response, responses=ERRORS, tags=TAGS)
def privacy_export(
    request: Request, ws: Slug, contact: Contact = None, handle: Handle = None
) -> Response:
    """Everything held about one person, as a ZIP (``subject.json`` and a CSV per place)."""
    data = actions.export_zip(caller(request), ws, contact, handle)
    return Response(
        data,
        media_type="application/zip",
        headers={"Content-Disposition": 'attachment; filename="personal-data.zip"'},
    )


@router.post("/workspaces/{ws}/privacy/erase", responses=ERRORS, tags=TAGS)
def privacy_erase(request: Request, ws: Slug, body: EraseIn) -> dict[str, Any]:
    """Erase (anonymise) everything held about one person; the counts found (and erased)."""
    found = actions.erase(caller(request), ws, body.contact, body.handle, dry_run=body.dry_run)
    return found.to_dict()


@router.get("/workspaces/{ws}/retention", responses=ERRORS, tags=TAGS)
def retention_list(request: Request, ws: Slug) -> dict[str, int]:
    """The retention rules: kind → days kept."""
    return actions.retention_rules(caller(request), ws)


@router.put("/workspaces/{ws}/retention", responses=ERRORS, tags=TAGS)
def retention_set(request: Request, ws: Slug, body: RetentionIn) -> dict[str, int]:
    """Keep ``kind`` for ``days`` days (0: no rule); the rules."""
    return actions.set_retention(caller(request), ws, body.kind, body.days)
