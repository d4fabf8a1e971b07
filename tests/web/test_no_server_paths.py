"""Server paths stay on the server (issue 12): an upload's answer, its errors, the "busy"
answer while another import runs, a post's detail and the data page name files, never where
they lie on the server (the home folder, uploads/, the temporary folder)."""

from __future__ import annotations

import io
import re
from typing import Any

from socialops.redact import add_root, without_paths
from socialops.store.workspace import Workspace

WS = "/api/v1/workspaces/main"


def csv_file(rows: int = 3) -> bytes:
    lines = ["id,text,created_at,author"]
    lines += [f"np-{i},no paths please {i},2015-02-20 10:00:00 -0800,me" for i in range(rows)]
    return ("\n".join(lines) + "\n").encode()


def no_paths(web: Any, text: str) -> None:
    root = str(web.root)
    assert root not in text and str(web.root.resolve()) not in text, text[:2000]
    assert "/uploads/" not in text, text[:2000]


def test_upload_answer_names_the_file_only(web: Any) -> None:
    files = {"file": ("paths.csv", csv_file(), "text/csv")}
    r = web.call("analyst", "POST", f"{WS}/imports", files=files)
    assert r.status_code == 201, r.text
    no_paths(web, r.text)
    assert r.json()["source_file"] == "paths.csv"
    listed = web.call("viewer", "GET", f"{WS}/imports").json()
    assert listed[-1]["source_path"] == "paths.csv"  # not its stored name, nor its path
    # a post's detail: the file it came from, by name
    posts = web.call("viewer", "GET", f"{WS}/posts", params={"q": "paths", "per_page": 1})
    item = posts.json()["items"][0]
    one = web.call("viewer", "GET", f"{WS}/posts/{item['platform']}/{item['post_id']}")
    assert one.status_code == 200
    no_paths(web, one.text)
    assert "/" not in one.json()["source_file"]


def test_upload_errors_name_the_file_only(web: Any) -> None:
    """A file that cannot be read: the error names it, not its stored path (API and page)."""
    junk = {"file": ("junk.csv", b"\x00\xff" * 64, "text/csv")}
    r = web.call("analyst", "POST", f"{WS}/imports", files=junk)
    assert 400 <= r.status_code < 500, r.text
    no_paths(web, r.text)
    owner = web.signed_in("owner")
    token = re.search(r'name="csrf" value="([^"]+)"', owner.get("/w/main/data").text)
    assert token
    page = owner.post(
        "/w/main/data/upload",
        data={"preset": "generic", "csrf": token.group(1)},
        files={"file": ("junk.csv", io.BytesIO(b"\x00\xff" * 64), "text/csv")},
    )
    assert 400 <= page.status_code < 500
    no_paths(web, page.text)
    no_paths(web, owner.get("/w/main/data").text)


def test_busy_answer_names_no_folder(web: Any) -> None:
    """While another import or enrichment holds the workspace, the 409 says so without the
    workspace's folder (the CLI's message names it: its user owns the folder)."""
    ws = Workspace.open(web.root)
    files = {"file": ("busy.csv", csv_file(), "text/csv")}
    with ws.lock("the test"):
        r = web.call("analyst", "POST", f"{WS}/imports", files=files)
    assert r.status_code == 409, r.text
    assert "진행 중" in r.text, r.text  # the workspace is busy (in the user's language)
    no_paths(web, r.text)


def test_without_paths() -> None:
    add_root("/srv/socialops/home")
    said = "Cannot read /srv/socialops/home/uploads/812-1a2b3c4d-tweets.csv: not UTF-8"
    assert without_paths(said) == "Cannot read tweets.csv: not UTF-8"
    assert without_paths("The workspace /srv/socialops/home is busy") == (
        "The workspace home is busy"
    )
    for kept in (
        "use /api/v1/workspaces/main/imports",
        "/srv/socialops/homework/x.csv",  # another folder that starts alike
        "https://example.com/srv/socialops/home/x",
        "2024/01/01",
    ):
        assert without_paths(kept) == kept
