"""UTM-tagged links for a plan: the link builder, its reader and a slug for UTM values.

Every link of a plan carries the plan's UTM scheme so clicks and conversions can be attributed
to the campaign and channel (``socialops.plan.actuals`` reads conversions by ``utm_campaign``
and ``utm_source``):

- ``utm_source``: ``plan.utm.sources[channel]``, else the channel key (``instagram``)
- ``utm_medium``: ``plan.utm.mediums[channel]``, else ``social``
- ``utm_campaign``: ``plan.utm.campaign``
- ``utm_content``: optional, a slug of the content (e.g. the calendar item's id)

Values are lowercase ASCII (``model.validate_utm_value``). Romanising Korean is out of scope:
:func:`slugify` drops what is not ASCII and, when it dropped something, appends a short hash of
the original so that two Korean titles never share a slug.

The builder keeps the rest of the URL exactly as written (other query parameters in their
order and encoding, the fragment) and replaces every ``utm_*`` parameter already there, so a
link copied from an earlier campaign cannot carry a stale ``utm_term`` or ``utm_content``.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from urllib.parse import parse_qsl, quote, unquote_plus, urlsplit, urlunsplit

from socialops.domain.plan import CalendarItem, Plan, validate_utm_value
from socialops.plan.messages import PlanError

__all__ = [
    "DEFAULT_MEDIUM",
    "UTM_KEYS",
    "build_link",
    "item_link",
    "parse_utm",
    "slugify",
]

DEFAULT_MEDIUM = "social"
UTM_KEYS: tuple[str, ...] = ("utm_source", "utm_medium", "utm_campaign", "utm_content")
SLUG_MAX = 60  # characters before the hash suffix; UTM values may have 100
_NOT_SLUG = re.compile(r"[^a-z0-9._-]+")
_EDGE = re.compile(r"^[._-]+|[._-]+$")


def slugify(text: str) -> str:
    """A lowercase ASCII UTM value for ``text``.

    ``"Spring Sale 2026!"`` → ``"spring-sale-2026"``. Characters outside ASCII are dropped
    (no romanisation); when any were dropped, ``-`` and 6 hex digits of the text's SHA-256 are
    appended (``"봄 세일 2026"`` → ``"2026-xxxxxx"``), and text with nothing ASCII left becomes
    ``"c-"`` and 8 hex digits. The result always passes ``validate_utm_value``.
    """
    norm = unicodedata.normalize("NFKC", text).strip()
    digest = hashlib.sha256(norm.encode("utf-8")).hexdigest()
    ascii_part = norm.encode("ascii", "ignore").decode("ascii")
    dropped = len(ascii_part) != len(norm)
    ascii_part = ascii_part.lower()
    slug = _EDGE.sub("", _NOT_SLUG.sub("-", ascii_part))[:SLUG_MAX]
    slug = _EDGE.sub("", slug)
    if not slug:
        return "c-" + digest[:8]
    if dropped:
        return f"{slug}-{digest[:6]}"
    return slug


def _is_utm_key(raw_pair: str) -> bool:
    key = unquote_plus(raw_pair.split("=", 1)[0])
    return key.strip().lower().startswith("utm_")


def _check_url(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise PlanError("plan.bad_url", value=url[:80])
    if any(ch.isspace() for ch in url):
        raise PlanError("plan.bad_url", value=url[:80])


def build_link(url: str, plan: Plan, channel: str, content: str | None = None) -> str:
    """``url`` with the plan's UTM parameters for ``channel`` (and ``content``, slugified).

    Other query parameters and the fragment are kept as written; existing ``utm_*`` parameters
    are replaced. A URL that is not http(s), or a UTM value that is not lowercase ASCII, is a
    :class:`PlanError`.
    """
    url = url.strip()
    _check_url(url)
    values = {
        "utm_source": plan.utm.sources.get(channel, channel),
        "utm_medium": plan.utm.mediums.get(channel, DEFAULT_MEDIUM),
        "utm_campaign": plan.utm.campaign,
    }
    if content is not None and content.strip():
        values["utm_content"] = slugify(content)
    for key, value in values.items():
        validate_utm_value(value, key)
    parts = urlsplit(url)
    kept = [p for p in parts.query.split("&") if p and not _is_utm_key(p)]
    added = [f"{k}={quote(v, safe='')}" for k, v in values.items()]
    query = "&".join([*kept, *added])
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))


def item_link(plan: Plan, item: CalendarItem) -> str:
    """The tracked link of a calendar item (``utm_content`` = the item's id), or ``""``."""
    if not item.link:
        return ""
    return build_link(item.link, plan, item.channel, content=item.item_id)


def parse_utm(url: str) -> dict[str, str]:
    """The ``utm_*`` parameters of ``url`` (keys as written, lowercased; first value wins)."""
    found: dict[str, str] = {}
    for key, value in parse_qsl(urlsplit(url).query, keep_blank_values=True):
        k = key.strip().lower()
        if k.startswith("utm_") and k not in found:
            found[k] = value
    return found
