"""The workspace and accounts databases under test, as Ibis tests its backends.

- The ``database`` fixture (params ``sqlite``, ``postgresql``) runs a test once per database:
  every test that is about the databases themselves (migrations, copy, concurrency, the ledger,
  accounts, plans) takes it.
- ``SOCIALOPS_TEST_DATABASE=postgresql`` runs the WHOLE suite with the workspace and accounts
  databases on PostgreSQL (``make test-postgres``; CI runs it after the SQLite run).

PostgreSQL is the server this machine kind starts (127.0.0.1:5432, database ``test``, or
``SOCIALOPS_TEST_POSTGRES_URL``). Each test run (each xdist worker) uses schemas of its own
prefix (``SOCIALOPS_DATABASE_SCHEMA_PREFIX``) and drops them when it ends. Without the server the
PostgreSQL cases skip on a developer machine and FAIL when ``CI=true``.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text

PG_URL = os.environ.get(
    "SOCIALOPS_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
DATABASES = ("sqlite", "postgresql")
WHOLE_RUN = os.environ.get("SOCIALOPS_TEST_DATABASE", "sqlite").strip().lower()


def run_prefix() -> str:
    """This test process's schema prefix (made once, shared by the subprocesses it starts)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    prefix = os.environ.get("SOCIALOPS_TEST_SCHEMA_PREFIX", "")
    if not prefix.endswith(f"_{worker}"):  # not inherited from the xdist controller
        prefix = f"t{secrets.token_hex(4)}_{worker}"
        os.environ["SOCIALOPS_TEST_SCHEMA_PREFIX"] = prefix
    return prefix


_reachable: bool | None = None


def postgres_reachable() -> bool:
    global _reachable
    if _reachable is None:
        try:
            engine = create_engine(PG_URL, connect_args={"connect_timeout": 3})
            with engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            engine.dispose()
            _reachable = True
        except Exception:
            _reachable = False
    return _reachable


def require_postgres() -> None:
    if postgres_reachable():
        return
    msg = f"PostgreSQL not reachable at {PG_URL}"
    if os.environ.get("CI") == "true":
        pytest.fail(msg)
    pytest.skip(msg)


def use_postgres(env: pytest.MonkeyPatch | None = None) -> None:
    """Point the databases at PostgreSQL (for this test with ``env``, else for the process)."""
    if env is None:
        os.environ["SOCIALOPS_DATABASE_URL"] = PG_URL
        os.environ["SOCIALOPS_DATABASE_SCHEMA_PREFIX"] = run_prefix()
    else:
        env.setenv("SOCIALOPS_DATABASE_URL", PG_URL)
        env.setenv("SOCIALOPS_DATABASE_SCHEMA_PREFIX", run_prefix())


def drop_schemas() -> None:
    """Drop every schema this run made."""
    if not postgres_reachable() or not os.environ.get("SOCIALOPS_TEST_SCHEMA_PREFIX"):
        return
    prefix = run_prefix()
    engine = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        names = conn.execute(
            text("SELECT nspname FROM pg_namespace WHERE nspname LIKE :p"),
            {"p": prefix.replace("_", r"\_") + r"\_%"},
        ).scalars()
        for name in list(names):
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))
    engine.dispose()


@pytest.fixture(params=DATABASES)
def database(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """``sqlite`` or ``postgresql``: the database this test's workspaces and accounts use."""
    from socialops.store.db import dispose_all

    if request.param == "postgresql":
        require_postgres()
        use_postgres(monkeypatch)
    else:
        monkeypatch.delenv("SOCIALOPS_DATABASE_URL", raising=False)
    yield request.param
    dispose_all()
