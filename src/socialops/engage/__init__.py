"""Engage: the customer-care inbox — messages from every channel into conversations (one per
customer and channel thread), contacts, cases with their SLA clock, routing by the running plan's
operating policy, assignment, replies and the team report.

The way in is :func:`socialops.engage.receive.receive`; reading is
:mod:`socialops.engage.conversations`; cases, teams, routing, contacts, saved replies, presence
and the event log each have their module. This package imports nothing on its own so that any
of its modules can be imported without the others (import the module you need)."""

from __future__ import annotations

__all__: list[str] = []
