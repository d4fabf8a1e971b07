"""A quarantined row's reason and detail read in the reader's language (issue 14, item 7): the
ledger keeps the machine ``reason`` code and records the detail as a catalogue code with its
values; the data page, the API's ``reason_text``/``detail_text`` and ``socialops quarantine``
render them in Korean or English."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from socialops.i18n import LANGS, MESSAGES
from socialops.listen.ingest import QUARANTINE_REASONS, import_file, list_quarantine
from socialops.measure.metrics import import_metrics
from socialops.sources import ledger
from socialops.store.workspace import Workspace

HANGUL = re.compile("[가-힣]")
# rows that each fail one way: an unreadable Korean date, no id, no text, a negative count,
# a date outside the range, an unknown kind
ROWS = (
    "id,text,created_at,likes,kind\n"
    "1,배송이 늦어요,어제 오후,3,post\n"
    ",본문,2024-01-01,1,post\n"
    "3,,2024-01-01,1,post\n"
    "4,좋아요,2024-01-01,-5,post\n"
    "5,좋아요,1800-01-01,1,post\n"
    "6,좋아요,2024-01-01,1,story\n"
    "7,정상,2024-01-02,2,post\n"
)


def _english_words(text: str) -> list[str]:
    """Latin words of three letters or more outside quoted values ('...')."""
    return re.findall(r"[A-Za-z]{3,}", re.sub(r"'[^']*'", "", text))


@pytest.fixture
def quarantined(workspace: Workspace, tmp_path: Path) -> Workspace:
    p = tmp_path / "rows.csv"
    p.write_text(ROWS, encoding="utf-8")
    r = import_file(workspace, p)
    assert (r.imported, r.quarantined) == (1, 6)
    return workspace


def test_every_reason_has_words() -> None:
    for reason in QUARANTINE_REASONS:
        for lang in LANGS:
            assert f"quarantine.reason.{reason}" in MESSAGES, reason
            assert ledger.reason_text(reason, lang) != reason


def test_korean_reader_reads_korean(quarantined: Workspace) -> None:
    rows = list_quarantine(quarantined, limit=None, lang="ko")
    by_row = {r["row"]: r for r in rows}
    first = by_row[1]
    # the machine fields as before: the code and an English detail
    assert first["reason"] == "bad_date"
    assert "어제 오후" in first["detail"] and HANGUL.search(first["detail"]) is not None
    assert first["reason_text"] == "읽을 수 없는 날짜"
    assert first["detail_text"] == "'created_at' 열의 날짜·시간 '어제 오후'을(를) 읽을 수 없습니다."
    for r in rows:
        for said in (r["reason_text"], r["detail_text"]):
            assert HANGUL.search(said), (r["row"], said)
            # no English words but the column names and the values themselves
            assert set(_english_words(said)) <= {"created_at", "likes", "text", "kind"}, said


def test_english_reader_reads_english(quarantined: Workspace) -> None:
    rows = list_quarantine(quarantined, limit=None, lang="en")
    first = next(r for r in rows if r["row"] == 1)
    assert first["reason_text"] == "Unreadable date"
    assert first["detail_text"] == "Column 'created_at': cannot read the date/time '어제 오후'."
    for r in rows:
        assert not HANGUL.search(r["reason_text"])
        assert not HANGUL.search(re.sub(r"'[^']*'", "", r["detail_text"])), r["detail_text"]


def test_details_are_recorded_as_codes_and_old_ones_kept(quarantined: Workspace) -> None:
    with quarantined.connect() as conn:
        stored = [d for (d,) in conn.execute(text("SELECT detail FROM quarantine"))]
    assert all(json.loads(d)["code"] for d in stored)
    # a detail recorded before (a plain sentence) is shown as it was
    assert ledger.detail_text("date out of range", "ko") == "date out of range"
    assert ledger.detail_text(None, "ko") == ""


def test_cli_quarantine_in_korean(quarantined: Workspace, tmp_path: Path) -> None:
    env = {**os.environ, "SOCIALOPS_LANG": "ko", "COLUMNS": "250"}
    cmd = [sys.executable, "-m", "socialops", "quarantine"]
    p = subprocess.run(cmd, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    assert "읽을 수 없는 날짜" in p.stdout and "사유" in p.stdout, p.stdout
    assert "bad_date" not in p.stdout and "unrecognised" not in p.stdout


def test_metric_rows_in_words(workspace: Workspace, tmp_path: Path) -> None:
    p = tmp_path / "metrics.csv"
    p.write_text(
        "post_id,channel,published_at,reach,likes\n"
        "a1,instagram,2024-03-05 10:00,100,5\n"
        "a2,instagram,어제,100,5\n"  # an unreadable date
        "a3,instagram,2024-03-05 11:00,-4,5\n"  # a negative count
        "a1,instagram,2024-03-05 10:00,100,5\n",  # the same key again
        encoding="utf-8",
    )
    res = import_metrics(workspace, p, "post-metrics")
    assert res.to_dict()["rows_read"] == 4
    rows = {r["row"]: r for r in list_quarantine(workspace, limit=None, lang="ko")}
    assert {r["reason"] for r in rows.values()} == {"bad_date", "negative", "duplicate"}
    for r in rows.values():
        assert HANGUL.search(r["detail_text"]) and HANGUL.search(r["reason_text"]), r
    assert any("'어제'" in r["detail_text"] for r in rows.values())
    # the import's own reject list keeps the English details
    assert all("{" not in j["detail"] for j in res.rejects), res.rejects
