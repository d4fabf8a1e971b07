"""``socialops profiles …``: social profiles — connect (with the platform's own credentials,
checked first and stored encrypted), list (with what needs fixing), check, pause, resume, remove,
queue slots and best times (issue 15)."""

from __future__ import annotations

import sys
from typing import Any

import typer

from socialops.cli import common
from socialops.cli.publish_common import JSON, actor, open_ws, say, when
from socialops.i18n import default_lang, t
from socialops.store.workspace import Workspace

__all__ = ["OAUTH_PLATFORMS", "register"]

profiles_app = typer.Typer(
    help="Social profiles: connect, list, check, pause, resume, remove, slots, best times.",
    no_args_is_help=True,
)
connect_app = typer.Typer(help="Connect a profile of one platform.", no_args_is_help=True)

#: platforms connected with OAuth tokens (``--set`` settings, secrets as KEY=VALUE lines on stdin);
#: their connectors are imported only when one is connected (start-up time)
OAUTH_PLATFORMS: dict[str, str] = {
    "x": "X (Twitter) API v2, OAuth 2.0 user context",
    "facebook": "a Facebook Page, Graph API",
    "instagram": "an Instagram professional account, Graph API",
    "threads": "Threads API",
    "youtube": "YouTube Data API v3",
    "linkedin": "LinkedIn Posts API",
    "naver-cafe": "Naver Cafe write API (Naver Login OAuth 2.0)",
}


# -- profiles ------------------------------------------------------------------------------------
def _profile_json(p: Any) -> dict[str, Any]:
    d = p.to_dict()
    d["needs_reauth"] = p.status == "needs_reauth"
    d["limited"] = p.limited()
    return d


def _connected(ws: Workspace, profile: Any, as_json: bool) -> None:
    if as_json:
        common.print_json(_profile_json(profile))
    else:
        say(
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
    from socialops.connectors.profiles import connect

    if not given:
        common.err_console.print(t(missing_message, default_lang()), highlight=False)
        raise typer.Exit(2)
    secret = sys.stdin.readline().strip()
    ws = open_ws()
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
    as_json: bool = JSON,
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
    as_json: bool = JSON,
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
    as_json: bool = JSON,
) -> None:
    """A channel without a posting API: due posts become tasks for a person."""
    from socialops.connectors.manual import MANUAL_PLATFORMS
    from socialops.connectors.profiles import connect
    from socialops.errors import PublishError

    if platform not in MANUAL_PLATFORMS:
        raise PublishError(
            "profile.unknown_platform", platform=platform, known=sorted(MANUAL_PLATFORMS)
        )
    ws = open_ws()
    profile = connect(
        ws, name=name, platform="manual", settings={"platform": platform}, secrets={}, zone=zone
    )
    _connected(ws, profile, as_json)


def _hook_slug(ws: Workspace) -> str:
    """The web's name of the CLI's workspace: ``main`` for the home folder, else its folder
    under ``workspaces/`` (socialops.web.accounts)."""
    return ws.root.name if ws.root.parent.name == "workspaces" else "main"


def _connect_hook(
    platform: str, *, name: str, settings: dict[str, str], zone: str, as_json: bool
) -> None:
    """Create (or re-key) an inbound endpoint: fresh secrets, stored encrypted with the profile,
    printed once with the address to paste into the channel's settings."""
    from socialops.connectors.kakao import HOOK_HEADER, new_secret
    from socialops.connectors.profiles import connect

    ws = open_ws()
    secrets = {"secret": new_secret()}
    if platform == "webchat":
        secrets["signing_secret"] = new_secret()
    profile = connect(
        ws, name=name, platform=platform, settings=settings, secrets=secrets, zone=zone
    )
    out: dict[str, Any] = {
        "name": profile.name,
        "profile_id": profile.profile_id,
        "platform": platform,
        "url": f"/hooks/{platform}/{_hook_slug(ws)}/{profile.profile_id}",
        "header": HOOK_HEADER,
        "secret": secrets["secret"],
    }
    if platform == "webchat":
        from socialops.connectors.webchat import NONCE_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER

        out.update(
            signing_secret=secrets["signing_secret"],
            signature_header=SIGNATURE_HEADER,
            timestamp_header=TIMESTAMP_HEADER,
            nonce_header=NONCE_HEADER,
            origins=[o for o in settings.get("origins", "").split(",") if o],
        )
    if as_json:
        common.print_json(out)
        return
    say(
        "hook.cli.connected",
        platform=platform,
        url=out["url"],
        header=HOOK_HEADER,
        secret=out["secret"],
    )
    if platform == "webchat":
        say("hook.cli.signing", header=SIGNATURE_HEADER, secret=out["signing_secret"])


