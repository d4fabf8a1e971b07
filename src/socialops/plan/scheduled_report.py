"""What a scheduled report says (:mod:`socialops.plan.schedules` sends it), in Korean or English.

- A plan's report: each KPI target against its actual as of the period's last day
  (:func:`socialops.plan.actuals.plan_vs_actual`: cumulative since the campaign started, with
  pacing), and — when the workspace holds outcome series (sales, orders…) that begin before the
  campaign — the campaign's effect on each (the counterfactual of
  :mod:`socialops.measure.effect`: its verdict in words and its chart). An estimate that cannot
  be made (too short a pre-period, a gap) is named with its reason, never shown as a number.
- A topic's report: the listening report (:func:`socialops.listen.report.build_report`) over
  the period's days; the e-mail's HTML is that report, its text a one-paragraph summary.

Both are written to the workspace's reports list (``<workspace>/reports/web/``, the shape the
web's reports page reads: an HTML file and a JSON description with the same id); the id comes
from the schedule and the period, so a run taken over after a crash rewrites the same report.
"""

from __future__ import annotations

import hashlib
import html as _html
import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from socialops.domain.kpis import LIBRARY
from socialops.errors import SocialopsError
from socialops.i18n import fmt_number, t
from socialops.listen.export import atomic_write

if TYPE_CHECKING:
    from socialops.store.workspace import Workspace

__all__ = [
    "MAX_EFFECT_METRICS",
    "ScheduledReport",
    "build_scheduled_report",
    "effect_sections",
    "reports_folder",
    "write_to_reports",
]

MAX_EFFECT_METRICS = 3  # effect estimates per plan report (each takes a second or two)


class Schedule(Protocol):
    """What a report needs of its schedule (:class:`socialops.plan.schedules.Schedule`)."""

    schedule_id: str
    kind: str
    ref: str
    cadence: str
    zone: str
    created_by: str


_CSS = (
    "body{font-family:-apple-system,'Malgun Gothic','Apple SD Gothic Neo',sans-serif;"
    "color:#222;max-width:860px;margin:24px auto;padding:0 16px}"
    "table{border-collapse:collapse;width:100%;margin:12px 0}"
    "th,td{border-bottom:1px solid #ddd;padding:6px 8px;text-align:left}"
    "td.n{text-align:right;font-variant-numeric:tabular-nums}"
    ".off_track{color:#b00020}.ahead{color:#1b7f3b}.muted{color:#777;font-size:90%}"
)


@dataclass
class ScheduledReport:
    """One report in one language: the e-mail's subject, text and HTML, and what the reports
    list shows (``title``: the plan's name or the topic)."""

    kind: str  # plan | topic
    title: str
    lang: str
    start: date
    end: date
    subject: str
    text: str
    html: str
    data: Any = None  # the listening ReportData (topic reports: written with its XLSX)
    extra: dict[str, Any] = field(default_factory=dict)


def reports_folder(ws: Workspace) -> Path:
    """``<workspace>/reports/web``: the folder the web's reports list reads."""
    return ws.root / "reports" / "web"


def _esc(value: Any) -> str:
    return _html.escape(str(value))


def _page(title: str, body: str, lang: str) -> str:
    return (
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
        f"<title>{_esc(title)}</title><style>{_CSS}</style></head><body>{body}"
        f'<p class="muted">{_esc(t("sched_report.footer", lang))}</p></body></html>'
    )


def _num(value: float | None, unit: str, lang: str) -> str:
    if value is None:
        return "–"
    if unit == "percent":
        return f"{fmt_number(value, lang, 2)} %"
    digits = 0 if abs(value) >= 100 or float(value).is_integer() else 2
    return fmt_number(value, lang, digits)


# -- the plan's report --------------------------------------------------------------------------


