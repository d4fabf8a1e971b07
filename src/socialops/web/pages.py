"""The pages of the web workspace (server-rendered Jinja2, every value autoescaped; no inline
scripts or styles: the CSP forbids them), sign-in and sign-out.

Sign-in: e-mail and password, a login CSRF token (double-submit cookie), at most
:data:`MAX_FAILURES` failures per e-mail and client address in :data:`WINDOW_MIN` minutes
(then 429), a new session cookie (HttpOnly, SameSite=Lax, Secure over HTTPS) and an audit
entry either way.

Workspace pages (``/w/{ws}/…``): dashboard, topic, posts explorer and post, data (imports,
quarantine, upload), topics, users and roles, audit log, reports; and ``/account``. Each names
the action it needs (socialops.web.permissions); a page read without a session goes to the
sign-in page. Every form is a POST carrying the session's CSRF token (field ``csrf``); every
change writes an audit entry. After a change the browser is sent back to the page
(post/redirect/get) with ``?ok=KEY``, one of :data:`NOTICES`; an error re-renders the page with
the message and the form as typed.

Charts are the inline SVG strings of :mod:`socialops.listen.charts`, which escape every label:
they are the only markup the templates take as is (wrapped in :class:`markupsafe.Markup` here).
"""

from __future__ import annotations

import contextlib
import functools
import hmac
import json
import re
import secrets
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, FastAPI, File, Form, Query, Request, UploadFile
from fastapi import Path as PathParam
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from socialops import settings
from socialops.errors import (
    AccountError,
    DataError,
    PasswordError,
    QueryError,
    SocialopsError,
    TopicError,
)
from socialops.web.accounts import MAIN
from socialops.web.auth import (
    COOKIE,
    LANG_COOKIE,
    Access,
    Principal,
    WebError,
    check_csrf,
    lang_of,
    principal,
    require,
)
from socialops.web.auth import accounts_of as _accounts
from socialops.web.auth import audit_change as _audit
from socialops.web.auth import client_ip as _ip
from socialops.web.auth import services_of as _services
from socialops.web.i18n import LANGS, fmt_number, fmt_time, t
from socialops.web.permissions import ACTIONS, ROLES, allowed
from socialops.web.services import POST_SORTS, SENTIMENTS, PostQuery, scope_of, upload_name

__all__ = ["error_page", "mount_static", "render", "router"]

