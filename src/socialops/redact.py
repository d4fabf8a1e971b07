"""Server paths stay on the server: a message a web client reads names a file, never where it
lies. The CLI's messages name the whole path (the person at the terminal owns it); the web
workspace passes every message it shows through :func:`without_paths` (:func:`~socialops.web.
i18n.t` does it to every parameter, :func:`~socialops.web.app.error_response` to every error),
which writes a path under a server folder — a home folder an app serves (:func:`add_root`),
the temporary folder, the server account's home, the Python installation — as the file's name
(an upload's as the name it was sent with).

    without_paths("Cannot read /srv/so/uploads/812-1a2b3c4d-tweets.csv: not UTF-8")
    # -> "Cannot read tweets.csv: not UTF-8"
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
import threading
from pathlib import Path, PurePosixPath

__all__ = ["add_root", "without_paths"]

_roots: set[str] = set()
_lock = threading.Lock()
_pattern: re.Pattern[str] | None = None
_STOP = "\\s'\"`<>"  # what ends a path in a sentence
_UPLOAD_PREFIX = re.compile(r"^\d+-[0-9a-f]{8}-")  # socialops.web.uploads.save_upload


def add_root(path: str | Path) -> None:
    """Say that paths under ``path`` (a home folder the server serves) are the server's."""
    global _pattern
    found = {str(path), os.path.abspath(path), os.path.realpath(path)}
    with _lock:
        if not found <= _roots:
            _roots.update(r for r in found if len(r) > 1)
            _pattern = None


def _compiled() -> re.Pattern[str]:
    global _pattern
    with _lock:
        if _pattern is None:
            roots = set(_roots)
            for extra in (tempfile.gettempdir(), str(Path.home()), sys.prefix, sys.base_prefix):
                for r in (extra, os.path.realpath(extra)):
                    if len(r) > 1 and r.startswith("/"):
                        roots.add(r.rstrip("/"))
            alternatives = "|".join(re.escape(r) for r in sorted(roots, key=len, reverse=True))
            _pattern = re.compile(
                f"(?<![\\w./-])(?:{alternatives})(?:/[^{_STOP}]*)?(?![^/{_STOP}])"
            )
        return _pattern


def _name(found: re.Match[str]) -> str:
    return _UPLOAD_PREFIX.sub("", PurePosixPath(found.group(0)).name, count=1) or "…"


def without_paths(text: str) -> str:
    """``text`` with every path under a server folder written as its file's name."""
    if "/" not in text:
        return text
    return _compiled().sub(_name, text)
