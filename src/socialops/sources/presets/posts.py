"""Column mappings: named presets, mapping files and ``--map FIELD=COLUMN`` flags.

A :class:`Spec` says how a file's columns become canonical post fields (see
socialops.domain.post and docs/import.md). A preset is a named Spec; a mapping (a JSON file or
``--map`` flags) is merged on top of a preset. :func:`bind` checks a Spec against a file's actual
columns and returns a :class:`Bound` mapping the importer uses row by row.

Mapping file format (JSON object; every key optional)::

    {
      "preset": "generic",             base preset to extend (default: the --preset given)
      "platform": "twitter",           constant platform ({"column": "src"} to read a column)
      "kind": "post",                  constant kind ({"column": "type"} to read a column)
      "post_id": "tweet_id",           canonical field -> column name ...
      "text": "body",
      "created_at": "when",            "" (or null) = the file has none: the field is not required
      "likes": {"column": "fav"},      same as "likes": "fav"
      "extra": ["airline", "mood"],    columns kept in `extra` ("*" = every unmapped column)
      "required": ["post_id", "text"], fields a row must have (else it is quarantined)
      "date_format": "%d/%m/%Y %H:%M", strftime format (or a list) tried first for created_at
      "header": false,                 the first row is data, not column names
      "names": ["id", "text", "date"]  column names when there is no header
    }

``post_id`` mapped to nothing (``"post_id": ""`` or ``--map post_id=``) derives a stable id from
the row's content and row number.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from socialops.domain.post import PostKind
from socialops.errors import UnknownPresetError

__all__ = [
    "CANONICAL_FIELDS",
    "PRESETS",
    "Bound",
    "Spec",
    "bind",
    "get_preset",
    "load_mapping_file",
    "merge_mapping",
    "parse_map_flags",
]

# canonical fields a mapping may fill from a column (the rest of POST_SCHEMA is set by import)
CANONICAL_FIELDS = (
    "platform",
    "post_id",
    "kind",
    "author_id",
    "author_handle",
    "text",
    "created_at",
    "language",
    "url",
    "parent_id",
    "reply_to_id",
    "repost_of_id",
    "likes",
    "comments",
    "shares",
    "views",
    "author_followers",
)
INT_FIELDS = ("likes", "comments", "shares", "views", "author_followers")
STR_FIELDS = (
    "author_id",
    "author_handle",
    "language",
    "url",
    "parent_id",
    "reply_to_id",
    "repost_of_id",
)
_CONST_FIELDS = ("platform", "kind", *STR_FIELDS, *INT_FIELDS)
_OPTION_KEYS = ("preset", "extra", "required", "date_format", "header", "names", "description")
DEFAULT_REQUIRED = frozenset({"post_id", "text", "created_at"})

# generic: candidate column names per field, matched case-insensitively, in this order
GENERIC_ALIASES: dict[str, tuple[str, ...]] = {
    "post_id": ("post_id", "id", "tweet_id", "status_id", "review_id", "comment_id", "message_id"),
    "text": (
        "text",
        "content",
        "message",
        "body",
        "review",
        "full_text",
        "tweet",
        "caption",
        "document",
        "comment",
        "comments",
    ),
    "created_at": (
        "created_at",
        "date",
        "timestamp",
        "time",
        "datetime",
        "created",
        "created_time",
        "published_at",
        "published",
        "posted_at",
        "status_published",
        "tweet_created",
    ),
    "author_handle": ("author", "user", "handle", "username", "user_name", "screen_name"),
    "author_id": ("author_id", "user_id"),
    "likes": ("likes", "like_count", "likes_count", "favorite_count", "favorites", "num_likes"),
    "comments": ("comments", "comment_count", "comments_count", "num_comments", "reply_count"),
    "shares": ("shares", "share_count", "retweet_count", "retweets", "num_shares"),
    "views": ("views", "view_count", "views_count", "impressions", "num_views"),
    "url": ("url", "link", "permalink"),
    "language": ("lang", "language"),
    "parent_id": ("parent_id", "thread_id", "conversation_id"),
    "reply_to_id": ("reply_to_id", "in_reply_to_id", "in_reply_to_status_id"),
    "repost_of_id": ("repost_of_id", "retweeted_status_id"),
    "author_followers": ("author_followers", "followers", "followers_count", "follower_count"),
    "platform": ("platform", "network"),
    "kind": ("kind",),
}


@dataclass(frozen=True)
class Spec:
    """How to read one kind of file. ``columns``: field → column; ``consts``: field → value."""

    name: str
    description: str = ""
    columns: Mapping[str, str] = field(default_factory=dict)
    consts: Mapping[str, str] = field(default_factory=dict)
    absent: frozenset[str] = frozenset()  # fields explicitly mapped to nothing
    aliases: bool = False  # generic: match common column names
    extra: tuple[str, ...] | str = "*"  # "*" = every column not mapped to a field
    required: frozenset[str] = DEFAULT_REQUIRED
    date_format: str | tuple[str, ...] | None = None  # strftime format(s) tried first
    header: bool = True
    names: tuple[str, ...] | None = None
    list_columns: frozenset[str] = frozenset()  # extra columns holding "1,2,3" → [1, 2, 3]


PRESETS: dict[str, Spec] = {
    s.name: s
    for s in [
        Spec(
            "generic",
            "Common column names (id/post_id, text/content/message/body/review, "
            "created_at/date/timestamp/time, author/user/handle, likes, comments, shares, views, "
            "url, lang...), matched case-insensitively; other columns go to extra. Platform from "
            "a platform column, else 'unknown' (set it with --map platform=NAME).",
            consts={"platform": "unknown", "kind": "post"},
            aliases=True,
        ),
        Spec(
            "airline-tweets",
            "Twitter US Airline Sentiment (Tweets.csv): tweet_id, text, tweet_created (with "
            "offset), name → author_handle, retweet_count → shares; the rest in extra.",
            columns={
                "post_id": "tweet_id",
                "text": "text",
                "created_at": "tweet_created",
                "author_handle": "name",
                "shares": "retweet_count",
            },
            consts={"platform": "twitter", "kind": "post"},
        ),
        Spec(
            "nsmc-reviews",
            "Naver movie reviews (nsmc reviews.tsv): review_id, movie_id → parent_id, date "
            "yy.mm.dd (local midnight in the import zone), review; movie_id and rating in extra.",
            columns={
                "post_id": "review_id",
                "parent_id": "movie_id",
                "created_at": "date",
                "text": "review",
            },
            consts={"platform": "naver_movie", "kind": "review"},
            extra=("movie_id", "rating"),
            date_format="%y.%m.%d",
        ),
        Spec(
            "kote",
            "KOTE online comments (val.tsv, no header): ID, text, label indices → extra.labels "
            "(a list of ints); undated.",
            columns={"post_id": "ID", "text": "text"},
            consts={"platform": "kote", "kind": "comment"},
            extra=("labels",),
            required=frozenset({"post_id", "text"}),
            header=False,
            names=("ID", "text", "labels"),
            list_columns=frozenset({"labels"}),
        ),
        Spec(
            "korean-sarcasm",
            "Korean sarcasm tweets (train.csv): index (first, unnamed column) → post_id, tokens "
            "→ text, label → extra; undated.",
            columns={"post_id": "column_1", "text": "tokens"},
            consts={"platform": "twitter", "kind": "post"},
            extra=("label",),
            required=frozenset({"post_id", "text"}),
        ),
        Spec(
            "facebook-metrics",
            "UCI Facebook page metrics (dataset_Facebook.csv, ';'): one row per post without id, "
            "text or full date; id derived from the row; like/comment/share → likes/comments/"
            "shares; reach, impressions, month, hour... in extra.",
            columns={"likes": "like", "comments": "comment", "shares": "share"},
            consts={"platform": "facebook", "kind": "post"},
            absent=frozenset({"post_id", "text", "created_at"}),
            required=frozenset(),
        ),
    ]
}


def get_preset(name: str) -> Spec:
    try:
        return PRESETS[name]
    except KeyError:
        raise UnknownPresetError(
            code="sources.unknown_preset", name=name[:60], choices=sorted(PRESETS)
        ) from None


def load_mapping_file(path: str | Path) -> dict[str, Any]:
    p = Path(path)
    try:
        data = json.loads(p.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise UnknownPresetError(code="sources.mapping_missing", file=str(p)) from None
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise UnknownPresetError(
            code="sources.mapping_unreadable", file=str(p), detail=str(exc)[:200]
        ) from exc
    if not isinstance(data, dict):
        raise UnknownPresetError(code="sources.mapping_not_object", file=str(p))
    return data


def parse_map_flags(flags: Sequence[str]) -> dict[str, Any]:
    """``["text=body", "created_at="]`` → ``{"text": "body", "created_at": ""}``."""
    out: dict[str, Any] = {}
    for f in flags:
        if "=" not in f:
            raise UnknownPresetError(
                code="sources.map_flag", value=f[:60], fields=list(CANONICAL_FIELDS)
            )
        k, v = f.split("=", 1)
        out[k.strip()] = v.strip()
    return out


def merge_mapping(base: Spec, mapping: Mapping[str, Any]) -> Spec:
    """``base`` with a mapping (file format above) applied on top."""
    columns = dict(base.columns)
    consts = dict(base.consts)
    absent = set(base.absent)
    required = set(base.required)
    changes: dict[str, Any] = {}
    for key, val in mapping.items():
        if key == "preset":
            continue
        if key in _OPTION_KEYS:
            if key == "extra":
                if val == "*":
                    changes["extra"] = "*"
                elif isinstance(val, list) and all(isinstance(x, str) for x in val):
                    changes["extra"] = tuple(val)
                else:
                    raise UnknownPresetError(code="sources.mapping_extra")
            elif key == "required":
                if not (isinstance(val, list) and all(x in CANONICAL_FIELDS for x in val)):
                    raise UnknownPresetError(
                        code="sources.mapping_required", fields=list(CANONICAL_FIELDS)
                    )
                required = set(val)
            elif key == "names":
                if val is None:
                    changes["names"] = None
                    continue
                if not (isinstance(val, list) and all(isinstance(x, str) for x in val)):
                    raise UnknownPresetError(code="sources.mapping_names")
                changes["names"] = tuple(val)
            elif key == "header":
                changes["header"] = bool(val)
            elif key == "date_format":
                if isinstance(val, list) and all(isinstance(x, str) for x in val):
                    changes["date_format"] = tuple(val) or None
                elif isinstance(val, str) or val is None:
                    changes["date_format"] = val or None
                else:
                    raise UnknownPresetError(code="sources.mapping_date_format")
            else:
                changes["description"] = str(val)
            continue
        if key not in CANONICAL_FIELDS:
            raise UnknownPresetError(
                code="sources.mapping_unknown_field",
                key=str(key)[:60],
                fields=list(CANONICAL_FIELDS),
                options=list(_OPTION_KEYS),
            )
        columns.pop(key, None)
        consts.pop(key, None)
        absent.discard(key)
        if isinstance(val, dict):
            if "value" in val:
                if key not in _CONST_FIELDS:
                    raise UnknownPresetError(
                        code="sources.mapping_constant", key=key, fields=list(_CONST_FIELDS)
                    )
                consts[key] = str(val["value"])
            elif val.get("column"):
                columns[key] = str(val["column"])
            else:
                raise UnknownPresetError(code="sources.mapping_value", key=key)
        elif val is None or val == "":
            absent.add(key)
            required.discard(key)
        elif key in ("platform", "kind"):
            consts[key] = str(val)
        else:
            columns[key] = str(val)
    if "kind" in consts and consts["kind"] not in {k.value for k in PostKind}:
        raise UnknownPresetError(
            code="sources.unknown_kind",
            kind=str(consts["kind"])[:40],
            kinds=[k.value for k in PostKind],
        )
    return replace(
        base,
        columns=columns,
        consts=consts,
        absent=frozenset(absent),
        required=frozenset(required),
        **changes,
    )


@dataclass(frozen=True)
class Bound:
    """A Spec checked against a file's columns."""

    spec: Spec
    columns: dict[str, str]  # field -> actual column name in the file
    consts: dict[str, str]
    extra: list[str]
    required: frozenset[str]
    derive_id: bool


