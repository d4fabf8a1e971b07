"""Two ``socialops serve`` processes on one home folder share one accounts database — on SQLite
(the file) and on PostgreSQL (the home's schema): sign-in failures are counted across both (the
throttle trips after the same number of failures in total), a session made through one is
valid on the other (and ends on both), and an invitation raced through both admits exactly one
person. Also: processes racing the accounts' read-check-writes directly (spawned, each with its
own engine) lose no update."""

from __future__ import annotations

import multiprocessing
import re
import threading
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from served import Served
from sqlalchemy import text

from socialops.errors import AccountError
from socialops.store.workspace import Workspace
from socialops.web.accounts import Accounts, InvitationError
from socialops.web.auth import COOKIE

pytestmark = pytest.mark.slow

PASSWORD = "correct-horse-battery"
WRONG = "wrong-horse-battery"
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@pytest.fixture
def servers(database: str, tmp_path: Path) -> Iterator[tuple[Path, Served, Served]]:
    home = tmp_path / "home"
    Accounts(home).add_user("owner@example.com", PASSWORD, role="owner")
    first = Served(home)
    try:
        second = Served(home)
        try:
            yield home, first, second
        finally:
            second.stop()
    finally:
        first.stop()


def _at_once(n: int, call: Callable[[int], Any]) -> list[Any]:
    """``call(0..n-1)`` in ``n`` threads released together."""
    start = threading.Barrier(n)
    out: list[Any] = [None] * n

    def run(i: int) -> None:
        start.wait(timeout=60)
        out[i] = call(i)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=240)
    assert not any(th.is_alive() for th in threads), "the servers did not answer in time"
    return out


def test_two_servers_share_throttle_sessions_and_invitations(
    servers: tuple[Path, Served, Served],
) -> None:
    home, a, b = servers
    accounts = Accounts(home)
    both = (a, b)

    # sign-in failures: 12 wrong passwords at once, half through each server -> 5 checked in
    # all (the limit per e-mail and address), 7 refused; then the right one is refused too
    email = f"t-{uuid.uuid4().hex[:8]}@example.com"
    accounts.add_user(email, PASSWORD, role="viewer")
    clients = [httpx.Client(base_url=both[i % 2].url, timeout=240) for i in range(12)]
    forms = []
    for client in clients:
        found = CSRF.search(client.get("/login").text)
        assert found is not None
        forms.append(found.group(1))

    def guess(i: int) -> int:
        data = {"email": email, "password": WRONG, "csrf": forms[i]}
        return clients[i].post("/login", data=data, follow_redirects=False).status_code

    answers = _at_once(len(clients), guess)
    for client in clients:
        client.close()
    assert Counter(answers) == {401: 5, 429: 7}, answers
    assert a.sign_in(email, PASSWORD).status_code == 429
    assert b.sign_in(email, PASSWORD).status_code == 429
    with accounts.connect() as conn:
        failed = conn.execute(
            text("SELECT COUNT(*) FROM audit WHERE email = :e AND action = 'auth.sign_in_failed'"),
            {"e": email},
        ).scalar_one()
    assert failed == 5

    # a session made through one server is valid on the other, and ends on both
    with httpx.Client(base_url=a.url, timeout=120) as browser:
        assert a._post(browser, "owner@example.com", PASSWORD).status_code == 303
        cookie = browser.cookies[COOKIE]
    me = httpx.get(f"{b.url}/api/v1/me", cookies={COOKIE: cookie}, timeout=60)
    assert me.status_code == 200 and me.json()["email"] == "owner@example.com", me.text
    accounts.end_session(cookie)
    for server in both:
        gone = httpx.get(f"{server.url}/api/v1/me", cookies={COOKIE: cookie}, timeout=60)
        assert gone.status_code == 401

    # one invitation raced through both servers (8 people making the account): exactly one joins
    owner = accounts.user_by_email("owner@example.com")
    assert owner is not None
    invited = f"new-{uuid.uuid4().hex[:8]}@example.com"
    token, _ = accounts.invite("main", invited, "analyst", owner.id)
    people = [httpx.Client(base_url=both[i % 2].url, timeout=240) for i in range(8)]
    csrfs = []
    for person in people:
        page = person.get(f"/invite/{token}")
        found = CSRF.search(page.text)
        assert page.status_code == 200 and found is not None
        csrfs.append(found.group(1))

    def register(i: int) -> int:
        data = {"name": f"P{i}", "password": f"Quartz-Meadow-Signal-{i:02d}", "csrf": csrfs[i]}
        r = people[i].post(f"/invite/{token}/register", data=data, follow_redirects=False)
        return r.status_code

    done = _at_once(len(people), register)
    for person in people:
        person.close()
    assert done.count(303) == 1 and set(done) <= {303, 409, 410}, done
    user = accounts.user_by_email(invited)
    assert user is not None and accounts.role_of(user.id, "main") == "analyst"
    joined = [i for i, status in enumerate(done) if status == 303]
    assert accounts.check_credentials(invited, f"Quartz-Meadow-Signal-{joined[0]:02d}")


