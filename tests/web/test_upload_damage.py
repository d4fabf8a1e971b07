"""Damaged files uploaded to the web workspace (issue 12): deep JSON in the lines read for the
columns was an HTTP 500; a stray quote swallowed the rest of the file; a header without rows was
"imported". The API answers with counts that add up, or 400 in the one error shape."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from socialops.web.accounts import Accounts
from socialops.web.app import create_app

URL = "/api/v1/workspaces/main/imports"


@pytest.fixture(scope="module")
def owner(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, dict[str, str]]]:
    root = tmp_path_factory.mktemp("upload") / "home"
    accounts = Accounts(root)
    user = accounts.add_user("o@example.com", "correct-horse-battery", role="owner", lang="en")
    token = accounts.create_token(user.id, "tests")
    with TestClient(create_app(root), base_url="http://testserver") as client:
        yield client, {"Authorization": f"Bearer {token}"}


def _upload(owner: tuple[TestClient, dict[str, str]], name: str, data: bytes) -> dict[str, object]:
    client, auth = owner
    r = client.post(URL, headers=auth, files={"file": (name, data)}, data={"preset": "generic"})
    return {**r.json(), "http": r.status_code}


@pytest.mark.slow
def test_deep_jsonl_stray_quote_and_header_only(owner: tuple[TestClient, dict[str, str]]) -> None:
    deep = "[" * 100_000 + "]" * 100_000
    got = _upload(
        owner,
        "deep.jsonl",
        (
            f'{{"id": "1", "text": "a", "created_at": "2024-01-01", "x": {deep}}}\n'
            '{"id": "2", "text": "b b", "created_at": "2024-01-01"}\n'
        ).encode(),
    )
    assert got["http"] == 201, got
    assert (got["rows_read"], got["imported"], got["quarantined"]) == (2, 1, 1)

    rows = [f"{i},post {i},2024-01-02" for i in range(10, 3010)]
    rows[5] = '15,"never closed,2024-01-02'
    got = _upload(owner, "stray.csv", ("id,text,created_at\r" + "\r".join(rows)).encode())
    assert got["http"] == 201, got
    assert (got["rows_read"], got["imported"], got["quarantined"]) == (3000, 2999, 1)
    assert got["quarantine_reasons"] == {"unclosed_quote": 1}

    got = _upload(owner, "header.csv", b"id,text,created_at\n")
    assert got["http"] == 400, got
    error = got["error"]
    assert isinstance(error, dict) and "has no rows" in error["message"]