def _find(col: str, available: Sequence[str]) -> str | None:
    if col in available:
        return col
    low = col.strip().casefold()
    for a in available:
        if a.strip().casefold() == low:
            return a
    return None


def bind(spec: Spec, available: Sequence[str], source: str) -> Bound:
    """Check ``spec`` against the file's columns; UnknownPresetError if it cannot fit."""
    shown = ", ".join(repr(c[:30]) for c in available[:8]) + (", ..." if len(available) > 8 else "")
    source = Path(source).name
    cols: dict[str, str] = {}
    for f, c in spec.columns.items():
        found = _find(c, available)
        if found is None:
            raise UnknownPresetError(
                code="sources.no_column", column=c, field=f, file=source, columns=shown
            )
        cols[f] = found
    if spec.aliases:
        used = set(cols.values())
        for f, names in GENERIC_ALIASES.items():
            if (
                f in cols
                or f in spec.absent
                or (f in spec.consts and f not in ("platform", "kind"))
            ):
                continue
            for n in names:
                found = _find(n, available)
                if found is not None and found not in used:
                    cols[f] = found
                    used.add(found)
                    break
    consts = {k: v for k, v in spec.consts.items() if k not in cols}
    derive_id = "post_id" not in cols and "post_id" in spec.absent
    required = spec.required
    for f in ("post_id", "text", "created_at"):
        if f in required and f not in cols and not (f == "post_id" and derive_id):
            raise UnknownPresetError(
                code="sources.which_column",
                field=f,
                file=source,
                preset=spec.name,
                columns=shown,
            )
    if "post_id" not in cols and not derive_id:
        derive_id = True  # not required and not mapped: derive
    if spec.extra == "*":
        mapped = set(cols.values())
        extra = [c for c in available if c not in mapped]
    else:
        extra = []
        for c in spec.extra:
            found = _find(c, available)
            if found is None:
                raise UnknownPresetError(
                    code="sources.no_column", column=c, field="extra", file=source, columns=shown
                )
            extra.append(found)
    return Bound(spec, cols, consts, extra, required, derive_id)
