"""The web action layer called directly (no request, no route): each action refuses a caller
without the permission (nothing changed, nothing audited), makes the change, writes its audit
entry with who and from where, and invalidates what the change makes stale — on a real home
folder (accounts database, workspace folder, analytics files)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

from socialops.errors import AccountError, TopicError
from socialops.listen.topics import list_topics
from socialops.store.workspace import Workspace
from socialops.web.accounts import MAIN, Accounts, LastOwnerError, User
from socialops.web.actions import accounts as account_actions
from socialops.web.actions import data as data_actions
from socialops.web.actions import members as member_actions
from socialops.web.actions import topics as topic_actions
from socialops.web.actions import workspaces as workspace_actions
from socialops.web.actions.base import Actor
from socialops.web.auth import Principal, WebError
from socialops.web.services import Services
from workspace_copy import copy_workspace

PASSWORD = "correct-horse-battery"
IP = "203.0.113.9"


WHO = ("owner", "analyst", "viewer", "outsider")


class Home:
    """A home folder with an owner, an analyst and a viewer of ``main`` and an outsider."""

    def __init__(self, root: Path) -> None:
        self.accounts = Accounts(root)
        self.services = Services(self.accounts)
        self.users: dict[str, User] = {}
        for who in WHO:
            user = self.accounts.user_by_email(f"{who}@example.com")
            assert user is not None
            self.users[who] = user

    def actor(self, who: str) -> Actor:
        return Actor(self.accounts, self.services, Principal(self.users[who], "token"), IP)

    def audit(self, workspace: str = MAIN) -> list[dict[str, Any]]:
        return self.accounts.audit_log(workspace, limit=100)[1]


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The users made once (a password hash takes a while); each test gets a copy."""
    root = tmp_path_factory.mktemp("actions") / "home"
    accounts = Accounts(root)
    for who in WHO:
        accounts.add_user(f"{who}@example.com", PASSWORD, role=None if who == "outsider" else who)
    return root


@pytest.fixture
def home(template: Path, tmp_path: Path) -> Any:
    copy_workspace(template, tmp_path / "home")  # its databases too (on PostgreSQL: schemas)
    h = Home(tmp_path / "home")
    yield h
    h.services.close()


def test_refused_without_permission_changes_nothing(home: Home) -> None:
    ws = home.services.workspace(MAIN)
    with pytest.raises(WebError) as refused:
        topic_actions.add_topic(home.actor("viewer"), MAIN, "Delta", "delta", "brand")
    assert (refused.value.status, refused.value.code) == (403, "forbidden")
    with pytest.raises(WebError) as hidden:  # not a member: the workspace is not revealed
        topic_actions.add_topic(home.actor("outsider"), MAIN, "Delta", "delta", "brand")
    assert (hidden.value.status, hidden.value.code) == (404, "unknown_workspace")
    for act in (
        lambda a: member_actions.invite(a, MAIN, "new@example.com", "viewer"),
        lambda a: member_actions.set_role(a, MAIN, home.users["viewer"].id, "owner"),
        lambda a: workspace_actions.delete_workspace(a, MAIN),
        lambda a: data_actions.upload(
            a, MAIN, "x.csv", io.BytesIO(b"id\n1\n"), preset="generic", mapping=None
        ),
    ):
        with pytest.raises(WebError) as exc:
            act(home.actor("viewer"))
        assert exc.value.status == 403
    assert list_topics(ws) == []
    assert home.audit() == []
    assert home.accounts.invitations(MAIN) == []
    assert home.accounts.role_of(home.users["viewer"].id, MAIN) == "viewer"
    assert not (ws.root / "uploads").exists() or not any((ws.root / "uploads").iterdir())


def test_topic_change_audited_and_caches_invalidated(home: Home) -> None:
    analyst = home.actor("analyst")
    before = home.services.version(MAIN)  # trusted for VERSION_TTL seconds unless invalidated
    tp = topic_actions.add_topic(analyst, MAIN, "Delta", "delta OR @delta", "brand")
    assert [t.name for t in list_topics(home.services.workspace(MAIN))] == ["Delta"]
    added = home.services.version(MAIN)
    assert added != before  # at once, not after the version's time to live
    entry = home.audit()[0]
    assert entry["action"] == "topic.add" and entry["target"] == tp.name
    assert entry["email"] == "analyst@example.com" and entry["ip"] == IP
    assert entry["detail"] == {"query": "delta OR @delta", "kind": "brand"}

    topic_actions.edit_topic(analyst, MAIN, "Delta", kind="competitor", new_name="Delta Air")
    assert home.services.version(MAIN) != added
    entry = home.audit()[0]
    assert (entry["action"], entry["target"]) == ("topic.edit", "Delta Air")
    assert entry["detail"] == {
        "query": "delta OR @delta",
        "kind": "competitor",
        "renamed_from": "Delta",
    }
    with pytest.raises(TopicError):
        topic_actions.remove_topic(analyst, MAIN, "Nope")
    topic_actions.remove_topic(analyst, MAIN, "Delta Air")
    assert list_topics(home.services.workspace(MAIN)) == []
    assert home.audit()[0]["action"] == "topic.remove"
    with pytest.raises(WebError) as missing:
        topic_actions.get_topic(analyst, MAIN, "Delta Air")
    assert missing.value.status == 404


