"""Benchmark (issue 18): ``socialops backup`` and ``socialops restore`` of the full demo
workspace, per archive format.

    .venv/bin/python bench/backup_restore.py [--home DIR] [--formats tar.zst,tar.gz,tar]
        [--tmp DIR]

With ``SOCIALOPS_DATABASE_URL`` set the folder's databases are those on PostgreSQL (``socialops
db copy`` them there first) and the restores go to new schemas, dropped after the check.

``--home``: the folder to back up (a workspace or a home); without it the full demo workspace
is built first with ``socialops demo`` (the real sample data: 14,640 airline tweets, 662k Naver
movie reviews, KOTE, Korean sarcasm, Facebook page metrics; imported and enriched), which takes
long on a small machine. For each format: the backup (every database as a snapshot, the Parquet
store, the read-back check of every checksum) and the restore into an empty folder (checksums,
databases, migrations), timed in wall and CPU seconds; the restored row counts are checked
against the manifest. Prints the figures as a table and as JSON; exits 1 when a check fails."""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import text

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import data_dir, machine
from socialops.store.backup import backup, restore
from socialops.store.db import Database


def _cpu() -> float:
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def _folder_bytes(root: Path) -> int:
    return sum(p.stat().st_size for p in root.rglob("*") if p.is_file() and not p.is_symlink())


def _build_demo(into: Path) -> float:
    t0 = time.perf_counter()
    env = {**os.environ, "SOCIALOPS_HOME": str(into), "SOCIALOPS_DATA_DIR": str(data_dir())}
    subprocess.run([sys.executable, "-m", "socialops", "demo"], env=env, check=True)
    return time.perf_counter() - t0


def _check(into: Path, databases: list[dict[str, Any]]) -> list[str]:
    """The restored tables whose row counts differ from the manifest's; then the restored
    databases are removed."""
    bad = []
    for d in databases:
        folder = into / d["folder"] if d["folder"] else into
        db = Database.open(folder, d["kind"])
        with db.connect() as conn:
            for table, n in d["tables"].items():
                if table == "alembic_version":
                    continue
                got = conn.execute(text(f'SELECT COUNT(*) FROM "{table}"')).scalar_one()
                if got != n:
                    bad.append(f"{d['kind']} {table}: {got} != {n}")
        db.drop()  # on PostgreSQL the restored schema (the folder goes with the temp folder)
    return bad


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--home", type=Path, help="folder to back up (default: build the demo)")
    ap.add_argument("--formats", default="tar.zst,tar.gz", help="comma-separated")
    ap.add_argument("--tmp", type=Path, default=None, help="where archives and restores go")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="so-backup-bench-", dir=args.tmp))
    rows: list[dict[str, Any]] = []
    failed = False
    try:
        home = args.home
        built = None
        if home is None:
            home = work / "demo"
            built = _build_demo(home)
        size = _folder_bytes(home)
        for fmt in [f.strip() for f in args.formats.split(",") if f.strip()]:
            out = work / f"backup.{fmt}"
            c0, t0 = _cpu(), time.perf_counter()
            made = backup(home, out)
            b_wall, b_cpu = time.perf_counter() - t0, _cpu() - c0
            into = work / f"restored-{fmt}"
            c0, t0 = _cpu(), time.perf_counter()
            back = restore(out, into)
            r_wall, r_cpu = time.perf_counter() - t0, _cpu() - c0
            bad = _check(into, made.databases)
            failed |= bool(bad)
            rows.append(
                {
                    "format": fmt,
                    "folder_mb": round(size / 2**20, 1),
                    "archive_mb": round(made.bytes / 2**20, 1),
                    "files": made.files,
                    "rows": sum(d["rows"] for d in made.databases),
                    "backup_s": round(b_wall, 1),
                    "backup_cpu_s": round(b_cpu, 1),
                    "restore_s": round(r_wall, 1),
                    "restore_cpu_s": round(r_cpu, 1),
                    "migrated": sum(len(d["migrated"]) for d in back.databases),
                    "count_mismatches": bad,
                }
            )
            out.unlink()
            shutil.rmtree(into)
        print(f"machine: {machine()}; load average {os.getloadavg()[0]:.1f}")
        print(
            f"folder: {home} ({size / 2**20:.1f} MiB)"
            + (f", built in {built:.0f} s" if built else "")
        )
        head = ("format", "archive MiB", "files", "db rows", "backup s (cpu)", "restore s (cpu)")
        print("  ".join(f"{h:>16}" for h in head))
        for r in rows:
            print(
                "  ".join(
                    f"{v:>16}"
                    for v in (
                        r["format"],
                        r["archive_mb"],
                        r["files"],
                        r["rows"],
                        f"{r['backup_s']} ({r['backup_cpu_s']})",
                        f"{r['restore_s']} ({r['restore_cpu_s']})",
                    )
                )
            )
        print(json.dumps(rows))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
