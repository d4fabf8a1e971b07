"""Kakao Moment (카카오모먼트) customer file (고객파일).

Confirmed (Kakao Developers, Kakao Moment "Customer file management" and "Customer data
management", developers.kakao.com/docs/latest/ko/kakaomoment/customer-files and
customer-data): a customer file is a list of advertising ids — its registration key is
``adidListKey`` and the customer data's ``fileType`` is ``ADID`` (Android ADID and Apple IDFA
alike); Kakao extracts the matching Kakao users within about six hours. Phone numbers and app
user ids are taken only by KakaoTalk Channel friend groups (친구그룹, ``PHONE_NUMBER`` /
``APP_USER_ID``, raw values), a different product for channel messages: a customer file cannot
carry e-mail or phone, so members with only those are counted as not carried.

Written: one advertising id per line, lower-case UUID, no header (the form of Kakao's sample
files as we understand them; the help pages we could read do not show the file's layout, so
check the upload screen's example before relying on it). Advertising ids are device-level
pseudonymous ids that Kakao matches as they are: they are written unhashed, as the format
requires. Floor: 100 ids (our floor: Kakao does not publish one we could confirm)."""

from __future__ import annotations

from socialops.segment.audience.base import AudienceFormat, Column

__all__ = ["FORMAT"]


def _plain(value: str) -> str:
    return value


FORMAT = AudienceFormat(
    name="kakao-moment",
    columns=(Column("ADID", ("adid", "idfa", "maid"), _plain),),
    min_rows=100,
    header=False,
    suffix=".txt",
)
