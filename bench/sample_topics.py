"""The demo's sample topics checked on the real files (docs/listening.md, "The sample topics").

Builds a workspace with every Naver movie review whose text contains a word of the film queries
(old and new: a superset of their matches, so the counts are those of all 662,404 reviews) and
all airline tweets, enriches it, and prints each query's preview: matches, first and last day,
the most frequent matched words and the ambiguity warnings.

    .venv/bin/python bench/sample_topics.py [--data-dir ../shared/data] [--workspace DIR]

About 3 minutes on 2 cores (the enrichment of ~23,000 reviews and 14,640 tweets).
"""

from __future__ import annotations

import argparse
import csv
import gzip
import tempfile
from pathlib import Path

from socialops import settings
from socialops.listen.ingest import import_file
from socialops.listen.preview import preview_query
from socialops.listen.samples import AIRLINE_TOPICS, FILM_TOPICS
from socialops.sources.enrich import enrich_workspace
from socialops.store.analytics import open_store
from socialops.store.workspace import Workspace

# the queries the demo used before issue 14, for comparison
OLD = {
    "명량 (old)": "명량 OR 이순신",
    "겨울왕국 (old)": "겨울왕국 OR 엘사 OR 올라프 OR 렛잇고",
    "인터스텔라 (old)": "인터스텔라 OR 놀란",
    "변호인 (old)": "변호인 OR 송강호",
    "Delta (old)": "@JetBlue OR jetblue OR @delta OR delta",
    "Delta itself": "@delta OR delta",
}
WORDS = (
    "명량",
    "이순신",
    "겨울왕국",
    "엘사",
    "올라프",
    "렛잇고",
    "인터스텔라",
    "놀",
    "변호인",
    "송강호",
)


def build(data: Path, root: Path) -> Workspace:
    sample = root / "reviews_with_words.tsv.gz"
    src_path = data / "nsmc" / "reviews.tsv.gz"
    with (
        gzip.open(src_path, "rt", encoding="utf-8", newline="") as src,
        gzip.open(sample, "wt", encoding="utf-8", newline="") as dst,
    ):
        reader = csv.reader(src, delimiter="\t", quoting=csv.QUOTE_NONE)
        writer = csv.writer(dst, delimiter="\t", quoting=csv.QUOTE_NONE, escapechar="\\")
        writer.writerow(next(reader))
        for row in reader:
            if len(row) > 4 and any(w in row[4] for w in WORDS):
                writer.writerow(row)
    ws = Workspace.open(root / "ws")
    import_file(ws, sample, preset="nsmc-reviews")
    import_file(ws, data / "airline_tweets" / "Tweets.csv", preset="airline-tweets")
    enrich_workspace(ws, workers=1)
    return ws


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data-dir", type=Path, default=None)
    ap.add_argument("--workspace", type=Path, default=None, help="reuse a built workspace")
    args = ap.parse_args()
    if args.workspace and (args.workspace / "workspace.db").exists():
        ws = Workspace.open(args.workspace)
    else:
        root = args.workspace.parent if args.workspace else Path(tempfile.mkdtemp())
        ws = build(settings.data_dir(args.data_dir), root)
    queries = {**AIRLINE_TOPICS, **FILM_TOPICS, **OLD}
    print("topic\tquery\tmatches\tfirst day\tlast day\ttop matched words\twarnings")
    with open_store(ws, "duckdb") as store:
        for name, query in queries.items():
            p = preview_query(store, query)
            words = ", ".join(f"{f['form']} {f['posts']}" for f in p["forms"][:5])
            warns = ", ".join(w["why"] for w in p["warnings"]) or "–"
            print(
                f"{name}\t{query}\t{p['matches']:,}\t{p['first_day']}\t{p['last_day']}\t"
                f"{words}\t{warns}"
            )


if __name__ == "__main__":
    main()
