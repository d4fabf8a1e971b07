"""Moved to :mod:`socialops.nlp.query` (re-exported for listen/topics.py and web/services.py)."""

from socialops.nlp.query import Node, compile_query, parse

__all__ = ["Node", "compile_query", "parse"]
