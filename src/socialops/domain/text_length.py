"""How long a text is, counted the way each platform counts it — the one copy of these rules.

The channel knowledge base (:func:`socialops.domain.channels.copy_length`) and the connectors'
limits (:meth:`socialops.connectors.core.PlatformLimits.measure`) both call :func:`measure`, so
the composer's preview and the connector's refusal can never disagree.

Every unit counts the NFC form of the text (a Hangul syllable typed as conjoining jamo counts
like the composed one). The units:

- ``chars``: code points (Instagram captions, Facebook, most platforms).
- ``graphemes``: user-perceived characters, Unicode extended grapheme clusters (Bluesky).
- ``x_weighted``: X's weighted count (twitter-text 3): code points in U+0000-U+10FF and a few
  punctuation ranges weigh 1, everything else (Hangul, CJK, kana) 2; one emoji, however many code
  points it is made of, weighs 2; every URL, with or without ``https://``, weighs 23.
- ``mastodon``: code points; every ``http(s)://`` URL 23; a remote mention ``@user@domain``
  counts as ``@user``.
- ``utf16``: UTF-16 code units (TikTok's API): an emoji beyond U+FFFF counts 2.
- ``utf8_bytes``: UTF-8 bytes (YouTube descriptions).
- ``threads``: Threads (Meta: "emojis are counted as the number of UTF-8 bytes"): an emoji
  cluster counts its UTF-8 bytes, every other code point 1.
"""

from __future__ import annotations

import re
import unicodedata

import regex

__all__ = ["UNITS", "URL_LENGTH", "measure"]

UNITS: tuple[str, ...] = (
    "chars",
    "graphemes",
    "x_weighted",
    "mastodon",
    "utf16",
    "utf8_bytes",
    "threads",
)
#: the length X and Mastodon give every link (t.co wrapping)
URL_LENGTH = 23

# twitter-text 3 (X's "Counting characters"): these ranges weigh 1, everything else 2.
_X_LIGHT = ((0x0000, 0x10FF), (0x2000, 0x200D), (0x2010, 0x201F), (0x2032, 0x2037))
_TLDS = "com|net|org|kr|io|co|me|ly|gl|app|dev|info|biz|xyz|shop|site"
# X links a URL with or without a scheme when its top-level domain is known
_X_URL = re.compile(
    r"(?:https?://[^\s]+)|(?:www\.[^\s]+)"
    rf"|(?:\b[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\.(?:{_TLDS})\b(?:/[^\s]*)?)",
    re.IGNORECASE,
)
# Mastodon counts only links with a scheme
_HTTP_URL = re.compile(r"https?://[^\s<>\"]+", re.IGNORECASE)
_REMOTE_MENTION = re.compile(r"(^|[^/\w])@([a-z0-9_]+)@[a-z0-9.-]+[a-z0-9]", re.IGNORECASE)
_GRAPHEME = regex.compile(r"\X")
_EMOJI = regex.compile(r"[\p{Extended_Pictographic}\p{Regional_Indicator}]")


def measure(text: str, unit: str) -> int:
    """The length of ``text`` in ``unit`` (one of :data:`UNITS`; an unknown unit counts
    ``chars``)."""
    nfc = unicodedata.normalize("NFC", text or "")
    if unit == "graphemes":
        return len(_GRAPHEME.findall(nfc))
    if unit == "x_weighted":
        return _x_weighted(nfc)
    if unit == "mastodon":
        return _mastodon(nfc)
    if unit == "utf16":
        return len(nfc.encode("utf-16-le")) // 2
    if unit == "utf8_bytes":
        return len(nfc.encode("utf-8"))
    if unit == "threads":
        return _threads(nfc)
    return len(nfc)


def _x_weight(ch: str) -> int:
    cp = ord(ch)
    return 1 if any(lo <= cp <= hi for lo, hi in _X_LIGHT) else 2


def _x_plain(text: str) -> int:
    total = 0
    for cluster in _GRAPHEME.findall(text):
        if _EMOJI.search(cluster) and ord(max(cluster)) > 0x10FF:
            total += 2  # twitter-text parses an emoji sequence as one character of weight 2
        else:
            total += sum(_x_weight(ch) for ch in cluster)
    return total


def _x_weighted(text: str) -> int:
    total, pos = 0, 0
    for m in _X_URL.finditer(text):
        total += _x_plain(text[pos : m.start()]) + URL_LENGTH
        pos = m.end()
    return total + _x_plain(text[pos:])


def _mastodon(text: str) -> int:
    text = _REMOTE_MENTION.sub(r"\1@\2", text)
    urls = len(_HTTP_URL.findall(text))
    return len(_HTTP_URL.sub("", text)) + URL_LENGTH * urls


def _threads(text: str) -> int:
    total = 0
    for cluster in _GRAPHEME.findall(text):
        if _EMOJI.search(cluster) or any(unicodedata.category(ch) == "So" for ch in cluster):
            total += len(cluster.encode("utf-8"))
        else:
            total += len(cluster)
    return total
