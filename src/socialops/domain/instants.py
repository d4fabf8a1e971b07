"""Instants as the workspace database stores them: ISO 8601 in UTC, to the microsecond, so
that they sort as text. One copy for every layer (publishing, the inbox, notifications)."""

from __future__ import annotations

from datetime import UTC, datetime

__all__ = ["iso_utc", "now_iso"]


def iso_utc(dt: datetime) -> str:
    """An instant as stored: ISO 8601 in UTC, to the microsecond (sorts as text)."""
    return dt.astimezone(UTC).isoformat(timespec="microseconds")


def now_iso() -> str:
    """Now, as stored."""
    return iso_utc(datetime.now(UTC))
