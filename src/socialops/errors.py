"""One error tree for the whole product.

Every error a user can cause is a :class:`SocialopsError` that says what went wrong and what to
do. A coded error carries a catalogue ``code`` and its ``params`` (:mod:`socialops.i18n`) and
renders in the reader's language with :meth:`SocialopsError.text`: the CLI in
``SOCIALOPS_LANG``, the web in the user's setting. The error's class decides the CLI exit status
(``exit_code``) and the HTTP status (``http_status``), nowhere else.

Raise a coded error as ``WorkspaceError(code="workspace.missing", root=name)`` (a plan error as
``PlanError("plan.stale", current=3)``); ``message`` keeps whole paths (the CLI's reader owns
them), :meth:`SocialopsError.text` names a file only (a web reader). The CLI adds the
catalogue's ``<code>.cli`` hint (what to run next) when there is one; the web never shows it. A
plain sentence (``WorkspaceError("...")``) still works for the messages not yet in the
catalogue and renders the same in both languages; ``tests/test_catalogue.py`` lists the files
that still make one.
"""

from __future__ import annotations

import contextlib
import errno
import os
from typing import Any

from socialops.i18n import default_lang, has, render

__all__ = [
    "AccountError",
    "DataError",
    "DiskFullError",
    "EngageError",
    "EngineError",
    "EnrichError",
    "InputFileError",
    "PasswordError",
    "PlanError",
    "PublishError",
    "QueryError",
    "SettingsError",
    "SocialopsError",
    "TopicError",
    "UnknownPresetError",
    "UnsafeFileError",
    "WorkspaceError",
    "disk_full_error",
]


class SocialopsError(Exception):
    """Root of every error the product reports to a user.

    ``code`` names the message in the catalogue, ``params`` fill it in; ``message`` is the text
    in the CLI's language (``SOCIALOPS_LANG``). An error made from a plain sentence has the code
    ``error.plain`` and that sentence in every language."""

    exit_code: int = 1
    http_status: int = 400

    def __init__(self, message: str = "", /, *, code: str | None = None, **params: Any) -> None:
        if code is None:
            self.code = "error.plain"
            self.params: dict[str, Any] = {}
        else:
            if not has(code):
                raise KeyError(f"no message {code!r} in socialops.i18n")
            self.code = code
            self.params = {k: _plain(v) for k, v in params.items()}
            message = render(code, default_lang(), self.params, paths=True)
        super().__init__(message)
        self.message = message

    @property
    def coded(self) -> bool:
        return self.code != "error.plain"

    def text(self, lang: str) -> str:
        """The message in ``lang`` (ko or en) for a reader not on the server: a path names only
        its file (``message`` keeps whole paths, for the CLI)."""
        return render(self.code, lang, self.params) if self.coded else self.message


def _plain(value: Any) -> Any:
    """A parameter as the catalogue formats it: lists joined with commas, numbers kept."""
    if isinstance(value, tuple | list | set | frozenset):
        return ", ".join(str(v) for v in value)
    if isinstance(value, int | float) or value is None:
        return value
    return str(value)


class InputFileError(SocialopsError):
    """A file the user named is missing, unreadable or in a format we cannot read."""

    exit_code = 2


class UnsafeFileError(InputFileError):
    """A file refused before it is read because it is over the importers' safety limits (an XLSX
    decompression bomb, a cell or row count no real export has); ``reason`` says which limit.
    Nothing was imported."""

    def __init__(
        self, message: str = "", /, reason: str = "", *, code: str | None = None, **params: Any
    ) -> None:
        super().__init__(message, code=code, **params)
        self.reason = reason or self.message


class UnknownPresetError(SocialopsError):
    """An import preset or column mapping that does not exist or does not fit the file."""

    exit_code = 2


class SettingsError(SocialopsError):
    """A setting, flag or environment variable with a value we cannot use."""

    exit_code = 2


class EngineError(SocialopsError):
    """The analytics engine named is unknown or could not start."""

    exit_code = 2


class QueryError(SocialopsError):
    """A topic query that does not parse; the message points at the position."""

    exit_code = 2

    def __init__(
        self,
        message: str = "",
        /,
        position: int | None = None,
        *,
        code: str | None = None,
        **params: Any,
    ) -> None:
        super().__init__(message, code=code, **params)
        self.position = position


