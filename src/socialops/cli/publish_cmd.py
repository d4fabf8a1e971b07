"""``socialops profiles …``, ``socialops post …`` and ``socialops worker``: social profiles, the
publish queue and the worker that sends it (issue 15)."""

from __future__ import annotations

import getpass
import sys
from typing import Any

import typer

from socialops.cli import common
from socialops.i18n import default_lang, t
from socialops.store.workspace import Workspace

__all__ = ["register"]

profiles_app = typer.Typer(
    help="Social profiles: connect, list, check, pause, resume, remove.", no_args_is_help=True
)
connect_app = typer.Typer(help="Connect a profile of one platform.", no_args_is_help=True)
post_app = typer.Typer(
    help="Posts to publish: new, list, show, publish-now, cancel, confirm.", no_args_is_help=True
)
_JSON = typer.Option(False, "--json", help="Print JSON.")


def _ws() -> Workspace:
    return Workspace.open(common.state.workspace)


def _say(key: str, **params: Any) -> None:
    from socialops.i18n import render

    common.console.print(render(key, default_lang(), params), highlight=False)


def _when(value: str | None) -> str:
    """A stored UTC time as the reader sees it: in the ``timezone`` setting (Asia/Seoul)."""
    from socialops import settings
    from socialops.i18n import fmt_time

    return fmt_time(value, settings.default_timezone().key, default_lang())


def _actor() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "cli"


# -- profiles ------------------------------------------------------------------------------------
def _profile_json(p: Any) -> dict[str, Any]:
    d = p.to_dict()
    d["needs_reauth"] = p.status == "needs_reauth"
    return d


def _connected(ws: Workspace, profile: Any, as_json: bool) -> None:
    if as_json:
        common.print_json(_profile_json(profile))
    else:
        _say(
            "publish.cli.connected",
            name=profile.name,
            platform=profile.platform,
            handle=profile.handle,
        )


def _connect_with_stdin_secret(
    *,
    name: str,
    platform: str,
    settings: dict[str, str],
    secret_key: str,
    given: bool,
    missing_message: str,
    zone: str,
    as_json: bool,
) -> None:
    """Read a profile's secret from standard input (never a flag: it would stay in the shell's
    history and the process list), connect the profile and report it."""
    from socialops.publish.profiles import connect

    if not given:
        common.err_console.print(t(missing_message, default_lang()), highlight=False)
        raise typer.Exit(2)
    secret = sys.stdin.readline().strip()
    ws = _ws()
    profile = connect(
        ws,
        name=name,
        platform=platform,
        settings=settings,
        secrets={secret_key: secret},
        zone=zone,
    )
    _connected(ws, profile, as_json)


@connect_app.command("bluesky")
def connect_bluesky(
    name: str = typer.Option(..., "--name", help="The profile's name in socialops."),
    service: str = typer.Option(..., "--service", help="The PDS URL, e.g. https://bsky.social."),
    handle: str = typer.Option(..., "--handle", help="The account's handle."),
    app_password_stdin: bool = typer.Option(
        False, "--app-password-stdin", help="Read the app password from standard input."
    ),
    zone: str = typer.Option("Asia/Seoul", "--zone", help="The profile's time zone."),
    as_json: bool = _JSON,
) -> None:
    """Connect a Bluesky account with an app password (checked with the server first)."""
    _connect_with_stdin_secret(
        name=name,
        platform="bluesky",
        settings={"service": service, "handle": handle},
        secret_key="app_password",
        given=app_password_stdin,
        missing_message="publish.cli.password_stdin",
        zone=zone,
        as_json=as_json,
    )


@connect_app.command("mastodon")
def connect_mastodon(
    name: str = typer.Option(..., "--name", help="The profile's name in socialops."),
    instance: str = typer.Option(
        ..., "--instance", help="The instance's URL, e.g. https://mastodon.social."
    ),
    access_token_stdin: bool = typer.Option(
        False, "--access-token-stdin", help="Read the access token from standard input."
    ),
    zone: str = typer.Option("Asia/Seoul", "--zone", help="The profile's time zone."),
    as_json: bool = _JSON,
) -> None:
    """Connect a Mastodon account with an access token (checked with the instance first)."""
    _connect_with_stdin_secret(
        name=name,
        platform="mastodon",
        settings={"instance": instance.rstrip("/")},
        secret_key="access_token",
        given=access_token_stdin,
        missing_message="publish.cli.token_stdin",
        zone=zone,
        as_json=as_json,
    )


@connect_app.command("manual")
def connect_manual(
    name: str = typer.Option(..., "--name", help="The profile's name in socialops."),
    platform: str = typer.Option(
        ..., "--platform", help="naver-blog, kakaotalk, instagram, naver-cafe or community."
    ),
    zone: str = typer.Option("Asia/Seoul", "--zone", help="The profile's time zone."),
    as_json: bool = _JSON,
) -> None:
    """A channel without a posting API: due posts become tasks for a person."""
    from socialops.connectors.manual import MANUAL_PLATFORMS
    from socialops.errors import PublishError
    from socialops.publish.profiles import connect

    if platform not in MANUAL_PLATFORMS:
        raise PublishError(
            "profile.unknown_platform", platform=platform, known=sorted(MANUAL_PLATFORMS)
        )
    ws = _ws()
    profile = connect(
        ws, name=name, platform="manual", settings={"platform": platform}, secrets={}, zone=zone
    )
    _connected(ws, profile, as_json)


