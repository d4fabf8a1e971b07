"""Audience files for ad platforms (issue 17): a saved segment as the customer file an ad
platform takes, each identifier normalised (:mod:`socialops.segment.identifiers`) and hashed
exactly as that platform's upload specification says, never the raw e-mail or phone.

A registry like the import streams: each module of this package defines ``FORMAT`` (an
:class:`~socialops.segment.audience.base.AudienceFormat`); :func:`formats` imports them all on
first use, so adding a platform is adding a file. :func:`export_audience` writes the file and
records who exported what in ``audience_exports`` (:mod:`socialops.segment.audience.export`)."""

from __future__ import annotations

from socialops.segment.audience.base import AudienceFormat, formats, get_format
from socialops.segment.audience.export import audience_exports, export_audience

__all__ = ["AudienceFormat", "audience_exports", "export_audience", "formats", "get_format"]
