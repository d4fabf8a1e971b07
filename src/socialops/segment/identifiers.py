"""Customer identifiers for audience files: which columns hold them (by Korean or English name,
or by what their values look like) and their normalised forms, before any platform hashes them.

- **e-mail**: trimmed and lower-cased (what Meta's Custom Audiences and Google's Customer Match
  file guidelines both ask; Google's gmail dot-removal applies to enhanced conversions, not to
  Customer Match files, so it is not done here); a value without one ``@`` and a dotted domain,
  or with spaces inside, does not parse.
- **phone**: E.164 (``+821012345678``). A national number is read in the default country
  (``KR``: ``010-1234-5678``, ``(02) 123-4567``, ``+82 10 1234 5678``, ``82-10-…``,
  ``+82 (0)10…``); spaces, hyphens, dots and parentheses are ignored. Korean numbers are checked
  against the numbering plan (mobile ``01x``, area codes, ``070``); service numbers
  (``1588-…``) are not a person's and do not parse. Other countries: a number written with ``+``
  or ``00`` and 8–15 digits (E.164's limit), or a national number of a country in
  :data:`CALLING_CODES`.
- **name, address, birth date** (:data:`PRIVATE_KINDS`): found by name so that they are kept
  encrypted with the identifiers, never in a segment's plain attributes; no format exports them.
- **advertising ids** (``adid``/GAID, ``idfa``): a UUID, lower-cased; the all-zero id (a device
  that limits ad tracking) does not parse.

What does not parse is returned as ``None`` for the caller to count, never silently dropped. We
wrote our own small parser rather than adding libphonenumber's port: the product needs Korean
numbers exactly and other countries only in international form."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any

from socialops.errors import SettingsError

__all__ = [
    "CALLING_CODES",
    "ID_KINDS",
    "PRIVATE_KINDS",
    "column_kind",
    "detect_columns",
    "normalize",
    "normalize_email",
    "normalize_maid",
    "normalize_phone",
]

ID_KINDS = ("email", "phone", "adid", "idfa", "maid")
# personal data that no audience format carries but that is never stored plain either
PRIVATE_KINDS = ("name", "address", "birthdate")

# column names (lower case, without spaces, ``_ - .``) -> the identifier they hold
_NAMES: dict[str, str] = {}
for _kind, _names in {
    "email": "email emailaddress mail mailaddress 이메일 이메일주소 메일 메일주소 전자우편 "
    "전자메일 email1 email2",
    "phone": "phone phonenumber phoneno mobile mobilephone mobilenumber cell cellphone "
    "cellular tel telephone msisdn hp 전화 전화번호 휴대폰 휴대폰번호 핸드폰 핸드폰번호 "
    "휴대전화 휴대전화번호 휴대번호 연락처 phone1 phone2",
    "adid": "adid gaid aaid googleadid googleadvertisingid androidadid 안드로이드광고id",
    "idfa": "idfa appleidfa 애플광고id",
    "maid": "maid mobileadid mobileadvertisingid 광고id 광고식별자 광고아이디",
    "name": "name fullname customername firstname lastname 이름 성명 고객명 고객이름",
    "address": "address streetaddress homeaddress 주소 집주소 자택주소 배송지 배송주소",
    "birthdate": "birthdate birthday dateofbirth dob 생년월일 생일",
}.items():
    for _n in _names.split():
        _NAMES[_n] = _kind

_SEPARATORS = re.compile(r"[\s_\-.]+")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_PHONE_NOISE = re.compile(r"[\s\-.()/]+")

# country -> (calling code, national trunk prefix) for national numbers read in that country
CALLING_CODES: dict[str, tuple[str, str]] = {
    "KR": ("82", "0"),
    "US": ("1", "1"),
    "CA": ("1", "1"),
    "JP": ("81", "0"),
    "CN": ("86", "0"),
    "TW": ("886", "0"),
    "HK": ("852", ""),
    "SG": ("65", ""),
    "VN": ("84", "0"),
    "TH": ("66", "0"),
    "GB": ("44", "0"),
    "DE": ("49", "0"),
    "FR": ("33", "0"),
    "AU": ("61", "0"),
}

# Korean national significant numbers (after +82, without the trunk 0)
_KR = re.compile(
    r"^(?:10\d{8}"  # mobile 010-xxxx-xxxx
    r"|1[16789]\d{7,8}"  # old mobile 011/016/017/018/019
    r"|2\d{7,8}"  # Seoul 02
    r"|(?:3[1-3]|4[1-4]|5[1-5]|6[1-4])\d{7,8}"  # area codes 031…064
    r"|70\d{8})$"  # internet phones 070
)


def column_kind(name: str) -> str | None:
    """The identifier a column holds judging by its name (``E-mail`` → ``email``,
    ``휴대폰 번호`` → ``phone``, ``성명`` → ``name``: one of :data:`ID_KINDS` or
    :data:`PRIVATE_KINDS`), or ``None``."""
    key = _SEPARATORS.sub("", unicodedata.normalize("NFC", str(name)).strip().lower())
    return _NAMES.get(key)


def detect_columns(
    columns: Iterable[str], sample: Iterable[Mapping[str, Any]] = ()
) -> dict[str, str]:
    """Column -> identifier kind, by name; a column whose name says nothing but whose sampled
    values are mostly e-mail addresses counts as ``email`` too (so that it never lands in the
    plain attributes)."""
    cols = list(columns)
    out = {c: k for c in cols if (k := column_kind(c)) is not None}
    rows = list(sample)
    for c in cols:
        if c in out:
            continue
        values = [str(r.get(c) or "").strip() for r in rows]
        values = [v for v in values if v]
        if values and sum(1 for v in values if _EMAIL.match(v)) >= 0.8 * len(values):
            out[c] = "email"
    return out


def normalize_email(value: Any) -> str | None:
    """Trimmed and lower-cased, or ``None`` when it is not an e-mail address."""
    text = unicodedata.normalize("NFC", str(value or "")).strip().lower()
    return text if _EMAIL.match(text) else None


def normalize_phone(value: Any, country: str = "KR") -> str | None:
    """E.164 (``+821012345678``), or ``None`` when it does not parse. ``country`` reads
    national numbers (those without ``+``/``00``)."""
    raw = unicodedata.normalize("NFKC", str(value or "")).strip()
    if not raw:
        return None
    text = _PHONE_NOISE.sub("", raw)
    plus = text.startswith("+")
    if plus:
        text = text[1:]
    elif text.startswith("00"):
        text, plus = text[2:], True
    if not text.isdigit() or not text.isascii():
        return None
    code, trunk = _country(country)
    if plus:
        return _international(text)
    if country.upper() == "KR":
        if text.startswith("82") and _KR.match(text[2:].removeprefix("0")):
            return "+82" + text[2:].removeprefix("0")
        if text.startswith("0") and _KR.match(text[1:]):
            return "+82" + text[1:]
        return None
    national = text[len(trunk) :] if trunk and text.startswith(trunk) else text
    return _international(code + national)


def _international(digits: str) -> str | None:
    """``digits`` after ``+``: Korean ones checked against the numbering plan (``+82 0…``, a
    common way to write them, drops the trunk 0), others by E.164's length."""
    if digits.startswith("82"):
        nsn = digits[2:].removeprefix("0")
        return "+82" + nsn if _KR.match(nsn) else None
    if digits.startswith("0") or not 8 <= len(digits) <= 15:
        return None
    return "+" + digits


def _country(country: str) -> tuple[str, str]:
    try:
        return CALLING_CODES[country.upper()]
    except KeyError:
        raise SettingsError(
            code="audience.country_unknown", country=country, choices=", ".join(CALLING_CODES)
        ) from None


def normalize_maid(value: Any) -> str | None:
    """A mobile advertising id (GAID/ADID or IDFA) lower-cased, or ``None`` when it is not a
    UUID or is the all-zero id of a device that limits ad tracking."""
    text = str(value or "").strip().lower()
    if not _UUID.match(text) or set(text) <= {"0", "-"}:
        return None
    return text


def normalize(kind: str, value: Any, country: str = "KR") -> str | None:
    """The normalised form of an identifier of ``kind`` (one of :data:`ID_KINDS`)."""
    if kind == "email":
        return normalize_email(value)
    if kind == "phone":
        return normalize_phone(value, country)
    if kind in {"adid", "idfa", "maid"}:
        return normalize_maid(value)
    raise ValueError(f"unknown identifier kind {kind!r}")
