"""Prometheus' multi-process mode for ``socialops serve --processes N``: each web process
writes its request counts and latencies to memory-mapped files in one folder, and ``/metrics``
(answered by any of them) sums every process's files.

prometheus-client picks the mode when it is first imported (``PROMETHEUS_MULTIPROC_DIR``), so
:func:`prepare` must run in the parent before any web process imports the app. Nothing here
imports prometheus-client."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

__all__ = ["ENV", "cleanup", "prepare"]

ENV = "PROMETHEUS_MULTIPROC_DIR"


def prepare() -> Path:
    """A fresh, private folder for this server's metric files, named in the environment its
    web processes inherit (an operator's own ``PROMETHEUS_MULTIPROC_DIR`` is emptied and used:
    files a previous run left would be counted again)."""
    given = os.environ.get(ENV, "").strip()
    if given:
        folder = Path(given)
        if folder.is_dir():
            for old in folder.glob("*.db"):
                old.unlink(missing_ok=True)
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    else:
        folder = Path(tempfile.mkdtemp(prefix="socialops-metrics-"))
        os.environ[ENV] = str(folder)
    return folder


def cleanup(folder: Path) -> None:
    """Remove the folder :func:`prepare` made (an operator's own folder is left, emptied)."""
    if folder.name.startswith("socialops-metrics-"):
        shutil.rmtree(folder, ignore_errors=True)
