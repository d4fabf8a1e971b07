"""``socialops profiles …``, ``socialops post …`` and ``socialops worker``: social profiles, the
publish queue and the worker that sends it (issue 15)."""

from __future__ import annotations

from typing import Any

import typer

from socialops.cli import common, profiles_cmd
from socialops.cli.publish_common import JSON, actor, open_ws, say, when
from socialops.errors import PublishError
from socialops.i18n import default_lang, t
from socialops.store.workspace import Workspace

__all__ = ["register"]

post_app = typer.Typer(
    help="Posts to publish: new, list, show, publish-now, cancel, confirm.", no_args_is_help=True
)


# -- posts ---------------------------------------------------------------------------------------
def _media_ids(ws: Workspace, media: list[str], alt: list[str]) -> list[str]:
    """``--media`` values: a file (added to the media library: resized, metadata stripped) or the
    id of an image already in it; ``--alt`` gives each its alt text, in order."""
    from pathlib import Path

    from socialops.publish.media import add_media, get_media, set_alt

    ids = []
    for i, m in enumerate(media):
        text = alt[i] if i < len(alt) else ""
        path = Path(m)
        if path.is_file():
            asset = add_media(ws, path.name, path.read_bytes(), alt=text, actor=actor())
        else:
            asset = get_media(ws, m)
            if text:
                asset = set_alt(ws, asset.media_id, text)
        ids.append(asset.media_id)
    return ids


@post_app.command("new")
def post_new(
    profile: list[str] = typer.Option(..., "--profile", help="A profile (repeat for several)."),
    text_: str = typer.Option(..., "--text", help="The post's text."),
    at: str = typer.Option(
        None, "--at", help="When (ISO; without an offset in the profile's zone)."
    ),
    media: list[str] = typer.Option(
        [], "--media", help="An image file or media-library id (repeat; each needs --alt)."
    ),
    alt: list[str] = typer.Option([], "--alt", help="Alt text of each --media, in order."),
    variant: list[str] = typer.Option(
        [], "--variant", help="PROFILE=TEXT: this profile's own text (repeat)."
    ),
    link: str = typer.Option(
        None, "--link", help="A landing URL: posted as a tracked short link with the UTM tags."
    ),
    plan: str = typer.Option(None, "--plan", help="The plan this post belongs to."),
    draft: bool = typer.Option(False, "--draft", help="Keep it a draft (schedule it later)."),
    as_json: bool = JSON,
) -> None:
    """Queue one post per profile (one group); due now without --at. A post that needs approval
    (the plan's policy) waits in review."""
    from socialops.publish.composer import compose

    ws = open_ws()
    variants: dict[str, str] = {}
    for v in variant:
        who, sep, body = v.partition("=")
        if not sep:
            raise PublishError("publish.cli.bad_variant", value=v[:40])
        variants[who.strip()] = body
    group, posts = compose(
        ws,
        profiles=profile,
        text=text_,
        variants=variants or None,
        at=at,
        media_ids=_media_ids(ws, media, alt),
        link=link,
        plan_id=plan,
        draft=draft,
        actor=actor(),
        role="owner",
    )
    if as_json:
        common.print_json(
            {
                "group_id": group,
                "posts": [
                    {"post_id": p.post_id, "profile": p.profile, "state": p.state} for p in posts
                ],
            }
        )
        return
    say("publish.cli.queued", count=len(posts), group_id=group)
    lang = default_lang()
    for p in posts:
        common.console.print(
            f"{p.post_id}\t{p.profile}\t{t(f'publish.state.{p.state}', lang)}\t{when(p.due_at)}",
            highlight=False,
        )


def _post_json(p: Any) -> dict[str, Any]:
    return {
        "post_id": p.post_id,
        "group_id": p.group_id,
        "profile": p.profile,
        "platform": p.platform,
        "state": p.state,
        "due_at": p.due_at,
        "remote_id": p.remote_id,
        "url": p.url,
        "attempts": p.attempts,
        "reason": p.reason_code,
        "plan_id": p.plan_id,
        "plan_item_id": p.plan_item_id,
        "approvals_needed": p.approvals_needed,
        "link_code": p.link_code,
        "text": p.text,
    }


