"""The composer: one message, a variant per profile, checked before anything is queued.

:func:`preview` shows, for every chosen profile, the text that would go out (its variant or the
message, the landing link turned into our short link), its length counted the platform's way
against the platform's limit, every problem with its message in Korean and English, the plan
policy's banned words found in it and the policy's tone (for the writer to keep in mind).
:func:`compose` does the same checks and then queues the group: short links made (one per post,
so clicks are counted per profile, each tagged for its channel), posts queued through
:func:`socialops.publish.queue.new_posts` with the number of approvals the author's role and the
plan need (:func:`socialops.publish.approvals.needs_approval`).

Banned words are matched after NFC normalisation and case folding: a word in Latin letters or
digits only as a whole word (``ass`` does not hit ``class``), any other word (Korean) as a
substring, since Korean attaches particles to words (``최저가`` hits ``최저가로``). A banned word
refuses :func:`compose` unless the post is saved as a draft.

Per-segment variants (issue 17): ``segment_variants`` maps a saved customer segment
(:mod:`socialops.segment.store`) to the text written for it; each is checked like any variant
(every chosen profile's limits, banned words) and queued as one more post per profile in the
same group, marked with its segment (``publish_posts.segment_id``) and with its own short link,
so its clicks and metrics are counted per segment."""

from __future__ import annotations

import re
import unicodedata
import uuid
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import text as sql_text

from socialops.connectors.core import Media, OutgoingPost
from socialops.connectors.profiles import Profile, chosen_profiles
from socialops.connectors.registry import REGISTRY
from socialops.domain.channels import channel_for_platform, load_channels
from socialops.domain.plan import Plan
from socialops.errors import PublishError
from socialops.i18n import t
from socialops.plan.store import PlanStore
from socialops.publish.approvals import needs_approval, submit
from socialops.publish.links import (
    CODE_CHARS,
    check_target,
    create_link,
    new_code,
    public_base,
    short_url,
)
from socialops.publish.media import get_media
from socialops.publish.queue import QueuedPost, get_post, new_posts
from socialops.segment.store import list_segments
from socialops.store.workspace import Workspace

__all__ = [
    "ProfilePreview",
    "banned_in",
    "channel_of",
    "check_segment_variants",
    "compose",
    "preview",
]

_PLACEHOLDER = "x" * CODE_CHARS  # the preview's code; the real one is drawn by compose
_LATIN_WORD = re.compile(r"^[0-9a-z_\s'-]+$")


@dataclass(frozen=True)
class ProfilePreview:
    profile: str
    platform: str  # the platform the post appears on (a manual profile's own, e.g. naver-blog)
    final_text: str
    length: int  # counted the platform's way
    limit: int | None  # None: no text limit
    problems: list[dict[str, Any]] = field(default_factory=list)  # code, params, message_ko/en
    banned: list[str] = field(default_factory=list)
    tone: str = ""
    short_url: str | None = None
    segment: str = ""  # the saved segment this text is for ('' = everyone)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def ok(self) -> bool:
        return not self.problems


def _norm(value: str) -> str:
    return unicodedata.normalize("NFC", value).casefold()


def banned_in(text: str, words: list[str]) -> list[str]:
    """The banned ``words`` found in ``text`` (as written in the policy, in its order)."""
    hay = _norm(text)
    found = []
    for word in words:
        needle = _norm(word).strip()
        if not needle:
            continue
        if _LATIN_WORD.match(needle):
            hit = re.search(rf"(?<![0-9a-z_]){re.escape(needle)}(?![0-9a-z_])", hay) is not None
        else:
            hit = needle in hay
        if hit and word not in found:
            found.append(word)
    return found


def _platform(p: Profile) -> str:
    return p.settings.get("platform", p.platform) if p.platform == "manual" else p.platform


def channel_of(ws: Workspace, p: Profile) -> str:
    """The channel key a profile posts to (``naver_blog`` for a manual Naver Blog profile), or
    its platform when the channel knowledge base has none (``bluesky``)."""
    platform = _platform(p)
    key = channel_for_platform(platform.replace("-", "_"), load_channels(ws))
    return key or platform


def _problem(code: str, profile: str, params: dict[str, Any]) -> dict[str, Any]:
    return {
        "code": code,
        "params": params,
        "message_ko": t(code, "ko", profile=profile, **params),
        "message_en": t(code, "en", profile=profile, **params),
    }


def _with_link(body: str, link: str, short: str) -> str:
    if link in body:
        return body.replace(link, short)
    body = body.rstrip()
    return f"{body}\n{short}" if body else short


@dataclass(frozen=True)
class _Prepared:
    profiles: list[Profile]
    plan: Plan | None
    media: tuple[Media, ...]
    link: str | None
    #: the link was found in the message (no landing link given): a variant without it keeps
    #: its text as written
    found: bool = False