def effect_sections(
    ws: Workspace, start: date, end: date, lang: str, cache: dict[str, Any] | None = None
) -> list[dict[str, Any]]:
    """The campaign's effect on each outcome series that starts before ``start`` (at most
    :data:`MAX_EFFECT_METRICS`): ``{metric, verdict, svg, lift_rel, ci_low, ci_high,
    p_effect}``, or ``{metric, skipped}`` with the reason in ``lang``. Empty when the
    workspace holds no outcome data."""
    from socialops.measure.outcomes import list_outcomes

    out: list[dict[str, Any]] = []
    series = [
        o
        for o in list_outcomes(ws)
        if not o.get("dimension")
        and str(o.get("first") or "9999") < start.isoformat()
        and str(o.get("last") or "") >= start.isoformat()
    ]
    if not series:
        return out
    # lazy: the counterfactual model (statsmodels) loads only when there are outcomes
    from socialops.measure import effect

    done: dict[str, Any] = {} if cache is None else cache.setdefault("effects", {})
    for o in series[:MAX_EFFECT_METRICS]:
        metric = str(o["metric"])
        try:
            if metric not in done:  # estimated once per run, whatever the languages
                try:
                    done[metric] = effect.effect_from_outcomes(ws, metric, start=start, end=end)
                except SocialopsError as exc:
                    done[metric] = exc
            if isinstance(done[metric], SocialopsError):
                raise done[metric]
            result = done[metric]
            d = result.to_dict()
            out.append(
                {
                    "metric": metric,
                    "verdict": effect.verdict_text(result, lang),
                    "svg": effect.effect_svg(result, lang),
                    **{k: d.get(k) for k in ("lift_abs", "lift_rel", "ci_low", "ci_high")},
                    "p_effect": d.get("p_effect"),
                }
            )
        except SocialopsError as exc:
            out.append({"metric": metric, "skipped": exc.text(lang)})
    return out


def _plan_report(
    ws: Workspace, s: Schedule, start: date, end: date, lang: str, cache: dict[str, Any]
) -> ScheduledReport:
    from socialops.plan.actuals import plan_vs_actual
    from socialops.plan.labels import label
    from socialops.plan.store import PlanStore

    if "plan" not in cache:  # the figures once, whatever the languages
        cache["plan"] = plan = PlanStore(ws).get(s.ref)
        cache["actuals"] = plan_vs_actual(ws, plan, today=end)
    plan, actuals = cache["plan"], cache["actuals"]
    key = "sched_report.plan.subject_daily" if s.cadence == "daily" else "sched_report.plan.subject"
    subject = t(key, lang, name=plan.name, start=start.isoformat(), end=end.isoformat())
    period = t("sched_report.period", lang, start=start, end=end, zone=s.zone)
    lines = [subject, period, ""]
    body = [f"<h1>{_esc(plan.name)}</h1><p>{_esc(period)}</p>"]
    if actuals.period == "not_started":
        note = t("sched_report.not_started", lang, start=plan.start.isoformat())
        lines.append(note)
        body.append(f"<p>{_esc(note)}</p>")
    elif not actuals.rows:
        lines.append(t("sched_report.no_kpis", lang))
        body.append(f"<p>{_esc(t('sched_report.no_kpis', lang))}</p>")
    else:
        heading = t("sched_report.kpis", lang, as_of=actuals.as_of.isoformat())
        cols = ("kpi", "target", "expected", "actual", "pacing", "status")
        head = "".join(f"<th>{_esc(t('sched_report.col.' + c, lang))}</th>" for c in cols)
        rows = []
        lines.append(heading)
        for r in actuals.rows:
            kpi = LIBRARY[r.kpi]
            name = kpi.name_en if lang == "en" else kpi.name_ko
            where = " / ".join(x for x in (r.channel, r.topic) if x)
            name = f"{name} ({where})" if where else name
            status = label("kpi_status." + r.status, lang)
            pacing = "–" if r.pacing is None else f"{r.pacing * 100:.0f} %"
            cells = (
                _num(r.target, r.unit, lang),
                _num(r.expected_to_date, r.unit, lang),
                _num(r.actual, r.unit, lang),
                pacing,
            )
            lines.append(f"- {name}: {cells[2]} / {cells[0]} ({pacing}, {status})")
            tds = "".join(f'<td class="n">{_esc(c)}</td>' for c in cells)
            rows.append(
                f'<tr><td>{_esc(name)}</td>{tds}<td class="{r.status}">{_esc(status)}</td></tr>'
            )
        body.append(f"<h2>{_esc(heading)}</h2><table><tr>{head}</tr>{''.join(rows)}</table>")
    effects = (
        []
        if actuals.period == "not_started"
        else effect_sections(ws, plan.start, min(plan.end, end), lang, cache)
    )
    for e in effects:
        title = t("sched_report.effect", lang, metric=e["metric"])
        if "skipped" in e:
            note = t("sched_report.effect_skipped", lang, metric=e["metric"], reason=e["skipped"])
            lines += ["", note]
            body.append(f"<p>{_esc(note)}</p>")
            continue
        lines += ["", title, str(e["verdict"])]
        body.append(f"<h2>{_esc(title)}</h2><p>{_esc(e['verdict'])}</p>{e['svg']}")
    lines += ["", t("sched_report.footer", lang)]
    return ScheduledReport(
        kind="plan",
        title=plan.name,
        lang=lang,
        start=start,
        end=end,
        subject=subject,
        text="\n".join(lines),
        html=_page(subject, "".join(body), lang),
        extra={
            "actuals": actuals.to_dict(),
            "effects": [{k: v for k, v in e.items() if k != "svg"} for e in effects],
        },
    )


