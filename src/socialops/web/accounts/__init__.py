"""Accounts of the web workspace: users, workspaces and their members, sign-in sessions, API
tokens, sign-in throttling and the audit log, in the accounts database of the home folder
(:class:`socialops.store.db.Database` of kind ``accounts``: ``<home>/accounts.db`` on SQLite,
the default, or the home's schema on PostgreSQL when ``SOCIALOPS_DATABASE_URL`` is set). Every
read-check-write (a duplicate e-mail, the last owner, an invitation accepted once, the sign-in
throttle's count, a session's expiry) runs in one serialised write transaction, so several
server processes on one database lose no update and share sessions and sign-in limits.

Passwords are hashed with Argon2id (argon2-cffi, its default parameters; re-hashed on sign-in
when those change). Session and API tokens are random (``secrets``), shown once and stored only as
their SHA-256. Nothing here logs a password or a token.

Workspaces: ``main`` is the folder ``<home>`` itself (the one the CLI works on); others live in
``<home>/workspaces/<slug>``.

The parts: :mod:`~socialops.web.accounts.model` (value types, errors, checks),
:mod:`~.users`, :mod:`~.workspaces` (and members), :mod:`~.invitations`, :mod:`~.sessions`
(sessions, API tokens, throttling) and :mod:`~.audit`; :class:`Accounts` is all of them.
"""

from __future__ import annotations

from socialops.web.accounts.audit import Audit
from socialops.web.accounts.factors import Factors
from socialops.web.accounts.invitations import Invitations
from socialops.web.accounts.model import (
    DB_FILE,
    INVITE_DAYS,
    INVITE_PREFIX,
    LANGS,
    MAIN,
    MIN_PASSWORD,
    TOKEN_PREFIX,
    Invitation,
    InvitationError,
    LastOwnerError,
    Member,
    Session,
    User,
    check_password,
    check_role,
)
from socialops.web.accounts.sessions import Sessions
from socialops.web.accounts.users import Users
from socialops.web.accounts.workspaces import Workspaces

__all__ = [
    "DB_FILE",
    "INVITE_DAYS",
    "INVITE_PREFIX",
    "LANGS",
    "MAIN",
    "MIN_PASSWORD",
    "TOKEN_PREFIX",
    "Accounts",
    "Invitation",
    "InvitationError",
    "LastOwnerError",
    "Member",
    "Session",
    "User",
    "check_password",
    "check_role",
]


class Accounts(Factors, Users, Workspaces, Invitations, Sessions, Audit):
    """The accounts database of one socialops home folder (:class:`~.factors.Factors`: two-factor,
    password reset and single sign-on)."""
