"""The authorisation matrix: every role, an outsider (signed in, not a member) and an anonymous
caller against every API endpoint, expected to be allowed or denied as
:data:`socialops.web.permissions.MATRIX` says.

Allowed: 2xx, or a 4xx other than 401/403/404-unknown-workspace where the test did not bother to
make the request succeed. Denied: 403 ``forbidden`` for a member without the action, 404
``unknown_workspace`` for an outsider (the workspace is not revealed), 401 for an anonymous
caller. Every route under /api/v1 must have a row below: a new endpoint without one fails
:func:`test_every_api_route_has_a_row`.
"""

from __future__ import annotations

import io
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.routing import APIRoute
from PIL import Image
from sqlalchemy import text

from socialops.connectors.profiles import connect
from socialops.engage import conversations, replies, saved, teams
from socialops.engage.receive import Incoming, receive
from socialops.listen.topics import add_topic, list_topics
from socialops.publish.composer import compose
from socialops.web.permissions import ACTIONS, ROLES, allowed

WS = "/api/v1/workspaces/main"
ANON = "anonymous"
CALLERS = (*ROLES, "outsider", ANON)
USER = "signed-in"  # an endpoint about the caller: any signed-in user

# the request to make: (url, keyword arguments of httpx) for the caller ``who``
Make = Callable[[Any, str], tuple[str, dict[str, Any]]]


@dataclass(frozen=True)
class Row:
    action: str  # an ACTIONS key, or USER
    make: Make


def _fixed(url: str, **kw: Any) -> Make:
    return lambda web, who: (url, kw)


def _own_token(web: Any, who: str) -> tuple[str, dict[str, Any]]:
    """A token made for the purpose, revoked by its owner (anonymous: any id)."""
    if who == ANON:
        return "/api/v1/me/tokens/1", {}
    web.accounts.create_token(web.users[who].id, "to revoke")
    tid = web.accounts.tokens(web.users[who].id)[-1]["id"]
    return f"/api/v1/me/tokens/{tid}", {}


def _purpose_topic(web: Any, who: str) -> str:
    """A topic made for the purpose of being changed or removed."""
    name = f"authz-{who}-{uuid.uuid4().hex[:6]}"
    add_topic(web.app.state.services.workspace("main"), name, "authz", "brand")
    return name


def _topic_url(web: Any, who: str) -> tuple[str, dict[str, Any]]:
    return f"{WS}/topics/{_purpose_topic(web, who)}", {}


def _topic_patch(web: Any, who: str) -> tuple[str, dict[str, Any]]:
    return f"{WS}/topics/{_purpose_topic(web, who)}", {"json": {"kind": "campaign"}}


def _new_topic(web: Any, who: str) -> tuple[str, dict[str, Any]]:
    body = {"name": f"new-{who}-{uuid.uuid4().hex[:6]}", "query": "authz", "kind": "brand"}
    return f"{WS}/topics", {"json": body}


def _post_url(web: Any, who: str) -> tuple[str, dict[str, Any]]:
    item = web.call("owner", "GET", f"{WS}/posts", params={"per_page": 1}).json()["items"][0]
    return f"{WS}/posts/{item['platform']}/{item['post_id']}", {}


def _upload(web: Any, who: str) -> tuple[str, dict[str, Any]]:
    # not a readable file: allowed callers get 400 without an import or an enrichment
    return f"{WS}/imports", {"files": {"file": ("junk.csv", b"\x00\xff" * 64, "text/csv")}}


def _target(web: Any, member: bool) -> Any:
    """The user whose membership the member endpoints change (reset before every call)."""
    user = web.accounts.user_by_email("target@example.com") or web.accounts.add_user(
        "target@example.com", web.password
    )
    if member:
        web.accounts.set_member("main", user.id, "viewer")
    elif web.accounts.role_of(user.id, "main") is not None:
        web.accounts.remove_member("main", user.id)
    return user


def _member_add(web: Any, who: str) -> tuple[str, dict[str, Any]]:
    return f"{WS}/members", {"json": {"email": _target(web, False).email, "role": "agent"}}


def _member_role(web: Any, who: str) -> tuple[str, dict[str, Any]]:
    return f"{WS}/members/{_target(web, True).id}", {"json": {"role": "analyst"}}


def _member_remove(web: Any, who: str) -> tuple[str, dict[str, Any]]:
    return f"{WS}/members/{_target(web, True).id}", {}


def _invitation_add(web: Any, who: str) -> tuple[str, dict[str, Any]]:
    body = {"email": f"invitee-{uuid.uuid4().hex[:6]}@example.com", "role": "agent"}
    return f"{WS}/invitations", {"json": body}


def _invitation_token(web: Any, email: str) -> str:
    """A pending invitation of ``email`` to the workspace ``invites`` (made once, its owner a
    user made for it): its one-time token."""
    owner = web.accounts.user_by_email("inviter@example.com") or web.accounts.add_user(
        "inviter@example.com", web.password
    )
    if web.accounts.workspace_name("invites") is None:
        web.accounts.add_workspace("invites", "Invitations", owner.id)
    if web.accounts.role_of(web.accounts.user_by_email(email).id, "invites") is not None:
        web.accounts.remove_member("invites", web.accounts.user_by_email(email).id)
    token: str = web.accounts.invite("invites", email, "viewer", owner.id)[0]
    return token


