"""What the campaign-plan pages share (:mod:`socialops.web.plan_pages` and the edit and
calendar pages): the plan store of the page's workspace, a refusal as status and sentence,
the "done" banner, the plan page frame with the plan labels, redirects and form fields."""

from __future__ import annotations

import re
from typing import Any

from fastapi import Request
from fastapi.responses import RedirectResponse, Response

from socialops.domain.kpis import LIBRARY
from socialops.i18n import MESSAGES
from socialops.plan.labels import labels
from socialops.plan.messages import PlanError
from socialops.plan.store import PlanStore
from socialops.store.workspace import Workspace
from socialops.web.auth import Access, lang_of
from socialops.web.auth import services_of as _services
from socialops.web.pages.common import workspace_page as _page
from socialops.web.plan_forms import FormError
from socialops.web.plan_http import plan_error_status

__all__ = [
    "DONE",
    "FACTOR_KEYS",
    "MAX_FORM_FIELDS",
    "back",
    "check_plan_id",
    "done_of",
    "form_fields",
    "kpi_library",
    "plan_page",
    "plan_store",
    "refusal",
    "workspace_of",
]

DONE = frozenset(
    {
        "created",
        "saved",
        "moved",
        "channel_added",
        "channel_removed",
        "item_saved",
        "item_deleted",
        "deleted",
        "metrics_imported",
    }
)
MAX_FORM_FIELDS = 3000
FACTOR_KEYS = frozenset(k for k in MESSAGES if k.startswith("plans.factor."))
_PLAN_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")


def workspace_of(request: Request, access: Access) -> Workspace:
    found: Workspace = _services(request).workspace(access.workspace)
    return found


def plan_store(request: Request, access: Access) -> PlanStore:
    return PlanStore(workspace_of(request, access))


def refusal(exc: PlanError | FormError, lang: str) -> tuple[int, str]:
    """The page's status and sentence for a refused change."""
    if isinstance(exc, PlanError):
        return plan_error_status(exc), exc.text(lang)
    return 400, exc.text(lang)


def done_of(request: Request) -> str | None:
    ok = request.query_params.get("ok") if request.method == "GET" else None
    return ok if ok in DONE else None


def plan_page(
    request: Request, access: Access, template: str, status: int = 200, **ctx: Any
) -> Response:
    """A plan page: the workspace page with the plan labels (``L``) in the user's language."""
    return _page(
        request,
        access,
        template,
        "plans",
        status=status,
        L=labels(lang_of(request)),
        factor_keys=FACTOR_KEYS,
        **ctx,
    )


def back(ws: str, path: str, ok: str) -> Response:
    return RedirectResponse(f"/w/{ws}/plans{path}?ok={ok}", status_code=303)


def check_plan_id(plan_id: str) -> None:
    if not _PLAN_ID.fullmatch(plan_id):
        raise PlanError("plan.not_found", plan_id=plan_id[:40])


def form_fields(form: Any) -> dict[str, list[str]]:
    return {k: [v for v in form.getlist(k) if isinstance(v, str)] for k in form}


def kpi_library() -> dict[str, Any]:
    return dict(LIBRARY)
