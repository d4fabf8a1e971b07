"""The listening report: one self-contained HTML file (inline SVG charts, inline CSS, no scripts,
no external resources) covering every analysis for a topic against its competitors, plus every
result table for XLSX/CSV export.

Each analysis runs through :func:`socialops.listen.analyses.run_analysis` and is shown through its
``*_tables`` (every :class:`~socialops.listen.scope.ResultTable` as an HTML table), with charts
for volume, share of voice, sentiment, association words and spikes. An analysis whose module is
not installed, or that reports a user-facing error, gets a note in its section; the rest of the
report is still written.

Post text, author names and topic names are written by strangers: every piece of text goes through
:func:`html.escape`, and the page carries a Content-Security-Policy that forbids scripts anyway.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from socialops import i18n
from socialops.errors import SettingsError, SocialopsError
from socialops.i18n.report import REPORT_LABELS
from socialops.listen import charts
from socialops.listen import volume as volume_mod
from socialops.listen.influencers import EMPTY_NOTE, NO_AUTHORS_NOTE
from socialops.listen.scope import DEFAULT_DAYS, ResultTable, Scope, count_rows

if TYPE_CHECKING:
    from socialops.listen.topics import Topic
    from socialops.store.analytics import AnalyticsStore

__all__ = [
    "LABELS",
    "REPORT_ANALYSES",
    "ReportData",
    "Section",
    "build_report",
    "cell_label",
    "column_label",
    "localized",
    "render_html",
    "table_title",
    "write_report",
]

REPORT_ANALYSES = (
    "volume",
    "sov",
    "sentiment",
    "assoc",
    "spikes",
    "issues",
    "influencers",
    "themes",
)
MAX_TABLE_ROWS = 30
FOLD_ROWS = 10  # table rows shown before "show the other rows"
FOLD_SPIKES = 5  # spikes shown before "show more"
MAX_POSTS = 3
MAX_WORDS = 15

# the report's labels by language, from the catalogue (socialops.i18n.report)
LABELS: dict[str, dict[str, str]] = {
    lang: {key: i18n.t(f"report.{key}", lang) for key in REPORT_LABELS} for lang in i18n.LANGS
}


def table_title(rt: ResultTable, lang: str) -> str:
    """A result table's title in ``lang`` from the catalogue (``report.table.<name>``); a table
    not in it keeps its analysis's own title."""
    key = f"report.table.{rt.name}"
    return i18n.t(key, lang) if i18n.has(key) else rt.title


def column_label(name: str, lang: str) -> str:
    """A result table's column heading in ``lang`` from the catalogue (``report.col.<name>``);
    a column not in it (a topic's name) is kept as it is."""
    key = f"report.col.{name}"
    return i18n.t(key, lang) if i18n.has(key) else name


def _value_key(table: str, column: str, value: Any) -> str | None:
    """The catalogue key of a coded cell value (a spike's kind, a topic's kind, a coverage
    reason), or None."""
    if not isinstance(value, str) or not value:
        return None
    if column == "kind":
        return f"spike.{value}" if table.startswith("spikes") else f"kind.{value}"
    if column == "reason":
        return f"coverage.{value}"
    return None


def cell_label(table: str, column: str, value: Any, lang: str) -> Any:
    """A cell as a reader of ``lang`` sees it: a coded value (``volume``, ``brand``, ``gap``)
    in words, any other value as it is."""
    key = _value_key(table, column, value)
    return i18n.t(key, lang) if key is not None and i18n.has(key) else value


def localized(rt: ResultTable, lang: str) -> ResultTable:
    """``rt`` as exported for a reader of ``lang``: its title, column headings and coded values
    from the catalogue (the XLSX sheet is named after the title)."""
    cols = rt.columns
    rows = [
        [cell_label(rt.name, c, v, lang) for c, v in zip(cols, row, strict=True)] for row in rt.rows
    ]
    return ResultTable(rt.name, table_title(rt, lang), [column_label(c, lang) for c in cols], rows)


# an analysis's own notes (English, in its JSON result) → the catalogue's words for them
_NOTES = {EMPTY_NOTE: "report.note.no_network", NO_AUTHORS_NOTE: "report.note.no_authors"}


