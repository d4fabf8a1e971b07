"""Google Ads Customer Match (contact information list).

Per Google Ads Help "Customer Match data file formatting guidelines" (support.google.com/
google-ads/answer/7659867) and its upload template: a CSV in UTF-8 whose headers are exactly
``Email`` and ``Phone`` (English); hashed data is SHA-256 (hex) of the value lower-cased and
without surrounding spaces; phone numbers in E.164 **with** ``+`` and the country code before
hashing (``+821012345678``). Google's removal of dots from gmail.com addresses belongs to
enhanced conversions, not to Customer Match files, so it is not done.

Not written: mobile advertising ids (Google takes them only in a separate "mobile device ID"
list, never beside contact data; counted as not carried). Floor: a Customer Match list serves
on Display, YouTube and Gmail from 100 active members (1,000 for Search) (Google Ads Help
"About Customer Match"), so a file with fewer than 100 rows is refused."""

from __future__ import annotations

from socialops.segment.audience.base import AudienceFormat, Column

__all__ = ["FORMAT"]

FORMAT = AudienceFormat(
    name="google",
    columns=(Column("Email", ("email",)), Column("Phone", ("phone",))),
    min_rows=100,
)
