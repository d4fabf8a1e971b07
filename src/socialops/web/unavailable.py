"""The database unreachable for a moment (PostgreSQL restarted, a failover, the connection
limit): a 503 in the user's language with ``Retry-After``, not a bare "Internal Server Error".

Found by the soak's PostgreSQL-restart fault (bench/soak.py): the request's own query failed,
then the error handler looked the user up again for their language — a second query on the dead
database — and Starlette answered with its plain-text 500. :func:`settle_principal` makes the
handlers' look-up safe (no user known: the browser's language), :func:`database_unavailable`
tells the case apart from a bug."""

from __future__ import annotations

import logging

from fastapi import Request
from fastapi.responses import Response

from socialops.i18n import t
from socialops.store.db_errors import database_unavailable
from socialops.web.auth import lang_of, principal
from socialops.web.responses import error_response

__all__ = ["database_unavailable", "settle_principal", "unavailable_response"]

log = logging.getLogger("socialops.web")
RETRY_AFTER_S = 5


def settle_principal(request: Request) -> None:
    """Look the caller up once more if need be; when that fails too (the database is down),
    record "nobody" so that the error page does not query again."""
    try:
        principal(request)
    except Exception:
        request.state.principal = None


def unavailable_response(request: Request, exc: BaseException) -> Response:
    settle_principal(request)
    log.error(
        "database unreachable on %s %s: %s", request.method, request.url.path, type(exc).__name__
    )
    resp = error_response(request, 503, "unavailable", t("error.db_unavailable", lang_of(request)))
    resp.headers["Retry-After"] = str(RETRY_AFTER_S)
    return resp