_TEXT_URL = re.compile(r"https?://[^\s<>\"'()]+[^\s<>\"'().,!?;:]")


def _link_in(text: str) -> str | None:
    """The first web link of the message that is not already one of our short links: the
    landing link when none was given, so a link typed into the text is tracked too."""
    ours = public_base() + "/l/"
    for m in _TEXT_URL.finditer(text):
        if not m.group(0).startswith(ours):
            return m.group(0)
    return None


def _prepare(
    ws: Workspace,
    profiles: list[str],
    variants: dict[str, str],
    media_ids: list[str],
    link: str | None,
    plan_id: str | None,
    text: str = "",
) -> _Prepared:
    chosen = chosen_profiles(ws, profiles)
    names = {k for p in chosen for k in (p.name, p.profile_id)}
    for key in variants:
        if key not in names:
            raise PublishError("composer.unknown_variant", name=key)
    assets = [get_media(ws, m) for m in media_ids]
    media = tuple(Media(str(ws.root / a.path), a.alt, a.mime) for a in assets)
    plan = PlanStore(ws).get(plan_id) if plan_id else None
    if link and link.strip():
        return _Prepared(chosen, plan, media, check_target(link))
    found = _link_in(text)
    return _Prepared(chosen, plan, media, check_target(found) if found else None, found=True)


def _render(
    prep: _Prepared,
    text: str,
    variants: dict[str, str],
    codes: dict[str, str],
    segment: str = "",
) -> list[ProfilePreview]:
    banned_words = prep.plan.policy.banned_words if prep.plan else []
    tone = prep.plan.policy.tone if prep.plan else ""
    out = []
    for p in prep.profiles:
        body = variants.get(p.name, variants.get(p.profile_id, text))
        short = short_url(codes.get(p.profile_id, _PLACEHOLDER)) if prep.link else None
        final = body
        if prep.link and short and (not prep.found or prep.link in body):
            final = _with_link(body, prep.link, short)
        cls = REGISTRY.get(p.platform)
        if cls is None:
            raise PublishError(
                "profile.unknown_platform", platform=p.platform, known=REGISTRY.platforms()
            )
        limits = cls.limits_for(p.settings)
        problems = [
            _problem(lp.code, p.name, dict(lp.params))
            for lp in limits.validate(OutgoingPost(text=final, media=prep.media))
        ]
        banned = banned_in(final, banned_words)
        if banned:
            problems.append(_problem("composer.banned", p.name, {"words": ", ".join(banned)}))
        out.append(
            ProfilePreview(
                profile=p.name,
                platform=_platform(p),
                final_text=final,
                length=limits.measure(final),
                limit=limits.max_chars,
                problems=problems,
                banned=banned,
                tone=tone,
                short_url=short,
                segment=segment,
            )
        )
    return out


def check_segment_variants(ws: Workspace, segment_variants: dict[str, str]) -> dict[str, str]:
    """The per-segment texts, each naming a saved segment and not empty (else a
    :class:`PublishError`)."""
    if not segment_variants:
        return {}
    known = {s.name for s in list_segments(ws)}
    out: dict[str, str] = {}
    for name, body in segment_variants.items():
        key = name.strip()
        if key not in known:
            raise PublishError("segvar.unknown", segment=key[:100])
        if key in out:
            raise PublishError("segvar.duplicate", segment=key[:100])
        if not body.strip():
            raise PublishError("segvar.empty", segment=key[:100])
        out[key] = body
    return out


def _segment_renders(
    prep: _Prepared, segments: dict[str, str], codes: dict[str, dict[str, str]]
) -> list[ProfilePreview]:
    out: list[ProfilePreview] = []
    for name, body in segments.items():
        same = {p.profile_id: body for p in prep.profiles}
        out += _render(prep, body, same, codes.get(name, {}), segment=name)
    return out


def preview(
    ws: Workspace,
    *,
    profiles: list[str],
    text: str,
    variants: dict[str, str] | None = None,
    media_ids: list[str] | None = None,
    link: str | None = None,
    plan_id: str | None = None,
    segment_variants: dict[str, str] | None = None,
) -> list[ProfilePreview]:
    """What each profile's post would be, and everything wrong with it; changes nothing (the
    short link's code shown is a placeholder of the real one's length). Each per-segment text
    (``segment_variants``) adds one preview per profile, marked with its segment."""
    segments = check_segment_variants(ws, dict(segment_variants or {}))
    prep = _prepare(ws, profiles, dict(variants or {}), list(media_ids or []), link, plan_id, text)
    return _render(prep, text, dict(variants or {}), {}) + _segment_renders(prep, segments, {})


