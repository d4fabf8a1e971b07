"""``socialops serve``, ``socialops user add`` and ``socialops token create``: the web workspace
and its accounts."""

from __future__ import annotations

import ipaddress
import secrets
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.panel import Panel
from rich.table import Table

from socialops import settings
from socialops.cli import team
from socialops.cli.common import console, print_json, state
from socialops.cli.sample_cmd import LOG_FILE, needs_preparing, start_when_listening
from socialops.errors import AccountError, PasswordError, SettingsError
from socialops.i18n import default_lang, t
from socialops.store.workspace import Workspace

if TYPE_CHECKING:
    # lazy: CLI start-up time (every command module loads when the CLI starts)
    from socialops.engage.worker import BackgroundInbox
    from socialops.publish.background import BackgroundPublisher
    from socialops.web.accounts import Accounts

user_app = typer.Typer(help="Users of the web workspace.", no_args_is_help=True)
token_app = typer.Typer(help="Personal API tokens.", no_args_is_help=True)


def _accounts() -> Accounts:
    # lazy: CLI start-up time (every command module loads when the CLI starts)
    from socialops.web.accounts import Accounts

    return Accounts(settings.workspace_dir(state.workspace))


def _generated_password() -> str:
    """A random password the policy takes (one that looks like a word or run is drawn again)."""
    # lazy: CLI start-up time (every command module loads when the CLI starts)
    from socialops.web.passwords import problem

    while True:
        password = secrets.token_urlsafe(12)
        if problem(password) is None:
            return password


def _in_cli_lang(exc: PasswordError) -> AccountError:
    """The policy's refusal in the CLI's language (SOCIALOPS_LANG)."""
    return AccountError(code=exc.code, **exc.params)


def _has_posts() -> bool:
    ws = Workspace.open(state.workspace)
    return bool(ws.enriched_files())


def serve(
    host: str = typer.Option(None, "--host", help="Address to listen on (default 127.0.0.1)."),
    port: int = typer.Option(None, "--port", help="Port (default 8000)."),
    sample_data: bool = typer.Option(
        False,
        "--sample-data",
        help="On first start (no posts yet), import and enrich the real sample data and add "
        "the sample topics, as `socialops demo` does.",
    ),
    small: bool = typer.Option(
        False, "--small", help="With --sample-data: skip the 662k Naver movie reviews."
    ),
    forwarded_allow_ips: str = typer.Option(
        None,
        "--forwarded-allow-ips",
        help="Behind a reverse proxy: its addresses or networks, comma-separated (e.g. "
        "127.0.0.1 or 10.0.0.0/8), whose X-Forwarded-For/-Proto are believed. Default: none "
        "(the client is the peer address; env SOCIALOPS_FORWARDED_ALLOW_IPS).",
    ),
    processes: str = typer.Option(
        None,
        "--processes",
        help="Web processes answering on the one port (default 1; more need PostgreSQL: "
        "SOCIALOPS_DATABASE_URL; env SOCIALOPS_WEB_PROCESSES). Publishing, the inbox and "
        "scheduled reports run once, in the supervising process.",
    ),
) -> None:
    """Start the web workspace (pages and the REST API under /api/v1)."""
    # lazy: CLI start-up time (every command module loads when the CLI starts)
    import uvicorn

    # lazy: CLI start-up time (every command module loads when the CLI starts)
    from socialops.web.app import create_app

    home = settings.workspace_dir(state.workspace)
    preparing = sample_data and needs_preparing(home, _has_posts())

    host = settings.get("web_host", host)
    raw_port = settings.get("web_port", None if port is None else str(port))
    try:
        port_n = int(raw_port)
    except ValueError:
        raise AccountError(code="cli.bad_port", value=raw_port) from None
    proxies = _proxies(settings.get("forwarded_allow_ips", forwarded_allow_ips))
    n_processes = team.processes(settings.get("web_processes", processes))
    # lazy: CLI start-up time (every command module loads when the CLI starts)
    from socialops.web.ops import multiproc
    from socialops.web.ops.logs import configure_logging

    configure_logging()  # JSON lines (or text at a terminal), request ids, secrets masked
    # several processes: request metrics summed across them (files in one folder)
    metrics_dir = multiproc.prepare() if n_processes > 1 else None
    if preparing:  # the data arrives while the server already answers
        d = settings.data_dir(None)
        if not d.is_dir():
            raise SettingsError(code="cli.no_sample_data", path=d)
        Workspace.open(home)  # made (and migrated) before the server and the child share it
        start_when_listening(home, host, port_n, small=small)
    accounts = _accounts()
    email, password = "owner@socialops.local", None
    if not accounts.has_users():
        password = _generated_password()
        accounts.add_user(email, password, name="Owner", role="owner")
    # several processes: each builds its own application (uvicorn imports the factory); this
    # one supervises them and runs the background threads below once
    app = create_app(home) if n_processes == 1 else team.prepare(home, _workspaces(accounts))
    console.print(_start_box(host, port_n, email, password, home if preparing else None))
    if n_processes > 1:
        console.print(team.start_line(n_processes), highlight=False)
    publisher = _publisher(accounts)
    inbox = _inbox(accounts)
    # lazy: CLI start-up time (the scheduled reports' loop: cli/measure/schedules.py)
    from socialops.cli.measure.schedules import start_background

    reports = start_background(_workspaces(accounts), accounts)
    try:
        uvicorn.run(
            app,
            factory=n_processes > 1,
            workers=n_processes if n_processes > 1 else None,
            # the supervisor kills a web process that has not answered its ping for this long;
            # uvicorn's 5 s killed busy but healthy processes under load (bench/soak.py: on a
            # loaded 2-core box both were replaced again and again and /login never answered)
            timeout_worker_healthcheck=30,
            # an idle keep-alive connection is closed after this long; at uvicorn's 5 s a web
            # process busy for a few seconds woke to its expired timer and a request already
            # sent on that connection and closed it unanswered (the soak: ReadError on GETs).
            # Longer than a browser's or proxy's own idle timeout, as is usual upstream.
            timeout_keep_alive=75,
            host=host,
            port=port_n,
            log_level="warning",
            log_config=None,  # configure_logging's handler: uvicorn's lines as JSON too
            access_log=False,  # socialops.access writes one (route template, request id)
            # uvicorn believes X-Forwarded-For from loopback by default: anyone on the machine
            # (or any client of a proxy that passes the header on) could pick the address the
            # sign-in throttle counts against. Only the proxies the operator names are believed.
            proxy_headers=bool(proxies),
            forwarded_allow_ips=proxies or None,
        )
    finally:
        if metrics_dir is not None:
            multiproc.cleanup(metrics_dir)
        if publisher is not None:
            publisher.stop()
        if inbox is not None:
            inbox.stop()
        if reports is not None:
            reports.stop()