def note_text(analysis: str, kind: str, note: str | dict[str, Any], lang: str) -> str | None:
    """How an analysis was made (its ``method``) or a note it left, in ``lang`` from the
    catalogue (``report.method.<analysis>``, ``report.note.*``); None when the catalogue has no
    words for it (the report then shows it as it is)."""
    if kind == "method" and isinstance(note, dict) and i18n.has(f"report.method.{analysis}"):
        return i18n.t(f"report.method.{analysis}", lang, **note)
    if isinstance(note, str) and note in _NOTES:
        return i18n.t(_NOTES[note], lang)
    return None


COVERAGE_REASONS: dict[str, dict[str, str]] = {  # socialops.listen.spikes coverage reasons
    lang: {
        r: i18n.t(f"coverage.{r}", lang) for r in ("gap", "partial", "before_first", "level_shift")
    }
    for lang in i18n.LANGS
}


@dataclass
class Section:
    """One analysis in the report: its JSON result and tables, or why there are none."""

    name: str
    result: dict[str, Any] | None = None
    tables: list[ResultTable] = field(default_factory=list)
    unavailable: str | None = None  # module not importable yet
    error: str | None = None  # a user-facing error from the analysis
    seconds: float = 0.0  # how long the analysis and its tables took


@dataclass
class ReportData:
    topics: list[Topic]
    scope: Scope
    counts: dict[str, int]
    warnings: list[str]
    sections: dict[str, Section]
    tz: ZoneInfo
    generated_at: datetime
    order: list[str] = field(default_factory=list)  # the workspace's topics: their colours
    latest: bool = False  # no range was given: the topics' latest activity is shown

    def summary_rows(self) -> list[dict[str, Any]]:
        sov = {r["topic"]: r for r in _results(self.sections.get("sov"))}
        sent = {r["topic"]: r for r in _results(self.sections.get("sentiment"))}
        rows = []
        for t in self.topics:
            s = sent.get(t.name, {})
            rows.append(
                {
                    "topic": t.name,
                    "kind": t.kind,
                    "mentions": self.counts.get(t.name, 0),
                    "share": sov.get(t.name, {}).get("share"),
                    "positive": s.get("positive"),
                    "neutral": s.get("neutral"),
                    "negative": s.get("negative"),
                    "net_sentiment": s.get("net_sentiment"),
                    "pct_diff": s.get("pct_diff"),
                }
            )
        return rows

    def summary_table(self) -> ResultTable:
        cols = ["topic", "kind", "mentions", "share", "positive", "neutral", "negative"]
        return ResultTable.of(
            "summary",
            "Summary",
            self.summary_rows(),
            [*cols, "net_sentiment", "pct_diff"],
        )

    def all_tables(self) -> list[ResultTable]:
        """The summary, then every table of every analysis that ran, in report order."""
        out = [self.summary_table()]
        for s in self.sections.values():
            out.extend(s.tables)
        return out


def _results(section: Section | None) -> list[dict[str, Any]]:
    if section is None or section.result is None:
        return []
    res = section.result.get("results")
    return [r for r in res if isinstance(r, dict)] if isinstance(res, list) else []


