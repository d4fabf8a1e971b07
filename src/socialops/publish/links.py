"""First-party short links: ``<public base URL>/l/<code>`` → the landing URL with UTM tags.

A post's link goes out as a short link of our own, so every click is counted here (no third-party
shortener sees the audience) and the landing page still gets the campaign's UTM tags:

- with a plan, the tags are the plan's scheme (:func:`socialops.plan.utm.build_link`:
  ``utm_source``/``utm_medium`` for the profile's channel, ``utm_campaign``) and ``utm_content``
  is the post group;
- without a plan, ``utm_source=<platform>&utm_medium=social`` (and ``utm_content``).

Codes are 8 URL-safe characters from :mod:`secrets` (48 random bits): not guessable in practice,
not sequential. Only ``http``/``https`` targets are kept, so a short link can never become an
open redirect to ``javascript:`` or ``data:``.

A click (:func:`follow`) is counted in ``short_links.clicks`` and logged in ``link_clicks`` with
the referring host only: no IP address, no user agent, no full referrer (PIPA: the minimum).
Link-preview fetchers of the platforms (facebookexternalhit, Twitterbot, Slackbot,
kakaotalk-scrap, Bluesky's Cardyb, Mastodon servers ...) are logged as ``bot=1`` and not counted.
The public base URL is the setting ``public_url`` when the settings table has one, else
``http://127.0.0.1:8000`` (where ``socialops serve`` listens by default)."""

from __future__ import annotations

import re
import secrets
from dataclasses import asdict, dataclass
from typing import Any
from urllib.parse import quote, unquote_plus, urlsplit, urlunsplit

from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from socialops import settings
from socialops.connectors.profiles import now_iso
from socialops.domain.plan import validate_utm_value
from socialops.errors import PlanError, PublishError
from socialops.plan.store import PlanStore
from socialops.plan.utm import DEFAULT_MEDIUM, build_link, slugify
from socialops.store.workspace import Workspace

__all__ = [
    "CODE_CHARS",
    "ShortLink",
    "check_target",
    "create_link",
    "follow",
    "get_link",
    "is_bot",
    "link_stats",
    "new_code",
    "public_base",
    "short_url",
]

CODE_CHARS = 8
DEFAULT_BASE = "http://127.0.0.1:8000"
_CODE = re.compile(r"^[A-Za-z0-9_-]{7,64}$")
# the platforms' link-preview fetchers and the usual crawlers (matched case-insensitively)
_BOTS = re.compile(
    r"facebookexternalhit|facebot|twitterbot|slackbot|slack-imgproxy|kakaotalk-scrap|"
    r"cardyb|mastodon|discordbot|telegrambot|linkedinbot|whatsapp|pinterestbot|"
    r"googlebot|bingbot|yeti|daumoa|applebot|embedly|crawler|spider|"
    r"[a-z]bot/|\bbot\b|\+https?://",
    re.IGNORECASE,
)
_COLUMNS = "code, target, group_id, plan_id, plan_item_id, clicks, created_by, created_at"


@dataclass(frozen=True)
class ShortLink:
    code: str
    target: str  # the landing URL with its UTM tags
    url_path: str  # "/l/<code>"
    clicks: int  # people, not link-preview fetchers
    group_id: str | None = None
    plan_id: str | None = None
    plan_item_id: str | None = None
    created_by: str = ""
    created_at: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _row(r: Any) -> ShortLink:
    return ShortLink(
        code=r[0],
        target=r[1],
        url_path=f"/l/{r[0]}",
        clicks=int(r[5]),
        group_id=r[2],
        plan_id=r[3],
        plan_item_id=r[4],
        created_by=r[6],
        created_at=r[7],
    )


def public_base() -> str:
    """The address people reach this server at (``public_url`` setting, else the default)."""
    if "public_url" in settings.SETTINGS:
        value = settings.get("public_url").strip().rstrip("/")
        if value:
            return value
    return DEFAULT_BASE


def short_url(code: str) -> str:
    return f"{public_base()}/l/{code}"


def new_code() -> str:
    """A fresh, unguessable code (8 URL-safe characters)."""
    return secrets.token_urlsafe(6)


def check_target(url: str) -> str:
    """``url`` when it is an absolute ``http``/``https`` address, else ``link.bad_target``."""
    url = url.strip()
    parts = urlsplit(url)
    if (
        parts.scheme.lower() not in ("http", "https")
        or not parts.hostname
        or any(ch.isspace() or ord(ch) < 32 for ch in url)
    ):
        raise PublishError("link.bad_target", url=url[:80])
    return url


def _tag(url: str, values: dict[str, str], *, drop_all: bool) -> str:
    """``url`` with ``values`` as its UTM parameters (the rest of the URL kept as written);
    ``drop_all`` removes every other ``utm_*`` first, as the plan's builder does."""
    for key, value in values.items():
        try:
            validate_utm_value(value, key)
        except PlanError as exc:
            raise PublishError("link.bad_utm", field=key, value=value[:40]) from exc
    parts = urlsplit(url)

    def stale(pair: str) -> bool:
        key = unquote_plus(pair.split("=", 1)[0]).strip().lower()
        return key in values or (drop_all and key.startswith("utm_"))

    kept = [p for p in parts.query.split("&") if p and not stale(p)]
    added = [f"{k}={quote(v, safe='')}" for k, v in values.items()]
    return urlunsplit(
        (parts.scheme, parts.netloc, parts.path, "&".join([*kept, *added]), parts.fragment)
    )


