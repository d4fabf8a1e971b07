"""The server's logs: one JSON object a line (or plain text at a terminal), every line of a
request carrying its request id, and nothing secret or personal in any of them.

- :data:`REQUEST_ID` holds the id of the request being answered (set by
  :class:`socialops.web.ops.middleware.Observe`; it follows the request into the thread pool).
- :func:`scrub` is applied by both formatters to the message, the structured fields and the
  traceback of every record, whichever logger wrote it (socialops, uvicorn, a library): API and
  invitation tokens, ``Bearer`` values, ``password=``/``token=``/cookie pairs, long random
  strings (session and CSRF tokens) and personal numbers (:func:`socialops.nlp.pii.mask_pii`:
  phones, resident registration numbers, cards, accounts, e-mail addresses) are masked.
  The code never logs a password or a token on purpose; this is the net under it.
- :func:`configure_logging` sets the root logger up for ``socialops serve`` (settings
  ``log_format`` and ``log_level``) and sends uvicorn's own loggers through it.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import uuid
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any, TextIO

from socialops import settings
from socialops.errors import SettingsError
from socialops.nlp.pii import mask_pii

__all__ = [
    "FORMATS",
    "REQUEST_ID",
    "JsonFormatter",
    "TextFormatter",
    "configure_logging",
    "new_request_id",
    "request_id_from",
    "scrub",
]

REQUEST_ID: ContextVar[str | None] = ContextVar("socialops_request_id", default=None)
FORMATS = ("json", "text", "auto")
LEVELS = {"debug": logging.DEBUG, "info": logging.INFO, "warning": logging.WARNING}
LEVELS["error"] = logging.ERROR

# an X-Request-ID the server keeps: what proxies and tracing tools send (UUIDs, hex, dotted or
# colon-separated ids), 1-128 characters, nothing that could forge a log line or a header
_SANE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$")

_RUN = r"[A-Za-z0-9_-]"
_SECRETS: tuple[tuple[re.Pattern[str], str], ...] = (
    # socialops API tokens (sot_), invitation tokens (soi_) and any other prefixed token
    (re.compile(r"\b(so[a-z])_" + _RUN + r"{8,}"), r"\1_***"),
    (re.compile(r"(?i)\b(bearer|basic)\s+[^\s,;\"']+"), r"\1 ***"),
    (re.compile(r"(/invite/)[^/\s?#\"']+"), r"\1***"),
    (
        re.compile(
            r"(?i)\b((?:socialops_)?session|csrf|password|passwd|secret|token|api_key|"
            r"cookie|authorization|recovery_code)(\"?\s*[=:]\s*\"?)[^\s&\",;]+"
        ),
        r"\1\2***",
    ),
    # a long random string (session cookies, CSRF and reset tokens: URL-safe base64 with upper
    # and lower case letters and digits); hex ids such as request and import ids stay readable
    (
        re.compile(
            r"(?<![A-Za-z0-9_-])(?="
            + _RUN
            + r"*[A-Z])(?="
            + _RUN
            + r"*[a-z])(?="
            + _RUN
            + r"*[0-9])"
            + _RUN
            + r"{24,}(?!"
            + _RUN
            + ")"
        ),
        "***",
    ),
)


def scrub(text: str) -> str:
    """``text`` with tokens, secrets and personal numbers masked."""
    for pattern, replacement in _SECRETS:
        text = pattern.sub(replacement, text)
    return mask_pii(text)[0]


def new_request_id() -> str:
    return uuid.uuid4().hex


def request_id_from(header: str | None) -> str:
    """The client's ``X-Request-ID`` when it is a sane id, else a new one."""
    if header and _SANE_ID.match(header):
        return header
    return new_request_id()


def _fields(record: logging.LogRecord) -> dict[str, Any]:
    raw = getattr(record, "fields", None)
    if not isinstance(raw, dict):
        return {}
    return {str(k): scrub(v) if isinstance(v, str) else v for k, v in raw.items()}


def _exception(formatter: logging.Formatter, record: logging.LogRecord) -> str | None:
    if record.exc_info:
        return scrub(formatter.formatException(record.exc_info))
    if record.exc_text:
        return scrub(record.exc_text)
    return None


class JsonFormatter(logging.Formatter):
    """One JSON object a line: ``ts`` (UTC), ``level``, ``logger``, ``msg``, ``request_id``
    (inside a request), the record's structured ``fields`` and ``exc`` (a traceback)."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "pid": record.process,  # which web process (serve --processes N)
            "msg": scrub(record.getMessage()),
        }
        rid = getattr(record, "request_id", None) or REQUEST_ID.get()
        if rid:
            line["request_id"] = rid
        line.update(_fields(record))
        exc = _exception(self, record)
        if exc:
            line["exc"] = exc
        return json.dumps(line, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """``time level logger [request id] message key=value…`` for a person at a terminal."""

    def format(self, record: logging.LogRecord) -> str:
        when = datetime.fromtimestamp(record.created).strftime("%H:%M:%S")
        rid = getattr(record, "request_id", None) or REQUEST_ID.get()
        parts = [when, record.levelname, record.name]
        if rid:
            parts.append(f"[{rid[:12]}]")
        parts.append(scrub(record.getMessage()))
        parts += [f"{k}={v}" for k, v in _fields(record).items()]
        exc = _exception(self, record)
        return " ".join(parts) + (f"\n{exc}" if exc else "")


def log_format(stream: TextIO, value: str | None = None) -> str:
    """``json`` or ``text``: setting ``log_format`` (``auto``: json unless ``stream`` is a
    terminal)."""
    chosen = settings.get("log_format", value).strip().lower()
    if chosen not in FORMATS:
        raise SettingsError(code="cli.log_format_bad", value=chosen)
    if chosen == "auto":
        return "text" if stream.isatty() else "json"
    return chosen


def configure_logging(
    stream: TextIO | None = None, fmt: str | None = None, level: str | None = None
) -> str:
    """Send every log record (root, socialops, uvicorn) to ``stream`` (standard error) in the
    chosen format; returns the format. Safe to call again (the handler is replaced)."""
    out = stream if stream is not None else sys.stderr
    chosen = log_format(out, fmt)
    name = settings.get("log_level", level).strip().lower()
    if name not in LEVELS:
        raise SettingsError(code="cli.log_level_bad", value=name)
    handler = logging.StreamHandler(out)
    handler.set_name("socialops")
    handler.setFormatter(JsonFormatter() if chosen == "json" else TextFormatter())
    root = logging.getLogger()
    for old in [h for h in root.handlers if h.get_name() == "socialops"]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(LEVELS[name])
    for uv in ("uvicorn", "uvicorn.error"):
        logger = logging.getLogger(uv)
        logger.handlers.clear()
        logger.propagate = True
        logger.setLevel(logging.NOTSET)
    # uvicorn's access line names the raw path (an invitation's token is in one): socialops.access
    # writes the route template instead. No handler and no propagation: uvicorn then skips it
    # (also in the web processes of --processes N, whose uvicorn set-up ran before this)
    quiet = logging.getLogger("uvicorn.access")
    quiet.handlers.clear()
    quiet.propagate = False
    return chosen