# -- running ------------------------------------------------------------------------------------
def build_report(
    store: AnalyticsStore,
    scope: Scope,
    topics: Sequence[Topic],
    *,
    analyses: Sequence[str] = REPORT_ANALYSES,
    tz: ZoneInfo | None = None,
) -> ReportData:
    """Run every analysis for ``topics`` (the report's topic first, then its competitors).

    A :class:`~socialops.errors.DataError` when the range holds no posts or no topic matches
    any post in it; a warning per topic without matches.
    """
    from socialops import settings
    from socialops.listen.analyses import ANALYSES, check_matches, run_analysis, tables_of
    from socialops.listen.scope import default_scope, resolve
    from socialops.listen.topics import list_topics

    topics = list(topics)
    # no range given: the topics' latest activity (an explicit range wins)
    latest = not (scope.start or scope.end)
    scope = default_scope(store, scope, topics)
    latest = latest and scope.start is not None
    scope = resolve(store, scope)
    counts, warnings = check_matches(store, scope, topics)
    t0 = time.perf_counter()
    shared = {"volume", "sov", "sentiment"} & set(analyses)
    rows = count_rows(store, scope, topics) if shared else None  # one scan for all three
    rows_seconds = time.perf_counter() - t0
    sections: dict[str, Section] = {}
    for name in analyses:
        sec = Section(name)
        sections[name] = sec
        try:
            ANALYSES[name].load()
        except (ImportError, AttributeError) as exc:
            sec.unavailable = str(exc)
            continue
        options: dict[str, Any] = {}
        if ANALYSES[name].module == "socialops.listen.volume" and rows is not None:
            options["rows"] = rows
        t0 = time.perf_counter()
        try:
            sec.result = run_analysis(name, store, scope, topics, **options)
            sec.tables = tables_of(name, sec.result)
        except SocialopsError as exc:
            sec.error = exc.message
        sec.seconds = round(time.perf_counter() - t0 + (rows_seconds if name == "volume" else 0), 3)
    return ReportData(
        topics,
        scope,
        counts,
        warnings,
        sections,
        tz or settings.default_timezone(store.ws.zone()),
        datetime.now(UTC),
        [t.name for t in list_topics(store.ws)],
        latest,
    )


# -- formatting ---------------------------------------------------------------------------------
_ISO_TS = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$")


def _e(v: object) -> str:
    return escape(str(v), quote=True)


def local_time(value: Any, tz: ZoneInfo) -> Any:
    """A timestamp (aware datetime, or ISO text with an offset) as local ``YYYY-MM-DD HH:MM``;
    anything else unchanged."""
    if isinstance(value, datetime):
        dt = value if value.tzinfo else value.replace(tzinfo=UTC)
        return dt.astimezone(tz).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, str) and _ISO_TS.match(value):
        try:
            dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return value
        return dt.astimezone(tz).strftime("%Y-%m-%d %H:%M")
    return value


def fmt(value: Any, tz: ZoneInfo, width: int = 160) -> str:
    """A cell as escaped HTML text: thousands separators, short floats, local times."""
    value = local_time(value, tz)
    if value is None:
        return "–"
    if isinstance(value, bool):
        return _e(str(value).lower())
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.4g}" if abs(value) < 1 else f"{value:,.2f}"
    if isinstance(value, list | tuple):
        items = [fmt(v, tz, 40) for v in value[:10]]
        return ", ".join(items) + (" …" if len(value) > 10 else "")
    if isinstance(value, dict):
        return ", ".join(f"{_e(k)}: {fmt(v, tz, 40)}" for k, v in list(value.items())[:6])
    text = " ".join(str(value).split())
    if len(text) > width:
        text = text[: width - 1] + "…"
    return _e(text)


def _num(v: Any) -> str:
    if v is None:
        return "–"
    if isinstance(v, float):
        return f"{v:,.4g}" if abs(v) < 1 else f"{v:,.2f}"
    return f"{v:,}" if isinstance(v, int) else _e(v)


# -- generic digging into results of analyses written elsewhere -----------------------------------
_WORD_KEYS = ("word", "term", "keyword", "lemma", "token")
_SCORE_KEYS = ("score", "llr", "g2", "log_likelihood", "pmi", "npmi", "lift", "count", "posts")
_POST_LIST_KEYS = ("examples", "posts", "example_posts", "sample_posts", "top_posts")


def _word_of(d: dict[str, Any]) -> str | None:
    for k in _WORD_KEYS:
        if isinstance(d.get(k), str):
            return str(d[k])
    return None


def _score_of(d: dict[str, Any]) -> tuple[str, float] | None:
    for k in _SCORE_KEYS:
        v = d.get(k)
        if isinstance(v, int | float) and not isinstance(v, bool):
            return k, float(v)
    return None


def _is_words(val: Any) -> bool:
    return (
        isinstance(val, list)
        and bool(val)
        and all(isinstance(x, dict) for x in val)
        and _word_of(val[0]) is not None
    )


