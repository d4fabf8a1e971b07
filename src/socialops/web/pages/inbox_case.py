"""The inbox's other pages: a case (``/w/{ws}/inbox/cases/{case_id}``: its status, priority,
assignee and team, SLA dues and breaches, and its history from the inbox event log) and the saved
replies (``/w/{ws}/inbox/saved``: read by everyone, edited by ``inbox.manage``)."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from socialops.engage import cases, saved
from socialops.errors import SocialopsError
from socialops.web.actions import inbox as actions
from socialops.web.actions.inbox import plain
from socialops.web.auth import Access, lang_of, services_of
from socialops.web.pages.common import Slug, form_actor, to_login, view_access, workspace_page
from socialops.web.pages.inbox import sla_of
from socialops.web.responses import error_text

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


@router.get("/w/{ws}/inbox/cases/{case_id}", response_class=HTMLResponse)
def case_page(request: Request, ws: Slug, case_id: int) -> Response:
    access = view_access(request, ws, "view")
    if access is None:
        return to_login()
    db = services_of(request).workspace(ws)
    case = plain(cases.get_case(db, case_id))
    channel = actions.conversation_channel(db, str(case["conversation_id"]))
    history = actions.case_history(db, case_id)
    for h in history:
        h["detail"] = json.loads(h["detail"] or "{}")
    return workspace_page(
        request,
        access,
        "inbox_case.html",
        "inbox",
        case=case,
        sla=sla_of(db, case, channel, lang_of(request), owed_only=False),
        breaches=case.get("breaches") or [],
        history=history,
    )


def _saved_page(request: Request, access: Access, status: int = 200, **ctx: Any) -> HTMLResponse:
    db = services_of(request).workspace(access.workspace)
    ctx.setdefault("error", None)
    ctx.setdefault("typed", {})
    shown = request.query_params.get("done") if request.method == "GET" else None
    return workspace_page(
        request,
        access,
        "inbox_saved.html",
        "inbox",
        status=status,
        saved=[plain(s) for s in saved.list_saved(db)],
        inbox_done=shown if shown in ("saved", "removed") else None,
        **ctx,
    )


@router.get("/w/{ws}/inbox/saved", response_class=HTMLResponse)
def saved_page(request: Request, ws: Slug) -> Response:
    access = view_access(request, ws, "view")
    if access is None:
        return to_login()
    return _saved_page(request, access)


@router.post("/w/{ws}/inbox/saved", response_class=HTMLResponse)
async def save_saved(request: Request, ws: Slug) -> Response:
    form = await request.form()

    def one(key: str, limit: int) -> str:
        v = form.get(key)
        return v[:limit] if isinstance(v, str) else ""

    actor = form_actor(request, one("csrf", 200))
    access = actor.access(ws, actions.MANAGE)
    typed = {
        "name": one("name", 100),
        "lang": one("lang", 2),
        "text": one("text", actions.MAX_TEXT + 100),
        "category": one("category", 100),
    }
    try:
        actions.save_saved(
            actor,
            ws,
            name=typed["name"],
            lang=typed["lang"],
            body=typed["text"],
            category=typed["category"],
        )
    except SocialopsError as exc:
        err = {"message": error_text(exc, lang_of(request))}
        return _saved_page(request, access, 400, error=err, typed=typed)
    return RedirectResponse(f"/w/{ws}/inbox/saved?done=saved", status_code=303)


@router.post("/w/{ws}/inbox/saved/{saved_id}/remove", response_class=HTMLResponse)
async def remove_saved(request: Request, ws: Slug, saved_id: str) -> Response:
    form = await request.form()
    csrf = form.get("csrf")
    actor = form_actor(request, csrf if isinstance(csrf, str) else "")
    actions.remove_saved(actor, ws, saved_id)
    return RedirectResponse(f"/w/{ws}/inbox/saved?done=removed", status_code=303)
