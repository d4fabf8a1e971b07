"""Running ``socialops`` as a user does, for the CLI tests: a real subprocess, its exit code and
stderr (one line on bad input)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def run(
    args: list[str], home: Path, stdin: str | None = None, **env: str
) -> subprocess.CompletedProcess[str]:
    """``python -m socialops ARGS`` with ``SOCIALOPS_HOME=home`` (and any extra ``env``)."""
    full = {**os.environ, "SOCIALOPS_HOME": str(home), "COLUMNS": "200", **env}
    return subprocess.run(
        [sys.executable, "-m", "socialops", *args],
        env=full,
        capture_output=True,
        text=True,
        input=stdin,
        timeout=600,
    )


def one_line_error(p: subprocess.CompletedProcess[str]) -> str:
    """The single stderr line of a failed command (no traceback)."""
    assert "Traceback" not in p.stderr, p.stderr
    lines = [ln for ln in p.stderr.strip().splitlines() if ln.strip()]
    assert len(lines) == 1, p.stderr
    return lines[0]