def _linked(
    ws: Workspace,
    prep: _Prepared,
    shown: list[ProfilePreview],
    codes: dict[str, str],
    *,
    plan_id: str | None,
    plan_item_id: str | None,
    group: str,
    actor: str,
) -> dict[str, str]:
    """Each profile's final text with its short link made (``codes`` updated in place: a
    variant without the found link has none; a drawn code already taken is replaced)."""
    finals = {p.profile_id: pv.final_text for p, pv in zip(prep.profiles, shown, strict=True)}
    for p, pv in zip(prep.profiles, shown, strict=True):
        if prep.link and pv.short_url and pv.short_url not in pv.final_text:
            codes.pop(p.profile_id, None)  # a variant without the found link: nothing to track
    if prep.link:
        for p in prep.profiles:
            if p.profile_id not in codes:
                continue
            made = create_link(
                ws,
                prep.link,
                plan_id=plan_id,
                plan_item_id=plan_item_id,
                group_id=group,
                source=channel_of(ws, p),
                actor=actor,
                code=codes[p.profile_id],
            )
            if made.code != codes[p.profile_id]:  # the drawn code was taken: use the new one
                finals[p.profile_id] = finals[p.profile_id].replace(
                    short_url(codes[p.profile_id]), short_url(made.code)
                )
                codes[p.profile_id] = made.code
    return finals


def compose(
    ws: Workspace,
    *,
    profiles: list[str],
    text: str,
    variants: dict[str, str] | None = None,
    at: str | None = None,
    media_ids: list[str] | None = None,
    link: str | None = None,
    plan_id: str | None = None,
    plan_item_id: str | None = None,
    draft: bool = False,
    actor: str = "",
    role: str = "owner",
    segment_variants: dict[str, str] | None = None,
) -> tuple[str, list[QueuedPost]]:
    """Queue the message for every profile (one group): refused as a whole when any profile's
    post breaks a limit or has a banned word, unless it is a ``draft`` (checked again when it is
    scheduled). A post that needs approval waits ``in_review``. Each per-segment text
    (``segment_variants``: saved segment → text) adds one post per profile to the group,
    marked with its segment."""
    texts = dict(variants or {})
    ids = list(media_ids or [])
    segments = check_segment_variants(ws, dict(segment_variants or {}))
    prep = _prepare(ws, profiles, texts, ids, link, plan_id, text)
    need = needs_approval(ws, plan_id=plan_id, role=role)  # also: may this role write posts
    group = uuid.uuid4().hex[:12]
    codes: dict[str, str] = {}
    seg_codes: dict[str, dict[str, str]] = {}
    if prep.link:
        codes = {p.profile_id: new_code() for p in prep.profiles}
        seg_codes = {n: {p.profile_id: new_code() for p in prep.profiles} for n in segments}
    shown = _render(prep, text, texts, codes)
    seg_shown = _segment_renders(prep, segments, seg_codes)
    if not draft:
        for pv in shown + seg_shown:
            if pv.problems:
                first = pv.problems[0]
                raise PublishError(first["code"], profile=pv.profile, **first["params"])
    where: dict[str, Any] = {
        "plan_id": plan_id,
        "plan_item_id": plan_item_id,
        "group": group,
        "actor": actor,
    }
    finals = _linked(ws, prep, shown, codes, **where)
    group_id, posts = new_posts(
        ws,
        profiles=[p.profile_id for p in prep.profiles],
        text_=text,
        at=at,
        plan_id=plan_id,
        actor=actor,
        variants=finals,
        draft=draft,
        plan_item_id=plan_item_id,
        link_codes=codes,
        approvals_needed=need,
        media_ids=ids,
        group_id=group,
    )
    for name, body in segments.items():
        mine = [pv for pv in seg_shown if pv.segment == name]
        sc = seg_codes.get(name, {})
        _, more = new_posts(
            ws,
            profiles=[p.profile_id for p in prep.profiles],
            text_=body,
            at=at,
            plan_id=plan_id,
            actor=actor,
            variants=_linked(ws, prep, mine, sc, **where),
            draft=draft,
            plan_item_id=plan_item_id,
            link_codes=sc,
            approvals_needed=need,
            media_ids=ids,
            group_id=group,
        )
        with ws.begin() as conn:
            for post in more:
                conn.execute(
                    sql_text("UPDATE publish_posts SET segment_id = :s WHERE post_id = :id"),
                    {"s": name, "id": post.post_id},
                )
        posts += [get_post(ws, post.post_id) for post in more]
    if any(p.state == "in_review" for p in posts):
        posts = submit(ws, group_id, actor=actor)  # the approvers are told
    return group_id, posts
