"""Scheduled reports of a workspace (``/w/{ws}/reports/schedules``, reached from the reports
page): the list (what, when in Korea time, to whom, next run, last run and its state, a link
to the last report), the form that adds one (a plan or a topic, daily or weekly, the hour,
recipients chosen among the members), and each one's buttons: on/off, run now, remove.

Included before :mod:`.reports` (whose ``/w/{ws}/reports/{file}`` would take this path)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from socialops.errors import SocialopsError
from socialops.i18n import t
from socialops.plan.schedules import WEEKDAYS
from socialops.web.actions import schedules as actions
from socialops.web.auth import Access, lang_of
from socialops.web.pages.common import Slug, form_actor, to_login, view_access, workspace_page
from socialops.web.responses import error_text

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
PAGE = "/w/{ws}/reports/schedules"
DONE = ("added", "changed", "removed", "ran", "run_failed")


def _page(request: Request, access: Access, status: int = 200, **ctx: Any) -> Response:
    from socialops.web.actions.base import actor_of  # the reader as an actor, to read

    lang = lang_of(request)
    actor = actor_of(request, access.principal)
    ctx.setdefault("error", None)
    ctx.setdefault(
        "form",
        {"about": "", "cadence": "weekly", "weekday": "mon", "hour": 9, "recipients": []},
    )
    q = request.query_params
    done = q.get("done") if request.method == "GET" else None
    message = None
    if done in DONE:
        message = t(
            f"schedweb.done.{done}",
            lang,
            sent=q.get("sent", "0")[:6],
            failed=q.get("failed", "0")[:6],
        )
    return workspace_page(
        request,
        access,
        "schedules.html",
        "reports",
        status=status,
        schedules=actions.schedules(actor, access.workspace, lang),
        choices=actions.choices(actor, access.workspace),
        weekdays=WEEKDAYS,
        done=message,
        done_failed=done == "run_failed",
        **ctx,
    )


def _back(ws: str, done: str, **params: str) -> Response:
    from urllib.parse import urlencode

    query = urlencode({"done": done, **params})
    return RedirectResponse(PAGE.format(ws=ws) + "?" + query, status_code=303)


@router.get(PAGE, response_class=HTMLResponse)
def schedules_page(request: Request, ws: Slug) -> Response:
    access = view_access(request, ws, "view")
    if access is None:
        return to_login()
    return _page(request, access)


@router.post(PAGE, response_class=HTMLResponse)
def add_schedule(
    request: Request,
    ws: Slug,
    about: Annotated[str, Form(max_length=220)] = "",
    cadence: Annotated[str, Form(max_length=10)] = "weekly",
    weekday: Annotated[str, Form(max_length=10)] = "mon",
    hour: Annotated[int, Form(ge=0, le=23)] = 9,
    recipients: Annotated[list[str] | None, Form(max_length=200)] = None,
    csrf: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Add a schedule: ``about`` is ``plan:<id>`` or ``topic:<name>``."""
    actor = form_actor(request, csrf)
    access = actor.access(ws, actions.EDIT)
    lang = lang_of(request)
    people = [r for r in (recipients or []) if r][: actions.MAX_RECIPIENTS + 1]
    form = {"about": about, "cadence": cadence, "weekday": weekday, "hour": hour,
            "recipients": people}  # fmt: skip
    kind, _, ref = about.partition(":")
    try:
        actions.add(
            actor,
            ws,
            lang,
            kind=kind,
            ref=ref,
            cadence=cadence,
            weekday=weekday,
            hour=hour,
            recipients=people,
        )
    except SocialopsError as exc:
        msg = error_text(exc, lang, "schedweb.failed")
        return _page(request, access, 400, error=msg, form=form)
    return _back(ws, "added")


@router.post(PAGE + "/{schedule_id}/enabled", response_class=HTMLResponse)
def switch_schedule(
    request: Request,
    ws: Slug,
    schedule_id: str,
    enabled: Annotated[str, Form(max_length=5)] = "",
    csrf: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    actor = form_actor(request, csrf)
    actions.change(actor, ws, schedule_id[:40], lang_of(request), enabled=enabled == "1")
    return _back(ws, "changed")


@router.post(PAGE + "/{schedule_id}/remove", response_class=HTMLResponse)
def remove_schedule(
    request: Request,
    ws: Slug,
    schedule_id: str,
    csrf: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    actions.remove(form_actor(request, csrf), ws, schedule_id[:40])
    return _back(ws, "removed")


@router.post(PAGE + "/{schedule_id}/run", response_class=HTMLResponse)
def run_schedule(
    request: Request,
    ws: Slug,
    schedule_id: str,
    csrf: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Write the report now (and e-mail it); back to the list with what happened."""
    out = actions.run(form_actor(request, csrf), ws, schedule_id[:40])
    if out.get("error"):
        return _back(ws, "run_failed")
    return _back(ws, "ran", sent=str(out["sent_now"]), failed=str(out["failed_now"]))