def _invitation_revoke(web: Any, who: str) -> tuple[str, dict[str, Any]]:
    _, inv = web.accounts.invite(
        "main", f"revoke-{uuid.uuid4().hex[:6]}@example.com", "viewer", web.users["owner"].id
    )
    return f"{WS}/invitations/{inv.id}", {}


def _invitation_read(web: Any, who: str) -> tuple[str, dict[str, Any]]:
    return f"/api/v1/invitations/{_invitation_token(web, web.users['outsider'].email)}", {}


def _invitation_accept(web: Any, who: str) -> tuple[str, dict[str, Any]]:
    """An invitation of the caller's own e-mail (anonymous: anyone's)."""
    email = web.users["outsider" if who == ANON else who].email
    return f"/api/v1/invitations/{_invitation_token(web, email)}/accept", {}


def _new_workspace(web: Any, who: str) -> tuple[str, dict[str, Any]]:
    body = {"slug": f"ws-{uuid.uuid4().hex[:8]}", "name": f"Client of {who}"}
    return "/api/v1/workspaces", {"json": body}


def _plan_id(web: Any) -> str:
    """A new draft plan made for the purpose (from the product-launch template)."""
    from datetime import date

    from socialops.plan.service import create_from_template

    plan = create_from_template(
        web.app.state.services.workspace("main"),
        "product-launch",
        name=f"authz {uuid.uuid4().hex[:6]}",
        start=date(2026, 3, 1),
        end=date(2026, 3, 31),
        actor="owner@example.com",
    )
    return plan.plan_id


def _plan(suffix: str = "", **kw: Any) -> Make:
    return lambda web, who: (f"{WS}/plans/{_plan_id(web)}{suffix}", kw)


def _plan_put(web: Any, who: str) -> tuple[str, dict[str, Any]]:
    plan_id = _plan_id(web)
    doc = web.call("owner", "GET", f"{WS}/plans/{plan_id}").json()
    doc["brief_offer"] = f"changed by {who}"
    return f"{WS}/plans/{plan_id}", {"json": doc}


def _new_plan(web: Any, who: str) -> tuple[str, dict[str, Any]]:
    body = {
        "template": "product-launch",
        "name": f"new by {who}",
        "start": "2026-03-01",
        "end": "2026-03-31",
    }
    return f"{WS}/plans", {"json": body}


def _metrics_upload(web: Any, who: str) -> tuple[str, dict[str, Any]]:
    # not a readable file: allowed callers get 400 and nothing is imported
    files = {"file": ("junk.csv", b"\x00\xff" * 64, "text/csv")}
    return f"{WS}/metrics/imports", {"files": files, "data": {"preset": "post-metrics"}}


PLAN = "/api/v1/workspaces/{ws}/plans/{plan_id}"
PLAN_ROWS: dict[tuple[str, str], Row] = {
    ("GET", "/api/v1/plan-templates"): Row(USER, _fixed("/api/v1/plan-templates")),
    ("GET", "/api/v1/workspaces/{ws}/channels"): Row("view", _fixed(f"{WS}/channels")),
    ("GET", "/api/v1/workspaces/{ws}/plans"): Row("view", _fixed(f"{WS}/plans")),
    ("POST", "/api/v1/workspaces/{ws}/plans"): Row("plans.edit", _new_plan),
    ("GET", PLAN): Row("view", _plan()),
    ("PUT", PLAN): Row("plans.edit", _plan_put),
    ("DELETE", PLAN): Row("plans.edit", _plan()),
    ("POST", f"{PLAN}/transitions"): Row(
        "plans.edit", _plan("/transitions", json={"action": "submit"})
    ),
    ("GET", f"{PLAN}/actuals"): Row("view", _plan("/actuals")),
    ("GET", f"{PLAN}/recommendation"): Row("view", _plan("/recommendation")),
    ("GET", f"{PLAN}/calendar"): Row("view", _plan("/calendar")),
    ("GET", f"{PLAN}/export"): Row("view", _plan("/export", params={"format": "ics"})),
    ("POST", "/api/v1/workspaces/{ws}/metrics/imports"): Row("data.import", _metrics_upload),
    ("POST", f"{PLAN}/drafts"): Row("publish.draft", _plan("/drafts", json={})),
}

# -- publishing (issue 15): profiles and /publishing ---------------------------------------------
PUB = f"{WS}/publishing"


def _pub_ws(web: Any) -> Any:
    return web.app.state.services.workspace("main")


def _pub_profile(web: Any) -> str:
    """A manual profile made for the purpose (paused, removed or posted to)."""
    name = f"authz-{uuid.uuid4().hex[:6]}"
    connect(
        _pub_ws(web), name=name, platform="manual", settings={"platform": "naver-blog"}, secrets={}
    )
    return name


def _pub_post(web: Any, role: str = "owner", draft: bool = False) -> Any:
    """A post made for the purpose, as written by ``role`` (an agent's draft goes to review
    when scheduled, so every role allowed ``publish.draft`` may schedule or cancel it)."""
    _group, [post] = compose(
        _pub_ws(web),
        profiles=[_pub_profile(web)],
        text=f"authz {uuid.uuid4().hex[:6]}",
        at="2099-01-01T09:00",
        draft=draft,
        actor=f"{role}@example.com",
        role=role,
    )
    return post