def _workspaces(accounts: Accounts) -> Callable[[], list[Workspace]]:
    """Every workspace of the server, each opened (and migrated) once, then reused: what the
    background threads of ``serve`` go over."""
    opened: dict[str, Workspace] = {}

    def roots() -> list[Workspace]:
        for slug in accounts.slugs():
            if slug not in opened:
                root = accounts.workspace_dir(slug)
                if Workspace(root).exists():
                    opened[slug] = Workspace.open(root)
        return list(opened.values())

    return roots


def _off(name: str) -> bool:
    return settings.get(name, None).strip() in ("0", "false", "no", "off")


def _publisher(accounts: Accounts) -> BackgroundPublisher | None:
    """The publisher thread of ``serve`` (setting ``publish_in_serve``): due posts of every
    workspace go out with no other process to run (a ``socialops worker`` beside it is safe)."""
    if _off("publish_in_serve"):
        return None
    # lazy: CLI start-up time (every command module loads when the CLI starts)
    from socialops.publish.background import BackgroundPublisher

    publisher = BackgroundPublisher(_workspaces(accounts))
    publisher.start()
    return publisher


def _inbox(accounts: Accounts) -> BackgroundInbox | None:
    """The inbox thread of ``serve`` (setting ``inbox_in_serve``): mentions read, replies sent,
    SLA clocks checked and notifications delivered for every workspace."""
    if _off("inbox_in_serve"):
        return None
    # lazy: CLI start-up time (every command module loads when the CLI starts)
    from socialops.engage.worker import BackgroundInbox

    inbox = BackgroundInbox(_workspaces(accounts))
    inbox.start()
    return inbox


def _start_box(
    host: str, port: int, email: str, password: str | None, preparing: Path | None
) -> Panel:
    """What a newcomer needs, printed last and framed: where to open, how to sign in, how to
    set a new password (they are stored hashed), and where the sample data stands."""
    lang = default_lang()
    base = f"http://{host}:{port}"
    rows: list[tuple[str, str]] = [
        (t("cli.serve.open", lang), f"{base}/login"),
        (t("cli.serve.email", lang), email),
        (
            t("cli.serve.password", lang),
            t("cli.serve.password_once", lang, password=password)
            if password
            else t("cli.serve.password_set", lang),
        ),
        (t("cli.serve.new_password", lang), t("cli.serve.new_password_how", lang, email=email)),
    ]
    if preparing is not None:
        url = f"{base}/w/main/sample-data"
        log = preparing / LOG_FILE
        rows.append(
            (t("cli.serve.sample", lang), t("cli.serve.sample_running", lang, url=url, log=log))
        )
    rows.append((t("cli.serve.add_users", lang), t("cli.serve.add_users_how", lang)))
    rows.append((t("cli.serve.stop", lang), t("cli.serve.stop_how", lang)))
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")
    for label, value in rows:
        grid.add_row(label, value)
    return Panel(grid, title="socialops", title_align="left", expand=False)


