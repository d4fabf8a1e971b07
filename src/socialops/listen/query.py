"""Moved to :mod:`socialops.nlp.query` (re-exported for web/services.py until it follows)."""

from socialops.nlp.query import compile_query, parse

__all__ = ["compile_query", "parse"]