@post_app.command("list")
def post_list(
    state: str = typer.Option(None, "--state", help="Only posts in this state."),
    as_json: bool = JSON,
) -> None:
    """The publish queue."""
    from socialops.publish.queue import list_posts

    posts = list_posts(open_ws(), state)
    if as_json:
        common.print_json([_post_json(p) for p in posts])
        return
    lang = default_lang()
    if not posts:
        common.console.print(t("publish.cli.no_posts", lang), highlight=False)
    for p in posts:
        common.console.print(
            f"{p.post_id}\t{p.profile}\t{t(f'publish.state.{p.state}', lang)}\t"
            f"{when(p.due_at)}\t{p.url}",
            highlight=False,
        )


@post_app.command("show")
def post_show(post_id: str = typer.Argument(...), as_json: bool = JSON) -> None:
    """One post, with every attempt at it."""
    from socialops.publish.queue import attempts, get_post

    ws = open_ws()
    p = get_post(ws, post_id)
    data = {**_post_json(p), "attempts_log": attempts(ws, post_id)}
    if as_json:
        common.print_json(data)
        return
    lang = default_lang()
    common.console.print(
        f"{p.post_id} · {p.profile} · {t(f'publish.state.{p.state}', lang)}", highlight=False
    )
    common.console.print(p.text, highlight=False, markup=False)
    if p.url:
        common.console.print(p.url, highlight=False)
    for a in data["attempts_log"]:
        common.console.print(
            f"  {a['at']}  {a['action']}  {a['code']}  {a['detail']}", highlight=False, markup=False
        )


def _one(fn_name: str, post_id: str, as_json: bool, **kw: Any) -> None:
    from socialops.publish import queue

    p = getattr(queue, fn_name)(open_ws(), post_id, **kw)
    if as_json:
        common.print_json(_post_json(p))
    else:
        common.console.print(
            f"{p.post_id}\t{t(f'publish.state.{p.state}', default_lang())}", highlight=False
        )


@post_app.command("publish-now")
def post_publish_now(post_id: str = typer.Argument(...), as_json: bool = JSON) -> None:
    """Make a post due now (the worker sends it)."""
    _one("publish_now", post_id, as_json)


@post_app.command("cancel")
def post_cancel(post_id: str = typer.Argument(...), as_json: bool = JSON) -> None:
    """Cancel a post that has not gone out."""
    _one("cancel", post_id, as_json)


@post_app.command("confirm")
def post_confirm(
    post_id: str = typer.Argument(...),
    url: str = typer.Option(..., "--url", help="Where the post was published by hand."),
    as_json: bool = JSON,
) -> None:
    """A manual task done: the post is published at URL."""
    _one("confirm_task", post_id, as_json, url=url)


@post_app.command("schedule")
def post_schedule(
    post_id: str = typer.Argument(...),
    at: str = typer.Option(
        None, "--at", help="When (ISO; without an offset in the profile's zone); now without it."
    ),
    as_json: bool = JSON,
) -> None:
    """Schedule a draft (it waits in review when the plan's policy asks for approval)."""
    from socialops.publish.approvals import submit
    from socialops.publish.queue import schedule

    ws = open_ws()
    p = schedule(ws, post_id, at)
    if p.state == "in_review":
        try:
            submit(ws, p.group_id, actor=actor())  # the approvers are told
        except PublishError as exc:
            if exc.code != "approvals.nothing_to_submit":  # already announced: fine
                raise
    if as_json:
        common.print_json(_post_json(p))
    else:
        common.console.print(
            f"{p.post_id}\t{t(f'publish.state.{p.state}', default_lang())}", highlight=False
        )


