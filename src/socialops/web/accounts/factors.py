"""What a sign-in needs beyond a password (accounts migration a0004): TOTP two-factor with
recovery codes, the second-step ticket between the password and the code, a workspace's
"require two-factor" flag, password-reset tokens and OpenID Connect sign-ins.

TOTP (RFC 6238 through pyotp: SHA-1, 6 digits, 30 s): the secret is kept Fernet-encrypted with
the home's key (:mod:`socialops.store.secrets`), a code is good one step either side of now, and
never twice — the newest step used is recorded and a code of that step or an older one is
refused. Recovery codes, reset tokens, tickets and OIDC states are random (``secrets``) and kept
only as their SHA-256: high-entropy values need no slow hash."""

from __future__ import annotations

import hmac
import secrets
import time
from dataclasses import dataclass
from datetime import timedelta

import pyotp
from sqlalchemy import Connection, text

from socialops.errors import AccountError
from socialops.store.secrets import decrypt, encrypt
from socialops.web.accounts.model import User, check_password, digest, iso, now
from socialops.web.accounts.users import Users, insert_user

__all__ = [
    "RECOVERY_CODES",
    "STEP_S",
    "Factors",
    "OidcLogin",
    "Ticket",
    "new_recovery_codes",
]

STEP_S = 30  # the TOTP step
WINDOW = 1  # steps either side of now a code is good in
RECOVERY_CODES = 10
TICKET_MIN = 5  # minutes between the password and the code
OIDC_MIN = 10  # minutes an OpenID Connect sign-in may take at the provider
NO_PASSWORD = "!sso"  # the password column of a user made by single sign-on (no hash matches)
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read off paper


@dataclass(frozen=True)
class Ticket:
    """A sign-in whose password (or IdP) was right and whose code is still to come."""

    user_id: int
    csrf: str
    next: str
    via: str  # "password" | "sso"


@dataclass(frozen=True)
class OidcLogin:
    nonce: str
    verifier: str
    next: str


def new_recovery_codes(n: int = RECOVERY_CODES) -> list[str]:
    """``n`` codes like ``k7dq-m2xe-9ahw`` (about 74 bits each)."""
    return [
        "-".join("".join(secrets.choice(_ALPHABET) for _ in range(5)) for _ in range(3))
        for _ in range(n)
    ]


def _code_digest(code: str) -> str:
    return digest(code.strip().lower().replace(" ", ""))


