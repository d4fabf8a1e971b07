"""Bulk scheduling: a CSV, TSV or XLSX file with one post a row, through the one import path.

The file is read by :func:`socialops.sources.readers.open_source` (UTF-8 with or without BOM,
CP949/EUC-KR from Excel, any delimiter, XLSX through the safe opener). Columns, by English or
Korean header: ``profile`` (프로필), ``time`` (시간: ISO, or ``YYYY-MM-DD HH:MM`` in the
profile's zone), ``text`` (내용), and optionally ``media`` (이미지: media-library ids, or image
files next to the sheet, ``;``-separated), ``alt`` (대체텍스트: one for all images, or one per
image, ``;``-separated), ``link`` (링크: shortened and tagged like the composer does) and
``plan`` (계획: a plan id; its banned words and approval policy apply).

Each good row is one post group queued through the composer (so through
:func:`socialops.publish.queue.new_posts`), sent to review when the author's role and the plan
need approval (:mod:`socialops.publish.approvals`). Each bad row (unknown profile, unreadable or
past time, a platform limit, a banned word, an image without alt text, a missing image, an
unknown plan) is kept in the imports quarantine with its reason; nothing is dropped silently.
The import is recorded in the imports ledger (stream ``publish_bulk``) with
``rows = scheduled + duplicates + quarantined``. Importing the same rows again schedules
nothing twice: a row whose post (same profile, time and text) is already queued is a duplicate.
An image file is looked for only in the sheet's own folder (never elsewhere on the server) and
kept in the media library, where alt text belongs to the image: a row's alt text is the image's
from then on (a post already queued keeps the alt text it was queued with).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import text

from socialops import settings
from socialops.connectors.profiles import Profile, get_profile
from socialops.errors import PlanError, PublishError
from socialops.i18n.approvals import MIRRORED
from socialops.plan.store import PlanStore
from socialops.publish.approvals import needs_approval, submit
from socialops.publish.composer import compose, preview
from socialops.publish.links import check_target, short_url
from socialops.publish.media import add_media, get_media, set_alt
from socialops.sources import ledger
from socialops.sources.readers import RawRecord, open_source
from socialops.store.workspace import Workspace

__all__ = ["COLUMNS", "STREAM", "BulkResult", "bulk_schedule"]

STREAM = "publish_bulk"
COLUMNS: dict[str, tuple[str, ...]] = {
    "profile": ("profile", "프로필", "계정", "account"),
    "time": ("time", "시간", "일시", "게시 시간", "예약 시간", "at", "when"),
    "text": ("text", "내용", "본문", "message"),
    "media": ("media", "이미지", "사진", "image", "images"),
    "alt": ("alt", "대체텍스트", "대체 텍스트", "alt text"),
    "link": ("link", "링크", "url"),
    "plan": ("plan", "계획", "plan id", "계획 id"),
}
REQUIRED = ("profile", "time", "text")
MAX_REJECTS_KEPT = 200
_DOTTED = re.compile(r"^(\d{4})[./](\d{1,2})[./](\d{1,2})")
_HAS_CLOCK = re.compile(r"\d{1,2}:\d{2}")


@dataclass(frozen=True)
class BulkResult:
    rows: int
    scheduled: int  # groups queued (scheduled, or in review when approval is needed)
    quarantined: int
    group_ids: list[str]
    import_id: str
    in_review: int = 0
    duplicates: int = 0  # rows whose post was queued already (an import of the same rows)
    file: str = ""
    encoding: str = ""
    reasons: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class _Bad(Exception):
    """A row to quarantine: its reason and coded detail."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(reason)
        self.reason, self.detail = reason, detail


@dataclass(frozen=True)
class _Row:
    profile: Profile
    due: str  # UTC, as the queue stores it
    text: str
    media_ids: list[str]
    media_names: dict[str, str]  # media id -> the image as the row names it
    link: str | None
    plan_id: str | None


def _norm(name: str) -> str:
    return " ".join(str(name).replace("_", " ").replace("-", " ").split()).casefold()


def _locate(header: list[str], file: str) -> dict[str, str]:
    """The file's column for each field (a required one missing refuses the file)."""
    found: dict[str, str] = {}
    by_norm = {_norm(h): h for h in header}
    for fld, aliases in COLUMNS.items():
        for alias in aliases:
            if _norm(alias) in by_norm:
                found[fld] = by_norm[_norm(alias)]
                break
    missing = [f for f in REQUIRED if f not in found]
    if missing:
        raise PublishError("bulk.missing_columns", file=file, missing=missing)
    return found


def _cell(values: dict[str, Any], col: dict[str, str], fld: str) -> Any:
    value = values.get(col[fld]) if fld in col else None
    if value is None:
        return ""
    return value if isinstance(value, datetime | date) else str(value).strip()


def _coded(error: PublishError, reason: str) -> _Bad:
    if error.code in MIRRORED:
        return _Bad(reason, ledger.coded_detail(f"bulk.{error.code}", **error.params))
    return _Bad(reason, error.text("en"))