@profiles_app.command("list")
def profiles_list(as_json: bool = _JSON) -> None:
    """Connected profiles, with what needs fixing."""
    from socialops.publish.profiles import list_profiles, paused_all

    ws = _ws()
    profiles = list_profiles(ws)
    if as_json:
        common.print_json(
            {"paused_all": paused_all(ws), "profiles": [_profile_json(p) for p in profiles]}
        )
        return
    lang = default_lang()
    if paused_all(ws):
        common.console.print(t("publish.paused_all", lang), highlight=False)
    if not profiles:
        common.console.print(t("publish.cli.no_profiles", lang), highlight=False)
        return
    for p in profiles:
        status = t(f"profile.status.{p.status}", lang)
        extra = f" · {t('profile.paused', lang)}" if p.paused else ""
        common.console.print(
            f"{p.name}\t{p.platform}\t{p.handle}\t{status}{extra}", highlight=False
        )
        if p.status == "needs_reauth":
            common.console.print("  " + t("profile.needs_reauth", lang), highlight=False)


@profiles_app.command("check")
def profiles_check(name: str = typer.Argument(...), as_json: bool = _JSON) -> None:
    """Ask the platform who the profile's credentials are (marks it for re-authorisation when
    the platform refuses them)."""
    from socialops.connectors.core import ConnectorFailure
    from socialops.errors import PublishError
    from socialops.publish.profiles import build_connector, get_profile, set_status

    ws = _ws()
    profile = get_profile(ws, name)
    try:
        ident = build_connector(ws, profile).check()
    except ConnectorFailure as exc:
        res = exc.resolution
        if res.action == "disconnect":
            set_status(ws, profile.profile_id, "needs_reauth", res.detail)
        raise PublishError(f"publish.reason.{res.code}", detail=res.detail) from exc
    set_status(ws, profile.profile_id, "active")
    if as_json:
        common.print_json(
            {"name": profile.name, "account_id": ident.account_id, "handle": ident.handle}
        )
    else:
        _say(
            "publish.cli.connected",
            name=profile.name,
            platform=profile.platform,
            handle=ident.handle,
        )


@profiles_app.command("pause")
def profiles_pause(
    name: str = typer.Argument(None, help="A profile (omit with --all)."),
    all_: bool = typer.Option(False, "--all", help="Pause every profile at once (a crisis)."),
) -> None:
    """Stop publishing to a profile, or to all of them."""
    from socialops.publish.profiles import pause_all, set_paused

    ws = _ws()
    if all_:
        pause_all(ws, True, _actor())
        _say("publish.cli.paused_all")
        return
    set_paused(ws, name, True)
    _say("publish.cli.paused", name=name)


@profiles_app.command("resume")
def profiles_resume(
    name: str = typer.Argument(None, help="A profile (omit with --all)."),
    all_: bool = typer.Option(False, "--all", help="Resume after pause --all."),
) -> None:
    """Publish to a paused profile again (or lift the pause of all)."""
    from socialops.publish.profiles import pause_all, set_paused

    ws = _ws()
    if all_:
        pause_all(ws, False, _actor())
        _say("publish.cli.resumed_all")
        return
    set_paused(ws, name, False)
    _say("publish.cli.resumed", name=name)


@profiles_app.command("remove")
def profiles_remove(name: str = typer.Argument(...), as_json: bool = _JSON) -> None:
    """Remove a profile with nothing waiting to go out."""
    from socialops.publish.profiles import remove

    profile = remove(_ws(), name)
    if as_json:
        common.print_json({"removed": profile.name})
    else:
        _say("publish.cli.removed", name=profile.name)


# -- posts ---------------------------------------------------------------------------------------
@post_app.command("new")
def post_new(
    profile: list[str] = typer.Option(..., "--profile", help="A profile (repeat for several)."),
    text_: str = typer.Option(..., "--text", help="The post's text."),
    at: str = typer.Option(
        None, "--at", help="When (ISO; without an offset in the profile's zone)."
    ),
    media: list[str] = typer.Option(
        [], "--media", help="An image file (repeat; each needs --alt)."
    ),
    alt: list[str] = typer.Option([], "--alt", help="Alt text of each --media, in order."),
    plan: str = typer.Option(None, "--plan", help="The plan this post belongs to."),
    as_json: bool = _JSON,
) -> None:
    """Queue one post per profile (one group); due now without --at."""
    import mimetypes

    from socialops.connectors.core import Media
    from socialops.publish.queue import new_posts

    files = [
        Media(path=m, alt=alt[i] if i < len(alt) else "", mime=mimetypes.guess_type(m)[0] or "")
        for i, m in enumerate(media)
    ]
    group, posts = new_posts(
        _ws(), profiles=profile, text_=text_, at=at, media=files, plan_id=plan, actor=_actor()
    )
    if as_json:
        common.print_json(
            {
                "group_id": group,
                "posts": [
                    {"post_id": p.post_id, "profile": p.profile, "state": p.state} for p in posts
                ],
            }
        )
        return
    _say("publish.cli.queued", count=len(posts), group_id=group)
    for p in posts:
        common.console.print(f"{p.post_id}\t{p.profile}\t{_when(p.due_at)}", highlight=False)


