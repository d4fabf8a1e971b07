"""Personal data in customer messages: found and masked before agents, exports or the analytics
store see the text (the inbox keeps the original encrypted beside it).

Kinds, checked in this order (a span already taken is not taken again):

- ``email``: ``jane.doe@example.com`` → ``j***@example.com``
- ``rrn``: Korean resident registration numbers, ``YYMMDD-[1-4]xxxxxx`` with or without the
  hyphen, the date checked (1/2: 1900s, 3/4: 2000s) → ``900101-*******``. The last six digits
  carry no check digit since October 2020, so the date and the gender digit are the test.
- ``card``: 13–19 digits, in groups split by spaces or hyphens or none, passing the Luhn check →
  ``****-****-****-1234``
- ``phone``: Korean mobiles (010, 011, 016–019), Seoul (02), area codes (031–064) and 070, with
  hyphens, spaces, dots or nothing between the groups, or ``+82`` in front → ``010-****-5678``
- ``account``: bank account numbers as Korean banks print them: 10–14 digits in two to four
  hyphenated groups (``110-123-456789``, ``3333-01-1234567``), or 10–14 digits in one run right
  after a word that names an account (계좌, 입금, 송금, account) → all but the last four digits
  starred.

Prices (``12,000원``), dates (``2024-01-15``, ``2024.1.15``), times and short numbers are never
masked: none of the patterns can match fewer than ten digits, and commas never join groups.

A pure function of the text, no dependencies beyond :mod:`re`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import regex

__all__ = ["KINDS", "PiiSpan", "find_pii", "mask_pii"]

KINDS = ("rrn", "phone", "card", "account", "email")

_B = r"(?<![0-9])(?<![0-9][-.])"  # not inside a longer number
_E = r"(?![0-9])(?![-.][0-9])"

_EMAIL = re.compile(
    r"(?<![\w.+-])[A-Za-z0-9][A-Za-z0-9._%+-]*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
)
_RRN = re.compile(_B + r"([0-9]{2})([0-9]{2})([0-9]{2})[- ]?([1-4])[0-9]{6}" + _E)
# found overlapped (the ``regex`` module): a run of digits that is not a card — a resident
# number, an order number — may reach into a card that follows it after a space
_CARD = regex.compile(_B + r"[0-9](?:[ -]?[0-9]){12,18}" + _E)
_PHONE = re.compile(
    r"(?:(?<![0-9+])\+82[ -]?\(?0?\)?[ -]?(?P<intl>1[016789]|2|[3-6][1-5]|70)"
    r"|" + _B + r"\(?(?P<local>01[016789]|02|0[3-6][1-5]|070)\)?)"
    r"(?P<s1>[ .-]?)(?P<mid>[0-9]{3,4})(?P<s2>[ .-]?)(?P<last>[0-9]{4})" + _E
)
_ACCOUNT_GROUPED = re.compile(_B + r"[0-9]{2,6}(?:-[0-9]{2,8}){1,3}" + _E)
_DATE = re.compile(r"(?:19|20)[0-9]{2}-(?:0?[1-9]|1[0-2])-(?:0?[1-9]|[12][0-9]|3[01])(?:-|$)")
_ACCOUNT_NAMED = re.compile(
    r"(?:계좌|계좌번호|입금|송금|이체|account|acct|a/c)[^0-9\n]{0,12}?"
    r"(?<![0-9])(?P<num>[0-9]{10,14})(?![0-9])",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class PiiSpan:
    """One piece of personal data: its kind and where it is in the text (``text[start:end]``)."""

    kind: str  # rrn | phone | card | account | email
    start: int
    end: int


def _digits(s: str) -> str:
    return "".join(c for c in s if c.isdigit())


def _luhn(digits: str) -> bool:
    total = 0
    for i, c in enumerate(reversed(digits)):
        d = int(c)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _rrn_date_ok(m: re.Match[str]) -> bool:
    yy, mm, dd, sex = int(m[1]), int(m[2]), int(m[3]), int(m[4])
    year = (1900 if sex in (1, 2) else 2000) + yy
    try:
        born = date(year, mm, dd)
    except ValueError:
        return False
    return born <= date.today()


def _is_phone(digits: str) -> bool:
    return _PHONE.fullmatch(digits) is not None


def _candidates(text: str) -> list[PiiSpan]:
    out: list[PiiSpan] = []
    out += [PiiSpan("email", m.start(), m.end()) for m in _EMAIL.finditer(text)]
    out += [PiiSpan("rrn", m.start(), m.end()) for m in _RRN.finditer(text) if _rrn_date_ok(m)]
    for m in _CARD.finditer(text, overlapped=True):
        digits = _digits(m[0])
        if 13 <= len(digits) <= 19 and _luhn(digits):
            out.append(PiiSpan("card", m.start(), m.end()))
    out += [PiiSpan("phone", m.start(), m.end()) for m in _PHONE.finditer(text)]
    for m in _ACCOUNT_GROUPED.finditer(text):
        digits = _digits(m[0])
        if 10 <= len(digits) <= 14 and not _is_phone(digits) and not _DATE.match(m[0]):
            out.append(PiiSpan("account", m.start(), m.end()))
    for m in _ACCOUNT_NAMED.finditer(text):
        if not _is_phone(m["num"]):
            out.append(PiiSpan("account", m.start("num"), m.end("num")))
    return out


def find_pii(text: str) -> list[PiiSpan]:
    """The personal data in ``text``, in text order, never overlapping (on overlap the kind
    listed first in the module's docstring wins: an e-mail before a resident number before a
    card before a phone before an account)."""
    taken: list[PiiSpan] = []
    for span in _candidates(text):
        if all(span.end <= t.start or span.start >= t.end for t in taken):
            taken.append(span)
    return sorted(taken, key=lambda s: s.start)


def _mask_email(s: str) -> str:
    local, _, domain = s.partition("@")
    return f"{local[:1]}***@{domain}"


def _mask_rrn(s: str) -> str:
    return f"{_digits(s)[:6]}-*******"


def _mask_card(s: str) -> str:
    return f"****-****-****-{_digits(s)[-4:]}"


def _mask_phone(s: str) -> str:
    m = _PHONE.fullmatch(s)
    if m is None:  # pragma: no cover - spans come from the same pattern
        return "*" * len(s)
    if m["intl"]:
        return f"+82 {m['intl']}-****-{m['last']}"
    return f"{m['local']}-****-{m['last']}"


def _mask_account(s: str) -> str:
    n = sum(c.isdigit() for c in s)
    seen = 0
    out = []
    for c in s:
        if c.isdigit():
            seen += 1
            out.append(c if seen > n - 4 else "*")
        else:
            out.append(c)
    return "".join(out)


_MASKS = {
    "email": _mask_email,
    "rrn": _mask_rrn,
    "card": _mask_card,
    "phone": _mask_phone,
    "account": _mask_account,
}


def mask_pii(text: str) -> tuple[str, list[str]]:
    """``text`` with its personal data masked (a hint kept: ``010-****-5678``,
    ``****-****-****-1234``, ``900101-*******``, ``j***@example.com``) and the sorted kinds
    found (empty, and the text unchanged, when there is none)."""
    spans = find_pii(text)
    if not spans:
        return text, []
    parts: list[str] = []
    pos = 0
    for s in spans:
        parts.append(text[pos : s.start])
        parts.append(_MASKS[s.kind](text[s.start : s.end]))
        pos = s.end
    parts.append(text[pos:])
    return "".join(parts), sorted({s.kind for s in spans})
