"""The inbox page a care agent lives in (``/w/{ws}/inbox``, a conversation at
``/w/{ws}/inbox/c/{id}``): the list with its filters on the left, the conversation in the middle
(messages with their triage and the words that decided it, personal data masked, internal notes,
replies waiting for approval or failed with a retry, the reply box with saved replies and the
channel's length counter) and the customer's profile and history on the right; one column on a
phone. ``static/inbox.js`` adds the keyboard shortcuts, live updates from
``/w/{ws}/inbox/events`` (:mod:`socialops.web.inbox_stream`) and presence while typing; without
script every change is a form (POST with the CSRF token, post/redirect/get).

The case page and the saved replies are :mod:`.inbox_case`."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from socialops.engage import conversations, presence, saved, sla
from socialops.errors import EngageError, SocialopsError
from socialops.i18n import t
from socialops.store.workspace import Workspace
from socialops.web.actions import inbox as actions
from socialops.web.actions.base import Actor, actor_of
from socialops.web.actions.inbox import plain
from socialops.web.auth import Access, WebError, accounts_of, lang_of, services_of
from socialops.web.pages.common import Slug, form_actor, to_login, view_access, workspace_page
from socialops.web.permissions import allowed
from socialops.web.responses import error_text

__all__ = ["DONE", "inbox_page", "router", "sla_of", "span"]

router = APIRouter(include_in_schema=False)
LIST_LIMIT = 50
_TARGET = {"first_response": "first", "next_response": "next", "resolution": "resolution"}
DONE = frozenset(
    {"replied", "queued", "in_review", "noted", "assigned", "status", "approved", "rejected"}
    | {"retried", "tagged", "contact_noted", "saved", "removed", "hidden", "merged"}
)
FILTER_KEYS = ("status", "scope", "channel", "intent", "urgency", "q")


def _filters(request: Request) -> actions.Filters:
    q = request.query_params
    got = {k: (q.get(k) or "")[:200] for k in FILTER_KEYS}
    return actions.Filters(**{**got, "scope": got["scope"] or "all"})


def _back_filters(form: Any) -> actions.Filters:
    got = {k: str(form.get(k) or "")[:200] for k in FILTER_KEYS}
    return actions.Filters(**{**got, "scope": got["scope"] or "all"})


def sla_of(
    db: Workspace,
    case: dict[str, Any] | None,
    channel: str,
    lang: str,
    *,
    now: datetime | None = None,
    owed_only: bool = True,
) -> list[dict[str, Any]]:
    """The case's service levels as :func:`socialops.engage.sla.sla_state` tells them (due
    instant, state, its words), in the order first response, next response, resolution; a
    ``pending`` one inside the SLA policy's warning margin (the business minutes before its due
    time when :func:`~socialops.engage.sla.check_sla` warns), or already warned, is ``warning``.
    ``owed_only``: only what is still owed (pending, warning, overdue, paused)."""
    if not case:
        return []
    now = now or datetime.now(UTC)
    states = sla.sla_state(case, now, lang=lang)
    policy = sla.sla_policy(db) if states else None
    priority = str(case.get("priority") or "")
    priority = priority if priority in sla.PRIORITIES else "normal"
    warned = set(case.get("warned") or [])
    out: list[dict[str, Any]] = []
    for kind, entry in states.items():
        state = str(entry["state"])
        if state == "pending" and policy is not None:
            due_at = datetime.fromisoformat(str(entry["due"]))
            due_at = due_at if due_at.tzinfo else due_at.replace(tzinfo=UTC)
            target = policy.target(channel, priority, _TARGET[kind])
            near = target is not None and (
                policy.hours.minutes_between(now, due_at) <= policy.warn_margin(target)
            )
            if near or f"{kind}@{entry['due']}" in warned:
                state = "warning"
        if owed_only and state in ("met", "missed"):
            continue
        words = str(entry.get("text") or "")
        if state in ("pending", "warning", "overdue"):
            key = "inboxweb.sla_late" if state == "overdue" else "inboxweb.sla_left"
            words = t(key, lang, span=span(int(entry.get("minutes") or 0), lang))
        out.append({**entry, "kind": kind, "state": state, "text": words})
    return out


def span(minutes: int, lang: str) -> str:
    """A time span people read at a glance: "42분", "3시간 5분", "2일 4시간"."""
    days, rest = divmod(max(0, minutes), 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return t("inboxweb.span.dh", lang, d=days, h=hours)
    if hours:
        return t("inboxweb.span.hm", lang, h=hours, m=mins)
    return t("inboxweb.span.m", lang, m=mins)


def _saved_for(db: Any, detail: Any, agent: str, lang: str) -> list[dict[str, str]]:
    """The saved replies with the conversation's variables filled in (the picker)."""
    row = detail.row
    case_no = str(row.case_id or "")
    values = {"name": row.customer, "case": case_no, "agent": agent}
    values |= {"이름": row.customer, "케이스": case_no, "상담사": agent}
    found = [plain(s) for s in saved.list_saved(db)]
    found.sort(key=lambda s: (s.get("lang") != lang, s.get("name", "")))
    return [{**s, "rendered": saved.render_saved(str(s.get("text", "")), values)} for s in found]


