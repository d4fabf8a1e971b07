"""One table of settings, layered: default < environment < CLI flag.

Secrets never live here; they come from the environment or a key file and are never logged.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from socialops.errors import SettingsError

__all__ = [
    "SETTINGS",
    "Setting",
    "data_dir",
    "default_timezone",
    "lang",
    "workspace_dir",
]


@dataclass(frozen=True)
class Setting:
    name: str
    env: str
    default: str
    help: str


SETTINGS: dict[str, Setting] = {
    s.name: s
    for s in [
        Setting(
            "workspace",
            "SOCIALOPS_HOME",
            "./.socialops",
            "Folder that holds the workspace (database, imported and enriched posts).",
        ),
        Setting(
            "data_dir",
            "SOCIALOPS_DATA_DIR",
            "../shared/data",
            "Folder with the shared real sample data (demo job, tests, benchmarks).",
        ),
        Setting(
            "public_url",
            "SOCIALOPS_PUBLIC_URL",
            "",
            "Address people reach this server at, for short links (/l/<code>); "
            "empty: http://127.0.0.1:8000.",
        ),
        Setting(
            "timezone",
            "SOCIALOPS_TZ",
            "Asia/Seoul",
            "Zone used to read naive timestamps and to bucket days.",
        ),
        Setting(
            "engine",
            "SOCIALOPS_ENGINE",
            "duckdb",
            "Analytics engine: duckdb, spark (local[*]) or spark://HOST:PORT.",
        ),
        Setting(
            "workers",
            "SOCIALOPS_WORKERS",
            "0",
            "Processes for local enrichment (0 = one per CPU core).",
        ),
        Setting(
            "web_host",
            "SOCIALOPS_WEB_HOST",
            "127.0.0.1",
            "Web workspace: address `socialops serve` listens on.",
        ),
        Setting(
            "web_port",
            "SOCIALOPS_WEB_PORT",
            "8000",
            "Web workspace: port `socialops serve` listens on.",
        ),
        Setting(
            "publish_in_serve",
            "SOCIALOPS_PUBLISH_IN_SERVE",
            "1",
            "Publish due posts from inside `socialops serve` (1) or only from separate "
            "`socialops worker` processes (0).",
        ),
        Setting(
            "inbox_in_serve",
            "SOCIALOPS_INBOX_IN_SERVE",
            "1",
            "Read mentions, send inbox replies, check SLA clocks and deliver inbox notifications "
            "from inside `socialops serve` (1), or not (0).",
        ),
        Setting(
            "compact_min_files",
            "SOCIALOPS_COMPACT_MIN_FILES",
            "8",
            "Merge a month's small enriched files once it holds this many (the inbox's "
            "background round of `socialops serve`, at most every 2 minutes; 0: never).",
        ),
        Setting(
            "forwarded_allow_ips",
            "SOCIALOPS_FORWARDED_ALLOW_IPS",
            "",
            "Web workspace: addresses or networks (comma-separated) of the reverse proxies whose "
            "X-Forwarded-For/-Proto headers are believed; empty (the default): none, the client "
            "is the peer address (anyone could send those headers).",
        ),
        Setting(
            "web_processes",
            "SOCIALOPS_WEB_PROCESSES",
            "1",
            "Web workspace: processes `socialops serve` answers with on its one port (more than "
            "1 needs PostgreSQL, SOCIALOPS_DATABASE_URL; docs/operations.md, team server).",
        ),
        Setting(
            "redis_url",
            "SOCIALOPS_REDIS_URL",
            "",
            "Redis (redis://HOST:PORT/0) that carries change signals between the processes of "
            "a team server (live inbox updates, cache refreshes); empty: within one process.",
        ),
        Setting(
            "log_format",
            "SOCIALOPS_LOG_FORMAT",
            "auto",
            "`socialops serve` logs: json (one JSON object a line, with the request id), text, "
            "or auto (json when standard error is not a terminal, text when it is).",
        ),
        Setting(
            "log_level",
            "SOCIALOPS_LOG_LEVEL",
            "warning",
            "`socialops serve` logs: the lowest level written (debug, info, warning, error); "
            "info adds one access line per request (method, route, status, time, request id).",
        ),
        Setting(
            "ready_worker_s",
            "SOCIALOPS_READY_WORKER_S",
            "120",
            "/readyz: seconds since a publish worker's last heartbeat (in any workspace) "
            "before the server says it is not ready.",
        ),
        Setting(
            "session_hours",
            "SOCIALOPS_SESSION_HOURS",
            "12",
            "Web workspace: hours a sign-in lasts.",
        ),
        Setting(
            "web_warm",
            "SOCIALOPS_WEB_WARM",
            "1",
            "Web workspace: on start, build the explorer and text indexes and the default "
            "listening results in the background (0: on first use).",
        ),
        Setting(
            "web_page_wait",
            "SOCIALOPS_WEB_PAGE_WAIT",
            "0.8",
            "Web workspace: seconds a listening page waits for figures being computed before it "
            "shows the last ones it has (or says they are being computed); 0: wait until done.",
        ),
        Setting(
            "sample_nice",
            "SOCIALOPS_SAMPLE_NICE",
            "5",
            "Web workspace: how much lower the priority of the first start's sample-data "
            "preparation is than the server's (a nice increment, 0-19), so pages stay quick "
            "while the data arrives.",
        ),
        Setting(
            "cookie_secure",
            "SOCIALOPS_COOKIE_SECURE",
            "auto",
            "Web workspace: mark the session cookie Secure (auto: when the request is HTTPS).",
        ),
        Setting(
            "alert_z",
            "SOCIALOPS_ALERT_Z",
            "4.0",
            "Alerts: robust z-score a period must reach to be a spike (docs/spikes.md).",
        ),
        Setting(
            "lang",
            "SOCIALOPS_LANG",
            "ko",
            "Language of CLI messages and of exported plan documents: ko or en.",
        ),
        Setting(
            "pdf_font",
            "SOCIALOPS_PDF_FONT",
            "/usr/share/fonts/truetype/nanum/NanumGothic.ttf",
            "TrueType font with Hangul for PDF exports (Debian: fonts-nanum).",
        ),
        Setting(
            "alert_min_posts",
            "SOCIALOPS_ALERT_MIN_POSTS",
            "5",
            "Alerts: posts a period must have to be a spike.",
        ),
        Setting(
            "oidc_issuer",
            "SOCIALOPS_OIDC_ISSUER",
            "",
            "Web sign-in: the OpenID Connect provider's issuer URL (its "
            "/.well-known/openid-configuration is read); empty: no single sign-on. The client "
            "secret comes from SOCIALOPS_OIDC_CLIENT_SECRET or SOCIALOPS_OIDC_CLIENT_SECRET_FILE.",
        ),
        Setting(
            "oidc_client_id",
            "SOCIALOPS_OIDC_CLIENT_ID",
            "",
            "Web sign-in: this server's client id at the OpenID Connect provider.",
        ),
        Setting(
            "oidc_domains",
            "SOCIALOPS_OIDC_DOMAINS",
            "",
            "Web sign-in: e-mail domains single sign-on accepts, comma-separated (empty: any).",
        ),
        Setting(
            "oidc_auto_create",
            "SOCIALOPS_OIDC_AUTO_CREATE",
            "0",
            "Web sign-in: 1 makes an account (no workspace yet) for a person the provider "
            "vouches for and who has none; 0: only existing accounts sign in this way.",
        ),
        Setting(
            "oidc_trust_email",
            "SOCIALOPS_OIDC_TRUST_EMAIL",
            "0",
            "Web sign-in: 1 takes the provider's e-mail as verified when its ID token has no "
            "email_verified claim (a single-tenant provider whose addresses the organisation "
            "issues, e.g. Microsoft Entra ID); an explicit false is refused either way.",
        ),
        Setting(
            "smtp_host",
            "SOCIALOPS_SMTP_HOST",
            "",
            "Web sign-in: SMTP server for password-reset e-mail (empty: no reset by e-mail); "
            "its password from SOCIALOPS_SMTP_PASSWORD.",
        ),
        Setting("smtp_port", "SOCIALOPS_SMTP_PORT", "587", "Web sign-in: SMTP port."),
        Setting("smtp_from", "SOCIALOPS_SMTP_FROM", "", "Web sign-in: the sender of reset e-mail."),
        Setting("smtp_user", "SOCIALOPS_SMTP_USER", "", "Web sign-in: SMTP user (if any)."),
        Setting(
            "smtp_starttls",
            "SOCIALOPS_SMTP_STARTTLS",
            "1",
            "Web sign-in: 1 to use STARTTLS with the SMTP server.",
        ),
        Setting(
            "reset_minutes",
            "SOCIALOPS_RESET_MINUTES",
            "30",
            "Web sign-in: minutes a password-reset link stays good (once).",
        ),
    ]
}


def get(name: str, override: str | None = None) -> str:
    """The value of a setting: CLI override, else environment, else default."""
    s = SETTINGS[name]
    if override is not None and override != "":
        return override
    return os.environ.get(s.env) or s.default


def workspace_dir(override: str | Path | None = None) -> Path:
    return Path(get("workspace", None if override is None else str(override))).expanduser()


def data_dir(override: str | Path | None = None) -> Path:
    return Path(get("data_dir", None if override is None else str(override))).expanduser()


def default_timezone(override: str | None = None) -> ZoneInfo:
    name = get("timezone", override)
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise SettingsError(code="config.bad_zone", name=name) from exc


def workers(override: int | None = None) -> int:
    raw = str(override) if override is not None else get("workers")
    try:
        n = int(raw)
    except ValueError as exc:
        raise SettingsError(code="config.workers_not_number", value=raw) from exc
    if n < 0:
        raise SettingsError(code="config.workers_negative")
    return n or (os.cpu_count() or 1)


def lang(override: str | None = None) -> str:
    """``ko`` (the default) or ``en``."""
    value = get("lang", override).strip().lower()
    if value not in ("ko", "en"):
        raise SettingsError(code="config.bad_lang", value=value)
    return value
