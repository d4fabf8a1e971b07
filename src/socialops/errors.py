"""One error tree for the whole product.

Every error a user can cause is a :class:`SocialopsError` with a message that says what went wrong
and what to do. The CLI turns them into one line and an exit status; nothing else catches them.
"""

from __future__ import annotations

__all__ = [
    "AccountError",
    "DataError",
    "EngineError",
    "EnrichError",
    "InputFileError",
    "PasswordError",
    "QueryError",
    "SettingsError",
    "SocialopsError",
    "TopicError",
    "UnknownPresetError",
    "UnsafeFileError",
    "WorkspaceError",
]


class SocialopsError(Exception):
    """Root of every error the product reports to a user."""

    exit_code: int = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InputFileError(SocialopsError):
    """A file the user named is missing, unreadable or in a format we cannot read."""

    exit_code = 2


class UnsafeFileError(InputFileError):
    """A file refused before it is read because it is over the importers' safety limits (an XLSX
    decompression bomb, a cell or row count no real export has); ``reason`` says which limit.
    Nothing was imported."""

    def __init__(self, message: str, reason: str = "") -> None:
        super().__init__(message)
        self.reason = reason or message


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

    def __init__(self, message: str, position: int | None = None) -> None:
        super().__init__(message)
        self.position = position


class TopicError(SocialopsError):
    """An unknown topic, a duplicate name, or a topic that cannot be used as asked."""

    exit_code = 2


class WorkspaceError(SocialopsError):
    """The workspace is missing, empty, or not in a state for this command."""

    exit_code = 3


class DataError(SocialopsError):
    """Data that cannot be processed as asked (e.g. an empty store for stats)."""

    exit_code = 3


class EnrichError(SocialopsError):
    """Enrichment could not finish; nothing of the run was saved."""

    exit_code = 4


class AccountError(SocialopsError):
    """A user, role, workspace membership or credential that cannot be used as asked."""

    exit_code = 2


class PasswordError(AccountError):
    """A password the policy refuses (socialops.web.passwords); ``key`` names its message in
    Korean and English (socialops.web.i18n), ``message`` is the English one."""

    def __init__(self, key: str, **params: int) -> None:
        self.key = key
        self.params = params
        super().__init__(self.text("en"))

    def text(self, lang: str) -> str:
        """The message in ``lang`` (ko or en)."""
        from socialops.web.i18n import t

        return t(self.key, lang, **self.params)
