"""Personal-data requests and retention (issue 18 part 5) on a real home: 400 airline tweets
imported and enriched (the analytics store), 12 airline-care conversations imported into the
inbox, and one customer who wrote both (a tweet author who then wrote to the inbox with an
e-mail, got a note and an audit mention). A second workspace holds the same handle.

- find, export and erase through the CLI: the counts, the export's JSON and CSV (UTF-8 BOM),
  erase's dry run; afterwards nothing personal is found, the report counts still add up, and
  no file of the workspace (database, Parquet, audit) holds the handle or the text any more —
  while the other workspace still has its own;
- a rewrite killed (SIGKILL, a subprocess) mid-erase leaves every file whole; erase again
  finishes;
- the web: owners only (403 for the other roles, page and API), the export ZIP, the page's
  confirmation, erase through the page;
- retention applied by the inbox's worker loop, once, idempotent, recorded."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from measure_web_home import Home, make_home
from sqlalchemy import text

from socialops.cli.main import main
from socialops.engage import privacy, retention
from socialops.engage.contacts import add_note
from socialops.engage.importer import import_conversations
from socialops.engage.privacy_files import MARKER, post_files
from socialops.engage.receive import Incoming, receive
from socialops.engage.worker import BackgroundInbox
from socialops.segment.members import Member
from socialops.segment.store import save_segment
from socialops.segment.transactions import load_transactions
from socialops.sources.enrich import enrich_workspace
from socialops.sources.streams.customers import import_customers
from socialops.sources.streams.posts import import_file
from socialops.sources.streams.transactions import import_transactions

pytestmark = pytest.mark.slow
AUTHOR = "GunsNDip"  # 6 of the first 400 tweets
TEXT = "My card was charged twice, call me on 010-2345-6789"


def _message(ws: object, handle: str, remote: str) -> str:
    got = receive(
        ws,  # type: ignore[arg-type]
        Incoming(
            source="import:test",
            channel="twitter",
            thread_key=f"t-{remote}",
            remote_id=remote,
            author_handle=handle,
            author_label="@" + handle,
            text=TEXT,
            email=f"{handle.lower()}@example.com",
        ),
    )
    with ws.connect() as conn:  # type: ignore[attr-defined]
        return str(
            conn.execute(
                text("SELECT contact_id FROM conversations WHERE conversation_id = :c"),
                {"c": got.conversation_id},
            ).scalar_one()
        )


@pytest.fixture(scope="module")
def home(
    tmp_path_factory: pytest.TempPathFactory, shared_file: Callable[[str], Path]
) -> Iterator[Home]:
    root = tmp_path_factory.mktemp("privacy")
    lines = shared_file("airline_tweets/Tweets.csv").read_text("utf-8").splitlines(True)
    (root / "tweets.csv").write_text("".join(lines[:401]), "utf-8")
    found = make_home(root / "home")
    home = next(found)
    ws = home.ws("main")
    import_file(ws, root / "tweets.csv", preset="airline-tweets")
    enrich_workspace(ws, workers=1)
    care = shared_file("airline_care/conversations.csv.gz")
    import_conversations(ws, care, "airline-care", limit=12)
    cid = _message(ws, AUTHOR, "m-guns")
    add_note(ws, cid, f"{AUTHOR} asked for a refund", "agent@example.com")
    home.accounts.audit("contact.note", email="agent@example.com", workspace="main", target=cid)
    _message(home.ws("other"), AUTHOR, "m-guns-other")
    # the same person in the imported customer table (by e-mail), with two orders and a segment
    (root / "customers.csv").write_text(
        "고객번호,나이,이메일\nk1,30,GunsNDip@Example.com\nk2,40,someone@example.kr\n", "utf-8"
    )
    import_customers(ws, root / "customers.csv")
    (root / "orders.csv").write_text(
        "고객번호,주문일,금액,수량\nk1,2024-01-05,12000,1\nk1,2024-02-10,8000,2\n"
        "k2,2024-03-01,15000,1\n",
        "utf-8",
    )
    import_transactions(ws, root / "orders.csv", "transactions")
    save_segment(ws, "vip", [Member("k1", 1.0), Member("k2", 0.5)], kind="manual")
    home.contact = cid  # type: ignore[attr-defined]
    yield home
    next(found, None)


def _cli(home: Home, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    os.environ["SOCIALOPS_HOME"] = str(home.root)
    try:
        with pytest.raises(SystemExit) as stop:
            main(["--workspace", str(home.root), *args])
    finally:
        os.environ.pop("SOCIALOPS_HOME", None)
    out = capsys.readouterr()
    return int(stop.value.code or 0), out.out, out.err


def _totals(ws: object) -> dict[str, int]:
    with ws.connect() as conn:  # type: ignore[attr-defined]
        out = {
            t: int(conn.execute(text(f"SELECT COUNT(*) FROM {t}")).scalar_one())
            for t in ("messages", "conversations", "cases", "contacts")
        }
    out["posts"] = sum(pq.ParquetFile(p).metadata.num_rows for _, p in post_files(ws))  # type: ignore[arg-type]
    return out


def _files_with(root: Path, needle: bytes, skip: Path | None = None) -> list[str]:
    """The files under ``root`` holding ``needle`` (any case): a Parquet file's decoded values
    (its pages are compressed), any other file's bytes (SQLite files, their logs, caches)."""
    hits = []
    for p in root.rglob("*"):
        if not p.is_file() or (skip is not None and skip in p.parents):
            continue
        if p.suffix == ".parquet":
            data = json.dumps(pq.ParquetFile(p).read().to_pylist(), default=str).encode()
        else:
            data = p.read_bytes()
        if needle.lower() in data.lower():
            hits.append(str(p.relative_to(root)))
    return hits


