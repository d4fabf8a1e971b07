"""The caller's own account: preferences, password, personal API tokens, signing out
everywhere (each recorded in the account's activity, in no workspace)."""

from __future__ import annotations

from typing import Any

from socialops.web.accounts import User
from socialops.web.actions.base import Actor
from socialops.web.auth import WebError

__all__ = [
    "change_password",
    "create_token",
    "revoke_token",
    "set_preferences",
    "sign_out_everywhere",
]


def set_preferences(actor: Actor, *, lang: str | None, tz: str | None) -> User:
    """The caller's language and time zone (``None`` or empty: kept)."""
    user = actor.accounts.set_preferences(actor.user.id, lang=lang or None, tz=tz or None)
    changed = {k: v for k, v in (("lang", lang), ("tz", tz)) if v}
    actor.audit_own("user.preferences", user=user, detail=changed or None)
    return user


def change_password(actor: Actor, new: str, *, keep_session: str) -> tuple[int, int]:
    """Set the caller's password (the route has checked the current one): other sessions end,
    ``keep_session`` stays, every API token is revoked. ``(sessions ended, tokens revoked)``."""
    sessions, tokens = actor.accounts.set_password(actor.user.id, new, keep_session=keep_session)
    detail = {"sessions": sessions, "tokens": tokens}
    actor.audit_own("user.password", detail=detail)
    return sessions, tokens


def create_token(actor: Actor, name: str) -> tuple[str, dict[str, Any]]:
    """A personal API token: ``(the token, shown once; its row)``."""
    token = actor.accounts.create_token(actor.user.id, name)
    made = actor.accounts.tokens(actor.user.id)[-1]
    actor.audit_own("token.create", target=str(made["id"]))
    return token, made


def revoke_token(actor: Actor, token_id: int) -> None:
    if not actor.accounts.revoke_token(actor.user.id, token_id):
        raise WebError(404, "not_found")
    actor.audit_own("token.revoke", target=str(token_id))


def sign_out_everywhere(actor: Actor, *, revoke_tokens: bool) -> tuple[int, int]:
    """End every session of the caller (and with ``revoke_tokens`` revoke every API token):
    ``(sessions ended, tokens revoked)``."""
    n, m = actor.accounts.sign_out_everywhere(actor.user.id, revoke_tokens=revoke_tokens)
    detail = {"sessions": n, **({"tokens": m} if revoke_tokens else {})}
    actor.audit_own("auth.sign_out_everywhere", detail=detail)
    return n, m
