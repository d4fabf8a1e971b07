"""The catalogue's messages that a web reader may see name no command-line flag and no
``socialops`` command: what to run next is a CLI-only hint (``<code>.cli``) or a ``cli.*``
message, which the web never shows (issue 14, item 7)."""

from __future__ import annotations

import re

import pytest
from tests.test_catalogue import _dummy

from socialops.cli.common import error_line
from socialops.errors import DataError, SettingsError
from socialops.i18n import LANGS, MESSAGES, render

FLAG = re.compile(r"(?<![\w-])--[a-z]")
COMMAND = re.compile(r"\bsocialops [a-z]")


def _cli_only(key: str) -> bool:
    return key.startswith("cli.") or key.endswith(".cli")


def _web_messages() -> list[str]:
    return sorted(k for k in MESSAGES if not _cli_only(k))


def test_the_patterns_see_flags_and_commands() -> None:
    assert FLAG.search("--from '2015-13-45' is not a date")
    assert COMMAND.search("`socialops plan list`로 확인해 주세요")
    assert not FLAG.search("2015–2016 — 10-20")
    assert not COMMAND.search("socialops 추정치")


@pytest.mark.parametrize("lang", LANGS)
def test_no_web_message_names_a_flag_or_a_command(lang: str) -> None:
    found = {}
    for key in _web_messages():
        entry = MESSAGES[key]
        text = render(key, lang, _dummy(entry["ko"]) | _dummy(entry["en"]))
        if FLAG.search(text) or COMMAND.search(text):
            found[key] = text
    assert not found, found


def test_cli_hints_belong_to_a_message() -> None:
    orphans = [k for k in MESSAGES if k.endswith(".cli") and k[: -len(".cli")] not in MESSAGES]
    assert not orphans, orphans


@pytest.mark.parametrize("lang", LANGS)
def test_an_error_the_web_shows_keeps_its_flag_for_the_cli(lang: str) -> None:
    # the web renders SocialopsError.text(lang); the CLI adds the hint with the flag
    err = SettingsError(code="enrich.zone_mismatch", have="Asia/Seoul", zone="UTC")
    assert not FLAG.search(err.text(lang))
    assert "--tz Asia/Seoul" in error_line(err)
    empty = DataError(code="store.empty")
    assert not COMMAND.search(empty.text(lang))
    assert "socialops import" in error_line(empty)
