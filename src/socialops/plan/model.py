"""Moved to :mod:`socialops.domain.plan` (re-exported for plan/store.py until it follows)."""

from socialops.domain.plan import Plan, StateEvent, validate_plan

__all__ = ["Plan", "StateEvent", "validate_plan"]