def _post_json(p: Any) -> dict[str, Any]:
    return {
        "post_id": p.post_id,
        "group_id": p.group_id,
        "profile": p.profile,
        "platform": p.platform,
        "state": p.state,
        "due_at": p.due_at,
        "remote_id": p.remote_id,
        "url": p.url,
        "attempts": p.attempts,
        "reason": p.reason_code,
        "plan_id": p.plan_id,
        "text": p.text,
    }


@post_app.command("list")
def post_list(
    state: str = typer.Option(None, "--state", help="Only posts in this state."),
    as_json: bool = _JSON,
) -> None:
    """The publish queue."""
    from socialops.publish.queue import list_posts

    posts = list_posts(_ws(), state)
    if as_json:
        common.print_json([_post_json(p) for p in posts])
        return
    lang = default_lang()
    if not posts:
        common.console.print(t("publish.cli.no_posts", lang), highlight=False)
    for p in posts:
        common.console.print(
            f"{p.post_id}\t{p.profile}\t{t(f'publish.state.{p.state}', lang)}\t"
            f"{_when(p.due_at)}\t{p.url}",
            highlight=False,
        )


@post_app.command("show")
def post_show(post_id: str = typer.Argument(...), as_json: bool = _JSON) -> None:
    """One post, with every attempt at it."""
    from socialops.publish.queue import attempts, get_post

    ws = _ws()
    p = get_post(ws, post_id)
    data = {**_post_json(p), "attempts_log": attempts(ws, post_id)}
    if as_json:
        common.print_json(data)
        return
    lang = default_lang()
    common.console.print(
        f"{p.post_id} · {p.profile} · {t(f'publish.state.{p.state}', lang)}", highlight=False
    )
    common.console.print(p.text, highlight=False, markup=False)
    if p.url:
        common.console.print(p.url, highlight=False)
    for a in data["attempts_log"]:
        common.console.print(
            f"  {a['at']}  {a['action']}  {a['code']}  {a['detail']}", highlight=False, markup=False
        )


def _one(fn_name: str, post_id: str, as_json: bool, **kw: Any) -> None:
    from socialops.publish import queue

    p = getattr(queue, fn_name)(_ws(), post_id, **kw)
    if as_json:
        common.print_json(_post_json(p))
    else:
        common.console.print(
            f"{p.post_id}\t{t(f'publish.state.{p.state}', default_lang())}", highlight=False
        )


@post_app.command("publish-now")
def post_publish_now(post_id: str = typer.Argument(...), as_json: bool = _JSON) -> None:
    """Make a post due now (the worker sends it)."""
    _one("publish_now", post_id, as_json)


@post_app.command("cancel")
def post_cancel(post_id: str = typer.Argument(...), as_json: bool = _JSON) -> None:
    """Cancel a post that has not gone out."""
    _one("cancel", post_id, as_json)


@post_app.command("confirm")
def post_confirm(
    post_id: str = typer.Argument(...),
    url: str = typer.Option(..., "--url", help="Where the post was published by hand."),
    as_json: bool = _JSON,
) -> None:
    """A manual task done: the post is published at URL."""
    _one("confirm_task", post_id, as_json, url=url)


def worker(
    until_idle: bool = typer.Option(
        False, "--until-idle", help="Publish what is due now, then exit when nothing due is left."
    ),
    poll: float = typer.Option(5.0, "--poll", help="Seconds between looks at the queue."),
    as_json: bool = _JSON,
) -> None:
    """Publish due posts, exactly once (runs until stopped; see --until-idle)."""
    from socialops.publish.worker import run_worker

    result = run_worker(_ws(), until_idle=until_idle, poll_s=poll)
    if as_json:
        common.print_json(result.to_dict())
        return
    if result.paused:
        common.console.print(t("publish.paused_all", default_lang()), highlight=False)
    _say(
        "publish.cli.worker_done",
        **{k: v for k, v in result.to_dict().items() if isinstance(v, int)},
    )


def register(app: typer.Typer) -> None:
    """Adds ``profiles``, ``post`` and ``worker`` to ``app``."""
    profiles_app.add_typer(connect_app, name="connect")
    app.add_typer(profiles_app, name="profiles")
    app.add_typer(post_app, name="post")
    app.command("worker")(worker)