def _word_lists(item: dict[str, Any]) -> list[tuple[str, list[dict[str, Any]]]]:
    """``(key, words)`` for each list of word records in ``item`` (also one level down)."""
    out: list[tuple[str, list[dict[str, Any]]]] = []
    for key, val in item.items():
        if _is_words(val):
            out.append((key, val))
        elif isinstance(val, dict):
            out.extend((f"{key}.{k2}", v2) for k2, v2 in val.items() if _is_words(v2))
    return out


def _posts_of(obj: dict[str, Any]) -> list[dict[str, Any]]:
    for k in _POST_LIST_KEYS:
        v = obj.get(k)
        if isinstance(v, list):
            return [
                p if isinstance(p, dict) else {"text": p}
                for p in v
                if isinstance(p, dict | str) and (not isinstance(p, dict) or "text" in p)
            ]
    return []


def _find(obj: Any, keys: Iterable[str], depth: int = 4) -> list[dict[str, Any]]:
    """Every dict under ``obj`` that has all of ``keys``."""
    need = set(keys)
    out: list[dict[str, Any]] = []
    if depth < 0:
        return out
    if isinstance(obj, dict):
        if need <= obj.keys():
            out.append(obj)
            return out
        for v in obj.values():
            out.extend(_find(v, need, depth - 1))
    elif isinstance(obj, list):
        for v in obj:
            out.extend(_find(v, need, depth - 1))
    return out


# -- HTML ---------------------------------------------------------------------------------------
_CSS = """
body{font-family:"Malgun Gothic","Apple SD Gothic Neo","Noto Sans KR","Noto Sans CJK KR",
NanumGothic,sans-serif;margin:24px auto;max-width:1040px;color:#222;line-height:1.45;
word-break:keep-all;overflow-wrap:break-word}
h1{font-size:24px;margin-bottom:4px}h2{font-size:19px;border-bottom:2px solid #ddd;
padding-bottom:4px;margin-top:36px}h3{font-size:15px;margin:18px 0 6px}
table{border-collapse:collapse;font-size:12px;margin:8px 0 4px}
th,td{border:1px solid #ddd;padding:3px 6px;text-align:left;vertical-align:top}
td.n{text-align:right;white-space:nowrap}th{background:#f4f4f4}
.meta{color:#555;font-size:13px}.note{color:#666;font-size:12px}
.warn{background:#fff6e0;border-left:4px solid #e0a000;padding:6px 10px;margin:8px 0}
.empty{background:#f4f4f4;padding:8px 12px;color:#555}
.post{border-left:3px solid #ccc;margin:6px 0;padding:2px 10px;font-size:13px}
.post .by{color:#666;font-size:11px}.grid{display:flex;flex-wrap:wrap;gap:12px}
.kpis{display:flex;flex-wrap:wrap;gap:10px;margin:10px 0}
.kpi{border:1px solid #ddd;border-radius:4px;padding:6px 12px;min-width:140px}
.kpi b{display:block;font-size:20px}nav a{margin-right:10px;font-size:13px}
svg.chart{max-width:100%;height:auto;display:block;margin:6px 0}
details.more>summary{cursor:pointer;color:#2457c5;margin:6px 0}
"""
_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


