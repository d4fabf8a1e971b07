"""The roles and permissions of the web workspace: :mod:`socialops.domain.permissions` (they moved
there so that the plan workflow, below the web, checks them too without importing the web)."""

from __future__ import annotations

from socialops.domain.permissions import ACTIONS, MATRIX, ROLES, allowed

__all__ = ["ACTIONS", "MATRIX", "ROLES", "allowed"]
