"""The file side of a personal-data request: posts by the subject's handles in the analytics
store (raw parts and enriched files), imported customers matched by e-mail or phone, and their
transactions — found, and anonymised by rewriting each affected Parquet file.

A rewrite is crash-safe: the new file is written next to the old one (``<name>.erasing``, which
no reader or :meth:`Workspace.recover` glob ever takes for a part), flushed to disk
(``fsync``), renamed over the old one (``os.replace``, atomic on one filesystem) and the folder
synced. Killed at any point, each file is the old one or the new one, whole; a stray
``.erasing`` file is removed and the request run again finishes the job (a file already
rewritten has nothing left to match). The caches made from an enriched file (topic matches,
keyword rollups, the post-text index) are deleted with it: they are rebuilt from the new file.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from cryptography.fernet import Fernet, InvalidToken

from socialops.engage.contacts import email_hash, phone_hash
from socialops.sources.streams.customers import customers_path
from socialops.sources.streams.transactions import stored_parts
from socialops.store.analytics import cache_file_name
from socialops.store.durable import fsync_dir, fsync_file
from socialops.store.secrets import key_for
from socialops.store.workspace import Workspace

__all__ = [
    "MARKER",
    "CustomerHits",
    "PostHits",
    "erase_customers",
    "erase_posts",
    "find_customers",
    "find_posts",
    "post_files",
    "rewrite",
]

MARKER = "[삭제됨 · erased]"
TMP_SUFFIX = ".erasing"
# what the export shows of a post (not the derived token columns)
POST_COLUMNS = ("platform", "post_id", "kind", "author_id", "author_handle", "text",
                "created_at", "url", "likes", "comments", "shares", "source_file")  # fmt: skip
_TEXTS = ("text", "text_norm")
_NULLED = ("url", "extra")
_LISTS = ("urls", "mentions", "hashtags", "emojis", "tokens", "lemmas", "keywords")
_AUTHOR = ("author_id", "author_handle")


@dataclass
class PostHits:
    raw: list[dict[str, Any]] = field(default_factory=list)
    enriched: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class CustomerHits:
    ids: list[str] = field(default_factory=list)
    customers: list[dict[str, Any]] = field(default_factory=list)
    transactions: list[dict[str, Any]] = field(default_factory=list)


def post_files(ws: Workspace) -> list[tuple[str, Path]]:
    """Every committed post file: ``("raw", part)`` and ``("enriched", file)``."""
    raw = [("raw", ws.raw_path(p)) for p in ws.committed_raw_parts()]
    return [*(x for x in raw if x[1].is_file()), *(("enriched", f) for f in ws.enriched_files())]


def _by_platform(handles: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for platform, h in handles:
        out.setdefault(platform, []).append(h)
    return out


def _mask(table: pa.Table, handles: Mapping[str, list[str]]) -> pa.Array | None:
    """Rows of ``table`` written by one of ``handles`` (per platform; the handle or the
    author id, case-insensitive, a leading ``@`` ignored); ``None`` when there are none."""
    if not handles or table.num_rows == 0:
        return None
    hit: Any = None
    author = pc.utf8_lower(pc.utf8_ltrim(pc.fill_null(table["author_handle"], ""), "@"))
    author_id = pc.utf8_lower(pc.utf8_ltrim(pc.fill_null(table["author_id"], ""), "@"))
    for platform, hs in handles.items():
        wanted = pa.array(sorted(set(hs)), pa.string())
        one = pc.and_(
            pc.equal(pc.utf8_lower(table["platform"]), platform),
            pc.or_(pc.is_in(author, value_set=wanted), pc.is_in(author_id, value_set=wanted)),
        )
        hit = one if hit is None else pc.or_(hit, one)
    hit = pc.fill_null(hit, False)
    if isinstance(hit, pa.ChunkedArray):
        hit = hit.combine_chunks()
    return hit if pc.any(hit).as_py() else None


def _plain(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in r.items()}
            for r in rows]  # fmt: skip


def find_posts(ws: Workspace, handles: Iterable[tuple[str, str]], rows: bool = False) -> PostHits:
    """The subject's posts in the store (with ``rows`` their main columns, else placeholders)."""
    wanted = _by_platform(handles)
    out = PostHits()
    if not wanted:
        return out
    for kind, path in post_files(ws):
        keys = pq.ParquetFile(path).read(columns=["platform", "author_id", "author_handle"])
        mask = _mask(keys, wanted)
        if mask is None:
            continue
        target = out.raw if kind == "raw" else out.enriched
        if rows:
            names = [c for c in POST_COLUMNS if c in pq.read_schema(path).names]
            table = pq.ParquetFile(path).read(columns=names).filter(mask)
            target += _plain(table.to_pylist())
        else:
            target += [{}] * pc.sum(mask.cast(pa.int64())).as_py()
    return out