class _Html:
    def __init__(self, data: ReportData, lang: str) -> None:
        self.d = data
        self.lang = lang
        self.L = LABELS[lang]
        self.parts: list[str] = []

    def add(self, *html: str) -> None:
        self.parts.extend(html)

    def empty(self, msg: str) -> None:
        self.add(f'<p class="empty">{_e(msg)}</p>')

    def chart(self, svg: str) -> None:
        self.add(svg) if svg else self.empty(self.L["no_chart"])

    def table(self, rt: ResultTable) -> None:
        rt = localized(rt, self.lang)
        title = rt.title
        self.add(f"<h3>{_e(title)}</h3>")
        if not rt.rows:
            self.empty(self.L["no_rows"])
            return
        head = "".join(f"<th>{_e(c)}</th>" for c in rt.columns)
        self.add(f"<table><thead><tr>{head}</tr></thead><tbody>")
        for i, row in enumerate(rt.rows[:MAX_TABLE_ROWS]):
            if i == FOLD_ROWS:  # the rest folded: a table of its own under "show more"
                rest = i18n.t("fold.rows", self.lang, n=len(rt.rows[FOLD_ROWS:MAX_TABLE_ROWS]))
                self.add("</tbody></table>", f'<details class="more"><summary>{_e(rest)}</summary>')
                self.add(f"<table><thead><tr>{head}</tr></thead><tbody>")
            cells = []
            for v in row:
                num = isinstance(v, int | float) and not isinstance(v, bool)
                cells.append(
                    f'<td class="n">{fmt(v, self.d.tz)}</td>'
                    if num
                    else f"<td>{fmt(v, self.d.tz)}</td>"
                )
            self.add("<tr>", *cells, "</tr>")
        self.add("</tbody></table>")
        if len(rt.rows) > FOLD_ROWS:
            self.add("</details>")
        if len(rt.rows) > MAX_TABLE_ROWS:
            more = self.L["more_rows"].format(n=f"{len(rt.rows) - MAX_TABLE_ROWS:,}")
            self.add(f'<p class="note">{_e(more)}</p>')

    def posts(self, posts: Sequence[dict[str, Any]], limit: int = MAX_POSTS) -> None:
        if not posts:
            return
        self.add(f'<p class="note">{_e(self.L["examples"])}</p>')
        for p in posts[:limit]:
            text = " ".join(str(p.get("text") or "").split())
            if len(text) > 400:
                text = text[:399] + "…"
            by = [
                p.get("author_handle") or p.get("author") or p.get("author_id"),
                local_time(p.get("created_at"), self.d.tz) or p.get("day"),
                p.get("platform"),
                p.get("sentiment"),
            ]
            meta = " · ".join(_e(x) for x in by if x not in (None, ""))
            self.add(f'<div class="post">{_e(text)}<div class="by">{meta}</div></div>')

    # -- sections --
    def section(self, key: str) -> None:
        self.add(f'<section id="{key}"><h2>{_e(self.L[key])}</h2>')
        sec = self.d.sections.get(key)
        if sec is None:
            pass
        elif sec.unavailable is not None:
            self.add(f'<p class="empty">{_e(self.L["unavailable"])}: {_e(sec.unavailable)}</p>')
        elif sec.error is not None:
            self.add(f'<p class="warn">{_e(self.L["failed"])}: {_e(sec.error)}</p>')
        else:
            assert sec.result is not None
            for note_key in ("method", "note", "notes"):
                note = sec.result.get(note_key)
                if isinstance(note, str | dict) and note:
                    said = note_text(key, note_key, note, self.lang)
                    text = (
                        _e(said)
                        if said is not None
                        else "; ".join(f"{_e(k)}: {fmt(v, self.d.tz)}" for k, v in note.items())
                        if isinstance(note, dict)
                        else _e(note)
                    )
                    self.add(f'<p class="note">{text}</p>')
            special = getattr(self, f"_{key}", None)
            if special is not None:
                special(sec.result)
            else:
                self._generic_posts(sec.result)
            for w in sec.result.get("warnings") or []:
                self.add(f'<p class="warn">{_e(w)}</p>')
            for i, rt in enumerate(sec.tables):
                if i == 1:  # the section's first table shown, the others folded
                    more = i18n.t("fold.tables", self.lang, n=len(sec.tables) - 1)
                    self.add(f'<details class="more"><summary>{_e(more)}</summary>')
                self.table(rt)
            if len(sec.tables) > 1:
                self.add("</details>")
        self.add("</section>")

    def summary(self) -> None:
        d, L = self.d, self.L
        names = ", ".join(t.name for t in d.topics)
        self.add(f'<section id="summary"><h2>{_e(L["summary"])}</h2>')
        self.add('<p class="meta">')
        self.add(f"<b>{_e(L['topics'])}</b>: {_e(names)}<br>")
        self.add(f"<b>{_e(L['range'])}</b>: {_e(d.scope.start)} – {_e(d.scope.end)} · ")
        if d.latest:  # which range this is, when none was asked for
            days = DEFAULT_DAYS.get(d.scope.every, 30)
            self.add(f"{_e(i18n.t('range.latest_short', self.lang, days=days))} · ")
        self.add(f"<b>{_e(L['every'])}</b>: {_e(L.get(d.scope.every, d.scope.every))} · ")
        self.add(f"<b>{_e(L['zone'])}</b>: {_e(d.tz.key)}<br>")
        gen = d.generated_at.astimezone(d.tz).strftime("%Y-%m-%d %H:%M")
        self.add(f"<b>{_e(L['generated'])}</b>: {_e(gen)}</p>")
        if d.warnings:
            for w in d.warnings:
                self.add(f'<p class="warn">{_e(L["warnings"])}: {_e(w)}</p>')
        vol = d.sections.get("volume")
        total_all = vol.result.get("all_posts", {}).get("total") if vol and vol.result else None
        self.add('<div class="kpis">')
        if total_all is not None:
            self.add(f'<div class="kpi">{_e(L["all_posts"])}<b>{_num(total_all)}</b></div>')
        for r in d.summary_rows():
            share = f" · {_e(L['share'])} {_num(r['share'])}%" if r["share"] is not None else ""
            net = f"{L['net']} {_num(r['net_sentiment'])}" if r["net_sentiment"] is not None else ""
            self.add(
                f'<div class="kpi">{_e(r["topic"])}<b>{_num(r["mentions"])}</b>'
                f'<span class="note">{_e(L["mentions"])}{share}<br>{_e(net)}</span></div>'
            )
        self.add("</div>")
        self.table(d.summary_table())
        self.add(f'<p class="note">{_e(L["sov_formula"])}; {_e(L["net_formula"])}</p>')
        self.add("</section>")

    def _style(self) -> dict[str, Any]:
        """A topic's colour as on the dashboard; the time axis in the report's language."""
        return {"order": self.d.order, "lang": self.lang}

    def _periods(self, result: dict[str, Any]) -> list[str]:
        p = result.get("periods")
        return [str(x) for x in p] if isinstance(p, list) else []

    def _volume(self, result: dict[str, Any]) -> None:
        series = [(r["topic"], r["series"]) for r in result["results"]]
        self.chart(
            charts.line_chart(
                self._periods(result), series, title=self.L["volume"], **self._style()
            )
            if any(r["total"] for r in result["results"])
            else ""
        )
        notes = volume_mod.undated_notes(result, lambda k, **p: i18n.t(k, self.lang, **p))
        for note in notes:
            self.add(f'<p class="warn">{_e(note)}</p>')

    def _sov(self, result: dict[str, Any]) -> None:
        res = result["results"]
        names = [r["topic"] for r in res]
        self.add(f"<h3>{_e(self.L['sov_chart'])}</h3>")
        self.chart(
            charts.stacked_bars(
                [self.L["total"]],
                [(r["topic"], [r["mentions"]]) for r in res],
                title=self.L["sov_chart"],
                order=self.d.order,
            )
        )
        self.add(f"<h3>{_e(self.L['sov_period'])}</h3>")
        series = [(n, [c["share"] for c in r["series"]]) for n, r in zip(names, res, strict=True)]
        self.chart(
            charts.line_chart(
                self._periods(result),
                series,
                title=self.L["sov_period"],
                y_min=0,
                y_max=100,
                unit="%",
                **self._style(),
            )
        )

    def _sentiment(self, result: dict[str, Any]) -> None:
        res = result["results"]
        self.add(f"<h3>{_e(self.L['share_chart'])}</h3>")
        segs = [(self.L[s], [r[s] for r in res]) for s in ("positive", "neutral", "negative")]
        self.chart(
            charts.stacked_bars(
                [r["topic"] for r in res],
                segs,
                title=self.L["share_chart"],
                colors=[charts.SENTIMENT_COLORS[s] for s in ("positive", "neutral", "negative")],
            )
        )
        self.add(f"<h3>{_e(self.L['net_period'])}</h3>")
        series = [(r["topic"], [c["net_sentiment"] for c in r["series"]]) for r in res]
        self.chart(
            charts.line_chart(
                self._periods(result),
                series,
                title=self.L["net_period"],
                y_min=-1,
                y_max=1,
                **self._style(),
            )
        )

    def _word_title(self, key: str) -> tuple[str, str]:
        k = key.lower()
        if "neg" in k:
            return self.L["negative_words"], charts.SENTIMENT_COLORS["negative"]
        if "pos" in k:
            return self.L["positive_words"], charts.SENTIMENT_COLORS["positive"]
        return self.L["words"] if k in ("words", "assoc", "associations") else key, charts.PALETTE[
            0
        ]

    def _assoc(self, result: dict[str, Any]) -> None:
        items = [r for r in result.get("results") or [] if isinstance(r, dict)]
        for item in items:
            lists = _word_lists(item)
            if not lists:
                continue
            self.add(f"<h3>{_e(item.get('topic', ''))}</h3>")
            self.add('<div class="grid">')
            for key, words in lists:
                title, color = self._word_title(key)
                bars: list[tuple[str, float]] = []
                label = ""
                for w in words[:MAX_WORDS]:
                    sc = _score_of(w)
                    word = _word_of(w)
                    if sc is not None and word is not None:
                        label = sc[0]
                        bars.append((word, sc[1]))
                self.add(f"<div><b>{_e(title)}</b>")
                self.chart(charts.hbar_chart(bars, title=title, color=color, value_label=label))
                self.add("</div>")
            self.add("</div>")
            # the words' example posts, folded under the charts
            examples = i18n.t("fold.examples", self.lang)
            self.add(f'<details class="more"><summary>{_e(examples)}</summary>')
            for key, words in lists:
                shown = [w for w in words[:5] if _posts_of(w)]
                for w in shown[:3]:
                    self.add(f"<p><b>{_e(_word_of(w))}</b> ({_e(self._word_title(key)[0])})</p>")
                    self.posts(_posts_of(w), 2)
            self.posts(_posts_of(item))
            self.add("</details>")

    def _spikes(self, result: dict[str, Any]) -> None:
        spikes = _find(result.get("results"), ("topic", "start", "kind"))
        real = [s for s in spikes if s.get("kind") != "coverage"]
        coverage = [s for s in spikes if s.get("kind") == "coverage"]
        periods = self._periods(result)
        vol = self.d.sections.get("volume")
        if vol and vol.result and not periods:
            periods = self._periods(vol.result)
        if vol and vol.result and periods == self._periods(vol.result):
            series = [(r["topic"], r["series"]) for r in vol.result["results"]]
            idx = {n: i for i, (n, _) in enumerate(series)}
            pidx = {p: i for i, p in enumerate(periods)}
            marks = []
            for s in real:
                key = str(s.get("start"))[: len(periods[0])] if periods else ""
                if s["topic"] in idx and key in pidx:
                    kind = cell_label("spikes", "kind", s.get("kind"), self.lang)
                    tip = f"{s['topic']} · {kind} · {s.get('start')} · {s.get('score')}"
                    marks.append((idx[s["topic"]], pidx[key], tip))
            if real:
                self.chart(
                    charts.line_chart(
                        periods, series, title=self.L["spikes"], markers=marks, **self._style()
                    )
                )
        if not real:
            self.empty(self.L["no_spikes"])
        for i, s in enumerate(real[:20]):
            if i == FOLD_SPIKES:
                more = i18n.t("fold.more", self.lang, n=len(real[:20]) - FOLD_SPIKES)
                self.add(f'<details class="more"><summary>{_e(more)}</summary>')
            launch = (
                f" · {i18n.t('coverage.launch', self.lang)}" if s.get("reason") == "launch" else ""
            )
            head = (
                f"{s['topic']} · {cell_label('spikes', 'kind', s.get('kind'), self.lang)}{launch}"
                f" · {local_time(s.get('start'), self.d.tz)}"
                f" – {local_time(s.get('end'), self.d.tz)}"
            )
            self.add(f"<h3>{_e(head)} ({_e(self.L['score'])} {_num(s.get('score'))})</h3>")
            words = s.get("words") or []
            shown = [
                (_word_of(w) or "") if isinstance(w, dict) else str(w) for w in words[:MAX_WORDS]
            ]
            if shown:
                self.add(f"<p>{_e(self.L['spike_words'])}: {_e(', '.join(shown))}</p>")
            self.posts(_posts_of(s))
        if len(real[:20]) > FOLD_SPIKES:
            self.add("</details>")
        if coverage:
            self.add(f"<h3>{_e(self.L['coverage'])}</h3><ul>")
            for s in coverage:
                text = (
                    f"{s['topic']}: {local_time(s.get('start'), self.d.tz)} – "
                    f"{local_time(s.get('end'), self.d.tz)}"
                )
                reason = s.get("reason")
                detail = COVERAGE_REASONS[self.lang].get(reason or "", reason or "")
                detail = detail or s.get("detail") or s.get("note") or ""
                line = f"{text} ({detail})" if detail else text
                self.add(f"<li>{_e(line)}</li>")
            self.add("</ul>")

    def _generic_posts(self, result: dict[str, Any]) -> None:
        """Example posts of the first few result items (issues, themes, influencers...)."""
        items = [r for r in result.get("results") or [] if isinstance(r, dict)]
        shown = 0
        for item in items:
            posts = _posts_of(item)
            if not posts:
                continue
            label = item.get("label") or item.get("theme") or item.get("topic") or ""
            words = item.get("words") or item.get("top_words")
            if isinstance(words, list):
                top = [str(_word_of(w) if isinstance(w, dict) else w) for w in words[:8]]
                label = f"{label} ({', '.join(top)})"
            self.add(f"<p><b>{_e(label)}</b></p>")
            self.posts(posts, 2)
            shown += 1
            if shown >= 6:
                break

    def render(self) -> str:
        L, d = self.L, self.d
        title = f"{L['title']}: {d.topics[0].name}" if d.topics else L["title"]
        self.add(
            "<!DOCTYPE html>",
            f'<html lang="{self.lang}"><head><meta charset="utf-8">',
            f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{_e(title)}</title><style>{_CSS}</style></head><body>",
            f"<h1>{_e(title)}</h1>",
            "<nav>",
            *(
                f'<a href="#{k}">{_e(L[k])}</a>'
                for k in ("summary", *[s for s in REPORT_ANALYSES if s in d.sections])
            ),
            "</nav>",
        )
        self.summary()
        for key in REPORT_ANALYSES:
            if key in d.sections:
                self.section(key)
        self.add("</body></html>")
        return "\n".join(self.parts)


