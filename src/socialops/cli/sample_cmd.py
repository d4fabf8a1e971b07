"""``socialops sample-data``: prepare the real sample data in stages, recording progress.

The first ``socialops serve --sample-data`` runs this in a background process and opens the
server at once (:func:`start_in_background`); the web's progress page reads what it records
(:mod:`socialops.store.sample_progress`). Stages:

1. ``sample``: every small sample file and an evenly spread slice of the 662k Naver reviews
   (:data:`SLICE_ROWS`, every date range represented), enriched, with the demo topics and
   reports: the workspace is usable.
2. ``all``: the whole review file (the slice's rows come back as duplicates, so the import's
   counts still add up), enriched.
3. ``reports``: the listening reports again over all the data, and the example plans.

Run again after an interruption, it resumes: a file imported already is not imported again,
enrichment does only what is new.
"""

from __future__ import annotations

import contextlib
import gzip
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import typer

from socialops import settings
from socialops.cli.common import err_console, print_json, state
from socialops.cli.demo_cmd import DEMO_FILES, _reports, add_demo_topics
from socialops.errors import DataError, SettingsError
from socialops.i18n import default_lang, t
from socialops.store.sample_progress import STAGES, SampleProgress, read_progress
from socialops.store.workspace import Workspace

__all__ = [
    "LOG_FILE",
    "SLICE_ROWS",
    "prepare",
    "register",
    "start_in_background",
    "start_when_listening",
]

SLICE_ROWS = 10_000  # Naver reviews in the first, quick stage
LARGE = "nsmc/reviews.tsv.gz"
LOG_FILE = "sample-data.log"


