"""The demo's reports and the next command it suggests (issue 14, item 10): the suggested
`socialops report …` runs as printed on the workspace the demo made, also with --small (no
movie reviews, so no 명량); the reports carry a description for the Reports page; the demo's
topics are two competitive sets."""

from __future__ import annotations

import csv
import gzip
import json
import os
import re
import shlex
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from socialops.cli.demo_cmd import _reports, next_steps
from socialops.listen.ingest import import_file
from socialops.listen.samples import FILM_SET
from socialops.listen.topics import list_topics
from socialops.sources.enrich import enrich_workspace
from socialops.store.workspace import Workspace

SOCIALOPS = Path(sys.executable).with_name("socialops")


def _film_reviews(src: Path, dest: Path, limit: int = 400) -> Path:
    """The reviews that name 명량 or 겨울왕국 (the first ``limit``)."""
    with (
        gzip.open(src, "rt", encoding="utf-8", newline="") as f,
        gzip.open(dest, "wt", encoding="utf-8", newline="") as out,
    ):
        reader = csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        writer = csv.writer(out, delimiter="\t", quoting=csv.QUOTE_NONE, escapechar="\\")
        writer.writerow(next(reader))
        n = 0
        for row in reader:
            if len(row) > 4 and ("명량" in row[4] or "겨울왕국" in row[4]):
                writer.writerow(row)
                n += 1
                if n >= limit:
                    break
    return dest


def test_the_suggested_report_command_runs(
    tmp_path: Path, shared_file: Callable[[str], Path]
) -> None:
    ws = Workspace.open(tmp_path / "ws")
    reviews = _film_reviews(shared_file("nsmc/reviews.tsv.gz"), tmp_path / "films.tsv.gz")
    import_file(ws, reviews, preset="nsmc-reviews")
    enrich_workspace(ws, workers=1)
    made = _reports(ws, "duckdb", {"nsmc-reviews"}, True)
    assert [m["topics"][0] for m in made] == ["명량"]
    assert {t.competitive_set for t in list_topics(ws)} == {FILM_SET}
    meta = json.loads((ws.root / "reports" / "movies.json").read_text(encoding="utf-8"))
    assert meta["id"] == "movies" and meta["topic"] == "명량" and "겨울왕국" in meta["vs"]

    steps = next_steps(ws, {"nsmc-reviews"})
    [report] = [s for s in re.findall(r"`([^`]+)`", steps) if " report " in s]
    assert "--topic 명량" in report and f"-w {ws.root}" in report
    args = shlex.split(report)
    assert args[0] in ("socialops", str(SOCIALOPS))  # the shell finds it either way
    env = {**os.environ, "SOCIALOPS_HOME": str(tmp_path / "elsewhere")}  # -w decides
    done = subprocess.run(
        [str(SOCIALOPS), *args[1:]],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "report.html").stat().st_size > 1000


def test_without_the_movie_reviews_the_suggestion_names_airlines(tmp_path: Path) -> None:
    ws = Workspace.open(tmp_path / "ws")
    steps = next_steps(ws, {"airline-tweets", "kote"})  # --small: no 명량
    assert "명량" not in steps
    assert "--topic United --vs American" in steps
    assert "--topic" not in next_steps(ws, {"kote"})  # no report without a topic group