def test_find_export_erase_round_trip(
    home: Home, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    ws = home.ws("main")
    handle = f"twitter:{AUTHOR.lower()}"
    code, out, _ = _cli(home, capsys, "privacy", "find", "--handle", handle, "--json")
    counts = json.loads(out)["counts"]
    assert code == 0
    assert (counts["posts"], counts["raw_posts"]) == (6, 6)
    assert counts["contacts"] == counts["handles"] == counts["notes"] == 1
    assert counts["conversations"] == counts["messages"] == counts["cases"] == 1
    assert counts["audit"] == 1  # the note's mention
    # the customer table matched by e-mail (decrypted), their orders and segment membership
    assert (counts["customers"], counts["transactions"], counts["segment_members"]) == (1, 2, 1)
    orders = load_transactions(ws)
    code, out, _ = _cli(
        home, capsys, "privacy", "export", "--handle", handle, "--out", str(tmp_path)
    )
    assert code == 0
    doc = json.loads((tmp_path / "subject.json").read_text("utf-8"))
    assert doc["places"]["messages"][0]["text"] == TEXT  # the original, unmasked
    assert doc["places"]["contacts"][0]["email"] == "gunsndip@example.com"
    raw = (tmp_path / "posts.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len(rows) == 6 and {r["author_handle"] for r in rows} == {AUTHOR}
    before = _totals(ws)
    assert _files_with(home.root, AUTHOR.encode(), skip=home.root / "workspaces")
    code, out, _ = _cli(home, capsys, "privacy", "erase", "--handle", handle, "--dry-run", "--json")
    assert code == 0 and json.loads(out)["dry_run"] and _totals(ws) == before
    code, out, _ = _cli(home, capsys, "privacy", "erase", "--handle", handle, "--yes", "--json")
    assert code == 0 and json.loads(out)["total"] == sum(counts.values())
    # nothing personal is left to find
    code, out, err = _cli(home, capsys, "privacy", "find", "--handle", handle)
    assert code == 2 and "twitter:gunsndip" in err and len(err.strip().splitlines()) == 1
    code, out, _ = _cli(home, capsys, "privacy", "find", "--contact", home.contact, "--json")  # type: ignore[attr-defined]
    assert code == 0 and json.loads(out)["total"] == 0
    # the rows reports count are still there, anonymised
    assert _totals(ws) == before
    with ws.connect() as conn:
        msg = conn.execute(
            text("SELECT text, private, author FROM messages WHERE remote_id = 'm-guns'")
        ).one()
    assert msg[0] == MARKER and msg[1] == "" and msg[2].startswith("erased:")
    after = load_transactions(ws)  # the same orders and sums, the customer's id a salted hash
    assert after.num_rows == orders.num_rows
    assert sum(after["amount"].to_pylist()) == sum(orders["amount"].to_pylist())
    ids = after["customer_id"].to_pylist()
    assert "k1" not in ids and "k2" in ids and sum(i.startswith("erased:") for i in ids) == 2
    assert doc["places"]["customers"][0]["email"] == "GunsNDip@Example.com"
    # no file of the workspace (Parquet, database, audit log, caches) holds the handle or text
    assert not _files_with(home.root, AUTHOR.encode(), skip=home.root / "workspaces")
    assert not _files_with(home.root, b"charged twice", skip=home.root / "workspaces")
    # the other workspace keeps its own customer
    other = home.ws("other")
    kept = privacy.find(other, privacy.resolve_subject(other, handle=handle))
    assert kept.counts["contacts"] == 1 and kept.counts["messages"] == 1
    # recorded: counts, never the handle
    with ws.connect() as conn:
        logged = conn.execute(text("SELECT kind, subject, counts FROM privacy_log")).all()
    assert {r[0] for r in logged} >= {"find", "export", "erase"}
    assert all(AUTHOR.lower() not in (r[1] + r[2]).lower() for r in logged)
    entries = home.accounts.audit_log("main", limit=200)[1]
    assert any(e["action"] == "privacy.erase" for e in entries)


KILLER = """
import os, signal, sys
from pathlib import Path
from socialops.store.workspace import Workspace
from socialops.engage import privacy, privacy_files
real = os.replace
renamed = []
def replace(src, dst):
    if renamed:  # the second file: written and synced, killed before its rename
        os.kill(os.getpid(), signal.SIGKILL)
    real(src, dst)
    renamed.append(dst)
privacy_files.os.replace = replace
ws = Workspace.open(Path(sys.argv[1]))
privacy.erase(ws, privacy.resolve_subject(ws, handle=sys.argv[2]))
"""


def test_a_killed_erase_leaves_whole_files_and_finishes_when_run_again(home: Home) -> None:
    """SIGKILL half way: the raw part already renamed into place, the enriched file's new copy
    written but not renamed. Every file is whole (old or new); erase again finishes."""
    ws = home.ws("main")
    handle = "twitter:airlinefuel"
    assert privacy.find(ws, privacy.resolve_subject(ws, handle=handle)).counts["posts"] == 6
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2] / "src")}
    done = subprocess.run(
        [sys.executable, "-c", KILLER, str(home.root), handle],
        env=env,
        capture_output=True,
        timeout=120,
    )
    assert done.returncode == -9, done.stderr[-2000:]
    for _, path in post_files(ws):
        pq.read_table(path)  # every file whole: the old one or the new one
    assert len(list(ws.root.rglob("*.erasing"))) == 1  # the one killed before its rename
    half = privacy.find(ws, privacy.resolve_subject(ws, handle=handle)).counts
    assert (half["raw_posts"], half["posts"]) == (0, 6)  # raw rewritten, enriched still old
    privacy.erase(ws, privacy.resolve_subject(ws, handle=handle))
    assert not list(ws.root.rglob("*.erasing"))
    store = [ws.raw_dir, ws.enriched_dir]
    assert not any(_files_with(folder, b"airlinefuel") for folder in store)
    with pytest.raises(privacy.PrivacyError) as err:
        privacy.find(ws, privacy.resolve_subject(ws, handle=handle))
    assert err.value.http_status == 404