def _pub_profile_url(suffix: str = "", **kw: Any) -> Make:
    return lambda web, who: (f"{WS}/profiles/{_pub_profile(web)}{suffix}", kw)


def _pub_draft(suffix: str, **kw: Any) -> Make:
    return lambda web, who: (f"{PUB}/posts/{_pub_post(web, 'agent', True).post_id}{suffix}", kw)


def _pub_scheduled(suffix: str, where: str = "posts", **kw: Any) -> Make:
    return lambda web, who: (f"{PUB}/{where}/{_pub_post(web).post_id}{suffix}", kw)


def _pub_review(web: Any, who: str) -> tuple[str, dict[str, Any]]:
    group = _pub_post(web, "analyst").group_id  # in review: the analyst may not publish directly
    return f"{PUB}/approvals/{group}/approve", {"json": {"comment": "ok"}}


def _pub_new_profile(web: Any, who: str) -> tuple[str, dict[str, Any]]:
    body = {"name": f"new-{uuid.uuid4().hex[:6]}", "platform": "manual"}
    return f"{WS}/profiles", {"json": {**body, "settings": {"platform": "kakaotalk"}}}


def _pub_compose(web: Any, who: str) -> tuple[str, dict[str, Any]]:
    body = {"profiles": [_pub_profile(web)], "text": "authz", "at": "2099-01-01T09:00"}
    return f"{PUB}/posts", {"json": body}


def _pub_media(web: Any, who: str) -> tuple[str, dict[str, Any]]:
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), "green").save(buf, "PNG")
    return f"{PUB}/media", {"files": {"file": ("a.png", buf.getvalue(), "image/png")}}


PUBLISHING_ROWS: dict[tuple[str, str], Row] = {
    ("GET", "/api/v1/workspaces/{ws}/profiles"): Row("view", _fixed(f"{WS}/profiles")),
    ("POST", "/api/v1/workspaces/{ws}/profiles"): Row("profiles.manage", _pub_new_profile),
    ("POST", "/api/v1/workspaces/{ws}/profiles/oauth"): Row(
        "profiles.manage", _fixed(f"{WS}/profiles/oauth", json={"platform": "x", "name": "o"})
    ),
    ("GET", "/api/v1/workspaces/{ws}/profiles/{name}"): Row("view", _pub_profile_url()),
    ("DELETE", "/api/v1/workspaces/{ws}/profiles/{name}"): Row(
        "profiles.manage", _pub_profile_url()
    ),
    ("POST", "/api/v1/workspaces/{ws}/profiles/{name}/{op}"): Row(
        "profiles.manage", _pub_profile_url("/pause")
    ),
    ("PUT", "/api/v1/workspaces/{ws}/profiles/{name}/slots"): Row(
        "profiles.manage",
        lambda web, who: (
            f"{WS}/profiles/{_pub_profile(web)}/slots",
            {"json": {"slots": ["화 12:30"]}},
        ),
    ),
    ("GET", "/api/v1/workspaces/{ws}/profiles/{name}/best-times"): Row(
        "view", _pub_profile_url("/best-times")
    ),
    ("POST", "/api/v1/workspaces/{ws}/publishing/pause-all"): Row(
        "profiles.manage", _fixed(f"{PUB}/pause-all")
    ),
    ("POST", "/api/v1/workspaces/{ws}/publishing/resume-all"): Row(
        "profiles.manage", _fixed(f"{PUB}/resume-all")
    ),
    ("GET", "/api/v1/workspaces/{ws}/publishing/posts"): Row("view", _fixed(f"{PUB}/posts")),
    ("POST", "/api/v1/workspaces/{ws}/publishing/posts"): Row("publish.draft", _pub_compose),
    ("POST", "/api/v1/workspaces/{ws}/publishing/preview"): Row(
        "publish.draft", lambda web, who: (f"{PUB}/preview", _pub_compose(web, who)[1])
    ),
    ("GET", "/api/v1/workspaces/{ws}/publishing/posts/{post_id}"): Row("view", _pub_scheduled("")),
    ("POST", "/api/v1/workspaces/{ws}/publishing/posts/{post_id}/schedule"): Row(
        "publish.draft", _pub_draft("/schedule", json={"at": "2099-01-02T09:00"})
    ),
    ("POST", "/api/v1/workspaces/{ws}/publishing/posts/{post_id}/publish-now"): Row(
        "publish.direct", _pub_scheduled("/publish-now")
    ),
    ("POST", "/api/v1/workspaces/{ws}/publishing/posts/{post_id}/cancel"): Row(
        "publish.draft", _pub_draft("/cancel")
    ),
    ("GET", "/api/v1/workspaces/{ws}/publishing/approvals"): Row(
        "view", _fixed(f"{PUB}/approvals")
    ),
    ("POST", "/api/v1/workspaces/{ws}/publishing/approvals/{group_id}/{decision}"): Row(
        "publish.approve", _pub_review
    ),
    ("GET", "/api/v1/workspaces/{ws}/publishing/tasks"): Row("view", _fixed(f"{PUB}/tasks")),
    # a scheduled post is no task: allowed callers get 409, the others 403/404/401 first
    ("POST", "/api/v1/workspaces/{ws}/publishing/tasks/{post_id}/confirm"): Row(
        "publish.draft",
        _pub_scheduled("/confirm", "tasks", json={"url": "https://blog.naver.com/a/1"}),
    ),
    ("POST", "/api/v1/workspaces/{ws}/publishing/media"): Row("publish.draft", _pub_media),
    ("GET", "/api/v1/workspaces/{ws}/publishing/media"): Row("view", _fixed(f"{PUB}/media")),
    ("GET", "/api/v1/workspaces/{ws}/publishing/watchdog"): Row("view", _fixed(f"{PUB}/watchdog")),
}