def render_html(data: ReportData, lang: str = "ko") -> str:
    """The report as one self-contained HTML page in ``lang`` (ko or en)."""
    if lang not in LABELS:
        raise SettingsError(code="config.doc_lang", value=lang)
    return _Html(data, lang).render()


def write_report(
    data: ReportData,
    out: str | Path,
    *,
    lang: str = "ko",
    xlsx: str | Path | None = None,
    csv_dir: str | Path | None = None,
) -> dict[str, Any]:
    """Write the HTML (and the XLSX / CSV exports); each file atomically. Returns what was
    written."""
    from socialops.errors import InputFileError
    from socialops.listen.export import atomic_write, write_csv_dir, write_xlsx

    html = render_html(data, lang)
    tables = [localized(t, lang) for t in data.all_tables()]
    written: dict[str, Any] = {"html": str(out), "tables": len(tables)}
    if xlsx is not None:
        written["xlsx"] = str(xlsx)
        written["sheets"] = write_xlsx(tables, xlsx)
    if csv_dir is not None:
        written["csv"] = [str(p) for p in write_csv_dir(tables, csv_dir)]
    try:
        with atomic_write(Path(out), "w", encoding="utf-8") as fh:
            fh.write(html)
    except OSError as exc:
        raise InputFileError(
            code="report.write_failed", path=out, detail=exc.strerror or str(exc)
        ) from exc
    written["seconds"] = {s.name: s.seconds for s in data.sections.values() if s.result}
    written["unavailable"] = [s.name for s in data.sections.values() if s.unavailable]
    written["failed"] = [s.name for s in data.sections.values() if s.error]
    return written