def test_web_is_for_owners_and_erases_with_confirmation(home: Home) -> None:
    api = "/api/v1/workspaces/main/privacy"
    for who in ("manager", "agent", "analyst", "viewer"):
        assert home.call(who, "GET", api, params={"handle": "twitter:wmrrock"}).status_code == 403
    for who in ("agent", "viewer"):  # the page too (a sign-in each: two are enough)
        page = home.signed_in(who).get("/w/main/privacy")
        assert page.status_code == 403, (who, page.status_code)
    assert (
        home.call("outsider", "GET", api, params={"handle": "twitter:wmrrock"}).status_code == 404
    )
    r = home.call("owner", "GET", api, params={"handle": "twitter:wmrrock"})
    assert r.status_code == 200 and r.json()["counts"]["posts"] == 5
    assert (
        home.call("owner", "GET", api, params={"handle": "twitter:nobody_here"}).status_code == 404
    )
    assert home.call("owner", "GET", api, params={"handle": "no-colon"}).status_code == 400
    z = home.call("owner", "GET", api + "/export", params={"handle": "twitter:wmrrock"})
    assert z.status_code == 200
    names = zipfile.ZipFile(io.BytesIO(z.content)).namelist()
    assert "subject.json" in names and "posts.csv" in names
    owner = home.signed_in("owner")
    page = owner.get("/w/main/privacy", params={"by": "handle", "value": "twitter:wmrrock"})
    assert page.status_code == 200 and 'id="privacy-total">10<' in page.text
    form = {"by": "handle", "value": "twitter:wmrrock", "csrf": owner.csrf}  # type: ignore[attr-defined]
    assert owner.post("/w/main/privacy/erase", data={**form, "csrf": "x"}).status_code == 403
    unconfirmed = owner.post("/w/main/privacy/erase", data={**form, "confirm": "1", "again": "x"})
    assert unconfirmed.status_code == 400 and 'id="privacy-error"' in unconfirmed.text
    done = owner.post(
        "/w/main/privacy/erase", data={**form, "confirm": "1", "again": "twitter:wmrrock"}
    )
    assert done.status_code == 200 and 'id="privacy-done"' in done.text
    assert home.call("owner", "GET", api, params={"handle": "twitter:wmrrock"}).status_code == 404
    assert "privacy-link" in owner.get("/w/main/settings").text


