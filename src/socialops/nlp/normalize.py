"""Text normalisation: NFC, entities kept aside, expressive runs folded.

- Unicode NFC (Korean from Macs arrives as decomposed jamo), control characters removed,
  whitespace collapsed.
- URLs, @mentions, #hashtags and emoji are found and returned as entities; they stay in the text.
- Runs are folded so that spelling variants count as one: ``ㅋㅋㅋㅋㅋ`` → ``ㅋㅋ``,
  ``ㅎㅎㅎ`` → ``ㅎㅎ``, ``ㅠㅠㅠ``/``ㅜㅜㅜ`` → ``ㅠㅠ``, ``!!!!`` → ``!!``, ``????`` → ``??``,
  ``....`` → ``..``, ``~~~~`` → ``~~``, and any character repeated 4+ times → 3 times
  (``소오오오오름`` keeps its emphasis but not its length).

A pure function of the text: the same input always gives the same output.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

__all__ = ["VERSION", "Normalized", "normalize"]

VERSION = "1"

URL_RE = re.compile(r"(?:https?://|www\.)[^\s<>\"']+[^\s<>\"'.,!?)\]}]", re.IGNORECASE)
MENTION_RE = re.compile(r"(?<![\w@])@[A-Za-z0-9_가-힣][\w.가-힣-]*[\w가-힣]|(?<![\w@])@[\w가-힣]")
HASHTAG_RE = re.compile(r"(?<![\w#&])#[\w가-힣][\w가-힣_]*")
EMOJI_RE = re.compile(
    "[\U0001f000-\U0001faff\U00002600-\U000027bf\U0001f1e6-\U0001f1ff\u2b50\u2b55\u2764\u203c\u2049]"
    "[\ufe0f\U0001f3fb-\U0001f3ff]*"
)
_CONTROL_RE = re.compile(
    r"[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u200b-\u200f\ufeff]"
)
_WS_RE = re.compile(r"\s+")
_JAMO_LAUGH_RE = re.compile(r"([ㅋㅎ])\1{2,}")
_JAMO_CRY_RE = re.compile(r"[ㅠㅜ]{3,}")
_PUNCT_RUN_RE = re.compile(r"([!?.~^])\1{2,}")
_ANY_RUN_RE = re.compile(r"(.)\1{3,}")
# whatever one of the four folds above would change: most texts have none (one search instead
# of four substitutions; this runs for every post enriched)
_ANY_FOLD_RE = re.compile(r"([ㅋㅎ!?.~^])\1\1|[ㅠㅜ]{3}|(.)\2\2\2")


@dataclass(frozen=True)
class Normalized:
    text: str
    urls: list[str] = field(default_factory=list)
    mentions: list[str] = field(default_factory=list)
    hashtags: list[str] = field(default_factory=list)
    emojis: list[str] = field(default_factory=list)


def _fold(s: str) -> str:
    if not _ANY_FOLD_RE.search(s):
        return s
    s = _JAMO_LAUGH_RE.sub(r"\1\1", s)
    s = _JAMO_CRY_RE.sub("ㅠㅠ", s)
    s = _PUNCT_RUN_RE.sub(r"\1\1", s)
    return _ANY_RUN_RE.sub(r"\1\1\1", s)


def normalize(text: str | None) -> Normalized:
    """Normalise one text and pull out its entities (URLs are never folded)."""
    if not text:
        return Normalized("")
    s = unicodedata.normalize("NFC", text)
    s = _CONTROL_RE.sub("", s)
    s = _WS_RE.sub(" ", s).strip()
    urls = URL_RE.findall(s)
    if urls:
        # fold the text between URLs only, so a URL keeps its exact characters
        pieces = URL_RE.split(s)
        out = []
        for i, piece in enumerate(pieces):
            out.append(_fold(piece))
            if i < len(urls):
                out.append(urls[i])
        s = "".join(out)
    else:
        s = _fold(s)
    without_urls = URL_RE.sub(" ", s)
    return Normalized(
        text=s,
        urls=urls,
        mentions=MENTION_RE.findall(without_urls) if "@" in without_urls else [],
        hashtags=HASHTAG_RE.findall(without_urls) if "#" in without_urls else [],
        emojis=EMOJI_RE.findall(without_urls),
    )