def rewrite(path: Path, table: pa.Table) -> None:
    """Replace ``path`` with ``table``, crash-safe: a new file beside it, synced, renamed."""
    tmp = path.with_name(path.name + TMP_SUFFIX)
    meta = pq.read_metadata(path)  # the old file's row groups and compression are kept
    group = meta.row_group(0) if meta.num_row_groups else None
    codec = str(group.column(0).compression).lower() if group is not None else "zstd"
    size = max(group.num_rows, 1) if group is not None else None
    pq.write_table(table, tmp, compression=codec, row_group_size=size)
    fsync_file(tmp)
    os.replace(tmp, path)
    fsync_dir(path.parent)


def _clean_strays(ws: Workspace) -> None:
    """Remove the ``.erasing`` files a killed rewrite left (the old files are whole)."""
    for folder in (ws.raw_dir, ws.enriched_dir, customers_path(ws).parent, ws.root / "segment"):
        if folder.exists():
            for p in folder.rglob("*" + TMP_SUFFIX):
                p.unlink(missing_ok=True)


def _drop_caches(ws: Workspace, path: Path) -> None:
    """Delete every cache made from enriched file ``path`` (its names depend on the file's
    size and time, so the rewritten file gets new ones) and the post-text index."""
    names = {cache_file_name(ws, path, p) for p in ("kc", "tp")}
    cache = ws.root / "cache"
    if not cache.exists():
        return
    for p in cache.rglob("*.parquet"):
        if p.name in names:
            p.unlink(missing_ok=True)
    for p in cache.glob("post_texts.sqlite*"):
        p.unlink(missing_ok=True)


def _anonymised(table: pa.Table, mask: Any, hashed: Mapping[str, str]) -> pa.Table:
    names = table.schema.names
    for col in names:
        i = names.index(col)
        typ = table.schema.field(col).type
        arr = table[col]
        if col in _TEXTS:
            new = pc.if_else(mask, pa.scalar(MARKER, typ), arr)
        elif col in _NULLED:
            new = pc.if_else(mask, pa.scalar(None, typ), arr)
        elif col in _LISTS:
            new = pc.if_else(mask, pa.scalar([], typ), arr)
        elif col == "match_text":
            new = pc.if_else(mask, pa.scalar(" ", typ), arr)
        elif col in _AUTHOR:
            low = pc.utf8_lower(pc.utf8_ltrim(pc.fill_null(arr, ""), "@")).to_pylist()
            old = arr.to_pylist()
            flags = mask.to_pylist()
            repl = [
                (hashed.get(low[k]) or _hash_of(hashed)) if flags[k] and old[k] else old[k]
                for k in range(len(old))
            ]
            new = pa.array(repl, typ)
        else:
            continue
        table = table.set_column(i, table.schema.field(col), new)
    return table


def _hash_of(hashed: Mapping[str, str]) -> str:
    """An author id that is not one of the handles: the first handle's hash stands for it."""
    return next(iter(hashed.values()), "erased")


def erase_posts(
    ws: Workspace, handles: Iterable[tuple[str, str]], hashed: Mapping[str, str]
) -> dict[str, int]:
    """Anonymise the subject's posts in every file that has them (rows kept, so volumes and
    sentiment counts still add up); ``{"raw_posts": n, "posts": n, "files": n}``."""
    _clean_strays(ws)
    wanted = _by_platform(handles)
    out = {"raw_posts": 0, "posts": 0, "files": 0}
    if not wanted:
        return out
    for kind, path in post_files(ws):
        keys = pq.ParquetFile(path).read(columns=["platform", "author_id", "author_handle"])
        mask = _mask(keys, wanted)
        if mask is None:
            continue
        table = pq.ParquetFile(path).read()  # the file's own schema (no folder partitions)
        new = _anonymised(table, mask, hashed)
        if kind == "enriched":
            _drop_caches(ws, path)
        rewrite(path, new)
        out["raw_posts" if kind == "raw" else "posts"] += pc.sum(mask.cast(pa.int64())).as_py()
        out["files"] += 1
    return out


