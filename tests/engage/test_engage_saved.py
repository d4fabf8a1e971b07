"""Saved replies with variables in Korean and English, and presence (collision detection), on
SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest

from socialops.engage.presence import leave, others, touch
from socialops.engage.saved import list_saved, remove_saved, render_saved, save_saved
from socialops.errors import EngageError
from socialops.store.workspace import Workspace


@pytest.fixture
def ws(database: str, tmp_path: Path) -> Workspace:
    return Workspace.open(tmp_path / "ws")


def test_saved_replies_in_two_languages_fill_their_variables(ws: Workspace) -> None:
    ko = save_saved(
        ws,
        "지연 안내",
        "ko",
        "{이름}님, 케이스 {케이스}번 확인 중입니다. - {상담사}",
        "지연",
        "boss@x.kr",
    )
    save_saved(ws, "지연 안내", "en", "Hi {name}, case {case} is being checked. - {agent}")
    assert [s.lang for s in list_saved(ws)] == ["en", "ko"]
    assert [s.name for s in list_saved(ws, "ko")] == ["지연 안내"]
    again = save_saved(ws, "지연 안내", "ko", "{name}님, 확인했습니다", "지연", "boss@x.kr")
    assert again.saved_id == ko.saved_id and len(list_saved(ws)) == 2
    values = {"name": "김고객", "case": "42", "상담사": "이상담"}
    assert render_saved(ko.text, values) == "김고객님, 케이스 42번 확인 중입니다. - 이상담"
    assert render_saved("Hi {name}, {unknown} {case}", {"name": "Kim"}) == (
        "Hi Kim, {unknown} {case}"  # what has no value stays for the agent to fill
    )
    remove_saved(ws, ko.saved_id)
    with pytest.raises(EngageError) as gone:
        remove_saved(ws, ko.saved_id)
    assert gone.value.http_status == 404
    with pytest.raises(EngageError):
        save_saved(ws, "x", "ja", "text")


def test_presence_shows_the_others_typing_first(ws: Workspace) -> None:
    touch(ws, "v1", "a@x.kr")
    touch(ws, "v1", "b@x.kr", "typing")
    touch(ws, "v2", "c@x.kr")
    assert others(ws, "v1", "a@x.kr") == [("b@x.kr", "typing")]
    assert others(ws, "v1", "c@x.kr") == [("b@x.kr", "typing"), ("a@x.kr", "viewing")]
    assert others(ws, "v1", "c@x.kr", within_s=-1) == []  # gone once the touch is old
    leave(ws, "v1", "b@x.kr")
    assert others(ws, "v1", "a@x.kr") == []
    with pytest.raises(EngageError):
        touch(ws, "v1", "a@x.kr", "sleeping")
