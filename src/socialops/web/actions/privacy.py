"""Personal-data requests and retention rules in the web (owners only: ``privacy.requests``):
one function per request, shared by the page (``/w/{ws}/privacy``) and the API, and the audit
log's side of a request (:class:`AccountsAudit`, which the CLI uses too).

Each request is recorded twice, never with the personal data itself: in the audit log (who,
from where, the counts; the subject as the workspace's salted hash) and in the workspace's
``privacy_log``."""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from sqlalchemy import text

from socialops.engage import privacy, retention
from socialops.engage.privacy import Findings, Subject
from socialops.web.accounts import Accounts
from socialops.web.actions.base import Actor

__all__ = [
    "ACTION",
    "AccountsAudit",
    "apply_retention",
    "erase",
    "export_zip",
    "find",
    "log",
    "retention_rules",
    "set_retention",
]

ACTION = "privacy.requests"


def _like(needle: str) -> str:
    return "%" + needle.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


class AccountsAudit:
    """The audit entries of one workspace that name a subject (its contact ids or handles in
    the entry's target or details)."""

    def __init__(self, accounts: Accounts, workspace: str) -> None:
        self.accounts = accounts
        self.workspace = workspace

    def _where(self, needles: list[str]) -> tuple[str, dict[str, Any]]:
        params: dict[str, Any] = {"ws": self.workspace}
        ors = []
        for i, n in enumerate(needles):
            params[f"n{i}"] = _like(n)
            ors.append(
                f"lower(COALESCE(target, '')) LIKE :n{i} ESCAPE '\\' OR "
                f"lower(COALESCE(detail, '')) LIKE :n{i} ESCAPE '\\'"
            )
        return f"workspace = :ws AND ({' OR '.join(ors)})", params

    def entries(self, needles: list[str]) -> list[dict[str, Any]]:
        if not needles:
            return []
        where, params = self._where(needles)
        with self.accounts.connect() as conn:
            rows = conn.execute(
                text(
                    f"SELECT at, email, action, target, detail FROM audit WHERE {where} ORDER BY at"
                ),
                params,
            ).mappings()
            return [dict(r) for r in rows]

    def erase(self, needles: list[str], replacement: str) -> int:
        """Replace every mention of ``needles`` in the matching entries by ``replacement``
        (the subject's salted hash); how many entries were changed."""
        if not needles:
            return 0
        where, params = self._where(needles)
        variants = sorted({v for n in needles for v in (n, n.lower(), "@" + n)}, key=len)
        with self.accounts.begin() as conn:
            privacy.secure_delete(conn)
            ids = [r[0] for r in conn.execute(text(f"SELECT id FROM audit WHERE {where}"), params)]
            for entry in ids:
                for v in reversed(variants):  # the longest first ("@name" before "name")
                    conn.execute(
                        text(
                            "UPDATE audit SET target = REPLACE(target, :n, :r), "
                            "detail = REPLACE(detail, :n, :r) WHERE id = :id"
                        ),
                        {"n": v, "r": replacement, "id": entry},
                    )
        privacy.checkpoint(self.accounts.connect)
        return len(ids)


def _subject(actor: Actor, ws: str, contact: str | None, handle: str | None) -> tuple[Any, Subject]:
    access = actor.access(ws, ACTION)
    workspace = actor.services.workspace(ws)
    contact = (contact or "").strip() or None
    handle = (handle or "").strip() or None
    return access, privacy.resolve_subject(workspace, contact=contact, handle=handle)


def _audit(actor: Actor, access: Any, what: str, subject: Subject, found: Findings) -> None:
    workspace = actor.services.workspace(access.workspace)
    counts = {k: v for k, v in found.counts.items() if v}
    actor.audit(
        access,
        what,
        privacy.subject_hash(workspace, subject.ref),
        total=found.total,
        counts=counts,
        dry_run=found.dry_run or None,
    )


def find(actor: Actor, ws: str, contact: str | None, handle: str | None) -> Findings:
    """Counts per place of what the workspace holds about one person."""
    access, subject = _subject(actor, ws, contact, handle)
    workspace = actor.services.workspace(ws)
    found = privacy.find(workspace, subject, AccountsAudit(actor.accounts, ws))
    privacy.log_request(workspace, "find", subject, actor.user.email, found.counts)
    _audit(actor, access, "privacy.find", subject, found)
    return found


def export_zip(actor: Actor, ws: str, contact: str | None, handle: str | None) -> bytes:
    """A ZIP of ``subject.json`` and a CSV per place (UTF-8 with BOM)."""
    access, subject = _subject(actor, ws, contact, handle)
    workspace = actor.services.workspace(ws)
    found = privacy.find(workspace, subject, AccountsAudit(actor.accounts, ws), rows=True)
    buf = io.BytesIO()
    with tempfile.TemporaryDirectory(prefix="socialops-privacy-") as tmp:
        written = privacy.export(found, Path(tmp))
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            for p in written:
                zf.write(p, p.name)
    privacy.log_request(workspace, "export", subject, actor.user.email, found.counts)
    _audit(actor, access, "privacy.export", subject, found)
    return buf.getvalue()


def erase(
    actor: Actor, ws: str, contact: str | None, handle: str | None, *, dry_run: bool = False
) -> Findings:
    """Erase (anonymise) everything about one person; the counts found (and erased)."""
    access, subject = _subject(actor, ws, contact, handle)
    workspace = actor.services.workspace(ws)
    found = privacy.erase(
        workspace,
        subject,
        AccountsAudit(actor.accounts, ws),
        actor=actor.user.email,
        dry_run=dry_run,
    )
    if not dry_run:
        actor.services.changed(ws)  # cached analyses and pages showed the erased posts
    _audit(actor, access, "privacy.erase", subject, found)
    return found


def retention_rules(actor: Actor, ws: str) -> dict[str, int]:
    actor.access(ws, ACTION)
    return retention.rules(actor.services.workspace(ws))


def set_retention(actor: Actor, ws: str, kind: str, days: int) -> dict[str, int]:
    access = actor.access(ws, ACTION)
    out = retention.set_rule(actor.services.workspace(ws), kind, days, actor.user.email)
    actor.audit(access, "retention.set", kind, days=days)
    return out


def apply_retention(actor: Actor, ws: str) -> dict[str, int]:
    access = actor.access(ws, ACTION)
    out = retention.apply(actor.services.workspace(ws), actor=actor.user.email)
    if any(out.values()):
        actor.services.changed(ws)
    actor.audit(access, "retention.apply", "", **{k: v for k, v in out.items() if v})
    return out


def log(actor: Actor, ws: str, limit: int = 20) -> list[dict[str, Any]]:
    actor.access(ws, ACTION)
    return privacy.recent_log(actor.services.workspace(ws), limit)
