"""Moved: the posts import is the ``posts`` stream of :mod:`socialops.sources`
(``socialops.sources.streams.posts``); these names stay importable from here."""

from socialops.sources.streams.posts import (
    QUARANTINE_REASONS,
    ImportResult,
    import_file,
    list_imports,
    list_quarantine,
    workspace_lock,
)

__all__ = [
    "QUARANTINE_REASONS",
    "ImportResult",
    "import_file",
    "list_imports",
    "list_quarantine",
    "workspace_lock",
]