def test_retention_applied_by_the_worker_loop(home: Home) -> None:
    ws = home.ws("main")
    with pytest.raises(privacy.PrivacyError):
        retention.set_rule(ws, "everything", 3)
    retention.set_rule(ws, "inbox_messages", 30, "test")
    with ws.begin() as conn:  # two conversations' messages written long ago
        old = [
            r[0]
            for r in conn.execute(
                text(
                    "SELECT conversation_id FROM conversations WHERE source = "
                    "'import:airline-care' ORDER BY conversation_id LIMIT 2"
                )
            )
        ]
        conn.execute(
            text(
                "UPDATE messages SET created_at = '2020-01-01T00:00:00.000000+00:00' "
                "WHERE conversation_id IN (:a, :b)"
            ),
            {"a": old[0], "b": old[1]},
        )
        n_old = conn.execute(
            text("SELECT COUNT(*) FROM messages WHERE conversation_id IN (:a, :b)"),
            {"a": old[0], "b": old[1]},
        ).scalar_one()
        total = conn.execute(text("SELECT COUNT(*) FROM messages")).scalar_one()
    loop = BackgroundInbox(lambda: [ws], poll_s=0.05, fetch_every_s=1e9)
    loop.start()
    try:
        deadline = time.monotonic() + 30
        while loop.rounds < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        loop.stop()
    ran = loop.last[str(ws.root)]
    assert ran["retention"] is None  # the second round: not due again within the hour
    with ws.connect() as conn:
        erased = conn.execute(
            text("SELECT COUNT(*) FROM messages WHERE text = :m"), {"m": MARKER}
        ).scalar_one()
        assert conn.execute(text("SELECT COUNT(*) FROM messages")).scalar_one() == total
        log = (
            conn.execute(text("SELECT counts FROM privacy_log WHERE kind = 'retention'"))
            .scalars()
            .all()
        )
    assert erased >= n_old >= 2
    assert json.loads(log[-1]) == {"inbox_messages": n_old}
    assert retention.apply(ws) == {"inbox_messages": 0}  # idempotent
    assert re.search(r"inbox_messages", json.dumps(retention.rules(ws)))
