"""The Segments actions of the web, shared by the pages and the API: saved segments (list, show,
delete, save from model scores), RFM segments from transactions, response by attribute, the
targeting model (train, score), and audience files for ad platforms with their history.

Reading needs ``measure.view``; building, saving and deleting ``segments.manage``; an audience
file ``audience.export`` (owners and managers: it is made from personal data, hashed as each
platform says, and :func:`socialops.segment.audience.export_audience` records who made it).
Every change is written to the workspace's audit log."""

from __future__ import annotations

import csv
import os
import re
import secrets
import shutil
from pathlib import Path
from typing import IO, Any

from socialops.errors import SocialopsError
from socialops.i18n import t
from socialops.segment import attributes as attributes_mod
from socialops.segment import audience as audience_mod
from socialops.segment import rfm as rfm_mod
from socialops.segment import store as store_mod
from socialops.segment import targeting as targeting_mod
from socialops.segment import transactions as transactions_mod
from socialops.store.private import private_dir
from socialops.store.workspace import Workspace
from socialops.web.actions.base import Actor
from socialops.web.actions.measure import rows_table
from socialops.web.actions.measure_io import (
    Analysis,
    NotFoundError,
    Table,
    columns_of,
    need,
    uploaded,
    words,
)

__all__ = [
    "FORMATS",
    "MEMBERS_SHOWN",
    "attributes_upload",
    "delete",
    "export",
    "exports",
    "models",
    "rfm_stored",
    "rfm_upload",
    "score_upload",
    "segment",
    "segments",
    "train_upload",
]

FORMATS = ("meta", "google", "kakao-moment", "naver-gfa")
ATTRIBUTE_COLUMNS = ["attribute", "band", "n", "positives", "rate", "ci_low", "ci_high", "lift",
                     "lift_low", "lift_high", "p_adj", "significant"]  # fmt: skip
MEMBERS_SHOWN = 50  # members listed on a segment's page (ids and scores: no identifiers)
SCORES_KEPT = 200_000  # scored rows kept for the download


def _db(actor: Actor, ws: str, action: str) -> Workspace:
    actor.access(ws, action)
    return actor.services.workspace(ws)


def _found(exc: SocialopsError) -> SocialopsError:
    """A segment or model that is not here as 404 (another workspace's looks the same)."""
    if exc.code.endswith("not_found") or exc.code.endswith("unknown_model"):
        return NotFoundError(code=exc.code, **exc.params)
    return exc


# -- saved segments -----------------------------------------------------------------------------
def segments(actor: Actor, ws: str) -> list[dict[str, Any]]:
    """Every saved segment (``SegmentInfo.to_dict()``), by name."""
    db = _db(actor, ws, "measure.view")
    return [s.to_dict() for s in store_mod.list_segments(db)]