# -- processes racing the accounts directly ------------------------------------------------------
def _accept(args: tuple[str, str, int]) -> str:
    home, token, n = args
    try:
        Accounts(Path(home)).accept_invitation_as_new_user(token, f"Quartz-Meadow-Signal-{n:02d}")
    except InvitationError as exc:
        return exc.reason
    return "joined"


def _fail_and_count(args: tuple[str, str]) -> bool:
    home, key = args
    return Accounts(Path(home)).begin_sign_in([(key, 5)], 15) is not None


def _add_owner(args: tuple[str, str]) -> str:
    home, email = args
    try:
        Accounts(Path(home)).add_user(email, PASSWORD, role="owner")
    except AccountError as exc:
        return exc.code
    return "added"


def test_processes_race_the_accounts(database: str, tmp_path: Path) -> None:
    """Four spawned processes (each its own engine and connections): an invitation is accepted
    once, 12 counted attempts against a limit of 5 let 5 through, one e-mail is added once."""
    home = tmp_path / "home"
    accounts = Accounts(home)
    owner = accounts.add_user("owner@example.com", PASSWORD, role="owner")
    token, _ = accounts.invite("main", "racer@example.com", "viewer", owner.id)
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(4, mp_context=ctx) as pool:
        accepted = list(pool.map(_accept, [(str(home), token, n) for n in range(8)]))
        counted = list(pool.map(_fail_and_count, [(str(home), "k|127.0.0.1")] * 12))
        added = list(pool.map(_add_owner, [(str(home), "same@example.com")] * 6))
    assert accepted.count("joined") == 1 and set(accepted) <= {"joined", "used", "exists"}
    racer = accounts.user_by_email("racer@example.com")
    assert racer is not None and accounts.role_of(racer.id, "main") == "viewer"
    assert counted.count(True) == 5, counted
    assert added.count("added") == 1 and set(added) == {"added", "accounts.user_exists"}, added
    with accounts.connect() as conn:
        n = conn.execute(
            text("SELECT COUNT(*) FROM users WHERE email = 'same@example.com'")
        ).scalar_one()
    assert n == 1


def test_removing_a_workspace_removes_its_database(database: str, tmp_path: Path) -> None:
    """A deleted workspace leaves nothing: its folder, and on PostgreSQL its schema."""
    home = tmp_path / "home"
    accounts = Accounts(home)
    owner = accounts.add_user("owner@example.com", PASSWORD, role="owner")
    accounts.add_workspace("gone", "Gone", owner.id)
    ws = Workspace.open(accounts.workspace_dir("gone"))
    schema = ws.db.schema
    assert (schema is None) == (database == "sqlite")
    accounts.remove_workspace("gone")
    assert not accounts.workspace_dir("gone").exists() and accounts.slugs() == ["main"]
    if schema is not None:
        with accounts.connect() as conn:
            left = conn.execute(
                text("SELECT 1 FROM pg_namespace WHERE nspname = :s"), {"s": schema}
            ).first()
        assert left is None