router = APIRouter(include_in_schema=False)
LOGIN_CSRF = "socialops_login_csrf"
MAX_FAILURES = 5  # failed sign-ins for one e-mail from one address in WINDOW_MIN minutes
MAX_FAILURES_EMAIL = 20  # for one e-mail from any address (guesses spread over addresses)
MAX_FAILURES_ADDRESS = 50  # from one address for any e-mail (one password tried on many)
WINDOW_MIN = 15
UPLOAD_LIMIT = 50 * 2**20
PER_PAGE = 20
AUDIT_PER_PAGE = 50
ACTIVITY_SHOWN = 20  # the account page's latest sign-ins and account changes
SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]{0,39}$"
Slug = Annotated[str, PathParam(pattern=SLUG_PATTERN)]
PageNo = Annotated[int, Query(ge=1, le=1_000_000)]
EVERY = ("day", "hour", "week")
POST_LANGS = ("ko", "en", "other")
TOPIC_KINDS = ("brand", "competitor", "product", "campaign")
REPORT_FILE = re.compile(r"^(\d{8}T\d{6}Z-[0-9a-f]{8})\.(html|xlsx)$")
SECTIONS = {  # the page of each nav item
    "dashboard": "/w/{ws}",
    "plans": "/w/{ws}/plans",
    "posts": "/w/{ws}/posts",
    "topics": "/w/{ws}/topics",
    "data": "/w/{ws}/data",
    "reports": "/w/{ws}/reports",
    "members": "/w/{ws}/members",
    "audit": "/w/{ws}/audit",
    "settings": "/w/{ws}/settings",
}
NOTICES = frozenset(
    {
        "topic_added",
        "topic_edited",
        "topic_removed",
        "member_added",
        "member_changed",
        "member_removed",
        "report_made",
        "prefs_saved",
        "token_revoked",
        "settings_saved",
        "password_changed",
        "invitation_revoked",
        "invitation_accepted",
    }
)
_env = Environment(
    loader=PackageLoader("socialops.web", "templates"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)
_env.filters["seg"] = lambda v: quote(str(v), safe="")  # one URL path segment
_env.filters["qs"] = lambda v: quote(str(v), safe="")  # one query value


def mount_static(app: FastAPI) -> None:
    app.mount("/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static")


def render(request: Request, template: str, status: int = 200, **ctx: Any) -> HTMLResponse:
    lang = lang_of(request)
    p = principal(request)
    tz = p.user.tz if p else settings.default_timezone().key

    def tr(key: str, **params: Any) -> str:
        return t(key, lang, **params)

    here = ctx.pop("here", None) or (
        request.url.path + (f"?{request.url.query}" if request.url.query else "")
    )
    body = _env.get_template(template).render(
        t=tr,
        lang=lang,
        user=p.user if p else None,
        csrf=p.session.csrf if p and p.session else "",
        num=lambda v, d=0: fmt_number(v, lang, d),
        when=lambda v: fmt_time(v, tz, lang),
        here=here,
        **ctx,
    )
    return HTMLResponse(body, status_code=status)


def error_page(request: Request, status: int, message: str) -> Response:
    return render(request, "error.html", status=status, status_code=status, message=message)


def _secure(request: Request) -> bool:
    mode = settings.get("cookie_secure").lower()
    if mode in ("1", "true", "yes"):
        return True
    if mode in ("0", "false", "no"):
        return False
    return request.url.scheme == "https"


# -- sign-in -------------------------------------------------------------------------------------
def _count_attempt(request: Request, email: str) -> tuple[list[int], list[str]]:
    """Count a password check against the e-mail and the client's address before it is made
    (atomically: parallel guesses cannot all get through), else 429: ``(the attempt, the keys
    whose failures a right password forgets)``. The address is the peer's, or the one a proxy
    named in ``--forwarded-allow-ips`` forwards (never a header anyone can send)."""
    accounts = _accounts(request)
    address = request.client.host if request.client else "?"
    email = email.strip().lower()[:320]
    mine, anywhere = f"{email}|{address}", f"email:{email}"
    attempt = accounts.begin_sign_in(
        [
            (mine, MAX_FAILURES),
            (anywhere, MAX_FAILURES_EMAIL),
            (f"address:{address}", MAX_FAILURES_ADDRESS),
        ],
        WINDOW_MIN,
    )
    if attempt is None:
        accounts.audit("auth.throttled", email=email, ip=address)
        raise WebError(429, "throttled", minutes=WINDOW_MIN)
    return attempt, [mine, anywhere]


@router.get("/login", response_class=HTMLResponse)
def login_form(
    request: Request,
    signed_out: str | None = None,
    next_page: Annotated[str, Query(alias="next", max_length=2000)] = "",
    email: Annotated[str, Query(max_length=320)] = "",
) -> Response:
    """The sign-in form; ``next`` (a path on this site, e.g. an invitation link) is where a
    successful sign-in goes, ``email`` fills the e-mail field."""
    token = secrets.token_urlsafe(24)
    resp = render(
        request,
        "login.html",
        login_csrf=token,
        error=None,
        signed_out=bool(signed_out),
        next_page=_safe_next(next_page) or "",
        email=email,
    )
    resp.set_cookie(LOGIN_CSRF, token, httponly=True, samesite="strict", secure=_secure(request))
    return resp


@router.post("/login", response_class=HTMLResponse)
def login(
    request: Request,
    email: str = Form("", max_length=320),
    password: str = Form("", max_length=1024),
    csrf: str = Form("", max_length=200),
    next_page: str = Form("", alias="next", max_length=2000),
) -> Response:
    accounts = _accounts(request)
    lang = lang_of(request)
    cookie = request.cookies.get(LOGIN_CSRF, "")
    if not cookie or not hmac.compare_digest(cookie.encode(), csrf.encode()):
        raise WebError(403, "csrf")
    ip = request.client.host if request.client else "?"
    attempt, forget = _count_attempt(request, email)
    user = accounts.check_credentials(email, password)
    if user is None:
        accounts.audit("auth.sign_in_failed", email=email.strip().lower()[:320], ip=ip)
        token = secrets.token_urlsafe(24)
        resp = render(
            request,
            "login.html",
            status=401,
            login_csrf=token,
            error=t("error.bad_credentials", lang),
            email=email,
            next_page=_safe_next(next_page) or "",
        )
        resp.set_cookie(
            LOGIN_CSRF, token, httponly=True, samesite="strict", secure=_secure(request)
        )
        return resp
    accounts.sign_in_succeeded(attempt, forget)
    token, _ = accounts.start_session(user.id, float(settings.get("session_hours")))
    accounts.audit("auth.sign_in", user=user, ip=ip)
    workspaces = accounts.workspaces_of(user.id)
    target = f"/w/{workspaces[0]['slug']}" if workspaces else "/account"
    done = RedirectResponse(_safe_next(next_page) or target, status_code=303)
    done.set_cookie(
        COOKIE,
        token,
        httponly=True,
        samesite="lax",
        secure=_secure(request),
        max_age=int(float(settings.get("session_hours")) * 3600),
    )
    done.delete_cookie(LOGIN_CSRF)
    return done


@router.post("/logout")
def logout(request: Request, csrf: str = Form("", max_length=200)) -> Response:
    p = principal(request)
    if p is not None and p.session is not None:
        if not hmac.compare_digest(csrf.encode(), p.session.csrf.encode()):
            raise WebError(403, "csrf")
        _accounts(request).end_session(request.cookies.get(COOKIE, ""))
        _accounts(request).audit(
            "auth.sign_out", user=p.user, ip=request.client.host if request.client else None
        )
    resp = RedirectResponse("/login?signed_out=1", status_code=303)
    resp.delete_cookie(COOKIE)
    return resp


@router.get("/")
def home(request: Request) -> Response:
    p = principal(request)
    if p is None:
        return RedirectResponse("/login", status_code=303)
    workspaces = _accounts(request).workspaces_of(p.user.id)
    if not workspaces:
        return RedirectResponse("/account", status_code=303)
    slug = MAIN if any(w["slug"] == MAIN for w in workspaces) else workspaces[0]["slug"]
    return RedirectResponse(f"/w/{slug}", status_code=303)


@router.get("/lang/{code}")
def switch_language(request: Request, code: str) -> Response:
    """Switch the UI language for a visitor who is not signed in (a signed-in user changes it
    in their account, which is kept with the user)."""
    if code not in LANGS:
        raise WebError(404, "not_found")
    target = "/account" if principal(request) is not None else "/login"
    resp = RedirectResponse(target, status_code=303)
    resp.set_cookie(LANG_COOKIE, code, samesite="lax", secure=_secure(request))
    return resp


@router.get("/switch")
def switch_workspace(request: Request, ws: str = Query("", max_length=40)) -> Response:
    """The workspace switcher's target (a GET form): on to that workspace's dashboard."""
    if not re.match(SLUG_PATTERN, ws):
        raise WebError(404, "not_found")
    return RedirectResponse(f"/w/{ws}", status_code=303)


# -- access ----------------------------------------------------------------------------------------
def _view(request: Request, ws: str, action: str) -> Access | None:
    """The reader of a page (``None``: not signed in, send them to sign in)."""
    if principal(request) is None:
        return None
    return require(request, ws, action)


def _form(request: Request, ws: str, action: str, csrf: str) -> Access:
    """The sender of a form: signed in, the form's CSRF token, a member allowed ``action``."""
    p = _form_user(request, csrf)
    role = _accounts(request).role_of(p.user.id, ws)
    if role is None:
        raise WebError(404, "unknown_workspace", workspace=ws)
    if not allowed(role, action):
        raise WebError(403, "forbidden", role=role)
    return Access(p, ws, role)


def _form_user(request: Request, csrf: str) -> Principal:
    p = principal(request)
    if p is None:
        raise WebError(401, "unauthenticated")
    check_csrf(request, p, csrf or None)
    return p


def _to_login() -> Response:
    return RedirectResponse("/login", status_code=303)


def _page(
    request: Request,
    access: Access,
    template: str,
    active: str,
    status: int = 200,
    **ctx: Any,
) -> HTMLResponse:
    """A workspace page: the nav bar (only what the role may use), the switcher, ``ctx``."""
    accounts = _accounts(request)
    ok = request.query_params.get("ok") if request.method == "GET" else None
    if request.method != "GET":  # after a form: the language switch comes back to the page
        ctx["here"] = SECTIONS.get(active, "/w/{ws}").format(ws=access.workspace)
    return render(
        request,
        template,
        status=status,
        ws=access.workspace,
        ws_name=accounts.workspace_name(access.workspace) or access.workspace,
        role=access.role,
        workspaces=accounts.workspaces_of(access.user.id),
        can={a: allowed(access.role, a) for a in ACTIONS},
        active=active,
        notice=ok if ok in NOTICES else None,
        **ctx,
    )


def _back(ws: str, page: str, ok: str, **params: Any) -> Response:
    query = urlencode({"ok": ok, **params})
    return RedirectResponse(f"/w/{ws}/{page}?{query}".replace("/?", "?"), status_code=303)


def _url(path: str, params: dict[str, Any], **changes: Any) -> str:
    """``path`` with ``params`` (and ``changes``) as its query, empty values left out."""
    merged = {**params, **changes}
    kept = {k: v for k, v in merged.items() if v not in (None, "")}
    return path + ("?" + urlencode(kept) if kept else "")


def _pager(total: int, page: int, per_page: int, url: Callable[[int], str]) -> dict[str, Any]:
    pages = max(1, -(-total // per_page))
    return {
        "total": total,
        "page": page,
        "pages": pages,
        "prev": url(page - 1) if page > 1 else None,
        "next": url(page + 1) if page < pages else None,
    }


def _svg(svg: str) -> Markup | None:
    """A chart from socialops.listen.charts (every label in it is escaped there)."""
    return Markup(svg) if svg else None  # the chart module escapes every text


def _query_error(exc: QueryError, query: str, lang: str) -> dict[str, Any]:
    """The parser's message in the user's language, and the query split at the position."""
    detail = exc.message.split(". Query: ")[0]
    if exc.position is None:
        return {"message": t("error.bad_request", lang, detail=detail)}
    pos = max(1, min(exc.position, len(query) + 1))
    return {
        "message": t("query.error", lang, pos=pos, detail=detail),
        "before": query[: pos - 1],
        "after": query[pos - 1 :],
    }


def _error_of(exc: SocialopsError, query: str, lang: str, key: str) -> dict[str, Any]:
    if isinstance(exc, QueryError):
        return _query_error(exc, query, lang)
    return {"message": t(key, lang, detail=exc.message)}


# -- dashboard -------------------------------------------------------------------------------------
def _scope_form(date_from: str, date_to: str, every: str) -> dict[str, str]:
    return {"from": date_from.strip(), "to": date_to.strip(), "every": every or "day"}


def _spike_marks(
    spikes: list[dict[str, Any]], names: list[str], periods: list[str], tr: Callable[..., str]
) -> list[tuple[int, int, str]]:
    idx = {n: i for i, n in enumerate(names)}
    pidx = {p: i for i, p in enumerate(periods)}
    marks = []
    for s in spikes:
        key = str(s.get("start"))[: len(periods[0])] if periods else ""
        if s.get("topic") in idx and key in pidx:
            tip = f"{s['topic']} · {tr('spike.' + str(s.get('kind')))} · {s.get('start')}"
            marks.append((idx[s["topic"]], pidx[key], tip))
    return marks


def _real_spikes(result: dict[str, Any]) -> list[dict[str, Any]]:
    return [s for s in result.get("results") or [] if s.get("kind") != "coverage"]


def _dashboard_data(
    tr: Callable[..., str],
    vol: dict[str, Any],
    sov: dict[str, Any],
    sent: dict[str, Any],
    spikes: dict[str, Any],
) -> dict[str, Any]:
    from socialops.listen import charts

    periods = [str(p) for p in vol.get("periods") or []]
    names = [r["topic"] for r in vol["results"]]
    real = _real_spikes(spikes)
    marks = _spike_marks(real, names, periods, tr)
    volume = charts.line_chart(
        periods,
        [(r["topic"], r["series"]) for r in vol["results"]],
        title=tr("dash.volume"),
        markers=marks,
    )
    sov_total = charts.stacked_bars(
        [tr("dash.total")],
        [(r["topic"], [r["mentions"]]) for r in sov["results"]],
        title=tr("dash.sov"),
    )
    sov_period = charts.line_chart(
        periods,
        [(r["topic"], [c["share"] for c in r["series"]]) for r in sov["results"]],
        title=tr("dash.sov_period"),
        y_min=0,
        y_max=100,
    )
    kinds = ("positive", "neutral", "negative")
    shares = charts.stacked_bars(
        [r["topic"] for r in sent["results"]],
        [(tr(f"sentiment.{k}"), [r[k] for r in sent["results"]]) for k in kinds],
        title=tr("dash.sentiment"),
        colors=[charts.SENTIMENT_COLORS[k] for k in kinds],
    )
    net = charts.line_chart(
        periods,
        [(r["topic"], [c["net_sentiment"] for c in r["series"]]) for r in sent["results"]],
        title=tr("dash.net"),
        y_min=-1,
        y_max=1,
    )
    by_sent = {r["topic"]: r for r in sent["results"]}
    rows = []
    for r in sov["results"]:
        s = by_sent.get(r["topic"], {})
        rows.append(
            {
                "topic": r["topic"],
                "kind": r.get("kind"),
                "mentions": r["mentions"],
                "share": r.get("share"),
                "positive": s.get("pct_positive"),
                "negative": s.get("pct_negative"),
                "net": s.get("net_sentiment"),
            }
        )
    return {
        "charts": {
            "volume": _svg(volume),
            "sov_total": _svg(sov_total),
            "sov_period": _svg(sov_period),
            "sentiment": _svg(shares),
            "net": _svg(net),
        },
        "rows": rows,
        "spikes": real[:30],
        "all_posts": (vol.get("all_posts") or {}).get("total"),
        "scope": vol.get("scope") or {},
    }


@router.get("/w/{ws}", response_class=HTMLResponse)
def dashboard(
    request: Request,
    ws: Slug,
    date_from: Annotated[str, Query(alias="from", max_length=20)] = "",
    date_to: Annotated[str, Query(alias="to", max_length=20)] = "",
    every: Annotated[str, Query(max_length=8)] = "day",
) -> Response:
    from socialops.listen.topics import list_topics

    access = _view(request, ws, "view")
    if access is None:
        return _to_login()
    lang = lang_of(request)
    svc = _services(request)
    overview = svc.overview(ws)
    topics = list_topics(svc.workspace(ws))
    form = _scope_form(date_from, date_to, every)
    ctx: dict[str, Any] = {"overview": overview, "topics": topics, "form": form, "error": None}
    status = 200
    if topics and overview["posts"]:
        try:
            scope = scope_of(form["from"] or None, form["to"] or None, form["every"])

            def build() -> dict[str, Any]:
                names = ("volume", "sov", "sentiment", "spikes")
                results = [svc.analysis(ws, name, None, scope) for name in names]
                return _dashboard_data(lambda k, **p: t(k, lang, **p), *results)

            # the charts are drawn once per data version, range and language
            ctx.update(svc.cached(["page-dashboard", ws, svc.version(ws), form, lang], build))
        except SocialopsError as exc:
            ctx["error"] = t("error.bad_request", lang, detail=exc.message)
            status = 200 if isinstance(exc, DataError) else 400
    return _page(request, access, "dashboard.html", "dashboard", status=status, **ctx)


# -- topic ----------------------------------------------------------------------------------------
def _for_topic(result: dict[str, Any], name: str) -> dict[str, Any] | None:
    for r in result.get("results") or []:
        if isinstance(r, dict) and r.get("topic") == name:
            return r
    return None


def _words_chart(words: list[dict[str, Any]], title: str, color: str) -> Markup | None:
    from socialops.listen import charts

    bars = [(str(w["word"]), float(w["g2"])) for w in words[:15] if w.get("g2") is not None]
    return _svg(charts.hbar_chart(bars, title=title, color=color, value_label="G²"))


@router.get("/w/{ws}/topics/{name:path}", response_class=HTMLResponse)
def topic_page(
    request: Request,
    ws: Slug,
    name: str,
    date_from: Annotated[str, Query(alias="from", max_length=20)] = "",
    date_to: Annotated[str, Query(alias="to", max_length=20)] = "",
    every: Annotated[str, Query(max_length=8)] = "day",
) -> Response:
    from socialops.listen import charts
    from socialops.listen.topics import get_topic

    access = _view(request, ws, "view")
    if access is None:
        return _to_login()
    lang = lang_of(request)
    svc = _services(request)
    try:
        topic = get_topic(svc.workspace(ws), name)
    except TopicError:
        raise WebError(404, "not_found") from None
    form = _scope_form(date_from, date_to, every)
    try:
        scope = scope_of(form["from"] or None, form["to"] or None, form["every"])
    except SocialopsError as exc:
        return _page(
            request,
            access,
            "topic.html",
            "topics",
            status=400,
            topic=topic,
            form=form,
            error=t("error.bad_request", lang, detail=exc.message),
            sections={},
        )
    sections: dict[str, Any] = {}

    def section(key: str, make: Callable[[], Any]) -> None:
        try:
            sections[key] = {"data": make(), "error": None}
        except SocialopsError as exc:
            sections[key] = {"data": None, "error": t("common.failed", lang, detail=exc.message)}

    def assoc() -> dict[str, Any] | None:
        item = _for_topic(svc.analysis(ws, "assoc", None, scope), topic.name)
        if item is None:
            return None
        return {
            **item,
            "chart": _words_chart(
                item.get("words") or [], t("topic.assoc", lang), charts.PALETTE[0]
            ),
            "chart_pos": _words_chart(
                item.get("positive") or [],
                t("topic.positive_words", lang),
                charts.SENTIMENT_COLORS["positive"],
            ),
            "chart_neg": _words_chart(
                item.get("negative") or [],
                t("topic.negative_words", lang),
                charts.SENTIMENT_COLORS["negative"],
            ),
        }

    def spikes() -> dict[str, Any]:
        vol = svc.analysis(ws, "volume", None, scope)
        res = svc.analysis(ws, "spikes", None, scope)
        mine = [s for s in res.get("results") or [] if s.get("topic") == topic.name]
        real = [s for s in mine if s.get("kind") != "coverage"]
        periods = [str(p) for p in vol.get("periods") or []]
        item = _for_topic(vol, topic.name)
        series = [(topic.name, item["series"])] if item else []
        marks = _spike_marks(real, [topic.name], periods, lambda k, **p: t(k, lang, **p))
        svg = charts.line_chart(periods, series, title=t("topic.volume", lang), markers=marks)
        return {
            "real": real,
            "coverage": [s for s in mine if s.get("kind") == "coverage"],
            "chart": _svg(svg),
            "total": item["total"] if item else 0,
            "scope": vol.get("scope") or {},
        }

    def top_posts() -> dict[str, Any]:
        return svc.posts(
            ws,
            PostQuery(
                topic.query,
                date_from=form["from"] or None,
                date_to=form["to"] or None,
                sort="engagement",
                per_page=10,
            ),
        )

    def build() -> dict[str, Any]:
        section("spikes", spikes)
        section("assoc", assoc)
        section("themes", lambda: _for_topic(svc.analysis(ws, "themes", None, scope), topic.name))
        section(
            "influencers",
            lambda: _for_topic(svc.analysis(ws, "influencers", None, scope), topic.name),
        )
        section("top_posts", top_posts)
        return sections

    # the sections are built once per data version, topic, range and language
    key = ["page-topic", ws, svc.version(ws), topic.name, topic.query, form, lang]
    sections = svc.cached(key, build)
    return _page(
        request,
        access,
        "topic.html",
        "topics",
        topic=topic,
        form=form,
        error=None,
        sections=sections,
    )


# -- posts ----------------------------------------------------------------------------------------
@router.get("/w/{ws}/posts", response_class=HTMLResponse)
def posts_page(
    request: Request,
    ws: Slug,
    q: Annotated[str, Query(max_length=1000)] = "",
    platform: Annotated[str, Query(max_length=64)] = "",
    lang: Annotated[str, Query(max_length=8)] = "",
    sentiment: Annotated[str, Query(max_length=10)] = "",
    date_from: Annotated[str, Query(alias="from", max_length=20)] = "",
    date_to: Annotated[str, Query(alias="to", max_length=20)] = "",
    sort: Annotated[str, Query(max_length=12)] = "newest",
    page: PageNo = 1,
) -> Response:
    access = _view(request, ws, "view")
    if access is None:
        return _to_login()
    ui = lang_of(request)
    svc = _services(request)
    params = {
        "q": q,
        "platform": platform.strip(),
        "lang": lang.strip(),
        "sentiment": sentiment.strip(),
        "from": date_from.strip(),
        "to": date_to.strip(),
        "sort": sort or "newest",
    }
    error: dict[str, Any] | None = None
    result: dict[str, Any] | None = None
    try:
        if params["lang"] and params["lang"] not in POST_LANGS:
            raise WebError(400, "bad_request", detail=f"lang: {', '.join(POST_LANGS)}")
        pq = PostQuery(
            q,
            params["platform"] or None,
            params["lang"] or None,
            params["sentiment"] or None,
            params["from"] or None,
            params["to"] or None,
            params["sort"],
            page,
            PER_PAGE,
        )
        result = svc.posts(ws, pq)
    except SocialopsError as exc:
        error = _error_of(exc, q, ui, "posts.error")
    except WebError as exc:
        error = {"message": exc.message(ui)}
    path = f"/w/{ws}/posts"
    pager = (
        _pager(result["total"], page, PER_PAGE, lambda n: _url(path, params, page=n))
        if result
        else None
    )
    return _page(
        request,
        access,
        "posts.html",
        "posts",
        status=400 if error else 200,
        form=params,
        result=result,
        pager=pager,
        error=error,
        platforms=[p["platform"] for p in svc.overview(ws)["platforms"]],
        sorts=POST_SORTS,
        sentiments=SENTIMENTS,
        post_langs=POST_LANGS,
        back=_url(path, params, page=page if page > 1 else None),
    )


@router.get("/w/{ws}/posts/{platform}/{post_id:path}", response_class=HTMLResponse)
def post_page(request: Request, ws: Slug, platform: str, post_id: str) -> Response:
    access = _view(request, ws, "view")
    if access is None:
        return _to_login()
    found = _services(request).post(ws, platform, post_id)
    if found is None:
        raise WebError(404, "not_found")
    url = found.get("url")
    safe_url = url if isinstance(url, str) and re.match(r"^https?://", url, re.I) else None
    return _page(request, access, "post.html", "posts", post=found, safe_url=safe_url)


# -- data -----------------------------------------------------------------------------------------
def _data_ctx(request: Request, ws: str, qpage: int) -> dict[str, Any]:
    from socialops.listen.ingest import list_imports, list_quarantine
    from socialops.listen.presets import PRESETS

    target = _services(request).workspace(ws)
    imports = list(reversed(list_imports(target)))
    for imp in imports:
        imp["file_name"] = upload_name(Path(str(imp.get("source_path") or "")).name)
    rows = list_quarantine(target, limit=None)
    start = (qpage - 1) * PER_PAGE
    for r in rows[start : start + PER_PAGE]:
        r["file_name"] = upload_name(Path(str(r.get("file") or "")).name)
    path = f"/w/{ws}/data"
    return {
        "imports": imports,
        "quarantine": rows[start : start + PER_PAGE],
        "qpager": _pager(len(rows), qpage, PER_PAGE, lambda n: _url(path, {}, qpage=n)),
        "presets": [(name, spec.description) for name, spec in PRESETS.items()],
        "limit_mb": UPLOAD_LIMIT // 2**20,
    }


@router.get("/w/{ws}/data", response_class=HTMLResponse)
def data_page(
    request: Request,
    ws: Slug,
    qpage: PageNo = 1,
    imported: Annotated[str, Query(max_length=64)] = "",
    enriched: Annotated[int, Query(ge=0)] = 0,
) -> Response:
    access = _view(request, ws, "view")
    if access is None:
        return _to_login()
    ctx = _data_ctx(request, ws, qpage)
    done = None
    if imported:
        row = next((i for i in ctx["imports"] if i["import_id"] == imported), None)
        if row is not None:
            done = t(
                "data.done",
                lang_of(request),
                read=fmt_number(row["rows_read"], "ko"),
                imported=fmt_number(row["imported"], "ko"),
                dup=fmt_number(row["duplicates"], "ko"),
                q=fmt_number(row["quarantined"], "ko"),
                enriched=fmt_number(enriched, "ko"),
            )
    form = {"preset": "generic", "mapping": ""}
    return _page(request, access, "data.html", "data", done=done, error=None, form=form, **ctx)


@router.post("/w/{ws}/data/upload", response_class=HTMLResponse)
def upload(
    request: Request,
    ws: Slug,
    file: Annotated[UploadFile | None, File()] = None,
    preset: Annotated[str, Form(max_length=64)] = "generic",
    mapping: Annotated[str, Form(max_length=20000)] = "",
    csrf: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Import an uploaded file (as ``POST /api/v1/workspaces/{ws}/imports`` does), enrich it,
    and show the counts."""
    from socialops.web.services import (
        EnrichAfterImportError,
        UploadTooLarge,
        import_upload,
        parse_mapping,
    )

    access = _form(request, ws, "data.import", csrf)
    lang = lang_of(request)
    form = {"preset": preset, "mapping": mapping}

    def fail(message: str, status: int = 400) -> Response:
        ctx = _data_ctx(request, ws, 1)
        return _page(
            request,
            access,
            "data.html",
            "data",
            status=status,
            error=message,
            done=None,
            form=form,
            **ctx,
        )

    if file is None or not file.filename:
        return fail(t("data.no_file", lang))
    try:
        mapped = parse_mapping(mapping)
    except SocialopsError:
        return fail(t("data.bad_mapping", lang))
    try:
        out = import_upload(
            _services(request),
            ws,
            file.filename,
            file.file,
            preset=preset,
            mapping=mapped,
            limit=UPLOAD_LIMIT,
        )
    except UploadTooLarge:
        raise WebError(413, "too_large", limit=UPLOAD_LIMIT // 2**20) from None
    except EnrichAfterImportError as exc:
        _audit(
            request,
            access,
            "data.import",
            file.filename,
            preset=preset,
            imported=exc.counts.get("imported"),
            quarantined=exc.counts.get("quarantined"),
            enrich_error=exc.message,
        )
        return fail(t("data.enrich_failed", lang, detail=exc.message), 409)
    except SocialopsError as exc:
        status = 422 if isinstance(exc, DataError) else 400
        return fail(t("data.failed", lang, detail=exc.message), status)
    _audit(
        request,
        access,
        "data.import",
        file.filename,
        preset=preset,
        imported=out.get("imported"),
        quarantined=out.get("quarantined"),
    )
    query = urlencode({"imported": out["import_id"], "enriched": out["enriched"]})
    return RedirectResponse(f"/w/{ws}/data?{query}", status_code=303)


# -- topics ---------------------------------------------------------------------------------------
def _topics_page(request: Request, access: Access, status: int = 200, **ctx: Any) -> Response:
    from socialops.listen.topics import list_topics

    ctx.setdefault("error", None)
    ctx.setdefault("form", {"name": "", "query": "", "kind": "brand"})
    ctx.setdefault("edit_error", None)
    topics = list_topics(_services(request).workspace(access.workspace))
    return _page(
        request,
        access,
        "topics.html",
        "topics",
        status=status,
        topics=topics,
        kinds=TOPIC_KINDS,
        **ctx,
    )


@router.get("/w/{ws}/topics", response_class=HTMLResponse)
def topics_page(request: Request, ws: Slug) -> Response:
    access = _view(request, ws, "view")
    if access is None:
        return _to_login()
    return _topics_page(request, access)


@router.post("/w/{ws}/topics", response_class=HTMLResponse)
def add_topic(
    request: Request,
    ws: Slug,
    name: Annotated[str, Form(max_length=100)] = "",
    query: Annotated[str, Form(max_length=1000)] = "",
    kind: Annotated[str, Form(max_length=20)] = "brand",
    csrf: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    from socialops.listen.topics import add_topic as add

    access = _form(request, ws, "topics.edit", csrf)
    try:
        tp = add(_services(request).workspace(ws), name, query, kind)
    except SocialopsError as exc:
        err = _error_of(exc, query, lang_of(request), "topics.failed")
        form = {"name": name, "query": query, "kind": kind}
        return _topics_page(request, access, 400, error=err, form=form)
    _services(request).changed(ws)
    _audit(request, access, "topic.add", tp.name, query=tp.query, kind=tp.kind)
    return _back(ws, "topics", "topic_added")


@router.post("/w/{ws}/topics/edit", response_class=HTMLResponse)
def edit_topic(
    request: Request,
    ws: Slug,
    name: Annotated[str, Form(max_length=100)] = "",
    new_name: Annotated[str, Form(max_length=100)] = "",
    query: Annotated[str, Form(max_length=1000)] = "",
    kind: Annotated[str, Form(max_length=20)] = "",
    csrf: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    from socialops.listen.topics import edit_topic as edit

    access = _form(request, ws, "topics.edit", csrf)
    try:
        tp = edit(
            _services(request).workspace(ws),
            name,
            query=query if query.strip() else None,
            kind=kind or None,
            new_name=new_name if new_name.strip() else None,
        )
    except SocialopsError as exc:
        err = _error_of(exc, query, lang_of(request), "topics.failed")
        return _topics_page(request, access, 400, edit_error={**err, "name": name, "query": query})
    changes = {"query": tp.query, "kind": tp.kind}
    if tp.name != name:
        changes["renamed_from"] = name
    _services(request).changed(ws)
    _audit(request, access, "topic.edit", tp.name, **changes)
    return _back(ws, "topics", "topic_edited")


@router.post("/w/{ws}/topics/remove", response_class=HTMLResponse)
def remove_topic(
    request: Request,
    ws: Slug,
    name: Annotated[str, Form(max_length=100)] = "",
    csrf: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    from socialops.listen.topics import remove_topic as remove

    access = _form(request, ws, "topics.edit", csrf)
    try:
        tp = remove(_services(request).workspace(ws), name)
    except TopicError as exc:
        err = {"message": t("topics.failed", lang_of(request), detail=exc.message)}
        return _topics_page(request, access, 404, error=err)
    _services(request).changed(ws)
    _audit(request, access, "topic.remove", tp.name, query=tp.query)
    return _back(ws, "topics", "topic_removed")


# -- members --------------------------------------------------------------------------------------
def _members_page(request: Request, access: Access, status: int = 200, **ctx: Any) -> Response:
    from socialops.web.accounts import INVITE_DAYS

    ctx.setdefault("error", None)
    ctx.setdefault("form", {"email": "", "role": "viewer"})
    ctx.setdefault("new_invitation", None)
    return _page(
        request,
        access,
        "members.html",
        "members",
        status=status,
        members=_accounts(request).members(access.workspace),
        invitations=_accounts(request).invitations(access.workspace),
        invite_days=INVITE_DAYS,
        roles=ROLES,
        **ctx,
    )


def _only_owner(request: Request, ws: str, user_id: int) -> bool:
    owners = [m.user.id for m in _accounts(request).members(ws) if m.role == "owner"]
    return owners == [user_id]


@router.get("/w/{ws}/members", response_class=HTMLResponse)
def members_page(request: Request, ws: Slug) -> Response:
    access = _view(request, ws, "members.manage")
    if access is None:
        return _to_login()
    return _members_page(request, access)


@router.post("/w/{ws}/invitations", response_class=HTMLResponse)
@router.post("/w/{ws}/members", response_class=HTMLResponse)
def invite_member(
    request: Request,
    ws: Slug,
    email: Annotated[str, Form(max_length=320)] = "",
    role: Annotated[str, Form(max_length=20)] = "viewer",
    csrf: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Invite someone: the page again with the invitation's one-time link, shown this once (it
    is never in a URL or stored); the same whether the e-mail has an account or not."""
    from socialops.web.accounts import InvitationError
    from socialops.web.api import invite_url

    access = _form(request, ws, "members.manage", csrf)
    lang = lang_of(request)
    form = {"email": email, "role": role}
    try:
        token, inv = _accounts(request).invite(ws, email, role, access.user.id)
    except InvitationError as exc:
        msg = t(f"error.invitation_{exc.code}", lang, **exc.params)
        return _members_page(request, access, 409, error=msg, form=form)
    except AccountError as exc:
        msg = t("error.bad_request", lang, detail=exc.message)
        return _members_page(request, access, 400, error=msg, form=form)
    _audit(request, access, "invitation.create", inv.email, role=inv.role, invitation=inv.id)
    made = {"email": inv.email, "role": inv.role, "url": invite_url(request, token)}
    return _members_page(request, access, 201, new_invitation=made)


@router.post("/w/{ws}/invitations/revoke", response_class=HTMLResponse)
def revoke_invitation(
    request: Request,
    ws: Slug,
    invitation_id: Annotated[int, Form(ge=1, le=2**63 - 1)],
    csrf: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    access = _form(request, ws, "members.manage", csrf)
    inv = _accounts(request).revoke_invitation(ws, invitation_id)
    if inv is None:
        msg = t("error.invitation_unknown", lang_of(request))
        return _members_page(request, access, 404, error=msg)
    _audit(request, access, "invitation.revoke", inv.email, role=inv.role, invitation=inv.id)
    return _back(ws, "members", "invitation_revoked")


@router.post("/w/{ws}/members/role", response_class=HTMLResponse)
def set_role(
    request: Request,
    ws: Slug,
    user_id: Annotated[int, Form(ge=1)],
    role: Annotated[str, Form(max_length=20)] = "viewer",
    csrf: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    access = _form(request, ws, "members.manage", csrf)
    lang = lang_of(request)
    user = _accounts(request).user(user_id)
    if user is None or _accounts(request).role_of(user_id, ws) is None:
        return _members_page(request, access, 404, error=t("members.not_member", lang))
    if role != "owner" and _only_owner(request, ws, user_id):
        return _members_page(request, access, 409, error=t("members.keep_owner", lang))
    try:
        _accounts(request).set_member(ws, user_id, role)
    except AccountError as exc:
        return _members_page(
            request, access, 400, error=t("error.bad_request", lang, detail=exc.message)
        )
    _audit(request, access, "member.set", user.email, role=role)
    return _back(ws, "members", "member_changed")


@router.post("/w/{ws}/members/remove", response_class=HTMLResponse)
def remove_member(
    request: Request,
    ws: Slug,
    user_id: Annotated[int, Form(ge=1)],
    csrf: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    access = _form(request, ws, "members.manage", csrf)
    lang = lang_of(request)
    user = _accounts(request).user(user_id)
    if user is None or _accounts(request).role_of(user_id, ws) is None:
        return _members_page(request, access, 404, error=t("members.not_member", lang))
    if _only_owner(request, ws, user_id):
        return _members_page(request, access, 409, error=t("members.keep_owner", lang))
    try:
        _accounts(request).remove_member(ws, user_id)
    except AccountError as exc:
        return _members_page(
            request, access, 400, error=t("error.bad_request", lang, detail=exc.message)
        )
    _audit(request, access, "member.remove", user.email)
    return _back(ws, "members", "member_removed")


# -- audit ----------------------------------------------------------------------------------------
@router.get("/w/{ws}/audit", response_class=HTMLResponse)
def audit_page(request: Request, ws: Slug, page: PageNo = 1) -> Response:
    access = _view(request, ws, "audit.view")
    if access is None:
        return _to_login()
    total, items = _accounts(request).audit_log(
        ws, limit=AUDIT_PER_PAGE, offset=(page - 1) * AUDIT_PER_PAGE
    )
    for it in items:
        d = it.get("detail")
        it["detail_text"] = (
            ", ".join(f"{k}: {v}" for k, v in d.items()) if isinstance(d, dict) else ""
        )
    path = f"/w/{ws}/audit"
    pager = _pager(total, page, AUDIT_PER_PAGE, lambda n: _url(path, {}, page=n))
    return _page(request, access, "audit.html", "audit", items=items, pager=pager)


# -- reports --------------------------------------------------------------------------------------
def _reports_dir(request: Request, ws: str) -> Path:
    return _services(request).workspace(ws).root / "reports" / "web"


def _reports(folder: Path) -> list[dict[str, Any]]:
    out = []
    if folder.is_dir():
        for p in folder.glob("*.json"):
            with contextlib.suppress(OSError, ValueError):
                meta = json.loads(p.read_text(encoding="utf-8"))
                if isinstance(meta, dict) and REPORT_FILE.match(f"{meta.get('id')}.html"):
                    out.append(meta)
    return sorted(out, key=lambda m: str(m.get("id")), reverse=True)


def _reports_page(request: Request, access: Access, status: int = 200, **ctx: Any) -> Response:
    from socialops.listen.topics import list_topics

    ctx.setdefault("error", None)
    ctx.setdefault(
        "form",
        {"topic": "", "vs": [], "from": "", "to": "", "every": "day", "lang": lang_of(request)},
    )
    return _page(
        request,
        access,
        "reports.html",
        "reports",
        status=status,
        topics=list_topics(_services(request).workspace(access.workspace)),
        reports=_reports(_reports_dir(request, access.workspace)),
        every_options=EVERY,
        **ctx,
    )


@router.get("/w/{ws}/reports", response_class=HTMLResponse)
def reports_page(request: Request, ws: Slug) -> Response:
    access = _view(request, ws, "view")
    if access is None:
        return _to_login()
    return _reports_page(request, access)


@router.post("/w/{ws}/reports", response_class=HTMLResponse)
def create_report(
    request: Request,
    ws: Slug,
    topic: Annotated[str, Form(max_length=100)] = "",
    vs: Annotated[list[str] | None, Form(max_length=50)] = None,
    date_from: Annotated[str, Form(alias="from", max_length=20)] = "",
    date_to: Annotated[str, Form(alias="to", max_length=20)] = "",
    every: Annotated[str, Form(max_length=8)] = "day",
    report_lang: Annotated[str, Form(alias="lang", max_length=4)] = "ko",
    csrf: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Run every listening analysis for ``topic`` against ``vs`` and write the HTML report
    and its XLSX under ``<workspace>/reports/web/``."""
    from socialops.listen.report import build_report, write_report
    from socialops.listen.topics import resolve_topics

    access = _form(request, ws, "reports.create", csrf)
    lang = lang_of(request)
    others = [v for v in (vs or []) if v and v != topic]
    form = {
        "topic": topic,
        "vs": others,
        "from": date_from,
        "to": date_to,
        "every": every,
        "lang": report_lang,
    }
    svc = _services(request)
    folder = _reports_dir(request, ws)
    rid = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ") + "-" + secrets.token_hex(4)
    try:
        if report_lang not in LANGS:
            raise TopicError(f"lang {report_lang!r}: use ko or en.")
        if not topic.strip():
            raise TopicError(t("reports.no_topics", lang))
        topics = resolve_topics(svc.workspace(ws), [topic, *others])
        scope = scope_of(date_from.strip() or None, date_to.strip() or None, every)
        with svc.store(ws) as store:
            data = build_report(store, scope, topics)
        folder.mkdir(parents=True, exist_ok=True)
        written = write_report(
            data, folder / f"{rid}.html", lang=report_lang, xlsx=folder / f"{rid}.xlsx"
        )
    except SocialopsError as exc:
        msg = t("reports.failed", lang, detail=exc.message)
        return _reports_page(request, access, 400, error=msg, form=form)
    meta = {
        "id": rid,
        "topic": topics[0].name,
        "vs": [tp.name for tp in topics[1:]],
        "from": data.scope.start.isoformat() if data.scope.start else None,
        "to": data.scope.end.isoformat() if data.scope.end else None,
        "every": data.scope.every,
        "lang": report_lang,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "by": access.user.email,
        "files": ["html", "xlsx"],
        "unavailable": written.get("unavailable", []),
        "failed": written.get("failed", []),
    }
    from socialops.listen.export import atomic_write

    with atomic_write(folder / f"{rid}.json", "w", encoding="utf-8") as fh:
        json.dump(meta, fh, ensure_ascii=False)
    _audit(
        request,
        access,
        "report.create",
        rid,
        topic=meta["topic"],
        vs=meta["vs"],
        range=f"{meta['from']}..{meta['to']}",
    )
    return _back(ws, "reports", "report_made", new=rid)


@router.get("/w/{ws}/reports/{file}")
def download_report(request: Request, ws: Slug, file: str) -> Response:
    access = _view(request, ws, "view")
    if access is None:
        return _to_login()
    m = REPORT_FILE.match(file)
    path = _reports_dir(request, ws) / file
    if m is None or not path.is_file():
        raise WebError(404, "not_found")
    media = {
        "html": "text/html; charset=utf-8",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }[m.group(2)]
    return FileResponse(path, media_type=media, filename=f"socialops-report-{file}")


# -- account --------------------------------------------------------------------------------------
@functools.cache
def _zones() -> tuple[str, ...]:
    from zoneinfo import available_timezones

    skip = ("Etc/", "SystemV/", "posix", "right/", "US/", "Canada/", "Brazil/", "Mexico/")
    names = {z for z in available_timezones() if "/" in z and not z.startswith(skip)}
    return tuple(sorted(names | {"UTC"}))


def _account_page(request: Request, p: Principal, status: int = 200, **ctx: Any) -> Response:
    accounts = _accounts(request)
    ok = request.query_params.get("ok") if request.method == "GET" else None
    ctx.setdefault("error", None)
    ctx.setdefault("new_token", None)
    if request.method != "GET":
        ctx["here"] = "/account"
    zones = list(_zones())
    if p.user.tz not in zones:
        zones.insert(0, p.user.tz)
    workspaces = accounts.workspaces_of(p.user.id)
    if workspaces:  # the nav bar of the user's first workspace (main when a member)
        first = next((w for w in workspaces if w["slug"] == MAIN), workspaces[0])
        ctx.setdefault("ws", first["slug"])
        ctx.setdefault("can", {a: allowed(first["role"], a) for a in ACTIONS})
    return render(
        request,
        "account.html",
        status=status,
        workspaces=workspaces,
        tokens=accounts.tokens(p.user.id),
        activity=accounts.account_activity(p.user.id, limit=ACTIVITY_SHOWN)[1],
        activity_shown=ACTIVITY_SHOWN,
        zones=zones,
        langs=LANGS,
        notice=ok if ok in NOTICES else None,
        active="account",
        **ctx,
    )


@router.get("/account", response_class=HTMLResponse)
def account_page(request: Request) -> Response:
    p = principal(request)
    if p is None:
        return _to_login()
    return _account_page(request, p)


def _safe_next(target: str) -> str | None:
    """A same-site path to go back to (never another host: no ``//``, backslash or control
    character; browsers drop a tab, so a slash, a tab and a slash would read as ``//``)."""
    plain = target.isprintable()
    if target.startswith("/") and not target.startswith("//") and "\\" not in target and plain:
        return target
    return None


@router.post("/account/preferences", response_class=HTMLResponse)
def set_preferences(
    request: Request,
    lang: Annotated[str, Form(max_length=4)] = "",
    tz: Annotated[str, Form(max_length=64)] = "",
    next_page: Annotated[str, Form(alias="next", max_length=2000)] = "",
    csrf: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    p = _form_user(request, csrf)
    accounts = _accounts(request)
    try:
        user = accounts.set_preferences(p.user.id, lang=lang or None, tz=tz or None)
    except AccountError as exc:
        msg = t("error.bad_request", lang_of(request), detail=exc.message)
        return _account_page(request, p, 400, error=msg)
    changed = {k: v for k, v in (("lang", lang), ("tz", tz)) if v}
    accounts.audit("user.preferences", user=user, detail=changed or None, ip=_ip(request))
    target = _safe_next(next_page) or "/account?ok=prefs_saved"
    return RedirectResponse(target, status_code=303)


@router.post("/account/password", response_class=HTMLResponse)
def change_password(
    request: Request,
    current: Annotated[str, Form(max_length=1024)] = "",
    new: Annotated[str, Form(max_length=1024)] = "",
    csrf: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """A new password: the current one is asked again (throttled as sign-ins are); other
    sessions end, this one stays; every API token is revoked."""
    p = _form_user(request, csrf)
    accounts = _accounts(request)
    lang = lang_of(request)
    attempt, forget = _count_attempt(request, p.user.email)
    if accounts.check_credentials(p.user.email, current) is None:
        accounts.audit("user.password_failed", user=p.user, ip=_ip(request))
        return _account_page(request, p, 400, error=t("account.password_wrong", lang))
    accounts.sign_in_succeeded(attempt, forget)
    try:
        sessions, tokens = accounts.set_password(
            p.user.id, new, keep_session=request.cookies.get(COOKIE, "")
        )
    except PasswordError as exc:
        return _account_page(request, p, 400, error=exc.text(lang))
    except AccountError as exc:
        return _account_page(
            request, p, 400, error=t("error.bad_request", lang, detail=exc.message)
        )
    detail = {"sessions": sessions, "tokens": tokens}
    accounts.audit("user.password", user=p.user, detail=detail, ip=_ip(request))
    return RedirectResponse("/account?ok=password_changed", status_code=303)


@router.post("/account/tokens", response_class=HTMLResponse)
def create_token(
    request: Request,
    name: Annotated[str, Form(max_length=100)] = "api",
    csrf: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    p = _form_user(request, csrf)
    accounts = _accounts(request)
    token = accounts.create_token(p.user.id, name or "api")
    made = accounts.tokens(p.user.id)[-1]
    accounts.audit("token.create", user=p.user, target=str(made["id"]), ip=_ip(request))
    return _account_page(request, p, new_token=token)


@router.post("/account/tokens/revoke", response_class=HTMLResponse)
def revoke_token(
    request: Request,
    token_id: Annotated[int, Form(ge=1)],
    csrf: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    p = _form_user(request, csrf)
    if not _accounts(request).revoke_token(p.user.id, token_id):
        raise WebError(404, "not_found")
    _accounts(request).audit("token.revoke", user=p.user, target=str(token_id), ip=_ip(request))
    return RedirectResponse("/account?ok=token_revoked", status_code=303)


@router.post("/account/sign-out-everywhere")
def sign_out_everywhere(
    request: Request,
    csrf: Annotated[str, Form(max_length=200)] = "",
    tokens: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    """End every session of the user; with ``tokens=revoke`` (the second button) revoke every
    API token too."""
    p = _form_user(request, csrf)
    revoke = tokens == "revoke"
    sessions, revoked = _accounts(request).sign_out_everywhere(p.user.id, revoke_tokens=revoke)
    detail = {"sessions": sessions, **({"tokens": revoked} if revoke else {})}
    _accounts(request).audit(
        "auth.sign_out_everywhere", user=p.user, detail=detail, ip=_ip(request)
    )
    resp = RedirectResponse("/login?signed_out=1", status_code=303)
    resp.delete_cookie(COOKIE)
    return resp


# -- workspace settings --------------------------------------------------------------------------
def _settings_page(
    request: Request, access: Access, status: int = 200, error: str | None = None
) -> Response:
    svc = _services(request)
    ws = access.workspace
    return _page(
        request,
        access,
        "settings.html",
        "settings",
        status=status,
        error=error,
        zone=svc.workspace(ws).zone(),
        folder=str(_accounts(request).workspace_dir(ws)),
        can_create=allowed(_accounts(request).role_of(access.user.id, MAIN), "members.manage"),
    )


@router.get("/w/{ws}/settings", response_class=HTMLResponse)
def settings_page(request: Request, ws: Slug) -> Response:
    access = _view(request, ws, "view")
    if access is None:
        return _to_login()
    return _settings_page(request, access)


@router.post("/w/{ws}/settings", response_class=HTMLResponse)
def save_settings(
    request: Request,
    ws: Slug,
    name: Annotated[str, Form(max_length=100)] = "",
    csrf: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    access = _form(request, ws, "settings.edit", csrf)
    try:
        _accounts(request).rename_workspace(ws, name)
    except AccountError as exc:
        msg = t("error.bad_request", lang_of(request), detail=exc.message)
        return _settings_page(request, access, 400, msg)
    _audit(request, access, "workspace.rename", ws, name=name.strip())
    return _back(ws, "settings", "settings_saved")


@router.post("/w/{ws}/settings/new", response_class=HTMLResponse)
def new_workspace(
    request: Request,
    ws: Slug,
    slug: Annotated[str, Form(max_length=40)] = "",
    name: Annotated[str, Form(max_length=100)] = "",
    csrf: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    from socialops.store.workspace import Workspace

    access = _form(request, ws, "view", csrf)
    creator = _form(request, MAIN, "members.manage", csrf)
    try:
        _accounts(request).add_workspace(slug.strip(), name or slug, creator.user.id)
    except AccountError as exc:
        msg = t("error.bad_request", lang_of(request), detail=exc.message)
        return _settings_page(request, access, 400, msg)
    Workspace.open(_accounts(request).workspace_dir(slug.strip()))
    _accounts(request).audit(
        "workspace.create",
        user=creator.user,
        workspace=slug.strip(),
        target=slug.strip(),
        detail={"name": name},
        ip=_ip(request),
    )
    return RedirectResponse(f"/w/{slug.strip()}", status_code=303)


@router.post("/w/{ws}/settings/delete", response_class=HTMLResponse)
def delete_workspace(
    request: Request, ws: Slug, csrf: Annotated[str, Form(max_length=200)] = ""
) -> Response:
    access = _form(request, ws, "workspace.delete", csrf)
    if ws == MAIN:
        return _settings_page(request, access, 400, t("settings.main_kept", lang_of(request)))
    _services(request).forget(ws)
    _accounts(request).remove_workspace(ws)
    _accounts(request).audit(
        "workspace.delete", user=access.user, workspace=ws, target=ws, ip=_ip(request)
    )
    return RedirectResponse("/", status_code=303)
