"""Moved to :mod:`socialops.domain.channels` (re-exported for plan/store.py until it follows)."""

from socialops.domain.channels import load_channels

__all__ = ["load_channels"]
