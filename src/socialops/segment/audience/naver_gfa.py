"""Naver GFA (네이버 성과형 디스플레이 광고) custom audience file (광고주 보유 데이터).

What we could confirm: nothing beyond the product itself — neither the public help pages nor
the notes we hold describe GFA's customer-file layout or a hashing rule for e-mail or phone.
Korean display platforms' customer files are advertising-id lists (ADID/IDFA, one per line:
Kakao Moment's customer files, Toss Ads' customer lists), so this format writes only that and
counts members with only e-mail or phone as not carried: a hashed e-mail or phone in an
unconfirmed form would match nobody and could mislead. Check the GFA upload screen's template
before relying on it.

Written: one advertising id per line, lower-case UUID, no header; ids unhashed (platforms match
them as they are). Floor: 100 ids (our floor; GFA publishes none we could confirm)."""

from __future__ import annotations

from socialops.segment.audience.base import AudienceFormat, Column

__all__ = ["FORMAT"]


def _plain(value: str) -> str:
    return value


FORMAT = AudienceFormat(
    name="naver-gfa",
    columns=(Column("ADID", ("adid", "idfa", "maid"), _plain),),
    min_rows=100,
    header=False,
    suffix=".txt",
)
