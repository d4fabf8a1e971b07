"""Whether an error means the database cannot be reached right now (PostgreSQL restarting or
failing over, a connection cut, the pool exhausted) rather than a bug: the web answers 503 and
the workers wait and go on (found by the soak's PostgreSQL restart, bench/soak.py)."""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

__all__ = ["database_unavailable"]


def database_unavailable(exc: BaseException) -> bool:
    """Whether ``exc`` (or what caused it) says the database cannot be reached right now."""
    seen: set[int] = set()
    cur: BaseException | None = exc
    while cur is not None and id(cur) not in seen:
        seen.add(id(cur))
        if isinstance(cur, OperationalError | PoolTimeout):
            return True
        if isinstance(cur, DBAPIError) and cur.connection_invalidated:
            return True
        if type(cur).__module__.startswith("psycopg") and type(cur).__name__ in (
            "OperationalError",
            "InterfaceError",
        ):
            return True
        cur = cur.__cause__ or cur.__context__
    return False
