"""The post text index (socialops.store.texts) and sample keys (socialops.store.sample_key):
lookups equal the enriched texts, the index follows enriched files as they come and go, and
sample keys depend on the post alone."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from enriched_ledger import commit_enriched
from socialops.store.sample_key import KEY_SPACE, sample_keys
from socialops.store.texts import INDEX_FILE, files_changed, post_texts
from socialops.store.workspace import Workspace


@pytest.fixture()
def ws_copy(airline_ws: Workspace, tmp_path: Path) -> Workspace:
    """A private copy of the airline workspace's enriched files (the index is changed here)."""
    ws = Workspace.open(tmp_path / "ws")
    shutil.copytree(airline_ws.enriched_dir, ws.enriched_dir, dirs_exist_ok=True)
    commit_enriched(ws)
    return ws


def _enriched(ws: Workspace) -> pa.Table:
    return pa.concat_tables(
        pq.read_table(f, columns=["platform", "post_id", "text"]) for f in ws.enriched_files()
    )


def test_lookup_equals_enriched_texts(ws_copy: Workspace) -> None:
    t = _enriched(ws_copy)
    rows = t.take(pa.array(np.arange(0, t.num_rows, 97))).to_pylist()
    wanted = [(r["platform"], r["post_id"]) for r in rows]
    got = post_texts(ws_copy, [*wanted, ("twitter", "no-such-post")])
    assert got == {(r["platform"], r["post_id"]): r["text"] or "" for r in rows}
    assert ("twitter", "no-such-post") not in got
    assert (ws_copy.root / "cache" / INDEX_FILE).exists()
    assert post_texts(ws_copy, []) == {}


def test_index_follows_enriched_files(ws_copy: Workspace) -> None:
    (path,) = ws_copy.enriched_files()
    table = pq.read_table(path)
    n = table.num_rows
    a = (table["platform"][0].as_py(), table["post_id"][0].as_py())
    b = (table["platform"][n - 1].as_py(), table["post_id"][n - 1].as_py())
    assert set(post_texts(ws_copy, [a, b])) == {a, b}
    # a file that is gone: its posts are dropped from the index
    path.unlink()
    files_changed(ws_copy)  # as enrichment says when it writes files
    assert post_texts(ws_copy, [a, b]) == {}
    # new files: their posts are added, with the texts they hold now
    half = n // 2
    second = table.slice(half)
    edited = pc.binary_join_element_wise(second["text"], pa.scalar(" (edited)"), "")
    second = second.set_column(second.schema.get_field_index("text"), "text", edited)
    pq.write_table(table.slice(0, half), path.with_name("first.parquet"))
    pq.write_table(second, path.with_name("second.parquet"))
    commit_enriched(ws_copy)
    files_changed(ws_copy)
    got = post_texts(ws_copy, [a, b])
    assert got[a] == (table["text"][0].as_py() or "")
    assert got[b].endswith(" (edited)")


def test_sample_keys_depend_on_the_post_alone() -> None:
    platform = pa.array(["twitter", "twitter", "nsmc", None, "twitter"])
    post_id = pa.array(["1", "2", "1", "1", "1"])
    keys = sample_keys(platform, post_id).to_pylist()
    assert keys[0] == keys[4] and len(set(keys[:4])) == 4
    assert all(0 <= k < KEY_SPACE for k in keys)
    # order and chunking do not matter
    again = sample_keys(
        pa.chunked_array([platform[3:], platform[:3]]), pa.chunked_array([post_id[3:], post_id[:3]])
    )
    assert again.to_pylist() == keys[3:] + keys[:3]
    # roughly uniform: a tenth of the key space holds about a tenth of many posts
    many = sample_keys(pa.array(["x"] * 20000), pa.array([str(i) for i in range(20000)]))
    below = int(pc.sum(pc.less(many, KEY_SPACE // 10)).as_py())
    assert 1700 < below < 2300
