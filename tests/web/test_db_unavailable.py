"""The database unreachable for a moment (what the soak's PostgreSQL restart showed,
bench/soak.py; tests/web/test_soak.py runs it for real): the real error of a connection refused
answers 503 with Retry-After and a message in the user's language — Korean on a page, the one
JSON error shape on the API — and never a traceback; a bug stays a 500."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from socialops.errors import SocialopsError
from socialops.web.app import create_app
from socialops.web.unavailable import database_unavailable


def _refused() -> OperationalError:
    """The real error SQLAlchemy raises when PostgreSQL does not answer (a port nobody holds)."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    engine = create_engine(
        f"postgresql+psycopg://postgres@127.0.0.1:{port}/x", connect_args={"connect_timeout": 2}
    )
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except OperationalError as exc:
        return exc
    finally:
        engine.dispose()
    raise AssertionError("a closed port answered")


def test_what_counts_as_the_database_being_away() -> None:
    refused = _refused()
    assert database_unavailable(refused)
    try:  # wrapped, as a store error raised from it
        raise SocialopsError("x") from refused
    except SocialopsError as wrapped:
        assert database_unavailable(wrapped)
    assert not database_unavailable(ValueError("a bug"))


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    app = create_app(tmp_path_factory.mktemp("unavailable") / "home")
    refused = _refused()

    def down() -> None:
        raise refused

    def bug() -> None:
        raise ValueError("a bug")

    app.add_api_route("/api/v1/down", down)
    app.add_api_route("/down", down)
    app.add_api_route("/bug", bug)
    return TestClient(app, raise_server_exceptions=False)


def test_a_page_says_so_in_korean_with_retry_after(client: TestClient) -> None:
    r = client.get("/down", headers={"Accept-Language": "ko-KR,ko;q=0.9"})
    assert r.status_code == 503, r.text[:300]
    assert r.headers["retry-after"] == "5"
    assert "데이터베이스에 잠시 연결할 수 없습니다" in r.text
    assert "Traceback" not in r.text and "OperationalError" not in r.text


def test_the_api_answers_the_one_error_shape(client: TestClient) -> None:
    r = client.get("/api/v1/down", headers={"Accept-Language": "en"})
    assert r.status_code == 503
    err = r.json()["error"]
    assert (err["status"], err["code"]) == (503, "unavailable")
    assert "cannot be reached" in err["message"] and "127.0.0.1" not in err["message"]


def test_a_bug_is_still_a_500(client: TestClient) -> None:
    assert client.get("/bug").status_code == 500