def segment(
    actor: Actor, ws: str, name: str, limit: int = MEMBERS_SHOWN
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """A segment and its first ``limit`` members (customer id, score, attributes; never the
    identifiers)."""
    db = _db(actor, ws, "measure.view")
    store = store_mod
    try:
        info = store.get_segment(db, name).to_dict()
        members: list[dict[str, Any]] = []
        for m in store.segment_members(db, name):
            if len(members) >= limit:
                break
            members.append(
                {"customer_id": m.customer_id, "score": m.score, "attributes": m.attributes}
            )
    except SocialopsError as exc:
        raise _found(exc) from None
    return info, members


def delete(actor: Actor, ws: str, name: str) -> None:
    access = actor.access(ws, "segments.manage")
    try:
        store_mod.delete_segment(actor.services.workspace(ws), name)
    except SocialopsError as exc:
        raise _found(exc) from None
    actor.audit(access, "segments.delete", name)


# -- RFM ---------------------------------------------------------------------------------------
SUMMARY_COLUMNS = ["segment", "name", "count", "share", "revenue", "revenue_share",
                   "mean_recency_days", "mean_frequency", "mean_monetary"]  # fmt: skip
CUSTOMER_COLUMNS = ["customer_id", "recency_days", "frequency", "monetary", "r", "f", "m",
                    "segment"]  # fmt: skip


def _rfm_analysis(actor: Actor, ws: str, lang: str, result: Any, save: str) -> Analysis:
    """An RFM result for the pages and the API (each segment saved as ``save/<segment>`` when
    ``save`` is given: the CLI's ``--save``)."""
    data = result.to_dict()
    summary = [
        {**row, "name": row.get(f"name_{lang}") or row.get("name_en")}
        for row in data.get("summary") or []
    ]
    if save:
        access = actor.access(ws, "segments.manage")
        saved = rfm_mod.save_rfm_segments(
            actor.services.workspace(ws), result, save, created_by=actor.user.email
        )
        data["saved"] = [s["name"] for s in saved]
        actor.audit(access, "segments.save", save, segments=len(saved), kind="rfm")
    names = {row["segment"]: row["name"] for row in summary}
    customers = [
        {**c, "name": names.get(c["segment"], c["segment"])}
        for c in result.customers.select(CUSTOMER_COLUMNS).to_pylist()
    ]
    caveats = [
        words({**c, "code": f"segment_rfm.caveat.{c['code']}"}, lang)
        for c in data.get("caveats") or []
    ]
    return Analysis(
        kind="rfm",
        data=data,
        tables=[
            rows_table("summary", summary, SUMMARY_COLUMNS),
            rows_table("customers", customers, [*CUSTOMER_COLUMNS, "name"]),
        ],
        summary=[
            (t("mweb.col.customers", lang), f"{int(data.get('customer_count') or 0):,}"),
            (t("mweb.col.transactions", lang), f"{int(data.get('transactions') or 0):,}"),
            (t("mweb.col.as_of", lang), str(data.get("as_of", ""))),
        ],
        caveats=caveats,
    )


def rfm_upload(
    actor: Actor,
    ws: str,
    lang: str,
    filename: str | None,
    fileobj: IO[bytes] | Any,
    *,
    preset: str | None = None,
    save: str = "",
) -> Analysis:
    """RFM scores and named segments from an uploaded transactions file (``preset``: e.g.
    ``cdnow``; else by column names); ``save``: the prefix to save each segment under."""
    db = _db(actor, ws, "segments.manage")
    mod = rfm_mod
    with uploaded(db.root, filename, fileobj) as path:
        result = mod.rfm(path, preset=preset or None)
    return _rfm_analysis(actor, ws, lang, result, save.strip())


def rfm_stored(actor: Actor, ws: str, lang: str, *, save: str = "") -> Analysis:
    """RFM on the transactions imported into the workspace (``segment/transactions/``)."""
    db = _db(actor, ws, "segments.manage")
    table = transactions_mod.load_transactions(db)
    result = rfm_mod.rfm(table)
    return _rfm_analysis(actor, ws, lang, result, save.strip())


# -- attributes and the targeting model ----------------------------------------------------------
def attributes_upload(
    actor: Actor,
    ws: str,
    lang: str,
    filename: str | None,
    fileobj: IO[bytes] | Any,
    *,
    target: str,
    positive: str | None = None,
    columns: list[str] | str | None = None,
) -> Analysis:
    """The response rate and lift of each attribute band or value of a customer table."""
    db = _db(actor, ws, "segments.manage")
    mod = attributes_mod
    cols = columns_of(columns) or None
    with uploaded(db.root, filename, fileobj) as path:
        data = dict(
            mod.attribute_segments(
                path, target=need(target, "target"), positive=positive or None, columns=cols
            )
        )
    rows = [
        {
            "attribute": a.get("column"),
            "band": g.get(f"label_{lang}") or g.get("value"),
            **{k: g.get(k) for k in ATTRIBUTE_COLUMNS[2:]},
        }
        for a in data.get("attributes") or []
        for g in a.get("groups") or []
    ]
    overall = "–" if data.get("rate") is None else f"{float(data['rate']) * 100:.1f}%"
    return Analysis(
        kind="attributes",
        data=data,
        tables=[rows_table("attributes", rows, ATTRIBUTE_COLUMNS)],
        summary=[
            (t("mweb.col.rows", lang), f"{int(data.get('rows') or 0):,}"),
            (t("mweb.col.rate", lang), overall),
        ],
        caveats=[words(c, lang) for c in data.get("caveats") or []],
    )


def models(actor: Actor, ws: str) -> list[dict[str, Any]]:
    db = _db(actor, ws, "measure.view")
    found = targeting_mod.list_models(db)
    return [m if isinstance(m, dict) else m.to_dict() for m in found]


def train_upload(
    actor: Actor,
    ws: str,
    lang: str,
    filename: str | None,
    fileobj: IO[bytes] | Any,
    *,
    target: str,
    positive: str | None = None,
    name: str | None = None,
) -> Analysis:
    """Train the propensity model on a customer table with responses (kept in the workspace as
    JSON); its held-out AUC and the attributes that drive it."""
    access = actor.access(ws, "segments.manage")
    db = actor.services.workspace(ws)
    mod = targeting_mod
    with uploaded(db.root, filename, fileobj) as path:
        data = dict(
            mod.train_model(
                db,
                path,
                target=need(target, "target"),
                positive=positive or None,
                name=name or None,
                actor=actor.user.email,
            )
        )
    actor.audit(access, "segments.model_train", str(data.get("name", "")), auc=data.get("auc"))
    top = [r for r in data.get("top_attributes") or [] if isinstance(r, dict)]
    auc = data.get("auc")
    return Analysis(
        kind="model",
        data=data,
        tables=[
            rows_table("top_attributes", top),
            rows_table("calibration", data.get("calibration") or []),
        ],
        summary=[
            (t("mweb.col.name", lang), str(data.get("name", ""))),
            (t("mweb.col.auc", lang), "–" if auc is None else f"{float(auc):.3f}"),
            (t("mweb.col.rows", lang), f"{int(data.get('rows') or 0):,}"),
        ],
        caveats=[words(c, lang) for c in data.get("caveats") or []],
    )


def score_upload(
    actor: Actor,
    ws: str,
    lang: str,
    filename: str | None,
    fileobj: IO[bytes] | Any,
    *,
    model: str,
    save_as: str = "",
    min_score: float | None = None,
    id_col: str = "customer_id",
) -> Analysis:
    """Score a customer file with a saved model (its columns plus ``score``, a calibrated
    probability: the download), and save those scoring at least ``min_score`` as the segment
    ``save_as`` (``segment save NAME --from-scores``)."""
    access = actor.access(ws, "segments.manage" if save_as else "measure.run")
    db = actor.services.workspace(ws)
    mod = targeting_mod
    out = private_dir(db.root / "uploads") / f"scores-{secrets.token_hex(6)}.csv"
    try:
        with uploaded(db.root, filename, fileobj) as path:
            try:
                data = dict(mod.score_file(db, path, model=need(model, "model"), out=out))
                # the file's name as sent, never where it lay on the server
                data["file"], data["out"] = filename or "upload", ""
            except SocialopsError as exc:
                raise _found(exc) from None
        table = _read_scores(out)
        if save_as:
            store = store_mod
            info = store.save_from_scores(
                db,
                save_as,
                out,
                min_score=0.5 if min_score is None else min_score,
                id_col=id_col or "customer_id",
                created_by=actor.user.email,
            )
            data["saved"] = info.to_dict()
            actor.audit(access, "segments.save", info.name, size=info.size, kind="scores")
    finally:
        out.unlink(missing_ok=True)
    saved = data.get("saved")
    note = (
        t(
            "mweb.model.scored",
            lang,
            rows=data.get("rows", 0),
            min_score=saved["definition"].get("min_score"),
            kept=saved["size"],
            name=saved["name"],
        )
        if saved
        else t("mweb.model.scored_only", lang, rows=data.get("rows", 0))
    )
    return Analysis(kind="scores", data=data, tables=[table], note=note)


def _read_scores(path: Path) -> Table:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader, [])
        rows: list[list[Any]] = []
        for row in reader:
            if len(rows) >= SCORES_KEPT:
                break
            rows.append(list(row))
    return Table("scores", header, rows, raw=True)


