"""Tracked topics in the workspace: add, list, edit, remove, and the errors users meet."""

from __future__ import annotations

from pathlib import Path

import pytest

from socialops.errors import QueryError, TopicError
from socialops.listen.analyses import match_counts
from socialops.listen.scope import Scope, resolve
from socialops.listen.topics import (
    add_topic,
    edit_topic,
    get_topic,
    list_topics,
    remove_topic,
    resolve_topics,
)
from socialops.store.analytics import open_store, topic_cache_key
from socialops.store.workspace import Workspace
from workspace_copy import copy_workspace


@pytest.fixture
def workspace(database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Workspace:
    """A fresh, empty workspace on each database (SQLite, PostgreSQL)."""
    root = tmp_path / "ws"
    monkeypatch.setenv("SOCIALOPS_HOME", str(root))
    return Workspace.open(root)


def test_add_list_edit_remove(workspace: Workspace) -> None:
    a = add_topic(workspace, "대한항공", '대한항공 OR "korean air"', "brand")
    add_topic(workspace, "아시아나", "아시아나*", "competitor")
    assert [t.name for t in list_topics(workspace)] == ["대한항공", "아시아나"]
    assert get_topic(workspace, "대한항공").query == a.query
    edited = edit_topic(workspace, "아시아나", query="아시아나 OR OZ", new_name="아시아나항공")
    assert edited.name == "아시아나항공" and edited.kind == "competitor"
    assert resolve_topics(workspace, ["아시아나항공", "대한항공", "아시아나항공"]) == [
        get_topic(workspace, "아시아나항공"),
        get_topic(workspace, "대한항공"),
    ]
    remove_topic(workspace, "대한항공")
    assert [t.name for t in list_topics(workspace)] == ["아시아나항공"]


def _code(exc: pytest.ExceptionInfo[Exception]) -> str:
    return str(getattr(exc.value, "code", ""))


def test_names_are_unique_case_insensitively(workspace: Workspace) -> None:
    add_topic(workspace, "United", "united")
    with pytest.raises(TopicError) as exc:
        add_topic(workspace, "united", "@united")
    assert _code(exc) == "topic.exists" and exc.value.params == {"name": "United"}
    add_topic(workspace, "Delta", "delta")
    with pytest.raises(TopicError) as exc:
        edit_topic(workspace, "Delta", new_name="UNITED")
    assert _code(exc) == "topic.exists"
    renamed = edit_topic(workspace, "delta", new_name="DELTA")  # its own name in other case
    assert renamed.name == "DELTA" and renamed.query == "delta"


def test_bad_input(workspace: Workspace) -> None:
    with pytest.raises(QueryError, match="position 11"):
        add_topic(workspace, "x", "배송 AND (지연")
    with pytest.raises(TopicError) as exc:
        add_topic(workspace, "x", "배송", "influencer")
    assert _code(exc) == "topic.kind_unknown"
    assert "influencer" in exc.value.text("en") and "brand" in exc.value.text("ko")
    with pytest.raises(TopicError) as exc:
        resolve_topics(workspace, [])
    assert _code(exc) == "topic.none_yet"
    with pytest.raises(TopicError) as exc:
        get_topic(workspace, "없음")
    assert _code(exc) == "topic.not_found_none"
    assert "'없음'" in exc.value.text("ko") and "No topic named '없음'" in exc.value.text("en")
    with pytest.raises(TopicError) as exc:
        add_topic(workspace, "   ", "배송")
    assert _code(exc) == "topic.name_missing"
    with pytest.raises(TopicError) as exc:
        add_topic(workspace, "x" * 81, "배송")
    assert _code(exc) == "topic.name_too_long"
    assert list_topics(workspace) == []  # nothing half-written
    add_topic(workspace, "배송", "배송")
    for change in (edit_topic, remove_topic):
        with pytest.raises(TopicError) as exc:
            change(workspace, "없음")
        assert _code(exc) == "topic.not_found" and exc.value.params["known"] == "배송"


def test_cached_matches_go_with_their_query(
    airline_ws: Workspace, tmp_path: Path, engine: str
) -> None:
    ws = Workspace.open(copy_workspace(airline_ws.root, tmp_path / "ws"), create=False)
    cache = ws.root / "cache" / "topics"
    with open_store(ws, engine) as store:
        n = match_counts(store, resolve(store, Scope()), list_topics(ws))["United"]
    old = cache / topic_cache_key(get_topic(ws, "United").query)
    assert old.is_dir() and n > 0
    edit_topic(ws, "United", query="@united")
    assert not old.exists()
    with open_store(ws, engine) as store:
        fewer = match_counts(store, resolve(store, Scope()), [get_topic(ws, "United")])
    assert 0 < fewer["United"] < n  # the edited query is matched afresh
    remove_topic(ws, "United")
    assert not (cache / topic_cache_key("@united")).exists()
