"""Shared fixtures.

Tests that need the real sample data use the ``data_dir`` fixture (or ``shared_file``): they
skip on a developer machine without it, and FAIL when ``CI=true`` (CI always has the data).
"""

from __future__ import annotations

import csv
import gzip
import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import pytest

from analytics_cases import AIRLINE_TZ, AIRLINES, ENGINES, MOVIE_WORDS, MOVIES
from databases import WHOLE_RUN, database, drop_schemas, require_postgres, use_postgres
from platform_servers import local_pds, mastodon_mock  # noqa: F401  (session fixtures)
from socialops.listen.influencers import influencers
from socialops.listen.ingest import import_file
from socialops.listen.scope import Scope, resolve
from socialops.listen.topics import add_topic, list_topics
from socialops.sources.enrich import enrich_workspace
from socialops.store.analytics import open_store
from socialops.store.workspace import Workspace
from spark_cluster import spark_cluster  # noqa: F401  (session fixture)

REPO = Path(__file__).resolve().parents[1]
__all__ = ["database"]  # the database fixture (tests/databases.py), re-exported for pytest

if WHOLE_RUN == "postgresql":  # the whole run on PostgreSQL (make test-postgres)
    use_postgres()


def pytest_sessionstart(session: pytest.Session) -> None:
    if WHOLE_RUN == "postgresql":
        try:
            require_postgres()
        except pytest.skip.Exception as exc:
            raise pytest.UsageError(str(exc)) from None


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    drop_schemas()


# web apps made by tests do not warm their caches in a background thread (it would compete with
# the tests for the two cores); tests/web/test_services.py calls Services.warm itself
os.environ.setdefault("SOCIALOPS_WEB_WARM", "0")
# pages wait for their figures (the tests read them); tests/web/test_page_budget.py checks the
# one-second budget and what a page shows meanwhile
os.environ.setdefault("SOCIALOPS_WEB_PAGE_WAIT", "0")
# errors read in English unless a test asks for Korean (SOCIALOPS_LANG=ko), the CLI's default
os.environ.setdefault("SOCIALOPS_LANG", "en")


def _data_dir() -> Path:
    env = os.environ.get("SOCIALOPS_DATA_DIR")
    return Path(env) if env else (REPO.parent / "shared" / "data")


@pytest.fixture(scope="session")
def data_dir() -> Path:
    d = _data_dir()
    if not d.is_dir():
        msg = f"shared sample data not found at {d} (set SOCIALOPS_DATA_DIR)"
        if os.environ.get("CI") == "true":
            pytest.fail(msg)
        pytest.skip(msg)
    return d


@pytest.fixture(scope="session")
def shared_file(data_dir: Path) -> Callable[[str], Path]:
    """``shared_file("nsmc/reviews.tsv.gz")`` → the path, failing in CI when it is missing."""

    def get(rel: str) -> Path:
        p = data_dir / rel
        if not p.exists():
            msg = f"shared data file missing: {p}"
            if os.environ.get("CI") == "true":
                pytest.fail(msg)
            pytest.skip(msg)
        return p

    return get


@pytest.fixture(scope="session")
def spark_ready() -> Iterator[None]:
    """One local Spark session for the whole run (its start is slow); fails in CI without Java."""
    from socialops.errors import EngineError
    from socialops.store.spark import get_spark

    try:
        get_spark()
    except EngineError as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(str(exc))
        pytest.skip(str(exc))
    yield


# -- the analytics store's engines, as Ibis tests its backends ------------------------------
# Every stats and listening query test takes the ``engine`` fixture and so runs once per engine:
# DuckDB, local Spark (``local[*]``) and a Spark standalone cluster (``spark-cluster``: a master
# and two workers of the session, tests/spark_cluster.py; the fixture's value is its master URL).
# The Spark runs are marked ``spark`` (deselect with ``-m "not spark"``) and, like every Spark
# test, run in the one xdist worker that holds the JVM (``pytest_collection_modifyitems`` below).
# Results are compared with the reference engine's (``analytics_cases.REFERENCE_ENGINE``): on
# DuckDB itself that is the same answer again from a fresh connection over the caches the first
# run left. Test modules import ``ENGINES`` and ``REFERENCE_ENGINE`` from ``analytics_cases``.


