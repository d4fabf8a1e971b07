"""A plan's target segments linked to saved customer segments (issue 17 item 6): a segment of
the plan (:class:`socialops.domain.plan.Segment`) may name a segment saved in the workspace
(``saved``: an RFM segment, a targeting model's top scorers…); the plan page shows its size,
and a plan naming a saved segment that does not exist is refused (nothing saved)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from socialops.errors import PlanError
from socialops.segment.store import list_segments

if TYPE_CHECKING:
    from socialops.domain.plan import Plan
    from socialops.store.workspace import Workspace

__all__ = ["check_saved_segments", "saved_segment_sizes", "target_segments"]


def saved_segment_sizes(ws: Workspace) -> dict[str, int]:
    """Every saved segment's name and number of customers."""
    return {s.name: s.size for s in list_segments(ws)}


def check_saved_segments(ws: Workspace, plan: Plan) -> None:
    """Refuse a plan whose target segment names a saved segment the workspace does not have."""
    named = [s for s in plan.segments if s.saved]
    if not named:
        return
    known = saved_segment_sizes(ws)
    for s in named:
        if s.saved not in known:
            raise PlanError("plan.saved_segment_unknown", segment=s.name, saved=s.saved[:100])


def target_segments(ws: Workspace, plan: Plan) -> list[dict[str, Any]]:
    """The plan's segments for its page: ``{name, saved, size, missing}`` — ``size`` the saved
    segment's customers (``None`` when it names none, ``missing`` when it was deleted since)."""
    known = saved_segment_sizes(ws) if any(s.saved for s in plan.segments) else {}
    return [
        {
            "name": s.name,
            "saved": s.saved,
            "size": known.get(s.saved) if s.saved else None,
            "missing": bool(s.saved) and s.saved not in known,
        }
        for s in plan.segments
    ]
