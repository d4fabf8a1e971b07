"""An XLSX decompression bomb uploaded to the web workspace (issue 12, item 2): the post import and
the metrics import answer 400 with one line (the server went from 1.0 to 3.5-4.6 GiB and stayed
at 2.6 GiB), quickly, and nothing is imported."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from xlsx_bombs import inline_string_bomb, shared_strings_bomb

WS = "/api/v1/workspaces/main"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(scope="module")
def bombs(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    d = tmp_path_factory.mktemp("web-bombs")
    return [
        inline_string_bomb(d / "cell.xlsx"),
        shared_strings_bomb(d / "strings.xlsx", count=30_000_000, each=1),
    ]


def _error(r: Any, code: str) -> str:
    assert r.status_code == 400, r.text
    err = r.json()["error"]
    assert err["code"] == code and err["status"] == 400, err
    message = str(err["message"])
    assert "\n" not in message and "Traceback" not in message
    return message


@pytest.mark.slow
def test_bomb_uploads_refused(web: Any, bombs: list[Path]) -> None:
    imports = web.call("owner", "GET", f"{WS}/imports").json()
    for bomb in bombs:
        files = {"file": (bomb.name, bomb.read_bytes(), XLSX)}
        began = time.perf_counter()
        msg = _error(web.call("owner", "POST", f"{WS}/imports", files=files), "sources.refused")
        assert "decompression bomb" in msg and bomb.name in msg, msg
        msg = _error(
            web.call(
                "owner",
                "POST",
                f"{WS}/metrics/imports",
                files=files,
                data={"preset": "post-metrics", "channel": "instagram"},
            ),
            "metrics.file",
        )
        assert "decompression bomb" in msg, msg
        assert time.perf_counter() - began < 30
    assert web.call("owner", "GET", f"{WS}/imports").json() == imports
