"""Listening → inbox: a negative spike of a tracked topic opens (or raises) a crisis case.

:func:`check_listening` looks at the spikes (:func:`socialops.listen.spikes.spikes`, the same
detector and thresholds as the alerts cron job, ``SOCIALOPS_ALERT_Z`` / ``_MIN_POSTS``) of the
last :data:`RECENT_DAYS` days up to ``now`` in the workspace zone, **by day**: a day is the
period the listening pages and the alerts use by default, its trailing baseline (14 days) is
steady for small topics where an hourly one (168 hours) is mostly zeros, and a crisis case is
worth opening for a surge that lasts, not for one noisy hour. Each spike whose kind is
``negative`` becomes a message of the conversation ``(source "listening", thread key
"<topic>:<first day>")``, received through :func:`socialops.engage.receive.receive` with the
remote id ``spike:<topic>:<first day>:<end>``:

- a new spike opens a conversation and its case; a spike that grew (a later end: another
  day flagged) adds a message to the same conversation, which reopens or raises its case;
- the case becomes ``urgent``, its crisis level the highest level of the running plan's policy
  whose structured trigger the spike meets (``min_mentions_per_hour``: the busiest day's
  mentions / 24; ``min_negative_share``: negative / all mentions over the spike's days, over at
  least ten mentions); none met: the policy's lowest level when it has levels, else no level;
- its team is the escalation rule's for ``crisis`` (a rule whose categories name ``crisis``,
  else one whose keyword is the topic or a word that drove the spike, else the ``complaint``
  rule), over the team triage's routing chose, while nobody has the case;
- one ``inbox_events`` row of kind ``crisis`` (the spike's figures) and a notification to the
  managers (``notify_inbox`` kind ``crisis``), in one transaction with the case change.

Idempotent: a spike already reported (its remote id in a ``crisis`` event of the
conversation) changes nothing on a rerun, and a run killed between the message and the case
change finishes it the next time. :func:`check_listening_due` is what the inbox worker calls:
at most every :data:`CHECK_EVERY_S` seconds per workspace (spikes run analytics queries).
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection
from sqlalchemy import text as sql

from socialops.domain.instants import iso_utc
from socialops.domain.plan import Policy
from socialops.engage.cases import current_case, on_customer_message
from socialops.engage.events import emit
from socialops.engage.notify import notify_inbox
from socialops.engage.periodic import record_turn, take_turn
from socialops.engage.receive import Incoming, receive
from socialops.engage.routing import Routing, running_policy
from socialops.engage.sla import dues_for
from socialops.errors import DataError
from socialops.i18n import t
from socialops.listen.alerts import thresholds
from socialops.listen.scope import Scope, count_rows, data_extent
from socialops.listen.spikes import DEFAULT_WINDOW, spikes
from socialops.listen.topics import Topic, list_topics
from socialops.store.analytics import open_store
from socialops.store.workspace import Workspace

__all__ = [
    "CHANNEL",
    "CHECK_EVERY_S",
    "RECENT_DAYS",
    "SOURCE",
    "CrisisCounts",
    "SpikeFigures",
    "check_listening",
    "check_listening_due",
    "crisis_level",
    "crisis_team",
    "recent_spikes",
]

SOURCE = "listening"
CHANNEL = "listening"
RECENT_DAYS = 7  # the days up to now a spike may end in (as the alerts' daily lookback)
CHECK_EVERY_S = 15 * 60.0
SETTING = "listening_check"  # inbox_settings: when the worker last checked, and what it found
MIN_FOR_SHARE = 10  # as routing: a share over fewer mentions says nothing
_HANGUL = re.compile(r"[\uac00-\ud7a3]")


@dataclass(frozen=True)
class CrisisCounts:
    opened: int = 0  # new crisis conversations (and cases)
    raised: int = 0  # spikes that grew: a message added to an existing one
    seen: int = 0  # negative spikes in the recent window

    def to_dict(self) -> dict[str, int]:
        return asdict(self)


@dataclass(frozen=True)
class SpikeFigures:
    """A negative spike of one topic, with the figures the crisis triggers read."""

    topic: str
    start: str  # first local day (YYYY-MM-DD)
    end: str  # the day after its last day (exclusive)
    mentions: int  # the topic's posts over the spike's days
    negative: int  # of which negative
    peak_per_hour: float  # the busiest day's mentions / 24
    baseline: float  # negative posts expected over those days
    words: tuple[str, ...]
    lang: str  # ko | en: the language its words and example posts are in

    @property
    def share(self) -> float:
        return self.negative / self.mentions if self.mentions else 0.0

    @property
    def remote_id(self) -> str:
        return f"spike:{self.topic}:{self.start}:{self.end}"

    @property
    def thread_key(self) -> str:
        return f"{self.topic}:{self.start}"

    def period(self) -> str:
        last = (date.fromisoformat(self.end) - timedelta(days=1)).isoformat()
        return self.start if last <= self.start else f"{self.start}–{last}"


def _aware(now: datetime | None) -> datetime:
    if now is None:
        return datetime.now(UTC)
    return now if now.tzinfo else now.replace(tzinfo=UTC)


def recent_spikes(
    ws: Workspace, topics: list[Topic], now: datetime, *, engine: str = "duckdb"
) -> list[SpikeFigures]:
    """The negative spikes of ``topics`` that end in the :data:`RECENT_DAYS` days up to
    ``now`` (local days of the workspace zone); none without dated posts in that window."""
    today = now.astimezone(ZoneInfo(ws.zone() or "Asia/Seoul")).date()
    since = today - timedelta(days=RECENT_DAYS - 1)
    z, min_posts = thresholds()
    with open_store(ws, engine) as store:
        extent = data_extent(store, Scope())
        if extent is None:
            return []
        lo, hi = extent
        end = min(hi, today)
        if end < since or end < lo:
            return []
        back = timedelta(days=2 * DEFAULT_WINDOW["day"] + 1)
        scope = Scope(max(lo, since - back), end, "day")
        result = spikes(store, scope, topics, z=z, min_count=min_posts, words=8, examples=3)
        rows = count_rows(store, scope, topics)
    column = {tp.name: i + 1 for i, tp in enumerate(topics)}
    out: list[SpikeFigures] = []
    for item in result["results"]:
        if item["kind"] != "negative" or item["end"] <= since.isoformat():
            continue
        days = [i for i, p in enumerate(rows.periods) if item["start"] <= p < item["end"]]
        vol = rows.series(column[item["topic"]])
        neg = rows.series(column[item["topic"]], "negative")
        texts = " ".join([*item["words"], *(str(p.get("text") or "") for p in item["posts"])])
        out.append(
            SpikeFigures(
                topic=item["topic"],
                start=item["start"],
                end=item["end"],
                mentions=sum(vol[i] for i in days),
                negative=sum(neg[i] for i in days),
                peak_per_hour=max((vol[i] for i in days), default=0) / 24,
                baseline=float(item["baseline"] or 0.0),
                words=tuple(item["words"]),
                lang="ko" if _HANGUL.search(texts) else "en",
            )
        )
    return out


def crisis_level(policy: Policy | None, fig: SpikeFigures) -> int | None:
    """The highest level whose structured trigger the spike meets; none met: the lowest level
    when the policy has levels; no policy or no levels: ``None``."""
    if policy is None or not policy.crisis_levels:
        return None
    best: int | None = None
    for c in sorted(policy.crisis_levels, key=lambda c: c.level):
        by_volume = (
            c.min_mentions_per_hour is not None and fig.peak_per_hour >= c.min_mentions_per_hour
        )
        by_share = (
            c.min_negative_share is not None
            and fig.mentions >= MIN_FOR_SHARE
            and fig.share >= c.min_negative_share
        )
        if by_volume or by_share:
            best = c.level
    return best if best is not None else min(c.level for c in policy.crisis_levels)


def crisis_team(policy: Policy | None, fig: SpikeFigures) -> str:
    """The team of the policy's crisis escalation (see the module), else ""."""
    if policy is None:
        return ""
    words = {w.casefold() for w in (fig.topic, *fig.words) if w}
    rules = policy.escalation
    for match in (
        lambda r: "crisis" in r.categories,
        lambda r: any(k and k.casefold() in words for k in r.keywords),
        lambda r: "complaint" in r.categories,
    ):
        rule = next((r for r in rules if r.team and match(r)), None)
        if rule is not None:
            return rule.team
    return ""