def _authors(contact: dict[str, Any], customer: str) -> dict[str, str]:
    """The name to show for each of the customer's handles (the contact's label of that
    handle, else the contact's name): customer messages are signed with it, the raw handle in
    a tooltip."""
    name = str(contact.get("display_name") or customer or "")
    out: dict[str, str] = {}
    for h in contact.get("handles") or []:
        out[str(h.get("handle"))] = str(h.get("label") or name)
    out[""] = name
    return out


def inbox_page(
    request: Request,
    access: Access,
    conversation_id: str | None = None,
    *,
    status: int = 200,
    reveal: bool = False,
    error: dict[str, Any] | None = None,
    typed: dict[str, str] | None = None,
) -> HTMLResponse:
    """The inbox: the list (filtered), and the conversation ``conversation_id`` when given."""
    actor_email = access.user.email
    db = services_of(request).workspace(access.workspace)
    f = _filters(request)
    lang = lang_of(request)
    try:
        f.check()
    except SocialopsError as exc:
        error, status, f = {"message": error_text(exc, lang)}, 400, actions.Filters()
    before = (request.query_params.get("before") or "")[:120]
    rows = actions.find_conversations(db, f, actor_email, before=before, limit=LIST_LIMIT + 1)
    older = None
    if len(rows) > LIST_LIMIT:
        rows = rows[:LIST_LIMIT]
        older = "?" + urlencode({**f.params(), "before": rows[-1].cursor})
    ctx: dict[str, Any] = {"detail": None}
    if conversation_id:
        _, detail, private = actions.open_conversation(
            actor_of(request, access.principal), access.workspace, conversation_id, reveal=reveal
        )
        case = plain(detail.case)
        contact = plain(detail.contact) or {}
        max_chars, unit = actions.length_rule(detail.row.channel)
        manage = allowed(access.role, actions.MANAGE)
        source = actions.conversation_source(db, conversation_id) if manage else ""
        ctx = {
            "detail": detail,
            "case": case,
            "contact": contact,
            "authors": _authors(contact, detail.row.customer),
            "pending": [plain(r) for r in detail.replies if plain(r).get("state") != "sent"],
            "sla": sla_of(db, case, detail.row.channel, lang),
            "others": presence.others(db, conversation_id, actor_email),
            "saved": _saved_for(db, detail, access.user.name or actor_email, lang),
            "max_chars": max_chars,
            "unit": unit,
            "revealed": reveal,
            "private": private,
            "can_hide": manage and actions.can_hide(db, source),
            "candidates": actions.merge_candidates(db, contact) if manage else [],
            "teams": actions.team_names(db) if manage else [],
        }
    members = [
        m.user.email
        for m in accounts_of(request).members(access.workspace)
        if allowed(m.role, actions.WORK)
    ]
    shown = request.query_params.get("done") if request.method == "GET" else None
    return workspace_page(
        request,
        access,
        "inbox.html",
        "inbox",
        status=status,
        rows=rows,
        filters=f,
        # a search under 3 characters looks through the recent conversations only: say so
        short_search=f"{conversations.SHORT_WINDOW:,}"
        if conversations.search_is_windowed(f.q)
        else "",
        query="?" + urlencode(f.params()) if f.params() else "",
        older=older,
        statuses=actions.STATUSES,
        scopes=actions.SCOPES,
        intents=actions.INTENTS,
        urgencies=actions.URGENCIES,
        channels=sorted({r.channel for r in rows} | ({f.channel} if f.channel else set())),
        members=members,
        me=actor_email,
        error=error,
        typed=typed or {},
        inbox_done=shown if shown in DONE else None,
        **ctx,
    )