class Factors(Users):
    # -- TOTP ------------------------------------------------------------------------------------
    def _secret(self, conn: Connection, user_id: int, *, enabled: bool) -> tuple[str, int] | None:
        row = conn.execute(
            text("SELECT secret, enabled_at, last_step FROM two_factor WHERE user_id = :u"),
            {"u": user_id},
        ).first()
        if row is None or (row[1] is not None) != enabled:
            return None
        return decrypt(self.home, row[0])["totp"], int(row[2] or 0)

    def two_factor_enabled(self, user_id: int) -> bool:
        with self.connect() as conn:
            row = conn.execute(
                text("SELECT 1 FROM two_factor WHERE user_id = :u AND enabled_at IS NOT NULL"),
                {"u": user_id},
            ).first()
        return row is not None

    def begin_two_factor(self, user_id: int) -> str:
        """A new secret for the user to scan (kept encrypted, not in force until
        :meth:`confirm_two_factor`); the one begun already when enrolment is under way."""
        with self.begin() as conn:
            if self._secret(conn, user_id, enabled=True) is not None:
                raise AccountError(code="signin.2fa_already")
            pending = self._secret(conn, user_id, enabled=False)
            if pending is not None:
                return pending[0]
            secret = pyotp.random_base32()
            conn.execute(
                text("INSERT INTO two_factor (user_id, secret) VALUES (:u, :s)"),
                {"u": user_id, "s": encrypt(self.home, {"totp": secret})},
            )
        return secret

    def pending_two_factor(self, user_id: int) -> str | None:
        with self.connect() as conn:
            found = self._secret(conn, user_id, enabled=False)
        return found[0] if found else None

    def confirm_two_factor(self, user_id: int, code: str) -> list[str] | None:
        """Turn two-factor on when ``code`` is right for the secret begun: the recovery codes
        (shown once, kept hashed), else ``None``."""
        with self.begin() as conn:
            found = self._secret(conn, user_id, enabled=False)
            if found is None:
                return None
            step = _matching_step(found[0], code, 0)
            if step is None:
                return None
            conn.execute(
                text(
                    "UPDATE two_factor SET enabled_at = :at, last_step = :step WHERE user_id = :u"
                ),
                {"at": iso(now()), "step": step, "u": user_id},
            )
            return self._store_recovery_codes(conn, user_id)

    def _store_recovery_codes(self, conn: Connection, user_id: int) -> list[str]:
        codes = new_recovery_codes()
        conn.execute(text("DELETE FROM recovery_codes WHERE user_id = :u"), {"u": user_id})
        conn.execute(
            text("INSERT INTO recovery_codes (user_id, code_hash) VALUES (:u, :h)"),
            [{"u": user_id, "h": _code_digest(c)} for c in codes],
        )
        return codes

    def new_recovery_codes(self, user_id: int) -> list[str]:
        """Fresh recovery codes for a user with two-factor on (the old ones stop working)."""
        with self.begin() as conn:
            if self._secret(conn, user_id, enabled=True) is None:
                raise AccountError(code="signin.2fa_off")
            return self._store_recovery_codes(conn, user_id)

    def recovery_codes_left(self, user_id: int) -> int:
        with self.connect() as conn:
            n = conn.execute(
                text("SELECT COUNT(*) FROM recovery_codes WHERE user_id = :u AND used_at IS NULL"),
                {"u": user_id},
            ).scalar_one()
        return int(n)

    def check_second_factor(self, user_id: int, code: str) -> str | None:
        """``"totp"`` or ``"recovery"`` when ``code`` is a good code of the user (used up: a TOTP
        step or a recovery code counts once), else ``None``."""
        code = code.strip()
        with self.begin() as conn:
            found = self._secret(conn, user_id, enabled=True)
            if found is None:
                return None
            secret, last = found
            digits = code.replace(" ", "")
            if digits.isdigit():
                step = _matching_step(secret, digits, last)
                if step is None:
                    return None
                conn.execute(
                    text("UPDATE two_factor SET last_step = :s WHERE user_id = :u"),
                    {"s": step, "u": user_id},
                )
                return "totp"
            used = conn.execute(
                text(
                    "UPDATE recovery_codes SET used_at = :at WHERE user_id = :u "
                    "AND code_hash = :h AND used_at IS NULL"
                ),
                {"at": iso(now()), "u": user_id, "h": _code_digest(code)},
            ).rowcount
        return "recovery" if used else None

    def disable_two_factor(self, user_id: int) -> bool:
        """Two-factor off (and enrolment under way dropped): whether it was on."""
        with self.begin() as conn:
            was = conn.execute(
                text("DELETE FROM two_factor WHERE user_id = :u AND enabled_at IS NOT NULL"),
                {"u": user_id},
            ).rowcount
            conn.execute(text("DELETE FROM two_factor WHERE user_id = :u"), {"u": user_id})
            conn.execute(text("DELETE FROM recovery_codes WHERE user_id = :u"), {"u": user_id})
        return bool(was)

    # -- the workspace's rule --------------------------------------------------------------------
    def set_require_two_factor(self, slug: str, required: bool) -> None:
        with self.begin() as conn:
            self._require_workspace(conn, slug)
            conn.execute(
                text("UPDATE workspaces SET require_two_factor = :r WHERE slug = :s"),
                {"r": int(required), "s": slug},
            )

    def requires_two_factor(self, slug: str) -> bool:
        with self.connect() as conn:
            found = conn.execute(
                text("SELECT require_two_factor FROM workspaces WHERE slug = :s"), {"s": slug}
            ).scalar()
        return bool(found)

    def two_factor_missing(self, user_id: int, slug: str) -> bool:
        """Whether ``slug`` requires two-factor and the user has not turned it on (one query)."""
        with self.connect() as conn:
            row = conn.execute(
                text(
                    "SELECT w.require_two_factor, t.enabled_at FROM workspaces w "
                    "LEFT JOIN two_factor t ON t.user_id = :u WHERE w.slug = :s"
                ),
                {"u": user_id, "s": slug},
            ).first()
        return row is not None and bool(row[0]) and row[1] is None

    # -- the second step -------------------------------------------------------------------------
    def start_ticket(self, user_id: int, next_page: str, via: str) -> str:
        token = secrets.token_urlsafe(32)
        at = now()
        with self.begin() as conn:
            conn.execute(
                text("DELETE FROM sign_in_tickets WHERE expires_at < :at"), {"at": iso(at)}
            )
            conn.execute(
                text(
                    "INSERT INTO sign_in_tickets "
                    "(token_hash, user_id, csrf, next, via, expires_at) "
                    "VALUES (:h, :u, :c, :n, :v, :e)"
                ),
                {
                    "h": digest(token),
                    "u": user_id,
                    "c": secrets.token_urlsafe(24),
                    "n": next_page,
                    "v": via,
                    "e": iso(at + timedelta(minutes=TICKET_MIN)),
                },
            )
        return token

    def ticket(self, token: str) -> Ticket | None:
        if not token:
            return None
        with self.connect() as conn:
            row = (
                conn.execute(
                    text("SELECT * FROM sign_in_tickets WHERE token_hash = :h"),
                    {"h": digest(token)},
                )
                .mappings()
                .first()
            )
        if row is None or row["expires_at"] < iso(now()):
            return None
        return Ticket(int(row["user_id"]), row["csrf"], row["next"], row["via"])

    def end_ticket(self, token: str) -> None:
        with self.connect() as conn:
            conn.execute(
                text("DELETE FROM sign_in_tickets WHERE token_hash = :h"), {"h": digest(token)}
            )

    # -- password reset --------------------------------------------------------------------------
    def create_reset(self, user_id: int, minutes: int) -> str:
        """A single-use reset token good for ``minutes`` (kept as its SHA-256)."""
        token = secrets.token_urlsafe(32)
        at = now()
        with self.begin() as conn:
            conn.execute(
                text("DELETE FROM password_resets WHERE expires_at < :old"),
                {"old": iso(at - timedelta(days=1))},
            )
            conn.execute(
                text(
                    "INSERT INTO password_resets (token_hash, user_id, created_at, expires_at) "
                    "VALUES (:h, :u, :at, :e)"
                ),
                {
                    "h": digest(token),
                    "u": user_id,
                    "at": iso(at),
                    "e": iso(at + timedelta(minutes=minutes)),
                },
            )
        return token

    def reset_user(self, token: str) -> User | None:
        """The user of a reset token still good (unused, not expired), else ``None``."""
        if not token:
            return None
        with self.connect() as conn:
            row = conn.execute(
                text(
                    "SELECT user_id FROM password_resets WHERE token_hash = :h "
                    "AND used_at IS NULL AND expires_at >= :at"
                ),
                {"h": digest(token), "at": iso(now())},
            ).first()
        return self.user(int(row[0])) if row else None

    def use_reset(self, token: str, password: str) -> tuple[User, int] | None:
        """Set the password of the reset token's user and use the token up; every session of
        the user ends and every API token is revoked (:meth:`set_password`). ``None`` when the
        token is not good; a :class:`PasswordError` (the token kept) when the password is."""
        user = self.reset_user(token)
        if user is None:
            return None
        check_password(password, email=user.email, name=user.name)
        with self.begin() as conn:
            used = conn.execute(
                text(
                    "UPDATE password_resets SET used_at = :at WHERE token_hash = :h "
                    "AND used_at IS NULL AND expires_at >= :at"
                ),
                {"h": digest(token), "at": iso(now())},
            ).rowcount
            if used:  # every other link the user was sent stops working too
                conn.execute(
                    text("DELETE FROM password_resets WHERE user_id = :u AND used_at IS NULL"),
                    {"u": user.id},
                )
        if not used:
            return None
        sessions, _tokens = self.set_password(user.id, password)
        return user, int(sessions)

    # -- OpenID Connect --------------------------------------------------------------------------
    def start_oidc(self, nonce: str, verifier: str, next_page: str) -> str:
        """Record a sign-in sent to the provider: its ``state`` (kept as its SHA-256)."""
        state = secrets.token_urlsafe(32)
        at = now()
        with self.begin() as conn:
            conn.execute(text("DELETE FROM oidc_logins WHERE expires_at < :at"), {"at": iso(at)})
            conn.execute(
                text(
                    "INSERT INTO oidc_logins (state_hash, nonce, verifier, next, expires_at) "
                    "VALUES (:h, :n, :v, :x, :e)"
                ),
                {
                    "h": digest(state),
                    "n": nonce,
                    "v": verifier,
                    "x": next_page,
                    "e": iso(at + timedelta(minutes=OIDC_MIN)),
                },
            )
        return state

    def take_oidc(self, state: str) -> OidcLogin | None:
        """The sign-in of ``state``, used up (a replayed callback finds nothing)."""
        if not state:
            return None
        with self.begin() as conn:
            row = (
                conn.execute(
                    text("SELECT * FROM oidc_logins WHERE state_hash = :h"), {"h": digest(state)}
                )
                .mappings()
                .first()
            )
            if row is None:
                return None
            conn.execute(
                text("DELETE FROM oidc_logins WHERE state_hash = :h"), {"h": digest(state)}
            )
        if row["expires_at"] < iso(now()):
            return None
        return OidcLogin(row["nonce"], row["verifier"], row["next"])

    def sso_user(
        self, issuer: str, subject: str, email: str, name: str, *, create: bool, lang: str
    ) -> tuple[User, str] | None:
        """The user the provider vouched for: ``(user, how)`` — ``known`` (linked before),
        ``linked`` (the existing account of the verified e-mail, linked now) or ``created``
        (``create``: a new account with no password and no workspace); ``None`` when there
        is no account and none may be made."""
        email = email.strip().lower()
        at = iso(now())
        with self.begin() as conn:
            uid = conn.execute(
                text("SELECT user_id FROM sso_identities WHERE issuer = :i AND subject = :s"),
                {"i": issuer, "s": subject},
            ).scalar()
            how = "known"
            if uid is None:
                uid = conn.execute(
                    text("SELECT id FROM users WHERE email = :e"), {"e": email}
                ).scalar()
                how = "linked"
                if uid is None:
                    if not create:
                        return None
                    display = (name or email.split("@")[0]).strip()[:100]
                    uid = insert_user(conn, email, display, NO_PASSWORD, lang)
                    how = "created"
                    if uid is None:
                        return None
                conn.execute(
                    text(
                        "INSERT INTO sso_identities (issuer, subject, user_id, linked_at) "
                        "VALUES (:i, :s, :u, :at)"
                    ),
                    {"i": issuer, "s": subject, "u": uid, "at": at},
                )
        user = self.user(int(uid))
        return (user, how) if user else None


def _matching_step(secret: str, code: str, after: int) -> int | None:
    """The step (now ± :data:`WINDOW`) whose code ``code`` is, newer than ``after``."""
    code = code.strip().replace(" ", "")
    if len(code) != 6 or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret, interval=STEP_S)
    current = int(time.time()) // STEP_S
    for step in range(current - WINDOW, current + WINDOW + 1):
        if step > after and hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None
