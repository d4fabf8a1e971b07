"""The password policy (NIST SP 800-63B): each refusal, in Korean and English, and passphrases
that pass; the shipped common-password list."""

from __future__ import annotations

import secrets
import time
from pathlib import Path

import pytest

from socialops.errors import AccountError, PasswordError
from socialops.i18n import t
from socialops.web.accounts import Accounts, check_password
from socialops.web.passwords import MIN_LENGTH, common_passwords, problem

EMAIL, NAME = "ana.kim@example.com", "Ana Kim"


@pytest.mark.parametrize(
    ("password", "key"),
    [
        ("short", "password.too_short"),
        ("123456789", "password.too_short"),
        ("x" * 1025, "password.too_long"),
        ("aaaaaaaaaa", "password.repeated"),
        ("AAAAAAAAAAAAAAAA", "password.repeated"),
        ("abcabcabcabc", "password.repeated"),
        ("passpasspass", "password.repeated"),
        ("1212121212", "password.repeated"),
        ("aaaaabbbbb", "password.repeated"),
        ("1234567890", "password.sequence"),
        ("0987654321", "password.sequence"),
        ("abcdefghij", "password.sequence"),
        ("ZYXWVUTSRQ", "password.sequence"),
        ("qwertyuiop", "password.sequence"),
        ("asdfghjkl;", "password.sequence"),
        ("1q2w3e4r5t", "password.sequence"),
        ("1234abcd5678", "password.sequence"),
        ("!@#$%^&*()", "password.sequence"),
        ("ㅂㅈㄷㄱㅅㅛㅕㅑㅐㅔ", "password.sequence"),
        ("password123", "password.common"),
        ("Password123", "password.common"),
        ("iloveyou12", "password.common"),
        ("baseball2024!", "password.common"),
        ("justinbieber", "password.common"),
        ("ana.kim@example.com", "password.personal"),
        ("ANA.KIM@example.com", "password.personal"),
        ("ana.kim2024", "password.personal"),
        ("Ana Kim 1999", "password.personal"),
        ("socialops2024", "password.personal"),
    ],
)
def test_refused(password: str, key: str) -> None:
    found = problem(password, email=EMAIL, name=NAME)
    assert found is not None and found[0] == key, found
    with pytest.raises(PasswordError) as caught:
        check_password(password, email=EMAIL, name=NAME)
    err = caught.value
    assert isinstance(err, AccountError) and err.key == key
    # one line, in both languages, saying what to do
    assert err.message == err.text("en") and "\n" not in err.message and ":" in err.message
    ko = err.text("ko")
    assert ko != err.message and ko == t(key, "ko", **err.params)
    assert any("\uac00" <= c <= "\ud7a3" for c in ko)


@pytest.mark.parametrize(
    "password",
    [
        "correct-horse-battery",
        "correct horse battery staple",
        "a long enough password",
        "Violet-Canyon-Ferry-7",
        "오늘도 커피 세 잔 마셨다",
        "mY9#kq2!Lx",
        "the ana report",  # the name inside a longer phrase is fine
    ],
)
def test_passes(password: str) -> None:
    assert problem(password, email=EMAIL, name=NAME) is None
    check_password(password, email=EMAIL, name=NAME)


def test_generated_passwords_pass() -> None:
    """What `socialops user add` and the first `serve` generate is (nearly always) taken."""
    refused = [p for p in (secrets.token_urlsafe(12) for _ in range(2000)) if problem(p)]
    assert len(refused) <= 2, refused


def test_the_common_list_is_shipped_and_lowercase() -> None:
    common = common_passwords()
    assert len(common) == 40_101
    assert {"123456", "password", "qwerty", "iloveyou", "1q2w3e4r"} <= common
    assert all(p == p.lower() and p.strip() == p for p in common)
    data = Path(__file__).parents[2] / "src/socialops/web/data"
    notice = (data / "NOTICE.md").read_text("utf-8")
    assert "BSD" in notice and "MIT" in notice and "Royce Williams" in notice


def test_long_passwords_are_checked_fast() -> None:
    t0 = time.perf_counter()
    for _ in range(20):
        problem(secrets.token_hex(512))
        problem("a1" * 512)
    assert time.perf_counter() - t0 < 2


def test_accounts_apply_the_policy(tmp_path: Path) -> None:
    accounts = Accounts(tmp_path)
    with pytest.raises(PasswordError, match="e-mail address or name"):
        accounts.add_user("bo.park@example.com", "bo.park@example.com")
    with pytest.raises(PasswordError, match="repeated"):
        accounts.add_user("bo.park@example.com", "aaaaaaaaaa")
    user = accounts.add_user("bo.park@example.com", "correct horse battery", name="Bo Park")
    with pytest.raises(PasswordError, match="e-mail address or name"):
        accounts.set_password(user.id, "Bo Park 2024!")
    with pytest.raises(PasswordError, match="at least 10"):
        accounts.set_password(user.id, "x")
    assert MIN_LENGTH == 10
    assert accounts.check_credentials("bo.park@example.com", "correct horse battery") is not None
