"""The ``inbox_messages`` stream: the airline care turns file parsed into inbox records (the
real file), simulated times, counts that add up, the ledger and the quarantine."""

from __future__ import annotations

import gzip
import itertools
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from socialops.domain.instants import iso_utc
from socialops.errors import InputFileError, UnknownPresetError
from socialops.sources import ledger
from socialops.sources.streams import get
from socialops.sources.streams.inbox_messages import (
    InboxRecord,
    clean_text,
    get_inbox_preset,
    import_inbox_file,
    parse_turns,
    simulated_times,
    thread_id,
)
from socialops.store.workspace import Workspace

NOW = datetime(2026, 12, 9, 6, 0, tzinfo=UTC)  # a Wednesday, 15:00 in Seoul
SEOUL = ZoneInfo("Asia/Seoul")


class Store:
    """What the inbox would answer: the remote ids it holds already (per source)."""

    def __init__(self) -> None:
        self.ids: set[str] = set()
        self.records: list[InboxRecord] = []

    def __call__(self, records: list[InboxRecord]) -> set[str]:
        already = {r.remote_id for r in records if r.remote_id in self.ids}
        for r in records:
            if r.remote_id not in self.ids:
                self.ids.add(r.remote_id)
                self.records.append(r)
        return already


def test_registered() -> None:
    stream = get("inbox_messages")
    assert stream.key == ("source", "remote_id")
    assert stream.on_repeat == "duplicate"
    assert "airline-care" in stream.presets()
    with pytest.raises(UnknownPresetError):
        get_inbox_preset("nope")


def test_turns_and_text() -> None:
    turns = parse_turns(
        "<cust__  __company__  hi __cust>", "<rep__  __cust__  Oh no! *HRO __rep> <cust__ x __cust>"
    )
    assert turns is not None
    assert [(i, d) for i, d, _ in turns] == [(0, "in"), (1, "out"), (2, "in")]
    assert parse_turns("<cust__ a __rep>", "") is None  # closes as the other party
    assert parse_turns("stray <cust__ a __cust>", "") is None  # text outside the markers
    assert parse_turns("", "<rep__ a __rep>") is None  # no first turn
    p = get_inbox_preset("airline-care")
    assert (
        clean_text("  __company__  Missed our  __company__  gate &amp; __email__ ", p.placeholders)
        == "Missed our @airline gate & [email]"
    )
    assert clean_text("@1234 __cust__ hello __Other__", p.placeholders) == "hello @Other"
    assert thread_id("792.0") == "792" and thread_id(" ab-1 ") == "ab-1"


def test_simulated_times_are_deterministic_and_past() -> None:
    cfg = get_inbox_preset("airline-care").times
    a = simulated_times("792", 5, NOW, cfg)
    assert a == simulated_times("792", 5, NOW, cfg)
    assert a == sorted(a) and a[-1] <= NOW and a[0] >= NOW - timedelta(days=8)
    in_hours = 0
    for k in range(500):
        first = simulated_times(str(k), 1, NOW, cfg)[0].astimezone(SEOUL)
        in_hours += first.weekday() < 5 and 9 <= first.hour < 18
    assert 0.75 < in_hours / 500 < 0.97


def test_real_file(workspace: Workspace, shared_file: Callable[[str], Path]) -> None:
    path = shared_file("airline_care/conversations.csv.gz")
    store = Store()
    res = import_inbox_file(workspace, path, "airline-care", deliver=store, now=NOW)
    # 42,569 rows: 41,805 conversations, 748 rows repeating one (the same text), 15 whose
    # customer's first message is a bare mention (a photo tweet: no text) and one empty row
    assert res.rows_read == 42_569
    assert (res.conversations, res.duplicates, res.skipped) == (41_805, 748, 16)
    assert res.reasons == {"empty_turns": 15, "missing_thread": 1}
    assert res.messages == res.received == len(store.records) and res.already == 0
    threads = Counter(r.thread_key for r in store.records)
    assert len(threads) == 41_805
    assert 110_000 < res.messages < 115_000
    by_thread: dict[str, list[InboxRecord]] = {}
    for r in store.records:
        by_thread.setdefault(r.thread_key, []).append(r)
    for recs in by_thread.values():
        assert recs[0].direction == "in" and recs[0].parent_remote_id is None
        assert [r.created_at for r in recs] == sorted(r.created_at for r in recs)
        for prev, cur in itertools.pairwise(recs):
            assert cur.parent_remote_id == prev.remote_id
    first = by_thread["792"]
    assert [r.remote_id for r in first] == ["792:0", "792:1", "792:2", "792:3"]
    assert [r.direction for r in first] == ["in", "out", "in", "out"]
    assert first[0].text.startswith("why wasn't earlier flight offered")
    assert "__" not in first[0].text and first[0].source == "import:airline-care"
    assert all(r.simulated and r.created_at <= iso_utc(NOW) for r in store.records)
    assert Counter(r.direction for r in store.records)["out"] > 40_000
    # the ledger: counts that add up, the empty row in the quarantine
    (imp,) = ledger.list_imports(workspace, "inbox_messages")
    assert imp["rows_read"] == 42_569 and imp["imported"] == 41_805
    assert imp["duplicates"] == 748 and imp["quarantined"] == 16
    # again: nothing new
    again = import_inbox_file(workspace, path, "airline-care", deliver=store, now=NOW)
    assert (again.conversations, again.duplicates, again.skipped) == (0, 42_553, 16)
    assert again.received == 0 and again.already == res.messages


def test_slice_and_limit(workspace: Workspace, shared_file: Callable[[str], Path]) -> None:
    path = shared_file("airline_care/conversations.csv.gz")
    store = Store()
    res = import_inbox_file(
        workspace, path, "airline-care", deliver=store, now=NOW, every=20, limit=300
    )
    assert res.conversations == 300 and res.rows_read == res.conversations + res.duplicates
    assert len({r.thread_key for r in store.records}) == 300
    # spread over the file, not its first rows
    ids = sorted(int(r.thread_key) for r in store.records)
    assert ids[-1] > 20 * ids[0]


def test_wrong_file(workspace: Workspace, tmp_path: Path) -> None:
    bad = tmp_path / "posts.csv.gz"
    with gzip.open(bad, "wt", encoding="utf-8") as f:
        f.write("id,text\n1,hello\n")
    with pytest.raises(InputFileError) as err:
        import_inbox_file(workspace, bad, "airline-care", deliver=Store(), now=NOW)
    assert err.value.code == "inbox.import_columns"
    assert "first_tweet_id" in err.value.message


def test_bad_rows_quarantined(workspace: Workspace, tmp_path: Path) -> None:
    f = tmp_path / "c.csv"
    f.write_text(
        "first_tweet_id,first_utterance,context\n"
        '1.0,"<cust__ hello __cust>","<rep__ hi *AB __rep>"\n'
        '2.0,"oops no markers",""\n'
        ',"<cust__ x __cust>",""\n'
        '3.0,"<cust__ __company__ __cust>",""\n',
        encoding="utf-8",
    )
    store = Store()
    res = import_inbox_file(workspace, f, "airline-care", deliver=store, now=NOW)
    assert (res.rows_read, res.conversations, res.skipped) == (4, 1, 3)
    assert res.reasons == {"bad_turns": 1, "empty_turns": 1, "missing_thread": 1}
    assert [r.remote_id for r in store.records] == ["1:0", "1:1"]
    rows = ledger.list_quarantine(workspace)
    assert sorted(r["reason"] for r in rows) == ["bad_turns", "empty_turns", "missing_thread"]