@router.get("/w/{ws}/inbox", response_class=HTMLResponse)
def inbox(request: Request, ws: Slug) -> Response:
    access = view_access(request, ws, "view")
    if access is None:
        return to_login()
    return inbox_page(request, access)


@router.get("/w/{ws}/inbox/c/{conversation_id}", response_class=HTMLResponse)
def conversation(request: Request, ws: Slug, conversation_id: str) -> Response:
    access = view_access(request, ws, "view")
    if access is None:
        return to_login()
    return inbox_page(request, access, conversation_id[:64])


def _to(ws: str, cid: str, key: str, f: actions.Filters) -> Response:
    query = urlencode({**f.params(), "done": key})
    return RedirectResponse(f"/w/{ws}/inbox/c/{cid}?{query}", status_code=303)


async def _form(request: Request) -> tuple[Any, str]:
    form = await request.form()
    csrf = form.get("csrf")
    return form, csrf if isinstance(csrf, str) else ""


def _field(form: Any, key: str, limit: int = actions.MAX_TEXT + 100) -> str:
    v = form.get(key)
    return v[:limit] if isinstance(v, str) else ""


def _again(
    request: Request,
    actor: Actor,
    ws: str,
    cid: str,
    exc: SocialopsError,
    typed: dict[str, str],
) -> Response:
    """The conversation again with the error and what was typed (no change was made); an
    unknown id is the 404 page."""
    if exc.http_status == 404 or not cid:
        raise exc
    err = {"message": error_text(exc, lang_of(request))}
    status = exc.http_status if 400 <= exc.http_status < 500 else 400
    return inbox_page(request, actor.access(ws, "view"), cid, status=status, error=err, typed=typed)


@router.post("/w/{ws}/inbox/c/{conversation_id}/reply", response_class=HTMLResponse)
async def post_reply(request: Request, ws: Slug, conversation_id: str) -> Response:
    """The reply box: ``kind=note`` writes an internal note, else a reply to the customer."""
    form, csrf = await _form(request)
    actor = form_actor(request, csrf)
    body, kind = _field(form, "text"), _field(form, "kind", 10)
    f = _back_filters(form)
    try:
        if kind == "note":
            actions.add_note(actor, ws, conversation_id, body)
            return _to(ws, conversation_id, "noted", f)
        r = actions.reply(actor, ws, conversation_id, body)
    except SocialopsError as exc:
        return _again(request, actor, ws, conversation_id, exc, {"text": body, "kind": kind})
    key = "in_review" if getattr(r, "state", "") == "pending_approval" else "queued"
    return _to(ws, conversation_id, key, f)


@router.post("/w/{ws}/inbox/c/{conversation_id}/assign", response_class=HTMLResponse)
async def post_assign(request: Request, ws: Slug, conversation_id: str) -> Response:
    """Assign: ``assignee=me`` (anyone working the inbox), else a member, a team or nobody."""
    form, csrf = await _form(request)
    actor = form_actor(request, csrf)
    who = _field(form, "assignee", 320)
    team = _field(form, "team", 100).strip() if "team" in form else None
    assignee = actor.user.email if who == "me" else who.strip()
    try:
        actions.assign(actor, ws, conversation_id, assignee=assignee, team=team)
    except SocialopsError as exc:
        return _again(request, actor, ws, conversation_id, exc, {})
    return _to(ws, conversation_id, "assigned", _back_filters(form))