def _identifiers(ws: Workspace) -> list[tuple[str, str]]:
    """(customer id, Fernet token) of every imported customer with identifiers."""
    path = customers_path(ws)
    if not path.exists() or "private" not in pq.read_schema(path).names:
        return []
    table = pq.read_table(path, columns=["customer_id", "private"])
    ids = pc.cast(table["customer_id"], pa.string()).to_pylist()
    return [(c, t) for c, t in zip(ids, table["private"].to_pylist(), strict=True) if t]


def find_customers(
    ws: Workspace, emails: set[str], phones: set[str], rows: bool = False
) -> CustomerHits:
    """Imported customers whose e-mail or phone hashes to one of the contact's, and their
    transactions. Each identifier token is decrypted to compare (the table keeps no hash)."""
    out = CustomerHits()
    if not emails and not phones:
        return out
    pairs = _identifiers(ws)
    if not pairs:
        return out
    cipher = Fernet(key_for(ws.root))
    for cid, token in pairs:
        try:
            ident: dict[str, str] = json.loads(cipher.decrypt(token.encode("ascii")))
        except (InvalidToken, ValueError):
            continue
        mails = {email_hash(v) for k, v in ident.items() if "mail" in k.lower()}
        tels = {phone_hash(v) for k, v in ident.items() if "phone" in k.lower() or "tel" in k}
        if mails & emails or tels & phones:
            out.ids.append(cid)
            if rows:
                out.customers.append({"customer_id": cid, **ident})
    if not out.ids:
        return out
    if rows:
        table = pq.read_table(customers_path(ws))
        found = table.filter(pc.is_in(pc.cast(table["customer_id"], pa.string()),
                                      value_set=pa.array(out.ids)))  # fmt: skip
        attrs = {str(r["customer_id"]): r for r in found.drop_columns(["private"]).to_pylist()}
        out.customers = [{**attrs.get(c["customer_id"], {}), **c} for c in out.customers]
    wanted = pa.array(out.ids, pa.string())
    for part in stored_parts(ws):
        t = pq.read_table(part)
        hit = t.filter(pc.is_in(pc.cast(t["customer_id"], pa.string()), value_set=wanted))
        out.transactions += _plain(hit.to_pylist()) if rows else [{}] * hit.num_rows
    return out


def _replace_ids(path: Path, new_ids: Mapping[str, str], clear_private: bool) -> int:
    table = pq.read_table(path)
    ids = pc.cast(table["customer_id"], pa.string())
    mask = pc.is_in(ids, value_set=pa.array(sorted(new_ids), pa.string()))
    n = pc.sum(mask.cast(pa.int64())).as_py() or 0
    if not n:
        return 0
    repl = [new_ids.get(c, c) if c is not None else None for c in ids.to_pylist()]
    i = table.schema.names.index("customer_id")
    table = table.set_column(i, pa.field("customer_id", pa.string()), pa.array(repl, pa.string()))
    if clear_private and "private" in table.schema.names:
        j = table.schema.names.index("private")
        typ = table.schema.field("private").type
        table = table.set_column(
            j, table.schema.field("private"), pc.if_else(mask, pa.scalar("", typ), table["private"])
        )
    rewrite(path, table)
    return int(n)


def erase_customers(ws: Workspace, new_ids: Mapping[str, str]) -> dict[str, int]:
    """Replace the matched customers' ids by their salted hashes (customer table and every
    transaction part: sums and counts stay) and clear their identifiers."""
    out = {"customers": 0, "transactions": 0}
    if not new_ids:
        return out
    path = customers_path(ws)
    if path.exists():
        out["customers"] = _replace_ids(path, new_ids, clear_private=True)
    for part in stored_parts(ws):
        out["transactions"] += _replace_ids(part, new_ids, clear_private=False)
    return out
