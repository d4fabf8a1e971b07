"""The one error shape of the web workspace: JSON for the API, an error page otherwise.

Below :mod:`socialops.web.app` and the routers alike, so that a router can answer its own
errors (e.g. :func:`socialops.web.plan_api.install_errors`) without importing the app.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from socialops.errors import SocialopsError
from socialops.i18n import t
from socialops.redact import without_paths
from socialops.web.render import error_page

__all__ = ["error_response", "error_text", "wants_json"]


def error_text(exc: SocialopsError, lang: str, key: str = "error.bad_request") -> str:
    """What a web reader sees of ``exc`` in ``lang``: a coded error in its own words (inside
    the message ``key`` when that says what failed, e.g. ``data.failed``); an error not in the
    catalogue yet as its sentence inside ``key`` ("the request could not be processed: …")."""
    detail = exc.text(lang)
    if exc.coded and key == "error.bad_request":
        return detail
    return t(key, lang, detail=detail)


def wants_json(request: Request) -> bool:
    path = request.url.path
    return path.startswith(("/api/", "/hooks/")) or path == "/openapi.json"


def error_response(request: Request, status: int, code: str, message: str) -> Response:
    """The one JSON error shape for the API; an error page in the user's language otherwise."""
    message = without_paths(message)  # a file's name, never where it lies on the server
    if code == "two_factor_required" and not wants_json(request):  # a page: enrol first
        ws = quote(str(request.path_params.get("ws", "")), safe="")
        return RedirectResponse(f"/account/two-factor?required={ws or 1}", status_code=303)
    if wants_json(request):
        body: dict[str, Any] = {"error": {"status": status, "code": code, "message": message}}
        headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
        return JSONResponse(body, status_code=status, headers=headers)
    return error_page(request, status, message)