# -- the inbox (issue 16): conversations, cases, replies, contacts, saved replies, report -------
CONV = "/api/v1/workspaces/{ws}/conversations"
INBOX = f"{WS}/conversations"
TEAM = "authz-team"


def _inbox_db(web: Any) -> Any:
    db = web.app.state.services.workspace("main")
    if TEAM not in {t.name for t in teams.list_teams(db)}:
        teams.save_team(db, TEAM, [], ["agent@example.com"])
    return db


def _inbox_conv(web: Any, label: str = "권한고객") -> str:
    """A conversation made for the purpose: one customer message received through the real
    inbox path (masked, triaged, a case opened)."""
    key = f"authz-{uuid.uuid4().hex[:10]}"
    got = receive(
        _inbox_db(web),
        Incoming(
            source="import:authz",
            channel="kakao",
            thread_key=key,
            remote_id=key,
            author_handle=key,
            author_label=label,
            text="카드 결제가 안 되는데 확인 부탁드립니다",
        ),
    )
    return got.conversation_id


def _inbox_reply(web: Any, state: str) -> str:
    """A reply written by the agent on a fresh conversation, left in ``state``."""
    db = _inbox_db(web)
    r = replies.draft_reply(
        db, _inbox_conv(web), "확인해 보겠습니다", author="agent@example.com", role="agent"
    )
    with db.begin() as conn:
        conn.execute(
            text("UPDATE inbox_replies SET state = :s WHERE reply_id = :r"),
            {"s": state, "r": r.reply_id},
        )
    return r.reply_id


def _inbox_url(suffix: str = "", **kw: Any) -> Make:
    return lambda web, who: (f"{INBOX}/{_inbox_conv(web)}{suffix}", kw)


def _inbox_hide(web: Any, who: str) -> tuple[str, dict[str, Any]]:
    cid = _inbox_conv(web)
    [msg] = conversations.get_conversation(_inbox_db(web), cid).messages
    return f"{INBOX}/{cid}/messages/{msg['message_id']}/hide", {}


def _inbox_case(suffix: str = "", **kw: Any) -> Make:
    def make(web: Any, who: str) -> tuple[str, dict[str, Any]]:
        row = conversations.get_conversation(_inbox_db(web), _inbox_conv(web)).row
        return f"{WS}/cases/{row.case_id}{suffix}", kw

    return make


def _inbox_contact(web: Any) -> str:
    return conversations.get_conversation(_inbox_db(web), _inbox_conv(web)).row.contact_id


def _inbox_contact_url(suffix: str = "", **kw: Any) -> Make:
    return lambda web, who: (f"{WS}/contacts/{_inbox_contact(web)}{suffix}", kw)


def _inbox_merge(web: Any, who: str) -> tuple[str, dict[str, Any]]:
    keep, other = _inbox_contact(web), _inbox_contact(web)
    return f"{WS}/contacts/{keep}/merge", {"json": {"other": other}}


def _inbox_reply_op(op: str, state: str, **kw: Any) -> Make:
    return lambda web, who: (f"{WS}/replies/{_inbox_reply(web, state)}/{op}", kw)


def _inbox_saved(web: Any, who: str) -> tuple[str, dict[str, Any]]:
    found = saved.save_saved(
        _inbox_db(web), f"authz-{uuid.uuid4().hex[:6]}", "ko", "안녕하세요 {이름}님", "", "o@x"
    )
    return f"{WS}/saved-replies/{found.saved_id}", {}


def _inbox_new_saved(web: Any, who: str) -> tuple[str, dict[str, Any]]:
    body = {"name": f"new-{uuid.uuid4().hex[:6]}", "lang": "en", "text": "Hello {name}"}
    return f"{WS}/saved-replies", {"json": body}


