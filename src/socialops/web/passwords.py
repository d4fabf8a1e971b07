"""The password policy (NIST SP 800-63B, 5.1.1.2): a length, and no password an attacker tries
first — one of 40,101 common passwords (``data/common-passwords.txt``, sources in
``data/NOTICE.md``), one repeated character or short pattern (``aaaaaaaaaa``,
``abcabcabcabc``), a run of sequences (``1234567890``, ``abcdefghij``, ``qwertyuiop``,
``1234abcd``), or the user's own e-mail address or name. No composition rules (NIST: they do not
help) and nothing fetched at run time.

:func:`problem` says which rule a password breaks: ``(message key, params)``, the key one of
``password.*`` in :mod:`socialops.i18n`; :func:`socialops.web.accounts.check_password`
raises it as a :class:`socialops.errors.PasswordError`.
"""

from __future__ import annotations

import functools
import re
from importlib import resources

__all__ = ["MAX_LENGTH", "MIN_LENGTH", "common_passwords", "problem"]

MIN_LENGTH = 10
MAX_LENGTH = 1024
# fewer distinct characters than this is "repeated characters" (aaaaabbbbb, 1212121212)
MIN_DISTINCT = 4
# sequences a password must not be made of (each also read backwards): digits (0 follows 9),
# the alphabet, the rows and columns of a US keyboard and the rows of the Korean 2-set keyboard
_SEQUENCES = (
    "01234567890123456789",
    "abcdefghijklmnopqrstuvwxyz",
    "`1234567890-=",
    "~!@#$%^&*()_+",
    "qwertyuiop[]\\",
    "asdfghjkl;'",
    "zxcvbnm,./",
    "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik,9ol.0p;/",
    "1q2w3e4r5t6y7u8i9o0p",
    "q1w2e3r4t5y6u7i8o9p0",
    "ㅂㅈㄷㄱㅅㅛㅕㅑㅐㅔ",
    "ㅁㄴㅇㄹㅎㅗㅓㅏㅣ",
    "ㅋㅌㅊㅍㅠㅜㅡ",
)
_RUNS = (*_SEQUENCES, *(s[::-1] for s in _SEQUENCES))
_REPEATED = re.compile(r"^(.+?)\1+$", re.DOTALL)
_TRAILING = re.compile(r"[\d\W_]+$")
_WORDS = re.compile(r"[^\W_]+")


@functools.cache
def common_passwords() -> frozenset[str]:
    """The common-password list, lower-cased (read once)."""
    text = resources.files("socialops.web").joinpath("data/common-passwords.txt").read_text("utf-8")
    return frozenset(line for line in text.splitlines() if line)


def _sequence_pieces(text: str) -> int:
    """How few pieces ``text`` splits into, each a piece of one of the sequences (greedy longest
    match: optimal, as every piece of a piece is one too)."""
    pieces, i = 0, 0
    while i < len(text):
        longest = 1
        for run in _RUNS:
            j = i + 1
            while j < len(text) and text[i : j + 1] in run:
                j += 1
            longest = max(longest, j - i)
        i += longest
        pieces += 1
    return pieces


def _personal(lowered: str, context: tuple[str, ...]) -> bool:
    """Is the password the user's e-mail address, its name part, their name, or mostly one of
    those (``ana.kim2024`` for ana.kim@…)?"""
    bare = "".join(_WORDS.findall(lowered))
    for raw in context:
        for word in {raw.lower(), "".join(_WORDS.findall(raw.lower()))}:
            if len(word) < 3:
                continue
            if word in (lowered, bare) or (bare and bare in word):
                return True
            if word in bare and len(word) * 2 >= len(bare):
                return True
    return False


def problem(
    password: str, *, email: str | None = None, name: str | None = None
) -> tuple[str, dict[str, int]] | None:
    """``None`` when ``password`` may be used, else ``(message key, params)``."""
    if len(password) < MIN_LENGTH:
        return "password.too_short", {"n": MIN_LENGTH}
    if len(password) > MAX_LENGTH:
        return "password.too_long", {"n": MAX_LENGTH}
    lowered = password.lower()
    if len(set(lowered)) < MIN_DISTINCT or _REPEATED.match(lowered):
        return "password.repeated", {}
    if _sequence_pieces(lowered) * 4 <= len(lowered):  # runs of 4+ on average: 1234abcd
        return "password.sequence", {}
    common = common_passwords()
    base = _TRAILING.sub("", lowered)  # password2024! → password
    if lowered in common or lowered.strip() in common or (len(base) >= 4 and base in common):
        return "password.common", {}
    context = [c for c in (email, name) if c]
    if email and "@" in email:
        context.append(email.split("@", 1)[0])
    context.append("socialops")
    if _personal(lowered, tuple(context)):
        return "password.personal", {}
    return None
