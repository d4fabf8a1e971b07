"""Outgoing e-mail over SMTP: the one sender every layer above uses (the inbox's notifications in
``engage.notify``, the scheduled reports in ``plan.schedules``).

Settings are a plain mapping (a workspace keeps them in ``inbox_settings`` key ``notify``,
``email`` part)::

    {"host": "smtp.example.kr", "port": 587, "from": "inbox@example.kr",
     "starttls": true, "user": "inbox@example.kr"}

The password comes only from the environment (:data:`PASSWORD_ENV`): it is never stored, and
:func:`scrub` takes it out of any error text before that is recorded. Every failure is one of
two kinds, so a caller knows whether to try again: :class:`PermanentMailError` (no settings, a
refused recipient, a 5xx answer other than a bad login) or :class:`TemporaryMailError` (a 4xx
answer, a bad login that may be fixed, a connection refused or timed out).
"""

from __future__ import annotations

import os
import smtplib
import ssl
from collections.abc import Mapping
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any

__all__ = [
    "PASSWORD_ENV",
    "SMTP_TIMEOUT_S",
    "MailError",
    "PermanentMailError",
    "TemporaryMailError",
    "build_message",
    "scrub",
    "send_mail",
]

SMTP_TIMEOUT_S = 10.0
PASSWORD_ENV = "SOCIALOPS_SMTP_PASSWORD"


class MailError(Exception):
    """A message that did not go out; :attr:`permanent` says whether another try may help."""

    permanent = False


class PermanentMailError(MailError):
    """A failure that another attempt will not fix (bad address, 5xx, no settings)."""

    permanent = True


class TemporaryMailError(MailError):
    """A failure that may pass (a 4xx answer, a connection refused or timed out)."""


def scrub(message: str) -> str:
    """``message`` without the SMTP password, at most 300 characters: safe to record."""
    password = os.environ.get(PASSWORD_ENV, "")
    if password:
        message = message.replace(password, "***")
    return message[:300]


def build_message(
    cfg: Mapping[str, Any], to: str, subject: str, body: str, html: str | None = None
) -> EmailMessage:
    """The message: plain ``body``, plus an HTML alternative when ``html`` is given."""
    msg = EmailMessage()
    msg["Subject"] = subject or "socialops"
    sender = str(cfg.get("from") or cfg.get("user") or "socialops@localhost")
    msg["From"] = sender
    msg["To"] = to
    msg["Date"] = formatdate(localtime=False)
    msg["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or "localhost")
    msg.set_content(body or "")
    if html:
        msg.add_alternative(html, subtype="html")
    return msg


def send_mail(
    cfg: Mapping[str, Any], to: str, subject: str, body: str, *, html: str | None = None
) -> None:
    """Send one message to ``to`` with the SMTP settings ``cfg``; raises a :class:`MailError`
    (its text already scrubbed of the password) when it did not go out."""
    host = str(cfg.get("host") or "")
    if not host:
        raise PermanentMailError("e-mail is not set up (notify.email.host)")
    msg = build_message(cfg, to, subject, body, html)
    password = os.environ.get(PASSWORD_ENV, "")
    try:
        port = int(cfg.get("port") or 25)
        with smtplib.SMTP(host, port, timeout=SMTP_TIMEOUT_S) as smtp:
            if cfg.get("starttls"):
                smtp.starttls(context=ssl.create_default_context())
            if cfg.get("user") and password:
                smtp.login(str(cfg["user"]), password)
            smtp.send_message(msg)
    except smtplib.SMTPRecipientsRefused as exc:
        raise PermanentMailError(f"recipient refused: {to}") from exc
    except smtplib.SMTPResponseException as exc:
        detail = f"SMTP {exc.smtp_code}"
        if exc.smtp_code >= 500 and exc.smtp_code != 535:  # 535: bad login, may be fixed
            raise PermanentMailError(detail) from exc
        raise TemporaryMailError(detail) from exc
    except ValueError as exc:  # a port that is not a number
        raise PermanentMailError(scrub(f"bad settings: {exc}")) from exc
    except (OSError, smtplib.SMTPException) as exc:
        raise TemporaryMailError(scrub(f"{type(exc).__name__}: {exc}")) from exc
