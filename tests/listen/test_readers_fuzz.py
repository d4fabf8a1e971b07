"""Fuzzing: whatever the bytes, an import either fails with a SocialopsError or adds up."""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from socialops.errors import SocialopsError
from socialops.listen.ingest import import_file
from socialops.sources.readers import open_source
from socialops.store.workspace import Workspace

FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# no dates needed, ids derived when absent: most random files get as far as the rows
LOOSE = {"required": ["text"]}

cells = st.text(
    alphabet=st.sampled_from(list('ab가나다 ,;|\t"\n\r\x00é😀1-:.')), min_size=0, max_size=12
)


def _check(path: Path, **kw: object) -> None:
    with tempfile.TemporaryDirectory() as d:
        ws = Workspace.open(Path(d) / "ws")
        try:
            r = import_file(ws, path, **kw)  # type: ignore[arg-type]
        except SocialopsError:
            return
        assert r.rows_read == r.imported + r.duplicates + r.quarantined
        assert r.duplicates == r.duplicates_in_file + r.already_imported
        again = import_file(ws, path, **kw)  # type: ignore[arg-type]
        assert again.imported == 0
        assert again.rows_read == r.rows_read


@FUZZ
@given(
    data=st.binary(min_size=0, max_size=600),
    ext=st.sampled_from([".csv", ".tsv", ".jsonl", ""]),
)
def test_random_bytes(data: bytes, ext: str) -> None:
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / f"f{ext}"
        p.write_bytes(data)
        _check(p, mapping=LOOSE)


@FUZZ
@given(
    header=st.lists(
        st.sampled_from(["id", "text", "created_at", "likes", "x", ""]), min_size=1, max_size=5
    ),
    rows=st.lists(st.lists(cells, min_size=0, max_size=6), min_size=0, max_size=15),
    delim=st.sampled_from([",", "\t", ";", "|"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp949", "latin-1"]),
)
def test_random_csv(header: list[str], rows: list[list[str]], delim: str, encoding: str) -> None:
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delim)
    w.writerow(header)
    w.writerows(rows)
    data = buf.getvalue().encode(encoding, errors="replace")
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "f.csv"
        p.write_bytes(data)
        _check(p, mapping=LOOSE)
        _check(p, mapping={"post_id": "", "text": {"column": header[0]}, "created_at": ""})
        # readers alone: rows numbered 1..n, each either values or a reason
        try:
            with open_source(p) as src:
                recs = [r for b in src.batches(4) for r in b]
        except SocialopsError:
            return
        assert [r.row for r in recs] == list(range(1, len(recs) + 1))
        assert all((r.values is None) == (r.reason is not None) for r in recs)