def _when(value: Any, zone: str) -> str:
    """A row's time as the queue stores it (UTC); a naive one is in the profile's zone."""
    if isinstance(value, datetime):
        dt = value
    else:
        raw = str(value).strip()
        fixed = _DOTTED.sub(lambda m: f"{m[1]}-{int(m[2]):02d}-{int(m[3]):02d}", raw)
        try:
            if isinstance(value, date) or not _HAS_CLOCK.search(fixed):
                raise ValueError(raw)
            dt = datetime.fromisoformat(fixed)
        except ValueError:
            raise _Bad("bad_time", ledger.coded_detail("bulk_bad_time", value=raw[:40])) from None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=ZoneInfo(zone))
    if dt <= datetime.now(UTC):
        shown = dt.isoformat(timespec="minutes")
        raise _Bad("past_time", ledger.coded_detail("bulk_past_time", value=shown))
    return dt.astimezone(UTC).isoformat(timespec="microseconds")


def _media(ws: Workspace, items: str, alts: str, base: Path, actor: str) -> list[tuple[str, str]]:
    """(media-library id, the row's name for it) of the row's images; files from the sheet's
    folder are added to the library (resized, metadata stripped)."""
    names = [x.strip() for x in items.split(";") if x.strip()]
    texts = [a.strip() for a in alts.split(";")] if alts.strip() else []
    ids = []
    for i, item in enumerate(names):
        alt = texts[i] if i < len(texts) else (texts[0] if len(texts) == 1 else "")
        try:
            asset = get_media(ws, item)
        except PublishError:
            asset = None
        try:
            if asset is not None:
                if alt and not asset.alt:
                    set_alt(ws, asset.media_id, alt)
                ids.append((asset.media_id, item))
                continue
            path = (base / item).resolve()
            if not path.is_relative_to(base.resolve()) or not path.is_file():
                raise _Bad("bad_media", ledger.coded_detail("bulk_bad_media", value=item[:80]))
            added = add_media(ws, path.name, path.read_bytes(), alt=alt, actor=actor)
            ids.append((added.media_id, item))
        except PublishError as exc:
            raise _coded(exc, "bad_media") from None
    return ids


def _read(
    ws: Workspace,
    values: dict[str, Any],
    col: dict[str, str],
    base: Path,
    actor: str,
    plans: dict[str, bool],
) -> _Row:
    name = str(_cell(values, col, "profile"))
    try:
        profile = get_profile(ws, name) if name else None
    except PublishError:
        profile = None
    if profile is None:
        raise _Bad("unknown_profile", ledger.coded_detail("bulk_unknown_profile", value=name[:80]))
    body = str(_cell(values, col, "text"))
    if not body:
        raise _Bad("empty_text", ledger.coded_detail("empty_text", column=col["text"]))
    raw_time = _cell(values, col, "time")
    if raw_time in ("", None):
        raise _Bad("missing_date", ledger.coded_detail("missing_date", column=col["time"]))
    due = _when(raw_time, profile.zone)
    plan_id = str(_cell(values, col, "plan")) or None
    if plan_id is not None:
        if plan_id not in plans:
            try:
                PlanStore(ws).get(plan_id)
                plans[plan_id] = True
            except PlanError:
                plans[plan_id] = False
        if not plans[plan_id]:
            raise _Bad("unknown_plan", ledger.coded_detail("bulk_unknown_plan", value=plan_id))
    link = str(_cell(values, col, "link")) or None
    if link is not None:
        try:
            link = check_target(link)
        except PublishError as exc:
            raise _coded(exc, "bad_link") from None
    media = str(_cell(values, col, "media"))
    named = _media(ws, media, str(_cell(values, col, "alt")), base, actor) if media else []
    ids = [mid for mid, _ in named]
    return _Row(profile, due, body, ids, dict(named), link, plan_id)


def _with_link(body: str, link: str, short: str) -> str:
    """The text the composer makes of ``body`` and its ``link`` shortened to ``short``."""
    if link in body:
        return body.replace(link, short)
    body = body.rstrip()
    return f"{body}\n{short}" if body else short


def _queued_already(ws: Workspace, row: _Row) -> bool:
    """Whether this row's post (same profile, time and text) is in the queue, not cancelled."""
    with ws.connect() as conn:
        found = conn.execute(
            text(
                "SELECT text, link_code FROM publish_posts WHERE profile_id = :p AND due_at = :d "
                "AND state <> 'cancelled'"
            ),
            {"p": row.profile.profile_id, "d": row.due},
        ).fetchall()
    for stored, code in found:
        expected = _with_link(row.text, row.link, short_url(code)) if row.link else row.text
        if stored == expected:
            return True
    return False