def _group_of(ws: Workspace, post_or_group: str) -> str:
    from socialops.publish.queue import get_post

    try:
        return get_post(ws, post_or_group).group_id
    except PublishError:
        return post_or_group  # a group id: the approval functions say when it is unknown


def _review(decision: str, post_or_group: str, comment: str, as_json: bool) -> None:
    from socialops.publish import approvals

    ws = open_ws()
    group = _group_of(ws, post_or_group)
    kw: dict[str, Any] = {"actor": actor(), "comment": comment or ""}
    if decision != "add_comment":
        kw["role"] = "owner"
    result = getattr(approvals, decision)(ws, group, **kw)
    posts = result if isinstance(result, list) else []
    if as_json:
        common.print_json(
            {"group_id": group, "decision": decision, "posts": [_post_json(p) for p in posts]}
        )
        return
    say(f"publish.cli.review.{decision}", group_id=group)


@post_app.command("approve")
def post_approve(
    post_or_group: str = typer.Argument(..., help="A post id or its group id."),
    comment: str = typer.Option("", "--comment", help="A note for the author."),
    as_json: bool = JSON,
) -> None:
    """Approve a group of posts waiting in review."""
    _review("approve", post_or_group, comment, as_json)


@post_app.command("reject")
def post_reject(
    post_or_group: str = typer.Argument(..., help="A post id or its group id."),
    comment: str = typer.Option(..., "--comment", help="What to change (required)."),
    as_json: bool = JSON,
) -> None:
    """Send a group of posts in review back to its author as drafts, with a comment."""
    _review("reject", post_or_group, comment, as_json)


@post_app.command("import")
def post_import(
    path: str = typer.Argument(..., help="A CSV, TSV or XLSX file: one row a post."),
    as_json: bool = JSON,
) -> None:
    """Bulk scheduling: columns profile, time, text, media, alt, link, plan (Korean headers too);
    bad rows are quarantined with their reason, never dropped."""
    from pathlib import Path

    from socialops.publish.bulk import bulk_schedule

    result = bulk_schedule(open_ws(), Path(path), actor=actor(), role="owner")
    if as_json:
        common.print_json(result.to_dict())
        return
    say(
        "publish.cli.imported",
        rows=result.rows,
        scheduled=result.scheduled,
        quarantined=result.quarantined,
    )


@post_app.command("tasks")
def post_tasks(as_json: bool = JSON) -> None:
    """Manual publish tasks waiting for a person (late ones first)."""
    from socialops.publish.queue import list_posts

    tasks = list_posts(open_ws(), "task")
    if as_json:
        common.print_json([_post_json(p) for p in tasks])
        return
    lang = default_lang()
    if not tasks:
        common.console.print(t("publish.cli.no_tasks", lang), highlight=False)
    for p in tasks:
        common.console.print(
            f"{p.post_id}\t{p.profile}\t{when(p.due_at)}", highlight=False, markup=False
        )
        common.console.print("  " + p.text, highlight=False, markup=False)


def worker(
    until_idle: bool = typer.Option(
        False, "--until-idle", help="Publish what is due now, then exit when nothing due is left."
    ),
    poll: float = typer.Option(5.0, "--poll", help="Seconds between looks at the queue."),
    as_json: bool = JSON,
) -> None:
    """Publish due posts, exactly once (runs until stopped; see --until-idle)."""
    from socialops.publish.worker import run_worker

    result = run_worker(open_ws(), until_idle=until_idle, poll_s=poll)
    if as_json:
        common.print_json(result.to_dict())
        return
    if result.paused:
        common.console.print(t("publish.paused_all", default_lang()), highlight=False)
    say(
        "publish.cli.worker_done",
        **{k: v for k, v in result.to_dict().items() if isinstance(v, int)},
    )


def register(app: typer.Typer) -> None:
    """Adds ``profiles``, ``post`` and ``worker`` to ``app``."""
    profiles_cmd.register(app)
    app.add_typer(post_app, name="post")
    app.command("worker")(worker)
