"""Who makes a change: :class:`Actor`, what every action is given."""

from __future__ import annotations

from typing import Any

from fastapi import Request

from socialops.web.accounts import Accounts, User
from socialops.web.auth import Access, Principal, WebError, accounts_of, client_ip, services_of
from socialops.web.permissions import allowed
from socialops.web.services import Services

__all__ = ["Actor", "actor_of"]


class Actor:
    """The signed-in caller of an action (already authenticated by the route), the address
    they came from, and the server's stores the change is made in. One per request: a
    caller's role in a workspace is looked up once."""

    def __init__(
        self, accounts: Accounts, services: Services, principal: Principal, ip: str | None
    ) -> None:
        self.accounts = accounts
        self.services = services
        self.principal = principal
        self.ip = ip
        self._roles: dict[str, str | None] = {}
        self._checked: set[str] = set()

    @property
    def user(self) -> User:
        return self.principal.user

    def role(self, workspace: str) -> str | None:
        """The caller's role in ``workspace`` (``None``: not a member)."""
        if workspace not in self._roles:
            self._roles[workspace] = self.accounts.role_of(self.user.id, workspace)
        return self._roles[workspace]

    def access(self, workspace: str, action: str) -> Access:
        """The caller as a member of ``workspace`` allowed ``action`` — else 404 (not a member:
        the workspace is not revealed) or 403."""
        role = self.role(workspace)
        if role is None:
            raise WebError(404, "unknown_workspace", workspace=workspace)
        if workspace not in self._checked:  # the workspace's two-factor rule (issue 18)
            if self.principal.via == "session" and self.accounts.two_factor_missing(
                self.user.id, workspace
            ):
                raise WebError(403, "two_factor_required", workspace=workspace)
            self._checked.add(workspace)
        if not allowed(role, action):
            raise WebError(403, "forbidden", role=role)
        return Access(self.principal, workspace, role)

    def audit(self, access: Access, action: str, target: str, **detail: Any) -> None:
        """Record a change made in a workspace: who (the caller), what, where from."""
        self.accounts.audit(
            action,
            user=self.user,
            workspace=access.workspace,
            target=target,
            detail=detail or None,
            ip=self.ip,
        )

    def audit_own(
        self,
        action: str,
        *,
        user: User | None = None,
        target: str | None = None,
        detail: dict[str, Any] | None = None,
    ) -> None:
        """Record a change to the caller's own account (in no workspace; the account page's
        activity)."""
        self.accounts.audit(
            action, user=user or self.user, target=target, detail=detail, ip=self.ip
        )


def actor_of(request: Request, principal: Principal) -> Actor:
    """The actor of a request whose caller the route has authenticated as ``principal``."""
    return Actor(accounts_of(request), services_of(request), principal, client_ip(request))
