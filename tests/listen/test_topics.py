"""Tracked topics in the workspace: add, list, edit, remove, and the errors users meet."""

from __future__ import annotations

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