INBOX_ROWS: dict[tuple[str, str], Row] = {
    ("GET", CONV): Row("view", _fixed(INBOX, params={"status": "new", "per_page": 5})),
    ("GET", CONV + "/{conversation_id}"): Row("view", _inbox_url()),
    ("GET", CONV + "/{conversation_id}/messages"): Row("view", _inbox_url("/messages")),
    ("POST", CONV + "/{conversation_id}/messages"): Row(
        "inbox.work", _inbox_url("/messages", json={"text": "확인해 보겠습니다"})
    ),
    ("POST", CONV + "/{conversation_id}/messages/{message_id}/hide"): Row(
        "inbox.manage", _inbox_hide
    ),
    # to the owner with a team: a manager's assignment for every caller
    ("POST", CONV + "/{conversation_id}/assign"): Row(
        "inbox.manage",
        _inbox_url("/assign", json={"assignee": "owner@example.com", "team": TEAM}),
    ),
    ("POST", CONV + "/{conversation_id}/presence"): Row(
        "inbox.work", _inbox_url("/presence", json={"state": "typing"})
    ),
    ("GET", CONV + "/{conversation_id}/presence"): Row("view", _inbox_url("/presence")),
    ("GET", "/api/v1/workspaces/{ws}/cases/{case_id}"): Row("view", _inbox_case()),
    ("POST", "/api/v1/workspaces/{ws}/cases/{case_id}/status"): Row(
        "inbox.work", _inbox_case("/status", json={"status": "waiting"})
    ),
    ("POST", "/api/v1/workspaces/{ws}/replies/{reply_id}/approve"): Row(
        "inbox.manage", _inbox_reply_op("approve", "pending_approval")
    ),
    ("POST", "/api/v1/workspaces/{ws}/replies/{reply_id}/reject"): Row(
        "inbox.manage", _inbox_reply_op("reject", "pending_approval", json={"reason": "톤"})
    ),
    ("POST", "/api/v1/workspaces/{ws}/replies/{reply_id}/retry"): Row(
        "inbox.work", _inbox_reply_op("retry", "failed")
    ),
    ("GET", "/api/v1/workspaces/{ws}/contacts/{contact_id}"): Row("view", _inbox_contact_url()),
    ("PUT", "/api/v1/workspaces/{ws}/contacts/{contact_id}/tags"): Row(
        "inbox.work", _inbox_contact_url("/tags", json={"tags": ["vip"]})
    ),
    ("POST", "/api/v1/workspaces/{ws}/contacts/{contact_id}/notes"): Row(
        "inbox.work", _inbox_contact_url("/notes", json={"text": "카드 재발급 안내함"})
    ),
    ("POST", "/api/v1/workspaces/{ws}/contacts/{contact_id}/merge"): Row(
        "inbox.manage", _inbox_merge
    ),
    ("GET", "/api/v1/workspaces/{ws}/saved-replies"): Row("view", _fixed(f"{WS}/saved-replies")),
    ("POST", "/api/v1/workspaces/{ws}/saved-replies"): Row("inbox.manage", _inbox_new_saved),
    ("DELETE", "/api/v1/workspaces/{ws}/saved-replies/{saved_id}"): Row(
        "inbox.manage", _inbox_saved
    ),
    ("GET", "/api/v1/workspaces/{ws}/inbox/report"): Row(
        "view", _fixed(f"{WS}/inbox/report", params={"format": "json"})
    ),
}


# -- measure and segments (issue 17) --------------------------------------------------------------
SEG = "/api/v1/workspaces/{ws}/segments"
MEAS = "/api/v1/workspaces/{ws}/measure"


def _junk_file(**data: str) -> Make:
    # not a readable file: allowed callers get 400 and nothing is kept
    files = {"file": ("junk.csv", b"\x00\xff" * 64, "text/csv")}
    return lambda web, who: ("", {"files": files, "data": data})


def _at(url: str, make: Make) -> Make:
    return lambda web, who: (url, make(web, who)[1])


def _segment(web: Any, flat: bool = False) -> str:
    """A segment made for the purpose (two customers with e-mails), deleted or exported;
    ``authz/<id>`` (a group, as ``segment rfm --save`` names them) unless ``flat``."""
    from socialops.segment.store import Member, save_segment

    name = f"authz-{uuid.uuid4().hex[:6]}" if flat else f"authz/{uuid.uuid4().hex[:6]}"
    members = [
        Member(f"c{i}", 0.5, {}, {"email": f"c{i}@example.com", "phone": "010-1234-567" + str(i)})
        for i in range(2)
    ]
    save_segment(_pub_ws(web), name, members, kind="manual", created_by="owner@example.com")
    return name


def _segment_url(suffix: str = "", flat: bool = False, **kw: Any) -> Make:
    return lambda web, who: (f"{WS}/segments/{_segment(web, flat)}{suffix}", kw)