def test_members_and_invitations(home: Home) -> None:
    owner = home.actor("owner")
    token, inv = member_actions.invite(owner, MAIN, "outsider@example.com", "analyst")
    assert home.audit()[0]["action"] == "invitation.create"
    with pytest.raises(WebError) as again:  # a pending invitation for a member-to-be is fine,
        member_actions.invite(owner, MAIN, "viewer@example.com", "analyst")  # a member is not
    assert again.value.status == 409 and again.value.code == "invitation_member"
    joined = member_actions.accept_invitation(home.actor("outsider"), token)
    assert joined.id == inv.id
    assert home.accounts.role_of(home.users["outsider"].id, MAIN) == "analyst"
    accepted = home.audit()[0]
    assert accepted["action"] == "invitation.accept" and accepted["email"] == "outsider@example.com"
    with pytest.raises(WebError) as used:
        member_actions.accept_invitation(home.actor("outsider"), token)
    assert used.value.status == 410

    viewer = home.users["viewer"]
    member_actions.set_role(owner, MAIN, viewer.id, "analyst")
    assert home.accounts.role_of(viewer.id, MAIN) == "analyst"
    assert home.audit()[0]["detail"] == {"role": "analyst"}
    with pytest.raises(LastOwnerError):  # the only owner stays one
        member_actions.set_role(owner, MAIN, home.users["owner"].id, "viewer")
    with pytest.raises(LastOwnerError):
        member_actions.remove_member(owner, MAIN, home.users["owner"].id)
    with pytest.raises(WebError) as nobody:
        member_actions.remove_member(owner, MAIN, 999_999)
    assert nobody.value.status == 404
    member_actions.remove_member(owner, MAIN, viewer.id)
    assert home.accounts.role_of(viewer.id, MAIN) is None
    assert home.audit()[0]["action"] == "member.remove"

    _, pending = member_actions.invite(owner, MAIN, "someone@example.com", "viewer")
    member_actions.revoke_invitation(owner, MAIN, pending.id)
    assert home.audit()[0]["action"] == "invitation.revoke"
    with pytest.raises(WebError):
        member_actions.revoke_invitation(owner, MAIN, pending.id)


def test_workspaces(home: Home) -> None:
    owner = home.actor("owner")
    with pytest.raises(WebError) as refused:  # only owners of main make workspaces
        workspace_actions.create_workspace(home.actor("analyst"), "brand-x", "Brand X")
    assert refused.value.status == 403
    workspace_actions.create_workspace(owner, "brand-x", "Brand X")
    assert Workspace(home.accounts.workspace_dir("brand-x")).exists()  # its ledger too
    assert home.audit("brand-x")[0]["action"] == "workspace.create"
    workspace_actions.rename_workspace(owner, "brand-x", " Brand Y ")
    assert home.accounts.workspace_name("brand-x") == "Brand Y"
    assert home.audit("brand-x")[0]["detail"] == {"name": "Brand Y"}
    with pytest.raises(AccountError):
        workspace_actions.delete_workspace(owner, MAIN)
    workspace_actions.delete_workspace(owner, "brand-x")
    assert home.accounts.role_of(home.users["owner"].id, "brand-x") is None
    assert not home.accounts.workspace_dir("brand-x").exists()


def test_own_account(home: Home) -> None:
    viewer = home.actor("viewer")
    token, made = account_actions.create_token(viewer, "script")
    assert home.accounts.token_user(token) == home.users["viewer"]
    with pytest.raises(WebError) as other:  # another user's token is not found
        account_actions.revoke_token(home.actor("analyst"), made["id"])
    assert other.value.status == 404
    account_actions.revoke_token(viewer, made["id"])
    assert home.accounts.token_user(token) is None
    user = account_actions.set_preferences(viewer, lang="en", tz=None)
    assert user.lang == "en"
    activity = home.accounts.account_activity(user.id, limit=10)[1]
    assert [e["action"] for e in activity[:3]] == [
        "user.preferences",
        "token.revoke",
        "token.create",
    ]
    assert all(e["ip"] == IP for e in activity[:3])
    assert home.audit() == []  # the account's own changes are in no workspace's log


@pytest.mark.slow
def test_upload_imports_enriches_and_audits(home: Home) -> None:
    analyst = home.actor("analyst")
    before = home.services.version(MAIN)
    body = b"id,text,created_at,author\n1,Great flight today,2015-02-20 10:00:00,me\n"
    out = data_actions.upload(
        analyst, MAIN, "few.csv", io.BytesIO(body), preset="generic", mapping=None
    )
    assert out["imported"] == 1 and out["enriched"] == 1 and out["source_file"] == "few.csv"
    assert home.services.version(MAIN) != before
    entry = home.audit()[0]
    assert (entry["action"], entry["target"]) == ("data.import", "few.csv")
    assert entry["detail"] == {"preset": "generic", "imported": 1, "quarantined": 0}
    uploads = home.services.workspace(MAIN).root / "uploads"
    assert not any(uploads.iterdir())  # the uploaded file is not kept


def test_upload_over_the_limit(home: Home, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(data_actions, "UPLOAD_LIMIT", 10)
    with pytest.raises(WebError) as big:
        data_actions.upload(
            home.actor("owner"),
            MAIN,
            "big.csv",
            io.BytesIO(b"id,text\n" + b"1,hello\n" * 10),
            preset="generic",
            mapping=None,
        )
    assert (big.value.status, big.value.code) == (413, "too_large")
    assert home.audit() == []