def _slice(src: Path, dest: Path, rows: int) -> Path:
    """Every k-th line of a gzipped TSV (its header kept), so the slice spans the whole file
    (all its years and films) rather than its first rows: at most ``rows`` lines and a thirtieth
    of the file. Written byte for byte the same each time (no time stamp in the gzip header), so
    a resumed preparation knows it imported it already."""
    with gzip.open(src, "rt", encoding="utf-8", newline="") as fh:
        header, *lines = fh.readlines()
    rows = min(rows, max(1, len(lines) // 30))
    step = max(1, len(lines) // rows)
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".{dest.name}.{os.getpid()}")
    with open(tmp, "wb") as raw, gzip.GzipFile(filename="", fileobj=raw, mode="wb", mtime=0) as gz:
        gz.write(header.encode("utf-8"))
        gz.write("".join(lines[::step][:rows]).encode("utf-8"))
    os.replace(tmp, dest)
    return dest


def _imported_hashes(ws: Workspace) -> set[str]:
    # lazy: CLI start-up time (every command module loads when the CLI starts)
    from socialops.sources.ledger import list_imports

    return {str(i["source_sha256"]) for i in list_imports(ws, "posts") if i["status"] == "done"}


def prepare(
    ws: Workspace,
    data_dir: Path,
    *,
    small: bool = False,
    engine: str = "duckdb",
    log: Callable[[str], None] = lambda _line: None,
) -> SampleProgress:
    """Prepare the sample data in ``ws`` in stages, recording progress; the progress at the
    end (``finished``)."""
    # lazy: CLI start-up time (every command module loads when the CLI starts)
    from socialops.plan.demo import add_demo_plans
    from socialops.sources.enrich import enrich_workspace
    from socialops.sources.ledger import sha256_file
    from socialops.sources.streams.posts import import_file

    stages = [s for s in STAGES if not (small and s == "all")]
    prog = SampleProgress(root=ws.root, stages=stages)
    before = read_progress(ws.root)
    if before is not None and before.finished:  # prepared already: nothing to redo
        _demo_publishing(ws, log)  # a home prepared before publishing existed gets it now
        return before
    if before is not None:  # resuming: keep when it began
        prog.started_at = before.started_at
    lang = default_lang()

    def step(name: str) -> Callable[[int, int], None]:
        def update(done: int, total: int) -> None:
            prog.update(name, done, total)

        return update

    def run_imports(files: list[tuple[Path, str, str]]) -> None:
        seen = _imported_hashes(ws)
        for path, preset, topic in files:
            if sha256_file(path) in seen:
                continue
            log(t("cli.sample_import", lang, file=path.name))
            res = import_file(ws, path, preset=preset, topics=[topic], progress=step(path.name))
            log(t("cli.sample_imported", lang, file=path.name, **res.to_dict()))

    def run_enrich() -> None:
        log(t("cli.sample_enrich", lang))
        er = enrich_workspace(ws, engine=engine, progress=step("enrich"))
        prog.posts = _enriched_posts(ws)
        log(t("cli.sample_enriched", lang, rows=f"{er.rows:,}", seconds=f"{er.elapsed_s:.0f}"))

    presets = {p for _, p, _ in DEMO_FILES if not (small and p == "nsmc-reviews")}

    def reports() -> None:
        """The demo's topics and reports; a report whose topics match nothing in the data so
        far (a sample may hold none of a film's reviews) is left for later, said in the log."""
        try:
            _reports(ws, engine, presets, True)
        except DataError as exc:
            log(t("cli.sample_report_later", lang, detail=exc.text(lang)))

    try:
        prog.begin("sample")
        first: list[tuple[Path, str, str]] = []
        for rel, preset, topic in DEMO_FILES:
            if preset == "nsmc-reviews":
                if small:
                    continue
                sliced = ws.root / "samples" / "nsmc-reviews-sample.tsv.gz"
                first.append((_slice(data_dir / rel, sliced, SLICE_ROWS), preset, topic))
            else:
                first.append((data_dir / rel, preset, topic))
        run_imports(first)
        run_enrich()
        add_demo_topics(ws, presets)  # the pages have data and topics: usable
        _demo_publishing(ws, log)
        prog.usable = True
        prog.step = "reports"
        prog.save(force=True)
        log(t("cli.sample_usable", lang, posts=f"{prog.posts:,}"))
        _demo_inbox(ws, data_dir, log)  # (20 s: after the pages are usable)
        reports()  # the sample's reports, while the rest arrives
        if not small:
            prog.begin("all")
            run_imports([(data_dir / LARGE, "nsmc-reviews", "movies")])
            run_enrich()
        prog.begin("reports")
        reports()
        add_demo_plans(ws, data_dir)
        prog.finish()
        log(t("cli.sample_done", lang, posts=f"{prog.posts:,}"))
    except BaseException as exc:  # recorded for the page; the next start resumes
        prog.fail(str(exc) or type(exc).__name__)
        raise
    return prog


def _demo_publishing(ws: Workspace, log: Callable[[str], None]) -> None:
    """The demo plan whose calendar is going out (publish.demo); never stops the start: a
    problem is one line in the log."""
    from socialops.errors import SocialopsError
    from socialops.publish.demo import add_demo_publishing

    try:
        add_demo_publishing(ws)
    except SocialopsError as exc:
        log(exc.text(default_lang()))


def _demo_inbox(ws: Workspace, data_dir: Path, log: Callable[[str], None]) -> None:
    """The demo inbox (engage.demo: airline care conversations and Korean samples); never
    stops the start: a problem is one line in the log."""
    from socialops.engage.demo import add_demo_inbox
    from socialops.errors import SocialopsError

    try:
        add_demo_inbox(ws, data_dir)
    except SocialopsError as exc:
        log(exc.text(default_lang()))


def _enriched_posts(ws: Workspace) -> int:
    # lazy: CLI start-up time (every command module loads when the CLI starts)
    from socialops.store.analytics import open_store

    with open_store(ws, "duckdb") as store:
        return int(store.posts().count().execute())


def sample_data(
    data_dir: Path | None = typer.Option(
        None, "--data-dir", help="Sample data (default: setting)."
    ),
    small: bool = typer.Option(False, "--small", help="Skip the 662k Naver movie reviews."),
    as_json: bool = typer.Option(False, "--json", help="Print the final progress as JSON."),
) -> None:
    """Prepare the sample data in stages (what `serve --sample-data` runs in the background);
    resumes an interrupted preparation."""
    d = settings.data_dir(data_dir)
    if not d.is_dir():
        raise SettingsError(code="cli.no_sample_data", path=d)
    ws = Workspace.open(state.workspace)

    def log(line: str) -> None:
        if not as_json:
            err_console.print(line, highlight=False, soft_wrap=True)

    prog = prepare(ws, d, small=small, engine=settings.get("engine", None), log=log)
    if as_json:
        print_json(prog.to_dict())


def needs_preparing(root: Path, has_posts: bool) -> bool:
    """Whether ``serve --sample-data`` should (re)start the preparation in ``root``."""
    prog = read_progress(root)
    if prog is None:
        return not has_posts
    return not prog.finished and prog.stopped


def start_in_background(root: Path, *, small: bool) -> subprocess.Popen[bytes]:
    """Start ``socialops sample-data`` for workspace ``root`` as a child process (stopped with
    the server by the same Ctrl-C), its lines in ``<root>/sample-data.log``."""
    log = open(root / LOG_FILE, "ab")  # noqa: SIM115 (the child owns it)
    cmd = [sys.executable, "-m", "socialops", "-w", str(root), "sample-data"]
    if small:
        cmd.append("--small")
    env = dict(os.environ, SOCIALOPS_DATA_DIR=str(settings.data_dir(None).resolve()))
    try:
        # at a lower priority (its enrichment workers inherit it): the pages stay quick while
        # the data arrives
        return subprocess.Popen(
            cmd, stdout=log, stderr=subprocess.STDOUT, env=env, preexec_fn=_lower_priority
        )
    finally:
        log.close()


def _lower_priority() -> None:  # in the child, before it runs
    with contextlib.suppress(OSError, ValueError):
        os.nice(int(settings.get("sample_nice")))


def start_when_listening(
    root: Path, host: str, port: int, *, small: bool, timeout: float = 120.0
) -> threading.Thread:
    """:func:`start_in_background` once the server at ``host:port`` accepts connections (the
    first page first: the preparation would otherwise take the cores the server starts with)."""

    # said at once (the page and the API show a preparation about to start, not nothing); the
    # child takes the record over, keeping when it began
    stages = [st for st in STAGES if not (small and st == "all")]
    before = read_progress(root)
    waiting = SampleProgress(root=root, stages=stages, step="starting")
    if before is not None:
        waiting.started_at = before.started_at
    waiting.save(force=True)

    def run() -> None:
        deadline = time.monotonic() + timeout
        target = "127.0.0.1" if host in ("0.0.0.0", "", "::") else host
        while time.monotonic() < deadline:
            try:
                with socket.create_connection((target, port), timeout=1):
                    break
            except OSError:
                time.sleep(0.1)
        start_in_background(root, small=small)

    thread = threading.Thread(target=run, name="sample-data-start", daemon=True)
    thread.start()
    return thread


def register(app: typer.Typer) -> None:
    app.command("sample-data")(sample_data)