def _params(fig: SpikeFigures, lang: str) -> dict[str, Any]:
    return {
        "topic": fig.topic,
        "period": fig.period(),
        "mentions": f"{fig.mentions:,}",
        "negative": f"{fig.negative:,}",
        "share": f"{fig.share:.0%}",
        "baseline": f"{fig.baseline:,.0f}",
        "words": ", ".join(fig.words[:6]) or t("inbox.crisis.no_words", lang),
    }


def _reported(conn: Connection, conversation_id: str) -> set[str]:
    """The spike ids already reported in the conversation's ``crisis`` events."""
    rows = conn.execute(
        sql("SELECT detail FROM inbox_events WHERE kind = 'crisis' AND conversation_id = :c"),
        {"c": conversation_id},
    ).all()
    out: set[str] = set()
    for (detail,) in rows:
        try:
            spike = json.loads(detail or "{}").get("spike")
        except (ValueError, AttributeError):
            continue
        if spike:
            out.add(str(spike))
    return out


def _existing_conversation(ws: Workspace, thread_key: str) -> bool:
    with ws.connect() as conn:
        row = conn.execute(
            sql("SELECT 1 FROM conversations WHERE source = :s AND thread_key = :k"),
            {"s": SOURCE, "k": thread_key},
        ).first()
    return row is not None


