"""Listening reports made in the web workspace (permission ``reports.create``): the HTML
report, its XLSX tables and a JSON description under ``<workspace>/reports/web/``."""

from __future__ import annotations

import json
import secrets
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from socialops.errors import TopicError
from socialops.i18n import LANGS
from socialops.listen.export import atomic_write
from socialops.listen.report import build_report, write_report
from socialops.listen.topics import resolve_topics
from socialops.web.actions.base import Actor
from socialops.web.services import Services, scope_of

__all__ = ["create_report", "reports_dir"]


def reports_dir(services: Services, ws: str) -> Path:
    return services.workspace(ws).root / "reports" / "web"


def create_report(
    actor: Actor,
    ws: str,
    topic: str,
    others: list[str],
    *,
    date_from: str | None,
    date_to: str | None,
    every: str,
    lang: str,
) -> dict[str, Any]:
    """Run every listening analysis for ``topic`` against ``others`` and write the report in
    ``lang``: its description (``id``, topics, range, files…)."""
    access = actor.access(ws, "reports.create")
    if lang not in LANGS:
        raise TopicError(code="config.doc_lang", value=lang)
    if not topic.strip():
        raise TopicError(code="reports.no_topics")
    svc = actor.services
    folder = reports_dir(svc, ws)
    rid = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ") + "-" + secrets.token_hex(4)
    topics = resolve_topics(svc.workspace(ws), [topic, *others])
    scope = scope_of(date_from, date_to, every)
    with svc.store(ws) as store:
        data = build_report(store, scope, topics)
    folder.mkdir(parents=True, exist_ok=True)
    written = write_report(data, folder / f"{rid}.html", lang=lang, xlsx=folder / f"{rid}.xlsx")
    meta = {
        "id": rid,
        "topic": topics[0].name,
        "vs": [tp.name for tp in topics[1:]],
        "from": data.scope.start.isoformat() if data.scope.start else None,
        "to": data.scope.end.isoformat() if data.scope.end else None,
        "every": data.scope.every,
        "lang": lang,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "by": actor.user.email,
        "files": ["html", "xlsx"],
        "unavailable": written.get("unavailable", []),
        "failed": written.get("failed", []),
    }
    with atomic_write(folder / f"{rid}.json", "w", encoding="utf-8") as fh:
        json.dump(meta, fh, ensure_ascii=False)
    actor.audit(
        access,
        "report.create",
        rid,
        topic=meta["topic"],
        vs=meta["vs"],
        range=f"{meta['from']}..{meta['to']}",
    )
    return meta