MEASURE_ROWS: dict[tuple[str, str], Row] = {
    ("GET", f"{MEAS}/outcomes"): Row("measure.view", _fixed(f"{WS}/measure/outcomes")),
    # no outcome series 'authz' stored: allowed callers get a 4xx saying so
    ("POST", f"{MEAS}/effect"): Row(
        "measure.run",
        _fixed(
            f"{WS}/measure/effect",
            json={"metric": "authz", "start": "2026-03-01", "end": "2026-03-07"},
        ),
    ),
    ("POST", f"{MEAS}/abtest"): Row(
        "measure.run", _at(f"{WS}/measure/abtest", _junk_file(group_col="g", metric_col="m"))
    ),
    ("POST", f"{MEAS}/power"): Row(
        "measure.view", _fixed(f"{WS}/measure/power", json={"baseline": 0.05, "lift": 0.1})
    ),
    ("GET", f"{MEAS}/attribution"): Row("measure.view", _fixed(f"{WS}/measure/attribution")),
    ("POST", f"{MEAS}/attribution/touches"): Row(
        "measure.run", _at(f"{WS}/measure/attribution/touches", _junk_file(model="last"))
    ),
    ("POST", f"{MEAS}/mix"): Row(
        "measure.run",
        _at(f"{WS}/measure/mix", _junk_file(date_col="d", value_col="v", spend_cols="a,b")),
    ),
    ("GET", SEG): Row("measure.view", _fixed(f"{WS}/segments")),
    ("POST", f"{SEG}/rfm"): Row("segments.manage", _at(f"{WS}/segments/rfm", _junk_file())),
    ("POST", f"{SEG}/attributes"): Row(
        "segments.manage", _at(f"{WS}/segments/attributes", _junk_file(target="y"))
    ),
    ("GET", f"{SEG}/models"): Row("measure.view", _fixed(f"{WS}/segments/models")),
    ("POST", f"{SEG}/models"): Row(
        "segments.manage", _at(f"{WS}/segments/models", _junk_file(target="y"))
    ),
    # no model 'authz': allowed callers get 404 (the model), never unknown_workspace
    ("POST", f"{SEG}/models/{{name}}/score"): Row(
        "measure.run", _at(f"{WS}/segments/models/authz/score", _junk_file())
    ),
    ("GET", f"{SEG}/{{name}}"): Row("measure.view", _segment_url(flat=True)),
    ("DELETE", f"{SEG}/{{name}}"): Row("segments.manage", _segment_url(flat=True)),
    ("POST", f"{SEG}/{{name}}/audience"): Row(
        "audience.export", _segment_url("/audience", flat=True, params={"format": "google"})
    ),
    ("GET", f"{SEG}/{{group}}/{{name}}"): Row("measure.view", _segment_url()),
    ("DELETE", f"{SEG}/{{group}}/{{name}}"): Row("segments.manage", _segment_url()),
    ("POST", f"{SEG}/{{group}}/{{name}}/audience"): Row(
        "audience.export", _segment_url("/audience", params={"format": "meta"})
    ),
    ("GET", "/api/v1/workspaces/{ws}/audience/exports"): Row(
        "measure.view", _fixed(f"{WS}/audience/exports")
    ),
}


# -- scheduled reports (issue 17 item 8) --------------------------------------------------------
SCHED = "/api/v1/workspaces/{ws}/schedules"


def _schedule(suffix: str = "", **kw: Any) -> Make:
    """A schedule made for the purpose, on a plan that does not exist (a run is recorded as
    failed at once: nothing is built or sent)."""

    def make(web: Any, who: str) -> tuple[str, dict[str, Any]]:
        sid = "s" + uuid.uuid4().hex[:8]
        with _pub_ws(web).begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO report_schedules (schedule_id, kind, ref, cadence, weekday, "
                    "hour, zone, recipients, enabled, next_run_at, last_status, created_by, "
                    "created_at) VALUES (:id, 'plan', 'authz-none', 'weekly', 0, 9, "
                    "'Asia/Seoul', :to, 1, '2099-01-01T00:00:00.000000+00:00', '', 'authz', "
                    "'2026-01-01T00:00:00.000000+00:00')"
                ),
                {"id": sid, "to": '["owner@example.com"]'},
            )
        return f"{WS}/schedules/{sid}{suffix}", kw

    return make


SCHEDULE_ROWS: dict[tuple[str, str], Row] = {
    ("GET", SCHED): Row("view", _fixed(f"{WS}/schedules")),
    ("POST", SCHED): Row(
        "reports.schedule",
        _fixed(
            f"{WS}/schedules",
            json={"kind": "topic", "ref": "United", "recipients": ["owner@example.com"]},
        ),
    ),
    ("PATCH", f"{SCHED}/{{schedule_id}}"): Row(
        "reports.schedule", _schedule(json={"enabled": False})
    ),
    ("DELETE", f"{SCHED}/{{schedule_id}}"): Row("reports.schedule", _schedule()),
    ("POST", f"{SCHED}/{{schedule_id}}/run"): Row("reports.schedule", _schedule("/run")),
}


PRIV = "/api/v1/workspaces/{ws}"
NOBODY = {"handle": "twitter:authz_nobody"}  # held nowhere: allowed callers get 404 (the subject)
PRIVACY_ROWS: dict[tuple[str, str], Row] = {
    ("GET", f"{PRIV}/privacy"): Row("privacy.requests", _fixed(f"{WS}/privacy", params=NOBODY)),
    ("GET", f"{PRIV}/privacy/export"): Row(
        "privacy.requests", _fixed(f"{WS}/privacy/export", params=NOBODY)
    ),
    ("POST", f"{PRIV}/privacy/erase"): Row(
        "privacy.requests", _fixed(f"{WS}/privacy/erase", json={**NOBODY, "dry_run": True})
    ),
    ("GET", f"{PRIV}/retention"): Row("privacy.requests", _fixed(f"{WS}/retention")),
    # 0 days: no rule (nothing to apply in the shared workspace)
    ("PUT", f"{PRIV}/retention"): Row(
        "privacy.requests", _fixed(f"{WS}/retention", json={"kind": "quarantine", "days": 0})
    ),
}


