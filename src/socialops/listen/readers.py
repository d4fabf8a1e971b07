"""Moved to :mod:`socialops.sources.readers` (the one reader stack); re-exported for the
modules that still import it from here."""

from socialops.sources.readers import DELIMITERS, MAX_FIELD_CHARS, RawRecord, Source, open_source

__all__ = ["DELIMITERS", "MAX_FIELD_CHARS", "RawRecord", "Source", "open_source"]