# -- audience files -----------------------------------------------------------------------------
def export(
    actor: Actor, ws: str, name: str, fmt: str, *, country: str = "KR"
) -> tuple[bytes, str, dict[str, Any]]:
    """The segment ``name`` as an audience file in ``fmt`` (identifiers normalised and hashed
    as the platform says; the raw values never leave): the file's bytes, its name, and the
    export's record (rows, skipped by reason, sha256) as :func:`export_audience` kept it, with
    the caller as the one who exported it. The file is written in a private folder of the
    workspace's uploads (named after this server process: a crash leaves nothing that the next
    start does not remove) and removed once read."""
    access = actor.access(ws, "audience.export")
    db = actor.services.workspace(ws)
    mod = audience_mod
    suffix = str(getattr(mod.get_format(fmt), "suffix", ".csv"))
    folder = private_dir(db.root / "uploads" / f"{os.getpid()}-{secrets.token_hex(4)}-audience")
    out = folder / f"{_safe(name)}-{fmt}{suffix}"
    try:
        try:
            record = dict(
                mod.export_audience(db, name, fmt, out, actor=actor.user.email, country=country)
            )
        except SocialopsError as exc:
            raise _found(exc) from None
        data = out.read_bytes()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    actor.audit(access, "segments.audience_export", name, format=fmt, rows=record.get("rows"))
    return data, out.name, record


def _safe(name: str) -> str:
    """A segment's name as a file name (``cdnow/champions`` → ``cdnow_champions``)."""
    return re.sub(r"[^\w.-]+", "_", name).strip("._")[:80] or "segment"


def exports(actor: Actor, ws: str) -> list[dict[str, Any]]:
    """Every audience export (who, what, when, how many rows, the file's SHA-256)."""
    db = _db(actor, ws, "measure.view")
    found = audience_mod.audience_exports(db)
    return [e if isinstance(e, dict) else e.to_dict() for e in found]