@connect_app.command("kakao")
def connect_kakao(
    name: str = typer.Option(..., "--name", help="The profile's name in socialops."),
    bot_id: str = typer.Option(
        "", "--bot-id", help="The Open Builder bot id: requests from another bot are refused."
    ),
    zone: str = typer.Option("Asia/Seoul", "--zone", help="The profile's time zone."),
    as_json: bool = JSON,
) -> None:
    """A KakaoTalk channel chatbot skill endpoint: prints the URL, header and secret to paste
    into the Open Builder skill settings (the secret is shown once)."""
    _connect_hook(
        "kakao",
        name=name,
        settings={"bot_id": bot_id} if bot_id else {},
        zone=zone,
        as_json=as_json,
    )


@connect_app.command("webchat")
def connect_webchat(
    name: str = typer.Option(..., "--name", help="The profile's name in socialops."),
    origins: list[str] = typer.Option(
        [], "--origin", help="A site whose pages may post, e.g. https://www.example.co.kr (repeat)."
    ),
    zone: str = typer.Option("Asia/Seoul", "--zone", help="The profile's time zone."),
    as_json: bool = JSON,
) -> None:
    """A web chat / contact-form endpoint: prints the URL, the widget's header and secret, and
    the signing secret for server-to-server posts (shown once)."""
    allowed = ",".join(o.strip().rstrip("/") for o in origins if o.strip())
    _connect_hook(
        "webchat",
        name=name,
        settings={"origins": allowed} if allowed else {},
        zone=zone,
        as_json=as_json,
    )


@profiles_app.command("list")
def profiles_list(as_json: bool = JSON) -> None:
    """Connected profiles, with what needs fixing."""
    from socialops.connectors.profiles import list_profiles, paused_all

    ws = open_ws()
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
        if p.limited():
            common.console.print(
                "  " + t("publish.cli.limited", lang).format(when=when(p.limited_until)),
                highlight=False,
            )
        if p.token_expires_at:
            common.console.print(
                "  " + t("publish.cli.token_expires", lang).format(when=when(p.token_expires_at)),
                highlight=False,
            )


@profiles_app.command("check")
def profiles_check(name: str = typer.Argument(...), as_json: bool = JSON) -> None:
    """Ask the platform who the profile's credentials are (marks it for re-authorisation when
    the platform refuses them)."""
    from socialops.connectors.core import ConnectorFailure
    from socialops.connectors.profiles import build_connector, get_profile, set_status
    from socialops.errors import PublishError

    ws = open_ws()
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
        say(
            "publish.cli.connected",
            name=profile.name,
            platform=profile.platform,
            handle=ident.handle,
        )


@profiles_app.command("pause")
def profiles_pause(
    name: str = typer.Argument(None, help="A profile (omit with --all)."),
    all_: bool = typer.Option(False, "--all", help="Pause every profile at once (a crisis)."),
    as_json: bool = JSON,
) -> None:
    """Stop publishing to a profile, or to all of them."""
    _switch(name, all_, True, as_json)


def _switch(name: str | None, all_: bool, paused: bool, as_json: bool) -> None:
    """Pause or resume one profile, or every one (the workspace switch)."""
    from socialops.connectors.profiles import pause_all, paused_all, set_paused

    ws = open_ws()
    if all_:
        pause_all(ws, paused, actor())
        if as_json:
            common.print_json({"paused_all": paused_all(ws)})
        else:
            say("publish.cli.paused_all" if paused else "publish.cli.resumed_all")
        return
    if not name:
        common.err_console.print(t("cli.publish_name_or_all", default_lang()), highlight=False)
        raise typer.Exit(2)
    profile = set_paused(ws, name, paused)
    if as_json:
        common.print_json({"name": profile.name, "paused": profile.paused})
    else:
        say("publish.cli.paused" if paused else "publish.cli.resumed", name=profile.name)


@profiles_app.command("resume")
def profiles_resume(
    name: str = typer.Argument(None, help="A profile (omit with --all)."),
    all_: bool = typer.Option(False, "--all", help="Resume after pause --all."),
    as_json: bool = JSON,
) -> None:
    """Publish to a paused profile again (or lift the pause of all)."""
    _switch(name, all_, False, as_json)


@profiles_app.command("remove")
def profiles_remove(name: str = typer.Argument(...), as_json: bool = JSON) -> None:
    """Remove a profile with nothing waiting to go out."""
    from socialops.connectors.profiles import remove

    profile = remove(open_ws(), name)
    if as_json:
        common.print_json({"removed": profile.name})
    else:
        say("publish.cli.removed", name=profile.name)


