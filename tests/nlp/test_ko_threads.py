"""Kiwi in single-thread mode (what socialops.nlp.ko runs) shared by threads: the web app's
request threads all analyse with the process's one Kiwi."""

from __future__ import annotations

import gzip
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from socialops.nlp import ko


def test_threads_sharing_kiwi_get_the_results_one_thread_gets(data_dir: Path) -> None:
    texts: list[str] = []
    with gzip.open(data_dir / "nsmc" / "reviews.tsv.gz", "rt", encoding="utf-8") as f:
        next(f)
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) == 5 and parts[4].strip():
                texts.append(parts[4])
            if len(texts) >= 1200:
                break
    alone = ko.analyse_words(texts)
    chunks = [texts[i::4] for i in range(4)]
    with ThreadPoolExecutor(4) as pool:
        together = list(pool.map(ko.analyse_words, chunks * 2))
    for k, got in enumerate(together):
        assert got == alone[k % 4 :: 4]


def test_kiwi_runs_no_native_thread_so_a_fork_is_safe() -> None:
    """The pool's fork server forks workers from a process that has used Kiwi: that is safe
    only while Kiwi has started no thread of its own (single-thread mode)."""
    import subprocess
    import sys

    code = (
        "import os\n"
        "from socialops.nlp import ko\n"
        "ko.analyse(['배송이 너무 늦어요', '좋아요'])\n"
        "print(len(os.listdir('/proc/self/task')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "1", out