class TopicError(SocialopsError):
    """An unknown topic, a duplicate name, or a topic that cannot be used as asked."""

    exit_code = 2


class WorkspaceError(SocialopsError):
    """The workspace is missing, empty, or not in a state for this command."""

    exit_code = 3
    http_status = 409


class DataError(SocialopsError):
    """Data that cannot be processed as asked (e.g. an empty store for stats)."""

    exit_code = 3
    http_status = 422


class EnrichError(SocialopsError):
    """Enrichment could not finish; nothing of the run was saved."""

    exit_code = 4
    http_status = 409


class AccountError(SocialopsError):
    """A user, role, workspace membership or credential that cannot be used as asked."""

    exit_code = 2


class PasswordError(AccountError):
    """A password the policy refuses (socialops.web.passwords); ``key`` names its message in
    Korean and English (socialops.i18n), ``message`` is the English one."""

    def __init__(self, key: str, **params: int) -> None:
        self.key = key
        super().__init__(code=key, **params)


class DiskFullError(SocialopsError):
    """A write refused for lack of space: the disk is full (ENOSPC, SQLite's "database or disk
    is full"), a quota is used up (EDQUOT) or a file reached the size limit (EFBIG). The
    message names the place and what to free; made by :func:`disk_full_error` where the CLI
    and the web catch errors, whichever writer met it."""

    exit_code = 74  # EX_IOERR (sysexits.h), next to the 70 of an unexpected error
    http_status = 507

    def __init__(
        self,
        message: str = "",
        /,
        path: str | None = None,
        *,
        code: str | None = None,
        **params: Any,
    ) -> None:
        super().__init__(message, code=code, **params)
        self.path = path


# what a refused plan operation means for HTTP; every other plan error is 400 (the input
# cannot be used as given)
_PLAN_STATUS = {
    "plan.not_found": 404,
    "plan.stale": 409,
    "plan.locked": 409,
    "plan.bad_transition": 409,
    "plan.already_approved": 409,
    "plan.transition_role": 403,
    "plan.not_approver": 403,
    "schedule.unknown": 404,
    "schedule.busy": 409,
}


class PlanError(SocialopsError):
    """A plan, template, KPI or calendar item that cannot be used as given; nothing was saved.
    Always coded (``PlanError("plan.stale", current=3)``); the code decides the HTTP status:
    404 unknown plan, 409 a stale version or a state that does not allow it, 403 not the
    approver, else 400."""

    exit_code = 2

    def __init__(self, code: str, /, **params: Any) -> None:
        super().__init__(code=code, **params)
        self.http_status = _PLAN_STATUS.get(code, 400)


_PUBLISH_STATUS = {
    "profile.unknown": 404,
    "publish.unknown_post": 404,
    "link.unknown": 404,
    "media.unknown": 404,
    "plan_drafts.unknown_item": 404,
    "approvals.unknown_group": 404,
    "approvals.forbidden": 403,
    "approvals.own_post": 403,
    "approvals.cannot_write": 403,
    "approvals.not_in_review": 409,
    "approvals.nothing_to_submit": 409,
    "approvals.already_approved": 409,
    "profile.exists": 409,
    "publish.bad_state": 409,
}


class PublishError(SocialopsError):
    """A profile or a post to publish that cannot be used as given; nothing was changed.
    Always coded; 404 an unknown profile or post, 409 a name taken or a state that does not
    allow it, else 400."""

    exit_code = 2

    def __init__(self, code: str, /, **params: Any) -> None:
        super().__init__(code=code, **params)
        self.http_status = _PUBLISH_STATUS.get(code, 400)


_ENGAGE_STATUS: dict[str, int] = {
    "inbox.unknown_conversation": 404,
    "inbox.unknown_case": 404,
    "inbox.unknown_contact": 404,
    "inbox.unknown_reply": 404,
    "inbox.unknown_saved_reply": 404,
    "inbox.unknown_team": 404,
    "inbox.no_open_case": 409,
    "inbox.bad_state": 409,
    "inbox.reply.state": 409,
    "inbox.exists": 409,
    "hook.unauthorised": 401,
    "hook.stale": 401,
    "hook.origin": 403,
    "hook.unknown": 404,
    "hook.replayed": 409,
    "hook.too_large": 413,
}


