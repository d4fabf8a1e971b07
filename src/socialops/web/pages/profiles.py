"""Social profiles in the web (``/w/{ws}/publishing/profiles``): the list with what needs
fixing, connect (a manual channel, Mastodon with an access token, Bluesky with an app
password: checked with the platform before anything is saved), check, pause, resume, remove,
and the crisis switch "pause all" / "resume all".

A secret typed into the connect form goes to the action and nowhere else: an error shows the
form again without it."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from socialops.connectors import profiles
from socialops.connectors.manual import MANUAL_PLATFORMS
from socialops.connectors.oauth_apps import OAUTH_APPS
from socialops.connectors.registry import REGISTRY
from socialops.errors import SocialopsError
from socialops.publish import besttime
from socialops.web.actions import publishing as actions
from socialops.web.actions.base import Actor
from socialops.web.auth import Access, WebError, lang_of, services_of
from socialops.web.pages.common import Slug, form_actor, to_login, view_access
from socialops.web.pages.publishing import done, pub_page
from socialops.web.responses import error_text

__all__ = ["CONNECTABLE", "connect_request", "router"]

router = APIRouter(include_in_schema=False)
#: the platforms the web connects, with their settings and their one secret
CONNECTABLE: dict[str, tuple[tuple[str, ...], str]] = {
    "manual": (("platform",), ""),
    "mastodon": (("instance",), "access_token"),
    "bluesky": (("service", "handle"), "app_password"),
}
Field = Annotated[str, Form(max_length=300)]
Secret = Annotated[str, Form(max_length=4000)]
Csrf = Annotated[str, Form(max_length=200)]


def connect_request(
    platform: str, fields: dict[str, str], secret: str
) -> tuple[dict[str, str], dict[str, str]]:
    """The settings and secrets of a profile of ``platform`` from a form's ``fields``."""
    keys, secret_key = CONNECTABLE[platform]
    settings = {k: fields.get(k, "").strip() for k in keys}
    if "instance" in settings:
        settings["instance"] = settings["instance"].rstrip("/")
    return settings, ({secret_key: secret.strip()} if secret_key else {})


def _profiles_page(request: Request, access: Access, status: int = 200, **ctx: Any) -> Response:
    db = services_of(request).workspace(access.workspace)
    ctx.setdefault("form", {"platform": "manual", "zone": "Asia/Seoul", "channel": "naver-blog"})
    found = profiles.list_profiles(db)
    timing = {
        p.name: {
            "best": besttime.best_times_detail(db, p.name),
            "next": besttime.next_slot(db, p.name),
        }
        for p in found
    }
    return pub_page(
        request,
        access,
        "profiles.html",
        "profiles",
        status,
        profiles=found,
        timing=timing,
        channels=sorted(MANUAL_PLATFORMS),
        platforms=list(CONNECTABLE),
        oauth_platforms=sorted(OAUTH_APPS),
        token_platforms=[p for p in REGISTRY.platforms() if p not in CONNECTABLE],
        **ctx,
    )


@router.get("/w/{ws}/publishing/profiles", response_class=HTMLResponse)
def profiles_page(request: Request, ws: Slug) -> Response:
    access = view_access(request, ws, "view")
    if access is None:
        return to_login()
    return _profiles_page(request, access)


@router.post("/w/{ws}/publishing/profiles", response_class=HTMLResponse)
def connect(
    request: Request,
    ws: Slug,
    name: Annotated[str, Form(max_length=100)] = "",
    platform: Annotated[str, Form(max_length=20)] = "manual",
    channel: Field = "",
    instance: Field = "",
    service: Field = "",
    handle: Field = "",
    zone: Annotated[str, Form(max_length=64)] = "Asia/Seoul",
    secret: Secret = "",
    csrf: Csrf = "",
) -> Response:
    actor = form_actor(request, csrf)
    access = actor.access(ws, actions.MANAGE)
    typed = {"name": name, "platform": platform, "channel": channel, "instance": instance}
    typed |= {"service": service, "handle": handle, "zone": zone}  # never the secret
    fields = {"platform": channel, "instance": instance, "service": service, "handle": handle}
    try:
        if platform not in CONNECTABLE:
            raise WebError(400, "bad_request", detail=platform)
        settings, secrets = connect_request(platform, fields, secret)
        actions.connect_profile(
            actor,
            ws,
            name=name,
            platform=platform,
            settings=settings,
            secrets=secrets,
            zone=zone.strip() or "Asia/Seoul",
        )
    except (SocialopsError, WebError) as exc:
        lang = lang_of(request)
        if isinstance(exc, WebError):
            status, message = exc.status, exc.message(lang)
        else:
            status, message = exc.http_status, error_text(exc, lang)
        return _profiles_page(request, access, status, form=typed, error={"message": message})
    return done(ws, "/profiles", "connected")


def _profile_change(request: Request, ws: str, csrf: str, change: Any, key: str) -> Response:
    actor: Actor = form_actor(request, csrf)
    access = actor.access(ws, "view")
    try:
        change(actor)
    except SocialopsError as exc:
        err = {"message": error_text(exc, lang_of(request))}
        return _profiles_page(request, access, exc.http_status, error=err)
    return done(ws, "/profiles", key)


@router.post("/w/{ws}/publishing/profiles/{name}/slots", response_class=HTMLResponse)
def set_slots(
    request: Request,
    ws: Slug,
    name: str,
    slots: Annotated[str, Form(max_length=1000)] = "",
    csrf: Csrf = "",
) -> Response:
    """A profile's queue slots, comma-separated (empty: none)."""
    chosen = [s.strip() for s in slots.split(",") if s.strip()]
    return _profile_change(
        request, ws, csrf, lambda actor: actions.set_slots(actor, ws, name, chosen), "slots"
    )


@router.post("/w/{ws}/publishing/profiles/{name}/{op}", response_class=HTMLResponse)
def profile_op(request: Request, ws: Slug, name: str, op: str, csrf: Csrf = "") -> Response:
    """Check, pause, resume or remove the profile ``name``."""
    ops = {
        "check": (actions.check_profile, "checked"),
        "pause": (actions.pause_profile, "paused"),
        "resume": (actions.resume_profile, "resumed"),
        "remove": (actions.remove_profile, "removed"),
    }
    if op not in ops:
        raise WebError(404, "not_found")
    fn, key = ops[op]
    return _profile_change(request, ws, csrf, lambda actor: fn(actor, ws, name), key)


@router.post("/w/{ws}/publishing/pause-all", response_class=HTMLResponse)
def pause_all(request: Request, ws: Slug, csrf: Csrf = "") -> Response:
    return _profile_change(
        request, ws, csrf, lambda actor: actions.pause_all(actor, ws), "paused_all"
    )


@router.post("/w/{ws}/publishing/resume-all", response_class=HTMLResponse)
def resume_all(request: Request, ws: Slug, csrf: Csrf = "") -> Response:
    return _profile_change(
        request, ws, csrf, lambda actor: actions.resume_all(actor, ws), "resumed_all"
    )
