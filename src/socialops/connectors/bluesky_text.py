"""Bluesky's pure text functions, apart from the connector (:mod:`socialops.connectors.bluesky`)
so they can be read and tested without a PDS: :func:`facets` (links, ``#해시태그`` and
``@handle`` mentions as rich-text facets over UTF-8 byte ranges) and :func:`split_thread` (a long
text as numbered thread parts of at most 300 graphemes, cut at paragraph, sentence or word
boundaries)."""

from __future__ import annotations

from typing import Any

import regex

from socialops.domain.text_length import measure

__all__ = ["facets", "split_thread"]

_GRAPHEME = regex.compile(r"\X")
_SENTENCE_END = frozenset(".!?。！？…")
_URL = regex.compile(r"https?://[^\s<>\"]*[^\s<>\".,;:!?)\]]")
_TAG = regex.compile(r"(?<![\w#])#([\p{L}\p{N}_]*\p{L}[\p{L}\p{N}_]*)")
_MENTION = regex.compile(r"(?<![\w@])@([a-zA-Z0-9][a-zA-Z0-9.-]*\.[a-zA-Z0-9-]+)")


def _span(text: str, start: int, end: int) -> dict[str, int]:
    return {
        "byteStart": len(text[:start].encode("utf-8")),
        "byteEnd": len(text[:end].encode("utf-8")),
    }


def facets(text: str, resolve_handle: Any = None) -> list[dict[str, Any]]:
    """The rich-text facets of ``text``: links, hashtags and (with ``resolve_handle``, a function
    handle → DID or ``None``) mentions, as plain dicts in the lexicon's shape."""
    out: list[dict[str, Any]] = []
    for m in _URL.finditer(text):
        out.append(
            {
                "index": _span(text, m.start(), m.end()),
                "features": [{"$type": "app.bsky.richtext.facet#link", "uri": m.group()}],
            }
        )
    for m in _TAG.finditer(text):
        out.append(
            {
                "index": _span(text, m.start(), m.end()),
                "features": [{"$type": "app.bsky.richtext.facet#tag", "tag": m.group(1)}],
            }
        )
    if resolve_handle is not None:
        for m in _MENTION.finditer(text):
            did = resolve_handle(m.group(1))
            if did:
                out.append(
                    {
                        "index": _span(text, m.start(), m.end()),
                        "features": [{"$type": "app.bsky.richtext.facet#mention", "did": did}],
                    }
                )
    out.sort(key=lambda f: f["index"]["byteStart"])
    return out


def split_thread(text: str, limit: int = 300) -> list[str]:
    """``text`` as thread parts of at most ``limit`` graphemes each, numbered `` (1/3)``.

    A text that fits is one part, unnumbered. Otherwise parts end, by preference, at a paragraph
    break, then a sentence's end (``.!?。！？…``), then a space, within the last half of the room a
    part has; a run with no space at all is cut at the room's end. Whitespace at the cuts is
    dropped; everything else is kept, in order."""
    body = text.strip()
    if measure(body, "graphemes") <= limit:
        return [body] if body else []
    graphemes = _GRAPHEME.findall(body)
    digits = 1
    while True:
        room = limit - len(f" ({'9' * digits}/{'9' * digits})")
        if room < 1:
            raise ValueError(f"a thread part of {limit} graphemes has no room for text")
        parts = _pack(graphemes, room)
        if len(str(len(parts))) <= digits:
            n = len(parts)
            return [f"{p} ({i}/{n})" for i, p in enumerate(parts, start=1)]
        digits = len(str(len(parts)))


def _pack(graphemes: list[str], room: int) -> list[str]:
    """Greedy: each part as long as ``room`` allows, cut at the best boundary (see
    :func:`split_thread`)."""
    parts: list[str] = []
    pos, end = 0, len(graphemes)
    while pos < end:
        while pos < end and graphemes[pos].isspace():
            pos += 1
        if pos >= end:
            break
        cut = end if end - pos <= room else _best_cut(graphemes, pos, room)
        part = "".join(graphemes[pos:cut]).rstrip()
        if part:
            parts.append(part)
        pos = cut
    return parts


def _best_cut(graphemes: list[str], pos: int, room: int) -> int:
    """Where the part starting at ``pos`` ends (exclusive, at most ``pos + room``): a
    whitespace grapheme after a paragraph or a sentence in the last half of the room, else the
    last whitespace, else ``pos + room`` itself (a run with no space)."""
    least = pos + max(1, room // 2)
    space = sentence = paragraph = -1
    for i in range(pos + room, pos, -1):
        if not graphemes[i].isspace():
            continue
        if space < 0:
            space = i
        if i >= least:
            if paragraph < 0 and "\n" in graphemes[i]:
                paragraph = i
            if sentence < 0 and graphemes[i - 1] in _SENTENCE_END:
                sentence = i
    for cut in (paragraph, sentence, space):
        if cut > pos:
            return cut
    return pos + room
