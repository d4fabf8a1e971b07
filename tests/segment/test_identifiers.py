"""Identifier columns by name and normalisation: e-mail, Korean phone forms to E.164, ad ids."""

from __future__ import annotations

import pytest

from socialops.errors import SettingsError
from socialops.segment.identifiers import (
    column_kind,
    detect_columns,
    normalize,
    normalize_email,
    normalize_maid,
    normalize_phone,
)


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("email", "email"),
        ("E-mail", "email"),
        ("이메일", "email"),
        ("이메일 주소", "email"),
        ("Phone Number", "phone"),
        ("mobile", "phone"),
        ("전화번호", "phone"),
        ("휴대폰", "phone"),
        ("핸드폰 번호", "phone"),
        ("휴대전화번호", "phone"),
        ("연락처", "phone"),
        ("ADID", "adid"),
        ("idfa", "idfa"),
        ("MAID", "maid"),
        ("광고 ID", "maid"),
        ("성명", "name"),
        ("Customer Name", "name"),
        ("주소", "address"),
        ("생년월일", "birthdate"),
        ("customer_id", None),
        ("age", None),
        ("phoneme", None),
    ],
)
def test_column_kind(name: str, kind: str | None) -> None:
    assert column_kind(name) == kind


def test_detect_columns_by_values() -> None:
    rows = [{"id": "1", "contact": "a@b.co", "note": "x"}, {"id": "2", "contact": "c@d.kr"}]
    assert detect_columns(["id", "contact", "note", "휴대폰"], rows) == {
        "contact": "email",
        "휴대폰": "phone",
    }


@pytest.mark.parametrize(
    ("raw", "norm"),
    [
        ("  Kim.Minsu@Example.CO.KR ", "kim.minsu@example.co.kr"),
        ("first.last+tag@gmail.com", "first.last+tag@gmail.com"),  # Customer Match: kept as is
        ("user@sub.domain.org", "user@sub.domain.org"),
    ],
)
def test_email_normalised(raw: str, norm: str) -> None:
    assert normalize_email(raw) == norm


@pytest.mark.parametrize("raw", ["", "no-at.example.com", "a@b", "a b@c.com", "a@@b.com", None])
def test_bad_email(raw: str | None) -> None:
    assert normalize_email(raw) is None


@pytest.mark.parametrize(
    "raw",
    [
        "010-1234-5678",
        "01012345678",
        "010 1234 5678",
        "(010) 1234-5678",
        "010.1234.5678",
        "+82 10-1234-5678",
        "+82-010-1234-5678",  # the trunk 0 written after the country code
        "+82 (0)10 1234 5678",
        "82-10-1234-5678",
        "821012345678",
        "0082 10 1234 5678",
        "０１０－１２３４－５６７８",  # full-width digits and hyphen
    ],
)
def test_korean_mobile_forms(raw: str) -> None:
    assert normalize_phone(raw) == "+821012345678"


@pytest.mark.parametrize(
    ("raw", "e164"),
    [
        ("02-123-4567", "+8221234567"),
        ("02-1234-5678", "+82212345678"),
        ("031-123-4567", "+82311234567"),
        ("070-1234-5678", "+827012345678"),
        ("011-123-4567", "+82111234567"),
        ("+1 (415) 555-2671", "+14155552671"),
        ("+44 20 7183 8750", "+442071838750"),
    ],
)
def test_other_numbers(raw: str, e164: str) -> None:
    assert normalize_phone(raw) == e164


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "1588-1234",  # a service number, not a person's
        "010-1234-567",  # one digit short
        "010-1234-56789",
        "12345",
        "phone: 010",
        "010-1234-5678 ext 3",
        "+0 123 456 789",
        "+82 99 1234 5678",  # no such Korean prefix
        "+1234567",  # under E.164's eight digits
        "+1234567890123456",  # over fifteen
    ],
)
def test_bad_phones(raw: str) -> None:
    assert normalize_phone(raw) is None


def test_phone_in_other_default_countries() -> None:
    assert normalize_phone("(415) 555-2671", "US") == "+14155552671"
    assert normalize_phone("090-1234-5678", "JP") == "+819012345678"
    with pytest.raises(SettingsError):
        normalize_phone("010-1234-5678", "ZZ")


def test_ad_ids() -> None:
    raw = " AECE52E7-03EE-455A-B3C4-E57283966239 "
    assert normalize_maid(raw) == "aece52e7-03ee-455a-b3c4-e57283966239"
    assert normalize("idfa", raw) == "aece52e7-03ee-455a-b3c4-e57283966239"
    assert normalize_maid("00000000-0000-0000-0000-000000000000") is None  # tracking limited
    assert normalize_maid("not-an-id") is None
    with pytest.raises(ValueError):
        normalize("fax", "1")