class EngageError(SocialopsError):
    """The inbox (conversations, cases, contacts, replies, incoming webhooks) cannot do what was
    asked; nothing was changed. Always coded (``inbox.*``, ``hook.*``); 404 an unknown id, 409 a
    state that does not allow it, 401/413 a webhook refused, else 400."""

    exit_code = 2

    def __init__(self, code: str, /, **params: Any) -> None:
        super().__init__(code=code, **params)
        self.http_status = _ENGAGE_STATUS.get(code, 400)


_DISK_ERRNOS = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)
_DISK_TEXTS = {
    "No space left on device": errno.ENOSPC,
    "Disk quota exceeded": errno.EDQUOT,
    "File too large": errno.EFBIG,
    "database or disk is full": errno.ENOSPC,
}
_SQLITE_FULL = 13
_SQLITE_IOERR = 10  # the primary code of every "disk I/O error" (its extended codes too)
_NEARLY_NO_SPACE = 2**20  # bytes: a disk this close to full is what failed the write
_STORES = frozenset({"duckdb", "_duckdb", "pyarrow", "sqlite3"})


def disk_full_error(
    exc: BaseException, where: str | os.PathLike[str] | None = None
) -> DiskFullError | None:
    """The :class:`DiskFullError` for ``exc`` when it (or the error it was raised from) is a
    write refused for lack of space; None otherwise. ``where``: the folder being written to
    (the workspace), named when the error does not name its file."""
    seen: set[int] = set()
    e: BaseException | None = exc
    while e is not None and id(e) not in seen:
        seen.add(id(e))
        if isinstance(e, DiskFullError):
            return e
        code: int | None = None
        path: str | None = None
        if isinstance(e, OSError) and e.errno in _DISK_ERRNOS:
            code = e.errno
            path = os.fsdecode(e.filename) if isinstance(e.filename, str | bytes) else None
        elif _sqlite_full(e, where):
            code = errno.ENOSPC
        elif isinstance(e, OSError) or type(e).__module__.split(".")[0] in _STORES:
            text = str(e)  # e.g. Arrow's or DuckDB's I/O error, with no errno
            code = next((c for t, c in _DISK_TEXTS.items() if t in text), None)
        if code is not None:
            return _disk_full(code, path or (os.fspath(where) if where is not None else None))
        e = e.__cause__ or e.__context__
    return None


def _sqlite_full(e: BaseException, where: str | os.PathLike[str] | None) -> bool:
    """SQLite's "database or disk is full", or its "disk I/O error" while the disk is full (its
    WAL and shared-memory files fail so on a full disk: found by the soak, bench/soak.py)."""
    sqlite_code = getattr(e, "sqlite_errorcode", None)
    if sqlite_code is None:
        return False
    return sqlite_code == _SQLITE_FULL or (sqlite_code & 0xFF == _SQLITE_IOERR and _no_space(where))


def _no_space(where: str | os.PathLike[str] | None) -> bool:
    """Whether the disk under ``where`` has (almost) no free space left."""
    import shutil

    if where is None:
        return False
    try:
        return shutil.disk_usage(where).free < _NEARLY_NO_SPACE
    except OSError:
        return False


def _disk_full(code: int, path: str | None) -> DiskFullError:
    import shutil

    free = None
    folder = path
    while folder and not os.path.isdir(folder):
        folder = os.path.dirname(folder.rstrip(os.sep)) or None
    if folder:
        with contextlib.suppress(OSError):
            free = _size(shutil.disk_usage(folder).free)
    key = {errno.EFBIG: "disk.file_too_large", errno.EDQUOT: "disk.quota"}.get(code, "disk.full")
    if path is None:
        key += "_workspace"
    elif free is not None and code != errno.EFBIG:
        key += "_free"
    params: dict[str, Any] = {}
    if path is not None:
        params["place"] = path
    if free is not None and key.endswith("_free"):
        params["free"] = free
    return DiskFullError(path=path, code=key, **params)


def _size(n: int) -> str:
    if n < 1024:
        return f"{n:,} B"
    units = ("KiB", "MiB", "GiB", "TiB")
    size, i = n / 1024, 0
    while size >= 1024 and i < len(units) - 1:
        size, i = size / 1024, i + 1
    return f"{size:,.1f} {units[i]}"