# -- OAuth platforms -----------------------------------------------------------------------------
def _pairs(lines: list[str], *, what: str) -> dict[str, str]:
    """``KEY=VALUE`` items (blank lines and ``#`` comments skipped) → a dict; a malformed item is
    a clear error naming the item's position, never its value (it may be a secret)."""
    from socialops.errors import PublishError

    out: dict[str, str] = {}
    for i, raw in enumerate(lines, 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.partition("=")
        if not sep or not key.strip():
            raise PublishError("publish.cli.bad_pair", what=what, line=i)
        out[key.strip()] = value.strip()
    return out


def _connect_oauth(
    platform: str,
    *,
    name: str,
    sets: list[str],
    secrets_stdin: bool,
    zone: str,
    slots: list[str],
    as_json: bool,
) -> None:
    from socialops.connectors.profiles import connect
    from socialops.connectors.registry import REGISTRY
    from socialops.errors import PublishError

    if not secrets_stdin:
        common.err_console.print(t("publish.cli.secrets_stdin", default_lang()), highlight=False)
        raise typer.Exit(2)
    cls = REGISTRY.get(platform)
    if cls is None:
        raise PublishError(
            "profile.unknown_platform", platform=platform, known=REGISTRY.platforms()
        )
    settings = _pairs(sets, what="--set")
    secrets = _pairs(sys.stdin.read().splitlines(), what="stdin")
    missing = [k for k in cls.secret_keys if not secrets.get(k)]
    if missing:
        raise PublishError("profile.missing_secrets", platform=platform, keys=missing)
    profile = connect(
        open_ws(),
        name=name,
        platform=platform,
        settings=settings,
        secrets=secrets,
        zone=zone,
        slots=slots or None,
    )
    _connected(open_ws(), profile, as_json)


def _oauth_command(platform: str, title: str) -> None:
    def command(
        name: str = typer.Option(..., "--name", help="The profile's name in socialops."),
        sets: list[str] = typer.Option(
            [], "--set", help="A setting KEY=VALUE (repeat), e.g. page_id=123."
        ),
        secrets_stdin: bool = typer.Option(
            False,
            "--secrets-stdin",
            help="Read the credentials as KEY=VALUE lines from standard input "
            "(access_token=…, refresh_token=…, client_id=…, client_secret=…, expires_at=…).",
        ),
        zone: str = typer.Option("Asia/Seoul", "--zone", help="The profile's time zone."),
        slots: list[str] = typer.Option(
            [], "--slot", help="A queue slot, e.g. 'tue 12:30' (repeat)."
        ),
        as_json: bool = JSON,
    ) -> None:
        _connect_oauth(
            platform,
            name=name,
            sets=sets,
            secrets_stdin=secrets_stdin,
            zone=zone,
            slots=slots,
            as_json=as_json,
        )

    command.__doc__ = (
        f"Connect {title}: credentials checked with the platform first, stored encrypted; "
        "a missing setting or credential is named in the error."
    )
    connect_app.command(platform)(command)


# -- slots and best times ------------------------------------------------------------------------
@profiles_app.command("slots")
def profiles_slots(
    name: str = typer.Argument(...),
    slots: list[str] = typer.Option(
        [], "--slot", help="A queue slot, e.g. 'tue 12:30' or '화 12:30' (repeat; replaces all)."
    ),
    clear: bool = typer.Option(False, "--clear", help="Remove every slot."),
    as_json: bool = JSON,
) -> None:
    """Show or set a profile's queue slots (in its time zone); the next free one is shown."""
    from socialops.connectors.profiles import get_profile
    from socialops.publish.besttime import next_slot, set_slots

    ws = open_ws()
    profile = get_profile(ws, name)
    if slots or clear:
        profile = set_slots(ws, name, [] if clear else slots)
    upcoming = next_slot(ws, profile.name)
    if as_json:
        common.print_json(
            {
                "profile": profile.name,
                "zone": profile.zone,
                "slots": profile.slots,
                "next_slot": upcoming.isoformat() if upcoming else None,
            }
        )
        return
    lang = default_lang()
    shown = ", ".join(profile.slots) or t("publish.cli.no_slots", lang)
    common.console.print(f"{profile.name} ({profile.zone}): {shown}", highlight=False)
    if upcoming is not None:
        say("publish.cli.next_slot", when=when(upcoming.isoformat()))


@profiles_app.command("best-times")
def profiles_best_times(
    name: str = typer.Argument(...),
    top: int = typer.Option(3, "--top", min=1, max=24, help="How many to show."),
    as_json: bool = JSON,
) -> None:
    """The weekdays and hours when this profile's posts got the most engagement."""
    from socialops.publish.besttime import best_times

    found = best_times(open_ws(), name, top=top)
    if as_json:
        common.print_json([b.to_dict() for b in found])
        return
    lang = default_lang()
    if not found:
        common.console.print(t("publish.cli.no_best_times", lang), highlight=False)
    for b in found:
        common.console.print(
            f"{t(f'publish.weekday.{b.weekday}', lang)} {b.hour:02d}:00\t{b.score:.1f}\t"
            f"{t('publish.cli.posts_n', lang).format(n=b.posts)}",
            highlight=False,
        )


def register(app: typer.Typer) -> None:
    """Adds ``profiles`` (with ``connect``) to ``app``."""
    for platform, title in OAUTH_PLATFORMS.items():
        _oauth_command(platform, title)
    profiles_app.add_typer(connect_app, name="connect")
    app.add_typer(profiles_app, name="profiles")
