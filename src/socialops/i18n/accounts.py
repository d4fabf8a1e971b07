"""Messages of the accounts database (:mod:`socialops.web.accounts`): users, workspaces and
their members, invitations; and of the uploads' column mapping (:mod:`socialops.web.uploads`).
Web users read them, so none names a command, a flag or a path.

The refusals of an invitation are ``error.invitation_<reason>`` (the web's own keys, one text
for the page, the API and the error); the two here are those for an inviter whose account was
deleted."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "accounts.email_invalid": (
        "'{email}'은(는) 이메일 주소가 아닙니다. name@example.com 형식으로 써 주세요.",
        "{email!r} is not an e-mail address: write it as name@example.com.",
    ),
    "accounts.user_exists": (
        "{email} 사용자가 이미 있습니다. 다른 이메일 주소를 쓰세요.",
        "A user {email} exists already: pick another e-mail address.",
    ),
    "accounts.user_missing": (
        "사용자 {user}을(를) 찾을 수 없습니다. 삭제되었을 수 있으니 목록을 새로 고쳐 주세요.",
        "No user {user}: it may have been deleted; reload the list.",
    ),
    "accounts.lang_unknown": (
        "'{lang}'은(는) 지원하지 않는 언어입니다. ko 또는 en을 고르세요.",
        "Unknown language {lang!r}: use ko or en.",
    ),
    "accounts.tz_unknown": (
        "'{tz}'은(는) 알 수 없는 시간대입니다. Asia/Seoul 같은 IANA 이름을 쓰세요.",
        "Unknown time zone {tz!r}: use an IANA name such as Asia/Seoul.",
    ),
    "accounts.role_unknown": (
        "'{role}'은(는) 없는 역할입니다. 다음 중 하나를 고르세요: {roles}.",
        "Unknown role {role!r}: use one of {roles}.",
    ),
    "accounts.workspace_missing": (
        "워크스페이스 '{workspace}'을(를) 찾을 수 없습니다.",
        "No workspace {workspace!r}.",
    ),
    "accounts.workspace_slug": (
        "워크스페이스 ID '{workspace}'은(는) 쓸 수 없습니다. 영문 소문자, 숫자, 대시로 1–40자를 "
        "쓰세요.",
        "Workspace id {workspace!r}: use 1-40 lower-case letters, digits and dashes.",
    ),
    "accounts.workspace_exists": (
        "워크스페이스 '{workspace}'이(가) 이미 있습니다. 다른 ID를 쓰세요.",
        "A workspace {workspace!r} exists already: pick another id.",
    ),
    "accounts.workspace_name_empty": (
        "워크스페이스 이름이 비어 있습니다. 이름을 써 주세요.",
        "A workspace needs a name: write one.",
    ),
    "accounts.workspace_main_kept": (
        "기본(main) 워크스페이스는 삭제할 수 없습니다 (명령줄 도구가 쓰는 워크스페이스입니다).",
        "The main workspace cannot be deleted (it is the CLI's workspace).",
    ),
    "accounts.last_owner": (
        "워크스페이스에는 소유자가 한 명 이상 있어야 합니다. 먼저 다른 사람을 소유자로 지정하세요.",
        "A workspace keeps at least one owner: make someone else owner first.",
    ),
    # a column mapping typed in the upload form (socialops.web.uploads)
    "uploads.mapping_not_json": (
        "열 매핑이 올바른 JSON이 아닙니다. 따옴표와 쉼표를 확인해 주세요.",
        "The mapping is not valid JSON: check its quotes and commas.",
    ),
    "uploads.mapping_not_object": (
        "열 매핑은 JSON 객체여야 합니다. 중괄호로 묶은 형식으로 써 주세요.",
        'The mapping must be a JSON object, e.g. one with a "columns" entry.',
    ),
    "error.invitation_expired_owner": (
        "초대가 만료되었습니다. 워크스페이스 소유자에게 새 초대를 요청하세요.",
        "This invitation has expired: ask the workspace's owner for a new one.",
    ),
    "error.invitation_revoked_owner": (
        "초대가 취소되었습니다. 워크스페이스 소유자에게 새 초대를 요청하세요.",
        "This invitation was withdrawn: ask the workspace's owner for a new one.",
    ),
}
