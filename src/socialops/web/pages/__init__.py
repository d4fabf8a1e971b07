"""The pages of the web workspace (server-rendered Jinja2 through :mod:`socialops.web.render`),
one module per domain, each a thin route over :mod:`socialops.web.actions`:

- :mod:`.sign_in`: sign-in, sign-out, the start page, the language switch, the switcher;
- :mod:`.dashboard`, :mod:`.topics` (the list and a topic's page), :mod:`.posts`;
- :mod:`.data` (imports, quarantine, upload), :mod:`.reports`;
- :mod:`.members` (members, invitations, audit log), :mod:`.settings`, :mod:`.account`;
- :mod:`.common`: access checks, the workspace page frame, paging.

Each page names the action it needs (socialops.web.permissions); a page read without a session
goes to the sign-in page. Every form is a POST carrying the session's CSRF token (field
``csrf``); every change is an action, which writes the audit entry. After a change the browser
is sent back to the page (post/redirect/get) with ``?ok=KEY``, one of
:data:`~socialops.web.pages.common.NOTICES`; an error re-renders the page with the message and
the form as typed."""

from __future__ import annotations

from fastapi import APIRouter

from socialops.web import inbox_stream
from socialops.web.pages import (
    account,
    dashboard,
    data,
    inbox,
    inbox_case,
    inbox_report,
    measure,
    measure_touches,
    members,
    oauth_connect,
    posts,
    privacy,
    profiles,
    publishing,
    queue,
    reports,
    sample_data,
    schedules,
    segments,
    settings,
    short_links,
    sign_in,
    sign_in_factors,
    topics,
    two_factor,
)
from socialops.web.pages.common import LOGIN_CSRF

__all__ = ["LOGIN_CSRF", "router"]

router = APIRouter(include_in_schema=False)
for _module in (
    sign_in,
    sign_in_factors,  # the two-factor code step, single sign-on, password reset (issue 18)
    two_factor,  # two-factor on the account page and a workspace's rule (issue 18)
    dashboard,
    topics,
    posts,
    data,
    members,
    schedules,  # /w/{ws}/reports/schedules: before reports' /w/{ws}/reports/{file}
    reports,
    sample_data,
    account,
    settings,
    publishing,  # publishing: the composer and media, the queue, tasks, approvals, profiles
    queue,
    profiles,
    oauth_connect,  # connecting a profile through the platform's consent page
    inbox_report,  # the inbox team report
    inbox,  # the inbox: list, conversation, profile; its forms
    inbox_case,  # a case, the saved replies
    inbox_stream,  # /w/{ws}/inbox/events: live updates (server-sent events)
    measure,  # Measure: campaign effect, tests, attribution, channel mix (issue 17)
    measure_touches,  # the attribution tab's touches upload (issue 17 item 4)
    segments,  # Segments: saved segments, RFM, attributes, model, audience files (issue 17)
    privacy,  # personal-data requests and retention rules, owners only (issue 18)
    short_links,  # /l/{code}: public
):
    router.include_router(_module.router)