def _report(ws: Workspace, fig: SpikeFigures, now: datetime) -> str:
    """Receive the spike's message and raise its case; "opened", "raised" or "" (reported
    before: nothing changed)."""
    lang = fig.lang
    key = "inbox.crisis.spike_grew" if _existing_conversation(ws, fig.thread_key) else ""
    got = receive(
        ws,
        Incoming(
            source=SOURCE,
            channel=CHANNEL,
            thread_key=fig.thread_key,
            remote_id=fig.remote_id,
            author_handle=f"topic:{fig.topic}",
            author_label=t("inbox.crisis.author", lang, topic=fig.topic),
            text=t(key or "inbox.crisis.spike", lang, **_params(fig, lang)),
            created_at=iso_utc(now),
            lang=lang,
        ),
    )
    at = iso_utc(now)
    with ws.begin() as conn:
        reported = _reported(conn, got.conversation_id)
        if fig.remote_id in reported:
            return ""
        case = current_case(conn, got.conversation_id)
        if case is None:  # receive always opens a case for a customer message
            return ""
        policy = running_policy(conn)
        level, team = crisis_level(policy, fig), crisis_team(policy, fig)
        routing = Routing(team="", priority="urgent", crisis_level=None, escalated=False)
        case, _reopened = on_customer_message(
            conn,
            case,
            channel=CHANNEL,
            at=case.last_customer_at or at,
            routing=routing,
            category=case.category,
        )
        sets: dict[str, Any] = {}
        if level is not None and (case.crisis_level or 0) < level:
            sets["crisis_level"] = level
        if case.first_response_at is None and not reported:  # a new case: urgent's dues
            dues = dues_for(
                conn,
                channel=CHANNEL,
                priority="urgent",
                opened_at=datetime.fromisoformat(case.opened_at),
            )
            sets |= {"first_response_due": dues.first_response, "resolution_due": dues.resolution}
        if team and team != case.team and not case.assignee:  # the crisis team over triage's
            sets["team"] = team
        if sets:
            assignments = ", ".join(f"{k} = :{k}" for k in sets)
            conn.execute(
                sql(f"UPDATE cases SET {assignments}, updated_at = :at WHERE case_id = :i"),
                {**sets, "at": at, "i": case.case_id},
            )
        if "team" in sets:
            conn.execute(
                sql("UPDATE conversations SET team = :t WHERE conversation_id = :c"),
                {"t": team, "c": got.conversation_id},
            )
            emit(
                conn,
                "assigned",
                conversation_id=got.conversation_id,
                case_id=case.case_id,
                at=at,
                assignee="",
                team=team,
                previous_team=case.team,
                auto=True,
            )
        shown = max(level or 0, case.crisis_level or 0) or None
        figures = _params(fig, "en")
        emit(
            conn,
            "crisis",
            conversation_id=got.conversation_id,
            case_id=case.case_id,
            at=at,
            level=shown,
            source=SOURCE,
            spike=fig.remote_id,
            topic=fig.topic,
            start=fig.start,
            end=fig.end,
            mentions=fig.mentions,
            negative=fig.negative,
            share=round(fig.share, 4),
            words=list(fig.words),
        )
        params = {
            "level": shown or "",
            "topic": fig.topic,
            "period": figures["period"],
            "share": figures["share"],
            "case": case.case_id,
        }
        notify_inbox(
            conn,
            "crisis",
            users=["role:manager"],
            key="inbox.crisis.alert" if shown else "inbox.crisis.alert_no_level",
            params=params,
            link=f"/inbox/c/{got.conversation_id}",
        )
    return "raised" if reported else "opened"


def check_listening(
    ws: Workspace, now: datetime | None = None, *, engine: str = "duckdb"
) -> CrisisCounts:
    """Open or raise a crisis case for each negative spike of a tracked topic in the recent
    window (see the module). A workspace without topics or dated posts: nothing."""
    when = _aware(now)
    topics = list_topics(ws)
    if not topics:
        return CrisisCounts()
    try:
        figures = recent_spikes(ws, topics, when, engine=engine)
    except DataError:  # no enriched posts yet
        return CrisisCounts()
    opened = raised = 0
    for fig in figures:
        done = _report(ws, fig, when)
        opened += done == "opened"
        raised += done == "raised"
    return CrisisCounts(opened=opened, raised=raised, seen=len(figures))


def check_listening_due(
    ws: Workspace, now: datetime | None = None, *, every_s: float = CHECK_EVERY_S
) -> CrisisCounts | None:
    """:func:`check_listening` when the last check (``inbox_settings`` key ``listening_check``,
    shared by every worker of the workspace) is at least ``every_s`` seconds old; ``None``
    when it is not due. The time is taken before the check, so a failing one waits its turn
    too."""
    wall = take_turn(ws, SETTING, every_s)
    if wall is None:
        return None
    counts = check_listening(ws, now)
    record_turn(ws, SETTING, wall, counts.to_dict())
    return counts