ROWS: dict[tuple[str, str], Row] = {
    **PLAN_ROWS,
    **PRIVACY_ROWS,
    **SCHEDULE_ROWS,
    **PUBLISHING_ROWS,
    **INBOX_ROWS,
    **MEASURE_ROWS,
    ("GET", "/api/v1/me"): Row(USER, _fixed("/api/v1/me")),
    ("PATCH", "/api/v1/me"): Row(USER, _fixed("/api/v1/me", json={"lang": "ko"})),
    ("POST", "/api/v1/me/sign-out-everywhere"): Row(USER, _fixed("/api/v1/me/sign-out-everywhere")),
    ("GET", "/api/v1/me/tokens"): Row(USER, _fixed("/api/v1/me/tokens")),
    ("GET", "/api/v1/me/activity"): Row(USER, _fixed("/api/v1/me/activity")),
    ("GET", "/api/v1/invitations/{token}"): Row(USER, _invitation_read),
    ("POST", "/api/v1/invitations/{token}/accept"): Row(USER, _invitation_accept),
    ("POST", "/api/v1/me/tokens"): Row(USER, _fixed("/api/v1/me/tokens", json={"name": "authz"})),
    ("DELETE", "/api/v1/me/tokens/{token_id}"): Row(USER, _own_token),
    ("GET", "/api/v1/workspaces"): Row(USER, _fixed("/api/v1/workspaces")),
    ("GET", "/api/v1/workspaces/{ws}"): Row("view", _fixed(WS)),
    # creating a workspace: owners of main; deleting main is refused (400) even to its owner
    ("POST", "/api/v1/workspaces"): Row("members.manage", _new_workspace),
    ("DELETE", "/api/v1/workspaces/{ws}"): Row("workspace.delete", _fixed(WS)),
    ("GET", "/api/v1/workspaces/{ws}/topics"): Row("view", _fixed(f"{WS}/topics")),
    ("POST", "/api/v1/workspaces/{ws}/topics"): Row("topics.edit", _new_topic),
    ("GET", "/api/v1/workspaces/{ws}/topics/{name}"): Row("view", _fixed(f"{WS}/topics/United")),
    ("PATCH", "/api/v1/workspaces/{ws}/topics/{name}"): Row("topics.edit", _topic_patch),
    ("DELETE", "/api/v1/workspaces/{ws}/topics/{name}"): Row("topics.edit", _topic_url),
    ("GET", "/api/v1/workspaces/{ws}/listen/{analysis}"): Row(
        "view", _fixed(f"{WS}/listen/volume", params={"topic": "Virgin America"})
    ),
    ("GET", "/api/v1/workspaces/{ws}/posts"): Row(
        "view", _fixed(f"{WS}/posts", params={"q": "delayed", "per_page": 5})
    ),
    ("GET", "/api/v1/workspaces/{ws}/posts/{platform}/{post_id}"): Row("view", _post_url),
    ("GET", "/api/v1/workspaces/{ws}/imports"): Row("view", _fixed(f"{WS}/imports")),
    ("POST", "/api/v1/workspaces/{ws}/imports"): Row("data.import", _upload),
    ("GET", "/api/v1/workspaces/{ws}/quarantine"): Row("view", _fixed(f"{WS}/quarantine")),
    ("GET", "/api/v1/workspaces/{ws}/sample-data"): Row("view", _fixed(f"{WS}/sample-data")),
    ("POST", "/api/v1/workspaces/{ws}/imports/preview"): Row(
        "data.import", lambda web, who: (f"{WS}/imports/preview", _upload(web, who)[1])
    ),
    ("POST", "/api/v1/workspaces/{ws}/topics/preview"): Row(
        "view", _fixed(f"{WS}/topics/preview", json={"query": "united"})
    ),
    ("GET", "/api/v1/workspaces/{ws}/members"): Row("view", _fixed(f"{WS}/members")),
    ("POST", "/api/v1/workspaces/{ws}/members"): Row("members.manage", _member_add),
    ("PATCH", "/api/v1/workspaces/{ws}/members/{user_id}"): Row("members.manage", _member_role),
    ("DELETE", "/api/v1/workspaces/{ws}/members/{user_id}"): Row("members.manage", _member_remove),
    ("GET", "/api/v1/workspaces/{ws}/invitations"): Row(
        "members.manage", _fixed(f"{WS}/invitations")
    ),
    ("POST", "/api/v1/workspaces/{ws}/invitations"): Row("members.manage", _invitation_add),
    ("DELETE", "/api/v1/workspaces/{ws}/invitations/{invitation_id}"): Row(
        "members.manage", _invitation_revoke
    ),
    ("GET", "/api/v1/workspaces/{ws}/audit"): Row("audit.view", _fixed(f"{WS}/audit")),
}


def api_routes(app: Any) -> set[tuple[str, str]]:
    """Every (method, path) the application routes under /api/v1, in routers it includes too."""
    found: set[tuple[str, str]] = set()

    def walk(routes: list[Any]) -> None:
        for route in routes:
            if isinstance(route, APIRoute):
                if route.path.startswith("/api/v1"):
                    found.update((m, route.path) for m in route.methods)
            elif getattr(route, "original_router", None) is not None:  # FastAPI's included router
                walk(route.original_router.routes)

    walk(app.routes)
    return found