@router.post(
    "/w/{ws}/inbox/c/{conversation_id}/messages/{message_id}/hide", response_class=HTMLResponse
)
async def post_hide(request: Request, ws: Slug, conversation_id: str, message_id: str) -> Response:
    """Hide a customer's spam or abusive comment on the platform (``inbox.manage``)."""
    form, csrf = await _form(request)
    actor = form_actor(request, csrf)
    try:
        actions.hide_message(actor, ws, conversation_id, message_id)
    except SocialopsError as exc:
        return _again(request, actor, ws, conversation_id, exc, {})
    return _to(ws, conversation_id, "hidden", _back_filters(form))


@router.post("/w/{ws}/inbox/c/{conversation_id}/status", response_class=HTMLResponse)
async def post_status(request: Request, ws: Slug, conversation_id: str) -> Response:
    form, csrf = await _form(request)
    actor = form_actor(request, csrf)
    case_id = _field(form, "case_id", 20)
    try:
        if not case_id.isdigit():
            raise EngageError("inbox.unknown_case", case_id=case_id)
        actions.set_status(actor, ws, int(case_id), _field(form, "status", 20))
    except SocialopsError as exc:
        return _again(request, actor, ws, conversation_id, exc, {})
    return _to(ws, conversation_id, "status", _back_filters(form))


@router.post("/w/{ws}/inbox/c/{conversation_id}/reveal", response_class=HTMLResponse)
async def post_reveal(request: Request, ws: Slug, conversation_id: str) -> Response:
    """The conversation with the originals of masked personal data (a role allowed
    ``inbox.personal_data``; audited). Shown in this answer only, never kept in a URL."""
    _form_data, csrf = await _form(request)
    actor = form_actor(request, csrf)
    access = actor.access(ws, actions.PERSONAL)
    return inbox_page(request, access, conversation_id[:64], reveal=True)


@router.post("/w/{ws}/inbox/replies/{reply_id}/{op}", response_class=HTMLResponse)
async def post_reply_op(request: Request, ws: Slug, reply_id: str, op: str) -> Response:
    """Approve or reject a reply waiting for approval, or retry a failed send."""
    form, csrf = await _form(request)
    actor = form_actor(request, csrf)
    cid = _field(form, "c", 64)
    try:
        if op == "approve":
            actions.approve_reply(actor, ws, reply_id)
        elif op == "reject":
            actions.reject_reply(actor, ws, reply_id, _field(form, "reason", 500))
        elif op == "retry":
            actions.retry_reply(actor, ws, reply_id)
        else:
            raise WebError(404, "not_found")
    except SocialopsError as exc:
        return _again(request, actor, ws, cid, exc, {})
    key = {"approve": "approved", "reject": "rejected", "retry": "retried"}[op]
    return _to(ws, cid, key, _back_filters(form))


@router.post("/w/{ws}/inbox/contacts/{contact_id}/{op}", response_class=HTMLResponse)
async def post_contact(request: Request, ws: Slug, contact_id: str, op: str) -> Response:
    """The profile column's forms: ``tags`` (comma separated), ``note`` and ``merge`` (the
    contact ``other`` is the same person: it goes into this one)."""
    form, csrf = await _form(request)
    actor = form_actor(request, csrf)
    cid = _field(form, "c", 64)
    try:
        if op == "tags":
            tags = _field(form, "tags", 2000).replace("，", ",").split(",")
            actions.set_tags(actor, ws, contact_id, tags)
        elif op == "note":
            actions.add_contact_note(actor, ws, contact_id, _field(form, "text"))
        elif op == "merge":
            other = _field(form, "other", 64).strip()
            if not other:
                raise EngageError("inboxweb.empty", field="other")
            try:
                actions.merge_contacts(actor, ws, contact_id, other)
            except EngageError as exc:  # a mistyped id is the form's error, not a 404 page
                if exc.code != "inbox.unknown_contact" or other == contact_id:
                    raise
                raise EngageError("inboxweb.unknown_other", other=other[:64]) from exc
        else:
            raise WebError(404, "not_found")
    except SocialopsError as exc:
        return _again(request, actor, ws, cid, exc, {})
    key = {"tags": "tagged", "note": "contact_noted", "merge": "merged"}[op]
    return _to(ws, cid, key, _back_filters(form))
