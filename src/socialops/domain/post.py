"""The canonical post record: posts, comments, replies and reviews from any platform.

One Arrow schema is the contract between importers (which produce it), enrichment (which adds
columns to it) and the analytics store (which keeps it as Parquet). See docs/post-record.md.
"""

from __future__ import annotations

from enum import StrEnum

import pyarrow as pa

__all__ = [
    "ENRICHED_FIELDS",
    "ENRICHED_SCHEMA",
    "POST_FIELDS",
    "POST_SCHEMA",
    "PostKind",
]


class PostKind(StrEnum):
    POST = "post"
    COMMENT = "comment"
    REPLY = "reply"
    REVIEW = "review"
    REPOST = "repost"
    MESSAGE = "message"


_TS = pa.timestamp("us", tz="UTC")
_STRS = pa.list_(pa.string())

POST_FIELDS: list[pa.Field] = [
    pa.field("platform", pa.string(), nullable=False),  # e.g. twitter, naver_movie, facebook
    pa.field("post_id", pa.string(), nullable=False),  # id on the platform (unique per platform)
    pa.field("kind", pa.string(), nullable=False),  # PostKind
    pa.field("author_id", pa.string()),
    pa.field("author_handle", pa.string()),
    pa.field("text", pa.string()),
    pa.field("created_at", _TS),  # UTC instant; null only where the source has no date
    pa.field("language", pa.string()),  # language the source declares, if any
    pa.field("url", pa.string()),
    pa.field("parent_id", pa.string()),  # thread root / the post a comment belongs to
    pa.field("reply_to_id", pa.string()),
    pa.field("repost_of_id", pa.string()),
    pa.field("likes", pa.int64()),
    pa.field("comments", pa.int64()),
    pa.field("shares", pa.int64()),
    pa.field("views", pa.int64()),
    pa.field("author_followers", pa.int64()),
    pa.field("source_file", pa.string(), nullable=False),
    pa.field("source_row", pa.int64(), nullable=False),  # 1-based data row number in the file
    pa.field("topics", _STRS),  # tracked-topic tags given at import (--topic)
    pa.field("extra", pa.string()),  # JSON object of source fields kept but not canonical
    pa.field("import_id", pa.string(), nullable=False),
]
POST_SCHEMA = pa.schema(POST_FIELDS)

# Columns added by the enrichment pipeline (socialops.nlp.pipeline).
ENRICHED_FIELDS: list[pa.Field] = [
    pa.field("lang", pa.string()),  # detected: ko | en | other
    pa.field("text_norm", pa.string()),  # NFC, runs folded, entities kept
    pa.field("urls", _STRS),
    pa.field("mentions", _STRS),
    pa.field("hashtags", _STRS),
    pa.field("emojis", _STRS),
    pa.field("tokens", _STRS),  # surface tokens (Korean: morphemes "form/TAG"; English: words)
    pa.field("lemmas", _STRS),  # content lemmas: Korean nouns, verbs (다), adjectives; English
    pa.field("sentiment", pa.string()),  # negative | neutral | positive
    pa.field("sentiment_score", pa.float64()),  # -1 .. 1
    pa.field("keywords", _STRS),  # keyword candidates
    pa.field("match_text", pa.string()),  # " unit unit ... ": tokens as query match units
    pa.field("enriched_by", pa.string()),  # "lang@1,normalize@1,..." component versions
    pa.field("day", pa.date32()),  # local day of created_at in the workspace zone
    pa.field("hour", pa.int8()),  # local hour of day (0-23) of created_at
    pa.field("month", pa.string()),  # YYYY-MM partition key (local), "undated" when no date
]
ENRICHED_SCHEMA = pa.schema(POST_FIELDS + ENRICHED_FIELDS)
