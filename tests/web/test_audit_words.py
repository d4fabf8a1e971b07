"""The audit log shows each action and its details in the reader's words (Korean or English),
never the recorded code (``auth.sign_in``): every action the web records has words in the
catalogue (issue 14, item 7)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from socialops.i18n import LANGS, has
from socialops.plan.workflow import TRANSITIONS
from socialops.web.pages.members import audit_action, audit_detail

SRC = Path(__file__).resolve().parents[2] / "src" / "socialops"
# an audit call with its action written out: .audit(access, "topic.add", ...), audit_own("x.y"),
# the CLI's accounts.audit(\n "user.add", ...)
_CALL = re.compile(r"\baudit(?:_own)?\(\s*(?:[\w.]+,\s*)?(?:action=)?\"([a-z_]+\.[a-z_]+)\"", re.S)
_KEYWORD = re.compile(r"\baction=\"([a-z_]+\.[a-z_]+)\"")


def recorded_actions() -> set[str]:
    found: set[str] = set()
    for path in [*(SRC / "web").rglob("*.py"), *(SRC / "cli").rglob("*.py")]:
        text = path.read_text(encoding="utf-8")
        found |= set(_CALL.findall(text)) | set(_KEYWORD.findall(text))
    found |= {f"plan.{t.action}" for t in TRANSITIONS}  # actions.plans.move_plan
    found |= {"plan.channel_add", "plan.channel_remove"}  # actions.plans: plan.channel_{op}
    return found


def test_the_scan_finds_the_actions() -> None:
    found = recorded_actions()
    want = {"auth.sign_in", "topic.add", "data.import", "member.remove", "user.add"}
    assert want <= found, found


@pytest.mark.parametrize("lang", LANGS)
def test_every_recorded_action_has_words(lang: str) -> None:
    missing = sorted(a for a in recorded_actions() if not has(f"audit.action.{a}"))
    assert not missing, missing
    for action in recorded_actions():
        words = audit_action(action, lang)
        assert words != action and "." not in words and "_" not in words, (action, words)
        assert bool(re.search("[가-힣]", words)) == (lang == "ko"), (action, words)


def test_details_in_words() -> None:
    detail = {"query": "boeing", "state": "in_review", "ok": True, "custom": 3}
    assert audit_detail(detail, "ko") == "검색식: boeing, 상태: 검토 중, 성공: 예, custom: 3"
    assert (
        audit_detail(detail, "en") == "query: boeing, state: In review, succeeded: yes, custom: 3"
    )
    assert audit_detail({"role": "owner", "by": "cli"}, "ko") == "역할: 소유자, 경로: 명령줄"
    assert audit_detail(None, "ko") == ""
    assert audit_action("new.thing", "ko") == "new.thing"  # unknown: shown as recorded
