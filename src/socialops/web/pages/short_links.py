"""The public short links of published posts: ``GET /l/{code}`` (no sign-in) counts the click
(:func:`socialops.publish.links.follow`) and redirects (302) to the target with its UTM tags;
an unknown code is 404.

Codes are unique per server, but each workspace keeps its own links: the first visit of a code
looks it up in every workspace (``Accounts.slugs``) and remembers which one has it, so the
next visits ask that workspace alone."""

from __future__ import annotations

import re
import threading

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from socialops.publish import links
from socialops.web.auth import WebError, accounts_of, services_of

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
CODE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_where: dict[tuple[int, str], str] = {}  # (app, code) → the workspace that has it
_lock = threading.Lock()
_REMEMBERED = 100_000  # codes remembered at most (then forgotten all at once)


def _follow(request: Request, slug: str, code: str) -> str | None:
    target: str | None = links.follow(
        services_of(request).workspace(slug),
        code,
        referrer=request.headers.get("referer", "")[:500],
        user_agent=request.headers.get("user-agent", "")[:500],
    )
    return target


@router.get("/l/{code}")
def follow(request: Request, code: str) -> Response:
    if not CODE.match(code):
        raise WebError(404, "not_found")
    key = (id(request.app), code)
    with _lock:
        known = _where.get(key)
    slugs = accounts_of(request).slugs()
    order = [known] if known in slugs else []
    order += [s for s in slugs if s != known]
    for slug in order:
        target = _follow(request, slug, code)
        if target is not None:
            with _lock:
                if len(_where) >= _REMEMBERED:
                    _where.clear()
                _where[key] = slug
            return RedirectResponse(target, status_code=302, headers={"Cache-Control": "no-store"})
    raise WebError(404, "not_found")
