"""Tracked topics in the workspace: add, list, edit, remove, and the errors users meet."""

from __future__ import annotations

from pathlib import Path

import pytest

from socialops.errors import QueryError, TopicError
from socialops.listen.topics import (
    add_topic,
    edit_topic,
    get_topic,
    list_topics,
    remove_topic,
    resolve_topics,
)
from socialops.store.workspace import Workspace
from workspace_copy import copy_workspace


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


def test_names_are_unique_case_insensitively(workspace: Workspace) -> None:
    add_topic(workspace, "United", "united")
    with pytest.raises(TopicError, match="exists"):
        add_topic(workspace, "united", "@united")
    add_topic(workspace, "Delta", "delta")
    with pytest.raises(TopicError, match="exists"):
        edit_topic(workspace, "Delta", new_name="UNITED")


def test_bad_input(workspace: Workspace) -> None:
    with pytest.raises(QueryError, match="position 11"):
        add_topic(workspace, "x", "배송 AND (지연")
    with pytest.raises(TopicError, match="kind"):
        add_topic(workspace, "x", "배송", "influencer")
    with pytest.raises(TopicError, match="no topics yet"):
        resolve_topics(workspace, [])
    with pytest.raises(TopicError, match="No topic named"):
        get_topic(workspace, "없음")
    with pytest.raises(TopicError, match="name"):
        add_topic(workspace, "   ", "배송")
    assert list_topics(workspace) == []  # nothing half-written


def test_cached_matches_go_with_their_query(
    airline_ws: Workspace, tmp_path: Path, engine: str
) -> None:
    import shutil

    from socialops.listen.analyses import match_counts
    from socialops.listen.scope import Scope, resolve
    from socialops.store.analytics import open_store, topic_cache_key

    ws = Workspace.open(tmp_path / "ws")
    shutil.rmtree(ws.root)
    copy_workspace(airline_ws.root, ws.root)
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
