"""Segments over the API (issue 17, item 8): saved segments (list, show with a grouped name,
delete), another workspace's segment is 404, audience files (hashes only, the export recorded
with who made it; a viewer or analyst may not: 403), RFM on CDNOW transactions saved as
``PREFIX/<segment>``, response by attribute and the targeting model on the bank-marketing table,
and hostile uploads (junk, too large) answered with a clear 4xx in the one error shape."""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from measure_web_home import API, Home, error_of, make_home

from socialops.segment.store import Member, get_segment, save_segment

EMAILS = [f" Customer{i}@Example.com " for i in range(120)]


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Home]:
    found = make_home(tmp_path_factory.mktemp("segments-api") / "home")
    home = next(found)
    members = [
        Member(
            f"c{i:03d}",
            0.9 - i / 1000,
            {"region": "서울"},
            {"email": e, "phone": f"010-5555-{i:04d}"},
        )
        for i, e in enumerate(EMAILS)
    ]
    save_segment(home.ws(), "vip/seoul", members, kind="manual", created_by="owner@example.com")
    save_segment(home.ws("other"), "secret", members[:3], kind="manual")
    yield home
    next(found, None)


def test_list_and_show_a_segment(home: Home) -> None:
    r = home.call("viewer", "GET", f"{API}/segments")
    assert r.status_code == 200, r.text
    [seg] = [s for s in r.json() if s["name"] == "vip/seoul"]
    assert (seg["kind"], seg["size"]) == ("manual", 120)
    r = home.call("viewer", "GET", f"{API}/segments/vip/seoul", params={"limit": 5})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["name"] == "vip/seoul" and len(body["members"]) == 5
    assert body["members"][0]["customer_id"] == "c000"
    # never the identifiers
    assert "customer0@" not in r.text.lower() and "5555" not in r.text


def test_another_workspaces_segment_is_404(home: Home) -> None:
    r = home.call("owner", "GET", f"{API}/segments/secret")
    assert r.status_code == 404 and error_of(r)["code"] == "segments.not_found"
    r = home.call("owner", "POST", f"{API}/segments/secret/audience", params={"format": "meta"})
    assert r.status_code == 404, r.text
    # the outsider's own workspace has it; the owner of main is not a member there
    assert (
        home.call("outsider", "GET", "/api/v1/workspaces/other/segments/secret").status_code == 200
    )
    r = home.call("owner", "GET", "/api/v1/workspaces/other/segments/secret")
    assert r.status_code == 404 and error_of(r)["code"] == "unknown_workspace"


def test_audience_export_hashes_and_is_recorded(home: Home) -> None:
    r = home.call(
        "manager", "POST", f"{API}/segments/vip/seoul/audience", params={"format": "google"}
    )
    assert r.status_code == 200, r.text
    assert "attachment" in r.headers["content-disposition"]
    assert r.headers["x-audience-rows"] == "120"
    assert hashlib.sha256(r.content).hexdigest() == r.headers["x-audience-sha256"]
    text = r.content.decode("utf-8")
    assert "customer" not in text.lower() and "010-" not in text
    # Google hashes the trimmed, lower-cased address
    want = hashlib.sha256(b"customer0@example.com").hexdigest()
    assert want in text
    hist = home.call("viewer", "GET", f"{API}/audience/exports")
    assert hist.status_code == 200
    [rec] = [e for e in hist.json() if e.get("format") == "google"]
    assert rec["exported_by"] == "manager@example.com" and rec["rows"] == 120
    assert rec["sha256"] == r.headers["x-audience-sha256"]


@pytest.mark.parametrize("who", ["viewer", "analyst", "agent"])
def test_only_owners_and_managers_export_audiences(home: Home, who: str) -> None:
    r = home.call(who, "POST", f"{API}/segments/vip/seoul/audience", params={"format": "meta"})
    assert r.status_code == 403 and error_of(r)["code"] == "forbidden"
    before = len(home.call("owner", "GET", f"{API}/audience/exports").json())
    assert before == len(home.call("owner", "GET", f"{API}/audience/exports").json())


def test_a_bad_format_is_422(home: Home) -> None:
    r = home.call("owner", "POST", f"{API}/segments/vip/seoul/audience", params={"format": "csv"})
    assert r.status_code == 422 and error_of(r)["code"] == "invalid"


def test_delete_a_segment(home: Home) -> None:
    save_segment(home.ws(), "tmp-one", [Member("a")], kind="manual")
    assert home.call("viewer", "DELETE", f"{API}/segments/tmp-one").status_code == 403
    r = home.call("analyst", "DELETE", f"{API}/segments/tmp-one")
    assert r.status_code == 200 and r.json()["ok"] is True
    r = home.call("analyst", "GET", f"{API}/segments/tmp-one")
    assert r.status_code == 404
    # in the analyst's language
    assert "segment" in error_of(r)["message"].lower()


def _cdnow_head(shared_file: Callable[[str], Path], rows: int = 4000) -> bytes:
    with shared_file("cdnow/CDNOW_master.txt").open("rb") as fh:
        return b"".join(fh.readline() for _ in range(rows))


