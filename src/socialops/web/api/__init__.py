"""The REST API, ``/api/v1``: everything the pages do, for scripts. Authenticate with a personal
token (``Authorization: Bearer sot_…``, from ``socialops token create EMAIL`` or
``POST /api/v1/me/tokens``) or the page session (changes then need ``X-CSRF-Token``). Errors have
one shape: ``{"error": {"status", "code", "message"}}``. Lists are paginated with ``page`` and
``per_page`` and answer ``{total, page, per_page, pages, items}``. Every endpoint names the
action it needs (socialops.web.permissions); every change is a function of
:mod:`socialops.web.actions`, which the pages call too.

One module per domain: :mod:`.me`, :mod:`.workspaces`, :mod:`.topics`, :mod:`.listening`
(analyses and posts), :mod:`.data`, :mod:`.members` (members, invitations, audit);
:mod:`.common` holds the models and types."""

from __future__ import annotations

# the modules add their routes to ``router`` as they are imported, in this order (the order of
# the OpenAPI description)
# isort: off
from socialops.web.api import me, workspaces, topics, listening, data, members  # noqa: F401
from socialops.web.api import publishing  # noqa: F401  (profiles and the publish queue)
from socialops.web.api import oauth_connect  # noqa: F401  (profiles through a consent page)
from socialops.web.api import inbox_report  # noqa: F401  (the inbox team report)
from socialops.web.api import inbox  # noqa: F401  (conversations, cases, contacts, saved replies)
from socialops.web.api import measure, segments  # noqa: F401  (issue 17: measure and segments)
from socialops.web.api import measure_touches  # noqa: F401  (issue 17: attribution from touches)
from socialops.web.api import schedules  # noqa: F401  (issue 17: scheduled reports)
from socialops.web.api import privacy  # noqa: F401  (issue 18: personal-data requests)

# isort: on
from socialops.web.api.common import ERRORS, Done, Slug, router

__all__ = ["ERRORS", "Done", "Slug", "router"]
