"""Each audience format's row for a member, with the hashes computed here from each platform's
written rule (not from the code under test)."""

from __future__ import annotations

import hashlib

import pytest

from socialops.errors import SettingsError
from socialops.segment.audience import formats, get_format
from socialops.segment.audience.export import member_row


def sha(value: bytes) -> str:
    return hashlib.sha256(value).hexdigest()


IDS = {"email": "  Kim.Minsu@Example.CO.KR ", "phone": "010-1234-5678"}
AD_ID = "AECE52E7-03EE-455A-B3C4-E57283966239"


def test_registry_has_the_four_formats() -> None:
    assert sorted(formats()) == ["google", "kakao-moment", "meta", "naver-gfa"]
    assert get_format(" Meta ").name == "meta"
    with pytest.raises(SettingsError) as err:
        get_format("tiktok")
    assert err.value.code == "audience.format_unknown"


def test_meta_hashes_digits_without_plus() -> None:
    spec = get_format("meta")
    assert [c.header for c in spec.columns] == ["EMAIL", "PHONE"]
    cells, reason, invalid = member_row(spec, IDS)
    assert cells == [sha(b"kim.minsu@example.co.kr"), sha(b"821012345678")]
    assert reason == "" and not invalid


def test_google_hashes_e164_with_plus() -> None:
    spec = get_format("google")
    assert [c.header for c in spec.columns] == ["Email", "Phone"]
    cells, _, _ = member_row(spec, IDS)
    assert cells == [sha(b"kim.minsu@example.co.kr"), sha(b"+821012345678")]
    assert cells[1] != member_row(get_format("meta"), IDS)[0][1]  # type: ignore[index]


def test_known_digests_of_a_normalised_phone() -> None:
    """Fixed values (SHA-256 of b"+821012345678" and b"821012345678"), so that a change of rule
    or of hashing cannot pass unnoticed."""
    google, _, _ = member_row(get_format("google"), {"phone": "+82 10-1234-5678"})
    meta, _, _ = member_row(get_format("meta"), {"phone": "+82 10-1234-5678"})
    assert google is not None and meta is not None
    assert google[1] == "2efdd01fdf56e3f07de56acd9d40beb256d5983aec5f6d597c2c48354f35f9e0"
    assert meta[1] == "5d639079300bfabb1fa81139c823d324b2a67e9dd4157475190a31fb17528bc0"


@pytest.mark.parametrize("fmt", ["kakao-moment", "naver-gfa"])
def test_korean_platforms_carry_ad_ids_only(fmt: str) -> None:
    spec = get_format(fmt)
    assert spec.header is False
    cells, _, _ = member_row(spec, {**IDS, "adid": AD_ID})
    assert cells == [AD_ID.lower()]
    assert member_row(spec, {"idfa": AD_ID})[0] == [AD_ID.lower()]
    cells, reason, _ = member_row(spec, IDS)
    assert cells is None and reason == "not_carried"


def test_partial_and_bad_identifiers() -> None:
    spec = get_format("meta")
    cells, reason, invalid = member_row(spec, {"email": "a@b.co", "phone": "1588-1234"})
    assert cells == [sha(b"a@b.co"), ""] and invalid == {"phone": 1}
    cells, reason, invalid = member_row(spec, {"phone": "12345"})
    assert cells is None and reason == "invalid_phone" and invalid == {"phone": 1}
    cells, reason, _ = member_row(spec, {"email": "not-an-email"})
    assert reason == "invalid_email"
    assert member_row(spec, {})[1] == "no_identifier"
    assert member_row(spec, {"adid": AD_ID})[1] == "not_carried"
    zero = "00000000-0000-0000-0000-000000000000"
    bad_ad = member_row(get_format("kakao-moment"), {"adid": zero})
    assert bad_ad[1] == "invalid_ad_id"


def test_identifier_keys_by_their_names() -> None:
    cells, _, _ = member_row(get_format("google"), {"이메일": "A@B.co", "휴대폰": "01012345678"})
    assert cells == [sha(b"a@b.co"), sha(b"+821012345678")]


def test_country_reads_national_numbers() -> None:
    cells, _, _ = member_row(get_format("meta"), {"phone": "(415) 555-2671"}, country="US")
    assert cells == ["", sha(b"14155552671")]