# -- the topic's report -------------------------------------------------------------------------


def _topic_report(
    ws: Workspace, s: Schedule, start: date, end: date, lang: str, cache: dict[str, Any]
) -> ScheduledReport:
    from socialops.listen.report import build_report, render_html
    from socialops.listen.scope import Scope
    from socialops.listen.topics import resolve_topics
    from socialops.store.analytics import open_store

    if "data" not in cache:  # the analyses once, whatever the languages
        topics = resolve_topics(ws, [s.ref])
        with open_store(ws, "duckdb") as store:
            cache["data"] = build_report(store, Scope(start, end, "day"), topics)
    data = cache["data"]
    topics = data.topics
    subject = t(
        "sched_report.topic.subject", lang, name=s.ref, start=start.isoformat(), end=end.isoformat()
    )
    posts = fmt_number(data.counts.get(topics[0].name, 0), lang)
    summary = t("sched_report.topic.summary", lang, name=s.ref, posts=posts)
    period = t("sched_report.period", lang, start=start, end=end, zone=s.zone)
    text = "\n".join([subject, period, "", summary, "", t("sched_report.footer", lang)])
    return ScheduledReport(
        kind="topic",
        title=topics[0].name,
        lang=lang,
        start=start,
        end=end,
        subject=subject,
        text=text,
        html=render_html(data, lang),
        data=data,
    )


def build_scheduled_report(
    ws: Workspace,
    s: Schedule,
    start: date,
    end: date,
    lang: str,
    cache: dict[str, Any] | None = None,
) -> ScheduledReport:
    """The report of schedule ``s`` over the local days ``start``..``end`` in ``lang``;
    ``cache`` (one dict per run) keeps the figures between the languages of one run."""
    lang = "en" if lang == "en" else "ko"
    cache = {} if cache is None else cache
    if s.kind == "plan":
        return _plan_report(ws, s, start, end, lang, cache)
    return _topic_report(ws, s, start, end, lang, cache)


def report_id(s: Schedule, due: datetime) -> str:
    """The id of the report of ``s``'s run due at ``due``: the same after a crash and retry
    (the reports list's pattern: ``YYYYMMDDTHHMMSSZ-<8 hex>``)."""
    tag = hashlib.sha256(f"{s.schedule_id}\0{due.isoformat()}".encode()).hexdigest()[:8]
    return due.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ") + "-" + tag


def write_to_reports(
    ws: Workspace, s: Schedule, report: ScheduledReport, due: datetime
) -> tuple[str, bool]:
    """Write ``report`` to the reports list (HTML, the topic report's XLSX, the JSON
    description last); ``(id, written now)`` — an id already there is kept as it is."""
    folder = reports_folder(ws)
    rid = report_id(s, due)
    if (folder / f"{rid}.json").is_file():
        return rid, False
    folder.mkdir(parents=True, exist_ok=True)
    files = ["html"]
    extra: dict[str, Any] = {}
    if report.data is not None:
        from socialops.listen.report import write_report

        files.append("xlsx")
        written = write_report(
            report.data, folder / f"{rid}.html", lang=report.lang, xlsx=folder / f"{rid}.xlsx"
        )
        extra = {"unavailable": written.get("unavailable", []), "failed": written.get("failed", [])}
    else:
        with atomic_write(folder / f"{rid}.html", "w", encoding="utf-8") as fh:
            fh.write(report.html)
    meta = {
        "id": rid,
        "topic": report.title,
        "vs": [],
        "from": report.start.isoformat(),
        "to": report.end.isoformat(),
        "every": "day",
        "lang": report.lang,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "by": s.created_by or "socialops",
        "files": files,
        "schedule": s.schedule_id,
        "kind": report.kind,
        **extra,
    }
    with atomic_write(folder / f"{rid}.json", "w", encoding="utf-8") as fh:
        json.dump(meta, fh, ensure_ascii=False)
    return rid, True
