"""Competitive sets (issue 14, item 2): share of voice is computed within the set a topic
belongs to, never across unrelated topics; every topic kind counts; the sets survive the
migration that adds them; the demo's sample topics are two sets."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import create_engine, text

from socialops.errors import TopicError
from socialops.listen.samples import AIRLINE_SET, AIRLINE_TOPICS, FILM_SET, FILM_TOPICS, SAMPLE_SETS
from socialops.listen.scope import Scope, resolve
from socialops.listen.topics import Topic, add_topic, edit_topic, in_set, list_topics, set_names
from socialops.listen.volume import sov
from socialops.store import migrate
from socialops.store.analytics import open_store
from socialops.store.workspace import Workspace


def test_a_topic_joins_a_set_by_name_case_insensitively(tmp_path: Path) -> None:
    ws = Workspace.open(tmp_path / "ws")
    a = add_topic(ws, "대한항공", "대한항공", "brand", " 항공사 ")
    b = add_topic(ws, "Air Busan", "에어부산", "competitor", "항공사")
    c = add_topic(ws, "Asiana", "아시아나", "competitor", "airlines")
    d = add_topic(ws, "JAL", "JAL", "competitor", "AIRLINES")  # joins "airlines" as spelled
    assert (a.competitive_set, b.competitive_set) == ("항공사", "항공사")
    assert d.competitive_set == "airlines" == c.competitive_set
    assert sorted(set_names(ws)) == ["airlines", "항공사"]
    moved = edit_topic(ws, "Asiana", competitive_set="항공사")
    assert moved.competitive_set == "항공사"
    assert edit_topic(ws, "Asiana", kind="brand").competitive_set == "항공사"  # None keeps it
    assert edit_topic(ws, "JAL", competitive_set="").competitive_set == ""  # out of its set
    assert {t.name for t in in_set(ws, list_topics(ws), "항공사")} == {
        "대한항공",
        "Air Busan",
        "Asiana",
    }
    with pytest.raises(TopicError) as err:
        in_set(ws, list_topics(ws), "호텔")
    assert err.value.code == "topic.set_unknown" and "항공사" in err.value.params["known"]


def test_share_of_voice_is_computed_within_each_set(airline_ws: Workspace) -> None:
    """Airlines are compared with airlines, films with films: a set's shares add up to 100 %,
    and a topic's share does not change when an unrelated set is added."""
    airlines = [
        Topic(n, q, "brand", competitive_set=AIRLINE_SET) for n, q in AIRLINE_TOPICS.items()
    ]
    # a product and a campaign in a set of their own: every kind counts
    others = [
        Topic("Delta", "@delta OR delta", "product", competitive_set="delta"),
        Topic("Fees", "fee OR fees", "campaign", competitive_set="delta"),
    ]
    films = [Topic(n, q, "product", competitive_set=FILM_SET) for n, q in FILM_TOPICS.items()]
    with open_store(airline_ws, "duckdb") as store:
        scope = resolve(store, Scope())
        alone = sov(store, scope, airlines)
        mixed = sov(store, scope, [*airlines, *others, *films])
    by = {r["topic"]: r for r in mixed["results"]}
    assert [s["set"] for s in mixed["sets"]] == [AIRLINE_SET, "delta", FILM_SET]
    for s in mixed["sets"]:
        shares = [by[n]["share"] for n in s["topics"]]
        assert s["total_mentions"] == sum(by[n]["mentions"] for n in s["topics"])
        if s["total_mentions"]:
            assert sum(shares) == pytest.approx(100, abs=0.05)
        else:  # no film is named in the airline tweets: no share, never 0 % of the airlines
            assert shares == [None] * len(shares)
    for r in alone["results"]:
        assert by[r["topic"]]["share"] == r["share"]  # unchanged by the other sets
        assert by[r["topic"]]["set"] == AIRLINE_SET
    assert by["Delta"]["kind"] == "product" and by["Delta"]["mentions"] > 50
    assert by["Delta"]["share"] is not None and 0 < by["Delta"]["share"] < 100
    # per period too: within the set
    k = next(i for i, p in enumerate(mixed["results"][0]["series"]) if p["mentions"])
    assert sum(by[n]["series"][k]["share"] or 0 for n in AIRLINE_TOPICS) == pytest.approx(
        100, abs=0.05
    )


def test_the_demo_topics_are_two_sets_and_jetblue_is_called_jetblue() -> None:
    assert SAMPLE_SETS == {AIRLINE_SET: AIRLINE_TOPICS, FILM_SET: FILM_TOPICS}
    assert "Delta" not in AIRLINE_TOPICS and "jetblue" in AIRLINE_TOPICS["JetBlue"].lower()
    assert not set(AIRLINE_TOPICS) & set(FILM_TOPICS)


def test_w0003_keeps_every_topic_and_puts_none_in_a_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A workspace database at w0002 (the previous revision) with topics is upgraded in place:
    the topics stay, each in no set, and can join one (a SQLite file on any run)."""
    monkeypatch.delenv("SOCIALOPS_DATABASE_URL", raising=False)
    root = tmp_path / "ws"
    root.mkdir()
    engine = create_engine(f"sqlite:///{root / 'workspace.db'}")
    with engine.begin() as conn:
        command.upgrade(migrate._config("workspace", conn), "w0002")
        conn.execute(
            text(
                "INSERT INTO topics (name, query, kind, created_at, updated_at) VALUES "
                "('United', '@united', 'brand', '2026-01-01T00:00:00+00:00', "
                "'2026-01-01T00:00:00+00:00')"
            )
        )
    engine.dispose()
    ws = Workspace.open(root)
    assert migrate.current(ws.db) == migrate.HEADS["workspace"]  # w0003 and every later one
    [united] = list_topics(ws)
    assert (united.name, united.query, united.kind, united.competitive_set) == (
        "United",
        "@united",
        "brand",
        "",
    )
    assert edit_topic(ws, "United", competitive_set="항공사").competitive_set == "항공사"