@pytest.fixture(scope="session", params=ENGINES)
def engine(request: pytest.FixtureRequest) -> str:
    """The name of the analytics engine a query test runs on (``open_store(ws, engine)``).

    Session-scoped so that pytest runs every DuckDB case before the Spark ones and module
    fixtures built on it (results computed once per engine) are built once per engine."""
    name: str = request.param
    if name == "spark":
        request.getfixturevalue("spark_ready")
    if name == "spark-cluster":  # the engine is the cluster's master URL
        master: str = request.getfixturevalue("spark_cluster")
        return master
    return name


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Workspace:
    """A fresh, empty workspace in a temporary folder (also set as SOCIALOPS_HOME)."""
    root = tmp_path / "ws"
    monkeypatch.setenv("SOCIALOPS_HOME", str(root))
    return Workspace.open(root)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Run every Spark test in one xdist worker, so one JVM serves them all; mark every test
    that drives Chromium ``browser`` (the PostgreSQL pass of ``make test`` leaves those out:
    they check pages in a browser, and the databases under the pages are checked there by the
    same pages' tests without a browser)."""
    loadgroup = getattr(config.option, "loadgroup", False)
    if os.environ.get("SOCIALOPS_TEST_SECOND_PASS") == "1":
        # make test's PostgreSQL pass: a test that takes the database fixture ran on both
        # databases in the first pass already
        kept = [i for i in items if "database" not in getattr(i, "fixturenames", ())]
        if len(kept) < len(items):
            config.hook.pytest_deselected(items=[i for i in items if i not in kept])
            items[:] = kept
    _cluster_last(items)
    for item in items:
        fixtures = getattr(item, "fixturenames", ())
        if "chromium" in fixtures:
            item.add_marker(pytest.mark.browser)
        group = _group_of(item, fixtures)
        if group is None:
            continue
        if item.get_closest_marker("xdist_group") is None:
            item.add_marker(pytest.mark.xdist_group(group))
        if loadgroup and not hasattr(item, "_nodeid"):
            _add_group_suffix(item, group)


def _on_cluster(item: pytest.Item) -> bool:
    callspec = getattr(item, "callspec", None)
    engine = callspec.params.get("engine") if callspec is not None else None
    return engine == "spark-cluster" or "spark_cluster" in getattr(item, "fixturenames", ())


def _cluster_last(items: list[pytest.Item]) -> None:
    """The Spark tests on the session's cluster after the other Spark tests (in their places
    in ``items``): one process has one Spark session, and each change of master stops one and
    starts the other (seconds each)."""
    places = [i for i, item in enumerate(items) if item.get_closest_marker("spark") is not None]
    ordered = sorted((items[i] for i in places), key=_on_cluster)  # stable
    for i, item in zip(places, ordered, strict=True):
        items[i] = item


def _group_of(item: pytest.Item, fixtures: Iterable[str]) -> str | None:
    """The xdist group a test runs in: every Spark test in one (one JVM); the tests of a module
    that share its web home (the module-scoped ``web`` fixture: one home a module, and its
    tests build on one another's changes) in one a module; every test of the local Bluesky
    network in one; a group a module names itself."""
    if item.get_closest_marker("spark") is not None:
        return "spark"
    named = item.get_closest_marker("xdist_group")
    if named is not None:
        return str(named.args[0] if named.args else named.kwargs.get("name", "default"))
    if "web" in fixtures:
        return f"web-{item.path.stem}"
    if "local_pds" in fixtures:  # one local Bluesky network per test session
        return "local_pds"
    if _shares_a_module_fixture(item):
        return f"module-{item.path.stem}"
    return None


def _shares_a_module_fixture(item: pytest.Item) -> bool:
    """Whether the test takes a module-scoped fixture (a home, a server, a soak run): its module
    then runs in one worker, which builds the fixture once (spread over two, each builds it)."""
    info = getattr(item, "_fixtureinfo", None)
    if info is None:
        return False
    return any(defs and defs[-1].scope == "module" for defs in info.name2fixturedefs.values())


def _add_group_suffix(item: pytest.Item, group: str) -> None:
    """What xdist's ``--dist loadgroup`` does to a grouped test's id (``<id>@<group>``, read by
    its scheduler), for pytest 9: its nodes keep their id in ``_id``, and xdist 3.8 still sets
    ``_nodeid``, which then changes nothing, so every worker started its own JVM."""
    from _pytest.nodeid import coerce_node_id  # pytest 9's private node id type

    item._id = coerce_node_id(f"{item.nodeid}@{group}")  # type: ignore[attr-defined]


# -- listening: real data imported, enriched and tracked once per test session -------------
# Listening fixtures: real data imported, enriched and tracked once per test session.
#
# - ``airline_ws``: ``airline_tweets/Tweets.csv`` (14,640 rows, 155 repeated tweet ids) with the six
#   airlines as brand topics. Days are bucketed in the data's own zone (US Pacific, the offset the
#   tweets carry), as a US analyst would set ``SOCIALOPS_TZ``. The data set files the tweets to
#   @JetBlue under "Delta": the topic is called JetBlue (socialops.listen.samples).
# - ``nsmc_ws``: a slice of ``nsmc/reviews.tsv.gz``: every review that names one of a few popular
#   movies, plus every 40th other review as background, with the movies as product topics.
# (their constants live in analytics_cases, importable by test modules)


@pytest.fixture(scope="session")
def airline_ws(
    tmp_path_factory: pytest.TempPathFactory, shared_file: Callable[[str], Path]
) -> Workspace:
    ws = Workspace.open(tmp_path_factory.mktemp("airline") / "ws")
    import_file(ws, shared_file("airline_tweets/Tweets.csv"), preset="airline-tweets")
    enrich_workspace(ws, workers=1, tz=AIRLINE_TZ)
    for name, query in AIRLINES.items():
        add_topic(ws, name, query, "brand")
    return ws


@pytest.fixture(scope="session")
def nsmc_ws(
    tmp_path_factory: pytest.TempPathFactory, shared_file: Callable[[str], Path]
) -> Workspace:
    root = tmp_path_factory.mktemp("nsmc")
    sample = root / "reviews_sample.tsv.gz"
    with (
        gzip.open(shared_file("nsmc/reviews.tsv.gz"), "rt", encoding="utf-8", newline="") as src,
        gzip.open(sample, "wt", encoding="utf-8", newline="") as dst,
    ):
        reader = csv.reader(src, delimiter="\t", quoting=csv.QUOTE_NONE)
        writer = csv.writer(dst, delimiter="\t", quoting=csv.QUOTE_NONE, escapechar="\\")
        writer.writerow(next(reader))
        for i, row in enumerate(reader):
            text = row[4] if len(row) > 4 else ""
            if i % 40 == 0 or any(w in text for w in MOVIE_WORDS):
                writer.writerow(row)
    ws = Workspace.open(root / "ws")
    import_file(ws, sample, preset="nsmc-reviews")
    enrich_workspace(ws, workers=1)
    for name, (query, _) in MOVIES.items():
        add_topic(ws, name, query, "product")
    # The movies' per-file caches (matches, author rollups) are built here, once, on DuckDB: the
    # sample spans 142 month files, and Spark building them costs one small job per file and
    # topic (about 2 minutes of the Spark worker). Spark builds such caches in the tests over
    # the airline, months and hand-made stores.
    with open_store(ws, "duckdb") as store:
        influencers(store, resolve(store, Scope()), list_topics(ws))
    return ws