def schema_routes(app: Any) -> set[tuple[str, str]]:
    paths = app.openapi()["paths"]
    return {(m.upper(), p) for p, ops in paths.items() if p.startswith("/api/v1") for m in ops}


def test_every_api_route_has_a_row(web: Any) -> None:
    routes = api_routes(web.app) | schema_routes(web.app)
    assert len(routes) >= 24 and schema_routes(web.app) <= api_routes(web.app)
    missing = sorted(routes - set(ROWS))
    assert not missing, f"API routes without a row in the authorisation matrix: {missing}"
    stale = sorted(set(ROWS) - routes)
    assert not stale, f"rows for routes that do not exist: {stale}"
    for row in ROWS.values():
        assert row.action == USER or row.action in ACTIONS


def expected(action: str, who: str) -> str:
    if who == ANON:
        return "401"
    if action == USER:
        return "allow"
    if who == "outsider":
        return "404"
    return "allow" if allowed(who, action) else "403"


@pytest.mark.parametrize("who", CALLERS)
@pytest.mark.parametrize(
    ("method", "path"), sorted(ROWS), ids=[f"{m} {p}" for m, p in sorted(ROWS)]
)
def test_matrix(web: Any, method: str, path: str, who: str) -> None:
    row = ROWS[(method, path)]
    url, kw = row.make(web, who)
    r = web.call(None if who == ANON else who, method, url, **kw)
    want = expected(row.action, who)
    where = f"{who} {method} {url}: {r.status_code} {r.text[:300]}"
    body = r.json() if r.headers.get("content-type", "").startswith("application/json") else {}
    err = body.get("error") if isinstance(body, dict) else None  # a reply has "error": ""
    code = err.get("code") if isinstance(err, dict) else None
    if want == "allow":
        assert r.status_code < 500, where
        assert r.status_code not in (401, 403), where
        assert not (r.status_code == 404 and code == "unknown_workspace"), where
    elif want == "401":
        assert (r.status_code, code) == (401, "unauthenticated"), where
    elif want == "403":
        assert (r.status_code, code) == (403, "forbidden"), where
    else:
        assert (r.status_code, code) == (404, "unknown_workspace"), where


def test_allowed_calls_really_succeed(web: Any) -> None:
    """Spot checks that "allow" was more than "not denied": the members who may change things
    did change them."""
    _target(web, False)
    url, kw = _member_add(web, "owner")
    assert web.call("owner", "POST", url, **kw).status_code == 202  # an invitation
    url, _ = _invitation_accept(web, "analyst")
    assert web.call("analyst", "POST", url).json()["slug"] == "invites"
    assert web.accounts.role_of(web.users["analyst"].id, "invites") == "viewer"
    url, kw = _topic_patch(web, "analyst")
    r = web.call("analyst", "PATCH", url, **kw)
    assert r.status_code == 200 and r.json()["kind"] == "campaign"
    url, _ = _topic_url(web, "manager")
    assert web.call("manager", "DELETE", url).status_code == 200
    assert url.rsplit("/", 1)[1] not in [
        t.name for t in list_topics(web.app.state.services.workspace("main"))
    ]
    url, _ = _own_token(web, "viewer")
    assert web.call("viewer", "DELETE", url).status_code == 200
    url, kw = _upload(web, "analyst")
    r = web.call("analyst", "POST", url, **kw)
    assert r.status_code == 400 and r.json()["error"]["code"] == "sources.binary"


def test_inbox_allowed_calls_really_succeed(web: Any) -> None:
    """The inbox rows' allowed calls did what they say, with the ids the rows make."""
    db = _inbox_db(web)
    url, kw = _inbox_reply_op("approve", "pending_approval")(web, "manager")
    r = web.call("manager", "POST", url, **kw)
    assert r.status_code == 200 and r.json()["state"] == "queued", r.text
    url, kw = _inbox_url("/assign", json={"assignee": "owner@example.com", "team": TEAM})(
        web, "manager"
    )
    r = web.call("manager", "POST", url, **kw)
    assert r.status_code == 200 and (r.json()["assignee"], r.json()["team"]) == (
        "owner@example.com",
        TEAM,
    )
    r = web.call("manager", "POST", url, json={"team": "no such team"})
    assert r.status_code == 404 and r.json()["error"]["code"] == "inbox.unknown_team"
    url, kw = _inbox_merge(web, "owner")
    r = web.call("owner", "POST", url, **kw)
    assert r.status_code == 200, r.text
    keep = url.split("/contacts/")[1].split("/")[0]
    assert len(web.call("owner", "GET", f"{WS}/contacts/{keep}").json()["handles"]) == 2
    # an imported conversation's platform cannot hide: said plainly, nothing hidden
    url, _ = _inbox_hide(web, "owner")
    r = web.call("owner", "POST", url)
    assert r.status_code == 400 and r.json()["error"]["code"] == "inbox.moderation.unsupported"
    url, kw = _inbox_saved(web, "manager")
    assert web.call("manager", "DELETE", url).status_code == 200
    assert url.rsplit("/", 1)[1] not in {s.saved_id for s in saved.list_saved(db)}
    listed = web.call("viewer", "GET", INBOX, params={"per_page": 2}).json()
    assert listed["total"] >= 5 and len(listed["items"]) == 2 and listed["pages"] >= 3