def _proxies(raw: str) -> list[str]:
    """The ``--forwarded-allow-ips`` list, each an address or network (``*``: any)."""
    proxies = [p.strip() for p in raw.split(",") if p.strip()]
    for p in proxies:
        if p == "*":
            continue
        try:
            ipaddress.ip_network(p, strict=False)
        except ValueError:
            raise SettingsError(code="cli.bad_proxy", value=p) from None
    return proxies


@user_app.command("add")
def user_add(
    email: str = typer.Argument(..., help="The user's e-mail address (their sign-in name)."),
    role: str = typer.Option(
        "viewer", "--role", help="owner, manager, agent, analyst or viewer (in the workspace)."
    ),
    name: str = typer.Option(None, "--name", help="Display name."),
    workspace_id: str = typer.Option("main", "--in", help="Workspace id (default main)."),
    lang: str = typer.Option("ko", "--lang", help="UI language: ko or en."),
    password_stdin: bool = typer.Option(
        False, "--password-stdin", help="Read the password from standard input."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the user as JSON."),
) -> None:
    """Add a user with a role in a workspace (the password from stdin, or one generated and
    printed once)."""
    generated = None
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = generated = _generated_password()
    try:
        user = _accounts().add_user(
            email, password, name=name, role=role, workspace=workspace_id, lang=lang
        )
    except PasswordError as exc:
        raise _in_cli_lang(exc) from None
    _accounts().audit(
        "user.add",
        user=None,
        email=user.email,
        workspace=workspace_id,
        target=user.email,
        detail={"role": role, "by": "cli"},
    )
    if as_json:
        print_json({**user.public(), "role": role, "workspace": workspace_id})
        return
    console.print(f"added {user.email} as {role} of {workspace_id}", highlight=False)
    if generated:
        console.print(f"password (shown once): {generated}", highlight=False)


@user_app.command("password")
def user_password(
    email: str = typer.Argument(..., help="Whose password."),
    password_stdin: bool = typer.Option(
        False, "--password-stdin", help="Read the new password from standard input."
    ),
) -> None:
    """Set a user's password (their sign-in sessions end and their API tokens are revoked);
    without --password-stdin one is generated and printed once."""
    accounts = _accounts()
    user = accounts.user_by_email(email)
    if user is None:
        raise AccountError(code="cli.no_user", email=email)
    generated = None
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = generated = _generated_password()
    try:
        sessions, tokens = accounts.set_password(user.id, password)
    except PasswordError as exc:
        raise _in_cli_lang(exc) from None
    accounts.audit(
        "user.password", user=user, detail={"by": "cli", "sessions": sessions, "tokens": tokens}
    )
    console.print(
        f"password of {user.email} changed; their sessions ended ({sessions}) and their API "
        f"tokens were revoked ({tokens}): scripts need a new one (`socialops token create "
        f"{user.email}`)",
        highlight=False,
    )
    if generated:
        console.print(f"password (shown once): {generated}", highlight=False)


@user_app.command("2fa-reset")
def user_two_factor_reset(
    email: str = typer.Argument(..., help="Whose two-factor sign-in to turn off."),
) -> None:
    """Turn off a user's two-factor sign-in (lost phone and recovery codes) and end their
    sessions; recorded in the audit log. They turn it on again from their account page."""
    accounts = _accounts()
    user = accounts.user_by_email(email)
    if user is None:
        raise AccountError(code="cli.no_user", email=email)
    lang = default_lang()
    if not accounts.disable_two_factor(user.id):
        console.print(t("cli.two_factor_none", lang, email=user.email), highlight=False)
        return
    sessions = accounts.end_all_sessions(user.id)
    accounts.audit("user.two_factor_reset", user=user, detail={"by": "cli"})
    console.print(
        t("cli.two_factor_reset", lang, email=user.email, sessions=sessions), highlight=False
    )


@token_app.command("create")
def token_create(
    email: str = typer.Argument(..., help="Whose token."),
    name: str = typer.Option("cli", "--name", help="A label for the token."),
    scope: str = typer.Option(
        None,
        "--scope",
        help="Limit the token: metrics (reads /metrics, refused everywhere else). Default: "
        "all the user's rights.",
    ),
) -> None:
    """Print a new personal API token (send it as `Authorization: Bearer TOKEN`)."""
    accounts = _accounts()
    user = accounts.user_by_email(email)
    if user is None:
        raise AccountError(code="cli.no_user", email=email)
    token = accounts.create_token(user.id, name, scope=scope.strip().lower() if scope else None)
    detail = {"by": "cli", "name": name, **({"scope": scope} if scope else {})}
    accounts.audit("token.create", user=user, detail=detail)
    typer.echo(token)
    if scope:  # on standard error: standard output stays the token alone, for scripts
        typer.echo(t("cli.token.created_scope", default_lang()), err=True)


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
    app.add_typer(user_app, name="user")
    app.add_typer(token_app, name="token")
