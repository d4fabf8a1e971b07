"""Meta (Facebook, Instagram) Custom Audiences from a customer list.

Per Meta's Marketing API "Customer File Custom Audiences" (developers.facebook.com/docs/
marketing-api/audiences/guides/custom-audiences, "Hashing and Normalizing Data"): data is shared
hashed with SHA-256 (lower-case hex); ``EMAIL`` trimmed and lower-cased; ``PHONE`` as digits
only, with the country code and without ``+`` or leading zeros (``+82 10-1234-5678`` →
``821012345678``). Column names are Meta's schema keys (``EMAIL``, ``PHONE``).

Not written: advertising ids (Meta's ``MADID`` is sent unhashed, and this product writes no
identifier unhashed to a contact-data file; counted as not carried). Floor: Meta delivers to a
Custom Audience only from about 100 matched people (Business Help Center, "audience too
small"), so a file with fewer than 100 rows is refused before it is written."""

from __future__ import annotations

from socialops.segment.audience.base import AudienceFormat, Column, sha256_hex

__all__ = ["FORMAT"]


def _phone(e164: str) -> str:
    """E.164 → Meta's form (digits with the country code, no ``+``), hashed."""
    return sha256_hex(e164.removeprefix("+"))


FORMAT = AudienceFormat(
    name="meta",
    columns=(Column("EMAIL", ("email",)), Column("PHONE", ("phone",), _phone)),
    min_rows=100,
)
