"""The posts explorer's in-memory index gives exactly the pages the store's query gives (same
totals, same posts in the same order, same texts) for queries, filters and every sort, and a
page is a slice once a query has been evaluated."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import duckdb
import pytest

from socialops.errors import QueryError, SettingsError
from socialops.listen.scope import parse_day
from socialops.store.workspace import Workspace
from socialops.web import services as services_module
from socialops.web.accounts import Accounts
from socialops.web.explorer import PostQuery
from socialops.web.services import Services
from workspace_copy import copy_workspace


@pytest.fixture(scope="module")
def services(airline_ws: Workspace, tmp_path_factory: pytest.TempPathFactory) -> Services:
    home = tmp_path_factory.mktemp("svc") / "home"
    copy_workspace(airline_ws.root, home, "cache")
    return Services(Accounts(Path(home)))


QUERIES = [
    PostQuery(),
    PostQuery(page=7, per_page=50),
    PostQuery(q="cancelled", page=3),
    PostQuery(q="cancelled -bag*", sort="engagement", page=2),
    PostQuery(q='"customer service" OR rude', sort="oldest", page=4, per_page=10),
    PostQuery(
        sentiment="negative", lang="en", date_from="2015-02-20", date_to="2015-02-22", page=5
    ),
    PostQuery(q="@united AND (lost OR bag*)", sort="engagement"),
    PostQuery(sort="oldest", page=290),  # the last page
    PostQuery(q="zzzznothing"),
]


@pytest.mark.parametrize("pq", QUERIES, ids=lambda p: f"{p.q or 'all'}-{p.sort}-{p.page}")
def test_explorer_index_equals_store_query(services: Services, pq: PostQuery) -> None:
    fast = services.posts("main", pq)
    ref = services._posts_from_store(
        "main", pq, parse_day(pq.date_from, "from"), parse_day(pq.date_to, "to")
    )
    assert services._explorer("main") is not None  # the index path was taken
    assert fast["total"] == ref["total"] and fast["pages"] == ref["pages"]
    keys = [(r["platform"], r["post_id"], r["text"], r["sentiment"]) for r in fast["items"]]
    assert keys == [(r["platform"], r["post_id"], r["text"], r["sentiment"]) for r in ref["items"]]
    assert len(fast["items"]) == min(
        pq.per_page, max(0, fast["total"] - (pq.page - 1) * pq.per_page)
    )


def test_explorer_errors(services: Services) -> None:
    with pytest.raises(QueryError, match="position"):
        services.posts("main", PostQuery(q="(cancelled"))
    with pytest.raises(SettingsError, match="per_page"):
        services.posts("main", PostQuery(per_page=500))
    with pytest.raises(SettingsError, match="after"):
        services.posts("main", PostQuery(date_from="2015-02-22", date_to="2015-02-20"))


def test_warm_fills_the_caches(services: Services) -> None:
    """What the first visitors would wait for is ready after warm(): the explorer index, and
    the dashboard and topic-page analyses (a later call is a cache hit)."""
    from socialops.web.services import WARM_ANALYSES, scope_of

    services.warm()
    assert services._explorers["main"][1] is not None
    before = len(services._cache)
    for name in WARM_ANALYSES:
        services.analysis("main", name, None, scope_of(None, None, "day"))
    assert len(services._cache) == before  # every one was cached by warm()


def test_a_store_is_not_held_while_its_version_is_looked_at(services: Services) -> None:
    """A request for the store finds the data version before it takes the store's slot: the
    thread reading the stamps may forget the workspace (made again), which takes the slots'
    locks. The other order deadlocked two page builds of the soak for good."""
    with services.store("main"):
        pass
    slot = services._slots["main"]
    services._versions.pop("main", None)  # looked at again: a request waits for the stamps
    services._stamping.acquire()  # another thread reads the stamps
    entered = threading.Event()

    def request() -> None:
        with services.store("main"):
            entered.set()

    t = threading.Thread(target=request, daemon=True)
    try:
        t.start()
        time.sleep(0.3)  # the request is waiting for the stamps now
        assert not entered.is_set()
        assert slot.lock.acquire(timeout=2), "the request holds the slot while it waits"
        slot.lock.release()
    finally:
        services._stamping.release()
    t.join(timeout=30)
    assert entered.is_set()


def test_after_an_upload_the_store_answers_while_the_index_is_rebuilt(
    services: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """New posts are in the explorer at once: while the index of the new data version is
    being rebuilt (in the background), pages and the API are answered from the store; then
    from the new index. (Last in this module: it adds posts to the module's workspace.)"""
    from socialops.listen.ingest import import_file
    from socialops.sources.enrich import enrich_workspace

    services.posts("main", PostQuery())
    old_version, _ = services._explorers["main"]
    with services.store("main", quick=True) as st:
        before = st.con
    with services.store("main", quick=True) as st:
        assert st.con is before  # one data version: one connection (its file metadata cached)
    fresh = tmp_path / "fresh.csv"
    rows = [f"fresh-{i},explorerfresh number {i},2015-02-24 10:00:00 -0800,me" for i in range(3)]
    fresh.write_text("id,text,created_at,author\n" + "\n".join(rows) + "\n", encoding="utf-8")
    ws = services.workspace("main")
    assert import_file(ws, fresh).imported == 3
    enrich_workspace(ws)
    services._versions.pop("main", None)  # (the files are looked at again every second)
    got = services.posts("main", PostQuery(q="explorerfresh"))
    assert got["total"] == 3  # at once, from the store, or from the index if rebuilt already
    with services.store("main", quick=True) as st:
        assert st.con is before  # new data, but the connection is younger than STORE_RENEW_S
    monkeypatch.setattr(services_module, "STORE_RENEW_S", 0.0)
    with services.store("main", quick=True) as st:
        assert st.con is not before  # a new data version: a fresh connection, the old closed
    with pytest.raises(duckdb.ConnectionException):
        before.con.execute("SELECT 1")
    deadline = time.monotonic() + 60
    while services._explorers["main"][0] == old_version:  # rebuilt in the background
        assert time.monotonic() < deadline, "the explorer index was not rebuilt"
        time.sleep(0.05)
    again = services.posts("main", PostQuery(q="explorerfresh"))
    assert services._explorer("main") is services._explorers["main"][1]  # the index's answer
    assert again["total"] == 3
    keys = [(r["platform"], r["post_id"], r["text"]) for r in again["items"]]
    assert keys == [(r["platform"], r["post_id"], r["text"]) for r in got["items"]]
