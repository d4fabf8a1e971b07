"""The composer's live preview (static/publishing.js) sends the per-segment texts
(``segvar:<saved segment>`` fields, publish_posts.segment_id) to the preview API like the other
variants and draws each segment's card with its segment named; an unknown segment is refused
by the API, which the script shows. The script runs in node with a stand-in DOM (fast; the
browser tests of test_publishing_pages.py draw the plain preview in Chromium)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from test_publishing_api import PubHome, manual, pub_home

from socialops.segment.members import Member
from socialops.segment.store import save_segment

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "src" / "socialops" / "web" / "static" / "publishing.js"
RUNNER = Path(__file__).with_name("compose_live_preview.js")
API = "/api/v1/workspaces/main/publishing/preview"
# node comes with scripts/setup.sh (npm); without it the check fails in CI rather than skipping
pytestmark = pytest.mark.skipif(
    shutil.which("node") is None and os.environ.get("CI") != "true",
    reason="node is not installed (scripts/setup.sh installs it)",
)


@pytest.fixture(scope="module")
def pub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PubHome]:
    for home in pub_home(tmp_path_factory):
        save_segment(home.db(), "cdnow/champions", [Member("c1")], kind="rfm")
        manual(home, "블로그")
        yield home


def run_script(fields: list[list[str]], answer: Any) -> dict[str, Any]:
    done = subprocess.run(
        ["node", str(RUNNER), str(SCRIPT), json.dumps(fields), json.dumps(answer)],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    out = json.loads(done.stdout)
    assert isinstance(out, dict)
    return out


def test_segment_texts_are_sent_previewed_and_named(pub: PubHome) -> None:
    fields = [["profiles", "블로그"], ["text", "봄 신제품 안내"],
              ["segvar:cdnow/champions", "늘 고마운 고객님께 먼저 알려 드려요"],
              ["segvar:cdnow/at_risk", "  "]]  # fmt: skip
    sent = run_script(fields, [])["sent"]
    assert sent["segment_variants"] == {"cdnow/champions": "늘 고마운 고객님께 먼저 알려 드려요"}
    assert sent["text"] == "봄 신제품 안내" and sent["profiles"] == ["블로그"]
    answer = pub.call("owner", "POST", API, json=sent)
    assert answer.status_code == 200, answer.text
    previews = answer.json()
    assert [p["segment"] for p in previews] == ["", "cdnow/champions"]
    cards = run_script(fields, previews)["cards"]
    assert len(cards) == 2
    assert "세그먼트: cdnow/champions" in cards[1] and "늘 고마운 고객님께" in cards[1]
    assert "세그먼트" not in cards[0] and "봄 신제품 안내" in cards[0]


def test_without_segment_texts_nothing_more_is_sent(pub: PubHome) -> None:
    sent = run_script([["profiles", "블로그"], ["text", "안내"]], [])["sent"]
    assert sent["segment_variants"] is None
    assert pub.call("owner", "POST", API, json=sent).status_code == 200


def test_an_unknown_segment_is_refused(pub: PubHome) -> None:
    fields = [["profiles", "블로그"], ["text", "안내"], ["segvar:없는/세그먼트", "문구"]]
    sent = run_script(fields, [])["sent"]
    r = pub.call("owner", "POST", API, json=sent)
    assert r.status_code in (400, 404), r.text
    assert set(r.json()["error"]) == {"status", "code", "message"}