def _tagged(
    ws: Workspace,
    url: str,
    *,
    plan_id: str | None,
    group_id: str | None,
    source: str,
    medium: str,
    campaign: str,
) -> str:
    content = slugify(group_id) if group_id else None
    if plan_id:
        plan = PlanStore(ws).get(plan_id)
        try:
            tagged = build_link(url, plan, source or DEFAULT_MEDIUM, content=content)
        except PlanError as exc:
            raise PublishError("link.bad_utm", field="utm", value=str(exc)[:40]) from exc
        overrides = {"utm_medium": medium} if medium else {}
        if campaign:
            overrides["utm_campaign"] = campaign
        return _tag(tagged, overrides, drop_all=False) if overrides else tagged
    values = {"utm_source": source or DEFAULT_MEDIUM, "utm_medium": medium or DEFAULT_MEDIUM}
    if campaign:
        values["utm_campaign"] = campaign
    if content:
        values["utm_content"] = content
    return _tag(url, values, drop_all=True)


def create_link(
    ws: Workspace,
    target: str,
    *,
    plan_id: str | None = None,
    plan_item_id: str | None = None,
    group_id: str | None = None,
    source: str = "",
    medium: str = "",
    campaign: str = "",
    actor: str = "",
    code: str | None = None,
) -> ShortLink:
    """A short link to ``target`` tagged with UTM (see the module's notes). ``source`` is the
    channel of the plan (``instagram``, ``naver_blog``) or the platform the link is posted on;
    ``medium`` and ``campaign`` replace the plan's values when given. ``code``: one made by
    :func:`new_code` beforehand (the composer counts the short URL's length with it)."""
    url = _tagged(
        ws,
        check_target(target),
        plan_id=plan_id,
        group_id=group_id,
        source=source.strip().lower(),
        medium=medium.strip().lower(),
        campaign=campaign.strip().lower(),
    )
    for attempt in range(5):
        chosen = code if code and attempt == 0 else new_code()
        try:
            with ws.begin() as conn:
                conn.execute(
                    text(
                        f"INSERT INTO short_links ({_COLUMNS}) VALUES (:c, :t, :g, :p, :i, 0, "
                        ":by, :now)"
                    ),
                    {
                        "c": chosen,
                        "t": url,
                        "g": group_id,
                        "p": plan_id,
                        "i": plan_item_id,
                        "by": actor,
                        "now": now_iso(),
                    },
                )
        except IntegrityError:
            continue  # a code taken already (about never): draw another
        return get_link(ws, chosen)
    raise PublishError("link.unknown", link=code or "")  # pragma: no cover - 5 collisions


def get_link(ws: Workspace, code: str) -> ShortLink:
    with ws.connect() as conn:
        r = conn.execute(
            text(f"SELECT {_COLUMNS} FROM short_links WHERE code = :c"), {"c": code}
        ).fetchone()
    if r is None:
        raise PublishError("link.unknown", link=code[:64])
    return _row(r)


def is_bot(user_agent: str) -> bool:
    """A platform's link-preview fetcher or a crawler, by its user agent."""
    return bool(user_agent) and _BOTS.search(user_agent) is not None


def _host(referrer: str) -> str:
    try:
        host = urlsplit(referrer.strip()).hostname or ""
    except ValueError:
        return ""
    return host.lower()[:253]


def follow(ws: Workspace, code: str, *, referrer: str = "", user_agent: str = "") -> str | None:
    """The target of ``code`` (``None``: no such link), the visit logged: the referring host
    only, and a click counted unless a link-preview fetcher or crawler asked."""
    if not _CODE.match(code or ""):
        return None
    bot = is_bot(user_agent)
    with ws.begin() as conn:
        target = conn.execute(
            text("SELECT target FROM short_links WHERE code = :c"), {"c": code}
        ).scalar()
        if target is None:
            return None
        conn.execute(
            text("INSERT INTO link_clicks (code, at, referrer_host, bot) VALUES (:c, :at, :h, :b)"),
            {"c": code, "at": now_iso(), "h": _host(referrer), "b": int(bot)},
        )
        if not bot:
            conn.execute(
                text("UPDATE short_links SET clicks = clicks + 1 WHERE code = :c"), {"c": code}
            )
    return check_target(str(target))


def link_stats(ws: Workspace, *, plan_id: str | None = None) -> list[ShortLink]:
    """Every short link (of one plan), most clicked first."""
    sql = f"SELECT {_COLUMNS} FROM short_links"
    params: dict[str, Any] = {}
    if plan_id:
        sql += " WHERE plan_id = :p"
        params["p"] = plan_id
    with ws.connect() as conn:
        rows = conn.execute(text(sql + " ORDER BY clicks DESC, created_at, code"), params)
        return [_row(r) for r in rows.fetchall()]
