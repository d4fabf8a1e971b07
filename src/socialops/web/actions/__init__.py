"""The web action layer: one function per change the web workspace makes, called by both the
page route and the API route. Each action checks the permission (the caller's role in the
workspace, :mod:`socialops.web.permissions`), makes the change, invalidates what the change
makes stale (the workspace's cached analyses and pages) and writes the audit entry.

Routes only authenticate the caller (and, for a form, its CSRF token), read the request and
present the outcome: a redirect or re-rendered page, or JSON. An action raises
:class:`~socialops.web.auth.WebError` for a refusal (404 not a member, 403 not allowed, 404 no
such thing) and a :class:`~socialops.errors.SocialopsError` when the change itself is refused.

Modules, one per domain: :mod:`.base` (the :class:`~.base.Actor`), :mod:`.accounts` (the
caller's own account), :mod:`.members` (members and invitations), :mod:`.workspaces`,
:mod:`.topics`, :mod:`.data` (uploads), :mod:`.reports`, :mod:`.plans` (campaign plans
and the metrics imports they are measured against).
"""
