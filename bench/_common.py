"""Helpers shared by the benchmarks: machine description, real data location."""

from __future__ import annotations

import os
import platform
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parents[1]


def data_dir() -> Path:
    env = os.environ.get("SOCIALOPS_DATA_DIR")
    d = Path(env) if env else REPO.parent / "shared" / "data"
    if not d.is_dir():
        raise SystemExit(f"sample data not found at {d}: set SOCIALOPS_DATA_DIR")
    return d


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = psutil.virtual_memory().total / 2**30
    return f"{cpu}, {os.cpu_count()} cores, {mem:.0f} GiB RAM, Python {platform.python_version()}"
