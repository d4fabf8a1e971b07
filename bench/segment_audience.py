"""Saved segments and audience files at scale: save a segment of N customers with an e-mail,
a Korean phone number and an advertising id each (identifiers Fernet-encrypted member by
member, written in batches of 1,000 in one transaction), read it back with identifiers, and
export it as every audience format; prints seconds and rows per second for each step and the
machine. A tenth of the phone numbers are malformed, to time the counted left-outs too.

    .venv/bin/python bench/segment_audience.py [--customers 100000]

Runs on SQLite unless SOCIALOPS_DATABASE_URL says otherwise."""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from _common import machine
from socialops.segment.audience import export_audience, formats
from socialops.segment.store import Member, save_segment, segment_members
from socialops.store.workspace import Workspace


def _members(n: int) -> list[Member]:
    out = []
    for i in range(n):
        phone = f"010-{i % 10000:04d}-{i // 10000:04d}" if i % 10 else f"02-{i}"
        out.append(
            Member(
                f"c{i:07d}",
                score=(i % 1000) / 1000,
                attributes={"age": 20 + i % 50, "region": "서울"},
                identifiers={
                    "email": f"Customer.{i}@Example.com",
                    "phone": phone,
                    "adid": f"{i:08x}-1111-4222-8333-{i:012x}",
                },
            )
        )
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--customers", type=int, default=100_000)
    n = ap.parse_args().customers
    members = _members(n)
    with tempfile.TemporaryDirectory() as tmp:
        ws = Workspace.open(Path(tmp) / "ws")
        t0 = time.perf_counter()
        info = save_segment(ws, "bench/all", members, kind="manual")
        save_s = time.perf_counter() - t0
        print(f"save_segment: {info.size:,} members in {save_s:.2f} s ({n / save_s:,.0f}/s)")
        t0 = time.perf_counter()
        read = sum(1 for _ in segment_members(ws, "bench/all", with_identifiers=True))
        read_s = time.perf_counter() - t0
        print(f"segment_members (decrypted): {read:,} in {read_s:.2f} s ({read / read_s:,.0f}/s)")
        for name in sorted(formats()):
            t0 = time.perf_counter()
            got = export_audience(ws, "bench/all", name, Path(tmp) / f"{name}.out")
            s = time.perf_counter() - t0
            print(
                f"export {name}: {got['rows']:,} rows in {s:.2f} s ({got['members'] / s:,.0f} "
                f"members/s); left out {got['skipped'] or 0}; invalid {got['invalid'] or 0}"
            )
    print(f"machine: {machine()}")


if __name__ == "__main__":
    main()
