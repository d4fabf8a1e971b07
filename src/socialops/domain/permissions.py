"""Who may do what: the roles and the permission matrix, the one place the web workspace, its
API and the plan workflow check permissions (pure data; the web imports it as
:mod:`socialops.web.permissions`).

A user's role is per workspace (a membership). Roles, from the issue: owner (everything,
members, delete), manager (plans, topics, approvals, settings), agent (inbox work), analyst
(data, topics, reports), viewer (read only). Every page and endpoint names one :data:`ACTIONS`
entry; :func:`allowed` is the only test of it.
"""

from __future__ import annotations

__all__ = ["ACTIONS", "MATRIX", "ROLES", "allowed"]

ROLES: tuple[str, ...] = ("owner", "manager", "agent", "analyst", "viewer")

ACTIONS: dict[str, str] = {
    "view": "see the workspace: dashboard, topics, posts, reports, imports",
    "topics.edit": "add, change and remove tracked topics",
    "data.import": "upload files and import posts",
    "reports.create": "generate listening reports",
    "reports.schedule": "add, change, run and remove scheduled reports (e-mailed to members)",
    "settings.edit": "change workspace settings",
    "plans.edit": "write campaign plans",
    "plans.approve": "approve campaign plans",
    "inbox.work": "answer and route conversations in the inbox",
    "inbox.manage": "assign cases to others, approve replies, edit saved replies, teams and SLAs",
    "inbox.personal_data": "see personal data (phone, card, account and resident numbers) unmasked",
    "publish.draft": "write posts, schedule them for review and do manual publish tasks",
    "publish.direct": "schedule and publish posts without approval (unless a plan says otherwise)",
    "publish.approve": "approve or reject posts waiting for review",
    "profiles.manage": "connect, pause and remove social profiles; pause all publishing",
    "members.manage": "add members, change roles, remove members",
    "audit.view": "read the audit log",
    "workspace.delete": "delete the workspace",
    "measure.view": "see campaign effects, tests, attribution, channel mix and segments",
    "measure.run": "run effect, test, mix and attribution analyses on uploaded or stored data",
    "segments.manage": "build, save and delete customer segments and targeting models",
    "audience.export": "export a segment as an ad-platform audience file (personal data, hashed)",
    "privacy.requests": "find, export and erase one person's personal data; set retention rules",
}

MATRIX: dict[str, frozenset[str]] = {
    "owner": frozenset(ACTIONS),
    "manager": frozenset(
        {
            "view",
            "topics.edit",
            "reports.create",
            "reports.schedule",
            "settings.edit",
            "plans.edit",
            "plans.approve",
            "audit.view",
            "publish.draft",
            "publish.direct",
            "publish.approve",
            "profiles.manage",
            "inbox.work",
            "inbox.manage",
            "measure.view",
            "measure.run",
            "segments.manage",
            "audience.export",
        }
    ),
    "agent": frozenset({"view", "inbox.work", "publish.draft", "measure.view"}),
    "analyst": frozenset(
        {
            "view",
            "topics.edit",
            "data.import",
            "reports.create",
            "reports.schedule",
            "publish.draft",
            "measure.view",
            "measure.run",
            "segments.manage",
        }
    ),
    "viewer": frozenset({"view", "measure.view"}),
}


def allowed(role: str | None, action: str) -> bool:
    """Whether ``role`` (``None``: not a member) may do ``action``."""
    if action not in ACTIONS:
        raise KeyError(f"unknown action {action!r}")
    return role is not None and action in MATRIX.get(role, frozenset())
