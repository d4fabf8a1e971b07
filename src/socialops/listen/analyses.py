"""The listening analyses by name: what ``socialops listen ANALYSIS`` and the report run.

Each analysis is ``fn(store, scope, topics, **options) -> dict`` (JSON-ready, with keys
``analysis``, ``scope``, ``topics`` and ``results``) and has a ``tables(result)`` function that
flattens it into :class:`~socialops.listen.scope.ResultTable` rows for the terminal and for
CSV/XLSX export. Modules load lazily, so the CLI starts fast.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from socialops.errors import DataError, SettingsError
from socialops.i18n import default_lang, render
from socialops.listen.scope import Scope, topic_posts
from socialops.store.analytics import fetch_arrow

if TYPE_CHECKING:
    from socialops.listen.scope import ResultTable
    from socialops.listen.topics import Topic
    from socialops.store.analytics import AnalyticsStore

__all__ = [
    "ANALYSES",
    "Analysis",
    "check_matches",
    "match_counts",
    "no_match_warnings",
    "run_analysis",
    "tables_of",
]


@dataclass(frozen=True)
class Analysis:
    name: str
    module: str
    function: str
    tables: str
    help: str

    def load(self) -> tuple[Callable[..., dict[str, Any]], Callable[..., list[ResultTable]]]:
        mod = importlib.import_module(self.module)
        return getattr(mod, self.function), getattr(mod, self.tables)


ANALYSES: dict[str, Analysis] = {
    a.name: a
    for a in (
        Analysis(
            "volume",
            "socialops.listen.volume",
            "volume",
            "volume_tables",
            "mentions per period per topic",
        ),
        Analysis(
            "sov", "socialops.listen.volume", "sov", "sov_tables", "share of voice among brands"
        ),
        Analysis(
            "sentiment",
            "socialops.listen.volume",
            "sentiment",
            "sentiment_tables",
            "sentiment shares and net sentiment",
        ),
        Analysis(
            "assoc",
            "socialops.listen.assoc",
            "assoc",
            "assoc_tables",
            "association words (연관어) and sentiment words",
        ),
        Analysis(
            "spikes",
            "socialops.listen.spikes",
            "spikes",
            "spikes_tables",
            "volume and negative spikes, coverage changes",
        ),
        Analysis(
            "issues",
            "socialops.listen.themes",
            "issues",
            "issues_tables",
            "recurring negative issues",
        ),
        Analysis(
            "influencers",
            "socialops.listen.influencers",
            "influencers",
            "influencers_tables",
            "influential authors by engagement and network",
        ),
        Analysis(
            "themes",
            "socialops.listen.themes",
            "themes",
            "themes_tables",
            "posts grouped into labelled themes; complaint reasons",
        ),
    )
}


def _get(name: str) -> Analysis:
    try:
        return ANALYSES[name]
    except KeyError:
        raise SettingsError(code="analysis.unknown", name=name, choices=list(ANALYSES)) from None


def run_analysis(
    name: str,
    store: AnalyticsStore,
    scope: Scope,
    topics: Sequence[Topic],
    **options: Any,
) -> dict[str, Any]:
    fn, _ = _get(name).load()
    out: dict[str, Any] = fn(store, scope, list(topics), **options)
    if isinstance(out.get("scope"), dict):  # the zone of the local days and hours
        out["scope"]["zone"] = store.ws.zone()
    return out


def tables_of(name: str, result: dict[str, Any]) -> list[ResultTable]:
    _, tables = _get(name).load()
    return tables(result)


def match_counts(store: AnalyticsStore, scope: Scope, topics: Sequence[Topic]) -> dict[str, int]:
    """How many posts in scope each topic matches (one scan)."""
    out: dict[str, int] = {}
    for tp, t in zip(topics, topic_posts(store, scope, topics), strict=True):
        out[tp.name] = int(fetch_arrow(t.aggregate(n=t.count())).column("n")[0].as_py() or 0)
    return out


def check_matches(
    store: AnalyticsStore, scope: Scope, topics: Sequence[Topic], lang: str | None = None
) -> tuple[dict[str, int], list[str]]:
    """Match counts, and a warning per topic without matches (in ``lang``, else
    ``SOCIALOPS_LANG``); a :class:`DataError` when none of the topics matches anything in
    scope."""
    counts = match_counts(store, scope, topics)
    if not any(counts.values()):
        names = ", ".join(counts)
        raise DataError(code="analysis.no_match", start=scope.start, end=scope.end, names=names)
    return counts, no_match_warnings([n for n, c in counts.items() if c == 0], scope, lang)


def no_match_warnings(names: Sequence[str], scope: Scope, lang: str | None = None) -> list[str]:
    """A warning per topic ``names`` that matches nothing in ``scope``, in ``lang`` (else
    ``SOCIALOPS_LANG``)."""
    lang = lang or default_lang()
    params = {"start": scope.start, "end": scope.end}
    return [render("analysis.topic_no_match", lang, {"name": n, **params}) for n in names]
