"""The words of a posts-explorer query marked in the posts it found (issue 14, item 12).

Post text is untrusted: :func:`highlight` escapes every piece of it first and only then wraps
the matched pieces in ``<mark>``, so nothing from a post is ever read as HTML."""

from __future__ import annotations

import re

from markupsafe import Markup, escape

from socialops.errors import SocialopsError
from socialops.nlp import query as q

__all__ = ["highlight", "query_marks"]

_HANGUL = re.compile(r"[\uac00-\ud7a3]")
_MAX_NEEDLES = 40


def query_marks(query: str) -> re.Pattern[str] | None:
    """What to mark for ``query``: its terms that are not under a NOT (as written and as the
    match units they are found by: 배송 in 배송이, flight in Flights), case-insensitive; Latin
    words only where a word starts. ``None`` for an empty query or one that does not parse."""
    if not query.strip():
        return None
    try:
        found = q.terms(q.parse(query))
    except SocialopsError:
        return None
    needles: set[str] = set()
    for term in found:
        raw = term.raw.strip().rstrip("*").strip()
        for piece in (raw, *term.units):
            piece = piece.strip()
            # a lone Latin letter or digit would mark half of every post
            if piece and (len(piece) > 1 or _HANGUL.match(piece)):
                needles.add(piece)
    if not needles:
        return None
    alternatives = []
    for needle in sorted(needles, key=len, reverse=True)[:_MAX_NEEDLES]:
        start = r"(?<![0-9A-Za-z_])" if re.match(r"[0-9A-Za-z_]", needle) else ""
        alternatives.append(start + re.escape(needle))
    return re.compile("|".join(alternatives), re.IGNORECASE)


def highlight(text: str | None, marks: re.Pattern[str] | None) -> Markup:
    """``text`` escaped, with what ``marks`` finds in it wrapped in ``<mark>``."""
    text = text or ""
    if marks is None:
        return escape(text)
    out: list[str] = []
    pos = 0
    for m in marks.finditer(text):
        if m.end() == m.start():
            continue
        out.append(escape(text[pos : m.start()]))
        out.append(Markup("<mark>") + escape(m.group(0)) + Markup("</mark>"))
        pos = m.end()
    out.append(escape(text[pos:]))
    return Markup("").join(out)
