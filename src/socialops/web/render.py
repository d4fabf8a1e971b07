"""Server-rendered HTML: the Jinja2 environment (every value autoescaped; no inline scripts or
styles: the CSP forbids them), :func:`render`, the error page and the static files. Used by
the pages and by the application's error handlers (so neither imports the other for it)."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, PackageLoader, select_autoescape

from socialops import settings
from socialops.i18n import fmt_number, fmt_time, t
from socialops.listen.report import note_text
from socialops.plan.templates import reason_text
from socialops.web.auth import lang_of, principal

__all__ = ["error_page", "mount_static", "render", "secure_cookies"]

_env = Environment(
    loader=PackageLoader("socialops.web", "templates"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)
_env.filters["seg"] = lambda v: quote(str(v), safe="")  # one URL path segment
_env.filters["qs"] = lambda v: quote(str(v), safe="")  # one query value
_env.filters["reason"] = reason_text  # a plan's channel reason in the reader's language
# a note an analysis left (its JSON keeps English), in the reader's language
_env.filters["analysis_note"] = lambda note, lang, analysis: (
    note_text(analysis, "note", note, lang) or note
)


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


def secure_cookies(request: Request) -> bool:
    """Whether cookies get ``Secure`` (setting ``cookie_secure``; by default over HTTPS)."""
    mode = settings.get("cookie_secure").lower()
    if mode in ("1", "true", "yes"):
        return True
    if mode in ("0", "false", "no"):
        return False
    return request.url.scheme == "https"