def _check(ws: Workspace, row: _Row) -> None:
    """The composer's checks (limits counted the platform's way, banned words, alt text)."""
    [shown] = preview(
        ws,
        profiles=[row.profile.profile_id],
        text=row.text,
        media_ids=row.media_ids,
        link=row.link,
        plan_id=row.plan_id,
    )
    if not shown.problems:
        return
    first = shown.problems[0]
    code, params = first["code"], {"profile": row.profile.name, **first["params"]}
    if code == "publish.alt_required":
        stem = Path(str(params.get("file", ""))).stem
        detail = ledger.coded_detail("bulk_missing_alt", file=row.media_names.get(stem, stem))
        raise _Bad("missing_alt", detail)
    reason = "banned_word" if code == "composer.banned" else "over_limit"
    raise _coded(PublishError(code, **params), reason)


def _queue(ws: Workspace, row: _Row, actor: str, role: str) -> tuple[str, bool]:
    """Queue the row's post; (its group, whether it waits for review)."""
    need = needs_approval(ws, plan_id=row.plan_id, role=role)
    try:
        group, _posts = compose(
            ws,
            profiles=[row.profile.profile_id],
            text=row.text,
            at=row.due,
            media_ids=row.media_ids,
            link=row.link,
            plan_id=row.plan_id,
            draft=need > 0,  # checked above; submitted for review below
            actor=actor,
            role=role,
        )
    except PublishError as exc:
        raise _coded(exc, "not_allowed") from None
    if need:
        submit(ws, group, actor=actor)
    return group, need > 0


def bulk_schedule(ws: Workspace, path: Path, *, actor: str = "", role: str = "owner") -> BulkResult:
    """Schedule every good row of ``path`` and quarantine every bad one (see the module)."""
    path = Path(path)
    name = path.name[:200]
    needs_approval(ws, plan_id=None, role=role)  # may this role write posts at all
    sha = ledger.sha256_file(path)
    started = ledger.now()
    with open_source(path) as src:
        col = _locate(list(src.columns), name)
        records: list[RawRecord] = [r for batch in src.batches(1000) for r in batch]
        fmt, enc, delim = src.format, src.encoding or src.format, src.delimiter or src.format
    if not records:
        raise PublishError("bulk.no_rows", file=name)
    bad: list[ledger.QuarantineRow] = []
    seen: dict[tuple[str, str, str, str], int] = {}
    plans: dict[str, bool] = {}
    groups: list[str] = []
    in_review = duplicates = 0
    for rec in records:
        try:
            if rec.values is None:
                raise _Bad(rec.reason or "malformed", rec.detail or "")
            row = _read(ws, rec.values, col, path.parent, actor, plans)
            key = (row.profile.profile_id, row.due, row.text, row.link or "")
            if key in seen:
                raise _Bad("duplicate", ledger.coded_detail("duplicate", line=seen[key]))
            seen[key] = rec.line if rec.line is not None else rec.row + 1
            if _queued_already(ws, row):
                duplicates += 1
                continue
            _check(ws, row)
            group, review = _queue(ws, row, actor, role)
            groups.append(group)
            in_review += review
        except _Bad as b:
            bad.append((rec.row, b.reason, b.detail, rec.raw_text()))
    import_id = _record(
        ws, name, sha, started, (fmt, enc, delim), (actor, role), groups, duplicates, bad
    )
    reasons: dict[str, int] = {}
    for _row, reason, _detail, _raw in bad:
        reasons[reason] = reasons.get(reason, 0) + 1
    result = BulkResult(
        rows=len(records),
        scheduled=len(groups),
        quarantined=len(bad),
        group_ids=groups,
        import_id=import_id,
        in_review=in_review,
        duplicates=duplicates,
        file=name,
        encoding=enc,
        reasons=reasons,
    )
    assert result.rows == result.scheduled + result.duplicates + result.quarantined
    return result


def _record(
    ws: Workspace,
    name: str,
    sha: str,
    started: str,
    shape: tuple[str, str, str],
    who: tuple[str, str],
    groups: list[str],
    duplicates: int,
    bad: list[ledger.QuarantineRow],
) -> str:
    """The import in the ledger, with its quarantined rows, in one write transaction."""
    import_id = ledger.new_import_id("b")
    rows = len(groups) + duplicates + len(bad)
    with ws.begin() as tx:
        ledger.start(
            tx,
            import_id=import_id,
            stream=STREAM,
            source_path=name,
            sha256=sha,
            preset=STREAM,
            format=shape[0],
            encoding=shape[1],
            delimiter=shape[2],
            timezone=settings.get("timezone"),
            options={"actor": who[0], "role": who[1], "groups": groups},
            started_at=started,
        )
        ledger.quarantine(tx, sha, import_id, name, bad)
        ledger.add_counts(
            tx,
            import_id,
            rows_read=rows,
            imported=len(groups),
            duplicates=duplicates,
            rejected=len(bad),
            quarantined=len(bad),
        )
        rejects = [
            {"line": r, "reason": reason, "detail": ledger.detail_text(detail, "en")}
            for r, reason, detail, _raw in bad[:MAX_REJECTS_KEPT]
        ]
        ledger.finish(tx, import_id, "done", rejects=rejects)
    return import_id
