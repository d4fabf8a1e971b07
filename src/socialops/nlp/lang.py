"""Language identification by script, for ko / en / other.

Korean is told by Hangul; English by Latin letters plus English function words (so Spanish or
Indonesian Latin text is ``other``). Entities (URLs, @mentions, #hashtags) are ignored. A text
with no letters at all (emoji only, numbers) takes the language the source declared, if any.
"""

from __future__ import annotations

import re

__all__ = ["VERSION", "detect"]

VERSION = "1"

_ENTITY_RE = re.compile(r"https?://\S+|www\.\S+|[@#][\w가-힣]+", re.IGNORECASE)
_EN_WORD_RE = re.compile(r"[a-z']+")
_EN_FUNCTION = frozenset(
    "the a an and or but is are was were be been am i you he she it we they me my your our "
    "their this that these those to of in on at for with from by not no so do does did have has "
    "had can could will would should just get got im its it's dont don't what when why how who "
    "there here all any if then than too very up out about".split()
)


def detect(text: str, declared: str | None = None) -> str:
    """``ko``, ``en`` or ``other`` for one (normalised) text."""
    s = _ENTITY_RE.sub(" ", text)
    hangul = latin = other = 0
    for ch in s:
        o = ord(ch)
        if 0xAC00 <= o <= 0xD7A3 or 0x3131 <= o <= 0x318E or 0x1100 <= o <= 0x11FF:
            hangul += 1
        elif ch.isascii():
            if ch.isalpha():
                latin += 1
        elif ch.isalpha():
            if 0x00C0 <= o <= 0x024F:
                latin += 1  # accented Latin: counts as Latin, the word test decides
            else:
                other += 1
    letters = hangul + latin + other
    if letters == 0:
        d = (declared or "").lower()[:2]
        return d if d in ("ko", "en") else "other"
    if hangul / letters >= 0.3:
        return "ko"
    if latin / letters >= 0.6:
        words = _EN_WORD_RE.findall(s.lower())
        if not words:
            return "other"
        hits = sum(1 for w in words if w in _EN_FUNCTION)
        # short texts ("Thanks!", "great flight") rarely carry function words
        if hits or len(words) <= 3 or (declared or "").lower().startswith("en"):
            return "en"
        return "other"
    return "other"