def test_rfm_from_cdnow_saved_as_prefixed_segments(
    home: Home, shared_file: Callable[[str], Path]
) -> None:
    data = _cdnow_head(shared_file)
    r = home.call(
        "analyst",
        "POST",
        f"{API}/segments/rfm",
        files={"file": ("CDNOW_master.txt", data, "text/plain")},
        data={"preset": "cdnow", "save": "cdnow"},
    )
    assert r.status_code == 200, r.text[:500]
    body = r.json()
    counts = {s["segment"]: s["count"] for s in body["summary"]}
    assert sum(counts.values()) == body["customer_count"] > 100
    assert "champions" in counts and "hibernating" in counts
    assert "cdnow/champions" in body["saved"]
    info = get_segment(home.ws(), "cdnow/champions")
    assert info.kind == "rfm" and info.size == counts["champions"]
    # the customers' scores as CSV (UTF-8 with a BOM, English headers for the analyst)
    r = home.call(
        "analyst",
        "POST",
        f"{API}/segments/rfm",
        params={"format": "csv", "table": 1},
        files={"file": ("CDNOW_master.txt", data, "text/plain")},
        data={"preset": "cdnow"},
    )
    assert r.status_code == 200 and r.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert rows[0][0] == "Customer" and len(rows) == body["customer_count"] + 1


def test_attributes_and_the_targeting_model(home: Home, shared_file: Callable[[str], Path]) -> None:
    # every third customer (the file is ordered by the response): fast enough for CI
    lines = shared_file("bank_marketing/bank.csv").read_bytes().splitlines(keepends=True)
    bank = b"".join([lines[0], *lines[1::3]])
    r = home.call(
        "owner",
        "POST",
        f"{API}/segments/attributes",
        files={"file": ("bank.csv", bank, "text/csv")},
        data={"target": "deposit", "positive": "yes", "columns": "job,age"},
    )
    assert r.status_code == 200, r.text[:500]
    body = r.json()
    assert {a["column"] for a in body["attributes"]} == {"job", "age"}
    assert 0.3 < body["rate"] < 0.6
    r = home.call(
        "owner",
        "POST",
        f"{API}/segments/models",
        files={"file": ("bank.csv", bank, "text/csv")},
        data={"target": "deposit", "positive": "yes", "name": "bank-web"},
    )
    assert r.status_code == 200, r.text[:500]
    model = r.json()
    assert model["name"] == "bank-web" and 0.7 < model["auc"] <= 1.0 and model["top_attributes"]
    listed = home.call("viewer", "GET", f"{API}/segments/models").json()
    assert "bank-web" in [m["name"] for m in listed]
    rows = list(csv.reader(io.StringIO(bank.decode("utf-8"))))[:301]
    r = home.call(
        "owner",
        "POST",
        f"{API}/segments/models/bank-web/score",
        files={"file": ("new.csv", _csv(rows), "text/csv")},
        data={"save_as": "bank/likely", "min_score": "0.5"},
    )
    assert r.status_code == 200, r.text[:500]
    assert r.text.splitlines()[0].endswith(",deposit,score")  # the input columns plus score
    scored = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert len(scored) == 300 and all(0 <= float(s["score"] or "nan") <= 1 for s in scored), [
        s for s in scored if not s["score"]
    ][:2]
    above = sum(float(s["score"]) >= 0.5 for s in scored)
    assert get_segment(home.ws(), "bank/likely").size == above > 0


def _csv(rows: list[list[str]]) -> bytes:
    buf = io.StringIO()
    csv.writer(buf).writerows(rows)
    return buf.getvalue().encode("utf-8")


def test_unknown_model_is_404(home: Home) -> None:
    r = home.call(
        "owner",
        "POST",
        f"{API}/segments/models/nope/score",
        files={"file": ("a.csv", b"a,b\n1,2\n", "text/csv")},
    )
    assert r.status_code == 404 and error_of(r)["code"] == "targeting.unknown_model"


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("segments/rfm", {"preset": "cdnow"}),
        ("segments/attributes", {"target": "y"}),
        ("segments/models", {"target": "y"}),
    ],
)
def test_junk_upload_is_a_clear_400(home: Home, path: str, data: dict[str, str]) -> None:
    junk = b"\x00\xff\xfe" * 4000
    r = home.call(
        "analyst", "POST", f"{API}/{path}", files={"file": ("x.csv", junk, "text/csv")}, data=data
    )
    assert 400 <= r.status_code < 500, r.text[:300]
    err = error_of(r)
    assert err["message"] and "Traceback" not in err["message"]


def test_an_upload_over_the_limit_is_413(home: Home) -> None:
    big = b"a,b\n" + b"1,2\n" * (13 * 2**20)  # 52 MB
    r = home.call(
        "analyst", "POST", f"{API}/segments/rfm", files={"file": ("big.csv", big, "text/csv")}
    )
    assert r.status_code == 413 and error_of(r)["code"] == "too_large"
    assert re.search(r"\d+ MB", error_of(r)["message"])


def test_a_viewer_cannot_upload(home: Home) -> None:
    r = home.call(
        "viewer", "POST", f"{API}/segments/rfm", files={"file": ("a.csv", b"a\n1\n", "text/csv")}
    )
    assert r.status_code == 403 and error_of(r)["code"] == "forbidden"
